"""Investigations carry vectors of any embedding config (migration 0032): an agent (a reader login granted
its project) records an investigation with its query's vector of a 384- or 1536-dimension config in one
call and finds similar past ones through that config's HNSW index, with k rows under a 1 % filter and
recall against exact search; fills, edits, bad calls and rollback, as the roles users run."""

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np
import numpy.typing as npt
import psycopg
import pytest
from pgvector import Vector

from agent_loggy_db import create_async_pool, create_pool, migrations
from agent_loggy_db.backfill import embedding_config, fill_config_embeddings
from agent_loggy_db.errors import InvalidInput, MigrationError, PermissionDenied
from agent_loggy_db.runs import AsyncRuns, Runs
from agent_loggy_db.settings import Settings
from tests.conftest import RoleUrl
from tests.test_cli import base_env, cli
from tests.test_config_embed import Words
from tests.test_embedding_stores import add_config, connect, unit_rows

Conn = psycopg.Connection[Any]
ROWS = 2000
RARE_EVERY = 100  # asked by carol: 1 % of the investigations
ONE = Settings(pool_min_size=1, pool_max_size=2)


def bound(c: Conn, project: str = "default") -> None:
    c.execute("BEGIN")
    c.execute("SELECT set_config('agent_loggy.project', %s, true)", (project,))


def store(c: Conn, config_id: int, ids: list[int], inputs: list[str], vectors: npt.NDArray[np.float32]) -> int:
    n = len(ids)
    row = c.execute(
        "SELECT agent_loggy.store_config_embeddings('investigations', %s, %s, %s, %s, %s, %s, %s, %s, %s::vector[])",
        (config_id, ids, inputs, [0] * n, [None] * n, [None] * n, [None] * n, [None] * n,
         [Vector(v) for v in vectors])).fetchone()
    assert row is not None
    return int(row[0])


def stored(c: Conn, config_id: int) -> int:
    row = c.execute("SELECT count(*) FROM agent_loggy.embeddings WHERE config_id = %s AND kind = 'investigations'",
                    (config_id,)).fetchone()
    assert row is not None
    return int(row[0])


@pytest.fixture
def world(role_url: RoleUrl, conn: Conn) -> dict[str, Any]:
    """Project default with ROWS investigations recorded by an agent (a reader login), 1 % asked by carol,
    their vectors of a 384- and a 1536-dimension config stored by the agent; the stores analyzed by the
    owner. Logins: writer, reader (the agent), admin."""
    writer, reader, admin = (role_url("agent_loggy_writer", "default"), role_url("agent_loggy_reader", "default"),
                             role_url("agent_loggy_admin"))
    rng = np.random.default_rng(32)
    configs: dict[int, int] = {}
    vectors: dict[int, npt.NDArray[np.float32]] = {}
    with connect(writer) as w:
        for name, dims in (("minilm", 384), ("openai-small", 1536)):
            configs[dims] = add_config(w, name, f"model/{name}", dims)
    with connect(reader) as r:
        bound(r)
        rows = r.execute("INSERT INTO agent_loggy.investigations (query, requested_by) "
                         "SELECT 'dispute ' || g, CASE WHEN g %% %s = 0 THEN 'carol' ELSE 'alice' END "
                         "FROM generate_series(0, %s) AS g ORDER BY g RETURNING id, query",
                         (RARE_EVERY, ROWS - 1)).fetchall()
        ids, inputs = [row[0] for row in rows], [row[1] for row in rows]
        for dims, config_id in configs.items():
            vectors[dims] = unit_rows(rng, ROWS, dims)
            assert store(r, config_id, ids, inputs, vectors[dims]) == ROWS
        r.execute("COMMIT")
    conn.execute("ANALYZE agent_loggy.embeddings")
    return {"writer": writer, "reader": reader, "admin": admin, "configs": configs, "vectors": vectors, "ids": ids,
            "rng": rng}


def near(world: dict[str, Any], dims: int) -> npt.NDArray[np.float32]:
    """A query beside a random row (noise of norm 0.3), as an agent's new dispute would be."""
    rng = world["rng"]
    q = world["vectors"][dims][rng.integers(0, ROWS)] + 0.3 / np.sqrt(dims) * rng.standard_normal(dims)
    out: npt.NDArray[np.float32] = (q / np.linalg.norm(q)).astype(np.float32)
    return out


def exact_top(world: dict[str, Any], dims: int, query: npt.NDArray[np.float32], k: int, rare: bool) -> list[int]:
    order = [i for i in np.argsort(-(world["vectors"][dims] @ query)) if not rare or i % RARE_EVERY == 0]
    return [world["ids"][i] for i in order[:k]]


