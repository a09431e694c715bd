"""The case-study figures (matplotlib, headless): mean maps per attribute value, the spatial
claims, siblings against non-siblings, individual products and the resolution designs."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from ..evidence import evidence_mass, overlay
from ..tree import EITree
from .plots import _plt


def _heat_over(photo: np.ndarray, mass: np.ndarray, alpha: float = 0.55) -> np.ndarray:
    """(H, W, 3) photo in [0, 1] with a (h, w) mass map drawn over it as in the served heatmap."""
    from matplotlib import colormaps

    weights = mass / max(float(mass.max()), 1e-12)
    height, width = photo.shape[:2]
    heat = np.asarray(Image.fromarray((weights * 255).astype(np.uint8)).resize((width, height), Image.BICUBIC),
                      dtype=np.float32) / 255.0
    weight = (alpha * heat)[..., None]
    return np.clip(photo * (1 - weight) + colormaps["jet"](heat)[..., :3] * weight, 0, 1)


def plot_value_grid(tree: EITree, stats: dict, evidence, category: str, path: Path, max_values: int = 8) -> None:
    """One row per attribute facet of ``category``, one panel per value (most products first): the
    mean photo of the value's products under its mean mass map, the centroid marked (x) and the
    same products' category-map centroid (+)."""
    plt = _plt()
    facets = [f for f, e in stats.items() if e["category"] == category]
    cols = min(max_values, max(len(stats[f]["values"]) for f in facets))
    fig, axes = plt.subplots(len(facets), cols, figsize=(1.55 * cols, 2.3 * len(facets)), squeeze=False)
    for row, facet in enumerate(facets):
        values = sorted(stats[facet]["values"].items(), key=lambda kv: -kv[1]["n"])[:cols]
        for col in range(cols):
            ax = axes[row, col]
            ax.axis("off")
            if col >= len(values):
                continue
            value, summary = values[col]
            dim = tree.index[value]
            photo = (evidence.photo_sums[dim] / max(evidence.photo_counts[dim], 1)).transpose(1, 2, 0)
            ax.imshow(_heat_over(np.clip(photo, 0, 1), summary["mean_mass"]), extent=(0, 1, 1, 0))
            cx, cy = summary["centroid"]
            bx, by = summary["baseline_centroid"]
            ax.plot([cx], [cy], "wx", markersize=7, markeredgewidth=2)
            ax.plot([bx], [by], "w+", markersize=7, markeredgewidth=1)
            ax.set_xlim(0, 1)
            ax.set_ylim(1, 0)
            title = tree.nodes[value].name if col else f"{tree.nodes[facet].name}:\n{tree.nodes[value].name}"
            ax.set_title(f"{title} ({summary['n']})", fontsize=7)
    fig.suptitle(f"{tree.nodes[category].name}: mean evidence mass per value (x centroid, + category map's)",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_claims(claims: list[dict], tree: EITree, path: Path) -> None:
    """Per claim, each value's share of mass in the claim's region against its products' category
    map, with the region's area (a uniform map) as a dashed line."""
    plt = _plt()
    fig, axes = plt.subplots(1, len(claims), figsize=(5.2 * len(claims), 4.2), squeeze=False)
    for ax, claim in zip(axes[0], claims):
        rows = sorted(claim["values"], key=lambda r: -r["n"])[:12]
        y = np.arange(len(rows))
        ax.barh(y - 0.2, [r["share"] for r in rows], 0.4, label="value's map")
        ax.barh(y + 0.2, [r["baseline"] for r in rows], 0.4, label="same products' category map")
        ax.axvline(claim["area"], color="k", linestyle="--", linewidth=1, label="area (uniform map)")
        ax.set_yticks(y, [f"{tree.nodes[tree.nodes[r['value']].parent].parent.split('.')[-1]}: "
                          f"{tree.nodes[r['value']].name} ({r['n']})" for r in rows], fontsize=7)
        ax.invert_yaxis()
        ax.set_xlabel(f"share of mass in the {claim['region']}")
        ax.set_title(claim["claim"], fontsize=9)
        ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_siblings(result: dict, path: Path) -> None:
    """Correlations of value deviation maps: sibling pairs against non-sibling pairs."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 3.4))
    sibling = [p["correlation"] for p in result["pairs"] if p["siblings"]]
    other = [p["correlation"] for p in result["pairs"] if not p["siblings"]]
    bins = np.linspace(-1, 1, 41)
    ax.hist(other, bins, alpha=0.6, density=True, label=f"different groups ({len(other)} pairs)")
    ax.hist(sibling, bins, alpha=0.6, density=True, label=f"same group, siblings ({len(sibling)} pairs)")
    ax.axvline(np.mean(other), color="C0")
    ax.axvline(np.mean(sibling), color="C1")
    ax.set_xlabel("Pearson correlation of the two values' deviation maps")
    ax.set_ylabel("density")
    ax.legend(fontsize=7)
    ax.set_title(f"siblings - non-siblings = {result['difference']:+.3f}, permutation p = {result['p_value']:.4f}",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_examples(tree: EITree, examples: list[dict], evidence, photo_of, path: Path) -> None:
    """One row per example product: the photo, then its category map and two attribute maps, each
    drawn exactly as the served heatmap draws it (``evidence.overlay``)."""
    plt = _plt()
    lookup = evidence.lookup()
    cols = 1 + max(len(e["concepts"]) for e in examples)
    fig, axes = plt.subplots(len(examples), cols, figsize=(1.9 * cols, 2.45 * len(examples)), squeeze=False)
    for row, example in enumerate(examples):
        photo = photo_of(example["id"])
        with Image.open(photo) as img:
            axes[row, 0].imshow(img.convert("RGB"))
        axes[row, 0].set_title(f"#{example['id']}", fontsize=7)
        for col, (concept, prob) in enumerate(zip(example["concepts"], example["probs"]), start=1):
            maps = evidence.maps[lookup[(example["row"], tree.index[concept])]]
            axes[row, col].imshow(overlay(photo, maps, scale=2))
            axes[row, col].set_title(f"{tree.nodes[concept].name}\nP={prob:.2f}", fontsize=7)
        for ax in axes[row]:
            ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_designs(figure: dict, titles: dict, path: Path) -> None:
    """The same product (top) and 2x2 collage (bottom) under every design: the evidence of the
    product's article type, and of the top-left product's master category."""
    plt = _plt()
    keys = list(figure["maps"])
    fig, axes = plt.subplots(2, len(keys) + 1, figsize=(1.6 * (len(keys) + 1), 4.6), squeeze=False)
    for row, (photo_key, map_key) in enumerate((("photo", "maps"), ("collage", "collage_maps"))):
        axes[row, 0].imshow(figure[photo_key])
        for col, key in enumerate(keys, start=1):
            axes[row, col].imshow(_heat_over(figure[photo_key], evidence_mass(figure[map_key][key])))
            if row == 0:
                axes[row, col].set_title(f"{key}: {titles[key]['grid']}", fontsize=7)
    for ax in axes.ravel():
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)

