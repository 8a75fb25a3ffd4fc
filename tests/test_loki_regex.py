"""Regexes of `=~` / `!~` negate keys: RE2 checks them in Python; agent_loggy.loki_regex_problem()
refuses, in SQL, only patterns RE2 refuses too (so any client's import is refused the plainly
broken ones, and no valid Loki regex is ever refused by the database)."""

from __future__ import annotations

import itertools

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent_loggy_db.importers.loki_regex import re2_error, regex_problems
from tests.conftest import RoleUrl
from tests.test_prompt_sql import Conn

VALID = [  # Loki regexes as people write them, several of which PostgreSQL's own regexes refuse
    "", "/metrics.*", "(?i)health.*", r"\d+\.\d+", "(?P<route>/api/v[0-9]+)/.*", "(?<name>x)", r"\pL+", r"\p{Greek}",
    "[[:alpha:]]+", "[]a]", "[^]a]", "[[:alpha:](]", r"\Q(literal\E", r"\Q(", r"\12", r"\0", "a(?i)b", r"\z", "a*?",
    "a??", "^*", "$*", "(?)", "x{2,3}", "a{,3}", "|", "()", "kube-probe/.*|GoogleHC/.*",
]

REFUSED_BY_BOTH = [  # (pattern, what import_problems says); RE2's own words are in its message
    ("(", "missing )"), ("/metrics(", "missing )"), ("(?:", "missing )"), ("a)", "unexpected )"),
    ("[a", "missing ]"), ("[]", "missing ]"), ("[^]", "missing ]"), ("[[:alpha:]", "missing ]"),
    ("a\\", "trailing \\"), ("*a", "no argument for repetition operator: *"),
    ("a|*", "no argument for repetition operator: *"), ("(+)", "no argument for repetition operator: +"),
    (r"\Q\E*", "no argument for repetition operator: *"), ("a**", "bad repetition operator: **"),
    ("a*?*", "bad repetition operator: *?*"), ("a???", "bad repetition operator: ???"),
    ("a++", "bad repetition operator: ++"), (r"(a)\1", "invalid escape sequence: \\1"),
    (r"\8", "invalid escape sequence: \\8"), ("(?=x)", "invalid perl operator: (?="),
    ("(?!x)", "invalid perl operator: (?!"), ("(?<=x)", "invalid perl operator: (?<="),
    ("(?<!x)", "invalid perl operator: (?<!"),
]

REFUSED_BY_RE2_ONLY = ["x{1001}", r"\Z", "[z-a]", "[[:foo:]]", "(?P=n)", "a{2}*", "(?i)*", r"[\Q]"]


def sql_problems(conn: Conn, patterns: list[str]) -> list[str | None]:
    rows = conn.execute("SELECT agent_loggy.loki_regex_problem(p) FROM unnest(%s::text[]) WITH ORDINALITY AS t(p, n)"
                        " ORDER BY n", (patterns,)).fetchall()
    return [r[0] for r in rows]


def test_re2_accepts_loki_regexes_and_gives_its_reason_for_the_others() -> None:
    assert [p for p in VALID if re2_error(p) is not None] == []
    assert re2_error("/metrics(") == "missing ): /metrics("
    assert re2_error("x{1001}") == "invalid repetition size: {1001}"
    assert re2_error(r"(?=x)") == "invalid perl operator: (?="


def test_re2_logs_nothing_to_stderr(capfd: pytest.CaptureFixture[str]) -> None:
    assert re2_error("(") is not None
    assert capfd.readouterr().err == ""


def test_the_database_refuses_the_plainly_broken_and_accepts_every_loki_regex(conn: Conn) -> None:
    assert sql_problems(conn, VALID) == [None] * len(VALID)
    assert sql_problems(conn, [p for p, _ in REFUSED_BY_BOTH]) == [reason for _, reason in REFUSED_BY_BOTH]
    assert all(re2_error(p) is not None for p, _ in REFUSED_BY_BOTH)
    assert sql_problems(conn, REFUSED_BY_RE2_ONLY) == [None] * len(REFUSED_BY_RE2_ONLY)
    assert all(re2_error(p) is not None for p in REFUSED_BY_RE2_ONLY)


ALPHABET = "()[]\\*+?|:aQE1=<^"


def test_an_admin_cannot_store_a_broken_regex_by_plain_insert_or_update(role_url: RoleUrl) -> None:
    """Writers reach negate keys only through the import functions; admins write the table directly."""
    with psycopg.connect(role_url("agent_loggy_admin")) as c:
        c.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        with pytest.raises(psycopg.errors.CheckViolation) as info:
            c.execute("INSERT INTO agent_loggy.negate_keys (project, label, operator, value, version) "
                      "VALUES ('default', 'service', '=~', 'pay(ment', 1)")
        assert info.value.diag.constraint_name == "negate_keys_regex_check"
        assert "'pay(ment'" in str(info.value) and "Loki" in str(info.value)
        c.rollback()
        c.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        c.execute("INSERT INTO agent_loggy.negate_keys (project, label, operator, value, version) "
                  "VALUES ('default', 'service', '=', 'pay(ment', 1)")  # a plain value may hold anything
        with pytest.raises(psycopg.errors.CheckViolation):
            c.execute("UPDATE agent_loggy.negate_keys SET operator = '!~' WHERE value = 'pay(ment'")
        c.rollback()


def test_every_short_pattern_the_database_refuses_re2_refuses(conn: Conn) -> None:
    """Every pattern of up to 4 characters over the characters that matter to the checks."""
    patterns = ["".join(p) for n in range(1, 5) for p in itertools.product(ALPHABET, repeat=n)]
    refused = [p for p, problem in zip(patterns, sql_problems(conn, patterns), strict=True) if problem is not None]
    assert len(refused) > 10_000
    assert [p for p in refused if re2_error(p) is None] == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(alphabet=ALPHABET + "{}0789,-.>!PpLdE$ é", min_size=5, max_size=24), min_size=200,
                max_size=200))
def test_every_longer_pattern_the_database_refuses_re2_refuses(conn: Conn, patterns: list[str]) -> None:
    refused = [p for p, problem in zip(patterns, sql_problems(conn, patterns), strict=True) if problem is not None]
    assert [p for p in refused if re2_error(p) is None] == []


def test_regex_problems_name_the_line_or_the_row_position() -> None:
    rows = [
        {"line": 2, "label": "path", "operator": "!~", "value": "/metrics("},
        {"line": 3, "label": "path", "operator": "!=", "value": "("},  # not a regex operator
        {"line": 4, "label": "msg", "operator": "=~", "value": r"it's \d+ [z-a]"},
        {"label": "x", "operator": "=~", "value": "("},  # no line: import_problems names it row 4
        {"line": 6, "label": "x", "operator": "=~", "value": 5},  # not text: import_problems reports it
    ]
    assert regex_problems(rows) == [
        "line 2: invalid regular expression '/metrics(' for label 'path': missing ): /metrics(:"
        " expected RE2 syntax, as Loki uses",
        r"line 4: invalid regular expression 'it''s \d+ [z-a]' for label 'msg': invalid character class range: z-a:"
        " expected RE2 syntax, as Loki uses",
        "row 4: invalid regular expression '(' for label 'x': missing ): (: expected RE2 syntax, as Loki uses",
    ]
