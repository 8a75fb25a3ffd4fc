"""CSV imports: checked first and whole, written as new versions, recorded in the changelog."""

from __future__ import annotations

import csv
import json
import threading
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest

from agent_loggy_db import ImportFailed, ImportResult, InvalidInput, bind_transaction
from agent_loggy_db.importers import (
    CONTEXT_RULES,
    NEGATE_KEYS,
    CsvFormat,
    import_file,
    import_rows,
    read_file,
    read_rows,
)

Conn = psycopg.Connection[Any]

SAMPLES = Path(__file__).resolve().parent.parent / "docs" / "samples"

RULES = (
    "context,important,ignore,description\n"
    "payments,\"payment_id, amount\",health probes,Card and wallet payments\n"
    "kyc,tier and limits,,\n"
    "health checks,,everything,Infrastructure noise\n"
)
KEYS = "label,operator,value\nservice,!=,healthcheck\npath,!~,/metrics.*\nlevel,!=,debug\n"


def write(tmp_path: Path, text: str | bytes, name: str = "file.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def run(conn: Conn, fmt: CsvFormat, path: Path, **options: Any) -> ImportResult:
    return import_rows(conn, fmt, read_rows(path, fmt), **{"actor": "importer", **options})


def state(conn: Conn) -> tuple[Any, ...]:
    """Everything an import may change: both tables and the changelog."""
    return (
        conn.execute("SELECT * FROM agent_loggy.context_rules ORDER BY id").fetchall(),
        conn.execute("SELECT * FROM agent_loggy.negate_keys ORDER BY id").fetchall(),
        conn.execute("SELECT count(*) FROM agent_loggy.config_changelog").fetchone(),
    )


def changelog(conn: Conn, config_type: str) -> list[tuple[Any, ...]]:
    return conn.execute(
        "SELECT change_type, config_name, new_version, changed_by, change_summary FROM agent_loggy.config_changelog"
        " WHERE config_type = %s ORDER BY id",
        (config_type,),
    ).fetchall()


def sql_import(conn: Conn, function: str, rows: list[Any], project: str = "default", deactivate: bool = False) -> Any:
    return conn.execute(
        f"SELECT * FROM agent_loggy.{function}(%s::jsonb, %s, %s)", (json.dumps(rows), project, deactivate)
    ).fetchone()


# SQL functions: what any client gets ------------------------------------------------------------


def test_sql_import_creates_version_one_and_maps_empty_strings_to_null(conn: Conn) -> None:
    rows = [{"line": 2, "context": "payments", "important": "payment_id", "ignore": "", "description": None}]
    assert sql_import(conn, "import_context_rules", rows) == (1, 0, 0, 0)
    assert conn.execute(
        "SELECT context, version, important, ignore, description, is_active FROM agent_loggy.context_rules"
    ).fetchall() == [("payments", 1, "payment_id", None, None, True)]


def test_sql_import_summary_has_readable_column_names(conn: Conn) -> None:
    cur = conn.execute("SELECT * FROM agent_loggy.import_negate_keys('[]')")
    assert [c.name for c in cur.description or []] == ["created", "updated", "unchanged", "deactivated"]


def test_import_problems_is_a_dry_run_listing_every_problem(conn: Conn) -> None:
    rows = [
        {"line": 2, "label": "ser-vice", "operator": "==", "value": "x"},
        {"line": 3, "label": "app", "operator": "!=", "value": "x" * 2001},
        {"label": "app", "operator": "!=", "value": 5, "extra": "y"},
        "not an object",
    ]
    row = conn.execute("SELECT agent_loggy.import_problems('negate_keys', %s)", (json.dumps(rows),)).fetchone()
    assert row is not None
    assert row[0] == [
        "line 2: invalid Loki label 'ser-vice': expected a label name matching [A-Za-z_][A-Za-z0-9_]*"
        " (at most 128 characters)",
        "line 2: invalid operator '==' for label 'ser-vice': expected one of =, !=, =~, !~",
        "line 3: value for label 'app' is 2001 bytes long: expected at most 2000",
        "row 3: line is missing: expected the positive whole line number the row came from",
        "row 3: unexpected column(s) extra: expected only label, operator, value",
        "row 3: value is the JSON number 5: expected a string",
        "row 4: a JSON string: expected an object with keys line, label, operator, value",
    ]
    assert conn.execute("SELECT count(*) FROM agent_loggy.negate_keys").fetchone() == (0,)


def test_context_rule_problems_name_missing_columns_and_bad_contexts(conn: Conn) -> None:
    rows = [
        {"line": 2, "context": "   ", "important": "", "ignore": "", "description": ""},
        {"line": 3, "context": "c" * 201, "important": "", "ignore": "", "description": ""},
        {"line": 4, "context": "kyc", "important": 1},
        {"line": 5, "context": None, "important": None, "ignore": None, "description": None},
    ]
    row = conn.execute("SELECT agent_loggy.import_problems('context_rules', %s)", (json.dumps(rows),)).fetchone()
    assert row is not None
    assert row[0] == [
        "line 2: invalid context '   ': expected 1-200 characters, not all blank",
        f"line 3: invalid context '{'c' * 40}'... (201 characters): expected 1-200 characters, not all blank",
        "line 4: missing column(s) ignore, description: expected context, important, ignore, description",
        "line 4: important is the JSON number 1: expected a string or null",
        "line 5: context is the JSON null null: expected a string",
    ]


@pytest.mark.parametrize("rows", ["{}", "null", "\"x\""])
def test_rows_that_are_not_an_array_are_refused(conn: Conn, rows: str) -> None:
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="expected a JSON array of objects"):
        conn.execute("SELECT agent_loggy.import_context_rules(%s::jsonb)", (rows,))


