"""`agent-loggy-db import`: load context rules and Loki exclusions from CSV files, all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import psycopg

from agent_loggy_db.cli.db import target_url
from agent_loggy_db.cli.options import audit_options, project_option
from agent_loggy_db.cli.output import table
from agent_loggy_db.errors import translated_errors
from agent_loggy_db.importers import FORMATS, import_rows, read_rows
from agent_loggy_db.settings import Settings


def _import_options(command: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path)),
        project_option,
        click.option("--deactivate-missing", is_flag=True,
                     help="Deactivate every active row of the project whose key is not in the file."),
        audit_options,
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.group("import")
def import_group() -> None:
    """Import context rules and Loki exclusions (negate keys) from CSV files.

    Every row is checked first; one bad row refuses the whole file, listing every bad line.
    Rows identical to the current version are skipped, changed ones become new versions.
    """


@import_group.command("context-rules")
@_import_options
def context_rules(file: Path, project: str, deactivate_missing: bool, actor: str | None, summary: str | None) -> None:
    """Import FILE.csv with the header context,important,ignore,description."""
    _import("context-rules", file, project, deactivate_missing, actor, summary)


@import_group.command("negate-keys")
@_import_options
def negate_keys(file: Path, project: str, deactivate_missing: bool, actor: str | None, summary: str | None) -> None:
    """Import FILE.csv with the header label,operator,value (operators =, !=, =~, !~)."""
    _import("negate-keys", file, project, deactivate_missing, actor, summary)


def _import(
    kind: str, file: Path, project: str, deactivate_missing: bool, actor: str | None, summary: str | None
) -> None:
    fmt = FORMATS[kind]
    rows = read_rows(file, fmt)  # a malformed file is reported before any connection is made
    settings = Settings.from_env()
    with translated_errors(), psycopg.connect(target_url(settings), connect_timeout=settings.connect_timeout) as conn:
        result = import_rows(
            conn, fmt, rows, project=project, deactivate_missing=deactivate_missing,
            actor=actor, summary=summary or f"import {file.name}",
        )
    table(
        f"Imported {fmt.what} from {file} into project {project}",
        ["result", "rows"],
        [
            ("created", result.created),
            ("updated", result.updated),
            ("unchanged", result.unchanged),
            ("deactivated", result.deactivated),
        ],
    )
