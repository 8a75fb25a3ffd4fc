"""One PostgreSQL server per session, a migrated template database, a fresh clone per test.

The server is the embedded one (started in a temporary directory and removed at the end), or
the server named by AGENT_LOGGY_TEST_DSN. pytest-postgresql builds the template database once
with every migration applied and clones it (CREATE DATABASE ... TEMPLATE) for each test.

Deployed as on a managed service: the databases belong to a LOGIN role that is not a superuser
(OWNER, with CREATEROLE for the group roles of 0012), pgvector is installed beforehand by the
superuser (the one statement an administrator runs: CREATE EXTENSION vector), and the migrations
run as that owner. `conn` and `db_url` are the owner's; the superuser is only a convenience for
setting up what no user of the product could (roles, other databases): `superuser_conn`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

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


OWNER = "alt_owner"
"""The non-superuser LOGIN role that owns the test databases and runs the migrations."""
_OWNER_PASSWORD = uuid.uuid4().hex


def _ensure_owner(admin: psycopg.Connection[Any]) -> None:
    """The owner role as a managed service's main user is: LOGIN CREATEROLE, never SUPERUSER."""
    exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (OWNER,)).fetchone()
    verb = "ALTER" if exists else "CREATE"
    admin.execute(sql.SQL(verb + " ROLE {} LOGIN CREATEROLE NOSUPERUSER NOCREATEDB NOBYPASSRLS PASSWORD {}").format(
        sql.Identifier(OWNER), sql.Literal(_OWNER_PASSWORD)))


def owned_by_owner(superuser_url: str) -> str:
    """Give the database of superuser_url to OWNER with pgvector installed, as an administrator of a
    managed service would (CREATE EXTENSION vector); returns the owner's URL of that database."""
    with psycopg.connect(superuser_url, autocommit=True) as c:
        _ensure_owner(c)
        c.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(c.info.dbname), sql.Identifier(OWNER)))
        c.execute("CREATE EXTENSION IF NOT EXISTS vector")
    return with_params(superuser_url, user=OWNER, password=_OWNER_PASSWORD)


def load_migrations(host: str, port: int, user: str, dbname: str, password: str | None, **_: Any) -> None:
    """pytest-postgresql loader: the template database is the owner's, migrated by the owner."""
    migrations.apply(owned_by_owner(TestServer(host, port, user, password, "postgres").url(dbname)))


postgresql_noproc = factories.postgresql_noproc(depends_on="pg_server", dbname=TEST_DB, load=[load_migrations])
postgresql = factories.postgresql("postgresql_noproc")


@pytest.fixture
def superuser_url(postgresql: psycopg.Connection[Any], pg_server: TestServer) -> str:
    """The superuser's URL of this test's database: for setting up, never for the behaviour under test."""
    return pg_server.url(postgresql.info.dbname)


@pytest.fixture
def db_url(superuser_url: str) -> str:
    """The owner's URL of this test's freshly cloned, fully migrated database (the clone is the owner's too)."""
    return owned_by_owner(superuser_url)


@pytest.fixture
def conn(db_url: str) -> Iterator[psycopg.Connection[Any]]:
    """An autocommit connection as the owner to this test's database (conn.transaction() for a block)."""
    with psycopg.connect(db_url, autocommit=True) as c:
        yield c


@pytest.fixture
def superuser_conn(postgresql: psycopg.Connection[Any]) -> psycopg.Connection[Any]:
    """An autocommit superuser connection to this test's database, for setup only."""
    postgresql.autocommit = True
    return postgresql


@contextmanager
def new_database(pg_server: TestServer) -> Iterator[str]:
    """The superuser's URL of a new empty database, dropped at the end."""
    name = f"alt_empty_{uuid.uuid4().hex[:12]}"
    admin = pg_server.url(pg_server.maintenance_dbname)
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield pg_server.url(name)
    finally:
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def empty_db_url(pg_server: TestServer) -> Iterator[str]:
    """The owner's URL of a brand-new database with pgvector installed and nothing else (no migrations)."""
    with new_database(pg_server) as url:
        yield owned_by_owner(url)


@pytest.fixture
def superuser_empty_db_url(pg_server: TestServer) -> Iterator[str]:
    """The superuser's URL of a brand-new empty database, without pgvector (0001 installs it)."""
    with new_database(pg_server) as url:
        yield url


GROUP_ROLES = ("agent_loggy_reader", "agent_loggy_writer", "agent_loggy_admin")


class RoleUrl(Protocol):
    def __call__(self, group: str | None, *projects: str, level: str | None = None) -> str: ...


@pytest.fixture
def role_url(db_url: str, pg_server: TestServer) -> Iterator[RoleUrl]:
    """role_url(group, *projects) -> URL of this test's database for a new LOGIN role granted that group
    role (None: none) and, by the owner, each of `projects` (level: read for readers, write otherwise).

    The roles are cluster-wide: each gets a unique name and a password (so a password-checking
    DATABASE_URL server accepts it too), and is dropped after the test.
    """
    admin = pg_server.url(pg_server.maintenance_dbname)
    created: list[str] = []

    def make(group: str | None, *projects: str, level: str | None = None) -> str:
        if group is not None and group not in GROUP_ROLES:
            raise ValueError(f"unknown group role {group!r}: expected one of {GROUP_ROLES}")
        short = group.removeprefix("agent_loggy_") if group else "nogroup"
        name, password = f"alt_{short}_{uuid.uuid4().hex[:10]}", uuid.uuid4().hex
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(name), sql.Literal(password)))
            if group is not None:
                c.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(name)))
        created.append(name)
        grant = level or ("read" if group == "agent_loggy_reader" else "write")
        with psycopg.connect(db_url, autocommit=True) as owner:
            for project in projects:
                owner.execute("SELECT agent_loggy.grant_project(%s, %s, %s)", (name, project, grant))
        return with_params(db_url, user=name, password=password)

    yield make
    with psycopg.connect(admin, autocommit=True) as c:
        for name in created:
            c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (name,))
            c.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))
