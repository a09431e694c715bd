"""Shared fixtures: real catalogue data cut from the shared dataset (or the committed demo)."""
from __future__ import annotations

import csv
import gzip
import json
import os
import shutil
from pathlib import Path

import pytest

from retrieval.settings import DEMO_DIR, SHARED_DATASET

DATASET = SHARED_DATASET if SHARED_DATASET.exists() else DEMO_DIR
# Real products with the known quirks: unquoted commas in the name (3413, 23101, 44065),
# an id without an image (12347), greyscale photos (7542, 9048), HTML descriptions (all).
QUIRK_IDS = [3413, 23101, 44065, 12347, 7542, 9048]


@pytest.fixture(scope="session")
def dataset_dir() -> Path:
    """The real catalogue folder the tests read."""
    return DATASET


def cut_source(dest: Path, ids: list[int], source: Path = DATASET) -> Path:
    """Copy the given products (CSV lines verbatim, JSON lines, images) into a new folder."""
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "images").mkdir(exist_ok=True)
    wanted = {str(i) for i in ids}
    with open(source / "styles.csv", encoding="utf-8") as handle:
        lines = handle.readlines()
    (dest / "styles.csv").write_text(lines[0] + "".join(
        line for line in lines[1:] if line.split(",", 1)[0] in wanted), encoding="utf-8")
    with gzip.open(source / "styles.jsonl.gz", "rt", encoding="utf-8") as src, \
            gzip.open(dest / "styles.jsonl.gz", "wt", encoding="utf-8") as out:
        for line in src:
            if str(json.loads(line)["data"]["id"]) in wanted:
                out.write(line)
    for pid in wanted:
        image = source / "images" / f"{pid}.jpg"
        if image.exists():
            shutil.copyfile(image, dest / "images" / f"{pid}.jpg")
    return dest


def sample_ids(n: int, source: Path = DATASET, seed_every: int = 37) -> list[int]:
    """A deterministic spread of real product ids from styles.csv."""
    with open(source / "styles.csv", encoding="utf-8") as handle:
        ids = [int(row[0]) for row in list(csv.reader(handle))[1:] if row and row[0].isdigit()]
    return sorted(ids)[::seed_every][:n]


@pytest.fixture
def mini_source(tmp_path) -> Path:
    """~60 real products including every known quirk."""
    ids = sorted(set(sample_ids(55)) | (set(QUIRK_IDS) if DATASET == SHARED_DATASET else set()))
    return cut_source(tmp_path / "source", ids)


@pytest.fixture
def db_url(tmp_path, monkeypatch) -> str:
    """A fresh SQLite catalogue, set as FASHIONBOT_DB_URL for the CLI."""
    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    monkeypatch.setenv("FASHIONBOT_DB_URL", url)
    monkeypatch.setenv("FASHIONBOT_VAR", str(tmp_path / "var"))
    return url


@pytest.fixture
def pg_url() -> str:
    """A real PostgreSQL server's URL (started by `make test`), or a skip with the reason."""
    url = os.environ.get("FASHIONBOT_TEST_PG_URL")
    if not url:
        reason_file = Path(__file__).resolve().parent.parent / "var" / "pg.unavailable"
        reason = reason_file.read_text().strip() if reason_file.exists() else "FASHIONBOT_TEST_PG_URL is not set"
        pytest.skip(f"no PostgreSQL server: {reason}")
    return url


@pytest.fixture(scope="session")
def demo_settings():
    """Settings of an engine over the committed demo catalogue, under var/test-demo (kept
    between runs so backbone features are extracted once)."""
    from tests.support import demo_settings as settings

    return settings()


@pytest.fixture(scope="session")
def demo_engine(demo_settings):
    """An engine with a fresh index over the demo catalogue, built with the served checkpoint."""
    from retrieval.serving.engine import Engine

    engine = Engine(demo_settings)
    engine.build_index()
    return engine
