"""LangChain FAISS stores are read safely: real LangChain files, faiss index types, refused pickles.

The stores are built here with faiss, and index.pkl is written without LangChain: classes put in
sys.modules under LangChain's module paths pickle the state LangChain's classes pickle
(test_fake_pickles_like_langchain compares them with the real files in tests/data/langchain_faiss).
"""

from __future__ import annotations

import builtins
import datetime
import io
import json
import math
import os
import pickle
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import faiss
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent_loggy_db import ImportFailed, MissingDependency, UnsafePickle
from agent_loggy_db.importers import FaissStore, normalised, read_langchain_faiss

REAL = Path(__file__).resolve().parent / "data" / "langchain_faiss"
CURRENT = ("langchain_community.docstore.in_memory", "langchain_core.documents.base")
OLDEST = ("langchain.docstore.in_memory", "langchain.docstore.document")
DIMS = 8
DOCS = {
    "id-a": ("payment failed: card declined", {"source": "loki", "level": "error"}),
    "id-b": ("KYC tier upgraded — niveau 2", {"tags": ["kyc", "tier"], "n": 2, "nested": {"x": None}}),
    "id-c": ("health check ok", {}),
}
POSITIONS = {0: "id-c", 1: "id-a", 2: "id-b"}  # not the docstore's order


class FakeDocument:
    """Pickles as LangChain's Document does: NEWOBJ of the class, then BUILD with its state."""

    def __init__(self, state: dict[str, Any]):
        self.state = state

    def __getstate__(self) -> dict[str, Any]:
        return self.state


class FakeDocstore:
    """Pickles as InMemoryDocstore does: its plain __dict__, {"_dict": {docstore id: Document}}."""

    def __init__(self, documents: dict[str, Any]):
        self._dict = documents


def document_state(style: str, docstore_id: str, content: str, metadata: dict[str, Any]) -> dict[str, Any]:
    """The state of a Document as pickled by pydantic v2, pydantic v1 (with _lc_kwargs) or a plain object."""
    if style == "v2":  # langchain-core >= 0.3
        fields = {"id": docstore_id, "metadata": metadata, "page_content": content, "type": "Document"}
        return {"__dict__": fields, "__pydantic_extra__": None,
                "__pydantic_fields_set__": {"metadata", "id", "page_content"}, "__pydantic_private__": None}
    if style == "v1":  # langchain 0.0.x, langchain-core < 0.3
        fields = {"page_content": content, "metadata": metadata, "type": "Document"}
        return {"__dict__": fields, "__fields_set__": {"page_content", "metadata"},
                "__private_attribute_values__": {}, "_lc_kwargs": {"page_content": content, "metadata": metadata}}
    return {"page_content": content, "metadata": metadata}


def fake_class(monkeypatch: pytest.MonkeyPatch, module: str, name: str, base: type) -> type:
    """A subclass of base that pickle names module.name, with module (and its parents) in sys.modules."""
    cls = type(name, (base,), {"__module__": module, "__qualname__": name})
    parts = module.split(".")
    for end in range(1, len(parts) + 1):
        monkeypatch.setitem(sys.modules, ".".join(parts[:end]), types.ModuleType(".".join(parts[:end])))
    setattr(sys.modules[module], name, cls)
    return cls


def langchain_pickle(
    monkeypatch: pytest.MonkeyPatch,
    documents: dict[str, Any] = DOCS,
    positions: Any = POSITIONS,
    *,
    style: str = "v2",
    modules: tuple[str, str] = CURRENT,
    protocol: int = 4,
) -> bytes:
    docstore_cls = fake_class(monkeypatch, modules[0], "InMemoryDocstore", FakeDocstore)
    document_cls = fake_class(monkeypatch, modules[1], "Document", FakeDocument)
    docs = {key: document_cls(document_state(style, key, *value)) if isinstance(value, tuple) else value
            for key, value in documents.items()}
    return pickle.dumps((docstore_cls(docs), positions), protocol=protocol)


def vectors(count: int = 3) -> Any:
    return np.random.default_rng(7).normal(size=(count, DIMS)).astype("float32")


def write_store(directory: Path, index: Any, pickled: bytes) -> Path:
    directory.mkdir(exist_ok=True)
    faiss.write_index(index, str(directory / "index.faiss"))
    (directory / "index.pkl").write_bytes(pickled)
    return directory