def test_sql_import_refuses_an_invalid_project_by_name(conn: Conn) -> None:
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="invalid project 'Not Valid'"):
        sql_import(conn, "import_negate_keys", [], project="Not Valid")


def test_a_negate_key_without_an_active_version_gets_the_next_version(conn: Conn) -> None:
    rows = [{"line": 2, "label": "service", "operator": "!=", "value": "healthcheck"}]
    assert sql_import(conn, "import_negate_keys", rows) == (1, 0, 0, 0)
    conn.execute("UPDATE agent_loggy.negate_keys SET is_active = false")
    assert sql_import(conn, "import_negate_keys", rows) == (0, 1, 0, 0)
    assert conn.execute(
        "SELECT version, is_active FROM agent_loggy.negate_keys ORDER BY version"
    ).fetchall() == [(1, False), (2, True)]
    assert sql_import(conn, "import_negate_keys", rows) == (0, 0, 1, 0)


def test_imports_are_per_project(conn: Conn) -> None:
    rows = [{"line": 2, "label": "service", "operator": "!=", "value": "healthcheck"}]
    assert sql_import(conn, "import_negate_keys", rows) == (1, 0, 0, 0)
    assert sql_import(conn, "import_negate_keys", rows, project="mfs") == (1, 0, 0, 0)
    assert sql_import(conn, "import_negate_keys", [], project="mfs", deactivate=True) == (0, 0, 0, 1)
    row = conn.execute("SELECT agent_loggy.loki_negations(), agent_loggy.loki_negations('mfs')").fetchone()
    assert row == ('service!="healthcheck"', "")


# Python importer: the same through a file -------------------------------------------------------


def test_import_twice_is_idempotent_and_writes_no_changelog(conn: Conn, tmp_path: Path) -> None:
    rules, keys = write(tmp_path, RULES, "rules.csv"), write(tmp_path, KEYS, "keys.csv")
    assert run(conn, CONTEXT_RULES, rules) == ImportResult(created=3, updated=0, unchanged=0, deactivated=0)
    assert run(conn, NEGATE_KEYS, keys) == ImportResult(created=3, updated=0, unchanged=0, deactivated=0)
    before = state(conn)
    assert run(conn, CONTEXT_RULES, rules) == ImportResult(created=0, updated=0, unchanged=3, deactivated=0)
    assert run(conn, NEGATE_KEYS, keys) == ImportResult(created=0, updated=0, unchanged=3, deactivated=0)
    assert state(conn) == before


def test_a_changed_row_becomes_a_new_version_logged_as_create(conn: Conn, tmp_path: Path) -> None:
    run(conn, CONTEXT_RULES, write(tmp_path, RULES))
    changed = RULES.replace("kyc,tier and limits,,", "kyc,tier and limits,selfie uploads,")
    result = run(conn, CONTEXT_RULES, write(tmp_path, changed), actor="alice", summary="ignore selfie uploads")
    assert result == ImportResult(created=0, updated=1, unchanged=2, deactivated=0)
    assert conn.execute(
        "SELECT version, ignore FROM agent_loggy.current_context_rules WHERE context = 'kyc'"
    ).fetchall() == [(2, "selfie uploads")]
    assert changelog(conn, "context_rule")[-1] == ("create", "kyc", 2, "alice", "ignore selfie uploads")
    assert len(changelog(conn, "context_rule")) == 4


