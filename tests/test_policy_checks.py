"""Row level security's checks (migration 0025): a bound query validates its binding once a table,
and every policy still refuses a binding its role holds no grant for.

Counted by PostgreSQL's function statistics (a superuser setting), in a session that is the login
(SET SESSION AUTHORIZATION), as tests/test_resolve_fast_path.py does.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg import sql

from tests.conftest import RoleUrl

Conn = psycopg.Connection[Any]


def calls(c: Conn, function: str) -> int:
    row = c.execute("SELECT coalesce(pg_stat_get_xact_function_calls(%s::regprocedure), 0)", (function,)).fetchone()
    return int(row[0]) if row else 0


@pytest.fixture
def two_projects(conn: Conn) -> Conn:
    for project in ("default", "other"):
        conn.execute("SELECT agent_loggy.create_prompt_version('p', 'Hello {who}', %s, '{production}')", (project,))
    return conn


def test_a_bound_readers_query_checks_its_grant_once_a_table(two_projects: Conn, superuser_conn: Conn,
                                                              role_url: RoleUrl) -> None:
    """One grant lookup, and one is_admin() (project_grants' own policy, under holds_grant()); before
    0025 both halves of the policy validated the binding, is_admin() first: 2 and 4."""
    role = str(psycopg.conninfo.conninfo_to_dict(role_url("agent_loggy_reader", "default"))["user"])
    c = superuser_conn
    c.execute("SET track_functions = 'all'")
    c.execute(sql.SQL("SET SESSION AUTHORIZATION {}").format(sql.Identifier(role)))
    try:
        with c.transaction():
            c.execute("SELECT set_config('agent_loggy.project', 'default', true)")
            seen = c.execute("SELECT project, name FROM agent_loggy.prompts WHERE name = 'p'").fetchall()
            grants, admins = calls(c, "agent_loggy.holds_grant(text, text)"), calls(c, "agent_loggy.is_admin()")
    finally:
        c.execute("RESET SESSION AUTHORIZATION")
    assert seen == [("default", "p")]
    assert (grants, admins) == (1, 1)


@pytest.mark.parametrize("statement", [
    "SELECT count(*) FROM agent_loggy.prompts",
    "SELECT count(*) FROM agent_loggy.config_changelog",
    "SELECT * FROM agent_loggy.resolve_prompt('p', 'production', 'other')",
])
def test_a_binding_without_a_grant_is_refused(two_projects: Conn, role_url: RoleUrl, statement: str) -> None:
    """sees_every_project() no longer validates the binding; visible_projects(), the policy's other
    half, must (a reader of default bound to other)."""
    with psycopg.connect(role_url("agent_loggy_reader", "default")) as c:
        c.execute("SELECT set_config('agent_loggy.project', 'other', true)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="'other'"):
            c.execute(statement).fetchall()


def test_a_write_beyond_the_grant_is_refused_and_an_unbound_admin_sees_every_project(
        two_projects: Conn, role_url: RoleUrl) -> None:
    """writes_every_project() is false once a project is bound; writable_projects() refuses a read grant."""
    with psycopg.connect(role_url("agent_loggy_writer", "default", level="read")) as c:
        c.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="may only read it"):
            c.execute("INSERT INTO agent_loggy.documents (project, content) VALUES ('default', 'x')")
    with psycopg.connect(role_url("agent_loggy_admin")) as c:
        everything = c.execute("SELECT project FROM agent_loggy.prompts WHERE name = 'p' ORDER BY project").fetchall()
        c.execute("SELECT set_config('agent_loggy.project', 'other', true)")
        bound = c.execute("SELECT DISTINCT project FROM agent_loggy.prompts").fetchall()
    assert everything == [("default",), ("other",)] and bound == [("other",)]
