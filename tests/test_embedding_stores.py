"""Embeddings of any model and dimension, one store per embedding config (migration 0030): a project with
384- and 1536-dimension configs at once, each on its own HNSW index, searched and filtered with k rows and
recall against exact search; moving a project from one config to another while it is searched. As the
roles users run: a writer login stores, a reader login searches, an admin drops."""

from __future__ import annotations

import re
import time
from typing import Any

import numpy as np
import numpy.typing as npt
import psycopg
import pytest
from pgvector import Vector
from pgvector.psycopg import register_vector

from tests.conftest import RoleUrl

Conn = psycopg.Connection[Any]
ROWS = 2000
RARE_EVERY = 100  # tag 'rare' on 1 % of the documents


def connect(url: str) -> Conn:
    c = psycopg.connect(url, autocommit=True)
    register_vector(c)
    return c


def unit_rows(rng: np.random.Generator, n: int, dims: int) -> npt.NDArray[np.float32]:
    """Unit vectors shaped like real embeddings (as the benchmark's): low rank (16 latent dimensions),
    clustered, a little full-rank noise; uniform random vectors are a known worst case for HNSW."""
    mixing = rng.standard_normal((16, dims))
    latent = (rng.standard_normal((20, 16)) * 2)[rng.integers(0, 20, n)] + rng.standard_normal((n, 16))
    rows = (latent @ mixing + 0.5 * rng.standard_normal((n, dims))).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return rows


def add_config(c: Conn, name: str, model: str, dims: int, *, version: int = 1,
               chunking: tuple[int, int, str] = (512, 50, "late_chunking")) -> int:
    """A new embedding config of project default made by `c`'s role, in a transaction of its own; its id."""
    with c.transaction():
        c.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        row = c.execute("INSERT INTO agent_loggy.embedding_configs (project, name, version, embedding_model, "
                        "dimensions, chunk_size, chunk_overlap, chunking_strategy) "
                        "VALUES ('default', %s, %s, %s, %s, %s, %s, %s) RETURNING id",
                        (name, version, model, dims, *chunking)).fetchone()
    assert row is not None
    return int(row[0])


def store(w: Conn, config_id: int, ids: list[int], inputs: list[str], vectors: npt.NDArray[np.float32],
          chunks: list[int] | None = None) -> int:
    n = len(ids)
    row = w.execute(
        "SELECT agent_loggy.store_config_embeddings('documents', %s, %s, %s, %s, %s, %s, %s, %s, %s::vector[])",
        (config_id, ids, inputs, chunks or [0] * n, [None] * n, [None] * n, [None] * n, [None] * n,
         [Vector(v) for v in vectors])).fetchone()
    assert row is not None
    return int(row[0])


@pytest.fixture
def world(role_url: RoleUrl, conn: Conn) -> dict[str, Any]:
    """Project default with ROWS documents (1 % tagged rare), a 384- and a 1536-dimension config, both
    filled, the stores analyzed (by the owner); logins: writer, reader, admin."""
    writer, reader, admin = (role_url("agent_loggy_writer", "default"), role_url("agent_loggy_reader", "default"),
                             role_url("agent_loggy_admin"))
    rng = np.random.default_rng(18)
    configs: dict[int, int] = {}
    vectors: dict[int, npt.NDArray[np.float32]] = {}
    with connect(writer) as w:
        for name, dims in (("minilm", 384), ("openai-small", 1536)):
            configs[dims] = add_config(w, name, f"model/{name}", dims)
        w.execute("BEGIN")
        w.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        w.execute("INSERT INTO agent_loggy.documents (external_id, content, tags) "
                  "SELECT 'd' || g, 'document ' || g, "
                  "CASE WHEN g %% %s = 0 THEN ARRAY['rare'] ELSE ARRAY['common'] END "
                  "FROM generate_series(0, %s) AS g", (RARE_EVERY, ROWS - 1))
        w.execute("COMMIT")
        rows = w.execute("SELECT id, agent_loggy.embedding_input(d) FROM agent_loggy.documents AS d ORDER BY id"
                         ).fetchall()
        ids, inputs = [r[0] for r in rows], [r[1] for r in rows]
        for dims, config_id in configs.items():
            vectors[dims] = unit_rows(rng, ROWS, dims)
            w.execute("BEGIN")
            w.execute("SELECT set_config('agent_loggy.project', 'default', true)")
            assert store(w, config_id, ids, inputs, vectors[dims]) == ROWS
            w.execute("COMMIT")
    conn.execute("ANALYZE agent_loggy.embeddings")  # as the owner, as autovacuum would
    return {"writer": writer, "reader": reader, "admin": admin, "configs": configs, "vectors": vectors,
            "ids": ids, "inputs": inputs, "rng": rng}


