"""The documents table, staged loads and the embedding fill functions, called as any client would."""

from __future__ import annotations

import threading
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from tests.test_search_sql import vec

Conn = psycopg.Connection[Any]

STAGE = ("INSERT INTO pg_temp.agent_loggy_staged_documents (line, external_id, title, content, tags, metadata, "
         "embedding) VALUES (%s, %s, %s, %s, %s, %s::jsonb, %s::vector)")


def stage(conn: Conn, *rows: tuple[Any, ...]) -> None:
    conn.execute("SELECT agent_loggy.stage_documents()")
    for row in rows:
        conn.execute(STAGE, row)


def load(conn: Conn, project: str = "default", source: str = "test", rebuild: bool | None = None) -> tuple[Any, ...]:
    row = conn.execute("SELECT * FROM agent_loggy.load_staged_documents(%s, %s, NULL, %s)",
                       (project, source, rebuild)).fetchone()
    assert row is not None
    return tuple(row)


def documents(conn: Conn) -> list[dict[str, Any]]:
    return conn.cursor(row_factory=dict_row).execute(
        "SELECT external_id, title, content, tags, metadata, embedding IS NOT NULL AS embedded, updated_at "
        "FROM agent_loggy.documents ORDER BY external_id").fetchall()


@pytest.mark.parametrize(("column", "value", "constraint"), [
    ("content", "'   '", "documents_content_check"),
    ("tags", "ARRAY['ok', '']", "documents_tags_check"),
    ("tags", "ARRAY[NULL]::text[]", "documents_tags_check"),
    ("metadata", "'[1]'", "documents_metadata_check"),
    ("embedding", "array_fill(0, ARRAY[384])::vector", "documents_embedding_check"),
    ("project", "'Not Valid'", "documents_project_check"),
    ("source", "'bad source'", "documents_source_check"),
    ("external_id", "''", "documents_external_id_check"),
])
def test_documents_refuse_bad_values(conn: Conn, column: str, value: str, constraint: str) -> None:
    with pytest.raises(psycopg.errors.CheckViolation) as caught:
        conn.execute(f"INSERT INTO agent_loggy.documents (content, {column}) VALUES ('text', {value})"
                     if column != "content" else f"INSERT INTO agent_loggy.documents (content) VALUES ({value})")
    assert caught.value.diag.constraint_name == constraint


def test_embedding_dimension_is_384(conn: Conn) -> None:
    with pytest.raises(psycopg.errors.DataException, match="expected 384 dimensions, not 2"):
        conn.execute("INSERT INTO agent_loggy.documents (content, embedding) VALUES ('x', '[1,2]')")


def test_full_text_column_is_generated_from_title_and_content(conn: Conn) -> None:
    conn.execute("INSERT INTO agent_loggy.documents (title, content) VALUES ('Gateways', 'Payments timed out')")
    row = conn.execute("SELECT search_vector::text FROM agent_loggy.documents").fetchone()
    assert row == ("'gateway':1A 'payment':2B 'time':3B",)


def test_changing_text_clears_a_stale_embedding_unless_a_new_one_comes_with_it(conn: Conn) -> None:
    conn.execute("INSERT INTO agent_loggy.documents (external_id, content, embedding) VALUES ('d', 'one', %s::vector)",
                 (vec(0),))
    conn.execute("UPDATE agent_loggy.documents SET tags = '{x}'")
    assert documents(conn)[0]["embedded"], "a tag change keeps the embedding"
    conn.execute("UPDATE agent_loggy.documents SET content = 'two', embedding = %s::vector", (vec(45),))
    assert documents(conn)[0]["embedded"], "a new embedding with the new text is kept"
    conn.execute("UPDATE agent_loggy.documents SET content = 'three'")
    assert not documents(conn)[0]["embedded"], "new text without a new embedding drops the old one"


