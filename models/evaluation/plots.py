"""The evaluation report's PNG plots (matplotlib, headless)."""
from __future__ import annotations

from pathlib import Path

import numpy as np


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


def topk_columns(amr: dict) -> list[int]:
    """The k of the top-k accuracies in attribute-manipulation results, ascending."""
    first = next(iter(next(iter(amr["models"].values()))["by_changes"].values()))
    return sorted(int(key[3:]) for key in first if key.startswith("top"))


def plot_amr(amr: dict, path: Path) -> None:
    plt = _plt()
    ks = topk_columns(amr)
    fig, axes = plt.subplots(1, len(ks), figsize=(4 * len(ks), 4), sharey=True)
    for ax, k in zip(axes, ks):
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
