"""Figures 1, 2 and 4: resolving a prompt against the floor, the cache, and throughput under threads."""

from __future__ import annotations

import threading
import time

import psycopg

from agent_loggy_db import PromptRegistry, Settings, create_pool
from agent_loggy_db.pool import pipelined_statement
from scripts.bench import plots
from scripts.bench.cluster import Cluster
from scripts.bench.plan import Plan
from scripts.bench.report import Figure, Line, Side, Table, Target
from scripts.bench.timing import interleaved

PROMPT = "trace_analysis"  # seeded by migration 0005, labelled production
THREADS = (1, 2, 4, 8)


def run(cluster: Cluster, plan: Plan) -> list[Figure]:
    with cluster.cloned("prompts") as url:
        return [floor(url, plan), cache(url, plan), throughput(url, plan)]


def floor(url: str, plan: Plan) -> Figure:
    fig = Figure(1, "get_prompt against the floor (SELECT 1 through the same pool)")
    with create_pool(url, Settings(pool_min_size=1, pool_max_size=1)) as pool, \
            PromptRegistry(pool, cache=False) as registry, \
            psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET agent_loggy.project = 'default'")  # as a login role's default project would

        def select_one(_: int) -> object:
            with pool.connection() as c:
                return c.execute("SELECT 1").fetchone()

        def select_one_pipelined(_: int) -> object:
            with pool.connection() as c, c.cursor() as cur:
                pipelined_statement(cur, "SELECT 1", (), project="default")
                return cur.fetchone()

        def resolve_sql(_: int) -> object:
            return conn.execute("SELECT * FROM agent_loggy.resolve_prompt(%s)", (PROMPT,)).fetchall()

        t = interleaved({
            "get_prompt": lambda _: registry.get_prompt(PROMPT),
            "select_one": select_one,
            "select_one_pipelined": select_one_pipelined,
            "resolve_sql": resolve_sql,
            "raw_select_one": lambda _: conn.execute("SELECT 1").fetchone(),
        }, rounds=plan.rounds, batch=plan.batch, warmup=2)
    get, one = t["get_prompt"].median, t["select_one"].median
    fig.lines.append(Line(
        "get_prompt, cache off, through the pool vs SELECT 1 through the same pool",
        Side("get_prompt", get), Side("SELECT 1", one), get / one, "the floor", Target("<=", 1.5),
        if_missed=_floor_miss(t["resolve_sql"].median, t["raw_select_one"].median)))
    piped = t["select_one_pipelined"].median
    fig.lines.append(Line(
        "get_prompt vs SELECT 1 sent the way get_prompt sends its call (bound, one pipelined round trip)",
        Side("get_prompt", get), Side("SELECT 1, pipelined", piped), get / piped, "the pipelined SELECT 1"))
    sql, raw = t["resolve_sql"].median, t["raw_select_one"].median
    fig.lines.append(Line(
        "SQL resolve_prompt() alone vs SELECT 1 (one connection, no pool)",
        Side("resolve_prompt()", sql), Side("SELECT 1", raw), sql / raw, "the floor"))
    fig.notes.append(
        f"`PromptRegistry(pool, cache=False).get_prompt('{PROMPT}')` (one SQL call per get, label production) "
        "against `with pool.connection() as c: c.execute('SELECT 1')` on the same pool of one connection. Both "
        "pay the pool's checkout check (a round trip). The plain SELECT 1 then costs three more (BEGIN, the "
        "query, COMMIT); get_prompt sends the project binding and resolve_prompt() together in one pipeline, "
        "one round trip, which PostgreSQL runs as one implicit transaction (`pipelined_statement`). The second "
        "line gives SELECT 1 the same treatment, so it shows what resolving itself costs. The last line is the "
        "SQL function alone on a plain autocommit connection whose session has the project set (as a login "
        "role's default would). "
        f"Each value is the median of {plan.rounds} interleaved batches of {plan.batch} calls, after two "
        "warm-up batches.")
    return fig