def exact_top(world: dict[str, Any], dims: int, query: npt.NDArray[np.float32], k: int,
              rare: bool = False) -> list[int]:
    scores = world["vectors"][dims] @ query
    order = [i for i in np.argsort(-scores) if not rare or i % RARE_EVERY == 0]
    return [world["ids"][i] for i in order[:k]]


@pytest.mark.parametrize("dims", [384, 1536])
def test_each_config_is_searched_with_recall_and_k_rows_under_a_1_percent_filter(world: dict[str, Any],
                                                                                 dims: int) -> None:
    config_id, rng = world["configs"][dims], world["rng"]
    recalls, rare_counts, rare_recalls = [], [], []
    with connect(world["reader"]) as r:
        for _ in range(20):
            noise = 0.3 / np.sqrt(dims) * rng.standard_normal(dims).astype(np.float32)  # norm 0.3 beside a unit row
            q = world["vectors"][dims][rng.integers(0, ROWS)] + noise
            q /= np.linalg.norm(q)
            got = [row[0] for row in r.execute(
                "SELECT id FROM agent_loggy.search_documents(%s, 'default', 10, NULL, %s)", (Vector(q), config_id))]
            recalls.append(len(set(got) & set(exact_top(world, dims, q, 10))) / 10)
            rare = [row[0] for row in r.execute(
                "SELECT id FROM agent_loggy.search_documents(%s, 'default', 10, ARRAY['rare'], %s)",
                (Vector(q), config_id))]
            rare_counts.append(len(rare))
            rare_recalls.append(len(set(rare) & set(exact_top(world, dims, q, 10, rare=True))) / 10)
    assert min(rare_counts) == 10, "k rows whatever the filter"
    assert np.mean(recalls) >= 0.95, recalls
    assert np.mean(rare_recalls) >= 0.95, rare_recalls


def plan(c: Conn, config_id: int, dims: int, query: npt.NDArray[np.float32]) -> str:
    typ = f"{'halfvec' if dims > 2000 else 'vector'}({dims})"
    rows = c.execute(
        f"EXPLAIN SELECT e.item_id FROM agent_loggy.embeddings AS e "
        f"WHERE e.config_id = {config_id} AND e.kind = 'documents' AND e.project = 'default' "
        f"ORDER BY e.embedding::{typ} <=> %s::{typ} LIMIT 56", (Vector(query),)).fetchall()
    return "\n".join(row[0] for row in rows)


def test_each_config_reads_its_own_hnsw_index_on_its_own_path(world: dict[str, Any]) -> None:
    with connect(world["reader"]) as r:
        r.execute("BEGIN")
        r.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
        for dims, config_id in world["configs"].items():
            shown = plan(r, config_id, dims, world["vectors"][dims][0])
            assert f"Index Scan using embeddings_{config_id}_hnsw_idx on embeddings_{config_id}" in shown, shown
            other = next(c for c in world["configs"].values() if c != config_id)
            assert f"embeddings_{other}" not in shown, "the other config's store is pruned"
        r.execute("COMMIT")
    with psycopg.connect(world["admin"], autocommit=True) as a:
        defs: dict[str, str] = dict(a.execute("SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index AS i "
                              "JOIN pg_class AS c ON c.oid = i.indexrelid WHERE c.relname LIKE 'embeddings\\_%%hnsw%%'"
                              ).fetchall())
    for dims, config_id in world["configs"].items():
        assert f"((embedding)::vector({dims})) vector_cosine_ops" in defs[f"embeddings_{config_id}_hnsw_idx"]


