"""The other process of figure 3: moves a prompt's label on request and says when each move committed.

    python -m scripts.bench.mover URL NAME

reads one version number per line on stdin, moves label production to it with
PromptRegistry.set_label (one transaction, committed when the call returns), and prints
"<monotonic before> <monotonic after>" for each move. CLOCK_MONOTONIC is shared by every process
of the machine, so the parent can subtract its own readings.
"""

from __future__ import annotations

import sys
import time

from agent_loggy_db import PromptRegistry, Settings, create_pool


def main(url: str, name: str) -> int:
    with create_pool(url, Settings(pool_min_size=1, pool_max_size=1)) as pool, \
            PromptRegistry(pool, cache=False) as registry:
        pool.wait()
        print("ready", flush=True)
        for line in sys.stdin:
            version = int(line)
            before = time.monotonic()
            registry.set_label(name, version, "production", actor="bench", summary="staleness benchmark")
            after = time.monotonic()
            print(f"{before!r} {after!r}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
