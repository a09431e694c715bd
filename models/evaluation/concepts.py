"""Section 1 of the evaluation: concept prediction per tree level, per-concept AP, and where
photos gain from text."""
from __future__ import annotations

import numpy as np
import torch

from ..metrics import average_precision
from ..tree import CATEGORY_GROUPS, ROOT_FACETS, EITree


def concept_levels(tree: EITree) -> list[str]:
    """Report levels: category levels, root facets, then attribute types by support."""
    support: dict[str, int] = {}
    for nid in tree.order:
        node = tree.nodes[nid]
        if node.kind == "value" and node.group not in ROOT_FACETS:
            support[node.group] = support.get(node.group, 0) + node.support
    attrs = sorted(support, key=lambda g: -support[g])
    return [*CATEGORY_GROUPS, *ROOT_FACETS, *attrs]


def level_accuracy(tree: EITree, probs: np.ndarray, positive: np.ndarray) -> dict[str, dict]:
    """Accuracy per level over the products labelled at that level.

    Category levels (master/sub/type): argmax of P(concept) over every concept of the level (a
    classification among all article types, not only the true parent's children). Other levels:
    argmax among the members of the exclusive group the product is labelled in."""
    out: dict[str, dict] = {}
    for level in CATEGORY_GROUPS:
        dims = np.asarray([tree.index[n] for n in tree.order
                           if tree.nodes[n].group == level and tree.nodes[n].kind == "category"])
        rows = positive[:, dims].any(axis=1)
        pred = dims[probs[rows][:, dims].argmax(axis=1)]
        correct = positive[rows][np.arange(rows.sum()), pred]
        out[level] = {"acc": float(correct.mean()) if rows.any() else float("nan"), "n": int(rows.sum())}
    tallies: dict[str, list[int]] = {}
    for members in tree.exclusive_groups:
        level = tree.nodes[tree.order[members[0]]].group
        if level in CATEGORY_GROUPS:
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
