"""Terminal output shared by the commands: one console, tables for listings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.table import Table

console = Console(highlight=False, soft_wrap=True)

STATUS_STYLE = {"ok": "green", "warn": "yellow", "fail": "red", "applied": "green", "pending": "yellow"}


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Print rows as a table; a cell that is a known status word is coloured."""
    out = Table(title=title, title_justify="left", header_style="bold")
    for column in columns:
        out.add_column(column, overflow="fold")
    for row in rows:
        cells = [str(c) if c is not None else "" for c in row]
        out.add_row(*[f"[{STATUS_STYLE[c]}]{c}[/]" if c in STATUS_STYLE else _escape(c) for c in cells])
    console.print(out)


def _escape(text: str) -> str:
    return text.replace("[", "\\[")
