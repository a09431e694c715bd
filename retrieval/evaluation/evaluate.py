"""``fashionbot eval``: the checkpoint and its baselines on the held-out test split.

The model-only measures (concept prediction, per-concept gains, cross-modal retrieval) come from
the model library (``models/evaluation/``); attribute-manipulation retrieval is scored here, by
the engine's own ranking (``retrieval/evaluation/amr.py``), so the report and the engine cannot disagree.
Writes ``reports/eval.md``, ``eval.json``, ``amr_queries.json`` and PNG plots, and the evaluation
section of the checkpoint's model card, and keeps the sections that ``fashionbot eval photo`` and
``fashionbot eval kagl`` splice in (``sections.py``). ``case_studies`` runs ``fashionbot eval case-studies``.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable

import numpy as np

from models.data import ProductSet
from models.evaluation.card import update_card
from models.evaluation.measures import MAIN_LABEL, model_measures, models_under_test
from models.evaluation.report import display_path, write_reports
from models.features import FeatureSet
from models.train import prepare_split
from models.tree import EITree

from .sections import splice_saved
from .amr import QUERIES_FILE, evaluated_labels, make_amr_queries, save_queries, score_models
from retrieval.ranking.search import SearchConfig

MAIN_AMR = f"{MAIN_LABEL}: concept edit"  # the checkpoint's row: what the engine serves


def default_text_encoder() -> Callable[[list[str]], np.ndarray]:
    """MiniLM from its package (offline), as a function of a list of texts."""
    from models.encoders import TextBackbone

    backbone = TextBackbone()
    return lambda texts: backbone.encode(texts).numpy()


def evaluate(checkpoint: Path | str, products: ProductSet, tree: EITree, features: FeatureSet,
             baseline_dir: Path | str, report_dir: Path | str = "reports", search_config: SearchConfig | None = None,
             text_encoder: Callable[[list[str]], np.ndarray] | None = None, amr_per_count: int = 1000,
             seed: int = 0, retrain_baselines: bool = False, log: Callable[[str], None] = print) -> dict:
    """Evaluate the checkpoint and the baselines (trained into ``baseline_dir`` when missing or
    stale) on the test split; write the reports and the model card's evaluation section.
    Attribute manipulation is ranked with ``search_config`` (the engine's served one by default).
    Returns the results (as in ``eval.json``)."""
    started = time.perf_counter()
    report_dir = Path(report_dir)
    report_dir.mkdir(parents=True, exist_ok=True)
    entries = models_under_test(checkpoint, products, tree, features, baseline_dir, retrain_baselines, log)
    test = prepare_split(products, tree, features, "test")
    log(f"evaluating on {len(test)} test products ({time.perf_counter() - started:.0f} s)")
    results = {"checkpoint": display_path(checkpoint), "test_products": len(test), "seed": seed,
               "features_key": features.key, "catalog_fingerprint": products.fingerprint,
               **model_measures(entries, tree, test)}
    log(f"concepts and cross-modal done ({time.perf_counter() - started:.0f} s)")
    labels = [evaluated_labels(tree, set(p.labels)) for p in products.split("test", features.ids)]
    queries = make_amr_queries(tree, test.ids, labels, per_count=amr_per_count, seed=seed)
    results["amr"] = score_models([(e.label, e.model) for e in entries], tree, features.subset(test.ids), queries,
                                  search_config or SearchConfig(), text_encoder or default_text_encoder())
    results["seconds"] = round(time.perf_counter() - started, 1)
    write_reports(results, tree, report_dir)
    splice_saved(report_dir)  # the photo-search and KAGL sections, when measured (`fashionbot eval photo|kagl`)
    save_queries(report_dir / QUERIES_FILE, queries, seed)
    update_card(Path(checkpoint).with_suffix(".json"), results, MAIN_LABEL)
    log(f"evaluation written to {report_dir} in {results['seconds']} s")
    return results


def reported_amr(report_dir: Path | str) -> dict | None:
    """The checkpoint's attribute-manipulation numbers in ``eval.json`` (by number of changes), if
    there is one: what ``fashionbot eval-engine`` must reproduce through ``Engine.search``."""
    path = Path(report_dir) / "eval.json"
    if not path.exists():
        return None
    return json.loads(path.read_text())["amr"]["models"].get(MAIN_AMR, {}).get("by_changes")


def case_studies(engine, report_dir: Path | str = "reports", cache_dir: Path | None = None,
                 skip_resolution: bool = False, settings=None, transform=None, progress: bool = True,
                 log: Callable[[str], None] = print) -> dict:
    """``fashionbot eval case-studies``: the served heatmaps measured on the engine's catalogue's test
    split (``models/evaluation/case_report.py``); the collected maps are cached under
    ``var/case_studies/``. Returns the results (as in ``case_studies.json``)."""
    import dataclasses

    from models.evaluation.case_report import CaseSettings, run_case_studies

    from .training import labelled_products

    settings = settings or CaseSettings()
    if skip_resolution:
        settings = dataclasses.replace(settings, designs=())
    products = labelled_products(engine.catalog.products(), engine.tree, engine.catalog.fingerprint)
    return run_case_studies(engine.model, engine.tree, products, engine.catalog.source, Path(report_dir),
                            cache_dir or engine.settings.var_dir / "case_studies", engine.settings.checkpoint,
                            engine.heatmap_head_path, settings, transform=transform, progress=progress, log=log)
