"""updated_at and the changelog: written by triggers, for every writer, in the same transaction."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
import pytest

from agent_loggy_db import PermissionDenied, bind_transaction, map_error
from agent_loggy_db.urls import with_params

Conn = psycopg.Connection[Any]


def new_prompt(conn: Conn, name: str = "greeting", **extra: Any) -> int:
    cols = {"name": name, "version": 1, "template": "Hello {who}", **extra}
    row = conn.execute(
        f"INSERT INTO agent_loggy.prompts ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))}) RETURNING id",
        list(cols.values()),
    ).fetchone()
    assert row is not None
    return int(row[0])


def changelog(conn: Conn, config_id: int, config_type: str = "prompt") -> list[dict[str, Any]]:
    cur = conn.cursor(row_factory=psycopg.rows.dict_row)
    return cur.execute(
        "SELECT * FROM agent_loggy.config_changelog WHERE config_type = %s AND config_id = %s ORDER BY id",
        (config_type, config_id),
    ).fetchall()


def test_real_update_moves_updated_at_and_noop_does_not(conn: Conn) -> None:
    pid = new_prompt(conn)
    first = conn.execute("SELECT updated_at FROM agent_loggy.prompts WHERE id = %s", (pid,)).fetchone()
    conn.execute("UPDATE agent_loggy.prompts SET description = description WHERE id = %s", (pid,))
    same = conn.execute("SELECT updated_at FROM agent_loggy.prompts WHERE id = %s", (pid,)).fetchone()
    assert same == first
    conn.execute("UPDATE agent_loggy.prompts SET description = 'changed' WHERE id = %s", (pid,))
    later = conn.execute("SELECT updated_at, created_at FROM agent_loggy.prompts WHERE id = %s", (pid,)).fetchone()
    assert later is not None and first is not None
    assert later[0] > first[0]
    assert later[1] == first[0]


def test_writing_only_updated_at_is_a_noop(conn: Conn) -> None:
    pid = new_prompt(conn)
    before = conn.execute("SELECT updated_at FROM agent_loggy.prompts WHERE id = %s", (pid,)).fetchone()
    conn.execute("UPDATE agent_loggy.prompts SET updated_at = '2000-01-01' WHERE id = %s", (pid,))
    assert conn.execute("SELECT updated_at FROM agent_loggy.prompts WHERE id = %s", (pid,)).fetchone() == before
    assert [e["change_type"] for e in changelog(conn, pid)] == ["create"]


@pytest.mark.parametrize(
    ("table", "insert"),
    [
        ("model_configs", "INSERT INTO agent_loggy.model_configs (name, version, model_provider, model_name)"
                          " VALUES ('m', 1, 'ollama', 'llama3') RETURNING id"),
        ("embedding_configs", "INSERT INTO agent_loggy.embedding_configs (name, version, embedding_model)"
                              " VALUES ('e', 1, 'minilm') RETURNING id"),
        ("context_rules", "INSERT INTO agent_loggy.context_rules (context, version)"
                          " VALUES ('payments', 1) RETURNING id"),
        ("negate_keys", "INSERT INTO agent_loggy.negate_keys (label, operator, value, version)"
                        " VALUES ('service', '!=', 'healthcheck', 1) RETURNING id"),
    ],
)
def test_updated_at_trigger_on_every_config_table(conn: Conn, table: str, insert: str) -> None:
    row = conn.execute(insert).fetchone()
    assert row is not None
    before = conn.execute(f"SELECT updated_at FROM agent_loggy.{table} WHERE id = %s", row).fetchone()
    conn.execute(f"UPDATE agent_loggy.{table} SET is_active = is_active WHERE id = %s", row)
    assert conn.execute(f"SELECT updated_at FROM agent_loggy.{table} WHERE id = %s", row).fetchone() == before
    conn.execute(f"UPDATE agent_loggy.{table} SET is_active = false WHERE id = %s", row)
    after = conn.execute(f"SELECT updated_at FROM agent_loggy.{table} WHERE id = %s", row).fetchone()
    assert after is not None and before is not None and after[0] > before[0]
    kinds = [r[0] for r in conn.execute(
        "SELECT change_type FROM agent_loggy.config_changelog WHERE config_id = %s AND config_type = %s ORDER BY id",
        (row[0], table.removesuffix("s")),
    ).fetchall()]
    assert kinds == ["create", "deactivate"]


def test_insert_writes_create_with_actor_and_summary(conn: Conn) -> None:
    with conn.transaction():
        bind_transaction(conn, actor="alice", summary="first draft")
        pid = new_prompt(conn, embedding="[" + ",".join(["0.1"] * 384) + "]")
    (entry,) = changelog(conn, pid)
    assert entry["change_type"] == "create"
    assert entry["changed_by"] == "alice"
    assert entry["change_summary"] == "first draft"
    assert entry["config_name"] == "greeting" and entry["project"] == "default"
    assert entry["previous_version"] is None and entry["new_version"] == 1
    assert entry["previous_data"] is None
    assert entry["new_data"]["template"] == "Hello {who}"
    assert "embedding" not in entry["new_data"]


def test_actor_falls_back_to_session_user_and_bindings_end_with_the_transaction(conn: Conn) -> None:
    with conn.transaction():
        bind_transaction(conn, actor="bob")
        first = new_prompt(conn, "one")
    second = new_prompt(conn, "two")  # a new transaction: the binding is gone
    user = conn.execute("SELECT session_user").fetchone()
    assert user is not None
    assert changelog(conn, first)[0]["changed_by"] == "bob"
    assert changelog(conn, second)[0]["changed_by"] == user[0]
    assert changelog(conn, second)[0]["change_summary"] is None


def test_empty_actor_setting_means_session_user(conn: Conn) -> None:
    with conn.transaction():
        conn.execute("SELECT set_config('agent_loggy.actor', '', true)")
        pid = new_prompt(conn)
    user = conn.execute("SELECT session_user").fetchone()
    assert user is not None and changelog(conn, pid)[0]["changed_by"] == user[0]


def test_label_only_update_is_a_label_change(conn: Conn) -> None:
    pid = new_prompt(conn)
    conn.execute("UPDATE agent_loggy.prompts SET labels = '{staging}' WHERE id = %s", (pid,))
    entry = changelog(conn, pid)[-1]
    assert entry["change_type"] == "label"
    assert entry["previous_data"]["labels"] == [] and entry["new_data"]["labels"] == ["staging"]
    assert entry["previous_version"] == entry["new_version"] == 1


def test_is_active_only_update_is_activate_or_deactivate(conn: Conn) -> None:
    pid = new_prompt(conn)
    conn.execute("UPDATE agent_loggy.prompts SET is_active = false WHERE id = %s", (pid,))
    conn.execute("UPDATE agent_loggy.prompts SET is_active = true WHERE id = %s", (pid,))
    assert [e["change_type"] for e in changelog(conn, pid)] == ["create", "deactivate", "activate"]


def test_other_updates_are_update_and_mixed_ones_too(conn: Conn) -> None:
    pid = new_prompt(conn)
    conn.execute("UPDATE agent_loggy.prompts SET template = 'Hi {name}' WHERE id = %s", (pid,))
    conn.execute("UPDATE agent_loggy.prompts SET labels = '{x}', is_active = false WHERE id = %s", (pid,))
    assert [e["change_type"] for e in changelog(conn, pid)] == ["create", "update", "update"]


def test_an_embedding_fill_is_not_logged_and_an_update_with_one_is_logged_without_the_vector(conn: Conn) -> None:
    """0034: an embedding fill changes nothing an agent resolves, and one changelog row per filled
    prompt buried the real changes."""
    pid = new_prompt(conn)
    vector = "[" + ",".join(["0.5"] * 384) + "]"
    conn.execute("UPDATE agent_loggy.prompts SET embedding = %s::vector WHERE id = %s", (vector, pid))
    assert [e["change_type"] for e in changelog(conn, pid)] == ["create"]
    conn.execute("UPDATE agent_loggy.prompts SET embedding = NULL, is_active = false WHERE id = %s", (pid,))
    entry = changelog(conn, pid)[-1]
    assert entry["change_type"] == "update"
    assert "embedding" not in entry["new_data"] and "embedding" not in entry["previous_data"]


def test_noop_updates_write_nothing(conn: Conn) -> None:
    pid = new_prompt(conn, labels=["b", "a"])
    conn.execute("UPDATE agent_loggy.prompts SET template = template, labels = '{a,b}' WHERE id = %s", (pid,))
    conn.execute("UPDATE agent_loggy.prompts SET labels = '{b,a,a}' WHERE id = %s", (pid,))
    assert [e["change_type"] for e in changelog(conn, pid)] == ["create"]


def test_delete_writes_delete_with_the_old_row(conn: Conn) -> None:
    pid = new_prompt(conn)
    conn.execute("DELETE FROM agent_loggy.prompts WHERE id = %s", (pid,))
    entry = changelog(conn, pid)[-1]
    assert entry["change_type"] == "delete"
    assert entry["new_data"] is None and entry["new_version"] is None
    assert entry["previous_data"]["name"] == "greeting" and entry["previous_version"] == 1


def test_negate_key_config_name_is_label_operator_value(conn: Conn) -> None:
    row = conn.execute(
        "INSERT INTO agent_loggy.negate_keys (label, operator, value, version)"
        " VALUES ('path', '!~', '/metrics.*', 1) RETURNING id"
    ).fetchone()
    assert row is not None
    assert changelog(conn, row[0], "negate_key")[0]["config_name"] == "path !~ /metrics.*"


def test_a_failed_transaction_leaves_no_changelog_row(conn: Conn) -> None:
    before = conn.execute("SELECT count(*) FROM agent_loggy.config_changelog").fetchone()
    with pytest.raises(psycopg.errors.UniqueViolation), conn.transaction():
        new_prompt(conn, "dup")
        new_prompt(conn, "dup")
    assert conn.execute("SELECT count(*) FROM agent_loggy.config_changelog").fetchone() == before


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE agent_loggy.config_changelog SET changed_by = 'mallory'",
        "DELETE FROM agent_loggy.config_changelog",
        "TRUNCATE agent_loggy.config_changelog",
        "UPDATE agent_loggy.config_changelog SET changed_by = 'x' WHERE false",
    ],
)
def test_changelog_refuses_update_delete_truncate_even_for_the_owner(conn: Conn, statement: str) -> None:
    new_prompt(conn)
    before = conn.execute("SELECT count(*), max(changed_by) FROM agent_loggy.config_changelog").fetchone()
    with pytest.raises(psycopg.errors.InsufficientPrivilege) as info:
        conn.execute(statement)
    assert "append-only" in str(info.value)
    assert isinstance(map_error(info.value), PermissionDenied)
    assert conn.execute("SELECT count(*), max(changed_by) FROM agent_loggy.config_changelog").fetchone() == before


@pytest.mark.parametrize("table", ["prompts", "model_configs", "embedding_configs", "context_rules", "negate_keys"])
def test_truncate_of_a_config_table_is_refused(conn: Conn, table: str) -> None:
    # documents and facts reference embedding_configs, runs references prompts (and scores and findings
    # reference runs): only truncating them together gets past the FK check
    also = {"embedding_configs": ", agent_loggy.documents, agent_loggy.facts, agent_loggy.search_embedding_configs",
            "prompts": ", agent_loggy.runs, agent_loggy.scores, agent_loggy.trace_findings"}.get(table, "")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="would bypass the changelog"):
        conn.execute(f"TRUNCATE agent_loggy.{table}{also}")
    assert conn.execute("SELECT count(*) FROM agent_loggy.prompts").fetchone() == (5,)


def test_changelog_trigger_refuses_foreign_tables(conn: Conn) -> None:
    conn.execute("CREATE TABLE public.fake (id bigint, project text, name text, version int)")
    conn.execute(
        "CREATE TRIGGER fake AFTER INSERT ON public.fake FOR EACH ROW"
        " EXECUTE FUNCTION agent_loggy.write_changelog('prompt')"
    )
    before = conn.execute("SELECT count(*) FROM agent_loggy.config_changelog").fetchone()
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="only serves the agent_loggy config tables"):
        conn.execute("INSERT INTO public.fake VALUES (1, 'default', 'forged', 9)")
    assert conn.execute("SELECT count(*) FROM agent_loggy.config_changelog").fetchone() == before


def test_ordinary_roles_cannot_attach_the_security_definer_trigger(conn: Conn, superuser_conn: Conn,
                                                                  db_url: str) -> None:
    role = f"alt_app_{uuid.uuid4().hex[:8]}"
    superuser_conn.execute(f"CREATE ROLE {role} LOGIN")
    try:
        conn.execute(f"GRANT USAGE ON SCHEMA agent_loggy TO {role}")
        with psycopg.connect(with_params(db_url, user=role, password=None), autocommit=True) as app:
            app.execute("CREATE TEMP TABLE t (id bigint, project text, name text, version int)")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app.execute(
                    "CREATE TRIGGER t AFTER INSERT ON pg_temp.t FOR EACH ROW"
                    " EXECUTE FUNCTION agent_loggy.write_changelog('prompt')"
                )
    finally:
        superuser_conn.execute(f"DROP OWNED BY {role}")
        superuser_conn.execute(f"DROP ROLE {role}")
