"""The bot's processes as `make run` starts them (scripts/run.sh, bot/supervisord.conf): a crashed
engine is restarted while Rasa keeps running and apologises meanwhile; a SIGKILL of each
supervised process's pid (engine, action server, Rasa) heals by itself, with no orphan left
holding its port; everything listens on 127.0.0.1, Rasa's HTTP API needs the token `make run`
made and that token is on no command line, telemetry is off; Ctrl-C stops it all. Also: the
Rasa model is retrained only when its inputs change."""
from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from tests import support

RUN_TIMEOUT = 900  # s: `make run` sets up, prepares the demo catalogue and loads Rasa on 2 busy cores


class MakeRun:
    """`make run DATA=data/demo` in its own session, isolated: its own var/, ports and tracker
    store; the engine serves the demo index conftest built (var/test-demo)."""

    def __init__(self, setup: support.EngineSetup, var: Path):
        self.var = var
        self.ports = {name: support.free_port() for name in ("ENGINE_PORT", "ACTIONS_PORT", "RASA_PORT")}
        inherited = {k: v for k, v in os.environ.items()
                     if not k.startswith(("FASHIONBOT_", "MAKE", "MFLAGS", "RASA_", "SANIC_"))
                     and k not in self.ports}
        self.env = {**inherited, **setup.env, **{k: str(v) for k, v in self.ports.items()},
                    "FASHIONBOT_VAR": str(var)}
        self.log = var.parent / "make-run.log"
        self.pids: dict[str, int] = {}
        with open(self.log, "w") as handle:
            self.process = subprocess.Popen(["make", "run", "DATA=data/demo"], cwd=support.REPO, env=self.env,
                                            stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['RASA_PORT']}"

    @property
    def engine_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['ENGINE_PORT']}"

    @property
    def token_file(self) -> Path:
        return self.var / "rasa" / "api-token"

    def token(self) -> str:
        return self.token_file.read_text().strip()

    def tail(self) -> str:
        logs = [self.log, *sorted((self.var / "log").glob("*.log"))]
        return "\n".join(f"--- {p.name}\n" + "\n".join(p.read_text(errors="replace").splitlines()[-30:])
                         for p in logs if p.exists())

    def wait_ready(self) -> None:
        deadline = time.monotonic() + RUN_TIMEOUT
        while time.monotonic() < deadline and self.process.poll() is None:
            if self.token_file.exists() and support.wait_healthy(f"{self.rasa_url}/status", 2,
                                                                 params={"token": self.token()}):
                self.pids.update({name: self.pid(name) for name in ("engine", "actions", "rasa")})
                return
            time.sleep(2)
        raise AssertionError(f"make run was not ready (exit {self.process.poll()}):\n{self.tail()}")

    def pid(self, program: str) -> int:
        """The pid supervisord gives for a program (0 while it is not running)."""
        answer = subprocess.run([str(support.REPO / ".venv/bin/supervisorctl"), "-c", "bot/supervisord.conf", "pid",
                                 program], cwd=support.REPO, env=self.env, capture_output=True, text=True, timeout=30)
        return int(answer.stdout.strip()) if answer.stdout.strip().isdigit() else 0

    def say(self, sender: str, text: str) -> tuple[str, list[dict]]:
        answer = httpx.post(f"{self.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                            timeout=120)
        answer.raise_for_status()
        return "\n".join(m.get("text") or "" for m in answer.json()), answer.json()

    def stop(self) -> None:
        """Ctrl-C: SIGINT to the terminal's process group (make and supervisord)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        for pid in self.pids.values():  # never leave a process behind, even when the test failed
            if alive(pid):
                os.killpg(pid, signal.SIGKILL)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] if Path(f"/proc/{pid}").exists() else "X"
    return state not in ("Z", "X")


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets that listen on ``port`` (from /proc/net/tcp{,6})."""
    return {address for address, _ in _listening(port)}


def _listening(port: int) -> set[tuple[str, str]]:
    """(local address, socket inode) of the sockets that listen on ``port``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if fields[3] == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add((address, fields[9]))
    return found


def port_owners(port: int) -> set[int]:
    """The processes that hold a socket listening on ``port`` (their open files, /proc/<pid>/fd)."""
    sockets = {f"socket:[{inode}]" for _, inode in _listening(port)}
    owners = set()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if any(os.readlink(fd) in sockets for fd in (proc / "fd").iterdir()):
                owners.add(int(proc.name))
        except OSError:  # gone, or not ours
            continue
    return owners


LOOPBACK = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1, ::1 as /proc prints them


@pytest.fixture
def make_run(request, tmp_path):
    support.trained_model()  # trained here, not inside `make run`'s wait
    run = MakeRun(support.engine_setup(request), tmp_path / "var")
    try:
        run.wait_ready()
        yield run
    finally:
        run.stop()


@pytest.mark.slow
def test_make_run_heals_a_sigkill_of_each_process_and_stops_cleanly(make_run):
    run = make_run
    assert stat.S_IMODE(run.token_file.stat().st_mode) == 0o600
    assert httpx.get(f"{run.rasa_url}/status", timeout=30).status_code == 401
    for name, port in run.ports.items():
        assert listening_addresses(port) and listening_addresses(port) <= LOOPBACK, (name, listening_addresses(port))
    rasa_env = Path(f"/proc/{run.pids['rasa']}/environ").read_bytes().split(b"\0")
    assert b"RASA_TELEMETRY_ENABLED=false" in rasa_env

    support.warm_up_engine(run.engine_url)
    sender = f"crash-{uuid.uuid4().hex[:8]}"
    text, _ = run.say(sender, "show me red dresses")
    assert text.startswith("Here are"), text

    os.kill(run.pids["engine"], signal.SIGKILL)
    text, _ = run.say(sender, "long sleeves")
    assert "isn't answering" in text, text
    heal(run, "engine")
    support.warm_up_engine(run.engine_url)
    text, reply = run.say(sender, "show me black jeans for women")
    assert text.startswith("Here are") and any(isinstance(m.get("custom"), dict) for m in reply), text
    assert run.pid("rasa") == run.pids["rasa"] and run.pid("actions") == run.pids["actions"]

    for program in ("actions", "rasa"):  # the others: each back by itself, the conversation kept
        os.kill(run.pids[program], signal.SIGKILL)
        heal(run, program)
        text, reply = run.say(sender, "show more")
        assert text.startswith("Here are") and any(isinstance(m.get("custom"), dict) for m in reply), (program, text)
    assert not [pid for pid, line in support.command_lines().items() if run.token() in line]

    run.stop()
    assert run.process.returncode is not None
    assert [name for name, pid in run.pids.items() if alive(pid)] == [], run.tail()
    assert not any(listening_addresses(port) for port in run.ports.values())
    assert "stopped" in (run.var / "log" / "supervisord.log").read_text()


HEALTH = {"engine": ("ENGINE_PORT", "/health"), "actions": ("ACTIONS_PORT", "/health"), "rasa": ("RASA_PORT", "/status")}


def heal(run: MakeRun, program: str, timeout: float = 400) -> None:
    """After a SIGKILL of ``program``'s pid: supervisord starts it again, it answers, and the only
    process listening on its port is the new one (no orphan of the old one holds it)."""
    killed, (port_name, path) = run.pids[program], HEALTH[program]
    port = run.ports[port_name]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and run.pid(program) in (0, killed):
        time.sleep(1)
    restarted = run.pid(program)
    assert restarted not in (0, killed), f"{program} was not restarted\n{run.tail()}"
    run.pids[program] = restarted
    url = f"http://127.0.0.1:{port}{path}"
    assert support.wait_healthy(url, max(1.0, deadline - time.monotonic()), params={"token": run.token()}), \
        f"{program} did not come back\n{run.tail()}"
    assert port_owners(port) == {restarted}, (program, port_owners(port), restarted)
    assert run.pid(program) == restarted, f"{program} restarted again\n{run.tail()}"


def test_fingerprint_covers_training_inputs():
    """The model is retrained when the data changes (and only then)."""
    sys.path.insert(0, str(support.BOT))
    try:
        import train_if_changed
    finally:
        sys.path.remove(str(support.BOT))
    first = train_if_changed.fingerprint()
    assert first == train_if_changed.fingerprint() and len(first) == 64
