"""Database lifecycle commands: up, down, url, status, migrate, rollback, doctor, migrations-dir."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import click
import psycopg
from psycopg_pool import ConnectionPool

from agent_loggy_db import health, migrations, server
from agent_loggy_db.cli.options import json_option
from agent_loggy_db.cli.output import print_json, say, table, to_plain, warn, write_data
from agent_loggy_db.errors import ConfigurationError, translated_errors
from agent_loggy_db.pool import create_pool
from agent_loggy_db.settings import Settings, default_data_dir
from agent_loggy_db.survey import survey
from agent_loggy_db.urls import redact, to_libpq, to_yoyo

TARGET_KEY = "agent_loggy.target_url"
"""Where target_url() leaves the URL in click's context, for the message of a failed connection."""

log = logging.getLogger(__name__)

LEGACY_DATA_DIR = Path(".agent_loggy")
"""The data directory earlier versions used, relative to the current directory."""


def target_url(settings: Settings, *, start: bool = False) -> str:
    """AGENT_LOGGY_DATABASE_URL or DATABASE_URL if set, else the embedded server's URL (started first
    when start=True)."""
    if not settings.database_url:
        _hint_legacy_data_dir(settings)
    url = server.database_url(settings, start_embedded=start)
    log.info("database: %s (%s)", redact(url), target_name(settings))
    context = click.get_current_context(silent=True)
    if context is not None:
        context.find_root().meta[TARGET_KEY] = url
    return url


def target_name(settings: Settings) -> str:
    """Where the commands' database is: the variable that named it, or the embedded server's data dir."""
    return settings.database_url_variable or f"embedded server in {settings.data_dir}"


def reachable(url: str, settings: Settings) -> None:
    """Connect once, bounded by the connect timeout: a ConnectionFailed naming the cause if that fails.

    A pool would keep retrying until its own timeout and then say only that it got no connection.
    """
    with translated_errors(), psycopg.connect(url, connect_timeout=settings.connect_timeout):
        pass


@contextmanager
def command_pool(settings: Settings, *, max_size: int = 1) -> Iterator[ConnectionPool]:
    """A small pool for one command over the target database, after checking that it answers."""
    url = target_url(settings)
    reachable(url, settings)
    with create_pool(url, replace(settings, pool_min_size=1, pool_max_size=max_size)) as pool:
        yield pool


def _hint_legacy_data_dir(settings: Settings) -> None:
    """Tell a user who has data in ./.agent_loggy (the old default) how to keep using it."""
    legacy = LEGACY_DATA_DIR / "pgdata"
    if settings.data_dir != default_data_dir() or not legacy.is_dir():
        return
    if legacy.resolve() != server.pgdata_of(settings.data_dir):
        warn(f"note: {LEGACY_DATA_DIR.resolve()} holds an embedded server's data, but the data directory "
             f"is now {settings.data_dir}; to keep using the old one, set AGENT_LOGGY_DATA_DIR=.agent_loggy")


def confirm_target(url: str, settings: Settings, *, yes: bool, as_json: bool = False) -> None:
    """Before migrating: a database holding something else and no agent_loggy schema needs --yes, or a
    yes at the terminal, after saying what will be created there. Without a terminal: refused. With
    --json, what is said goes to stderr (stdout holds the JSON document)."""
    found = survey(url, connect_timeout=settings.connect_timeout)
    if not found.needs_confirmation:
        return
    where = f"{redact(url)} ({target_name(settings)})"
    plan = "; ".join(found.creates())
    if yes:
        (warn if as_json else say)(f"the database holds {found.others_summary()}; creating there anyway (--yes): "
                                   f"{plan}")
        return
    if sys.stdin is None or not sys.stdin.isatty():
        raise ConfigurationError(
            f"refusing to migrate {where}: it holds {found.others_summary()} and no schema agent_loggy; "
            f"nothing was created. Run again with --yes to create: {plan}"
        )
    warn(f"{where} holds {found.others_summary()} and no schema agent_loggy.")
    warn("Migrating it creates:")
    for item in found.creates():
        warn(f"  - {item}")
    click.confirm("Create them in this database?", abort=True, err=True)


yes_option = click.option("--yes", "-y", is_flag=True,
                          help="Migrate a database that holds other objects and no agent_loggy schema without asking.")


def migration_states(url: str) -> list[dict[str, object]]:
    """Every migration as --json shows it: id, applied_at, known (in sql/), applied."""
    return [{**to_plain(s), "applied": s.applied} for s in migrations.status(url)]


def print_migrations(url: str) -> None:
    """The migrations table shared by up, status, migrate and rollback."""
    states = migrations.status(url)
    table(
        "Migrations",
        ["migration", "state", "applied at (UTC)"],
        [
            (s.id + ("" if s.known else " (not in sql/)"), "applied" if s.applied else "pending",
             s.applied_at.isoformat(sep=" ", timespec="seconds") if s.applied_at else "")
            for s in states
        ],
    )
    waiting = sum(not s.applied for s in states)
    say(f"{len(states) - waiting} applied, {waiting} pending")


@click.command()
@yes_option
@json_option
def up(yes: bool, as_json: bool) -> None:
    """Start (or reuse) the server, apply pending migrations, print the status. Safe to repeat."""
    settings = Settings.from_env()
    url = target_url(settings, start=True)
    if not as_json:
        say(f"server: {target_name(settings)} — {redact(url)}")
    confirm_target(url, settings, yes=yes, as_json=as_json)
    applied = migrations.apply(url)
    if as_json:
        print_json({"server": target_name(settings), "url": redact(url), "applied": applied,
                    "migrations": migration_states(url)})
        return
    say(f"applied {len(applied)}: {', '.join(applied)}" if applied else "nothing to apply")
    print_migrations(url)


