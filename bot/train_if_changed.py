"""Train the Rasa model only when its inputs changed (``make train-bot``, ``make run``, the tests).

The fingerprint is a sha256 of config.yml, domain.yml and every file under data/; it is stored
next to the model (bot/models/fashionbot.tar.gz + .fingerprint). A matching fingerprint skips
Rasa entirely (loading Rasa alone takes ~20 s). Standard library only, so any Python runs it.

    python bot/train_if_changed.py [--force] [--rasa PATH]
"""
from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

BOT_DIR = Path(__file__).resolve().parent
MODEL_NAME = "fashionbot"
MODEL = BOT_DIR / "models" / f"{MODEL_NAME}.tar.gz"
FINGERPRINT = BOT_DIR / "models" / f"{MODEL_NAME}.fingerprint"
DEFAULT_RASA = BOT_DIR.parent / ".venv-rasa" / "bin" / "rasa"


def fingerprint() -> str:
    """sha256 over the training inputs (paths and contents)."""
    digest = hashlib.sha256()
    files = [BOT_DIR / "config.yml", BOT_DIR / "domain.yml", *sorted((BOT_DIR / "data").rglob("*.yml"))]
    for path in files:
        digest.update(str(path.relative_to(BOT_DIR)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def is_current() -> bool:
    return MODEL.exists() and FINGERPRINT.exists() and FINGERPRINT.read_text().strip() == fingerprint()


def ensure_model(force: bool = False, rasa: Path = DEFAULT_RASA) -> Path:
    """The trained model, training it first if missing or out of date. Concurrent callers (two
    test runs) wait for each other instead of training twice into the same file."""
    MODEL.parent.mkdir(parents=True, exist_ok=True)
    with open(MODEL.parent / ".train.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _ensure_model(force, rasa)


def _ensure_model(force: bool, rasa: Path) -> Path:
    if not force and is_current():
        print(f"bot model is current: {MODEL.relative_to(BOT_DIR.parent)}")
        return MODEL
    wanted = fingerprint()
    env = {**os.environ, "FASHIONBOT_ACTIONS_URL": os.environ.get("FASHIONBOT_ACTIONS_URL", "http://localhost:5055/webhook"),
           "FASHIONBOT_TRACKER_DB": os.environ.get("FASHIONBOT_TRACKER_DB", str(BOT_DIR / "models" / "unused.db"))}
    command = [str(rasa), "train", "--fixed-model-name", MODEL_NAME, "--out", "models"]
    if force:
        command.append("--force")
    print("training the bot model:", " ".join(command), flush=True)
    started = time.monotonic()
    subprocess.run(command, cwd=BOT_DIR, env=env, check=True)
    FINGERPRINT.write_text(wanted + "\n")
    record_timing(time.monotonic() - started)
    return MODEL


def record_timing(seconds: float) -> None:
    """Keep how long training took for the cold-start report (bench/cold_start.py)."""
    folder = Path(os.environ.get("FASHIONBOT_VAR", BOT_DIR.parent / "var")) / "timings"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "rasa-train.json").write_text(json.dumps({"seconds": round(seconds, 1),
                                                        "at": time.strftime("%Y-%m-%dT%H:%M:%S")}) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="train even if the fingerprint matches")
    parser.add_argument("--rasa", type=Path, default=DEFAULT_RASA, help="the rasa executable")
    args = parser.parse_args()
    try:
        ensure_model(args.force, args.rasa)
    except subprocess.CalledProcessError as exc:
        print(f"rasa train failed with exit code {exc.returncode}", file=sys.stderr)
        return exc.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
