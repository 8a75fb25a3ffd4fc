"""Prompt.compile() and agent_loggy.render_prompt() give the same bytes for every template."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.types.json import Jsonb

from agent_loggy_db import MissingVariables, Prompt, UnexpectedVariables, map_error, render, template_variables
from tests.test_prompt_sql import Conn

NAMES = ["a", "b", "who", "_x1", "Time_Frame"]
text_chars = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
pieces = st.one_of(
    st.sampled_from(["{", "}", "{{", "}}", '{"k": 1}', " ", "\n", "{1}", "{ a}", "{a-b}", "é", "\\"]),
    st.sampled_from(NAMES).map(lambda n: "{" + n + "}"),
    st.text(text_chars, max_size=8),
)
templates = st.lists(pieces, max_size=12).map("".join)
json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False), st.text(text_chars, max_size=10))
json_values = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(text_chars, max_size=4), inner, max_size=3)), max_leaves=6)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(template=templates, values=st.dictionaries(st.sampled_from(NAMES), json_values))
def test_python_and_sql_render_the_same_bytes(conn: Conn, template: str, values: dict[str, Any]) -> None:
    try:
        expected: str | None = render(template, values)
    except MissingVariables as exc:
        expected, missing = None, exc.names
    try:
        row = conn.execute("SELECT agent_loggy.render_prompt(%s, %s), agent_loggy.template_variables(%s)",
                           (template, Jsonb(values), template)).fetchone()
        assert row is not None
        assert row[0] == expected
        assert tuple(row[1]) == template_variables(template)
    except psycopg.Error as exc:
        assert expected is None, exc
        mapped = map_error(exc)
        assert isinstance(mapped, MissingVariables) and mapped.names == missing


def test_seeded_templates_render_identically(conn: Conn) -> None:
    rows = conn.execute("SELECT template, variables FROM agent_loggy.prompts").fetchall()
    assert len(rows) == 5
    for template, variables in rows:
        values = {v: f"<{v}>" for v in variables}
        sql = conn.execute("SELECT agent_loggy.render_prompt(%s, %s)", (template, Jsonb(values))).fetchone()
        assert sql == (Prompt(name="x", template=template).compile(values),)


def test_compile_missing_and_strict_extra_variables() -> None:
    p = Prompt(name="x", template="{a} and {b} {{c}}")
    with pytest.raises(MissingVariables) as missing:
        p.compile(a=1)
    assert missing.value.names == ("b",) and "b" in str(missing.value)
    assert p.compile({"a": "1", "b": [1]}, c="ignored") == "1 and [1] {c}"
    with pytest.raises(UnexpectedVariables) as extra:
        p.compile({"a": "1", "b": "2"}, strict=True, c="x", d="y")
    assert extra.value.names == ("c", "d")
    assert Prompt(name="x", template="{strict}").compile({"strict": "ok"}) == "ok"
