"""Search and AsyncSearch: typed results over the SQL functions, vectors as lists or numpy
arrays, text embedded with the real local model, and the backfill that fills embeddings."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from types import MappingProxyType
from typing import Any

import numpy as np
import psycopg
import pytest
from pgvector.psycopg import register_vector
from psycopg_pool import ConnectionPool

from agent_loggy_db import (
    ConfigurationError,
    Embedder,
    InvalidInput,
    Settings,
    create_async_pool,
    create_pool,
    load_embedder,
)
from agent_loggy_db.backfill import fill_embeddings, pending_count
from agent_loggy_db.search import AsyncSearch, ContextRuleHit, DocumentHit, PromptHit, Search, as_vector
from tests.test_search_sql import add_document, vec

Conn = psycopg.Connection[Any]

RUNBOOKS = {
    "timeouts": "When the payment gateway times out, retry the card charge once and page the payments team.",
    "probes": "Kubernetes liveness and readiness probes hit /healthz every ten seconds; ignore them.",
    "refunds": "Refunds are batched nightly and settle with the acquiring bank after two business days.",
}


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return load_embedder()


@pytest.fixture
def pool(db_url: str) -> Iterator[ConnectionPool]:
    with create_pool(db_url, Settings(pool_min_size=1, pool_max_size=2)) as p:
        yield p


@pytest.fixture
def embedded(conn: Conn, embedder: Embedder) -> Conn:
    """The runbooks and two context rules, embedded by the backfill as `agent-loggy-db embed` does."""
    for key, text in RUNBOOKS.items():
        conn.execute("INSERT INTO agent_loggy.documents (external_id, content, tags) VALUES (%s, %s, %s)",
                     (key, text, ["runbook"]))
    conn.execute("INSERT INTO agent_loggy.documents (project, external_id, content) VALUES ('other', 'x', %s)",
                 (RUNBOOKS["timeouts"],))
    conn.execute("INSERT INTO agent_loggy.context_rules (context, version, important) VALUES "
                 "('payments', 1, 'card charges, gateway timeouts, declines'), "
                 "('health checks', 1, 'liveness and readiness probes')")
    register_vector(conn)
    for what in ("documents", "context_rules", "prompts"):
        assert pending_count(conn, what) > 0
        result = fill_embeddings(conn, embedder, what, actor="tests", batch_size=2)
        assert result.embedded > 0 and result.skipped == 0
        assert pending_count(conn, what) == 0
    return conn


def test_backfill_fills_config_rows_without_changelog_rows(embedded: Conn) -> None:
    """0034: an embedding fill changes nothing an agent resolves, so it writes no changelog row."""
    filled = embedded.execute("SELECT count(*) FROM agent_loggy.context_rules WHERE embedding IS NULL "
                              "AND is_active").fetchone()
    assert filled == (0,)
    logged = embedded.execute("SELECT count(*) FROM agent_loggy.config_changelog WHERE change_type = 'update' "
                              "AND change_summary LIKE 'embeddings computed with %'").fetchone()
    assert logged == (0,)
    untouched = embedded.execute("SELECT count(*) FROM agent_loggy.documents WHERE project = 'other' "
                                 "AND embedding IS NULL").fetchone()
    assert untouched == (1,), "the backfill stays in its project"


def test_text_queries_find_the_paraphrased_runbook(embedded: Conn, pool: ConnectionPool, embedder: Embedder) -> None:
    search = Search(pool, embedder=embedder)
    hits = search.search_documents("card payment failed because the gateway did not answer in time")
    assert hits[0].external_id == "timeouts"
    assert all(isinstance(h, DocumentHit) and h.project == "default" for h in hits)
    assert hits[0].similarity is not None and hits[0].similarity > hits[1].similarity  # type: ignore[operator]
    assert isinstance(hits[0].metadata, MappingProxyType) and hits[0].tags == ("runbook",)
    hybrid = search.hybrid_search_documents("gateway timeout", tags=["runbook"])
    assert hybrid[0].external_id == "timeouts"
    assert hybrid[0].keyword_rank == 1 and hybrid[0].semantic_rank == 1 and hybrid[0].score is not None
    rules = search.search_context_rules("kubernetes readiness probe noise")
    assert isinstance(rules[0], ContextRuleHit) and rules[0].context == "health checks"
    assert search.hybrid_search_context_rules("gateway timeouts")[0].context == "payments"


def test_vectors_may_be_lists_or_numpy_arrays(conn: Conn, pool: ConnectionPool) -> None:
    add_document(conn, "a", "first", 0)
    add_document(conn, "b", "second", 90)
    search = Search(pool)
    as_list = [float(x) for x in vec(80).strip("[]").split(",")]
    assert [h.external_id for h in search.search_documents(as_list)] == ["b", "a"]
    assert [h.external_id for h in search.search_documents(np.array(as_list, dtype=np.float64))] == ["b", "a"]
    assert [h.external_id for h in search.keyword_search_documents("first")] == ["a"]


def test_errors_are_typed_and_name_the_problem(pool: ConnectionPool) -> None:
    search = Search(pool)
    with pytest.raises(InvalidInput, match="query vector has 3 dimensions: expected 384"):
        search.search_documents([1.0, 2.0, 3.0])
    with pytest.raises(InvalidInput, match="list of numbers or a 1-D array"):
        search.search_documents(np.zeros((2, 384)))
    with pytest.raises(InvalidInput, match="not the string 'runbook'"):
        search.keyword_search_documents("x", tags="runbook")
    with pytest.raises(ConfigurationError, match="no embedder"):
        search.search_documents("some text")
    with pytest.raises(InvalidInput, match="invalid project 'No Such!'"):
        search.keyword_search_documents("x", project="No Such!")


def test_prompt_search_hits_are_typed(conn: Conn, pool: ConnectionPool) -> None:
    conn.execute("INSERT INTO agent_loggy.prompts (name, version, template, description, embedding, labels) "
                 "VALUES ('extract', 1, 'Extract {x}', 'pulls parameters', %s::vector, '{production}')", (vec(0),))
    hits = Search(pool).search_prompts([1.0] + [0.0] * 383)
    assert hits == [PromptHit(id=hits[0].id, project="default", name="extract", version=1, type="text",
                              description="pulls parameters", usage=None, labels=("production",),
                              similarity=hits[0].similarity)]
    assert hits[0].similarity == pytest.approx(1.0)


def test_async_search_matches_the_sync_one(embedded: Conn, db_url: str, embedder: Embedder) -> None:
    async def scenario() -> list[list[Any]]:
        pool = await create_async_pool(db_url, Settings(pool_min_size=1, pool_max_size=2))
        try:
            search = AsyncSearch(pool, embedder=embedder)
            return [
                await search.search_documents("gateway timed out"),
                await search.keyword_search_documents("refunds"),
                await search.hybrid_search_documents("probes", tags=["runbook"]),
                await search.search_context_rules("probes"),
                await search.hybrid_search_context_rules("probes"),
                await search.search_prompts("probes"),
            ]
        finally:
            await pool.close()

    results = asyncio.run(scenario())
    with create_pool(db_url, Settings(pool_min_size=1, pool_max_size=1)) as pool:
        sync = Search(pool, embedder=embedder)
        assert results[0] == sync.search_documents("gateway timed out")
        assert results[1] == sync.keyword_search_documents("refunds")
        assert results[2] == sync.hybrid_search_documents("probes", tags=["runbook"])
        assert results[3] == sync.search_context_rules("probes")
        assert results[4] == sync.hybrid_search_context_rules("probes")
    assert results[1][0].external_id == "refunds"
    assert results[5] and all(isinstance(h, PromptHit) for h in results[5]), "the seeded prompts were embedded"


def test_numbers_beyond_float_range_in_a_query_vector_are_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="query vector"):
        as_vector([10**400] + [0.0] * 383)
