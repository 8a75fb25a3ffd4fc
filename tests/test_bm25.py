"""BM25 in SQL (migration 0020): exact corpus statistics, Lucene's scores, the exact top k without
scoring every match, and the agents' own logins using it.

Scores are checked against a reference computed here, in Python, from the documents' search vectors
(the english analysis is PostgreSQL's; the formula is Lucene's, as bm25s's 'lucene' method).
"""

from __future__ import annotations

import math
import random
import re
import threading
from collections import Counter
from typing import Any

import psycopg
import pytest

from agent_loggy_db import migrations
from tests.conftest import RoleUrl
from tests.test_keyword_plans import gin_scans

Conn = psycopg.Connection[Any]
K1, B = 1.2, 0.75

COUNTS_DRIFT = """
    SELECT (SELECT count(*) FROM (
                SELECT d.project, l.lexeme, count(*) AS documents
                FROM agent_loggy.documents AS d, unnest(tsvector_to_array(d.search_vector)) AS l (lexeme)
                GROUP BY 1, 2
                EXCEPT SELECT project, lexeme, documents FROM agent_loggy.keyword_terms) AS missing)
         + (SELECT count(*) FROM (
                SELECT project, lexeme, documents FROM agent_loggy.keyword_terms
                EXCEPT SELECT d.project, l.lexeme, count(*)
                FROM agent_loggy.documents AS d, unnest(tsvector_to_array(d.search_vector)) AS l (lexeme)
                GROUP BY 1, 2) AS extra)
         + (SELECT count(*) FROM (
                SELECT project, count(*), sum((keyword_frequencies ->> '')::bigint)
                FROM agent_loggy.documents GROUP BY 1
                EXCEPT SELECT project, documents, total_length FROM agent_loggy.keyword_corpus) AS corpus_missing)
         + (SELECT count(*) FROM (
                SELECT project, documents, total_length FROM agent_loggy.keyword_corpus
                EXCEPT SELECT project, count(*), sum((keyword_frequencies ->> '')::bigint)
                FROM agent_loggy.documents GROUP BY 1) AS corpus_extra)
         + (SELECT count(*) FROM agent_loggy.keyword_terms AS t
            LEFT JOIN (SELECT d.project, f.key AS lexeme, max(f.value::integer) AS max_frequency,
                              min((d.keyword_frequencies ->> '')::bigint) AS min_length
                       FROM agent_loggy.documents AS d, jsonb_each_text(d.keyword_frequencies) AS f
                       WHERE f.key <> '' GROUP BY 1, 2) AS a USING (project, lexeme)
            WHERE NOT (t.max_frequency >= a.max_frequency AND t.min_length <= a.min_length))"""

TIGHT_BOUNDS = """
    SELECT count(*) FILTER (WHERE (t.max_frequency, t.min_length) = (a.max_frequency, a.min_length)), count(*)
    FROM agent_loggy.keyword_terms AS t
    JOIN (SELECT d.project, f.key AS lexeme, max(f.value::integer) AS max_frequency,
                 min((d.keyword_frequencies ->> '')::bigint) AS min_length
          FROM agent_loggy.documents AS d, jsonb_each_text(d.keyword_frequencies) AS f
          WHERE f.key <> '' GROUP BY 1, 2) AS a USING (project, lexeme)"""


def drift(conn: Conn) -> int:
    """Rows where keyword_terms / keyword_corpus differ from a recount of the documents (0: exact) or
    bound a lexeme's frequency and length wrongly (a highest frequency below the documents' or a
    shortest length above theirs), after committing (the counts are folded in at commit), plus
    changes left unfolded."""
    conn.commit()
    row = conn.execute(COUNTS_DRIFT + " + (SELECT count(*) FROM agent_loggy.keyword_changes)"
                       " + (SELECT count(*) FROM agent_loggy.keyword_change_transactions)").fetchone()
    assert row is not None
    return int(row[0])


def add(conn: Conn, external_id: str, content: str, *, project: str = "default", title: str | None = None,
        tags: list[str] | None = None) -> int:
    row = conn.execute("INSERT INTO agent_loggy.documents (project, external_id, title, content, tags) "
                       "VALUES (%s, %s, %s, %s, %s) RETURNING id",
                       (project, external_id, title, content, tags or [])).fetchone()
    assert row is not None
    return int(row[0])


