"""Figure 17: resolve_prompt() and search_documents() under pgbench against the raw SQL that finds the same
rows, as a reader login.

Server-side throughput with the embedded package's own pgbench (`-M prepared`, one statement a
transaction, so equal round trips), 8 and 32 clients, both scripts in one run and alternated. The
reader login is bound to its project for the whole session (`PGOPTIONS=-c agent_loggy.project=default`,
as a pooler's connect query or a role setting would do), which the raw SQL needs to see rows at all
under row level security; resolve_prompt() checks the same binding itself.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path

import psycopg
from psycopg import sql

from agent_loggy_db import server
from scripts.bench.cluster import Cluster, reader_login
from scripts.bench.plan import Plan
from scripts.bench.report import Figure, Line, Side, Table, Target

PROMPT = "parameter_extraction"
RESOLVE = f"SELECT * FROM agent_loggy.resolve_prompt('{PROMPT}', 'production', 'default');\n"
RAW = f"""SELECT p.*, m.model_provider, coalesce(m.model_name, p.model), m.parameters, m.version
FROM agent_loggy.prompts AS p
LEFT JOIN LATERAL (SELECT * FROM agent_loggy.model_configs AS c
                   WHERE c.project = p.project AND c.name = p.model AND c.is_active
                   ORDER BY c.labels @> ARRAY['production'] DESC, c.version DESC LIMIT 1) AS m ON true
WHERE p.project = 'default' AND p.name = '{PROMPT}' AND p.is_active AND p.labels @> ARRAY['production']
ORDER BY p.version DESC LIMIT 1;
"""
QUERY = "(SELECT q.embedding FROM public.bench_queries AS q WHERE q.n = :n)"
SEARCH = f"""\\set n random(1, 100)
SELECT * FROM agent_loggy.search_documents({QUERY}, 'default', 10);
"""
RAW_SEARCH = f"""\\set n random(1, 100)
SELECT d.id, d.project, d.source, d.external_id, d.title, d.content, d.tags, d.metadata,
       1 - (d.embedding <=> {QUERY})
FROM agent_loggy.documents AS d
WHERE d.project = 'default' AND d.embedding IS NOT NULL
ORDER BY d.embedding <=> {QUERY} LIMIT 10;
"""
CLIENTS = (8, 32)


def add_documents(url: str, reader: str, documents: int) -> None:
    """`documents` documents with random unit vectors (HNSW index present) and 100 query vectors
    the reader may select."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT setseed(0.17)")
        conn.execute(f"""
            INSERT INTO agent_loggy.documents (project, source, external_id, content, embedding)
            SELECT 'default', 'bench', i::text, 'document ' || i,
                   (SELECT l2_normalize(array_agg(random()::real - 0.5)::vector) FROM generate_series(1, 384 + 0 * i))
            FROM generate_series(1, {documents}) AS i""")
        conn.execute("""
            CREATE TABLE public.bench_queries AS
            SELECT n, (SELECT l2_normalize(array_agg(random()::real - 0.5)::vector)
                       FROM generate_series(1, 384 + 0 * n)) AS embedding
            FROM generate_series(1, 100) AS n""")
        conn.execute(sql.SQL("GRANT SELECT ON public.bench_queries TO {}").format(
            sql.Identifier(reader)))
        conn.execute("VACUUM ANALYZE agent_loggy.documents, public.bench_queries")


IF_MISSED = {
    "resolve_prompt()": "the usual call is the raw SQL's query inlined into the caller's (0026), plus its "
                        "argument checks and the materialized CTE that decides whether the checking path runs; "
                        "the rest is noise of a shared 2-core machine",
    "search_documents()": "the function checks its arguments and the grant, plans its query at every call (so "
                          "that a rare project or tag gets an exact scan; the raw statement is prepared once), "
                          "re-sorts by exact distance and joins the rows back under the policy, whose checks run "
                          "once more",
}


def tps(url: str, script: Path, clients: int, seconds: int) -> float:
    """Transactions per second pgbench reports (without the initial connection time). Sessions are
    bound to project default, and run HNSW scans at 64 candidates, as search_documents does for 10 rows."""
    env = {**os.environ, "PGOPTIONS": "-c agent_loggy.project=default -c hnsw.ef_search=64"}
    result = subprocess.run([str(server.bin_dir() / "pgbench"), "-n", "-M", "prepared", "-c", str(clients),
                             "-j", "2", "-T", str(seconds), "-f", str(script), url],
                            env=env, capture_output=True, text=True, check=True)
    found = re.search(r"^tps = ([0-9.]+)", result.stdout, re.MULTILINE)
    if not found:
        raise RuntimeError(f"pgbench printed no tps: {result.stdout[-500:]} {result.stderr[-500:]}")
    return float(found.group(1))


def run(cluster: Cluster, plan: Plan) -> list[Figure]:
    fig = Figure(17, "resolve_prompt() and search_documents() vs the raw SQL under pgbench (prepared, reader "
                     "login, 8 and 32 clients)")
    seconds = 2 if plan.quick else 10
    rounds = 1 if plan.quick else 3
    documents = 2_000 if plan.quick else 10_000
    rows = []
    with cluster.cloned("hotpaths") as url, reader_login(url) as (reader, reader_role), \
            tempfile.TemporaryDirectory() as tmp:
        add_documents(url, reader_role, documents)
        pairs = {"resolve_prompt()": (RESOLVE, RAW), "search_documents()": (SEARCH, RAW_SEARCH)}
        for call, (ours, raw) in pairs.items():
            scripts = {call: Path(tmp) / "ours.sql", "raw SQL": Path(tmp) / "raw.sql"}
            scripts[call].write_text(ours)
            scripts["raw SQL"].write_text(raw)
            for clients in CLIENTS:
                best = {name: 0.0 for name in scripts}
                for _ in range(rounds):  # alternated; the best of each side
                    for name, script in scripts.items():
                        best[name] = max(best[name], tps(reader, script, clients, seconds))
                rows += [(call, str(clients), name, f"{value:,.0f}") for name, value in best.items()]
                fig.lines.append(Line(f"{call} vs raw SQL at {clients} clients (time per call)",
                                      Side(call, best[call], "calls/s"), Side("raw SQL", best["raw SQL"], "calls/s"),
                                      best["raw SQL"] / best[call], "the raw SQL's time", Target("<=", 1.2),
                                      if_missed=IF_MISSED[call]))
    fig.tables.append(Table("pgbench throughput (transactions/s, best of the rounds)",
                            ("call", "clients", "script", "tps"), rows))
    fig.notes.append(f"`pgbench -n -M prepared -c N -j 2 -T {seconds}`, {rounds} alternated round(s) per side; "
                     f"scripts: `{RESOLVE.strip()}` and the equivalent query (the active version labelled "
                     f"production and its model config, as resolve_prompt finds them); `search_documents(q, "
                     f"'default', 10)` against `ORDER BY embedding <=> q LIMIT 10` with the same columns, over "
                     f"{documents:,} documents of random unit vectors (HNSW index), q one of 100 random query "
                     f"vectors in a table. Both run as a reader login granted project default; the server and "
                     f"pgbench share this machine's cores. Keyword search has no raw SQL equivalent (BM25 is "
                     f"computed by the functions): figure 15 compares it with bm25s.")
    return [fig]
