"""Vector search at scale: 20,000 documents, filters that keep 1 % of them, recall against exact search.

The vectors are synthetic but shaped like real embeddings: low-rank (16 latent dimensions) and
clustered (100 clusters), plus a little full-rank noise, then normalised. (Purely random
Gaussian vectors are a worst case HNSW is not built for.) They are loaded through the same
staged binary COPY as `agent-loggy-db import documents`, which builds the HNSW index after the
load. Exact search is `ORDER BY (embedding <=> q) + 0` (the index cannot serve it) on a
connection that never prepares statements, so no cached plan can slip the index back in.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import numpy as np
import numpy.typing as npt
import psycopg
import pytest
from pgvector.psycopg import register_vector
from psycopg import sql

from agent_loggy_db.importers.documents import DocumentRecord, load_documents
from agent_loggy_db.urls import with_params
from tests.conftest import TestServer

ROWS, RARE_EVERY, QUERIES, TINY_PROJECTS = 20_000, 100, 40, 150


def corpus(rng: np.random.Generator) -> npt.NDArray[np.float32]:
    mixing = rng.normal(size=(16, 384))
    centres = rng.normal(size=(100, 16)) * 2
    latent = centres[rng.integers(0, 100, ROWS)] + rng.normal(size=(ROWS, 16))
    vectors = latent @ mixing + 0.5 * rng.normal(size=(ROWS, 384))
    unit: npt.NDArray[np.float32] = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    return unit


def records(vectors: npt.NDArray[np.float32], keep: Any) -> Iterator[DocumentRecord]:
    for i, vector in enumerate(vectors):
        if keep(i):
            yield DocumentRecord(line=i + 1, external_id=str(i), content=f"document {i}",
                                 tags=["rare"] if i % RARE_EVERY == 1 else ["common"], embedding=vector.tolist())


@pytest.fixture(scope="module")
def big(pg_server: TestServer, postgresql_noproc: Any) -> Iterator[tuple[str, npt.NDArray[np.float32]]]:
    """A database of its own (cloned from the migrated template): 19,800 documents in project
    default (1 % tagged rare), 200 in project rare and 3 in each of 150 tiny ones; and query vectors
    near stored ones."""
    name = f"alt_big_{uuid.uuid4().hex[:8]}"
    admin = pg_server.url(pg_server.maintenance_dbname)
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(postgresql_noproc.template_dbname)))
    url = pg_server.url(name)
    rng = np.random.default_rng(20261121)
    vectors = corpus(rng)
    with psycopg.connect(url) as conn:
        register_vector(conn)
        result = load_documents(conn, records(vectors, lambda i: i % RARE_EVERY != 0), project="default",
                                source="bench")
        assert result.index_rebuilt, "a load this big builds the HNSW index after the rows are in"
        load_documents(conn, records(vectors, lambda i: i % RARE_EVERY == 0), project="rare", source="bench")
        for tiny in range(TINY_PROJECTS):  # many small projects: a generic plan would expect each project small
            load_documents(conn, records(vectors[tiny * 3:tiny * 3 + 3], lambda i: True), project=f"tiny{tiny}",
                           source="bench")
        conn.commit()
        conn.autocommit = True
        conn.execute("ANALYZE agent_loggy.documents")
    noise = rng.normal(size=(QUERIES, 384)).astype(np.float32) * 0.05
    queries = vectors[rng.integers(0, ROWS, QUERIES)] + noise
    try:
        yield url, queries
    finally:
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


EXACT = ("SELECT id FROM agent_loggy.documents WHERE project = %s AND (%s::text[] IS NULL OR tags @> %s) "
         "AND embedding IS NOT NULL ORDER BY (embedding <=> %s) + 0, id LIMIT 10")


FORCE_HNSW = ("SET enable_seqscan = off", "SET enable_bitmapscan = off", "SET enable_sort = off")
"""Planner settings that leave the HNSW index as the only cheap path, even for a 1 % filter."""


@pytest.mark.parametrize("path", ["planner's choice", "HNSW forced"])
@pytest.mark.parametrize(("project", "tags", "matching"), [
    ("rare", None, 200),  # the project keeps 1 % of the table
    ("default", ["rare"], 200),  # the tag keeps 1 % of the table
    ("default", None, 19_800),  # no filter beyond the project
])
def test_ten_rows_with_high_recall_under_filters(big: tuple[str, Any], project: str, tags: list[str] | None,
                                                 matching: int, path: str) -> None:
    """For a 1 % filter the planner prefers the btree / GIN index and an exact sort; forced onto
    the HNSW index, the iterative scan must still find 10 rows with recall >= 0.95."""
    url, queries = big
    with psycopg.connect(url, prepare_threshold=None) as conn:  # one transaction: per-transaction scan counts
        register_vector(conn)
        count = conn.execute("SELECT count(*) FROM agent_loggy.documents WHERE project = %s "
                             "AND (%s::text[] IS NULL OR tags @> %s)", (project, tags, tags)).fetchone()
        assert count == (matching,)
        if path == "HNSW forced":
            for setting in FORCE_HNSW:
                conn.execute(setting)
        recalls = []
        scans = index_scans(conn)
        for query in queries:
            found = [r[0] for r in conn.execute(
                "SELECT id FROM agent_loggy.search_documents(%s, %s, 10, %s)", (query, project, tags))]
            exact = [r[0] for r in conn.execute(EXACT, (project, tags, tags, query))]
            assert len(found) == 10
            recalls.append(len(set(found) & set(exact)) / 10)
        if path == "HNSW forced":
            assert index_scans(conn) >= scans + len(queries), "every search went through the HNSW index"
    assert sum(recalls) / len(recalls) >= 0.95


def index_scans(conn: psycopg.Connection[Any], index: str = "agent_loggy.documents_embedding_idx") -> int:
    """Scans of `index` (the HNSW index unless told) in this transaction."""
    row = conn.execute("SELECT pg_stat_get_xact_numscans(%s::regclass)", (index,)).fetchone()
    return int(row[0]) if row else 0


def test_unfiltered_search_uses_the_hnsw_index(big: tuple[str, Any]) -> None:
    url, queries = big
    with psycopg.connect(url) as conn:  # one transaction: the per-transaction scan counter
        register_vector(conn)
        before = index_scans(conn)
        conn.execute("SELECT * FROM agent_loggy.search_documents(%s)", (queries[0],)).fetchall()
        assert index_scans(conn) > before
        conn.execute("SELECT * FROM agent_loggy.hybrid_search_documents('document', %s)", (queries[0],)).fetchall()
        assert index_scans(conn) > before + 1


def test_an_index_scan_that_stops_early_falls_back_to_exact_search(big: tuple[str, Any]) -> None:
    """With hnsw.max_scan_tuples tiny, the iterative scan gives up before finding 10 rows of
    the 1 % tag; the function notices and searches exactly, so it still returns the right 10."""
    url, queries = big
    with psycopg.connect(url, prepare_threshold=None) as conn:
        register_vector(conn)
        conn.execute("SET hnsw.max_scan_tuples = 20")
        for setting in FORCE_HNSW:  # keep the planner on the index path for the first try
            conn.execute(setting)
        for query in queries[:5]:
            before = index_scans(conn)
            found = [r[0] for r in conn.execute(
                "SELECT id FROM agent_loggy.search_documents(%s, 'default', 10, ARRAY['rare'])", (query,))]
            assert index_scans(conn) > before, "the first try went through the HNSW index"
            exact = [r[0] for r in conn.execute(EXACT, ("default", ["rare"], ["rare"], query))]
            assert found == exact


def test_results_come_back_sorted_even_from_the_relaxed_index_order(big: tuple[str, Any]) -> None:
    """relaxed_order scans return near-ties out of order; the functions re-sort by exact distance
    (with `+ 0`, or PostgreSQL 17+ drops the re-sort as already done)."""
    url, queries = big
    with psycopg.connect(url, prepare_threshold=None) as conn:
        register_vector(conn)
        for setting in FORCE_HNSW:
            conn.execute(setting)
        for query in queries:
            for project, tags in (("rare", None), ("default", ["rare"]), ("default", None)):
                found = [r[0] for r in conn.execute(
                    "SELECT similarity FROM agent_loggy.search_documents(%s, %s, 50, %s)", (query, project, tags))]
                assert found == sorted(found, reverse=True)
            hybrid = conn.execute("SELECT semantic_rank, similarity FROM agent_loggy.hybrid_search_documents("
                                  "NULL, %s, 'default', 50)", (query,)).fetchall()
            assert [r[0] for r in hybrid] == list(range(1, 51))
            assert [r[1] for r in hybrid] == sorted((r[1] for r in hybrid), reverse=True)




def test_the_function_sizes_its_hnsw_candidate_list_whatever_the_session_sets(big: tuple[str, Any]) -> None:
    """Migration 0021: nearest_document_ids() runs its index scan at hnsw_ef_search(count) (at
    least 64) when the session sets less, for its own call only. A session at ef_search 1 used to
    get a candidate list of one: here every search still matches exact search, and the session's
    setting is left as it was, inside a transaction too."""
    url, queries = big
    with psycopg.connect(url, prepare_threshold=None) as conn:
        register_vector(conn)
        conn.execute("SET hnsw.ef_search = 1")
        recalls = []
        for query in queries:
            found = [r[0] for r in conn.execute("SELECT id FROM agent_loggy.search_documents(%s)", (query,))]
            exact = [r[0] for r in conn.execute(EXACT, ("default", None, None, query))]
            recalls.append(len(set(found) & set(exact)) / 10)
        assert conn.execute("SHOW hnsw.ef_search").fetchone() == ("1",)
        in_plain_sql = [r[0] for r in conn.execute("SELECT id FROM agent_loggy.documents WHERE project = 'default' "
                                                   "ORDER BY embedding <=> %s LIMIT 10", (queries[0],))]
    assert sum(recalls) / len(recalls) >= 0.99
    assert len(in_plain_sql) < 10, "the session's own queries still run at its setting (one candidate)"


def test_the_raised_candidate_list_does_not_talk_the_planner_out_of_the_index(big: tuple[str, Any]) -> None:
    """pgvector's cost of the index path grows with ef_search: planned at 1000 this table is
    sorted exactly. The function plans at pgvector's default (40), whatever the session sets, and
    raises it only for the scan, so 500 rows (ef_search 1000) still come through the HNSW index,
    with the recall of a large candidate list."""
    url, queries = big
    plain = ("SELECT id FROM agent_loggy.documents WHERE project = 'default' AND embedding IS NOT NULL "
             "ORDER BY embedding <=> %s LIMIT 500")
    with psycopg.connect(url, prepare_threshold=None) as conn:  # one transaction: per-transaction scan counts
        register_vector(conn)
        assert conn.execute("SELECT agent_loggy.hnsw_ef_search(500), agent_loggy.hnsw_ef_search(10)").fetchone() \
            == (1000, 64)
        conn.execute("SET hnsw.ef_search = 1000")
        assert "Index Scan" not in str(conn.execute("EXPLAIN " + plain, (queries[0],)).fetchall())
        for query in queries[:3]:  # a session at 1000: the function still plans at 40 (first calls: cached plan)
            before = index_scans(conn)
            conn.execute("SELECT id FROM agent_loggy.search_documents(%s, 'default', 500)", (query,)).fetchall()
            assert index_scans(conn) == before + 1
        conn.execute("SET hnsw.ef_search = 40")
        planned = str(conn.execute("EXPLAIN " + plain, (queries[0],)).fetchall())
        assert "Index Scan using documents_embedding_idx" in planned
        recalls = []
        for query in queries[:10]:
            before = index_scans(conn)
            found = [r[0] for r in conn.execute("SELECT id FROM agent_loggy.search_documents(%s, 'default', 500)",
                                                (query,))]
            assert index_scans(conn) == before + 1, "one HNSW scan: no exact fallback, no second search while planning"
            exact = [r[0] for r in conn.execute(EXACT.replace("LIMIT 10", "LIMIT 500"), ("default", None, None, query))]
            recalls.append(len(set(found) & set(exact)) / 500)
        assert conn.execute("SHOW hnsw.ef_search").fetchone() == ("40",)
    assert sum(recalls) / len(recalls) >= 0.99


def test_each_search_is_planned_for_its_filter(big: tuple[str, Any], reader: str) -> None:
    """Migration 0021 reads the index scan through a cursor, planned for all the rows it returns
    (cursor_tuple_fraction 1; a cursor is planned for a fast start by default, which sent a 1 %
    project to the HNSW index at 8-13 ms instead of its btree index and an exact sort at 4 ms), and
    0024 plans it per call with EXECUTE ... USING. Here, as a reader login, beside 150 tiny projects:
    the big project searches through the HNSW index at every call (more than the five a cached plan
    starts with), the rare project through its btree index and an exact sort; and a tag nobody
    carries goes through the GIN index (which only a plan made for the call's values can use)."""
    url, queries = big
    with psycopg.connect(reader, prepare_threshold=None) as conn:  # one transaction: per-transaction scan counts
        register_vector(conn)
        for query in queries[:12]:  # more than the five custom plans a cached plan starts with
            before = index_scans(conn)
            found = [r[0] for r in conn.execute("SELECT id FROM agent_loggy.search_documents(%s)", (query,))]
            assert index_scans(conn) == before + 1 and len(found) == 10
        for query in queries[:12]:
            before = index_scans(conn)
            found = [r[0] for r in conn.execute("SELECT id FROM agent_loggy.search_documents(%s, 'rare')", (query,))]
            assert index_scans(conn) == before
            with psycopg.connect(url) as check:
                register_vector(check)
                assert found == [r[0] for r in check.execute(EXACT, ("rare", None, None, query))]
    # A tag nobody carries: planned for its value, so through the GIN index, where no policy stands
    # before it (the owner's session; under row level security `@>` is not leakproof and runs after
    # the policy's filter, see SECURITY.md).
    with psycopg.connect(url, prepare_threshold=None) as owner:
        register_vector(owner)
        for query in queries[:8]:
            tags_before = index_scans(owner, "agent_loggy.documents_tags_idx")
            found = [r[0] for r in owner.execute(
                "SELECT id FROM agent_loggy.search_documents(%s, 'default', 10, ARRAY['nowhere'])", (query,))]
            assert index_scans(owner, "agent_loggy.documents_tags_idx") > tags_before, \
                "a generic plan cannot use the GIN index"
            assert found == []


def test_no_function_sets_plan_cache_mode(big: tuple[str, Any]) -> None:
    """A function's SET reaches everything it calls: force_custom_plan on the vector searches (0009,
    0021) made PostgreSQL replan row level security's checks and the grant lookups under them at every
    call (0.6-1.0 ms of a 2.5 ms search). Searches plan their own query per call with EXECUTE ...
    USING instead (0024), which the test above holds to its filter."""
    url, _ = big
    with psycopg.connect(url) as conn:
        setting = conn.execute("""
            SELECT array_agg(p.oid::regprocedure::text ORDER BY p.oid)
            FROM pg_proc AS p, unnest(p.proconfig) AS c (setting)
            WHERE p.pronamespace = 'agent_loggy'::regnamespace AND c.setting LIKE 'plan\\_cache\\_mode=%'
            """).fetchone()
        kept = conn.execute("""
            SELECT count(*) FROM pg_proc AS p
            WHERE p.pronamespace = 'agent_loggy'::regnamespace AND p.proname LIKE 'nearest\\_%\\_ids'
              AND p.proconfig @> ARRAY['hnsw.iterative_scan=relaxed_order']""").fetchone()
    assert setting == (None,)
    assert kept == (4,), "the four nearest_*_ids() (nearest_config_ids of 0030 too) keep their other settings"


@pytest.fixture(scope="module")
def reader(big: tuple[str, Any], pg_server: TestServer) -> Iterator[str]:
    """The URL of a reader login granted projects rare and default in the `big` database."""
    url, _ = big
    name, password = f"alt_reader_{uuid.uuid4().hex[:10]}", uuid.uuid4().hex
    admin = pg_server.url(pg_server.maintenance_dbname)
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE agent_loggy_reader").format(
            sql.Identifier(name), sql.Literal(password)))
    try:
        with psycopg.connect(url, autocommit=True) as owner:
            for project in ("rare", "default"):
                owner.execute("SELECT agent_loggy.grant_project(%s, %s, 'read')", (name, project))
        yield with_params(url, user=name, password=password)
    finally:
        with psycopg.connect(url, autocommit=True) as owner:
            for project in ("rare", "default"):
                owner.execute("SELECT agent_loggy.revoke_project(%s, %s)", (name, project))
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (name,))
            c.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