def reference_scores(conn: Conn, query: str, project: str = "default", tags: list[str] | None = None,
                     k1: float = K1, b: float = B) -> dict[int, float]:
    """BM25 of every document of `project` (with all `tags`) that contains a query lexeme, computed here."""
    docs: dict[int, tuple[Counter[str], list[str]]] = {}
    for doc_id, lexeme, positions, weights, doc_tags in conn.execute(
            "SELECT d.id, u.lexeme, u.positions, u.weights, d.tags FROM agent_loggy.documents AS d, "
            "unnest(d.search_vector) AS u WHERE d.project = %s", (project,)):
        counts, _ = docs.setdefault(doc_id, (Counter(), doc_tags))
        counts[lexeme] = len(positions) + sum(1 for w in weights if w == "A")  # a title position counts twice
    for (doc_id,) in conn.execute("SELECT id FROM agent_loggy.documents WHERE project = %s", (project,)):
        docs.setdefault(doc_id, (Counter(), []))  # all stop words: length 0
    n = len(docs)
    average = sum(sum(c.values()) for c, _ in docs.values()) / n
    terms = {r[0] for r in conn.execute("SELECT unnest(tsvector_to_array(to_tsvector('english', %s)))", (query,))}
    df = {t: sum(1 for c, _ in docs.values() if t in c) for t in terms}
    scores = {}
    for doc_id, (counts, doc_tags) in docs.items():
        if not terms & counts.keys() or (tags and not set(tags) <= set(doc_tags)):
            continue
        norm = k1 * (1 - b + b * sum(counts.values()) / average)
        scores[doc_id] = sum(math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5)) * counts[t] * (k1 + 1) / (counts[t] + norm)
                             for t in terms & counts.keys())
    return scores


def top(scores: dict[int, float], k: int) -> list[int]:
    return [d for d, _ in sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:k]]


@pytest.fixture
def zipf_corpus(conn: Conn) -> Conn:
    """1,500 documents over a Zipf-like vocabulary (w1 in most of them, w2000 in a handful), some
    titled, some tagged, in project default, and 300 in beta; the common words make MaxScore matter."""
    rng = random.Random(7)
    rows = []
    for i in range(1800):
        words = [f"w{int(math.exp(rng.random() * math.log(2000)))}" for _ in range(rng.randint(5, 40))]
        title = " ".join(words[:2]) if i % 5 == 0 else None
        rows.append(("beta" if i % 6 == 0 else "default", f"z{i}", title, " ".join(words),
                     ["odd"] if i % 2 else []))
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO agent_loggy.documents (project, external_id, title, content, tags) "
                        "VALUES (%s, %s, %s, %s, %s)", rows)
    return conn


QUERIES = ["w1", "w1 w2", "w1 w2 w3 w4", "w1500 w1", "w7 w90 w2", "w333 w12 w1 w5", "w1999 w1998",
           "w40 w41 w42 w43 w44 w45", "nothing matches this"]


@pytest.mark.parametrize("query", QUERIES)
def test_top_k_is_exactly_the_reference_top_k(zipf_corpus: Conn, query: str) -> None:
    expected = reference_scores(zipf_corpus, query)
    for k in (1, 10, 50):
        found = zipf_corpus.execute("SELECT id, score FROM agent_loggy.bm25_document_scores(%s, 'default', %s, NULL)",
                                    (query, k)).fetchall()
        assert [d for d, _ in found] == top(expected, k)
        assert all(score == pytest.approx(expected[d], rel=1e-9) for d, score in found)


def test_tags_parameters_and_single_scores_match_the_reference(zipf_corpus: Conn) -> None:
    query = "w3 w17 w250"
    expected = reference_scores(zipf_corpus, query, tags=["odd"], k1=0.9, b=0.4)
    found = zipf_corpus.execute("SELECT id, score FROM agent_loggy.bm25_document_scores(%s, 'default', 20, '{odd}', "
                                "0.9, 0.4)", (query,)).fetchall()
    assert [d for d, _ in found] == top(expected, 20)
    plain = reference_scores(zipf_corpus, query)
    for doc_id in list(plain)[:30]:
        row = zipf_corpus.execute("SELECT agent_loggy.bm25_score(%s, %s)", (doc_id, query)).fetchone()
        assert row is not None and row[0] == pytest.approx(plain[doc_id], rel=1e-9)
    unmatched = zipf_corpus.execute("SELECT id FROM agent_loggy.documents WHERE project = 'default' AND NOT "
                                    "search_vector @@ 'w3 | w17 | w250'::tsquery LIMIT 1").fetchone()
    assert unmatched is not None
    assert zipf_corpus.execute("SELECT agent_loggy.bm25_score(%s, %s)", (unmatched[0], query)).fetchone() == (0,)


