"""The NOTIFY-invalidated prompt cache: fresh across processes, never stale when the listener is down."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from textwrap import dedent

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from agent_loggy_db import Prompt, PromptRegistry, Settings, create_pool
from agent_loggy_db.cache import APPLICATION_NAME, MAX_ENTRIES, Notifications, PromptCache
from tests.conftest import RoleUrl
from tests.test_prompt_sql import Conn

READER = dedent("""
    import json, sys, time
    from agent_loggy_db import PromptRegistry, Settings, create_pool
    with create_pool(sys.argv[1], Settings(pool_min_size=1, pool_max_size=1)) as pool, PromptRegistry(pool) as reg:
        while not reg.cache.live:
            time.sleep(0.005)
        print(json.dumps({"version": reg.get_prompt("p").version}), flush=True)
        for line in sys.stdin:
            wanted, misses = int(line), reg.cache.stats.misses
            while reg.get_prompt("p").version != wanted:
                time.sleep(0.001)
            print(json.dumps({"seen_at": time.time(), "db_reads": reg.cache.stats.misses - misses}), flush=True)
""")


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


@pytest.fixture
def pool(db_url: str) -> Iterator[ConnectionPool]:
    with create_pool(db_url, Settings(pool_min_size=1, pool_max_size=2)) as p:
        yield p


def test_a_label_move_in_another_process_reaches_this_cache_within_100_ms(db_url: str, conn: Conn) -> None:
    conn.execute("SELECT agent_loggy.create_prompt_version('p', 'one', p_labels => '{production}')")
    conn.execute("SELECT agent_loggy.create_prompt_version('p', 'two')")
    reader = subprocess.Popen([sys.executable, "-c", READER, db_url], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    assert reader.stdin is not None and reader.stdout is not None
    try:
        assert json.loads(reader.stdout.readline()) == {"version": 1}
        delays = []
        for target in (2, 1, 2, 1, 2):
            reader.stdin.write(f"{target}\n")
            reader.stdin.flush()
            time.sleep(0.2)  # the reader is now serving the old version from its cache
            conn.execute("SELECT agent_loggy.set_prompt_label('p', %s, 'production')", (target,))
            committed_at = time.time()
            seen = json.loads(reader.stdout.readline())
            assert seen["db_reads"] == 1, "the old version must have come from the cache until the NOTIFY"
            delays.append(seen["seen_at"] - committed_at)
        assert max(delays) < 0.1, delays
    finally:
        reader.kill()
        reader.wait()


def test_losing_the_listener_empties_the_cache_when_it_reconnects(pool: ConnectionPool, conn: Conn) -> None:
    with PromptRegistry(pool, reconnect_delay=1.5) as reg:
        assert wait_for(lambda: reg.cache.live)
        reg.get_prompt("trace_analysis")
        reg.get_prompt("trace_analysis")
        assert (reg.cache.stats.hits, len(reg.cache)) == (1, 1)
        before = conn.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s "
                              "AND datname = current_database()", (APPLICATION_NAME,)).fetchall()
        killed = conn.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                              "WHERE application_name = %s AND datname = current_database()",
                              (APPLICATION_NAME,)).fetchone()
        assert killed == (1,)
        # only the listener's connection went: it reconnects at once (not after reconnect_delay), and what
        # changed while it was away was not heard, so the cache starts empty
        assert wait_for(lambda: reg.cache.live and len(reg.cache) == 0, timeout=1.0)
        after = conn.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s "
                             "AND datname = current_database()", (APPLICATION_NAME,)).fetchall()
        assert len(after) == 1 and after != before
        assert reg.cache.outage_since is None, "a lost listener connection alone is not an outage"
        conn.execute("SELECT agent_loggy.create_prompt_version('trace_analysis', 'v2', p_labels => '{production}')")

        def served_from_cache() -> bool:
            hits = reg.cache.stats.hits
            prompt = reg.get_prompt("trace_analysis")
            return prompt.version == 2 and not prompt.is_stale and reg.cache.stats.hits == hits + 1

        assert wait_for(served_from_cache)
    assert not reg.cache.live


def test_the_writer_reads_its_own_write_at_once(pool: ConnectionPool) -> None:
    with PromptRegistry(pool) as reg:
        assert wait_for(lambda: reg.cache.live)
        for i in range(2, 12):
            assert reg.get_prompt("trace_analysis").version == i - 1
            reg.publish("trace_analysis", f"v{i}", actor="me", labels=["production"])
        assert reg.get_prompt("trace_analysis").version == 11


def test_model_config_change_invalidates_the_projects_prompts(pool: ConnectionPool, conn: Conn) -> None:
    with PromptRegistry(pool) as reg:
        assert wait_for(lambda: reg.cache.live)
        conn.execute("SELECT agent_loggy.create_prompt_version('trace_analysis', 'v2', p_model => 'analyst', "
                     "p_labels => '{production,staging}')")
        assert wait_for(lambda: reg.get_prompt("trace_analysis").version == 2)
        assert reg.get_prompt("trace_analysis").model_provider is None
        conn.execute("INSERT INTO agent_loggy.model_configs (name, version, model_provider, model_name, labels) "
                     "VALUES ('analyst', 1, 'ollama', 'llama3.1:8b', '{production}')")
        assert wait_for(lambda: reg.get_prompt("trace_analysis").model_provider == "ollama")
        conn.execute("INSERT INTO agent_loggy.model_configs (name, version, model_provider, model_name) "
                     "VALUES ('analyst', 2, 'openai', 'gpt-4o')")
        assert wait_for(lambda: reg.get_prompt("trace_analysis", label="staging").model_provider == "openai")
        assert reg.get_prompt("trace_analysis").model_provider == "ollama", \
            "production is protected: it serves only the model config carrying it"


def test_a_read_that_raced_an_invalidation_is_not_stored() -> None:
    cache = PromptCache()
    cache.set_live(True)
    key = ("default", "p", "production", None, ())
    before = cache.generation()
    assert cache.apply([(True, "default", "prompt", "p"), (False, None, "prompt", None)])
    cache.put(key, Prompt(name="p", template="old"), before)
    assert cache.get(key) is None
    cache.put(key, Prompt(name="p", template="new"), cache.generation())
    assert cache.get(key) == Prompt(name="p", template="new")
    assert cache.apply([(False, None, "prompt", None)]), "another project's change: nothing this role can read"
    assert cache.get(key) is not None
    assert not cache.apply([]), "a transaction that recorded no change: a forged notification"
    assert cache.get(key) is not None
    assert cache.apply([(True, "default", "model_config", "m"), (False, None, "model_config", None)])
    assert cache.get(key) is None, "a model config change drops every prompt of its project"
    cache.put(key, Prompt(name="p", template="new"), cache.generation())
    assert cache.apply([(False, None, "grant", None)])
    assert cache.get(key) is None, "a grant change (maybe a revocation) empties the cache"


def test_notifications_name_no_project_and_forged_ones_are_counted_and_harmless(
        db_url: str, conn: Conn, role_url: RoleUrl) -> None:
    conn.execute("INSERT INTO agent_loggy.prompts (project, name, version, template) VALUES ('beta', 'secret', 1, 'x')")
    reader = role_url("agent_loggy_reader", "default")
    with create_pool(reader, Settings(pool_min_size=1, pool_max_size=1)) as pool, PromptRegistry(pool) as reg, \
            psycopg.connect(reader, autocommit=True) as spy:
        spy.execute("LISTEN agent_loggy_config")
        assert wait_for(lambda: reg.cache.live)
        assert reg.get_prompt("trace_analysis").version == 1
        handled = reg.cache.stats.notifications
        conn.execute("SELECT agent_loggy.create_prompt_version('secret', 'y', 'beta', '{staging}')")
        payloads = [n.payload for n in spy.notifies(timeout=2, stop_after=1)]
        assert len(payloads) == 1 and payloads[0].isdigit(), "the transaction id only: no project, no name"
        assert wait_for(lambda: reg.cache.stats.notifications == handled + 1), "the listener applied the notification"
        forged_before = reg.cache.stats.forged
        misses = reg.cache.stats.misses
        assert reg.get_prompt("trace_analysis").version == 1 and reg.cache.stats.misses == misses, \
            "another project's change leaves this project's entries cached"
        for forged in ("999999999", "not a transaction", '{"project": "default", "type": "prompt", "name": "x"}'):
            conn.execute("SELECT pg_notify('agent_loggy_config', %s)", (forged,))
        assert wait_for(lambda: reg.cache.stats.forged == forged_before + 3)
        assert reg.get_prompt("trace_analysis").version == 1 and reg.cache.stats.misses == misses, \
            "forged notifications drop nothing"


def test_ttl_is_a_safety_net_and_an_offline_cache_stores_nothing() -> None:
    cache = PromptCache(ttl=0.05)
    key = ("default", "p", "production", None, ())
    cache.put(key, Prompt(name="p", template="t"), cache.generation())
    assert cache.get(key) is None  # not live: nothing stored
    cache.set_live(True)
    cache.put(key, Prompt(name="p", template="t"), cache.generation())
    assert cache.get(key) is not None
    time.sleep(0.06)
    assert cache.get(key) is None


def test_the_cache_is_bounded_and_evicts_the_least_recently_read() -> None:
    cache = PromptCache(maxsize=2)
    cache.set_live(True)
    a, b, c = (("default", name, "production", None, ()) for name in "abc")
    for key in (a, b):
        cache.put(key, Prompt(name=str(key[1]), template="t"), cache.generation())
    assert cache.get(a) is not None  # a read last: b goes first
    cache.put(c, Prompt(name="c", template="t"), cache.generation())
    assert len(cache) == 2
    assert cache.get(b) is None and cache.get(a) is not None and cache.get(c) is not None
    assert PromptCache()._entries.maxsize == MAX_ENTRIES


def test_a_registry_takes_its_cache_size(pool: ConnectionPool) -> None:
    with PromptRegistry(pool, cache_size=1) as reg:
        assert wait_for(lambda: reg.get_prompt("trace_analysis") is not None and len(reg.cache) == 1)
        reg.get_prompt("relevance_analysis")
        assert len(reg.cache) == 1 and reg.cache._entries.maxsize == 1


def test_an_outage_serves_entries_past_their_ttl() -> None:
    """Why the TTL is checked by hand rather than by cachetools' TTLCache: in an outage the entries are
    all there is, served marked stale, however old."""
    cache = PromptCache(ttl=0.01)
    cache.set_live(True)
    key = ("default", "p", "production", None, ())
    cache.put(key, Prompt(name="p", template="t"), cache.generation())
    cache.declare_outage(datetime.now(UTC))
    time.sleep(0.02)
    stale = cache.get(key)
    assert stale is not None and stale.is_stale


def test_the_transactions_heard_are_remembered_up_to_a_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Notifications, "SEEN_LIMIT", 3)
    notes = Notifications(PromptCache())
    for tx in (1, 2, 3, 4):
        assert notes.accept(str(tx)) == tx
        notes.heard(tx)
    assert [notes.accept(str(tx)) for tx in (1, 2, 3, 4)] == [1, None, None, None], \
        "a replay is refused; the oldest transaction is forgotten past the bound"
