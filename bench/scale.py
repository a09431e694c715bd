"""Latency, memory and build time against catalogue size, for the exact scan and Milvus; and
feature extraction in process against the same extraction as a Ray Data job.

`make bench-scale`. Synthetic catalogues are the demo index's real product vectors
(``var/test-demo``, built by the tests or by this script) tiled to the size wanted, with noise
(each copy's concept probabilities scaled by U(0.9, 1.1), its embedding moved by N(0, 0.05)
and renormalised) and labels resampled (price, brand, sizes and sale each drawn from another
demo product; categories follow the noisy probabilities). Each (size, backend) runs in its own
process, so its memory is its own: the engine process's peak RSS, and for Milvus Lite the
Milvus server's too. A turn here is what grows with the catalogue: the index search for 200
candidates, their exact re-scoring, and the filter mask over every product (the engine makes
it for its counts either way); half the turns carry a filter (a price cap or a brand), pushed
down to Milvus. Every latency ratio is to the exact backend at the smallest size, same run.

Writes bench/results/scale.json, bench/results/scale.png and the SCALE section of
bench/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import support  # noqa: E402  (README sections: shared with the tests)

SIZES = [44_441, 250_000, 1_000_000]
BACKENDS = ["flat", "milvus"]
TURNS = 40  # measured turns per (size, backend), after 4 warm-ups
OUT = ROOT / "bench" / "results"


# ------------------------------------------------------------------ one (size, backend), in a child
def rss_mb(pid: int, field: str = "VmHWM") -> float:
    """A process's peak (VmHWM) or current (VmRSS) resident memory, MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    """Direct child processes of ``pid`` (the Milvus Lite server is one)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def demo_parts():
    """The demo index's vectors, the tree, and the demo products' scalar attributes."""
    from models.tree import EITree
    from retrieval.catalog.products import ProductTable
    from retrieval.catalog.store import Catalog
    from retrieval.ranking.scalars import product_attributes
    from retrieval.ranking.vectors import ProductVectors
    from retrieval.settings import DATA_DIR

    var = ROOT / "var" / "test-demo"
    if not (var / "index" / "current" / "vectors.npz").exists():  # a fresh clone: build it as the tests do
        from retrieval.serving.engine import Engine

        Engine(support.demo_settings()).build_index()
    vectors = ProductVectors.load(var / "index" / "current" / "vectors.npz")
    tree = EITree.load(DATA_DIR / "ei_tree.yaml")
    table = ProductTable.from_facts(Catalog(f"sqlite:///{var / 'catalog.db'}").facts(), vectors.ids)
    return vectors, tree, product_attributes(table, vectors.concept_probs, tree)


def synthetic(vectors, tree, attributes, n: int, seed: int = 0):
    """``n`` products: the demo's tiled with noise, labels resampled (module docstring)."""
    from retrieval.ranking.scalars import Attributes, confident_categories
    from retrieval.ranking.vectors import ProductVectors

    rng = np.random.default_rng(seed)
    base = np.arange(n) % len(vectors.ids)
    probs = np.empty((n, vectors.concept_probs.shape[1]), dtype=np.float32)
    emb = np.empty((n, vectors.emb.shape[1]), dtype=np.float32)
    for start in range(0, n, 50_000):  # in chunks: the noise arrays stay small
        rows = base[start:start + 50_000]
        probs[start:start + len(rows)] = np.clip(
            vectors.concept_probs[rows] * rng.uniform(0.9, 1.1, (len(rows), 1)).astype(np.float32), 0, 1)
        moved = vectors.emb[rows] + rng.normal(0, 0.05, (len(rows), emb.shape[1])).astype(np.float32)
        emb[start:start + len(rows)] = moved / np.linalg.norm(moved, axis=1, keepdims=True)
    out = ProductVectors(ids=np.arange(1, n + 1, dtype=np.int64), concept_probs=probs, emb=emb,
                         labelled=np.zeros(probs.shape, dtype=bool))
    draw = lambda: rng.integers(len(vectors.ids), size=n)  # noqa: E731
    price, brand, sizes, sale = draw(), draw(), draw(), draw()
    labels = Attributes(price=attributes.price[price], brand=[attributes.brand[i] for i in brand],
                        sizes=[attributes.sizes[i] for i in sizes], categories=confident_categories(probs, tree),
                        sale=attributes.sale[sale])
    return out, labels


