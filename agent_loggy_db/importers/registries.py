"""Prompts exported from Langfuse or MLflow, as a prompt export import_prompts() reads.

Both registries write `{{name}}` placeholders, so every version comes in with syntax mustache and
renders as it did there. Langfuse: prompt objects as its API returns them (`GET
/api/public/v2/prompts/{name}`: name, version, type text|chat, prompt, config, labels, tags,
commitMessage), one, a list, or under "data" or "prompts". MLflow: prompt versions with the
attributes of `mlflow.genai.load_prompt()`'s PromptVersion (name, version, template: text or a list
of messages, commit_message, tags: a mapping, aliases, model_config), one or a list, or under
"prompts". What cannot be stored or would render differently here names its place and is refused before
anything is written: a placeholder that is not an identifier (`{{ user.name }}`, `{{first-name}}`, which
those registries accept) and Jinja blocks (`{% if %}`, MLflow); the rest is import_prompts()' to check.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from agent_loggy_db.errors import InvalidInput

SOURCES = ("langfuse", "mlflow")
_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_IDENTIFIER = re.compile(r"[ \t\n\r]*[A-Za-z_][A-Za-z0-9_]*[ \t\n\r]*")


def registry_export(data: Any, source: str, project: str) -> dict[str, Any]:
    """`data` (parsed JSON of a Langfuse or MLflow export) as a document of format agent_loggy.prompts."""
    if source not in SOURCES:
        raise InvalidInput(f"unknown prompt registry {source!r}: expected one of {', '.join(SOURCES)}")
    convert = _langfuse_version if source == "langfuse" else _mlflow_version
    by_name: dict[str, list[dict[str, Any]]] = {}
    for i, item in enumerate(_items(data, source)):
        where = f"{source} prompt [{i}]"
        if not isinstance(item, Mapping) or not isinstance(item.get("name"), str):
            raise InvalidInput(f"{where}: expected an object with a name")
        version = convert(item, f"{where} ({item['name']})")
        for text in [version["template"], *(m.get("content", "") for m in version.get("messages") or ()
                                            if isinstance(m, Mapping))]:
            _check_placeholders(text, f"{where} ({item['name']})")
        by_name.setdefault(item["name"], []).append(version)
    return {"format": "agent_loggy.prompts", "format_version": 1, "project": project,
            "prompts": [{"name": name, "versions": versions} for name, versions in by_name.items()]}


def _check_placeholders(text: Any, where: str) -> None:
    """Refuse what the mustache syntax here would not read as the other registry does."""
    if not isinstance(text, str):
        return
    if "{%" in text:
        raise InvalidInput(f"{where}: Jinja blocks ({{% ... %}}) are not supported: only {{{{name}}}} placeholders")
    for match in _PLACEHOLDER.finditer(text):
        if not _IDENTIFIER.fullmatch(match.group(1)):
            raise InvalidInput(f"{where}: placeholder {match.group(0)!r} is not an identifier: the mustache syntax "
                               "here reads {{name}} with name of letters, digits and _ only")


def _items(data: Any, source: str) -> list[Any]:
    if isinstance(data, Mapping):
        for key in ("data", "prompts"):
            if isinstance(data.get(key), list):
                return list(data[key])
        return [data]
    if isinstance(data, list):
        return data
    raise InvalidInput(f"not a {source} export: expected a prompt object or a list of them, not {type(data).__name__}")


def _langfuse_version(item: Mapping[str, Any], where: str) -> dict[str, Any]:
    prompt, kind = item.get("prompt"), item.get("type", "text")
    if kind == "chat":
        if not isinstance(prompt, list):
            raise InvalidInput(f"{where}: a chat prompt's prompt must be a list of messages")
        body: dict[str, Any] = {"type": "chat", "template": "", "messages": [_langfuse_message(m) for m in prompt]}
    elif kind == "text" and isinstance(prompt, str):
        body = {"type": "text", "template": prompt}
    else:
        raise InvalidInput(f"{where}: expected type text with a prompt string or type chat with a list of messages")
    labels = [label for label in _strings(item.get("labels"), where, "labels") if label != "latest"]
    return {"version": _version(item, where), **body, "syntax": "mustache",
            "parameters": _object(item.get("config"), where, "config"),
            "labels": labels, "tags": _strings(item.get("tags"), where, "tags"),
            "commit_message": item.get("commitMessage") or None, "is_active": True}


def _langfuse_message(message: Any) -> Any:
    """A Langfuse message without its "chatmessage" type (placeholders keep theirs)."""
    if isinstance(message, Mapping) and message.get("type") in ("chatmessage", "message"):
        return {k: v for k, v in message.items() if k != "type"}
    return message


def _mlflow_version(item: Mapping[str, Any], where: str) -> dict[str, Any]:
    template = item.get("template")
    if isinstance(template, list):
        body: dict[str, Any] = {"type": "chat", "template": "", "messages": template}
    elif isinstance(template, str):
        body = {"type": "text", "template": template}
    else:
        raise InvalidInput(f"{where}: template must be a string or a list of messages")
    tags = item.get("tags") or {}
    if not isinstance(tags, Mapping):
        raise InvalidInput(f"{where}: tags must be an object of names and values")
    return {"version": _version(item, where), **body, "syntax": "mustache",
            "parameters": _object(item.get("model_config"), where, "model_config"),
            "labels": _strings(item.get("aliases"), where, "aliases"),
            "tags": [f"{k}={v}" if v not in (None, "") else str(k) for k, v in tags.items()],
            "commit_message": item.get("commit_message") or None, "is_active": True}


def _strings(value: Any, where: str, what: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidInput(f"{where}: {what} must be a list of strings")
    return list(value)


def _object(value: Any, where: str, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidInput(f"{where}: {what} must be an object")
    return dict(value)


def _version(item: Mapping[str, Any], where: str) -> int:
    """The version number (MLflow may write it as a string of digits)."""
    version = item.get("version")
    if isinstance(version, str) and version.isascii() and version.isdigit():
        return int(version)
    if isinstance(version, int) and not isinstance(version, bool) and version > 0:
        return version
    raise InvalidInput(f"{where}: version must be a whole number from 1, not {version!r}")
