"""`make scale-check`: the scaled deployment's topology on this machine, with real servers,
shoppers, and two replicas killed midway.

    PostgreSQL (catalogue + Rasa's tracker store)    Redis (Rasa's lock store)
    nginx :R  ->  Rasa 1, Rasa 2  ->  action server 1, 2  ->  nginx :E  ->  engine 1, 2

The configuration files are compose's: Rasa reads docker/rasa/endpoints.yml (SQL tracker store
on PostgreSQL, Redis lock store), nginx runs docker/nginx/fashionbot.conf with the service
names replaced by the replicas' 127.0.0.1 ports, the tracker database is made by
docker/postgres/initdb, Redis runs with compose's flags, and the engines serve what
`fashionbot prepare` (compose's engine-prepare) built from the demo catalogue into PostgreSQL.
Every port is a free one and every file is under var/scale-check, so it runs beside `make run`.

Shoppers (``--shoppers``, default 8) hold the scripted conversation below over REST, through
nginx, and after every turn the conversation's tracker is read back (through nginx, so from
either replica) and its state checked: the results page (offset and the ids shown, as the
reply showed them), the references (the product "more like" points at) and the filters, and
what the script's step asks of them. Three phases, in one run: 20 s with Rasa 2 marked down in
nginx (one Rasa replica), 20 s with both, then ``--seconds`` (60) with both during which, at the
middle, Rasa 1 and engine 1 are killed with SIGKILL and started again (as compose's restart
policy or supervisord would). nginx's access log says which replica answered each request.

Installs redis-server and nginx with apt-get when missing, and stops everything it started.
Its last line is ``scale-check: turns=N errors=N lost_states=N p95_ms=X rasa_replicas=N
engine_replicas=N killed=N``; it exits 1 when errors exceed 1% of turns or any state is lost.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import support  # noqa: E402  (ports, processes, the Rasa model: shared with the tests)

VAR = ROOT / "var" / "scale-check"
LOGS = VAR / "logs"
PAGE = 5  # the bot's page size (FASHIONBOT_BOT_PAGE_SIZE default)
PRICE_CAP = 3000
COLOURS = ["navy blue", "black", "white", "blue", "grey", "red", "green", "pink"]


# ------------------------------------------------------------------ the conversation and its checks
@dataclass
class Step:
    """One scripted turn and what the state after it must hold."""

    text: str
    include: set[str] = field(default_factory=set)  # concept ids the state must include
    price_max: float | None = None  # the price cap the state must carry
    more: bool = False  # the next page of the previous turn's results
    like_first: bool = False  # the reference is the first product shown before
    products: bool = True  # a products reply (else the state must be cleared)


def script(colour: str) -> list[Step]:
    """A shopper's session in a colour of its own (so crossed conversations would show)."""
    base = {"colour." + colour.replace(" ", "_"), "type.shirts"}
    sleeves = base | {"sub.topwear.sleeve.long_sleeves"}
    return [Step(f"show me {colour} shirts for men", include=base),
            Step(f"under {PRICE_CAP}", include=base, price_max=PRICE_CAP),
            Step("long sleeves", include=sleeves, price_max=PRICE_CAP),
            Step("show more", include=sleeves, price_max=PRICE_CAP, more=True),
            Step("more like the first one", like_first=True, price_max=PRICE_CAP),
            Step("start over", products=False)]


def problems(step: Step, messages: list[dict], state: dict | None, before: dict | None) -> tuple[list[str], list[str]]:
    """(errors, lost state) of one turn: the reply, and the stored state against the reply,
    the step and the state before it."""
    text = " ".join(m.get("text") or "" for m in messages)
    payloads = [m["custom"] for m in messages if isinstance(m.get("custom"), dict)]
    if "isn't answering" in text or "couldn't run" in text:
        return [f"{step.text!r}: engine error: {text[:100]}"], []
    if not step.products:
        return [], ([] if not state else [f"{step.text!r}: state not cleared: {state}"])
    if len(payloads) != 1 or not payloads[0].get("items"):
        return [f"{step.text!r}: no products: {text[:100]}"], []
    payload, lost = payloads[0], []
    state = state or {}
    shown = [item["id"] for item in payload["items"]]
    if state.get("shown") != shown or state.get("offset") != payload["offset"]:
        lost.append(f"{step.text!r}: stored page {state.get('offset')}:{state.get('shown')} != shown "
                    f"{payload['offset']}:{shown}")
    if state.get("like") != payload["query"].get("like"):
        lost.append(f"{step.text!r}: stored reference {state.get('like')} != {payload['query'].get('like')}")
    if not step.include <= set(state.get("include") or []):
        lost.append(f"{step.text!r}: include {state.get('include')} lacks {sorted(step.include)}")
    if step.price_max is not None and (state.get("filters") or {}).get("price_max") != step.price_max:
        lost.append(f"{step.text!r}: filters {state.get('filters')} lost the price cap")
    # the next page starts a page further on, even after a short page (full matches fill pages of
    # their own: retrieval/ranking/results.py)
    if step.more and before and state.get("offset") != before.get("offset", 0) + PAGE:
        lost.append(f"{step.text!r}: offset {state.get('offset')} after {before.get('offset')}")
    if step.like_first and before and state.get("like") != (before.get("shown") or [None])[0]:
        lost.append(f"{step.text!r}: reference {state.get('like')}, not the first shown {before.get('shown')}")
    return [], lost


