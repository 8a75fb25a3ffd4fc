"""Figures 19 and 20: embeddings of another model and dimension (migration 0030), and embed --config.

Figure 19: a 1536-dimension config (text-embedding-3-small's size) beside a 384-dimension one
(MiniLM's) in one project, each in its own store with its own HNSW index: recall@10 against exact
search and latency of search_documents() as the reader login, unfiltered and with a tag on 1 % of the
documents; the index's build time and size; and for 1536 dimensions the same index over halfvec
(half the size: pgvector's choice above 2,000 dimensions, where vector cannot be indexed), with its
recall, latency, and a halfvec copy of the store's rows beside the vector ones. The vectors are
shaped like the other vector figures' (low rank, clustered, held-out queries: data.py). Stores are
loaded without their index, which is then built and timed.

Figure 20: `embed --config` (backfill.fill_config_embeddings: pending rows, the model's tokenizer,
chunking, the model, storing) against calling the model directly on the same chunk texts in the same
batches, with the local MiniLM: documents of 30 to 600 words, chunks of 128 tokens.
"""

from __future__ import annotations

import random
import time
from typing import Any

import numpy as np
import numpy.typing as npt
import psycopg
from pgvector import Vector
from pgvector.psycopg import register_vector

from scripts.bench.cluster import Cluster, reader_login
from scripts.bench.data import CLUSTERS, LATENT
from scripts.bench.plan import Plan
from scripts.bench.report import Figure, Line, Side, Table, Target
from scripts.bench.timing import percentile

K = 10
RARE_EVERY = 100


def shaped(rng: np.random.Generator, n: int, queries: int, dims: int) -> tuple[npt.NDArray[np.float32],
                                                                         npt.NDArray[np.float32]]:
    """n stored and `queries` held-out unit vectors of `dims` dimensions, shaped like real embeddings as
    the other vector figures' (data.py): low rank (16 latent dimensions), 100 clusters, a little
    full-rank noise. Uniform random vectors are a known worst case for HNSW."""
    mixing = rng.normal(size=(LATENT, dims))
    centres = rng.normal(size=(CLUSTERS, LATENT)) * 2

    def draw(count: int) -> npt.NDArray[np.float32]:
        latent = centres[rng.integers(0, CLUSTERS, count)] + rng.normal(size=(count, LATENT))
        raw = latent @ mixing + 0.5 * rng.normal(size=(count, dims))
        unit: npt.NDArray[np.float32] = (raw / np.linalg.norm(raw, axis=1, keepdims=True)).astype(np.float32)
        return unit

    return draw(n), draw(queries)


def run(cluster: Cluster, plan: Plan) -> list[Figure]:
    return [stores_figure(cluster, plan), embed_figure(cluster, plan)]


def _exact(vectors: npt.NDArray[np.float32], queries: npt.NDArray[np.float32], rare: bool) -> list[list[int]]:
    """Row numbers of the K nearest rows (cosine) of each query; of the rare rows when `rare`."""
    pool = np.arange(0, len(vectors), RARE_EVERY) if rare else np.arange(len(vectors))
    scores = queries @ vectors[pool].T
    return [[int(pool[i]) for i in np.argsort(-row)[:K]] for row in scores]


def _recall(found: list[list[int]], truth: list[list[int]]) -> float:
    return float(np.mean([len(set(f) & set(t)) / K for f, t in zip(found, truth, strict=True)]))


