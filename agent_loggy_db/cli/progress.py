"""Progress bars for long work (bulk loads, embedding), drawn on stderr so stdout stays a report."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)

_stderr = Console(stderr=True, highlight=False)


def progress_bar(*, in_bytes: bool = False) -> Progress:
    """A bar with a description, completed / total (bytes or items), percentage and time left."""
    count = DownloadColumn() if in_bytes else MofNCompleteColumn()
    return Progress(TextColumn("{task.description}"), BarColumn(), count, TaskProgressColumn(), TimeRemainingColumn(),
                    console=_stderr, transient=False)
