"""Many writers at once, against the real database: publishes, label moves and migrators.

Every writer starts at a barrier so they really overlap; nothing here sleeps to synchronise.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from agent_loggy_db import PromptRegistry, Settings, create_pool, migrations
from tests.conftest import RoleUrl

T = TypeVar("T")

PUBLISHERS = 100
MOVERS = 50
MIGRATORS = 20
VERSIONS = 5
LABEL = "staging"


@pytest.fixture
def writer_pool(role_url: RoleUrl) -> Iterator[ConnectionPool]:
    """Publishes and label moves go through a LOGIN role with the writer group role, granted project default,
    as an agent's would."""
    settings = Settings(pool_min_size=1, pool_max_size=20, pool_timeout=120.0)
    with create_pool(role_url("agent_loggy_writer", "default"), settings) as pool:
        yield pool


def run_at_once(n: int, work: Callable[[int], T]) -> tuple[dict[int, T], dict[int, BaseException]]:
    """Run work(0..n-1) on n threads released together by a barrier; results and errors by index."""
    barrier = threading.Barrier(n, timeout=120)

    def one(i: int) -> T:
        barrier.wait()
        return work(i)

    results: dict[int, T] = {}
    errors: dict[int, BaseException] = {}
    with ThreadPoolExecutor(max_workers=n) as ex:
        futures = {i: ex.submit(one, i) for i in range(n)}
        for i, future in futures.items():
            exc = future.exception(timeout=300)
            if exc is None:
                results[i] = future.result()
            else:
                errors[i] = exc
    return results, errors


def test_100_concurrent_publishers_of_one_new_prompt_get_versions_1_to_100(
    writer_pool: ConnectionPool, conn: psycopg.Connection[Any]
) -> None:
    name = "concurrent_publish"
    reg = PromptRegistry(writer_pool, cache=False)

    def publish(i: int) -> tuple[int, str]:
        p = reg.publish(name, f"template of publisher {i} {{x}}", actor=f"publisher-{i}", summary=f"publish {i}")
        assert p.version is not None
        return p.version, p.template

    results, errors = run_at_once(PUBLISHERS, publish)

    assert errors == {}, f"{len(errors)} publisher(s) failed, e.g. {next(iter(errors.values()))!r}"
    assert sorted(v for v, _ in results.values()) == list(range(1, PUBLISHERS + 1)), "each got its own version"
    assert all(template == f"template of publisher {i} {{x}}" for i, (_, template) in results.items())
    stored = conn.execute(
        "SELECT version, template, created_by FROM agent_loggy.prompts WHERE project = 'default' AND name = %s "
        "ORDER BY version", (name,)).fetchall()
    assert [r[0] for r in stored] == list(range(1, PUBLISHERS + 1))
    by_version = {v: (t, f"publisher-{i}") for i, (v, t) in results.items()}
    assert {r[0]: (r[1], r[2]) for r in stored} == by_version, "each version holds its publisher's template"
    log = conn.execute(
        "SELECT change_type, new_version, changed_by FROM agent_loggy.config_changelog "
        "WHERE project = 'default' AND config_type = 'prompt' AND config_name = %s ORDER BY id", (name,)).fetchall()
    assert len(log) == PUBLISHERS
    assert {r[0] for r in log} == {"create"}
    assert [r[1] for r in log] == list(range(1, PUBLISHERS + 1)), "changelog order is version order"
    assert {(r[1], r[2]) for r in log} == {(v, who) for v, (_, who) in by_version.items()}


def _holders(conn: psycopg.Connection[Any], name: str) -> list[int]:
    rows = conn.execute(
        "SELECT version FROM agent_loggy.prompts WHERE project = 'default' AND name = %s AND labels @> ARRAY[%s] "
        "ORDER BY version", (name, LABEL)).fetchall()
    return [r[0] for r in rows]