def test_search_functions_read_their_configs_index_only(world: dict[str, Any]) -> None:
    """A reader's search_documents() of one config reads that config's store, through its HNSW index (the
    query is planned at ef_search 40 and scans at the raised one), and never the other config's."""
    with connect(world["reader"]) as r:
        for dims, config_id in world["configs"].items():
            other = next(c for c in world["configs"].values() if c != config_id)
            reads = ("SELECT pg_stat_get_xact_numscans(%s::regclass), "
                     "pg_stat_get_xact_numscans(%s::regclass) + pg_stat_get_xact_numscans(%s::regclass)",
                     (f"agent_loggy.embeddings_{config_id}_hnsw_idx",
                      f"agent_loggy.embeddings_{other}_hnsw_idx", f"agent_loggy.embeddings_{other}"))
            before = r.execute(*reads).fetchone()
            r.execute("SELECT * FROM agent_loggy.search_documents(%s, 'default', 10, ARRAY['common'], %s)",
                      (Vector(world["vectors"][dims][1]), config_id)).fetchall()
            after = r.execute(*reads).fetchone()  # (pending counts: this backend's, not yet flushed)
            assert before is not None and after is not None
            assert after[0] > before[0] and after[1] == before[1], (dims, before, after)


def test_a_query_of_another_dimension_names_the_config_and_its_dimension(world: dict[str, Any]) -> None:
    config_id = world["configs"][1536]
    with connect(world["reader"]) as r:
        with pytest.raises(psycopg.errors.InvalidParameterValue,
                           match=re.escape(f"query vector has 384 dimensions: embedding config {config_id} "
                                           "(model/openai-small) has 1536")):
            r.execute("SELECT * FROM agent_loggy.search_documents(%s, 'default', 10, NULL, %s)",
                      (Vector(world["vectors"][384][0]), config_id))
        with pytest.raises(psycopg.errors.InvalidParameterValue, match="no embedding config 999999"):
            r.execute("SELECT * FROM agent_loggy.search_documents(%s, 'default', 10, NULL, 999999)",
                      (Vector(world["vectors"][384][0]),))


def test_storing_refuses_bad_vectors_naming_the_chunk_and_writes_nothing(world: dict[str, Any]) -> None:
    config_id, ids, inputs = world["configs"][1536], world["ids"], world["inputs"]
    good = world["vectors"][1536][:2]
    cases = [
        (ids[:2], inputs[:2], np.stack([good[0], world["vectors"][1536][0][:1536]]), None, None),
        (ids[:2], inputs[:2], np.zeros((2, 1536), dtype=np.float32), "norm", None),
        (ids[:1] * 2, inputs[:1] * 2, good, "chunk 0 twice", [0, 0]),
        ([-5, ids[0]], ["x", inputs[0]], good, "documents -5 is not in project 'default'", None),
    ]
    with connect(world["writer"]) as w:
        before = w.execute("SELECT count(*), max(created_at) FROM agent_loggy.embeddings").fetchone()
        for batch_ids, batch_inputs, vectors, message, chunks in cases:
            if message is None:
                continue
            w.execute("BEGIN")
            w.execute("SELECT set_config('agent_loggy.project', 'default', true)")
            with pytest.raises(psycopg.errors.InvalidParameterValue, match=message):
                store(w, config_id, batch_ids, batch_inputs, vectors, chunks)
            w.execute("ROLLBACK")
        w.execute("BEGIN")
        w.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        with pytest.raises(psycopg.errors.InvalidParameterValue,
                           match=f"the vector has 384 dimensions: embedding config {config_id} .* has 1536"):
            store(w, config_id, ids[:1], inputs[:1], world["vectors"][384][:1])
        w.execute("ROLLBACK")
        assert w.execute("SELECT count(*), max(created_at) FROM agent_loggy.embeddings").fetchone() == before


