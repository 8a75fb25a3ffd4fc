"""Options shared by the command groups: the project, who / why for the changelog, --json and the
--database-url every command takes."""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from typing import Any, TypeVar

import click

from agent_loggy_db.configs import DEFAULT_PROJECT
from agent_loggy_db.errors import ConfigurationError
from agent_loggy_db.settings import DATABASE_URL_VARIABLES

F = TypeVar("F", bound=Callable[..., Any])


def project_option(f: F) -> F:
    """--project / -p, default $AGENT_LOGGY_PROJECT or 'default'."""
    return click.option("--project", "-p", envvar="AGENT_LOGGY_PROJECT", default=DEFAULT_PROJECT, show_default=True,
                        help="Project (tenant), env AGENT_LOGGY_PROJECT.")(f)


def os_user() -> str | None:
    """The OS user name, the default actor; None if it cannot be told."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return None


def audit_options(f: F) -> F:
    """--actor (default $AGENT_LOGGY_ACTOR or the OS user) and --summary, recorded in the changelog."""
    f = click.option("--summary", "-m", default=None, help="Why: recorded in the changelog.")(f)
    return click.option("--actor", envvar="AGENT_LOGGY_ACTOR", default=os_user,
                        help="Who: recorded in the changelog (default: $AGENT_LOGGY_ACTOR or your user name).")(f)


def required_actor(actor: str | None) -> str:
    """The actor, or a clear error when neither --actor, $AGENT_LOGGY_ACTOR nor the OS user name is known."""
    if not actor:
        raise ConfigurationError("cannot tell who is making this change: pass --actor or set AGENT_LOGGY_ACTOR")
    return actor


json_option = click.option("--json", "as_json", is_flag=True,
                           help="Print one JSON document instead (keys: see the README).")


def _use_database_url(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """--database-url wins over the variables: it becomes AGENT_LOGGY_DATABASE_URL for this process
    (and psql, which the psql command starts), where Settings.from_env() reads it first."""
    if value:
        os.environ[DATABASE_URL_VARIABLES[0]] = value


def database_url_option() -> click.Option:
    """--database-url URL: the database to use, instead of $AGENT_LOGGY_DATABASE_URL, $DATABASE_URL or
    the embedded server. A new option per command (the cli package adds one to every command)."""
    return click.Option(["--database-url"], metavar="URL", expose_value=False, is_eager=True,
                        callback=_use_database_url,
                        help="Use this database (default: $AGENT_LOGGY_DATABASE_URL, $DATABASE_URL, "
                             "else the embedded server).")
