"""`import documents`, `import faiss`, `embed` and `search`, run as separate processes against DATABASE_URL."""

from __future__ import annotations

import json
import math
import os
import pickle
import re
from pathlib import Path
from typing import Any

import faiss
import numpy as np
import psycopg
import pytest

from tests.test_cli import base_env, cli
from tests.test_faiss_reader import REAL, RunsCommand, langchain_pickle, write_store

DOCS: list[dict[str, Any]] = [
    {"external_id": "timeouts", "title": "Gateway timeouts", "tags": ["runbook", "payments"],
     "content": "When the payment gateway times out, retry the card charge once and page the payments team."},
    {"external_id": "probes", "tags": ["runbook"], "metadata": {"team": "sre"},
     "content": "Kubernetes liveness and readiness probes hit /healthz every ten seconds; ignore them."},
    {"external_id": "refunds", "content": "Refunds are batched nightly and settle after two business days."},
]


def counts(output: str) -> dict[str, str]:
    """The result table printed by a load (piped: tab-separated lines), as {result: value}."""
    rows = re.finditer(r"^([a-z ()-]+)\t([\w ]+)$", output, re.MULTILINE)
    return {m[1]: m[2] for m in rows if m[1] != "result"}  # not the header line


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def stored(db_url: str, query: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(db_url) as conn:
        return conn.execute(query).fetchall()


def test_import_documents_upserts_and_is_idempotent(db_url: str, tmp_path: Path) -> None:
    env = base_env(DATABASE_URL=db_url)
    file = write_jsonl(tmp_path / "runbooks.jsonl", DOCS)
    first = cli("import", "documents", str(file), "--project", "ops", "--source", "runbooks", env=env)
    assert first.returncode == 0, first.stderr
    assert "Imported documents from" in first.stdout and "into project ops (source runbooks)" in first.stdout
    assert counts(first.stdout) == {"inserted": "3", "updated": "0", "unchanged": "0", "vector index": "kept"}
    assert "staging runbooks.jsonl" in first.stderr or "merging into documents" in first.stderr  # progress bar
    again = cli("import", "documents", str(file), "--project", "ops", "--source", "runbooks", env=env)
    assert counts(again.stdout)["unchanged"] == "3"
    edited = write_jsonl(tmp_path / "edited.jsonl", [{**DOCS[0], "content": "Retry twice."}, DOCS[1]])
    third = cli("import", "documents", str(edited), "--project", "ops", "--source", "runbooks", env=env)
    assert counts(third.stdout) == {"inserted": "0", "updated": "1", "unchanged": "1", "vector index": "kept"}
    assert stored(db_url, "SELECT external_id, content, tags, metadata FROM agent_loggy.documents ORDER BY 1") == [
        ("probes", DOCS[1]["content"], ["runbook"], {"team": "sre"}),
        ("refunds", DOCS[2]["content"], [], {}),
        ("timeouts", "Retry twice.", ["runbook", "payments"], {}),
    ]


def test_a_bad_line_refuses_the_whole_file_naming_every_bad_line(db_url: str, tmp_path: Path) -> None:
    file = write_jsonl(tmp_path / "bad.jsonl", [
        DOCS[0],
        "{not json",
        {"external_id": "x", "content": "ok", "colour": "red"},
        {"external_id": "timeouts", "content": "the same id again"},
        {"external_id": "e", "content": "short", "embedding": [0.5, 0.5]},
        {"external_id": "n", "content": "nan", "embedding": [float("nan")] * 384},
        ["an", "array"],
        DOCS[2],
    ])
    result = cli("import", "documents", str(file), env=base_env(DATABASE_URL=db_url))
    assert result.returncode == 4
    problems = [line.strip() for line in result.stderr.splitlines() if line.strip().startswith("line ")]
    assert problems == [
        "line 2: not valid JSON (Expecting property name enclosed in double quotes at column 2): "
        "expected a JSON object",
        "line 3: unknown field(s) 'colour': expected only external_id, title, content, tags, metadata, embedding",
        "line 4: external_id 'timeouts' is also on line 1",
        "line 5: embedding has 2 dimensions: expected 384",
        "line 6: not valid JSON (NaN is not a JSON number): expected a JSON object",
        "line 7: a JSON array: expected an object with the fields external_id, title, content, tags, metadata,"
        " embedding",
    ]
    assert "nothing was written" in result.stderr and "Traceback" not in result.stderr
    assert stored(db_url, "SELECT count(*) FROM agent_loggy.documents") == [(0,)]


def test_import_with_embeddings_and_a_forced_index_rebuild(db_url: str, tmp_path: Path) -> None:
    rows = [{"external_id": f"d{i}", "content": f"doc {i}", "embedding": [math.cos(i), math.sin(i)] + [0.0] * 382}
            for i in range(1, 6)]
    file = write_jsonl(tmp_path / "vectors.jsonl", rows)
    result = cli("import", "documents", str(file), "--index", "rebuild", env=base_env(DATABASE_URL=db_url))
    assert result.returncode == 0, result.stderr
    assert counts(result.stdout)["vector index"] == "rebuilt"
    assert stored(db_url, "SELECT count(*) FROM agent_loggy.documents WHERE embedding IS NOT NULL") == [(5,)]
    assert stored(db_url, "SELECT count(*) FROM pg_indexes WHERE indexname = 'documents_embedding_idx'") == [(1,)]


def faiss_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, index: Any, dims: int) -> tuple[Path, Any]:
    rng = np.random.default_rng(3)
    vectors = (rng.normal(size=(3, dims)) * 7).astype("float32")  # far from unit length, as L2 stores often are
    index.add(vectors)
    documents = {
        "id-a": ("payment failed: card declined", {"source": "loki", "level": "error"}),
        "id-b": ("kyc tier upgraded", {"tags": ["kyc"]}),
        "id-c": ("health check ok", {}),
    }
    pickled = langchain_pickle(monkeypatch, documents, {0: "id-c", 1: "id-a", 2: "id-b"})
    return write_store(tmp_path / "store", index, pickled), vectors


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_import_faiss_keeps_384_dimension_vectors_normalised(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    index = faiss.IndexFlatL2(384) if kind == "flat" else faiss.IndexHNSWFlat(384, 16)
    directory, vectors = faiss_store(tmp_path, monkeypatch, index, 384)
    env = base_env(DATABASE_URL=db_url)
    result = cli("import", "faiss", str(directory), "--project", "kb", env=env)
    assert result.returncode == 0, result.stderr
    assert counts(result.stdout) == {
        "inserted": "3", "updated": "0", "unchanged": "0", "vectors kept (normalised)": "3", "re-embedded": "0",
        "without embedding": "0", "vector index": "kept"}
    assert f"FAISS {'IndexFlatL2' if kind == 'flat' else 'IndexHNSWFlat'}, l2, 384 dimensions" in result.stdout
    rows = stored(db_url, "SELECT external_id, content, metadata, source, embedding::text FROM agent_loggy.documents "
                          "WHERE project = 'kb' ORDER BY id")
    assert [r[:4] for r in rows] == [
        ("id-c", "health check ok", {}, "faiss"),
        ("id-a", "payment failed: card declined", {"source": "loki", "level": "error"}, "faiss"),
        ("id-b", "kyc tier upgraded", {"tags": ["kyc"]}, "faiss"),
    ]
    for row, vector in zip(rows, vectors, strict=True):
        got = np.array(json.loads(row[4]))
        assert np.linalg.norm(got) == pytest.approx(1.0, abs=1e-5)
        assert got == pytest.approx(vector / np.linalg.norm(vector), abs=1e-5)
    again = cli("import", "faiss", str(directory), "--project", "kb", env=env)
    assert counts(again.stdout)["unchanged"] == "3"


def test_import_faiss_reembeds_other_dimensions_or_imports_them_bare(db_url: str) -> None:
    directory = REAL / "community-0.4.2"  # written by LangChain itself, 8 dimensions
    env = base_env(DATABASE_URL=db_url)
    bare = cli("import", "faiss", str(directory), "--project", "bare", "--no-embed", env=env)
    assert bare.returncode == 0, bare.stderr
    assert counts(bare.stdout)["without embedding"] == "4" and counts(bare.stdout)["inserted"] == "4"
    embedded = cli("import", "faiss", str(directory), "--project", "kb", env=env)
    assert embedded.returncode == 0, embedded.stderr
    assert counts(embedded.stdout)["re-embedded"] == "4" and counts(embedded.stdout)["vectors kept (normalised)"] == "0"
    assert stored(db_url, "SELECT project, count(embedding) FROM agent_loggy.documents GROUP BY 1 ORDER BY 1") == [
        ("bare", 0), ("kb", 4)]


def test_import_faiss_refuses_a_malicious_pickle_and_writes_nothing(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "pwned"
    index = faiss.IndexFlatL2(384)
    index.add(np.ones((1, 384), dtype="float32"))
    directory = write_store(tmp_path / "evil", index, pickle.dumps(RunsCommand(f"touch {marker}"), protocol=4))
    result = cli("import", "faiss", str(directory), "--project", "kb", env=base_env(DATABASE_URL=db_url))
    assert result.returncode == 4
    assert f"it references {os.system.__module__}.system" in result.stderr and "Traceback" not in result.stderr
    assert not marker.exists()
    assert stored(db_url, "SELECT count(*) FROM agent_loggy.documents") == [(0,)]


def test_embed_then_search_in_every_mode(db_url: str, tmp_path: Path) -> None:
    env = base_env(DATABASE_URL=db_url)
    assert cli("import", "documents", str(write_jsonl(tmp_path / "d.jsonl", DOCS)), env=env).returncode == 0
    embedded = cli("embed", "--what", "documents", env=env)
    assert embedded.returncode == 0, embedded.stderr
    assert "Embeddings computed with sentence-transformers/all-MiniLM-L6-v2" in embedded.stdout
    assert "documents\t3\t0" in embedded.stdout.splitlines()
    assert "embedding documents" in embedded.stderr  # the progress bar
    hybrid = cli("search", "the card gateway did not answer", env=env)
    assert hybrid.returncode == 0, hybrid.stderr
    assert "hybrid search of project default" in hybrid.stdout
    first = next(line for line in hybrid.stdout.splitlines() if line.startswith("1\t"))
    assert "manual/timeouts" in first
    vector = cli("search", "readiness probes", "--mode", "vector", "--limit", "1", env=env)
    assert "manual/probes" in vector.stdout and "manual/timeouts" not in vector.stdout
    keyword = cli("search", "refunds", "--mode", "keyword", "--tags", "runbook", env=env)
    assert keyword.returncode == 0 and "no documents of project default match 'refunds' with tags runbook" in \
        keyword.stdout
    again = cli("embed", "--json", env=env)
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert report["embedder"] == "sentence-transformers/all-MiniLM-L6-v2" and report["config"] is None
    assert {r["what"]: r["embedded"] for r in report["results"]}["documents"] == 0, "nothing left to embed"


def test_the_sample_documents_import_and_keyword_search_needs_no_model(db_url: str) -> None:
    env = base_env(DATABASE_URL=db_url)
    sample = Path(__file__).resolve().parent.parent / "docs" / "samples" / "documents.jsonl"
    loaded = cli("import", "documents", str(sample), "--source", "samples", env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert counts(loaded.stdout)["inserted"] == "6"
    found = cli("search", "duplicate refund batch", "--mode", "keyword", "--limit", "2", env=env)
    assert found.returncode == 0, found.stderr
    first = next(line for line in found.stdout.splitlines() if line.startswith("1\t"))
    assert "samples/incident-2026-05-refunds" in first
    fuzzy = cli("search", "paymnet gatway tiemouts", "--mode", "fuzzy", "--limit", "2", env=env)
    assert fuzzy.returncode == 0, fuzzy.stderr
    assert "fuzzy search of project default" in fuzzy.stdout and "matched" in fuzzy.stdout
    first = next(line for line in fuzzy.stdout.splitlines() if line.startswith("1\t"))
    assert "samples/runbook-payment-timeouts" in first and "paymnet→payment" in first


def test_bad_names_and_queries_are_refused_before_any_work(db_url: str, tmp_path: Path) -> None:
    env = base_env(DATABASE_URL=db_url)
    file = write_jsonl(tmp_path / "d.jsonl", DOCS)
    bad_source = cli("import", "documents", str(file), "--source", "bad source", env=env)
    assert bad_source.returncode == 4 and "invalid source 'bad source'" in bad_source.stderr
    assert "staging" not in bad_source.stderr, "refused before the file was read"
    bad_project = cli("import", "faiss", str(REAL / "community-0.4.2"), "--project", "Bad!", env=env)
    assert bad_project.returncode == 4 and "invalid project 'Bad!'" in bad_project.stderr
    blank = cli("search", "  ", env=env)
    assert blank.returncode == 2 and "expected some words to search for" in blank.stderr
    no_tags = cli("search", "refunds", "--mode", "keyword", "--tags", ",,", env=env)
    assert no_tags.returncode == 2 and "names no tag" in no_tags.stderr
