"""Settings from the environment and the two URL forms."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from psycopg.conninfo import make_conninfo
from yoyo.backends.core.postgresql import PostgresqlPsycopgBackend
from yoyo.connections import parse_uri

from agent_loggy_db import ConfigurationError, Settings
from agent_loggy_db.urls import parse, redact, to_libpq, to_yoyo, with_dbname, with_params


def test_defaults_without_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    s = Settings.from_env({})
    assert s.database_url is None and s.database_url_variable is None
    assert s.data_dir == tmp_path / "agent-loggy-db", "the user's data directory, not one relative to the cwd"
    assert (s.pool_min_size, s.pool_max_size) == (1, 10)
    assert Settings().data_dir == s.data_dir


def test_data_dir_default_is_per_user_and_the_same_from_every_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    seen = set()
    for cwd in (tmp_path, tmp_path / "home"):
        cwd.mkdir(exist_ok=True)
        monkeypatch.chdir(cwd)
        seen.add(Settings.from_env({}).data_dir)
    assert seen == {tmp_path / "home" / ".local" / "share" / "agent-loggy-db"}
    assert Settings.from_env({"AGENT_LOGGY_DATA_DIR": ".agent_loggy"}).data_dir == Path(".agent_loggy")
    assert Settings.from_env({"AGENT_LOGGY_DATA_DIR": "~/pg"}).data_dir == tmp_path / "home" / "pg"


def test_roots_default_data_dir_is_a_system_one_unless_xdg_data_home_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert Settings.from_env({}).data_dir == Path("/var/lib/agent-loggy-db"), "not under /root, closed to others"
    monkeypatch.setenv("XDG_DATA_HOME", "/srv/data")
    assert Settings.from_env({}).data_dir == Path("/srv/data/agent-loggy-db")


def test_agent_loggy_database_url_wins_over_database_url() -> None:
    both = Settings.from_env({"AGENT_LOGGY_DATABASE_URL": "postgresql://ours@h/a", "DATABASE_URL": "postgresql://app@h/b"})
    assert (both.database_url, both.database_url_variable) == ("postgresql://ours@h/a", "AGENT_LOGGY_DATABASE_URL")
    generic = Settings.from_env({"AGENT_LOGGY_DATABASE_URL": " ", "DATABASE_URL": "postgresql://app@h/b"})
    assert (generic.database_url, generic.database_url_variable) == ("postgresql://app@h/b", "DATABASE_URL")


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


@pytest.mark.parametrize(
    ("given", "libpq", "yoyo"),
    [
        ("postgresql://u@[::1]:5437/db", "postgresql://u@[::1]:5437/db", "postgresql+psycopg://u@[::1]:5437/db"),
        ("host=::1 port=5437 user=u dbname=db", "postgresql://u@[::1]:5437/db", "postgresql+psycopg://u@[::1]:5437/db"),
        ("postgresql://u@[2001:db8::7]/db", "postgresql://u@[2001:db8::7]/db", "postgresql+psycopg://u@[2001:db8::7]/db"),
        ("postgresql://u@h1:5432,h2:5433/db?target_session_attrs=read-write",
         "postgresql://u@h1:5432,h2:5433/db?target_session_attrs=read-write",
         "postgresql+psycopg://u@/db?host=h1,h2&port=5432,5433&target_session_attrs=read-write"),
        ("host=a,b port=5432,5433 dbname=db", "postgresql://a:5432,b:5433/db",
         "postgresql+psycopg:///db?host=a,b&port=5432,5433"),
        ("host=a,b port=5432 dbname=db", "postgresql:///db?host=a,b&port=5432",
         "postgresql+psycopg:///db?host=a,b&port=5432"),
        ("postgresql://u@[::1]:5432,h2/db", "postgresql://u@[::1]:5432,h2/db",
         "postgresql+psycopg://u@/db?host=::1,h2&port=5432,"),
        ("postgresql://u@/my%20db?host=/run/pg&options=-c%20search_path%3Dx%2By",
         "postgresql://u@/my%20db?host=/run/pg&options=-c%20search_path%3Dx%2By",
         "postgresql+psycopg://u@/?dbname=my%20db&host=/run/pg&options=-c%20search_path%3Dx%2By"),
    ],
)
def test_ipv6_multi_host_and_quoted_urls(given: str, libpq: str, yoyo: str) -> None:
    assert to_libpq(given) == libpq
    base, _, query = yoyo.partition("?")
    assert to_yoyo(given) == base + "?" + "&".join(sorted([*filter(None, query.split("&")), "schema=public"]))
    assert parse(libpq) == parse(yoyo) == parse(given), "every form means the same connection to libpq"
    assert "%3A" not in libpq + yoyo, "an IPv6 address is never percent-encoded into a port"


ODD = {"user": "us@r:x", "password": "p@ss:w/o?r#d% é*'\\", "host": "db.example", "port": "5433",
       "dbname": "my/db é"}
ODD_DSN = make_conninfo(**ODD)
"""Every character a URL gives a meaning to, in a user name, a password and a database name."""


def test_odd_characters_survive_every_form_and_the_password_never_shows() -> None:
    for form in (to_libpq(ODD_DSN), to_yoyo(ODD_DSN), to_libpq(to_yoyo(ODD_DSN)), redact(ODD_DSN)):
        assert "p@ss" not in form and "é" not in form, "percent-encoded, once"
    assert parse(ODD_DSN) == parse(to_libpq(ODD_DSN)) == parse(to_yoyo(ODD_DSN)) == ODD
    assert redact(ODD_DSN) == "postgresql://us%40r%3Ax:***@db.example:5433/my%2Fdb%20%C3%A9"
    assert redact(ODD_DSN.replace("host=db.example", "host=nowhere nosuchoption=1")) == "<invalid database URL>"


class _RecordingDriver:
    """Stands in for psycopg in yoyo's backend: records what yoyo would connect with."""

    DatabaseError = Exception

    def __init__(self) -> None:
        self.kwargs: dict[str, Any] = {}

    def connect(self, **kwargs: Any) -> SimpleNamespace:
        self.kwargs = kwargs
        return SimpleNamespace(autocommit=False)


