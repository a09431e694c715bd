"""How fine a concept heatmap can be: candidate designs compared by measurement.

Each design turns a photo and a concept into an evidence map (``models/evidence.py``):

- ``a``: the served model's concept layer on its last feature map (CAM; 4x3 for 128x96);
- ``a_up``: the same upsampled 4x (bilinear), a control: interpolation adds no detail;
- ``b16`` / ``b8``: the same layer on the backbone run a trous (``encoders.dilate``): the last one
  or two stride-2 stages at stride 1 with dilated filters, 8x6 or 16x12, same 1280 channels;
- ``c``: the same layer on a 256x192 input (8x6);
- ``d``: a linear EI-tree concept layer on block 10 (112 channels, 8x6) trained here on labels;
- ``e``: Grad-CAM of the served concept score at block 10;
- ``f``: the heatmap head (``models/heatmap_head.py``): block 10 through a hidden layer at every
  location, distilled from the served model (``fashionbot train-heatmap``).

Measured on seeded test photos: faithfulness (the labels' AP of the map's mean evidence, and its
correlation with the served image score), spatial resolution (how far the article type's
evidence centroid moves when the product moves; how much mass leaves a blanked third of the photo;
how much of each product's evidence stays on it in 2x2 and 1x3 collages) and cost (milliseconds
from a photo file to its evidence, one thread). ``choose_design`` is the rule the served design
follows.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from tqdm.auto import tqdm

from ..ei_tree import build_targets, concept_label_matrix
from ..encoders import BackboneConfig, ImageBackbone, load_image
from ..evidence import centroid, contrast_matrix, evidence_mass, region_share
from ..heatmap_head import HeatmapHead, HeatmapHeadConfig
from ..heatmaps import DESIGNS, Design, DesignMaps  # noqa: F401 (the designs measured here)
from ..losses import EIConceptLoss
from ..metrics import average_precision
from ..tree import EITree


# ---------------------------------------------------------------------------- photos
def load_photos(paths: list[Path], size: tuple[int, int]) -> torch.Tensor:
    """(N, 3, H, W) photos in [0, 1] at the network input size."""
    return torch.stack([load_image(p, size) for p in paths])


def translate(images: torch.Tensor, dx: int, dy: int) -> torch.Tensor:
    """Photos moved ``dx`` pixels right and ``dy`` down, uncovered pixels white (the photos' background)."""
    out = torch.ones_like(images)
    height, width = images.shape[-2:]
    src_y, dst_y = slice(max(-dy, 0), height - max(dy, 0)), slice(max(dy, 0), height - max(-dy, 0))
    src_x, dst_x = slice(max(-dx, 0), width - max(dx, 0)), slice(max(dx, 0), width - max(-dx, 0))
    out[..., dst_y, dst_x] = images[..., src_y, src_x]
    return out


def collage(paths: list[Path], layout: tuple[int, int], size: tuple[int, int]) -> tuple[torch.Tensor, list]:
    """One (3, H, W) photo of ``rows x cols`` products on white, each shrunk to its cell keeping the
    3:4 aspect, centred; returns the photo and each product's cell as ((x0, x1), (y0, y1))."""
    rows, cols = layout
    height, width = size
    cell_h, cell_w = height // rows, width // cols
    shrink = min(cell_h / height, cell_w / width)
    ph, pw = max(1, round(height * shrink)), max(1, round(width * shrink))
    canvas = torch.ones(3, height, width)
    cells = []
    for index, path in enumerate(paths):
        r, c = divmod(index, cols)
        top, left = r * cell_h + (cell_h - ph) // 2, c * cell_w + (cell_w - pw) // 2
        canvas[:, top:top + ph, left:left + pw] = load_image(path, (ph, pw))
        cells.append(((c / cols, (c + 1) / cols), (r / rows, (r + 1) / rows)))
    return canvas, cells


# ---------------------------------------------------------------------------- design d's head
def train_label_head(tree: EITree, backbone: ImageBackbone, paths: list[Path], label_sets: list[set[str]],
                     epochs: int = 40, batch_size: int = 256, seed: int = 0, progress: bool = True) -> HeatmapHead:
    """Design d: a linear concept layer on block 10, trained with the EI-tree loss on the labels of
    the given products (on pooled features, which is exact for a linear layer)."""
    config = HeatmapHeadConfig(hidden=0)
    pooled = []
    for start in tqdm(range(0, len(paths), 64), desc="Design d: block features", disable=not progress):
        with torch.no_grad():
            images = load_photos(paths[start:start + 64], backbone.config.image_size)
            pooled.append(backbone.block_map(images, config.block).mean((2, 3), keepdim=True))
    pooled = torch.cat(pooled)  # (N, C, 1, 1)
    torch.manual_seed(seed)
    head = HeatmapHead(config, tree)
    head.norm.set_stats(pooled)
    targets = build_targets(tree, label_sets)
    loss_fn = EIConceptLoss(head.concepts.structure, views=("joint",))
    optimizer = torch.optim.AdamW(head.parameters(), lr=3e-3, weight_decay=1e-4)
    generator = torch.Generator().manual_seed(seed)
    for _ in tqdm(range(epochs), desc="Design d: training", disable=not progress):
        order = torch.randperm(len(pooled), generator=generator)
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            loss = loss_fn(**head(pooled[rows]), **targets[rows])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
    return head.eval()


# ---------------------------------------------------------------------------- maps per design
# ---------------------------------------------------------------------------- measures
def faithfulness(mapper: DesignMaps, contrast: torch.Tensor, images: torch.Tensor, positive: np.ndarray,
                 known: np.ndarray, dims: list[int], served: np.ndarray | None) -> dict:
    """Does the map still predict the concept? Over the given concepts: the mean AP against the
    labels of the map's pooled evidence (its mean over locations), and the mean correlation across
    photos of that pooled evidence with the served image score (``served`` (N, C); None: the
    design is the served one). Returns the pooled evidence (N, C) too."""
    rows = contrast[dims][None].expand(len(images), -1, -1)  # (N, C, K): every concept in every photo
    pooled = mapper.many(images, rows).mean(axis=(2, 3))  # (N, C)
    aps = [average_precision(pooled[known[:, d], c], positive[known[:, d], d]) for c, d in enumerate(dims)]
    corr = 1.0 if served is None else float(np.mean([np.corrcoef(pooled[:, c], served[:, c])[0, 1]
                                                     for c in range(len(dims))]))
    return {"pooled_ap": float(np.nanmean(aps)), "served_corr": corr, "pooled": pooled}


def shift_response(mapper: DesignMaps, contrast: torch.Tensor, paths: list[Path], dims: list[int],
                   fractions=(-0.25, -0.125, 0.125, 0.25)) -> dict:
    """Slope of the evidence centroid's move against the product's move (both as shares of the
    photo's width or height; 1: the map follows the product exactly, 0: it does not move), per axis."""
    height, width = mapper.image_size
    images = load_photos(paths, mapper.image_size)
    rows = contrast[dims]  # (N, K)
    base = centroid(evidence_mass(mapper.many(images, rows)))  # (N, 2)
    out = {}
    for axis, name in ((0, "x"), (1, "y")):
        moves = []
        for fraction in fractions:
            dx, dy = (round(fraction * width), 0) if axis == 0 else (0, round(fraction * height))
            moved = centroid(evidence_mass(mapper.many(translate(images, dx, dy), rows)))
            actual = (dx / width) if axis == 0 else (dy / height)
            moves.append((actual, moved[:, axis] - base[:, axis]))
        shifts = np.concatenate([np.full(len(d), a) for a, d in moves])
        deltas = np.concatenate([d for _, d in moves])
        out[f"slope_{name}"] = float((shifts * deltas).sum() / (shifts ** 2).sum())
    return out


def collage_share(mapper: DesignMaps, contrast: torch.Tensor, groups: list[list[Path]], dims: list[list[int]],
                  layout: tuple[int, int]) -> dict:
    """For collages of products, each product's master-category evidence: the mean share of its
    mass inside the product's own cell (``share``) and how often its strongest location lies there
    (``pointing``; a location straddling two cells counts by its area inside)."""
    photos, cells = zip(*(collage(paths, layout, mapper.image_size) for paths in groups))
    rows = contrast[torch.as_tensor(dims)]  # (N, S, K): every product of each collage
    mass = evidence_mass(mapper.many(torch.stack(photos), rows))  # (N, S, h, w)
    shares, hits = [], []
    for maps, cell in zip(mass, cells):
        for m, box in zip(maps, cell):
            shares.append(region_share(m, *box))
            peak = (m == m.max()).astype(float)
            hits.append(region_share(peak / peak.sum(), *box))
    return {"share": float(np.mean(shares)), "pointing": float(np.mean(hits))}


BANDS = {"x": [((i / 3, (i + 1) / 3), (0, 1)) for i in range(3)],  # left, centre, right thirds
         "y": [((0, 1), (i / 3, (i + 1) / 3)) for i in range(3)]}  # top, middle, bottom thirds


def blank(images: torch.Tensor, box) -> torch.Tensor:
    """Photos with a box (normalised (x range, y range)) painted white."""
    (x0, x1), (y0, y1) = box
    height, width = images.shape[-2:]
    out = images.clone()
    out[..., round(y0 * height):round(y1 * height), round(x0 * width):round(x1 * width)] = 1.0
    return out


def occlusion_drop(mapper: DesignMaps, contrast: torch.Tensor, paths: list[Path], dims: list[int]) -> dict:
    """Locality within one product at its usual scale: blank a third of the photo (a column band
    for x, a row band for y) and measure how much of the evidence mass inside that band leaves it,
    as share points, averaged over the three bands and the photos. A map made of features that each
    see the whole photo moves no mass (0); a local one empties the blanked band."""
    images = load_photos(paths, mapper.image_size)
    rows = contrast[dims]
    before = evidence_mass(mapper.many(images, rows))
    out = {}
    for axis, boxes in BANDS.items():
        drops = []
        for box in boxes:
            after = evidence_mass(mapper.many(blank(images, box), rows))
            drops.append(region_share(before, *box) - region_share(after, *box))
        out[f"occlusion_{axis}"] = float(np.mean(drops))
    return out


def heatmap_cost_ms(mapper: DesignMaps, contrast: torch.Tensor, paths: list[Path], dim: int, rounds: int = 3) -> float:
    """Median milliseconds from a photo file to its evidence mass, one photo at a time, one thread."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        times = []
        for _ in range(rounds):
            for path in paths:
                started = time.perf_counter()
                evidence_mass(mapper(load_image(path, mapper.image_size)[None], contrast[[dim]]).numpy())
                times.append(time.perf_counter() - started)
    finally:
        torch.set_num_threads(threads)
    return float(np.median(times) * 1000)


# ---------------------------------------------------------------------------- the comparison
@dataclass
class ResolutionSample:
    """The photos each measure runs on (test products, chosen with a seed)."""

    faith_paths: list[Path]
    faith_labels: list[set[str]]
    shift_paths: list[Path]
    shift_dims: list[int]  # the article type of each shifted product
    quad_groups: list[list[Path]]  # 2x2 collages
    quad_dims: list[list[int]]  # each product's master category
    strip_groups: list[list[Path]]  # 1x3 collages
    strip_dims: list[list[int]]
    train_paths: list[Path]  # design d's training products
    train_labels: list[set[str]]


def resolution_sample(tree: EITree, test: list, train: list, image_root: Path, faith: int = 1000,
                      shift: int = 200, collages: int = 200, train_n: int = 8000, seed: int = 0) -> ResolutionSample:
    """Seeded samples of labelled products (records with ``id``, ``labels``, ``image_path``)."""
    rng = np.random.default_rng(seed)
    test = [p for p in test if p.image_path]
    pick = lambda items, n: [items[i] for i in sorted(rng.choice(len(items), min(n, len(items)), replace=False))]  # noqa: E731
    path = lambda p: Path(image_root) / p.image_path  # noqa: E731
    faith_products = pick(test, faith)
    typed = [p for p in test if any(tree.nodes[c].group == "type" for c in p.labels)]
    shifted = pick(typed, shift)
    by_master: dict[str, list] = {}
    for p in test:
        master = next((c for c in p.labels if tree.nodes[c].group == "master"), None)
        if master:
            by_master.setdefault(master, []).append(p)
    masters = sorted(by_master, key=lambda m: -len(by_master[m]))

    def groups(count: int) -> tuple[list[list[Path]], list[list[int]]]:
        chosen = masters[:count]
        out_paths, out_dims = [], []
        for _ in range(collages):
            order = rng.permutation(chosen)
            members = [by_master[m][rng.integers(len(by_master[m]))] for m in order]
            out_paths.append([path(p) for p in members])
            out_dims.append([tree.index[m] for m in order])
        return out_paths, out_dims

    quad_paths, quad_dims = groups(4)
    strip_paths, strip_dims = groups(3)
    train_products = pick([p for p in train if p.image_path], train_n)
    return ResolutionSample(
        faith_paths=[path(p) for p in faith_products], faith_labels=[set(p.labels) for p in faith_products],
        shift_paths=[path(p) for p in shifted],
        shift_dims=[tree.index[next(c for c in p.labels if tree.nodes[c].group == "type")] for p in shifted],
        quad_groups=quad_paths, quad_dims=quad_dims, strip_groups=strip_paths, strip_dims=strip_dims,
        train_paths=[path(p) for p in train_products], train_labels=[set(p.labels) for p in train_products])


def faithfulness_concepts(tree: EITree, positive: np.ndarray, known: np.ndarray, limit: int = 40,
                          min_count: int = 10, seed: int = 0) -> list[int]:
    """Up to ``limit`` concepts (seeded pick) with ``min_count`` known positives and negatives in the sample."""
    passing = set(tree.pass_through_nodes)
    eligible = [d for d in range(len(tree.order)) if d not in passing
                and positive[:, d].sum() >= min_count and (known[:, d] & ~positive[:, d]).sum() >= min_count]
    rng = np.random.default_rng(seed)
    return sorted(rng.choice(eligible, min(limit, len(eligible)), replace=False).tolist()) if eligible else []


def compare_designs(model, tree: EITree, sample: ResolutionSample, heatmap_head: HeatmapHead | None,
                    designs=DESIGNS, seed: int = 0, progress: bool = True, log: Callable[[str], None] = print) -> dict:
    """Every design's measures on the same photos: {"designs": {key: {title, grid, pooled_ap,
    served_corr, slope_x, slope_y, quadrant_share, quadrant_pointing, third_share, third_pointing,
    cost_ms}}, "n": sample sizes, "concepts": the faithfulness concepts}. The served design ("a")
    must come first: the others' pooled evidence is correlated with its."""
    contrast = torch.from_numpy(contrast_matrix(tree))
    positive, negative = concept_label_matrix(tree, sample.faith_labels)
    dims = faithfulness_concepts(tree, positive, positive | negative, seed=seed)
    results: dict = {}
    served = None
    figure = {"photo": load_photos(sample.shift_paths[:1], (128, 96))[0].permute(1, 2, 0).numpy(),
              "collage": collage(sample.quad_groups[0], (2, 2), (128, 96))[0].permute(1, 2, 0).numpy(),
              "maps": {}, "collage_maps": {}}
    for design in tqdm(designs, desc="Heatmap designs", disable=not progress):
        started = time.perf_counter()
        head = heatmap_head if design.head == "served" else None
        if design.head == "served" and head is None:
            log(f"design {design.key}: no heatmap head (run `fashionbot train-heatmap`), skipped")
            continue
        if design.head == "labels":
            backbone = ImageBackbone(BackboneConfig(image_size=design.image_size)).eval()
            head = train_label_head(tree, backbone, sample.train_paths, sample.train_labels, seed=seed,
                                    progress=progress)
        mapper = DesignMaps(design, model, head)
        images = load_photos(sample.faith_paths, mapper.image_size)
        faith = faithfulness(mapper, contrast, images, positive, positive | negative, dims, served)
        if served is None:
            served = faith["pooled"]
        grid = tuple(mapper(images[:1], contrast[dims[:1]]).shape[-2:])
        quad = collage_share(mapper, contrast, sample.quad_groups, sample.quad_dims, (2, 2))
        strip = collage_share(mapper, contrast, sample.strip_groups, sample.strip_dims, (1, 3))
        results[design.key] = {
            "title": design.title, "grid": f"{grid[0]}x{grid[1]}",
            "pooled_ap": faith["pooled_ap"], "served_corr": faith["served_corr"],
            **shift_response(mapper, contrast, sample.shift_paths, sample.shift_dims),
            **occlusion_drop(mapper, contrast, sample.shift_paths, sample.shift_dims),
            "quadrant_share": quad["share"], "quadrant_pointing": quad["pointing"],
            "third_share": strip["share"], "third_pointing": strip["pointing"],
            "cost_ms": heatmap_cost_ms(mapper, contrast, sample.faith_paths[:20], sample.shift_dims[0]),
            "seconds": round(time.perf_counter() - started, 1),
        }
        figure["maps"][design.key] = mapper.many(load_photos(sample.shift_paths[:1], mapper.image_size),
                                                 contrast[sample.shift_dims[:1]])[0]
        figure["collage_maps"][design.key] = mapper.many(
            collage(sample.quad_groups[0], (2, 2), mapper.image_size)[0][None], contrast[sample.quad_dims[0][:1]])[0]
        log(f"design {design.key}: " + ", ".join(f"{k} {v:.3f}" for k, v in results[design.key].items()
                                                  if isinstance(v, float)))
    return {"designs": results, "concepts": [tree.order[d] for d in dims], "figure": figure,
            "n": {"faithfulness": len(sample.faith_paths), "shift": len(sample.shift_paths),
                  "quadrant_collages": len(sample.quad_groups), "third_collages": len(sample.strip_groups),
                  "design_d_train": len(sample.train_paths)}}


