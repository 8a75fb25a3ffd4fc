"""`agent-loggy-db`: one command group per concern; errors become one clear line and exit 1."""

from __future__ import annotations

from typing import Any

import click

from agent_loggy_db.cli import access, db, imports, prompt, retrieval
from agent_loggy_db.errors import AgentLoggyError


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AgentLoggyError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="agent-loggy-db")
def main() -> None:
    """The agent-loggy database: prompts, configs and their history in PostgreSQL + pgvector.

    Without DATABASE_URL the commands use an embedded PostgreSQL whose data lives in
    $AGENT_LOGGY_DATA_DIR (default ./.agent_loggy).
    """


for command in (*db.COMMANDS, *prompt.COMMANDS, imports.import_group, *retrieval.COMMANDS, *access.COMMANDS):
    main.add_command(command)