def test_a_staged_load_upserts_and_is_idempotent(conn: Conn) -> None:
    with conn.transaction():
        stage(conn, (1, "a", "A", "first", ["x"], '{"k": 1}', vec(0)), (2, "b", None, "second", [], "{}", None))
        assert load(conn) == (2, 0, 0, False)
    first = documents(conn)
    with conn.transaction():
        stage(conn, (1, "a", "A", "first", ["x"], '{"k": 1}', None), (2, "b", None, "second", [], "{}", None))
        assert load(conn) == (0, 0, 2, False)
    assert documents(conn) == first, "an identical load touches nothing (not even updated_at)"
    assert first[0]["embedded"], "a row staged without an embedding keeps the stored one"
    with conn.transaction():
        stage(conn, (1, "a", "A", "first, edited", ["x"], '{"k": 1}', None), (2, "c", None, "third", [], "{}", None))
        assert load(conn) == (1, 1, 0, False)
    rows = documents(conn)
    assert [r["external_id"] for r in rows] == ["a", "b", "c"]
    assert rows[0]["content"] == "first, edited" and not rows[0]["embedded"], "edited text drops its old embedding"


def test_the_same_external_id_in_another_source_or_project_is_another_document(conn: Conn) -> None:
    for project, source in (("default", "one"), ("default", "two"), ("other", "one")):
        with conn.transaction():
            stage(conn, (1, "a", None, "text", [], "{}", None))
            assert load(conn, project, source)[0] == 1
    assert conn.execute("SELECT count(*) FROM agent_loggy.documents").fetchone() == (3,)


def test_a_bad_staged_row_refuses_the_whole_load_naming_each_line(conn: Conn) -> None:
    with pytest.raises(psycopg.errors.InvalidParameterValue) as caught, conn.transaction():
        stage(conn,
              (1, "ok", None, "fine", [], "{}", None),
              (2, "", None, "no id", [], "{}", None),
              (3, "ok", None, "duplicate", [], "{}", None),
              (4, "e", None, "   ", [], "{}", None),
              (5, "f", None, "bad tags", ["", "x"], "{}", None),
              (6, "g", None, "array metadata", [], "[1]", None),
              (7, "h", None, "short vector", [], "{}", "[1,2]"),
              (8, "i", None, "zero vector", [], "{}", "[" + ",".join(["0"] * 384) + "]"))
        load(conn)
    assert caught.value.diag.message_detail is not None
    assert caught.value.diag.message_detail.splitlines() == [
        "line 2: external_id is missing or blank",
        "line 3: external_id 'ok' is also on line 1",
        "line 4: content is missing or blank",
        'line 5: invalid tags {"",x}: expected non-blank tags of at most 128 characters',
        "line 6: metadata is a JSON array: expected an object",
        "line 7: embedding has 2 dimensions: expected 384",
        "line 8: embedding is all zeros",
    ]
    assert conn.execute("SELECT count(*) FROM agent_loggy.documents").fetchone() == (0,)


def test_load_checks_its_arguments_and_needs_a_staged_table(conn: Conn) -> None:
    with (pytest.raises(psycopg.errors.InvalidParameterValue, match="invalid source 'no spaces please'"),
          conn.transaction()):
        stage(conn)
        load(conn, source="no spaces please")
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match=r"call agent_loggy\.stage_documents"):
        load(conn)


def index_definitions(conn: Conn) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = 'agent_loggy.documents'::regclass "
        "ORDER BY 1")]


def test_a_load_that_rebuilds_the_vector_index_restores_it_exactly(conn: Conn) -> None:
    conn.execute("DROP INDEX agent_loggy.documents_embedding_idx")
    conn.execute("CREATE INDEX documents_embedding_idx ON agent_loggy.documents "
                 "USING hnsw (embedding vector_cosine_ops) WITH (m = 8, ef_construction = 32)")
    before = index_definitions(conn)
    with conn.transaction():
        stage(conn, *[(i, f"d{i}", None, f"text {i}", [], "{}", vec(i)) for i in range(1, 41)])
        assert load(conn, rebuild=True) == (40, 0, 0, True)
    assert index_definitions(conn) == before
    found = conn.execute("SELECT external_id FROM agent_loggy.search_documents(%s::vector, p_limit => 3)",
                         (vec(10),)).fetchall()
    assert [r[0] for r in found] == ["d10", "d9", "d11"]


