"""Figure 10: a test's fresh database, cloned from the migrated template vs migrated from scratch."""

from __future__ import annotations

import time

from agent_loggy_db import migrations
from scripts.bench.cluster import Cluster
from scripts.bench.cluster import cluster as bench_cluster
from scripts.bench.plan import Plan
from scripts.bench.report import Figure, Line, Side, Table, Target
from scripts.bench.timing import Samples


def run(cluster: Cluster, plan: Plan) -> list[Figure]:
    """On a server of its own set up as the tests set up theirs; on DATABASE_URL's server as it is."""
    if not cluster.embedded:
        return [measure(cluster, plan, "the server DATABASE_URL names, as it is configured")]
    with bench_cluster(None, like_the_tests=True) as own:
        return [measure(own, plan, "an embedded server of its own, set up as tests/conftest.py sets up the "
                                   "tests' server (durability off: fsync, synchronous_commit and "
                                   "full_page_writes, server.make_disposable)")]


def measure(cluster: Cluster, plan: Plan, where: str) -> Figure:
    fig = Figure(10, "Test isolation: clone the migrated template vs migrate a fresh database")
    times: dict[str, list[float]] = {"clone": [], "file_copy": [], "empty": [], "fresh": []}
    sides = list(times)
    for r in range(plan.isolation_rounds):
        for side in sides if r % 2 == 0 else reversed(sides):
            name = cluster.new_name(side)
            began = time.perf_counter()
            if side == "fresh":
                migrations.apply(cluster.create_empty(name))
            elif side == "empty":
                cluster.create_empty(name)
            else:
                cluster.clone_as(name, file_copy=side == "file_copy")
            times[side].append(time.perf_counter() - began)
            cluster.drop(name)
    clone, fresh = times["clone"], times["fresh"]
    c, f = Samples(tuple(clone)).median, Samples(tuple(fresh)).median
    fc, empty = Samples(tuple(times["file_copy"])).median, Samples(tuple(times["empty"])).median
    fig.lines.append(Line("CREATE DATABASE ... TEMPLATE vs CREATE DATABASE + every migration",
                          Side("clone", c), Side("migrate", f), c / f, "the migration", Target("<=", 0.1),
                          if_missed="CREATE DATABASE has a fixed cost here that the template's size barely "
                                    f"changes: creating an empty database took {empty * 1e3:.0f} ms, cloning the "
                                    f"migrated template {c * 1e3:.0f} ms (last line); with the default STRATEGY "
                                    "wal_log every block, system catalogs included, goes through the WAL, and "
                                    "file_copy (next line) forces a checkpoint instead. The clones took "
                                    f"{min(clone) * 1e3:.0f}-{max(clone) * 1e3:.0f} ms on this shared machine "
                                    "(table below); the ratio moves with that noise more than with anything of ours."))
    fig.lines.append(Line("CREATE DATABASE ... TEMPLATE ... STRATEGY file_copy vs every migration",
                          Side("clone, file_copy", fc), Side("migrate", f), fc / f, "the migration"))
    fig.lines.append(Line("CREATE DATABASE of an empty database (no template of ours) vs the clone",
                          Side("empty database", empty), Side("clone", c), empty / c, "the clone"))
    fig.tables.append(Table("Each timing", ["", *(f"#{i + 1}" for i in range(len(clone)))], [
        ["clone", *(f"{v * 1e3:.0f} ms" for v in clone)],
        ["clone, file_copy", *(f"{v * 1e3:.0f} ms" for v in times["file_copy"])],
        ["empty database", *(f"{v * 1e3:.0f} ms" for v in times["empty"])],
        ["migrate", *(f"{v * 1e3:.0f} ms" for v in fresh)]]))
    fig.notes.append(
        f"Measured on {where}. "
        f"Median of {plan.isolation_rounds} of each, taking turns. Clone: `CREATE DATABASE x TEMPLATE t` (what "
        "tests/conftest.py gets from pytest-postgresql for every test). Migrate: `CREATE DATABASE x` and "
        "`agent_loggy_db.migrations.apply` (yoyo, under its lock, every file of sql/). Dropping is not timed.")
    return fig
