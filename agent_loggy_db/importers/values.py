"""Checks that imported values fit PostgreSQL, shared by the JSONL and FAISS importers, and the
jsonb parameter every importer sends.

Each check raises ValueError saying what is wrong and what was expected, so the importer can
report it against the line or position it came from instead of failing the whole COPY later.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

DIMENSIONS = 384
FLOAT32_MAX = 3.4028234663852886e38
NORM_MIN, NORM_MAX = 1e-18, 1e19
"""The norms agent_loggy.is_searchable_vector() accepts: pgvector's single-precision cosine overflows
above (NaN distances) and underflows to a zero norm below."""
JSON_NODES = 100_000
JSON_DEPTH = 64


def pg_text(name: str, value: str) -> str:
    """value when PostgreSQL text can hold it: no NUL character, no lone UTF-16 surrogate."""
    if "\x00" in value:
        raise ValueError(f"{name} contains a NUL character, which PostgreSQL text cannot hold")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"{name} contains a lone surrogate (\\ud800-\\udfff): expected valid Unicode text") from None
    return value


def pg_json(name: str, value: Any) -> Any:
    """A plain copy of value as jsonb can hold it, checked node by node.

    Refuses NaN and infinite numbers, non-text keys, text pg_text refuses, nesting deeper than
    JSON_DEPTH and more than JSON_NODES values in all (a small pickle can share one list many
    times over, which would expand without bound).
    """
    budget = [JSON_NODES]

    def copy(item: Any, depth: int) -> Any:
        budget[0] -= 1
        if budget[0] < 0:
            raise ValueError(f"{name} holds more than {JSON_NODES} values: expected a small JSON object")
        if depth > JSON_DEPTH:
            raise ValueError(f"{name} is nested more than {JSON_DEPTH} levels deep")
        if item is None or isinstance(item, bool):
            return item
        if isinstance(item, int | float):
            if isinstance(item, float) and not math.isfinite(item):
                raise ValueError(f"{name} holds {item}: JSON numbers must be finite")
            if abs(item) > sys.float_info.max:
                raise ValueError(f"{name} holds an integer beyond double precision: JSON numbers must fit a double")
            return item
        if isinstance(item, str):
            return pg_text(name, item)
        if isinstance(item, list | tuple):
            return [copy(v, depth + 1) for v in item]
        if isinstance(item, dict):
            if not all(isinstance(k, str) for k in item):
                raise ValueError(f"{name} has a key that is not text: expected a JSON object")
            return {pg_text(name, k): copy(v, depth + 1) for k, v in item.items()}
        raise ValueError(f"{name} holds a {type(item).__name__}: expected JSON values only")

    return copy(value, 0)


def pg_vector(name: str, value: Sequence[Any]) -> list[float]:
    """value as 384 finite float32-sized numbers."""
    if not all(isinstance(x, int | float) and not isinstance(x, bool) for x in value):
        raise ValueError(f"{name} holds values that are not numbers: expected an array of {DIMENSIONS} numbers")
    if len(value) != DIMENSIONS:
        raise ValueError(f"{name} has {len(value)} dimensions: expected {DIMENSIONS}")
    try:
        floats = [float(x) for x in value]
    except OverflowError:  # an int beyond float64
        raise ValueError(f"{name} contains a number beyond float32: expected finite numbers") from None
    if not all(math.isfinite(x) and abs(x) <= FLOAT32_MAX for x in floats):
        raise ValueError(f"{name} contains NaN, infinity or a number beyond float32: expected finite numbers")
    check_norm(name, math.hypot(*floats))  # in C, scaled against overflow
    return floats


def check_norm(name: str, norm: float) -> None:
    """Refuse a vector whose norm (e.g. math.hypot(*floats)) lies outside NORM_MIN .. NORM_MAX: no cosine
    distance can be computed for it."""
    if norm == 0:
        raise ValueError(f"{name} is all zeros: cosine similarity is undefined for it")
    if not NORM_MIN <= norm <= NORM_MAX:
        raise ValueError(f"{name} has norm {norm:.3g}: expected a norm between {NORM_MIN:g} and {NORM_MAX:g} "
                         "(single-precision cosine overflows beyond)")


def _dumps(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError) as exc:  # not JSON, an int of >4300 digits, too deep
        raise psycopg.DataError(f"not a JSON value: {exc}") from None


def jsonb(value: Any) -> Jsonb:
    """value as a jsonb parameter, for the importers.

    Text is sent as it is, not as \\u escapes, so that text PostgreSQL cannot hold is refused as in a
    text column (a lone surrogate: InvalidInput through translated_errors) instead of two of them
    silently becoming one other character; a value json cannot write raises psycopg.DataError
    (InvalidInput through translated_errors), not TypeError / ValueError / RecursionError.
    """
    return Jsonb(value, dumps=_dumps)
