"""Reads from a real hot standby (pg_basebackup of the embedded server): routing, a cache that never stores
the version before a change it was told of (replay paused on purpose), cross-process staleness, a standby
that stops, and a primary that stops while its standby is promoted. Agents are reader logins, publishers
writer logins. Marked `replication` (run by `.ci/run` after the default suite); timings are bounds.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pytest

from agent_loggy_db import (
    AsyncPromptRegistry,
    PromptRegistry,
    Search,
    Settings,
    create_async_pool,
    create_pool,
    prompts,
)
from agent_loggy_db.cache import lsn_number, lsn_text
from agent_loggy_db.pool import async_readers, readers, wait_replayed
from scripts.standby import READER, WRITER, Pair, start_pair
from tests.test_outage import wait_for

pytestmark = pytest.mark.replication
SETTINGS = Settings(pool_min_size=1, pool_max_size=2, connect_timeout=2, fetch_timeout=3.0, replica_wait=0.1)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    made = start_pair()
    try:
        yield made
    finally:
        made.close()


def heard_after(reg: PromptRegistry, change: Callable[[], int]) -> int:
    """Make a change; return its result once the registry's listener has heard of it."""
    heard = reg.cache.stats.notifications
    result = change()
    wait_for(lambda: reg.cache.stats.notifications > heard, 5)
    return result


def routed(pair: Pair, role: str) -> Any:
    return create_pool(pair.url(role), SETTINGS, replica_urls=[pair.url(role, standby=True)])


def publish(pair: Pair, name: str, template: str) -> int:
    """A new version of `name` labelled staging, by a writer on the primary; its number."""
    with create_pool(pair.url(WRITER), SETTINGS) as pool, PromptRegistry(pool, cache=False) as reg:
        return reg.publish(name, template, actor="ci", labels=["staging"]).version or 0


def test_reads_go_to_a_standby_and_writes_to_the_primary(pair: Pair) -> None:
    with routed(pair, WRITER) as pool:
        with readers(pool).connection() as r, pool.connection() as w:
            assert r.execute("SELECT pg_is_in_recovery()").fetchone() == (True,)
            assert w.execute("SELECT pg_is_in_recovery()").fetchone() == (False,)
        with PromptRegistry(pool) as reg:  # the writer's own reads see its writes at once
            for n in range(3):
                version = reg.publish("routed", f"v{n}", actor="ci", labels=["staging"]).version
                assert reg.get_prompt("routed", label="staging").version == version
        assert Search(pool).keyword_search_documents("anything") == []
    with create_pool(pair.url(READER), SETTINGS) as single:
        assert readers(single) is single, "no replica: one pool, as before"
    unmanaged = routed(pair, READER)  # opened by create_pool, not by `with`: both pools
    try:
        with readers(unmanaged).connection() as r:
            assert r.execute("SELECT pg_is_in_recovery()").fetchone() == (True,)
    finally:
        unmanaged.close()
    assert readers(unmanaged).closed, "closing the pool closes its replicas' pool"

    async def twin() -> tuple[bool, int | None, int | None]:
        async with await create_async_pool(pair.url(WRITER), SETTINGS,
                                           replica_urls=[pair.url(WRITER, standby=True)]) as apool, \
                AsyncPromptRegistry(apool) as areg:
            async with async_readers(apool).connection() as r:
                standby = await (await r.execute("SELECT pg_is_in_recovery()")).fetchone() == (True,)
            published = (await areg.publish("routed", "async", actor="ci", labels=["staging"])).version
            return standby, published, (await areg.get_prompt("routed", label="staging")).version

    standby, published, read = asyncio.run(twin())
    assert standby and read == published, "the async twin routes and reads its own write"
    multi = f"postgresql://{READER}@/agent_loggy?host={pair.standby_pgdata},{pair.primary_socket}"
    with create_pool(multi, SETTINGS) as pool, readers(pool).connection() as r, pool.connection() as w:
        assert r.execute("SELECT pg_is_in_recovery()").fetchone() == (True,)
        assert w.execute("SELECT pg_is_in_recovery()").fetchone() == (False,), "read-write finds the primary"


