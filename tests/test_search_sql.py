"""The search functions' SQL API on a small hand-made corpus whose right answers are known.

Vectors live in the plane of the first two dimensions: vec(θ) has cosine similarity cos(θ - φ)
with vec(φ), so every expected similarity and order follows from the angles.
"""

from __future__ import annotations

import math
import random
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from agent_loggy_db import map_error
from tests.conftest import RoleUrl

Conn = psycopg.Connection[Any]
DIMS = 384


def vec(degrees: float, *, extra: dict[int, float] | None = None) -> str:
    """A 384-dimension vector literal at `degrees` in the plane of dimensions 0 and 1."""
    values = [0.0] * DIMS
    values[0], values[1] = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    for dim, value in (extra or {}).items():
        values[dim] = value
    return "[" + ",".join(f"{v:.7f}" for v in values) + "]"


def add_document(conn: Conn, external_id: str, content: str, degrees: float | None = None, *, project: str = "default",
                 title: str | None = None, tags: list[str] | None = None) -> int:
    row = conn.execute(
        "INSERT INTO agent_loggy.documents (project, external_id, title, content, tags, embedding) "
        "VALUES (%s, %s, %s, %s, %s, %s::vector) RETURNING id",
        (project, external_id, title, content, tags or [], None if degrees is None else vec(degrees)),
    ).fetchone()
    assert row is not None
    return int(row[0])


def rows(conn: Conn, query: str, *params: Any) -> list[dict[str, Any]]:
    return conn.cursor(row_factory=dict_row).execute(query, params).fetchall()


def ids(conn: Conn, query: str, *params: Any) -> list[str]:
    """external_id (documents) or context / name of each result row, in order."""
    return [r.get("external_id") or r.get("context") or r["name"] for r in rows(conn, query, *params)]


@pytest.fixture
def corpus(conn: Conn) -> Conn:
    add_document(conn, "a0", "payment gateway timeout while charging the card", 0, tags=["payments", "runbook"])
    add_document(conn, "a30", "card declined by the issuing bank", 30, tags=["payments"])
    add_document(conn, "a60", "kubernetes liveness probe noise", 60, tags=["runbook"])
    add_document(conn, "a90", "nightly refund batch", 90)
    add_document(conn, "plain", "payment timeout without any embedding")
    for project in ("other", "third"):  # identical twins elsewhere: must never show up in default
        add_document(conn, "a0", "payment gateway timeout while charging the card", 0, project=project,
                     tags=["payments", "runbook"])
    return conn


def test_vector_search_orders_by_cosine_similarity(corpus: Conn) -> None:
    found = rows(corpus, "SELECT * FROM agent_loggy.search_documents(%s::vector)", vec(10))
    assert [r["external_id"] for r in found] == ["a0", "a30", "a60", "a90"]
    for r, degrees in zip(found, (0, 30, 60, 90), strict=True):
        assert r["similarity"] == pytest.approx(math.cos(math.radians(degrees - 10)), abs=1e-6)
    assert all(r["project"] == "default" for r in found)


def test_vector_search_skips_rows_without_embeddings_that_keyword_search_finds(corpus: Conn) -> None:
    assert "plain" not in ids(corpus, "SELECT * FROM agent_loggy.search_documents(%s::vector, p_limit => 100)", vec(0))
    assert "plain" in ids(corpus, "SELECT * FROM agent_loggy.keyword_search_documents('timeout')")


def test_limit_is_met_whenever_enough_rows_match(corpus: Conn) -> None:
    two = ids(corpus, "SELECT * FROM agent_loggy.search_documents(%s::vector, 'default', 2)", vec(80))
    assert two == ["a90", "a60"]
    assert len(ids(corpus, "SELECT * FROM agent_loggy.search_documents(%s::vector, 'default', 50)", vec(0))) == 4


