"""PNG plots (matplotlib, Agg backend). Without matplotlib every function draws nothing and returns []."""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

FLOOR_MS = 0.1  # staleness plot: smaller values (0 included) are drawn here
MISSING_NOTE = "matplotlib is not installed (extra `bench`): no plots were drawn."


def available() -> bool:
    return importlib.util.find_spec("matplotlib") is not None


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig: Any, path: Path) -> list[Path]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    _pyplot().close(fig)
    return [path]


def bars(path: Path, title: str, labels: Sequence[str], values: Sequence[float], unit: str,
         *, log: bool = False) -> list[Path]:
    if not available():
        return []
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.bar(list(labels), list(values), color="#4c72b0")
    for x, v in enumerate(values):
        ax.annotate(f"{v:,.3g}", (x, v), ha="center", va="bottom", fontsize=8)
    ax.set_ylabel(unit)
    ax.set_title(title)
    if log:
        ax.set_yscale("log")
    ax.tick_params(axis="x", labelsize=8)
    return _save(fig, path)


def recall_latency(path: Path, series: Mapping[str, Sequence[tuple[float, float, str]]],
                   exact: Mapping[str, float]) -> list[Path]:
    """Recall@10 against median latency (ms, log scale), one line per approach, points labelled."""
    if not available():
        return []
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for name, points in series.items():
        xs = [p[0] * 1e3 for p in points]
        ys = [p[1] for p in points]
        ax.plot(xs, ys, marker="o", label=name)
        for x, y, label in zip(xs, ys, (p[2] for p in points), strict=True):
            ax.annotate(label, (x, y), textcoords="offset points", xytext=(4, -10), fontsize=7)
    for name, latency in exact.items():
        ax.scatter([latency * 1e3], [1.0], marker="s", label=f"{name} (exact)")
    ax.axhline(0.98, color="grey", linestyle=":", linewidth=1)
    ax.set_xscale("log")
    ax.set_xlabel("median latency per query (ms, log scale)")
    ax.set_ylabel("recall@10")
    ax.set_title("Recall vs latency over hnsw.ef_search / efSearch")
    ax.legend(fontsize=8, loc="lower right")
    return _save(fig, path)


def filtered(path: Path, names: Sequence[str], rows: Sequence[float], recalls: Sequence[float],
             latencies: Sequence[float]) -> list[Path]:
    """Three panels: rows returned, recall@10 and latency of each approach."""
    if not available():
        return []
    plt = _pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(11, 4))
    positions = list(range(len(names)))
    for ax, values, title, fmt in ((axes[0], rows, "rows returned (of 10)", "{:.1f}"),
                                   (axes[1], recalls, "recall@10", "{:.3f}"),
                                   (axes[2], [v * 1e3 for v in latencies], "median latency (ms)", "{:.2f}")):
        ax.barh(positions, list(values), color="#4c72b0")
        ax.set_yticks(positions)
        ax.set_yticklabels(list(names) if ax is axes[0] else [""] * len(names), fontsize=8)
        ax.invert_yaxis()
        ax.set_title(title, fontsize=9)
        for y, v in zip(positions, values, strict=True):
            ax.annotate(fmt.format(v), (v, y), va="center", fontsize=7)
    axes[2].set_xscale("log")
    fig.suptitle("Filtered search, the project holds 1 % of the rows", fontsize=10)
    return _save(fig, path)


def staleness(path: Path, ours_ms: Sequence[float], ttl_ms: Sequence[float]) -> list[Path]:
    """Cumulative distributions of staleness (ms, log scale): NOTIFY cache vs a 60 s TTL cache."""
    if not available():
        return []
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4))
    for name, values in (("agent_loggy_db cache (NOTIFY), measured", ours_ms),
                         ("60 s TTL cache, simulated on the same moves", ttl_ms)):
        ordered = sorted(max(v, FLOOR_MS) for v in values)
        ys = [(i + 1) / len(ordered) for i in range(len(ordered))]
        ax.step(ordered, ys, where="post", label=name)
    ax.axvline(100, color="grey", linestyle=":", linewidth=1)
    ax.set_xscale("log")
    ax.set_xlim(FLOOR_MS, 1e5)
    ax.set_xlabel(f"staleness after a label move (ms, log scale; below {FLOOR_MS:g} ms drawn at {FLOOR_MS:g})")
    ax.set_ylabel("share of moves")
    ax.set_title("Time until get_prompt returns the moved label's new version")
    ax.legend(fontsize=8, loc="center right")
    return _save(fig, path)
