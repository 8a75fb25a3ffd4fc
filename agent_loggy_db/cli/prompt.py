"""`agent-loggy-db prompt ...`: read, render, publish, label, roll back, diff, export and import prompts."""

from __future__ import annotations

import json
import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from agent_loggy_db.cli.completion import prompt_name_argument
from agent_loggy_db.cli.db import command_pool
from agent_loggy_db.cli.options import audit_options, json_option, project_option, required_actor
from agent_loggy_db.cli.output import code, print_json, say, table, warn, write_data
from agent_loggy_db.errors import ConfigurationError
from agent_loggy_db.importers.registries import SOURCES, registry_export
from agent_loggy_db.models import PromptChange
from agent_loggy_db.prompts import PromptRegistry
from agent_loggy_db.rendering import SYNTAXES, TemplateSyntaxWarning
from agent_loggy_db.settings import Settings


@contextmanager
def registry() -> Iterator[PromptRegistry]:
    """A cache-less registry over a one-connection pool to the target database (see command_pool)."""
    with command_pool(Settings.from_env()) as pool:
        yield PromptRegistry(pool, cache=False)


@click.group()
def prompt() -> None:
    """Prompts: list, show, render, publish, label, roll back, history, diff, export, import."""


@prompt.command("list")
@click.option("--tag", "-t", "tags", multiple=True,
              help="Only prompts a version of which has this tag (repeatable: all of them).")
@project_option
@json_option
def list_(tags: tuple[str, ...], project: str, as_json: bool) -> None:
    """Every prompt of the project with its highest version, labels and tags."""
    with registry() as reg:
        rows = reg.list_prompts(project=project, tags=tags or None)
    if as_json:
        print_json(rows)
        return
    table(f"Prompts in {project}", ["name", "type", "latest", "active", "labels", "tags", "model", "updated (UTC)"], [
        (p.name, p.type, p.latest_version, p.active_versions,
         ", ".join(f"{label}→v{v}" for label, v in p.labels.items()), ", ".join(p.tags), p.model,
         p.updated_at.isoformat(sep=" ", timespec="seconds")) for p in rows])


@prompt.command()
@prompt_name_argument
@click.option("--label", "-l", default=None, help="Label to resolve (default production; latest = highest active).")
@click.option("--version", "version", type=click.IntRange(min=1), default=None, help="Exact version.")
@project_option
@json_option
def show(name: str, label: str | None, version: int | None, project: str, as_json: bool) -> None:
    """Show one version: metadata, model config and template."""
    if label and version:
        raise click.UsageError("give either --label or --version, not both")
    with registry() as reg:
        p = reg.get_prompt(name, label=label or "production", version=version, project=project)
    if as_json:
        print_json(p)
        return
    table(f"{p.name} v{p.version}", ["field", "value"], [
        ("project", p.project), ("version", p.version), ("resolved label", p.resolved_label or "(by version)"),
        ("labels", ", ".join(p.labels)), ("tags", ", ".join(p.tags)), ("type", p.type), ("syntax", p.syntax),
        ("active", p.is_active), ("variables", ", ".join(p.variables)), ("model", p.model),
        ("model config", f"{p.model_provider or '?'} / {p.model_name or '?'}"
                         + (f" (v{p.model_config_version})" if p.model_config_version else "")),
        ("parameters", json.dumps(dict(p.parameters), sort_keys=True)),
        ("description", p.description), ("usage", p.usage),
        ("created", f"{p.created_at:%Y-%m-%d %H:%M:%S} by {p.created_by}" if p.created_at else ""),
        ("commit message", p.commit_message),
    ])
    code(p.template, "text")