def test_tags_keep_documents_carrying_all_of_them(corpus: Conn) -> None:
    search = "SELECT * FROM agent_loggy.search_documents(%s::vector, p_tags => %s)"
    assert ids(corpus, search, vec(90), ["payments"]) == ["a30", "a0"]
    assert ids(corpus, search, vec(90), ["payments", "runbook"]) == ["a0"]
    assert ids(corpus, search, vec(90), []) == ["a90", "a60", "a30", "a0"]
    keyword = "SELECT * FROM agent_loggy.keyword_search_documents('card noise', p_tags => %s)"
    assert ids(corpus, keyword, ["runbook"]) == ["a60", "a0"] or ids(corpus, keyword, ["runbook"]) == ["a0", "a60"]
    hybrid = "SELECT * FROM agent_loggy.hybrid_search_documents('card', %s::vector, p_tags => %s)"
    assert set(ids(corpus, hybrid, vec(0), ["runbook"])) == {"a0", "a60"}


def test_keyword_search_ranks_rows_matching_more_words_and_titles_higher(conn: Conn) -> None:
    add_document(conn, "one", "the gateway returned an error")
    add_document(conn, "two", "the payment gateway returned a timeout error")
    add_document(conn, "titled", "something else entirely", title="Gateway")
    add_document(conn, "none", "nothing relevant here")
    found = rows(conn, "SELECT * FROM agent_loggy.keyword_search_documents('payment gateway timeout')")
    assert [r["external_id"] for r in found][:2] == ["two", "titled"]
    assert {r["external_id"] for r in found} == {"one", "two", "titled"}
    assert [r["rank"] for r in found] == sorted((r["rank"] for r in found), reverse=True)
    assert rows(conn, "SELECT * FROM agent_loggy.keyword_search_documents('the of and')") == []


def test_hybrid_score_is_reciprocal_rank_fusion(corpus: Conn) -> None:
    """Hand computation: keyword 'payment timeout' ranks plain (shorter) then a0; the vector
    branch ranks a30, a0, a60, a90 for a query at 25 degrees; plain and a30 tie at 1/61."""
    found = rows(corpus, "SELECT * FROM agent_loggy.hybrid_search_documents('payment timeout', %s::vector)", vec(25))
    keyword = ids(corpus, "SELECT * FROM agent_loggy.keyword_search_documents('payment timeout')")
    semantic = ["a30", "a0", "a60", "a90"]
    expected = {d: (1 / (60 + keyword.index(d) + 1) if d in keyword else 0)
                + (1 / (60 + semantic.index(d) + 1) if d in semantic else 0) for d in {*keyword, *semantic}}
    inserted = ["a0", "a30", "a60", "a90", "plain"]  # ids ascend in this order: ties go to the lower id
    assert [r["external_id"] for r in found] == sorted(expected, key=lambda d: (-expected[d], inserted.index(d)))
    for r in found:
        assert r["score"] == pytest.approx(expected[r["external_id"]], rel=1e-12)
        assert r["keyword_rank"] == (keyword.index(r["external_id"]) + 1 if r["external_id"] in keyword else None)
        assert r["semantic_rank"] == (semantic.index(r["external_id"]) + 1 if r["external_id"] in semantic else None)
    a0 = next(r for r in found if r["external_id"] == "a0")
    assert a0["score"] == pytest.approx(1 / 62 + 1 / 62)  # second in both lists
    assert a0["similarity"] == pytest.approx(math.cos(math.radians(25)), abs=1e-6)


def test_hybrid_weights_and_k_enter_the_score(corpus: Conn) -> None:
    found = rows(corpus, "SELECT * FROM agent_loggy.hybrid_search_documents('payment timeout', %s::vector, "
                         "p_keyword_weight => 2, p_semantic_weight => 0.5, p_rrf_k => 10)", vec(25))
    for r in found:
        k = 2 / (10 + r["keyword_rank"]) if r["keyword_rank"] else 0
        s = 0.5 / (10 + r["semantic_rank"]) if r["semantic_rank"] else 0
        assert r["score"] == pytest.approx(k + s, rel=1e-12)


def test_hybrid_with_one_query_is_that_branch_alone(corpus: Conn) -> None:
    text_only = rows(corpus, "SELECT * FROM agent_loggy.hybrid_search_documents('payment timeout', NULL)")
    assert [r["external_id"] for r in text_only] == ids(
        corpus, "SELECT * FROM agent_loggy.keyword_search_documents('payment timeout')")
    assert all(r["semantic_rank"] is None and r["similarity"] is None for r in text_only)
    vector_only = ids(corpus, "SELECT * FROM agent_loggy.hybrid_search_documents(NULL, %s::vector)", vec(70))
    assert vector_only == ["a60", "a90", "a30", "a0"]