def test_settings_choose_k1_and_b_and_bad_values_are_named(zipf_corpus: Conn) -> None:
    query = "w3 w17"
    expected = reference_scores(zipf_corpus, query, k1=2.0, b=0.0)
    zipf_corpus.execute("SET agent_loggy.bm25_k1 = '2.0'")
    zipf_corpus.execute("SET agent_loggy.bm25_b = '0'")
    found = zipf_corpus.execute("SELECT id FROM agent_loggy.bm25_document_scores(%s, 'default', 10, NULL)",
                                (query,)).fetchall()
    assert [r[0] for r in found] == top(expected, 10)
    zipf_corpus.execute("RESET agent_loggy.bm25_k1")
    zipf_corpus.execute("RESET agent_loggy.bm25_b")
    zipf_corpus.execute("SET extra_float_digits = -15")  # the caller's rounding of floats changes no score
    rounded = zipf_corpus.execute("SELECT id FROM agent_loggy.bm25_document_scores(%s, 'default', 10, NULL)",
                                  (query,)).fetchall()
    zipf_corpus.execute("RESET extra_float_digits")
    plain = reference_scores(zipf_corpus, query)
    assert [r[0] for r in rounded] == top(plain, 10)
    for args, message in ((("-1", None), "invalid BM25 k1 -1: expected 0 to 100"),
                          ((None, "1.5"), "invalid BM25 b 1.5: expected 0 to 1"),
                          ((None, "NaN"), "invalid BM25 b NaN")):
        with pytest.raises(psycopg.errors.InvalidParameterValue, match=message):
            zipf_corpus.execute("SELECT * FROM agent_loggy.bm25_document_scores('w3', 'default', 5, NULL, %s, %s)",
                                args)
        zipf_corpus.rollback()
    zipf_corpus.execute("SET agent_loggy.bm25_k1 = '1e400; DROP TABLE x'")
    hostile = re.escape("agent_loggy.bm25_k1 = '1e400; DROP TABLE x'")
    with pytest.raises(psycopg.errors.InvalidParameterValue, match=hostile):
        zipf_corpus.execute("SELECT * FROM agent_loggy.keyword_search_documents('w3')")


def test_common_words_below_the_threshold_are_never_read(zipf_corpus: Conn, superuser_conn: Conn) -> None:
    """MaxScore: for a rare word with a common one, far fewer documents are scored than match."""
    zipf_corpus.commit()
    zipf_corpus.autocommit = True
    zipf_corpus.execute("VACUUM ANALYZE agent_loggy.documents")  # as autovacuum would: the GIN pending list merged
    superuser_conn.execute("SET enable_seqscan = off")  # 1,800 rows: a scan would be cheaper than any index
    def reads(query: str) -> int:
        """How many rows of documents a search read (and so scored): this transaction's table statistics."""
        counted = ("SELECT coalesce(sum(idx_tup_fetch + seq_tup_read), 0) FROM pg_stat_xact_user_tables "
                   "WHERE relname = 'documents'")
        with superuser_conn.transaction():
            before = superuser_conn.execute(counted).fetchone()
            superuser_conn.execute("SELECT * FROM agent_loggy.bm25_document_scores(%s, 'default', 5, NULL)", (query,))
            after = superuser_conn.execute(counted).fetchone()
        assert before is not None and after is not None
        return int(after[0]) - int(before[0])

    common = superuser_conn.execute("SELECT count(*) FROM agent_loggy.documents WHERE project = 'default' AND "
                                    "search_vector @@ 'w1 | w2'::tsquery").fetchone()
    rare = superuser_conn.execute("SELECT count(*) FROM agent_loggy.documents WHERE project = 'default' AND "
                                  "search_vector @@ 'w150'::tsquery").fetchone()
    assert common is not None and rare is not None and common[0] > 1000 and 5 <= rare[0] < 100
    assert reads("w150 w1 w2") < common[0] / 4
    assert reads("w1 w2") < common[0]  # common words only: those holding just the commoner one cannot reach the top
    found = zipf_corpus.execute("SELECT id FROM agent_loggy.bm25_document_scores('w1 w2', 'default', 5, NULL)"
                                ).fetchall()
    assert [r[0] for r in found] == top(reference_scores(zipf_corpus, "w1 w2"), 5)


