"""Reading LangChain FAISS.save_local directories (index.faiss + index.pkl) as plain records.

index.pkl is the pickle of (InMemoryDocstore, {index position: docstore id}). It is loaded by an
unpickler that admits only LangChain's docstore and document classes, under the module paths
LangChain has used (_DOCSTORES, _DOCUMENTS), mapped to local stand-ins that just keep the pickled
fields; any other global raises UnsafePickle before it is called, so nothing in the file runs, and
LangChain need not be installed. Documents pickled by pydantic v2 (langchain-core >= 0.3), by
pydantic v1 (older langchain / langchain-core) and as a plain __dict__ are read alike.

index.faiss is read with faiss (the optional extra "faiss", imported only when needed), and each
vector is given back as stored, in index order. The database ranks by cosine, but FAISS L2 (or
inner product) over unnormalised vectors does not rank like cosine, so the importer stores
normalised(vector): unit vectors rank the same under L2, inner product and cosine. Compressed
indexes (PQ, scalar quantizer, LSH) give back approximations of the vectors they were given.
index.faiss is parsed by faiss's own reader, which does not run code but is not hardened against
hostile files either.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from agent_loggy_db.errors import AgentLoggyError, ImportFailed, MissingDependency, UnsafePickle
from agent_loggy_db.importers.documents import DocumentRecord
from agent_loggy_db.importers.values import DIMENSIONS, pg_json, pg_text

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from agent_loggy_db.embedding import Embedder

Metric = Literal["l2", "inner_product"]


@dataclass(frozen=True)
class FaissRecord:
    """One vector of the index with its document; metadata as JSON holds it (tuples become lists)."""

    docstore_id: str
    content: str
    metadata: dict[str, Any]
    vector: npt.NDArray[np.float32] | None  # a row of the store's one float32 matrix


@dataclass(frozen=True)
class FaissStore:
    """A FAISS.save_local directory: the index's dimensions, metric and type, its records in index order."""

    dimensions: int
    metric: Metric
    index_type: str
    records: list[FaissRecord]


class _StandIn:
    """A pickled LangChain object: its fields are kept, none of its code runs."""

    fields: dict[Any, Any] | None = None

    def __setstate__(self, state: object) -> None:
        if isinstance(state, dict) and isinstance(state.get("__dict__"), dict):
            state = state["__dict__"]  # pydantic v2 and v1 wrap the fields; a plain object does not
        self.fields = state if isinstance(state, dict) else None


class _Docstore(_StandIn):
    """langchain's InMemoryDocstore: fields {"_dict": {docstore id: Document}}."""


class _Document(_StandIn):
    """langchain's Document: fields page_content, metadata (and id, type in newer versions)."""


_DOCSTORES = [
    ("langchain_community.docstore.in_memory", "InMemoryDocstore"),  # langchain >= 0.0.350 (community)
    ("langchain.docstore.in_memory", "InMemoryDocstore"),  # langchain < 0.0.350
]
_DOCUMENTS = [
    ("langchain_core.documents.base", "Document"),  # langchain >= 0.0.345 (langchain-core)
    ("langchain.schema.document", "Document"),  # langchain 0.0.2xx - 0.0.34x
    ("langchain.schema", "Document"),  # langchain 0.0.1xx
    ("langchain.docstore.document", "Document"),  # langchain < 0.0.12x
]
_ALLOWED: dict[tuple[str, str], type] = {
    **dict.fromkeys(_DOCSTORES, _Docstore),
    **dict.fromkeys(_DOCUMENTS, _Document),
    # pickle protocols 2 and 3 (not LangChain's, which is 4) write a set as set(list), e.g. __fields_set__
    ("builtins", "set"): set,
    ("__builtin__", "set"): set,
}


class _Unpickler(pickle.Unpickler):
    """Admits only _ALLOWED globals; persistent ids are refused by pickle.Unpickler itself."""

    def __init__(self, data: bytes, path: Path):
        super().__init__(io.BytesIO(data))
        self.path = path

    def find_class(self, module: str, name: str) -> Any:
        allowed = _ALLOWED.get((module, name))
        if allowed is None:
            raise UnsafePickle(
                f"refused to load {self.path}: it references {module}.{name}, which is not a LangChain docstore"
                " or document class (nothing of it was run)",
                f"{module}.{name}",
            )
        return allowed


