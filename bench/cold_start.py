"""What a first `make run` spends per step, as the steps themselves recorded it.

`make setup` writes var/timings/setup*.json (each venv's install), `fashionbot prepare`
var/timings/prepare.json (catalogue import, image and text features, heads and index) and
bot/train_if_changed.py var/timings/rasa-train.json. This script adds the model loads, measured
now: the engine from start to a first answered search, and Rasa from start to its first reply.
The table goes between the COLD markers of bench/README.md.

    python bench/cold_start.py
"""
from __future__ import annotations

import json
import os
import sys
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import support  # noqa: E402


def recorded(var: Path) -> dict:
    folder = var / "timings"
    steps = {path.stem: json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))} if folder.exists() else {}
    extraction = features_of_catalogue(var)
    if extraction:  # the backbones' time, as recorded with the features the served index uses
        steps.setdefault("prepare", {}).setdefault("index", {}).update(extraction)
    return steps


def features_of_catalogue(var: Path) -> dict:
    """The feature cache of the whole catalogue (the largest one) and what its extraction took."""
    metas = [json.loads(p.read_text()) for p in (var / "features").glob("*/meta.json")]
    if not metas:
        return {}
    meta = max(metas, key=lambda m: m.get("count", 0))
    return {"image_features_s": meta["seconds"]["images"], "text_features_s": meta["seconds"]["texts"],
            "extracted_at": meta.get("created"), "device": meta.get("device"), "products": meta.get("count")}


def model_loads(log_dir: Path) -> dict:
    """Seconds from process start to a first answer: the engine (index, model, text encoder)
    and Rasa (its trained model), as `make run` starts them."""
    started = time.perf_counter()
    engine = support.start_engine(support.EngineSetup({}, ""), log_dir=log_dir)
    engine_s = time.perf_counter() - started
    services = [engine]
    try:
        services.append(support.start_actions(engine.url, log_dir=log_dir))
        started = time.perf_counter()
        rasa = support.start_rasa(services[-1].url, log_dir / f"tracker-{uuid.uuid4().hex[:6]}.db",
                                  support.ensure_bot_model(), {"FASHIONBOT_ENGINE_URL": engine.url},
                                  web_origin=engine.url, log_dir=log_dir)
        services.append(rasa)
        httpx.post(f"{rasa.url}/webhooks/rest/webhook", json={"sender": "cold", "message": "hi"}, timeout=120)
        rasa_s = time.perf_counter() - started
    finally:
        for service in reversed(services):
            service.stop()
    return {"engine_s": round(engine_s, 1), "rasa_s": round(rasa_s, 1)}


def table(steps: dict, loads: dict) -> str:
    prepare = steps.get("prepare", {})
    index = prepare.get("index", {})
    rows = [("`.venv` (engine, actions): install", steps.get("setup", {}).get("seconds")),
            ("`.venv-rasa` (Rasa): install", steps.get("setup-rasa", {}).get("seconds")),
            ("catalogue import", prepare.get("import_s")),
            ("image features (EfficientNet-Lite0)", index.get("image_features_s")),
            ("text features (MiniLM)", index.get("text_features_s")),
            ("heads over the features, and the index written", index.get("heads_s")),
            ("Rasa training", steps.get("rasa-train", {}).get("seconds")),
            ("engine start: index, model, text encoder, first search", loads.get("engine_s")),
            ("Rasa start: model load, first reply", loads.get("rasa_s"))]
    known = [s for _, s in rows if s is not None]
    lines = [f"What a first `make run` spends per step, as recorded by the steps themselves under var/timings/ "
             f"(catalogue: {prepare.get('source', '?')}; features extracted {index.get('extracted_at') or '?'} on "
             f"{index.get('device') or '?'}); the model loads measured {time.strftime('%Y-%m-%d %H:%M')} by "
             f"`python bench/cold_start.py`, {os.cpu_count()} CPU cores.", "",
             "| step | seconds | minutes |", "|---|---|---|"]
    lines += [f"| {name} | {'-' if s is None else round(s)} | {'-' if s is None else round(s / 60, 1)} |"
              for name, s in rows]
    lines.append(f"| **total** | {round(sum(known))} | {round(sum(known) / 60, 1)} |")
    return "\n".join(lines)


def main() -> int:
    var = Path(os.environ.get("FASHIONBOT_VAR", ROOT / "var"))
    loads = model_loads(var / "bench")
    section = table(recorded(var), loads)
    print(section)
    support.splice_section(ROOT / "bench" / "README.md", "COLD", section, "Cold start")
    return 0


if __name__ == "__main__":
    sys.exit(main())
