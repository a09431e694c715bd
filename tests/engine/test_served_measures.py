"""The served-search measures of `make eval` (issue 20): photo search and KAGL text-to-image, run on
their own by the CLI over the demo catalogue's served index, and kept in reports/eval.md."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from retrieval.cli import app
from retrieval.evaluation.kagl import kagl, load_ground_truth, recall_at
from retrieval.evaluation.sections import splice_saved


def _demo_env(monkeypatch, settings) -> None:
    monkeypatch.setenv("FASHIONBOT_VAR", str(settings.var_dir))
    monkeypatch.setenv("FASHIONBOT_DB_URL", settings.db_url)
    monkeypatch.setenv("FASHIONBOT_INDEX", str(settings.index_dir))


def test_recall_is_beirs_share_of_the_relevant_products():
    assert recall_at([[1, 2, 3], [5, 6]], [{1, 9}, {7}], 2) == 0.25
    assert recall_at([[1, 2, 3]], [{3}], 3) == 1.0 and recall_at([[1, 2, 3]], [{3}], 2) == 0.0


def test_kagl_ground_truth_names_its_source_and_the_leaderboard():
    truth = load_ground_truth()
    assert "marqo-ai/marqo-FashionCLIP" in truth["source"] and len(truth["queries"]) == 2000
    assert truth["leaderboard"]["recall_at_10"]["Marqo-FashionSigLIP"] == 0.489
    assert all(q["text"] and q["relevant"] for q in truth["queries"])


def test_kagl_on_the_demo_catalogue(demo_engine):
    """The KAGL names whose products the demo holds: both rankings find most of them (the gallery
    is small and mostly training data), and reading the name's words only adds to the joint space."""
    result = kagl(demo_engine, limit=80, log=lambda _: None)
    assert result["queries"] == 80 and result["gallery"] == 2993
    joint, served = result["joint_space"], result["served"]
    assert 0.5 < joint["recall@10"] <= served["recall@10"] <= 1.0
    assert joint["recall@1"] <= joint["recall@10"] and served["recall@1"] <= served["recall@10"]
    assert 0.75 < result["gallery_train_share"] < 0.85


def test_eval_photo_runs_on_its_own_and_stays_in_the_report(demo_engine, demo_settings, monkeypatch, tmp_path):
    _demo_env(monkeypatch, demo_settings)
    (tmp_path / "eval.md").write_text("# Evaluation on the held-out test split\n\n## 1. Concept prediction\n")
    out = CliRunner().invoke(app, ["eval", "photo", "--reports", str(tmp_path), "--limit", "40"])
    assert out.exit_code == 0, out.output
    saved = json.loads((tmp_path / "photo_search.json").read_text())
    assert saved["queries"] == 40 and 0.3 < saved["type_precision"] <= 1.0
    report = (tmp_path / "eval.md").read_text()
    assert "## 1. Concept prediction" in report and "## 5. Photo search" in report
    assert f"| type precision@5 | {saved['type_precision']:.3f} |" in report

    (tmp_path / "eval.md").write_text("# Evaluation on the held-out test split\n\n## 1. Concept prediction\n")
    splice_saved(tmp_path)  # what `fashionbot eval` does after rewriting the report
    splice_saved(tmp_path)
    assert (tmp_path / "eval.md").read_text().count("## 5. Photo search") == 1
