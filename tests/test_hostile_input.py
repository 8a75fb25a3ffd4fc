"""Hostile input, property-based: every public call either succeeds or raises an AgentLoggyError,
and a call that raises leaves the database exactly as it was.

"Exactly as it was" is a fingerprint of schema agent_loggy: per table (config_changelog included)
the row count and the md5 of its rows in order, plus the definition of every index. Strings come
from SQL-injection payloads, NUL bytes, lone surrogates, placeholders, very long text and random
Unicode; vectors from wrong dimensions, NaN, infinities, zeros, huge and tiny values. Where a
call succeeds, what it wrote or found is checked against what was asked for; where an argument
holds text PostgreSQL cannot store (NUL, lone surrogates), the call must raise InvalidInput.

Kept out, because they fail today in code this file's branch leaves alone (each is noted where
it is kept out): query vectors whose float32 cosine under- or overflows and a zero query vector
in a hybrid search of semantic weight 0 (SQL), a text change that brings the stored embedding
(SQL). Python ints beyond float64 in query vectors (search.as_vector) and prompt parameters JSON
cannot hold (prompts._json) are fixed and covered by focused tests in test_search.py and
test_prompts.py.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import psycopg
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pgvector import Vector
from pgvector.psycopg import register_vector
from psycopg import sql
from psycopg_pool import ConnectionPool

from agent_loggy_db import (
    AgentLoggyError,
    Configs,
    DatabaseError,
    ImportFailed,
    InvalidInput,
    MissingVariables,
    Prompt,
    PromptRegistry,
    Settings,
    UnexpectedVariables,
    create_pool,
    template_variables,
    translated_errors,
)
from agent_loggy_db.importers import CONTEXT_RULES, NEGATE_KEYS, CsvFormat, import_rows, read_rows
from agent_loggy_db.importers.documents import DocumentRecord, JsonlDocuments, load_documents
from agent_loggy_db.importers.values import jsonb
from agent_loggy_db.search import Search, as_vector

Conn = psycopg.Connection[Any]
T = TypeVar("T")

DIM = 384
FLOAT32_MAX = 3.4028234663852886e38
SEEDED = ("parameter_extraction", "relevance_analysis", "trace_analysis", "quality_assessment", "trace_entry_analysis")
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")  # the payloads' repr
HOSTILE = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                         HealthCheck.data_too_large])

# Strings ---------------------------------------------------------------------------------------

PAYLOADS = (
    "'", "''", '"', "\\", "\\'", "'\\", "$$", "$x$", "$$; DROP SCHEMA agent_loggy CASCADE; $$",
    "'; DROP TABLE agent_loggy.prompts; --", '"; DROP TABLE agent_loggy.documents; --',
    "x'); DELETE FROM agent_loggy.config_changelog; --", "' OR '1'='1", "1; SELECT pg_sleep(5)",
    "%s", "%(x)s", "%%", "%", "%b", "{}", "{x}", "{{", "}}", "{0}", "\x00", "a\x00b", "\ud800", "\udfff",
    "\ud83d\ude00", "\U0001f600", "\u202e", "\ufeff", "\x00\x00", "\r\n", "\n", "\r", "\t", " ", "", "--", "/*",
    "*/", ";", "NULL", "null", "latest", "production", "default", "E'\\\\x00'", "U&'\\0000'", "\\x00", "\\u0000",
    "\x1b[2J", "\x7f", "line 1: fake problem", "\nline 2: injected", "x" * 10_000, "\u00e9" * 3_000,
    "\U0001f600" * 2_000, "a b " * 5_000,
)
def weighted(*options: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """One of the strategies, each chosen in proportion to its weight (st.one_of folds repeated ones)."""
    return st.sampled_from([s for weight, s in options for _ in range(weight)]).flatmap(lambda s: s)


ANY_CHAR = st.characters(exclude_categories=())  # NUL and lone surrogates included
hostile_text = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(ANY_CHAR, max_size=20),
    st.lists(st.one_of(st.sampled_from(PAYLOADS), st.text(ANY_CHAR, max_size=4)), min_size=2, max_size=4).map("".join),
)


def storable(text: str) -> bool:
    """True when PostgreSQL text can hold it: no NUL character, no lone surrogate."""
    return "\x00" not in text and not any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def strings_of(value: Any) -> Iterator[str]:
    """Every string in value (JSON-like: keys too), however deep; a container holding itself is walked once."""
    stack, seen = [value], set()
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, Mapping | list | tuple) and id(item) not in seen:
            seen.add(id(item))
            stack.extend([*item.keys(), *item.values()] if isinstance(item, Mapping) else item)


def all_storable(*values: Any) -> bool:
    return all(storable(text) for text in strings_of(values))


STORABLE_CHAR = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
STORABLE_PAYLOADS = tuple(p for p in PAYLOADS if storable(p))
storable_text = st.one_of(
    st.sampled_from(STORABLE_PAYLOADS),
    st.text(STORABLE_CHAR, max_size=20),
    st.lists(st.one_of(st.sampled_from(STORABLE_PAYLOADS), st.text(STORABLE_CHAR, max_size=4)), min_size=2,
             max_size=4).map("".join),
)
# Values that could be stored are injection payloads PostgreSQL can hold, so that calls get far
# enough to write; text it cannot hold (NUL, lone surrogates) comes as the one "poisoned" value of
# an example, or in names, labels and projects, so that refusals have one cause.
texts = storable_text
poisons = weighted((2, st.none()), (1, hostile_text))
NAME_OK = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.:/-]{0,15}", fullmatch=True)
names = weighted((2, st.sampled_from(SEEDED)), (4, NAME_OK), (1, hostile_text),
                 (1, st.tuples(NAME_OK, hostile_text).map("".join)))
LABEL_OK = st.from_regex(r"[a-z0-9_.-]{1,10}", fullmatch=True)
labels = weighted((2, st.sampled_from(["production", "staging"])), (4, LABEL_OK), (1, st.just("latest")),
                  (1, hostile_text))
projects = weighted((5, st.just("default")), (1, st.from_regex(r"[a-z0-9][a-z0-9_.-]{0,10}", fullmatch=True)),
                   (1, hostile_text))
actors = weighted((1, st.just("alice")), (1, texts))
optional_text = st.one_of(st.none(), texts)
templates = st.lists(st.one_of(texts, st.sampled_from(["{x}", "{name}", "{{", "}}", "{", "}", "{1}", "{ x}",
                                                        '{"k": 1}', "hello "])),
                     min_size=1, max_size=5).map("".join)
json_leaves = st.one_of(st.none(), st.booleans(), st.integers(-(10**300), 10**300),
                        st.floats(allow_nan=True, allow_infinity=True), texts)
json_values = st.recursive(json_leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(texts, inner, max_size=3)), max_leaves=8)
json_objects = st.dictionaries(texts, json_values, max_size=4)
SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")


def has_surrogate_pair(value: Any) -> bool:
    """True when a string in value holds a high then a low surrogate (two code points, not one character)."""
    if isinstance(value, str):
        return SURROGATE_PAIR.search(value) is not None
    if isinstance(value, dict):
        return any(has_surrogate_pair(k) or has_surrogate_pair(v) for k, v in value.items())
    return isinstance(value, list) and any(has_surrogate_pair(v) for v in value)


prompt_parameters = st.one_of(st.none(), json_objects)
versions = st.one_of(st.integers(-1, 4), st.sampled_from([2**31, 2**63, -(2**31) - 1, 10**30]))

# The fingerprint and the property ------------------------------------------------------------


def fingerprint(conn: Conn) -> dict[str, tuple[int, str]]:
    """Row count and md5 of the ordered rows of every table of schema agent_loggy, and its indexes."""
    tables = [r[0] for r in conn.execute(
        "SELECT c.relname FROM pg_class AS c WHERE c.relnamespace = 'agent_loggy'::regnamespace"
        " AND c.relkind IN ('r', 'p') ORDER BY 1").fetchall()]
    parts: list[sql.Composable] = [
        sql.SQL("SELECT {name}, count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text COLLATE \"C\"), ''))"
                " FROM agent_loggy.{table} AS t").format(name=sql.Literal(t), table=sql.Identifier(t))
        for t in tables]
    parts.append(sql.SQL("SELECT '(indexes)', count(*), md5(coalesce(string_agg(indexdef, E'\\n' ORDER BY indexname),"
                         " '')) FROM pg_indexes WHERE schemaname = 'agent_loggy'"))
    rows = conn.execute(sql.SQL(" UNION ALL ").join(parts)).fetchall()
    assert {r[0] for r in rows} >= {"prompts", "config_changelog", "context_rules", "negate_keys", "documents"}
    return {r[0]: (r[1], r[2]) for r in rows}


def attempt(conn: Conn, call: Callable[[], T], *, writes: bool = True) -> T | AgentLoggyError:
    """call()'s result, or the AgentLoggyError it raised after checking that nothing changed.

    Any other exception propagates and fails the test. A read (writes=False) must change nothing
    even when it succeeds.
    """
    before = fingerprint(conn)
    try:
        result = call()
    except AgentLoggyError as exc:
        assert fingerprint(conn) == before, f"{type(exc).__name__} left the database changed: {exc}"
        return exc
    if not writes:
        assert fingerprint(conn) == before, "a read changed the database"
    return result


def json_equal(a: Any, b: Any) -> bool:
    """Equal as JSON read back from jsonb: numbers by value (jsonb keeps numeric, not float)."""
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return bool(a == b)
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-300)
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def session_user(conn: Conn) -> str:
    row = conn.execute("SELECT session_user").fetchone()
    assert row is not None
    return str(row[0])


@pytest.fixture
def pool(db_url: str) -> Iterator[ConnectionPool]:
    with create_pool(db_url, Settings(pool_min_size=1, pool_max_size=2)) as p:
        yield p


@pytest.fixture
def registry(pool: ConnectionPool) -> Iterator[PromptRegistry]:
    with PromptRegistry(pool, cache=False) as r:
        yield r


# Prompts: publish --------------------------------------------------------------------------


POISONABLE = ("template", "actor", "summary", "description", "usage", "model", "parameters", "labels")


@settings(HOSTILE, max_examples=200)
@given(name=names, template=templates, actor=actors, summary=optional_text, project=projects,
       labels_=st.lists(labels, max_size=2),
       type_=weighted((6, st.none()), (1, st.sampled_from(["chat", "text", "system"])), (1, hostile_text)),
       description=optional_text, usage=optional_text, model=optional_text, parameters=prompt_parameters,
       # prompts._json sends JSON with \\u escapes: two lone surrogates in parameters arrive as one other
       # character, and what is read back differs from what was published. Kept out.
       poison=weighted((2, st.none()), (1, st.tuples(st.sampled_from(POISONABLE), hostile_text).filter(
           lambda p: not (p[0] == "parameters" and has_surrogate_pair(p[1]))))))
@example(name="a\x00b", template="t", actor="alice", summary=None, project="default", labels_=[], type_=None,
         description=None, usage=None, model=None, parameters=None, poison=None)
@example(name="fresh", template="t", actor="alice", summary=None, project="default", labels_=[], type_=None,
         description=None, usage=None, model=None, parameters=None, poison=("template", "t \ud800"))
@example(name="fresh", template="'; DROP TABLE agent_loggy.prompts; -- {x} $$ %s %(x)s \\", actor="o'brien; --",
         summary="$$ %(x)s", project="default", labels_=["staging"], type_="text", description="\\'",
         usage="%s", model="m'; --", parameters={"'; --": ["$$", None, 1e300]}, poison=None)
def test_publish_reads_back_byte_identical_or_refuses_cleanly(
        registry: PromptRegistry, conn: Conn, name: str, template: str, actor: str, summary: str | None,
        project: str, labels_: list[str], type_: str | None, description: str | None, usage: str | None,
        model: str | None, parameters: dict[str, Any] | None, poison: tuple[str, str] | None) -> None:
    args: dict[str, Any] = {"template": template, "actor": actor, "summary": summary, "description": description,
                            "usage": usage, "model": model, "parameters": parameters, "labels": labels_}
    if poison is not None:
        field, bad = poison
        args[field] = {bad: bad} if field == "parameters" else [bad] if field == "labels" else bad
    result = attempt(conn, lambda: registry.publish(name, project=project, type=type_, **args))
    if not all_storable(name, project, type_, args):
        assert isinstance(result, InvalidInput), result  # text PostgreSQL cannot hold is bad input
    if isinstance(result, AgentLoggyError):
        return
    template = args["template"]
    assert (result.name, result.project, result.template) == (name, project, template)
    assert result.variables == template_variables(template)
    assert set(result.labels) == set(args["labels"]) and result.created_by == args["actor"]
    if args["description"] is not None:
        assert result.description == args["description"]
    if args["parameters"] is not None:
        assert json_equal(dict(result.parameters), args["parameters"])
    again = registry.get_prompt(name, version=result.version, project=project)
    assert again.template.encode() == template.encode()
    row = conn.execute(
        "SELECT changed_by, change_summary FROM agent_loggy.config_changelog WHERE config_type = 'prompt'"
        " AND change_type = 'create' AND project = %s AND config_name = %s AND new_version = %s",
        (project, name, result.version)).fetchone()
    assert row == (args["actor"] or session_user(conn), args["summary"] or None)


# Prompts: labels, resolution, history ----------------------------------------------------------


@dataclass(frozen=True)
class PromptOp:
    """One registry call; the fields a kind does not use are ignored."""

    kind: str
    name: str
    label: str
    version: int | None
    project: str
    actor: str
    template: str
    fallbacks: tuple[str, ...]


prompt_ops = st.builds(
    PromptOp,
    kind=st.sampled_from(["publish", "set_label", "remove_label", "rollback_label", "get_prompt", "history",
                          "list_prompts", "export_prompts"]),
    name=weighted((4, st.sampled_from(["trace_analysis", "relevance_analysis", "hostile.new"])), (1, hostile_text),
                  (1, texts)),
    label=labels, version=st.one_of(st.none(), versions),
    project=weighted((4, st.sampled_from(["default", "other"])), (1, hostile_text)),
    actor=actors, template=templates, fallbacks=st.lists(labels, max_size=2).map(tuple))


def run_prompt_op(registry: PromptRegistry, conn: Conn, op: PromptOp) -> None:
    """Run op under the property, then check its result against what it asked for."""
    if op.kind == "publish":
        p = attempt(conn, lambda: registry.publish(op.name, op.template, actor=op.actor, project=op.project,
                                                   labels=[op.label]))
        if not isinstance(p, AgentLoggyError):
            assert p.template == op.template and p.labels == (op.label,)
    elif op.kind == "set_label":
        version = op.version if op.version is not None else 1
        p = attempt(conn, lambda: registry.set_label(op.name, version, op.label, actor=op.actor, project=op.project))
        if not isinstance(p, AgentLoggyError):
            assert p.version == version and op.label in p.labels
            assert registry.get_prompt(op.name, label=op.label, project=op.project).version == version
    elif op.kind in ("remove_label", "rollback_label"):
        call = registry.remove_label if op.kind == "remove_label" else registry.rollback_label
        v = attempt(conn, lambda: call(op.name, op.label, actor=op.actor, project=op.project))
        if not isinstance(v, AgentLoggyError):
            carried = op.label in registry.get_prompt(op.name, version=v, project=op.project).labels
            assert carried == (op.kind == "rollback_label")
    elif op.kind == "get_prompt":
        p = attempt(conn, lambda: registry.get_prompt(op.name, label=op.label, version=op.version, project=op.project,
                                                      fallback_labels=op.fallbacks), writes=False)
        if not isinstance(p, AgentLoggyError):
            assert (p.name, p.project) == (op.name, op.project)
            assert p.version == op.version if op.version is not None else p.resolved_label in (op.label, *op.fallbacks)
    elif op.kind == "history":
        moves = attempt(conn, lambda: registry.history(op.name, project=op.project), writes=False)
        if not isinstance(moves, AgentLoggyError):
            assert all(m.from_version != m.to_version for m in moves)
    elif op.kind == "list_prompts":
        listed = attempt(conn, lambda: registry.list_prompts(project=op.project), writes=False)
        if not isinstance(listed, AgentLoggyError):
            assert all(s.latest_version >= 1 for s in listed)
    else:
        exported = attempt(conn, lambda: registry.export_prompts(project=op.project), writes=False)
        if not isinstance(exported, AgentLoggyError):
            assert exported["project"] == op.project


@settings(HOSTILE, max_examples=150)
@given(ops=st.lists(prompt_ops, min_size=1, max_size=4))
@example(ops=[PromptOp("set_label", "trace_analysis", "x'; --", 1, "default", "alice", "", ()),
              PromptOp("get_prompt", "trace_analysis\x00", "production", None, "default", "alice", "", ("\ud800",)),
              PromptOp("remove_label", "trace_analysis", "production", None, "$$", "%(x)s", "", ())])
def test_label_operations_succeed_or_refuse_cleanly(registry: PromptRegistry, conn: Conn, ops: list[PromptOp]) -> None:
    for op in ops:
        run_prompt_op(registry, conn, op)


# Rendering -----------------------------------------------------------------------------------


def sql_render(conn: Conn, template: str, variables: Mapping[str, Any]) -> str:
    with translated_errors():
        row = conn.execute("SELECT agent_loggy.render_prompt(%s::text, %s::jsonb)",
                           (template, jsonb(dict(variables)))).fetchone()
    assert row is not None
    return str(row[0])


@settings(HOSTILE, max_examples=200)
@given(template=st.one_of(templates, templates, hostile_text),
       variables=st.dictionaries(st.one_of(st.sampled_from(["x", "name"]), hostile_text),
                                 st.one_of(json_values, json_values, hostile_text), max_size=4),
       strict=st.booleans())
@example(template="{x} '; DROP TABLE t; -- $$ \\", variables={"x": "$$'\\%s"}, strict=True)
def test_compile_and_render_prompt_agree_or_refuse_cleanly(conn: Conn, template: str, variables: dict[str, Any],
                                                           strict: bool) -> None:
    prompt = Prompt(name="hostile", template=template)
    compiled = attempt(conn, lambda: prompt.compile(variables), writes=False)
    rendered = attempt(conn, lambda: sql_render(conn, template, variables), writes=False)
    if isinstance(rendered, str):  # what SQL renders, Python renders to the same bytes
        assert compiled == rendered
    if isinstance(rendered, MissingVariables) or isinstance(compiled, MissingVariables):
        assert isinstance(compiled, MissingVariables) and isinstance(rendered, InvalidInput)
        if isinstance(rendered, MissingVariables):
            assert rendered.names == compiled.names
    strict_result = attempt(conn, lambda: prompt.compile(variables, strict=strict), writes=False)
    extra = sorted(set(variables) - set(template_variables(template)))
    if strict and extra and not isinstance(compiled, MissingVariables):
        assert isinstance(strict_result, UnexpectedVariables) and list(strict_result.names) == extra
    elif isinstance(compiled, str):
        assert strict_result == compiled


class Opaque(list[Any]):
    """A list hypothesis prints by its label, not by recursing into it (deep or cyclic)."""

    label = ""

    def __repr__(self) -> str:
        return self.label

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.label)


class Huge(int):
    """A 5001-digit int that prints as 10**5000: str() of it exceeds Python's 4300-digit limit."""

    def __repr__(self) -> str:
        return "10**5000" if self > 0 else "-10**5000"

    def __neg__(self) -> Huge:
        return Huge(-int(self))

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


