"""Figure 21: reads from a streaming standby. A primary and a hot standby of their own (scripts/standby.py),
both on this machine.

Throughput: pgbench (the embedded package's) as a reader login, resolving a prompt and running a tag-
filtered keyword search, against the primary alone, then against the primary and the standby at once
with the same clients split between them, side by side in one run. Staleness: a second process reads a
prompt through a cached registry over the pair (scripts/bench/replica_reader.py) while this one publishes
new versions; each version's staleness runs from its publish's commit to the reader's first read of it or
a later one, with the replay check (the fence) and without it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

from agent_loggy_db import PromptRegistry, Settings, create_pool, server
from scripts.bench.cluster import Cluster, repo_root
from scripts.bench.plan import Plan
from scripts.bench.report import Figure, Line, Side, Table, Target
from scripts.bench.timing import percentile
from scripts.standby import READER, WRITER, Pair, start_pair

BOUND = "BEGIN;\nSELECT set_config('agent_loggy.project', 'default', true);\n{}\nCOMMIT;\n"
SCRIPTS = {
    "resolve": "SELECT * FROM agent_loggy.resolve_prompt('trace_analysis', 'production', 'default', NULL, '{}');",
    "filtered search": "SELECT id FROM agent_loggy.keyword_search_documents('payment timeout', 'default', 10, "
                       "ARRAY['rare']);",
}
CLIENTS = 4
DOCUMENTS = 5000
SETTINGS = Settings(pool_min_size=1, pool_max_size=2, connect_timeout=2)


def run(cluster: Cluster, plan: Plan) -> list[Figure]:
    pair = start_pair()
    try:
        _documents(pair)
        return [measure(pair, plan)]
    finally:
        pair.close()


def measure(pair: Pair, plan: Plan) -> Figure:
    fig = Figure(21, "Reads from a streaming standby")
    seconds = 2.0 if plan.quick else 8.0
    rows = []
    for name, statement in SCRIPTS.items():
        alone = _tps(pair, statement, seconds, split=False)
        both = _tps(pair, statement, seconds, split=True)
        fig.lines.append(Line(f"{name} throughput: primary + standby vs primary alone ({CLIENTS} clients)",
                              Side("primary + standby", both, "calls/s"), Side("primary alone", alone, "calls/s"),
                              both / alone, "a / b", Target(">=", 0.9),
                              if_missed="both servers run on this machine's two cores, which the primary alone "
                                        "already keeps busy: a standby adds throughput where it has cores of "
                                        "its own."))
        rows.append([name, f"{alone:,.0f}", f"{both:,.0f}", f"{both / alone:.2f}"])
    fig.tables.append(Table("Throughput (pgbench, calls/s)", ["", "primary alone", "primary + standby", "ratio"],
                            rows))
    fig.tables.append(_sizing(pair, float(rows[0][1].replace(",", ""))))
    changes = 20 if plan.quick else 60
    fenced, unfenced = _staleness(pair, changes, fenced=True), _staleness(pair, changes, fenced=False)
    for q in (50, 99):
        fig.lines.append(Line(f"p{q} staleness reading from the standby: with the replay check vs without",
                              Side("with", percentile(fenced, q)), Side("without", percentile(unfenced, q)),
                              percentile(fenced, q) / max(percentile(unfenced, q), 1e-6), "a / b",
                              Target("<=", 0.1, on="a", unit="s") if q == 99 else None,
                              if_missed="a notification or a read waited for CPU behind the standby's replay."))
    fig.tables.append(Table(f"Staleness over {changes} publishes", ["", "p50", "p90", "p99", "max"], [
        [side, *(f"{percentile(values, q) * 1e3:.2f} ms" for q in (50, 90, 99, 100))]
        for side, values in (("with the replay check", fenced), ("without", unfenced))]))
    fig.notes.append(
        f"pgbench -M prepared, {CLIENTS} clients for {seconds:g} s per side, as a reader login, each call one "
        "transaction binding project default; 'primary + standby' splits the same clients between the two "
        f"servers and adds their rates. The search filters {DOCUMENTS:,} documents to 1 % by tag. Staleness: a "
        "second process polls get_prompt every 0.5 ms through a cached registry reading from the standby; "
        "this one publishes a new version every 50 ms. Without the check, a read the notification triggers can "
        "reach the standby before it has replayed the change and cache the old version until the next change "
        "(the test with replay paused shows it every time).")
    return fig


def _documents(pair: Pair) -> None:
    with psycopg.connect(pair.url(WRITER)) as c, c.transaction():
        c.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        c.execute("INSERT INTO agent_loggy.documents (external_id, content, tags, embedding) "
                  "SELECT 'd' || g, 'payment gateway timeout on service ' || (g %% 97), "
                  "CASE WHEN g %% 100 = 0 THEN ARRAY['rare'] ELSE ARRAY['common'] END, "
                  "(SELECT array_agg(random() - 0.5)::vector FROM generate_series(1, 384) WHERE g > 0) "
                  "FROM generate_series(1, %s) AS g", (DOCUMENTS,))
    with pair.superuser() as s:
        s.execute("ANALYZE")
    pair.wait_replayed()


def _sizing(pair: Pair, resolves: float) -> Table:
    """What sizes a deployment, on this machine: bytes per document, the HNSW build rate, resolves per core."""
    with pair.superuser() as s:
        row = s.execute("SELECT pg_table_size('agent_loggy.documents') / count(*), "
                        "pg_indexes_size('agent_loggy.documents') / count(*), "
                        "pg_relation_size('agent_loggy.documents_embedding_idx') / count(*) "
                        "FROM agent_loggy.documents").fetchone()
        started = time.perf_counter()
        s.execute("REINDEX INDEX agent_loggy.documents_embedding_idx")
        build = DOCUMENTS / (time.perf_counter() - started)
    assert row is not None
    table, indexes, hnsw = (int(str(v)) for v in row)
    per_gb = 2**30 // (table + indexes)
    return Table("What sizes a deployment (this machine)", ["measure", "value"], [
        ["document row (short text, tags, a 384-d vector), table", f"{table:,} bytes"],
        ["its indexes (GIN full text, tags, metadata; btrees; HNSW)", f"{indexes:,} bytes, of which HNSW {hnsw:,}"],
        ["documents per GB, table and indexes", f"{per_gb:,}"],
        ["HNSW build rate, 384-d (maintenance_work_mem default)", f"{build:,.0f} rows/s"],
        ["resolves per core (pgbench, primary alone, reader login)",
         f"{resolves / (os.cpu_count() or 1):,.0f} calls/s"],
    ])


def _tps(pair: Pair, statement: str, seconds: float, *, split: bool) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(BOUND.format(statement))
    targets = [pair.url(READER), pair.url(READER, standby=True)] if split else [pair.url(READER)]
    clients = CLIENTS // len(targets)
    runs = [subprocess.Popen([str(server.bin_dir() / "pgbench"), "-n", "-M", "prepared", "-c", str(clients),
                              "-j", str(min(clients, 2)), "-T", str(int(seconds)), "-f", script.name, url],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for url in targets]
    total = 0.0
    for proc in runs:
        out, err = proc.communicate(timeout=seconds + 60)
        found = re.search(r"tps = ([0-9.]+)", out)
        if proc.returncode != 0 or found is None:
            raise RuntimeError(f"pgbench failed: {err.strip()[-500:]}")
        total += float(found.group(1))
    Path(script.name).unlink()
    return total


def _staleness(pair: Pair, changes: int, *, fenced: bool) -> list[float]:
    """Seconds from each publish's commit to the reader's first read of that version or a later one."""
    name = f"bench_replica_{'fenced' if fenced else 'unfenced'}"
    with create_pool(pair.url(WRITER), SETTINGS) as pool, PromptRegistry(pool, cache=False) as registry:
        first = registry.publish(name, "v0", actor="bench", labels=["staging"]).version or 0
        pair.wait_replayed()
        reader = subprocess.Popen([sys.executable, "-m", "scripts.bench.replica_reader", pair.url(READER),
                                   pair.url(READER, standby=True), name, str(first + changes), "0.1",
                                   *([] if fenced else ["unfenced"])],
                                  cwd=repo_root(), stdout=subprocess.PIPE, text=True)
        assert reader.stdout is not None
        try:
            if reader.stdout.readline().strip() != "ready":
                raise RuntimeError("the reader process did not start")
            committed: dict[int, float] = {}
            for n in range(changes):
                version = registry.publish(name, f"v{n + 1}", actor="bench", labels=["staging"]).version or 0
                committed[version] = time.monotonic()
                time.sleep(0.05)
            out, _ = reader.communicate(timeout=60)
        finally:
            reader.kill()
    served = [(int(v), float(t)) for v, t in (line.split() for line in out.strip().splitlines())]
    return [max(0.0, next(t for v, t in served if v >= version) - at) for version, at in committed.items()]
