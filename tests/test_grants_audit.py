"""Project grants make the binding an authorization; the changelog's hash chain makes tampering evident.

Everything runs as LOGIN roles or as the database's non-superuser owner; the owner is the one who
can disable triggers, so the tampering tests tamper as the owner."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from agent_loggy_db import Settings, audit, create_pool, grants
from agent_loggy_db.errors import ConfigurationError, InvalidInput, NotFound, PermissionDenied
from agent_loggy_db.urls import parse
from tests.conftest import RoleUrl

Conn = psycopg.Connection[Any]
READER, WRITER, ADMIN = "agent_loggy_reader", "agent_loggy_writer", "agent_loggy_admin"


def user_of(url: str) -> str:
    return parse(url)["user"]


def sqlstate_of(c: Conn, query: str, *params: Any) -> tuple[str | None, str]:
    with pytest.raises(psycopg.Error) as info:
        c.execute(query, params or None)
    c.rollback()
    return info.value.sqlstate, str(info.value)


@pytest.fixture
def owner_pool(db_url: str) -> Iterator[ConnectionPool]:
    with create_pool(db_url, Settings(pool_min_size=1, pool_max_size=2)) as pool:
        yield pool


# Grants -------------------------------------------------------------------------------------------------------

def test_a_granted_reader_gets_its_production_prompt_in_one_statement(conn: Conn, role_url: RoleUrl) -> None:
    conn.execute("INSERT INTO agent_loggy.prompts (project, name, version, template, labels) "
                 "VALUES ('beta', 'trace_analysis', 1, 'beta', '{production}')")
    granted, ungranted = role_url(READER, "default"), role_url(READER)
    with psycopg.connect(granted, autocommit=True) as c:
        row = c.execute("SELECT name, version, resolved_label FROM agent_loggy.resolve_prompt('trace_analysis')")
        assert row.fetchone() == ("trace_analysis", 1, "production")
        query = "SELECT * FROM agent_loggy.resolve_prompt('trace_analysis', p_project => 'beta')"
        state, message = sqlstate_of(c, query)
        assert state == "42501" and "permission denied for project 'beta'" in message
    with psycopg.connect(ungranted, autocommit=True) as c:
        state, message = sqlstate_of(c, "SELECT * FROM agent_loggy.resolve_prompt('trace_analysis')")
        assert state == "42501" and "permission denied for project 'default'" in message


def test_binding_a_project_without_a_grant_fails_at_its_first_use_naming_it(conn: Conn, role_url: RoleUrl) -> None:
    url = role_url(READER, "beta")
    with psycopg.connect(url) as c:
        c.execute("SELECT set_config('agent_loggy.project', 'default', true)")  # cannot be refused itself
        for query in ["SELECT count(*) FROM agent_loggy.prompts",
                      "SELECT count(*) FROM agent_loggy.config_changelog",
                      "SELECT * FROM agent_loggy.resolve_prompt('trace_analysis')",
                      "SELECT agent_loggy.loki_negations('default')"]:
            c.execute("SELECT set_config('agent_loggy.project', 'default', true)")
            state, message = sqlstate_of(c, query)
            assert state == "42501" and "permission denied for project 'default'" in message, query


def test_a_revocation_holds_from_the_next_statement(conn: Conn, role_url: RoleUrl) -> None:
    url = role_url(READER, "default")
    with psycopg.connect(url, autocommit=True) as c:
        query = "SELECT version FROM agent_loggy.resolve_prompt('trace_analysis')"
        assert c.execute(query).fetchone() == (1,)
        conn.execute("SELECT agent_loggy.revoke_project(%s, 'default')", (user_of(url),))
        assert sqlstate_of(c, query)[0] == "42501"
        conn.execute("SELECT agent_loggy.grant_project(%s, 'default')", (user_of(url),))
        assert c.execute(query).fetchone() == (1,)


def test_a_grant_to_a_group_role_covers_its_members(conn: Conn, role_url: RoleUrl) -> None:
    url = role_url(READER)
    conn.execute("SELECT agent_loggy.grant_project('agent_loggy_reader', 'default')")
    with psycopg.connect(url, autocommit=True) as c:
        assert c.execute("SELECT count(*) FROM agent_loggy.resolve_prompt('trace_analysis')").fetchone() == (1,)


def test_a_read_grant_lets_no_writer_write(conn: Conn, role_url: RoleUrl) -> None:
    url = role_url(WRITER, "default", level="read")
    with psycopg.connect(url) as c:
        c.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        state, message = sqlstate_of(c, "SELECT agent_loggy.create_prompt_version('trace_analysis', 'v2', 'default')")
        assert state == "42501" and "write" in message
        c.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        state, message = sqlstate_of(c, "INSERT INTO agent_loggy.documents (project, external_id, content) "
                                        "VALUES ('default', 'd', 'x')")
        assert state == "42501" and "may only read" in message


def test_only_admin_grants_and_a_role_sees_only_its_own_grants(conn: Conn, role_url: RoleUrl) -> None:
    writer, reader = role_url(WRITER, "default"), role_url(READER, "beta")
    with psycopg.connect(writer, autocommit=True) as c:
        assert sqlstate_of(c, "SELECT agent_loggy.grant_project(%s, 'beta', 'write')", user_of(writer))[0] == "42501"
        assert sqlstate_of(c, "INSERT INTO agent_loggy.project_grants (project, grantee, level) "
                              "VALUES ('beta', %s, 'write')", user_of(writer))[0] == "42501"
        assert sqlstate_of(c, "UPDATE agent_loggy.project_grants SET level = 'write'")[0] == "42501"
        assert c.execute("SELECT project, grantee FROM agent_loggy.project_grants").fetchall() == [
            ("default", user_of(writer))], "another role's grant of another project stays hidden"
    with psycopg.connect(role_url(ADMIN), autocommit=True) as c:
        c.execute("SELECT agent_loggy.grant_project(%s, 'gamma', 'read')", (user_of(reader),))
        assert {r[0] for r in c.execute("SELECT grantee FROM agent_loggy.project_grants").fetchall()} \
            == {user_of(writer), user_of(reader)}


def test_grants_and_revocations_are_changelog_rows(owner_pool: ConnectionPool, role_url: RoleUrl) -> None:
    role = user_of(role_url(READER))
    assert grants.grant(owner_pool, role, "acme", actor="alice", summary="onboarding").level == "read"
    assert grants.grant(owner_pool, role, "acme", "write", actor="alice").level == "write"
    assert grants.grant(owner_pool, role, "acme", "write", actor="alice").level == "write"  # no change, no row
    assert grants.revoke(owner_pool, role, "acme", actor="bob") == "write"
    with pytest.raises(NotFound, match="holds no grant"):
        grants.revoke(owner_pool, role, "acme", actor="bob")
    with owner_pool.connection() as c:
        rows = c.execute("SELECT change_type, changed_by, coalesce(new_data, previous_data) ->> 'level', "
                         "change_summary FROM agent_loggy.config_changelog "
                         "WHERE config_type = 'grant' AND config_name = %s "
                         "ORDER BY id", (role,)).fetchall()
    assert rows == [("create", "alice", "read", "onboarding"), ("update", "alice", "write", None),
                    ("delete", "bob", "write", None)]


@pytest.mark.parametrize(("role", "project", "level", "expected"), [
    ("no_such_role_anywhere", "acme", "read", "no role named 'no_such_role_anywhere'"),
    ("agent_loggy_reader", "Bad Project", "read", "invalid project 'Bad Project'"),
    ("agent_loggy_reader", "acme", "admin", "invalid grant level 'admin': expected read or write"),
])
def test_a_bad_grant_names_the_value(owner_pool: ConnectionPool, role: str, project: str, level: str,
                                     expected: str) -> None:
    with pytest.raises(InvalidInput, match=expected):
        grants.grant(owner_pool, role, project, level, actor="alice")


def test_a_non_admin_gets_a_typed_permission_error(role_url: RoleUrl) -> None:
    with create_pool(role_url(WRITER, "default")) as pool, pytest.raises(PermissionDenied):
        grants.grant(pool, "agent_loggy_reader", "default", actor="me")


def cli(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "AGENT_LOGGY_DATABASE_URL"}}
    env.update(AGENT_LOGGY_DATABASE_URL=url, AGENT_LOGGY_ACTOR="ops", COLUMNS="1000")
    return subprocess.run([sys.executable, "-m", "agent_loggy_db.cli", *args], env=env, capture_output=True,
                          text=True, check=False, timeout=120)


def test_the_grant_commands(db_url: str, role_url: RoleUrl) -> None:
    role = user_of(role_url(READER))
    granted = cli("grant", role, "acme", "--level", "write", url=db_url)
    assert granted.returncode == 0 and f"{role} may write project acme" in granted.stdout, granted.stderr
    listed = cli("grants", "--project", "acme", url=db_url)
    assert listed.returncode == 0 and role in listed.stdout and "write" in listed.stdout
    revoked = cli("revoke", role, "acme", url=db_url)
    assert revoked.returncode == 0 and "revoked" in revoked.stdout
    again = cli("revoke", role, "acme", url=db_url)
    assert again.returncode == 3 and "holds no grant for project 'acme'" in again.stderr
    assert "Traceback" not in again.stderr


# The hash chain ------------------------------------------------------------------------------------------------

def make_history(conn: Conn) -> None:
    for i in range(2, 6):
        conn.execute("SELECT agent_loggy.create_prompt_version('trace_analysis', %s, 'default', '{staging}')",
                     (f"v{i}",))


def chain_of(pool: ConnectionPool, *anchors: audit.Anchor) -> audit.AuditReport:
    return audit.verify(pool, None, anchors)


def default_chain(report: audit.AuditReport) -> audit.ChainStatus:
    return next(c for c in report.chains if c.project == "default")


def test_an_intact_chain_verifies_and_its_head_is_an_anchor(conn: Conn, owner_pool: ConnectionPool,
                                                            role_url: RoleUrl) -> None:
    make_history(conn)
    report = chain_of(owner_pool)
    assert report.ok and report.trigger_problems == [] and all(c.problem is None for c in report.chains)
    head = default_chain(report)
    assert head.rows_checked == head.head_seq == 18 and head.head_hash  # seed 6, 5 output schemas, 4 versions, 3 moves
    anchor = audit.Anchor("default", head.head_seq or 0, head.head_hash or "")
    make_history(conn)
    assert chain_of(owner_pool, anchor).ok, "a chain that grew still holds its old head"
    with create_pool(role_url(READER, "default")) as pool:  # a reader verifies the projects it may read
        assert [c.project for c in audit.verify(pool).chains] == ["default"]


def tamper(conn: Conn, sql: str, *params: Any) -> None:
    """What a non-superuser owner can do: set the changelog's triggers aside and edit it."""
    conn.execute("ALTER TABLE agent_loggy.config_changelog DISABLE TRIGGER append_only")
    conn.execute("ALTER TABLE agent_loggy.config_changelog DISABLE TRIGGER t10_chain")
    conn.execute(sql, params or None)
    conn.execute("ALTER TABLE agent_loggy.config_changelog ENABLE TRIGGER t10_chain")
    conn.execute("ALTER TABLE agent_loggy.config_changelog ENABLE TRIGGER append_only")


