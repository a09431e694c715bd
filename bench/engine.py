"""Engine benchmark: /search latency, FAISS share, ANN recall, memory and indexing throughput.

Runs against the served configuration (``var/``: catalogue, checkpoint, index); start with
``make bench`` (which runs ``fashionbot prepare`` first). Writes bench/results/engine.json and
the table in bench/README.md between the ENGINE markers. All timings are medians/percentiles of
repeated runs in this one process tree, baselines measured in the same run.
"""
from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from retrieval.engine import Engine  # noqa: E402
from retrieval.index import IndexConfig, VectorIndex  # noqa: E402
from retrieval.query import QueryState  # noqa: E402

TEXT_QUERIES = ["red dresses", "navy blue shirts for men", "black leather wallet", "white sports shoes",
                "floral summer tops for women", "slim fit jeans", "silver watch for men", "pink handbag",
                "striped t-shirt", "brown formal shoes", "green kurta", "yellow flip flops",
                "long sleeve checked shirt", "grey track pants", "gold earrings", "blue denim jacket"]
EDITS = [["long sleeves"], ["colour.red"], ["colour.black", "slim fit"], ["short sleeves", "colour.white"],
         ["colour.navy_blue"], ["striped"], ["colour.blue", "long sleeves", "solid"]]


def percentile(values, q):
    return float(np.percentile(np.asarray(values) * 1000, q))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_server(port: int) -> subprocess.Popen:
    proc = subprocess.Popen([str(ROOT / ".venv/bin/fashionbot"), "serve", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy())
    deadline = time.time() + 300
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=60).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(1)
    proc.kill()
    raise RuntimeError("engine did not start")


