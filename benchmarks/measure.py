"""What the benchmarks measure with: resident memory at its peak, and latency percentiles."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import psutil


def rss_mb() -> float:
    """Resident memory of this process and its worker processes, in MB."""
    proc = psutil.Process()
    total = proc.memory_info().rss
    for child in proc.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.Error:  # it ended while we looked
            pass
    return total / 2**20


class PeakRSS:
    """The peak growth of resident memory (workers included) inside a `with` block, sampled."""

    def __enter__(self) -> PeakRSS:
        self._stop = threading.Event()
        self.base = self.peak = rss_mb()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, rss_mb())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb())

    @property
    def mb(self) -> float:
        return self.peak - self.base


def timed_ms(call: Callable[[Any], Any], inputs: list[Any]) -> tuple[list[float], list[Any]]:
    """Milliseconds per call (after one warm-up call) and the results."""
    call(inputs[0])
    times, found = [], []
    for item in inputs:
        start = time.perf_counter()
        found.append(call(item))
        times.append((time.perf_counter() - start) * 1e3)
    return times, found


def p50_p95(times: list[float]) -> tuple[float, float]:
    p50, p95 = np.percentile(times, [50, 95])
    return float(p50), float(p95)
