"""Frozen, typed rows returned by the prompt registry."""

from __future__ import annotations

import copy
import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from agent_loggy_db.rendering import render, render_chat, template_variables


def _frozen(value: Mapping[str, Any]) -> Mapping[str, Any]:
    """A read-only copy, so a cached Prompt cannot be changed by one of its readers."""
    return MappingProxyType(copy.deepcopy(dict(value)))


@dataclass(frozen=True)
class Prompt:
    """One resolved prompt version with its model config; `compile()` fills its template.

    is_fallback: the caller's fallback template, the registry could not resolve. is_stale: served from
    the cache while the database is away; it was known current at confirmed_at.
    """

    name: str
    template: str
    project: str = "default"
    version: int | None = None
    id: int | None = None
    type: str = "text"
    variables: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    model: str | None = None
    parameters: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    model_provider: str | None = None
    model_name: str | None = None
    model_parameters: Mapping[str, Any] | None = None
    model_config_version: int | None = None
    resolved_label: str | None = None
    description: str | None = None
    usage: str | None = None
    is_active: bool = True
    created_by: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    is_fallback: bool = False
    is_stale: bool = False
    confirmed_at: datetime | None = None
    syntax: str = "brace"
    messages: tuple[Mapping[str, Any], ...] | None = None
    tags: tuple[str, ...] = ()
    commit_message: str | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Prompt:
        """Build from a row of agent_loggy.resolve_prompt()."""
        return cls(
            name=row["name"], template=row["template"], project=row["project"], version=row["version"],
            id=row["id"], type=row["type"], variables=tuple(row["variables"]), labels=tuple(row["labels"]),
            model=row["model"], parameters=_frozen(row["parameters"]),
            model_provider=row["model_provider"], model_name=row["model_name"],
            model_parameters=None if row["model_parameters"] is None else _frozen(row["model_parameters"]),
            model_config_version=row["model_config_version"],
            resolved_label=row["resolved_label"], description=row["description"], usage=row["usage"],
            is_active=row["is_active"], created_by=row["created_by"], created_at=row["created_at"],
            updated_at=row["updated_at"], syntax=row["syntax"],
            messages=None if row["messages"] is None else tuple(_frozen(m) for m in row["messages"]),
            tags=tuple(row["tags"]), commit_message=row["commit_message"],
        )

    @classmethod
    def fallback(cls, name: str, template: str, *, project: str = "default", syntax: str = "brace") -> Prompt:
        """The stand-in returned by get_prompt(fallback=...) when the registry cannot resolve."""
        return cls(name=name, template=template, project=project, variables=template_variables(template, syntax),
                   is_fallback=True, syntax=syntax)

    @property
    def is_chat(self) -> bool:
        """True for a chat prompt with messages: compile() returns a list of messages."""
        return self.messages is not None

    def compile(self, variables: Mapping[str, Any] | None = None, /, *, strict: bool = False,
                **kwargs: Any) -> Any:
        """Render the prompt: a text prompt's template as a str; a chat prompt's messages as a list of
        {"role", "content"} dicts (placeholders replaced by the message lists given for them). Missing
        variables raise MissingVariables, extra ones too when strict. The same as render_prompt() /
        render_chat() in SQL."""
        values = {**(variables or {}), **kwargs}
        if self.messages is not None:
            return render_chat(self.messages, values, syntax=self.syntax, strict=strict)
        return render(self.template, values, strict=strict, syntax=self.syntax)

    def to_langchain(self) -> Any:
        """This prompt as a LangChain PromptTemplate (text) or ChatPromptTemplate (chat; placeholders as
        MessagesPlaceholder). Either syntax becomes an f-string template that formats string values as
        compile() does. Needs the langchain extra (pip install 'agent-loggy-db[langchain]')."""
        from agent_loggy_db.langchain_prompts import to_langchain

        return to_langchain(self)


@dataclass(frozen=True)
class PromptSummary:
    """One prompt of a project as list_prompts() shows it."""

    name: str
    type: str
    latest_version: int
    active_versions: int
    labels: Mapping[str, int]
    model: str | None
    updated_at: datetime
    tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "tags", tuple(self.tags))


@dataclass(frozen=True)
class PromptChange:
    """One change of a prompt as prompt_history() lists it.

    change: publish, label (label moved from_version -> to_version; None: new / removed), activate,
    deactivate, tag (tags: the new tags), update (changed: the columns), delete, embed.
    """

    changelog_id: int
    change: str
    version: int | None
    label: str | None
    from_version: int | None
    to_version: int | None
    tags: tuple[str, ...] | None
    changed: tuple[str, ...] | None
    changed_by: str
    changed_at: datetime
    summary: str | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> PromptChange:
        """Build from a row of agent_loggy.prompt_history()."""
        tags, changed = row["tags"], row["changed"]
        return cls(**{**row, "tags": None if tags is None else tuple(tags),
                      "changed": None if changed is None else tuple(changed)})


@dataclass(frozen=True)
class LabelMove:
    """A label leaving one version for another (from_version None: new; to_version None: removed)."""

    changelog_id: int
    label: str
    from_version: int | None
    to_version: int | None
    changed_by: str
    changed_at: datetime
    change_summary: str | None


@dataclass(frozen=True)
class PromptDiff:
    """Unified diffs between two versions of a prompt: template, parameters, and details (syntax, tags,
    commit message)."""

    name: str
    from_version: int
    to_version: int
    template: str
    parameters: str
    details: str = ""

    @classmethod
    def between(cls, old: Prompt, new: Prompt) -> PromptDiff:
        """Diff two versions of one prompt."""
        a, b = f"{old.name} v{old.version}", f"{new.name} v{new.version}"
        return cls(
            name=new.name, from_version=old.version or 0, to_version=new.version or 0,
            template=_unified(old.template, new.template, a, b),
            parameters=_unified(_json_lines(old.parameters), _json_lines(new.parameters),
                                f"{a} parameters", f"{b} parameters"),
            details=_unified(_detail_lines(old), _detail_lines(new), f"{a} details", f"{b} details"),
        )

    def __str__(self) -> str:
        return self.template + self.parameters + self.details

    @property
    def is_empty(self) -> bool:
        """True when the two versions have the same template, parameters and details."""
        return not (self.template or self.parameters or self.details)


@dataclass(frozen=True)
class ImportSummary:
    """What import_prompts() did: versions created, versions already there, versions relabelled."""

    created: int
    unchanged: int
    relabelled: int


def _detail_lines(prompt: Prompt) -> str:
    """What a version says about itself besides template and parameters, one line each."""
    return "".join(f"{line}\n" for line in (
        f"syntax: {prompt.syntax}", f"tags: {', '.join(prompt.tags)}",
        *(f"commit message: {line.removesuffix(chr(10))}" for line in _lines(prompt.commit_message or ""))))


def _json_lines(value: Mapping[str, Any]) -> str:
    return json.dumps(dict(value), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _lines(text: str) -> list[str]:
    """text's lines, each with its newline: only \\n ends a line (str.splitlines would also split at
    \\r, \\x0b, \\x0c, \\x1c-\\x1e, \\x85, U+2028 and U+2029, which a template keeps inside its lines)."""
    return re.findall(r"[^\n]*\n|[^\n]+\Z", text)


def _unified(old: str, new: str, a: str, b: str) -> str:
    lines = difflib.unified_diff(_lines(old), _lines(new), a, b)
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