def measure(n: int, backend: str) -> dict:
    """Build the index of a synthetic catalogue of ``n`` and time turns on it."""
    from retrieval.query.state import QueryState, apply_edit
    from retrieval.ranking.index import IndexConfig, VectorIndex
    from retrieval.ranking.scalars import ScalarFilter
    from retrieval.ranking.search import Ranker

    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")  # as a serving process runs (FASHIONBOT_BLAS_THREADS)
    vectors, tree, attributes = demo_parts()
    products, labels = synthetic(vectors, tree, attributes, n)
    del vectors
    from tqdm.auto import tqdm

    matrix = Ranker.product_matrix(products, tree)  # (N, 2K + D) what the index stores
    config = IndexConfig(backend=backend, dense_tail=products.emb.shape[1])
    started = time.perf_counter()
    with tqdm(total=n, desc=f"{backend} build", unit="product", disable=backend != "milvus") as bar:
        index = VectorIndex(config).build(matrix, products.ids, labels if backend == "milvus" else None, bar)
    build_s = time.perf_counter() - started
    del matrix
    ranker = Ranker(tree, products, index)  # as the engine holds it: vectors, matrix, masks, index
    rng = np.random.default_rng(1)
    brands = [b for b in set(labels.brand) if b]
    colours = [nid for nid in tree.order if tree[nid].group == "colour" and tree[nid].kind == "value"]
    median = float(np.median(labels.price[labels.price > 0]))
    timings: dict[str, list[float]] = {"plain": [], "filtered": []}
    for turn in range(TURNS + 4):
        row = int(rng.integers(n))
        state = apply_edit(QueryState(like=int(products.ids[row])), "set", [colours[turn % len(colours)]], tree)
        query = ranker.state_query(state, products.concept_probs[row], products.emb[row])
        kind = "filtered" if turn % 2 else "plain"
        where = None
        if kind == "filtered":
            where = ScalarFilter(price_max=median) if turn % 4 == 1 else ScalarFilter(brands=[brands[turn % len(brands)]])
        started = time.perf_counter()
        allowed = None if where is None else where.mask(labels)
        ranker.candidates(query, 200, allowed, skip_ids={int(products.ids[row])},
                          where=None if where is None else (where, allowed))
        if turn >= 4:
            timings[kind].append(time.perf_counter() - started)
    everything = timings["plain"] + timings["filtered"]
    milvus_mb = sum(rss_mb(pid, "VmRSS") for pid in children(os.getpid())) if backend == "milvus" else 0.0
    index.close()
    ms = lambda values, q: round(1000 * float(np.percentile(values, q)), 2)  # noqa: E731
    return {"products": n, "backend": backend, "build_s": round(build_s, 1),
            "p50_ms": ms(everything, 50), "p95_ms": ms(everything, 95),
            "plain_p50_ms": ms(timings["plain"], 50), "filtered_p50_ms": ms(timings["filtered"], 50),
            "engine_peak_mb": round(rss_mb(os.getpid()), 0), "milvus_mb": round(milvus_mb, 0)}