def read_langchain_faiss(directory: Path, index_name: str = "index") -> FaissStore:
    """The records of a LangChain FAISS.save_local directory, checked whole.

    Raises ImportFailed (UnsafePickle for a refused global) listing every problem, and
    MissingDependency without faiss.
    """
    faiss = _faiss()
    index_path, pickle_path = directory / f"{index_name}.faiss", directory / f"{index_name}.pkl"
    if not directory.is_dir():
        raise ImportFailed(f"cannot import a FAISS store from {directory}: not a directory", [])
    missing = [path.name for path in (index_path, pickle_path) if not path.is_file()]
    if missing:
        raise ImportFailed(
            f"cannot import the FAISS store in {directory}: {' and '.join(missing)} missing:"
            " expected a LangChain FAISS.save_local directory",
            [],
        )
    documents, positions = _read_pickle(pickle_path)
    try:
        index = faiss.read_index(str(index_path))
    except RuntimeError as exc:
        raise ImportFailed(f"cannot read {index_path}: {_faiss_reason(exc)}", []) from exc
    metrics: dict[int, Metric] = {faiss.METRIC_L2: "l2", faiss.METRIC_INNER_PRODUCT: "inner_product"}
    metric = metrics.get(index.metric_type)
    if metric is None:
        raise ImportFailed(f"cannot import {index_path}: metric {index.metric_type}: expected L2 or inner product", [])
    vectors = _vectors(faiss, index, index_path)
    records, problems = _records(documents, positions, vectors)
    if problems:
        raise ImportFailed(f"cannot import the FAISS store in {directory}", problems)
    return FaissStore(int(index.d), metric, type(index).__name__, records)


def normalised(vector: Sequence[float] | npt.NDArray[np.floating[Any]]) -> npt.NDArray[np.float64] | None:
    """The vector scaled to unit L2 length (float64); None for a zero vector, which has no direction."""
    import numpy as np

    values = np.asarray(vector, dtype=np.float64)
    if not np.isfinite(values).all():
        raise ValueError("cannot normalise a vector with an infinite or NaN component")
    # Scale by the largest component first: the norm of subnormal components rounds too coarsely.
    peak = float(np.abs(values).max(initial=0.0))
    if peak == 0.0:
        return None
    scaled = values / peak
    unit: npt.NDArray[np.float64] = scaled / np.linalg.norm(scaled)
    return unit


def _faiss() -> Any:
    try:
        import faiss
    except ImportError as exc:
        raise MissingDependency("reading FAISS stores needs faiss", extra="faiss") from exc
    return faiss


def _faiss_reason(exc: RuntimeError) -> str:
    return str(exc).rsplit(": ", 1)[-1].strip()  # faiss prefixes "Error in <function> at <file>:<line>: "


def _read_pickle(path: Path) -> tuple[dict[Any, Any], dict[Any, Any]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"cannot read {path}: {exc.strerror or exc}", []) from exc
    try:
        loaded = _Unpickler(data, path).load()
    except AgentLoggyError:
        raise
    except Exception as exc:  # a damaged or foreign pickle fails in many ways
        raise ImportFailed(f"cannot read {path}: not a valid pickle ({type(exc).__name__}: {exc})", []) from exc
    expected = "expected LangChain's (InMemoryDocstore, index_to_docstore_id) tuple"
    if not isinstance(loaded, tuple) or len(loaded) != 2:
        raise ImportFailed(f"cannot import {path}: it holds {_describe(loaded)}: {expected}", [])
    docstore, positions = loaded
    if not (isinstance(docstore, _Docstore) and docstore.fields and isinstance(docstore.fields.get("_dict"), dict)):
        raise ImportFailed(f"cannot import {path}: its first item is {_describe(docstore)}: {expected}", [])
    if not isinstance(positions, dict):
        raise ImportFailed(f"cannot import {path}: its second item is {_describe(positions)}: {expected}", [])
    return docstore.fields["_dict"], positions


def _describe(value: object) -> str:
    if value is None:
        return "missing"
    if isinstance(value, tuple):
        return f"a tuple of {len(value)} item(s)"
    if isinstance(value, _StandIn):
        return "a Document" if isinstance(value, _Document) else "an InMemoryDocstore without a document dict"
    return f"a {type(value).__name__}"


def _vectors(faiss: Any, index: Any, path: Path) -> npt.NDArray[np.float32]:
    """Every vector of the index as one float32 matrix (4 bytes a number, no Python floats)."""
    import numpy as np

    # One reconstruct() a position: faiss's reconstruct_n aborts the whole process (an exception
    # inside an OpenMP loop) for an index that cannot reconstruct, such as IndexIDMap.
    matrix = np.empty((index.ntotal, index.d), dtype=np.float32)
    try:
        if isinstance(index, faiss.IndexIVF):
            index.make_direct_map()  # IVF indexes reconstruct by position only with it
        for position in range(index.ntotal):
            matrix[position] = index.reconstruct(position)
    except RuntimeError as exc:
        raise ImportFailed(
            f"cannot import {path}: the index type {type(index).__name__} cannot give back its vectors"
            f" ({_faiss_reason(exc)}): expected a flat, HNSW or IVF index",
            [],
        ) from exc
    return matrix


