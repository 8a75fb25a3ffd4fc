"""A database that goes away under a live registry: cached prompts are served stale at once, uncached
calls fail (or fall back) within fetch_timeout, the listener logs once per outage, and when the
database returns the registry recovers by itself and reads every prompt afresh.

The module stops and restarts an embedded server of its own (never the session's shared one); the
registry connects as a reader login granted project default. Timings are bounds, not benchmarks.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from agent_loggy_db import (
    AsyncPromptRegistry,
    ConnectionFailed,
    PromptRegistry,
    Settings,
    create_async_pool,
    create_pool,
    migrations,
    server,
)
from agent_loggy_db.urls import with_params

READER = "outage_reader"
FETCH_TIMEOUT = 2.0
SETTINGS = Settings(pool_min_size=1, pool_max_size=2, pool_timeout=30.0, connect_timeout=2)


@pytest.fixture(scope="module")
def own_server() -> Iterator[tuple[Path, str]]:
    data_dir = Path(tempfile.mkdtemp(prefix="aloutage-"))
    try:
        info = server.start(data_dir)
        server.make_disposable(with_params(info.url, dbname="postgres"))
        migrations.apply(info.url)
        with psycopg.connect(info.url, autocommit=True) as c:
            c.execute(f"CREATE ROLE {READER} LOGIN IN ROLE agent_loggy_reader")
            c.execute("SELECT agent_loggy.grant_project(%s, 'default')", (READER,))
        yield data_dir, info.url
    finally:
        server.stop(data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)


def wait_for(condition: Callable[[], bool], timeout: float) -> float:
    """Seconds until condition held; fails after timeout."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, "timed out"
        time.sleep(0.01)
    return time.monotonic() - started


def publish_production(admin_url: str, text: str) -> int:
    with psycopg.connect(admin_url, autocommit=True) as c:
        row = c.execute("SELECT version FROM agent_loggy.create_prompt_version('trace_analysis', %s, 'default', "
                        "'{production}')", (text,)).fetchone()
    assert row is not None
    return int(row[0])


def outage_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "agent_loggy_db.cache" and r.levelno == logging.WARNING]


def test_a_registry_serves_stale_prompts_through_an_outage_and_recovers(
        own_server: tuple[Path, str], caplog: pytest.LogCaptureFixture) -> None:
    data_dir, admin_url = own_server
    caplog.set_level(logging.WARNING, logger="agent_loggy_db.cache")
    with create_pool(with_params(admin_url, user=READER), SETTINGS) as pool, \
            PromptRegistry(pool, fetch_timeout=FETCH_TIMEOUT, reconnect_delay=0.2) as reg:
        wait_for(lambda: reg.cache.live, 10)
        before = reg.get_prompt("trace_analysis")
        assert not before.is_stale and before.confirmed_at is None

        server.stop(data_dir)
        wait_for(lambda: reg.cache.outage_since is not None, 10)
        started = time.monotonic()
        stale = reg.get_prompt("trace_analysis")
        assert time.monotonic() - started < 0.05, "a cached prompt is served at once"
        assert stale.is_stale and stale.confirmed_at is not None and stale.template == before.template

        started = time.monotonic()
        with pytest.raises(ConnectionFailed):
            reg.get_prompt("relevance_analysis")
        assert time.monotonic() - started < FETCH_TIMEOUT + 1
        started = time.monotonic()
        assert reg.get_prompt("relevance_analysis", fallback="Judge {trace_id}").is_fallback
        assert time.monotonic() - started < FETCH_TIMEOUT + 1
        time.sleep(1.5)  # several reconnect attempts
        assert len(outage_warnings(caplog)) == 1, "one warning per outage, not one per attempt"

        server.start(data_dir)
        version = publish_production(admin_url, "changed while the registry was away")
        wait_for(lambda: reg.cache.live, 10)
        fresh = reg.get_prompt("trace_analysis")
        assert (fresh.version, fresh.is_stale) == (version, False), "revalidated, not the old entry"
        assert reg.get_prompt("relevance_analysis").version == 1
        assert len(outage_warnings(caplog)) == 2 and "is back" in outage_warnings(caplog)[1]


def test_the_async_registry_does_the_same(own_server: tuple[Path, str]) -> None:
    data_dir, admin_url = own_server

    async def scenario() -> None:
        pool = await create_async_pool(with_params(admin_url, user=READER), SETTINGS)
        try:
            async with AsyncPromptRegistry(pool, fetch_timeout=FETCH_TIMEOUT, reconnect_delay=0.2) as reg:
                for _ in range(1000):
                    if reg.cache.live:
                        break
                    await asyncio.sleep(0.01)
                before = await reg.get_prompt("trace_analysis")
                server.stop(data_dir)
                for _ in range(1000):
                    if reg.cache.outage_since is not None:
                        break
                    await asyncio.sleep(0.01)
                started = time.monotonic()
                stale = await reg.get_prompt("trace_analysis")
                assert time.monotonic() - started < 0.05 and stale.is_stale and stale.version == before.version
                started = time.monotonic()
                with pytest.raises(ConnectionFailed):
                    await reg.get_prompt("quality_assessment")
                assert time.monotonic() - started < FETCH_TIMEOUT + 1
                server.start(data_dir)
                version = publish_production(admin_url, "changed during the async outage")
                for _ in range(1000):
                    if reg.cache.live:
                        break
                    await asyncio.sleep(0.01)
                fresh = await reg.get_prompt("trace_analysis")
                assert (fresh.version, fresh.is_stale) == (version, False)
        finally:
            await pool.close()

    asyncio.run(scenario())