def test_a_lagging_replica_never_gets_the_old_version_cached(pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    """Replay paused: after the notification, the registry waits replica_wait for the standby, then reads
    the primary; without the fence (the control) it caches the standby's old version and keeps it."""
    publish(pair, "lagging", "one")
    pair.wait_replayed()
    for fenced in (True, False):
        if not fenced:
            monkeypatch.setattr(prompts, "_fenced", lambda call, fence: call)
        with routed(pair, READER) as pool, PromptRegistry(pool) as reg:
            wait_for(lambda: reg.cache.live, 10)
            before = reg.get_prompt("lagging", label="staging")
            with pair.superuser(standby=True) as s:
                s.execute("SELECT pg_wal_replay_pause()")
                try:
                    newer = heard_after(reg, partial(publish, pair, "lagging", f"newer {fenced}"))
                    served = {reg.get_prompt("lagging", label="staging").version for _ in range(50)}
                    assert s.execute("SELECT template FROM agent_loggy.prompts WHERE name = 'lagging' "
                                     "ORDER BY version DESC LIMIT 1").fetchone() != (f"newer {fenced}",), \
                        "the standby still has the old version"
                finally:
                    s.execute("SELECT pg_wal_replay_resume()")
            if fenced:
                assert served == {newer}, "the old version was read from the standby after the change was heard"
            else:
                assert served == {before.version}, "the control: without the fence the old version is cached"
        pair.wait_replayed()


def test_staleness_across_processes_reading_from_a_standby(pair: Pair) -> None:
    """A reader process serves each new version within a bound of its commit, and never an older one after
    a newer one; p50 / p99 printed (-s)."""
    first = publish(pair, "stale", "v0")
    changes = 30
    reader = subprocess.Popen([sys.executable, "-m", "scripts.bench.replica_reader", pair.url(READER),
                               pair.url(READER, standby=True), "stale", str(first + changes), "0.1"],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": ROOT})
    try:
        assert reader.stdout is not None
        assert reader.stdout.readline().strip() == "ready"
        committed: dict[int, float] = {}
        with create_pool(pair.url(WRITER), SETTINGS) as pool, PromptRegistry(pool, cache=False) as reg:
            for n in range(changes):
                version = reg.publish("stale", f"v{n + 1}", actor="ci", labels=["staging"]).version or 0
                committed[version] = time.monotonic()
                time.sleep(0.05)
        out, _ = reader.communicate(timeout=30)
    finally:
        reader.kill()
    served = [(int(v), float(t)) for v, t in (line.split() for line in out.strip().splitlines())]
    versions = [v for v, _ in served]
    assert versions == sorted(versions), "an older version was served after a newer one"
    delays = sorted((t - committed[v]) * 1000 for v, t in served if v in committed)
    assert len(delays) >= changes * 0.8, served  # a version replaced before the reader looked is skipped
    p50, p99 = statistics.median(delays), delays[min(len(delays) - 1, int(len(delays) * 0.99))]
    print(json.dumps({"staleness_ms": {"p50": round(p50, 2), "p99": round(p99, 2), "n": len(delays)}}))
    assert p99 < 1000, delays


def test_a_stopped_standby_moves_reads_to_the_primary_within_the_connect_timeout(pair: Pair) -> None:
    publish(pair, "failover", "one")
    with routed(pair, READER) as pool, PromptRegistry(pool, cache=False) as reg:
        assert reg.get_prompt("failover", label="staging").template == "one"
        pair.stop_standby()
        try:
            started = time.monotonic()
            assert reg.get_prompt("failover", label="staging").template == "one"
            assert Search(pool).keyword_search_documents("anything") == []
            assert time.monotonic() - started < SETTINGS.connect_timeout + 1
            with readers(pool).connection() as r:
                assert r.execute("SELECT pg_is_in_recovery()").fetchone() == (False,)
        finally:
            pair.start_standby()
    pair.wait_replayed()


def test_a_hung_standby_sends_reads_to_the_primary_within_the_connect_timeout(
        pair: Pair, caplog: pytest.LogCaptureFixture) -> None:
    """A standby that accepts connections and never answers (its postmaster stopped): reads go to the primary
    once the replicas' pool has waited a connect timeout, and stay there for a while (no wait each time)."""
    publish(pair, "hung", "one")
    pair.wait_replayed()
    postmaster = int((pair.standby_pgdata / "postmaster.pid").read_text().split()[0])
    os.kill(postmaster, signal.SIGSTOP)
    try:
        with routed(pair, READER) as pool, PromptRegistry(pool, cache=False) as reg:
            started = time.monotonic()
            assert reg.get_prompt("hung", label="staging").template == "one"
            assert time.monotonic() - started < SETTINGS.connect_timeout + 1.5
            started = time.monotonic()
            assert Search(pool).keyword_search_documents("anything") == []
            assert reg.get_prompt("hung", label="staging").template == "one"
            assert time.monotonic() - started < 0.5, "the replicas are left alone for a while"
            assert readers(pool) is pool
        warned = [r for r in caplog.records if "the replicas could not be reached" in r.getMessage()]
        assert len(warned) == 1, "one warning per pause, not one per read"
    finally:
        os.kill(postmaster, signal.SIGCONT)
    pair.wait_replayed()


def test_waiting_for_a_standby_holds_up_no_replay(pair: Pair) -> None:
    """A reader waiting for its standby polls agent_loggy.replayed() with short statements: it holds no
    snapshot between them, so a vacuum's cleanup that conflicts with the reader's earlier reads replays at
    once (a statement that waited would hold its snapshot and stop replay for max_standby_streaming_delay)."""
    with pair.superuser() as p:
        p.execute("CREATE TABLE public.churn (i int, pad text) WITH (autovacuum_enabled = off)")
        p.execute("INSERT INTO public.churn SELECT g, repeat('x', 100) FROM generate_series(1, 5000) AS g")
        p.execute("GRANT SELECT ON public.churn TO PUBLIC")
        row = p.execute("SELECT pg_current_wal_insert_lsn()::text").fetchone()
    assert row is not None
    target = lsn_text(lsn_number(str(row[0])) + 2_000_000)
    pair.wait_replayed()

    def churn() -> None:
        time.sleep(0.3)
        with pair.superuser() as p:
            p.execute("DELETE FROM public.churn")
            p.execute("VACUUM public.churn")  # a cleanup record: it conflicts with snapshots that saw the rows
            p.execute("CREATE TABLE public.filler AS "
                      "SELECT g, repeat('y', 200) AS pad FROM generate_series(1, 20000) AS g")

    thread = threading.Thread(target=churn)
    try:
        with routed(pair, READER) as pool:
            with readers(pool).connection() as r:
                assert r.execute("SELECT count(*) FROM public.churn").fetchone() == (5000,)
            thread.start()
            started = time.monotonic()
            assert wait_replayed(readers(pool), target, 8.0), "the standby never replayed past the target"
            assert time.monotonic() - started < 4.0
    finally:
        thread.join()
        with pair.superuser() as p:
            p.execute("DROP TABLE IF EXISTS public.churn, public.filler")


def test_a_stopped_primary_serves_cached_prompts_stale_and_writers_follow_the_promoted_standby() -> None:
    pair = start_pair()  # this one ends with the standby promoted
    try:
        publish(pair, "promoted", "before")
        pair.wait_replayed()
        with routed(pair, READER) as reads, PromptRegistry(reads) as reg, routed(pair, WRITER) as writes, \
                PromptRegistry(writes, cache=False) as publisher:
            wait_for(lambda: reg.cache.live, 10)
            assert reg.get_prompt("promoted", label="staging").template == "before"
            pair.stop_primary()
            wait_for(lambda: reg.cache.outage_since is not None, 10)
            stale = reg.get_prompt("promoted", label="staging")
            assert stale.template == "before" and stale.is_stale
            with pair.superuser(standby=True) as s:
                assert s.execute("SELECT pg_promote(true, 30)").fetchone() == (True,)
            wait_for(lambda: reg.cache.live, 15)  # the listener found the new primary by itself
            version = publisher.publish("promoted", "after", actor="ci", labels=["staging"]).version
            wait_for(lambda: reg.get_prompt("promoted", label="staging").version == version, 5)
            assert not reg.get_prompt("promoted", label="staging").is_stale
    finally:
        pair.close()
