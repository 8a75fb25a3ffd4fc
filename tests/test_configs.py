"""Current configs: the highest active version per project and key, and Loki exclusions as LogQL."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from agent_loggy_db import (
    Configs,
    ContextRule,
    InvalidInput,
    ModelConfig,
    NegateKey,
    Settings,
    bind_transaction,
    create_pool,
)

Conn = psycopg.Connection[Any]

INSERTS = {
    "model_configs": "INSERT INTO agent_loggy.model_configs (project, name, version, is_active, model_provider,"
                     " model_name) VALUES (%(project)s, %(key)s, %(version)s, %(active)s, 'ollama', 'llama3')",
    "embedding_configs": "INSERT INTO agent_loggy.embedding_configs (project, name, version, is_active,"
                         " embedding_model) VALUES (%(project)s, %(key)s, %(version)s, %(active)s, 'minilm')",
    "context_rules": "INSERT INTO agent_loggy.context_rules (project, context, version, is_active)"
                     " VALUES (%(project)s, %(key)s, %(version)s, %(active)s)",
    "negate_keys": "INSERT INTO agent_loggy.negate_keys (project, label, operator, value, version, is_active)"
                   " VALUES (%(project)s, 'service', '!=', %(key)s, %(version)s, %(active)s)",
}
KEY_COLUMN = {"model_configs": "name", "embedding_configs": "name", "context_rules": "context",
              "negate_keys": "value"}


def add(conn: Conn, table: str, key: str, version: int, active: bool = True, project: str = "default") -> None:
    conn.execute(INSERTS[table], {"project": project, "key": key, "version": version, "active": active})


def add_negate_key(conn: Conn, label: str, operator: str, value: str, version: int = 1, active: bool = True,
                   project: str = "default") -> None:
    conn.execute(
        "INSERT INTO agent_loggy.negate_keys (project, label, operator, value, version, is_active)"
        " VALUES (%s, %s, %s, %s, %s, %s)",
        (project, label, operator, value, version, active),
    )


def loki_negations(conn: Conn, project: str = "default") -> str:
    row = conn.execute("SELECT agent_loggy.loki_negations(%s)", (project,)).fetchone()
    assert row is not None
    return str(row[0])


@pytest.mark.parametrize("table", list(INSERTS))
def test_current_version_is_the_highest_active_one_per_project_and_key(conn: Conn, table: str) -> None:
    add(conn, table, "a", 1)
    add(conn, table, "a", 2)
    add(conn, table, "a", 3, active=False)  # the highest version is inactive: version 2 is current
    add(conn, table, "b", 1)
    add(conn, table, "b", 2)
    add(conn, table, "gone", 1, active=False)  # no active version: not current at all
    add(conn, table, "a", 7, project="other")
    rows = conn.execute(
        f"SELECT project, {KEY_COLUMN[table]}, version FROM agent_loggy.current_{table} ORDER BY 1, 2"
    ).fetchall()
    assert rows == [("default", "a", 2), ("default", "b", 2), ("other", "a", 7)]


def test_deactivating_the_current_version_falls_back_and_reactivating_restores(conn: Conn) -> None:
    add(conn, "context_rules", "payments", 1)
    add(conn, "context_rules", "payments", 2)
    conn.execute("UPDATE agent_loggy.context_rules SET is_active = false WHERE version = 2")
    assert conn.execute("SELECT version FROM agent_loggy.current_context_rules").fetchall() == [(1,)]
    conn.execute("UPDATE agent_loggy.context_rules SET is_active = false WHERE version = 1")
    assert conn.execute("SELECT version FROM agent_loggy.current_context_rules").fetchall() == []
    conn.execute("UPDATE agent_loggy.context_rules SET is_active = true WHERE version = 2")
    assert conn.execute("SELECT version FROM agent_loggy.current_context_rules").fetchall() == [(2,)]


def test_current_views_are_security_invoker_and_documented(conn: Conn) -> None:
    rows = conn.execute(
        """
        SELECT c.relname, c.reloptions, obj_description(c.oid, 'pg_class') IS NOT NULL
        FROM pg_class c WHERE c.relnamespace = 'agent_loggy'::regnamespace AND c.relkind = 'v'
          AND c.relname = ANY(%s) ORDER BY 1
        """,
        ([f"current_{t}" for t in INSERTS],),
    ).fetchall()
    assert [r[0] for r in rows] == [f"current_{t}" for t in sorted(INSERTS)]
    assert all(r[1] == ["security_invoker=true"] and r[2] for r in rows), rows


def test_loki_negations_is_a_sorted_logql_matcher_list(conn: Conn) -> None:
    add_negate_key(conn, "service", "!=", "healthcheck")
    add_negate_key(conn, "path", "!~", "/metrics.*")
    add_negate_key(conn, "path", "!=", "/ready")
    add_negate_key(conn, "Zone", "=", "eu-1")  # bytewise: upper case sorts before lower case
    add_negate_key(conn, "level", "!=", "debug", active=False)
    add_negate_key(conn, "level", "!=", "trace", project="other")
    assert loki_negations(conn) == 'Zone="eu-1", path!="/ready", path!~"/metrics.*", service!="healthcheck"'
    assert loki_negations(conn, "other") == 'level!="trace"'


def test_loki_negations_escapes_values_as_go_string_literals(conn: Conn) -> None:
    add_negate_key(conn, "msg", "!~", 'say "hi"\\d+\nnext\r\tend')
    assert loki_negations(conn) == r'msg!~"say \"hi\"\\d+\nnext\r\tend"'
    row = conn.execute("SELECT agent_loggy.logql_string(%s)", ('a\\"b',)).fetchone()
    assert row == (r'"a\\\"b"',)


def test_loki_negations_is_empty_without_exclusions(conn: Conn) -> None:
    assert loki_negations(conn) == ""
    assert loki_negations(conn, "never-used") == ""
    add_negate_key(conn, "service", "!=", "healthcheck", active=False)
    assert loki_negations(conn) == ""


@pytest.mark.parametrize("project", ["Default", "", "has space", "x" * 64])
def test_loki_negations_refuses_an_invalid_project_by_name(conn: Conn, project: str) -> None:
    with pytest.raises(psycopg.errors.InvalidParameterValue) as info:
        loki_negations(conn, project)
    assert f"invalid project '{project}'" in str(info.value)
    assert "expected 1-63 characters" in str(info.value)


def test_loki_negations_refuses_a_null_project(conn: Conn) -> None:
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="invalid project NULL"):
        conn.execute("SELECT agent_loggy.loki_negations(NULL)")


def test_configs_reads_typed_current_rows_through_a_pool(conn: Conn, db_url: str) -> None:
    conn.execute(
        "INSERT INTO agent_loggy.model_configs (name, version, model_provider, model_name, parameters, labels)"
        " VALUES ('analysis', 1, 'ollama', 'llama3.1:8b', '{\"temperature\": 0.1}', '{staging,production}'),"
        "        ('analysis', 2, 'openai', 'gpt-4o-mini', '{}', '{}')"
    )
    conn.execute(
        "INSERT INTO agent_loggy.embedding_configs (name, version, embedding_model) VALUES ('default', 1, 'm')"
    )
    conn.execute(
        "INSERT INTO agent_loggy.context_rules (context, version, important, description)"
        " VALUES ('payments', 1, 'payment_id', 'money moves')"
    )
    add_negate_key(conn, "service", "!=", "healthcheck")
    add_negate_key(conn, "app", "!=", "probe")
    with create_pool(db_url, Settings(pool_min_size=1, pool_max_size=2)) as pool:
        configs = Configs(pool)
        (model,) = configs.model_configs()
        assert isinstance(model, ModelConfig)
        assert (model.name, model.version, model.model_provider, model.labels) == ("analysis", 2, "openai", ())
        (embedding,) = configs.embedding_configs()
        assert (embedding.embedding_model, embedding.dimensions, embedding.chunk_size) == ("m", 384, 512)
        (rule,) = configs.context_rules()
        assert isinstance(rule, ContextRule)
        assert (rule.project, rule.context, rule.version) == ("default", "payments", 1)
        assert (rule.important, rule.ignore, rule.description) == ("payment_id", None, "money moves")
        keys = configs.negate_keys()
        assert all(isinstance(k, NegateKey) for k in keys)
        assert [(k.label, k.value) for k in keys] == [("app", "probe"), ("service", "healthcheck")]
        assert configs.loki_negations() == 'app!="probe", service!="healthcheck"'
        assert configs.model_configs("other") == [] and configs.loki_negations("other") == ""


def test_configs_labels_are_tuples_so_rows_stay_immutable(conn: Conn, db_url: str) -> None:
    conn.execute(
        "INSERT INTO agent_loggy.model_configs (name, version, model_provider, model_name, labels)"
        " VALUES ('m', 1, 'ollama', 'llama3', '{staging,production}')"
    )
    with create_pool(db_url, Settings(pool_min_size=1, pool_max_size=1)) as pool:
        (model,) = Configs(pool).model_configs()
    assert model.labels == ("production", "staging")


@pytest.mark.parametrize("method", ["model_configs", "embedding_configs", "context_rules", "negate_keys",
                                    "loki_negations"])
def test_configs_refuse_an_invalid_project_even_when_nothing_matches(db_url: str, method: str) -> None:
    with create_pool(db_url, Settings(pool_min_size=1, pool_max_size=1)) as pool, \
            pytest.raises(InvalidInput, match="invalid project 'Payments'") as info:
        getattr(Configs(pool), method)("Payments")
    assert info.value.sqlstate == "22023"


def test_configs_read_inside_the_callers_transaction(db_url: str) -> None:
    with create_pool(db_url, Settings(pool_min_size=1, pool_max_size=1)) as pool:
        configs = Configs(pool)
        with pool.connection() as conn:
            with conn.transaction(force_rollback=True):
                bind_transaction(conn, actor="tester")
                add_negate_key(conn, "service", "!=", "draft")
                assert configs.loki_negations(conn=conn) == 'service!="draft"'
                assert [k.value for k in configs.negate_keys(conn=conn)] == ["draft"]
            assert configs.negate_keys(conn=conn) == []


def test_project_check_holds_under_a_generic_plan_on_an_empty_table(db_url: str) -> None:
    """With a cached generic plan the check is a one-time filter: it still runs when no row matches."""
    with create_pool(db_url, Settings(pool_min_size=0, pool_max_size=1)) as pool, \
            psycopg.connect(db_url, autocommit=True, prepare_threshold=0) as conn:
        conn.execute("SET plan_cache_mode = force_generic_plan")
        configs = Configs(pool)
        for _ in range(3):
            assert configs.embedding_configs(conn=conn) == []
        with pytest.raises(InvalidInput, match="invalid project 'no way'"):
            configs.embedding_configs("no way", conn=conn)
