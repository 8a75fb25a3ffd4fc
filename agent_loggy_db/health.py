"""The checks behind `agent-loggy-db doctor` and the facts behind `status`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import psycopg
from packaging.version import InvalidVersion, Version

from agent_loggy_db import audit, migrations
from agent_loggy_db.errors import AgentLoggyError, translated_errors
from agent_loggy_db.settings import Settings
from agent_loggy_db.urls import YOYO_SCHEMA, redact, to_libpq

Status = Literal["ok", "warn", "fail"]

HNSW_MIN = Version("0.5")
ITERATIVE_SCAN_MIN = Version("0.8")

TABLES = ("prompts", "model_configs", "embedding_configs", "context_rules", "negate_keys", "config_changelog")


@dataclass(frozen=True)
class Check:
    """One verdict of doctor: name, ok / warn / fail, and what was found."""

    name: str
    status: Status
    detail: str


@dataclass(frozen=True)
class ServerFacts:
    """What status reports about a database."""

    server_version: str
    pgvector_installed: str | None
    pgvector_available: str | None
    row_counts: dict[str, int]


def parse_version(text: str) -> Version | None:
    """'0.8.1' -> Version('0.8.1'), ordered as PEP 440 orders them (0.8.0rc1 < 0.8.0 < 0.10.0); a version
    packaging cannot read ('0.8.1-custom') is read as its leading dotted numbers; None: no version at all."""
    try:
        return Version(text)
    except InvalidVersion:
        leading = re.match(r"\s*(\d+(?:\.\d+)*)", text)
        return Version(leading.group(1)) if leading else None


def judge_pgvector(installed: str | None, available: str | None) -> Check:
    """HNSW needs pgvector >= 0.5; below 0.8 there are no iterative index scans (warn)."""
    if installed is None:
        if available is None:
            return Check("pgvector", "fail", "the vector extension is not available on this server")
        return Check("pgvector", "warn", f"{available} available but not installed yet (migrate installs it)")
    version = parse_version(installed)
    if version is None:
        return Check("pgvector", "fail", f"{installed!r} installed: not a version this check can read")
    if version < HNSW_MIN:
        return Check("pgvector", "fail", f"{installed} installed: HNSW indexes need 0.5 or newer")
    if version < ITERATIVE_SCAN_MIN:
        return Check(
            "pgvector", "warn", f"{installed} installed: below 0.8 filtered searches lack iterative scans"
        )
    return Check("pgvector", "ok", f"{installed} installed")


def judge_bookkeeping(found: dict[str, int]) -> Check:
    """yoyo's tables belong in YOYO_SCHEMA; another set recording our migrations, or any set inside
    schema agent_loggy, was left by a yoyo run without ?schema=public (e.g. as a role named
    agent_loggy) and would stop a rollback of 0002 (DROP SCHEMA without CASCADE)."""
    stray = [s for s, n in sorted(found.items()) if s != YOYO_SCHEMA and (n or s == "agent_loggy")]
    if not stray:
        return Check("yoyo bookkeeping", "ok", f"in schema {YOYO_SCHEMA}")
    drops = "; ".join(
        f"DROP TABLE {s}._yoyo_migration, {s}._yoyo_log, {s}._yoyo_version, {s}.yoyo_lock" for s in stray
    )
    return Check(
        "yoyo bookkeeping",
        "warn",
        f"a second set in schema {', '.join(stray)}, left by yoyo without ?schema={YOYO_SCHEMA}; once "
        f"{YOYO_SCHEMA}._yoyo_migration records every applied migration, remove it: {drops}",
    )


CONNECT_TIMEOUT = Settings.connect_timeout
"""Seconds to wait for a connection (AGENT_LOGGY_CONNECT_TIMEOUT's default)."""


def facts(url: str, *, connect_timeout: int = CONNECT_TIMEOUT) -> ServerFacts:
    """Server version, pgvector versions and row counts of our tables (0 when absent)."""
    with translated_errors(), psycopg.connect(to_libpq(url), connect_timeout=connect_timeout) as conn:
        version = conn.execute("SHOW server_version").fetchone()
        ext = conn.execute(
            "SELECT installed_version, default_version FROM pg_available_extensions WHERE name = 'vector'"
        ).fetchone()
        counts: dict[str, int] = {}
        for table in TABLES:
            exists = conn.execute("SELECT to_regclass(%s)", (f"agent_loggy.{table}",)).fetchone()
            if exists and exists[0] is not None:
                row = conn.execute(f"SELECT count(*) FROM agent_loggy.{table}").fetchone()
                counts[table] = int(row[0]) if row else 0
    return ServerFacts(
        server_version=str(version[0]) if version else "?",
        pgvector_installed=ext[0] if ext else None,
        pgvector_available=ext[1] if ext else None,
        row_counts=counts,
    )


def invalid_indexes(url: str, *, connect_timeout: int = CONNECT_TIMEOUT) -> list[str]:
    """Indexes of the agent_loggy schema left invalid (e.g. by a failed CREATE INDEX CONCURRENTLY)."""
    with translated_errors(), psycopg.connect(to_libpq(url), connect_timeout=connect_timeout) as conn:
        rows = conn.execute(
            """
            SELECT format('%I.%I', n.nspname, c.relname)
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indexrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'agent_loggy' AND NOT (i.indisvalid AND i.indisready)
            ORDER BY 1
            """
        ).fetchall()
    return [r[0] for r in rows]


def judge_changelog(url: str, *, connect_timeout: int = CONNECT_TIMEOUT) -> Check:
    """The changelog's hash chains (of the projects this role may read) and its triggers (audit.check)."""
    with translated_errors(), psycopg.connect(to_libpq(url), connect_timeout=connect_timeout) as conn:
        report = audit.check(conn)
    broken = [f"{c.project}: row id {c.first_bad_id}: {c.problem}" for c in report.chains if c.problem]
    problems = broken + report.trigger_problems
    if problems:
        return Check("changelog", "fail", "; ".join(problems) + " (see agent-loggy-db audit verify)")
    return Check("changelog", "ok", f"{len(report.chains)} hash chain(s) intact, triggers enabled")


def run_checks(url: str, *, connect_timeout: int = CONNECT_TIMEOUT) -> list[Check]:
    """Connection, pgvector, pending migrations, yoyo's bookkeeping, invalid indexes and the changelog
    chain; stops after a failed connection."""
    try:
        info = facts(url, connect_timeout=connect_timeout)
    except AgentLoggyError as exc:
        return [Check("connection", "fail", f"cannot connect to {redact(url)}: {exc}")]
    checks = [Check("connection", "ok", f"PostgreSQL {info.server_version} at {redact(url)}")]
    checks.append(judge_pgvector(info.pgvector_installed, info.pgvector_available))
    try:
        waiting = migrations.pending(url)
    except AgentLoggyError as exc:
        checks.append(Check("migrations", "fail", str(exc)))
    else:
        if waiting:
            checks.append(
                Check("migrations", "fail", f"{len(waiting)} pending: {', '.join(waiting)} (run migrate)")
            )
        else:
            checks.append(Check("migrations", "ok", "all applied"))
        checks.append(judge_bookkeeping(migrations.bookkeeping_schemas(url)))
        if not waiting:
            checks.append(judge_changelog(url, connect_timeout=connect_timeout))
    broken = invalid_indexes(url, connect_timeout=connect_timeout)
    if broken:
        checks.append(
            Check("indexes", "fail", f"invalid: {', '.join(broken)} (rebuild with REINDEX INDEX CONCURRENTLY)")
        )
    else:
        checks.append(Check("indexes", "ok", "all valid"))
    return checks
