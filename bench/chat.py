"""Chat-turn latency over the REST webhook: full turns (NLU, custom action, engine search,
replies) against a baseline turn on the same Rasa server ("ping": NLU and a custom action that
does nothing), sequentially and with concurrent senders; then a soak run checking that every
conversation's state stays intact.

    python bench/chat.py [--rasa URL] [--start] [--seconds 60] [--concurrency 8] [--out FILE]

With --start it launches engine, action server and Rasa itself (like `make run`: the engine
serves var/, the full catalogue once `make run` has built it); otherwise it talks to the
running ones, and reads Rasa's HTTP API token (for the soak run's state checks) from
FASHIONBOT_RASA_TOKEN or var/rasa/api-token, as `make run` keeps it. Conversations are
``rest:<sender>`` (the REST channel's namespace). Results are printed as Markdown, written as
JSON (bench/results/chat.json) and put between the CHAT markers of bench/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests import support  # noqa: E402  (processes, ports, README sections: shared with the tests)

COLOURS = ["navy blue", "black", "white", "blue", "grey", "red", "green", "pink"]
COLOUR_IDS = {c: "colour." + c.replace(" ", "_") for c in COLOURS}


@dataclass
class Step:
    """One scripted turn and what its reply must show."""

    text: str
    include: set[str] = field(default_factory=set)  # concept ids the products' query must include
    exclude: set[str] = field(default_factory=set)
    like: bool = False  # the query has a reference product
    products: bool = True  # a products payload is expected
    says: str = ""  # text the reply must contain


def script(colour: str) -> list[Step]:
    """The newcomer's conversation, in a colour of its own (so crossed conversations show)."""
    base = {COLOUR_IDS[colour], "type.shirts", "gender.men"}
    sleeves = base | {"sub.topwear.sleeve.long_sleeves"}
    return [
        Step(f"show me {colour} shirts for men", include=base),
        Step("long sleeves", include=sleeves),
        Step("not checked", include=sleeves, exclude={"sub.topwear.pattern.checked"}),
        Step("show more", include=sleeves, exclude={"sub.topwear.pattern.checked"}),
        Step("more like the first one but in yellow", include={"colour.yellow"}, like=True),
        Step("why this one?", products=False, says="matches"),
        Step("start over", products=False, says="starting over"),
    ]


