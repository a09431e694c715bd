"""The import contracts (``[tool.importlinter]`` in pyproject.toml): the dependencies point one way,
bot -> actions -> (HTTP) -> retrieval -> models, with no import cycles between modules."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
PACKAGES = ("retrieval", "models", "actions", "bot/channels")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` over the packages under ``root`` with the contracts in its pyproject.toml."""
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=root, capture_output=True, text=True, timeout=120)


def test_the_contracts_hold():
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _copy(tmp_path: Path) -> Path:
    """The packages and the contracts, without models/checkpoints and other data."""
    for package in PACKAGES:
        shutil.copytree(REPO / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__", "checkpoints", "variants", "static"))
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    return tmp_path


def test_an_upward_import_or_a_cycle_breaks_them(tmp_path):
    root = _copy(tmp_path)
    assert lint_imports(root).returncode == 0  # the copy is what the repository holds
    metrics = root / "models" / "metrics.py"
    clean = metrics.read_text()
    metrics.write_text(clean + "\nfrom retrieval.search import similarity_levels  # noqa: E402,F401\n")
    upward = lint_imports(root)
    assert upward.returncode != 0
    assert "models.metrics -> retrieval.search" in upward.stdout
    assert "models is not allowed to import faiss" in upward.stdout  # retrieval.search loads the index
    metrics.write_text(clean + "\nfrom .train import prepare_split  # noqa: E402,F401\n")  # train imports metrics
    cycle = lint_imports(root)
    assert cycle.returncode != 0
    assert "No cycles are allowed in models" in cycle.stdout


def test_importing_the_trainer_loads_neither_faiss_nor_the_engine():
    code = ("import sys, models.train, models.evaluation.measures; "
            "loaded = [m for m in sys.modules if m.split('.')[0] in ('faiss', 'retrieval', 'sqlalchemy')]; "
            "assert not loaded, loaded")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
