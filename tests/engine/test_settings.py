"""Run-time settings: read from the environment in one module, when asked for, never at import."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from retrieval.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def test_settings_follow_the_environment_when_read(monkeypatch, tmp_path):
    monkeypatch.setenv("FASHIONBOT_VAR", str(tmp_path))
    monkeypatch.setenv("FASHIONBOT_TORCH_THREADS", "3")
    monkeypatch.setenv("FASHIONBOT_FAISS_THREADS", "2")
    monkeypatch.setenv("FASHIONBOT_RASA_URL", "http://chat.example:5005/")
    monkeypatch.setenv("FASHIONBOT_WEBCHAT_DIR", str(tmp_path / "widget"))
    settings = Settings.from_env()
    assert settings.var_dir == tmp_path and settings.db_url == f"sqlite:///{tmp_path / 'catalog.db'}"
    assert (settings.torch_threads, settings.faiss_threads) == (3, 2)
    assert settings.rasa_url == "http://chat.example:5005" and settings.webchat_dir == tmp_path / "widget"
    for name in ("FASHIONBOT_TORCH_THREADS", "FASHIONBOT_FAISS_THREADS", "FASHIONBOT_RASA_URL",
                 "FASHIONBOT_WEBCHAT_DIR"):
        monkeypatch.delenv(name)
    defaults = Settings.from_env()
    assert (defaults.torch_threads, defaults.faiss_threads, defaults.webchat_dir) == (1, 1, None)
    # past one machine: the index backend, its Milvus server, the Ray cluster of the extraction
    assert (defaults.index_backend, defaults.milvus_uri, defaults.ray_address) == ("auto", "", "")
    monkeypatch.setenv("FASHIONBOT_INDEX_BACKEND", "milvus")
    monkeypatch.setenv("FASHIONBOT_MILVUS_URI", "http://milvus:19530")
    monkeypatch.setenv("FASHIONBOT_RAY_ADDRESS", "auto")
    monkeypatch.setenv("FASHIONBOT_RAY_WORKERS", "4")
    scaled = Settings.from_env()
    assert (scaled.index_backend, scaled.milvus_uri, scaled.ray_address, scaled.ray_workers) == \
        ("milvus", "http://milvus:19530", "auto", 4)


def test_faiss_threads_are_set_when_an_index_is_built_not_at_import():
    code = """
import os, faiss, numpy as np
os.environ["FASHIONBOT_FAISS_THREADS"] = "1"
faiss.omp_set_num_threads(2)
from retrieval.ranking.index import VectorIndex
assert faiss.omp_get_max_threads() == 2, "importing retrieval.ranking.index changed the FAISS threads"
VectorIndex().build(np.eye(4, dtype=np.float32), np.arange(4))
assert faiss.omp_get_max_threads() == 1, faiss.omp_get_max_threads()
"""
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_device_auto_falls_back_to_the_cpu(monkeypatch, demo_engine):
    """``FASHIONBOT_DEVICE=auto`` (the default) serves on CUDA when torch sees a GPU, else on the
    CPU; an explicit cuda without a GPU is a clear error, not a silent fallback. /health and the
    index manifest say which device serves and which built the index."""
    import torch
    from fastapi.testclient import TestClient

    from models.device import batch_size, resolve_device
    from retrieval.serving.api import create_app

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device("auto") == "cpu" and resolve_device("cpu") == "cpu" and batch_size("cpu") == 64
    with pytest.raises(ValueError, match="no CUDA GPU"):
        resolve_device("cuda")
    with pytest.raises(ValueError, match="unknown device"):
        resolve_device("tpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_device("auto") == "cuda" and batch_size("cuda") == 256
    monkeypatch.undo()
    if not torch.cuda.is_available():
        assert demo_engine.device == "cpu"
        health = TestClient(create_app(demo_engine)).get("/health").json()
        assert health["device"] == "cpu" and health["index"]["device"] == "cpu"