def test_the_database_decides_to_rebuild_only_for_big_loads_of_embedded_rows(conn: Conn) -> None:
    with conn.transaction():
        stage(conn, *[(i, f"d{i}", None, f"text {i}", [], "{}", vec(i)) for i in range(1, 21)])
        assert load(conn)[3] is False, "20 embedded rows go straight into the index"
    with conn.transaction():
        stage(conn, *[(i, f"n{i}", None, f"text {i}", [], "{}", None) for i in range(1, 2501)])
        assert load(conn)[3] is False, "rows without embeddings never touch the vector index"
    with conn.transaction():
        conn.execute("SELECT agent_loggy.stage_documents()")
        conn.execute("INSERT INTO pg_temp.agent_loggy_staged_documents (line, external_id, content, embedding) "
                     "SELECT g, 'v' || g, 'text', %s::vector FROM generate_series(1, 2000) AS g", (vec(5),))
        assert load(conn)[3] is True, "2000 embedded rows into a small table: rebuild"


def test_pending_and_stored_embeddings_round_trip(conn: Conn) -> None:
    conn.execute("INSERT INTO agent_loggy.documents (external_id, title, content) VALUES ('a', 'Title', 'Body'), "
                 "('b', NULL, 'Only body')")
    conn.execute("INSERT INTO agent_loggy.context_rules (context, version, important, description, is_active) "
                 "VALUES ('payments', 1, 'card errors', 'money moves', true), ('old', 1, 'x', NULL, false)")
    pending = conn.execute("SELECT id, input FROM agent_loggy.pending_embeddings('documents')").fetchall()
    assert [p[1] for p in pending] == ["Title\n\nBody", "Only body"]
    rules = conn.execute("SELECT input FROM agent_loggy.pending_embeddings('context_rules')").fetchall()
    assert rules == [("payments\nmoney moves\ncard errors",)], "inactive rules are not embedded"
    conn.execute("UPDATE agent_loggy.documents SET content = 'Edited' WHERE external_id = 'b'")
    stored = conn.execute(
        "SELECT agent_loggy.store_embeddings('documents', %s, %s, ARRAY[%s::vector, %s::vector])",
        ([p[0] for p in pending], [p[1] for p in pending], vec(0), vec(90))).fetchone()
    assert stored == (1,), "the row edited since it was fetched keeps waiting"
    left = conn.execute("SELECT input FROM agent_loggy.pending_embeddings('documents')").fetchall()
    assert left == [("Edited",)]


@pytest.mark.parametrize(("call", "message"), [
    ("pending_embeddings('tables')", "invalid embedding target 'tables'"),
    ("store_embeddings('documents', ARRAY[1], ARRAY['a', 'b'], ARRAY['[1,2]'::vector])", "got 1 ids, 2 inputs"),
    ("store_embeddings('documents', ARRAY[1], ARRAY['a'], ARRAY['[1,2]'::vector])", "384 dimensions"),
])
def test_embedding_functions_refuse_bad_arguments(conn: Conn, call: str, message: str) -> None:
    with pytest.raises(psycopg.errors.InvalidParameterValue, match=message):
        conn.execute(f"SELECT * FROM agent_loggy.{call}")


