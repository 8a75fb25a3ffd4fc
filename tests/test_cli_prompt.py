"""`agent-loggy-db prompt ...` run as a separate process against DATABASE_URL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent_loggy_db import migrations
from tests.test_cli import base_env, cli
from tests.test_prompt_sql import Conn


@pytest.fixture
def env(db_url: str) -> dict[str, str]:
    return base_env(DATABASE_URL=db_url, AGENT_LOGGY_ACTOR="cli-test")


def test_list_show_and_get(env: dict[str, str], tmp_path: Path, conn: Conn) -> None:
    listed = cli("prompt", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "trace_entry_analysis" in listed.stdout and "production→v1" in listed.stdout
    shown = cli("prompt", "show", "relevance_analysis", env=env)
    assert shown.returncode == 0, shown.stderr
    assert "RelevanceAnalyzerAgent" in shown.stdout and "v1" in shown.stdout
    vars_file = tmp_path / "vars.json"
    row = conn.execute("SELECT variables FROM agent_loggy.prompts WHERE name = 'relevance_analysis'").fetchone()
    assert row is not None
    values: dict[str, object] = {name: f"<{name}>" for name in row[0]}
    vars_file.write_text(json.dumps({**values, "original_text": "overridden-by-var", "services": ["pay", 1]}))
    got = cli("prompt", "get", "relevance_analysis", "--vars-file", str(vars_file), "--var", "original_text=refund?",
              env=env)
    assert got.returncode == 0, got.stderr
    assert "refund?" in got.stdout and "overridden-by-var" not in got.stdout and '["pay", 1]' in got.stdout


def test_get_with_missing_variables_names_them_and_exits_1(env: dict[str, str]) -> None:
    result = cli("prompt", "get", "relevance_analysis", "--var", "user_query=x", env=env)
    assert result.returncode == 4
    assert "missing template variables:" in result.stderr and "Traceback" not in result.stderr


def test_publish_label_history_diff_rollback(env: dict[str, str], tmp_path: Path, conn: Conn) -> None:
    template = tmp_path / "t.txt"
    template.write_text("Analyse {trace}\n")
    published = cli("prompt", "publish", "trace_analysis", "--file", str(template), "--label", "staging",
                    "--params", '{"temperature": 0.1}', "--summary", "new wording", env=env)
    assert published.returncode == 0, published.stderr
    assert "published trace_analysis v2 labelled staging" in published.stdout
    moved = cli("prompt", "label", "trace_analysis", "2", "production", env=env)
    assert moved.returncode == 0, moved.stderr
    changed_by = conn.execute("SELECT DISTINCT changed_by FROM agent_loggy.config_changelog "
                              "WHERE new_version = 2 OR previous_version = 2").fetchall()
    assert changed_by == [("cli-test",)]
    history = cli("prompt", "history", "trace_analysis", env=env)
    assert history.returncode == 0 and "staging" in history.stdout and "cli-test" in history.stdout
    diff = cli("prompt", "diff", "trace_analysis", "1", "2", env=env)
    assert diff.returncode == 0 and "+Analyse {trace}" in diff.stdout and '"temperature": 0.1' in diff.stdout
    back = cli("prompt", "rollback", "trace_analysis", env=env)
    assert back.returncode == 0 and "v1" in back.stdout
    removed = cli("prompt", "unlabel", "trace_analysis", "staging", env=env)
    assert removed.returncode == 0 and "v2" in removed.stdout
    bad = cli("prompt", "label", "trace_analysis", "2", "Not-Valid", env=env)
    assert bad.returncode == 4 and "'Not-Valid'" in bad.stderr


def test_export_then_import_into_an_empty_database(env: dict[str, str], tmp_path: Path, empty_db_url: str) -> None:
    template = tmp_path / "t.txt"
    template.write_text("v2")
    assert cli("prompt", "publish", "trace_analysis", "-f", str(template), "-l", "production", env=env).returncode == 0
    exported = tmp_path / "prompts.json"
    result = cli("prompt", "export", str(exported), env=env)
    assert result.returncode == 0, result.stderr
    assert "6 versions" in result.stdout
    migrations.apply(empty_db_url)
    other = {**env, "DATABASE_URL": empty_db_url}
    first = cli("prompt", "import", str(exported), env=other)
    assert first.returncode == 0, first.stderr
    second = cli("prompt", "export", "-", env=other)
    assert [p["versions"][-1]["labels"] for p in json.loads(second.stdout)["prompts"]] == [["production"]] * 5
    again = cli("prompt", "import", str(exported), env=other)
    assert again.returncode == 0 and "0\t6\t0" in again.stdout.splitlines()
    broken = tmp_path / "broken.json"
    broken.write_text("[1, 2]")
    refused = cli("prompt", "import", str(broken), env=other)
    assert refused.returncode == 1 and "expected a JSON object" in refused.stderr
