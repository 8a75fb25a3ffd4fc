"""Fuzzy keyword search (migration 0031): typo'd service names and error codes still find their documents.

Every search here runs as the roles agents log in as (a reader or writer LOGIN granted the project),
never as the owner: the owner only sets the documents up. A query word is corrected against the
project's vocabulary (keyword_terms) through a trigram index, and documents are ranked by BM25 over
the corrections, each weighted by its similarity to the word it corrects.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from agent_loggy_db import InvalidInput, PermissionDenied, create_pool
from agent_loggy_db.search import Search
from tests.conftest import RoleUrl
from tests.test_search_sql import vec

Conn = psycopg.Connection[Any]
READER, WRITER = "agent_loggy_reader", "agent_loggy_writer"

LOGS = {
    "gateway-timeout": ("payment-gateway timeout", "The payment-gateway service returned ERR_GATEWAY_5031 after a "
                        "timeout talking to the card network; retries exhausted", ["incident", "payments"]),
    "auth-refresh": ("auth-service tokens", "The auth-service failed to refresh tokens: ERR_AUTH_4010 invalid "
                     "signature from the identity provider", ["incident"]),
    "inventory-lag": ("inventory-sync lag", "inventory-sync lagging behind: ERR_INVENTORY_2207 queue depth growing "
                      "on the warehouse consumer", ["incident"]),
    "smtp-bounce": ("notification-dispatcher bounces", "notification-dispatcher got ERR_SMTP_5500 mailbox "
                    "unavailable for most receipts", ["noise"]),
    "ledger-deadlock": ("ledger-writer deadlock", "ledger-writer aborted a transfer: ERR_LEDGER_DEADLOCK detected "
                        "while posting entries", ["incident", "payments"]),
    "refund-batch": ("nightly refund batch", "The nightly refund batch finished late; no customer impact", []),
    "sync-worker": ("sync worker", "the sync worker copies ledgers to the warehouse", []),
    "async-worker": ("async worker", "the async worker sends receipts by mail", []),
}

TYPOS = [  # (typed query, the document it means)
    ("paymnet-gatway tiemout", "gateway-timeout"),
    ("paymnet gatway", "gateway-timeout"),
    ("ERR_GAETWAY_5031", "gateway-timeout"),
    ("err_gatewya 5031", "gateway-timeout"),
    ("auth-sevrice ERR_AUHT_4010", "auth-refresh"),
    ("invnetory-sync lagigng", "inventory-lag"),
    ("notifcation-dispatcher bounce", "smtp-bounce"),
    ("ERR_LEGDER_DEADLOCK", "ledger-deadlock"),
    ("ledgr-writter deadlok", "ledger-deadlock"),
]


def add(conn: Conn, project: str, external_id: str, title: str, content: str, tags: list[str]) -> int:
    row = conn.execute("INSERT INTO agent_loggy.documents (project, external_id, title, content, tags, embedding) "
                       "VALUES (%s, %s, %s, %s, %s, %s::vector) RETURNING id",
                       (project, external_id, title, content, tags, vec(len(external_id) * 7))).fetchone()
    assert row is not None
    return int(row[0])


@pytest.fixture
def logs(conn: Conn) -> Conn:
    """LOGS in project default and in beta (beta also holds a word of its own, zanzibar), set up as the owner."""
    for project in ("default", "beta"):
        for external_id, (title, content, tags) in LOGS.items():
            add(conn, project, external_id, title, content, tags)
    add(conn, "beta", "beta-only", "zanzibar outage", "zanzibar-relay dropped every message", [])
    return conn


@pytest.fixture
def reader(logs: Conn, role_url: RoleUrl) -> Iterator[Conn]:
    """A reader login granted project default, its session bound to it."""
    with psycopg.connect(role_url(READER, "default"), autocommit=True) as c:
        c.execute("SELECT set_config('agent_loggy.project', 'default', false)")
        yield c


def fuzzy(c: Conn, query: str, *args: Any, **named: Any) -> list[dict[str, Any]]:
    extra = "".join(f", p_{name} => %({name})s" for name in named)
    params = {"q": query, **{f"a{i}": a for i, a in enumerate(args)}, **named}
    positional = "".join(f", %(a{i})s" for i in range(len(args)))
    return c.cursor(row_factory=dict_row).execute(
        f"SELECT * FROM agent_loggy.fuzzy_search_documents(%(q)s{positional}{extra})", params).fetchall()


@pytest.mark.parametrize(("query", "meant"), TYPOS)
def test_typos_in_service_names_and_error_codes_find_the_document_first(reader: Conn, query: str, meant: str) -> None:
    found = fuzzy(reader, query)
    assert found and found[0]["external_id"] == meant, [(r["external_id"], r["matched_terms"]) for r in found]
    assert {r["project"] for r in found} == {"default"}
    assert [r["rank"] for r in found] == sorted((r["rank"] for r in found), reverse=True)


def test_plain_keyword_search_finds_nothing_for_the_typos(reader: Conn) -> None:
    for query in ("paymnet-gatway tiemout", "invnetory-sync lagigng", "ledgr-writter deadlok"):
        keyword = reader.execute("SELECT external_id FROM agent_loggy.keyword_search_documents(%s)", (query,))
        assert keyword.fetchall()[:1] != [(dict(TYPOS)[query],)], query


def test_matched_terms_say_what_each_word_was_corrected_to(reader: Conn) -> None:
    first = fuzzy(reader, "paymnet-gatway tiemout")[0]
    assert first["matched_terms"] == {"paymnet": "payment", "gatway": "gateway", "tiemout": "timeout",
                                      "paymnet-gatway": "payment-gateway"}
    codes = fuzzy(reader, "ERR_GAETWAY_5031")[0]
    assert codes["matched_terms"] == {"err": "err", "gaetway": "gateway", "5031": "5031"}
    assert reader.execute("SELECT word, lexeme FROM agent_loggy.fuzzy_terms('tiemout', 'default')").fetchall() == [
        ("tiemout", "timeout")]


def test_a_word_found_as_typed_ranks_above_its_corrections(reader: Conn) -> None:
    found = fuzzy(reader, "sync")
    assert {r["external_id"] for r in found[:2]} == {"sync-worker", "inventory-lag"}
    assert [r["matched_terms"] for r in found[:2]] == [{"sync": "sync"}] * 2
    corrected = next(r for r in found if r["external_id"] == "async-worker")
    assert corrected["matched_terms"] == {"sync": "async"} and corrected["rank"] < found[1]["rank"]


@pytest.mark.parametrize("query", ["refund batch", "ledger transfer", "receipts mail", "payment-gateway timeout"])
def test_words_found_as_typed_rank_as_keyword_search_does(reader: Conn, query: str) -> None:
    """Every word in the vocabulary and one lexeme per word: each word stands for itself (similarity 1),
    so fuzzy search is BM25 of the same lexemes, as keyword search ranks them."""
    terms = reader.execute("SELECT word, lexeme, similarity FROM agent_loggy.fuzzy_terms(%s, 'default', 0.3, 1)",
                           (query,)).fetchall()
    assert terms and all(word == lexeme and similarity == 1 for word, lexeme, similarity in terms)
    keyword = reader.execute("SELECT external_id, rank FROM agent_loggy.keyword_search_documents(%s)",
                             (query,)).fetchall()
    assert [(r["external_id"], r["rank"]) for r in fuzzy(reader, query, expansions=1)] == keyword


def test_tags_and_limit_hold(reader: Conn) -> None:
    found = fuzzy(reader, "ERR_GAETWAY ledgr paymnet", "default", 10, ["payments"])
    assert {r["external_id"] for r in found} == {"gateway-timeout", "ledger-deadlock"}
    assert all("payments" in r["tags"] for r in found)
    assert len(fuzzy(reader, "err", "default", 2)) == 2


def test_another_projects_documents_and_words_never_appear(logs: Conn, role_url: RoleUrl) -> None:
    with psycopg.connect(role_url(READER, "default")) as c:  # unbound: its granted projects
        assert {r["project"] for r in fuzzy(c, "paymnet zanzibr relay")} == {"default"}
        assert c.execute("SELECT * FROM agent_loggy.fuzzy_terms('zanzibr', 'default')").fetchall() == []
        for call in ("SELECT * FROM agent_loggy.fuzzy_search_documents('zanzibr', 'beta')",
                     "SELECT * FROM agent_loggy.fuzzy_terms('zanzibr', 'beta')",
                     "SELECT * FROM agent_loggy.hybrid_search_documents('zanzibr', NULL, 'beta', p_fuzzy_weight => 1)"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied for project 'beta'"):
                c.execute(call)
            c.rollback()
    with psycopg.connect(role_url(READER, "default", "beta")) as c:
        c.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="bound to project 'default'"):
            c.execute("SELECT * FROM agent_loggy.fuzzy_search_documents('zanzibr', 'beta')")
        c.rollback()
        beta = fuzzy(c, "zanzibr", "beta")
        assert [(r["external_id"], r["project"]) for r in beta] == [("beta-only", "beta")]


def test_a_writer_finds_its_own_uncommitted_documents(logs: Conn, role_url: RoleUrl) -> None:
    with psycopg.connect(role_url(WRITER, "default")) as c:
        c.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        c.execute("INSERT INTO agent_loggy.documents (project, external_id, content) "
                  "VALUES ('default', 'fresh', 'kafka-rebalancer stalled')")
        found = fuzzy(c, "kafak-rebalancer")
        assert found[0]["external_id"] == "fresh" and found[0]["matched_terms"]["kafak"] == "kafka"
        c.rollback()
        c.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        assert fuzzy(c, "kafak-rebalancer") == []


@pytest.mark.parametrize(("args", "message"), [
    (("",), "query text '': expected some words"),
    (("   ",), "query text '   ': expected some words"),
    ((None,), "query text NULL"),
    ((" ".join(f"word{i}" for i in range(40)),), "has 40 distinct words: fuzzy search corrects at most 32"),
    (("paymnet", "Bad Project"), "invalid project 'Bad Project'"),
    (("paymnet", None), "invalid project NULL"),
    (("paymnet", "default", 0), "invalid limit 0"),
    (("paymnet", "default", 1001), "invalid limit 1001"),
    (("paymnet", "default", 10, ["ok", None]), "invalid tags {ok,NULL}"),
    (("paymnet", "default", 10, None, 0.0), "invalid min_similarity 0: expected more than 0 and at most 1"),
    (("paymnet", "default", 10, None, 1.5), "invalid min_similarity 1.5"),
    (("paymnet", "default", 10, None, float("nan")), "invalid min_similarity NaN"),
    (("paymnet", "default", 10, None, None), "invalid min_similarity NULL"),
    (("paymnet", "default", 10, None, 0.3, 0), "invalid expansions 0: expected 1 to 10"),
    (("paymnet", "default", 10, None, 0.3, 11), "invalid expansions 11"),
    (("paymnet", "default", 10, None, 0.3, None), "invalid expansions NULL"),
])
def test_bad_arguments_are_clear_errors_naming_the_value(reader: Conn, args: tuple[Any, ...], message: str) -> None:
    placeholders = ", ".join(["%s::text", "%s::text", "%s::integer", "%s::text[]", "%s::float8", "%s::integer"]
                             [:len(args)])
    with pytest.raises(psycopg.errors.InvalidParameterValue) as caught:
        reader.execute(f"SELECT * FROM agent_loggy.fuzzy_search_documents({placeholders})", args)
    assert message in str(caught.value)


@pytest.mark.parametrize("query", ["paymnet\\' OR 1=1; --", "tiemout\x01\x1b[31m", "%_ paymnet %%", "'\\\\x00'",
                                   "a" * 3000, "é" * 10 + " paymnet"])
def test_escape_sequences_and_long_words_are_searched_as_text(reader: Conn, query: str) -> None:
    found = fuzzy(reader, query)
    assert {r["project"] for r in found} <= {"default"}
    if "paymnet" in query or "tiemout" in query:
        assert found[0]["external_id"] == "gateway-timeout"


def test_hybrid_gains_a_fuzzy_branch_that_is_off_by_default(reader: Conn) -> None:
    def hybrid(query: str, vector: str | None, **named: Any) -> list[dict[str, Any]]:
        extra = "".join(f", p_{name} => %({name})s" for name in named)
        return reader.cursor(row_factory=dict_row).execute(
            f"SELECT * FROM agent_loggy.hybrid_search_documents(%(q)s, %(v)s::vector{extra})",
            {"q": query, "v": vector, **named}).fetchall()

    plain = hybrid("paymnet gatway", vec(0))
    assert all(r["fuzzy_rank"] is None for r in plain)
    assert plain == hybrid("paymnet gatway", vec(0), fuzzy_weight=0)
    fused = hybrid("paymnet gatway", vec(0), fuzzy_weight=1)
    first = next(r for r in fused if r["external_id"] == "gateway-timeout")
    assert first["fuzzy_rank"] == 1 and first["keyword_rank"] is None
    for r in fused:
        expected = sum(1 / (60 + rank) for rank in (r["keyword_rank"], r["semantic_rank"], r["fuzzy_rank"]) if rank)
        assert r["score"] == pytest.approx(expected, rel=1e-12)
    fuzzy_only = hybrid("ERR_GAETWAY_5031", None, keyword_weight=0, fuzzy_weight=1)
    assert fuzzy_only[0]["external_id"] == "gateway-timeout"
    assert [r["external_id"] for r in fuzzy_only] == [r["external_id"] for r in fuzzy(reader, "ERR_GAETWAY_5031")]
    for named, message in (({"fuzzy_weight": -1}, "invalid fuzzy weight -1"),
                           ({"fuzzy_weight": float("inf")}, "invalid fuzzy weight Infinity"),
                           ({"fuzzy_weight": None}, "invalid fuzzy weight NULL"),
                           ({"fuzzy_weight": 1, "keyword_weight": -1},
                            "invalid weights keyword=-1 semantic=1 fuzzy=1")):
        with pytest.raises(psycopg.errors.InvalidParameterValue, match=re.escape(message)):
            hybrid("paymnet", vec(0), **named)
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="in a branch of weight 0"):
        hybrid("", vec(0), semantic_weight=0, fuzzy_weight=1)


def test_the_python_layer_and_its_typed_errors(logs: Conn, role_url: RoleUrl) -> None:
    with create_pool(role_url(READER, "default")) as pool:
        search = Search(pool)
        hits = search.fuzzy_search_documents("paymnet-gatway tiemout", tags=["payments"])
        assert hits[0].external_id == "gateway-timeout" and hits[0].rank is not None
        assert dict(hits[0].matched_terms or {})["tiemout"] == "timeout"
        hybrid = search.hybrid_search_documents("paymnet-gatway tiemout", fuzzy_weight=1.0)
        assert hybrid[0].external_id == "gateway-timeout" and hybrid[0].fuzzy_rank == 1
        assert all(h.fuzzy_rank is None for h in search.hybrid_search_documents("paymnet", vec_list()))
        with pytest.raises(InvalidInput, match="invalid expansions 0"):
            search.fuzzy_search_documents("paymnet", expansions=0)
        with pytest.raises(PermissionDenied, match="permission denied for project 'beta'"):
            search.fuzzy_search_documents("paymnet", project="beta")


def vec_list() -> list[float]:
    return [float(x) for x in vec(0).strip("[]").split(",")]


# At a realistic vocabulary ------------------------------------------------------------------------------------------


def made_up_words(rng: random.Random, count: int) -> list[str]:
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


@pytest.fixture
def big_vocabulary(logs: Conn) -> Conn:
    """About 40,000 distinct words in project default and 20,000 in beta (made-up service names), analysed."""
    rng = random.Random(18)
    words = made_up_words(rng, 60_000)
    rng.shuffle(words)
    for project, share in (("default", words[:40_000]), ("beta", words[40_000:])):
        rows = [(project, f"v{i}", " ".join(f"{w}-svc" if j % 3 == 0 else w for j, w in enumerate(share[i:i + 20])))
                for i in range(0, len(share), 20)]
        with logs.cursor() as cur:
            cur.executemany("INSERT INTO agent_loggy.documents (project, external_id, content) VALUES (%s, %s, %s)",
                            rows)
    logs.execute("VACUUM ANALYZE agent_loggy.keyword_terms")
    logs.execute("VACUUM ANALYZE agent_loggy.documents")
    return logs


def trigram_scans(conn: Conn) -> int:
    row = conn.execute("SELECT idx_scan FROM pg_stat_user_indexes "
                       "WHERE indexrelname = 'keyword_terms_lexeme_trgm_idx'").fetchone()
    return int(row[0]) if row else 0


def test_the_trigram_index_finds_the_corrections_at_a_realistic_vocabulary(big_vocabulary: Conn,
                                                                          role_url: RoleUrl) -> None:
    count = big_vocabulary.execute("SELECT count(*) FROM agent_loggy.keyword_terms").fetchone()
    assert count is not None and count[0] > 50_000
    plan = "\n".join(r[0] for r in big_vocabulary.execute("""
        EXPLAIN SELECT t.lexeme FROM agent_loggy.keyword_terms AS t
        WHERE t.project = 'default' AND t.lexeme OPERATOR(public.%) 'paymnet'"""))
    assert "keyword_terms_lexeme_trgm_idx" in plan, plan
    before = trigram_scans(big_vocabulary)
    with psycopg.connect(role_url(READER, "default"), autocommit=True) as reader:
        reader.execute("SELECT set_config('agent_loggy.project', 'default', false)")
        for _ in range(8):  # beyond the five custom plans a cached plan would make
            found = fuzzy(reader, "paymnet-gatway tiemout")
            assert found[0]["external_id"] == "gateway-timeout"
        reader.execute("SELECT pg_stat_force_next_flush()")
        reader.execute("SELECT 1")
    assert trigram_scans(big_vocabulary) - before >= 8, "every call looks its words up through the trigram index"
