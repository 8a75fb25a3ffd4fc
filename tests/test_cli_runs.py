"""`agent-loggy-db runs / prompt metrics / compare / promote / plot / promotion policy`, as separate processes
logged in as the roles that use them: an agent's reader login reads, an admin login sets policies."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent_loggy_db import PromptRegistry, Runs, create_pool
from agent_loggy_db.settings import Settings
from tests.conftest import RoleUrl
from tests.test_cli import base_env, cli
from tests.test_prompt_sql import Conn

ONE = Settings(pool_min_size=1, pool_max_size=1)


@pytest.fixture
def recorded(role_url: RoleUrl) -> Iterator[str]:
    """A reader login granted default, with runs of trace_analysis v1 and v2 (staging) and their scores."""
    url = role_url("agent_loggy_reader", "default")
    with create_pool(role_url("agent_loggy_writer", "default"), ONE) as pool, PromptRegistry(pool, cache=False) as w:
        w.publish("trace_analysis", w.get_prompt("trace_analysis").template + "\nShort.", actor="w", labels=["staging"])
    with create_pool(url, ONE) as pool, PromptRegistry(pool, cache=False) as reg, Runs(pool) as runs:
        for label, values in (("production", [60, 62, 61, 59]), ("staging", [80, 82, 81, 83, 79])):
            prompt = reg.get_prompt("trace_analysis", label=label)
            for value in values:
                with runs.record(prompt, {}) as run:
                    run.output = json.dumps({"relevance_score": value, "transaction_outcome": "failed",
                                             "confidence_level": "LOW", "evidence_found": [], "recommendation": "r"})
                    run.input_tokens, run.output_tokens = 100, 10
                assert run.run is not None
                runs.score(run.run, "relevance", value)
    yield url


def test_metrics_and_compare_print_tables_and_json(recorded: str) -> None:
    env = base_env(DATABASE_URL=recorded)
    shown = cli("prompt", "metrics", "trace_analysis", "--days", "1", env=env)
    assert shown.returncode == 0, shown.stderr
    assert "Prompt trace_analysis in project default" in shown.stdout and "60.50 (n=4, p50 60.50)" in shown.stdout
    as_json = cli("prompt", "metrics", "trace_analysis", "--by", "day", "--json", env=env)
    assert as_json.returncode == 0, as_json.stderr
    rows = json.loads(as_json.stdout)
    assert [(r["version"], r["runs"], r["valid_rate"], r["input_tokens"]) for r in rows] == [
        (1, 4, 1.0, 400), (2, 5, 1.0, 500)]
    assert rows[0]["bucket"].endswith("+00:00") and rows[1]["scores"]["relevance"]["mean"] == 81.0
    compared = cli("prompt", "compare", "trace_analysis", "production", "staging", "--score", "relevance", "--json",
                   env=env)
    assert compared.returncode == 0, compared.stderr
    by_metric = {c["metric"]: c for c in json.loads(compared.stdout)}
    assert by_metric["score:relevance"]["difference"] == pytest.approx(20.5)
    assert by_metric["score:relevance"]["significant"] is True and by_metric["error_rate"]["significant"] is False
    table = cli("prompt", "compare", "trace_analysis", "1", "2", "-s", "relevance", env=env)
    assert table.returncode == 0 and "Welch" in table.stdout and "20.500" in table.stdout


def test_runs_list_and_show(recorded: str) -> None:
    env = base_env(DATABASE_URL=recorded)
    listed = cli("runs", "list", "--prompt", "trace_analysis", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    runs = json.loads(listed.stdout)
    assert len(runs) == 9 and {r["prompt_version"] for r in runs} == {1, 2}
    shown = cli("runs", "show", str(runs[0]["id"]), "--json", env=env)
    assert shown.returncode == 0, shown.stderr
    doc = json.loads(shown.stdout)
    assert doc["run"]["id"] == runs[0]["id"] and doc["scores"][0]["name"] == "relevance"
    missing = cli("runs", "show", "999999", env=env)
    assert missing.returncode == 3 and "no run 999999" in missing.stderr and "Traceback" not in missing.stderr


def test_promotion_policy_through_the_cli(recorded: str, role_url: RoleUrl, conn: Conn) -> None:
    admin = base_env(DATABASE_URL=role_url("agent_loggy_admin"), AGENT_LOGGY_ACTOR="ops")
    reader = base_env(DATABASE_URL=recorded, AGENT_LOGGY_ACTOR="agent")
    refused = cli("promotion", "policy", "set", "production", "--min-runs", "5", env=reader)
    assert refused.returncode == 1 and "permission denied" in refused.stderr
    done = cli("promotion", "policy", "set", "production", "--min-runs", "6", "--score", "relevance",
               "--tolerance", "1", "--json", env=admin)
    assert done.returncode == 0, done.stderr
    policy = json.loads(done.stdout)
    assert (policy["label"], policy["min_runs"], policy["score_name"], policy["score_tolerance"]) == (
        "production", 6, "relevance", 1)
    shown = cli("promotion", "policy", "show", "--json", env=reader)
    assert [(p["label"], p["min_runs"], p["window_length"]) for p in json.loads(shown.stdout)] == [
        ("production", 6, 30 * 86400.0)]
    blocked = cli("prompt", "promote", "trace_analysis", "2", "production", env=admin)
    assert blocked.returncode == 4 and "min_runs: 5 runs in the last 30 days, at least 6 needed" in blocked.stderr
    forced = cli("prompt", "promote", "trace_analysis", "2", "production", "--override", "canary looked fine",
                 env=admin)
    assert forced.returncode == 0 and "policy overridden" in forced.stdout, forced.stderr
    row = conn.execute("SELECT change_summary FROM agent_loggy.config_changelog WHERE change_type = 'label' "
                       "AND config_name = 'trace_analysis' AND new_version = 2 ORDER BY id DESC LIMIT 1").fetchone()
    assert row is not None and "canary looked fine" in row[0]
    removed = cli("promotion", "policy", "remove", "production", env=admin)
    assert removed.returncode == 0 and "removed the policy of production" in removed.stdout
    again = cli("promotion", "policy", "remove", "production", "--json", env=admin)
    assert json.loads(again.stdout) == {"label": "production", "project": "default", "removed": False}


def test_plot_writes_a_png(recorded: str, tmp_path: Path) -> None:
    out = tmp_path / "quality.png"
    result = cli("prompt", "plot", "trace_analysis", "--score", "relevance", "-o", str(out),
                 env=base_env(DATABASE_URL=recorded))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 5000


def test_partitions_and_retirement_are_for_admins(role_url: RoleUrl, conn: Conn) -> None:
    admin = base_env(DATABASE_URL=role_url("agent_loggy_admin"))
    added = cli("runs", "partitions", "--ahead", "14", env=admin)
    assert added.returncode == 0 and "added runs_" in added.stdout, added.stderr
    again = cli("runs", "partitions", "--ahead", "14", "--json", env=admin)
    assert json.loads(again.stdout) == {"added": []}, again.stderr
    conn.execute("INSERT INTO agent_loggy.runs (prompt_name, prompt_version, started_at) "
                 "VALUES ('trace_analysis', 1, '2010-05-05')")
    retired = cli("runs", "retire", "--before", "2011-01-01", "--yes", env=admin)
    assert retired.returncode == 0 and "runs_default (1 rows)" in retired.stdout, retired.stderr
    nothing = cli("runs", "retire", "--before", "2011-01-01", "--yes", "--json", env=admin)
    assert json.loads(nothing.stdout) == {"retired": []}, nothing.stderr
    writer = base_env(DATABASE_URL=role_url("agent_loggy_writer", "default"))
    denied = cli("runs", "retire", "--before", "2011-01-01", "--yes", env=writer)
    assert denied.returncode == 1 and "permission denied" in denied.stderr