def test_a_changed_text_drops_its_vectors_of_every_config_and_is_pending_again(world: dict[str, Any]) -> None:
    first = world["ids"][0]
    with connect(world["writer"]) as w:
        w.execute("BEGIN")
        w.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        w.execute("UPDATE agent_loggy.documents SET tags = ARRAY['other'] WHERE id = %s", (first,))
        kept = w.execute("SELECT count(*) FROM agent_loggy.embeddings WHERE item_id = %s AND tags = ARRAY['other']",
                         (first,)).fetchone()  # kept, and its tags followed the document's
        w.execute("UPDATE agent_loggy.documents SET content = 'rewritten' WHERE id = %s", (first,))
        left = w.execute("SELECT count(*) FROM agent_loggy.embeddings WHERE item_id = %s", (first,)).fetchone()
        w.execute("COMMIT")
        pending = [w.execute("SELECT id FROM agent_loggy.pending_config_embeddings('documents', %s)", (c,)).fetchall()
                   for c in world["configs"].values()]
        # a stale input is refused silently: the item stays pending
        w.execute("BEGIN")
        w.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        assert store(w, world["configs"][384], [first], [world["inputs"][0]], world["vectors"][384][:1]) == 0
        w.execute("COMMIT")
    assert kept == (2,) and left == (0,)
    assert pending == [[(first,)], [(first,)]]


