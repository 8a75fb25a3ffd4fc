"""Filling an embedding config's store (backfill.fill_config_embeddings, `embed --config`): texts split
into token windows as the config says, each chunk stored with its position, resumable, late chunking or a
clear refusal. Fills run as a writer login, searches as a reader; the embedders here are local fakes (no
network) except the real MiniLM of the extra embed for the CLI."""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import faiss
import numpy as np
import numpy.typing as npt
import psycopg
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pgvector.psycopg import register_vector

from agent_loggy_db import chunking
from agent_loggy_db.backfill import embedding_config, fill_config_embeddings
from agent_loggy_db.errors import InvalidInput
from tests.conftest import RoleUrl
from tests.test_cli import base_env, cli
from tests.test_cli_retrieval import counts, faiss_store
from tests.test_embedding_stores import add_config

Conn = psycopg.Connection[Any]
DIMS = 16


def word_vector(word: str) -> npt.NDArray[np.float32]:
    digest = hashlib.sha256(word.lower().encode()).digest()
    return np.frombuffer(digest[:DIMS], dtype=np.uint8).astype(np.float32) - 127.5


class Words:
    """A 16-dimension embedder whose tokens are words: a text's vector is the mean of its words'."""

    name = "fake/words"
    dimensions = DIMS
    max_tokens = 8

    def __init__(self) -> None:
        self.calls: list[int] = []

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.calls.append(len(texts))
        out = np.stack([np.mean([word_vector(w) for w in t.split()] or [np.ones(DIMS, dtype=np.float32)], axis=0)
                        for t in texts])
        unit: npt.NDArray[np.float32] = (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)
        return unit

    def token_offsets(self, texts: Sequence[str]) -> list[list[tuple[int, int]]]:
        return [[(m.start(), m.end()) for m in re.finditer(r"\S+", t)] for t in texts]


class LateWords(Words):
    """Words with late chunking: a window's vector also leans towards the text around it."""

    name = "fake/late-words"

    def embed_windows(self, text: str, windows: Sequence[tuple[int, int]]) -> npt.NDArray[np.float32]:
        whole = self.embed([text])[0]
        own = self.embed([text[a:b] for a, b in windows])
        out = own + 0.5 * whole
        unit: npt.NDArray[np.float32] = (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)
        return unit


class NotLate(Words):
    """Tokenizing, but without token embeddings: no late chunking."""

    name = "fake/late-words"


class Untokenized:
    name = "fake/words"
    dimensions = DIMS

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return Words().embed(texts)


@given(st.integers(0, 300), st.integers(1, 40), st.integers(0, 39))
def test_windows_cover_every_token_within_the_size_sharing_the_overlap(tokens: int, size: int, overlap: int) -> None:
    if overlap >= size:
        with pytest.raises(ValueError, match="overlap"):
            chunking.windows(tokens, size, overlap)
        return
    spans = chunking.windows(tokens, size, overlap)
    assert spans[0][0] == 0 and spans[-1][1] == tokens
    assert all(0 < end - start <= size or tokens == 0 for start, end in spans)
    for (s1, e1), (s2, _) in itertools.pairwise(spans):
        assert s2 - s1 == size - overlap and e1 - s2 == overlap


def test_split_keeps_positions_and_the_text_between_tokens() -> None:
    text = "alpha  beta gamma\tdelta epsilon zeta"
    chunks = chunking.split(text, Words().token_offsets([text])[0], 3, 1)
    assert [c.text for c in chunks] == ["alpha  beta gamma", "gamma\tdelta epsilon", "epsilon zeta"]
    assert all(text[c.char_start:c.char_end] == c.text for c in chunks)
    assert [(c.token_start, c.token_end) for c in chunks] == [(0, 3), (2, 5), (4, 6)]


@pytest.fixture
def filled(role_url: RoleUrl) -> dict[str, Any]:
    """Project default: a config of fake/words (chunks of 5 words, overlap 1), documents short and long."""
    writer = role_url("agent_loggy_writer", "default")
    with psycopg.connect(writer, autocommit=True) as w:
        register_vector(w)
        configs = {name: add_config(w, name, model, DIMS, chunking=(5, 1, strategy))
                   for name, model, strategy in (("words", "fake/words", "fixed"),
                                                 ("late", "fake/late-words", "late_chunking"),
                                                 ("whole", "fake/words", "none"), ("odd", "fake/words", "semantic"))}
        w.execute("BEGIN")
        w.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        w.execute("INSERT INTO agent_loggy.documents (external_id, content) VALUES "
                  "('short', 'card declined'), "
                  "('long', 'the merchant called about a refund then the gateway timed out and the "
                  "settlement batch failed at midnight'), "
                  "('other', 'disk full on the log volume')")
        w.execute("COMMIT")
        conf = {name: embedding_config(w, config_id) for name, config_id in configs.items()}
    return {"writer": writer, "configs": conf}