def _floor_miss(sql: float, raw: float) -> str:
    return (f"resolving is the cost: resolve_prompt() alone takes {sql * 1e6:.0f} µs where SELECT 1 takes "
            f"{raw * 1e6:.0f} µs on the same plain connection ({sql / raw:.1f}×, last line), more than the two round "
            "trips get_prompt saves by pipelining (on this machine a round trip over the unix socket costs less than "
            "it did when the target was set, so resolving weighs more). resolve_prompt() costs about what the raw "
            "query that finds the same row costs (figure 17; one query since 0022); most of both is row level "
            "security: the policy on prompts evaluates sees_every_project() and visible_projects() once a query, "
            "and each costs about 50 µs on this machine (nested SQL and PL/pgSQL functions with a pinned "
            "search_path, the binding's grant check, pg_has_role over project_grants, which has a policy of its "
            "own). A per-transaction answer to 'which projects may this login read' would cut that; hot paths "
            "use the cache (figure 2).")


def cache(url: str, plan: Plan) -> Figure:
    fig = Figure(2, "Cached get_prompt vs uncached")
    with create_pool(url, Settings(pool_min_size=1, pool_max_size=2)) as pool, \
            PromptRegistry(pool) as cached, PromptRegistry(pool, cache=False) as uncached:
        deadline = time.monotonic() + 10
        while not cached.cache.live and time.monotonic() < deadline:
            time.sleep(0.01)
        cached.get_prompt(PROMPT)
        t = interleaved({"cached": lambda _: cached.get_prompt(PROMPT),
                         "uncached": lambda _: uncached.get_prompt(PROMPT)},
                        rounds=plan.rounds, batch=plan.batch, warmup=2)
        hits = cached.cache.stats.hits
    hit, miss = t["cached"].median, t["uncached"].median
    fig.lines.append(Line("cached get_prompt vs uncached", Side("cached", hit), Side("uncached", miss), miss / hit,
                          "faster", Target(">=", 50)))
    fig.notes.append(f"The cached registry served {hits:,} hits from its in-process cache (kept fresh by NOTIFY, "
                     "see figure 3); the uncached one asks PostgreSQL every time. Medians of interleaved batches.")
    return fig


def throughput(url: str, plan: Plan) -> Figure:
    fig = Figure(4, "Resolve throughput with 1, 2, 4 and 8 client threads (cache off)")
    rates: dict[int, float] = {}
    for threads in THREADS:
        rates[threads] = _rate(url, threads, plan.level_seconds)
    base = rates[1]
    for threads in THREADS[1:]:
        fig.lines.append(Line(f"resolves/s with {threads} threads vs 1 thread",
                              Side(f"{threads} threads", rates[threads], "calls/s"),
                              Side("1 thread", base, "calls/s"), rates[threads] / base, "the 1-thread rate"))
    fig.tables.append(Table("get_prompt calls per second (cache off)", ["threads", "pool size", "calls/s"],
                            [[str(n), str(n), f"{rates[n]:,.0f}"] for n in THREADS]))
    fig.notes.append(
        f"Each thread calls `get_prompt` in a loop for {plan.level_seconds:g} s (after a warm-up) on a pool of as "
        "many connections as threads. Client threads share one Python interpreter (GIL) and, on this machine, "
        "the same cores as the server, so the curve flattens when the cores are busy, not at a lock of ours.")
    if plan.plot_dir is not None:
        fig.plots += plots.bars(plan.plot_dir / "throughput.png", "get_prompt throughput (cache off)",
                                [f"{n} threads" for n in THREADS], [rates[n] for n in THREADS], "calls/s")
    return fig


def _rate(url: str, threads: int, seconds: float) -> float:
    with create_pool(url, Settings(pool_min_size=threads, pool_max_size=threads)) as pool, \
            PromptRegistry(pool, cache=False) as registry:
        pool.wait()
        counts = [0] * threads
        start = threading.Barrier(threads + 1)
        stop = threading.Event()
        measuring = threading.Event()

        def work(n: int) -> None:
            start.wait()
            while not stop.is_set():
                registry.get_prompt(PROMPT)
                if measuring.is_set():
                    counts[n] += 1

        workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
        for w in workers:
            w.start()
        start.wait()
        time.sleep(min(0.5, seconds / 2))  # warm-up
        measuring.set()
        began = time.perf_counter()
        time.sleep(seconds)
        measuring.clear()
        elapsed = time.perf_counter() - began
        stop.set()
        for w in workers:
            w.join()
    return sum(counts) / elapsed

