"""One PostgreSQL server per session, a migrated template database, a fresh clone per test.

The server is the embedded one (started in a temporary directory and removed at the end), or
the server named by AGENT_LOGGY_TEST_DSN. pytest-postgresql builds the template database once
with every migration applied and clones it (CREATE DATABASE ... TEMPLATE) for each test.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo
from pytest_postgresql import factories

from agent_loggy_db import migrations, server
from agent_loggy_db.urls import parse, to_libpq, with_dbname, with_params

TEST_DB = "agent_loggy_test"


@dataclass(frozen=True)
class TestServer:
    """Connection facts in the shape pytest-postgresql's noproc `depends_on` expects."""

    __test__ = False  # not a test class, though its name starts with Test

    host: str
    port: int
    user: str
    password: str | None
    maintenance_dbname: str
    options: str = ""
    template_dbname: str | None = None  # the template itself is created from template1

    def url(self, dbname: str) -> str:
        conninfo = make_conninfo(host=self.host, port=self.port, user=self.user, dbname=dbname,
                                 password=self.password or None)
        return to_libpq(conninfo)


def _from_url(url: str) -> TestServer:
    p = parse(url)
    return TestServer(
        host=p.get("host", "localhost"),
        port=int(p.get("port", "5432")),
        user=p.get("user", os.environ.get("USER", "postgres")),
        password=p.get("password") or None,
        maintenance_dbname=p.get("dbname", "postgres"),
    )


@pytest.fixture(scope="session")
def pg_server() -> Iterator[TestServer]:
    dsn = os.environ.get("AGENT_LOGGY_TEST_DSN")
    if dsn:
        yield _from_url(dsn)
        return
    data_dir = Path(tempfile.mkdtemp(prefix="alt-"))
    try:
        info = server.start(data_dir)
        server.make_disposable(with_dbname(info.url, "postgres"))  # a throw-away server: no fsync
        yield _from_url(with_dbname(info.url, "postgres"))
    finally:
        server.stop(data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)


def load_migrations(host: str, port: int, user: str, dbname: str, password: str | None, **_: Any) -> None:
    """pytest-postgresql loader: apply every migration to the template database."""
    migrations.apply(TestServer(host, port, user, password, "postgres").url(dbname))


postgresql_noproc = factories.postgresql_noproc(depends_on="pg_server", dbname=TEST_DB, load=[load_migrations])
postgresql = factories.postgresql("postgresql_noproc")


@pytest.fixture
def db_url(postgresql: psycopg.Connection[Any], pg_server: TestServer) -> str:
    """URL of this test's freshly cloned, fully migrated database."""
    return pg_server.url(postgresql.info.dbname)


@pytest.fixture
def conn(postgresql: psycopg.Connection[Any]) -> psycopg.Connection[Any]:
    """An autocommit connection to this test's database (use conn.transaction() for a block)."""
    postgresql.autocommit = True
    return postgresql


@pytest.fixture
def empty_db_url(pg_server: TestServer) -> Iterator[str]:
    """URL of a brand-new empty database (no migrations), dropped afterwards."""
    name = f"alt_empty_{uuid.uuid4().hex[:12]}"
    admin = pg_server.url(pg_server.maintenance_dbname)
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield pg_server.url(name)
    finally:
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


GROUP_ROLES = ("agent_loggy_reader", "agent_loggy_writer", "agent_loggy_admin")


@pytest.fixture
def role_url(db_url: str, pg_server: TestServer) -> Iterator[Callable[[str], str]]:
    """role_url(group) -> URL of this test's database for a new LOGIN role granted that group role.

    The roles are cluster-wide: each gets a unique name and a password (so a password-checking
    DATABASE_URL server accepts it too), and is dropped after the test.
    """
    admin = pg_server.url(pg_server.maintenance_dbname)
    created: list[str] = []

    def make(group: str) -> str:
        if group not in GROUP_ROLES:
            raise ValueError(f"unknown group role {group!r}: expected one of {GROUP_ROLES}")
        name, password = f"alt_{group.removeprefix('agent_loggy_')}_{uuid.uuid4().hex[:10]}", uuid.uuid4().hex
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE {}").format(
                sql.Identifier(name), sql.Literal(password), sql.Identifier(group)))
        created.append(name)
        return with_params(db_url, user=name, password=password)

    yield make
    with psycopg.connect(admin, autocommit=True) as c:
        for name in created:
            c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (name,))
            c.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))
