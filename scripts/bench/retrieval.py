"""Figure 15: retrieval quality on a real corpus, as a reader login, beside reference implementations.

The corpus is Debian's package descriptions (the archive's `Translation-en` index, which
`apt-get -o Acquire::Languages=en update` fetches and `.ci/run` does): each package's long
description is a document, and its one-line synopsis, written by the package's maintainer, is a
known-item query whose one relevant document is that package's description. Descriptions shared by
several packages (and their synopses) are left out, so every query has exactly one right answer.
The sample is chosen by a hash of the package name, the same on every machine with the same archive.

Measured in one run on the same documents: keyword search (BM25 in SQL, and ts_rank), vector search
(HNSW through search_documents, and exact), hybrid search, against bm25s (Lucene's BM25, Snowball
english stemmer, english stop words) and RRF of bm25s with exact dense search over the same windows.
"""

from __future__ import annotations

import hashlib
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
from pgvector.psycopg import register_vector

from agent_loggy_db.embedding import MiniLMEmbedder
from agent_loggy_db.importers.documents import DocumentRecord, load_documents
from agent_loggy_db.search import as_vector
from scripts.bench.cluster import Cluster, reader_login
from scripts.bench.plan import Plan
from scripts.bench.report import Figure, Line, Side, Table, Target
from scripts.bench.timing import percentile

LISTS = Path("/var/lib/apt/lists")
K, RRF_K = 10, 60
WINDOW = RRF_K + 2 * K  # rrf_candidates(10, 60): the window each hybrid branch ranks
EF_SEARCH = (40, 64, 100, 200)
MISSING = ("Debian's package descriptions are not on this machine: run `apt-get -o Acquire::Languages=en update` "
           "(.ci/run does) so that /var/lib/apt/lists holds a *_i18n_Translation-en* file")


@dataclass(frozen=True)
class Package:
    name: str
    synopsis: str
    description: str


def debian_descriptions() -> list[Package]:
    """Every package of the main archive's english descriptions whose text no other package shares."""
    files = sorted(LISTS.glob("*_main_i18n_Translation-en*"), key=lambda p: p.stat().st_size, reverse=True)
    if not files:
        raise RuntimeError(MISSING)
    text = subprocess.run(["/usr/lib/apt/apt-helper", "cat-file", str(files[0])], check=True,
                          capture_output=True, text=True).stdout
    packages = []
    for paragraph in text.split("\n\n"):
        name, synopsis, lines = "", "", []
        for line in paragraph.splitlines():
            if line.startswith("Package: "):
                name = line.removeprefix("Package: ").strip()
            elif line.startswith("Description-en: "):
                synopsis = line.removeprefix("Description-en: ").strip()
            elif line.startswith(" ") and synopsis:
                lines.append("" if line.strip() == "." else line.strip())
        description = " ".join(" ".join(lines).split())
        if name and synopsis and len(description.split()) >= 15:
            packages.append(Package(name, synopsis, description))
    texts: dict[str, list[Package]] = {}
    for p in packages:
        texts.setdefault(p.description.lower(), []).append(p)
    synopses: dict[str, int] = {}
    for p in packages:
        synopses[p.synopsis.lower()] = synopses.get(p.synopsis.lower(), 0) + 1
    return [p for p in packages if len(texts[p.description.lower()]) == 1 and synopses[p.synopsis.lower()] == 1]


def sample(packages: Sequence[Package], n: int) -> list[Package]:
    return sorted(packages, key=lambda p: hashlib.sha256(p.name.encode()).hexdigest())[:n]


def mrr(found: Sequence[Sequence[int]], relevant: Sequence[int]) -> float:
    """Mean reciprocal rank of the one relevant document within the top K (0 when absent)."""
    total = 0.0
    for ranking, right in zip(found, relevant, strict=True):
        top = list(ranking[:K])
        total += 1 / (top.index(right) + 1) if right in top else 0.0
    return total / len(relevant)


def overlap(found: Sequence[Sequence[int]], truth: Sequence[Sequence[int]]) -> float:
    """Mean share of the exact top K that a search returned."""
    return float(np.mean([len(set(f[:K]) & set(t[:K])) / K for f, t in zip(found, truth, strict=True)]))


def rrf(a: Sequence[Sequence[int]], b: Sequence[Sequence[int]]) -> list[list[int]]:
    """Reciprocal rank fusion (weights 1, rrf_k 60) of two rankings over windows of WINDOW, as hybrid search does."""
    fused = []
    for x, y in zip(a, b, strict=True):
        score: dict[int, float] = {}
        for ranking in (x[:WINDOW], y[:WINDOW]):
            for rank, d in enumerate(ranking, start=1):
                score[d] = score.get(d, 0.0) + 1 / (RRF_K + rank)
        fused.append(sorted(score, key=lambda d: (-score[d], d))[:K])
    return fused


