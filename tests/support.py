"""What the tests and the benchmarks (bench/) share: free ports, a process started and waited
for until it is healthy, the engine, action server and Rasa as real subprocesses, the trained
Rasa model, catalogue labels to check results, and splicing a section into a README.

The engine runs over the demo catalogue: the ``demo_engine`` fixture of conftest builds its index
(var/test-demo), or FASHIONBOT_BOT_TEST_VAR points at an existing engine folder (with its own
catalog.db and index/, e.g. one built by `make run`), and FASHIONBOT_BOT_TEST_ENGINE_URL may name
an engine already serving it. The Rasa parts run in .venv-rasa. Every Rasa started here needs
``API_TOKEN`` for its HTTP API (``rasa_get``, ``tracker``), as under `make run`.
"""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
BOT = REPO / "bot"
RASA = REPO / ".venv-rasa" / "bin" / "rasa"
LOGS = REPO / "var" / "test-bot"
API_TOKEN = secrets.token_urlsafe(24)  # Rasa's API token for the servers started here (FASHIONBOT_RASA_TOKEN)
# What `make run` (bot/supervisord.conf) and compose give Rasa besides its options: no telemetry,
# request bodies of at most 2 MiB (Sanic reads SANIC_* into its config).
RASA_ENV = {"RASA_TELEMETRY_ENABLED": "false", "SANIC_REQUEST_MAX_SIZE": "2097152"}


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


def wait_healthy(url: str, timeout: float, alive=lambda: True, params: dict | None = None) -> bool:
    """Poll ``url`` until it answers 200 (True), ``alive()`` turns false or the time is up (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and alive():
        try:
            if httpx.get(url, params=params, timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(1)
    return False


def demo_settings():
    """Settings of an engine over the committed demo catalogue, under var/test-demo (its
    catalogue synced and labelled here; backbone features and the index are kept between runs)."""
    from models.tree import EITree
    from retrieval.catalog.ingest import Normalizer, scan_source
    from retrieval.catalog.store import Catalog, get_engine, sync_catalog
    from retrieval.settings import DATA_DIR, DEMO_DIR, REPO_ROOT, Settings

    base = Settings.from_env()
    var = REPO_ROOT / "var" / "test-demo"
    settings = Settings(var_dir=var, db_url=f"sqlite:///{var / 'catalog.db'}", tree_path=DATA_DIR / "ei_tree.yaml",
                        normalization_path=base.normalization_path, checkpoint=base.checkpoint,
                        index_dir=var / "index", public_url="http://testserver", max_upload_bytes=2_000_000)
    scan = scan_source(DEMO_DIR, Normalizer.load(settings.normalization_path))
    sync_catalog(get_engine(settings.db_url), scan.records, DEMO_DIR)
    tree = EITree.load(settings.tree_path)
    catalog = Catalog(settings.db_url)
    catalog.set_concept_labels({p.id: sorted(tree.labels(p)) for p in catalog.products()})
    return settings


def launch_service(name: str, command: list[str], url: str, env: dict, cwd: Path = REPO,
                   log_dir: Path = LOGS) -> Service:
    """Start a process, its output in ``log_dir/<name>.log``, without waiting for it."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"{name}.log"
    with open(log, "w") as handle:
        process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **env}, stdout=handle,
                                   stderr=subprocess.STDOUT)
    return Service(name, process, url, log)


def start_service(name: str, command: list[str], url: str, health: str, env: dict, cwd: Path = REPO,
                  timeout: float = 240, log_dir: Path = LOGS, params: dict | None = None) -> Service:
    """Start a process and wait until ``url + health`` answers 200 (or fail with its log)."""
    service = launch_service(name, command, url, env, cwd, log_dir)
    process = service.process
    if wait_healthy(url + health, timeout, lambda: process.poll() is None, params):
        return service
    if process.poll() is not None:
        raise RuntimeError(f"{name} exited with {process.returncode}:\n{service.tail()}")
    service.stop()
    raise RuntimeError(f"{name} did not answer {url + health} within {timeout:.0f} s:\n{service.tail()}")


