"""How big and how long: the sizes every figure reads, from --quick / --size."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

FULL_SIZE, QUICK_SIZE = 100_000, 10_000


@dataclass(frozen=True)
class Plan:
    size: int  # documents for the vector and ingest figures
    queries: int  # query vectors per search measurement
    rounds: int  # timed batches per side of a comparison
    batch: int  # calls per timed batch for sub-millisecond calls
    moves: int  # label moves for the staleness figure
    level_seconds: float  # seconds per thread count for the throughput figure
    isolation_rounds: int  # clones and fresh migrations timed for figure 10
    quick: bool
    plot_dir: Path | None  # where PNGs go (None: no plots)
    seed: int = 20261121

    @classmethod
    def make(cls, *, quick: bool, size: int | None, plot_dir: Path | None) -> Plan:
        if quick:
            return cls(size=size or QUICK_SIZE, queries=30, rounds=5, batch=50, moves=100, level_seconds=0.5,
                       isolation_rounds=2, quick=True, plot_dir=plot_dir)
        return cls(size=size or FULL_SIZE, queries=100, rounds=15, batch=200, moves=200, level_seconds=3.0,
                   isolation_rounds=5, quick=False, plot_dir=plot_dir)
