"""docs/sql-api.md: every SQL function a role may call, generated from the catalog of a migrated database.

An agent author in any language finds each function's arguments (with defaults), what it returns, the
first of the group roles that may call it, and its COMMENT ON text, without reading the migrations.
Regenerate with `python scripts/sql_api.py` after changing a migration (a test fails until you do).
"""

from __future__ import annotations

import re
from typing import Any

import psycopg

ROLES = ("agent_loggy_reader", "agent_loggy_writer", "agent_loggy_admin")
_FIRST_SENTENCE = re.compile(r"(?<!e\.g)(?<!i\.e)\.\s+(?=[A-Z(])")

_FUNCTIONS = """
SELECT p.proname AS name, pg_get_function_arguments(p.oid) AS arguments,
       CASE p.prokind WHEN 'p' THEN 'nothing (a procedure: CALL it)' ELSE pg_get_function_result(p.oid) END AS result,
       (SELECT r FROM unnest(%(roles)s::text[]) WITH ORDINALITY AS g (r, n)
        WHERE has_function_privilege(r, p.oid, 'EXECUTE') ORDER BY n LIMIT 1) AS role,
       coalesce(obj_description(p.oid, 'pg_proc'), '') AS comment
FROM pg_proc AS p
WHERE p.pronamespace = 'agent_loggy'::regnamespace AND p.prokind IN ('f', 'p')
ORDER BY p.proname, pg_get_function_identity_arguments(p.oid)
"""


def render(conn: psycopg.Connection[Any]) -> str:
    """The markdown page for the database `conn` is connected to."""
    rows = conn.execute(_FUNCTIONS, {"roles": list(ROLES)}).fetchall()
    callable_rows = [r for r in rows if r[3] is not None]
    lines = [
        "# The SQL API",
        "",
        "Generated from the catalog of a freshly migrated database by `python scripts/sql_api.py`; a test fails "
        "when this page and the migrations disagree. Every function of schema `agent_loggy` that a group role may "
        "call: its arguments with their defaults, what it returns, the first of "
        + ", ".join(f"`{r}`" for r in ROLES)
        + " that may call it (logins get it through membership), and its `COMMENT ON` text. "
        f"{len(rows) - len(callable_rows)} functions no group role may call (triggers, and helpers that run as "
        "the owner inside the ones below) are left out.",
        "",
        "| function | role | what it does |",
        "| --- | --- | --- |",
    ]
    for name, _, _, role, comment in callable_rows:
        first = _FIRST_SENTENCE.split(comment)[0].rstrip(".").replace("\n", " ")
        first = (first if len(first) <= 200 else first[:199].rstrip() + "…").replace("|", "\\|").replace("<", "&lt;")
        lines.append(f"| [`{name}`](#{name}) | {role.removeprefix('agent_loggy_')} | {first} |")
    lines.append("")
    seen: set[str] = set()
    for name, arguments, result, role, comment in callable_rows:
        if name not in seen:
            lines += [f"## {name}", ""]
            seen.add(name)
        lines += [f"```sql\nagent_loggy.{name}({arguments})\n  RETURNS {result}\n```", "",
                  f"Role: `{role}`.", "", comment.strip() or "(no comment)", ""]
    return "\n".join(lines).rstrip("\n") + "\n"