def test_rrf_fuse_by_hand(conn: Conn) -> None:
    fused = rows(conn, "SELECT * FROM agent_loggy.rrf_fuse(ARRAY[7, 3, 5]::bigint[], ARRAY[3, 9]::bigint[], 1, 1, 60)")
    expected = {3: 1 / 62 + 1 / 61, 7: 1 / 61, 9: 1 / 62, 5: 1 / 63}
    assert [r["id"] for r in fused] == [3, 7, 9, 5]
    for r in fused:
        assert r["score"] == pytest.approx(expected[r["id"]], rel=1e-12)
    assert (fused[0]["keyword_rank"], fused[0]["semantic_rank"]) == (2, 1)
    assert conn.execute("SELECT agent_loggy.rrf_candidates(10, 60)").fetchone() == (80,)


def test_hybrid_fuses_candidate_windows_deep_enough_for_the_top_k(conn: Conn) -> None:
    """Each branch ranks rrf_k + 2 * limit = 80 candidates (a rank beyond its window counts 0, as
    with Elasticsearch's rank_window_size). The result is RRF over those windows, and every row
    of the top 10 of RRF over the complete rankings is inside at least one window."""
    rng = random.Random(7)
    words = ["payment", "timeout", "card", "gateway", "refund", "probe", "kafka", "retry", "ledger", "auth"]
    for i in range(300):
        add_document(conn, f"d{i}", " ".join(rng.choices(words, k=rng.randint(2, 8))), rng.uniform(0, 180))
    query_text, query = "payment gateway retry", vec(40)
    keyword = ids(conn, "SELECT * FROM agent_loggy.keyword_search_documents(%s, p_limit => 1000)", query_text)
    semantic = [r[0] for r in conn.execute(
        "SELECT external_id FROM agent_loggy.documents ORDER BY (embedding <=> %s::vector) + 0, id", (query,))]
    assert len(keyword) > 80 and len(semantic) == 300

    def fused(depth: int, weights: tuple[float, float]) -> list[str]:
        score: dict[str, float] = {}
        for weight, ranking in zip(weights, (keyword[:depth], semantic[:depth]), strict=True):
            for rank, d in enumerate(ranking, start=1):
                score[d] = score.get(d, 0.0) + weight / (60 + rank)
        return sorted(score, key=lambda d: (-score[d], int(d[1:])))[:10]

    for weights in ((1.0, 1.0), (3.0, 1.0), (1.0, 0.2)):
        found = ids(conn, "SELECT * FROM agent_loggy.hybrid_search_documents(%s, %s::vector, "
                          "p_keyword_weight => %s, p_semantic_weight => %s)", query_text, query, *weights)
        assert found == fused(80, weights), weights
        assert set(fused(300, weights)) <= set(keyword[:80]) | set(semantic[:80]), weights


@pytest.mark.parametrize("call", [
    "search_documents(%(v)s, 'other')",
    "keyword_search_documents('payment', 'other')",
    "hybrid_search_documents('payment', %(v)s, 'other')",
])
def test_documents_of_another_project_never_appear(corpus: Conn, call: str) -> None:
    found = rows(corpus, f"SELECT * FROM agent_loggy.{call}" % {"v": f"'{vec(0)}'::vector"})
    assert found and {r["project"] for r in found} == {"other"}
    assert {r["external_id"] for r in found} == {"a0"}


def add_rule(conn: Conn, context: str, degrees: float | None, *, version: int = 1, active: bool = True,
             project: str = "default", important: str = "", description: str = "") -> None:
    conn.execute(
        "INSERT INTO agent_loggy.context_rules (project, context, version, important, description, embedding, "
        "is_active) VALUES (%s, %s, %s, %s, %s, %s::vector, %s)",
        (project, context, version, important, description, None if degrees is None else vec(degrees), active),
    )