HUGE = Huge(10**5000)


def _cyclic() -> list[Any]:
    cycle = Opaque()
    cycle.label = "<a list containing itself>"
    cycle.append(cycle)
    return cycle


def _nested(depth: int) -> list[Any]:
    value: Any = 1
    for _ in range(depth - 1):
        value = [value]
    outer = Opaque([value])
    outer.label = f"<a list nested {depth} deep>"
    return outer


python_values = st.one_of(
    json_values,
    st.sampled_from([HUGE, -HUGE, Decimal("sNaN"), Decimal("NaN"), Decimal("-Infinity"), Decimal("1e-30"),
                     Decimal("1e999999999"), Decimal("1e-20000"), {"\ud800": 1, "k": ["\udfff"]},
                     b"bytes", {1, 2}, {1: "x"}, {("k",): 1}, object(), 1j, np.float64("nan"), np.float64(1.5),
                     np.int64(3)]),
    st.builds(_nested, st.sampled_from([10, 900, 5000])),
    st.builds(_cyclic),
)


@settings(max_examples=200, deadline=None)
@given(template=templates, variables=st.dictionaries(st.sampled_from(["x", "name", "1"]), python_values, max_size=3),
       strict=st.booleans())
@example(template="{x}", variables={"x": HUGE}, strict=False)
@example(template="{x}", variables={"x": _nested(5000)}, strict=False)
@example(template="{x}", variables={"x": _cyclic()}, strict=False)
@example(template="{x}", variables={"x": Decimal("sNaN")}, strict=False)
@example(template="{x}", variables={"x": {"\ud800": 1, "a": 2}}, strict=False)
@example(template="{x}", variables={"x": Decimal("1e999999999")}, strict=False)
@example(template="{x}", variables={"x": np.float64(1.5)}, strict=False)
def test_compile_returns_text_or_a_typed_error_for_any_python_value(template: str, variables: dict[str, Any],
                                                                   strict: bool) -> None:
    try:
        text = Prompt(name="hostile", template=template).compile(variables, strict=strict)
    except AgentLoggyError as exc:
        assert isinstance(exc, InvalidInput), exc  # every refusal of compile() is bad input
        return
    assert isinstance(text, str)
    x = variables.get("x")
    if "x" in template_variables(template):
        if isinstance(x, str):
            assert x in text
        elif isinstance(x, int) and not isinstance(x, bool):
            assert format(Decimal(x), "f") in text