def stores_figure(cluster: Cluster, plan: Plan) -> Figure:
    n = plan.size
    fig = Figure(19, f"Embedding configs of 384 and 1536 dimensions in one project ({n:,} documents each)")
    rng = np.random.default_rng(plan.seed)
    results: dict[str, dict[str, float]] = {}
    with cluster.cloned("stores") as url, reader_login(url) as (reader, _), \
            psycopg.connect(url, autocommit=True) as owner:
        register_vector(owner)
        owner.execute("INSERT INTO agent_loggy.documents (project, external_id, content, tags) "
                      "SELECT 'default', 'd' || g, 'document ' || g, "
                      "CASE WHEN g %% %s = 0 THEN ARRAY['rare'] ELSE ARRAY['common'] END "
                      "FROM generate_series(0, %s) AS g", (RARE_EVERY, n - 1))
        ids = [int(i) for (i,) in owner.execute(
            "SELECT id FROM agent_loggy.documents ORDER BY (substr(external_id, 2))::integer")]
        for dims in (384, 1536):
            vectors, queries = shaped(rng, n, plan.queries, dims)
            config_id = _store(owner, ids, vectors, dims)
            index = f"embeddings_{config_id}_hnsw_idx"
            build = _build(owner, f"CREATE INDEX {index} ON agent_loggy.embeddings_{config_id} USING hnsw "
                                  f"((embedding::vector({dims})) vector_cosine_ops)")
            row = owner.execute("SELECT pg_relation_size(%s::regclass), pg_table_size(%s::regclass)",
                                (f"agent_loggy.{index}", f"agent_loggy.embeddings_{config_id}")).fetchone()
            assert row is not None
            truth, rare_truth = _exact(vectors, queries, False), _exact(vectors, queries, True)
            position = {i: p for p, i in enumerate(ids)}
            with psycopg.connect(reader, autocommit=True) as agent:
                register_vector(agent)
                agent.execute("SELECT set_config('agent_loggy.project', 'default', false)")
                query = "SELECT id FROM agent_loggy.search_documents(%s, 'default', 10, %s, %s)"
                scans = "SELECT pg_stat_get_xact_numscans(%s::regclass)"
                before = agent.execute(scans, (f"agent_loggy.{index}",)).fetchone()
                plain = _timed(agent, query, [(Vector(q), None, config_id) for q in queries], position)
                after = agent.execute(scans, (f"agent_loggy.{index}",)).fetchone()
                rare = _timed(agent, query, [(Vector(q), ["rare"], config_id) for q in queries], position)
            assert before is not None and after is not None
            index_share = (after[0] - before[0]) / (2 * len(queries))  # each query runs twice (warm, timed)
            results[f"vector({dims})"] = {
                "recall": _recall(plain[0], truth), "p50": percentile(plain[1], 50),
                "rare recall": _recall(rare[0], rare_truth), "rare rows": float(np.mean([len(f) for f in rare[0]])),
                "rare p50": percentile(rare[1], 50), "build": build, "index": row[0] / 1e6, "heap": row[1] / 1e6,
                "index share": index_share}
            if dims == 1536:
                raw = _raw(reader, config_id, "vector(1536)", queries, truth, rare_truth, position)
                results["vector(1536), the query alone"] = {**results["vector(1536)"], **raw}
                results["halfvec(1536), the query alone"] = _halfvec(owner, reader, config_id, queries, truth,
                                                                     rare_truth, position)
    small, large = results["vector(384)"], results["vector(1536)"]
    raw, half = results["vector(1536), the query alone"], results["halfvec(1536), the query alone"]
    fig.tables = [Table("Per store (reader login; search_documents() with the config; 'the query alone': the "
                        "nearest-10 query on the store, the same candidate list)",
                        ("store", "recall@10", "p50", "1 % tag: rows", "recall@10", "p50", "index build", "index size",
                         "table size"),
                        [(name, f"{r['recall']:.3f}", f"{r['p50'] * 1e3:.2f} ms", f"{r['rare rows']:.1f}",
                          f"{r['rare recall']:.3f}", f"{r['rare p50'] * 1e3:.2f} ms", f"{r['build']:.1f} s",
                          f"{r['index']:.0f} MB", f"{r['heap']:.0f} MB") for name, r in results.items()])]
    for name, r in (("384", small), ("1536", large)):
        fig.lines.append(Line(f"recall@10, {name} dimensions", Side(f"vector({name})", r["recall"], "recall"),
                              target=Target(">=", 0.95, on="a", unit="recall"),
                              if_missed="the HNSW candidate list (hnsw_ef_search) is too short for these vectors"))
        fig.lines.append(Line(f"recall@10 under a 1 % tag, {name} dimensions",
                              Side(f"vector({name})", r["rare recall"], "recall"),
                              target=Target(">=", 0.95, on="a", unit="recall"),
                              if_missed="the iterative scan stopped before the filter kept enough rows"))
        fig.lines.append(Line(f"share of unfiltered searches that read the store's HNSW index, {name} dimensions",
                              Side(f"vector({name})", r["index share"], "recall"),
                              target=Target(">=", 0.99, on="a", unit="recall"),
                              if_missed="the planner found an exact scan of the store cheaper"))
        fig.lines.append(Line(f"rows under a 1 % tag (k = 10), {name} dimensions",
                              Side(f"vector({name})", r["rare rows"], "rows"),
                              target=Target(">=", 10, on="a", unit="rows"),
                              if_missed="the exact fallback did not run"))
    fig.lines.append(Line("search latency p50, 1536 vs 384 dimensions", Side("1536", large["p50"]),
                          Side("384", small["p50"]), large["p50"] / small["p50"], "1536 / 384"))
    fig.lines.append(Line("index build, 1536 vs 384 dimensions", Side("1536", large["build"]),
                          Side("384", small["build"]), large["build"] / small["build"], "1536 / 384"))
    fig.lines.append(Line("index size, halfvec vs vector (1536 dimensions)", Side("halfvec", half["index"], "MB"),
                          Side("vector", large["index"], "MB"), half["index"] / large["index"], "halfvec / vector",
                          Target("<=", 0.6), "halfvec stores 2 bytes a dimension against 4: about half"))
    fig.lines.append(Line("recall@10, halfvec vs vector index (1536 dimensions, the query alone)",
                          Side("halfvec", half["recall"], "recall"), Side("vector", raw["recall"], "recall"),
                          half["recall"] / raw["recall"], "halfvec / vector", Target(">=", 0.98),
                          "half precision moved neighbours"))
    fig.lines.append(Line("latency p50, halfvec vs vector index (1536 dimensions, the query alone)",
                          Side("halfvec", half["p50"]), Side("vector", raw["p50"]), half["p50"] / raw["p50"],
                          "halfvec / vector"))
    fig.lines.append(Line("table size, halfvec copy vs vector store (1536 dimensions)",
                          Side("halfvec", half["heap"], "MB"), Side("vector", large["heap"], "MB"),
                          half["heap"] / large["heap"], "halfvec / vector"))
    fig.notes.append("Vectors of up to 2,000 dimensions are kept in the row (STORAGE PLAIN, a 1536-dimension "
                     "vector is 6 kB of an 8 kB page); stores above 2,000 dimensions are indexed as halfvec, "
                     "since pgvector's HNSW indexes vector up to 2,000 dimensions and halfvec up to 4,000.")
    return fig


