"""resolve_prompt()'s one-query path (migration 0022) against its checking path, as a reader login.

The usual call (one label, no version, no fallbacks; unbound, or bound to the project it asks for)
runs one query under row level security; every other call checks its arguments and the grants
first. Both must answer every call alike: the same row, or an error of the same SQLSTATE. The
checking path is reached here by adding a fallback label that nothing carries.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from tests.conftest import RoleUrl

Conn = psycopg.Connection[Any]

CALLS = [  # (name, label, project)
    ("p", "production", "default"),  # protected in default (the seed): served only with its own config
    ("p", "staging", "default"),  # a label of an older version, with a config of its own
    ("p", "latest", "default"),  # the highest active version; no config carries "latest"
    ("p", "canary", "default"),  # a label no config carries: the highest active config
    ("p", "retired", "default"),  # only on an inactive version: nothing found
    ("p", "nobody", "default"),  # a label nothing carries
    ("q", "production", "default"),  # protected, and no config carries it: no model config served
    ("r", "production", "default"),  # a model with no config at all
    ("missing", "production", "default"),
    ("p", "Bad Label", "default"),
    ("p", "", "default"),
    ("bad name!", "production", "default"),
    ("p", "production", "other"),  # a project the reader holds no grant for
    ("p", "Bad Label", "other"),  # ... and a bad label: 22023 before any grant is looked at
    ("p", "latest", "other"),
    ("p", "production", "Bad Project"),
]


@pytest.fixture
def registry(conn: Conn) -> Conn:
    conn.execute("""INSERT INTO agent_loggy.model_configs (project, name, version, model_provider, model_name, labels)
                    VALUES ('default', 'analyst', 1, 'ollama', 'llama3.1:8b', '{production}'),
                           ('default', 'analyst', 2, 'openai', 'gpt-4o-mini', '{staging}'),
                           ('default', 'analyst', 3, 'openai', 'gpt-4o', '{}'),
                           ('default', 'writer', 1, 'openai', 'gpt-4o', '{staging}'),
                           ('other', 'analyst', 1, 'openai', 'o1', '{production}')""")
    for project, name, labels, model in [
            ("default", "p", ["staging"], "analyst"), ("default", "p", ["production", "canary"], "analyst"),
            ("default", "p", ["retired"], "analyst"), ("default", "q", ["production"], "writer"),
            ("default", "r", ["production"], "gpt-x"), ("other", "p", ["production"], "analyst")]:
        conn.execute("SELECT agent_loggy.create_prompt_version(%s, 'Hello {who}', %s, %s, p_model => %s)",
                     (name, project, labels, model))
    conn.execute("UPDATE agent_loggy.prompts SET is_active = false WHERE 'retired' = ANY (labels)")
    return conn


def answer(c: Conn, query: str, *params: Any) -> tuple[str, Any]:
    """('row', the row) or ('error', SQLSTATE and, unless a permission error, the message)."""
    try:
        with c.transaction():
            return "row", c.execute(query, params).fetchall()
    except psycopg.Error as error:
        sqlstate = error.sqlstate or ""
        return "error", (sqlstate, "" if sqlstate == "42501" else str(error))


def test_the_one_query_path_answers_every_call_as_the_checking_path(registry: Conn, role_url: RoleUrl) -> None:
    reader = role_url("agent_loggy_reader", "default")
    one_query = "SELECT * FROM agent_loggy.resolve_prompt(%s, %s, %s)"
    checking = "SELECT * FROM agent_loggy.resolve_prompt(%s, %s, %s, NULL, '{never-carried}')"
    with psycopg.connect(reader, autocommit=True) as c:
        for name, label, project in CALLS:
            unbound = answer(c, one_query, name, label, project)
            c.execute("SELECT set_config('agent_loggy.project', %s, false)", (project,))
            bound = answer(c, one_query, name, label, project)
            c.execute("RESET agent_loggy.project")
            assert bound == unbound, (name, label, project)
            checked = answer(c, checking, name, label, project)
            if bound[0] == "row":
                assert checked == bound, (name, label, project)
            else:  # (the message lists the fallback among what was asked)
                assert checked[0] == "error" and checked[1][0] == bound[1][0], (name, label, project)


def test_the_usual_call_runs_one_query_and_serves_the_protected_labels_own_config(
        registry: Conn, superuser_conn: Conn, role_url: RoleUrl) -> None:
    """Counted by PostgreSQL's function statistics (a superuser setting), in a session that is the
    reader login (SET SESSION AUTHORIZATION): the usual call, bound or not, never calls check_prompt_args."""
    reader = role_url("agent_loggy_reader", "default")
    role = psycopg.conninfo.conninfo_to_dict(reader)["user"]
    c = superuser_conn
    c.execute("SET track_functions = 'all'")
    c.execute(psycopg.sql.SQL("SET SESSION AUTHORIZATION {}").format(psycopg.sql.Identifier(str(role))))
    c.execute("SELECT set_config('agent_loggy.project', 'default', false)")
    with c.transaction():
        c.execute("SELECT * FROM agent_loggy.resolve_prompt('p', p_project => 'default')").fetchall()
        c.execute("RESET agent_loggy.project")  # unbound too
        rows = {label: c.execute("SELECT version, model_name, model_config_version, resolved_label "
                                 "FROM agent_loggy.resolve_prompt('p', %s)", (label,)).fetchone()
                for label in ("production", "staging", "latest", "canary")}
        protected_without_config = c.execute(
            "SELECT model_name, model_provider FROM agent_loggy.resolve_prompt('q')").fetchone()
        checks = c.execute("SELECT coalesce(pg_stat_get_xact_function_calls("
                           "'agent_loggy.check_prompt_args(text, text, text[], boolean)'::regprocedure), 0)").fetchone()
    c.execute("RESET SESSION AUTHORIZATION")
    assert rows == {"production": (2, "llama3.1:8b", 1, "production"), "staging": (1, "gpt-4o-mini", 2, "staging"),
                    "latest": (2, "gpt-4o", 3, "latest"), "canary": (2, "gpt-4o", 3, "canary")}
    assert protected_without_config == ("writer", None), "a protected label serves no unlabelled config"
    assert checks == (0,)


def test_the_usual_call_is_inlined_into_the_readers_query(registry: Conn, role_url: RoleUrl) -> None:
    """Migration 0026: no function call is left for the usual call but the checking path's, which
    a one-time filter skips when the one query found a row (a SET clause on resolve_prompt, or a
    PL/pgSQL body, would show a Function Scan on resolve_prompt itself)."""
    with psycopg.connect(role_url("agent_loggy_reader", "default"), autocommit=True) as c:
        plan = "\n".join(r[0] for r in c.execute(
            "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) "
            "SELECT * FROM agent_loggy.resolve_prompt('p', 'staging', 'default')"))
    assert "Function Scan on resolve_prompt " not in plan and "CTE usual" in plan, plan
    checked = plan.split("Function Scan on resolve_prompt_checked")[1].splitlines()[0]
    assert "never executed" in checked, plan