def _records(
    documents: dict[Any, Any], positions: dict[Any, Any], vectors: npt.NDArray[np.float32]
) -> tuple[list[FaissRecord], list[str]]:
    import numpy as np

    records: list[FaissRecord] = []
    problems: list[str] = []
    for key in positions:
        if isinstance(key, bool) or not isinstance(key, int) or not 0 <= key < len(vectors):
            problems.append(f"position {key!r}: in index_to_docstore_id, but the index holds {len(vectors)} vector(s)")
    seen: dict[str, int] = {}
    for position, vector in enumerate(vectors):
        docstore_id = positions.get(position)
        if docstore_id is None:
            problems.append(f"position {position}: not in index_to_docstore_id")
            continue
        if not isinstance(docstore_id, str):
            problems.append(f"position {position}: index_to_docstore_id gives {docstore_id!r}: expected a text id")
            continue
        if docstore_id in seen:
            problems.append(f"position {position}: docstore id {docstore_id!r} is also at position {seen[docstore_id]}")
            continue
        seen[docstore_id] = position
        if docstore_id not in documents:
            problems.append(f"position {position}: docstore id {docstore_id!r} is not in the docstore")
            continue
        document = _document(documents[docstore_id])
        if isinstance(document, str):
            problems.append(f"position {position}: docstore id {docstore_id!r}: {document}")
        elif not np.isfinite(vector).all():
            problems.append(f"position {position}: docstore id {docstore_id!r}: the vector has an infinite or NaN"
                            " value")
        else:
            records.append(FaissRecord(docstore_id, *document, vector))
    return records, problems


def _document(document: object) -> tuple[str, dict[str, Any]] | str:
    """(content, metadata) of a pickled Document, or the problem with it."""
    if not isinstance(document, _Document):
        return f"{_describe(document)}: expected a Document"
    if document.fields is None:
        return "the Document's pickled state is not a dict of fields"
    content = document.fields.get("page_content")
    if not isinstance(content, str):
        return f"page_content is {_describe(content)}: expected text"
    metadata = document.fields.get("metadata")
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        return f"metadata is {_describe(metadata)}: expected a dict"
    try:
        return pg_text("page_content", content), pg_json("metadata", metadata)
    except ValueError as exc:
        return str(exc)


@dataclass(frozen=True)
class FaissPlan:
    """The documents of a FAISS store ready to load, and where their embeddings came from."""

    documents: list[DocumentRecord]
    kept: int  # the store's own vectors, normalised (384 dimensions)
    embedded: int  # re-embedded from their text with the embedder
    without: int  # no embedding: other dimensions (or zero vectors) and no embedder


def faiss_documents(
    store: FaissStore, embedder: Embedder | None, *, on_embedded: Callable[[int], None] | None = None,
    batch_size: int = 64,
) -> FaissPlan:
    """Documents from the store's records (external_id = docstore id, line = index position + 1).

    Vectors of 384 dimensions are kept, normalised to unit length (cosine ranking); other
    dimensions, and zero vectors, are re-embedded from the text when there is an embedder, else
    loaded without an embedding (searchable by keyword, and by vector after `embed`).
    """
    vectors: list[Any] = [None] * len(store.records)
    if store.dimensions == DIMENSIONS:
        for i, record in enumerate(store.records):
            vectors[i] = None if record.vector is None else normalised(record.vector)
    kept = sum(v is not None for v in vectors)
    todo = [i for i, v in enumerate(vectors) if v is None]
    if embedder is not None:
        for start in range(0, len(todo), batch_size):
            batch = todo[start:start + batch_size]
            for i, vector in zip(batch, embedder.embed([store.records[i].content for i in batch]), strict=True):
                vectors[i] = vector
            if on_embedded is not None:
                on_embedded(len(batch))
    documents = [
        DocumentRecord(line=n, external_id=r.docstore_id, content=r.content, metadata=r.metadata, embedding=v)
        for n, (r, v) in enumerate(zip(store.records, vectors, strict=True), start=1)
    ]
    embedded = len(todo) if embedder is not None else 0
    return FaissPlan(documents, kept, embedded, len(todo) - embedded)