def _store(owner: psycopg.Connection[Any], ids: list[int], vectors: npt.NDArray[np.float32], dims: int) -> int:
    """A config of `dims` dimensions with one vector per document, loaded without the index (dropped)."""
    row = owner.execute("INSERT INTO agent_loggy.embedding_configs (project, name, version, embedding_model, "
                        "dimensions) VALUES ('default', %s, 1, %s, %s) RETURNING id",
                        (f"bench{dims}", f"bench/{dims}", dims)).fetchone()
    assert row is not None
    config_id = int(row[0])
    owner.execute(f"DROP INDEX agent_loggy.embeddings_{config_id}_hnsw_idx")
    with owner.cursor() as cur, cur.copy(
            "COPY agent_loggy.embeddings (config_id, project, kind, item_id, chunk, input_md5, tags, embedding) "
            "FROM STDIN WITH (FORMAT BINARY)") as copy:
        copy.set_types(["bigint", "text", "text", "bigint", "integer", "text", "text[]", "vector"])
        for p, (item, vector) in enumerate(zip(ids, vectors, strict=True)):
            copy.write_row((config_id, "default", "documents", item, 0, "0" * 32,
                            ["rare"] if p % RARE_EVERY == 0 else ["common"], vector))
    owner.execute(f"VACUUM ANALYZE agent_loggy.embeddings_{config_id}")
    return config_id


def _build(owner: psycopg.Connection[Any], statement: str) -> float:
    owner.execute("SET maintenance_work_mem = '2GB'")
    began = time.perf_counter()
    owner.execute(statement)
    return time.perf_counter() - began


def _timed(agent: psycopg.Connection[Any], query: str, params: list[tuple[Any, ...]],
           position: dict[int, int]) -> tuple[list[list[int]], list[float]]:
    found, seconds = [], []
    for args in params:
        agent.execute(query, args).fetchall()  # warm
        began = time.perf_counter()
        rows = agent.execute(query, args).fetchall()
        seconds.append(time.perf_counter() - began)
        found.append([position[int(r[0])] for r in rows])
    return found, seconds


def _raw(reader: str, config_id: int, typ: str, queries: npt.NDArray[np.float32], truth: list[list[int]],
         rare_truth: list[list[int]], position: dict[int, int]) -> dict[str, float]:
    """The nearest-K query on the store ordered by embedding::typ, as the reader, at the candidate list the
    search functions use (hnsw_ef_search of 4 K + 16 rows)."""
    query = ("SELECT item_id FROM agent_loggy.embeddings WHERE config_id = %s AND kind = 'documents' "
             "AND project = 'default' AND (%s::text[] IS NULL OR tags @> %s::text[]) "
             f"ORDER BY embedding::{typ} <=> %s::{typ} LIMIT 10")
    with psycopg.connect(reader, autocommit=True) as agent:
        register_vector(agent)
        agent.execute("SELECT set_config('agent_loggy.project', 'default', false)")
        agent.execute("SET hnsw.iterative_scan = relaxed_order")
        agent.execute("SELECT set_config('hnsw.ef_search', agent_loggy.hnsw_ef_search(%s)::text, false)", (4 * K + 16,))
        plain = _timed(agent, query, [(config_id, None, None, Vector(q)) for q in queries], position)
        rare = _timed(agent, query, [(config_id, ["rare"], ["rare"], Vector(q)) for q in queries], position)
    return {"recall": _recall(plain[0], truth), "p50": percentile(plain[1], 50),
            "rare recall": _recall(rare[0], rare_truth), "rare rows": float(np.mean([len(f) for f in rare[0]])),
            "rare p50": percentile(rare[1], 50)}


