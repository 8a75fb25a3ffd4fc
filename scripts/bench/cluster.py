"""The server the benchmark runs on: its own embedded one (or DATABASE_URL), a migrated template, clones.

Every figure gets a database of its own, cloned from one migrated template (the way the tests
isolate themselves), and every database the run created is dropped at the end.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from agent_loggy_db import migrations, server
from agent_loggy_db.urls import parse, redact, to_libpq, with_dbname, with_params

EMBEDDED_SETTINGS = {"shared_buffers": "1GB"}
"""Set on the benchmark's own embedded server (restarted once): the default 128MB cannot hold a
100,000 x 384 table and its HNSW index, which no real deployment would run with."""

REPORTED_SETTINGS = ("shared_buffers", "work_mem", "maintenance_work_mem", "max_parallel_workers_per_gather",
                     "effective_cache_size", "jit", "hnsw.ef_search", "synchronous_commit")


@dataclass
class Cluster:
    """A server the benchmark may create and drop databases on."""

    admin_url: str  # libpq URL of a database to connect to for CREATE / DROP DATABASE
    embedded: bool
    template: str = ""
    created: list[str] = field(default_factory=list)

    def url(self, dbname: str) -> str:
        return with_dbname(self.admin_url, dbname)

    def admin(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.admin_url, autocommit=True)

    def new_name(self, purpose: str) -> str:
        return f"bench_{purpose}_{uuid.uuid4().hex[:8]}"

    def clone(self, purpose: str) -> str:
        """A new database cloned from the migrated template; returns its URL."""
        name = self.new_name(purpose)
        self.clone_as(name)
        return self.url(name)

    @contextmanager
    def cloned(self, purpose: str) -> Iterator[str]:
        """The URL of a new clone of the template, dropped when the block ends."""
        url = self.clone(purpose)
        try:
            yield url
        finally:
            self.drop(url)

    def clone_as(self, name: str, *, file_copy: bool = False) -> None:
        strategy = sql.SQL(" STRATEGY file_copy" if file_copy else "")
        with self.admin() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}{}").format(
                sql.Identifier(name), sql.Identifier(self.template), strategy))
        self.created.append(name)

    def create_empty(self, name: str) -> str:
        with self.admin() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.created.append(name)
        return self.url(name)

    def drop(self, name_or_url: str) -> None:
        name = parse(name_or_url).get("dbname", "") if "/" in name_or_url else name_or_url
        with self.admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if name in self.created:
            self.created.remove(name)

    def describe(self) -> dict[str, str]:
        """Server version, pgvector version and the settings that matter for these figures."""
        with self.admin() as conn:
            facts: dict[str, str] = {"server": "embedded (started by the benchmark)" if self.embedded
                                     else f"DATABASE_URL {redact(self.admin_url)}"}
            row = conn.execute("SELECT current_setting('server_version')").fetchone()
            facts["PostgreSQL"] = str(row[0]) if row else "?"
            row = conn.execute("SELECT default_version FROM pg_available_extensions WHERE name = 'vector'").fetchone()
            facts["pgvector"] = str(row[0]) if row else "?"
            for name in REPORTED_SETTINGS:
                row = conn.execute("SELECT current_setting(%s, true)", (name,)).fetchone()
                facts[name] = str(row[0]) if row and row[0] is not None else "(default)"
            row = conn.execute("SELECT pg_jit_available()").fetchone()
            facts["jit available"] = "yes" if row and row[0] else "no"
        return facts


@contextmanager
def cluster(database_url: str | None, *, like_the_tests: bool = False) -> Iterator[Cluster]:
    """The benchmark's server with a migrated template database; everything created is dropped after.

    like_the_tests: an embedded server set up as tests/conftest.py sets up its own (durability off,
    server.make_disposable) instead of the benchmark's (shared_buffers raised, durable).
    """
    data_dir: Path | None = None
    if database_url:
        found = Cluster(to_libpq(database_url), embedded=False)
    else:
        data_dir = Path(tempfile.mkdtemp(prefix="agent-loggy-bench-"))
        info = server.start(data_dir)
        if like_the_tests:
            server.make_disposable(with_dbname(info.url, "postgres"))
        else:
            with psycopg.connect(info.url, autocommit=True) as conn:
                for name, value in EMBEDDED_SETTINGS.items():
                    conn.execute(sql.SQL("ALTER SYSTEM SET {} = {}").format(sql.Identifier(name),
                                                                            sql.Literal(value)))
            server.stop(data_dir)
            info = server.start(data_dir)
        found = Cluster(with_dbname(info.url, "postgres"), embedded=True)
    try:
        found.template = found.new_name("template")
        migrated = found.create_empty(found.template)
        migrations.apply(migrated)
        yield found
    finally:
        for name in list(found.created):
            try:
                found.drop(name)
            except psycopg.Error as exc:  # keep tearing down; say what was left behind
                print(f"bench: could not drop database {name}: {exc}")
        if data_dir is not None:
            server.stop(data_dir)
            shutil.rmtree(data_dir, ignore_errors=True)


def repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def machine() -> dict[str, str]:
    """CPU, cores, memory and kernel of this machine."""
    facts: dict[str, str] = {}
    try:
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), "?")
        mem = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                    if line.startswith("MemTotal")), "0")
        facts["CPU"] = cpu
        facts["memory"] = f"{int(mem) / 1024 / 1024:.0f} GiB"
    except OSError:
        facts["CPU"] = "?"
    facts["cores"] = str(os.cpu_count())
    uname = os.uname()
    facts["kernel"] = f"{uname.sysname} {uname.release} {uname.machine}"
    return facts


@contextmanager
def reader_login(url: str) -> Iterator[tuple[str, str]]:
    """A LOGIN role in agent_loggy_reader granted project default, dropped afterwards."""
    name, password = f"bench_reader_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE agent_loggy_reader").format(
            sql.Identifier(name), sql.Literal(password)))
        conn.execute("SELECT agent_loggy.grant_project(%s, 'default', 'read')", (name,))
    try:
        yield with_params(url, user=name, password=password), name
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (name,))
            conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(name)))
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))
