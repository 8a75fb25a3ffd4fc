"""The prompt registry's SQL API, called as any client would call it."""

from __future__ import annotations

import threading
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from agent_loggy_db import map_error

Conn = psycopg.Connection[Any]


def publish(conn: Conn, name: str, template: str, labels: list[str] | None = None, **kw: Any) -> int:
    args = ", ".join(f"p_{k} => %s" for k in kw)
    row = conn.execute(
        f"SELECT version FROM agent_loggy.create_prompt_version(%s, %s, p_labels => %s{', ' if kw else ''}{args})",
        (name, template, labels or [], *kw.values()),
    ).fetchone()
    assert row is not None
    return int(row[0])


def resolve(conn: Conn, name: str, **kw: Any) -> dict[str, Any]:
    args = "".join(f", p_{k} => %s" for k in kw)
    row = conn.cursor(row_factory=dict_row).execute(
        f"SELECT * FROM agent_loggy.resolve_prompt(%s{args})", (name, *kw.values())).fetchone()
    assert row is not None
    return row


def labels_by_version(conn: Conn, name: str, project: str = "default") -> dict[int, list[str]]:
    rows = conn.execute("SELECT version, labels FROM agent_loggy.prompts WHERE project = %s AND name = %s "
                        "ORDER BY version", (project, name)).fetchall()
    return {v: list(ls) for v, ls in rows}


def error_of(conn: Conn, sql: str, params: Any = ()) -> psycopg.Error:
    with pytest.raises(psycopg.Error) as info:
        conn.execute(sql, params)
    return info.value


# resolution ------------------------------------------------------------------------------------

def test_resolves_label_then_fallbacks_in_order_and_latest(conn: Conn) -> None:
    publish(conn, "p", "one", ["production"])
    publish(conn, "p", "two", ["staging"])
    publish(conn, "p", "three")
    assert resolve(conn, "p")["version"] == 1
    assert resolve(conn, "p", label="staging")["version"] == 2
    canary = resolve(conn, "p", label="canary", fallback_labels=["beta", "staging", "production"])
    assert (canary["version"], canary["resolved_label"]) == (2, "staging")
    assert resolve(conn, "p", label="latest")["version"] == 3
    assert resolve(conn, "p", label="nope", fallback_labels=["latest"])["resolved_label"] == "latest"


def test_inactive_versions_are_skipped_by_label_and_latest_but_readable_by_version(conn: Conn) -> None:
    publish(conn, "p", "one", ["production"])
    publish(conn, "p", "two")
    conn.execute("UPDATE agent_loggy.prompts SET is_active = false WHERE name = 'p'")
    err = error_of(conn, "SELECT * FROM agent_loggy.resolve_prompt('p', 'latest')")
    assert err.sqlstate == "P0002"
    assert "'p'" in str(err) and "'default'" in str(err) and "latest" in str(err)
    old = resolve(conn, "p", version=1)
    assert (old["template"], old["is_active"], old["resolved_label"]) == ("one", False, None)


def test_not_found_names_project_prompt_and_what_was_asked(conn: Conn) -> None:
    err = error_of(conn, "SELECT * FROM agent_loggy.resolve_prompt('ghost', 'staging', 'acme', NULL, '{beta}')")
    assert err.sqlstate == "P0002"
    assert "'ghost'" in str(err) and "'acme'" in str(err) and "staging or beta" in str(err)
    publish(conn, "p", "one")
    err = error_of(conn, "SELECT * FROM agent_loggy.resolve_prompt('p', p_version => 7)")
    assert err.sqlstate == "P0002" and "version 7" in str(err)


@pytest.mark.parametrize(("args", "offending"), [
    ("'p', 'Prod'", "'Prod'"),
    ("'p', 'production', 'Bad Project'", "'Bad Project'"),
    ("'bad name'", "'bad name'"),
    ("'p', 'production', 'default', NULL, ARRAY['ok', NULL]", "NULL"),
])
def test_bad_arguments_are_22023_naming_the_value(conn: Conn, args: str, offending: str) -> None:
    err = error_of(conn, f"SELECT * FROM agent_loggy.resolve_prompt({args})")
    assert err.sqlstate == "22023"
    assert offending in str(err)