def test_counts_stay_exact_through_every_kind_of_write(zipf_corpus: Conn, role_url: RoleUrl) -> None:
    conn = zipf_corpus
    assert drift(conn) == 0
    conn.execute("UPDATE agent_loggy.documents SET content = content || ' w1 extra' WHERE id % 3 = 0")
    conn.execute("UPDATE agent_loggy.documents SET title = 'retitled' WHERE id % 7 = 0")
    conn.execute("UPDATE agent_loggy.documents SET tags = '{x}' WHERE id % 5 = 0")  # no text change
    conn.execute("UPDATE agent_loggy.documents SET project = 'gamma' WHERE id % 11 = 0")
    conn.execute("UPDATE agent_loggy.documents SET id = DEFAULT, content = 'renumbered w1' WHERE id % 17 = 0")
    conn.execute("DELETE FROM agent_loggy.documents WHERE id % 13 = 0")
    conn.execute("""MERGE INTO agent_loggy.documents AS d USING (VALUES ('z5', 'merged text'), ('new', 'brand new'))
                        AS v (external_id, content) ON d.project = 'default' AND d.source = 'manual'
                                                       AND d.external_id = v.external_id
                    WHEN MATCHED THEN UPDATE SET content = v.content
                    WHEN NOT MATCHED THEN INSERT (external_id, content) VALUES (v.external_id, v.content)""")
    with conn.cursor().copy("COPY agent_loggy.documents (external_id, content) FROM STDIN") as copy:
        for i in range(50):
            copy.write_row((f"copied{i}", f"copied words w{i}"))
    assert drift(conn) == 0
    conn.commit()
    with conn.transaction():
        conn.execute("DELETE FROM agent_loggy.documents WHERE project = 'beta'")
        conn.execute("INSERT INTO agent_loggy.documents (external_id, content) VALUES ('stop', 'the of and')")
        conn.execute("SAVEPOINT s")
        conn.execute("INSERT INTO agent_loggy.documents (external_id, content) VALUES ('gone', 'vanishing words')")
        conn.execute("ROLLBACK TO SAVEPOINT s")
    assert drift(conn) == 0
    row = conn.execute("SELECT count(*) FROM agent_loggy.keyword_corpus WHERE project = 'beta'").fetchone()
    assert row == (0,), "a project without documents has no counts"
    writer = role_url("agent_loggy_writer", "default")
    with psycopg.connect(writer) as w:
        w.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        w.execute("UPDATE agent_loggy.documents SET content = 'writer words w1' WHERE external_id = 'z1'")
    conn.commit()
    assert drift(conn) == 0
    conn.execute("TRUNCATE agent_loggy.documents CASCADE")
    assert conn.execute("SELECT count(*) FROM agent_loggy.keyword_terms").fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM agent_loggy.keyword_corpus").fetchone() == (0,)


def test_concurrent_writers_of_a_project_keep_exact_counts(conn: Conn, role_url: RoleUrl) -> None:
    """Eight writers rewriting documents of one project at once, overlapping and several statements a
    transaction: they queue on the project's counts and none deadlocks."""
    conn.execute("INSERT INTO agent_loggy.documents (external_id, content) "
                 "SELECT 'c' || n || '-' || j, 'first text' "
                 "FROM generate_series(0, 7) AS n, generate_series(0, 3) AS j")
    conn.commit()
    url = role_url("agent_loggy_writer", "default")
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            with psycopg.connect(url) as w:
                for batch in range(5):
                    with w.transaction():
                        w.execute("SELECT set_config('agent_loggy.project', 'default', true)")
                        for j in range(4):
                            w.execute("UPDATE agent_loggy.documents SET content = %s, title = %s "
                                      "WHERE external_id = %s", (f"shared words w{j} w{n} w{batch} common",
                                                                 f"t{batch} w{j}", f"c{(n + j) % 8}-{j}"))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert drift(conn) == 0
    row = conn.execute("SELECT documents FROM agent_loggy.keyword_corpus WHERE project = 'default'").fetchone()
    assert row == (32,)