@pytest.mark.parametrize("dims", [384, 1536])
def test_each_config_finds_similar_investigations_with_recall_and_k_rows_under_a_1_percent_filter(
        world: dict[str, Any], dims: int) -> None:
    config_id = world["configs"][dims]
    recalls, carol_counts, carol_recalls = [], [], []
    with connect(world["reader"]) as r:
        for _ in range(20):
            q = near(world, dims)
            got = [row[0] for row in r.execute("SELECT id FROM agent_loggy.similar_investigations(%s, 'default', 10, "
                                               "NULL, %s)", (Vector(q), config_id))]
            recalls.append(len(set(got) & set(exact_top(world, dims, q, 10, rare=False))) / 10)
            carol = r.execute("SELECT id, requested_by FROM agent_loggy.similar_investigations(%s, 'default', 10, "
                              "'carol', %s)", (Vector(q), config_id)).fetchall()
            assert {row[1] for row in carol} == {"carol"}
            carol_counts.append(len(carol))
            carol_recalls.append(len({row[0] for row in carol} & set(exact_top(world, dims, q, 10, rare=True))) / 10)
    assert carol_counts == [10] * 20, "k rows when 1 % of the investigations pass the filter"
    assert np.mean(recalls) >= 0.95, recalls
    assert np.mean(carol_recalls) >= 0.95, carol_recalls


def test_similar_investigations_read_their_configs_hnsw_index_only(world: dict[str, Any]) -> None:
    with connect(world["reader"]) as r:
        for dims, config_id in world["configs"].items():
            other = next(c for c in world["configs"].values() if c != config_id)
            reads = ("SELECT pg_stat_get_xact_numscans(%s::regclass), "
                     "pg_stat_get_xact_numscans(%s::regclass) + pg_stat_get_xact_numscans(%s::regclass)",
                     (f"agent_loggy.embeddings_{config_id}_hnsw_idx",
                      f"agent_loggy.embeddings_{other}_hnsw_idx", f"agent_loggy.embeddings_{other}"))
            r.execute("BEGIN")
            before = r.execute(*reads).fetchone()
            r.execute("SELECT * FROM agent_loggy.similar_investigations(%s, 'default', 5, NULL, %s)",
                      (Vector(near(world, dims)), config_id)).fetchall()
            after = r.execute(*reads).fetchone()
            r.execute("COMMIT")
            assert before is not None and after is not None
            assert after[0] > before[0] and after[1] == before[1], (dims, before, after)


def test_an_agent_records_an_investigation_with_a_vector_of_its_config_in_one_call(world: dict[str, Any]) -> None:
    config_id = world["configs"][1536]
    vector = near(world, 1536)
    with create_pool(world["reader"], ONE) as pool, Runs(pool) as runs:
        case = runs.start_investigation("refund never arrived", external_ref="D-7", requested_by="dave",
                                        embedding=vector, embedding_config=config_id)
        hits = runs.similar_investigations(vector, embedding_config=config_id, limit=3)
        assert hits[0][0].id == case.id and hits[0][0].external_ref == "D-7"
        assert hits[0][1] == pytest.approx(1.0, abs=1e-5)
        assert [i.id for i, _ in runs.similar_investigations(vector, user="dave", embedding_config=config_id)] \
            == [case.id]

    async def twin() -> tuple[int, list[int]]:
        async with await create_async_pool(world["reader"], ONE) as apool:
            aruns = AsyncRuns(apool)
            other = await aruns.start_investigation("card charged twice", requested_by="erin",
                                                    embedding=-vector, embedding_config=config_id)
            found = await aruns.similar_investigations(-vector, user="erin", embedding_config=config_id)
            return other.id, [i.id for i, _ in found]

    other_id, found = asyncio.run(twin())
    assert found == [other_id]
    with connect(world["reader"]) as r:
        rows = r.execute("SELECT item_id, chunk, input_md5 = md5('refund never arrived') FROM agent_loggy.embeddings "
                         "WHERE kind = 'investigations' AND item_id IN (%s, %s) ORDER BY item_id",
                         (case.id, other_id)).fetchall()
        assert rows == [(case.id, 0, True), (other_id, 0, False)]
        assert r.execute("SELECT count(embedding) FROM agent_loggy.investigations WHERE id IN (%s, %s)",
                         (case.id, other_id)).fetchone() == (0,), "the vector(384) column is left alone"