def flat_store(tmp_path: Path, pickled: bytes, count: int = 3) -> Path:
    index = faiss.IndexFlatL2(DIMS)
    index.add(vectors(count))
    return write_store(tmp_path / "store", index, pickled)


def failure(directory: Path) -> ImportFailed:
    with pytest.raises(ImportFailed) as caught:
        read_langchain_faiss(directory)
    return caught.value


def as_dicts(store: FaissStore) -> list[dict[str, Any]]:
    return [{"docstore_id": r.docstore_id, "content": r.content, "metadata": r.metadata,
             "vector": None if r.vector is None else r.vector.tolist()}
            for r in store.records]


@pytest.mark.parametrize("name", sorted(p.name for p in REAL.iterdir() if p.is_dir()))
def test_reads_stores_written_by_langchain(name: str) -> None:
    expected = json.loads((REAL / name / "expected.json").read_text(encoding="utf-8"))
    store = read_langchain_faiss(REAL / name)
    assert (store.dimensions, store.metric, store.index_type) == (8, "l2", "IndexFlatL2")
    assert as_dicts(store) == expected["records"]


def dissect(data: bytes) -> dict[str, Any]:
    """The globals of an index.pkl and the keys of its docstore's and documents' pickled state."""
    seen: set[str] = set()

    class Keep:
        def __setstate__(self, state: Any) -> None:
            self.state = state

    class Recorder(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            seen.add(f"{module}.{name}")
            return type(name, (Keep,), {})

    docstore, positions = Recorder(io.BytesIO(data)).load()
    documents = list(docstore.state["_dict"].values())
    return {
        "globals": seen,
        "docstore": set(docstore.state),
        "document": {frozenset(d.state) for d in documents},
        "fields": {frozenset(d.state["__dict__"]) for d in documents},
        "fields_set": {type(d.state["__pydantic_fields_set__"]) for d in documents},
        "positions": {(type(k), type(v)) for k, v in positions.items()},
    }


def test_fake_pickles_like_langchain(monkeypatch: pytest.MonkeyPatch) -> None:
    real = dissect((REAL / "community-0.4.2" / "index.pkl").read_bytes())
    assert real["globals"] == {"langchain_community.docstore.in_memory.InMemoryDocstore",
                               "langchain_core.documents.base.Document"}
    assert dissect(langchain_pickle(monkeypatch)) == real


@pytest.mark.parametrize(
    ("make_index", "metric"),
    [
        (lambda: faiss.IndexFlatL2(DIMS), "l2"),
        (lambda: faiss.IndexHNSWFlat(DIMS, 16), "l2"),
        (lambda: faiss.IndexFlatIP(DIMS), "inner_product"),
        (lambda: faiss.IndexHNSWFlat(DIMS, 16, faiss.METRIC_INNER_PRODUCT), "inner_product"),
        (lambda: faiss.IndexIVFFlat(faiss.IndexFlatL2(DIMS), DIMS, 1), "l2"),
    ],
    ids=["flat-l2", "hnsw-l2", "flat-ip", "hnsw-ip", "ivf-flat"],
)
def test_reads_index_types(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_index: Any, metric: str) -> None:
    index, data = make_index(), vectors()
    index.train(data)
    index.add(data)
    store = read_langchain_faiss(write_store(tmp_path / "store", index, langchain_pickle(monkeypatch)))
    assert (store.dimensions, store.metric, store.index_type) == (DIMS, metric, type(index).__name__)
    assert [r.docstore_id for r in store.records] == ["id-c", "id-a", "id-b"]
    assert [(r.content, r.metadata) for r in store.records] == [DOCS[key] for key in ("id-c", "id-a", "id-b")]
    assert [r.vector.tolist() for r in store.records if r.vector is not None] == data.tolist()


@pytest.mark.parametrize(
    ("style", "modules", "protocol"),
    [
        ("v1", CURRENT, 4),  # langchain-community 0.0.x, langchain-core < 0.3
        ("v1", ("langchain.docstore.in_memory", "langchain_core.documents.base"), 4),  # langchain 0.0.34x
        ("v1", ("langchain.docstore.in_memory", "langchain.schema.document"), 4),
        ("v1", ("langchain.docstore.in_memory", "langchain.schema"), 4),
        ("v1", OLDEST, 4),
        ("plain", CURRENT, 4),
        ("v1", OLDEST, 2),  # sets pickled as builtins.set(list)
        ("v2", CURRENT, 5),
    ],
)
def test_reads_older_langchain_formats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, style: str, modules: tuple[str, str], protocol: int
) -> None:
    pickled = langchain_pickle(monkeypatch, style=style, modules=modules, protocol=protocol)
    store = read_langchain_faiss(flat_store(tmp_path, pickled))
    assert [(r.docstore_id, r.content, r.metadata) for r in store.records] == [
        (key, *DOCS[key]) for key in ("id-c", "id-a", "id-b")
    ]