def rows_of(url: str, config_id: int) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as c:
        return c.execute("SELECT d.external_id, e.chunk, e.char_start, e.char_end, e.token_start, e.token_end "
                         "FROM agent_loggy.embeddings AS e JOIN agent_loggy.documents AS d ON d.id = e.item_id "
                         "WHERE e.config_id = %s ORDER BY 1, 2", (config_id,)).fetchall()


def test_a_fill_chunks_each_text_as_the_config_says_and_search_finds_the_best_chunk(
        filled: dict[str, Any], role_url: RoleUrl) -> None:
    config = filled["configs"]["words"]
    embedder = Words()
    with psycopg.connect(filled["writer"]) as w:
        register_vector(w)
        result = fill_config_embeddings(w, embedder, config, "documents", batch_size=2)
    assert (result.embedded, result.skipped, result.window) == (3, 0, 5)
    stored = rows_of(filled["writer"], config.id)
    long_chunks = [r for r in stored if r[0] == "long"]
    assert [(r[4], r[5]) for r in long_chunks] == [(0, 5), (4, 9), (8, 13), (12, 17), (16, 18)]  # 18 words
    assert [r for r in stored if r[0] == "short"] == [("short", 0, 0, 13, 0, 2)]
    assert result.chunks == len(stored) == 5 + 1 + 2
    assert embedder.calls == [6, 2], "one embed() per batch of rows, every chunk of the batch in it"
    query = Words().embed(["settlement batch failed at midnight"])[0]
    with psycopg.connect(role_url("agent_loggy_reader", "default")) as r:
        register_vector(r)
        hit = r.execute("SELECT external_id, chunk, chunk_start, chunk_end, content FROM agent_loggy.search_documents("
                        "%s, 'default', 1, NULL, %s)", (query, config.id)).fetchone()
    assert hit is not None and hit[0] == "long" and hit[1] in (3, 4)
    assert "midnight" in hit[4][hit[2]:hit[3]] or "settlement" in hit[4][hit[2]:hit[3]]


def test_a_fill_resumes_where_it_stopped_and_leaves_texts_edited_meanwhile(filled: dict[str, Any]) -> None:
    config = filled["configs"]["words"]

    class Stop(Exception):
        pass

    def stop(_: int) -> None:
        raise Stop

    with psycopg.connect(filled["writer"]) as w:
        register_vector(w)
        with pytest.raises(Stop):
            fill_config_embeddings(w, Words(), config, "documents", batch_size=1, on_batch=stop)
        assert {r[0] for r in rows_of(filled["writer"], config.id)} == {"short"}, "the first batch was committed"

        class Editing(Words):
            def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
                with psycopg.connect(filled["writer"], autocommit=True) as other:
                    other.execute("BEGIN")
                    other.execute("SELECT set_config('agent_loggy.project', 'default', true)")
                    other.execute("UPDATE agent_loggy.documents SET content = content || ' (edited)' "
                                  "WHERE external_id = 'other'")
                    other.execute("COMMIT")
                return super().embed(texts)

        result = fill_config_embeddings(w, Editing(), config, "documents", batch_size=10)
        assert (result.embedded, result.skipped) == (1, 1), "'other' changed while it was embedded"
        assert fill_config_embeddings(w, Words(), config, "documents").embedded == 1
    assert {r[0] for r in rows_of(filled["writer"], config.id)} == {"short", "long", "other"}


def test_late_chunking_pools_windows_from_the_whole_text(filled: dict[str, Any]) -> None:
    config = filled["configs"]["late"]
    with psycopg.connect(filled["writer"]) as w:
        register_vector(w)
        result = fill_config_embeddings(w, LateWords(), config, "documents")
        vectors = [v.to_numpy() for (v,) in w.execute(
            "SELECT e.embedding FROM agent_loggy.embeddings AS e JOIN agent_loggy.documents AS d ON d.id = e.item_id "
            "WHERE e.config_id = %s AND d.external_id = 'long' ORDER BY e.chunk", (config.id,))]
    plain = Words().embed(["the merchant called about a"])[0]
    assert result.embedded == 3 and len(vectors) == 5
    assert 0.5 < float(vectors[0] @ plain) < 0.999, "the first window leans towards the rest of the text"


@pytest.mark.parametrize(("config", "embedder", "message"), [
    ("late", NotLate(), "asks late_chunking, but the embedder fake/late-words does not expose token embeddings"),
    ("words", Untokenized(), "does not tell its tokens"),
    ("odd", Words(), "chunking strategy 'semantic': expected one of fixed, late_chunking, none"),
    ("words", LateWords(), "makes 16-dimension vectors of fake/late-words"),
])
def test_a_fill_the_embedder_cannot_do_is_refused_clearly_and_stores_nothing(
        filled: dict[str, Any], config: str, embedder: Any, message: str) -> None:
    chosen = filled["configs"][config]
    with psycopg.connect(filled["writer"]) as w, pytest.raises(InvalidInput, match=re.escape(message)):
        fill_config_embeddings(w, embedder, chosen, "documents")
    assert rows_of(filled["writer"], chosen.id) == []


