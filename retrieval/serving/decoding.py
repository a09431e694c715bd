"""Photo decoding through a bounded pool: at most ``workers`` photos are decoded at once, at most
``queue`` more wait for a decoder, and any upload beyond that is answered 503 with Retry-After.

A maximal photo (``max_pixels``, 25 MP by default) takes about ``BYTES_PER_PIXEL`` bytes per
pixel while it is decoded (the decoded pixels, the reduced copy and the decoder's buffers), so
the number of decoders comes from the memory the operator gives decoding
(FASHIONBOT_DECODE_BUDGET_MB; default a quarter of the machine's memory, at most 1 GB), never
more than the CPU cores. A waiting upload holds no decoded pixels: its body stays in the
request's spooled file until a decoder takes it. The decoders are threads of their own, at a
lower CPU priority (nice 10) than the threads that answer searches and ``/health``.
"""
from __future__ import annotations

import asyncio
import math
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TypeVar

import anyio

BYTES_PER_PIXEL = 8  # RGB or RGBA pixels, the reduced copy and the decoder's buffers (measured: bench/uploads.py)
DEFAULT_BUDGET = 1_000_000_000  # bytes, when the machine has 4 GB or more
DECODER_NICE = 10  # decoding is background work: the event loop and searches come first
T = TypeVar("T")


class DecoderBusy(RuntimeError):
    """Every decoder is busy and the queue is full; ``retry_after`` says when to try again (s)."""

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(f"the engine is busy decoding other photos: try again in {retry_after} s")


def machine_memory() -> int:
    """Bytes of physical memory."""
    return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")


def decoders_for(budget_bytes: int, max_pixels: int, cpus: int | None = None) -> int:
    """How many maximal photos fit the budget at once: at least one, at most one per core."""
    cpus = cpus or os.cpu_count() or 1
    return max(1, min(cpus, budget_bytes // (max_pixels * BYTES_PER_PIXEL)))


def default_budget() -> int:
    return min(DEFAULT_BUDGET, machine_memory() // 4)


def _lower_priority() -> None:
    """Give this thread (Linux: a thread's own nice value) a lower CPU priority."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), DECODER_NICE)
    except (AttributeError, OSError):  # not Linux, or not allowed: same priority as the rest
        pass


class DecodePool:
    """Runs decoding functions in its own ``workers`` threads, ``queue`` more waiting."""

    def __init__(self, workers: int, queue: int, seconds_per_photo: float = 1.0):
        self.workers, self.queue, self.seconds_per_photo = workers, queue, seconds_per_photo
        self._limiter: anyio.CapacityLimiter | None = None
        self.threads = ThreadPoolExecutor(workers, thread_name_prefix="decode", initializer=_lower_priority)

    @classmethod
    def sized(cls, workers: int, queue: int, budget_bytes: int, max_pixels: int) -> DecodePool:
        """``workers`` when set (> 0), else as many as ``budget_bytes`` allows (0: the default budget)."""
        return cls(workers if workers > 0 else decoders_for(budget_bytes or default_budget(), max_pixels),
                   max(0, queue))

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        if self._limiter is None:  # made inside the event loop that uses it
            self._limiter = anyio.CapacityLimiter(self.workers)
        return self._limiter

    async def run(self, decode: Callable[..., T], *args) -> T:
        """``decode(*args)`` in a worker thread once a decoder is free; DecoderBusy when every
        decoder is busy and ``queue`` uploads already wait."""
        stats = self.limiter.statistics()
        if stats.borrowed_tokens >= self.workers and stats.tasks_waiting >= self.queue:
            rounds = (stats.tasks_waiting + 1) / self.workers
            raise DecoderBusy(max(1, math.ceil(rounds * self.seconds_per_photo)))
        async with self.limiter:
            return await asyncio.get_running_loop().run_in_executor(self.threads, partial(decode, *args))