@click.command()
@json_option
def down(as_json: bool) -> None:
    """Stop the embedded server (a server named by AGENT_LOGGY_DATABASE_URL or DATABASE_URL is never touched)."""
    settings = Settings.from_env()
    stopped = server.stop(settings.data_dir)
    if as_json:
        print_json({"data_dir": settings.data_dir, "stopped": stopped})
    elif stopped:
        say(f"stopped the embedded server in {settings.data_dir}")
    else:
        say(f"the embedded server in {settings.data_dir} is not running")


@click.command()
@click.option("--libpq", "form", flag_value="libpq", help="Print only the libpq URL (psql, psycopg).")
@click.option("--yoyo", "form", flag_value="yoyo", help="Print only yoyo's postgresql+psycopg:// URL.")
@json_option
def url(form: str | None, as_json: bool) -> None:
    """Print the connection URL: libpq form for psql, and the form yoyo needs."""
    target = target_url(Settings.from_env())
    if as_json:
        print_json({"libpq": to_libpq(target), "yoyo": to_yoyo(target)})
    elif form == "libpq":
        click.echo(to_libpq(target))
    elif form == "yoyo":
        click.echo(to_yoyo(target))
    else:
        click.echo(f"libpq: {to_libpq(target)}")
        click.echo(f"yoyo:  {to_yoyo(target)}")


@click.command()
@json_option
def status(as_json: bool) -> None:
    """Server and pgvector versions, applied / pending migrations, row counts."""
    settings = Settings.from_env()
    target = target_url(settings)
    facts = health.facts(target, connect_timeout=settings.connect_timeout)
    if as_json:
        print_json({"url": redact(target), **to_plain(facts), "migrations": migration_states(target)})
        return
    table(
        "Server",
        ["item", "value"],
        [
            ("url", redact(target)),
            ("PostgreSQL", facts.server_version),
            ("pgvector", facts.pgvector_installed or f"not installed ({facts.pgvector_available or 'unavailable'})"),
        ],
    )
    print_migrations(target)
    table("Rows", ["table", "rows"], [(f"agent_loggy.{t}", n) for t, n in facts.row_counts.items()])


@click.command()
@click.option("--to", "up_to", metavar="ID", default=None, help="Stop after this migration (e.g. 0003_triggers).")
@click.option("--lock-timeout", type=click.FloatRange(min=0, min_open=True), default=migrations.LOCK_TIMEOUT,
              show_default=True, metavar="SECONDS", help="How long to wait for another migrator's yoyo lock.")
@yes_option
@json_option
def migrate(up_to: str | None, lock_timeout: float, yes: bool, as_json: bool) -> None:
    """Apply pending migrations (all, or up to --to) under yoyo's lock."""
    settings = Settings.from_env()
    target = target_url(settings)
    confirm_target(target, settings, yes=yes, as_json=as_json)
    applied = migrations.apply(target, up_to=up_to, lock_timeout=lock_timeout)
    if as_json:
        print_json({"applied": applied})
        return
    say(f"applied {len(applied)}: {', '.join(applied)}" if applied else "nothing to apply")


@click.command()
@click.option("--count", "-n", type=click.IntRange(min=1), default=None, help="Roll back the last N (default 1).")
@click.option("--all", "everything", is_flag=True, help="Roll back every applied migration.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@json_option
def rollback(count: int | None, everything: bool, yes: bool, as_json: bool) -> None:
    """Roll back the last migration, the last N, or all of them (data in dropped tables is lost)."""
    if everything and count is not None:
        raise click.UsageError("give either --count or --all, not both")
    target = target_url(Settings.from_env())
    what = "every applied migration" if everything else f"the last {count or 1} migration(s)"
    if not yes:
        click.confirm(f"Roll back {what} on {redact(target)}?", abort=True, err=as_json)
    done = migrations.rollback(target, count=None if everything else (count or 1))
    if as_json:
        print_json({"rolled_back": done})
        return
    say(f"rolled back {len(done)}: {', '.join(done)}" if done else "nothing to roll back")


@click.command()
@json_option
def doctor(as_json: bool) -> None:
    """Check connection, pgvector, migrations and indexes; exit 1 when something is wrong."""
    settings = Settings.from_env()
    checks = health.run_checks(target_url(settings), connect_timeout=settings.connect_timeout)
    if as_json:
        print_json({"ok": not any(c.status == "fail" for c in checks), "checks": checks})
    else:
        table("Doctor", ["check", "status", "detail"], [(c.name, c.status, c.detail) for c in checks])
    if any(c.status == "fail" for c in checks):
        raise SystemExit(1)


@click.command("migrations-dir")
@json_option
def migrations_dir(as_json: bool) -> None:
    """Print the directory of the packaged migrations, for yoyo:
    yoyo list --no-config-file -d "$(agent-loggy-db url --yoyo)" "$(agent-loggy-db migrations-dir)"."""
    if as_json:
        print_json({"path": migrations.sql_dir()})
        return
    write_data(f"{migrations.sql_dir()}\n")


COMMANDS = (up, down, url, status, migrate, rollback, doctor, migrations_dir)