def run(cluster: Cluster, plan: Plan) -> list[Figure]:
    return [quality(cluster, plan)]


def quality(cluster: Cluster, plan: Plan) -> Figure:
    documents = min(1_000, plan.size // 2) if plan.quick else 5_000
    queries = documents // 5
    fig = Figure(15, f"Retrieval quality on a real corpus: {documents:,} Debian package descriptions, "
                     f"{queries:,} known-item queries")
    eligible = debian_descriptions()
    corpus = sample(eligible, documents)
    asked = corpus[:queries]
    embedder = MiniLMEmbedder(batch_size=32)
    began = time.perf_counter()
    doc_vectors = embedder.embed([p.description for p in corpus])
    query_vectors = embedder.embed([p.synopsis for p in asked])
    embed_seconds = time.perf_counter() - began
    relevant = list(range(queries))  # query i asks for document i (ids mapped below)
    found: dict[str, list[list[int]]] = {}
    latency: dict[str, list[float]] = {}

    def timed(name: str, search: Callable[[int], list[int]]) -> None:
        found[name], latency[name] = [], []
        for i in range(queries):
            t0 = time.perf_counter()
            found[name].append(search(i))
            latency[name].append(time.perf_counter() - t0)

    # references, in process
    import bm25s  # a benchmark dependency only
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    retriever = bm25s.BM25(method="lucene", k1=1.2, b=0.75)
    retriever.index(bm25s.tokenize([p.description for p in corpus], stopwords="en", stemmer=stemmer,
                                   show_progress=False), show_progress=False)
    query_tokens = [bm25s.tokenize([p.synopsis], stopwords="en", stemmer=stemmer, show_progress=False)
                    for p in asked]

    def bm25s_search(i: int) -> list[int]:
        if not query_tokens[i].vocab:
            return []
        ids, scores = retriever.retrieve(query_tokens[i], k=min(WINDOW, len(corpus)), show_progress=False)
        return [int(d) for d, s in zip(ids[0], scores[0], strict=True) if s > 0]

    def exact_search(i: int) -> list[int]:
        similarity = doc_vectors @ query_vectors[i]
        return [int(d) for d in np.argsort(-similarity, kind="stable")[:WINDOW]]

    timed("bm25s", bm25s_search)
    timed("exact dense", exact_search)
    found["RRF(bm25s, exact dense)"] = rrf(found["bm25s"], found["exact dense"])

    with cluster.cloned("retrieval") as url, reader_login(url) as (reader, _):
        with psycopg.connect(url) as conn:
            register_vector(conn)
            load_documents(conn, (DocumentRecord(line=i, external_id=str(i), content=p.description,
                                                 embedding=doc_vectors[i]) for i, p in enumerate(corpus)),
                           project="default", source="debian", rebuild_index=True)
            conn.commit()
            conn.autocommit = True
            conn.execute("VACUUM ANALYZE agent_loggy.documents")
            row_of = {int(i): int(e) for i, e in conn.execute("SELECT id, external_id FROM agent_loggy.documents")}
        with psycopg.connect(reader, autocommit=True) as agent:
            register_vector(agent)
            agent.execute("SELECT set_config('agent_loggy.project', 'default', false)")

            def sql_search(query: str, args: Callable[[int], tuple[Any, ...]]) -> Callable[[int], list[int]]:
                return lambda i: [row_of[r[0]] for r in agent.execute(query, args(i))]

            keyword = "SELECT id FROM agent_loggy.keyword_search_documents(%s, 'default', 10)"
            timed("keyword search, BM25 (SQL)", sql_search(keyword, lambda i: (asked[i].synopsis,)))
            agent.execute("SET agent_loggy.keyword_ranking = 'ts_rank'")
            timed("keyword search, ts_rank (SQL)", sql_search(keyword, lambda i: (asked[i].synopsis,)))
            agent.execute("RESET agent_loggy.keyword_ranking")
            vectors = [as_vector(v) for v in query_vectors]
            vector = "SELECT id FROM agent_loggy.search_documents(%s, 'default', 10)"
            timed("search_documents (HNSW, as shipped)", sql_search(vector, lambda i: (vectors[i],)))
            for ef in EF_SEARCH:
                agent.execute(f"SET hnsw.ef_search = {ef}")
                timed(f"HNSW, session ef_search {ef}",
                      sql_search("SELECT id FROM agent_loggy.documents ORDER BY embedding <=> %s LIMIT 10",
                                 lambda i: (vectors[i],)))
            agent.execute("RESET hnsw.ef_search")
            hybrid = "SELECT id FROM agent_loggy.hybrid_search_documents(%s, %s, 'default', 10)"
            timed("hybrid search (SQL)", sql_search(hybrid, lambda i: (asked[i].synopsis, vectors[i])))

    exact = found["exact dense"]
    rows = []
    for name in found:
        p50 = f"{percentile(latency[name], 50) * 1e3:.2f} ms" if name in latency else ""
        p95 = f"{percentile(latency[name], 95) * 1e3:.2f} ms" if name in latency else ""
        rows.append((name, f"{mrr(found[name], relevant):.3f}", f"{overlap(found[name], exact):.3f}", p50, p95))
    fig.tables.append(Table("Quality and latency per method (MRR@10 of the known item; top-10 overlap with exact "
                            "dense search)", ("method", "MRR@10", "top-10 overlap with exact", "p50", "p95"), rows))
    ours, theirs = mrr(found["keyword search, BM25 (SQL)"], relevant), mrr(found["bm25s"], relevant)
    fig.lines.append(Line("Keyword search MRR@10: BM25 in SQL vs bm25s (Lucene BM25) on the same documents",
                          Side("BM25 in SQL", ours, "recall"), Side("bm25s", theirs, "recall"),
                          ours / theirs, "of bm25s's MRR", Target(">=", 1.0),
                          if_missed="the english configuration and Snowball+bm25s tokenise differently; see "
                                    "the table for ts_rank and the per-method figures"))
    hybrid_mrr, reference = mrr(found["hybrid search (SQL)"], relevant), mrr(found["RRF(bm25s, exact dense)"], relevant)
    fig.lines.append(Line("Hybrid MRR@10: hybrid_search_documents vs RRF(bm25s, exact dense search)",
                          Side("hybrid (SQL)", hybrid_mrr, "recall"), Side("RRF(bm25s, exact)", reference, "recall"),
                          hybrid_mrr / reference, "of the reference's MRR", Target(">=", 1.0),
                          if_missed="the vector branch is HNSW, not exact, and the keyword branch is the SQL BM25"))
    shipped = overlap(found["search_documents (HNSW, as shipped)"], exact)
    fig.lines.append(Line("HNSW top-10 overlap with exact search (search_documents as agents call it)",
                          Side("top-10 overlap", shipped, "recall"), target=Target(">=", 0.99, on="a", unit="recall"),
                          if_missed="search_documents runs at hnsw_ef_search(10) = 64; the session ef_search rows "
                                    "show the overlap each setting gives on this corpus"))
    fig.lines.append(Line("HNSW p50 at ef_search 64 (what search_documents runs for 10 rows) vs pgvector's default 40",
                          Side("ef_search 64", percentile(latency["HNSW, session ef_search 64"], 50)),
                          Side("ef_search 40", percentile(latency["HNSW, session ef_search 40"], 50)),
                          percentile(latency["HNSW, session ef_search 64"], 50)
                          / percentile(latency["HNSW, session ef_search 40"], 50),
                          "the default's time", Target("<=", 1.2),
                          if_missed="a longer candidate list visits more of the graph"))
    fig.lines.append(Line("Keyword search p50: BM25 in SQL (reader login, one round trip) vs bm25s in process",
                          Side("SQL", percentile(latency["keyword search, BM25 (SQL)"], 50)),
                          Side("bm25s", percentile(latency["bm25s"], 50)),
                          percentile(latency["keyword search, BM25 (SQL)"], 50) / percentile(latency["bm25s"], 50),
                          "bm25s's time"))
    fig.notes.append(
        f"Documents: {documents:,} long descriptions of Debian packages (bookworm main, `Translation-en`), chosen "
        f"by a SHA-256 of the package name among the {len(eligible):,} whose description "
        f"and synopsis no other package shares, at least 15 words each; queries: the synopses of the first "
        f"{queries:,} (e.g. \"{asked[0].synopsis}\"), each with one relevant document. Embeddings: all-MiniLM-L6-v2 "
        f"(the embed extra), {embed_seconds:.0f} s for documents and queries. SQL sides run as a reader login "
        f"granted the project, bound to it; the session ef_search rows are a plain `ORDER BY embedding <=> q LIMIT "
        f"10` at that setting. References: bm25s {bm25s.__version__} (method lucene, k1 1.2, b 0.75, PyStemmer "
        f"english, stop words en) and exact cosine search in numpy; RRF over windows of {WINDOW} as "
        f"hybrid_search_documents ranks them.")
    return fig