def test_keyword_search_ranks_by_bm25_and_ts_rank_stays_an_option(zipf_corpus: Conn) -> None:
    query = "w3 w17 w250"
    expected = top(reference_scores(zipf_corpus, query), 10)
    found = zipf_corpus.execute("SELECT id, rank FROM agent_loggy.keyword_search_documents(%s)", (query,)).fetchall()
    assert [r[0] for r in found] == expected
    hybrid = zipf_corpus.execute("SELECT id FROM agent_loggy.hybrid_search_documents(%s, NULL)", (query,)).fetchall()
    assert [r[0] for r in hybrid] == expected
    zipf_corpus.execute("SET agent_loggy.keyword_ranking = 'ts_rank'")
    by_ts_rank = zipf_corpus.execute(
        "SELECT id FROM agent_loggy.documents "
        "WHERE project = 'default' AND search_vector @@ 'w3 | w17 | w250'::tsquery "
        "ORDER BY ts_rank(search_vector, 'w3 | w17 | w250'::tsquery, 1) DESC, id LIMIT 10").fetchall()
    found = zipf_corpus.execute("SELECT id FROM agent_loggy.keyword_search_documents(%s)", (query,)).fetchall()
    assert found == by_ts_rank and found != [(d,) for d in expected]
    zipf_corpus.execute("SET agent_loggy.keyword_ranking = 'bm42'")
    with pytest.raises(psycopg.errors.InvalidParameterValue,
                       match="keyword_ranking = 'bm42': expected bm25 or ts_rank"):
        zipf_corpus.execute("SELECT * FROM agent_loggy.keyword_search_documents(%s)", (query,))