SEQ_ID = "(SELECT id FROM agent_loggy.config_changelog WHERE project = 'default' AND chain_seq = %s)"

TAMPERING = {
    "a deleted row": (f"DELETE FROM agent_loggy.config_changelog WHERE id = {SEQ_ID}", (4,), 5,
                      "the chain jumps from place 3 to 5"),
    "an edited row": (f"UPDATE agent_loggy.config_changelog SET changed_by = 'nobody' WHERE id = {SEQ_ID}", (4,), 4,
                      "its content does not match its hash"),
    "an inserted row": ("INSERT INTO agent_loggy.config_changelog (config_type, config_id, project, config_name, "
                        "change_type, changed_by, chain_seq, prev_hash, row_hash) "
                        "SELECT 'prompt', 1, 'default', 'trace_analysis', 'update', 'nobody', max(chain_seq) + 1, "
                        "(array_agg(row_hash ORDER BY chain_seq DESC))[1], sha256('forged') "
                        "FROM agent_loggy.config_changelog WHERE project = 'default'", (), None,
                        "its content does not match its hash"),
    "the newest row deleted": ("DELETE FROM agent_loggy.config_changelog WHERE id = (SELECT max(id) FROM "
                               "agent_loggy.config_changelog WHERE project = 'default')", (), None,
                               "the newest rows were deleted"),
}