# Vectors and search ------------------------------------------------------------------------------

SPECIALS = st.sampled_from([math.nan, math.inf, -math.inf, 0.0, -0.0, 1e300, -1e300, 3.5e38, 1e-40, 5e-324, 1e-30])
plain_vectors = st.lists(st.floats(-1e3, 1e3, width=32), min_size=DIM, max_size=DIM)


def _with_specials(base: list[float], changes: list[tuple[int, float]]) -> list[float]:
    out = list(base)
    for i, value in changes:
        out[i] = value
    return out


def cosine_is_reliable(query: object) -> bool:
    """False for a query the SQL search accepts but pgvector's float32 cosine gets wrong: 384 finite
    float32 values, not all zero, whose largest magnitude is beyond 1e15 or below 1e-15 (the squares
    overflow or underflow; similarities come back 0 or +-1 whatever the direction). SQL-side: the
    search functions should refuse these or normalise the query. Every other query is kept."""
    try:
        with np.errstate(all="ignore"):
            a = np.asarray(query, dtype=np.float64).astype(np.float32)
    except (TypeError, ValueError, OverflowError):
        return True
    if a.ndim != 1 or a.size != DIM or not np.isfinite(a).all():
        return True
    largest = float(np.abs(a).max())
    return largest == 0 or 1e-15 <= largest <= 1e15


