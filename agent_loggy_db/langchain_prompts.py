"""Prompt.to_langchain(): a registry prompt as a LangChain PromptTemplate or ChatPromptTemplate.

Both syntaxes become f-string templates: each placeholder becomes `{name}` and every other brace is
doubled, so LangChain renders exactly what Prompt.compile() renders for string values (LangChain
formats other values with str(), compile() as JSON). Needs the langchain extra (MissingDependency
without it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agent_loggy_db.errors import MissingDependency
from agent_loggy_db.rendering import TOKENS

if TYPE_CHECKING:
    from langchain_core.prompts import BasePromptTemplate

    from agent_loggy_db.models import Prompt


def f_string(template: str, syntax: str) -> str:
    """`template` of our `syntax` as a Python f-string template with the same placeholders and text."""
    pieces: list[str] = []
    at = 0
    for match in TOKENS[syntax].finditer(template):
        pieces.append(_escaped(template[at:match.start()]))
        name = match.group(1)
        pieces.append("{" + name + "}" if name else _escaped(match.group(0)[0]))
        at = match.end()
    pieces.append(_escaped(template[at:]))
    return "".join(pieces)


def _escaped(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def to_langchain(prompt: Prompt) -> BasePromptTemplate[Any]:
    """A PromptTemplate for a text prompt, a ChatPromptTemplate for a chat prompt with messages."""
    try:
        from langchain_core.prompts import (
            ChatMessagePromptTemplate,
            ChatPromptTemplate,
            MessagesPlaceholder,
            PromptTemplate,
        )
        from langchain_core.prompts.chat import (
            AIMessagePromptTemplate,
            HumanMessagePromptTemplate,
            SystemMessagePromptTemplate,
        )
    except ImportError as exc:
        raise MissingDependency("Prompt.to_langchain() needs langchain-core", extra="langchain") from exc
    if prompt.messages is None:
        return PromptTemplate.from_template(f_string(prompt.template, prompt.syntax))
    by_role: dict[str, Any] = {"system": SystemMessagePromptTemplate, "user": HumanMessagePromptTemplate,
                               "assistant": AIMessagePromptTemplate}
    parts: list[Any] = []
    for message in prompt.messages:
        if "role" not in message:
            parts.append(MessagesPlaceholder(variable_name=message["name"]))
            continue
        content = f_string(message["content"], prompt.syntax)
        role = message["role"]
        if role in by_role:
            parts.append(by_role[role].from_template(content))
        else:  # developer, tool
            parts.append(ChatMessagePromptTemplate.from_template(content, role=role))
    return ChatPromptTemplate.from_messages(parts)
