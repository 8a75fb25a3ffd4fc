"""Timing: warm-up, interleaved batches, medians and percentiles.

Every measurement here is a batch of calls timed with perf_counter and divided by the batch
size; the sides of a comparison take turns (A B, then B A, ...) so that a slow spell of a
shared, noisy machine hits them alike; the figure is the median over the batches.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

Call = Callable[[int], object]
"""One operation; it gets its position in the batch (e.g. which query vector to use)."""


@dataclass(frozen=True)
class Samples:
    """Seconds per call, one value per timed batch."""

    values: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.values)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation, like numpy's default."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of no values")
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def batch_time(call: Call, batch: int) -> float:
    """Seconds per call over one batch of `batch` calls."""
    start = time.perf_counter()
    for i in range(batch):
        call(i)
    return (time.perf_counter() - start) / batch


def interleaved(calls: Mapping[str, Call], *, rounds: int, batch: int, warmup: int = 1,
                warmup_batch: int | None = None) -> dict[str, Samples]:
    """Time every call in turns: `warmup` untimed batches each (of `warmup_batch` calls, default `batch`),
    then `rounds` timed batches each, the order rotating every round so no side always runs first (or
    right after the same neighbour)."""
    names = list(calls)
    for _ in range(warmup):
        for name in names:
            batch_time(calls[name], warmup_batch or batch)
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        shift = r % len(names)
        order = names[shift:] + names[:shift]
        if r % 2:
            order.reverse()
        for name in order:
            times[name].append(batch_time(calls[name], batch))
    return {name: Samples(tuple(values)) for name, values in times.items()}


def once(call: Callable[[], object]) -> float:
    """Wall-clock seconds of one call (for operations too big to repeat, e.g. a 100,000-row load)."""
    start = time.perf_counter()
    call()
    return time.perf_counter() - start