query_vectors: st.SearchStrategy[Any] = st.one_of(
    plain_vectors, plain_vectors, plain_vectors.map(np.array),
    st.builds(_with_specials, plain_vectors, st.lists(st.tuples(st.integers(0, DIM - 1), SPECIALS), min_size=1,
                                                      max_size=3)),
    st.sampled_from([[], [0.0] * DIM, [math.nan] * DIM, [1.0] * (DIM - 1), [1.0] * (DIM + 1), [1.0] * 16_001,
                     [1e300] * DIM, [3.5e38] * DIM, [-0.0] * DIM, ["1.5"] * DIM, ["abc"] * DIM, [None] * DIM,
                     [True] * DIM, [[1.0]] * DIM, [1e-40] * DIM]),
    st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=40),
    plain_vectors.map(lambda v: np.array(v, dtype=np.float16)),
    plain_vectors.map(lambda v: np.array(v).reshape(2, -1)),
    st.sampled_from([np.zeros(DIM), np.array([]), np.full(DIM, np.inf), np.array(["x"] * DIM)]),
    hostile_text,  # text: this Search has no embedder
).filter(cosine_is_reliable)
limits = weighted((5, st.integers(1, 20)), (1, st.sampled_from([0, -1, 1001, 2**31, 2**63, -(2**63) - 1, 10**30])))
tag_filters = weighted((4, st.none()), (2, st.lists(st.sampled_from(["a", "b"]), max_size=2)),
                       (1, st.lists(texts, max_size=3)), (1, hostile_text))
weights = weighted((4, st.sampled_from([0.0, 1.0, 0.5, 2.0])), (1, st.floats(allow_nan=True, allow_infinity=True)))


@dataclass(frozen=True)
class SearchOp:
    kind: str
    query: Any
    text: str | None
    project: str
    limit: int
    tags: Any
    keyword_weight: float
    semantic_weight: float
    rrf_k: int