class Bot:
    def __init__(self, url: str, token: str):
        self.url, self.token = url.rstrip("/"), token
        self.http = httpx.Client(timeout=60, limits=httpx.Limits(max_connections=64))

    def say(self, sender: str, text: str) -> tuple[float, list[dict]]:
        started = time.perf_counter()
        response = self.http.post(f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": text})
        elapsed = time.perf_counter() - started
        response.raise_for_status()
        return elapsed, response.json()

    def slots(self, sender: str) -> dict:
        answer = self.http.get(f"{self.url}/conversations/rest:{sender}/tracker", params={"token": self.token})
        answer.raise_for_status()
        return answer.json()["slots"]


def check(step: Step, messages: list[dict]) -> str | None:
    """Why a reply is wrong for its step, or None."""
    text = "\n".join(m.get("text") or "" for m in messages)
    if "isn't answering" in text or "couldn't run" in text:
        return f"{step.text!r}: engine error: {text[:120]}"
    payloads = [m["custom"] for m in messages if isinstance(m.get("custom"), dict)]
    if step.products:
        if len(payloads) != 1 or not payloads[0].get("items"):
            return f"{step.text!r}: no products payload: {text[:120]}"
        query = payloads[0]["query"]
        if not step.include <= set(query["include"]) or not step.exclude <= set(query["exclude"]):
            return f"{step.text!r}: query {query} lacks {step.include} / {step.exclude}"
        if step.like != (query.get("like") is not None):
            return f"{step.text!r}: reference {query.get('like')}"
    if step.says and step.says not in text:
        return f"{step.text!r}: reply lacks {step.says!r}: {text[:120]}"
    return None


def percentiles(values: list[float]) -> dict:
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return {"n": len(values), "p50_ms": round(statistics.median(ordered) * 1000, 1), "p95_ms": round(pick(0.95), 1)}


def sequential(bot: Bot, rounds: int, engine: str) -> dict:
    """Baseline turns, full turns and the engine's own /search (the bot's first query),
    interleaved, one at a time."""
    base, full, search, errors = [], [], [], []
    query = {"include": ["colour.navy_blue", "type.shirts", "gender.men"], "k": 10}
    sender_b, sender_f = f"bench-base-{uuid.uuid4().hex[:6]}", f"bench-full-{uuid.uuid4().hex[:6]}"
    steps = script("navy blue")
    for i in range(rounds):
        elapsed, _ = bot.say(sender_b, "ping")
        base.append(elapsed)
        step = steps[i % len(steps)]
        elapsed, messages = bot.say(sender_f, step.text)
        full.append(elapsed)
        if problem := check(step, messages):
            errors.append(problem)
        started = time.perf_counter()
        bot.http.post(f"{engine}/search", json=query).raise_for_status()
        search.append(time.perf_counter() - started)
    return {"baseline": percentiles(base), "full": percentiles(full), "engine_search": percentiles(search),
            "errors": errors}


def concurrent(bot: Bot, senders: int, seconds: float, full: bool) -> dict:
    """``senders`` conversations in parallel for ``seconds``: latency, throughput, errors and,
    for full turns, each conversation's final state."""
    latencies: list[float] = []
    errors: list[str] = []
    states: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def converse(index: int) -> None:
        sender = f"bench-{'full' if full else 'base'}-{index}-{uuid.uuid4().hex[:6]}"
        colour = COLOURS[index % len(COLOURS)]
        steps = script(colour) if full else [Step("ping", products=False, says="pong")]
        turn = 0
        while time.monotonic() < deadline or (full and turn % len(steps) != 3):
            step = steps[turn % len(steps)]
            try:
                elapsed, messages = bot.say(sender, step.text)
                problem = check(step, messages)
            except httpx.HTTPError as exc:
                elapsed, problem = 0.0, f"{step.text!r}: {type(exc).__name__}: {exc}"
            with lock:
                latencies.append(elapsed)
                if problem:
                    errors.append(f"{sender}: {problem}")
            turn += 1
        if full:  # stopped right after "not checked": the state must be this conversation's
            slots = bot.slots(sender)
            wanted = script(colour)[2]
            if not (wanted.include <= set(slots["include"] or []) and wanted.exclude <= set(slots["exclude"] or [])
                    and COLOUR_IDS[colour] in slots["include"]):
                with lock:
                    states.append(f"{sender}: state {slots['include']} / {slots['exclude']}")

    started = time.perf_counter()
    threads = [threading.Thread(target=converse, args=(i,)) for i in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {**percentiles(latencies), "turns_per_s": round(len(latencies) / wall, 2), "errors": errors,
            "broken_states": states, "seconds": round(wall, 1)}


# ------------------------------------------------------------------------ starting the processes
def start_stack(log_dir: Path) -> tuple[str, str, list[support.Service]]:
    """Engine (var/), action server and Rasa on free ports; returns the Rasa and engine URLs and
    the services. Rasa's API token is ``support.API_TOKEN``."""
    model = support.ensure_bot_model()
    services: list[support.Service] = []
    try:
        engine = support.start_engine(support.EngineSetup({}, ""), log_dir=log_dir)  # var/, as `make run`
        services.append(engine)
        services.append(support.start_actions(engine.url, log_dir=log_dir))
        services.append(support.start_rasa(services[-1].url, log_dir / f"tracker-{uuid.uuid4().hex[:6]}.db", model,
                                           {"FASHIONBOT_ENGINE_URL": engine.url}, web_origin=engine.url,
                                           log_dir=log_dir))
    except BaseException:
        stop(services)
        raise
    return services[-1].url, engine.url, services


def stop(services: list[support.Service]) -> None:
    for service in reversed(services):
        service.stop()


def api_token(started: bool) -> str:
    """The token of the Rasa this run talks to: ours when it started one, else `make run`'s."""
    if started:
        return support.API_TOKEN
    if os.environ.get("FASHIONBOT_RASA_TOKEN"):
        return os.environ["FASHIONBOT_RASA_TOKEN"]
    token_file = Path(os.environ.get("FASHIONBOT_VAR", REPO / "var")) / "rasa" / "api-token"
    return token_file.read_text().strip() if token_file.exists() else ""


def markdown(results: dict) -> str:
    seq, ratio = results["sequential"], results["ratio_p50"]
    lines = [f"Chat turns over the REST webhook, engine over {results['engine'].get('products', '?')} products, "
             f"{os.cpu_count()} CPU cores (load average {results['load']:.1f} at the start), measured "
             f"{results['measured_at']} by `python bench/chat.py --start`. Baseline: the same Rasa server "
             "answering \"ping\" through a custom action that does nothing. Full turn: the newcomer's "
             "conversation (search, refine, exclude, show more, more like, why, start over), engine included.",
             "", "| measure | baseline (ping) | full turn | ratio |", "|---|---|---|---|",
             f"| sequential p50 | {seq['baseline']['p50_ms']} ms | {seq['full']['p50_ms']} ms | {ratio:.2f}x |",
             f"| sequential p95 | {seq['baseline']['p95_ms']} ms | {seq['full']['p95_ms']} ms | |",
             f"| engine `/search` alone, same run, p50 / p95 | | {seq['engine_search']['p50_ms']} / "
             f"{seq['engine_search']['p95_ms']} ms | |"]
    cb, cf = results["concurrent_baseline"], results["concurrent_full"]
    lines += [f"| {results['concurrency']} senders p50 | {cb['p50_ms']} ms | {cf['p50_ms']} ms | "
              f"{cf['p50_ms'] / cb['p50_ms']:.2f}x |",
              f"| {results['concurrency']} senders p95 | {cb['p95_ms']} ms | {cf['p95_ms']} ms | |",
              f"| {results['concurrency']} senders throughput | {cb['turns_per_s']} turns/s | {cf['turns_per_s']} turns/s | |",
              "", f"Soak: {results['concurrency']} conversations for {cf['seconds']} s, {cf['n']} turns, "
                  f"{len(cf['errors'])} errors, {len(cf['broken_states'])} broken conversation states.",
              "", f"Goal: full-turn p50 at most 1.25x the baseline: {'met' if ratio <= 1.25 else '**missed**'} "
                  f"({ratio:.2f}x)."]
    return "\n".join(lines)


def write_readme(section: str) -> None:
    """Put the results between the CHAT markers of bench/README.md."""
    support.splice_section(REPO / "bench" / "README.md", "CHAT", section, "Chat")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rasa", default=os.environ.get("FASHIONBOT_RASA_URL", "http://localhost:5005"))
    parser.add_argument("--start", action="store_true", help="start engine, actions and Rasa here")
    parser.add_argument("--rounds", type=int, default=60, help="sequential turns of each kind")
    parser.add_argument("--seconds", type=float, default=60, help="length of each concurrent run")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "chat.json")
    parser.add_argument("--no-readme", action="store_true", help="do not update bench/README.md")
    args = parser.parse_args()
    services: list[support.Service] = []
    try:
        url, engine = args.rasa, os.environ.get("FASHIONBOT_ENGINE_URL", "http://localhost:8000")
        if args.start:
            url, engine, services = start_stack(REPO / "var" / "bench")
        bot = Bot(url, api_token(args.start))
        health = httpx.get(f"{engine}/health", timeout=30).json()
        for text in ("ping", "show me shirts", "long sleeves", "why this one?"):  # warm-up: models, caches
            bot.say("bench-warmup", text)
        results = {"measured_at": time.strftime("%Y-%m-%d %H:%M"), "load": os.getloadavg()[0],
                   "engine": health, "concurrency": args.concurrency, "sequential": sequential(bot, args.rounds, engine)}
        results["ratio_p50"] = results["sequential"]["full"]["p50_ms"] / results["sequential"]["baseline"]["p50_ms"]
        results["concurrent_baseline"] = concurrent(bot, args.concurrency, args.seconds / 2, full=False)
        results["concurrent_full"] = concurrent(bot, args.concurrency, args.seconds, full=True)
    finally:
        stop(services)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(markdown(results))
    if not args.no_readme:
        write_readme(markdown(results))
    failures = results["sequential"]["errors"] + results["concurrent_full"]["errors"] + \
        results["concurrent_full"]["broken_states"]
    for failure in failures[:20]:
        print("error:", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
