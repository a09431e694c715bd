"""The paper's case studies, measured: where the concept heatmaps put each concept.

On the test split, labels hidden from the model (they only pick which products count for a
concept), every product's photo gives the served evidence map (``models/evidence.py``) of each
concept it is labelled with: its categories and attribute values. From those maps:

- ``value_stats``: per attribute group (a facet) and value, the mean mass map, its centroid,
  spread and the shares in named regions, each against the same products' own category map (the
  facet's parent category: where the model sees "the topwear");
- ``spatial_claims``: the paper's three spatial claims as paired differences with bootstrap CIs;
- ``sibling_similarity``: are the maps of values of one group more alike than those of values of
  different groups of the same category (a seeded permutation test)?
- ``category_parts``: how much of each attribute's mass lies inside its category's own region;
- ``pick_examples``: individual products chosen by a stated rule.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from torch.nn import functional as F
from tqdm.auto import tqdm

from ..encoders import load_image
from ..evidence import area_share, centroid, contrast_matrix, evidence_mass, named_share, spread
from ..tree import ROOT_FACETS, EITree

REGIONS = ("upper third", "side thirds", "centre", "lower third")
PHOTO_SIZE = (64, 48)  # (H, W) of the mean photos kept per concept
CACHE_VERSION = "case-v1"  # bump when the collected evidence changes meaning


def mapped_concepts(tree: EITree, labels) -> list[str]:
    """The labelled concepts whose maps the case studies read: categories and attribute values
    (not colour, gender, usage or season)."""
    return [c for c in tree.order if c in labels and (tree.nodes[c].kind == "category" or (
        tree.nodes[c].kind == "value" and tree.nodes[c].group not in ROOT_FACETS))]


@dataclass
class CaseEvidence:
    """Evidence maps of the test products' labelled concepts (``mapped_concepts``)."""

    ids: np.ndarray  # (N,) product ids
    rows: np.ndarray  # (M,) product row of each map
    dims: np.ndarray  # (M,) concept dimension of each map
    maps: np.ndarray  # (M, h, w) float32 evidence
    image_probs: np.ndarray  # (N, K) float32: the served image-only concept probabilities
    photo_sums: np.ndarray  # (K, 3, h_p, w_p) float32: sum of the photos of each concept's products
    photo_counts: np.ndarray  # (K,) products per concept

    def masses(self) -> np.ndarray:
        """(M, h, w) mass of every map."""
        return evidence_mass(self.maps)

    def lookup(self) -> dict[tuple[int, int], int]:
        """(product row, concept dim) -> map index."""
        return {(int(r), int(d)): i for i, (r, d) in enumerate(zip(self.rows, self.dims))}

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        np.savez_compressed(tmp, **{k: getattr(self, k) for k in self.__dataclass_fields__})
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> "CaseEvidence":
        with np.load(path) as arrays:
            return cls(**{k: arrays[k] for k in cls.__dataclass_fields__})


def evidence_key(checkpoint_sha: str, head_sha: str, products, backbone_version: str) -> str:
    """Cache key of collected evidence: the checkpoint, the heatmap head, the products and their
    labels, the backbone."""
    digest = hashlib.sha1(f"{CACHE_VERSION};{checkpoint_sha};{head_sha};{backbone_version};".encode())
    for p in products:
        digest.update(f"{p.id}:{p.image_path}:{','.join(sorted(p.labels))};".encode())
    return digest.hexdigest()[:16]