def test_deactivate_missing_switches_off_keys_absent_from_the_file(conn: Conn, tmp_path: Path) -> None:
    run(conn, NEGATE_KEYS, write(tmp_path, KEYS))
    fewer = "label,operator,value\nservice,!=,healthcheck\n"
    kept = run(conn, NEGATE_KEYS, write(tmp_path, fewer))
    assert kept.deactivated == 0, "without the flag nothing is deactivated"
    result = run(conn, NEGATE_KEYS, write(tmp_path, fewer), deactivate_missing=True, summary="prune")
    assert result == ImportResult(created=0, updated=0, unchanged=1, deactivated=2)
    deactivations = [e for e in changelog(conn, "negate_key") if e[0] == "deactivate"]
    assert sorted(e[1] for e in deactivations) == ["level != debug", "path !~ /metrics.*"]
    assert all(e[3:] == ("importer", "prune") for e in deactivations)
    row = conn.execute("SELECT agent_loggy.loki_negations()").fetchone()
    assert row == ('service!="healthcheck"',)


def test_deactivate_missing_deactivates_every_active_version_of_a_missing_context(conn: Conn) -> None:
    for version in (1, 2):
        conn.execute("INSERT INTO agent_loggy.context_rules (context, version) VALUES ('old', %s)", (version,))
    rows = [{"line": 2, "context": "new", "important": "", "ignore": "", "description": ""}]
    assert sql_import(conn, "import_context_rules", rows, deactivate=True) == (1, 0, 0, 2)
    assert conn.execute("SELECT context FROM agent_loggy.current_context_rules").fetchall() == [("new",)]


def test_a_bad_row_refuses_the_whole_file_naming_the_line_and_value(conn: Conn, tmp_path: Path) -> None:
    run(conn, NEGATE_KEYS, write(tmp_path, KEYS))
    before = state(conn)
    bad = "label,operator,value\nservice,!=,healthcheck\nnew_one,!=,x\nservice-name,!=,x\nlevel,==,info\n"
    with pytest.raises(ImportFailed) as info:
        run(conn, NEGATE_KEYS, write(tmp_path, bad), deactivate_missing=True)
    assert info.value.problems == (
        "line 4: invalid Loki label 'service-name': expected a label name matching [A-Za-z_][A-Za-z0-9_]*"
        " (at most 128 characters)",
        "line 5: invalid operator '==' for label 'level': expected one of =, !=, =~, !~",
    )
    assert info.value.sqlstate == "22023"
    assert "cannot import negate keys: 2 problem(s) in 4 row(s), nothing was written" in str(info.value)
    assert "line 4: invalid Loki label 'service-name'" in str(info.value)
    assert isinstance(info.value, InvalidInput)
    assert state(conn) == before


def test_a_duplicate_key_names_both_lines(conn: Conn, tmp_path: Path) -> None:
    dup = RULES + "\"payments\",other,,\n"
    with pytest.raises(ImportFailed) as info:
        run(conn, CONTEXT_RULES, write(tmp_path, dup))
    assert info.value.problems == (
        "line 5: duplicate context 'payments' (already on line 2): expected each key once per file",
    )
    keys = KEYS + "service,!=,healthcheck\n"
    with pytest.raises(ImportFailed, match=r"line 5: duplicate negate key service != 'healthcheck' \(already on"):
        run(conn, NEGATE_KEYS, write(tmp_path, keys))
    logged = conn.execute("SELECT count(*) FROM agent_loggy.config_changelog "
                          "WHERE config_type IN ('context_rule', 'negate_key')")
    assert logged.fetchone() == (0,)


def test_problem_lines_survive_values_with_newlines(conn: Conn, tmp_path: Path) -> None:
    text = 'label,operator,value\nmsg,!~,"a\nb"\nmsg,!~,"a\nb"\n'
    with pytest.raises(ImportFailed) as info:
        run(conn, NEGATE_KEYS, write(tmp_path, text))
    assert info.value.problems == (
        "line 4: duplicate negate key msg !~ 'a\nb' (already on line 2): expected each key once per file",
    )


