"""The benchmark's documents: synthetic vectors shaped like real embeddings, and a little text.

Vectors are low-rank and clustered (16 latent dimensions, 100 clusters, a little full-rank
noise, normalised), like tests/test_search_scale.py: real sentence embeddings are far from
uniformly spread, and purely random Gaussian vectors are a known worst case for HNSW. Each
cluster has a few made-up topic words, so keyword and hybrid search have something to match. Query
vectors are held out: drawn from the same distribution, never stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from agent_loggy_db.importers.documents import DocumentRecord

DIMENSIONS, LATENT, CLUSTERS = 384, 16, 100
RARE_PROJECT, MAIN_PROJECT = "rare", "main"
RARE_EVERY = 100  # every 100th document belongs to the rare project: 1 % of the rows
K = 10

Matrix = npt.NDArray[np.float32]

_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
VOCABULARY = 600  # made-up words (e.g. "tokaze"), six per cluster: each word marks about one cluster


@dataclass(frozen=True)
class Corpus:
    vectors: Matrix  # (n, 384) unit rows, the stored documents
    clusters: npt.NDArray[np.int64]
    queries: Matrix  # (q, 384) unit rows, held out
    query_clusters: npt.NDArray[np.int64]
    topic_words: tuple[tuple[str, ...], ...]

    def project(self, i: int) -> str:
        return RARE_PROJECT if i % RARE_EVERY == 0 else MAIN_PROJECT

    def rows_of(self, project: str | None) -> npt.NDArray[np.int64]:
        """Row numbers of a project (None: all rows)."""
        rows: npt.NDArray[np.int64] = np.arange(len(self.vectors), dtype=np.int64)
        if project is None:
            return rows
        rare = rows % RARE_EVERY == 0
        chosen: npt.NDArray[np.int64] = rows[rare] if project == RARE_PROJECT else rows[~rare]
        return chosen

    def content(self, i: int) -> str:
        words = self.topic_words[int(self.clusters[i])]
        picks = [words[(i * 7 + j * 3) % len(words)] for j in range(5)]
        return f"document {i} about " + " ".join(picks)

    def query_text(self, q: int) -> str:
        words = self.topic_words[int(self.query_clusters[q])]
        return f"{words[q % len(words)]} {words[(q + 1) % len(words)]}"

    def records(self, rows: npt.NDArray[np.int64] | None = None) -> Iterator[DocumentRecord]:
        """DocumentRecords of the given rows (default all); external_id is the row number."""
        for i in range(len(self.vectors)) if rows is None else rows:
            n = int(i)
            yield DocumentRecord(line=n + 1, external_id=str(n), content=self.content(n), title=f"doc {n}",
                                 tags=[f"c{int(self.clusters[n]) % 10}"], embedding=self.vectors[n])


def make_corpus(n: int, queries: int, seed: int = 20261121) -> Corpus:
    rng = np.random.default_rng(seed)
    mixing = rng.normal(size=(LATENT, DIMENSIONS))
    centres = rng.normal(size=(CLUSTERS, LATENT)) * 2

    def draw(count: int) -> tuple[Matrix, npt.NDArray[np.int64]]:
        labels = rng.integers(0, CLUSTERS, count)
        latent = centres[labels] + rng.normal(size=(count, LATENT))
        raw = latent @ mixing + 0.5 * rng.normal(size=(count, DIMENSIONS))
        unit: Matrix = (raw / np.linalg.norm(raw, axis=1, keepdims=True)).astype(np.float32)
        return unit, labels.astype(np.int64)

    vectors, clusters = draw(n)
    query_vectors, query_clusters = draw(queries)
    words: list[str] = []
    while len(words) < VOCABULARY:
        word = "".join(str(s) for s in rng.choice(_SYLLABLES, size=3))
        if word not in words:
            words.append(word)
    topics = tuple(tuple(str(w) for w in rng.choice(words, size=6, replace=False)) for _ in range(CLUSTERS))
    return Corpus(vectors, clusters, query_vectors, query_clusters, topics)


def exact_top_k(corpus: Corpus, project: str | None, k: int = K) -> list[list[int]]:
    """Ground truth: the k nearest stored rows (cosine) of each query, restricted to a project."""
    rows = corpus.rows_of(project)
    subset = corpus.vectors[rows]
    truth: list[list[int]] = []
    for start in range(0, len(corpus.queries), 64):
        scores = corpus.queries[start:start + 64] @ subset.T
        best = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        truth += [[int(rows[j]) for j in row] for row in best]
    return truth


def recall(found: list[list[int]], truth: list[list[int]]) -> float:
    """Mean recall@k: the share of the true k nearest that were returned."""
    shares = [len(set(f) & set(t)) / len(t) for f, t in zip(found, truth, strict=True)]
    return float(np.mean(shares))


def mean_rows(found: list[list[int]]) -> float:
    return float(np.mean([len(f) for f in found]))