def test_moving_a_project_to_a_new_config_while_it_is_searched(world: dict[str, Any], role_url: RoleUrl) -> None:
    """Searches name no config: they read the column, then the search config once it is switched, in one
    statement; a half-filled config is searched meanwhile only when asked for by id."""
    old, new = world["configs"][384], world["configs"][1536]
    with connect(world["writer"]) as w, connect(world["reader"]) as r:
        q384, q1536 = Vector(world["vectors"][384][3]), Vector(world["vectors"][1536][3])
        # nothing chosen: the vector(384) column, empty here
        assert r.execute("SELECT count(*) FROM agent_loggy.search_documents(%s)", (q384,)).fetchone() == (0,)
        assert w.execute("SELECT agent_loggy.use_embedding_config(%s)", (old,)).fetchone() == (None,)
        assert r.execute("SELECT count(*) FROM agent_loggy.search_documents(%s)", (q384,)).fetchone() == (10,)
        # a new version of the model: half backfilled, searches go on with the old config meanwhile
        newer = add_config(w, "openai-small", "model/openai-small", 1536, version=2)
        half = ROWS // 2
        w.execute("BEGIN")
        w.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        store(w, newer, world["ids"][:half], world["inputs"][:half], world["vectors"][1536][:half])
        w.execute("COMMIT")
        assert r.execute("SELECT agent_loggy.pending_config_embedding_count('documents', %s)", (newer,)).fetchone() == (
            ROWS - half,)
        during = r.execute("SELECT id FROM agent_loggy.search_documents(%s)", (q384,)).fetchall()
        assert len(during) == 10
        partial = r.execute("SELECT id FROM agent_loggy.search_documents(%s, p_embedding_config_id => %s)",
                            (q1536, newer)).fetchall()
        assert len(partial) == 10 and {i for (i,) in partial} <= set(world["ids"][:half])
        # switched in one statement; the old config's vectors dropped later, by an admin
        assert w.execute("SELECT agent_loggy.use_embedding_config(%s)", (new,)).fetchone() == (old,)
        assert r.execute("SELECT count(*) FROM agent_loggy.search_documents(%s)", (q1536,)).fetchone() == (10,)
        with pytest.raises(psycopg.errors.InvalidParameterValue, match="has 1536"):
            r.execute("SELECT * FROM agent_loggy.search_documents(%s)", (q384,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            r.execute("SELECT agent_loggy.use_embedding_config(%s)", (old,))
    with psycopg.connect(world["admin"], autocommit=True) as a:
        with pytest.raises(psycopg.errors.ObjectInUse, match="what project 'default''s searches use"):
            a.execute("SELECT agent_loggy.drop_embedding_store(%s)", (new,))
        assert a.execute("SELECT agent_loggy.drop_embedding_store(%s)", (old,)).fetchone() == (ROWS,)
        assert a.execute("SELECT count(*) FROM agent_loggy.embeddings WHERE config_id = %s", (old,)).fetchone() == (0,)
    with psycopg.connect(world["writer"], autocommit=True) as w, pytest.raises(psycopg.errors.InsufficientPrivilege):
        w.execute("SELECT agent_loggy.drop_embedding_store(%s)", (new,))


def test_a_configs_dimensions_cannot_change_under_its_vectors(world: dict[str, Any]) -> None:
    with psycopg.connect(world["admin"], autocommit=True) as a:
        a.execute("BEGIN")
        a.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        with pytest.raises(psycopg.errors.CheckViolation, match="has stored vectors"):
            a.execute("UPDATE agent_loggy.embedding_configs SET dimensions = 768 WHERE id = %s",
                      (world["configs"][384],))
        a.execute("ROLLBACK")


def test_above_2000_dimensions_a_store_indexes_halfvec(role_url: RoleUrl) -> None:
    rng = np.random.default_rng(3)
    with connect(role_url("agent_loggy_writer", "default")) as w:
        config_id = add_config(w, "large", "text-embedding-3-large", 3072)
        w.execute("BEGIN")
        w.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        ids = [r[0] for r in w.execute("INSERT INTO agent_loggy.documents (content) SELECT 'doc ' || g "
                                       "FROM generate_series(1, 50) AS g RETURNING id").fetchall()]
        vectors = unit_rows(rng, 50, 3072)
        assert store(w, config_id, ids, [f"doc {g}" for g in range(1, 51)], vectors) == 50
        w.execute("COMMIT")
        got = w.execute("SELECT id, similarity FROM agent_loggy.search_documents(%s, 'default', 3, NULL, %s)",
                        (Vector(vectors[7]), config_id)).fetchall()
        indexdef = w.execute("SELECT pg_get_indexdef(%s::regclass)", (f"agent_loggy.embeddings_{config_id}_hnsw_idx",)
                             ).fetchone()
    assert got[0][0] == ids[7] and got[0][1] == pytest.approx(1.0, abs=1e-3)
    assert indexdef is not None and "halfvec(3072)) halfvec_cosine_ops" in indexdef[0]


def test_chunks_come_back_as_the_best_chunk_of_each_document(role_url: RoleUrl) -> None:
    with connect(role_url("agent_loggy_writer", "default")) as w:
        config_id = add_config(w, "tiny", "tiny", 3)
        w.execute("BEGIN")
        w.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        ids = [r[0] for r in w.execute("INSERT INTO agent_loggy.documents (content) VALUES ('north and east'), "
                                       "('up only') RETURNING id").fetchall()]
        w.execute(
            "SELECT agent_loggy.store_config_embeddings('documents', %s, %s, %s, %s, %s, %s, %s, %s, %s::vector[])",
            (config_id, [ids[0], ids[0], ids[1]], ["north and east", "north and east", "up only"], [0, 1, 0],
             [0, 10, 0], [9, 14, 7], [0, 2, 0], [2, 3, 2], ["[1,0,0]", "[0,1,0]", "[0,0,1]"]))
        w.execute("COMMIT")
        rows = w.execute("SELECT id, chunk, chunk_start, chunk_end FROM agent_loggy.search_documents("
                         "'[0.1,1,0]', 'default', 5, NULL, %s)", (config_id,)).fetchall()
    assert rows[0] == (ids[0], 1, 10, 14), "the east chunk"
    assert len(rows) == 2 and rows[1][0] == ids[1]


def test_a_users_document_vectors_stay_theirs(world: dict[str, Any], role_url: RoleUrl) -> None:
    config_id = world["configs"][384]
    with connect(world["writer"]) as w:
        w.execute("BEGIN")
        w.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        w.execute("SELECT set_config('agent_loggy.user', 'alice', true)")
        row = w.execute("INSERT INTO agent_loggy.documents (content, user_id) VALUES ('alice upload', 'alice') "
                        "RETURNING id").fetchone()
        assert row is not None
        target = world["vectors"][384][5]
        store(w, config_id, [row[0]], ["alice upload"], target[None, :])
        w.execute("COMMIT")
    with connect(world["reader"]) as r:
        for user, expected in (("alice", True), ("bob", False), (None, False)):
            r.execute("BEGIN")
            if user:
                r.execute("SELECT set_config('agent_loggy.user', %s, true)", (user,))
            found = {i for (i,) in r.execute("SELECT id FROM agent_loggy.search_documents(%s, 'default', 5, NULL, %s)",
                                             (Vector(target), config_id))}
            seen = r.execute("SELECT count(*) FROM agent_loggy.embeddings WHERE item_id = %s", (row[0],)).fetchone()
            r.execute("COMMIT")
            assert (row[0] in found) is expected and seen == ((1,) if expected else (0,)), user


def test_no_client_writes_the_stores_directly_nor_locks_them(world: dict[str, Any]) -> None:
    """Writes go through the functions that run as the owner: a writer can neither insert a vector for an
    item of its choice nor hold a lock on a store that would stop other projects' searches."""
    with connect(world["writer"]) as w:
        w.execute("BEGIN")
        w.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        for statement in (
                "INSERT INTO agent_loggy.embeddings (config_id, project, kind, item_id, chunk, input_md5, embedding) "
                f"VALUES ({world['configs'][384]}, 'default', 'documents', 999999, 0, md5('x'), '[1,2,3]')",
                "DELETE FROM agent_loggy.search_embedding_configs",
                "LOCK TABLE agent_loggy.embeddings IN SHARE MODE",
                "LOCK TABLE agent_loggy.search_embedding_configs IN ROW EXCLUSIVE MODE"):
            w.execute("SAVEPOINT s")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                w.execute(statement)
            w.execute("ROLLBACK TO SAVEPOINT s")
        w.execute("ROLLBACK")


def test_a_writer_stores_only_for_items_it_sees_in_a_project_it_may_write(
        world: dict[str, Any], role_url: RoleUrl) -> None:
    config_id = world["configs"][384]
    with connect(world["writer"]) as w:
        w.execute("BEGIN")
        w.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        w.execute("SELECT set_config('agent_loggy.user', 'bob', true)")
        row = w.execute("INSERT INTO agent_loggy.documents (content, user_id) VALUES ('bob''s', 'bob') RETURNING id"
                        ).fetchone()
        w.execute("COMMIT")
        assert row is not None
        w.execute("BEGIN")
        w.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        w.execute("SELECT set_config('agent_loggy.user', 'alice', true)")
        with pytest.raises(psycopg.errors.InvalidParameterValue, match=f"documents {row[0]} is not in project"):
            store(w, config_id, [row[0]], ["bob's"], world["vectors"][384][:1])
        w.execute("ROLLBACK")
    reader_of_default = role_url("agent_loggy_writer", "other", level="write")
    with connect(reader_of_default) as other:
        with pytest.raises(psycopg.errors.InvalidParameterValue, match=f"no embedding config {config_id}"):
            store(other, config_id, world["ids"][:1], world["inputs"][:1], world["vectors"][384][:1])
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="may not write it"):
            other.execute("SELECT agent_loggy.use_embedding_config(NULL, 'default')")
    with connect(role_url("agent_loggy_writer", "default", level="read")) as read_only, \
            pytest.raises(psycopg.errors.InsufficientPrivilege, match="holds no write grant"):
        store(read_only, config_id, world["ids"][:1], world["inputs"][:1], world["vectors"][384][:1])


def test_a_config_being_created_elsewhere_holds_up_no_search_nor_write(world: dict[str, Any],
                                                                         role_url: RoleUrl) -> None:
    """A writer of another project making a config and staying in its transaction: this project's searches,
    stores and config choices go on; making another config waits at most 5 s, then fails clearly."""
    with connect(role_url("agent_loggy_writer", "other")) as hog, connect(world["writer"]) as w, \
            connect(world["reader"]) as r:
        hog.execute("BEGIN")
        hog.execute("SELECT set_config('agent_loggy.project', 'other', true)")
        hog.execute("INSERT INTO agent_loggy.embedding_configs (project, name, version, embedding_model, dimensions) "
                    "VALUES ('other', 'hog', 1, 'm', 5)")
        for c in (w, r):
            c.execute("SET statement_timeout = '3s'")
        config_id = world["configs"][384]
        assert len(r.execute("SELECT id FROM agent_loggy.search_documents(%s, 'default', 10, NULL, %s)",
                             (Vector(world["vectors"][384][0]), config_id)).fetchall()) == 10
        with w.transaction():
            w.execute("SELECT set_config('agent_loggy.project', 'default', true)")
            assert store(w, config_id, world["ids"][:1], world["inputs"][:1], world["vectors"][384][:1]) == 1
            w.execute("UPDATE agent_loggy.embedding_configs SET is_active = true WHERE id = %s", (config_id,))
        assert w.execute("SELECT agent_loggy.use_embedding_config(%s)", (config_id,)).fetchone() == (None,)
        w.execute("SET statement_timeout = 0")
        began = time.monotonic()
        with pytest.raises(psycopg.errors.LockNotAvailable, match="another transaction is making one"):
            add_config(w, "meanwhile", "m", 7)
        assert time.monotonic() - began < 8
        hog.execute("ROLLBACK")
    with connect(world["writer"]) as w:
        assert add_config(w, "afterwards", "m", 7) > 0


def test_a_config_with_vectors_is_not_deleted(world: dict[str, Any]) -> None:
    with psycopg.connect(world["admin"], autocommit=True) as a:
        a.execute("BEGIN")
        a.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        with pytest.raises(psycopg.errors.ForeignKeyViolation, match="has stored vectors: drop them first"):
            a.execute("DELETE FROM agent_loggy.embedding_configs WHERE id = %s", (world["configs"][384],))
        a.execute("ROLLBACK")


@pytest.mark.parametrize(("distance", "ops", "expected"), [
    ("l2", "vector_l2_ops", [(1, -0.0), (2, -1.0), (3, -2.0)]),
    ("inner_product", "vector_ip_ops", [(3, 3.0), (2, 2.0), (1, 1.0)]),
])
def test_a_configs_distance_orders_its_search_and_indexes_its_store(
        role_url: RoleUrl, distance: str, ops: str, expected: list[tuple[int, float]]) -> None:
    """l2: nearest by euclidean distance, similarity its negation; inner_product: largest dot product first."""
    with connect(role_url("agent_loggy_writer", "default")) as w:
        with w.transaction():
            w.execute("SELECT set_config('agent_loggy.project', 'default', true)")
            row = w.execute("INSERT INTO agent_loggy.embedding_configs (project, name, version, embedding_model, "
                            "dimensions, distance) VALUES ('default', 'd', 1, 'm', 2, %s) RETURNING id",
                            (distance,)).fetchone()
        assert row is not None
        config_id = row[0]
        w.execute("BEGIN")
        w.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        ids = [r[0] for r in w.execute("INSERT INTO agent_loggy.documents (content) VALUES ('one'), ('two'), ('three') "
                                       "RETURNING id").fetchall()]
        w.execute(
            "SELECT agent_loggy.store_config_embeddings('documents', %s, %s, %s, ARRAY[0, 0, 0], %s, %s, %s, %s, "
            "ARRAY['[1,0]', '[2,0]', '[3,0]']::vector[])",
            (config_id, ids, ["one", "two", "three"], [None] * 3, [None] * 3, [None] * 3, [None] * 3))
        w.execute("COMMIT")
        got = w.execute("SELECT id, similarity FROM agent_loggy.search_documents('[1,0]', 'default', 3, NULL, %s)",
                        (config_id,)).fetchall()
        indexdef = w.execute("SELECT pg_get_indexdef(%s::regclass)", (f"agent_loggy.embeddings_{config_id}_hnsw_idx",)
                             ).fetchone()
    assert [ids.index(i) + 1 for i, _ in got] == [n for n, _ in expected]
    assert [s for _, s in got] == pytest.approx([s for _, s in expected])
    assert indexdef is not None and ops in indexdef[0]