# ------------------------------------------------------------------ the servers
class Topology:
    """Every server of the check, started here and stopped by ``stop``."""

    def __init__(self, rasa_replicas: int = 2, engine_replicas: int = 2):
        self.n_rasa, self.n_engine = rasa_replicas, engine_replicas
        self.ports = {name: support.free_port() for name in
                      ["pg", "redis", "lb_rasa", "lb_engine", "lb_health"]
                      + [f"rasa{i}" for i in range(rasa_replicas)] + [f"engine{i}" for i in range(engine_replicas)]
                      + [f"actions{i}" for i in range(rasa_replicas)]}
        self.services: dict[str, support.Service] = {}
        self.specs: dict[str, dict] = {}  # how each replica was started (to start it again)
        self.redis = self.nginx = None
        self.pg_env = {**os.environ, "FASHIONBOT_PG_BASE": str(VAR / "pg"), "FASHIONBOT_PG_PORT": str(self.ports["pg"]),
                       "FASHIONBOT_PG_DB": "fashionbot"}
        self.db_url = f"postgresql+psycopg://postgres@127.0.0.1:{self.ports['pg']}/fashionbot"
        self.engine_env = {"FASHIONBOT_DB_URL": self.db_url, "FASHIONBOT_VAR": str(VAR / "engine"),
                           "FASHIONBOT_INDEX": str(VAR / "engine" / "index"), "FASHIONBOT_INDEX_BACKEND": "flat"}
        self.rasa_url = f"http://127.0.0.1:{self.ports['lb_rasa']}"
        self.engine_url = f"http://127.0.0.1:{self.ports['lb_engine']}"

    # ---------------------------------------------------------------- stores
    def start_stores(self) -> None:
        run(["bash", str(ROOT / "scripts" / "postgres.sh"), "start"], env=self.pg_env)
        pg_bin = Path(subprocess.run(["bash", "-c", "ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1"],
                                     capture_output=True, text=True).stdout.strip())
        for script_file in sorted((ROOT / "docker" / "postgres" / "initdb").glob("*.sh")):  # compose's tracker database
            run(["sh", str(script_file)], env={**os.environ, "PATH": f"{pg_bin}:{os.environ['PATH']}",
                                               "PGHOST": "127.0.0.1", "PGPORT": str(self.ports["pg"]),
                                               "POSTGRES_USER": "postgres", "POSTGRES_DB": "fashionbot",
                                               "RASA_TRACKER_DB": "rasa"})
        LOGS.mkdir(parents=True, exist_ok=True)
        # compose's redis command: locks only, no persistence
        self.redis = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(self.ports["redis"]),
                                       "--save", "", "--appendonly", "no", "--dir", str(VAR)],
                                      stdout=open(LOGS / "redis.log", "w"), stderr=subprocess.STDOUT)
        wait_port(self.ports["redis"], 30)

    # ---------------------------------------------------------------- engines
    def prepare_engine(self) -> None:
        """compose's engine-prepare: the demo catalogue into PostgreSQL, features, the index."""
        features, shared = VAR / "engine" / "features", ROOT / "var" / "test-demo" / "features"
        features.parent.mkdir(parents=True, exist_ok=True)
        if not features.exists() and shared.exists():  # the tests' backbone features of the same products
            features.symlink_to(shared)
        run([str(ROOT / ".venv" / "bin" / "fashionbot"), "prepare", "--source", str(ROOT / "data" / "demo")],
            env={**os.environ, **self.engine_env})

    def start_engine(self, i: int) -> support.Service:
        port = self.ports[f"engine{i}"]
        spec = self.specs[f"engine{i}"] = {
            "name": f"engine-{i + 1}", "url": f"http://127.0.0.1:{port}", "health": "/health", "cwd": ROOT,
            "command": [str(ROOT / ".venv" / "bin" / "fashionbot"), "serve", "--host", "127.0.0.1", "--port", str(port)],
            "env": {**self.engine_env, "FASHIONBOT_PUBLIC_URL": self.engine_url}, "params": None}
        service = support.start_service(spec["name"], spec["command"], spec["url"], "/health", spec["env"],
                                        timeout=240, log_dir=LOGS)
        support.warm_up_engine(spec["url"])
        self.services[f"engine{i}"] = service
        return service

    # ---------------------------------------------------------------- nginx
    def write_nginx(self, rasa_down: set[int] = frozenset()) -> Path:
        """docker/nginx/fashionbot.conf with the replicas' ports, inside a main config."""
        conf = (ROOT / "docker" / "nginx" / "fashionbot.conf").read_text()

        def servers(match: re.Match, name: str, count: int, down=frozenset()) -> str:
            options = match.group(1)
            return "\n".join(f"    server 127.0.0.1:{self.ports[f'{name}{i}']}{options}{' down' if i in down else ''};"
                             for i in range(count))

        conf = re.sub(r"^    server rasa:5005([^;]*);", lambda m: servers(m, "rasa", self.n_rasa, rasa_down), conf,
                      flags=re.M)
        conf = re.sub(r"^    server engine:8000([^;]*);", lambda m: servers(m, "engine", self.n_engine), conf, flags=re.M)
        for port, name in (("5005", "lb_rasa"), ("8000", "lb_engine"), ("8080", "lb_health")):
            conf = conf.replace(f"listen {port};", f"listen 127.0.0.1:{self.ports[name]};")
        folder = VAR / "nginx"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "fashionbot.conf").write_text(conf)
        main = folder / "nginx.conf"
        main.write_text(f"""worker_processes 1;
pid {folder}/nginx.pid;
error_log {LOGS}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
    log_format upstream '$server_port|$request_method|$status|$upstream_addr|$request_time';
    access_log {LOGS}/nginx-access.log upstream;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/fashionbot.conf;
}}
""")
        return main

    def start_nginx(self) -> None:
        main = self.write_nginx()
        run(["nginx", "-t", "-q", "-p", str(main.parent), "-c", str(main)])
        self.nginx = subprocess.Popen(["nginx", "-p", str(main.parent), "-c", str(main), "-g", "daemon off;"],
                                      stdout=open(LOGS / "nginx.log", "w"), stderr=subprocess.STDOUT)
        if not support.wait_healthy(f"http://127.0.0.1:{self.ports['lb_health']}/healthz", 30):
            raise RuntimeError("nginx did not start: see " + str(LOGS / "nginx-error.log"))

    def reload_nginx(self, rasa_down: set[int] = frozenset()) -> None:
        self.write_nginx(rasa_down)
        self.nginx.send_signal(signal.SIGHUP)
        time.sleep(2)

    # ---------------------------------------------------------------- actions, Rasa
    def start_actions(self, i: int) -> support.Service:
        port = self.ports[f"actions{i}"]
        env = {"FASHIONBOT_ENGINE_URL": self.engine_url, "FASHIONBOT_PUBLIC_URL": self.engine_url,
               "SANIC_HOST": "127.0.0.1"}
        service = support.start_service(f"actions-{i + 1}", [sys.executable, "-m", "rasa_sdk", "--actions", "actions",
                                                             "--port", str(port)],
                                        f"http://127.0.0.1:{port}", "/health", env, timeout=120, log_dir=LOGS)
        self.services[f"actions{i}"] = service
        return service

    def start_rasa(self, i: int, model: Path) -> support.Service:
        port = self.ports[f"rasa{i}"]
        command = support.rasa_command(port, model, self.engine_url)
        command[command.index("--endpoints") + 1] = str(ROOT / "docker" / "rasa" / "endpoints.yml")
        env = {**support.RASA_ENV, "PYTHONPATH": str(support.BOT), "FASHIONBOT_PUBLIC_URL": self.engine_url,
               "FASHIONBOT_ENGINE_URL": self.engine_url,
               "FASHIONBOT_ACTIONS_URL": f"http://127.0.0.1:{self.ports[f'actions{i}']}/webhook",
               "TRACKER_DB_HOST": "127.0.0.1", "TRACKER_DB_PORT": str(self.ports["pg"]), "TRACKER_DB": "rasa",
               "TRACKER_LOGIN_DB": "fashionbot", "TRACKER_DB_USER": "postgres", "TRACKER_DB_PASSWORD": "",
               "LOCK_STORE_HOST": "127.0.0.1", "LOCK_STORE_PORT": str(self.ports["redis"]),
               "LOCK_STORE_PASSWORD": "", "LOCK_STORE_DB": "1",
               "TICKET_LOCK_LIFETIME": "10"}  # a lock a killed replica held expires in 10 s, not 60
        spec = self.specs[f"rasa{i}"] = {"name": f"rasa-{i + 1}", "url": f"http://127.0.0.1:{port}", "health": "/status",
                                         "cwd": support.BOT, "command": command, "env": env,
                                         "params": {"token": support.API_TOKEN}}
        service = support.start_service(spec["name"], command, spec["url"], "/status", env, cwd=support.BOT,
                                        timeout=900, log_dir=LOGS, params=spec["params"])
        self.services[f"rasa{i}"] = service
        return service

    def restart(self, key: str) -> tuple[support.Service, dict]:
        """Start a killed replica again, without waiting for it (as a restart policy would)."""
        spec = self.specs[key]
        service = support.launch_service(spec["name"] + "-again", spec["command"], spec["url"], spec["env"],
                                         spec["cwd"], LOGS)
        self.services[key + "-again"] = service
        return service, spec

    def start(self) -> None:
        install_missing()
        shutil.rmtree(LOGS, ignore_errors=True)
        model = support.ensure_bot_model()
        self.start_stores()
        self.prepare_engine()
        self.start_nginx()  # before the replicas: the action servers reach the engines through it
        in_parallel([lambda i=i: self.start_engine(i) for i in range(self.n_engine)])
        in_parallel([lambda i=i: self.start_actions(i) for i in range(self.n_rasa)])
        in_parallel([lambda i=i: self.start_rasa(i, model) for i in range(self.n_rasa)])

    def kill(self, name: str) -> None:
        """SIGKILL one replica (its process group: nothing of it survives)."""
        process = self.services[name].process
        os.kill(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self) -> None:
        for service in reversed(list(self.services.values())):
            service.stop()
        for process in (self.nginx, self.redis):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
        subprocess.run(["bash", str(ROOT / "scripts" / "postgres.sh"), "stop"], env=self.pg_env,
                       capture_output=True)


