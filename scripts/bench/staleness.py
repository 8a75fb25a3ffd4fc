"""Figure 3: how long after another process moves a label does get_prompt here return the new version?

This process keeps a cached PromptRegistry and reads the prompt every POLL seconds; a second
process (scripts/bench/mover.py) moves label production between two versions. Staleness is the
time from the moment the mover's set_label() returned (committed) to this process's first read
of the new version. The 60 s TTL side (Langfuse's and MLflow's default client cache) is simulated
on the same move times rather than waited for.
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
from typing import IO

from agent_loggy_db import PromptRegistry, Settings, create_pool
from scripts.bench import plots
from scripts.bench.cluster import Cluster, repo_root
from scripts.bench.plan import Plan
from scripts.bench.report import Figure, Line, Side, Table, Target
from scripts.bench.timing import percentile

NAME = "bench_staleness"
POLL = 0.0002  # seconds between reads of the polling loop: the resolution of the measurement
TTL = 60.0
TTL_CLIENTS = 100  # simulated TTL clients per move
TIMEOUT = 5.0


def run(cluster: Cluster, plan: Plan) -> list[Figure]:
    with cluster.cloned("staleness") as url:
        return [measure(url, plan)]


def measure(url: str, plan: Plan) -> Figure:
    fig = Figure(3, "Staleness after a label move in another process")
    with create_pool(url, Settings(pool_min_size=1, pool_max_size=2)) as pool, PromptRegistry(pool) as registry:
        registry.publish(NAME, "first {x}", actor="bench", labels=["production"])
        registry.publish(NAME, "second {x}", actor="bench")
        deadline = time.monotonic() + 10
        while not registry.cache.live and time.monotonic() < deadline:
            time.sleep(0.01)
        mover = subprocess.Popen([sys.executable, "-m", "scripts.bench.mover", url, NAME], cwd=repo_root(),
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        assert mover.stdin is not None and mover.stdout is not None
        try:
            if mover.stdout.readline().strip() != "ready":
                raise RuntimeError("the mover process did not start")
            stale, commits, early = _moves(registry, mover.stdin, mover.stdout, plan.moves)
            hits = registry.cache.stats.hits
        finally:
            mover.stdin.close()
            mover.wait(timeout=30)
    ttl = _ttl_staleness(commits, random.Random(plan.seed))
    ours50, ours99 = percentile(stale, 50), percentile(stale, 99)
    ttl50, ttl99 = percentile(ttl, 50), percentile(ttl, 99)
    fig.lines.append(Line("p50 staleness: our NOTIFY cache vs a 60 s TTL cache", Side("ours p50", ours50),
                          Side("60 s TTL p50 (simulated)", ttl50), ttl50 / max(ours50, 1e-6), "fresher"))
    fig.lines.append(Line("p99 staleness: our NOTIFY cache vs a 60 s TTL cache", Side("ours p99", ours99),
                          Side("60 s TTL p99 (simulated)", ttl99), ttl99 / max(ours99, 1e-6), "fresher",
                          Target("<=", 0.1, on="a", unit="s"),
                          if_missed="the listener thread competes for the GIL and the two cores with the reading "
                                    "loop and the server; a p99 above 100 ms means a notification waited for CPU."))
    fig.tables.append(Table(f"Staleness over {len(stale)} moves", ["", "p50", "p90", "p99", "max"], [
        ["ours (measured)", *(f"{percentile(stale, q) * 1e3:.2f} ms" for q in (50, 90, 99, 100))],
        ["60 s TTL (simulated)", *(f"{percentile(ttl, q):.1f} s" for q in (50, 90, 99, 100))],
    ]))
    fig.notes.append(
        f"{len(stale)} moves of label production between two versions, made by a second process through "
        "`PromptRegistry.set_label`; this process reads `get_prompt` (cached, NOTIFY-invalidated) every "
        f"{POLL * 1e3:g} ms, so values carry up to that much polling delay. Staleness counts from the moment "
        f"the writer's call returned; {early} reads saw the new version before that (the notification "
        f"outran the writer's own reply) and count as 0. The reader's cache served {hits:,} hits meanwhile. "
        f"The TTL side is simulated, not waited for: a client reading continuously reloads {TTL:g} s after "
        f"each load, so for each of the same move times {TTL_CLIENTS} clients with uniformly random load "
        "phases see the move at their next reload (staleness uniform on 0-60 s).")
    if plan.plot_dir is not None:
        fig.plots += plots.staleness(plan.plot_dir / "staleness.png", [s * 1e3 for s in stale],
                                     [s * 1e3 for s in ttl])
    return fig


def _moves(registry: PromptRegistry, to_mover: IO[str], from_mover: IO[str],
           count: int) -> tuple[list[float], list[float], int]:
    stale: list[float] = []
    commits: list[float] = []
    early = 0
    jitter = random.Random(7)
    version = registry.get_prompt(NAME).version or 1
    for _ in range(count):
        target = 2 if version == 1 else 1
        to_mover.write(f"{target}\n")
        to_mover.flush()
        began = time.monotonic()
        while True:
            if registry.get_prompt(NAME).version == target:
                seen = time.monotonic()
                break
            if time.monotonic() - began > TIMEOUT:
                raise RuntimeError(f"the move to version {target} never reached this process's get_prompt")
            time.sleep(POLL)
        _, committed = (float(x) for x in from_mover.readline().split())
        early += seen < committed
        stale.append(max(0.0, seen - committed))
        commits.append(committed)
        version = target
        time.sleep(jitter.uniform(0.002, 0.02))  # moves at irregular times
    return stale, commits, early


def _ttl_staleness(commits: list[float], rng: random.Random) -> list[float]:
    """Staleness a TTL cache gives for the same moves: for a client whose entries load at phase + k * TTL,
    a move at t is seen at the next load after t."""
    start = commits[0]
    out = []
    for t in commits:
        for _ in range(TTL_CLIENTS):
            phase = rng.uniform(0, TTL)
            out.append(TTL - ((t - start - phase) % TTL))
    return out
