"""Cut the committed demo catalogue (``data/demo/``) out of a full catalogue folder.

A stratified subset in the same Kaggle layout: every masterCategory, every article type
with enough products (a floor per type, the rest proportional to its size), deterministic,
at most ``max_products`` products and ``max_bytes`` on disk.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import json
import shutil
from collections import defaultdict
from pathlib import Path

from .ingest import CSV_FIELDS, read_styles_csv, read_styles_json


def _rank(pid: int) -> str:
    return hashlib.sha1(f"demo:{pid}".encode()).hexdigest()


def choose_demo_ids(rows: dict[int, dict], available: set[int], max_products: int = 3000,
                    floor: int = 12) -> list[int]:
    """Stratified choice of product ids: ``floor`` per article type, then proportional."""
    by_type: dict[tuple[str, str], list[int]] = defaultdict(list)
    for pid, row in rows.items():
        if pid in available:
            by_type[(row["masterCategory"], row["articleType"])].append(pid)
    for ids in by_type.values():
        ids.sort(key=_rank)
    total = sum(len(v) for v in by_type.values())
    chosen: set[int] = set()
    masters_seen: set[str] = set()
    for (master, _), ids in sorted(by_type.items(), key=lambda kv: -len(kv[1])):
        if master not in masters_seen:  # every masterCategory, however rare
            chosen.add(ids[0])
            masters_seen.add(master)
    budget = max_products - len(chosen)
    quotas = {key: max(min(floor, len(ids)), int(len(ids) / total * budget)) for key, ids in by_type.items()}
    while sum(quotas.values()) > budget:  # trim the largest quotas until the budget holds
        biggest = max(quotas, key=quotas.get)
        quotas[biggest] -= 1
    for key, ids in by_type.items():
        for pid in ids[: quotas[key]]:
            if len(chosen) >= max_products:
                break
            chosen.add(pid)
    return sorted(chosen)


def make_demo(source: Path, out: Path, max_products: int = 3000, max_bytes: int = 10_000_000) -> dict:
    """Write the demo catalogue to ``out``; returns a summary. Replaces ``out`` atomically."""
    source, out = Path(source), Path(out)
    rows = {int(row["id"]): row for _, row in read_styles_csv(source / "styles.csv")}
    available = {int(p.stem) for p in (source / "images").glob("*.jpg") if p.stem.isdigit()}
    ids = choose_demo_ids(rows, available, max_products)
    wanted = set(ids)
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "images").mkdir(parents=True)
    with open(tmp / "styles.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(CSV_FIELDS)
        for pid in ids:
            writer.writerow([rows[pid][f] for f in CSV_FIELDS])
    with gzip.GzipFile(tmp / "styles.jsonl.gz", "wb", mtime=0) as handle:
        for _, _, data in read_styles_json(source):
            if data["id"] in wanted:
                handle.write((json.dumps({"data": data}, ensure_ascii=False) + "\n").encode())
    for pid in ids:
        shutil.copyfile(source / "images" / f"{pid}.jpg", tmp / "images" / f"{pid}.jpg")
    size = sum(p.stat().st_size for p in tmp.rglob("*") if p.is_file())
    if size > max_bytes:
        shutil.rmtree(tmp)
        raise ValueError(f"demo would take {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit")
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    masters = sorted({rows[pid]["masterCategory"] for pid in ids})
    return {"products": len(ids), "bytes": size, "masterCategories": masters,
            "articleTypes": len({rows[pid]["articleType"] for pid in ids})}
