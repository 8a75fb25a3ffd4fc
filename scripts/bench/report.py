"""What a benchmark figure is (both sides, the ratio, the target), the console table and docs/benchmarks.md."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Side:
    """One side of a comparison: what was measured and its value (seconds, rows/s, recall, ...)."""

    name: str
    value: float
    unit: str = "s"  # "s", "rows/s", "calls/s", "recall", "rows", "x"

    def text(self) -> str:
        return f"{self.name}: {fmt(self.value, self.unit)}"


@dataclass(frozen=True)
class Target:
    """`ratio <= 1.5`, or a bound on side a's value alone (on="a")."""

    op: str  # "<=" or ">="
    value: float
    on: str = "ratio"
    unit: str = "x"

    def met(self, line: Line) -> bool | None:
        subject = line.ratio if self.on == "ratio" else line.a.value
        if subject is None or math.isnan(subject):
            return None
        return subject <= self.value if self.op == "<=" else subject >= self.value

    def text(self) -> str:
        what = "ratio" if self.on == "ratio" else "value"
        return f"{what} {'≤' if self.op == '<=' else '≥'} {fmt(self.value, self.unit)}"


@dataclass(frozen=True)
class Line:
    """One comparison of a figure: a against b, the ratio (how it reads is in `ratio_means`)."""

    label: str
    a: Side
    b: Side | None = None
    ratio: float | None = None
    ratio_means: str = "a / b"
    target: Target | None = None
    if_missed: str = ""  # why, and what would close it: printed in docs/benchmarks.md when missed

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.target.met(self)

    @property
    def verdict(self) -> str:
        return {None: "", True: "met", False: "MISSED"}[self.met]


@dataclass(frozen=True)
class Table:
    """A detail table of a figure (e.g. recall and latency for each ef_search)."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]


@dataclass
class Figure:
    number: int
    title: str
    lines: list[Line] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    plots: list[Path] = field(default_factory=list)
    error: str | None = None


def fmt(value: float, unit: str) -> str:
    """A value for people: seconds scaled to µs / ms / s, counts with separators."""
    if math.isnan(value):
        return "n/a"
    if unit == "s":
        magnitude = abs(value)
        if magnitude < 1e-3:
            return f"{value * 1e6:.1f} µs"
        if magnitude < 1:
            return f"{value * 1e3:.2f} ms"
        return f"{value:.2f} s"
    if unit in ("rows/s", "calls/s"):
        return f"{value:,.0f} {unit}"
    if unit == "recall":
        return f"{value:.3f}"
    if unit == "rows":
        return f"{value:.1f} rows"
    if unit == "x":
        return f"{value:.2f}×" if value < 100 else f"{value:,.0f}×"
    return f"{value:g} {unit}".strip()


def ratio_text(line: Line) -> str:
    return "" if line.ratio is None else f"{fmt(line.ratio, 'x')} {line.ratio_means}".strip()


def console(figures: Sequence[Figure]) -> str:
    """The plain-text table printed at the end of a run."""
    rows = [("fig", "comparison", "side a", "side b", "ratio", "target", "")]
    for f in figures:
        if f.error:
            rows.append((str(f.number), f.title, f"FAILED: {f.error}", "", "", "", ""))
        for line in f.lines:
            rows.append((str(f.number), line.label, line.a.text(), line.b.text() if line.b else "",
                         ratio_text(line), line.target.text() if line.target else "", line.verdict))
    widths = [min(max(len(r[i]) for r in rows), 60) for i in range(len(rows[0]))]
    out = []
    for n, row in enumerate(rows):
        out.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def _md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def markdown(figures: Sequence[Figure], *, header: Sequence[str], out_dir: Path) -> str:
    """docs/benchmarks.md: the header (command, machine, sizes), a summary table, then each figure."""
    md: list[str] = ["# Benchmarks", "", *header, "", "## Summary", ""]
    md.append(_md_row(["#", "comparison", "side a", "side b", "ratio", "target", "result"]))
    md.append(_md_row(["---"] * 7))
    for f in figures:
        if f.error:
            md.append(_md_row([str(f.number), f.title, f"failed: {f.error}", "", "", "", ""]))
        for line in f.lines:
            md.append(_md_row([str(f.number), line.label, line.a.text(), line.b.text() if line.b else "",
                               ratio_text(line), line.target.text() if line.target else "",
                               {None: "", True: "met", False: "**missed**"}[line.met]]))
    missed = [(f, line) for f in figures for line in f.lines if line.met is False]
    if missed:
        md += ["", "## Targets missed", ""]
        for f, line in missed:
            md.append(f"- **{f.number}. {line.label}** ({ratio_text(line) or line.a.text()}; target "
                      f"{line.target.text() if line.target else ''}): {line.if_missed or 'no explanation recorded'}")
    for f in figures:
        md += ["", f"## {f.number}. {f.title}", ""]
        if f.error:
            md += [f"This figure failed: `{f.error}`", ""]
        if f.lines:
            md.append(_md_row(["comparison", "side a", "side b", "ratio", "target", "result"]))
            md.append(_md_row(["---"] * 6))
            for line in f.lines:
                md.append(_md_row([line.label, line.a.text(), line.b.text() if line.b else "", ratio_text(line),
                                   line.target.text() if line.target else "",
                                   {None: "", True: "met", False: "**missed**"}[line.met]]))
            md.append("")
        for table in f.tables:
            md += [f"**{table.title}**", "", _md_row(table.headers), _md_row(["---"] * len(table.headers))]
            md += [_md_row(row) for row in table.rows]
            md.append("")
        for note in f.notes:
            md += [note, ""]
        for plot in f.plots:
            md += [f"![{plot.stem}]({plot.relative_to(out_dir).as_posix()})", ""]
    return "\n".join(md).rstrip() + "\n"
