"""Keyword search uses the GIN index for the agents' own logins, at every call (migration 0019).

Proved with the index's scan counter read after each batch of calls a reader login makes: under row
level security `@@` is not leakproof and a reader's search used to scan the table; a SQL function's
generic plan (from its sixth call) used to scan it too.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from tests.conftest import RoleUrl

Conn = psycopg.Connection[Any]


@pytest.fixture
def many_documents(conn: Conn) -> Conn:
    """4,000 documents in project default and 4,000 in beta; word<n> is in 20 of each (0.25 %), analysed."""
    for project in ("default", "beta"):
        conn.execute("""
            INSERT INTO agent_loggy.documents (project, external_id, content)
            SELECT %s, 'doc-' || g, 'word' || (g %% 200) || ' payment logs of merchant ' || (g %% 7)
            FROM generate_series(1, 4000) AS g""", (project,))
    conn.execute("VACUUM ANALYZE agent_loggy.documents")  # as autovacuum would: the GIN pending list merged
    return conn


def gin_scans(conn: Conn) -> int:
    row = conn.execute("SELECT idx_scan FROM pg_stat_user_indexes "
                       "WHERE indexrelname = 'documents_search_vector_idx'").fetchone()
    return int(row[0]) if row else 0


def test_a_readers_keyword_search_uses_the_gin_index_at_every_call(many_documents: Conn, role_url: RoleUrl) -> None:
    before = gin_scans(many_documents)
    with psycopg.connect(role_url("agent_loggy_reader", "default"), autocommit=True) as reader:
        reader.execute("SELECT set_config('agent_loggy.project', 'default', false)")
        for i in range(12):  # beyond the five custom plans a cached plan would make
            found = reader.execute("SELECT count(*), min(project), max(project) FROM "
                                   "agent_loggy.keyword_search_documents(%s, 'default', 10)",
                                   (f"word{i} refunds",)).fetchone()
            assert found == (10, "default", "default")
        reader.execute("SELECT pg_stat_force_next_flush()")
        reader.execute("SELECT 1")
    assert gin_scans(many_documents) - before >= 12, "every call is an index scan"


def test_the_hybrid_search_of_an_unbound_reader_uses_it_too(many_documents: Conn, role_url: RoleUrl) -> None:
    before = gin_scans(many_documents)
    with psycopg.connect(role_url("agent_loggy_reader", "default"), autocommit=True) as reader:
        for i in range(8):
            rows = reader.execute("SELECT project FROM agent_loggy.hybrid_search_documents(%s, NULL, 'default', 5)",
                                  (f"word{i}",)).fetchall()
            assert rows and {r[0] for r in rows} == {"default"}
        reader.execute("SELECT pg_stat_force_next_flush()")
        reader.execute("SELECT 1")
    assert gin_scans(many_documents) - before >= 8


@pytest.mark.parametrize(("bound", "asked"), [("default", "beta"), (None, "beta"), ("beta", "beta")])
def test_the_owners_read_reaches_only_what_the_login_may_read(many_documents: Conn, role_url: RoleUrl,
                                                              bound: str | None, asked: str) -> None:
    """The rows are read as the owner now, so the function asks who calls it: another project than the
    bound one, an ungranted one, or a binding the login holds no grant for are refused."""
    with psycopg.connect(role_url("agent_loggy_reader", "default")) as reader:
        if bound:
            reader.execute("SELECT set_config('agent_loggy.project', %s, true)", (bound,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="may not read it"):
            reader.execute("SELECT agent_loggy.keyword_document_ids('word1', %s, 5, NULL)", (asked,))