def test_context_rule_search_sees_only_the_current_version_of_each_context(conn: Conn) -> None:
    add_rule(conn, "payments", 80, version=1, important="old card rules")
    add_rule(conn, "payments", 0, version=2, important="card charge timeouts")
    add_rule(conn, "payments", 5, version=3, active=False, important="switched off draft")
    add_rule(conn, "health checks", 45, important="probe noise")
    add_rule(conn, "payments", 0, project="other", important="card charge timeouts")
    found = rows(conn, "SELECT * FROM agent_loggy.search_context_rules(%s::vector)", vec(0))
    assert [(r["context"], r["version"]) for r in found] == [("payments", 2), ("health checks", 1)]
    assert found[0]["similarity"] == pytest.approx(1.0, abs=1e-6)
    hybrid = rows(conn, "SELECT * FROM agent_loggy.hybrid_search_context_rules('card timeouts', %s::vector)", vec(50))
    assert [(r["context"], r["version"]) for r in hybrid] == [("payments", 2), ("health checks", 1)]
    assert hybrid[0]["keyword_rank"] == 1 and hybrid[0]["semantic_rank"] == 2
    assert hybrid[0]["score"] == pytest.approx(1 / 61 + 1 / 62)
    other = rows(conn, "SELECT * FROM agent_loggy.hybrid_search_context_rules('card', %s::vector, 'other')", vec(0))
    assert [(r["project"], r["version"]) for r in other] == [("other", 1)]


def test_context_rule_keyword_branch_searches_the_full_text_column(conn: Conn) -> None:
    add_rule(conn, "mobile financial services", None, description="wallet top-ups", important="USSD sessions")
    found = rows(conn, "SELECT * FROM agent_loggy.hybrid_search_context_rules('wallet', NULL)")
    assert [r["context"] for r in found] == ["mobile financial services"]
    assert found[0]["semantic_rank"] is None and found[0]["similarity"] is None


def test_prompt_search_returns_the_newest_active_version_per_name(conn: Conn) -> None:
    def add(name: str, version: int, degrees: float | None, active: bool = True, project: str = "default") -> None:
        conn.execute("INSERT INTO agent_loggy.prompts (project, name, version, template, embedding, is_active) "
                     "VALUES (%s, %s, %s, 'Hello {x}', %s::vector, %s)",
                     (project, name, version, None if degrees is None else vec(degrees), active))

    add("extract", 1, 0)
    add("extract", 2, 60)
    add("summarise", 1, 20)
    add("summarise", 2, 0, active=False)
    add("unembedded", 1, None)
    add("extract", 1, 0, project="other")
    found = rows(conn, "SELECT * FROM agent_loggy.search_prompts(%s::vector)", vec(0))
    assert [(r["name"], r["version"]) for r in found] == [("summarise", 1), ("extract", 2)]
    assert found[1]["similarity"] == pytest.approx(0.5, abs=1e-6)
    assert {r["project"] for r in found} == {"default"}


@pytest.mark.parametrize(("call", "message"), [
    ("search_documents('[1,2,3]')", "query vector has 3 dimensions: expected 384"),
    ("search_documents(NULL)", "query vector is NULL"),
    ("search_documents(array_fill(0, ARRAY[384])::vector)", "query vector is all zeros"),
    ("search_documents(%(v)s, 'Bad Project')", "invalid project 'Bad Project'"),
    ("search_documents(%(v)s, 'default', 0)", "invalid limit 0: expected 1 to 1000"),
    ("search_documents(%(v)s, 'default', 1001)", "invalid limit 1001"),
    ("search_documents(%(v)s, p_tags => ARRAY['ok', NULL])", "invalid tags {ok,NULL}"),
    ("keyword_search_documents('  ')", "query text '  ': expected some words"),
    ("hybrid_search_documents(NULL, NULL)", "needs query text or a query vector, got neither"),
    ("hybrid_search_documents('x', %(v)s, p_keyword_weight => -1)", "invalid weights keyword=-1 semantic=1"),
    ("hybrid_search_documents('x', %(v)s, p_keyword_weight => 0, p_semantic_weight => 0)", "not both 0"),
    ("hybrid_search_documents('x', %(v)s, p_rrf_k => -5)", "invalid rrf_k -5"),
    ("hybrid_search_documents('x', '[1,2]')", "query vector has 2 dimensions"),
    ("search_context_rules('[1,2]')", "query vector has 2 dimensions"),
    ("hybrid_search_context_rules(NULL, NULL)", "got neither"),
    ("search_prompts(%(v)s, 'default', -1)", "invalid limit -1"),
])
def test_bad_arguments_are_clear_errors(conn: Conn, call: str, message: str) -> None:
    with pytest.raises(psycopg.errors.InvalidParameterValue) as caught:
        conn.execute(f"SELECT * FROM agent_loggy.{call}" % {"v": f"'{vec(0)}'::vector"})
    assert message in str(caught.value)
    assert type(map_error(caught.value)).__name__ == "InvalidInput"


