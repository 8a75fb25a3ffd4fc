"""Database lifecycle commands: up, down, url, status, migrate, rollback, doctor."""

from __future__ import annotations

import click

from agent_loggy_db import health, migrations, server
from agent_loggy_db.cli.output import say, table
from agent_loggy_db.errors import ServerError
from agent_loggy_db.settings import Settings
from agent_loggy_db.urls import redact, to_libpq, to_yoyo


def target_url(settings: Settings, *, start: bool = False) -> str:
    """DATABASE_URL if set, else the embedded server's URL (started first when start=True)."""
    if settings.database_url:
        return to_libpq(settings.database_url)
    info = server.start(settings.data_dir) if start else server.running(settings.data_dir)
    if info is None:
        raise ServerError(
            f"the embedded server in {settings.data_dir} is not running: start it with "
            "`agent-loggy-db up`, or set DATABASE_URL to use another server"
        )
    return info.url


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
def up() -> None:
    """Start (or reuse) the server, apply pending migrations, print the status. Safe to repeat."""
    settings = Settings.from_env()
    url = target_url(settings, start=True)
    where = "DATABASE_URL" if settings.database_url else f"embedded server in {settings.data_dir}"
    say(f"server: {where} — {redact(url)}")
    applied = migrations.apply(url)
    say(f"applied {len(applied)}: {', '.join(applied)}" if applied else "nothing to apply")
    print_migrations(url)


@click.command()
def down() -> None:
    """Stop the embedded server (a server named by DATABASE_URL is never touched)."""
    settings = Settings.from_env()
    if server.stop(settings.data_dir):
        say(f"stopped the embedded server in {settings.data_dir}")
    else:
        say(f"the embedded server in {settings.data_dir} is not running")


@click.command()
@click.option("--libpq", "form", flag_value="libpq", help="Print only the libpq URL (psql, psycopg).")
@click.option("--yoyo", "form", flag_value="yoyo", help="Print only yoyo's postgresql+psycopg:// URL.")
def url(form: str | None) -> None:
    """Print the connection URL: libpq form for psql, and the form yoyo needs."""
    target = target_url(Settings.from_env())
    if form == "libpq":
        click.echo(to_libpq(target))
    elif form == "yoyo":
        click.echo(to_yoyo(target))
    else:
        click.echo(f"libpq: {to_libpq(target)}")
        click.echo(f"yoyo:  {to_yoyo(target)}")


@click.command()
def status() -> None:
    """Server and pgvector versions, applied / pending migrations, row counts."""
    target = target_url(Settings.from_env())
    facts = health.facts(target)
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
def migrate(up_to: str | None) -> None:
    """Apply pending migrations (all, or up to --to) under yoyo's lock."""
    target = target_url(Settings.from_env())
    applied = migrations.apply(target, up_to=up_to)
    say(f"applied {len(applied)}: {', '.join(applied)}" if applied else "nothing to apply")


@click.command()
@click.option("--count", "-n", type=click.IntRange(min=1), default=None, help="Roll back the last N (default 1).")
@click.option("--all", "everything", is_flag=True, help="Roll back every applied migration.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def rollback(count: int | None, everything: bool, yes: bool) -> None:
    """Roll back the last migration, the last N, or all of them (data in dropped tables is lost)."""
    if everything and count is not None:
        raise click.UsageError("give either --count or --all, not both")
    target = target_url(Settings.from_env())
    what = "every applied migration" if everything else f"the last {count or 1} migration(s)"
    if not yes:
        click.confirm(f"Roll back {what} on {redact(target)}?", abort=True)
    done = migrations.rollback(target, count=None if everything else (count or 1))
    say(f"rolled back {len(done)}: {', '.join(done)}" if done else "nothing to roll back")


@click.command()
def doctor() -> None:
    """Check connection, pgvector, migrations and indexes; exit 1 when something is wrong."""
    checks = health.run_checks(target_url(Settings.from_env()))
    table("Doctor", ["check", "status", "detail"], [(c.name, c.status, c.detail) for c in checks])
    if any(c.status == "fail" for c in checks):
        raise SystemExit(1)


COMMANDS = (up, down, url, status, migrate, rollback, doctor)