def test_searches_default_to_the_projects_search_config(world: dict[str, Any]) -> None:
    config_id = world["configs"][1536]
    with create_pool(world["reader"], ONE) as pool, Runs(pool) as runs:
        column = runs.start_investigation("in the column", embedding=world["vectors"][384][0])
        assert [i.id for i, _ in runs.similar_investigations(world["vectors"][384][0], limit=1)] == [column.id]
        with connect(world["writer"]) as w:
            w.execute("SELECT agent_loggy.use_embedding_config(%s)", (config_id,))
        q = world["vectors"][1536][7]
        assert runs.similar_investigations(q, limit=1)[0][0].id == world["ids"][7]
        with pytest.raises(InvalidInput, match=rf"query vector has 384 dimensions: embedding config {config_id} "
                                 r"\(model/openai-small\) has 1536"):
            runs.similar_investigations(world["vectors"][384][0])


BAD_CALLS = [
    ("config without embedding", "NULL", "{c1536}", "embedding config .* given without an embedding"),
    ("1536 in the column", "{v1536}", "NULL", "the embedding has 1536 dimensions: investigations.embedding holds 384"),
    ("384 in the 1536 config", "{v384}", "{c1536}", "has 384 dimensions: embedding config .* has 1536"),
    ("zero vector", "{zero}", "{c1536}", "the embedding is all zeros"),
    ("zero vector in the column", "{zero384}", "NULL", "the embedding is all zeros"),
    ("another project's config", "{v1536}", "{beta}", "embedding config .* is not one of project 'default'"),
    ("no such config", "{v1536}", "987654321", "embedding config 987654321 is not one of project 'default'"),
]


def test_a_bad_call_names_what_is_wrong_and_records_nothing(world: dict[str, Any], role_url: RoleUrl,
                                                             conn: Conn) -> None:
    """Each call is one statement of its own (autocommit): the investigation is recorded with its vector or
    not at all."""
    with connect(role_url("agent_loggy_writer", "beta")) as b:
        bound(b, "beta")
        beta = b.execute("INSERT INTO agent_loggy.embedding_configs (project, name, version, embedding_model, "
                         "dimensions) VALUES ('beta', 'b', 1, 'model/b', 1536) RETURNING id").fetchone()
        b.execute("COMMIT")
    assert beta is not None
    values = {"v1536": "%(v1536)s", "v384": "%(v384)s", "zero": "%(zero)s", "zero384": "%(zero384)s",
              "c1536": str(world["configs"][1536]), "beta": str(beta[0])}
    params = {"v1536": Vector(world["vectors"][1536][0]), "v384": Vector(world["vectors"][384][0]),
              "zero": Vector(np.zeros(1536)), "zero384": Vector(np.zeros(384))}
    counts = ("SELECT count(*), (SELECT count(*) FROM agent_loggy.embeddings) FROM agent_loggy.investigations")
    before = conn.execute(counts).fetchone()
    with connect(world["reader"]) as r:
        r.execute("SELECT set_config('agent_loggy.project', 'default', false)")
        for _, vector, config, message in BAD_CALLS:
            sql = (f"SELECT agent_loggy.start_investigation('q', 'default', NULL, NULL, '{{}}', 'running', "
                   f"{vector.format(**values)}::vector, {config.format(**values)})")
            with pytest.raises(psycopg.errors.InvalidParameterValue, match=message):
                r.execute(sql, {k: v for k, v in params.items() if f"%({k})s" in sql})
    assert conn.execute(counts).fetchone() == before


