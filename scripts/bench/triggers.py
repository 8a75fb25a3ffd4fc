"""Figure 9: what the config triggers (checks, updated_at, changelog, NOTIFY) cost a single-row UPDATE."""

from __future__ import annotations

import psycopg

from scripts.bench.cluster import Cluster
from scripts.bench.plan import Plan
from scripts.bench.report import Figure, Line, Side, Table, Target
from scripts.bench.timing import Samples, batch_time

TABLE = "agent_loggy.model_configs"
MODES = {
    "all triggers": "ALTER TABLE agent_loggy.model_configs ENABLE TRIGGER USER",
    "without write_changelog": "ALTER TABLE agent_loggy.model_configs DISABLE TRIGGER write_changelog",
    "no triggers": "ALTER TABLE agent_loggy.model_configs DISABLE TRIGGER USER",
}
UPDATE = f"UPDATE {TABLE} SET parameters = jsonb_build_object('temperature', %s::int) WHERE id = %s"


def run(cluster: Cluster, plan: Plan) -> list[Figure]:
    with cluster.cloned("triggers") as url:
        return [measure(url, plan)]


def measure(url: str, plan: Plan) -> Figure:
    fig = Figure(9, "Changelog trigger overhead on a single-row UPDATE of a config table")
    counter = [0]
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(f"INSERT INTO {TABLE} (project, name, version, model_provider, model_name) "
                           "VALUES ('bench', 'bench-model', 1, 'openai', 'gpt-4o') RETURNING id").fetchone()
        assert row is not None
        config_id = row[0]

        def update(_: int) -> object:
            counter[0] += 1  # a new value every time: a real change, so the changelog writes a row
            return conn.execute(UPDATE, (counter[0], config_id))

        times: dict[str, list[float]] = {mode: [] for mode in MODES}
        names = list(MODES)
        for r in range(plan.rounds + 1):  # round 0 is the warm-up
            order = names[r % 3:] + names[:r % 3]
            for mode in reversed(order) if r % 2 else order:
                conn.execute(MODES[mode])
                batch_time(update, 20)  # untimed: re-plan after the ALTER
                value = batch_time(update, plan.batch)
                if r:
                    times[mode].append(value)
        conn.execute(MODES["all triggers"])
        logged = conn.execute("SELECT count(*) FROM agent_loggy.config_changelog WHERE config_type = 'model_config' "
                              "AND config_id = %s", (config_id,)).fetchone()
    med = {mode: Samples(tuple(v)).median for mode, v in times.items()}
    fig.lines.append(Line("UPDATE with every trigger vs with none", Side("all triggers", med["all triggers"]),
                          Side("no triggers", med["no triggers"]), med["all triggers"] / med["no triggers"],
                          "the bare UPDATE", Target("<=", 1.3),
                          if_missed="each UPDATE runs a statement trigger and five PL/pgSQL row triggers: the "
                                    "write lock (serialize_writes, a row lock in write_locks), validation, the guard "
                                    "(binding, readable JSON, the row's project lock, version and protected-label "
                                    "rules), "
                                    "label moves, updated_at, and the changelog (a second INSERT, of two JSON images "
                                    "of the row without the embedding, into a table with six indexes, whose own "
                                    "trigger hashes the row into its project's chain and updates the chain head); "
                                    "pg_notify is queued at commit. The changelog alone is "
                                    f"{med['all triggers'] / med['without write_changelog']:.2f}× (next line), the "
                                    f"others {med['without write_changelog'] / med['no triggers']:.2f}×. Most of "
                                    "that is the security rules of issue 14 (the write lock, the guard, the chain), "
                                    "which hold for every client only because they run inside the statement. A "
                                    "single-row autocommit UPDATE of a tiny row is so cheap that this fixed work is "
                                    "a large share of it; config writes are rare next to reads, which the cache "
                                    "serves."))
    fig.lines.append(Line("UPDATE with every trigger vs without the changelog trigger",
                          Side("all triggers", med["all triggers"]),
                          Side("without write_changelog", med["without write_changelog"]),
                          med["all triggers"] / med["without write_changelog"], "without it"))
    fig.tables.append(Table("Median time per single-row UPDATE (autocommit: one transaction each)",
                            ["triggers", "per UPDATE"], [[m, f"{med[m] * 1e3:.3f} ms"] for m in MODES]))
    fig.notes.append(
        f"`{UPDATE}` with a new value each time, so every UPDATE is a real change, on one autocommit "
        f"connection (each UPDATE commits). The triggers are switched with ALTER TABLE ... ENABLE / DISABLE "
        f"TRIGGER between batches; the modes take turns, {plan.rounds} batches of {plan.batch} UPDATEs each "
        f"after 20 untimed ones. The changelog holds {logged[0] if logged else 0:,} rows for the row afterwards "
        "(one per UPDATE made with the changelog trigger on).")
    return fig
