"""yoyo as a DBA runs it, and the role compose users migrate as: helpers for the yoyo and init tests.

A DBA runs the real yoyo CLI from the repository root with the shipped yoyo.ini and DATABASE_URL
in yoyo's form (what `agent-loggy-db url --yoyo` prints), either without a terminal (a script)
or at one (a person answering yoyo's questions, here through a pseudo-terminal).
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from agent_loggy_db.urls import to_yoyo, with_params
from tests.conftest import TestServer, new_database

ROOT = Path(__file__).resolve().parent.parent
YOYO = str(Path(sys.executable).with_name("yoyo"))
ROLE = "agent_loggy"
"""The compose default POSTGRES_USER: a role named exactly like the product's schema."""


def dba_env(url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": to_yoyo(url)}


def dba_yoyo(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`yoyo ARGS` from the repository root (the shipped yoyo.ini), without a terminal."""
    return subprocess.run([YOYO, *args], cwd=ROOT, env=dba_env(url), stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, check=False, timeout=300)


def yoyo_at_a_terminal(url: str, *args: str, dialogue: Sequence[tuple[str, str]]) -> tuple[int, str]:
    """`yoyo ARGS` from the repository root at a terminal: for each (question, answer) waits until
    the question appears in the output, then types the answer. Returns exit status and output."""
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen([YOYO, *args], cwd=ROOT, env=dba_env(url), stdin=slave, stdout=slave,
                                stderr=slave, close_fds=True)
    finally:
        os.close(slave)
    output = bytearray()
    try:
        seen = 0
        for question, answer in dialogue:
            seen = _read_until(master, output, question.encode(), seen) + len(question)
            os.write(master, answer.encode())
        status = proc.wait(timeout=300)
        _read_until(master, output, None, 0)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    return status, output.decode(errors="replace")


def _read_until(fd: int, output: bytearray, text: bytes | None, start: int, timeout: float = 60.0) -> int:
    """Read the terminal into output until text appears after start (None: until it closes)."""
    deadline = time.monotonic() + timeout
    while text is None or output.find(text, start) < 0:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            raise AssertionError(f"yoyo did not show {text!r} within {timeout} s; it showed:\n{output.decode()}")
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the process closed the terminal
            chunk = b""
        if not chunk:
            if text is None:
                return len(output)
            raise AssertionError(f"yoyo ended without showing {text!r}; it showed:\n{output.decode()}")
        output += chunk
    return output.find(text, start)


def yoyo_tables(url: str) -> list[str]:
    """schema.table of every table yoyo keeps its bookkeeping in, wherever it is."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind = 'r' AND c.relname IN ('_yoyo_migration', '_yoyo_log', '_yoyo_version', 'yoyo_lock')"
            " ORDER BY 1"
        ).fetchall()
    return [r[0] for r in rows]


PUBLIC_BOOKKEEPING = ["public._yoyo_log", "public._yoyo_migration", "public._yoyo_version", "public.yoyo_lock"]


@contextmanager
def database_of_agent_loggy(pg_server: TestServer, *, superuser: bool) -> Iterator[str]:
    """URL of a new empty database owned by a LOGIN role named exactly agent_loggy, as that role.

    superuser=True is the compose case (POSTGRES_USER is a superuser; 0001 installs pgvector);
    otherwise a managed service's owner (CREATEROLE, pgvector installed beforehand by the
    superuser). Roles are cluster-wide: the role is created here and dropped afterwards, and an
    agent_loggy role that was already there is never touched.
    """
    admin = pg_server.url(pg_server.maintenance_dbname)
    password = uuid.uuid4().hex
    powers = "SUPERUSER" if superuser else "NOSUPERUSER CREATEROLE NOCREATEDB NOBYPASSRLS"
    with psycopg.connect(admin, autocommit=True) as c:
        if c.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (ROLE,)).fetchone():
            pytest.fail(f"a role {ROLE} already exists on the test server; these tests create and drop their own")
        c.execute(sql.SQL("CREATE ROLE {} LOGIN " + powers + " PASSWORD {}").format(
            sql.Identifier(ROLE), sql.Literal(password)))
    try:
        with new_database(pg_server) as url:
            with psycopg.connect(url, autocommit=True) as c:
                c.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(c.info.dbname),
                                                                      sql.Identifier(ROLE)))
                if not superuser:
                    c.execute("CREATE EXTENSION vector")
            yield with_params(url, user=ROLE, password=password)
    finally:
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (ROLE,))
            c.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(ROLE)))