def test_recording_vectors_needs_a_read_grant_and_the_project_bound(world: dict[str, Any], role_url: RoleUrl,
                                                                    conn: Conn) -> None:
    config_id = world["configs"][384]
    one = world["vectors"][384][:1]
    beta_case = conn.execute("INSERT INTO agent_loggy.investigations (project, query) VALUES ('beta', 'b') "
                             "RETURNING id").fetchone()
    assert beta_case is not None
    before = stored(conn, config_id)
    with connect(world["reader"]) as r:
        r.execute("BEGIN")  # bound to nothing
        with pytest.raises(psycopg.errors.InsufficientPrivilege,
                           match="records only in the project bound to it, and it is bound to none"):
            store(r, config_id, [world["ids"][0]], ["dispute 0"], one)
        r.execute("ROLLBACK")
        bound(r)
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="is not a writer"):
            r.execute("SELECT agent_loggy.store_config_embeddings('documents', %s, '{1}', '{x}', '{0}', '{NULL}', "
                      "'{NULL}', '{NULL}', '{NULL}', %s::vector[])", (config_id, [Vector(one[0])]))
        r.execute("ROLLBACK")
        bound(r)  # a chosen id of another project's investigation
        with pytest.raises(psycopg.errors.InvalidParameterValue,
                           match=f"investigations {beta_case[0]} is not in project 'default'"):
            store(r, config_id, [beta_case[0]], ["b"], one)
        r.execute("ROLLBACK")
    with connect(role_url("agent_loggy_reader", "beta")) as other:
        bound(other, "beta")
        with pytest.raises(psycopg.errors.InvalidParameterValue, match=f"no embedding config {config_id} in a project"):
            store(other, config_id, [beta_case[0]], ["b"], one)
        other.execute("ROLLBACK")
        bound(other, "default")  # a binding to a project the login holds no grant for reaches nothing
        with pytest.raises(psycopg.errors.InvalidParameterValue, match=f"no embedding config {config_id} in a project"):
            store(other, config_id, [world["ids"][0]], ["dispute 0"], one)
        other.execute("ROLLBACK")
    assert stored(conn, config_id) == before


def test_a_reader_holding_a_teams_write_grant_stores_no_document_vectors(world: dict[str, Any], role_url: RoleUrl,
                                                                         conn: Conn) -> None:
    """store_config_embeddings() is a reader's (for investigations); the documents' vectors stay a writer's."""
    config_id = world["configs"][384]
    with connect(world["writer"]) as w:
        bound(w)
        doc = w.execute("INSERT INTO agent_loggy.documents (external_id, content) VALUES ('d', 'a doc') RETURNING id, "
                        "agent_loggy.embedding_input(documents)").fetchone()
        w.execute("COMMIT")
    assert doc is not None
    with connect(role_url("agent_loggy_reader", "default", level="write")) as r:
        bound(r)
        for what in ("documents", "context_rules", "prompts"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege,
                               match=f"store the vectors of {what}: login .* is not a writer"):
                r.execute("SELECT agent_loggy.store_config_embeddings(%s, %s, %s, %s, '{0}', '{NULL}', '{NULL}', "
                          "'{NULL}', '{NULL}', %s::vector[])",
                          (what, config_id, [doc[0]], [doc[1]], [Vector(world["vectors"][384][0])]))
            r.execute("ROLLBACK")
            bound(r)
        r.execute("ROLLBACK")
    assert conn.execute("SELECT count(*) FROM agent_loggy.embeddings WHERE kind <> 'investigations'").fetchone() == (0,)


def test_above_2000_dimensions_only_vectors_that_fit_halfvec_are_stored_or_searched_with(
        role_url: RoleUrl, conn: Conn) -> None:
    """Such a store compares as halfvec: one agent's vector beyond its range would make every search of the
    store fail (22003), one rounding to zeros would come back with similarity NaN."""
    with connect(role_url("agent_loggy_writer", "default")) as w:
        config_id = add_config(w, "large", "model/large", 2048)
        w.execute("SELECT agent_loggy.use_embedding_config(%s)", (config_id,))
    good = np.full(2048, 0.02, dtype=np.float32)
    huge, tiny = good.copy(), np.full(2048, 1e-9, dtype=np.float32)
    huge[7] = 100000
    with create_pool(role_url("agent_loggy_reader", "default"), ONE) as pool, Runs(pool) as runs:
        case = runs.start_investigation("fits", embedding=good, embedding_config=config_id)
        for vector, problem in ((huge, "has a value of magnitude 100000: halfvec holds at most 65504"),
                                (tiny, r"rounds to all zeros as halfvec \(every value below 6e-8\)")):
            with pytest.raises(InvalidInput, match=f"the vector {problem}: embedding config {config_id} "
                                                   r"\(2048 dimensions\) compares vectors as halfvec"):
                runs.start_investigation("poison", embedding=vector, embedding_config=config_id)
            with pytest.raises(InvalidInput, match=f"query vector {problem}"):
                runs.similar_investigations(vector)
        hits = runs.similar_investigations(good)
        assert [i.id for i, _ in hits] == [case.id] and hits[0][1] == pytest.approx(1.0, abs=1e-3)
    assert conn.execute("SELECT count(*) FROM agent_loggy.investigations WHERE query = 'poison'").fetchone() == (0,)