# ------------------------------------------------------------------ feature extraction both ways
def extraction(n: int = 96, workers: int = 2) -> dict:
    """Products/s of the in-process extraction and of the Ray Data job (a local Ray, ``workers``
    actors) over the same ``n`` demo products, cold caches, same run."""
    from models.features import extract_features
    from retrieval.catalog.store import Catalog
    from retrieval.ranking.ray_features import RayExtraction

    catalog = Catalog(f"sqlite:///{ROOT / 'var' / 'test-demo' / 'catalog.db'}")
    products = catalog.products()[::max(1, catalog.count() // n)][:n]
    out = {"products": len(products), "ray_workers": workers, "cpu_cores": os.cpu_count()}
    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        extract_features(products, catalog.source, Path(cache) / "here", batch_size=32, progress=False)
        out["in_process_products_per_s"] = round(len(products) / (time.perf_counter() - started), 1)
        started = time.perf_counter()
        extract_features(products, catalog.source, Path(cache) / "ray", batch_size=32, progress=False,
                         runner=RayExtraction("local", workers=workers, block=32))
        out["ray_products_per_s"] = round(len(products) / (time.perf_counter() - started), 1)
        meta = json.loads(next((Path(cache) / "ray").glob("*/meta.json")).read_text())
        out["ray_job_products_per_s"] = meta["throughput"]["products_per_s"]  # without Ray's start-up
    return out


# ------------------------------------------------------------------ the run
BYTES_PER_PRODUCT = 20_000  # an engine's peak memory per product on the exact scan (measured 19 KB), rounded up


def available_bytes() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024
    return 0
def main(sizes: list[int]) -> dict:
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in sizes:
        for backend in BACKENDS:
            need, free = n * BYTES_PER_PRODUCT, available_bytes()
            if need > 0.8 * free:  # measured: ~19 KB a product at the engine's peak (exact scan)
                rows.append({"products": n, "backend": backend,
                             "error": f"skipped: needs about {need / 1e9:.0f} GB, {free / 1e9:.0f} GB available"})
                print(f"scale: {n} products, {backend}: {rows[-1]['error']}", flush=True)
                continue
            print(f"scale: {n} products, {backend} ...", flush=True)
            child = subprocess.run([sys.executable, __file__, "--one", str(n), backend], cwd=ROOT,
                                   capture_output=True, text=True)
            if child.returncode:
                print(child.stderr[-3000:], file=sys.stderr)
                rows.append({"products": n, "backend": backend, "error": child.stderr.strip().splitlines()[-1][:200]})
                continue
            rows.append(json.loads(child.stdout.strip().splitlines()[-1]))
            print("  ", rows[-1], flush=True)
    report = {"measured": time.strftime("%Y-%m-%d %H:%M"), "cpu_cores": os.cpu_count(),
              "load_average": round(os.getloadavg()[0], 1), "turns": TURNS, "rows": rows,
              "extraction": extraction()}
    (OUT / "scale.json").write_text(json.dumps(report, indent=2) + "\n")
    plot(report)
    write_readme(report)
    print(json.dumps(report, indent=2))
    return report


def plot(report: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for backend, marker in zip(BACKENDS, "os"):
        rows = [r for r in report["rows"] if r["backend"] == backend and "error" not in r]
        sizes = [r["products"] for r in rows]
        axes[0].plot(sizes, [r["p50_ms"] for r in rows], marker=marker, label=f"{backend} p50")
        axes[0].plot(sizes, [r["p95_ms"] for r in rows], marker=marker, linestyle="--", label=f"{backend} p95")
        axes[1].plot(sizes, [r["engine_peak_mb"] + r["milvus_mb"] for r in rows], marker=marker, label=backend)
    axes[0].set(xscale="log", yscale="log", xlabel="products", ylabel="ms per turn", title="Turn latency")
    axes[1].set(xscale="log", xlabel="products", ylabel="MB (engine peak + Milvus)", title="Memory")
    for ax in axes:
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(OUT / "scale.png", dpi=110)


def write_readme(r: dict) -> None:
    rows = [x for x in r["rows"] if "error" not in x]
    base = next((x for x in rows if x["backend"] == "flat"), None)
    lines = [f"Synthetic catalogues from the demo index's real vectors (tiled with noise, labels resampled), "
             f"{r['cpu_cores']} CPU cores (load average {r['load_average']} at the end); measured {r['measured']} by "
             f"`make bench-scale`. A turn: the index search for 200 candidates, their exact re-scoring and the "
             f"filter mask; {r['turns']} turns each, half with a price cap or a brand (pushed down to Milvus). "
             f"Ratios are to the exact backend at {base['products'] if base else '?'} products, same run.", "",
             "| products | backend | turn p50 | turn p95 | ratio (p50) | filtered / plain p50 | build | engine peak RSS | Milvus server RSS |",
             "|---|---|---|---|---|---|---|---|---|"]
    for x in r["rows"]:
        if "error" in x:
            said = x["error"] if x["error"].startswith("skipped") else f"failed: {x['error']}"
            lines.append(f"| {x['products']:,} | {x['backend']} | {said} | | | | | | |")
            continue
        ratio = f"{x['p50_ms'] / base['p50_ms']:.2f}x" if base else ""
        milvus = f"{x['milvus_mb']:,.0f} MB" if x["backend"] == "milvus" else "(none)"
        lines.append(f"| {x['products']:,} | {x['backend']} | {x['p50_ms']} ms | {x['p95_ms']} ms | {ratio} | "
                     f"{x['filtered_p50_ms']} / {x['plain_p50_ms']} ms | {x['build_s']} s | "
                     f"{x['engine_peak_mb']:,.0f} MB | {milvus} |")
    missing = sorted({n for n in SIZES} - {x["products"] for x in r["rows"]})
    if missing:
        lines += ["", "Not measured: " + ", ".join(f"{n:,}" for n in missing) + " products (see below)."]
    e = r["extraction"]
    lines += ["", "![turn latency and memory against catalogue size](results/scale.png)", "",
              "| feature extraction, same run | products/s |", "|---|---|",
              f"| in process ({e['products']} demo products, cold cache) | {e['in_process_products_per_s']} |",
              f"| Ray Data job, a local Ray with {e['ray_workers']} actors, Ray's start included | {e['ray_products_per_s']} |",
              f"| the same job without Ray's start-up | {e['ray_job_products_per_s']} |"]
    support.splice_section(ROOT / "bench" / "README.md", "SCALE", "\n".join(lines), "Scale")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", nargs=2, metavar=("SIZE", "BACKEND"), help="measure one (size, backend) and print JSON")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="catalogue sizes, comma-separated")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(int(args.one[0]), args.one[1])))
    else:
        main([int(s) for s in args.sizes.split(",")])
