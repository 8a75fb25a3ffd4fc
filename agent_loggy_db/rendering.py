"""Template rendering, byte for byte the same as agent_loggy.render_prompt() in SQL.

A template is scanned left to right for `{{`, `}}` and `{identifier}`: `{{` and `}}` become
literal braces, `{identifier}` becomes its variable, and every other brace (the JSON examples in
agent-loggy's prompts) stays as it is. Strings are inserted as they are; any other value is
inserted as PostgreSQL prints it as jsonb (keys ordered by length then bytes, `", "` and `": "`
separators, numbers without exponent).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from agent_loggy_db.errors import InvalidInput, MissingVariables, UnexpectedVariables

TOKEN = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")
"""The same pattern as agent_loggy.template_variables() and render_prompt()."""


def template_variables(template: str) -> tuple[str, ...]:
    """Distinct placeholders in order of first appearance (as the prompts.variables column)."""
    names = (m.group(1) for m in TOKEN.finditer(template) if m.group(1))
    return tuple(dict.fromkeys(names))


def render(template: str, variables: Mapping[str, Any], *, strict: bool = False) -> str:
    """Fill every placeholder; missing ones raise MissingVariables, extra ones UnexpectedVariables if strict."""
    needed = template_variables(template)
    missing = tuple(n for n in needed if n not in variables)
    if missing:
        raise MissingVariables(missing)
    if strict:
        extra = tuple(sorted(set(variables) - set(needed)))
        if extra:
            raise UnexpectedVariables(extra)

    def fill(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        value = variables[match.group(1)]
        if isinstance(value, str):
            return value
        try:
            return jsonb_text(value)
        except RecursionError:
            raise InvalidInput(f"variable {match.group(1)} is nested too deeply (or contains itself): "
                               "expected a JSON value") from None

    return TOKEN.sub(fill, template)


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