def test_an_agent_fills_its_investigations_for_a_new_config_but_no_documents(world: dict[str, Any],
                                                                           conn: Conn) -> None:
    with connect(world["writer"]) as w:
        config_id = add_config(w, "words", Words.name, Words.dimensions, chunking=(512, 0, "none"))
        bound(w)
        w.execute("INSERT INTO agent_loggy.documents (external_id, content) VALUES ('d', 'a document')")
        w.execute("COMMIT")
    with connect(world["reader"]) as r:
        r.execute("SELECT set_config('agent_loggy.project', 'default', false)")
        assert r.execute("SELECT agent_loggy.pending_config_embedding_count('investigations', %s)",
                         (config_id,)).fetchone() == (ROWS,)
        config = embedding_config(r, config_id)
        filled = fill_config_embeddings(r, Words(), config, "investigations", batch_size=500)
        assert (filled.embedded, filled.skipped) == (ROWS, 0)
        assert r.execute("SELECT agent_loggy.pending_config_embedding_count('investigations', %s)",
                         (config_id,)).fetchone() == (0,)
        hits = r.execute("SELECT query, similarity FROM agent_loggy.similar_investigations(%s, 'default', 1, NULL, %s)",
                         (Vector(Words().embed(["dispute 1234"])[0]), config_id)).fetchall()
        assert hits[0][0] == "dispute 1234" and hits[0][1] == pytest.approx(1.0, abs=1e-5)
        with pytest.raises(PermissionDenied, match="is not a writer"):
            fill_config_embeddings(r, Words(), config, "documents")
    assert stored(conn, config_id) == ROWS


def test_an_investigation_whose_query_changes_or_that_is_deleted_loses_its_vectors(world: dict[str, Any],
                                                                                   conn: Conn) -> None:
    first, second = world["ids"][:2]
    vectors_of = "SELECT count(*) FROM agent_loggy.embeddings WHERE kind = 'investigations' AND item_id = %s"
    assert conn.execute(vectors_of, (first,)).fetchone() == (2,)
    conn.execute("UPDATE agent_loggy.investigations SET query = 'restated' WHERE id = %s", (first,))
    assert conn.execute(vectors_of, (first,)).fetchone() == (0,)
    pending = conn.execute("SELECT id FROM agent_loggy.pending_config_embeddings('investigations', %s, 5)",
                           (world["configs"][384],)).fetchall()
    assert pending == [(first,)]
    conn.execute("UPDATE agent_loggy.investigations SET status = 'succeeded' WHERE id = %s", (second,))
    assert conn.execute(vectors_of, (second,)).fetchone() == (2,), "only the query's vectors follow it"
    with psycopg.connect(world["admin"], autocommit=True) as a:
        a.execute("DELETE FROM agent_loggy.investigations WHERE id = %s", (second,))
    assert conn.execute(vectors_of, (second,)).fetchone() == (0,)


def test_embed_investigations_needs_a_config(db_url: str) -> None:
    result = cli("embed", "--what", "investigations", env=base_env(AGENT_LOGGY_DATABASE_URL=db_url))
    assert result.returncode == 2
    assert "investigations are embedded into an embedding config's store only: add --config" in result.stderr


def test_rolling_back_0032_is_refused_while_investigations_have_vectors(world: dict[str, Any], db_url: str,
                                                                      conn: Conn) -> None:
    ids = migrations.migration_ids()
    later = ids[ids.index("0032_investigation_vectors") + 1:]
    if later:  # the newer migrations first: 0032 is then the newest
        assert migrations.rollback(db_url, count=len(later)) == later[::-1]
    with pytest.raises(MigrationError, match=f"hold {2 * ROWS} vector\\(s\\) of investigations"):
        migrations.rollback(db_url, count=1)
    assert stored(conn, world["configs"][384]) == ROWS
    with psycopg.connect(world["admin"], autocommit=True) as a:
        for config_id in world["configs"].values():
            a.execute("SELECT agent_loggy.drop_embedding_store(%s)", (config_id,))
    assert migrations.rollback(db_url, count=1) == ["0032_investigation_vectors"]
    with connect(world["reader"]) as r:  # the column path as before
        assert r.execute("SELECT count(*) FROM agent_loggy.similar_investigations(%s)",
                         (Vector(world["vectors"][384][0]),)).fetchone() == (0,)
    assert migrations.apply(db_url) == ["0032_investigation_vectors", *later]
    with connect(world["reader"]) as r:
        bound(r)
        assert store(r, world["configs"][384], world["ids"][:3], ["dispute 0", "dispute 1", "dispute 2"],
                     world["vectors"][384][:3]) == 3
        r.execute("COMMIT")