def test_strategy_none_embeds_whole_texts(filled: dict[str, Any]) -> None:
    config = filled["configs"]["whole"]
    with psycopg.connect(filled["writer"]) as w:
        register_vector(w)
        assert fill_config_embeddings(w, Untokenized(), config, "documents").chunks == 3
    assert all(r[1] == 0 for r in rows_of(filled["writer"], config.id))


def test_cli_embed_config_chunks_with_the_local_model_and_says_when_the_model_reads_less(
        role_url: RoleUrl) -> None:
    writer = role_url("agent_loggy_writer", "default")
    with psycopg.connect(writer, autocommit=True) as w:
        add_config(w, "minilm", "sentence-transformers/all-MiniLM-L6-v2", 384, chunking=(512, 32, "fixed"))
        w.execute("BEGIN")
        w.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        steps = " ".join(f"step {i}: restart the payment gateway pod and check the card network" for i in range(60))
        w.execute("INSERT INTO agent_loggy.documents (external_id, content) VALUES ('runbook', %s), ('note', 'short')",
                  (steps,))
        w.execute("COMMIT")
    env = base_env(DATABASE_URL=writer)
    done = cli("embed", "--config", "minilm", "--what", "documents", env=env)
    assert done.returncode == 0, done.stderr
    assert re.search(r"^documents\t2\t(\d+)\t0$", done.stdout, re.MULTILINE)
    assert "chunks of 254 tokens, not the config's 512" in done.stderr
    with psycopg.connect(writer) as c:
        spans = c.execute("SELECT max(chunk), max(token_end - token_start) FROM agent_loggy.embeddings").fetchone()
    assert spans is not None and spans[0] >= 2 and spans[1] == 254
    again = cli("embed", "--config", "minilm", "--what", "documents", env=env)
    assert "documents\t0\t0\t0" in again.stdout.splitlines(), "nothing left"
    missing = cli("embed", "--config", "nope", env=env)
    assert missing.returncode == 4 and "no embedding config 'nope' in project default" in missing.stderr
    found = cli("search", "step 59: restart the payment gateway pod", "--mode", "vector", "--config", "minilm",
                "--limit", "1", env=env)
    assert found.returncode == 0, found.stderr
    assert "manual/runbook" in found.stdout and "step 59" in found.stdout, "the best chunk, from the end of the text"


def test_a_1536_dimension_faiss_store_keeps_its_vectors_in_the_config(
        role_url: RoleUrl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    writer = role_url("agent_loggy_writer", "default")
    with psycopg.connect(writer, autocommit=True) as w:
        config_id = add_config(w, "openai", "text-embedding-3-small", 1536)
        add_config(w, "minilm", "sentence-transformers/all-MiniLM-L6-v2", 384)
    directory, vectors = faiss_store(tmp_path, monkeypatch, faiss.IndexFlatL2(1536), 1536)
    env = base_env(DATABASE_URL=writer)
    wrong = cli("import", "faiss", str(directory), "--project", "default", "--config", "minilm", env=env)
    assert wrong.returncode == 4, "invalid input"
    assert "the FAISS store holds 1536-dimension vectors: embedding config" in wrong.stderr
    assert "holds 384" in wrong.stderr
    done = cli("import", "faiss", str(directory), "--project", "default", "--config", "openai", env=env)
    assert done.returncode == 0, done.stderr
    assert counts(done.stdout)["inserted"] == "3" and counts(done.stdout)["without embedding"] == "0"
    assert "FAISS IndexFlatL2, l2, 1536 dimensions" in done.stdout
    reader = role_url("agent_loggy_reader", "default")
    with psycopg.connect(reader) as r:
        register_vector(r)
        kept: dict[str, Any] = dict(r.execute("SELECT d.external_id, e.embedding FROM agent_loggy.embeddings AS e "
                              "JOIN agent_loggy.documents AS d ON d.id = e.item_id WHERE e.config_id = %s",
                              (config_id,)).fetchall())
        nearest = r.execute("SELECT external_id FROM agent_loggy.search_documents(%s, 'default', 1, NULL, %s)",
                            (vectors[1], config_id)).fetchone()
    by_position = {"id-c": vectors[0], "id-a": vectors[1], "id-b": vectors[2]}
    for external, vector in kept.items():
        source = by_position[external]
        cosine = float(vector.to_numpy() @ source) / (np.linalg.norm(vector.to_numpy()) * np.linalg.norm(source))
        assert cosine >= 0.99999, (external, cosine)
    assert len(kept) == 3 and nearest == ("id-a",)
    assert counts(done.stdout)["vectors kept (normalised)"] == "3"
    assert f"its vectors into embedding config {config_id} (openai v1)" in " ".join(done.stdout.split())