# The spatial measures and what a map without spatial information scores on each
SPATIAL = {"slope_x": 0.0, "slope_y": 0.0, "occlusion_x": 0.0, "occlusion_y": 0.0, "quadrant_share": 0.25,
           "third_share": 1 / 3}


def choose_design(results: dict, max_cost_ms: float = 50.0) -> str:
    """The rule the served design follows: among designs that cost at most ``max_cost_ms`` per
    heatmap, the highest product of the spatial score and the served correlation (a map must both
    localise and explain what the engine predicts). The spatial score is the mean over the
    ``SPATIAL`` measures of a design's gain over no information relative to the best design's.
    Marks each design's ``spatial_score``, ``merit`` and ``eligible``."""
    designs = results["designs"]
    best = {m: max(v[m] - chance for v in designs.values()) for m, chance in SPATIAL.items()}
    for value in designs.values():
        value["spatial_score"] = float(np.mean([(value[m] - c) / max(best[m], 1e-9) for m, c in SPATIAL.items()]))
        value["merit"] = value["spatial_score"] * max(value["served_corr"], 0.0)
        value["eligible"] = value["cost_ms"] <= max_cost_ms
    eligible = [k for k, v in designs.items() if v["eligible"]]
    return max(eligible, key=lambda k: designs[k]["merit"])