@pytest.mark.parametrize("case", list(TAMPERING))
def test_audit_verify_names_the_first_row_tampered_with(conn: Conn, owner_pool: ConnectionPool, db_url: str,
                                                         case: str) -> None:
    make_history(conn)
    sql, params, bad_seq, problem = TAMPERING[case]
    tamper(conn, sql, *params)
    report = chain_of(owner_pool)
    chain = default_chain(report)
    assert not report.ok and chain.problem is not None and problem in chain.problem, chain
    if bad_seq is not None:
        assert chain.first_bad_seq == bad_seq
    result = cli("audit", "verify", "--project", "default", url=db_url)
    assert result.returncode == 1 and "broken" in result.stdout and problem in " ".join(result.stdout.split())


def test_a_rewritten_chain_is_caught_by_an_anchor_kept_elsewhere(conn: Conn, owner_pool: ConnectionPool,
                                                                 db_url: str) -> None:
    make_history(conn)
    head = default_chain(chain_of(owner_pool))
    anchor = audit.Anchor("default", head.head_seq or 0, head.head_hash or "")
    # The owner edits a row, then recomputes every hash after it and the head: the chain is consistent again.
    tamper(conn, f"UPDATE agent_loggy.config_changelog SET changed_by = 'nobody' WHERE id = {SEQ_ID}", 2)
    conn.execute("ALTER TABLE agent_loggy.config_changelog DISABLE TRIGGER append_only")
    conn.execute("""
        DO $$
        DECLARE r agent_loggy.config_changelog; prev bytea;
        BEGIN
            FOR r IN SELECT * FROM agent_loggy.config_changelog WHERE project = 'default' ORDER BY chain_seq LOOP
                r.prev_hash := prev;
                prev := agent_loggy.changelog_row_digest(r, prev);
                UPDATE agent_loggy.config_changelog SET prev_hash = r.prev_hash, row_hash = prev WHERE id = r.id;
            END LOOP;
            UPDATE agent_loggy.changelog_heads SET last_hash = prev WHERE project = 'default';
        END $$""")
    conn.execute("ALTER TABLE agent_loggy.config_changelog ENABLE TRIGGER append_only")
    assert chain_of(owner_pool).ok, "a consistent rewrite passes the chain check alone"
    report = chain_of(owner_pool, anchor)
    assert not report.ok and "the chain was rewritten" in report.anchor_problems[0]
    result = cli("audit", "verify", "--anchor", str(anchor), url=db_url)
    assert result.returncode == 1 and "rewritten" in result.stdout


def test_audit_verify_reports_a_disabled_changelog_trigger(conn: Conn, owner_pool: ConnectionPool) -> None:
    conn.execute("ALTER TABLE agent_loggy.prompts DISABLE TRIGGER write_changelog")
    report = chain_of(owner_pool)
    assert report.trigger_problems == ["trigger write_changelog on agent_loggy.prompts is disabled"]
    assert not report.ok


def test_a_bad_anchor_is_a_clear_error() -> None:
    with pytest.raises(ConfigurationError, match="expected PROJECT:SEQ:HASH"):
        audit.Anchor.parse("default:7:nothex")