def test_a_value_that_looks_like_another_problem_stays_inside_its_own(conn: Conn, tmp_path: Path) -> None:
    text = 'label,operator,value\nmsg,!=,"x\nline 9: fine"\nmsg,!=,"x\nline 9: fine"\n'
    with pytest.raises(ImportFailed) as info:
        run(conn, NEGATE_KEYS, write(tmp_path, text))
    assert info.value.problems == (
        "line 4: duplicate negate key msg != 'x\nline 9: fine' (already on line 2): expected each key once per file",
    )
    assert str(info.value).startswith("cannot import negate keys: 1 problem(s) in 2 row(s), nothing was written")


def test_an_invalid_project_is_invalid_input_not_an_import_failure(conn: Conn, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="invalid project 'Bad'") as info:
        run(conn, NEGATE_KEYS, write(tmp_path, KEYS), project="Bad")
    assert not isinstance(info.value, ImportFailed)


def test_import_inside_the_callers_transaction_rolls_back_with_it(conn: Conn, tmp_path: Path) -> None:
    path = write(tmp_path, KEYS)
    with conn.transaction(force_rollback=True):
        bind_transaction(conn, summary="outer")
        assert run(conn, NEGATE_KEYS, path).created == 3
        assert conn.execute("SELECT count(*) FROM agent_loggy.negate_keys").fetchone() == (3,)
    assert conn.execute("SELECT count(*) FROM agent_loggy.negate_keys").fetchone() == (0,)


# Structural problems of the file, found before the database is asked ---------------------------


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("label,op,value\nservice,!=,x\n",
         ["line 1: header 'label,op,value': expected 'label,operator,value'"]),
        ("", ["line 1: the file is empty: expected the header 'label,operator,value'"]),
        ("\n\n", ["line 1: the file is empty: expected the header 'label,operator,value'"]),
        ("label,operator,value\nservice,!=\napp,!=,x,y,z\nok,=,1\n",
         ["line 2: 2 value(s), missing value: expected 3 (label, operator, value)",
          "line 3: 5 values, extra 'y', 'z': expected 3 (label, operator, value)"]),
        ('label,operator,value\nmsg,=,"multi\nline"\nbroken,!=\n',
         ["line 4: 2 value(s), missing value: expected 3 (label, operator, value)"]),
        ('label,operator,value\nservice,!=,"x"y\n',
         ["line 2: ',' expected after '\"': expected CSV with double-quoted values"]),
    ],
)
def test_structural_problems_are_reported_with_line_numbers(tmp_path: Path, text: str, problems: list[str]) -> None:
    with pytest.raises(ImportFailed) as info:
        read_rows(write(tmp_path, text), NEGATE_KEYS)
    assert list(info.value.problems) == problems
    assert info.value.sqlstate is None


def test_undecodable_utf8_is_reported_on_every_line_it_occurs(tmp_path: Path) -> None:
    data = "label,operator,value\nservice,!=,caf\xe9\n".encode("latin-1") + b"ok,=,1\np\xc3\xa4th,!=,\xff\xfe\n"
    with pytest.raises(ImportFailed) as info:
        read_rows(write(tmp_path, data), NEGATE_KEYS)
    assert info.value.problems == (
        "line 2: byte 0xe9 at column 15 is not UTF-8: expected UTF-8 text",
        "line 4: byte 0xff at column 9 is not UTF-8: expected UTF-8 text",
    )


def test_rows_carry_their_line_numbers_and_a_bom_and_blank_lines_are_fine(tmp_path: Path) -> None:
    text = "\ufeffLabel, Operator ,value\r\n\r\nservice,!=,x\r\nmsg,=,\"two\r\nlines\"\r\nlevel,!=,debug\r\n"
    rows = read_rows(write(tmp_path, text), NEGATE_KEYS)
    assert rows == [
        {"line": 3, "label": "service", "operator": "!=", "value": "x"},
        {"line": 4, "label": "msg", "operator": "=", "value": "two\r\nlines"},
        {"line": 6, "label": "level", "operator": "!=", "value": "debug"},
    ]


def test_a_missing_file_is_an_import_failure(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="cannot read"):
        read_rows(tmp_path / "absent.csv", CONTEXT_RULES)


def test_csv_syntax_errors_do_not_stop_the_reading(tmp_path: Path) -> None:
    text = 'label,operator,value\nservice,!=,"x"y\nok,=,1\nshort,!=\npath,!=,"a"b\n'
    with pytest.raises(ImportFailed) as info:
        read_rows(write(tmp_path, text), NEGATE_KEYS)
    assert info.value.problems == (
        "line 2: ',' expected after '\"': expected CSV with double-quoted values",
        "line 4: 2 value(s), missing value: expected 3 (label, operator, value)",
        "line 5: ',' expected after '\"': expected CSV with double-quoted values",
    )


