"""Project grants: which roles may use which project, at read or write level.

Thin calls of agent_loggy.grant_project() / revoke_project() (admin only) and the project_grants
table (a role sees the grants that apply to it; admin sees all). Each call is one statement in one
round trip, with actor and summary bound for the changelog.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from agent_loggy_db.errors import translated_errors
from agent_loggy_db.pool import pipelined_statement

LEVELS = ("read", "write")

_LIST = """
SELECT g.project, g.grantee, g.level, g.granted_by, g.granted_at,
       EXISTS (SELECT FROM pg_catalog.pg_roles AS r WHERE r.rolname = g.grantee) AS role_exists
FROM agent_loggy.project_grants AS g
WHERE %(project)s::text IS NULL OR g.project = %(project)s::text
ORDER BY g.project COLLATE "C", g.grantee COLLATE "C"
"""


@dataclass(frozen=True)
class ProjectGrant:
    """A role's grant for a project; role_exists is False for a role dropped since (it grants nothing)."""

    project: str
    grantee: str
    level: str
    granted_by: str
    granted_at: datetime
    role_exists: bool = True


def _one(pool: ConnectionPool, sql: str, params: dict[str, Any], **binding: str | None) -> list[dict[str, Any]]:
    with translated_errors(), pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        pipelined_statement(cur, sql, params, **binding)
        return cur.fetchall()


def grant(pool: ConnectionPool, role: str, project: str, level: str = "read", *, actor: str,
          summary: str | None = None) -> ProjectGrant:
    """Let `role` use `project` at `level` (read or write), or change its level; admin only."""
    sql = ("SELECT g.*, true AS role_exists"
           " FROM agent_loggy.grant_project(%(role)s::text, %(project)s::text, %(level)s::text) AS g")
    rows = _one(pool, sql, {"role": role, "project": project, "level": level}, actor=actor, summary=summary)
    row = rows[0]
    row.pop("id")
    return ProjectGrant(**row)


def revoke(pool: ConnectionPool, role: str, project: str, *, actor: str, summary: str | None = None) -> str:
    """Take away the grant of `role` for `project`; returns its level (NotFound when there is none)."""
    rows = _one(pool, "SELECT agent_loggy.revoke_project(%(role)s::text, %(project)s::text) AS level",
                {"role": role, "project": project}, actor=actor, summary=summary)
    return str(rows[0]["level"])


def list_grants(pool: ConnectionPool, project: str | None = None) -> list[ProjectGrant]:
    """The grants the caller can see (all of them for admin), of one project or of every project."""
    return [ProjectGrant(**row) for row in _one(pool, _LIST, {"project": project})]