def test_model_fields_come_from_the_model_config_with_the_same_label(conn: Conn) -> None:
    conn.execute("""INSERT INTO agent_loggy.model_configs
                    (name, version, model_provider, model_name, parameters, labels)
                    VALUES ('analyst', 1, 'ollama', 'llama3.1:8b', '{"temperature": 0.1}', '{production}'),
                           ('analyst', 2, 'openai', 'gpt-4o-mini', '{"temperature": 0.3}', '{staging}'),
                           ('analyst', 3, 'openai', 'gpt-4o', '{}', '{}')""")
    conn.execute("UPDATE agent_loggy.model_configs SET is_active = false WHERE version = 3")
    publish(conn, "p", "one", ["production"], model="analyst", parameters=Jsonb({"max_tokens": 500}))
    publish(conn, "p", "two", ["staging"])
    prod, staging = resolve(conn, "p"), resolve(conn, "p", label="staging")
    assert (prod["model_provider"], prod["model_name"], prod["model_config_version"]) == ("ollama", "llama3.1:8b", 1)
    assert prod["model_parameters"] == {"temperature": 0.1} and prod["parameters"] == {"max_tokens": 500}
    assert (staging["model"], staging["model_name"], staging["model_config_version"]) == ("analyst", "gpt-4o-mini", 2)
    latest = resolve(conn, "p", label="latest")  # no config carries "latest": the highest active one
    assert latest["model_config_version"] == 2


def test_without_a_model_config_the_model_name_is_the_prompts_model(conn: Conn) -> None:
    publish(conn, "p", "one", ["production"], model="llama3.1:8b")
    row = resolve(conn, "p")
    assert (row["model_name"], row["model_provider"], row["model_parameters"]) == ("llama3.1:8b", None, None)


# versions -----------------------------------------------------------------------------------------

def test_new_versions_keep_type_and_metadata_unless_given(conn: Conn) -> None:
    publish(conn, "p", "one", type="chat", description="d", usage="u", model="m", parameters=Jsonb({"t": 1}))
    publish(conn, "p", "two {x}")
    row = resolve(conn, "p", label="latest")
    assert (row["version"], row["type"], row["description"], row["usage"], row["model"], row["parameters"]) == \
        (2, "chat", "d", "u", "m", {"t": 1})
    assert row["variables"] == ["x"]
    assert row["created_by"] == conn.info.user


def test_changing_the_type_is_refused_and_changes_nothing(conn: Conn) -> None:
    publish(conn, "p", "one", type="chat")
    err = error_of(conn, "SELECT agent_loggy.create_prompt_version('p', 'two', p_type => 'text')")
    assert err.sqlstate == "22023" and "'text'" in str(err) and "chat" in str(err)
    assert labels_by_version(conn, "p") == {1: []}


def test_labels_given_at_creation_move_to_the_new_version(conn: Conn) -> None:
    publish(conn, "p", "one", ["production", "staging"])
    publish(conn, "p", "two", ["staging"])
    assert labels_by_version(conn, "p") == {1: ["production"], 2: ["staging"]}


def test_hundred_concurrent_creators_get_versions_1_to_100(db_url: str, conn: Conn) -> None:
    barrier = threading.Barrier(100)
    errors: list[BaseException] = []
    # 100 calls at once over 40 connections (the server allows 100 in all)
    with ConnectionPool(db_url, min_size=40, max_size=40, kwargs={"autocommit": True}) as pool:
        def worker(n: int) -> None:
            try:
                barrier.wait()
                with pool.connection() as c:
                    publish(c, "busy", f"template {n}", ["production"])
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(100)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    versions = labels_by_version(conn, "busy")
    assert sorted(versions) == list(range(1, 101))
    assert [v for v, ls in versions.items() if "production" in ls] == [100]
    creates = conn.execute("SELECT count(*) FROM agent_loggy.config_changelog WHERE config_name = 'busy' "
                           "AND change_type = 'create'").fetchone()
    assert creates == (100,)


# one version per label --------------------------------------------------------------------------

