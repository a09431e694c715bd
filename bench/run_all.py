"""`make bench`: the engine benchmark, photo uploads under load, then the chat benchmark (which starts the three
processes itself). Both serve what `fashionbot prepare` built under var/."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def main() -> int:
    steps = [[str(ROOT / ".venv/bin/fashionbot"), "prepare"],
             [PY, str(ROOT / "bench/engine.py")],
             [PY, str(ROOT / "bench/uploads.py")],
             [PY, str(ROOT / "bench/chat.py"), "--start"],
             [PY, str(ROOT / "bench/cold_start.py")]]
    for step in steps:
        print("$", " ".join(step), flush=True)
        code = subprocess.call(step, cwd=ROOT)
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
