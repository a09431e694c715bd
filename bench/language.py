"""Shoppers' words the bot was never trained on (issue 17): every conversation of the held-out set
(bot/tests/language_heldout.yml) is said to the running bot over the REST webhook, as a shopper
would, through Rasa's NLU, the action server and the engine; each reply is judged by the
catalogue's own labels (bench/language_set.py). Writes reports/language.md and its JSON.

    python bench/language.py [--var DIR] [--rasa URL --engine URL] [--set FILE] [--per-class N]
                             [--out FILE] [--json FILE]

--set picks the held-out file: the second, fresh set is bot/tests/language_heldout_v2.yml (`make
eval-language SET=bot/tests/language_heldout_v2.yml` writes reports/language_v2.md and .json), the
third, written blind, bot/tests/language_heldout_v3.yml (reports/language_v3.md and .json).

Without --rasa it starts the three processes itself on free ports (tests/support.py): the engine
serves the catalogue and index under --var (default var/test-demo, the demo catalogue `make
eval-language` prepares; `make eval-language DATA=...` serves var/, the catalogue `make run`
prepared). A photo turn uploads the product's catalogue photo to the engine (POST /images) and
says the /image_search payload, as the web chat does.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import language_set as lang  # noqa: E402
from tests import support  # noqa: E402  (processes, ports: shared with the tests)

GOAL = 0.90  # issue 17: at least 90% of held-out turns pass in every class
# Every held-out turn is a shopping request: one of these intents is the NLU's misreading.
NOT_SHOPPING = {"nlu_fallback", "out_of_scope", "greet", "goodbye", "thank", "help", "deny", "ping"}
EXAMPLES = 3  # failures shown per class in the report


class Shopper:
    """Talks to the bot over REST (one sender per conversation) and uploads photos to the engine."""

    def __init__(self, rasa_url: str, engine_url: str, images: dict[int, Path], token: str = ""):
        self.rasa, self.engine, self.images = rasa_url.rstrip("/"), engine_url.rstrip("/"), images
        self.token = token  # Rasa's HTTP API token: the intent of each sentence, for the report
        self.http = httpx.Client(timeout=90)

    def intent(self, text: str) -> str | None:
        """The intent Rasa's NLU reads in ``text`` (None without the API token)."""
        if not self.token:
            return None
        response = self.http.post(f"{self.rasa}/model/parse", params={"token": self.token}, json={"text": text})
        return response.json().get("intent", {}).get("name") if response.status_code == 200 else None

    def say(self, sender: str, text: str) -> list[dict]:
        response = self.http.post(f"{self.rasa}/webhooks/rest/webhook", json={"sender": sender, "message": text})
        response.raise_for_status()
        return response.json()

    def show_photo(self, sender: str, pid: int) -> list[dict]:
        path = self.images[pid]
        with open(path, "rb") as handle:
            upload = self.http.post(f"{self.engine}/images", files={"file": (path.name, handle, "image/jpeg")})
        upload.raise_for_status()
        return self.say(sender, '/image_search{"image_id": "%s"}' % upload.json()["image_id"])


def products(messages: list[dict]) -> dict | None:
    return next((m["custom"] for m in messages if isinstance(m.get("custom"), dict)
                 and m["custom"].get("type") == "products"), None)


def reply_text(messages: list[dict]) -> str:
    """The reply's first sentence (its summary or its question), for the report."""
    texts = [m["text"] for m in messages if m.get("text")]
    return texts[0].split("\n")[0][:160] if texts else ""


def converse(shopper: Shopper, conv: lang.Conversation, cat: lang.Catalogue) -> list[dict]:
    """Say one conversation; a judged record per turn."""
    sender = f"lang-{conv.id}-{uuid.uuid4().hex[:6]}"
    context = lang.Context()
    records = []
    for index, turn in enumerate(conv.turns):
        started = time.perf_counter()
        try:
            messages = shopper.show_photo(sender, turn.photo) if turn.photo else shopper.say(sender, turn.say)
            error = None
        except (httpx.HTTPError, KeyError, OSError) as exc:
            messages, error = [], f"{type(exc).__name__}: {exc}"
        seconds = time.perf_counter() - started
        payload = products(messages) or {}
        items = [item["id"] for item in payload.get("items", [])]
        if turn.photo:
            context.photo = turn.photo
        verdict = lang.judge(turn, items, payload.get("query"), context, cat)
        if error:
            verdict.passed, verdict.why = False, [error]
        if turn.judged:
            records.append({"conversation": conv.id, "class": conv.cls, "turn": index + 1,
                            "say": turn.say or f"(photo of product {turn.photo})",
                            "intent": shopper.intent(turn.say) if turn.say else "image_search",
                            "reply": reply_text(messages),
                            "shown": verdict.shown, "met": verdict.met, "judged": verdict.judged,
                            "share": round(verdict.share, 3), "passed": verdict.passed, "why": verdict.why,
                            "seconds": round(seconds, 3)})
        if items:
            context.previous = items
    return records