def test_direct_update_moves_the_label_off_siblings_and_logs_both(conn: Conn) -> None:
    publish(conn, "p", "one", ["production"])
    publish(conn, "p", "two")
    publish(conn, "other", "x", ["production"])
    conn.execute("UPDATE agent_loggy.prompts SET labels = '{production}' WHERE name = 'p' AND version = 2")
    assert labels_by_version(conn, "p") == {1: [], 2: ["production"]}
    assert labels_by_version(conn, "other") == {1: ["production"]}
    logged = conn.execute("SELECT new_version, change_type, new_data->'labels' FROM agent_loggy.config_changelog "
                          "WHERE config_name = 'p' AND change_type = 'label' ORDER BY id").fetchall()
    assert logged == [(2, "label", ["production"]), (1, "label", [])]


def test_direct_insert_with_a_taken_label_moves_it(conn: Conn) -> None:
    publish(conn, "p", "one", ["production"])
    conn.execute("INSERT INTO agent_loggy.prompts (name, version, template, labels) "
                 "VALUES ('p', 2, 't', '{production}')")
    assert labels_by_version(conn, "p") == {1: [], 2: ["production"]}


def test_one_statement_giving_a_label_to_two_versions_is_refused(conn: Conn) -> None:
    publish(conn, "p", "one", ["production"])
    publish(conn, "p", "two")
    publish(conn, "p", "three")
    err = error_of(conn, "UPDATE agent_loggy.prompts SET labels = '{production}' WHERE name = 'p'")
    assert err.sqlstate == "23514" and "versions 2, 3" in str(err)
    assert labels_by_version(conn, "p") == {1: ["production"], 2: [], 3: []}


def test_projects_are_separate_for_labels(conn: Conn) -> None:
    publish(conn, "p", "one", ["production"])
    conn.execute("SELECT agent_loggy.create_prompt_version('p', 'acme one', 'acme', '{production}')")
    assert labels_by_version(conn, "p") == {1: ["production"]}
    assert resolve(conn, "p", project="acme")["template"] == "acme one"


def test_concurrent_label_moves_leave_one_holder(db_url: str, conn: Conn) -> None:
    for i in range(10):
        publish(conn, "p", f"v{i}")
    barrier = threading.Barrier(10)
    errors: list[BaseException] = []

    def mover(version: int) -> None:
        try:
            with psycopg.connect(db_url, autocommit=True) as c:
                barrier.wait()
                for _ in range(5):
                    c.execute("UPDATE agent_loggy.prompts SET labels = labels || '{production}' "
                              "WHERE name = 'p' AND version = %s", (version,))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=mover, args=(v,)) for v in range(1, 11)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    holders = [v for v, ls in labels_by_version(conn, "p").items() if "production" in ls]
    assert len(holders) == 1


def test_repeatable_read_writer_gets_a_serialization_error_not_two_holders(db_url: str, conn: Conn) -> None:
    publish(conn, "p", "one", ["production"])
    publish(conn, "p", "two")
    publish(conn, "p", "three")
    with psycopg.connect(db_url) as rr:
        rr.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        rr.execute("SELECT 1 FROM agent_loggy.prompts LIMIT 1")  # takes the snapshot
        conn.execute("SELECT agent_loggy.set_prompt_label('p', 2, 'production')")
        with pytest.raises(psycopg.errors.SerializationFailure):
            rr.execute("SELECT agent_loggy.set_prompt_label('p', 3, 'production')")
    assert labels_by_version(conn, "p") == {1: [], 2: ["production"], 3: []}


# set / remove / rollback / history -----------------------------------------------------------------

def test_set_and_remove_label(conn: Conn) -> None:
    publish(conn, "p", "one", ["production"])
    publish(conn, "p", "two")
    row = conn.execute("SELECT version, labels FROM agent_loggy.set_prompt_label('p', 2, 'production')").fetchone()
    assert row == (2, ["production"])
    assert conn.execute("SELECT agent_loggy.remove_prompt_label('p', 'production')").fetchone() == (2,)
    err = error_of(conn, "SELECT agent_loggy.remove_prompt_label('p', 'production')")
    assert err.sqlstate == "P0002" and "'production'" in str(err)