def http_latency(port: int, payloads: list[dict], concurrency: int, rounds: int) -> list[float]:
    url = f"http://127.0.0.1:{port}/search"

    def one(payload):
        with httpx.Client(timeout=60) as client:
            out = []
            for _ in range(rounds):
                started = time.perf_counter()
                client.post(url, json=payload).raise_for_status()
                out.append(time.perf_counter() - started)
            return out

    with ThreadPoolExecutor(concurrency) as pool:
        return [t for ts in pool.map(one, payloads * max(1, concurrency // len(payloads) + 1)) for t in ts]


def edit_payloads(engine: Engine, n: int = 24) -> list[dict]:
    rng = np.random.default_rng(0)
    products = [p for p in engine.catalog.products() if p.sub_category == "Topwear"]
    picks = rng.choice(len(products), size=n, replace=False)
    return [{"like": products[i].id, "include": EDITS[j % len(EDITS)], "k": 10} for j, i in enumerate(picks)]


def faiss_only(engine: Engine, payloads: list[dict], rounds: int = 20) -> tuple[list[float], np.ndarray]:
    ranker = engine.ranker
    queries = []
    for p in payloads:
        row = ranker.vectors.rows([p["like"]])[0]
        state = QueryState(like=p["like"], include=engine.resolve_concepts(p["include"], []))
        q, r = ranker.concept_query(ranker.vectors.concept_probs[row], state)
        queries.append(ranker.query_vector(q, r, ranker.vectors.emb[row]))
    queries = np.stack(queries)
    times = []
    for _ in range(rounds):
        for q in queries:
            started = time.perf_counter()
            ranker.index.search(q[None], ranker.config.candidates)
            times.append(time.perf_counter() - started)
    return times, queries


def ann_recall(engine: Engine, queries: np.ndarray) -> dict:
    matrix = engine.ranker.matrix
    ids = engine.ranker.vectors.ids
    exact = VectorIndex(IndexConfig(backend="flat")).build(matrix, ids)
    _, truth = exact.search(queries, 10)
    out = {}
    for backend in ("sq8", "ivf", "hnsw"):
        started = time.perf_counter()
        index = VectorIndex(IndexConfig(backend=backend)).build(matrix, ids)
        build = time.perf_counter() - started
        times = []
        for q in queries:
            started = time.perf_counter()
            index.search(q[None], 10)
            times.append(time.perf_counter() - started)
        _, got = index.search(queries, 10)
        recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(truth, got)])
        out[backend] = {"recall_at_10": round(float(recall), 4), "build_s": round(build, 1),
                        "p50_ms": round(percentile(times, 50), 3)}
    return out


HEATMAP_CONCEPTS = ["sub.topwear.sleeve.short_sleeves", "sub.topwear.neck.round_neck", "colour.red", "type.tshirts",
                    "sub.topwear.pattern.printed"]  # the edit payloads' references are topwear


def heatmap_latency(port: int, pids: list[int], rounds: int = 2) -> dict:
    """``GET /items/{id}/heatmap?concept=...`` over HTTP, one client: p50 / p99 ms."""
    times = []
    with httpx.Client(timeout=60) as client:
        for _ in range(rounds):
            for i, pid in enumerate(pids):
                started = time.perf_counter()
                client.get(f"http://127.0.0.1:{port}/items/{pid}/heatmap",
                           params={"concept": HEATMAP_CONCEPTS[i % len(HEATMAP_CONCEPTS)]}).raise_for_status()
                times.append(time.perf_counter() - started)
    return {"p50_ms": round(percentile(times, 50), 2), "p99_ms": round(percentile(times, 99), 2), "n": len(times)}


def heatmap_maps(engine: Engine, pids: list[int], rounds: int = 3) -> dict:
    """In-process milliseconds from a photo file to its evidence map: the served heatmap head (8x6)
    against the served model's own 4x3 map it replaced (the full backbone and the concept layer)."""
    import torch

    from models.encoders import load_image
    from models.evidence import evidence_maps, head_evidence

    head, backbone = engine.heatmap_head, engine.image_backbone
    rows = engine.contrast[[engine.tree.index["colour.red"]]]
    paths = [engine.catalog.image_file(engine.catalog.get(pid)) for pid in pids]

    def served(image):
        with torch.no_grad():
            return head_evidence(head, backbone.block_map(image, head.config.block), rows)

    def before(image):
        return evidence_maps(engine.model, backbone, image, rows)[0]

    out = {}
    for name, draw in (("head_8x6_ms", served), ("last_map_4x3_ms", before)):
        times = []
        for _ in range(rounds):
            for path in paths:
                started = time.perf_counter()
                draw(load_image(path, backbone.config.image_size)[None])
                times.append(time.perf_counter() - started)
        out[name] = round(percentile(times, 50), 2)
    return out


def throughput(engine: Engine, n: int = 512) -> dict:
    """Indexing (heads over cached features) vs the backbones' own inference, same run."""
    import torch

    from models.encoders import load_image

    products = engine.catalog.products()[:n]
    features = engine.features(engine.catalog.products()).subset([p.id for p in products])
    started = time.perf_counter()
    engine.model.represent(image_maps=features.image_maps, image_colour=features.image_colour, text=features.text)
    heads = n / (time.perf_counter() - started)
    images = torch.stack([load_image(engine.catalog.image_file(p)) for p in products[:128]])
    backbone = engine.image_backbone
    started = time.perf_counter()
    with torch.no_grad():
        for chunk in images.split(64):
            backbone(chunk)
    image_rate = len(images) / (time.perf_counter() - started)
    texts = [p.text for p in products[:128]]
    started = time.perf_counter()
    for i in range(0, len(texts), 64):
        engine.text_backbone.encode(texts[i:i + 64])
    text_rate = len(texts) / (time.perf_counter() - started)
    return {"index_heads_products_per_s": round(heads, 1), "image_backbone_img_per_s": round(image_rate, 1),
            "text_backbone_texts_per_s": round(text_rate, 1),
            "cold_index_products_per_s": round(1 / (1 / image_rate + 1 / text_rate + 1 / heads), 1)}


def main() -> dict:
    engine = Engine()
    engine.load_index()
    n_products = len(engine.ranker.vectors.ids)
    edits = edit_payloads(engine)
    texts = [{"text": t, "k": 10} for t in TEXT_QUERIES]
    encode_times = []
    engine.encode_text("warm up")
    for _ in range(3):
        for t in TEXT_QUERIES:
            started = time.perf_counter()
            engine.encode_text(t)
            encode_times.append(time.perf_counter() - started)
    faiss_times, queries = faiss_only(engine, edits)
    heatmap_pids = [p["like"] for p in edits[:10]]
    maps = heatmap_maps(engine, heatmap_pids)
    port = free_port()
    server = start_server(port)
    try:
        http_latency(port, edits[:4] + texts[:4], 1, 2)  # warm up
        results = {}
        for name, payloads in (("edit", edits), ("text", texts)):
            for conc in (1, 8):
                times = http_latency(port, payloads, conc, 5 if conc == 1 else 3)
                results[f"{name}_c{conc}"] = {"p50_ms": round(percentile(times, 50), 2),
                                              "p99_ms": round(percentile(times, 99), 2), "n": len(times)}
        results["heatmap_c1"] = heatmap_latency(port, heatmap_pids)
        memory = rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    faiss_p50 = percentile(faiss_times, 50)
    report = {
        "products": n_products, "backend": engine.manifest.backend, "cpu_cores": os.cpu_count(),
        "http": results,
        "text_encoding_p50_ms": round(percentile(encode_times, 50), 2),
        "heatmap_maps": maps,
        "faiss_only_p50_ms": round(faiss_p50, 3),
        "edit_p50_over_faiss": round(results["edit_c1"]["p50_ms"] / max(faiss_p50, 1e-9), 1),
        "ann": ann_recall(engine, queries),
        "engine_rss_mb": round(memory, 1),
        "throughput": throughput(engine),
        "measured_at": time.strftime("%Y-%m-%d %H:%M"),
    }
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "engine.json").write_text(json.dumps(report, indent=2) + "\n")
    write_readme(report)
    print(json.dumps(report, indent=2))
    return report