def run(conversations: list[lang.Conversation], shopper: Shopper, cat: lang.Catalogue) -> list[dict]:
    return [record for conv in conversations for record in converse(shopper, conv, cat)]


def summarise(records: list[dict]) -> dict:
    """Per class and overall: turns, passed, pass rate, turns showing products, mean share."""
    by_class: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        by_class[record["class"]].append(record)

    def figures(rows: list[dict]) -> dict:
        n = len(rows)
        return {"turns": n, "passed": sum(r["passed"] for r in rows),
                "pass_rate": round(sum(r["passed"] for r in rows) / n, 3) if n else 0.0,
                "shows_products": round(sum(r["shown"] > 0 for r in rows) / n, 3) if n else 0.0,
                "mean_share": round(sum(r["share"] for r in rows) / n, 3) if n else 0.0}

    classes = {cls: figures(by_class[cls]) for cls in lang.CLASSES if by_class.get(cls)}
    return {"classes": classes, "all": figures(records),
            "goal_met": bool(classes) and all(c["pass_rate"] >= GOAL for c in classes.values())}


def markdown(summary: dict, records: list[dict], meta: dict) -> str:
    lines = ["# Shoppers' words the bot was never trained on", "",
             f"Generated by `make eval-language` (`python bench/language.py`) on {meta['measured_at']} at commit "
             f"{meta.get('commit', 'unknown')}: "
             f"{summary['all']['turns']} turns of {meta['conversations']} held-out conversations "
             f"(`{meta.get('set', 'bot/tests/language_heldout.yml')}`, written apart from the training data and never "
             "trained on), said "
             f"over the REST webhook to Rasa, the action server and the engine over {meta['products']:,} products "
             f"({meta['catalogue']}). {meta['seconds']:.0f} s, median turn {meta['median_turn_ms']} ms.", "",
             f"A turn passes when the reply shows products and at least {lang.PASS_SHARE:.0%} of the first "
             f"{lang.TOP} meet what was said, judged by the catalogue's labels (`bench/language_set.py`): the "
             "wanted labels (a colour family or a need's types count as any of), the unwanted ones, the "
             "reference's article type, and for a relative edit a value beyond the reference's along its order "
             "(L* and chroma of `data/colours.yaml` in CIELAB, the orders of `data/orders.yaml`, the price). "
             f"Goal (issue 17): at least {GOAL:.0%} of the turns pass in every class: "
             f"**{'met' if summary['goal_met'] else 'not met'}**.", "",
             "| class | turns | pass | shows products | mean share of the first 5 that meet it |",
             "|---|---|---|---|---|"]
    for cls, f in summary["classes"].items():
        lines.append(f"| {lang.CLASSES[cls]} | {f['turns']} | **{f['pass_rate']:.0%}** ({f['passed']}) | "
                     f"{f['shows_products']:.0%} | {f['mean_share']:.2f} |")
    a = summary["all"]
    lines += [f"| all | {a['turns']} | **{a['pass_rate']:.0%}** ({a['passed']}) | {a['shows_products']:.0%} | "
              f"{a['mean_share']:.2f} |", ""]
    failed = [r for r in records if not r["passed"]]
    misread = [r for r in failed if r.get("intent") in NOT_SHOPPING]
    if failed and any(r.get("intent") for r in records):
        lines += [f"Of the {len(failed)} failed turns, {len(misread)} were read by the NLU as no shopping request "
                  f"({', '.join(sorted({r['intent'] for r in misread})) or 'none'}); the other {len(failed) - len(misread)} "
                  "reached the engine with a shopping intent. The intent of each failure is in brackets below.", ""]
    lines += ["## Failures, a few per class", ""]
    for cls in summary["classes"]:
        failed = [r for r in records if r["class"] == cls and not r["passed"]]
        if not failed:
            continue
        lines.append(f"**{lang.CLASSES[cls]}** ({len(failed)} failed)")
        lines.append("")
        for r in failed[:EXAMPLES]:
            why = "; ".join(r["why"]) or "too few of the first 5 meet it"
            intent = f" ({r['intent']})" if r.get("intent") else ""
            lines.append(f"- {r['conversation']} turn {r['turn']}: \"{r['say']}\"{intent} -> \"{r['reply']}\" "
                         f"({r['met']}/{r['judged']} meet it: {why})")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# ------------------------------------------------------------------ the processes