def test_search_works_whatever_the_callers_search_path(corpus: Conn) -> None:
    corpus.execute("SET search_path = pg_catalog")
    found = rows(corpus, "SELECT * FROM agent_loggy.hybrid_search_documents('payment', %s::public.vector)", vec(0))
    assert found[0]["external_id"] == "a0"


def test_a_branch_of_weight_zero_is_skipped(corpus: Conn) -> None:
    found = rows(corpus, "SELECT * FROM agent_loggy.hybrid_search_documents('payment timeout', %s::vector, "
                         "p_keyword_weight => 0)", vec(25))
    assert [r["external_id"] for r in found] == ["a30", "a0", "a60", "a90"], "no keyword-only rows padded in at 0"
    assert all(r["keyword_rank"] is None and r["score"] > 0 for r in found)
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="in a branch of weight 0"):
        corpus.execute("SELECT * FROM agent_loggy.hybrid_search_documents('payment', NULL, p_keyword_weight => 0)")


@pytest.mark.parametrize(("search", "nearest"), [
    ("search_documents(%s::vector)", "nearest_document_ids(vector, text, integer, text[])"),
    ("search_context_rules(%s::vector)", "nearest_context_rule_ids(vector, text, integer)"),
    ("search_prompts(%s::vector)", "nearest_prompt_ids(vector, text, integer)"),
])
def test_each_vector_search_searches_once_a_call(corpus: Conn, superuser_conn: Conn, search: str,
                                                 nearest: str) -> None:
    """Migration 0021: planning unnest(nearest_*_ids(...)) evaluated the STABLE search once more for
    its row estimate, so every call searched twice. Counted by PostgreSQL's function statistics
    (tracking them is a superuser setting)."""
    superuser_conn.execute("SET track_functions = 'all'")
    with superuser_conn.transaction():
        for _ in range(3):
            superuser_conn.execute(f"SELECT * FROM agent_loggy.{search}", (vec(10),)).fetchall()
        calls = superuser_conn.execute("SELECT pg_stat_get_xact_function_calls(%s::regprocedure)",
                                       (f"agent_loggy.{nearest}",)).fetchone()
    assert calls == (3,)


def test_a_reader_login_searches_at_the_functions_candidate_list_and_keeps_its_own(
        corpus: Conn, role_url: RoleUrl) -> None:
    """Migration 0021 as agents run it: a reader login granted the project, with hnsw.ef_search 1
    of its own, inside a transaction, forced onto the HNSW path. The function raises the candidate
    list for its own scan only (set_config is_local, which would otherwise last to the end of the
    caller's transaction): the session's value is back afterwards, and its own queries run at it."""
    with psycopg.connect(role_url("agent_loggy_reader", "default")) as c:
        for setting in ("SET hnsw.ef_search = 1", "SET enable_seqscan = off", "SET enable_sort = off"):
            c.execute(setting)
        found = ids(c, "SELECT * FROM agent_loggy.search_documents(%s::vector, 'default', 4)", vec(0))
        assert found == ["a0", "a30", "a60", "a90"]
        assert c.execute("SHOW hnsw.ef_search").fetchone() == ("1",)
        plain = c.execute("SELECT id FROM agent_loggy.documents WHERE project = 'default' AND embedding IS NOT NULL "
                          "ORDER BY embedding <=> %s::vector LIMIT 4", (vec(0),)).fetchall()
        assert len(plain) < 4, "the session's own queries still run at its candidate list of one"
