"""The seeded prompts, and how variables are derived from a template."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg
import pytest

Conn = psycopg.Connection[Any]

SEED_JSON = Path(__file__).resolve().parents[1] / "docs" / "seed" / "agent_loggy_prompts.json"
"""agent-loggy's original prompt texts, as migration 0005 loads them (in the repository, beside the docs)."""

EXPECTED_VARIABLES = {
    "parameter_extraction": ["allowed_query_keys", "excluded_query_keys", "allowed_domains", "excluded_domains"],
    "relevance_analysis": [
        "original_text", "domain", "query_keys", "time_frame", "additional_params", "rag_context", "trace_id",
        "timestamp", "total_entries", "services", "operations", "log_samples", "timeline_summary",
    ],
    "trace_analysis": ["dispute_text", "trace_id", "source_files", "log_samples", "timeline"],
    "quality_assessment": ["original_query", "parameters", "trace_count", "analyses"],
    "trace_entry_analysis": ["dispute_text", "trace_id", "entry_index", "timestamp", "service", "level", "message"],
}


def seeded(conn: Conn) -> dict[str, dict[str, Any]]:
    cur = conn.cursor(row_factory=psycopg.rows.dict_row)
    rows = cur.execute("SELECT * FROM agent_loggy.prompts WHERE project = 'default'").fetchall()
    return {r["name"]: r for r in rows}


def test_five_prompts_seeded_as_version_one_in_production(conn: Conn) -> None:
    prompts = seeded(conn)
    assert set(prompts) == set(EXPECTED_VARIABLES)
    for p in prompts.values():
        assert (p["version"], p["labels"], p["created_by"], p["is_active"]) == (1, ["production"], "migration", True)


def test_seeded_variables_are_the_placeholders_in_order(conn: Conn) -> None:
    for name, p in seeded(conn).items():
        assert p["variables"] == EXPECTED_VARIABLES[name], name


def test_four_seeded_texts_match_agent_loggys_code_verbatim(conn: Conn) -> None:
    prompts = seeded(conn)
    for item in json.loads(SEED_JSON.read_text()):
        p = prompts[item["name"]]
        assert (p["template"], p["type"], p["description"], p["usage"]) == (
            item["template"], item["type"], item["description"], item["usage"]
        )


def test_trace_entry_analysis_is_written_in_the_same_style(conn: Conn) -> None:
    p = seeded(conn)["trace_entry_analysis"]
    assert p["type"] == "user" and p["usage"].startswith("AnalyzeAgent.")
    assert 600 <= len(p["template"]) <= 1000
    for key in ('"relevance_score"', '"event_type"', '"is_error"', '"error_code"', '"explanation"'):
        assert key in p["template"]


def test_seed_is_in_the_changelog_as_created_by_migration(conn: Conn) -> None:
    rows = conn.execute(
        "SELECT config_name, change_type, changed_by FROM agent_loggy.config_changelog WHERE config_type = 'prompt' "
        "ORDER BY id"
    ).fetchall()
    assert sorted(rows) == sorted([*((n, "create", "migration") for n in EXPECTED_VARIABLES),
                                   *((n, "update", "migration 0018_runs") for n in EXPECTED_VARIABLES)])


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("Hello {name}, {name} again and {other}", ["name", "other"]),
        ("{b} before {a}", ["b", "a"]),
        ("literal {{name}} is not a placeholder", []),
        ("{{{name}}} is one inside literal braces", ["name"]),
        ('JSON {"time_frame": "x"} and {\n  "k": 1\n} stay text', []),
        ("{ spaced } {1digit} {with-dash} {ok_1}", ["ok_1"]),
        ("unbalanced { and } and {open", []),
        ("{_private}{CamelCase}", ["_private", "CamelCase"]),
        ("no placeholders at all", []),
    ],
)
def test_template_variables(conn: Conn, template: str, expected: list[str]) -> None:
    assert conn.execute("SELECT agent_loggy.template_variables(%s)", (template,)).fetchone() == (expected,)


def test_variables_follow_template_edits_and_ignore_direct_writes(conn: Conn) -> None:
    conn.execute("UPDATE agent_loggy.prompts SET template = 'Only {one}' WHERE name = 'trace_analysis'")
    conn.execute("UPDATE agent_loggy.prompts SET variables = '{forged}' WHERE name = 'quality_assessment'")
    prompts = seeded(conn)
    assert prompts["trace_analysis"]["variables"] == ["one"]
    assert prompts["quality_assessment"]["variables"] == EXPECTED_VARIABLES["quality_assessment"]
