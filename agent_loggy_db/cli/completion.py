"""Shell completion of prompt names: `eval "$(_AGENT_LOGGY_DB_COMPLETE=bash_source agent-loggy-db)"`."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

import click
from click.shell_completion import CompletionItem

from agent_loggy_db.cli.db import command_pool
from agent_loggy_db.configs import DEFAULT_PROJECT
from agent_loggy_db.prompts import PromptRegistry
from agent_loggy_db.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])

COMPLETION_TIMEOUT = 2
"""Seconds completion waits for the database: a server that does not answer completes nothing."""


def prompt_names(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The names of the project's prompts that start with incomplete; nothing, silently, when the
    database cannot be reached or refuses (completion must never print or fail). Never starts the
    embedded server."""
    project = ctx.params.get("project") or os.environ.get("AGENT_LOGGY_PROJECT") or DEFAULT_PROJECT
    with contextlib.suppress(Exception), contextlib.redirect_stderr(io.StringIO()):
        settings = replace(Settings.from_env(), connect_timeout=COMPLETION_TIMEOUT, pool_timeout=COMPLETION_TIMEOUT)
        with command_pool(settings) as pool:
            summaries = PromptRegistry(pool, cache=False).list_prompts(project=project)
        return [CompletionItem(p.name) for p in summaries if p.name.startswith(incomplete)]
    return []


def prompt_name_argument(f: F) -> F:
    """The NAME argument of the prompt commands, completed from the database."""
    return click.argument("name", shell_complete=prompt_names)(f)
