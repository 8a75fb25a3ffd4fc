"""Figure 10: a test's fresh database, cloned from the migrated template vs migrated from scratch."""

from __future__ import annotations

import time

from agent_loggy_db import migrations
from scripts.bench.cluster import Cluster
from scripts.bench.plan import Plan
from scripts.bench.report import Figure, Line, Side, Table, Target
from scripts.bench.timing import Samples


def run(cluster: Cluster, plan: Plan) -> list[Figure]:
    fig = Figure(10, "Test isolation: clone the migrated template vs migrate a fresh database")
    times: dict[str, list[float]] = {"clone": [], "file_copy": [], "fresh": []}
    sides = list(times)
    for r in range(plan.isolation_rounds):
        for side in sides if r % 2 == 0 else reversed(sides):
            name = cluster.new_name(side)
            began = time.perf_counter()
            if side == "fresh":
                migrations.apply(cluster.create_empty(name))
            else:
                cluster.clone_as(name, file_copy=side == "file_copy")
            times[side].append(time.perf_counter() - began)
            cluster.drop(name)
    clone, fresh = times["clone"], times["fresh"]
    c, f = Samples(tuple(clone)).median, Samples(tuple(fresh)).median
    fc = Samples(tuple(times["file_copy"])).median
    fig.lines.append(Line("CREATE DATABASE ... TEMPLATE vs CREATE DATABASE + every migration",
                          Side("clone", c), Side("migrate", f), c / f, "the migration", Target("<=", 0.1),
                          if_missed="cloning is disk-bound and the disk is shared: the clones took "
                                    f"{min(clone) * 1e3:.0f}-{max(clone) * 1e3:.0f} ms (table below). With the "
                                    "default STRATEGY wal_log, CREATE DATABASE copies every block of the template "
                                    "through the WAL and waits for the flush (file_copy, next line, forces a "
                                    "checkpoint instead and is slower still). A throw-away test server with "
                                    "fsync = off, as test setups commonly run, would close it."))
    fig.lines.append(Line("CREATE DATABASE ... TEMPLATE ... STRATEGY file_copy vs every migration",
                          Side("clone, file_copy", fc), Side("migrate", f), fc / f, "the migration"))
    fig.tables.append(Table("Each timing", ["", *(f"#{i + 1}" for i in range(len(clone)))], [
        ["clone", *(f"{v * 1e3:.0f} ms" for v in clone)],
        ["clone, file_copy", *(f"{v * 1e3:.0f} ms" for v in times["file_copy"])],
        ["migrate", *(f"{v * 1e3:.0f} ms" for v in fresh)]]))
    fig.notes.append(
        f"Median of {plan.isolation_rounds} of each, taking turns. Clone: `CREATE DATABASE x TEMPLATE t` (what "
        "tests/conftest.py gets from pytest-postgresql for every test). Migrate: `CREATE DATABASE x` and "
        "`agent_loggy_db.migrations.apply` (yoyo, under its lock, every file of sql/). Dropping is not timed.")
    return [fig]
