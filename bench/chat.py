"""Chat-turn latency over the REST webhook, three kinds of turn interleaved on one Rasa server:
"hi" (NLU, policy, a template reply: Rasa's own reply), "ping" (the same plus a custom action that
does nothing) and search turns (NLU, custom action, engine, replies); sequentially and with
concurrent senders ("hi" turns against full conversations at the same concurrency); then a soak
run checking that every conversation's state stays intact.

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
        Step("why this one?", products=False, says="sure of"),
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
    """"hi", "ping" and full turns (the newcomer's conversation) interleaved, one at a time, plus
    the engine's own ``POST /query`` for the conversation's first turn."""
    kinds: dict[str, list[float]] = {"hi": [], "ping": [], "full": [], "search": [], "engine_query": []}
    errors: list[str] = []
    steps = script("navy blue")
    for i in range(rounds):
        if i % len(steps) == 0:  # a shopper's session: a new conversation for each pass of the script
            session = uuid.uuid4().hex[:6]
            sender_hi, sender_ping, sender_full = (f"bench-{kind}-{session}" for kind in ("hi", "ping", "full"))
        for sender, text, kind in ((sender_hi, "hi", "hi"), (sender_ping, "ping", "ping")):
            elapsed, _ = bot.say(sender, text)
            kinds[kind].append(elapsed)
        step = steps[i % len(steps)]
        elapsed, messages = bot.say(sender_full, step.text)
        kinds["full"].append(elapsed)
        if i % len(steps) == 0:  # a new search: the turn the goal is about
            kinds["search"].append(elapsed)
        if problem := check(step, messages):
            errors.append(problem)
        started = time.perf_counter()
        bot.http.post(f"{engine}/query", json={"edit": {"op": "search", "text": steps[0].text}}).raise_for_status()
        kinds["engine_query"].append(time.perf_counter() - started)
    return {**{kind: percentiles(values) for kind, values in kinds.items()}, "errors": errors}


def concurrent(bot: Bot, senders: int, seconds: float, full: bool) -> dict:
    """``senders`` conversations in parallel for ``seconds``: latency, throughput, errors and,
    for full turns, each conversation's final state."""
    latencies: list[float] = []
    errors: list[str] = []
    states: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def converse(index: int) -> None:
        colour = COLOURS[index % len(COLOURS)]
        steps = script(colour) if full else [Step("hi", products=False, says="Hi")]
        turn = 0
        while time.monotonic() < deadline or (full and turn % len(steps) != 3):
            if turn % len(steps) == 0:  # each pass of the script is a shopper's session
                sender = f"bench-{'full' if full else 'hi'}-{index}-{uuid.uuid4().hex[:6]}"
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
            state = bot.slots(sender).get("query") or {}
            wanted = script(colour)[2]
            include, exclude = set(state.get("include") or []), set(state.get("exclude") or [])
            if not (wanted.include <= include and wanted.exclude <= exclude and COLOUR_IDS[colour] in include):
                with lock:
                    states.append(f"{sender}: state {sorted(include)} / {sorted(exclude)}")

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
    seq, goals = results["sequential"], results["goals"]
    cb, cf = results["concurrent_hi"], results["concurrent_full"]
    n = results["concurrency"]
    lines = [f"Chat turns over the REST webhook, engine over {results['engine'].get('products', '?')} products, "
             f"{os.cpu_count()} CPU cores (load average {results['load']:.1f} at the start), measured "
             f"{results['measured_at']} by `python bench/chat.py --start`. Interleaved in one run: \"hi\" (Rasa's "
             "own reply: NLU, policy, a template), \"ping\" (the same plus a custom action that does nothing) and "
             "the newcomer's conversation (search, refine, exclude, show more, more like, why, start over), "
             "engine included; \"search\" is its first turn, a new search.",
             "", "| measure | p50 | p95 | ratio to \"hi\" p50 | goal |", "|---|---|---|---|---|",
             f"| \"hi\" | {seq['hi']['p50_ms']} ms | {seq['hi']['p95_ms']} ms | 1.00x | |",
             f"| \"ping\" (no-op custom action) | {seq['ping']['p50_ms']} ms | {seq['ping']['p95_ms']} ms | "
             f"{goals['ping_over_hi']:.2f}x | <= 1.3x: {_met(goals['ping_over_hi'] <= 1.3)} |",
             f"| search turn | {seq['search']['p50_ms']} ms | {seq['search']['p95_ms']} ms | "
             f"{goals['search_over_hi']:.2f}x | <= 2x: {_met(goals['search_over_hi'] <= 2.0)} |",
             f"| any conversation turn | {seq['full']['p50_ms']} ms | {seq['full']['p95_ms']} ms | "
             f"{seq['full']['p50_ms'] / seq['hi']['p50_ms']:.2f}x | |",
             f"| engine `POST /query` alone, same run | {seq['engine_query']['p50_ms']} ms | "
             f"{seq['engine_query']['p95_ms']} ms | | |",
             "", f"Under load: {n} senders at once, \"hi\" turns for {cb['seconds']} s, then {n} full conversations "
                 f"for {cf['seconds']} s.", "",
             "| measure | \"hi\" | full conversations | goal |", "|---|---|---|---|",
             f"| p50 | {cb['p50_ms']} ms | {cf['p50_ms']} ms | |",
             f"| p95 | {cb['p95_ms']} ms | {cf['p95_ms']} ms | full p95 <= 600 ms: {_met(cf['p95_ms'] <= 600)} |",
             f"| throughput | {cb['turns_per_s']} turns/s | {cf['turns_per_s']} turns/s "
             f"({goals['throughput_over_hi']:.2f}x) | >= 0.5x: {_met(goals['throughput_over_hi'] >= 0.5)} |",
             "", f"Soak: {n} conversations for {cf['seconds']} s, {cf['n']} turns, {len(cf['errors'])} errors, "
                 f"{len(cf['broken_states'])} broken conversation states."]
    return "\n".join(lines)


def _met(ok: bool) -> str:
    return "met" if ok else "**missed**"


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
        for text in ("hi", "ping", "show me shirts", "long sleeves", "why this one?"):  # warm-up: models, caches
            bot.say("bench-warmup", text)
        results = {"measured_at": time.strftime("%Y-%m-%d %H:%M"), "load": os.getloadavg()[0],
                   "engine": health, "concurrency": args.concurrency, "sequential": sequential(bot, args.rounds, engine)}
        results["concurrent_hi"] = concurrent(bot, args.concurrency, args.seconds / 2, full=False)
        results["concurrent_full"] = concurrent(bot, args.concurrency, args.seconds, full=True)
        seq = results["sequential"]
        results["goals"] = {"ping_over_hi": seq["ping"]["p50_ms"] / seq["hi"]["p50_ms"],
                            "search_over_hi": seq["search"]["p50_ms"] / seq["hi"]["p50_ms"],
                            "throughput_over_hi": results["concurrent_full"]["turns_per_s"]
                            / results["concurrent_hi"]["turns_per_s"]}
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
