"""`agent-loggy-db`: one command group per concern; errors become one clear line and a distinct exit
status (EXIT_CODES)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import click
import psycopg

from agent_loggy_db.cli import access, db, imports, memory, prompt, psql, retrieval, runs
from agent_loggy_db.cli.options import database_url_option
from agent_loggy_db.cli.output import escape_controls, warn
from agent_loggy_db.errors import (
    AgentLoggyError,
    ConnectionFailed,
    ImportFailed,
    InvalidInput,
    NotFound,
    ServerError,
    map_error,
)
from agent_loggy_db.urls import redact

EXIT_CODES: tuple[tuple[type[AgentLoggyError], int], ...] = (
    (NotFound, 3),
    (InvalidInput, 4),
    (ConnectionFailed, 5),
    (ServerError, 5),
)
"""Exit status per error class, first match wins; any other error exits 1, a usage error 2 (click's),
an interrupt (Ctrl-C) 130."""

INTERRUPTED = 130


def exit_code(exc: AgentLoggyError) -> int:
    """The exit status of a command that failed with exc (EXIT_CODES, else 1)."""
    return next((code for cls, code in EXIT_CODES if isinstance(exc, cls)), 1)


def _fail(message: str, code: int) -> click.exceptions.Exit:
    """Print `Error: message` on stderr as click prints its errors; the exit with status code to raise."""
    click.ClickException(message).show()
    return click.exceptions.Exit(code)


class _Group(click.Group):
    """Our errors, and any psycopg error that got past translation, become one line and their exit
    status; Ctrl-C exits 130 without a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except psycopg.Error as exc:
            error = map_error(exc)
            raise _fail(_message(ctx, error), exit_code(error)) from exc
        except AgentLoggyError as exc:
            raise _fail(_message(ctx, exc), exit_code(exc)) from exc
        except KeyboardInterrupt:
            warn("interrupted")
            raise click.exceptions.Exit(INTERRUPTED) from None


def _message(ctx: click.Context, exc: AgentLoggyError) -> str:
    """The error's message; a failed connection's names the database it was for."""
    url = ctx.meta.get(db.TARGET_KEY)
    if isinstance(exc, ConnectionFailed) and url:
        return f"cannot connect to {redact(url)}: {error_text(exc)}"
    return error_text(exc)


def error_text(exc: AgentLoggyError) -> str:
    """The message of an error for the terminal: it may echo stored values or file contents, so
    controls are escaped (escape_controls). An import failure keeps one line per problem, and a
    problem's own newlines are escaped too, so a value cannot fake another problem line."""
    if isinstance(exc, ImportFailed):
        return "\n  ".join(escape_controls(item, keep="") for item in (exc.headline, *exc.problems))
    return escape_controls(str(exc))


class _EscapedFormatter(logging.Formatter):
    """Log lines for the terminal: they may quote stored text, so controls are escaped."""

    def format(self, record: logging.LogRecord) -> str:
        return escape_controls(super().format(record), keep="")


def _verbosity(ctx: click.Context, param: click.Parameter, count: int) -> None:
    """-v: log at INFO on stderr, -vv: at DEBUG (psycopg's and the pool's messages too)."""
    if count:
        handler = logging.StreamHandler()
        handler.setFormatter(_EscapedFormatter("%(levelname)s %(name)s: %(message)s"))
        logging.basicConfig(level=logging.INFO if count == 1 else logging.DEBUG, handlers=[handler])


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="agent-loggy-db")
@click.option("--verbose", "-v", count=True, expose_value=False, callback=_verbosity,
              help="Log what happens on stderr (-v: INFO, -vv: DEBUG).")
def main() -> None:
    """The agent-loggy database: prompts, configs and their history in PostgreSQL + pgvector.

    Without --database-url, AGENT_LOGGY_DATABASE_URL or DATABASE_URL the commands use an embedded
    PostgreSQL whose data lives in $AGENT_LOGGY_DATA_DIR (default: the user's data directory, e.g.
    ~/.local/share/agent-loggy-db).

    Text others wrote (templates, descriptions, actors, summaries, titles) is printed as text: rich
    markup is not interpreted, and control and invisible format characters are shown as escapes
    (\\x1b, \\u202e). Not on a terminal, tables are tab-separated lines and nothing is cut at a width.
    `prompt get`, `prompt export -` and --json write exact bytes when piped.

    Exit status: 0 ok, 1 error, 2 usage, 3 not found, 4 invalid input, 5 database unavailable,
    130 interrupted.
    """


for command in (*db.COMMANDS, *prompt.COMMANDS, imports.import_group, *retrieval.COMMANDS, *access.COMMANDS,
                *runs.COMMANDS, *memory.COMMANDS, *psql.COMMANDS):
    main.add_command(command)


def _every_command(command: click.Command) -> Iterator[click.Command]:
    yield command
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            yield from _every_command(sub)


for command in _every_command(main):
    command.params.append(database_url_option())