def _halfvec(owner: psycopg.Connection[Any], reader: str, config_id: int, queries: npt.NDArray[np.float32],
             truth: list[list[int]], rare_truth: list[list[int]], position: dict[int, int]) -> dict[str, float]:
    """The same store indexed over halfvec(1536) instead, the same query over it."""
    index = f"embeddings_{config_id}_halfvec_idx"
    owner.execute(f"DROP INDEX agent_loggy.embeddings_{config_id}_hnsw_idx")  # the halfvec index alone
    build = _build(owner, f"CREATE INDEX {index} ON agent_loggy.embeddings_{config_id} USING hnsw "
                          "((embedding::halfvec(1536)) halfvec_cosine_ops)")
    owner.execute(f"CREATE TABLE public.bench_halfvec AS SELECT item_id, embedding::halfvec(1536) AS embedding "
                  f"FROM agent_loggy.embeddings_{config_id}")
    row = owner.execute("SELECT pg_relation_size(%s::regclass), pg_table_size('public.bench_halfvec')",
                        (f"agent_loggy.{index}",)).fetchone()
    owner.execute("DROP TABLE public.bench_halfvec")
    assert row is not None
    return {**_raw(reader, config_id, "halfvec(1536)", queries, truth, rare_truth, position), "build": build,
            "index": row[0] / 1e6, "heap": row[1] / 1e6}


def embed_figure(cluster: Cluster, plan: Plan) -> Figure:
    from agent_loggy_db import chunking
    from agent_loggy_db.backfill import embedding_config, fill_config_embeddings
    from agent_loggy_db.embedding import load_embedder

    count = 20 if plan.quick else 300
    fig = Figure(20, f"embed --config against the model alone ({count} documents of 30-600 words, chunks of "
                     "128 tokens, MiniLM on CPU)")
    words = ("payment", "gateway", "card", "refund", "timeout", "settlement", "batch", "merchant", "retry",
             "declined", "ledger", "webhook")
    rnd = random.Random(plan.seed)
    texts = [" ".join(rnd.choice(words) + (str(rnd.randint(0, 99)) if rnd.random() < 0.2 else "")
                      for _ in range(rnd.randint(30, 600))) for _ in range(count)]
    embedder = load_embedder()
    embedder.embed(["warm up"])
    batch = 64
    with cluster.cloned("embed") as url, psycopg.connect(url) as conn:
        register_vector(conn)
        with conn.transaction():
            conn.execute("INSERT INTO agent_loggy.embedding_configs (project, name, version, embedding_model, "
                         "dimensions, chunk_size, chunk_overlap, chunking_strategy) VALUES ('default', 'minilm', 1, "
                         "%s, 384, 128, 16, 'fixed')", (embedder.name,))
            with conn.cursor() as cur:
                cur.executemany("INSERT INTO agent_loggy.documents (external_id, content) VALUES (%s, %s)",
                                [(f"t{i}", t) for i, t in enumerate(texts)])
        config = embedding_config(conn, "minilm")
        plan_ = chunking.plan(config, embedder)
        assert isinstance(embedder, chunking.TokenizingEmbedder)
        # the model alone: the same chunk texts, in the same batches of rows
        pieces = [chunking.split(t, o, plan_.size, plan_.overlap) for t, o in zip(texts, embedder.token_offsets(texts),
                                                                                   strict=True)]
        chunk_count = sum(len(p) for p in pieces)
        began = time.perf_counter()
        for start in range(0, count, batch):
            embedder.embed([c.text for p in pieces[start:start + batch] for c in p])
        direct = time.perf_counter() - began
        began = time.perf_counter()
        filled = fill_config_embeddings(conn, embedder, config, "documents", batch_size=batch)
        full = time.perf_counter() - began
    assert filled.embedded == count and filled.chunks == chunk_count
    fig.lines.append(Line("embed --config vs the model alone (documents/s)", Side("embed --config", count / full,
                                                                                  "rows/s"),
                          Side("model alone", count / direct, "rows/s"), direct / full, "of the model's throughput",
                          Target(">=", 0.9), "the database round trips or the tokenizer cost more than a tenth"))
    fig.tables.append(Table("Throughput", ("path", "documents", "chunks", "seconds", "documents/s", "chunks/s"), [
        ("embed --config (pending, tokenizer, chunks, model, store)", str(count), str(chunk_count), f"{full:.1f}",
         f"{count / full:.1f}", f"{chunk_count / full:.1f}"),
        ("model alone (the same chunk texts and batches)", str(count), str(chunk_count), f"{direct:.1f}",
         f"{count / direct:.1f}", f"{chunk_count / direct:.1f}")]))
    return fig