@contextmanager
def serving(app, port: int | None = None):
    """An ASGI app served by uvicorn in a thread of this process; yields its URL."""
    import threading

    import uvicorn

    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started and thread.is_alive():
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def maximal_png(width: int = 5000, height: int = 5000, seed: int = 0) -> bytes:
    """A photo at the upload bounds: 25 megapixels (the default FASHIONBOT_UPLOAD_MAX_PIXELS) in a
    PNG under 5 MB (FASHIONBOT_MAX_UPLOAD), so that the engine must decode all of it."""
    import io

    import numpy as np
    from PIL import Image

    rows = np.tile(np.linspace(0, 255, width, dtype=np.uint8), (height, 1))
    pixels = np.stack([rows, rows[::-1], np.full_like(rows, 90 + seed % 100)], axis=-1)
    pixels[::40] = np.random.default_rng(seed).integers(0, 255, (len(pixels[::40]), width, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


# ------------------------------------------------------------------ the bot's three processes
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


def warm_up_engine(url: str) -> None:
    """The first text query loads the text encoder (seconds): not something the bot's timeout
    should see."""
    httpx.post(f"{url}/search", json={"text": "shirt", "k": 1}, timeout=180)


def start_engine(setup: EngineSetup, env: dict | None = None, log_dir: Path = LOGS, port: int | None = None,
                 timeout: float = 180) -> Service:
    """The engine as a subprocess; FASHIONBOT_BOT_TEST_ENGINE_URL reuses a running one instead."""
    running = os.environ.get("FASHIONBOT_BOT_TEST_ENGINE_URL")
    if running:
        return Service("engine", subprocess.Popen(["true"]), running.rstrip("/"), log_dir / "engine.log")
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    service = start_service("engine", [str(REPO / ".venv" / "bin" / "fashionbot"), "serve", "--port", str(port)],
                            url, "/health", {**setup.env, "FASHIONBOT_PUBLIC_URL": url, **(env or {})},
                            timeout=timeout, log_dir=log_dir)
    warm_up_engine(url)
    return service


def start_actions(engine_url: str, log_dir: Path = LOGS) -> Service:
    """The action server on 127.0.0.1, one process (actions/serve.py), as `make run` starts it."""
    port = free_port()
    env = {"FASHIONBOT_ENGINE_URL": engine_url, "FASHIONBOT_PUBLIC_URL": engine_url, "SANIC_HOST": "127.0.0.1"}
    return start_service("actions", [sys.executable, "-m", "actions.serve", "--actions", "actions", "--port", str(port)],
                         f"http://127.0.0.1:{port}", "/health", env, timeout=120, log_dir=log_dir)


def rasa_command(port: int, model: Path, web_origin: str) -> list[str]:
    """`rasa run` as `make run` starts it (bot/rasa_server.py: the API token comes from the
    environment, see ``start_rasa``), CORS for the web chat only."""
    return [str(RASA.parent / "python"), str(BOT / "rasa_server.py"), "run", "--enable-api", "--cors", web_origin,
            "--interface", "127.0.0.1", "--port", str(port), "--model", str(model),
            "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"]


def start_rasa(actions_url: str, tracker_db: Path, model: Path, env: dict | None = None,
               web_origin: str = "http://localhost:8000", log_dir: Path = LOGS, port: int | None = None) -> Service:
    """Rasa with the project's channels (credentials.yml); ready when ``/status`` (which needs
    the token) answers, i.e. the model is loaded."""
    port = port or free_port()
    env = {**RASA_ENV, "PYTHONPATH": str(BOT), "FASHIONBOT_ACTIONS_URL": f"{actions_url}/webhook",
           "FASHIONBOT_RASA_TOKEN": API_TOKEN,
           "FASHIONBOT_TRACKER_DB": str(tracker_db), "FASHIONBOT_PUBLIC_URL": web_origin, **(env or {})}
    return start_service("rasa", rasa_command(port, model, web_origin), f"http://127.0.0.1:{port}", "/status",
                         env, cwd=BOT, timeout=420, log_dir=log_dir, params={"token": API_TOKEN})


def rasa_get(rasa_url: str, path: str, token: str = API_TOKEN, **kwargs) -> httpx.Response:
    """GET on Rasa's HTTP API with the token."""
    return httpx.get(f"{rasa_url}{path}", params={"token": token}, timeout=kwargs.pop("timeout", 30), **kwargs)


def tracker(rasa_url: str, conversation_id: str, token: str = API_TOKEN) -> dict:
    """A conversation's tracker (``rest:<sender>``, ``telegram:<chat>``, ``webchat:<session>``)."""
    answer = rasa_get(rasa_url, f"/conversations/{conversation_id}/tracker", token)
    answer.raise_for_status()
    return answer.json()


def ensure_bot_model() -> Path:
    """The Rasa model, trained first when its data changed (bot/train_if_changed.py)."""
    subprocess.run([sys.executable, str(BOT / "train_if_changed.py")], check=True, cwd=REPO)
    return BOT / "models" / "fashionbot.tar.gz"


def trained_model() -> Path:
    """``ensure_bot_model`` for a test: skipped when Rasa is not installed."""
    if not RASA.exists():
        import pytest

        pytest.skip(f"{RASA} is missing: run `make setup`")
    return ensure_bot_model()


def command_lines() -> dict[int, str]:
    """Every process's command line, as any local user reads it (/proc/<pid>/cmdline)."""
    out = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                out[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:  # gone meanwhile
                continue
    return out


# ------------------------------------------------------------------ checking results
def catalogue_labels(db_url: str) -> dict[int, set[str]]:
    """Concept labels of every catalogue product (from the catalogue, not from the model)."""
    from retrieval.catalog.store import Catalog

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


# ------------------------------------------------------------------ reports
def splice_section(readme: Path, marker: str, section: str, heading: str) -> None:
    """Put ``section`` between the ``<!-- MARKER -->`` and ``<!-- /MARKER -->`` lines of
    ``readme``, or append it under ``## heading`` (``models.evaluation.report.splice_section``,
    which the evaluation reports use too)."""
    from models.evaluation.report import splice_section as splice

    splice(readme, marker, section, heading, title="# Benchmarks\n\n`make bench` runs them all.")
