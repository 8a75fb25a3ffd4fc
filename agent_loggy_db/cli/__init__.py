"""`agent-loggy-db`: one command group per concern; errors become one clear line and exit 1."""

from __future__ import annotations

from typing import Any

import click
import psycopg

from agent_loggy_db.cli import access, db, imports, prompt, retrieval
from agent_loggy_db.errors import AgentLoggyError, ConnectionFailed, map_error
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
        return f"cannot connect to {redact(url)}: {exc}"
    return str(exc)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="agent-loggy-db")
def main() -> None:
    """The agent-loggy database: prompts, configs and their history in PostgreSQL + pgvector.

    Without AGENT_LOGGY_DATABASE_URL (or DATABASE_URL) the commands use an embedded PostgreSQL whose
    data lives in $AGENT_LOGGY_DATA_DIR (default: the user's data directory, e.g.
    ~/.local/share/agent-loggy-db).
    """


for command in (*db.COMMANDS, *prompt.COMMANDS, imports.import_group, *retrieval.COMMANDS, *access.COMMANDS):
    main.add_command(command)
