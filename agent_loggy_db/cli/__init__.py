"""`agent-loggy-db`: one command group per concern; errors become one clear line and exit 1."""

from __future__ import annotations

from typing import Any

import click
import psycopg

from agent_loggy_db.cli import access, db, imports, memory, prompt, retrieval, runs
from agent_loggy_db.cli.output import escape_controls
from agent_loggy_db.errors import AgentLoggyError, ConnectionFailed, ImportFailed, map_error
from agent_loggy_db.urls import redact


class _Group(click.Group):
    """Our errors, and any psycopg error that got past translation, become one line and exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except psycopg.Error as exc:
            raise click.ClickException(_message(ctx, map_error(exc))) from exc
        except AgentLoggyError as exc:
            raise click.ClickException(_message(ctx, exc)) from exc


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


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="agent-loggy-db")
def main() -> None:
    """The agent-loggy database: prompts, configs and their history in PostgreSQL + pgvector.

    Without AGENT_LOGGY_DATABASE_URL (or DATABASE_URL) the commands use an embedded PostgreSQL whose
    data lives in $AGENT_LOGGY_DATA_DIR (default: the user's data directory, e.g.
    ~/.local/share/agent-loggy-db).

    Text others wrote (templates, descriptions, actors, summaries, titles) is printed as text: rich
    markup is not interpreted, and control and invisible format characters are shown as escapes
    (\\x1b, \\u202e). `prompt get` and `prompt export -` write exact bytes when piped.
    """


for command in (*db.COMMANDS, *prompt.COMMANDS, imports.import_group, *retrieval.COMMANDS, *access.COMMANDS,
                *runs.COMMANDS, *memory.COMMANDS):
    main.add_command(command)