search_ops = st.builds(
    SearchOp,
    kind=st.sampled_from(["documents", "keyword", "hybrid_documents", "context_rules", "hybrid_context_rules",
                          "prompts"]),
    query=st.one_of(query_vectors, st.none()),
    text=weighted((1, st.none()), (2, st.sampled_from(["payment timeout", "card", "refund probe"])), (1, texts),
                  (1, hostile_text)),
    project=projects, limit=limits, tags=tag_filters,
    keyword_weight=weights, semantic_weight=weights,
    rrf_k=weighted((5, st.integers(0, 100)), (1, st.integers(-5, 100)), (1, st.sampled_from([10_001, 2**31, 2**63]))),
).filter(lambda op: not unchecked_zero_vector(op))


def unchecked_zero_vector(op: SearchOp) -> bool:
    """A hybrid document search with semantic weight 0 does not check its query vector, and an all-zero
    one makes every similarity NaN (SQL-side: checked_fusion should check a vector whenever one is given). Kept out."""
    try:
        zero = op.query is not None and not isinstance(op.query, str) and not np.asarray(op.query, dtype=float).any()
    except (TypeError, ValueError):
        return False
    return op.kind == "hybrid_documents" and op.semantic_weight == 0 and zero


class Embeddings(dict[tuple[str, int], "np.ndarray[Any, Any]"]):
    """(table, id) -> the embedding seeded there."""

    def __repr__(self) -> str:  # hypothesis prints the fixtures of a failing example
        return f"<{len(self)} seeded embeddings>"


@pytest.fixture
def embeddings(conn: Conn) -> Embeddings:
    """Seeds embedded documents, context rules and prompts; returns (table, id) -> embedding."""
    register_vector(conn)
    rng = np.random.default_rng(7)
    seeded = Embeddings()
    words = ["payment", "timeout", "card", "gateway", "refund", "probe"]
    with conn.transaction():
        for i in range(24):
            v = rng.normal(size=DIM).astype(np.float32)
            row = conn.execute(
                "INSERT INTO agent_loggy.documents (source, external_id, content, tags, embedding)"
                " VALUES ('seed', %s, %s, %s, %s) RETURNING id",
                (f"d{i}", f"{words[i % 6]} {words[(i * 5) % 6]} number {i}", [["a"], ["b"], ["a", "b"]][i % 3],
                 Vector(v))).fetchone()
            assert row is not None
            seeded["documents", row[0]] = v
        for i in range(6):
            v = rng.normal(size=DIM).astype(np.float32)
            row = conn.execute("INSERT INTO agent_loggy.context_rules (context, version, description, embedding)"
                               " VALUES (%s, 1, %s, %s) RETURNING id", (f"rule {i}", words[i], Vector(v))).fetchone()
            assert row is not None
            seeded["context_rules", row[0]] = v
        for (pid,) in conn.execute("SELECT id FROM agent_loggy.prompts").fetchall():
            v = rng.normal(size=DIM).astype(np.float32)
            conn.execute("UPDATE agent_loggy.prompts SET embedding = %s WHERE id = %s", (Vector(v), pid))
            seeded["prompts", pid] = v
    return seeded


def run_search(search: Search, op: SearchOp) -> Sequence[Any]:
    if op.kind == "documents":
        return search.search_documents(op.query, project=op.project, limit=op.limit, tags=op.tags)
    if op.kind == "keyword":
        return search.keyword_search_documents(op.text if op.text is not None else "x", project=op.project,
                                               limit=op.limit, tags=op.tags)
    if op.kind == "hybrid_documents":
        return search.hybrid_search_documents(op.text, op.query, project=op.project, limit=op.limit, tags=op.tags,
                                              keyword_weight=op.keyword_weight, semantic_weight=op.semantic_weight,
                                              rrf_k=op.rrf_k)
    if op.kind == "context_rules":
        return search.search_context_rules(op.query, project=op.project, limit=op.limit)
    if op.kind == "hybrid_context_rules":
        return search.hybrid_search_context_rules(op.text, op.query, project=op.project, limit=op.limit)
    return search.search_prompts(op.query, project=op.project, limit=op.limit)


def expected_similarity(query: Any, stored: np.ndarray[Any, Any]) -> float:
    q = np.asarray(query, dtype=np.float64).astype(np.float32).astype(np.float64)
    e = stored.astype(np.float64)
    return float(q @ e / (np.linalg.norm(q) * np.linalg.norm(e)))


@settings(HOSTILE, max_examples=250)
@given(op=search_ops)
@example(op=SearchOp("hybrid_documents", [0.0] * DIM, "payment", "default", 5, None, 1.0, 1.0, 60))
@example(op=SearchOp("documents", [1.0] * DIM, None, "'; DROP TABLE agent_loggy.documents; --", 5, ["$$"], 1, 1, 60))
def test_search_returns_true_similarities_or_refuses_cleanly(
        pool: ConnectionPool, conn: Conn, embeddings: Embeddings, op: SearchOp) -> None:
    search = Search(pool)
    hits = attempt(conn, lambda: run_search(search, op), writes=False)
    if isinstance(hits, AgentLoggyError):
        return
    assert len(hits) <= op.limit and all(h.project == op.project for h in hits)
    table = {"documents": "documents", "keyword": "documents", "hybrid_documents": "documents",
             "context_rules": "context_rules", "hybrid_context_rules": "context_rules"}.get(op.kind, "prompts")
    for h in hits:
        similarity = getattr(h, "similarity", None)
        if similarity is not None:
            assert math.isfinite(similarity), f"{op.kind} returned similarity {similarity}"
            stored = embeddings.get((table, h.id))
            if stored is not None:
                assert similarity == pytest.approx(expected_similarity(op.query, stored), abs=1e-4)
    order = {"keyword": "rank", "hybrid_documents": "score", "hybrid_context_rules": "score"}.get(op.kind, "similarity")
    ranked = [getattr(h, order) for h in hits]
    assert all(isinstance(r, float) and math.isfinite(r) for r in ranked), ranked
    assert ranked == sorted(ranked, reverse=True)


SQL_SEARCHES = {
    "search_documents": "SELECT similarity FROM agent_loggy.search_documents(%s::vector, 'default', 5)",
    "hybrid_search_documents":
        "SELECT similarity FROM agent_loggy.hybrid_search_documents('payment card', %s::vector, 'default', 5)",
    "search_context_rules": "SELECT similarity FROM agent_loggy.search_context_rules(%s::vector, 'default', 5)",
    "hybrid_search_context_rules":
        "SELECT similarity FROM agent_loggy.hybrid_search_context_rules('payment', %s::vector, 'default', 5)",
    "search_prompts": "SELECT similarity FROM agent_loggy.search_prompts(%s::vector, 'default', 5)",
}
VECTOR_TEXTS = ("", "[", "]", "[]", "[1,", "[1 2]", "[,]", "[1,,2]", "[1e39]", "[-nan]", "[NaN]", "[Infinity]",
                "[0x10]", "['1']", "[1]x", "{1,2}", " [1] ", "[" + "1," * 16_000 + "1]", "[" + "1," * 383 + "1e-46]")


