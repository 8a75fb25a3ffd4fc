"""Figure 12: label history and rollback of a prompt with 30,000 versions (3,000 with --quick).

prompt_label_history() is one set-based query (window functions, O(n log n) in the prompt's changelog
rows); rollback_prompt_label() reads it before it takes the project's write lock. The figure times both
at n versions and at n / 10 (a linear algorithm is 10× slower at 10× the rows, a quadratic one 100×),
and how long a publish of another prompt of the same project waits behind a running rollback.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import psycopg

from scripts.bench.cluster import Cluster
from scripts.bench.plan import Plan
from scripts.bench.report import Figure, Line, Side, Table, Target
from scripts.bench.timing import Samples

HISTORY = "SELECT count(*) FROM agent_loggy.prompt_label_history(%s, 'bench')"
ROLLBACK = "SELECT agent_loggy.rollback_prompt_label(%s, 'staging', 'bench')"


def run(cluster: Cluster, plan: Plan) -> list[Figure]:
    with cluster.cloned("history") as url:
        return [measure(url, plan)]


def build(conn: psycopg.Connection[Any], name: str, versions: int) -> int:
    """A prompt of `versions` versions, every tenth of which took label staging when it was published;
    returns its changelog rows."""
    conn.execute("INSERT INTO agent_loggy.prompts (project, name, version, template) "
                 "SELECT 'bench', %s, v, 'template ' || v FROM generate_series(1, %s) AS v", (name, versions))
    for version in range(10, versions + 1, 10):
        conn.execute("SELECT agent_loggy.set_prompt_label(%s, %s, 'staging', 'bench')", (name, version))
    row = conn.execute("SELECT count(*) FROM agent_loggy.config_changelog WHERE project = 'bench' "
                       "AND config_name = %s", (name,)).fetchone()
    return int(row[0]) if row else 0


def timed(conn: psycopg.Connection[Any], query: str, name: str, rounds: int) -> float:
    values = []
    for _ in range(rounds):
        started = time.perf_counter()
        with conn.transaction():
            conn.execute(query, (name,)).fetchall()
        values.append(time.perf_counter() - started)
    return Samples(tuple(values)).median


def measure(url: str, plan: Plan) -> Figure:
    big = 3_000 if plan.quick else 30_000
    small = big // 10
    rounds = 3 if plan.quick else 5
    fig = Figure(12, f"Label history and rollback at {big:,} versions")
    with psycopg.connect(url, autocommit=True) as conn:
        rows = {name: build(conn, name, n) for name, n in (("big", big), ("small", small))}
        times = {}
        for name in ("small", "big"):
            times[f"history {name}"] = timed(conn, HISTORY, name, rounds)
            times[f"rollback {name}"] = timed(conn, ROLLBACK, name, rounds)  # each undoes the one before

        waited: list[float] = []
        with psycopg.connect(url, autocommit=True) as other:
            publish = "SELECT agent_loggy.create_prompt_version('other', 't', 'bench')"
            alone = []
            for _ in range(rounds):  # connected and warm before it is timed, and what a publish costs alone
                started = time.perf_counter()
                other.execute(publish)
                alone.append(time.perf_counter() - started)
            publish_alone = Samples(tuple(alone)).median

            def publish_meanwhile() -> None:
                time.sleep(times["rollback big"] / 4)  # while the rollback reads the history
                started = time.perf_counter()
                other.execute(publish)
                waited.append(time.perf_counter() - started)

            publisher = threading.Thread(target=publish_meanwhile)
            started = time.perf_counter()
            publisher.start()
            conn.execute(ROLLBACK, ("big",))
            rollback_took = time.perf_counter() - started
            publisher.join()
    fig.lines.append(Line(f"prompt_label_history at {big:,} vs {small:,} versions",
                          Side(f"{big:,} versions", times["history big"]),
                          Side(f"{small:,} versions", times["history small"]),
                          times["history big"] / times["history small"], "10× the versions", Target("<=", 15),
                          if_missed="the history grew faster than n log n: see the table for the row counts"))
    fig.lines.append(Line(f"rollback_prompt_label at {big:,} vs {small:,} versions",
                          Side(f"{big:,} versions", times["rollback big"]),
                          Side(f"{small:,} versions", times["rollback small"]),
                          times["rollback big"] / times["rollback small"], "10× the versions", Target("<=", 15),
                          if_missed="the rollback grew faster than its history read"))
    fig.lines.append(Line("a publish in the same project during that rollback: its wait vs the rollback",
                          Side("publish", waited[0] if waited else float("nan")), Side("rollback", rollback_took),
                          (waited[0] / rollback_took) if waited else None, "the rollback", Target("<=", 0.5),
                          if_missed=f"a publish alone takes {publish_alone * 1e3:.1f} ms here, the rollback "
                                    f"{rollback_took * 1e3:.1f} ms: when the publish is not much shorter than the "
                                    "rollback, the ratio says little (quick runs); when it is, the publish waited for "
                                    "the history read, which would mean it ran under the write lock"))
    fig.tables.append(Table("Median times", ["versions", "changelog rows", "history", "rollback"], [
        [f"{n:,}", f"{rows[name]:,}", f"{times[f'history {name}'] * 1e3:.1f} ms",
         f"{times[f'rollback {name}'] * 1e3:.1f} ms"] for name, n in (("small", small), ("big", big))]))
    fig.notes.append(
        f"One prompt of {big:,} versions and one of {small:,} in a project of their own, every tenth version "
        "labelled staging as it was published (a label move each), so the history holds a create row per "
        "version and a label row per move. Each time is the median of "
        f"{rounds} calls in their own transaction; every rollback undoes the one before. Before migration 0015 "
        "the history was a loop copying a JSON map per row: 6,000 versions took about 1.5 s and 30,000 about "
        "43 s (quadratic), all of it under the global prompt-write lock.")
    return fig
