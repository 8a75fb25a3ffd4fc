"""Settings read from the environment, typed and checked once."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from agent_loggy_db.errors import ConfigurationError

DEFAULT_DATA_DIR = ".agent_loggy"

N = TypeVar("N", int, float)


@dataclass(frozen=True)
class Settings:
    """Where the database is and how the pool behaves.

    database_url: a real server (DATABASE_URL); None means the embedded server in data_dir.
    """

    database_url: str | None = None
    data_dir: Path = Path(DEFAULT_DATA_DIR)
    pool_min_size: int = 1
    pool_max_size: int = 10
    pool_timeout: float = 30.0
    connect_timeout: int = 10

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read DATABASE_URL, AGENT_LOGGY_DATA_DIR and AGENT_LOGGY_POOL_* / _CONNECT_TIMEOUT."""
        env = os.environ if environ is None else environ
        settings = cls(
            database_url=env.get("DATABASE_URL") or None,
            data_dir=Path(env.get("AGENT_LOGGY_DATA_DIR") or DEFAULT_DATA_DIR).expanduser(),
            pool_min_size=_number(env, "AGENT_LOGGY_POOL_MIN_SIZE", cls.pool_min_size, int, minimum=0),
            pool_max_size=_number(env, "AGENT_LOGGY_POOL_MAX_SIZE", cls.pool_max_size, int, minimum=1),
            pool_timeout=_number(env, "AGENT_LOGGY_POOL_TIMEOUT", cls.pool_timeout, float, minimum=0.1),
            connect_timeout=_number(env, "AGENT_LOGGY_CONNECT_TIMEOUT", cls.connect_timeout, int, minimum=1),
        )
        if settings.pool_max_size < settings.pool_min_size:
            raise ConfigurationError(
                f"AGENT_LOGGY_POOL_MAX_SIZE={settings.pool_max_size} is below "
                f"AGENT_LOGGY_POOL_MIN_SIZE={settings.pool_min_size}: expected max >= min"
            )
        return settings


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
