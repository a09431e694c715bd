"""The import contracts (``[tool.importlinter]`` in pyproject.toml): the dependencies point one way,
bot -> actions -> (HTTP) -> retrieval -> models, with no import cycles between modules."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
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
    metrics.write_text(clean + "\nfrom retrieval.ranking.search import similarity_levels  # noqa: E402,F401\n")
    upward = lint_imports(root)
    assert upward.returncode != 0
    assert "models.metrics -> retrieval.ranking.search" in upward.stdout
    assert "models is not allowed to import faiss" in upward.stdout  # retrieval.ranking.search loads the index
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


def test_an_upward_import_between_the_engines_rooms_breaks_them(tmp_path):
    root = _copy(tmp_path)
    store = root / "retrieval" / "catalog" / "store.py"
    store.write_text(store.read_text() + "\nfrom retrieval.query.state import QueryState  # noqa: E402,F401\n")
    upward = lint_imports(root)
    assert upward.returncode != 0
    assert "retrieval.catalog.store -> retrieval.query.state" in upward.stdout
    store.write_text(store.read_text().replace("from retrieval.query.state", "from retrieval.cli"))
    assert lint_imports(root).returncode != 0
    # serving and evaluation are independent of each other
    amr = root / "retrieval" / "evaluation" / "amr.py"
    amr.write_text(amr.read_text() + "\nfrom retrieval.serving.limits import BodyLimit  # noqa: E402,F401\n")
    store.write_text((REPO / "retrieval" / "catalog" / "store.py").read_text())
    sideways = lint_imports(root)
    assert sideways.returncode != 0
    assert "retrieval.evaluation.amr -> retrieval.serving.limits" in sideways.stdout


def test_no_folder_holds_more_than_twenty_python_modules():
    crowded = {}
    for folder in ("retrieval", "models", "actions", "bot", "tests", "bench", "scripts"):
        for directory in [REPO / folder, *(p for p in (REPO / folder).rglob("*") if p.is_dir())]:
            if "__pycache__" in directory.parts:
                continue
            modules = [p for p in directory.glob("*.py") if p.name != "__init__.py"]
            if len(modules) > 20:
                crowded[str(directory.relative_to(REPO))] = len(modules)
    assert not crowded, crowded
