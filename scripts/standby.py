"""A real primary and hot standby of the embedded server, for the replication tests and benchmark figure 21.

The primary is an embedded server of its own (never the session's shared one), migrated, with a reader
login granted project default and a writer login; the standby is made with the embedded package's own
pg_basebackup (-R: streaming replication, hot_standby on by default) and started with pg_ctl beside it,
listening on a socket in its own data directory. Both run as the system user the embedded server runs
as under root.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from agent_loggy_db import migrations, server

READER, WRITER = "rep_reader", "rep_writer"
OS_USER = server.SYSTEM_USER if os.geteuid() == 0 else None


def _run(*args: str) -> None:
    result = subprocess.run(args, user=OS_USER, capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, (args, result.stdout[-2000:], result.stderr[-2000:])


@dataclass
class Pair:
    """A primary (embedded server in root/primary) and its standby (root/standby/pgdata)."""

    root: Path

    @property
    def primary_socket(self) -> Path:
        return server.pgdata_of(self.root / "primary")

    @property
    def standby_pgdata(self) -> Path:
        return self.root / "standby" / "pgdata"

    def url(self, role: str, *, standby: bool = False) -> str:
        """The agent_loggy database on one of the two servers, as `role` (trust over the socket)."""
        return f"postgresql://{role}@/agent_loggy?host={self.standby_pgdata if standby else self.primary_socket}"

    def start_standby(self) -> None:
        _run(str(server.bin_dir() / "pg_ctl"), "-D", str(self.standby_pgdata), "-l", str(self.root / "standby" / "log"),
             "-w", "-t", "60", "-o", f"-h '' -k {self.standby_pgdata}", "start")

    def stop_standby(self) -> None:
        _run(str(server.bin_dir() / "pg_ctl"), "-D", str(self.standby_pgdata), "-m", "fast", "-w", "stop")

    def stop_primary(self) -> None:
        server.stop(self.root / "primary")

    def superuser(self, *, standby: bool = False) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(self.url("postgres", standby=standby), autocommit=True)

    def wait_replayed(self, timeout: float = 10.0) -> None:
        """Until the standby has replayed everything the primary has written."""
        with self.superuser() as p:
            target = p.execute("SELECT pg_current_wal_insert_lsn()::text").fetchone()
        deadline = time.monotonic() + timeout
        with self.superuser(standby=True) as s:
            while s.execute("SELECT agent_loggy.replayed(%s::pg_lsn)", target).fetchone() != (True,):
                assert time.monotonic() < deadline, f"the standby did not replay up to {target} in {timeout} s"
                time.sleep(0.005)

    def close(self) -> None:
        if (self.standby_pgdata / "postmaster.pid").exists():
            subprocess.run([str(server.bin_dir() / "pg_ctl"), "-D", str(self.standby_pgdata), "-m", "immediate",
                            "stop"], user=OS_USER, capture_output=True, check=False)
        server.stop(self.root / "primary")
        shutil.rmtree(self.root, ignore_errors=True)


def start_pair() -> Pair:
    """A migrated primary with READER (granted default) and WRITER logins, and its streaming standby."""
    root = Path(tempfile.mkdtemp(prefix="alrep-"))
    pair = Pair(root)
    try:
        info = server.start(root / "primary")
        migrations.apply(info.url)
        with psycopg.connect(info.url, autocommit=True) as c:
            c.execute(f"CREATE ROLE {READER} LOGIN IN ROLE agent_loggy_reader")
            c.execute(f"CREATE ROLE {WRITER} LOGIN IN ROLE agent_loggy_writer")
            for role, level in ((READER, "read"), (WRITER, "write")):
                c.execute("SELECT agent_loggy.grant_project(%s, 'default', %s)", (role, level))
        (root / "standby").mkdir()
        if OS_USER is not None:
            shutil.chown(root / "standby", OS_USER, OS_USER)
        _run(str(server.bin_dir() / "pg_basebackup"), "-D", str(pair.standby_pgdata), "-R", "-X", "stream",
             "-c", "fast", "-d", f"host={pair.primary_socket} user=postgres")
        for lock in pair.standby_pgdata.glob(".s.PGSQL.*"):  # the primary's socket lock, copied
            lock.unlink()
        pair.start_standby()
        pair.wait_replayed()
    except BaseException:
        pair.close()
        raise
    return pair
