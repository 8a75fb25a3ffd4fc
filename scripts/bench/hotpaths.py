"""Figure 17: resolve_prompt() under pgbench against the raw SQL that finds the same row, as a reader login.

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
CLIENTS = (8, 32)


def tps(url: str, script: Path, clients: int, seconds: int) -> float:
    """Transactions per second pgbench reports (without the initial connection time)."""
    env = {**os.environ, "PGOPTIONS": "-c agent_loggy.project=default"}
    result = subprocess.run([str(server.bin_dir() / "pgbench"), "-n", "-M", "prepared", "-c", str(clients),
                             "-j", "2", "-T", str(seconds), "-f", str(script), url],
                            env=env, capture_output=True, text=True, check=True)
    found = re.search(r"^tps = ([0-9.]+)", result.stdout, re.MULTILINE)
    if not found:
        raise RuntimeError(f"pgbench printed no tps: {result.stdout[-500:]} {result.stderr[-500:]}")
    return float(found.group(1))


def run(cluster: Cluster, plan: Plan) -> list[Figure]:
    fig = Figure(17, "resolve_prompt() vs the raw SQL under pgbench (prepared, reader login, 8 and 32 clients)")
    seconds = 2 if plan.quick else 10
    rounds = 1 if plan.quick else 3
    rows = []
    with cluster.cloned("hotpaths") as url, reader_login(url) as (reader, _), \
            tempfile.TemporaryDirectory() as tmp:
        scripts = {"resolve_prompt()": Path(tmp) / "resolve.sql", "raw SQL": Path(tmp) / "raw.sql"}
        scripts["resolve_prompt()"].write_text(RESOLVE)
        scripts["raw SQL"].write_text(RAW)
        for clients in CLIENTS:
            best = {name: 0.0 for name in scripts}
            for _ in range(rounds):  # alternated; the best of each side
                for name, script in scripts.items():
                    best[name] = max(best[name], tps(reader, script, clients, seconds))
            rows += [(str(clients), name, f"{value:,.0f}") for name, value in best.items()]
            ratio = best["raw SQL"] / best["resolve_prompt()"]
            fig.lines.append(Line(f"resolve_prompt() vs raw SQL at {clients} clients (time per call)",
                                  Side("resolve_prompt()", best["resolve_prompt()"], "calls/s"),
                                  Side("raw SQL", best["raw SQL"], "calls/s"), ratio, "the raw SQL's time",
                                  Target("<=", 1.2),
                                  if_missed="resolve_prompt() is PL/pgSQL: it checks its arguments and the "
                                            "binding (check_prompt_args), looks for the label, then the model "
                                            "config, as separate statements, where the raw SQL is one planned "
                                            "query"))
    fig.tables.append(Table("pgbench throughput (transactions/s, best of the rounds)",
                            ("clients", "script", "tps"), rows))
    fig.notes.append(f"`pgbench -n -M prepared -c N -j 2 -T {seconds}`, {rounds} alternated round(s) per side; "
                     f"scripts: `{RESOLVE.strip()}` and the equivalent query (the active version labelled "
                     f"production and its model config, as resolve_prompt finds them). Both run as a reader login "
                     f"granted project default; the server and pgbench share this machine's cores.")
    return [fig]