@pytest.mark.parametrize(("call", "sqlstate", "needle"), [
    ("agent_loggy.set_prompt_label('p', 9, 'production')", "P0002", "no version 9"),
    ("agent_loggy.set_prompt_label('p', 1, 'latest')", "22023", "latest is reserved"),
    ("agent_loggy.set_prompt_label('p', 2, 'staging')", "22023", "inactive"),
    ("agent_loggy.set_prompt_label('ghost', 1, 'staging')", "P0002", "'ghost'"),
])
def test_set_label_errors(conn: Conn, call: str, sqlstate: str, needle: str) -> None:
    publish(conn, "p", "one", ["production"])
    publish(conn, "p", "two")
    conn.execute("UPDATE agent_loggy.prompts SET is_active = false WHERE version = 2")
    before = conn.execute("SELECT count(*) FROM agent_loggy.config_changelog").fetchone()
    err = error_of(conn, f"SELECT {call}")
    assert err.sqlstate == sqlstate and needle in str(err)
    assert conn.execute("SELECT count(*) FROM agent_loggy.config_changelog").fetchone() == before


def test_rollback_after_several_moves_returns_to_the_previous_holder(conn: Conn) -> None:
    for i in range(1, 5):
        publish(conn, "p", f"v{i}", ["production"])  # production: 1 -> 2 -> 3 -> 4
    assert conn.execute("SELECT agent_loggy.rollback_prompt_label('p')").fetchone() == (3,)
    assert resolve(conn, "p")["version"] == 3
    assert conn.execute("SELECT agent_loggy.rollback_prompt_label('p', 'production')").fetchone() == (4,)  # undo
    conn.execute("SELECT agent_loggy.set_prompt_label('p', 1, 'production')")
    assert conn.execute("SELECT agent_loggy.rollback_prompt_label('p')").fetchone() == (4,)
    summary = conn.execute("SELECT change_summary FROM agent_loggy.config_changelog "
                           "WHERE config_name = 'p' ORDER BY id DESC LIMIT 1").fetchone()
    assert summary == ("rollback of label production to version 4",)


def test_rollback_keeps_a_given_summary_and_refuses_when_there_is_nothing_before(conn: Conn) -> None:
    publish(conn, "p", "one", ["production"])
    publish(conn, "p", "two", ["production"])
    with conn.transaction():
        conn.execute("SELECT set_config('agent_loggy.change_summary', 'bad release', true)")
        conn.execute("SELECT agent_loggy.rollback_prompt_label('p')")
    summary = conn.execute("SELECT change_summary FROM agent_loggy.config_changelog "
                           "WHERE config_name = 'p' ORDER BY id DESC LIMIT 1").fetchone()
    assert summary == ("bad release",)
    err = error_of(conn, "SELECT agent_loggy.rollback_prompt_label('p', 'staging')")
    assert err.sqlstate == "P0002" and "never been set" in str(err)
    publish(conn, "p", "three", ["staging"])
    err = error_of(conn, "SELECT agent_loggy.rollback_prompt_label('p', 'staging')")
    assert err.sqlstate == "P0002" and "nothing to roll back to" in str(err)


def test_history_lists_every_move_with_who_and_why(conn: Conn) -> None:
    with conn.transaction():
        conn.execute("SELECT set_config('agent_loggy.actor', 'alice', true)")
        publish(conn, "p", "one", ["production"])
    with conn.transaction():
        conn.execute("SELECT set_config('agent_loggy.actor', 'bob', true)")
        conn.execute("SELECT set_config('agent_loggy.change_summary', 'v2 is better', true)")
        publish(conn, "p", "two", ["production", "staging"])
    conn.execute("SELECT agent_loggy.remove_prompt_label('p', 'staging')")
    rows = conn.execute("SELECT label, from_version, to_version, changed_by, change_summary "
                        "FROM agent_loggy.prompt_label_history('p') ORDER BY changelog_id, label").fetchall()
    assert rows == [
        ("production", None, 1, "alice", None),
        ("production", 1, 2, "bob", "v2 is better"),
        ("staging", None, 2, "bob", "v2 is better"),
        ("staging", 2, None, conn.info.user, None),
    ]
    err = error_of(conn, "SELECT * FROM agent_loggy.prompt_label_history('ghost')")
    assert err.sqlstate == "P0002"


# NOTIFY -------------------------------------------------------------------------------------------

