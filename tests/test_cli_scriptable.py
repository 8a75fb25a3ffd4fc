"""The command for scripts: --json everywhere, whole lines in pipes, exit statuses, --database-url,
shell completion of prompt names and `psql`, run as a separate process like the other CLI tests."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import click
import pytest

from agent_loggy_db import migrations
from agent_loggy_db.cli import EXIT_CODES, INTERRUPTED, exit_code, main
from agent_loggy_db.cli.psql import psql_command
from agent_loggy_db.errors import (
    AgentLoggyError,
    ConfigurationError,
    ConnectionFailed,
    InvalidLabel,
    MissingVariables,
    PromptNotFound,
    ServerError,
)
from agent_loggy_db.urls import parse
from tests.conftest import RoleUrl
from tests.test_cli import PROGRAM, base_env, cli, data_dir  # noqa: F401  (data_dir: a fixture)
from tests.test_prompt_sql import Conn

LONG_LINE = "Analyse {trace} " + "".join(f"word{n:03d} " for n in range(40)) + "and the end"
UNREACHABLE = "postgresql://nobody@127.0.0.1:1/nowhere?connect_timeout=2"
NO_JSON = {"psql", "prompt plot", "prompt export"}
"""Commands that print no data of their own (psql is psql; plot writes a PNG; export writes JSON already)."""


def every_command(command: click.Command = main, path: str = "") -> dict[str, click.Command]:
    found = {path: command} if path else {}
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            found |= every_command(sub, f"{path} {name}".strip())
    return found


def data(result: subprocess.CompletedProcess[str]) -> Any:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def writer(role_url: RoleUrl) -> dict[str, str]:
    return base_env(DATABASE_URL=role_url("agent_loggy_writer", "default"), AGENT_LOGGY_ACTOR="cli-test")


@pytest.fixture
def long_template(writer: dict[str, str], tmp_path: Path) -> str:
    """trace_analysis v2: one line of 300+ characters, labelled staging."""
    template = f"{LONG_LINE}\nsecond line\n"
    assert len(LONG_LINE) > 300
    file = tmp_path / "t.txt"
    file.write_text(template, encoding="utf-8")
    published = cli("prompt", "publish", "trace_analysis", "-f", str(file), "-l", "staging", "--json", env=writer)
    assert data(published)["version"] == 2 and data(published)["template"] == template
    return template


def test_every_command_takes_database_url_and_every_data_command_json() -> None:
    commands = every_command()
    assert {"status", "prompt show", "search", "memory list", "runs list", "audit verify", "psql"} <= set(commands)
    for name, command in commands.items():
        options = {opt for param in command.params for opt in param.opts}
        assert "--database-url" in options, name
        if not isinstance(command, click.Group) and name not in NO_JSON:
            assert "--json" in options, name
        assert "-v" not in options, f"{name}: -v is --verbose, given before the command"


def test_prompt_commands_print_json(writer: dict[str, str], long_template: str, conn: Conn, tmp_path: Path) -> None:
    listed = data(cli("prompt", "list", "--json", env=writer))
    names = [row[0] for row in conn.execute(
        "SELECT DISTINCT name FROM agent_loggy.prompts WHERE project = 'default' ORDER BY name").fetchall()]
    assert isinstance(listed, list) and sorted(p["name"] for p in listed) == names
    trace = next(p for p in listed if p["name"] == "trace_analysis")
    assert trace["latest_version"] == 2 and trace["labels"] == {"production": 1, "staging": 2}

    shown = data(cli("prompt", "show", "trace_analysis", "--label", "staging", "--json", env=writer))
    assert isinstance(shown, dict)
    assert shown["template"] == long_template and shown["version"] == 2 and shown["labels"] == ["staging"]
    assert shown["variables"] == ["trace"] and shown["created_by"] == "cli-test" and "T" in shown["created_at"]
    got = data(cli("prompt", "get", "trace_analysis", "-l", "staging", "--var", "trace=t-1", "--json", env=writer))
    assert isinstance(got, dict) and got["rendered"].startswith("Analyse t-1 word000") and got["prompt"]["version"] == 2

    assert data(cli("prompt", "label", "trace_analysis", "2", "canary", "--json", env=writer))["labels"] == [
        "canary", "staging"]
    assert data(cli("prompt", "label", "trace_analysis", "1", "canary", "--json", env=writer))["version"] == 1
    assert data(cli("prompt", "rollback", "trace_analysis", "canary", "--json", env=writer)) == {
        "name": "trace_analysis", "label": "canary", "version": 2}
    assert data(cli("prompt", "unlabel", "trace_analysis", "canary", "--json", env=writer)) == {
        "name": "trace_analysis", "label": "canary", "version": 2}
    history = data(cli("prompt", "history", "trace_analysis", "--json", env=writer))
    moves = [(m["label"], m["from_version"], m["to_version"]) for m in history]
    assert {("canary", None, 2), ("canary", 2, 1), ("canary", 1, 2), ("canary", 2, None)} <= set(moves)
    assert {"changelog_id", "change", "version", "changed_by", "changed_at", "summary"} <= set(history[0])
    diff = data(cli("prompt", "diff", "trace_analysis", "1", "2", "--json", env=writer))
    assert isinstance(diff, dict) and (diff["from_version"], diff["to_version"]) == (1, 2)
    assert f"+{LONG_LINE}\n" in diff["template"] and diff["parameters"] == ""

    export = tmp_path / "export.json"
    assert cli("prompt", "export", str(export), env=writer).returncode == 0
    assert data(cli("prompt", "import", str(export), "--json", env=writer)) == {
        "created": 0, "unchanged": 6, "relabelled": 0}


def test_piped_templates_diffs_and_tables_are_whole(writer: dict[str, str], long_template: str) -> None:
    narrow = {**writer, "COLUMNS": "60"}
    shown = cli("prompt", "show", "trace_analysis", "--label", "staging", env=narrow)
    assert shown.returncode == 0, shown.stderr
    assert LONG_LINE in shown.stdout.splitlines(), "the template line, whole, on one line"
    assert "# trace_analysis v2" in shown.stdout.splitlines()
    assert "variables\ttrace" in shown.stdout.splitlines(), "the metadata: tab-separated lines"
    diff = cli("prompt", "diff", "trace_analysis", "1", "2", env=narrow)
    assert diff.returncode == 0, diff.stderr
    assert f"+{LONG_LINE}" in diff.stdout.splitlines()
    listed = cli("prompt", "list", env=narrow)
    lines = listed.stdout.splitlines()
    assert lines[1] == "name\ttype\tlatest\tactive\tlabels\ttags\tmodel\tupdated (UTC)"
    trace = next(line.split("\t") for line in lines if line.startswith("trace_analysis\t"))
    assert trace[2] == "2" and set(trace[4].split(", ")) == {"production→v1", "staging→v2"}


def test_other_commands_print_json(writer: dict[str, str], db_url: str, role_url: RoleUrl, tmp_path: Path) -> None:
    rules = tmp_path / "rules.csv"
    rules.write_text("context,important,ignore,description\npayments,amount,debug,the money\n", encoding="utf-8")
    assert data(cli("import", "context-rules", str(rules), "--json", env=writer)) == {
        "created": 1, "updated": 0, "unchanged": 0, "deactivated": 0}
    keys = tmp_path / "keys.csv"
    keys.write_text("label,operator,value\nservice,!=,healthcheck\n", encoding="utf-8")
    assert data(cli("import", "negate-keys", str(keys), "--json", env=writer))["created"] == 1
    docs = tmp_path / "docs.jsonl"
    docs.write_text(json.dumps({"external_id": "gw", "title": "Gateway", "content": "gateway timeout runbook",
                                "tags": ["runbook"]}) + "\n", encoding="utf-8")
    assert data(cli("import", "documents", str(docs), "--json", env=writer)) == {
        "inserted": 1, "updated": 0, "unchanged": 0, "index_rebuilt": False}
    hits = data(cli("search", "gateway timeout", "--mode", "keyword", "--json", env=writer))
    assert isinstance(hits, list) and [(h["external_id"], h["title"], h["tags"]) for h in hits] == [
        ("gw", "Gateway", ["runbook"])]
    assert hits[0]["rank"] > 0

    fact = data(cli("memory", "remember", "tz", "UTC", "--user", "alice", "--json", env=writer))
    assert isinstance(fact, dict) and (fact["key"], fact["value"], fact["version"]) == ("tz", "UTC", 1)
    assert data(cli("memory", "recall", "tz", "--user", "alice", "--json", env=writer)) == {"key": "tz", "value": "UTC"}
    assert data(cli("memory", "forget", "tz", "--user", "alice", "--json", env=writer)) == {
        "key": "tz", "forgotten": True}

    admin = base_env(DATABASE_URL=role_url("agent_loggy_admin"), AGENT_LOGGY_ACTOR="ops")
    role = parse(role_url("agent_loggy_reader"))["user"]
    granted = data(cli("grant", str(role), "acme", "--json", env=admin))
    assert isinstance(granted, dict) and (granted["grantee"], granted["level"], granted["project"]) == (
        role, "read", "acme")
    listed = data(cli("grants", "--project", "acme", "--json", env=admin))
    assert isinstance(listed, list) and [g["grantee"] for g in listed] == [role]
    assert data(cli("revoke", str(role), "acme", "--json", env=admin)) == {
        "role": role, "project": "acme", "level": "read"}
    verified = data(cli("audit", "verify", "--project", "default", "--json", env=admin))
    assert isinstance(verified, dict) and verified["ok"] is True and verified["anchor_problems"] == []
    assert [c["project"] for c in verified["chains"]] == ["default"] and verified["chains"][0]["rows_checked"] > 0

    owner = base_env(DATABASE_URL=db_url)
    status = data(cli("status", "--json", env=owner))
    assert isinstance(status, dict) and status["pgvector_installed"] and status["row_counts"]["prompts"] >= 5
    assert [m["id"] for m in status["migrations"]] == migrations.migration_ids()
    assert all(m["applied"] and m["known"] for m in status["migrations"])
    doctor = data(cli("doctor", "--json", env=owner))
    assert doctor["ok"] is True and {c["status"] for c in doctor["checks"]} <= {"ok", "warn"}
    assert data(cli("up", "--json", env=owner))["applied"] == []
    assert data(cli("migrate", "--json", env=owner)) == {"applied": []}
    last = migrations.migration_ids()[-1]
    assert data(cli("rollback", "--yes", "--json", env=owner)) == {"rolled_back": [last]}
    assert data(cli("migrate", "--json", env=owner)) == {"applied": [last]}
    urls = data(cli("url", "--json", env=owner))
    assert isinstance(urls, dict) and set(urls) == {"libpq", "yoyo"}
    assert data(cli("migrations-dir", "--json", env=owner)) == {"path": str(migrations.sql_dir())}


def test_down_prints_json(data_dir: Path) -> None:  # noqa: F811
    assert data(cli("down", "--json", env=base_env(AGENT_LOGGY_DATA_DIR=str(data_dir)))) == {
        "data_dir": str(data_dir), "stopped": False}


# exit statuses -----------------------------------------------------------------------------------------------------


def test_exit_statuses(writer: dict[str, str], data_dir: Path) -> None:  # noqa: F811
    assert cli("prompt", "show", "no_such_prompt", env=writer).returncode == 3
    assert cli("prompt", "history", "no_such_prompt", env=writer).returncode in (0, 3)
    bad_label = cli("prompt", "label", "trace_analysis", "1", "Not-Valid", env=writer)
    assert bad_label.returncode == 4 and "'Not-Valid'" in bad_label.stderr
    missing = cli("prompt", "get", "trace_analysis", env=writer)
    assert missing.returncode == 4 and "missing template variables" in missing.stderr
    unreachable = cli("status", env=base_env(DATABASE_URL=UNREACHABLE))
    assert unreachable.returncode == 5 and "cannot connect to" in unreachable.stderr
    stopped = cli("prompt", "list", env=base_env(AGENT_LOGGY_DATA_DIR=str(data_dir)))
    assert stopped.returncode == 5 and "is not running" in stopped.stderr
    usage = cli("prompt", "show", env=writer)
    assert usage.returncode == 2
    for result in (bad_label, missing, unreachable, stopped):
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("error", "status"), [
    (PromptNotFound("x"), 3), (InvalidLabel("x"), 4), (MissingVariables(("a",)), 4), (ConnectionFailed("x"), 5),
    (ServerError("x"), 5), (ConfigurationError("x"), 1), (AgentLoggyError("x"), 1)])
def test_each_error_class_has_its_exit_status(error: AgentLoggyError, status: int) -> None:
    assert exit_code(error) == status
    assert {code for _, code in EXIT_CODES} == {3, 4, 5}


def test_ctrl_c_exits_130_without_a_traceback() -> None:
    """SIGINT while the command waits (here: for the export `prompt import -` reads from stdin)."""
    proc = subprocess.Popen([*PROGRAM, "prompt", "import", "-"], env=base_env(DATABASE_URL=UNREACHABLE),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wchan = Path(f"/proc/{proc.pid}/wchan")
        deadline = time.monotonic() + 60
        while not wchan.read_text().endswith("pipe_read"):
            assert time.monotonic() < deadline and proc.poll() is None, "the command never waited for stdin"
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == INTERRUPTED == 130
    assert out == "" and err.strip() == "interrupted", err


def test_v_is_verbose_not_version(writer: dict[str, str]) -> None:
    refused = cli("prompt", "show", "trace_analysis", "-v", "1", env=writer)
    assert refused.returncode == 2 and "No such option '-v'" in refused.stderr
    by_version = cli("prompt", "show", "trace_analysis", "--version", "1", "--json", env=writer)
    assert data(by_version)["version"] == 1
    verbose = cli("-vv", "prompt", "list", "--json", env=writer)
    assert isinstance(data(verbose), list) and "INFO agent_loggy_db.cli.db: database: " in verbose.stderr
    assert parse(writer["DATABASE_URL"])["password"] not in verbose.stderr


# --database-url, completion, psql --------------------------------------------------------------------------------


def test_database_url_wins_over_the_variables(writer: dict[str, str]) -> None:
    url = writer["DATABASE_URL"]
    env = {**writer, "DATABASE_URL": UNREACHABLE, "AGENT_LOGGY_DATABASE_URL": UNREACHABLE}
    assert cli("prompt", "list", env=env).returncode == 5
    listed = cli("prompt", "list", "--database-url", url, "--json", env=env)
    assert any(p["name"] == "trace_analysis" for p in data(listed))
    first = cli("--database-url", url, "memory", "list", "--json", env=env)
    assert data(first) == []


def complete(words: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    parts = words.split(" ")
    return subprocess.run(PROGRAM, env={**env, "_AGENT_LOGGY_DB_COMPLETE": "bash_complete", "COMP_WORDS": words,
                                        "COMP_CWORD": str(len(parts) - 1)},
                          capture_output=True, text=True, check=False, timeout=60)


def test_prompt_names_complete_from_the_database(writer: dict[str, str]) -> None:
    found = complete("agent-loggy-db prompt show trace", writer)
    assert found.returncode == 0 and found.stderr == ""
    assert found.stdout.splitlines() == ["plain,trace_analysis", "plain,trace_entry_analysis"]
    assert complete("agent-loggy-db prompt diff -p nowhere tr", writer).stdout.strip() == ""
    assert "plain,trace_analysis" in complete("agent-loggy-db prompt metrics tr", writer).stdout.splitlines()
    commands = complete("agent-loggy-db prompt sh", writer)
    assert commands.stdout.splitlines() == ["plain,show"]


def test_completion_is_silent_when_the_database_is_away(data_dir: Path) -> None:  # noqa: F811
    for env in (base_env(DATABASE_URL=UNREACHABLE), base_env(AGENT_LOGGY_DATA_DIR=str(data_dir))):
        result = complete("agent-loggy-db prompt show tr", env)
        assert (result.returncode, result.stdout.strip(), result.stderr) == (0, "", ""), "nothing but click's newline"


def test_psql_runs_on_the_database_without_showing_the_password(role_url: RoleUrl) -> None:
    url = role_url("agent_loggy_reader", "default")
    params = parse(url)
    password, user = params["password"], params["user"]
    argv, env = psql_command(url, ("-c", "SELECT 1"))
    assert password not in " ".join(argv) and env["PGPASSWORD"] == password
    result = cli("psql", "--", "-At", "-c", "SELECT current_user, 1", env=base_env(DATABASE_URL=url))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{user}|1\n" and password not in result.stderr
    failing = cli("psql", "-c", "SELECT nope", env=base_env(DATABASE_URL=url))
    assert failing.returncode != 0 and "nope" in failing.stderr
