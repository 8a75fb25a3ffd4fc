"""Imported values are checked before COPY, so every problem is reported by line or position."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest

from agent_loggy_db import ImportFailed
from agent_loggy_db.importers import read_langchain_faiss
from agent_loggy_db.importers.documents import JsonlDocuments, parse_document
from agent_loggy_db.importers.values import pg_json, pg_vector
from tests.test_faiss_reader import DOCS, POSITIONS, flat_store, langchain_pickle


@pytest.mark.parametrize(("line", "message"), [
    ('{"external_id": "a", "content": "x", "metadata": {"v": NaN}}', "NaN is not a JSON number"),
    ('{"external_id": "a", "content": "x", "metadata": {"v": 1e400}}', "metadata holds inf: JSON numbers"),
    ('{"external_id": "a", "content": "x", "embedding": []}', "embedding has 0 dimensions: expected 384"),
    ('{"external_id": "a", "content": "x", "embedding": [1e39' + ", 0" * 383 + "]}", "beyond float32"),
    ('{"external_id": "a", "content": "\\ud800"}', "content contains a lone surrogate"),
    ('{"external_id": "a", "content": "x", "tags": ["\\u0000"]}', "tags contains a NUL character"),
    ('{"external_id": "a", "content": "x", "metadata": {"k": "\\u0000"}}', "metadata contains a NUL character"),
    ('{"external_id": "a", "content": "x", "metadata": ' + "[" * 5000 + "]" * 5000 + "}", "nested too deeply"),
    ('{"external_id": "a", "content": "x", "metadata": {"k": ' + "[" * 70 + "]" * 70 + "}}", "more than 64 levels"),
])
def test_bad_jsonl_values_are_named(line: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_document(1, line)


def test_a_backslash_before_u0000_in_text_is_not_a_nul() -> None:
    record = parse_document(1, json.dumps({"external_id": "a", "content": "x", "metadata": {"p": "C:\\u0000dir"}}))
    assert record.metadata == {"p": "C:\\u0000dir"}


def test_the_reader_reports_every_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_bytes(b'{"external_id": "a", "content": "ok"}\n\xff\n{"external_id": "a", "content": "again"}\n')
    reader = JsonlDocuments(path)
    assert [r.external_id for r in reader] == ["a"]
    assert reader.problems == ["line 2: byte 0xff is not UTF-8: expected UTF-8 text",
                               "line 3: external_id 'a' is also on line 1"]


def test_shared_references_cannot_blow_up_metadata() -> None:
    bomb: list[Any] = []
    for _ in range(40):  # 2**40 values once expanded, a few hundred bytes pickled
        bomb = [bomb, bomb]
    with pytest.raises(ValueError, match="more than 100000 values"):
        pg_json("metadata", {"x": bomb})


def test_a_faiss_store_with_a_metadata_bomb_or_nul_text_is_refused(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    bomb: list[Any] = []
    for _ in range(30):
        bomb = [bomb, bomb]
    pickled = langchain_pickle(monkeypatch, {**DOCS, "id-a": ("text", {"x": bomb}),
                                             "id-b": ("nul \x00 here", {})}, POSITIONS)
    assert len(pickle.dumps(bomb)) < 1000
    with pytest.raises(ImportFailed) as caught:
        read_langchain_faiss(flat_store(tmp_path, pickled))
    assert caught.value.problems == (
        "position 1: docstore id 'id-a': metadata holds more than 100000 values: expected a small JSON object",
        "position 2: docstore id 'id-b': page_content contains a NUL character, which PostgreSQL text cannot hold",
    )


def test_pg_vector_wants_exactly_384_numbers() -> None:
    assert pg_vector("e", [1] * 384) == [1.0] * 384
    with pytest.raises(ValueError, match="not numbers"):
        pg_vector("e", [True] * 384)