def test_bytes_that_are_not_utf8_do_not_hide_the_other_problems(tmp_path: Path) -> None:
    data = b"label,operator,value\nservice,!=,caf\xe9\nshort,!=\nnul,!=,a\x00b\nok,=,1\n"
    file = read_file(write(tmp_path, data), NEGATE_KEYS)
    assert file.problems == (
        "line 2: byte 0xe9 at column 15 is not UTF-8: expected UTF-8 text",
        "line 3: 2 value(s), missing value: expected 3 (label, operator, value)",
        "line 4: value contains a NUL character, which PostgreSQL text cannot hold",
    )
    assert file.rows == [{"line": 5, "label": "ok", "operator": "=", "value": "1"}]
    assert file.records == 4


def test_a_wrong_header_is_refused_before_the_database_is_asked_with_the_other_problems(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as info:
        read_file(write(tmp_path, "label,label,value\nservice,!=\n"), NEGATE_KEYS)
    assert info.value.problems == (
        "line 1: header 'label,label,value': expected 'label,operator,value'",
        "line 2: 2 value(s), missing value: expected 3 (label, operator, value)",
    )


def test_every_problem_of_a_file_is_reported_in_one_pass(conn: Conn, tmp_path: Path) -> None:
    """Bytes, CSV syntax, row width, text, the database's value checks, RE2 and duplicates: one error."""
    data = (
        b"label,operator,value\n"
        b"service,!=,healthcheck\n"      # 2 fine
        b"bad-label,!=,x\n"               # 3 database: label
        b"path,!~,/metrics(\n"            # 4 RE2 (and the database): unbalanced
        b"msg,=~,x{1001}\n"               # 5 RE2 only: repeat count
        b'level,!=,"x"y\n'                # 6 CSV syntax
        b"caf\xe9,!=,x\n"                 # 7 not UTF-8
        b"short,!=\n"                     # 8 width
        b"nul,!=,a\x00b\n"                # 9 NUL
        b"service,!=,healthcheck\n"      # 10 duplicate of 2
        b"level,==,debug\n"               # 11 database: operator
        b"path,!=,(\n"                    # 12 fine: != takes no regex
    )
    file = read_file(write(tmp_path, data), NEGATE_KEYS)
    before = state(conn)
    with pytest.raises(ImportFailed) as info:
        import_file(conn, file, actor="importer")
    assert info.value.problems == (
        "line 3: invalid Loki label 'bad-label': expected a label name matching [A-Za-z_][A-Za-z0-9_]*"
        " (at most 128 characters)",
        "line 4: invalid regular expression '/metrics(' for label 'path': missing ): /metrics(:"
        " expected RE2 syntax, as Loki uses",
        "line 5: invalid regular expression 'x{1001}' for label 'msg': invalid repetition size: {1001}:"
        " expected RE2 syntax, as Loki uses",
        "line 6: ',' expected after '\"': expected CSV with double-quoted values",
        "line 7: byte 0xe9 at column 4 is not UTF-8: expected UTF-8 text",
        "line 8: 2 value(s), missing value: expected 3 (label, operator, value)",
        "line 9: value contains a NUL character, which PostgreSQL text cannot hold",
        "line 10: duplicate negate key service != 'healthcheck' (already on line 2): expected each key once per file",
        "line 11: invalid operator '==' for label 'level': expected one of =, !=, =~, !~",
    )
    assert str(info.value).startswith("cannot import negate keys: 9 problem(s) in 11 row(s), nothing was written")
    assert state(conn) == before


def test_a_regex_re2_refuses_is_refused_naming_the_line_and_re2s_reason(conn: Conn, tmp_path: Path) -> None:
    text = "label,operator,value\nservice,!=,healthcheck\nmsg,=~,x{1001}\nroute,!~,\\pL+(?P<v>/v[0-9]+)\n"
    with pytest.raises(ImportFailed) as info:
        run(conn, NEGATE_KEYS, write(tmp_path, text))
    assert info.value.problems == (
        "line 3: invalid regular expression 'x{1001}' for label 'msg': invalid repetition size: {1001}:"
        " expected RE2 syntax, as Loki uses",
    )
    assert conn.execute("SELECT count(*) FROM agent_loggy.negate_keys").fetchone() == (0,)
    fixed = text.replace("x{1001}", "x{1000}")
    assert run(conn, NEGATE_KEYS, write(tmp_path, fixed)).created == 3  # RE2 syntax PostgreSQL's regexes refuse


def test_any_clients_import_is_refused_a_plainly_broken_regex(conn: Conn) -> None:
    rows = [{"line": 2, "label": "path", "operator": "!~", "value": "/metrics("},
            {"line": 3, "label": "path", "operator": "=~", "value": "it's(?=x)"},
            {"line": 4, "label": "path", "operator": "!=", "value": "("}]
    with pytest.raises(psycopg.errors.InvalidParameterValue) as info:
        sql_import(conn, "import_negate_keys", rows)
    assert info.value.diag.message_detail == (
        "line 2: invalid regular expression '/metrics(' for label 'path': missing ):"
        " expected RE2 syntax, as Loki uses\n"
        "line 3: invalid regular expression 'it''s(?=x)' for label 'path': invalid perl operator: (?=:"
        " expected RE2 syntax, as Loki uses"
    )


# The shipped samples ---------------------------------------------------------------------------


def test_the_sample_files_import_completely(conn: Conn) -> None:
    for fmt, name, table in [(CONTEXT_RULES, "context_rules.csv", "current_context_rules"),
                             (NEGATE_KEYS, "negate_keys.csv", "current_negate_keys")]:
        with (SAMPLES / name).open(newline="", encoding="utf-8") as f:
            expected = len(list(csv.reader(f))) - 1
        assert 8 <= expected <= 12
        assert run(conn, fmt, SAMPLES / name) == ImportResult(expected, 0, 0, 0)
        assert conn.execute(f"SELECT count(*) FROM agent_loggy.{table}").fetchone() == (expected,)
    row = conn.execute("SELECT agent_loggy.loki_negations()").fetchone()
    assert row is not None
    assert 'service!="healthcheck"' in row[0] and 'path!~"/metrics.*"' in row[0]
    operators = conn.execute("SELECT DISTINCT operator FROM agent_loggy.negate_keys ORDER BY 1").fetchall()
    assert operators == [("!=",), ("!~",), ("=",), ("=~",)]


# Concurrency -----------------------------------------------------------------------------------


def test_concurrent_imports_of_one_file_make_one_version_per_key(db_url: str, tmp_path: Path) -> None:
    """The second import waits on the write lock, then sees the first one's rows as unchanged."""
    path = write(tmp_path, KEYS)
    results: dict[str, ImportResult] = {}
    errors: list[BaseException] = []

    def second() -> None:
        try:
            with psycopg.connect(db_url) as conn:
                results["second"] = run(conn, NEGATE_KEYS, path)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    with psycopg.connect(db_url) as first, psycopg.connect(db_url, autocommit=True) as watcher:
        with first.transaction():
            results["first"] = run(first, NEGATE_KEYS, path)  # holds the lock until this block commits
            thread = threading.Thread(target=second)
            thread.start()
            assert wait_for_lock_waiter(watcher), "the second import never waited for the lock"
        thread.join(timeout=30)
    assert not thread.is_alive() and errors == []
    assert results["first"] == ImportResult(3, 0, 0, 0)
    assert results["second"] == ImportResult(0, 0, 3, 0)
    with psycopg.connect(db_url) as conn:
        assert conn.execute(
            "SELECT label, count(*), max(version) FROM agent_loggy.negate_keys GROUP BY label ORDER BY label"
        ).fetchall() == [("level", 1, 1), ("path", 1, 1), ("service", 1, 1)]


def test_racing_imports_of_one_file_make_one_version_per_key(db_url: str, tmp_path: Path) -> None:
    path = write(tmp_path, RULES)
    start = threading.Barrier(4)
    results: list[ImportResult] = []
    errors: list[BaseException] = []

    def importer() -> None:
        try:
            with psycopg.connect(db_url) as conn:
                start.wait(timeout=30)
                results.append(run(conn, CONTEXT_RULES, path))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=importer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted((r.created, r.unchanged) for r in results) == [(0, 3), (0, 3), (0, 3), (3, 0)]
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT count(*), max(version) FROM agent_loggy.context_rules").fetchone() == (3, 1)


def wait_for_lock_waiter(watcher: Conn, timeout: float = 20.0) -> bool:
    """True once a session of this database waits for a lock (the import's write lock)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = watcher.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()
        if row and row[0] > 0:
            return True
        time.sleep(0.05)
    return False
