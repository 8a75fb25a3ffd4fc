"""Progress bars for long work (bulk loads, embedding), drawn on stderr so stdout stays a report."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from agent_loggy_db.cli.output import escape_controls

_stderr = Console(stderr=True, highlight=False, emoji=False)


class _Description(TextColumn):
    """A task's description printed as text, controls escaped: it may name a file, never markup."""

    def __init__(self) -> None:
        super().__init__("{task.description}", markup=False)

    def render(self, task: Task) -> Text:
        return Text(escape_controls(task.description, keep=""))


def progress_bar(*, in_bytes: bool = False) -> Progress:
    """A bar with a description, completed / total (bytes or items), percentage and time left."""
    count = DownloadColumn() if in_bytes else MofNCompleteColumn()
    return Progress(_Description(), BarColumn(), count, TaskProgressColumn(), TimeRemainingColumn(),
                    console=_stderr, transient=False)
