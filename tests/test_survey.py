"""Whose database: what survey() finds in a database and what it says migrating would create."""

from __future__ import annotations

import psycopg

from agent_loggy_db import migrations
from agent_loggy_db.survey import GROUP_ROLES, YOYO_TABLES, Survey, survey

YOYO_PLAN = f"yoyo's bookkeeping tables {', '.join(YOYO_TABLES)} in schema public"


def test_an_empty_database_with_pgvector_needs_no_confirmation(empty_db_url: str) -> None:
    found = survey(empty_db_url)
    assert not found.has_schema and found.others == () and not found.needs_confirmation
    assert found.vector_installed and found.current_schema == "public"
    plan = found.creates()
    assert plan[0] == "schema agent_loggy (tables, functions, the seeded prompts)"
    assert plan[-1] == YOYO_PLAN and "extension vector" not in plan


def test_without_pgvector_the_plan_names_the_extension(superuser_empty_db_url: str) -> None:
    assert "extension vector" in survey(superuser_empty_db_url).creates()


def test_a_migrated_database_is_ours_and_nothing_is_left_to_create(db_url: str) -> None:
    found = survey(db_url)
    assert found.has_schema and not found.needs_confirmation
    assert found.creates() == [], "schema, pgvector, group roles and yoyo's tables all exist"


def test_every_kind_of_foreign_object_is_named(empty_db_url: str) -> None:
    with psycopg.connect(empty_db_url, autocommit=True) as conn:
        for statement in (
            "CREATE SCHEMA billing",
            "CREATE TABLE public.customers (id serial PRIMARY KEY)",
            "CREATE VIEW billing.open_invoices AS SELECT 1 AS id",
            "CREATE TYPE public.mood AS ENUM ('ok')",
            "CREATE DOMAIN public.cents AS bigint",
            "CREATE FUNCTION billing.total(int) RETURNS int LANGUAGE sql RETURN $1",
        ):
            conn.execute(statement)
    found = survey(empty_db_url)
    assert found.others == (
        "schema billing",
        "view billing.open_invoices",
        "table public.customers",
        "sequence public.customers_id_seq",
        "function billing.total(integer)",
        "type cents",
        "type mood",
    ), "schemas, then relations, functions and types, each sorted by name; pgvector's own objects not among them"
    assert found.needs_confirmation
    assert found.others_summary() == (
        f"7 objects of something else ({', '.join(found.others[:5])} and 2 more)"
    )


def test_extensions_and_yoyos_own_tables_are_not_someone_elses(superuser_empty_db_url: str) -> None:
    with psycopg.connect(superuser_empty_db_url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION vector")  # as an administrator installs them: their objects are not data
        conn.execute("CREATE EXTENSION pg_trgm")
        conn.execute("CREATE TABLE public.yoyo_lock (locked int PRIMARY KEY)")  # as yoyo leaves it behind
    found = survey(superuser_empty_db_url)
    assert found.others == () and not found.needs_confirmation
    assert found.missing_yoyo_tables == ("_yoyo_migration", "_yoyo_log", "_yoyo_version")


def test_a_database_rolled_back_to_nothing_needs_no_confirmation(empty_db_url: str) -> None:
    migrations.apply(empty_db_url)
    migrations.rollback(empty_db_url, count=None)
    found = survey(empty_db_url)
    assert not found.has_schema and found.others == () and not found.needs_confirmation


def test_the_summary_names_one_object_in_the_singular() -> None:
    found = Survey(has_schema=False, others=("table public.t",), vector_installed=True, missing_roles=GROUP_ROLES,
                   current_schema=None, missing_yoyo_tables=YOYO_TABLES)
    assert found.others_summary() == "1 object of something else (table public.t)"
    assert found.creates()[1:] == [
        "group roles agent_loggy_reader, agent_loggy_writer, agent_loggy_admin (cluster-wide)",
        f"yoyo's bookkeeping tables {', '.join(YOYO_TABLES)} in the current schema",
    ]