@torch.no_grad()
def collect_evidence(model, mapper, tree: EITree, products, image_root: Path, backbone, batch_size: int = 32,
                     transform: Callable[[torch.Tensor], torch.Tensor] | None = None,
                     progress: bool = True) -> CaseEvidence:
    """The served evidence maps (``mapper``: ``heatmaps.served_maps``) of every product's
    ``mapped_concepts`` (records with ``id``, ``labels``, ``image_path``; those without a photo are
    skipped), from the photo alone, and the served model's image-only probabilities (``backbone``'s
    input, as indexed). ``transform`` edits the photos first (a test plants a shift with it)."""
    products = [p for p in products if p.image_path]
    contrast = torch.from_numpy(contrast_matrix(tree))
    num = len(tree.order)
    rows, dims, maps = [], [], []
    probs = np.zeros((len(products), num), dtype=np.float32)
    photo_sums = np.zeros((num, 3, *PHOTO_SIZE), dtype=np.float32)
    photo_counts = np.zeros(num, dtype=np.int64)
    size = backbone.config.image_size
    edit = transform or (lambda images: images)
    for start in tqdm(range(0, len(products), batch_size), desc="Case-study evidence", unit="batch",
                      disable=not progress):
        batch = products[start:start + batch_size]
        paths = [Path(image_root) / p.image_path for p in batch]
        images = edit(torch.stack([load_image(path, size) for path in paths]))
        inputs = images if tuple(mapper.image_size) == tuple(size) else edit(torch.stack([mapper.photo(p) for p in paths]))
        concepts = [[tree.index[c] for c in mapped_concepts(tree, p.labels)] for p in batch]
        slots = max(1, max(len(c) for c in concepts))
        wanted = torch.zeros(len(batch), slots, num)  # (B, S, K) contrast rows, zero-padded
        for b, dims_b in enumerate(concepts):
            wanted[b, :len(dims_b)] = contrast[dims_b]
        evidence = mapper(inputs, wanted)  # (B, S, h, w)
        with torch.no_grad():
            feats = backbone(images)
            out = model(image_maps=feats["feature_map"], image_colour=feats["colour"])
        probs[start:start + len(batch)] = out["concept_probs"].float().numpy()
        small = F.interpolate(images, size=PHOTO_SIZE, mode="bilinear", align_corners=False).numpy()
        for b, dims_b in enumerate(concepts):
            rows.extend([start + b] * len(dims_b))
            dims.extend(dims_b)
            maps.append(evidence[b, :len(dims_b)].numpy())
            photo_sums[dims_b] += small[b]
            photo_counts[dims_b] += 1
    return CaseEvidence(ids=np.asarray([p.id for p in products], dtype=np.int64),
                        rows=np.asarray(rows, dtype=np.int64), dims=np.asarray(dims, dtype=np.int64),
                        maps=np.concatenate(maps).astype(np.float32), image_probs=probs,
                        photo_sums=photo_sums, photo_counts=photo_counts)


# ---------------------------------------------------------------------------- statistics
def bootstrap_ci(values: np.ndarray, seed: int = 0, resamples: int = 2000) -> tuple[float, float]:
    """95% percentile bootstrap interval of the mean (nan for fewer than 2 values)."""
    values = np.asarray(values, dtype=np.float64)
    if len(values) < 2:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, len(values), (resamples, len(values)))].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def attribute_facets(tree: EITree) -> list[str]:
    """Attribute groups (facets under a category), in tree order."""
    return [n for n in tree.order if tree.nodes[n].kind == "facet" and tree.nodes[n].group not in ROOT_FACETS
            and tree.nodes[n].parent != tree.root.id]


def value_stats(tree: EITree, evidence: CaseEvidence, min_products: int = 15) -> dict:
    """Per attribute facet with at least two values labelled on ``min_products`` test products:
    for each such value, its products' mean mass map, centroid, per-map spread, region shares, and
    the same for those products' map of the facet's parent category (``baseline``), with per-product
    paired share differences. {facet: {"category", "mode", "values": {value: {...}}}}."""
    masses = evidence.masses()
    lookup = evidence.lookup()
    out = {}
    for facet in attribute_facets(tree):
        node = tree.nodes[facet]
        category = tree.index[node.parent]
        values = {}
        for value in node.children:
            dim = tree.index[value]
            pairs = [(i, lookup.get((int(r), category))) for i, (r, d) in enumerate(zip(evidence.rows, evidence.dims))
                     if d == dim]
            pairs = [(i, j) for i, j in pairs if j is not None]
            if len(pairs) < min_products:
                continue
            own, base = masses[[i for i, _ in pairs]], masses[[j for _, j in pairs]]
            values[value] = _mass_summary(own, base)
        if len(values) >= 2 or (values and node.mode == "I"):
            out[facet] = {"category": node.parent, "mode": node.mode, "values": values}
    return out


def _mass_summary(own: np.ndarray, base: np.ndarray) -> dict:
    """Summary of (n, h, w) maps of a value and the paired (n, h, w) maps of its category."""
    summary = {"n": len(own), "mean_mass": own.mean(0), "baseline_mass": base.mean(0),
               "centroid": centroid(own).mean(0), "baseline_centroid": centroid(base).mean(0),
               "spread": float(spread(own).mean()), "baseline_spread": float(spread(base).mean()),
               "shares": {}, "baseline_shares": {}, "differences": {}}
    for region in REGIONS:
        mine, theirs = named_share(own, region), named_share(base, region)
        summary["shares"][region] = float(mine.mean())
        summary["baseline_shares"][region] = float(theirs.mean())
        summary["differences"][region] = mine - theirs  # (n,) per product, for the claims' CIs
    return summary


# The paper's spatial claims: which facet groups, which region, and the value words they are about
CLAIMS = (
    {"claim": "a neckline sits in the upper part of the image", "groups": ("neck", "collar"),
     "region": "upper third"},
    {"claim": "sleeves sit on the two sides of a garment", "groups": ("sleeve", "sleeve_style"),
     "region": "side thirds", "exclude": ("sleeveless", "no_sleeves", "strapless")},
    {"claim": "a big graphic sits around the centre", "groups": ("print",), "region": "centre"},
)