def test_50_concurrent_label_moves_leave_exactly_one_holder_after_every_commit(
    writer_pool: ConnectionPool, conn: psycopg.Connection[Any], db_url: str
) -> None:
    name = "concurrent_label"
    reg = PromptRegistry(writer_pool, cache=False)
    for v in range(1, VERSIONS + 1):
        reg.publish(name, f"version {v}", actor="setup", labels=[LABEL] if v == 1 else [])
    assert _holders(conn, name) == [1]

    # A checker counts the holders again and again, each time in a fresh snapshot (autocommit),
    # while the moves run; any count but 1 is recorded.
    started, stop = threading.Event(), threading.Event()
    seen_wrong: list[list[int]] = []
    checks_during = 0

    def check() -> None:
        nonlocal checks_during
        with psycopg.connect(db_url, autocommit=True) as c:
            while True:
                last_round = stop.is_set()
                during = started.is_set() and not last_round
                holders = _holders(c, name)
                checks_during += during
                if len(holders) != 1:
                    seen_wrong.append(holders)
                if last_round:
                    return

    checker = threading.Thread(target=check, name="label-checker")
    checker.start()
    try:
        def move(i: int) -> int:
            # thread i moves the label to version i % VERSIONS + 1: every version is a target many times
            started.set()
            p = reg.set_label(name, i % VERSIONS + 1, LABEL, actor=f"mover-{i}", summary=f"move {i}")
            assert p.version is not None and LABEL in p.labels
            return p.version

        results, errors = run_at_once(MOVERS, move)
    finally:
        stop.set()
        checker.join(timeout=60)
    assert not checker.is_alive()

    assert errors == {}, f"{len(errors)} move(s) failed, e.g. {next(iter(errors.values()))!r}"
    assert results == {i: i % VERSIONS + 1 for i in range(MOVERS)}
    assert checks_during >= 1, "the checker looked while the moves ran"
    assert seen_wrong == [], f"a snapshot saw {LABEL} on versions {seen_wrong[:5]}"
    final = _holders(conn, name)
    assert len(final) == 1

    # From the raw changelog: each move is one transaction in which one version gains the label
    # and (but for the first grant) the previous holder loses it, in commit order.
    rows = conn.execute(
        """SELECT c.transaction_id::text, (coalesce(c.new_data, c.previous_data) ->> 'version')::int,
                  coalesce(c.previous_data -> 'labels' ? %(l)s, false), coalesce(c.new_data -> 'labels' ? %(l)s, false)
           FROM agent_loggy.config_changelog AS c
           WHERE c.project = 'default' AND c.config_type = 'prompt' AND c.config_name = %(n)s
           ORDER BY c.id""", {"l": LABEL, "n": name}).fetchall()
    moves: dict[str, dict[str, list[int]]] = {}
    for tx, version, before, after in rows:
        if before != after:
            moves.setdefault(tx, {"gain": [], "loss": []})["gain" if after else "loss"].append(version)
    holder: int | None = None
    for tx, move_ in moves.items():  # dicts keep insertion order: the order of the first row of each
        assert len(move_["gain"]) == 1, f"transaction {tx} gave {LABEL} to {move_['gain']}"
        assert move_["loss"] == ([] if holder is None else [holder]), f"transaction {tx} took it from the wrong version"
        holder = move_["gain"][0]
    assert len(moves) > MOVERS // VERSIONS, "most moves were real moves, not no-ops"
    assert final == [holder], "the last committed move decides the holder"
    history = [m for m in reg.history(name) if m.label == LABEL]
    assert history[-1].to_version == final[0]
    assert len(history) == len(moves)


def test_20_concurrent_migrate_runs_apply_each_migration_once(empty_db_url: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "AGENT_LOGGY_DATA_DIR"}}
    env["DATABASE_URL"] = empty_db_url
    env["COLUMNS"] = "400"
    procs = [
        subprocess.Popen([sys.executable, "-m", "agent_loggy_db.cli", "migrate"], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(MIGRATORS)
    ]
    outcomes = []
    try:
        for p in procs:
            out, err = p.communicate(timeout=240)
            outcomes.append((p.returncode, out, err))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()

    failed = [(rc, err) for rc, _, err in outcomes if rc != 0 or err.strip()]
    assert failed == [], f"{len(failed)} of {MIGRATORS} migrate runs failed, e.g. {failed[0]!r}"
    ids = migrations.migration_ids()
    applied_by = [out for _, out, _ in outcomes if out.startswith("applied")]
    assert sum("nothing to apply" in out for _, out, _ in outcomes) + len(applied_by) == MIGRATORS, outcomes
    reported = [i for out in applied_by for i in out.split(":", 1)[1].replace("\n", "").replace(" ", "").split(",")]
    assert sorted(reported) == sorted(ids), "every migration was reported applied by exactly one run"
    assert [s.id for s in migrations.status(empty_db_url) if s.applied] == ids
    with psycopg.connect(empty_db_url) as c:
        rows = c.execute("SELECT migration_id, count(*) FROM _yoyo_migration GROUP BY migration_id").fetchall()
        applies = c.execute("SELECT migration_id, count(*) FROM _yoyo_log WHERE operation = 'apply' "
                            "GROUP BY migration_id").fetchall()
        locks = c.execute("SELECT count(*) FROM yoyo_lock").fetchone()
    assert dict(rows) == dict.fromkeys(ids, 1)
    assert dict(applies) == dict.fromkeys(ids, 1)
    assert locks == (0,), "no run left yoyo's lock behind"