def test_changes_notify_after_commit_only_with_nothing_but_the_transaction_id(db_url: str, conn: Conn) -> None:
    def changes(payload: str) -> list[tuple[str, str, str]]:
        rows = conn.execute("SELECT project, config_type, config_name FROM agent_loggy.config_changelog "
                            "WHERE transaction_id = %s::xid8 ORDER BY id", (payload,)).fetchall()
        return sorted(set(rows))

    with psycopg.connect(db_url, autocommit=True) as listener:
        listener.execute("LISTEN agent_loggy_config")
        with conn.transaction():
            publish(conn, "p", "one", ["production"])
            tx = conn.execute("SELECT pg_current_xact_id()::text").fetchone()
            assert list(listener.notifies(timeout=0.2)) == []
        got = [n.payload for n in listener.notifies(timeout=0.5, stop_after=1)]
        assert tx is not None and got == [tx[0]], "one notification per transaction, naming only the transaction"
        assert changes(got[0]) == [("default", "prompt", "p")]
        conn.execute("INSERT INTO agent_loggy.model_configs (project, name, version, model_provider, model_name) "
                     "VALUES ('acme', 'analyst', 1, 'ollama', 'llama3')")
        got = [n.payload for n in listener.notifies(timeout=0.5, stop_after=1)]
        assert len(got) == 1 and got[0].isdigit() and changes(got[0]) == [("acme", "model_config", "analyst")]
        with pytest.raises(psycopg.Error), conn.transaction():
            publish(conn, "p", "two")
            conn.execute("SELECT 1/0")
        assert list(listener.notifies(timeout=0.2)) == []
        conn.execute("INSERT INTO agent_loggy.negate_keys (label, operator, value, version) VALUES ('a', '=', 'b', 1)")
        assert list(listener.notifies(timeout=0.2)) == [], "caches hold no negate keys: nothing to tell them"


# render ---------------------------------------------------------------------------------------------

def test_render_replaces_placeholders_keeps_json_and_unescapes_braces(conn: Conn) -> None:
    row = conn.execute("SELECT agent_loggy.render_prompt(%s, %s)", (
        'Return {"time_frame": null} for {who}; {{who}} stays; n={n} obj={obj}',
        Jsonb({"who": "Ana", "n": 1.5, "obj": {"bb": [1, True, None], "a": "é"}, "extra": 1}))).fetchone()
    assert row == ('Return {"time_frame": null} for Ana; {who} stays; n=1.5 obj={"a": "é", "bb": [1, true, null]}',)


def test_render_names_every_missing_variable(conn: Conn) -> None:
    with pytest.raises(psycopg.Error) as info:
        conn.execute("SELECT agent_loggy.render_prompt('{a} {b} {a} {c}', '{\"b\": 1}')")
    assert info.value.sqlstate == "22023"
    mapped = map_error(info.value)
    assert str(mapped).startswith("missing template variables: a, c")
    assert getattr(mapped, "names", None) == ("a", "c")


# list / export / import --------------------------------------------------------------------------

def test_list_prompts_shows_latest_version_and_label_map(conn: Conn) -> None:
    publish(conn, "p", "one", ["production"])
    publish(conn, "p", "two", ["staging"])
    rows = conn.cursor(row_factory=dict_row).execute("SELECT * FROM agent_loggy.list_prompts()").fetchall()
    p = next(r for r in rows if r["name"] == "p")
    assert (p["latest_version"], p["active_versions"], p["labels"]) == (2, 2, {"production": 1, "staging": 2})
    assert len(rows) == 6  # five seeded prompts + p


def test_import_refuses_conflicting_or_invalid_documents_and_writes_nothing(conn: Conn) -> None:
    doc = conn.execute("SELECT agent_loggy.export_prompts()").fetchone()
    assert doc is not None
    document = doc[0]
    document["prompts"][0]["versions"][0]["template"] = "changed"
    document["prompts"][1]["versions"][0]["labels"] = ["Bad"]
    before = conn.execute("SELECT count(*) FROM agent_loggy.config_changelog").fetchone()
    err = error_of(conn, "SELECT * FROM agent_loggy.import_prompts(%s)", (Jsonb(document),))
    assert err.sqlstate == "22023"
    assert "differs from version 1" in str(err) and "invalid labels Bad" in str(err)
    err = error_of(conn, "SELECT * FROM agent_loggy.import_prompts('{\"format\": \"x\"}')")
    assert err.sqlstate == "22023" and "not a prompt export" in str(err)
    assert conn.execute("SELECT count(*) FROM agent_loggy.config_changelog").fetchone() == before


