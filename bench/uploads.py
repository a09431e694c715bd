"""Engine memory and liveness under concurrent maximal photo uploads (issue 18): 24 shoppers
upload a 25-megapixel PNG at once (the largest the engine accepts: FASHIONBOT_UPLOAD_MAX_PIXELS,
under FASHIONBOT_MAX_UPLOAD). Measured twice in one run, each on a fresh engine over var/:

- baseline: a decoder per upload (FASHIONBOT_DECODE_WORKERS=24), as before the pool;
- served: the pool sized from memory (``retrieval/serving/decoding.py``), its queue, then 503.

For each: the engine's resident memory before, its peak (the kernel's VmHWM) and 5 s after,
``GET /health`` latency while the uploads run (p50, max), and the answers. Writes the table
between the UPLOADS markers of bench/README.md.

    .venv/bin/python bench/uploads.py [--uploads 24]
"""
from __future__ import annotations

import argparse
import concurrent.futures
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import support  # noqa: E402

BUDGET_MB = 2500  # the stated bound on the engine's peak memory under the uploads
HEALTH_MS = 200  # /health meanwhile


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (peak RSS) of a process, MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {key: int(fields[key].split()[0]) / 1024 for key in ("VmRSS", "VmHWM")}


def run(label: str, env: dict, photos: list[bytes], uploads: int, log_dir: Path) -> dict:
    """One fresh engine, ``uploads`` concurrent uploads, /health polled meanwhile."""
    with tempfile.TemporaryDirectory() as uploads_dir:
        served = os.environ.get("FASHIONBOT_VAR", str(ROOT / "var"))
        setup = support.EngineSetup({"FASHIONBOT_VAR": uploads_dir, "FASHIONBOT_INDEX": f"{served}/index",
                                     "FASHIONBOT_DB_URL": os.environ.get("FASHIONBOT_DB_URL",
                                                                         f"sqlite:///{served}/catalog.db"),
                                     **env}, "")
        engine = support.start_engine(setup, log_dir=log_dir)
        try:
            pid = engine.process.pid
            before = memory_mb(pid)["VmRSS"]
            waits: list[float] = []
            done = threading.Event()

            def poll():
                with httpx.Client(base_url=engine.url, timeout=60) as http:
                    while not done.is_set():
                        started = time.perf_counter()
                        http.get("/health").raise_for_status()
                        waits.append(time.perf_counter() - started)
                        time.sleep(0.05)

            def upload(i: int) -> int:
                answer = httpx.post(f"{engine.url}/images", timeout=600,
                                    files={"file": (f"{i}.png", photos[i % len(photos)], "image/png")})
                return answer.status_code

            poller = threading.Thread(target=poll)
            poller.start()
            started = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(uploads) as pool:
                statuses = list(pool.map(upload, range(uploads)))
            seconds = time.perf_counter() - started
            done.set()
            poller.join()
            peak = memory_mb(pid)["VmHWM"]
            time.sleep(5)
            after = memory_mb(pid)["VmRSS"]
        finally:
            engine.stop()
    result = {"label": label, "before_mb": round(before), "peak_mb": round(peak), "after_mb": round(after),
              "health_p50_ms": round(statistics.median(waits) * 1000, 1),
              "health_p95_ms": round(statistics.quantiles(waits, n=20)[-1] * 1000, 1),
              "health_max_ms": round(max(waits) * 1000, 1),
              "health_checks": len(waits), "ok": statuses.count(200), "busy": statuses.count(503),
              "other": len(statuses) - statuses.count(200) - statuses.count(503), "seconds": round(seconds, 1)}
    print(result, file=sys.stderr, flush=True)
    return result


def markdown(base: dict, served: dict, uploads: int, pixels: int, catalogue: str) -> str:
    def row(r: dict, ratio: str, goal: str) -> str:
        answers = f"{r['ok']} x 200, {r['busy']} x 503" + (f", {r['other']} other" if r["other"] else "")
        return (f"| {r['label']} | {r['before_mb']} MB | {r['peak_mb']} MB | {ratio} | {r['after_mb']} MB | "
                f"{r['health_p50_ms']} / {r['health_p95_ms']} / {r['health_max_ms']} ms | {answers} | {r['seconds']} s | {goal} |")

    growth = (served["peak_mb"] - served["before_mb"]) / max(1, base["peak_mb"] - base["before_mb"])
    met_memory = served["peak_mb"] <= BUDGET_MB
    met_health = served["health_max_ms"] <= HEALTH_MS
    return "\n".join([
        f"{uploads} concurrent uploads of a {pixels / 1e6:.0f}-megapixel PNG, each on a fresh engine over "
        f"{catalogue}, "
        f"{os.cpu_count()} CPU cores (load average {os.getloadavg()[0]:.1f} at the end); measured "
        f"{time.strftime('%Y-%m-%d %H:%M')} by `python bench/uploads.py`. Peak is the kernel's VmHWM of the engine "
        "process; `/health` was polled every 50 ms while the uploads ran.", "",
        "| engine | memory before | peak | peak growth vs baseline | 5 s after | `/health` p50 / p95 / max | answers | "
        "all answered in | goal |",
        "|---|---|---|---|---|---|---|---|---|",
        row(base, "1.00x", ""),
        row(served, f"{growth:.2f}x",
            f"peak <= {BUDGET_MB} MB: {'met' if met_memory else '**missed**'}; /health <= {HEALTH_MS} ms: "
            f"{'met' if met_health else '**missed**'}"),
    ])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=24)
    args = parser.parse_args()
    photos = [support.maximal_png(seed=i) for i in range(4)]
    log_dir = ROOT / "var" / "bench-uploads"
    base = run("baseline: a decoder per upload", {"FASHIONBOT_DECODE_WORKERS": str(args.uploads),
                                                  "FASHIONBOT_DECODE_QUEUE": str(args.uploads)},
               photos, args.uploads, log_dir)
    served = run("served: the bounded pool (default sizing)", {}, photos, args.uploads, log_dir)
    served_var = Path(os.environ.get("FASHIONBOT_VAR", ROOT / "var")).resolve()
    catalogue = served_var.relative_to(ROOT).as_posix() if served_var.is_relative_to(ROOT) else str(served_var)
    table = markdown(base, served, args.uploads, 5000 * 5000, f"`{catalogue}/`")
    print(table)
    support.splice_section(ROOT / "bench" / "README.md", "UPLOADS", table, "Photo uploads under load")
    return 0 if served["other"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