def spatial_claims(tree: EITree, stats: dict, seed: int = 0) -> list[dict]:
    """Each claim pooled over the products labelled with its groups' values (products with several
    such values count once per value): the value maps' mean share of the region, the same products'
    category maps' share, the area share, and the paired difference with a 95% bootstrap CI; the
    claim holds when the interval lies above 0. Also the per-value rows."""
    out = []
    for claim in CLAIMS:
        region = claim["region"]
        rows, diffs, shares, bases = [], [], [], []
        for facet, entry in stats.items():
            if tree.nodes[facet].group not in claim["groups"]:
                continue
            for value, summary in entry["values"].items():
                if any(value.endswith("." + word) for word in claim.get("exclude", ())):
                    continue
                diff = summary["differences"][region]
                low, high = bootstrap_ci(diff, seed)
                rows.append({"facet": facet, "value": value, "n": summary["n"], "share": summary["shares"][region],
                             "baseline": summary["baseline_shares"][region], "difference": float(diff.mean()),
                             "ci": (low, high)})
                diffs.append(diff)
                shares.append(np.full(len(diff), summary["shares"][region]))
                bases.append(np.full(len(diff), summary["baseline_shares"][region]))
        pooled = np.concatenate(diffs) if diffs else np.zeros(0)
        low, high = bootstrap_ci(pooled, seed)
        n = len(pooled)
        out.append({**claim, "area": area_share(region), "n": n, "values": rows,
                    "share": float(np.concatenate(shares).mean()) if n else float("nan"),
                    "baseline": float(np.concatenate(bases).mean()) if n else float("nan"),
                    "difference": float(pooled.mean()) if n else float("nan"), "ci": (low, high),
                    "holds": bool(n and low > 0), "opposite": bool(n and high < 0),
                    "values_holding": sum(1 for r in rows if r["ci"][0] > 0),
                    "values_opposite": sum(1 for r in rows if r["ci"][1] < 0)})
    return out


def sibling_similarity(tree: EITree, stats: dict, permutations: int = 10000, seed: int = 0) -> dict:
    """Are the maps of one group's values alike? For each category with values of two or more
    exclusive facets in ``stats``, each value's deviation map (its mean mass minus its products' mean
    category mass) is correlated (Pearson over locations) with every other value's of that category:
    pairs of the same facet (siblings) against pairs of different facets. The statistic is the mean
    sibling correlation minus the mean non-sibling one; its p-value comes from permuting the values'
    facet labels within each category (seeded), one-sided."""
    by_category: dict[str, list[tuple[str, str, np.ndarray]]] = {}
    for facet, entry in stats.items():
        if entry["mode"] != "E":
            continue
        for value, summary in entry["values"].items():
            deviation = (summary["mean_mass"] - summary["baseline_mass"]).ravel()
            by_category.setdefault(entry["category"], []).append((facet, value, deviation))
    blocks = []  # per category: (facet labels, correlation matrix)
    for category, items in by_category.items():
        facets = [f for f, _, _ in items]
        if len(set(facets)) < 2:
            continue
        corr = np.corrcoef(np.stack([d for _, _, d in items]))
        blocks.append((category, np.unique(facets, return_inverse=True)[1], corr, items))

    def statistic(labels_per_block) -> tuple[float, float, int, int]:
        within, across = [], []
        for (_, _, corr, _), labels in zip(blocks, labels_per_block):
            upper = np.triu_indices(len(labels), 1)
            same = labels[upper[0]] == labels[upper[1]]
            within.append(corr[upper][same])
            across.append(corr[upper][~same])
        within, across = np.concatenate(within), np.concatenate(across)
        return float(within.mean() - across.mean()), float(within.mean()), len(within), len(across)

    if not blocks:
        return {"categories": [], "n_within": 0, "n_across": 0, "within": float("nan"), "across": float("nan"),
                "difference": float("nan"), "p_value": float("nan"), "permutations": 0, "pairs": []}
    observed, within, n_within, n_across = statistic([labels for _, labels, _, _ in blocks])
    rng = np.random.default_rng(seed)
    null = np.asarray([statistic([rng.permutation(labels) for _, labels, _, _ in blocks])[0]
                       for _ in range(permutations)])
    pairs = []
    for category, labels, corr, items in blocks:
        for i in range(len(items)):
            for j in range(i + 1, len(items)):
                pairs.append({"category": category, "a": items[i][1], "b": items[j][1],
                              "siblings": bool(labels[i] == labels[j]), "correlation": float(corr[i, j])})
    return {"categories": [c for c, _, _, _ in blocks], "n_within": n_within, "n_across": n_across,
            "within": within, "across": within - observed, "difference": observed,
            "p_value": float((1 + (null >= observed).sum()) / (1 + permutations)), "permutations": permutations,
            "null_quantiles": [float(q) for q in np.percentile(null, [2.5, 50, 97.5])], "pairs": pairs}