# review findings -----------------------------------------------------------------------------------

def test_a_multi_row_update_that_moves_a_label_is_one_move_in_history(conn: Conn) -> None:
    for i in range(1, 4):
        publish(conn, "p", f"v{i}")
    conn.execute("SELECT agent_loggy.set_prompt_label('p', 1, 'production')")
    conn.execute("UPDATE agent_loggy.prompts SET labels = CASE version WHEN 3 THEN '{production}'::text[] "
                 "ELSE '{}' END WHERE name = 'p'")
    moves = conn.execute("SELECT from_version, to_version FROM agent_loggy.prompt_label_history('p') "
                         "WHERE label = 'production' ORDER BY changelog_id").fetchall()
    assert moves == [(None, 1), (1, 3)]
    assert conn.execute("SELECT agent_loggy.rollback_prompt_label('p')").fetchone() == (1,)


def test_version_numbers_of_deleted_versions_are_never_reused(conn: Conn) -> None:
    publish(conn, "p", "good", ["production"])
    publish(conn, "p", "bad", ["production"])
    conn.execute("DELETE FROM agent_loggy.prompts WHERE name = 'p' AND version = 2")
    assert publish(conn, "p", "another") == 3
    err = error_of(conn, "SELECT agent_loggy.rollback_prompt_label('p')")  # v2 is gone: refuse, do not guess
    assert err.sqlstate == "P0002" and "no version 2" in str(err)


def test_repeatable_read_creator_gets_a_serialization_error(db_url: str, conn: Conn) -> None:
    publish(conn, "p", "one")
    with psycopg.connect(db_url) as rr:
        rr.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        rr.execute("SELECT 1 FROM agent_loggy.prompts LIMIT 1")
        publish(conn, "p", "two")
        with pytest.raises(psycopg.errors.SerializationFailure):
            rr.execute("SELECT agent_loggy.create_prompt_version('p', 'three')")


def test_remove_label_waits_for_a_concurrent_move_and_sees_it(db_url: str, conn: Conn) -> None:
    publish(conn, "p", "one", ["production"])
    publish(conn, "p", "two")
    result: list[Any] = []
    with psycopg.connect(db_url) as mover:
        mover.execute("SELECT agent_loggy.set_prompt_label('p', 2, 'production')")  # not committed yet

        def remove() -> None:
            with psycopg.connect(db_url, autocommit=True) as c:
                result.append(c.execute("SELECT agent_loggy.remove_prompt_label('p', 'production')").fetchone())

        remover = threading.Thread(target=remove)
        remover.start()
        remover.join(0.3)
        assert remover.is_alive()  # queued behind the prompt write lock
        mover.commit()
    remover.join(5)
    assert result == [(2,)]


@pytest.mark.parametrize(("change", "needle"), [
    (lambda d: d["prompts"][0].pop("versions"), "versions must be a non-empty array"),
    (lambda d: d["prompts"][0]["versions"][0].update(version="x"), "whole-number version"),
    (lambda d: d["prompts"][0]["versions"][0].update(is_active=False), "an inactive version cannot carry labels"),
    (lambda d: d["prompts"][0]["versions"].append({**d["prompts"][0]["versions"][0], "version": 2, "labels": [],
                                                   "type": "chat"}), "versions of one prompt must share one type"),
])
def test_import_names_what_is_wrong_with_a_document(conn: Conn, change: Any, needle: str) -> None:
    row = conn.execute("SELECT agent_loggy.export_prompts()").fetchone()
    assert row is not None
    document = row[0]
    change(document)
    err = error_of(conn, "SELECT * FROM agent_loggy.import_prompts(%s, 'elsewhere')", (Jsonb(document),))
    assert err.sqlstate == "22023" and needle in str(err), str(err)
    assert conn.execute("SELECT count(*) FROM agent_loggy.prompts WHERE project = 'elsewhere'").fetchone() == (0,)
