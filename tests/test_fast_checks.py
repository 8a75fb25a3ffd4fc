"""Migration 0013's cheaper checks: the validators accept exactly what the counted patterns of 0002
accepted, check_labels' shortcut returns what its query returns, and touch_updated_at is told
every generated column of the tables it serves."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

Conn = psycopg.Connection[Any]

PATTERNS_OF_0002 = {
    "is_valid_project": "^[a-z0-9][a-z0-9_.-]{0,62}$",
    "is_valid_name": "^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$",
    "is_valid_loki_label": "^[A-Za-z_][A-Za-z0-9_]{0,127}$",
}
LABEL_OF_0002 = "^[a-z0-9_.-]{1,36}$"

_near_valid = st.text(alphabet="aZ09_.-:/ \n\té", max_size=140)
_at_the_bounds = st.builds(lambda c, n, tail: c * n + tail, st.sampled_from("az09_.-Z"),
                           st.sampled_from([0, 1, 35, 36, 37, 62, 63, 64, 127, 128, 129]),
                           st.sampled_from(["", "-", "\n"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.one_of(_near_valid, _at_the_bounds), min_size=1, max_size=20))
@example(values=["a" * 63, "a" * 64, "a" * 128, "a" * 129, "a" * 36, "a" * 37, "", "latest", "x\n"])
def test_validators_accept_exactly_what_0002_accepted(conn: Conn, values: list[str]) -> None:
    checks = ", ".join(f"bool_and(agent_loggy.{f}(v) IS NOT DISTINCT FROM (v ~ %s))" for f in PATTERNS_OF_0002)
    row = conn.execute(
        f"SELECT {checks}, bool_and(agent_loggy.invalid_labels(ARRAY[v]) = "
        "  CASE WHEN v !~ %s OR v = 'latest' THEN ARRAY[v] ELSE '{}' END) FROM unnest(%s::text[]) AS v",
        (*PATTERNS_OF_0002.values(), LABEL_OF_0002, values)).fetchone()
    assert row == (True,) * (len(PATTERNS_OF_0002) + 1)


@pytest.mark.parametrize(("labels", "stored"), [
    ("{}", "{}"),
    ("{production}", "{production}"),
    ("{staging,production,staging}", "{production,staging}"),
    ("[2:2]={beta}", "{beta}"),
    ("{{beta}}", "{beta}"),
])
def test_check_labels_returns_what_its_query_returns(conn: Conn, labels: str, stored: str) -> None:
    got = conn.execute("SELECT agent_loggy.check_labels('prompts', 'x', %s::text[])::text", (labels,)).fetchone()
    assert got == (stored,)


@pytest.mark.parametrize(("labels", "message"), [
    ("{latest}", "reserved"),
    ("{Production}", "invalid label 'Production'"),
    ("{NULL}", "invalid label NULL"),
    ("{" + "a" * 37 + "}", "invalid label"),
])
def test_check_labels_shortcut_refuses_what_the_query_refuses(conn: Conn, labels: str, message: str) -> None:
    with pytest.raises(psycopg.errors.CheckViolation, match=message):
        conn.execute("SELECT agent_loggy.check_labels('prompts', 'x', %s::text[])", (labels,))


def test_touch_updated_at_leaves_out_every_generated_column(conn: Conn) -> None:
    rows = conn.execute("""
        SELECT c.relname, array_agg(a.attname::text ORDER BY a.attname) FILTER (WHERE a.attname IS NOT NULL),
               (SELECT array_agg(x ORDER BY x) FROM unnest(string_to_array(encode(t.tgargs, 'escape'), '\\000')) AS x
                WHERE x <> '')
        FROM pg_trigger AS t
        JOIN pg_class AS c ON c.oid = t.tgrelid
        LEFT JOIN pg_attribute AS a ON a.attrelid = t.tgrelid AND a.attgenerated <> '' AND NOT a.attisdropped
        WHERE t.tgname = 't90_touch_updated_at'
        GROUP BY c.relname, t.tgargs ORDER BY 1""").fetchall()
    assert [r[0] for r in rows] == ["context_rules", "documents", "embedding_configs", "model_configs",
                                    "negate_keys", "prompts"]
    assert all(generated == args for _, generated, args in rows), rows
    assert dict((r[0], r[1]) for r in rows)["documents"] == ["keyword_frequencies", "search_vector"]

