"""Splitting texts into token windows as an embedding config says (chunk_size, chunk_overlap,
chunking_strategy), with each chunk's position in characters and tokens.

Tokens are the embedding model's own: the embedder gives each token's character span
(TokenizingEmbedder.token_offsets). A window never exceeds what the model reads (max_tokens): a
config asking for more gets the model's window, and `effective_size` says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

STRATEGIES = ("fixed", "late_chunking", "none")
"""fixed: token windows embedded one by one; late_chunking: the windows pooled from one pass of the
model over their surroundings; none: the whole text, as the model truncates it."""


@runtime_checkable
class TokenizingEmbedder(Protocol):
    """An embedder that tells where its model's tokens lie, so texts can be cut into token windows."""

    @property
    def name(self) -> str: ...

    @property
    def dimensions(self) -> int: ...

    @property
    def max_tokens(self) -> int:
        """How many tokens of a text the model reads (its special tokens not counted)."""
        ...

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]: ...

    def token_offsets(self, texts: Sequence[str]) -> list[list[tuple[int, int]]]:
        """For each text, the (start, end) character span of each of its tokens, in order."""
        ...


@runtime_checkable
class LateChunkingEmbedder(TokenizingEmbedder, Protocol):
    """A tokenizing embedder that can embed windows of a text from one pass over it (late chunking)."""

    def embed_windows(self, text: str, windows: Sequence[tuple[int, int]]) -> npt.NDArray[np.float32]:
        """One unit vector per (start, end) character window of `text`: its tokens' embeddings from a pass of
        the model over the text around them (as much as the model reads), mean-pooled."""
        ...


@dataclass(frozen=True)
class Chunk:
    """A window of a text: its number, text and position (characters and tokens, end exclusive)."""

    number: int
    text: str
    char_start: int
    char_end: int
    token_start: int
    token_end: int


def windows(tokens: int, size: int, overlap: int) -> list[tuple[int, int]]:
    """Token windows [start, end) of `size` covering `tokens` tokens, consecutive ones sharing `overlap`."""
    if size < 1 or not 0 <= overlap < size:
        raise ValueError(f"chunk size {size} and overlap {overlap}: expected size >= 1 and 0 <= overlap < size")
    if tokens <= size:
        return [(0, tokens)]
    step = size - overlap
    starts = list(range(0, tokens - overlap, step))
    return [(start, min(start + size, tokens)) for start in starts if start < tokens]


def split(text: str, offsets: Sequence[tuple[int, int]], size: int, overlap: int) -> list[Chunk]:
    """`text` cut into windows of `size` tokens with `overlap` (one chunk, the whole text, when it fits).

    A chunk's text runs from its first token's start to its last token's end, so the words between
    tokens (spaces) stay as they were.
    """
    if len(offsets) <= size:
        return [Chunk(0, text, 0, len(text), 0, len(offsets))]
    chunks = []
    for number, (first, end) in enumerate(windows(len(offsets), size, overlap)):
        start_char, end_char = offsets[first][0], offsets[end - 1][1]
        chunks.append(Chunk(number, text[start_char:end_char], start_char, end_char, first, end))
    return chunks


@dataclass(frozen=True)
class Plan:
    """How an embedder carries out a config's chunking: the strategy and the window it can read."""

    strategy: str
    size: int
    overlap: int


def plan(config: Any, embedder: object) -> Plan:
    """The chunking `embedder` can do for `config` (an EmbeddingConfig-like object): ValueError naming what
    is missing otherwise (an unknown strategy, no tokenizer, no token embeddings for late chunking)."""
    strategy, size, overlap = config.chunking_strategy, int(config.chunk_size), int(config.chunk_overlap)
    if strategy not in STRATEGIES:
        raise ValueError(f"embedding config {config.id} asks chunking strategy {strategy!r}: "
                         f"expected one of {', '.join(STRATEGIES)}")
    if strategy == "none":
        return Plan(strategy, size, overlap)
    if not isinstance(embedder, TokenizingEmbedder):
        raise ValueError(f"embedding config {config.id} asks {strategy} chunking of {size} tokens, but the embedder "
                         f"{getattr(embedder, 'name', type(embedder).__name__)} does not tell its tokens "
                         "(implement token_offsets and max_tokens, see agent_loggy_db.chunking), "
                         "or use chunking_strategy 'none'")
    if strategy == "late_chunking" and not isinstance(embedder, LateChunkingEmbedder):
        raise ValueError(f"embedding config {config.id} asks late_chunking, but the embedder {embedder.name} does not "
                         "expose token embeddings (implement embed_windows, see agent_loggy_db.chunking), "
                         "or use chunking_strategy 'fixed'")
    window = min(size, embedder.max_tokens)
    return Plan(strategy, window, min(overlap, window - 1))
