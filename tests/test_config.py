"""Settings from the environment and the two URL forms."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_loggy_db import ConfigurationError, Settings
from agent_loggy_db.urls import redact, to_libpq, to_yoyo, with_dbname, with_params


def test_defaults_without_environment() -> None:
    s = Settings.from_env({})
    assert s.database_url is None and s.data_dir == Path(".agent_loggy")
    assert (s.pool_min_size, s.pool_max_size) == (1, 10)


def test_environment_overrides() -> None:
    s = Settings.from_env({
        "DATABASE_URL": "postgresql://u@h/db", "AGENT_LOGGY_DATA_DIR": "/tmp/x",
        "AGENT_LOGGY_POOL_MIN_SIZE": "2", "AGENT_LOGGY_POOL_MAX_SIZE": "4", "AGENT_LOGGY_POOL_TIMEOUT": "1.5",
    })
    assert (s.database_url, s.data_dir, s.pool_min_size, s.pool_max_size, s.pool_timeout) == (
        "postgresql://u@h/db", Path("/tmp/x"), 2, 4, 1.5
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"AGENT_LOGGY_POOL_MAX_SIZE": "ten"}, "AGENT_LOGGY_POOL_MAX_SIZE='ten' is not a valid int"),
        ({"AGENT_LOGGY_POOL_MAX_SIZE": "0"}, "expected at least 1"),
        ({"AGENT_LOGGY_POOL_MIN_SIZE": "5", "AGENT_LOGGY_POOL_MAX_SIZE": "2"}, "expected max >= min"),
        ({"AGENT_LOGGY_POOL_TIMEOUT": "-1"}, "AGENT_LOGGY_POOL_TIMEOUT='-1' is too small"),
    ],
)
def test_bad_settings_name_variable_and_value(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Settings.from_env(env)


@pytest.mark.parametrize(
    ("given", "libpq", "yoyo"),
    [
        ("postgresql://postgres:@/postgres?host=/tmp/pg", "postgresql://postgres@/postgres?host=/tmp/pg",
         "postgresql+psycopg://postgres@/postgres?host=/tmp/pg&schema=public"),
        ("postgresql+psycopg://u:p%40ss@db.example:5433/agent?sslmode=require",
         "postgresql://u:p%40ss@db.example:5433/agent?sslmode=require",
         "postgresql+psycopg://u:p%40ss@db.example:5433/agent?schema=public&sslmode=require"),
        ("host=/run/pg dbname=foo user=bar", "postgresql://bar@/foo?host=/run/pg",
         "postgresql+psycopg://bar@/foo?host=/run/pg&schema=public"),
        ("postgres://u@h/d", "postgresql://u@h/d", "postgresql+psycopg://u@h/d?schema=public"),
        ("postgresql+psycopg://agent_loggy@/agent_loggy?host=/run/pg&schema=public",
         "postgresql://agent_loggy@/agent_loggy?host=/run/pg",
         "postgresql+psycopg://agent_loggy@/agent_loggy?host=/run/pg&schema=public"),
        ("postgresql+psycopg://u@h/d?schema=public&sslmode=require", "postgresql://u@h/d?sslmode=require",
         "postgresql+psycopg://u@h/d?schema=public&sslmode=require"),
    ],
)
def test_url_forms(given: str, libpq: str, yoyo: str) -> None:
    assert to_libpq(given) == libpq
    assert to_yoyo(given) == yoyo
    assert to_libpq(to_yoyo(given)) == libpq


def test_with_dbname_and_redact() -> None:
    assert with_dbname("postgresql://u:secret@h:1/a", "b") == "postgresql://u:secret@h:1/b"
    assert with_params("postgresql://u:secret@h:1/a", user="o'brien", password=None) == "postgresql://o%27brien@h:1/a"
    assert "secret" not in redact("postgresql://u:secret@h:1/a")
    assert redact("mysql://nope") == "<invalid database URL>"


def test_yoyo_urls_pin_the_bookkeeping_schema_and_only_public_is_accepted() -> None:
    """yoyo keeps its tables in current_schema(): schema agent_loggy for a role named agent_loggy,
    unless its URL says ?schema=public (yoyo then runs SET search_path TO public)."""
    assert to_yoyo("postgresql://agent_loggy:pw@db:5432/agent_loggy").endswith("/agent_loggy?schema=public")
    with pytest.raises(ConfigurationError, match=r"unsupported yoyo schema 'agent_loggy'.*use \?schema=public"):
        to_libpq("postgresql+psycopg://u@h/d?schema=agent_loggy")


@pytest.mark.parametrize("bad", ["mysql://u@h/d", "postgresql://u@h/d?nosuchoption=1"])
def test_bad_urls_are_configuration_errors(bad: str) -> None:
    with pytest.raises(ConfigurationError):
        to_libpq(bad)