def test_a_project_with_its_own_partial_hnsw_index_searches_through_it(big: tuple[str, Any], reader: str) -> None:
    """README's advice for a project that holds a small share of a big table: a partial HNSW index of
    its rows. A reader login's search, planned for the call's project, takes it (instead of sorting
    all the project's rows), with high recall; other projects keep the table's index."""
    url, queries = big
    own = "agent_loggy.documents_embedding_rare_idx"
    with psycopg.connect(url, autocommit=True) as owner:
        owner.execute(f"CREATE INDEX {own.split('.')[1]} ON agent_loggy.documents "
                      "USING hnsw (embedding vector_cosine_ops) WHERE project = 'rare'")
    try:
        recalls = []
        with psycopg.connect(reader, prepare_threshold=None) as login, \
                psycopg.connect(url) as check:  # one transaction each: per-transaction scan counts
            register_vector(login)
            register_vector(check)
            for query in queries:
                before, table_before = index_scans(login, own), index_scans(login)
                found = [r[0] for r in login.execute(
                    "SELECT id FROM agent_loggy.search_documents(%s, 'rare')", (query,))]
                assert index_scans(login, own) == before + 1 and index_scans(login) == table_before
                exact = [r[0] for r in check.execute(EXACT, ("rare", None, None, query))]
                assert len(found) == 10
                recalls.append(len(set(found) & set(exact)) / 10)
            before = index_scans(login)
            login.execute("SELECT * FROM agent_loggy.search_documents(%s)", (queries[0],)).fetchall()
            assert index_scans(login) == before + 1
        assert sum(recalls) / len(recalls) >= 0.95
    finally:
        with psycopg.connect(url, autocommit=True) as owner:
            owner.execute(f"DROP INDEX IF EXISTS {own}")
