"""`agent-loggy-db memory`: the facts agents remember, per project and user, from the terminal."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from agent_loggy_db.cli.db import command_pool
from agent_loggy_db.cli.options import json_option, project_option
from agent_loggy_db.cli.output import print_json, say, table, write_data
from agent_loggy_db.errors import NotFound
from agent_loggy_db.memory import Fact, Memory
from agent_loggy_db.settings import Settings

user_option = click.option("--user", "-u", envvar="AGENT_LOGGY_USER", default=None,
                           help="Act for this user of the application (env AGENT_LOGGY_USER); "
                                "none: the project's shared facts.")


@contextmanager
def _memory(project: str, user: str | None) -> Iterator[Memory]:
    with command_pool(Settings.from_env()) as pool:
        yield Memory(pool, project=project, user=user)


def _rows(facts: list[Fact]) -> list[tuple[object, ...]]:
    return [(f.user_id or "(shared)", f.key, f.version, f.value if f.value is not None else "(forgotten)",
             f.created_at.isoformat(timespec="seconds")) for f in facts]


@click.group()
def memory() -> None:
    """Facts agents remember about a project's users, with their history."""


@memory.command()
@click.argument("key")
@click.argument("value")
@project_option
@user_option
@json_option
def remember(key: str, value: str, project: str, user: str | None, as_json: bool) -> None:
    """Remember VALUE for KEY (a new version; the same value again changes nothing)."""
    with _memory(project, user) as mem:
        fact = mem.remember_fact(key, value)
    if as_json:
        print_json(fact)
    else:
        say(f"{key} = {value!r} (version {fact.version}) for {user or 'the whole project'} in project {project}")


@memory.command()
@click.argument("key")
@project_option
@user_option
@json_option
def recall(key: str, project: str, user: str | None, as_json: bool) -> None:
    """Print the current value of KEY exactly (exit 3 when it is unknown or forgotten)."""
    with _memory(project, user) as mem:
        value = mem.recall_fact(key)
    if value is None:
        raise NotFound(f"no fact {key!r} for {user or 'the whole project'} in project {project}")
    if as_json:
        print_json({"key": key, "value": value})
        return
    write_data(value + "\n")


@memory.command()
@click.argument("key")
@project_option
@user_option
@json_option
def forget(key: str, project: str, user: str | None, as_json: bool) -> None:
    """Forget KEY (its history stays; exit 3 when it had no value)."""
    with _memory(project, user) as mem:
        forgotten = mem.forget_fact(key)
    if not forgotten:
        raise NotFound(f"no fact {key!r} to forget for {user or 'the whole project'} in project {project}")
    if as_json:
        print_json({"key": key, "forgotten": True})
        return
    say(f"forgot {key} for {user or 'the whole project'} in project {project}")


@memory.command("list")
@click.option("--key", default=None, help="Show every version of this key instead.")
@project_option
@user_option
@json_option
def list_facts(key: str | None, project: str, user: str | None, as_json: bool) -> None:
    """The current facts the user sees (shared and their own), or one key's history with --key."""
    with _memory(project, user) as mem:
        facts = mem.fact_history(key) if key is not None else mem.list_facts()
    if as_json:
        print_json(facts)
    elif not facts:
        say(f"no facts for {user or 'the whole project'} in project {project}")
    else:
        table(f"facts of project {project}" + (f", user {user}" if user else ""),
              ["user", "key", "version", "value", "since"], _rows(facts))


COMMANDS = (memory,)
