"""How long Rasa's NLU takes to parse one message, by message length: what the message cap
(FASHIONBOT_MAX_MESSAGE_CHARS, bot/message_limit.py) is chosen from. Runs in the Rasa venv on the
trained model, with the cap lifted so that the whole pipeline sees each text:

    .venv-rasa/bin/python bench/message_length.py [--lengths 100 500 2000 8000] [--repeat 3]

Each text is a shopper's sentence repeated to the length; the time is the median of the repeats
of ``processor.parse_message`` (which runs on Rasa's event loop, so every other conversation
waits for it). Prints a Markdown table.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SENTENCE = "show me a light red summer dress with short sleeves for a wedding, not striped please. "


async def measure(lengths: list[int], repeat: int) -> list[tuple[int, float]]:
    from rasa.core.agent import load_agent
    from rasa.core.channels.channel import UserMessage
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)  # else every parse is logged in full

    agent = await load_agent(str(REPO / "bot" / "models" / "fashionbot.tar.gz"))
    await agent.processor.parse_message(UserMessage("hi"))  # warm-up
    rows = []
    for length in lengths:
        text = (SENTENCE * (length // len(SENTENCE) + 1))[:length]
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            await agent.processor.parse_message(UserMessage(text))
            times.append(time.perf_counter() - started)
        rows.append((length, statistics.median(times)))
        print(f"{length:>7} characters: {rows[-1][1] * 1000:8.1f} ms", file=sys.stderr, flush=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", type=int, nargs="+", default=[20, 100, 250, 500, 1000, 2000, 4000, 8000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ["FASHIONBOT_MAX_MESSAGE_CHARS"] = str(10 ** 9)  # measure the pipeline itself
    os.environ.setdefault("FASHIONBOT_ACTIONS_URL", "http://127.0.0.1:5055/webhook")
    os.environ.setdefault("FASHIONBOT_TRACKER_DB", "/dev/null")
    sys.path.insert(0, str(REPO / "bot"))  # components.* of config.yml
    rows = asyncio.run(measure(args.lengths, args.repeat))
    base = rows[0][1]
    print(f"NLU parse time by message length ({os.cpu_count()} CPU cores, load average "
          f"{os.getloadavg()[0]:.1f}), median of {args.repeat}:\n")
    print("| characters | parse | vs. the shortest |\n|---|---|---|")
    for length, seconds in rows:
        print(f"| {length} | {seconds * 1000:.1f} ms | {seconds / base:.1f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