# Categories whose parts the report checks
PART_CATEGORIES = ("type.tshirts", "type.shirts", "sub.dress", "sub.shoes", "type.tops")


def core_region(mass: np.ndarray, share: float = 0.5) -> np.ndarray:
    """(..., h, w) mass -> (..., h, w) bool: the fewest locations holding ``share`` of the mass."""
    flat = mass.reshape(*mass.shape[:-2], -1)
    order = np.argsort(-flat, axis=-1)
    ranked = np.take_along_axis(flat, order, axis=-1)
    keep_ranked = np.cumsum(ranked, axis=-1) - ranked < share  # before this location, < share was held
    keep = np.zeros_like(keep_ranked)
    np.put_along_axis(keep, order, keep_ranked, axis=-1)
    return keep.reshape(mass.shape)


def category_parts(tree: EITree, evidence: CaseEvidence, categories=PART_CATEGORIES, min_products: int = 15,
                   seed: int = 0) -> list[dict]:
    """For each category and each attribute facet of it: over the products of the category labelled
    with a value of the facet, the share of the value's mass inside the category map's core region
    (the fewest locations holding half its mass) of the same product (``inside``), inside the core
    region of another product of the category (``control``: a seeded derangement), and the region's
    area share (what a uniform map would put there)."""
    masses = evidence.masses()
    lookup = evidence.lookup()
    rng = np.random.default_rng(seed)
    out = []
    for category in categories:
        if category not in tree.index:
            continue
        cat_dim = tree.index[category]
        cat_rows = sorted({int(r) for r, d in zip(evidence.rows, evidence.dims) if d == cat_dim})
        if len(cat_rows) < 2:
            continue
        regions = {r: core_region(masses[lookup[(r, cat_dim)]]) for r in cat_rows}
        shift = rng.permutation(len(cat_rows))
        shift = np.where(shift == np.arange(len(cat_rows)), (shift + 1) % len(cat_rows), shift)
        partner = {r: cat_rows[s] for r, s in zip(cat_rows, shift)}
        facets = [f for f in attribute_facets(tree) if tree.nodes[f].parent in {n.id for n in tree.path(category)}]
        for facet in facets:
            values = {tree.index[v] for v in tree.nodes[facet].children}
            inside, control, area = [], [], []
            for (r, d), i in lookup.items():
                if d in values and r in regions:
                    inside.append(float(masses[i][regions[r]].sum()))
                    control.append(float(masses[i][regions[partner[r]]].sum()))
                    area.append(float(regions[r].mean()))
            if len(inside) >= min_products:
                difference = np.asarray(inside) - np.asarray(control)
                out.append({"category": category, "facet": facet, "n": len(inside), "inside": float(np.mean(inside)),
                            "control": float(np.mean(control)), "area": float(np.mean(area)),
                            "difference": float(difference.mean()), "ci": bootstrap_ci(difference, seed)})
    return out


# Categories the individual examples come from, in this order
EXAMPLE_CATEGORIES = ("type.tshirts", "type.shirts", "type.tops", "sub.dress", "type.kurtas", "type.jeans",
                      "type.casual_shoes", "type.handbags")


def pick_examples(tree: EITree, evidence: CaseEvidence, categories=EXAMPLE_CATEGORIES, per_product: int = 2) -> list[dict]:
    """The rule: in each category, among the test products labelled with at least ``per_product``
    attribute values, the one whose labelled category and attribute values the model predicts most
    confidently from the photo alone (the highest mean served image-only probability; ties: the
    lowest id); shown with its category map and the maps of its ``per_product`` labelled values the
    model is surest of."""
    by_row: dict[int, list[int]] = {}
    for r, d in zip(evidence.rows, evidence.dims):
        by_row.setdefault(int(r), []).append(int(d))
    out = []
    for category in categories:
        if category not in tree.index:
            continue
        cat_dim = tree.index[category]
        best = None
        for row, dims in by_row.items():
            if cat_dim not in dims:
                continue
            values = [d for d in dims if tree.nodes[tree.order[d]].kind == "value"]
            if len(values) < per_product:
                continue
            probs = evidence.image_probs[row]
            score = float(probs[[cat_dim, *values]].mean())
            key = (-score, int(evidence.ids[row]))
            if best is None or key < best[0]:
                chosen = sorted(values, key=lambda d: (-probs[d], d))[:per_product]
                best = (key, row, chosen, score)
        if best is not None:
            _, row, chosen, score = best
            out.append({"category": category, "id": int(evidence.ids[row]), "row": row, "score": score,
                        "concepts": [category, *[tree.order[d] for d in chosen]],
                        "probs": [float(evidence.image_probs[row][d]) for d in [cat_dim, *chosen]]})
    return out
