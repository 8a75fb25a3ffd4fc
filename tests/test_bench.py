"""The benchmark entry point runs end to end at a tiny size and produces every figure (no timings asserted).

Benchmarks are not tests: nothing here looks at a number. It checks that `python -m scripts.bench`
runs every figure group against a server given by DATABASE_URL, prints the table with figures
1-21, and writes benchmarks.md and its plots into the directory it is told (never docs/).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from scripts.bench import plots
from tests.conftest import TestServer

ROOT = Path(__file__).resolve().parent.parent
PLOTS = ("recall_latency.png", "filtered_search.png", "staleness.png", "throughput.png", "ingest.png")


def test_the_benchmark_produces_every_figure_at_a_tiny_size(pg_server: TestServer, tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": pg_server.url(pg_server.maintenance_dbname)}
    result = subprocess.run([sys.executable, "-m", "scripts.bench", "--quick", "--size", "1000", "--out",
                             str(tmp_path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
                            check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    printed = {int(m) for m in re.findall(r"^(\d+)\s{2,}", result.stdout, re.MULTILINE)}
    assert printed == set(range(1, 22)), output[-4000:]
    assert "FAILED" not in result.stdout
    report = (tmp_path / "benchmarks.md").read_text()
    for number in range(1, 22):
        assert f"\n## {number}. " in report
    assert "python -m scripts.bench --quick --size 1000" in report
    if plots.available():
        for name in PLOTS:
            png = tmp_path / "benchmarks" / name
            assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
            assert f"](benchmarks/{name})" in report
