"""`agent-loggy-db import`, run as a separate process against DATABASE_URL."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg

from tests.test_cli import base_env, cli

SAMPLES = Path(__file__).resolve().parent.parent / "docs" / "samples"


def counts(output: str) -> dict[str, int]:
    """The result table printed by an import (piped: tab-separated lines), as {result: rows}."""
    rows = re.finditer(r"^(created|updated|unchanged|deactivated)\t(\d+)$", output, re.MULTILINE)
    return {m[1]: int(m[2]) for m in rows}


def test_import_prints_the_result_table_and_is_idempotent(db_url: str) -> None:
    env = base_env(DATABASE_URL=db_url)
    rules = cli("import", "context-rules", str(SAMPLES / "context_rules.csv"), "--actor", "ops", env=env)
    assert rules.returncode == 0, rules.stderr
    assert "Imported context rules from" in rules.stdout and "into project default" in rules.stdout
    assert counts(rules.stdout) == {"created": 10, "updated": 0, "unchanged": 0, "deactivated": 0}
    keys = cli("import", "negate-keys", str(SAMPLES / "negate_keys.csv"), env=env)
    assert keys.returncode == 0, keys.stderr
    assert counts(keys.stdout) == {"created": 12, "updated": 0, "unchanged": 0, "deactivated": 0}
    again = cli("import", "negate-keys", str(SAMPLES / "negate_keys.csv"), env=env)
    assert counts(again.stdout) == {"created": 0, "updated": 0, "unchanged": 12, "deactivated": 0}
    with psycopg.connect(db_url) as conn:
        logged = conn.execute(
            "SELECT config_type, changed_by, change_summary, count(*) FROM agent_loggy.config_changelog"
            " WHERE config_type <> 'prompt' GROUP BY 1, 2, 3 ORDER BY 1"
        ).fetchall()
    assert logged[0] == ("context_rule", "ops", "import context_rules.csv", 10)
    assert logged[1][0::2] == ("negate_key", "import negate_keys.csv") and logged[1][3] == 12
    assert logged[1][1], "the default actor is the OS user"


def test_project_from_the_environment_summary_and_deactivate_missing(db_url: str, tmp_path: Path) -> None:
    env = base_env(DATABASE_URL=db_url, AGENT_LOGGY_PROJECT="mfs")
    assert cli("import", "negate-keys", str(SAMPLES / "negate_keys.csv"), env=env).returncode == 0
    one = tmp_path / "one.csv"
    one.write_text("label,operator,value\nservice,!=,healthcheck\n", encoding="utf-8")
    pruned = cli("import", "negate-keys", str(one), "--deactivate-missing", "--summary", "prune", env=env)
    assert pruned.returncode == 0, pruned.stderr
    assert "into project mfs" in pruned.stdout
    assert counts(pruned.stdout) == {"created": 0, "updated": 0, "unchanged": 1, "deactivated": 11}
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT agent_loggy.loki_negations('mfs')").fetchone() == ('service!="healthcheck"',)
        assert conn.execute(
            "SELECT count(*) FROM agent_loggy.config_changelog WHERE change_type = 'deactivate'"
            " AND change_summary = 'prune' AND project = 'mfs'"
        ).fetchone() == (11,)


def test_a_bad_file_exits_1_listing_every_bad_line_and_writes_nothing(db_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("label,operator,value\nservice,!=,healthcheck\nlevel,==,debug\nx-y,!=,z\n", encoding="utf-8")
    result = cli("import", "negate-keys", str(bad), env=base_env(DATABASE_URL=db_url))
    assert result.returncode == 4
    assert "cannot import negate keys: 2 problem(s) in 3 row(s), nothing was written" in result.stderr
    assert "line 3: invalid operator '==' for label 'level'" in result.stderr
    assert "line 4: invalid Loki label 'x-y'" in result.stderr
    assert "Traceback" not in result.stderr
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT count(*) FROM agent_loggy.negate_keys").fetchone() == (0,)


def test_shape_value_and_regex_problems_are_listed_in_one_pass(db_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "keys.csv"
    bad.write_text("label,operator,value\nservice,!=\nx-y,!=,z\npath,!~,/metrics(\nmsg,=~,a{2}*\n", encoding="utf-8")
    result = cli("import", "negate-keys", str(bad), env=base_env(DATABASE_URL=db_url))
    assert result.returncode == 4
    assert result.stderr.splitlines() == [
        "Error: cannot import negate keys: 4 problem(s) in 4 row(s), nothing was written",
        "  line 2: 2 value(s), missing value: expected 3 (label, operator, value)",
        "  line 3: invalid Loki label 'x-y': expected a label name matching [A-Za-z_][A-Za-z0-9_]*"
        " (at most 128 characters)",
        "  line 4: invalid regular expression '/metrics(' for label 'path': missing ): /metrics(:"
        " expected RE2 syntax, as Loki uses",
        "  line 5: invalid regular expression 'a{2}*' for label 'msg': bad repetition operator: {2}*:"
        " expected RE2 syntax, as Loki uses",
    ]


def test_a_malformed_file_is_reported_before_connecting(tmp_path: Path) -> None:
    bad = tmp_path / "rules.csv"
    bad.write_text("context,important\npayments,x\n", encoding="utf-8")
    env = base_env(DATABASE_URL="postgresql://nobody@/nowhere?host=/nonexistent")
    result = cli("import", "context-rules", str(bad), env=env)
    assert result.returncode == 4
    assert "line 1: header 'context,important': expected 'context,important,ignore,description'" in result.stderr


def test_import_usage_errors(db_url: str, tmp_path: Path) -> None:
    env = base_env(DATABASE_URL=db_url)
    listing = cli("import", "--help", env=env)
    assert listing.returncode == 0 and "context-rules" in listing.stdout and "negate-keys" in listing.stdout
    missing = cli("import", "negate-keys", str(tmp_path / "absent.csv"), env=env)
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    bad_project = cli("import", "negate-keys", str(SAMPLES / "negate_keys.csv"), "--project", "No Such", env=env)
    assert bad_project.returncode == 4 and "invalid project 'No Such'" in bad_project.stderr
