"""Whose database: what a database holds besides agent_loggy, and what migrating it would create.

`agent-loggy-db up` and `migrate` read this before touching a database. One that holds objects of
something else (a stray DATABASE_URL pointing at an app's database) and no agent_loggy schema is
not ours to fill without asking; an empty one, or one with the agent_loggy schema, is.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from agent_loggy_db.errors import translated_errors
from agent_loggy_db.urls import to_libpq

SCHEMA = "agent_loggy"
GROUP_ROLES = ("agent_loggy_reader", "agent_loggy_writer", "agent_loggy_admin")
"""The NOLOGIN group roles migration 0012 creates when missing (roles are cluster-wide)."""
YOYO_TABLES = ("_yoyo_migration", "_yoyo_log", "_yoyo_version", "yoyo_lock")
"""yoyo's bookkeeping, created in the current schema of the migrating connection."""

SHOWN = 5
"""How many of the other objects a message names."""

# Objects outside the system schemas and ours that no extension owns (pgvector, installed by an
# administrator beforehand, is not someone else's data), yoyo's tables left out (a database rolled
# back to nothing keeps them). Schemas, tables, views, sequences, foreign tables, functions, and
# types declared on their own (enums, domains, ranges, composites).
_OTHERS = r"""
WITH spaces AS (
    SELECT n.oid, n.nspname FROM pg_catalog.pg_namespace AS n
    WHERE n.nspname NOT IN ('information_schema', %(schema)s) AND n.nspname NOT LIKE 'pg\_%%'
),
owned_by_extension AS (
    SELECT classid, objid FROM pg_catalog.pg_depend WHERE deptype = 'e'
),
found AS (
    SELECT 0 AS rank, 'schema' AS kind, format('%%I', s.nspname) AS name
    FROM spaces AS s
    WHERE s.nspname <> 'public'
      AND (('pg_catalog.pg_namespace'::regclass, s.oid) NOT IN (SELECT * FROM owned_by_extension))
    UNION ALL
    SELECT 1, CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence'
                             WHEN 'f' THEN 'foreign table' ELSE 'table' END,
           format('%%I.%%I', s.nspname, c.relname)
    FROM pg_catalog.pg_class AS c JOIN spaces AS s ON s.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
      AND c.relname <> ALL (%(yoyo)s)
      AND (('pg_catalog.pg_class'::regclass, c.oid) NOT IN (SELECT * FROM owned_by_extension))
    UNION ALL
    SELECT 2, 'function', p.oid::regprocedure::text
    FROM pg_catalog.pg_proc AS p JOIN spaces AS s ON s.oid = p.pronamespace
    WHERE ('pg_catalog.pg_proc'::regclass, p.oid) NOT IN (SELECT * FROM owned_by_extension)
    UNION ALL
    SELECT 3, 'type', t.oid::regtype::text
    FROM pg_catalog.pg_type AS t JOIN spaces AS s ON s.oid = t.typnamespace
    WHERE t.typtype IN ('e', 'd', 'r', 'b', 'c') AND t.typcategory <> 'A'
      AND (t.typrelid = 0 OR (SELECT c.relkind FROM pg_catalog.pg_class AS c WHERE c.oid = t.typrelid) = 'c')
      AND ('pg_catalog.pg_type'::regclass, t.oid) NOT IN (SELECT * FROM owned_by_extension)
)
SELECT kind, name FROM found ORDER BY rank, name
"""


@dataclass(frozen=True)
class Survey:
    """What a database holds, as far as migrating agent_loggy into it is concerned."""

    has_schema: bool  # the agent_loggy schema exists
    others: tuple[str, ...]  # "table public.users", "schema billing", ... (every one, sorted by kind)
    vector_installed: bool
    missing_roles: tuple[str, ...]  # group roles that do not exist yet
    current_schema: str | None  # where yoyo keeps its bookkeeping; None: the search_path names no schema
    missing_yoyo_tables: tuple[str, ...]

    @property
    def needs_confirmation(self) -> bool:
        """True for a database that holds something else and nothing of ours."""
        return not self.has_schema and bool(self.others)

    def others_summary(self) -> str:
        """e.g. '3 objects of something else: table public.users, view public.active, schema billing'."""
        shown = ", ".join(self.others[:SHOWN])
        more = f" and {len(self.others) - SHOWN} more" if len(self.others) > SHOWN else ""
        count = f"{len(self.others)} object{'s' if len(self.others) != 1 else ''}"
        return f"{count} of something else ({shown}{more})"

    def creates(self) -> list[str]:
        """What applying the migrations would create in this database (and, for roles, the cluster)."""
        plan = [] if self.has_schema else [f"schema {SCHEMA} (tables, functions, the seeded prompts)"]
        if not self.vector_installed:
            plan.append("extension vector")
        if self.missing_roles:
            plan.append(f"group roles {', '.join(self.missing_roles)} (cluster-wide)")
        if self.missing_yoyo_tables:
            where = f"schema {self.current_schema}" if self.current_schema else "the current schema"
            plan.append(f"yoyo's bookkeeping tables {', '.join(self.missing_yoyo_tables)} in {where}")
        return plan


def survey(url: str, *, connect_timeout: int = 10) -> Survey:
    """Look at the database at url (read only)."""
    with translated_errors(), psycopg.connect(to_libpq(url), connect_timeout=connect_timeout) as conn:
        row = conn.execute(
            """
            SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = %s),
                   EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'vector'),
                   current_schema()
            """,
            (SCHEMA,),
        ).fetchone() or (False, False, None)
        has_schema, vector_installed, current_schema = bool(row[0]), bool(row[1]), row[2]
        others = conn.execute(_OTHERS, {"schema": SCHEMA, "yoyo": list(YOYO_TABLES)}).fetchall()
        roles = {r[0] for r in conn.execute(
            "SELECT rolname FROM pg_catalog.pg_roles WHERE rolname = ANY (%s)", (list(GROUP_ROLES),))}
        yoyo = {r[0] for r in conn.execute(
            "SELECT c.relname FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n "
            "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relname = ANY (%s)",
            (current_schema, list(YOYO_TABLES)))}
    return Survey(
        has_schema=has_schema,
        others=tuple(f"{kind} {name}" for kind, name in others),
        vector_installed=vector_installed,
        missing_roles=tuple(r for r in GROUP_ROLES if r not in roles),
        current_schema=current_schema,
        missing_yoyo_tables=tuple(t for t in YOYO_TABLES if t not in yoyo),
    )
