"""doctor's verdicts and the error mapping."""

from __future__ import annotations

import psycopg
import pytest
from packaging.version import Version

from agent_loggy_db import (
    AlreadyExists,
    ConnectionFailed,
    DatabaseError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    health,
    map_error,
)


@pytest.mark.parametrize(
    ("installed", "available", "status"),
    [("0.8.6", "0.8.6", "ok"), ("0.7.4", "0.7.4", "warn"), ("0.5.0", None, "warn"), ("0.4.4", None, "fail"),
     (None, "0.8.0", "warn"), (None, None, "fail")],
)
def test_pgvector_verdicts(installed: str | None, available: str | None, status: str) -> None:
    assert health.judge_pgvector(installed, available).status == status


@pytest.mark.parametrize(("installed", "status"), [
    ("0.10.0", "ok"),  # compared as numbers, not text
    ("0.8.0rc1", "warn"),  # a pre-release comes before its release (read as 0.8.1 before packaging)
    ("0.5.0.dev2", "fail"),
    ("0.8.1-custom", "ok"),  # not PEP 440: read as its leading numbers
    ("unknown", "fail"),
])
def test_pgvector_versions_are_ordered_as_pep_440_orders_them(installed: str, status: str) -> None:
    assert health.judge_pgvector(installed, installed).status == status


def test_parse_version() -> None:
    assert health.parse_version("0.8.6") == health.parse_version("0.8.6.0") == Version("0.8.6") > Version("0.8.6rc1")
    assert health.parse_version("0.8.6rc1") == Version("0.8.6rc1")
    assert health.parse_version(" 0.7.4 (custom build)") == health.parse_version("0.7.4")
    assert health.parse_version("dev") is None


def test_checks_on_a_migrated_database_pass(db_url: str) -> None:
    checks = {c.name: c for c in health.run_checks(db_url)}
    assert list(checks) == ["connection", "pgvector", "migrations", "yoyo bookkeeping", "changelog", "indexes"]
    assert [c.status for c in checks.values()] == ["ok"] * 6
    assert checks["changelog"].detail.endswith("hash chain(s) intact, triggers enabled")
    assert health.facts(db_url).row_counts["prompts"] == 5


@pytest.mark.parametrize(("found", "status"), [
    ({}, "ok"), ({"public": 13}, "ok"), ({"public": 13, "other_app": 0}, "ok"),
    ({"public": 13, "agent_loggy": 0}, "warn"), ({"public": 13, "legacy": 2}, "warn"),
])
def test_yoyo_bookkeeping_verdicts(found: dict[str, int], status: str) -> None:
    check = health.judge_bookkeeping(found)
    assert check.status == status
    if status == "warn":
        stray = next(s for s in found if s != "public")
        assert f"DROP TABLE {stray}._yoyo_migration, {stray}._yoyo_log" in check.detail


def test_checks_on_an_empty_database_fail_on_migrations(superuser_empty_db_url: str) -> None:
    checks = {c.name: c for c in health.run_checks(superuser_empty_db_url)}
    assert checks["migrations"].status == "fail" and "pending" in checks["migrations"].detail
    assert checks["pgvector"].status == "warn"


def test_unreachable_server_is_one_failed_check() -> None:
    checks = health.run_checks("postgresql://nobody@/nodb?host=/nonexistent/socket/dir")
    assert [(c.name, c.status) for c in checks] == [("connection", "fail")]


def test_sqlstates_map_to_typed_errors(conn: psycopg.Connection[object]) -> None:
    cases: list[tuple[str, type[DatabaseError]]] = [
        ("DO $$ BEGIN RAISE EXCEPTION 'gone' USING ERRCODE = 'P0002'; END $$", NotFound),
        ("SELECT 1/0", InvalidInput),
        ("INSERT INTO agent_loggy.prompts (name, version, template) VALUES ('trace_analysis', 1, 'x')",
         AlreadyExists),
        ("DO $$ BEGIN RAISE EXCEPTION 'no' USING ERRCODE = '42501'; END $$", PermissionDenied),
        ("SELEC 1", DatabaseError),
    ]
    for statement, expected in cases:
        with pytest.raises(psycopg.Error) as info:
            conn.execute(statement)
        assert type(map_error(info.value)) is expected, statement


def test_connection_errors_map_to_connection_failed() -> None:
    with pytest.raises(psycopg.OperationalError) as info:
        psycopg.connect("postgresql://nobody@/nodb?host=/nonexistent/socket/dir")
    assert isinstance(map_error(info.value), ConnectionFailed)