def test_reads_an_empty_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = read_langchain_faiss(flat_store(tmp_path, langchain_pickle(monkeypatch, {}, {}), count=0))
    assert (store.dimensions, store.records) == (DIMS, [])


class RunsCommand:
    def __init__(self, command: str):
        self.command = command

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return os.system, (self.command,)


class Evals:
    def __init__(self, code: str):
        self.code = code

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return builtins.eval, (self.code,)


@pytest.mark.parametrize("where", ["top", "document", "metadata"])
@pytest.mark.parametrize("attack", ["os.system", "builtins.eval"])
def test_refuses_other_globals_and_runs_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, attack: str, where: str
) -> None:
    marker = tmp_path / "pwned"
    command = f"touch {marker}"
    payload: Any = RunsCommand(command) if attack == "os.system" else Evals(f"__import__('os').system({command!r})")
    if where == "top":
        pickled = pickle.dumps(payload, protocol=4)
    elif where == "document":
        pickled = langchain_pickle(monkeypatch, {**DOCS, "id-a": payload}, POSITIONS)
    else:
        pickled = langchain_pickle(monkeypatch, {**DOCS, "id-a": ("text", {"x": payload})}, POSITIONS)
    with pytest.raises(UnsafePickle) as caught:
        read_langchain_faiss(flat_store(tmp_path, pickled))
    expected = f"{os.system.__module__}.system" if attack == "os.system" else "builtins.eval"
    assert caught.value.global_name == expected
    assert expected in str(caught.value)
    assert isinstance(caught.value, ImportFailed)
    assert not marker.exists()


def test_refuses_metadata_objects_other_than_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    moment = datetime.datetime(2024, 1, 2, tzinfo=datetime.UTC)
    pickled = langchain_pickle(monkeypatch, {**DOCS, "id-a": ("text", {"at": moment})}, POSITIONS)
    with pytest.raises(UnsafePickle, match=r"datetime\.datetime"):
        read_langchain_faiss(flat_store(tmp_path, pickled))


def test_names_metadata_that_is_not_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    documents = {**DOCS, "id-a": ("text", {"tags": {"a", "b"}}), "id-b": ("text", {"score": math.nan})}
    error = failure(flat_store(tmp_path, langchain_pickle(monkeypatch, documents, POSITIONS)))
    assert list(error.problems) == [
        "position 1: docstore id 'id-a': metadata holds a set: expected JSON values only",
        "position 2: docstore id 'id-b': metadata holds nan: JSON numbers must be finite",
    ]


def test_missing_files(tmp_path: Path) -> None:
    assert "not a directory" in str(failure(tmp_path / "absent"))
    assert "index.faiss and index.pkl missing" in str(failure(tmp_path))
    faiss.write_index(faiss.IndexFlatL2(DIMS), str(tmp_path / "index.faiss"))
    assert "index.pkl missing" in str(failure(tmp_path))
    (tmp_path / "index.faiss").unlink()
    (tmp_path / "index.pkl").write_bytes(b"")
    assert "index.faiss missing" in str(failure(tmp_path))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a pickle", "not a valid pickle"),
        (pickle.dumps([1, 2]), "it holds a list: expected LangChain's (InMemoryDocstore, index_to_docstore_id) tuple"),
        (pickle.dumps((1, 2, 3)), "it holds a tuple of 3 item(s)"),
        (pickle.dumps(({}, {})), "its first item is a dict"),
    ],
)
def test_wrong_pickle(tmp_path: Path, content: bytes, message: str) -> None:
    assert message in str(failure(flat_store(tmp_path, content)))