def parse_vars(pairs: tuple[str, ...], vars_file: Path | None) -> dict[str, Any]:
    """--vars-file (a JSON object) then each --var k=v (string values) on top."""
    variables: dict[str, Any] = {}
    if vars_file is not None:
        try:
            loaded = json.loads(vars_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigurationError(f"--vars-file {vars_file}: {exc}") from exc
        if not isinstance(loaded, dict):
            raise ConfigurationError(f"--vars-file {vars_file}: expected a JSON object, got {type(loaded).__name__}")
        variables.update(loaded)
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{pair!r}: expected NAME=VALUE", param_hint="--var")
        variables[key] = value
    return variables


@prompt.command()
@prompt_name_argument
@click.option("--var", "pairs", multiple=True, metavar="NAME=VALUE", help="A variable (repeatable).")
@click.option("--vars-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="JSON object of variables (--var values win).")
@click.option("--label", "-l", default=None, help="Label to resolve (default production; latest = highest active).")
@click.option("--version", "version", type=click.IntRange(min=1), default=None, help="Exact version.")
@click.option("--strict", is_flag=True, help="Refuse variables the template does not use.")
@project_option
@json_option
def get(name: str, pairs: tuple[str, ...], vars_file: Path | None, label: str | None, version: int | None,
        strict: bool, project: str, as_json: bool) -> None:
    """Resolve a prompt and print it rendered with the variables (exactly what the agent would send;
    a chat prompt's messages as a JSON array of {"role", "content"}).

    Piped or redirected, the output is the rendered prompt's exact UTF-8 bytes; on a terminal,
    control and invisible format characters are shown as escapes (\\x1b, \\u202e).
    """
    if label and version:
        raise click.UsageError("give either --label or --version, not both")
    variables = parse_vars(pairs, vars_file)
    with registry() as reg:
        p = reg.get_prompt(name, label=label or "production", version=version, project=project)
    rendered = p.compile(variables, strict=strict)
    if as_json:
        print_json({"prompt": p, "rendered": rendered})
        return
    if isinstance(rendered, str):
        write_data(rendered)
    else:  # a chat prompt's messages
        write_data(json.dumps(rendered, indent=2, ensure_ascii=False) + "\n", is_json=True)


def read_json(file: str, what: str) -> Any:
    """A JSON file's value, or stdin's for '-'."""
    try:
        return json.loads(read_text(file))
    except ValueError as exc:
        raise ConfigurationError(f"{what} {file} is not JSON: {exc}") from exc


def read_text(file: str) -> str:
    """A file's text, or stdin for '-'."""
    if file == "-":
        return sys.stdin.read()
    try:
        return Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"cannot read {file}: {exc}") from exc


@prompt.command()
@prompt_name_argument
@click.option("--file", "-f", "file", default=None, help="Template file ('-' for stdin).")
@click.option("--messages", "messages_file", default=None, metavar="FILE",
              help="A chat prompt's messages instead of --file: a JSON array of {role, content} and "
                   "{type: placeholder, name} ('-' for stdin).")
@click.option("--syntax", type=click.Choice(SYNTAXES), default=None,
              help="Placeholders: brace {name} or mustache {{name}} (default: the previous version's, else brace).")
@click.option("--tag", "-t", "tags", multiple=True, help="A tag of the new version (repeatable).")
@click.option("--label", "-l", "labels", multiple=True, help="Label to move to the new version (repeatable).")
@click.option("--model", default=None, help="Model config name (default: the previous version's).")
@click.option("--params", default=None, metavar="JSON", help="Parameters as a JSON object (default: previous).")
@click.option("--type", "type_", default=None, help="chat, text, system or user (only for a new prompt).")
@click.option("--description", default=None, help="Description (default: the previous version's).")
@project_option
@audit_options
@json_option
def publish(name: str, file: str | None, messages_file: str | None, syntax: str | None, tags: tuple[str, ...],
            labels: tuple[str, ...], model: str | None, params: str | None, type_: str | None,
            description: str | None, project: str, actor: str | None, summary: str | None, as_json: bool) -> None:
    """Publish a template file (or a chat prompt's messages) as the next version of NAME.

    --summary / -m is the version's commit message too.
    """
    if (file is None) == (messages_file is None):
        raise click.UsageError("give either --file (a template) or --messages (a chat prompt), not "
                               + ("both" if file else "neither"))
    parameters = None
    if params is not None:
        try:
            parameters = json.loads(params)
        except ValueError as exc:
            raise click.BadParameter(f"{params!r} is not JSON: {exc}", param_hint="--params") from exc
        if not isinstance(parameters, dict):
            raise click.BadParameter(f"{params!r} is not a JSON object", param_hint="--params")
    messages = None if messages_file is None else read_json(messages_file, "--messages")
    with registry() as reg, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TemplateSyntaxWarning)
        p = reg.publish(name, None if file is None else read_text(file), actor=required_actor(actor),
                        summary=summary, project=project, labels=labels, type=type_, description=description,
                        model=model, parameters=parameters, messages=messages, syntax=syntax, tags=tags)
    for caught_warning in caught:
        warn(f"warning: {caught_warning.message}")
    if as_json:
        print_json(p)
        return
    say(f"published {p.name} v{p.version}" + (f" labelled {', '.join(p.labels)}" if p.labels else ""))


@prompt.command()
@prompt_name_argument
@click.argument("version", type=click.IntRange(min=1))
@click.argument("tags", nargs=-1)
@project_option
@audit_options
@json_option
def tag(name: str, version: int, tags: tuple[str, ...], project: str, actor: str | None, summary: str | None,
        as_json: bool) -> None:
    """Set the tags of VERSION of NAME to TAGS (none: remove every tag)."""
    with registry() as reg:
        stored = reg.set_tags(name, version, tags, actor=required_actor(actor), summary=summary, project=project)
    if as_json:
        print_json({"name": name, "version": version, "tags": stored})
        return
    say(f"{name} v{version} tags: {', '.join(stored) or '(none)'}")


@prompt.command()
@prompt_name_argument
@click.argument("version", type=click.IntRange(min=1))
@click.argument("label")
@project_option
@audit_options
@json_option
def label(name: str, version: int, label: str, project: str, actor: str | None, summary: str | None,
          as_json: bool) -> None:
    """Move LABEL to VERSION of NAME."""
    with registry() as reg:
        p = reg.set_label(name, version, label, actor=required_actor(actor), summary=summary, project=project)
    if as_json:
        print_json(p)
        return
    say(f"{label} → {p.name} v{p.version}")