def test_a_reader_login_scores_its_project_with_the_gin_index_and_nothing_else(zipf_corpus: Conn,
                                                                               role_url: RoleUrl) -> None:
    zipf_corpus.commit()
    zipf_corpus.autocommit = True
    zipf_corpus.execute("VACUUM ANALYZE agent_loggy.documents")  # as autovacuum would: the GIN pending list merged
    scans = gin_scans(zipf_corpus)
    expected = top(reference_scores(zipf_corpus, "w1999 w40 w1"), 10)
    other = zipf_corpus.execute("SELECT min(id) FROM agent_loggy.documents WHERE project = 'beta'").fetchone()
    assert other is not None
    with psycopg.connect(role_url("agent_loggy_reader", "default"), autocommit=True) as reader:
        reader.execute("SELECT set_config('agent_loggy.project', 'default', false)")
        for _ in range(8):  # past the five custom plans a cached plan would make
            found = reader.execute("SELECT id FROM agent_loggy.keyword_search_documents('w1999 w40 w1')").fetchall()
            assert [r[0] for r in found] == expected
        reader.execute("SELECT pg_stat_force_next_flush()")
        reader.execute("SELECT 1")
        assert gin_scans(zipf_corpus) - scans >= 8, "every call reads through the GIN index"
        plan = reader.execute("SELECT agent_loggy.bm25_score(%s, 'w1')", (expected[0],)).fetchone()
        assert plan is not None and plan[0] > 0
        with pytest.raises(psycopg.errors.NoDataFound, match=f"document {other[0]} not found"):
            reader.execute("SELECT agent_loggy.bm25_score(%s, 'w1')", (other[0],))
        with pytest.raises(psycopg.errors.NoDataFound, match="document 0 not found"):
            reader.execute("SELECT agent_loggy.bm25_score(0, 'w1')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="may not read it"):
            reader.execute("SELECT * FROM agent_loggy.bm25_document_scores('w1', 'beta', 5, NULL)")
        for table in ("keyword_terms", "keyword_corpus"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                reader.execute(f"SELECT * FROM agent_loggy.{table}")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            reader.execute("SELECT * FROM agent_loggy.bm25_query('w1', 'beta')")


def test_hostile_queries_get_clear_answers(zipf_corpus: Conn) -> None:
    add(zipf_corpus, "quotes", "it's o'brien's back\\slash $2 %s {x} 'quoted' w1")
    for text in ("o'brien's", "back\\slash", "$2 %s", "'quoted' w1", "'; DROP TABLE agent_loggy.documents; --"):
        found = zipf_corpus.execute("SELECT id FROM agent_loggy.keyword_search_documents(%s, p_limit => 100)",
                                    (text,)).fetchall()
        assert [r[0] for r in found] == top(reference_scores(zipf_corpus, text), 100)
    huge = " ".join(f"w{i}" for i in range(1, 2000))
    counted = zipf_corpus.execute("SELECT count(*) FROM agent_loggy.bm25_document_scores(%s, 'default', 10, NULL)",
                                  (huge,)).fetchone()
    assert counted == (10,)
    assert zipf_corpus.execute("SELECT count(*) FROM agent_loggy.bm25_document_scores('w1', 'default', 2147483647, "
                               "NULL)").fetchone() == (sum(1 for _ in reference_scores(zipf_corpus, "w1")),)
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="expected some words"):
        zipf_corpus.execute("SELECT agent_loggy.bm25_score(1, '   ')")


def test_a_transaction_searches_with_its_own_changes_and_others_see_them_at_commit(zipf_corpus: Conn,
                                                                                   db_url: str) -> None:
    """Changes are folded into the counts when their transaction commits: until then its own searches
    count them, other sessions do not, and a rollback leaves nothing behind."""
    conn = zipf_corpus  # autocommit: the blocks below are the transactions
    with conn.transaction(force_rollback=True):
        for i in range(30):  # many small statements in one transaction
            add(conn, f"late{i}", f"zebra w1 w{i}")
        mine = conn.execute("SELECT id, score FROM agent_loggy.bm25_document_scores('zebra w1', 'default', 5, NULL)"
                            ).fetchall()
        expected = reference_scores(conn, "zebra w1")
        assert [d for d, _ in mine] == top(expected, 5)
        assert all(score == pytest.approx(expected[d], rel=1e-9) for d, score in mine)
        with psycopg.connect(db_url) as other:
            assert other.execute("SELECT documents FROM agent_loggy.keyword_terms WHERE project = 'default' "
                                 "AND lexeme = 'zebra'").fetchone() is None
    assert drift(conn) == 0
    with conn.transaction():
        for i in range(3):
            add(conn, f"kept{i}", "zebra crossing")
    with psycopg.connect(db_url) as other:
        assert other.execute("SELECT documents FROM agent_loggy.keyword_terms WHERE project = 'default' "
                             "AND lexeme = 'zebra'").fetchone() == (3,)
    assert drift(conn) == 0


def test_the_owner_recounts_after_writes_that_bypassed_the_triggers(zipf_corpus: Conn) -> None:
    conn = zipf_corpus
    with conn.transaction():  # as a bulk load with the triggers off, or a logical replication subscriber
        conn.execute("ALTER TABLE agent_loggy.documents DISABLE TRIGGER keyword_statistics_insert")
        conn.execute("INSERT INTO agent_loggy.documents (external_id, content) VALUES ('replicated', 'unseen words')")
        conn.execute("ALTER TABLE agent_loggy.documents ENABLE TRIGGER keyword_statistics_insert")
    assert drift(conn) > 0
    conn.execute("SELECT agent_loggy.recount_keyword_statistics()")
    assert drift(conn) == 0


@pytest.fixture
def topic_corpus(conn: Conn) -> Conn:
    """Figure 16's kind of text: each document holds two topic words of its cluster, one three times
    and one twice (words x0 and x1 of a cluster never meet), and Zipf-like filler; a query asks for
    two topic words and two fillers."""
    rng = random.Random(11)
    rows = []
    for i in range(2400):
        c = rng.randrange(8)
        a, b = f"t{c}x{i % 6}", f"t{c}x{(i + 3) % 6}"
        filler = [f"f{int(math.exp(rng.random() * math.log(300)))}" for _ in range(rng.randint(10, 30))]
        rows.append((f"t{i}", " ".join([a, b, a, b, a, *filler])))
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO agent_loggy.documents (external_id, content) VALUES (%s, %s)", rows)
    conn.commit()
    conn.autocommit = True
    conn.execute("VACUUM ANALYZE agent_loggy.documents")  # as autovacuum would: the GIN pending list merged
    return conn


def documents_read(conn: Conn, query: str, k: int) -> int:
    """How many rows of documents a search read (and so scored): the transaction's table statistics.
    Sequential scans off, as on a big table (a few thousand rows would rather be scanned)."""
    counted = ("SELECT coalesce(sum(idx_tup_fetch + seq_tup_read), 0) FROM pg_stat_xact_user_tables "
               "WHERE relname = 'documents'")
    with conn.transaction():
        conn.execute("SET LOCAL enable_seqscan = off")
        before = conn.execute(counted).fetchone()
        conn.execute("SELECT * FROM agent_loggy.bm25_document_scores(%s, 'default', %s, NULL)", (query, k))
        after = conn.execute(counted).fetchone()
    assert before is not None and after is not None
    return int(after[0]) - int(before[0])


def test_documents_whose_words_cannot_reach_the_top_together_are_never_read(topic_corpus: Conn,
                                                                          superuser_conn: Conn) -> None:
    """A topic word alone cannot lift a document into the top, nor can the fillers without one: 3,000
    more documents holding a topic word and no filler of the query are not read (single-word pruning
    read every document of the topic words)."""
    query = "t1x0 t1x1 f20 f30"

    def check_top() -> None:
        expected = reference_scores(topic_corpus, query)
        for k in (5, 10):
            found = topic_corpus.execute("SELECT id, score FROM agent_loggy.bm25_document_scores(%s, 'default', %s, "
                                         "NULL)", (query, k)).fetchall()
            assert [d for d, _ in found] == top(expected, k)
            assert all(score == pytest.approx(expected[d], rel=1e-9) for d, score in found)

    check_top()
    before = documents_read(superuser_conn, query, 5)
    with topic_corpus.cursor() as cur:
        cur.executemany("INSERT INTO agent_loggy.documents (external_id, content) VALUES (%s, %s)",
                        [(f"more{i}", f"t1x{i % 2} t1x{i % 2} t1x{i % 2} g{i % 40} g{i % 7}") for i in range(3000)])
    topic_corpus.execute("VACUUM ANALYZE agent_loggy.documents")
    check_top()
    after = documents_read(superuser_conn, query, 5)
    assert after - before < 100, (before, after)  # (the threshold's samples may take a few of them)


def test_the_pruning_query_keeps_the_smallest_word_sets_that_reach_the_threshold(superuser_conn: Conn,
                                                                                  role_url: RoleUrl) -> None:
    def pruning(threshold: float) -> str | None:
        row = superuser_conn.execute("SELECT agent_loggy.bm25_pruning_query('{a,b,c}', '{5,4,1}', %s)::text",
                                     (threshold,)).fetchone()
        assert row is not None
        return None if row[0] is None else str(row[0])

    assert pruning(8.5) == "'a' & 'b'"
    assert pruning(5.5) == "'a' & 'b' | 'a' & 'c'"
    assert pruning(4.9) == "'a' | 'b' & 'c'"
    tie = pruning(5)  # a tie reaches the threshold; sets just above one are kept too (a margin for rounding)
    assert tie is not None and {"'a'", "'b' & 'c'"} <= set(tie.split(" | "))
    assert pruning(0) == "'a' | 'b' | 'c'"
    assert pruning(10.5) is None
    with psycopg.connect(role_url("agent_loggy_reader", "default")) as reader, \
            pytest.raises(psycopg.errors.InsufficientPrivilege):
        reader.execute("SELECT agent_loggy.bm25_pruning_query('{a}', '{1}', 0)")


def test_a_transactions_own_writes_widen_the_bounds_before_commit(topic_corpus: Conn) -> None:
    """A document written in the transaction with a word far more often, or far shorter, than any
    before it is still found by that transaction's own search, and by everyone's after commit."""
    conn = topic_corpus
    query = "t2x0 t2x1 f20 f30"
    with conn.transaction(force_rollback=True):
        loud = add(conn, "loud", " ".join(["t2x0"] * 40 + ["f20"] * 5))
        short = add(conn, "short", "t2x1 f30")
        found = conn.execute("SELECT id FROM agent_loggy.bm25_document_scores(%s, 'default', 5, NULL)",
                             (query,)).fetchall()
        assert [r[0] for r in found] == top(reference_scores(conn, query), 5)
        assert {loud, short} <= {r[0] for r in found}, "both outside the bounds stored before"
    assert drift(conn) == 0


def test_unknown_bounds_stay_unknown_until_the_owner_recounts(conn: Conn) -> None:
    """Counts restored without their bounds (a data-only restore of older statistics) leave them NULL:
    scoring bounds each such lexeme by idf * (k1 + 1), and writes never turn them into one document's
    values (they would be too small for the documents before it)."""
    filler = " ".join(f"w{j}" for j in range(20))
    rows: list[tuple[str, str, str | None, str, list[str]]] = [
        ("nullb", f"d{i}", None, ("x " if i % 2 else "") + "y " + filler, []) for i in range(300)]
    rows.append(("nullb", "loud", None, "x x x x x x x x x x", []))
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO agent_loggy.documents (project, external_id, title, content, tags) "
                        "VALUES (%s, %s, %s, %s, %s)", rows)
    conn.execute("UPDATE agent_loggy.keyword_terms SET max_frequency = NULL, min_length = NULL WHERE project = 'nullb'")
    conn.commit()

    def check() -> None:
        found = conn.execute("SELECT id FROM agent_loggy.bm25_document_scores('x y', 'nullb', 2, NULL)").fetchall()
        assert [r[0] for r in found] == top(reference_scores(conn, "x y", "nullb"), 2)

    check()
    add(conn, "plain", "x y " + " ".join(f"f{j}" for j in range(20)), project="nullb")
    check()  # the transaction's own write, not yet folded
    conn.commit()
    check()
    unknown = conn.execute("SELECT max_frequency, min_length FROM agent_loggy.keyword_terms "
                           "WHERE project = 'nullb' AND lexeme = 'x'").fetchone()
    assert unknown == (None, None)
    conn.execute("SELECT agent_loggy.recount_keyword_statistics()")
    assert drift(conn) == 0
    exact = conn.execute("SELECT max_frequency FROM agent_loggy.keyword_terms "
                         "WHERE project = 'nullb' AND lexeme = 'x'").fetchone()
    assert exact == (10,)
    check()