def test_wrong_positions_type(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    error = failure(flat_store(tmp_path, langchain_pickle(monkeypatch, positions=["id-a"])))
    assert "its second item is a list" in str(error)


def test_damaged_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = flat_store(tmp_path, langchain_pickle(monkeypatch))
    (directory / "index.faiss").write_bytes(b"garbage!")
    assert "cannot read" in str(failure(directory))


def test_every_position_needs_a_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    positions = {0: "id-c", 2: "gone", 3: "id-a", 4: 17, "x": "id-b"}
    error = failure(flat_store(tmp_path, langchain_pickle(monkeypatch, positions=positions), count=5))
    assert error.problems == (
        "position 'x': in index_to_docstore_id, but the index holds 5 vector(s)",
        "position 1: not in index_to_docstore_id",
        "position 2: docstore id 'gone' is not in the docstore",
        "position 4: index_to_docstore_id gives 17: expected a text id",
    )


def test_positions_beyond_the_index_and_shared_ids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    positions = {0: "id-a", 1: "id-a", 2: "id-b", 9: "id-c"}
    error = failure(flat_store(tmp_path, langchain_pickle(monkeypatch, positions=positions)))
    assert error.problems == (
        "position 9: in index_to_docstore_id, but the index holds 3 vector(s)",
        "position 1: docstore id 'id-a' is also at position 0",
    )


def test_documents_need_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    documents = {**DOCS, "id-a": (None, {}), "id-b": ("text", ["not", "a", "dict"])}
    error = failure(flat_store(tmp_path, langchain_pickle(monkeypatch, documents)))
    assert error.problems == (
        "position 1: docstore id 'id-a': page_content is missing: expected text",
        "position 2: docstore id 'id-b': metadata is a list: expected a dict",
    )


def test_index_that_cannot_reconstruct(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = faiss.IndexIDMap(faiss.IndexFlatL2(DIMS))
    index.add_with_ids(vectors(), np.array([10, 20, 30]))
    error = failure(write_store(tmp_path / "store", index, langchain_pickle(monkeypatch)))
    assert "the index type IndexIDMap cannot give back its vectors (reconstruct not implemented" in str(error)


def test_non_finite_vectors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = vectors()
    data[1, 3] = np.inf
    index = faiss.IndexFlatL2(DIMS)
    index.add(data)
    error = failure(write_store(tmp_path / "store", index, langchain_pickle(monkeypatch)))
    assert error.problems == ("position 1: docstore id 'id-a': the vector has an infinite or NaN value",)


def test_needs_faiss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "faiss", None)
    with pytest.raises(MissingDependency, match=r"pip install 'agent-loggy-db\[faiss\]'") as caught:
        read_langchain_faiss(tmp_path)
    assert caught.value.extra == "faiss"


def test_package_imports_without_numpy_or_faiss() -> None:
    code = ("import sys; sys.modules['numpy'] = sys.modules['faiss'] = None\n"
            "import agent_loggy_db, agent_loggy_db.importers.faiss, agent_loggy_db.cli")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def unit_list(vector: list[float]) -> list[float] | None:
    unit = normalised(vector)
    return None if unit is None else unit.tolist()


def test_normalised() -> None:
    assert unit_list([3.0, 4.0]) == [0.6, 0.8]
    assert unit_list([0.0, 0.0, -0.0]) is None
    assert unit_list([]) is None
    assert unit_list([1e300, 1e300]) == pytest.approx([math.sqrt(0.5)] * 2)
    assert unit_list([5e-324, 5e-324]) == pytest.approx([math.sqrt(0.5)] * 2)
    with pytest.raises(ValueError, match="NaN"):
        normalised([1.0, math.nan])


finite = st.floats(min_value=-1e30, max_value=1e30, allow_nan=False, allow_infinity=False)


@given(st.lists(finite, min_size=1, max_size=16))
def test_normalised_is_a_unit_vector_in_the_same_direction(vector: list[float]) -> None:
    unit = unit_list(vector)
    if unit is None:
        assert not any(vector)
        return
    assert math.hypot(*unit) == pytest.approx(1.0)
    scale = math.hypot(*vector)
    assert [u * scale for u in unit] == pytest.approx(vector, rel=1e-12, abs=scale * 1e-15)
