"""Template rendering, byte for byte the same as agent_loggy.render_prompt() and render_chat() in SQL.

Two syntaxes, stored on each prompt version. brace (agent-loggy's own): a template is scanned left to
right for `{{`, `}}` and `{identifier}`; `{{` and `}}` become literal braces, `{identifier}` becomes its
variable, and every other brace (the JSON examples in agent-loggy's prompts) stays as it is. mustache
(Langfuse's and MLflow's): `{{identifier}}`, spaces allowed inside, is a variable; every other brace is
text. Strings are inserted as they are; any other value is inserted as PostgreSQL prints it as jsonb
(keys ordered by length then bytes, `", "` and `": "` separators, numbers without exponent).

A chat prompt's messages render one by one: each `{role, content}` gets its content filled, each
`{type: placeholder, name}` is replaced by the list of messages its variable holds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from agent_loggy_db.errors import InvalidInput, MissingVariables, UnexpectedVariables

SYNTAXES = ("brace", "mustache")
TOKENS = {
    "brace": re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}"),
    "mustache": re.compile(r"\{\{[ \t\n\r]*([A-Za-z_][A-Za-z0-9_]*)[ \t\n\r]*\}\}"),
}
"""The same patterns as agent_loggy.template_pattern() in SQL."""
ROLES = ("system", "developer", "user", "assistant", "tool")
"""The roles a chat message may have (agent_loggy.chat_messages_problem())."""


def _token(syntax: str) -> re.Pattern[str]:
    try:
        return TOKENS[syntax]
    except KeyError:
        raise InvalidInput(f"invalid template syntax {syntax!r}: expected brace ({{name}}) or mustache ({{{{name}}}})")\
            from None


class TemplateSyntaxWarning(UserWarning):
    """A brace template holds {{identifier}}: it renders as a literal {identifier}, not a variable."""


def double_brace_notice(prompt: Any) -> str | None:
    """What SQL's WARNING says when a brace prompt holds {{identifier}} (rendered as a literal
    {identifier}); None otherwise. `prompt`: anything with name, version, syntax, template."""
    found = TOKENS["mustache"].search(prompt.template) if prompt.syntax == "brace" else None
    if found is None:
        return None
    return (f"prompt {prompt.name!r} version {prompt.version} uses brace syntax, where {found.group(0)} is the "
            f"literal text {render(found.group(0), {})}, not a variable (publish with syntax mustache if it "
            "is meant as one)")


def template_variables(template: str, syntax: str = "brace") -> tuple[str, ...]:
    """Distinct placeholders in order of first appearance (as the prompts.variables column)."""
    names = (m.group(1) for m in _token(syntax).finditer(template) if m.group(1))
    return tuple(dict.fromkeys(names))


def chat_variables(messages: Sequence[Mapping[str, Any]], syntax: str = "brace") -> tuple[str, ...]:
    """What rendering chat messages needs: each message's placeholders and each placeholder's name."""
    names: list[str] = []
    for message in messages:
        names.extend(template_variables(message["content"], syntax) if "role" in message else (message["name"],))
    return tuple(dict.fromkeys(names))


def render_chat(messages: Sequence[Mapping[str, Any]], variables: Mapping[str, Any], *, syntax: str = "brace",
                strict: bool = False) -> list[dict[str, Any]]:
    """The messages with every content filled and every placeholder replaced by its list of messages."""
    _check_names(chat_variables(messages, syntax), variables, strict)
    rendered: list[dict[str, Any]] = []
    for message in messages:
        if "role" in message:
            rendered.append({"role": message["role"],
                             "content": render(message["content"], variables, syntax=syntax)})
            continue
        name = message["name"]
        given = variables[name]
        if not isinstance(given, list | tuple) or not all(isinstance(m, Mapping) for m in given):
            raise InvalidInput(f"placeholder {name} must be given a list of message objects, not "
                               f"{type(given).__name__}")
        rendered.extend(dict(m) for m in given)
    return rendered


def _check_names(needed: Sequence[str], variables: Mapping[str, Any], strict: bool) -> None:
    missing = tuple(n for n in needed if n not in variables)
    if missing:
        raise MissingVariables(missing)
    if strict:
        extra = tuple(sorted(set(variables) - set(needed)))
        if extra:
            raise UnexpectedVariables(extra)


def render(template: str, variables: Mapping[str, Any], *, strict: bool = False, syntax: str = "brace") -> str:
    """Fill every placeholder; missing ones raise MissingVariables, extra ones UnexpectedVariables if strict."""
    token = _token(syntax)
    needed = template_variables(template, syntax)
    _check_names(needed, variables, strict)

    def fill(match: re.Match[str]) -> str:
        if match.group(1) is None:
            return match.group(0)[0]  # brace syntax: {{ is {, }} is }
        value = variables[match.group(1)]
        if isinstance(value, str):
            return value
        try:
            return jsonb_text(value)
        except RecursionError:
            raise InvalidInput(f"variable {match.group(1)} is nested too deeply (or contains itself): "
                               "expected a JSON value") from None

    return token.sub(fill, template)


def jsonb_text(value: Any) -> str:
    """`value` written the way PostgreSQL's jsonb output writes it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return numeric_text(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        if not all(isinstance(k, str) for k in value):
            raise InvalidInput(f"{value!r} cannot be a template variable: JSON object keys must be strings")
        keys = sorted(value, key=lambda k: (len(_utf8(k)), _utf8(k)))
        return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {jsonb_text(value[k])}" for k in keys) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(jsonb_text(v) for v in value) + "]"
    raise InvalidInput(f"{type(value).__name__} value {value!r} cannot be a template variable: expected a JSON value")


NUMERIC_DIGITS_BEFORE_POINT = 131072
NUMERIC_DIGITS_AFTER_POINT = 16383


def numeric_text(value: int | float | Decimal) -> str:
    """A number as PostgreSQL's numeric prints it (no exponent, no -0); InvalidInput for a number
    numeric cannot hold (NaN, infinity, beyond its digits), as jsonb refuses it."""
    # float(): repr of a float subclass (numpy.float64) is not a number; Decimal(int): str(int) stops at 4300 digits
    number = Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise InvalidInput(f"{value!r} cannot be a template variable: JSON has no NaN or infinity")
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)  # finite
    if number.adjusted() >= NUMERIC_DIGITS_BEFORE_POINT or -exponent > NUMERIC_DIGITS_AFTER_POINT:
        raise InvalidInput(f"a number of {len(number.as_tuple().digits)} digits with exponent {exponent} cannot be a "
                           f"template variable: PostgreSQL numeric holds {NUMERIC_DIGITS_BEFORE_POINT} digits before "
                           f"the point and {NUMERIC_DIGITS_AFTER_POINT} after")
    return format(abs(number) if number.is_zero() else number, "f")


def _utf8(key: str) -> bytes:
    """A key's bytes for jsonb's key order; a lone surrogate (which PostgreSQL cannot hold) still sorts."""
    return key.encode("utf-8", "surrogatepass")