@prompt.command()
@prompt_name_argument
@click.argument("label")
@project_option
@audit_options
@json_option
def unlabel(name: str, label: str, project: str, actor: str | None, summary: str | None, as_json: bool) -> None:
    """Take LABEL off the version of NAME that carries it."""
    with registry() as reg:
        version = reg.remove_label(name, label, actor=required_actor(actor), summary=summary, project=project)
    if as_json:
        print_json({"name": name, "label": label, "version": version})
        return
    say(f"removed {label} from {name} v{version}")


@prompt.command()
@prompt_name_argument
@click.argument("label", default="production")
@project_option
@audit_options
@json_option
def rollback(name: str, label: str, project: str, actor: str | None, summary: str | None, as_json: bool) -> None:
    """Put LABEL (default production) back on the version it left at its last move."""
    with registry() as reg:
        version = reg.rollback_label(name, label, actor=required_actor(actor), summary=summary, project=project)
    if as_json:
        print_json({"name": name, "label": label, "version": version})
        return
    say(f"{label} → {name} v{version} (rolled back)")


@prompt.command()
@prompt_name_argument
@project_option
@json_option
@click.option("--embeds", is_flag=True, help="Show the embedding fills logged before migration 0034 too.")
def history(name: str, project: str, as_json: bool, embeds: bool) -> None:
    """Every change of NAME: publishes, label moves, activations, tags, edits; when, who, why."""
    with registry() as reg:
        changes = reg.changes(name, project=project, embeds=embeds)
    if as_json:
        print_json(changes)
        return
    table(f"History of {name}", ["when (UTC)", "change", "version", "detail", "by", "summary"], [
        (c.changed_at.isoformat(sep=" ", timespec="seconds"), c.change,
         f"v{c.version}" if c.version else "", change_detail(c), c.changed_by, c.summary) for c in changes])


def change_detail(c: PromptChange) -> str:
    """What a change did, in a few words: a label move, the tags, the columns an update changed."""
    if c.change == "label":
        return (f"{c.label}: " + (f"v{c.from_version}" if c.from_version else "new") + " → "
                + (f"v{c.to_version}" if c.to_version else "removed"))
    if c.change in ("publish", "tag"):
        return "tags: " + (", ".join(c.tags or ()) or "none")
    if c.change == "update":
        return "changed: " + ", ".join(c.changed or ())
    return ""


@prompt.command()
@prompt_name_argument
@click.argument("v1", type=click.IntRange(min=1))
@click.argument("v2", type=click.IntRange(min=1))
@project_option
@json_option
def diff(name: str, v1: int, v2: int, project: str, as_json: bool) -> None:
    """Unified diff of the template, parameters and details (syntax, tags, commit message) from V1 to V2."""
    with registry() as reg:
        d = reg.diff(name, v1, v2, project=project)
    if as_json:
        print_json(d)
        return
    if d.is_empty:
        say(f"{name} v{v1} and v{v2} have the same template, parameters, syntax, tags and commit message")
        return
    code(str(d), "diff")


@prompt.command("export")
@click.argument("file")
@project_option
def export(file: str, project: str) -> None:
    """Write every version and label of the project to FILE as JSON ('-' for stdout).

    On a terminal, control and invisible format characters in the JSON are written as \\u escapes.
    """
    with registry() as reg:
        document = reg.export_prompts(project=project)
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if file == "-":
        write_data(text, is_json=True)
        return
    Path(file).write_text(text, encoding="utf-8")
    versions = sum(len(p["versions"]) for p in document["prompts"])
    say(f"exported {len(document['prompts'])} prompts, {versions} versions of {project} to {file}")


@prompt.command("import")
@click.argument("file")
@click.option("--project", "-p", default=None,
              help="Target project (default: the one named in the file; for Langfuse and MLflow, default).")
@click.option("--from", "source", type=click.Choice(("agent-loggy-db", *SOURCES)), default="agent-loggy-db",
              show_default=True, help="Who wrote FILE: `prompt export`, or a Langfuse or MLflow prompt export "
                                      "(their {{name}} templates keep the mustache syntax).")
@audit_options
@json_option
def import_(file: str, project: str | None, source: str, actor: str | None, summary: str | None,
            as_json: bool) -> None:
    """Load a prompt export (idempotent; all or nothing)."""
    document = read_json(file, "FILE")
    if source in SOURCES:
        project = project or "default"
        document = registry_export(document, source, project)
    elif not isinstance(document, dict):
        raise ConfigurationError(f"{file}: expected a JSON object written by `prompt export`")
    with registry() as reg:
        result = reg.import_prompts(document, actor=required_actor(actor),
                                    summary=summary or f"import of {os.path.basename(file)}", project=project)
    if as_json:
        print_json(result)
        return
    table("Import", ["created", "unchanged", "relabelled"], [(result.created, result.unchanged, result.relabelled)])


COMMANDS = (prompt,)
