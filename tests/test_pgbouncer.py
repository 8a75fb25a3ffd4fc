"""The product through a real PgBouncer in transaction pooling mode (Debian's 1.18: no prepared
statements), as agents often reach Postgres: prompts resolved, published and moved with the cache kept
fresh across processes (its listener goes straight to the server, as LISTEN cannot be pooled),
searches and a document import. Every call runs as a LOGIN role granted project default."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from textwrap import dedent

import pytest

from agent_loggy_db import PromptRegistry, Settings, create_pool
from agent_loggy_db.importers.documents import DocumentRecord, load_documents
from agent_loggy_db.search import Search
from tests.conftest import RoleUrl, TestServer
from tests.pgbouncer import Bouncer, running_pgbouncer

WRITER = "agent_loggy_writer"
THROUGH_BOUNCER = Settings(pool_min_size=1, pool_max_size=4, prepared_statements=False)


@pytest.fixture(scope="module")
def bouncer(pg_server: TestServer) -> Iterator[Bouncer]:
    with running_pgbouncer(pg_server.host, pg_server.port, admin_user=pg_server.user,
                           admin_password=pg_server.password, pool_size=2) as b:
        yield b


READER = dedent("""
    import json, sys, time
    from agent_loggy_db import PromptRegistry, Settings, create_pool
    through, direct = sys.argv[1], sys.argv[2]
    settings = Settings(pool_min_size=1, pool_max_size=2, prepared_statements=False)
    with create_pool(through, settings) as pool, PromptRegistry(pool, listen_url=direct) as reg:
        while not reg.cache.live:
            time.sleep(0.005)
        print(json.dumps({"version": reg.get_prompt("trace_analysis", label="staging").version}), flush=True)
        for line in sys.stdin:
            wanted = int(line)
            while reg.get_prompt("trace_analysis", label="staging").version != wanted:
                time.sleep(0.001)
            print(json.dumps({"seen_at": time.time()}), flush=True)
""")


def test_prompts_through_pgbouncer_with_the_cache_fresh_across_processes(
        bouncer: Bouncer, role_url: RoleUrl) -> None:
    direct = role_url(WRITER, "default")
    through = bouncer.via(direct)
    with create_pool(through, THROUGH_BOUNCER) as pool, PromptRegistry(pool, listen_url=direct) as reg:
        for _ in range(12):  # beyond psycopg's prepare threshold, over the bouncer's two server connections
            assert reg.get_prompt("trace_analysis", label="latest", fallback_labels=["production"]).version == 1
        published = reg.publish("trace_analysis", "v2 {trace_id}", actor="ci", labels=["staging"])
        assert published.version == 2
        reader = subprocess.Popen([sys.executable, "-c", READER, through, direct], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        assert reader.stdin is not None and reader.stdout is not None
        try:
            assert json.loads(reader.stdout.readline()) == {"version": 2}
            for target in (1, 2, 1):
                reader.stdin.write(f"{target}\n")
                reader.stdin.flush()
                time.sleep(0.1)  # the reader now serves the old version from its cache
                reg.set_label("trace_analysis", target, "staging", actor="ci")
                committed = time.time()
                seen = json.loads(reader.stdout.readline())
                assert seen["seen_at"] - committed < 1.0, "the other process heard the move"
        finally:
            reader.kill()
            reader.wait()
        assert reg.get_prompt("trace_analysis", label="staging").version == 1
        assert [m.to_version for m in reg.history("trace_analysis") if m.label == "staging"] == [2, 1, 2, 1]
        assert reg.rollback_label("trace_analysis", "staging", actor="ci") == 2


def test_search_and_a_document_import_through_pgbouncer(bouncer: Bouncer, role_url: RoleUrl) -> None:
    through = bouncer.via(role_url(WRITER, "default"))
    records = [DocumentRecord(line=i + 1, external_id=f"d{i}", content=f"gateway timeout number {i}", title=None,
                              tags=["runbook"], metadata={"i": i},
                              embedding=[1.0 if j == i % 384 else 0.0 for j in range(384)]) for i in range(50)]
    with create_pool(through, THROUGH_BOUNCER) as pool:
        with pool.connection() as conn:
            result = load_documents(conn, records, project="default", source="bouncer")
        assert result.inserted == 50
        search = Search(pool)
        for _ in range(7):
            hits = search.search_documents([1.0] + [0.0] * 383, project="default", limit=3)
            assert hits[0].external_id == "d0"
        assert len(search.keyword_search_documents("gateway timeout", project="default", limit=5)) == 5
        hybrid = search.hybrid_search_documents("number 7", [0.0] * 7 + [1.0] + [0.0] * 376, project="default")
        assert hybrid[0].external_id == "d7"
