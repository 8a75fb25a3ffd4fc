"""Figure 16: how search latency grows with the table, as agents run it (a reader login bound to its project).

At each size the same kind of corpus: figure 5's clustered vectors, and text of a few topic words of
the document's cluster plus Zipf-distributed filler words (so queries meet both rare and very common
terms, as real text does). 1 % of the rows are in project rare, the rest in project default. Each
size is loaded into a database of its own (staged binary COPY, then the HNSW index built), and the
load time and the indexes' sizes are reported beside the latencies.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import psycopg
from pgvector.psycopg import register_vector

from agent_loggy_db.importers.documents import DocumentRecord, load_documents
from agent_loggy_db.search import as_vector
from scripts.bench.cluster import Cluster, reader_login
from scripts.bench.data import Corpus, make_corpus
from scripts.bench.plan import Plan
from scripts.bench.report import Figure, Line, Side, Table, Target
from scripts.bench.timing import percentile

FILLER, FILLER_WORDS = 5_000, 30  # filler vocabulary, filler words per document
RARE_EVERY = 100
SEARCHES = {
    "vector": "SELECT id FROM agent_loggy.search_documents(%(vector)s, %(project)s, 10)",
    "filtered vector (1 % project)": "SELECT id FROM agent_loggy.search_documents(%(vector)s, %(project)s, 10)",
    "keyword (BM25)": "SELECT id FROM agent_loggy.keyword_search_documents(%(text)s, %(project)s, 10)",
    "hybrid": "SELECT id FROM agent_loggy.hybrid_search_documents(%(text)s, %(vector)s, %(project)s, 10)",
    # measured last, after README's partial HNSW index for the project is built
    "filtered vector, the project's own HNSW index":
        "SELECT id FROM agent_loggy.search_documents(%(vector)s, %(project)s, 10)",
}
OWN_INDEX = ("CREATE INDEX documents_embedding_rare_idx ON agent_loggy.documents "
             "USING hnsw (embedding vector_cosine_ops) WHERE project = 'rare'")

MISSED = {
    "filtered vector (1 % project)": "the 1 % project grows with the table (10,000 rows at 1,000,000), and its "
                                     "nearest rows are found by sorting them all",
    "filtered vector, the project's own HNSW index": "see the per-size table",
    "keyword (BM25)": "the documents holding a set of the query's words that can reach the top grow with the table "
                      "(BM25 reads them all), and so does a common word's share of the GIN index read to "
                      "intersect them",
}


def sizes(plan: Plan) -> tuple[int, ...]:
    """Quick: a tenth of --size and --size. Full: 10,000, 100,000 and 1,000,000 (up to ten times --size)."""
    if plan.quick:
        return (min(plan.size // 2, max(1_000, plan.size // 10)), plan.size)
    return tuple(n for n in (10_000, 100_000, 1_000_000) if n <= max(10 * plan.size, 100_000))


def filler(rng: np.random.Generator, count: int) -> list[str]:
    """`count` filler words drawn with Zipf-like frequencies (rank r has weight 1/r)."""
    ranks = np.floor(np.exp(rng.random(count) * np.log(FILLER))).astype(np.int64)
    return [f"f{r}" for r in ranks]


def records(corpus: Corpus, seed: int) -> Iterator[DocumentRecord]:
    rng = np.random.default_rng(seed)
    for i in range(len(corpus.vectors)):
        text = corpus.content(i) + " " + " ".join(filler(rng, FILLER_WORDS))
        yield DocumentRecord(line=i + 1, external_id=str(i), content=text, title=None,
                             tags=[f"c{int(corpus.clusters[i]) % 10}"], embedding=corpus.vectors[i])


def run(cluster: Cluster, plan: Plan) -> list[Figure]:
    fig = Figure(16, "Search latency as the table grows, as a reader login: vector, filtered, keyword, hybrid")
    queries = 30 if plan.quick else 100
    p50: dict[str, dict[int, float]] = {name: {} for name in SEARCHES}
    rows = []
    setup_rows = []
    for n in sizes(plan):
        corpus = make_corpus(n, queries, plan.seed)
        rng = np.random.default_rng(plan.seed + 1)
        texts = [f"{corpus.query_text(q)} {' '.join(filler(rng, 2))}" for q in range(queries)]
        vectors = [as_vector(v) for v in corpus.queries]
        with cluster.cloned(f"growth{n}") as url, reader_login(url) as (reader, name):
            loaded = load(url, corpus, plan.seed, name)
            setup_rows.append((f"{n:,}", f"{loaded['load']:.1f} s", f"{loaded['index']:.1f} s",
                               f"{loaded['hnsw_mb']:.0f} MB", f"{loaded['gin_mb']:.0f} MB",
                               f"{loaded['table_mb']:.0f} MB"))
            with psycopg.connect(reader, autocommit=True) as agent:
                register_vector(agent)
                for search, query in SEARCHES.items():
                    if search.endswith("own HNSW index"):
                        with psycopg.connect(url, autocommit=True) as owner:
                            owner.execute(OWN_INDEX)
                    project = "rare" if search.startswith("filtered") else "default"
                    agent.execute("SELECT set_config('agent_loggy.project', %s, false)", (project,))
                    times = []
                    for q in range(queries):
                        args = {"vector": vectors[q], "text": texts[q], "project": project}
                        agent.execute(query, args).fetchall()  # warm: the first call of each query reads pages
                        t0 = time.perf_counter()
                        agent.execute(query, args).fetchall()
                        times.append(time.perf_counter() - t0)
                    p50[search][n] = percentile(times, 50)
                    rows.append((f"{n:,}", search, f"{percentile(times, 50) * 1e3:.2f} ms",
                                 f"{percentile(times, 95) * 1e3:.2f} ms"))
    smallest, largest = sizes(plan)[0], sizes(plan)[-1]
    for search in SEARCHES:
        target = None if search == "vector" else Target("<=", 3.0)
        fig.lines.append(Line(f"{search}: p50 at {largest:,} vs {smallest:,} documents",
                              Side(f"{largest:,}", p50[search][largest]), Side(f"{smallest:,}", p50[search][smallest]),
                              p50[search][largest] / p50[search][smallest], f"the {smallest:,}-row time", target,
                              if_missed=MISSED.get(search, MISSED["keyword (BM25)"])))
    fig.tables.append(Table("Latency per size and search (reader login bound to the project; warm)",
                            ("documents", "search", "p50", "p95"), rows))
    fig.tables.append(Table("Load and index per size (project default: 99 % of the rows)",
                            ("documents", "binary COPY into staging", "merge, statistics and HNSW build",
                             "HNSW index", "full-text GIN index", "table"), setup_rows))
    fig.notes.append(
        f"{queries} queries per size, each run once to warm and once timed. Query text: two topic words of the "
        f"query's cluster and two filler words (Zipf, so often very common ones); query vectors held out from "
        f"the same distribution. Project default holds 99 % of the rows, project rare 1 % (the filtered lines; "
        f"the last one after README's partial HNSW index of project rare is built). "
        f"Documents: figure 5's clustered 384-dimension vectors; text of five topic words and {FILLER_WORDS} "
        f"filler words from a vocabulary of {FILLER:,} with weight 1/rank.")
    return [fig]


def load(url: str, corpus: Corpus, seed: int, reader: str) -> dict[str, float]:
    """Loads the corpus (project rare gets every 100th row), builds the HNSW index; times and sizes."""
    with psycopg.connect(url) as conn:
        register_vector(conn)
        conn.execute("SELECT agent_loggy.grant_project(%s, 'rare', 'read')", (reader,))
        conn.execute("SET maintenance_work_mem = '4GB'")  # the HNSW graph of a million rows in memory (~3 GB)
        everything = list(records(corpus, seed))
        load_documents(conn, (r for r in everything if int(r.external_id) % RARE_EVERY == 0), project="rare",
                       source="bench")
        conn.commit()
        began = time.perf_counter()
        merging: list[float] = []
        result = load_documents(conn, (r for r in everything if int(r.external_id) % RARE_EVERY != 0),
                                project="default", source="bench", rebuild_index=True,
                                on_merge=lambda: merging.append(time.perf_counter()))
        conn.commit()
        ended = time.perf_counter()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE agent_loggy.documents")
        size: Any = conn.execute("""
            SELECT pg_relation_size('agent_loggy.documents_embedding_idx') / 1e6,
                   pg_relation_size('agent_loggy.documents_search_vector_idx') / 1e6,
                   pg_table_size('agent_loggy.documents') / 1e6""").fetchone()
    assert result.index_rebuilt and merging
    return {"load": merging[0] - began, "index": ended - merging[0], "hnsw_mb": size[0], "gin_mb": size[1],
            "table_mb": size[2]}