@pytest.mark.parametrize("table", ["documents", "context_rules"])
def test_a_no_op_update_leaves_updated_at_alone_despite_the_generated_column(conn: Conn, table: str) -> None:
    insert = {
        "documents": "INSERT INTO agent_loggy.documents (content, embedding) VALUES ('text', %s::vector)",
        "context_rules": "INSERT INTO agent_loggy.context_rules (context, version, embedding) "
                         "VALUES ('c', 1, %s::vector)",
    }[table]
    conn.execute(insert, (vec(0),))
    before = conn.execute(f"SELECT updated_at FROM agent_loggy.{table}").fetchone()
    conn.execute(f"UPDATE agent_loggy.{table} SET embedding = embedding")
    assert conn.execute(f"SELECT updated_at FROM agent_loggy.{table}").fetchone() == before
    conn.execute(f"UPDATE agent_loggy.{table} SET embedding = %s::vector", (vec(30),))
    after = conn.execute(f"SELECT updated_at FROM agent_loggy.{table}").fetchone()
    assert after is not None and before is not None and after[0] > before[0]


def stage_vectors(conn: Conn, count: int, prefix: str = "v") -> None:
    conn.execute("SELECT agent_loggy.stage_documents()")
    conn.execute("INSERT INTO pg_temp.agent_loggy_staged_documents (line, external_id, content, embedding) "
                 "SELECT g, %s || g, 'text ' || g, %s::vector FROM generate_series(1, %s) AS g",
                 (prefix, vec(5), count))


def test_reloading_unchanged_rows_does_not_rebuild_the_index(conn: Conn) -> None:
    with conn.transaction():
        stage_vectors(conn, 2000)
        assert load(conn) == (2000, 0, 0, True)
    with conn.transaction():
        stage_vectors(conn, 2000)
        assert load(conn) == (0, 0, 2000, False), "nothing changes, so the index is left alone"


def test_concurrent_rebuilding_loads_queue_instead_of_failing(db_url: str) -> None:
    errors: list[BaseException] = []

    def run(source: str) -> None:
        try:
            with psycopg.connect(db_url) as c, c.transaction():
                stage_vectors(c, 300, source)
                assert load(c, source=source, rebuild=True)[0] == 300
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(f"s{i}",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with psycopg.connect(db_url) as c:
        assert c.execute("SELECT count(*) FROM agent_loggy.documents").fetchone() == (900,)
        hnsw = [d for d in index_definitions(c) if "USING hnsw" in d]
        assert len(hnsw) == 1, "the vector index was rebuilt exactly once, not lost or doubled"


def test_more_than_twenty_bad_rows_say_so(conn: Conn) -> None:
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="more than 20 bad rows") as caught, \
            conn.transaction():
        stage(conn, *[(i, f"d{i}", None, " ", [], "{}", None) for i in range(1, 31)])
        load(conn)
    assert caught.value.diag.message_detail is not None
    assert len(caught.value.diag.message_detail.splitlines()) == 20


def test_loading_works_whatever_the_callers_search_path(conn: Conn) -> None:
    with conn.transaction():
        conn.execute("SET LOCAL search_path = agent_loggy")
        conn.execute("SELECT agent_loggy.stage_documents()")
        conn.execute("SET LOCAL search_path = agent_loggy, public")  # for this test's own ::vector cast
        conn.execute(STAGE, (1, "a", None, "text", [], "{}", vec(0)))
        conn.execute("SET LOCAL search_path = agent_loggy")
        assert load(conn) == (1, 0, 0, False)


def test_store_embeddings_keeps_an_embedding_written_meanwhile(conn: Conn) -> None:
    conn.execute("INSERT INTO agent_loggy.documents (external_id, content) VALUES ('a', 'text')")
    pending = conn.execute("SELECT id, input FROM agent_loggy.pending_embeddings('documents')").fetchall()
    conn.execute("UPDATE agent_loggy.documents SET embedding = %s::vector", (vec(45),))
    stored = conn.execute("SELECT agent_loggy.store_embeddings('documents', %s, %s, ARRAY[%s::vector])",
                          ([pending[0][0]], [pending[0][1]], vec(0))).fetchone()
    assert stored == (0,)
    same = conn.execute("SELECT embedding = %s::vector FROM agent_loggy.documents", (vec(45),)).fetchone()
    assert same == (True,)
