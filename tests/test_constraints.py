"""Bad rows are rejected with a clear error naming the value, and nothing is written."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from agent_loggy_db import InvalidInput, InvalidLabel, map_error

Conn = psycopg.Connection[Any]

VEC3 = "[1,2,3]"

BAD_ROWS = [
    # (insert statement, constraint, words the message must contain, mapped exception)
    ("INSERT INTO agent_loggy.prompts (name, version, template, labels) VALUES ('p', 1, 'x', '{Prod!}')",
     "prompts_labels_check", ["'Prod!'", "^[a-z0-9_.-]{1,36}$"], InvalidLabel),
    ("INSERT INTO agent_loggy.prompts (name, version, template, labels) VALUES ('p', 1, 'x', '{latest}')",
     "prompts_labels_check", ['"latest"', "reserved"], InvalidLabel),
    ("INSERT INTO agent_loggy.prompts (name, version, template, labels) VALUES ('p', 1, 'x', %s)",
     "prompts_labels_check", ["a" * 37], InvalidLabel),
    ("INSERT INTO agent_loggy.model_configs (name, version, model_provider, model_name, labels)"
     " VALUES ('m', 1, 'ollama', 'llama3', '{\"has space\"}')",
     "model_configs_labels_check", ["'has space'"], InvalidLabel),
    ("INSERT INTO agent_loggy.prompts (name, version, template) VALUES ('p', 1, '')",
     "prompts_template_check", ["empty template", "'p'"], InvalidInput),
    ("INSERT INTO agent_loggy.prompts (name, version, template) VALUES ('p', 1, E'  \\n ')",
     "prompts_template_check", ["empty template"], InvalidInput),
    ("INSERT INTO agent_loggy.prompts (name, version, template, type) VALUES ('p', 1, 'x', 'assistant')",
     "prompts_type_check", ["'assistant'", "chat, text, system, user"], InvalidInput),
    ("INSERT INTO agent_loggy.prompts (name, version, template) VALUES ('p', 0, 'x')",
     "prompts_version_check", ["version 0"], InvalidInput),
    ("INSERT INTO agent_loggy.prompts (name, version, template) VALUES ('bad name;', 1, 'x')",
     "prompts_name_check", ["'bad name;'"], InvalidInput),
    ("INSERT INTO agent_loggy.prompts (project, name, version, template) VALUES ('Bad Project', 'p', 1, 'x')",
     "prompts_project_check", ["'Bad Project'"], InvalidInput),
    ("INSERT INTO agent_loggy.prompts (name, version, template, parameters) VALUES ('p', 1, 'x', '[1]')",
     "prompts_parameters_check", ["JSON object", "array"], InvalidInput),
    ("INSERT INTO agent_loggy.negate_keys (label, operator, value, version) VALUES ('service', '==', 'x', 1)",
     "negate_keys_operator_check", ["'=='", "=, !=, =~, !~"], InvalidInput),
    ("INSERT INTO agent_loggy.negate_keys (label, operator, value, version) VALUES ('bad-label', '=', 'x', 1)",
     "negate_keys_label_check", ["'bad-label'"], InvalidInput),
    ("INSERT INTO agent_loggy.negate_keys (label, operator, value, version) VALUES ('svc', '=~', repeat('x', 2001), 1)",
     "negate_keys_value_check", ["2001 bytes", "at most 2000"], InvalidInput),
    ("INSERT INTO agent_loggy.embedding_configs (name, version, embedding_model, chunk_size, chunk_overlap)"
     " VALUES ('e', 1, 'minilm', 100, 100)",
     "embedding_configs_chunk_overlap_check", ["chunk_overlap 100", "less than chunk_size 100"], InvalidInput),
    ("INSERT INTO agent_loggy.embedding_configs (name, version, embedding_model, chunk_overlap)"
     " VALUES ('e', 1, 'minilm', -1)",
     "embedding_configs_chunk_overlap_check", ["chunk_overlap -1"], InvalidInput),
    ("INSERT INTO agent_loggy.embedding_configs (name, version, embedding_model, dimensions)"
     " VALUES ('e', 1, 'minilm', 0)",
     "embedding_configs_dimensions_check", ["dimensions 0"], InvalidInput),
    ("INSERT INTO agent_loggy.context_rules (context, version) VALUES ('   ', 1)",
     "context_rules_context_check", ["invalid context"], InvalidInput),
]


def rows_everywhere(conn: Conn) -> tuple[Any, ...]:
    row = conn.execute(
        "SELECT (SELECT count(*) FROM agent_loggy.prompts), (SELECT count(*) FROM agent_loggy.model_configs),"
        " (SELECT count(*) FROM agent_loggy.embedding_configs), (SELECT count(*) FROM agent_loggy.context_rules),"
        " (SELECT count(*) FROM agent_loggy.negate_keys), (SELECT count(*) FROM agent_loggy.config_changelog)"
    ).fetchone()
    assert row is not None
    return tuple(row)


@pytest.mark.parametrize(("statement", "constraint", "words", "exc_type"), BAD_ROWS)
def test_bad_row_is_rejected_clearly_and_nothing_changes(
    conn: Conn, statement: str, constraint: str, words: list[str], exc_type: type[Exception]
) -> None:
    before = rows_everywhere(conn)
    params = ["{" + "a" * 37 + "}"] if "%s" in statement else None
    with pytest.raises(psycopg.errors.CheckViolation) as info:
        conn.execute(statement, params)
    assert info.value.diag.constraint_name == constraint
    for word in words:
        assert word in str(info.value), f"{word!r} not in {info.value}"
    mapped = map_error(info.value)
    assert type(mapped) is exc_type
    assert mapped.constraint == constraint and mapped.sqlstate == "23514"
    assert rows_everywhere(conn) == before


@pytest.mark.parametrize(("statement", "constraint", "words", "exc_type"), BAD_ROWS)
def test_check_constraints_hold_even_with_the_validation_trigger_disabled(
    conn: Conn, statement: str, constraint: str, words: list[str], exc_type: type[Exception]
) -> None:
    table = statement.split("agent_loggy.")[1].split(" ")[0]
    conn.execute(f"ALTER TABLE agent_loggy.{table} DISABLE TRIGGER t10_validate_row")
    params = ["{" + "a" * 37 + "}"] if "%s" in statement else None
    with pytest.raises(psycopg.errors.CheckViolation) as info:
        conn.execute(statement, params)
    assert info.value.diag.constraint_name == constraint


@pytest.mark.parametrize("vector", [VEC3, "[" + ",".join(["1"] * 385) + "]"])
def test_wrong_vector_dimension_is_rejected(conn: Conn, vector: str) -> None:
    before = rows_everywhere(conn)
    with pytest.raises(psycopg.errors.DataException) as info:
        conn.execute(
            "INSERT INTO agent_loggy.prompts (name, version, template, embedding) VALUES ('p', 1, 'x', %s)",
            (vector,),
        )
    assert "expected 384 dimensions" in str(info.value)
    assert isinstance(map_error(info.value), InvalidInput)
    assert rows_everywhere(conn) == before


def test_update_to_a_bad_value_is_rejected_and_row_kept(conn: Conn) -> None:
    conn.execute("INSERT INTO agent_loggy.negate_keys (label, operator, value, version) VALUES ('svc', '=', 'a', 1)")
    with pytest.raises(psycopg.errors.CheckViolation):
        conn.execute("UPDATE agent_loggy.negate_keys SET operator = '<>'")
    assert conn.execute("SELECT operator FROM agent_loggy.negate_keys").fetchone() == ("=",)


def test_labels_are_stored_distinct_and_sorted(conn: Conn) -> None:
    row = conn.execute(
        "INSERT INTO agent_loggy.prompts (name, version, template, labels)"
        " VALUES ('p', 1, 'x', '{staging,production,staging}') RETURNING labels"
    ).fetchone()
    assert row == (["production", "staging"],)


def test_null_labels_are_refused_not_silently_emptied(conn: Conn) -> None:
    with pytest.raises(psycopg.errors.NotNullViolation):
        conn.execute("INSERT INTO agent_loggy.prompts (name, version, template, labels) VALUES ('p', 1, 'x', NULL)")
    with pytest.raises(psycopg.errors.NotNullViolation):
        conn.execute("UPDATE agent_loggy.prompts SET labels = NULL WHERE name = 'trace_analysis'")
    assert conn.execute(
        "SELECT labels FROM agent_loggy.prompts WHERE name = 'trace_analysis'"
    ).fetchone() == (["production"],)


def test_duplicate_version_is_a_unique_violation(conn: Conn) -> None:
    conn.execute("INSERT INTO agent_loggy.prompts (name, version, template) VALUES ('p', 1, 'x')")
    with pytest.raises(psycopg.errors.UniqueViolation) as info:
        conn.execute("INSERT INTO agent_loggy.prompts (name, version, template) VALUES ('p', 1, 'y')")
    assert info.value.diag.constraint_name == "prompts_project_name_version_key"
