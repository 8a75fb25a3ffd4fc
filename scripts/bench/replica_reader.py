"""The reading process of figure 21 and of tests/test_replicas.py: a cached PromptRegistry over a primary
and its standby that prints each new version of a prompt it serves, with when.

    python -m scripts.bench.replica_reader PRIMARY_URL STANDBY_URL NAME LAST_VERSION REPLICA_WAIT [unfenced]

prints "ready" once its listener is connected, then "<version> <monotonic>" each time get_prompt(NAME,
label staging) returns another version, until it returns LAST_VERSION or later. `unfenced` turns off
the replay wait (the control: reads may then store a version the standby has not replaced yet).
"""

from __future__ import annotations

import sys
import time

from agent_loggy_db import PromptRegistry, Settings, create_pool, prompts


def main(primary: str, standby: str, name: str, last: int, wait: float, unfenced: bool) -> int:
    if unfenced:
        prompts._fenced = lambda call, fence: call
    settings = Settings(pool_min_size=1, pool_max_size=2, connect_timeout=2, replica_wait=wait)
    with create_pool(primary, settings, replica_urls=[standby]) as pool, PromptRegistry(pool) as registry:
        while not registry.cache.live:
            time.sleep(0.01)
        print("ready", flush=True)
        served = None
        while served is None or served < last:
            version = registry.get_prompt(name, label="staging").version
            if version != served:
                print(version, repr(time.monotonic()), flush=True)
                served = version
            time.sleep(0.0005)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]),
                  sys.argv[6:] == ["unfenced"]))
