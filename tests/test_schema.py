"""The migrated schema holds every table, column, constraint, index and trigger as specified."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

Conn = psycopg.Connection[Any]

CONFIG_TABLES = ["prompts", "model_configs", "embedding_configs", "context_rules", "negate_keys"]

COMMON = {
    "id": ("bigint", True, None),
    "project": ("text", True, "'default'::text"),
    "version": ("integer", True, None),
    "is_active": ("boolean", True, "true"),
    "created_at": ("timestamp with time zone", True, "now()"),
    "updated_at": ("timestamp with time zone", True, "now()"),
}

COLUMNS = {
    "prompts": {
        "name": "text", "type": "text", "template": "text", "description": "text", "usage": "text",
        "model": "text", "parameters": "jsonb", "embedding": "vector(384)", "labels": "text[]",
        "variables": "text[]", "created_by": "text",
    },
    "model_configs": {
        "name": "text", "model_provider": "text", "model_name": "text", "parameters": "jsonb", "labels": "text[]",
    },
    "embedding_configs": {
        "name": "text", "embedding_model": "text", "dimensions": "integer", "chunk_size": "integer",
        "chunk_overlap": "integer", "chunking_strategy": "text", "parameters": "jsonb",
    },
    "context_rules": {
        "context": "text", "important": "text", "ignore": "text", "description": "text",
        "embedding": "vector(384)",
    },
    "negate_keys": {"label": "text", "operator": "text", "value": "text"},
    "config_changelog": {
        "id": "bigint", "config_type": "text", "config_id": "bigint", "project": "text", "config_name": "text",
        "previous_version": "integer", "new_version": "integer", "change_type": "text",
        "change_summary": "text", "previous_data": "jsonb", "new_data": "jsonb", "changed_by": "text",
        "changed_at": "timestamp with time zone",
    },
}

UNIQUE = {
    "prompts": ["project", "name", "version"],
    "model_configs": ["project", "name", "version"],
    "embedding_configs": ["project", "name", "version"],
    "context_rules": ["project", "context", "version"],
    "negate_keys": ["project", "label", "operator", "value", "version"],
}


def columns(conn: Conn, table: str) -> dict[str, tuple[str, bool, str | None, str]]:
    rows = conn.execute(
        """
        SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
               pg_get_expr(d.adbin, d.adrelid), a.attidentity
        FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped
        """,
        (f"agent_loggy.{table}",),
    ).fetchall()
    return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}


def index_defs(conn: Conn, table: str) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT indexdef FROM pg_indexes WHERE schemaname = 'agent_loggy' AND tablename = %s", (table,)
    ).fetchall()]


def test_vector_extension_is_installed(conn: Conn) -> None:
    row = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'").fetchone()
    assert row is not None
    assert tuple(int(p) for p in row[0].split(".")[:2]) >= (0, 5)


@pytest.mark.parametrize("table", CONFIG_TABLES)
def test_config_tables_carry_the_common_columns(conn: Conn, table: str) -> None:
    cols = columns(conn, table)
    for name, (typ, notnull, default) in COMMON.items():
        assert cols[name][:3] == (typ, notnull, default), f"{table}.{name}: {cols[name]}"
    assert cols["id"][3] == "a", "id is GENERATED ALWAYS AS IDENTITY"
    pk = conn.execute(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
        (f"agent_loggy.{table}",),
    ).fetchone()
    assert pk == ("PRIMARY KEY (id)",)


@pytest.mark.parametrize("table", [*CONFIG_TABLES, "config_changelog"])
def test_table_specific_columns_have_their_types(conn: Conn, table: str) -> None:
    cols = columns(conn, table)
    for name, typ in COLUMNS[table].items():
        assert name in cols, f"{table}.{name} missing"
        assert cols[name][0] == typ, f"{table}.{name} is {cols[name][0]}, expected {typ}"


@pytest.mark.parametrize("table", CONFIG_TABLES)
def test_natural_keys_are_unique_per_version(conn: Conn, table: str) -> None:
    defs = [r[0] for r in conn.execute(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'u'",
        (f"agent_loggy.{table}",),
    ).fetchall()]
    assert f"UNIQUE ({', '.join(UNIQUE[table])})" in defs


def test_prompt_and_changelog_not_null_rules(conn: Conn) -> None:
    prompts = columns(conn, "prompts")
    assert prompts["template"][1] and prompts["labels"][1]
    assert prompts["labels"][2] == "'{}'::text[]"
    changelog = columns(conn, "config_changelog")
    for name in ("config_type", "config_id", "project", "config_name", "change_type", "changed_by", "changed_at"):
        assert changelog[name][1], f"config_changelog.{name} should be NOT NULL"


def test_embedding_config_defaults(conn: Conn) -> None:
    cols = columns(conn, "embedding_configs")
    assert cols["dimensions"][2] == "384"
    assert cols["chunk_size"][2] == "512"
    assert cols["chunk_overlap"][2] == "50"
    assert cols["chunking_strategy"][2] == "'late_chunking'::text"


def test_prompt_indexes(conn: Conn) -> None:
    defs = index_defs(conn, "prompts")
    assert any("USING btree (project, name)" in d and "UNIQUE" not in d for d in defs)
    assert any("USING gin (labels)" in d for d in defs)
    assert any("USING hnsw (embedding vector_cosine_ops)" in d for d in defs)


def test_other_indexes(conn: Conn) -> None:
    assert any("USING gin (labels)" in d for d in index_defs(conn, "model_configs"))
    assert any("USING hnsw (embedding vector_cosine_ops)" in d for d in index_defs(conn, "context_rules"))
    changelog = index_defs(conn, "config_changelog")
    for cols in ("(config_type, config_id)", "(changed_at)", "(transaction_id)",
                 "(project, config_type, config_name, GREATEST(previous_version, new_version))"):
        assert any(f"USING btree {cols}" in d for d in changelog), cols


@pytest.mark.parametrize("table", CONFIG_TABLES)
def test_triggers_are_attached(conn: Conn, table: str) -> None:
    names = {r[0] for r in conn.execute(
        "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
        (f"agent_loggy.{table}",),
    ).fetchall()}
    assert {"t10_validate_row", "t90_touch_updated_at", "write_changelog"} <= names
    if table == "prompts":
        assert "t20_derive_variables" in names


def test_changelog_has_its_append_only_trigger(conn: Conn) -> None:
    row = conn.execute(
        "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = 'agent_loggy.config_changelog'::regclass"
        " AND tgname = 'append_only'"
    ).fetchone()
    assert row is not None
    assert "BEFORE DELETE OR UPDATE OR TRUNCATE" in row[0]


def test_every_table_function_and_schema_has_a_comment(conn: Conn) -> None:
    missing = [r[0] for r in conn.execute(
        """
        SELECT 'table ' || c.relname FROM pg_class c
        WHERE c.relnamespace = 'agent_loggy'::regnamespace AND c.relkind IN ('r', 'p')
          AND obj_description(c.oid, 'pg_class') IS NULL
        UNION ALL
        SELECT 'function ' || p.oid::regprocedure FROM pg_proc p
        WHERE p.pronamespace = 'agent_loggy'::regnamespace AND obj_description(p.oid, 'pg_proc') IS NULL
        UNION ALL
        SELECT 'schema' WHERE obj_description('agent_loggy'::regnamespace, 'pg_namespace') IS NULL
        """
    ).fetchall()]
    assert missing == []


def test_non_obvious_columns_have_comments(conn: Conn) -> None:
    obvious = {"id", "created_at", "updated_at", "description"}
    missing = [r[0] for r in conn.execute(
        """
        SELECT c.relname || '.' || a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        WHERE c.relnamespace = 'agent_loggy'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND a.attnum > 0
          AND NOT a.attisdropped AND col_description(c.oid, a.attnum) IS NULL AND a.attname <> ALL(%s)
        """,
        (list(obvious),),
    ).fetchall()]
    assert missing == []