def vector_text(values: list[float]) -> str:
    return "[" + ",".join(repr(v) for v in values) + "]"  # nan / inf as Python writes them


@settings(HOSTILE, max_examples=100)
@given(text=weighted(
    (4, st.one_of(plain_vectors, st.builds(_with_specials, plain_vectors, st.lists(st.tuples(
        st.integers(0, DIM - 1), SPECIALS), min_size=1, max_size=3))).filter(cosine_is_reliable).map(vector_text)),
    (1, st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=40).map(vector_text)),
    (2, st.sampled_from(VECTOR_TEXTS)), (1, hostile_text)))
@example(text="[" + ",".join(["0"] * DIM) + "]")
def test_sql_search_functions_take_any_vector_text_as_a_vector_or_refuse_it_as_bad_data(
        conn: Conn, embeddings: Embeddings, text: str) -> None:
    """The search functions called in SQL with a vector literal of any text: rows with finite
    similarities in [-1, 1], or a data exception (class 22; 54000 for more than 16000
    dimensions), never an internal error."""
    for name, query in SQL_SEARCHES.items():
        def run(query: str = query) -> list[float | None]:
            with translated_errors():
                return [r[0] for r in conn.execute(query, (text,)).fetchall()]
        similarities = attempt(conn, run, writes=False)
        if isinstance(similarities, AgentLoggyError):
            assert isinstance(similarities, DatabaseError), similarities
            state = similarities.sqlstate or ""
            refused_before_sending = not state and isinstance(similarities, InvalidInput)  # NUL, surrogate
            assert refused_before_sending or state[:2] == "22" or state == "54000", (name, similarities)
        else:
            assert all(s is not None and -1.0001 <= s <= 1.0001 for s in similarities), (name, similarities)


# CSV imports -----------------------------------------------------------------------------------


def csv_line(cells: Sequence[str], quote_all: bool) -> str:
    def cell(v: str) -> str:
        if quote_all or any(c in v for c in ',"\r\n') or v != v.strip():
            return '"' + v.replace('"', '""') + '"'
        return v
    return ",".join(cell(v) for v in cells)


def csv_columns(fmt: CsvFormat) -> list[st.SearchStrategy[str]]:
    """A strategy per column of fmt: plausible values, injection payloads, text PostgreSQL cannot hold."""
    if fmt is CONTEXT_RULES:
        return [weighted((2, st.sampled_from(["payments", "kyc", "health checks"])), (1, st.uuids().map(str)),
                         (2, texts)),
                *[st.one_of(st.sampled_from(["", "amount, payment_id"]), texts)] * 3]
    return [weighted((2, st.sampled_from(["service", "path", "level"])),
                     (3, st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True)), (1, texts)),
            weighted((6, st.sampled_from(["=", "!=", "=~", "!~"])), (1, texts)),
            st.one_of(st.sampled_from(["healthcheck", "/metrics.*", ""]), texts)]


@st.composite
def csv_files(draw: st.DrawFn, fmt: CsvFormat) -> bytes:
    """A CSV file of fmt: a (usually right) header, rows of hostile or plausible cells, sometimes broken."""
    column = csv_columns(fmt)
    header = draw(st.one_of(st.just(list(fmt.columns)), st.just(list(fmt.columns)),
                            st.just([c.upper() + " " for c in fmt.columns]), st.lists(hostile_text, max_size=4)))
    rows = draw(st.lists(st.tuples(*column).map(list), max_size=5))
    for row in rows:  # sometimes a cell too many or too few
        change = draw(st.sampled_from(["keep"] * 12 + ["drop", "add"]))
        if change == "drop":
            row.pop()
        elif change == "add":
            row.append(draw(texts))
    bad = draw(poisons)
    if bad is not None and rows and rows[0]:
        rows[0][draw(st.integers(0, len(rows[0]) - 1))] = bad
    quote_all = draw(st.booleans())
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(csv_line(r, quote_all) for r in [header, *rows]) + newline
    text += draw(st.sampled_from(["", "", "", "", "\n\n", '"unterminated\n', 'a"b,c\n', "\x00\n"]))
    data = text.encode("utf-8", "surrogatepass")
    return draw(st.sampled_from([b"", b"", b"\xef\xbb\xbf", b"\xef\xbb\xbf", b"\xff"])) + data


def check_imported(conn: Conn, configs: Configs, fmt: CsvFormat, rows: list[dict[str, Any]], project: str,
                   deactivate_missing: bool) -> None:
    """Every imported row is the current version; with deactivate_missing nothing else is."""
    if fmt is CONTEXT_RULES:
        current = {r.context: (r.important, r.ignore, r.description)
                   for r in configs.context_rules(project, conn=conn)}
        wanted = {r["context"]: tuple(r[c] or None for c in ("important", "ignore", "description")) for r in rows}
        assert {k: current.get(k) for k in wanted} == wanted
        assert current.keys() == wanted.keys() if deactivate_missing else current.keys() >= wanted.keys()
    else:
        keys = {(k.label, k.operator, k.value) for k in configs.negate_keys(project, conn=conn)}
        file_keys = {(r["label"], r["operator"], r["value"]) for r in rows}
        assert keys == file_keys if deactivate_missing else keys >= file_keys


@settings(HOSTILE, max_examples=150)
@given(fmt=st.sampled_from([CONTEXT_RULES, NEGATE_KEYS]), data=st.data(), project=projects,
       deactivate_missing=st.booleans(), actor=optional_text, summary=optional_text)
def test_csv_imports_write_every_row_or_nothing(
        tmp_path: Path, pool: ConnectionPool, conn: Conn, fmt: CsvFormat, data: st.DataObject, project: str,
        deactivate_missing: bool, actor: str | None, summary: str | None) -> None:
    path = tmp_path / "hostile.csv"
    path.write_bytes(data.draw(csv_files(fmt)))
    rows = attempt(conn, lambda: read_rows(path, fmt), writes=False)
    if isinstance(rows, AgentLoggyError):
        assert isinstance(rows, ImportFailed) and rows.problems
        return
    result = attempt(conn, lambda: import_rows(conn, fmt, rows, project=project, deactivate_missing=deactivate_missing,
                                               actor=actor, summary=summary))
    if isinstance(result, AgentLoggyError):
        return
    assert result.created + result.updated + result.unchanged == len(rows)
    check_imported(conn, Configs(pool), fmt, rows, project, deactivate_missing)
    logql = attempt(conn, lambda: Configs(pool).loki_negations(project), writes=False)
    assert isinstance(logql, str)