@pytest.mark.parametrize("given", [
    "postgresql://u:p%40ss@[::1]:5437/db",
    "postgresql://u@h1:5432,h2:5433/db?target_session_attrs=read-write",
    "postgresql://u@[::1]:5432,h2/db",
    "host=a,b port=5432 dbname=db",
    "postgresql://postgres@/postgres?host=/tmp/pg%20dir",
    "postgresql://u@/my%20db?host=/run/pg&options=-c%20search_path%3Dx%2By",
    ODD_DSN,
])
def test_yoyo_connects_with_exactly_the_parameters_libpq_reads(given: str) -> None:
    backend = PostgresqlPsycopgBackend.__new__(PostgresqlPsycopgBackend)
    driver = _RecordingDriver()
    backend._driver = driver
    backend.connect(parse_uri(to_yoyo(given)))  # yoyo's own URL parser and connect(), psycopg recorded
    used = {k: str(v) for k, v in driver.kwargs.items() if k != "autocommit" and v not in (None, "")}
    assert used == parse(given)


def test_with_params_and_redact_keep_host_lists_and_ipv6() -> None:
    multi = "postgresql://u:secret@h1:5432,h2:5433/a?target_session_attrs=read-write"
    assert with_dbname(multi, "b") == "postgresql://u:secret@h1:5432,h2:5433/b?target_session_attrs=read-write"
    assert redact(multi) == "postgresql://u:***@h1:5432,h2:5433/a?target_session_attrs=read-write"
    assert with_params("postgresql://u@[::1]:5437/a", user="o", port="5438") == "postgresql://o@[::1]:5438/a"
    with pytest.raises(ConfigurationError, match="nosuchoption"):
        with_params("postgresql://u@h/a", nosuchoption="1")


def test_an_unparsable_url_is_named_without_its_password() -> None:
    with pytest.raises(ConfigurationError) as caught:
        to_libpq("postgresql://u:hunter2@h/d?nosuchoption=1")
    assert "hunter2" not in str(caught.value) and "postgresql://u:***@h/d?nosuchoption=1" in str(caught.value)
    with pytest.raises(ConfigurationError) as keyword:
        to_libpq("user=u password=hunter2 nosuchoption=1")
    assert "hunter2" not in str(keyword.value)


def test_cli_pools_keep_every_setting_of_the_environment(db_url: str) -> None:
    """A CLI command behind PgBouncer (AGENT_LOGGY_PREPARED_STATEMENTS=off) must not prepare either."""
    from agent_loggy_db.cli.db import command_pool

    settings = Settings(database_url=db_url, prepared_statements=False, pool_max_size=9)
    with command_pool(settings, max_size=2) as pool:
        assert isinstance(pool.kwargs, dict) and pool.kwargs["prepare_threshold"] is None
        assert (pool.min_size, pool.max_size) == (1, 2)