def write_readme(r: dict) -> None:
    h = r["http"]
    t = r["throughput"]
    rows = [
        "| measure | value | goal |", "|---|---|---|",
        f"| reference+edit `/search`, p50 / p99, 1 client | {h['edit_c1']['p50_ms']} / {h['edit_c1']['p99_ms']} ms | p50 <= 10 ms |",
        f"| reference+edit `/search`, p50 / p99, 8 clients | {h['edit_c8']['p50_ms']} / {h['edit_c8']['p99_ms']} ms | |",
        f"| text `/search`, p50 / p99, 1 client | {h['text_c1']['p50_ms']} / {h['text_c1']['p99_ms']} ms | p50 <= 30 ms |",
        f"| text `/search`, p50 / p99, 8 clients | {h['text_c8']['p50_ms']} / {h['text_c8']['p99_ms']} ms | |",
        f"| of which text encoding (MiniLM + head), p50 | {r['text_encoding_p50_ms']} ms | |",
        f"| heatmap `/items/{{id}}/heatmap` (8x6 heatmap head), p50 / p99, 1 client | {h['heatmap_c1']['p50_ms']} / "
        f"{h['heatmap_c1']['p99_ms']} ms | |",
        f"| of which the evidence map: heatmap head 8x6 / the 4x3 map it replaced, p50 | "
        f"{r['heatmap_maps']['head_8x6_ms']} / {r['heatmap_maps']['last_map_4x3_ms']} ms | |",
        f"| pure FAISS search ({r['backend']}, same vectors), p50 | {r['faiss_only_p50_ms']} ms | |",
        f"| edit-query p50 / FAISS p50 (overhead ratio) | {r['edit_p50_over_faiss']}x | |",
        *[f"| ANN recall@10 vs exact Flat: {b} | {v['recall_at_10']} (p50 {v['p50_ms']} ms, build {v['build_s']} s) | |"
          for b, v in r["ann"].items()],
        f"| engine resident memory after the run | {r['engine_rss_mb']} MB | <= 1.5 GB |",
        f"| indexing from cached features (heads) | {t['index_heads_products_per_s']} products/s | |",
        f"| backbones, same run: image / text | {t['image_backbone_img_per_s']} img/s / {t['text_backbone_texts_per_s']} texts/s | |",
        f"| cold indexing (backbones + heads) | {t['cold_index_products_per_s']} products/s | |",
    ]
    table = (f"<!-- ENGINE -->\nEngine over {r['products']} products, {r['cpu_cores']} CPU cores, "
             f"measured {r['measured_at']} by `python bench/engine.py`.\n\n" + "\n".join(rows) + "\n<!-- /ENGINE -->")
    readme = ROOT / "bench" / "README.md"
    text = readme.read_text() if readme.exists() else "# Benchmarks\n\n`make bench` runs them all.\n\n"
    if "<!-- ENGINE -->" in text:
        start, end = text.index("<!-- ENGINE -->"), text.index("<!-- /ENGINE -->") + len("<!-- /ENGINE -->")
        text = text[:start] + table + text[end:]
    else:
        text += "\n## Engine\n\n" + table + "\n"
    readme.write_text(text)


if __name__ == "__main__":
    main()