ANY_COLUMN = ("context", "important", "ignore", "description", "label", "operator", "value", "extra")


@st.composite
def csv_batches(draw: st.DrawFn) -> tuple[CsvFormat, list[dict[str, Any]]]:
    """A format and rows for import_rows: mostly well-formed rows of plausible or hostile values, some
    of any shape (missing or extra columns, non-string values, odd line numbers)."""
    fmt = draw(st.sampled_from([CONTEXT_RULES, NEGATE_KEYS]))
    rows: list[dict[str, Any]] = []
    for line in range(1, draw(st.integers(0, 4)) + 1):
        if draw(st.integers(0, 4)) == 0:
            rows.append(draw(st.fixed_dictionaries(
                {"line": st.one_of(st.integers(1, 50), st.sampled_from([0, -1, 2**31, 2**63, 10**100, HUGE]))},
                optional={c: st.one_of(st.just(""), st.integers(), st.none(), texts) for c in ANY_COLUMN})))
        else:
            values = draw(st.tuples(*csv_columns(fmt)))
            rows.append({"line": line, **dict(zip(fmt.columns, values, strict=True))})
    bad = draw(poisons)
    if bad is not None and rows:
        rows[-1][draw(st.sampled_from(fmt.columns))] = bad
    return fmt, rows


@settings(HOSTILE, max_examples=100)
@given(batch=csv_batches(), project=projects, deactivate_missing=st.booleans())
@example(batch=(CONTEXT_RULES, [{"line": 1, "context": "c", "important": "\x00", "ignore": "", "description": ""}]),
         project="default", deactivate_missing=False)
@example(batch=(NEGATE_KEYS, [{"line": 1, "label": "service", "operator": "!=", "value": "\ud83d\ude00"}]),
         project="default", deactivate_missing=True)
def test_import_rows_given_rows_directly_writes_all_or_nothing(
        pool: ConnectionPool, conn: Conn, batch: tuple[CsvFormat, list[dict[str, Any]]], project: str,
        deactivate_missing: bool) -> None:
    fmt, rows = batch
    result = attempt(conn, lambda: import_rows(conn, fmt, rows, project=project,
                                               deactivate_missing=deactivate_missing, actor="alice"))
    if any(not storable(v) for r in rows for v in r.values() if isinstance(v, str)):
        assert isinstance(result, InvalidInput), result  # refused, not stored as something else
    if isinstance(result, AgentLoggyError):
        return
    assert result.created + result.updated + result.unchanged == len(rows)
    check_imported(conn, Configs(pool), fmt, rows, project, deactivate_missing)


# JSONL documents ---------------------------------------------------------------------------------

RAW_LINES = (b"", b"   ", b"not json", b"[]", b"null", b"42", b'"s"', b"{", b"\xff\xfe{}", b"[" * 100_000,
             b'{"external_id": "n", "content": NaN}', b'{"external_id": "e", "content": "x", "extra": 1}',
             b'{"external_id": 1' + b"0" * 5000 + b', "content": "x"}', b'{"external_id": "z", "content": "x"}\r',
             b'{"external_id": "big", "content": "x", "embedding": [' + b", ".join([b"1" + b"0" * 400] * DIM) + b"]}")
document_vectors = st.one_of(
    plain_vectors, st.builds(_with_specials, plain_vectors,
                             st.lists(st.tuples(st.integers(0, DIM - 1), SPECIALS), min_size=1, max_size=2)),
    st.sampled_from([[], [0.0] * DIM, [1.0] * (DIM + 1), [10**400] * DIM, [2**70] * DIM, ["1"] * DIM, [None] * DIM]),
)
document_fields: dict[str, st.SearchStrategy[Any]] = {
    "title": weighted((2, st.none()), (5, texts), (1, st.integers())),
    "tags": weighted((2, st.none()), (5, st.lists(st.one_of(st.sampled_from(["a", "runbook"]), texts), max_size=3)),
                     (1, texts)),
    "metadata": weighted((2, st.none()), (5, json_objects), (1, st.lists(st.integers(), max_size=2)), (1, texts)),
    "embedding": weighted((3, st.none()), (3, plain_vectors), (1, document_vectors)),
}
EXTERNAL_IDS = ("doc-1", "doc-2", "doc-3", "doc-4", "doc-5", "doc-6")


@st.composite
def jsonl_files(draw: st.DrawFn) -> bytes:
    """A JSONL file: mostly document objects with hostile field values, some lines of any bytes."""
    lines = []
    for _ in range(draw(st.integers(0, 4))):
        if draw(st.integers(0, 7)) == 0:
            lines.append(draw(st.sampled_from(RAW_LINES)))
            continue
        record = {
            "external_id": draw(weighted((6, st.sampled_from(EXTERNAL_IDS)), (1, st.integers(-(10**30), 10**30)),
                                         (2, texts), (1, st.none()))),
            "content": draw(weighted((3, st.just("payment gateway timeout")), (5, texts), (1, st.none()))),
            **draw(st.fixed_dictionaries({}, optional=document_fields)),
        }
        bad = draw(poisons)
        if bad is not None:
            field = draw(st.sampled_from(["external_id", "content", "title", "tags", "metadata"]))
            record[field] = [bad] if field == "tags" else {bad: bad} if field == "metadata" else bad
        text = json.dumps(record, ensure_ascii=draw(st.booleans()))
        lines.append(text.encode("utf-8", "surrogatepass"))
    return draw(st.sampled_from([b"", b"\xef\xbb\xbf"])) + draw(st.sampled_from([b"\n", b"\r\n"])).join(lines)


Snapshot = dict[str, tuple[str | None, str, str | None]]


