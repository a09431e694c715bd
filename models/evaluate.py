"""Evaluation on the held-out test split (``fashionbot eval``): concept prediction, cross-modal
retrieval and attribute-manipulation retrieval, for the EI-tree model and its baselines.

The models only see the test products' features; labels are used for scoring alone. Writes
``reports/eval.md``, ``reports/eval.json``, ``reports/amr_queries.json`` and PNG plots, and adds
the headline numbers to the main checkpoint's model card. Never imported by the engine.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from retrieval.search import similarity_levels

from .tree import EITree

CATEGORY_LEVELS = ("master", "sub", "type")
ROOT_LEVELS = ("colour", "gender", "usage", "season")
AMR_CHANGEABLE_ROOT = ("colour", "gender")  # root facets a shopper changes; usage and season are not visual
TOPK = (10, 30, 50)
EMB_WEIGHT_GRID = (0.0, 0.25, 0.5, 1.0, 2.0)
IMPOSSIBLE = -1e4  # log-probability of an edited-away value (finite: path sums are a matmul)


# ---------------------------------------------------------------------------- basic metrics
def recall_at_k(scores: torch.Tensor | np.ndarray, k: int) -> float:
    """Share of queries (rows) whose match (the same index, the diagonal) ranks in the top k."""
    scores = torch.as_tensor(scores)
    positive = scores.diagonal()[:, None]
    rank = (scores > positive).sum(dim=1)  # (Q,) items strictly better than the match
    return float((rank < k).float().mean())


def group_predictions(probs: torch.Tensor, group_index: torch.Tensor, group_valid: torch.Tensor) -> torch.Tensor:
    """(N, K) probabilities -> (N, G) position of the most probable member of each exclusive group."""
    grouped = probs[:, group_index].masked_fill(~group_valid, float("-inf"))  # (N, G, L)
    return grouped.argmax(dim=-1)


def group_accuracy(probs, group_index, group_valid, group_targets) -> float:
    """Micro accuracy of the argmax within each exclusive group, over labelled (product, group) pairs."""
    known = group_targets >= 0
    correct = (group_predictions(probs, group_index, group_valid) == group_targets) & known
    return float(correct.sum() / known.sum().clamp_min(1))


def average_precision(scores: np.ndarray, labels: np.ndarray) -> float:
    """Average precision of one binary ranking (ties broken by order); nan without positives."""
    if labels.sum() == 0:
        return float("nan")
    order = np.argsort(-scores, kind="stable")
    hits = labels[order].astype(np.float64)
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float((precision * hits).sum() / hits.sum())


# ---------------------------------------------------------------------------- 1. concept prediction
def concept_levels(tree: EITree) -> list[str]:
    """Report levels: category levels, root facets, then attribute types by support."""
    support: dict[str, int] = {}
    for nid in tree.order:
        node = tree.nodes[nid]
        if node.kind == "value" and node.group not in ROOT_LEVELS:
            support[node.group] = support.get(node.group, 0) + node.support
    attrs = sorted(support, key=lambda g: -support[g])
    return [*CATEGORY_LEVELS, *ROOT_LEVELS, *attrs]


def level_accuracy(tree: EITree, probs: np.ndarray, positive: np.ndarray) -> dict[str, dict]:
    """Accuracy per level over the products labelled at that level.

    Category levels (master/sub/type): argmax of P(concept) over every concept of the level (a
    classification among all article types, not only the true parent's children). Other levels:
    argmax among the members of the exclusive group the product is labelled in."""
    out: dict[str, dict] = {}
    for level in CATEGORY_LEVELS:
        dims = np.asarray([tree.index[n] for n in tree.order
                           if tree.nodes[n].group == level and tree.nodes[n].kind == "category"])
        rows = positive[:, dims].any(axis=1)
        pred = dims[probs[rows][:, dims].argmax(axis=1)]
        correct = positive[rows][np.arange(rows.sum()), pred]
        out[level] = {"acc": float(correct.mean()) if rows.any() else float("nan"), "n": int(rows.sum())}
    tallies: dict[str, list[int]] = {}
    for members in tree.exclusive_groups:
        level = tree.nodes[tree.order[members[0]]].group
        if level in CATEGORY_LEVELS:
            continue
        dims = np.asarray(members)
        rows = positive[:, dims].any(axis=1)
        if not rows.any():
            continue
        pred = dims[probs[rows][:, dims].argmax(axis=1)]
        hits = int(positive[rows][np.arange(rows.sum()), pred].sum())
        tally = tallies.setdefault(level, [0, 0])
        tally[0] += hits
        tally[1] += int(rows.sum())
    for level, (hits, n) in tallies.items():
        out[level] = {"acc": hits / n, "n": n}
    return {level: out[level] for level in concept_levels(tree) if level in out}


def per_concept_ap(probs: np.ndarray, positive: np.ndarray, known: np.ndarray, dims) -> dict[int, float]:
    """AP of P(concept) over the products where the concept is known, for concepts with positives and negatives."""
    out = {}
    for dim in dims:
        rows = known[:, dim]
        labels = positive[rows, dim]
        if labels.any() and not labels.all():
            out[int(dim)] = average_precision(probs[rows, dim], labels)
    return out


def independent_scores(tree: EITree, probs: np.ndarray, positive: np.ndarray, known: np.ndarray) -> dict:
    """Mean AP and ROC AUC over the independent nodes that have labelled positives and negatives."""
    from sklearn.metrics import roc_auc_score

    aps, aucs = [], []
    for dim in tree.independent_nodes:
        rows = known[:, dim]
        labels = positive[rows, dim]
        if labels.any() and not labels.all():
            aps.append(average_precision(probs[rows, dim], labels))
            aucs.append(float(roc_auc_score(labels, probs[rows, dim])))
    return {"mean_ap": float(np.mean(aps)) if aps else float("nan"),
            "mean_auc": float(np.mean(aucs)) if aucs else float("nan"), "nodes": len(aps)}


def concept_report(tree: EITree, probs: np.ndarray, positive: np.ndarray, known: np.ndarray) -> dict:
    """Section 1 for one (model, mode): level accuracies, independent AP/AUC and mAP over all concepts."""
    scored = [d for d in range(len(tree.order)) if d not in set(tree.pass_through_nodes)]
    aps = per_concept_ap(probs, positive, known, scored)
    return {"levels": level_accuracy(tree, probs, positive),
            "independent": independent_scores(tree, probs, positive, known),
            "concept_map": float(np.mean(list(aps.values()))), "concept_ap": aps}


# ---------------------------------------------------------------------------- 3. attribute manipulation
def evaluated_labels(tree: EITree, labels: set[str]) -> dict[str, str]:
    """The labels the manipulation protocol compares, keyed by exclusive group (the parent's id):
    the category path, colour, gender, and the exclusive attributes attached to the master or
    sub category (shared by every article type below, so a type change keeps them comparable)."""
    out = {}
    for cid in labels:
        node = tree.nodes[cid]
        parent = tree.nodes[node.parent]
        if node.kind == "category":
            out[parent.id] = cid
        elif parent.id in AMR_CHANGEABLE_ROOT:
            out[parent.id] = cid
        elif parent.kind == "facet" and parent.mode == "E" and tree.nodes[parent.parent].group in ("master", "sub"):
            out[parent.id] = cid
    return out


def changeable_groups(tree: EITree, reference: dict[str, str]) -> list[str]:
    """Groups of a reference a query may change: article type (within its sub-category), colour,
    gender and the attached attributes (not the master or sub category)."""
    return sorted(g for g, cid in reference.items()
                  if tree.nodes[cid].group not in ("master", "sub") and len(tree.nodes[g].children) > 1)


def label_key(labels: dict[str, str]) -> frozenset:
    return frozenset(labels.items())


def amr_targets(reference: dict[str, str], changes: dict[str, str], index: dict[frozenset, list[int]]) -> list[int]:
    """Products whose evaluated labels equal the reference's, except the changed groups, which take
    the new values. ``index`` maps ``label_key(evaluated labels)`` to product ids (``index_labels``);
    a group missing on one side counts as a value (missing must match missing)."""
    return list(index.get(label_key({**reference, **changes}), []))


def index_labels(ids, labels: list[dict[str, str]]) -> dict[frozenset, list[int]]:
    """``label_key`` -> product ids, for ``amr_targets``."""
    index: dict[frozenset, list[int]] = {}
    for pid, lab in zip(ids, labels):
        index.setdefault(label_key(lab), []).append(int(pid))
    return index


def make_amr_queries(tree: EITree, ids, labels: list[dict[str, str]], changes_per_query=(1, 2, 3),
                     per_count: int = 1000, seed: int = 0, attempts: int = 40) -> list[dict]:
    """Seeded queries: a reference product plus n changes, each to another member of a distinct
    exclusive group the reference is labelled in; only queries with at least one target are kept."""
    rng = np.random.default_rng(seed)
    index = index_labels(ids, labels)
    queries = []
    for n in changes_per_query:
        kept, seen = 0, set()
        for _ in range(per_count * attempts):
            if kept >= per_count:
                break
            row = int(rng.integers(len(ids)))
            groups = changeable_groups(tree, labels[row])
            if len(groups) < n:
                continue
            chosen = sorted(rng.choice(groups, size=n, replace=False).tolist())
            changes = {}
            for group in chosen:
                old = labels[row][group]
                options = [c for c in tree.nodes[group].children
                           if c != old and tree.nodes[c].kind == tree.nodes[old].kind]
                changes[group] = options[int(rng.integers(len(options)))]
            key = (row, tuple(sorted(changes.items())))
            targets = amr_targets(labels[row], changes, index)
            if not targets or key in seen:
                continue
            seen.add(key)
            queries.append({"reference": int(ids[row]), "changes": [
                {"group": g, "level": tree.nodes[changes[g]].group, "old": labels[row][g], "new": changes[g]}
                for g in chosen], "targets": targets})
            kept += 1
    return queries


def hierarchical_similarity(query_probs: torch.Tensor, gallery_probs: torch.Tensor, query_emb: torch.Tensor,
                            gallery_emb: torch.Tensor, levels: dict[str, np.ndarray], emb_weight: float) -> torch.Tensor:
    """(Q, N) similarity: the mean over levels of the cosine between the level's concept
    probabilities, plus ``emb_weight`` times the joint-embedding cosine."""
    total = emb_weight * (query_emb @ gallery_emb.T)
    for dims in levels.values():
        dims = torch.as_tensor(dims)
        q = torch.nn.functional.normalize(query_probs[:, dims], dim=1)
        g = torch.nn.functional.normalize(gallery_probs[:, dims], dim=1)
        total = total + (q @ g.T) / len(levels)
    return total


def edit_tree_probs(cond_log_probs: torch.Tensor, edits: list[list[tuple[list[int], int]]], structure) -> torch.Tensor:
    """Concept-space edit for the EI tree: in each changed group the conditional probability mass
    moves to the new value, then path probabilities are recomputed (descendants follow)."""
    cond = cond_log_probs.clone()
    for row, changes in enumerate(edits):
        for group_dims, new_dim in changes:
            cond[row, group_dims] = IMPOSSIBLE
            cond[row, new_dim] = 0.0
    return structure.path_log_probs(cond).exp()


def edit_flat_probs(probs: torch.Tensor, edits: list[list[tuple[list[int], int]]]) -> torch.Tensor:
    """Concept-space edit for the flat head: the group's members to 0, the new value to 1."""
    probs = probs.clone()
    for row, changes in enumerate(edits):
        for group_dims, new_dim in changes:
            probs[row, group_dims] = 0.0
            probs[row, new_dim] = 1.0
    return probs


def query_edits(tree: EITree, queries: list[dict]) -> list[list[tuple[list[int], int]]]:
    """Each query's changes as (group member dims, new dim)."""
    out = []
    for query in queries:
        changes = []
        for change in query["changes"]:
            old = tree.nodes[change["old"]]
            members = [tree.index[c] for c in tree.nodes[change["group"]].children
                       if tree.nodes[c].kind == old.kind]
            changes.append((members, tree.index[change["new"]]))
        out.append(changes)
    return out


def topk_hits(scores: torch.Tensor, query_rows: list[int], target_rows: list[list[int]], ks=TOPK) -> dict[int, np.ndarray]:
    """Per query, whether a target ranks in the top k of the gallery (the reference itself excluded)."""
    scores = scores.clone()
    scores[torch.arange(len(query_rows)), torch.as_tensor(query_rows)] = float("-inf")
    best = torch.stack([scores[q, torch.as_tensor(t)].max() for q, t in enumerate(target_rows)])  # (Q,)
    rank = (scores > best[:, None]).sum(dim=1).numpy()
    return {k: rank < k for k in ks}


def amr_summary(queries: list[dict], hits: dict[int, np.ndarray]) -> dict:
    """Top-k accuracy by number of changes, and for single changes by the changed level."""
    counts = np.asarray([len(q["changes"]) for q in queries])
    first_level = np.asarray([q["changes"][0]["level"] for q in queries])

    def summarise(rows):
        return {f"top{k}": float(h[rows].mean()) for k, h in hits.items()} | {"queries": int(rows.sum())}

    by_changes = {str(n): summarise(counts == n) for n in sorted(set(counts.tolist()))}
    single = {level: summarise((counts == 1) & (first_level == level))
              for level in sorted(set(first_level[counts == 1].tolist()))}
    return {"by_changes": by_changes, "single_by_level": single}


@dataclass
class AMRData:
    """Queries over one split with the rows of their references and targets."""

    queries: list[dict]
    ref_rows: list[int]
    target_rows: list[list[int]]
    edits: list[list[tuple[list[int], int]]]

    @classmethod
    def build(cls, tree: EITree, ids: np.ndarray, label_sets: list[set[str]], per_count: int, seed: int) -> "AMRData":
        labels = [evaluated_labels(tree, lab) for lab in label_sets]
        queries = make_amr_queries(tree, ids, labels, per_count=per_count, seed=seed)
        row_of = {int(pid): row for row, pid in enumerate(ids)}
        return cls(queries, [row_of[q["reference"]] for q in queries],
                   [[row_of[t] for t in q["targets"]] for q in queries], query_edits(tree, queries))


def amr_concept_scores(model, rep: dict, data: AMRData, levels, emb_weight: float) -> torch.Tensor:
    """(Q, N) scores of the concept-space edit (EI-tree or flat head) with the hierarchical similarity."""
    rows = torch.as_tensor(data.ref_rows)
    if model.config.concept_head == "ei_tree":
        edited = edit_tree_probs(rep["concept_cond_log_probs"][rows], data.edits, model.concepts.structure)
    else:
        edited = edit_flat_probs(rep["concept_probs"][rows], data.edits)
    return hierarchical_similarity(edited, rep["concept_probs"], rep["emb"][rows], rep["emb"], levels, emb_weight)


def amr_offset_scores(model, rep: dict, data: AMRData, name_text: dict[str, np.ndarray]) -> torch.Tensor:
    """(Q, N) scores of the latent-space edit: emb(ref) - text_emb(old name) + text_emb(new name)."""
    ids = sorted({c[k] for q in data.queries for c in q["changes"] for k in ("old", "new")})
    with torch.no_grad():
        model.eval()
        names = model.encode_text(torch.as_tensor(np.stack([name_text[c] for c in ids])))
    offset_of = dict(zip(ids, names))
    query = rep["emb"][torch.as_tensor(data.ref_rows)].clone()
    for row, q in enumerate(data.queries):
        for change in q["changes"]:
            query[row] += offset_of[change["new"]] - offset_of[change["old"]]
    return torch.nn.functional.normalize(query, dim=1) @ rep["emb"].T


def tune_emb_weight(model, rep: dict, data: AMRData, levels) -> tuple[float, dict]:
    """The embedding weight of the hierarchical similarity with the best mean top-30 on these
    (validation) queries."""
    results = {}
    for weight in EMB_WEIGHT_GRID:
        hits = topk_hits(amr_concept_scores(model, rep, data, levels, weight), data.ref_rows, data.target_rows, (30,))
        results[weight] = float(hits[30].mean())
    return max(results, key=results.get), results


# ---------------------------------------------------------------------------- models under test
@dataclass
class Entry:
    """A model under evaluation and its representations of the test (and val) products."""

    label: str  # row name in the tables
    model: object
    modes: dict[str, dict] = field(default_factory=dict)  # mode -> represent() output on test
    val: dict | None = None  # represent() output on val (the retrieval mode)

    @property
    def retrieval_mode(self) -> str:
        return "image+text" if "image+text" in self.modes else "image"


def represent_modes(model, data) -> dict[str, dict]:
    """Representations from image only, text only and image+text (those the model supports)."""
    image = {"image_maps": data.image_maps, "image_colour": data.image_colour}
    modes = {"image": model.represent(**image)}
    if model.text is not None:
        modes["text"] = model.represent(text=data.text)
        modes["image+text"] = model.represent(**image, text=data.text)
    return modes


def _table(header: list[str], rows: list[list]) -> str:
    def fmt(v):
        if isinstance(v, float):
            return "n/a" if np.isnan(v) else f"{v:.3f}"
        return str(v)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def visual_spread(image_maps: torch.Tensor, positive: np.ndarray, dims, min_positives: int = 10) -> dict[int, float]:
    """Per concept, the mean cosine distance of its products' pooled backbone features (standardised)
    to their centroid: how varied the concept looks, independent of any trained head."""
    feats = image_maps.flatten(1)  # (N, C)
    feats = torch.nn.functional.normalize((feats - feats.mean(0)) / feats.std(0).clamp_min(1e-3), dim=1)
    out = {}
    for dim in dims:
        rows = np.flatnonzero(positive[:, dim])
        if len(rows) >= min_positives:
            members = feats[rows]
            centroid = torch.nn.functional.normalize(members.mean(0), dim=0)
            out[int(dim)] = float(1 - (members @ centroid).mean())
    return out


def concept_gains(tree: EITree, reports: dict, spread: dict[int, float]) -> dict:
    """Per-concept AP gain of image+text over image only, sorted, with Spearman correlations of the
    gain with visual spread and with the text-only AP (how easy the concept is to put in words)."""
    from scipy.stats import spearmanr

    joint, image, text = (reports[m]["concept_ap"] for m in ("image+text", "image", "text"))
    dims = [d for d in joint if d in image]
    rows = sorted(({"concept": tree.order[d], "name": tree.nodes[tree.order[d]].name,
                    "group": tree.nodes[tree.order[d]].group, "ap_image": image[d], "ap_text": text.get(d, float("nan")),
                    "ap_joint": joint[d], "gain": joint[d] - image[d], "visual_spread": spread.get(d)}
                   for d in dims), key=lambda r: -r["gain"])
    with_spread = [r for r in rows if r["visual_spread"] is not None]
    rho_spread = spearmanr([r["gain"] for r in with_spread], [r["visual_spread"] for r in with_spread])[0]
    with_text = [r for r in rows if not np.isnan(r["ap_text"])]
    rho_text = spearmanr([r["gain"] for r in with_text], [r["ap_text"] for r in with_text])[0]
    return {"concepts": rows, "spearman_gain_vs_visual_spread": float(rho_spread),
            "spearman_gain_vs_text_ap": float(rho_text), "concepts_with_spread": len(with_spread),
            "mean_gain": float(np.mean([r["gain"] for r in rows]))}


def default_text_encoder() -> Callable[[list[str]], np.ndarray]:
    """MiniLM from its package (offline), as a function of a list of texts."""
    from .encoders import TextBackbone

    backbone = TextBackbone()
    return lambda texts: backbone.encode(texts).numpy()


def _entries(checkpoint, tree, catalog, features, baseline_dir, retrain_baselines, log):
    from .baselines import BASELINES, ensure_baselines
    from .factory import load_checkpoint

    main = load_checkpoint(checkpoint, tree)
    baselines = ensure_baselines(catalog, tree, features, baseline_dir, main.config_full, retrain_baselines, log)
    return [Entry("EI tree (ours)", main)] + [Entry(BASELINES[n], m) for n, m in baselines.items()]


def evaluate(checkpoint: Path | str, catalog, tree: EITree, features, report_dir: Path | str = "reports",
             baseline_dir: Path | str | None = None, text_encoder: Callable[[list[str]], np.ndarray] | None = None,
             amr_per_count: int = 1000, seed: int = 0, retrain_baselines: bool = False,
             log: Callable[[str], None] = print) -> dict:
    """Evaluate the checkpoint and the baselines on the test split; write the reports and add the
    headline numbers to the checkpoint's model card. Returns the results (as in ``eval.json``)."""
    from retrieval.settings import get_settings

    from .train import prepare_split

    started = time.perf_counter()
    report_dir = Path(report_dir)
    report_dir.mkdir(parents=True, exist_ok=True)
    baseline_dir = Path(baseline_dir or get_settings().var_dir / "checkpoints" / "baselines")
    entries = _entries(checkpoint, tree, catalog, features, baseline_dir, retrain_baselines, log)
    test, val = prepare_split(catalog, tree, features, "test"), prepare_split(catalog, tree, features, "val")
    positive = test.targets.concept_targets.numpy() > 0
    known = test.targets.concept_mask.numpy()
    for entry in entries:
        entry.modes = represent_modes(entry.model, test)
        entry.val = represent_modes(entry.model, val)[entry.retrieval_mode]
    log(f"evaluating on {len(test)} test products ({time.perf_counter() - started:.0f} s)")

    results = {"checkpoint": _display_path(checkpoint), "test_products": len(test), "seed": seed,
               "features_key": features.key, "catalog_fingerprint": catalog.fingerprint}
    results["concepts"] = {e.label: {mode: concept_report(tree, rep["concept_probs"].numpy(), positive, known)
                                     for mode, rep in e.modes.items()}
                           for e in entries if e.model.concepts is not None}
    main_reports = results["concepts"][entries[0].label]
    spread = visual_spread(test.image_maps, positive, range(len(tree.order)))
    results["gains"] = concept_gains(tree, main_reports, spread)
    results["cross_modal"] = {e.label: cross_modal(e) for e in entries if "image+text" in e.modes}
    log(f"concepts and cross-modal done ({time.perf_counter() - started:.0f} s)")
    results["amr"], amr_queries = attribute_manipulation(entries, tree, test, val, amr_per_count, seed,
                                                         text_encoder or default_text_encoder())
    results["seconds"] = round(time.perf_counter() - started, 1)
    write_reports(results, amr_queries, tree, report_dir)
    update_card(Path(checkpoint).with_suffix(".json"), results, entries[0].label)
    log(f"evaluation written to {report_dir} in {results['seconds']} s")
    return results


def _display_path(path) -> str:
    """The path relative to the working directory when it lies below it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def cross_modal(entry: Entry) -> dict:
    """Text-to-image and image-to-text R@1/5/10 over the test split."""
    scores = entry.modes["image"]["emb"] @ entry.modes["text"]["emb"].T  # (N, N) images x texts
    return {f"{name}_r{k}": recall_at_k(s, k) for name, s in (("i2t", scores), ("t2i", scores.T)) for k in (1, 5, 10)}


def attribute_manipulation(entries: list[Entry], tree: EITree, test, val, per_count: int, seed: int,
                           text_encoder: Callable[[list[str]], np.ndarray]) -> tuple[dict, list[dict]]:
    """Section 3: seeded test queries; concept-space edits with the hierarchical similarity (the
    embedding weight tuned per model on validation queries) and text-offset edits."""
    label_sets = [{tree.order[d] for d in np.flatnonzero(row)} for row in test.targets.concept_targets.numpy() > 0]
    test_q = AMRData.build(tree, test.ids, label_sets, per_count, seed)
    val_sets = [{tree.order[d] for d in np.flatnonzero(row)} for row in val.targets.concept_targets.numpy() > 0]
    val_q = AMRData.build(tree, val.ids, val_sets, max(per_count // 3, 50), seed + 1)
    levels = similarity_levels(tree)
    concepts = [c for c in tree.order if tree.nodes[c].kind not in ("root", "facet")]
    name_text = dict(zip(concepts, text_encoder([tree.nodes[c].name for c in concepts])))
    out = {"queries": {str(n): sum(len(q["changes"]) == n for q in test_q.queries) for n in (1, 2, 3)}, "models": {}}
    for entry in entries:
        rep = entry.modes[entry.retrieval_mode]
        if entry.model.concepts is not None:
            weight, grid = tune_emb_weight(entry.model, entry.val, val_q, levels)
            scores = amr_concept_scores(entry.model, rep, test_q, levels, weight)
            out["models"][f"{entry.label}: concept edit"] = {
                "mode": entry.retrieval_mode, "emb_weight": weight, "val_top30_by_weight": grid,
                **amr_summary(test_q.queries, topk_hits(scores, test_q.ref_rows, test_q.target_rows))}
        if entry.model.text is not None:
            scores = amr_offset_scores(entry.model, rep, test_q, name_text)
            out["models"][f"{entry.label}: text-offset edit"] = {
                "mode": entry.retrieval_mode,
                **amr_summary(test_q.queries, topk_hits(scores, test_q.ref_rows, test_q.target_rows))}
    return out, test_q.queries


# ---------------------------------------------------------------------------- reports
def write_reports(results: dict, queries: list[dict], tree: EITree, report_dir: Path) -> None:
    """eval.json, amr_queries.json, eval.md and the PNG plots."""
    (report_dir / "eval.json").write_text(json.dumps(_jsonable(results), indent=1) + "\n")
    (report_dir / "amr_queries.json").write_text(json.dumps(
        {"seed": results["seed"], "protocol": "reference + n changes, each within one exclusive group; targets "
         "match the reference on category path, colour, gender and master/sub attributes except the "
         "changed groups", "queries": queries}) + "\n")
    plot_levels(results, report_dir / "concept_accuracy.png")
    plot_gains(results["gains"], report_dir / "concept_gains.png")
    plot_amr(results["amr"], report_dir / "amr_topk.png")
    (report_dir / "eval.md").write_text(render_markdown(results, tree))


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    return value


def render_markdown(results: dict, tree: EITree) -> str:
    """The human-readable report: the four sections, each model and baseline in the same tables."""
    header = [
        "# Evaluation on the held-out test split",
        f"{results['test_products']} test products, labels hidden from the models (used for scoring only). "
        f"Features `{results['features_key']}`, catalogue `{results['catalog_fingerprint']}`, checkpoint "
        f"`{results['checkpoint']}`. Every model and baseline was trained on the same cached features and "
        f"train/val split. Generated by `fashionbot eval` in {results['seconds']} s.",
    ]
    baselines = [
        "## 4. Baselines",
        "(a) *flat multi-label head*: the same model with one sigmoid per concept trained with masked BCE "
        "(no exclusive groups, no path product). (b) *image only*: the EI-tree model without a text branch "
        "or ranking loss. (c) *joint embedding + text offsets*: the ranking loss alone, attribute edits as "
        "embedding offsets (the latent-space-only approach). All appear in the tables above.",
    ]
    sections = [header, _md_concepts(results), _md_gains(results["gains"]), _md_cross_modal(results),
                _md_amr(results), baselines]
    return "\n\n".join(part for section in sections for part in section) + "\n"


def _md_concepts(results: dict) -> list[str]:
    concepts = results["concepts"]
    first = next(iter(next(iter(concepts.values())).values()))["levels"]
    main_levels = [lv for lv in first if lv in (*CATEGORY_LEVELS, *ROOT_LEVELS)]
    attr_levels = [lv for lv in first if lv not in main_levels]
    rows_main, rows_attr = [], []
    for model, modes in concepts.items():
        for mode, rep in modes.items():
            acc = rep["levels"]
            rows_main.append([model, mode, *[acc[lv]["acc"] for lv in main_levels],
                              rep["independent"]["mean_ap"], rep["independent"]["mean_auc"], rep["concept_map"]])
            rows_attr.append([model, mode, *[acc.get(lv, {"acc": float("nan")})["acc"] for lv in attr_levels]])
    return [
        "## 1. Concept prediction",
        "Accuracy per level over the products labelled at that level. master/sub/type: argmax of P(concept) "
        "over every concept of the level (e.g. among all article types). Other levels: argmax within the "
        "exclusive group the product is labelled in. Independent nodes (print types): mean AP and ROC AUC "
        "over labelled products. *concept mAP*: mean AP of P(concept) over every concept, on the products "
        "where it is a known positive or negative (unlabelled attributes excluded).",
        _table(["model", "mode", *main_levels, "indep. mAP", "indep. AUC", "concept mAP"], rows_main),
        "Attribute types (accuracy within the group; n = labelled test products: "
        + ", ".join(f"{lv} {first[lv]['n']}" for lv in attr_levels) + "):",
        _table(["model", "mode", *attr_levels], rows_attr),
    ]


def _md_gains(gains: dict, top: int = 15, bottom: int = 10) -> list[str]:
    rows = gains["concepts"][:top] + gains["concepts"][-bottom:]
    table = [[r["name"], r["group"], r["ap_image"], r["ap_text"], r["ap_joint"], r["gain"],
              float("nan") if r["visual_spread"] is None else r["visual_spread"]] for r in rows]
    return [
        "### Gains of image+text over image only (EI-tree model, per-concept AP)",
        f"Mean gain {gains['mean_gain']:+.3f} AP over {len(gains['concepts'])} concepts. Spearman correlation "
        f"of the gain with the concept's visual spread (mean cosine distance of its photos' backbone features "
        f"to their centroid, {gains['concepts_with_spread']} concepts with >= 10 test positives): "
        f"{gains['spearman_gain_vs_visual_spread']:+.2f}; with its text-only AP (easy to describe in words): "
        f"{gains['spearman_gain_vs_text_ap']:+.2f}. Largest {top} and smallest {bottom} gains:",
        _table(["concept", "group", "AP image", "AP text", "AP image+text", "gain", "visual spread"], table),
        "![per-concept gains](concept_gains.png)\n\n![accuracy per level](concept_accuracy.png)",
    ]


def _md_cross_modal(results: dict) -> list[str]:
    rows = [[m, *[v[f"{d}_r{k}"] for d in ("i2t", "t2i") for k in (1, 5, 10)]]
            for m, v in results["cross_modal"].items()]
    return [
        "## 2. Cross-modal retrieval",
        "Each test product's photo against all test texts (i2t) and each text against all photos (t2i).",
        _table(["model", "i2t R@1", "i2t R@5", "i2t R@10", "t2i R@1", "t2i R@5", "t2i R@10"], rows),
    ]


def _md_amr(results: dict) -> list[str]:
    amr = results["amr"]
    rows = [[m, v["mode"], *[v["by_changes"].get(str(n), {}).get(f"top{k}", float("nan"))
                             for n in (1, 2, 3) for k in TOPK]] for m, v in amr["models"].items()]
    levels = sorted({lv for v in amr["models"].values() for lv in v["single_by_level"]})
    single = [[m, *[v["single_by_level"].get(lv, {}).get("top30", float("nan")) for lv in levels]]
              for m, v in amr["models"].items()]
    counts = {lv: next(iter(amr["models"].values()))["single_by_level"].get(lv, {}).get("queries", 0) for lv in levels}
    weights = ", ".join(f"{m.split(':')[0]}: {v['emb_weight']}" for m, v in amr["models"].items() if "emb_weight" in v)
    return [
        "## 3. Attribute-manipulation retrieval",
        "Protocol of AMNet/ADDE: a reference test product plus 1, 2 or 3 changes, each to another value of "
        "one exclusive group it is labelled in (article type within its sub-category, colour, gender, or a "
        "master/sub-category attribute). Targets: the test products whose category path, colour, gender and "
        "those attributes equal the reference's except the changed groups, which take the new values (an "
        "unlabelled attribute must be unlabelled in the target too). Only queries with a target are kept; "
        f"the gallery is the test split minus the reference. Queries (seed {results['seed']}): "
        + ", ".join(f"{n} change(s): {c}" for n, c in amr["queries"].items())
        + " — saved in `amr_queries.json`. Top-k: share of queries with a target in the top k.",
        "*Concept edit*: the reference's concept probabilities with each changed group's mass moved to the "
        "new value (for the EI tree, in conditional space, then path products recomputed), ranked by the "
        "hierarchical similarity (mean over levels of the cosine of their concept probabilities + w x "
        f"joint-embedding cosine; w tuned on validation queries: {weights}). *Text-offset edit*: "
        "emb(reference) - text_emb(old value name) + text_emb(new value name), ranked by cosine.",
        _table(["method", "mode", *[f"{n} chg top{k}" for n in (1, 2, 3) for k in TOPK]], rows),
        "Single changes, top-30 by changed level (queries: " + ", ".join(f"{lv} {c}" for lv, c in counts.items()) + "):",
        _table(["method", *levels], single),
        "![AMR top-k by number of changes](amr_topk.png)",
    ]


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_levels(results: dict, path: Path) -> None:
    plt = _plt()
    series = [(f"{m} [{mode}]", rep["levels"]) for m, modes in results["concepts"].items() for mode, rep in modes.items()]
    levels = list(series[0][1])
    fig, ax = plt.subplots(figsize=(max(10, len(levels) * 0.9), 4.5))
    width = 0.8 / len(series)
    for i, (name, acc) in enumerate(series):
        ax.bar(np.arange(len(levels)) + i * width, [acc.get(lv, {"acc": 0})["acc"] for lv in levels], width, label=name)
    ax.set_xticks(np.arange(len(levels)) + 0.4 - width / 2, levels, rotation=45, ha="right")
    ax.set_ylabel("accuracy")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=7, ncol=2)
    ax.set_title("Concept prediction accuracy per level (test split)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_gains(gains: dict, path: Path, show: int = 20) -> None:
    plt = _plt()
    rows = gains["concepts"]
    picked = rows[:show] + rows[-show:] if len(rows) > 2 * show else rows
    fig, ax = plt.subplots(figsize=(8, max(4, len(picked) * 0.22)))
    y = np.arange(len(picked))[::-1]
    ax.barh(y, [r["gain"] for r in picked], color=["tab:green" if r["gain"] >= 0 else "tab:red" for r in picked])
    ax.set_yticks(y, [f"{r['name']} ({r['group']})" for r in picked], fontsize=7)
    ax.axvline(0, color="black", linewidth=0.5)
    ax.set_xlabel("AP(image+text) - AP(image)")
    ax.set_title(f"Per-concept gain of image+text over image only ({len(rows)} concepts;\n"
                 f"largest and smallest {show}; Spearman vs visual spread {gains['spearman_gain_vs_visual_spread']:+.2f})",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_amr(amr: dict, path: Path) -> None:
    plt = _plt()
    fig, axes = plt.subplots(1, len(TOPK), figsize=(4 * len(TOPK), 4), sharey=True)
    for ax, k in zip(axes, TOPK):
        for name, result in amr["models"].items():
            ns = sorted(result["by_changes"], key=int)
            ax.plot([int(n) for n in ns], [result["by_changes"][n][f"top{k}"] for n in ns], marker="o", label=name)
        ax.set_title(f"top-{k} accuracy")
        ax.set_xlabel("number of changes")
        ax.set_xticks([1, 2, 3])
    axes[0].set_ylabel("share of queries")
    axes[-1].legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def update_card(card: Path, results: dict, main_label: str) -> None:
    """Add the headline evaluation numbers to the model card (when it exists)."""
    if not card.exists():
        return
    meta = json.loads(card.read_text())
    main = results["concepts"][main_label]
    meta["evaluation"] = _jsonable({
        "test_products": results["test_products"],
        "concept_levels": {mode: {lv: v["acc"] for lv, v in rep["levels"].items()} for mode, rep in main.items()},
        "concept_map": {mode: rep["concept_map"] for mode, rep in main.items()},
        "independent": {mode: rep["independent"] for mode, rep in main.items()},
        "cross_modal": results["cross_modal"].get(main_label),
        "amr": {m: v["by_changes"] for m, v in results["amr"]["models"].items()},
        "report": "reports/eval.md",
    })
    card.write_text(json.dumps(meta, indent=2) + "\n")
