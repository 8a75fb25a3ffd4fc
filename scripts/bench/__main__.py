"""Run the benchmarks, print the table, rewrite docs/benchmarks.md and its plots.

    python -m scripts.bench                  # the full run (100,000 documents), at most ~15 minutes
    python -m scripts.bench --quick          # about a minute (10,000 documents, fewer repeats)
    python -m scripts.bench --only vectors   # some groups (or figure numbers); prints only, unless --out
    python -m scripts.bench --size 2000 --out /tmp/b   # smaller data, results elsewhere

Starts its own embedded PostgreSQL in a temporary directory (or uses DATABASE_URL, whose role must
be able to create databases) and drops everything it created.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from scripts.bench import (
    fuzzy,
    growth,
    history,
    hotpaths,
    ingest,
    isolation,
    plots,
    prompts,
    replicas,
    retrieval,
    runs,
    staleness,
    stores,
    triggers,
    vectors,
)
from scripts.bench.cluster import Cluster, cluster, machine, repo_root
from scripts.bench.plan import Plan
from scripts.bench.report import Figure, console, markdown

GROUPS: dict[str, tuple[tuple[int, ...], Callable[[Cluster, Plan], list[Figure]]]] = {
    "prompts": ((1, 2, 4), prompts.run),
    "staleness": ((3,), staleness.run),
    "triggers": ((9,), triggers.run),
    "isolation": ((10,), isolation.run),
    "vectors": ((5, 6, 7, 11), vectors.run),
    "ingest": ((8,), ingest.run),
    "history": ((12,), history.run),
    "runs": ((13, 14), runs.run),
    "retrieval": ((15,), retrieval.run),
    "growth": ((16,), growth.run),
    "hotpaths": ((17,), hotpaths.run),
    "fuzzy": ((18,), fuzzy.run),
    "stores": ((19, 20), stores.run),
    "replicas": ((21,), replicas.run),
}
TITLES = {1: "get_prompt vs the floor", 2: "cached vs uncached", 3: "staleness", 4: "throughput",
          5: "HNSW recall and latency", 6: "filtered search", 7: "API overhead", 8: "ingest", 9: "triggers",
          10: "test isolation", 11: "FAISS", 12: "label history", 13: "recording runs", 14: "run metrics",
          15: "retrieval quality", 16: "search growth", 17: "hot paths", 18: "fuzzy search",
          19: "embedding configs", 20: "embed --config", 21: "read replicas"}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small data, few repeats: about a minute")
    parser.add_argument("--size", type=int, default=None, help="documents for figures 5-8 and 11 "
                        "(default 100,000; 10,000 with --quick)")
    parser.add_argument("--only", default=None,
                        help=f"comma-separated groups ({', '.join(GROUPS)}) or figure numbers")
    parser.add_argument("--out", type=Path, default=None,
                        help="directory for benchmarks.md and benchmarks/*.png (default docs/; a run with --only "
                             "writes only where --out says)")
    parser.add_argument("--no-write", action="store_true", help="print only; write no files")
    args = parser.parse_args(argv)
    if args.size is not None and args.size < 1000:
        parser.error("--size must be at least 1000 (the 1 % project needs 10 rows)")
    return args


def chosen_groups(only: str | None) -> list[str]:
    if not only:
        return list(GROUPS)
    wanted: list[str] = []
    for item in (x.strip() for x in only.split(",") if x.strip()):
        if item.isdigit():
            group = next((g for g, (numbers, _) in GROUPS.items() if int(item) in numbers), None)
            if group is None:
                raise SystemExit(f"--only: no figure {item}: expected 1-{max(TITLES)}")
        elif item in GROUPS:
            group = item
        else:
            raise SystemExit(f"--only: unknown group {item!r}: expected one of {', '.join(GROUPS)} or 1-{max(TITLES)}")
        if group not in wanted:
            wanted.append(group)
    return wanted


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    groups = chosen_groups(args.only)
    write = not args.no_write and (args.out is not None or args.only is None)
    out: Path = (args.out or repo_root() / "docs").resolve()
    plan = Plan.make(quick=args.quick, size=args.size, plot_dir=out / "benchmarks" if write else None)
    command = "python -m scripts.bench" + "".join(f" {shlex.quote(a)}" for a in (argv or sys.argv[1:]))
    load_before = os.getloadavg()
    started = datetime.now(UTC)
    began = time.perf_counter()
    figures: list[Figure] = []
    failed = False
    with cluster(os.environ.get("DATABASE_URL")) as server:
        facts = server.describe()
        for group in groups:
            numbers, run = GROUPS[group]
            print(f"bench: {group} (figures {', '.join(map(str, numbers))}) ...", flush=True)
            t0 = time.perf_counter()
            try:
                figures += run(server, plan)
            except Exception as exc:  # one broken group must not hide the others' figures
                failed = True
                traceback.print_exc()
                figures += [Figure(n, TITLES[n], error=f"{type(exc).__name__}: {exc}") for n in numbers]
            print(f"bench: {group} done in {time.perf_counter() - t0:.1f} s", flush=True)
    elapsed = time.perf_counter() - began
    load_after = os.getloadavg()
    figures.sort(key=lambda f: f.number)
    print()
    print(console(figures))
    print(f"\nbench: {len(figures)} figures in {elapsed:.0f} s; load average before "
          f"{_load(load_before)}, after {_load(load_after)}")
    if not plots.available():
        print(f"bench: {plots.MISSING_NOTE}")
    if not write:
        print("bench: nothing written (--no-write, or --only without --out: docs/ holds the full run)")
    else:
        header = _header(command, started, elapsed, plan, facts, load_before, load_after, groups)
        out.mkdir(parents=True, exist_ok=True)
        (out / "benchmarks.md").write_text(markdown(figures, header=header, out_dir=out))
        print(f"bench: wrote {out / 'benchmarks.md'}")
    return 1 if failed else 0


def _load(avg: tuple[float, float, float]) -> str:
    return " / ".join(f"{x:.2f}" for x in avg)


def _header(command: str, started: datetime, elapsed: float, plan: Plan, facts: dict[str, str],
            load_before: tuple[float, float, float], load_after: tuple[float, float, float],
            groups: list[str]) -> list[str]:
    host = machine()
    lines = [
        "Generated by `scripts/bench` — do not edit by hand; rerun it. Benchmarks are not tests: they print "
        "and record ratios, and nothing fails when a target is missed (each miss is explained below).",
        "",
        f"- **Command**: `{command}` (from the repository root)",
        f"- **Date**: {started:%Y-%m-%d %H:%M} UTC, {elapsed / 60:.1f} minutes",
        f"- **Machine**: {host.get('CPU', '?')}, {host.get('cores', '?')} cores, {host.get('memory', '?')}, "
        f"{host.get('kernel', '?')}; Python {platform.python_version()}",
        f"- **Load average** (1 / 5 / 15 min) before: {_load(load_before)}, after: {_load(load_after)} — the "
        "machine is shared, so absolute times vary between runs; the ratios, measured with both sides "
        "interleaved, vary much less",
        f"- **Server**: {facts.get('server')}, PostgreSQL {facts.get('PostgreSQL')}, pgvector "
        f"{facts.get('pgvector')}; " + ", ".join(f"{k} {v}" for k, v in facts.items()
                                                 if k not in ("server", "PostgreSQL", "pgvector")),
        f"- **Data**: {plan.size:,} documents × 384 for figures 5-8 and 11 ({plan.size // 100:,} of them in the "
        f"1 % project), {plan.queries} query vectors; {plan.rounds} timed batches per side for the prompt "
        f"figures (of {plan.batch} calls), {plan.moves} label moves for figure 3"
        + (" (quick run)" if plan.quick else ""),
        "- **Method**: every value is a median over repeated timed batches, after warm-up, the sides of a "
        "comparison taking turns (figure 8's loads and figure 10's databases run once per side per round).",
    ]
    if len(groups) < len(GROUPS):
        lines.append(f"- **Partial run**: only {', '.join(groups)}")
    if not plots.available():
        lines.append(f"- {plots.MISSING_NOTE}")
    return lines


if __name__ == "__main__":
    sys.exit(main())