def test_a_text_edit_rewrites_only_the_bounds_it_widens(conn: Conn) -> None:
    doc = add(conn, "edited", "alpha beta gamma delta epsilon zeta y y")
    add(conn, "other", "alpha alpha alpha y y y")
    conn.commit()

    def versions() -> dict[str, tuple[str, int, int]]:
        return {r[0]: (r[1], r[2], r[3]) for r in conn.execute(
            "SELECT lexeme, xmin::text, documents, max_frequency FROM agent_loggy.keyword_terms "
            "WHERE project = 'default'")}

    before = versions()
    conn.execute("UPDATE agent_loggy.documents SET content = content || ' y y' WHERE id = %s", (doc,))
    conn.commit()
    after = versions()
    assert {k for k in before if before[k] != after[k]} == {"y"}  # y now 4 times: its highest frequency rises
    assert after["y"][2] == 4
    conn.execute("UPDATE agent_loggy.documents SET content = content || ' alpha' WHERE id = %s", (doc,))
    conn.commit()
    assert versions() == after  # alpha twice, in a longer text: within its bounds, no row is written
    assert drift(conn) == 0


def test_the_migration_waits_for_writers_in_flight_instead_of_deadlocking(empty_db_url: str) -> None:
    ids = migrations.migration_ids()
    migrations.apply(empty_db_url, up_to=ids[ids.index("0023_bm25_bounds") - 1])
    errors: list[BaseException] = []
    with psycopg.connect(empty_db_url) as writer:
        writer.execute("INSERT INTO agent_loggy.documents (external_id, content) VALUES ('w', 'in flight words')")

        def migrate() -> None:
            try:
                migrations.apply(empty_db_url, up_to="0023_bm25_bounds")
            except BaseException as exc:  # reported below
                errors.append(exc)

        thread = threading.Thread(target=migrate)
        thread.start()
        thread.join(1.0)
        assert thread.is_alive(), "the migration waits for the writer"
        writer.commit()  # folds its counts into keyword_terms, which the migration has not locked yet
        thread.join(60)
    assert errors == []
    with psycopg.connect(empty_db_url) as check:
        assert drift(check) == 0
        bounds = check.execute("SELECT max_frequency, min_length FROM agent_loggy.keyword_terms "
                               "WHERE lexeme = 'flight'").fetchone()
        assert bounds == (1, 2)  # ('in' is a stop word)