def install_missing() -> None:
    """Debian's redis-server and nginx, when this machine lacks them."""
    wanted = [package for binary, package in (("redis-server", "redis-server"), ("nginx", "nginx-light"))
              if not shutil.which(binary) and not Path(f"/usr/sbin/{binary}").exists()]
    if not wanted:
        return
    print(f"scale-check: installing {' '.join(wanted)} with apt-get ...", flush=True)
    run(["apt-get", "update", "-qq"])
    run(["apt-get", "install", "-y", "-qq", *wanted], env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def run(command: list[str], env: dict | None = None) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout[-2000:]}{result.stderr[-2000:]}")


def wait_port(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


def in_parallel(calls) -> None:
    """Run the calls in threads; re-raise the first failure."""
    failures: list[BaseException] = []

    def guarded(call):
        try:
            call()
        except BaseException as exc:  # noqa: BLE001 (reported below)
            failures.append(exc)

    threads = [threading.Thread(target=guarded, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


# ------------------------------------------------------------------ the shoppers
@dataclass
class Tally:
    turns: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    replicas_per_conversation: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def shoppers(rasa_url: str, count: int, seconds: float, tally: Tally) -> float:
    """``count`` shoppers through nginx, starting sessions for ``seconds`` (each finishes the
    session in flight); returns the wall time."""
    deadline = time.monotonic() + seconds
    http = httpx.Client(timeout=120, limits=httpx.Limits(max_connections=2 * count + 4))

    def shopper(index: int) -> None:
        steps = script(COLOURS[index % len(COLOURS)])
        while True:  # sessions until the deadline; the session in flight is finished
            sender, before, served = f"scale-{index}-{uuid.uuid4().hex[:8]}", None, set()
            for step in steps:
                errors, lost, started = [], [], time.perf_counter()
                try:
                    answer = http.post(f"{rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": step.text})
                    elapsed = time.perf_counter() - started
                    answer.raise_for_status()
                    served.add(answer.headers.get("x-upstream", "?").split(",")[-1].strip())
                    tracker = http.get(f"{rasa_url}/conversations/rest:{sender}/tracker",
                                       params={"token": support.API_TOKEN})
                    tracker.raise_for_status()
                    state = tracker.json()["slots"].get("query")
                    errors, lost = problems(step, answer.json(), state, before)
                    before = state
                except (httpx.HTTPError, ValueError, KeyError) as exc:
                    elapsed, errors = time.perf_counter() - started, [f"{step.text!r}: {type(exc).__name__}: {exc}"]
                with tally.lock:
                    tally.turns += 1
                    tally.latencies.append(elapsed)
                    tally.errors += [f"{sender}: {e}" for e in errors]
                    tally.lost += [f"{sender}: {e}" for e in lost]
                if errors:  # a failed turn leaves the conversation somewhere unknown: start a new one
                    break
            with tally.lock:
                tally.replicas_per_conversation.append(len(served))
            if time.monotonic() >= deadline:
                return

    started = time.perf_counter()
    threads = [threading.Thread(target=shopper, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    http.close()
    return time.perf_counter() - started


def warm_up(rasa_url: str) -> None:
    """One shopper's session, alone: the script must pass before any load (models, caches)."""
    tally = Tally()
    shoppers(rasa_url, 1, 0, tally)  # one session
    if tally.errors or tally.lost:
        raise RuntimeError("the scripted conversation fails even alone:\n" + "\n".join(tally.errors + tally.lost))


def served_by(log: Path, port: int) -> Counter:
    """Requests per upstream address that nginx's server on ``port`` passed on."""
    counts: Counter = Counter()
    for line in log.read_text().splitlines() if log.exists() else []:
        fields = line.split("|")
        if len(fields) == 5 and fields[0] == str(port) and fields[3] != "-":
            counts[fields[3].split(",")[-1].strip()] += 1  # after a retry: the replica that answered
    return counts


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


# ------------------------------------------------------------------ the run
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shoppers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60, help="the main phase, with the kills at its middle")
    parser.add_argument("--compare-seconds", type=float, default=20, help="each throughput phase (1 vs 2 Rasa replicas)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stopped from outside: still stop everything
    topology = Topology()
    tally, report = Tally(), {}
    killed: list[str] = []
    try:
        print("scale-check: starting PostgreSQL, Redis, 2 engines, nginx, 2 action servers, 2 Rasa ...", flush=True)
        started = time.perf_counter()
        topology.start()
        report["start_s"] = round(time.perf_counter() - started, 1)
        warm_up(topology.rasa_url)
        for down, label in (({1}, "one_rasa"), (set(), "two_rasa")):
            topology.reload_nginx(rasa_down=down)
            phase = Tally()
            wall = shoppers(topology.rasa_url, args.shoppers, args.compare_seconds, phase)
            report[label] = {"turns": phase.turns, "turns_per_s": round(phase.turns / wall, 2),
                             "p50_ms": round(percentile(phase.latencies, 0.5)), "p95_ms": round(percentile(phase.latencies, 0.95))}
            merge(tally, phase)
            print(f"scale-check: {label}: {report[label]}", flush=True)

        recovered: dict[str, float | str] = {}
        watchers: list[threading.Thread] = []
        killed_at = time.perf_counter() + args.seconds / 2

        def watch(service: support.Service, spec: dict) -> None:
            """When a restarted replica answers again (the others take its turns meanwhile)."""
            grace = killed_at + args.seconds + 60 - time.perf_counter()
            back = support.wait_healthy(spec["url"] + spec["health"], grace, lambda: service.process.poll() is None,
                                        spec["params"])
            recovered[spec["name"]] = (round(time.perf_counter() - killed_at, 1) if back
                                       else f"not back {round(time.perf_counter() - killed_at)} s after the kill")

        def chaos() -> None:
            time.sleep(max(0.0, killed_at - time.perf_counter()))
            for name in ("rasa0", "engine0"):
                topology.kill(name)
                killed.append(name)
            print("scale-check: SIGKILLed Rasa 1 and engine 1; starting them again", flush=True)
            for name in ("rasa0", "engine0"):
                watchers.append(threading.Thread(target=watch, args=topology.restart(name)))
                watchers[-1].start()

        chaos_thread = threading.Thread(target=chaos)
        chaos_thread.start()
        phase = Tally()
        wall = shoppers(topology.rasa_url, args.shoppers, args.seconds, phase)
        chaos_thread.join()
        for watcher in watchers:
            watcher.join()
        report["main"] = {"turns": phase.turns, "turns_per_s": round(phase.turns / wall, 2),
                          "errors": len(phase.errors), "lost_states": len(phase.lost),
                          "p95_ms": round(percentile(phase.latencies, 0.95)), "back_after_s": recovered}
        merge(tally, phase)
        log = LOGS / "nginx-access.log"
        report["rasa_served"] = dict(served_by(log, topology.ports["lb_rasa"]))
        report["engine_served"] = dict(served_by(log, topology.ports["lb_engine"]))
        spread = tally.replicas_per_conversation
        report["conversations"] = len(spread)
        report["conversations_on_both_rasa"] = sum(1 for n in spread if n >= 2)
    finally:
        topology.stop()
    report.update({"turns": tally.turns, "errors": len(tally.errors), "lost_states": len(tally.lost),
                   "p95_ms": round(percentile(tally.latencies, 0.95)), "killed": killed,
                   "gain_two_over_one": round(report["two_rasa"]["turns_per_s"] / max(report["one_rasa"]["turns_per_s"], 1e-9), 2),
                   "measured": time.strftime("%Y-%m-%d %H:%M"), "load_average": round(os.getloadavg()[0], 1),
                   "shoppers": args.shoppers, "error_examples": tally.errors[:10], "lost_examples": tally.lost[:10],
                   "lost_by_step": dict(Counter(e.split(": ", 2)[1] for e in tally.lost))})
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "scale_check.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    support.splice_section(ROOT / "bench" / "README.md", "SCALE_CHECK", markdown(report, topology), "Scale check")
    ok = report["errors"] <= 0.01 * report["turns"] and report["lost_states"] == 0
    print(f"scale-check: turns={report['turns']} errors={report['errors']} lost_states={report['lost_states']} "
          f"p95_ms={report['p95_ms']} rasa_replicas={topology.n_rasa} engine_replicas={topology.n_engine} "
          f"killed={len(killed)}")
    return 0 if ok else 1


def markdown(r: dict, topology: Topology) -> str:
    """The run as the SCALE_CHECK section of bench/README.md."""
    one, two, main = r["one_rasa"], r["two_rasa"], r["main"]
    lines = [f"`make scale-check`, measured {r['measured']} on {os.cpu_count()} CPU cores (load average "
             f"{r['load_average']} at the end): PostgreSQL (tracker store, catalogue), Redis (lock store), nginx in "
             f"front of {topology.n_rasa} Rasa and {topology.n_engine} engine replicas, {topology.n_rasa} action "
             f"servers, the demo catalogue; {r['shoppers']} shoppers over REST, the state read back and checked "
             f"after every turn. Start-up took {r['start_s']} s.", "",
             "| phase | turns | turns/s | p50 | p95 |", "|---|---|---|---|---|",
             f"| 1 Rasa replica (the other marked down in nginx) | {one['turns']} | {one['turns_per_s']} | "
             f"{one['p50_ms']} ms | {one['p95_ms']} ms |",
             f"| 2 Rasa replicas | {two['turns']} | {two['turns_per_s']} ({r['gain_two_over_one']:.2f}x) | "
             f"{two['p50_ms']} ms | {two['p95_ms']} ms |",
             f"| 2 replicas, Rasa 1 and engine 1 SIGKILLed midway | {main['turns']} | {main['turns_per_s']} | | "
             f"{main['p95_ms']} ms |", "",
             f"Whole run: {r['turns']} turns, {r['errors']} errors, {r['lost_states']} lost states, p95 {r['p95_ms']} ms. "
             f"{r['conversations_on_both_rasa']} of {r['conversations']} conversations had turns answered by both "
             f"Rasa replicas (round robin). Requests per replica, from nginx's log: Rasa "
             + ", ".join(f"{k} {v}" for k, v in sorted(r["rasa_served"].items())) + "; engines "
             + ", ".join(f"{k} {v}" for k, v in sorted(r["engine_served"].items())) + ". After the kill: "
             + ", ".join(f"{k} back after {v} s" if isinstance(v, (int, float)) else f"{k} {v}"
                         for k, v in main["back_after_s"].items()) + "; the other replicas took the turns meanwhile."]
    return "\n".join(lines)


def merge(total: Tally, phase: Tally) -> None:
    total.turns += phase.turns
    total.latencies += phase.latencies
    total.errors += phase.errors
    total.lost += phase.lost
    total.replicas_per_conversation += phase.replicas_per_conversation


if __name__ == "__main__":
    sys.exit(main())