def start_stack(var: Path, log_dir: Path) -> tuple[str, str, list[support.Service]]:
    """Engine (catalogue and index under ``var``, uploads in a temporary folder), action server
    and Rasa on free ports; returns the Rasa and engine URLs and the services."""
    model = support.ensure_bot_model()
    env = {"FASHIONBOT_DB_URL": os.environ.get("FASHIONBOT_DB_URL", f"sqlite:///{var / 'catalog.db'}"),
           "FASHIONBOT_INDEX": str(var / "index"), "FASHIONBOT_VAR": tempfile.mkdtemp(prefix="language-")}
    services: list[support.Service] = []
    try:
        engine = support.start_engine(support.EngineSetup(env, env["FASHIONBOT_DB_URL"]), log_dir=log_dir)
        services.append(engine)
        services.append(support.start_actions(engine.url, log_dir=log_dir))
        services.append(support.start_rasa(services[-1].url, Path(env["FASHIONBOT_VAR"]) / "tracker.db", model,
                                           {"FASHIONBOT_ENGINE_URL": engine.url}, web_origin=engine.url,
                                           log_dir=log_dir))
    except BaseException:
        for service in reversed(services):
            service.stop()
        raise
    return services[-1].url, engine.url, services


def sample(conversations: list[lang.Conversation], per_class: int | None) -> list[lang.Conversation]:
    """The first ``per_class`` conversations of each class (all when None)."""
    if per_class is None:
        return conversations
    taken: dict[str, int] = defaultdict(int)
    out = []
    for conv in conversations:
        if taken[conv.cls] < per_class:
            taken[conv.cls] += 1
            out.append(conv)
    return out


def evaluate(conversations: list[lang.Conversation], rasa_url: str, engine_url: str, db_url: str,
             catalogue: str, token: str = "") -> dict:
    """Run and judge the conversations against a running bot; the summary, records and meta."""
    from models.tree import EITree
    from retrieval.catalog.store import Catalog

    catalog = Catalog(db_url)
    wanted = {t.photo for c in conversations for t in c.turns if t.photo}
    images = {p.id: catalog.image_file(p) for p in catalog.products(ids=wanted)}
    cat = lang.Catalogue.from_db(db_url, EITree.load(REPO / "data" / "ei_tree.yaml"))
    started = time.perf_counter()
    records = run(conversations, Shopper(rasa_url, engine_url, images, token), cat)
    seconds = time.perf_counter() - started
    durations = sorted(r["seconds"] for r in records)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    meta = {"measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "commit": commit or "unknown",
            "conversations": len(conversations),
            "products": len(cat.labels), "catalogue": catalogue, "seconds": seconds,
            "median_turn_ms": round(1000 * durations[len(durations) // 2]) if durations else 0}
    return {"summary": summarise(records), "records": records, "meta": meta}


def write(result: dict, out: Path, json_out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(markdown(result["summary"], result["records"], result["meta"]))
    json_out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var", type=Path, default=REPO / "var" / "test-demo",
                        help="the engine's catalogue and index (when this script starts the processes)")
    parser.add_argument("--rasa", help="a running Rasa (with --engine): talk to it instead of starting one")
    parser.add_argument("--engine", help="the running engine that Rasa's actions call")
    parser.add_argument("--db-url", help="the running engine's catalogue (default: the one under --var)")
    parser.add_argument("--set", type=Path, default=lang.HELDOUT, help="the held-out conversations")
    parser.add_argument("--per-class", type=int, help="only the first N conversations of each class")
    parser.add_argument("--out", type=Path, default=REPO / "reports" / "language.md")
    parser.add_argument("--json", type=Path, default=REPO / "reports" / "language.json")
    args = parser.parse_args()
    conversations = sample(lang.load(args.set), args.per_class)
    var = args.var.resolve()
    db_url = args.db_url or os.environ.get("FASHIONBOT_DB_URL", f"sqlite:///{var / 'catalog.db'}")
    catalogue = "the demo catalogue" if var.name == "test-demo" else f"the catalogue under {var}"
    services: list[support.Service] = []
    if args.rasa:
        rasa_url, engine_url = args.rasa, args.engine or os.environ.get("FASHIONBOT_ENGINE_URL", "http://127.0.0.1:8000")
        token = os.environ.get("FASHIONBOT_RASA_TOKEN", "")
    else:
        rasa_url, engine_url, services = start_stack(var, REPO / "var" / "language")
        token = support.API_TOKEN
    try:
        result = evaluate(conversations, rasa_url, engine_url, db_url, catalogue, token)
    finally:
        for service in reversed(services):
            service.stop()
    set_path = args.set.resolve()
    result["meta"]["set"] = str(set_path.relative_to(REPO)) if set_path.is_relative_to(REPO) else str(set_path)
    write(result, args.out, args.json)
    print(args.out.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