def document_snapshot(conn: Conn, project: str, source: str) -> Snapshot:
    """external_id -> (title, content, embedding as text) of the documents of project / source."""
    if not all_storable(project, source):
        return {}
    rows = conn.execute("SELECT external_id, title, content, embedding::text FROM agent_loggy.documents"
                        " WHERE project = %s AND source = %s", (project, source)).fetchall()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def check_documents(conn: Conn, records: list[DocumentRecord], project: str, source: str, before: Snapshot) -> None:
    """Each record is stored as given; its embedding too, except in the one case kept out (see below)."""
    for r in records:
        row = conn.execute(
            "SELECT title, content, tags, metadata, embedding IS NULL FROM agent_loggy.documents"
            " WHERE project = %s AND source = %s AND external_id = %s", (project, source, r.external_id)).fetchone()
        assert row is not None, r.external_id
        assert (row[0], row[1], row[2]) == (r.title, r.content, list(r.tags))
        assert json_equal(row[3], dict(r.metadata))
        if r.embedding is None:
            continue
        sent = conn.execute("SELECT %s::text::vector::text", (as_vector(r.embedding).to_text(),)).fetchone()
        prior = before.get(r.external_id)
        # SQL-side: a load that changes a document's text and brings the embedding already stored
        # loses it (clear_stale_embedding cannot tell "the same" from "none given"). Kept out.
        dropped = prior is not None and prior[:2] != (r.title, r.content) and sent is not None and prior[2] == sent[0]
        if not dropped:
            assert row[4] is False, f"the embedding of {r.external_id!r} was not stored"


@settings(HOSTILE, max_examples=150)
@given(data=jsonl_files(), project=projects, source=weighted((3, st.just("manual")), (1, names)))
@example(data=b'{"external_id": "big", "content": "x", "embedding": [' + b", ".join([b"1" + b"0" * 400] * DIM) + b"]}",
         project="default", source="manual")
@example(data=b'{"external_id": "\'; DROP TABLE agent_loggy.documents; --", "content": "$$ %s \\\\ %(x)s"}',
         project="default", source="x'); --")
def test_jsonl_loads_every_document_or_nothing(tmp_path: Path, conn: Conn, data: bytes, project: str,
                                               source: str) -> None:
    path = tmp_path / "hostile.jsonl"
    path.write_bytes(data)
    records = JsonlDocuments(path)
    staged: list[DocumentRecord] = []
    before = document_snapshot(conn, project, source)
    result = attempt(conn, lambda: load_documents(conn, records, project=project, source=source,
                                                  on_row=staged.append, read_problems=lambda: records.problems))
    if isinstance(result, AgentLoggyError):
        if records.problems:
            assert isinstance(result, ImportFailed)
        return
    assert not records.problems
    assert result.inserted + result.updated + result.unchanged == len(staged)
    check_documents(conn, staged, project, source, before)


document_records = st.builds(
    DocumentRecord,
    line=weighted((6, st.integers(1, 10)), (1, st.sampled_from([0, -1, 2**62, 2**63, -(2**63) - 1]))),
    external_id=weighted((3, st.sampled_from(["r-1", "r-2", "r-3", "r-4"])), (1, texts)),
    content=weighted((1, st.just("refund batch")), (2, texts)),
    title=optional_text,
    tags=st.lists(st.one_of(st.just("a"), st.just("runbook"), texts), max_size=3),
    metadata=weighted((3, st.just({})), (6, json_objects), (1, st.sampled_from(
        [{"b": b"bytes"}, {"s": {1, 2}}, {"n": HUGE}, {"deep": _nested(5000)}, {"self": _cyclic()}]))),
    # huge Python ints (OverflowError -> InvalidInput) are covered by test_search.py
    embedding=weighted((3, st.none()), (3, plain_vectors), (1, query_vectors.filter(lambda v: not isinstance(v, str)))),
)


DOCUMENT_TEXT_FIELDS = ("external_id", "title", "content", "tags", "metadata")


@settings(HOSTILE, max_examples=100)
# Records with one line number and one external_id pass staged_document_problems (it finds
# duplicates by line) and then either fail the upsert or keep one of them (SQL-side): kept out.
@given(records=st.lists(document_records, max_size=3, unique_by=lambda r: r.line), project=projects,
       source=weighted((3, st.just("manual")), (1, names)),
       poison=weighted((2, st.none()), (1, st.tuples(st.sampled_from(DOCUMENT_TEXT_FIELDS), hostile_text))))
@example(records=[DocumentRecord(1, "r-1", "x \ud800")], project="default", source="manual", poison=None)
@example(records=[DocumentRecord(1, "r-1", "x", metadata={"\ud83d\ude00": "two lone surrogates"})],
         project="default", source="manual", poison=None)
@example(records=[DocumentRecord(1, "r-1", "x", metadata={"k": math.nan})], project="default", source="manual",
         poison=None)
@example(records=[DocumentRecord(2**63, "r-1", "x")], project="default", source="manual", poison=None)
@example(records=[DocumentRecord(1, "r-1", "x", metadata={"b": b"bytes", "n": HUGE})], project="default",
         source="manual", poison=None)
@example(records=[DocumentRecord(1, "r-1", "x", metadata={"deep": _nested(5000), "self": _cyclic()})],
         project="default", source="manual", poison=None)
def test_load_documents_given_records_directly_writes_all_or_nothing(
        conn: Conn, records: list[DocumentRecord], project: str, source: str, poison: tuple[str, str] | None) -> None:
    if poison is not None and records:
        field, bad = poison
        value: Any = [bad] if field == "tags" else {bad: bad} if field == "metadata" else bad
        records = [*records[:-1], dataclasses.replace(records[-1], **{field: value})]
    before = document_snapshot(conn, project, source)
    result = attempt(conn, lambda: load_documents(conn, records, project=project, source=source))
    fields = [(r.external_id, r.title, r.content, r.tags, dict(r.metadata)) for r in records]
    if not all(storable(text) for text in strings_of(fields)):
        assert isinstance(result, InvalidInput), result  # refused, not stored as something else
    if isinstance(result, AgentLoggyError):
        return
    assert result.inserted + result.updated + result.unchanged == len(records)
    check_documents(conn, records, project, source, before)


def test_a_document_too_big_for_full_text_search_is_a_typed_error_and_writes_nothing(conn: Conn) -> None:
    """About 850 kB of distinct words passes the 1 MB check of staged_document_problems but not
    to_tsvector's limit (SQL-side): a DatabaseError rather than a problem by line, and nothing is written."""
    words = " ".join(f"w{i}" for i in range(120_000))
    result = attempt(conn, lambda: load_documents(conn, [DocumentRecord(1, "huge", words)], project="default",
                                                  source="manual"))
    assert isinstance(result, DatabaseError)
