"""Helpers shared by the bot tests: the engine, action server and Rasa server as real
subprocesses on free ports, the trained Rasa model, and catalogue labels to check results.

The engine runs over the demo catalogue: the ``demo_engine`` fixture of conftest builds its index
(var/test-demo), or FASHIONBOT_BOT_TEST_VAR points at an existing engine folder (with its own
catalog.db and index/, e.g. one built by `make run`), and FASHIONBOT_BOT_TEST_ENGINE_URL may name
an engine already serving it. The Rasa parts run in .venv-rasa.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parent.parent
BOT = REPO / "bot"
RASA = REPO / ".venv-rasa" / "bin" / "rasa"
LOGS = REPO / "var" / "test-bot"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Service:
    """A subprocess serving HTTP on ``url``; its output goes to ``log``."""

    name: str
    process: subprocess.Popen
    url: str
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:]) if self.log.exists() else ""


def start_service(name: str, command: list[str], url: str, health: str, env: dict, cwd: Path = REPO,
                  timeout: float = 240) -> Service:
    """Start a process and wait until ``url + health`` answers 200 (or fail with its log)."""
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"{name}.log"
    handle = open(log, "w")
    process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **env}, stdout=handle, stderr=subprocess.STDOUT)
    service = Service(name, process, url, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}:\n{service.tail()}")
        try:
            if httpx.get(url + health, timeout=2).status_code == 200:
                return service
        except httpx.HTTPError:
            pass
        time.sleep(1)
    service.stop()
    raise RuntimeError(f"{name} did not answer {url + health} within {timeout:.0f} s:\n{service.tail()}")


@dataclass
class EngineSetup:
    """Where an engine's state lives, as environment variables."""

    env: dict[str, str]
    db_url: str


def engine_setup(request) -> EngineSetup:
    """The demo engine's environment: FASHIONBOT_BOT_TEST_VAR, else conftest's demo index."""
    var = os.environ.get("FASHIONBOT_BOT_TEST_VAR")
    if var:
        env = {"FASHIONBOT_VAR": var}
        for key in ("FASHIONBOT_CHECKPOINT", "FASHIONBOT_DB_URL", "FASHIONBOT_INDEX", "FASHIONBOT_TREE"):
            if os.environ.get(key):
                env[key] = os.environ[key]
        return EngineSetup(env, env.get("FASHIONBOT_DB_URL", f"sqlite:///{Path(var) / 'catalog.db'}"))
    engine = request.getfixturevalue("demo_engine")  # a broken engine fails these tests, never skips them
    s = engine.settings
    return EngineSetup({"FASHIONBOT_VAR": str(s.var_dir), "FASHIONBOT_DB_URL": s.db_url,
                        "FASHIONBOT_CHECKPOINT": str(s.checkpoint), "FASHIONBOT_INDEX": str(s.index_dir),
                        "FASHIONBOT_TREE": str(s.tree_path)}, s.db_url)


def start_engine(setup: EngineSetup) -> Service:
    """The engine as a subprocess; FASHIONBOT_BOT_TEST_ENGINE_URL reuses a running one instead."""
    running = os.environ.get("FASHIONBOT_BOT_TEST_ENGINE_URL")
    if running:
        return Service("engine", subprocess.Popen(["true"]), running.rstrip("/"), LOGS / "engine.log")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    service = start_service("engine", [str(REPO / ".venv" / "bin" / "fashionbot"), "serve", "--port", str(port)],
                            url, "/health", {**setup.env, "FASHIONBOT_PUBLIC_URL": url}, timeout=180)
    # the first text query loads the text encoder (seconds): not something the bot's timeout should see
    httpx.post(f"{url}/search", json={"text": "shirt", "k": 1}, timeout=180)
    return service


def start_actions(engine_url: str) -> Service:
    port = free_port()
    env = {"FASHIONBOT_ENGINE_URL": engine_url, "FASHIONBOT_PUBLIC_URL": engine_url}
    return start_service("actions", [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
                         f"http://127.0.0.1:{port}", "/health", env, timeout=120)


def start_rasa(actions_url: str, tracker_db: Path, model: Path) -> Service:
    port = free_port()
    env = {"FASHIONBOT_ACTIONS_URL": f"{actions_url}/webhook", "FASHIONBOT_TRACKER_DB": str(tracker_db)}
    command = [str(RASA), "run", "--enable-api", "--port", str(port), "--model", str(model),
               "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"]
    return start_service("rasa", command, f"http://127.0.0.1:{port}", "/status", env, cwd=BOT, timeout=420)


def trained_model() -> Path:
    """The Rasa model, trained first when its data changed (skipped when Rasa is not installed)."""
    if not RASA.exists():
        pytest.skip(f"{RASA} is missing: run `make setup`")
    subprocess.run([sys.executable, str(BOT / "train_if_changed.py")], check=True, cwd=REPO)
    return BOT / "models" / "fashionbot.tar.gz"


def catalogue_labels(db_url: str) -> dict[int, set[str]]:
    """Concept labels of every catalogue product (from the catalogue, not from the model)."""
    from retrieval.catalog import Catalog

    return Catalog(db_url).concept_labels()


def label_conflicts(labels: set[str], wanted: set[str], unwanted: set[str] = frozenset()) -> list[str]:
    """Requests a product's catalogue labels contradict. The catalogue does not label every
    attribute of every product: a wanted value counts as met when it is labelled, and as unknown
    (not a conflict) when no value of its group is labelled; an unwanted one conflicts only when
    labelled."""
    tree = _tree()
    out = []
    for cid in wanted:
        if cid in labels:
            continue
        node = tree[cid]
        group = {s.id for s in tree.exclusive_siblings(cid)} or set(tree[node.parent].children)
        if node.kind == "category" or group & labels:
            out.append(f"lacks {cid}")
    out += [f"has {cid}" for cid in unwanted if cid in labels]
    return out


_TREE = None


def _tree():
    global _TREE
    if _TREE is None:
        from models.tree import EITree

        _TREE = EITree.load(REPO / "data" / "ei_tree.yaml")
    return _TREE


def test_fingerprint_covers_training_inputs():
    """The model is retrained when the data changes (and only then)."""
    sys.path.insert(0, str(BOT))
    try:
        import train_if_changed
    finally:
        sys.path.remove(str(BOT))
    first = train_if_changed.fingerprint()
    assert first == train_if_changed.fingerprint() and len(first) == 64
