"""The LangChain integrations (agent_loggy_db.langchain, the optional extra langchain): langchain-tests'
standard VectorStoreIntegrationTests, sync and async, against the embedded server; the store's project and
user scopes; the hybrid retriever; maximal marginal relevance. As the roles users run: writer logins granted
a project write and search; deleting documents is an admin's (no writer holds DELETE on documents), so the
standard suite, which deletes, runs as an admin login bound to the store's project."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from typing import ClassVar

import psycopg
import pytest
import pytest_asyncio
from langchain_core.documents import Document
from langchain_core.embeddings import DeterministicFakeEmbedding
from langchain_core.vectorstores import VectorStore
from langchain_tests.integration_tests import VectorStoreIntegrationTests
from psycopg_pool import ConnectionPool

from agent_loggy_db import create_async_pool, create_pool
from agent_loggy_db.errors import ConfigurationError, PermissionDenied
from agent_loggy_db.langchain import AgentLoggyHybridRetriever, AgentLoggyVectorStore
from agent_loggy_db.settings import Settings
from tests.conftest import RoleUrl

SMALL = Settings(pool_min_size=1, pool_max_size=2)
EMBEDDINGS = DeterministicFakeEmbedding(size=6)


class TestStandard(VectorStoreIntegrationTests):
    """The standard suite: each test gets a fresh database, so an empty store. Its async tests carry no
    asyncio mark (LangChain's packages run pytest-asyncio in auto mode): the class adds it."""

    pytestmark: ClassVar[list[pytest.MarkDecorator]] = [pytest.mark.asyncio, pytest.mark.filterwarnings(
        "ignore:The test <Function .*> is marked with '@pytest.mark.asyncio' but it is not an async function")]

    @pytest_asyncio.fixture
    async def vectorstore(self, role_url: RoleUrl) -> AsyncIterator[VectorStore]:  # type: ignore[override]
        url = role_url("agent_loggy_admin")
        pool = create_pool(url, SMALL)
        async_pool = await create_async_pool(url, SMALL)
        try:
            yield AgentLoggyVectorStore(self.get_embeddings(), pool, async_pool=async_pool, project="default")
        finally:
            pool.close()
            await async_pool.close()


@pytest.fixture
def writer(role_url: RoleUrl) -> str:
    """A writer login granted write on projects default and other."""
    return role_url("agent_loggy_writer", "default", "other")


def store(pool: ConnectionPool, project: str, user: str | None = None, name: str = "langchain"
          ) -> AgentLoggyVectorStore:
    return AgentLoggyVectorStore(EMBEDDINGS, pool, project=project, user=user, name=name)


@pytest.fixture
def pool(writer: str) -> Iterator[ConnectionPool]:
    p = create_pool(writer, SMALL)
    try:
        yield p
    finally:
        p.close()


def texts(found: list[Document]) -> list[str]:
    return [d.page_content for d in found]


def test_a_writer_adds_and_searches_but_only_an_admin_deletes(pool: ConnectionPool) -> None:
    s = store(pool, project="default")
    assert s.add_texts(["disk full on node-3", "payment timeout"], [{"n": 1}, {"n": 2.5}], ids=["a", "b"]) == ["a", "b"]
    (doc, score), = s.similarity_search_with_score("payment timeout", k=1)
    assert doc == Document(id="b", page_content="payment timeout", metadata={"n": 2.5})
    assert score == pytest.approx(1.0)
    assert s.similarity_search_with_relevance_scores("payment timeout", k=1)[0][1] == pytest.approx(1.0)
    assert texts(s.get_by_ids(["a"])) == ["disk full on node-3"]
    with pytest.raises(PermissionDenied):
        s.delete(["a"])
    assert len(s.get_by_ids(["a", "b"])) == 2
    assert s.add_texts(["first", "second"], ids=["d", "d"]) == ["d", "d"]  # one id twice: the last text
    assert texts(s.get_by_ids(["d"])) == ["second"]


def test_projects_never_see_each_others_documents(pool: ConnectionPool, role_url: RoleUrl) -> None:
    default, other = store(pool, project="default"), store(pool, project="other")
    default.add_texts(["alpha runbook"], ids=["1"])
    other.add_texts(["beta runbook"], ids=["1"])
    assert texts(default.similarity_search("beta runbook", k=10)) == ["alpha runbook"]
    assert texts(other.similarity_search("alpha runbook", k=10)) == ["beta runbook"]
    assert texts(other.get_by_ids(["1"])) == ["beta runbook"]
    assert texts(other.as_hybrid_retriever(k=10).invoke("alpha runbook")) == ["beta runbook"]
    reader_elsewhere = create_pool(role_url("agent_loggy_reader", "default"), SMALL)
    try:
        with pytest.raises(PermissionDenied):
            store(reader_elsewhere, project="other").similarity_search("beta", k=1)
    finally:
        reader_elsewhere.close()


def test_a_user_sees_the_shared_documents_and_their_own_never_another_users(pool: ConnectionPool,
                                                                            role_url: RoleUrl) -> None:
    shared, alice, bob = (store(pool, project="default", user=u) for u in (None, "alice", "bob"))
    shared.add_texts(["incident notes shared"], ids=["s"])
    alice.add_texts(["incident notes of alice"], ids=["a"])
    bob.add_texts(["incident notes of bob"], ids=["b"])
    alice.add_texts(["alice's own x"], ids=["x"])
    shared.add_texts(["shared x"], ids=["x"])
    assert sorted(texts(alice.similarity_search("incident notes of bob", k=10))) == [
        "alice's own x", "incident notes of alice", "incident notes shared", "shared x"]
    assert alice.get_by_ids(["b", "x"]) == [Document(id="x", page_content="alice's own x")]
    assert bob.get_by_ids(["a"]) == []
    assert sorted(texts(shared.similarity_search("incident", k=10))) == ["incident notes shared", "shared x"]
    assert "incident notes of bob" not in texts(alice.as_hybrid_retriever(k=10).invoke("incident notes bob"))
    admin = create_pool(role_url("agent_loggy_admin"), SMALL)
    try:
        everyone = store(admin, project="default")  # an admin acting for nobody: the store still keeps to shared
        assert sorted(texts(everyone.similarity_search("incident", k=10))) == ["incident notes shared", "shared x"]
        store(admin, project="default", user="alice").delete(["x"])  # alice's x only
        assert alice.get_by_ids(["x"]) == [Document(id="x", page_content="shared x")]
    finally:
        admin.close()


def test_the_hybrid_retriever_finds_keywords_and_meaning_across_the_projects_corpus(pool: ConnectionPool,
                                                                                     writer: str) -> None:
    s = store(pool, project="default")
    s.add_texts(["the payment gateway returned 504", "kafka consumer lag"], [{"k": 1}, {"k": 2}], ids=["p", "k"])
    with psycopg.connect(writer, autocommit=True) as w, w.transaction():
        w.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        w.execute("INSERT INTO agent_loggy.documents (source, external_id, content) "
                  "VALUES ('runbooks', 'rb-1', 'restart the payment gateway pods')")
    found = AgentLoggyHybridRetriever(vectorstore=s, k=3).invoke("payment gateway")
    assert found[0].id == "p" and found[0].metadata["k"] == 1, "both branches rank it"
    assert {"keyword_rank", "semantic_rank"} <= {k for k, v in found[0].metadata["agent_loggy"].items() if v}
    runbook = next(d for d in found if d.metadata["agent_loggy"]["source"] == "runbooks")  # no vector: keywords
    assert runbook.id is None and runbook.metadata["agent_loggy"]["keyword_rank"] is not None
    assert texts(s.as_hybrid_retriever(k=1, keyword_weight=0.0).invoke("kafka consumer lag")) == ["kafka consumer lag"]
    empty = store(pool, project="other")
    assert texts(empty.as_hybrid_retriever().invoke("payment")) == []


def test_maximal_marginal_relevance_reads_the_stored_vectors(pool: ConnectionPool) -> None:
    s = store(pool, project="default")
    s.add_texts(["one", "two", "three", "four"], ids=["1", "2", "3", "4"])
    assert texts(s.max_marginal_relevance_search("two", k=2, fetch_k=4, lambda_mult=1.0)) == texts(
        s.similarity_search("two", k=2))
    assert len(s.max_marginal_relevance_search("two", k=3, fetch_k=4, lambda_mult=0.0)) == 3
    assert texts(s.max_marginal_relevance_search("two", k=1))[0] == "two"


def test_tags_are_written_and_filter_searches(pool: ConnectionPool) -> None:
    s = store(pool, project="default")
    s.add_texts(["tagged"], tags=["runbook"])
    s.add_texts(["untagged"])
    assert texts(s.similarity_search("untagged", k=5, tags=["runbook"])) == ["tagged"]


def test_a_store_name_keeps_its_dimensions(pool: ConnectionPool) -> None:
    store(pool, project="default", name="six").add_texts(["x"])
    eight = AgentLoggyVectorStore(DeterministicFakeEmbedding(size=8), pool, project="default", name="six")
    with pytest.raises(ConfigurationError, match="6-dimension"):
        eight.add_texts(["y"])
    assert AgentLoggyVectorStore(DeterministicFakeEmbedding(size=8), pool,
                                 project="default", name="eight").add_texts(["y"], ids=["y"]) == ["y"]


@pytest.mark.asyncio
async def test_the_async_methods_keep_the_same_scopes(writer: str) -> None:
    async_pool = await create_async_pool(writer, SMALL)
    try:
        alice, bob = (AgentLoggyVectorStore(EMBEDDINGS, async_pool=async_pool, project="default", user=u)
                      for u in ("alice", "bob"))
        await alice.aadd_texts(["alice's payment notes"], ids=["a"])
        await bob.aadd_texts(["bob's payment notes"], ids=["b"])
        assert texts(await alice.asimilarity_search("bob's payment notes", k=5)) == ["alice's payment notes"]
        assert await bob.aget_by_ids(["a"]) == []
        assert texts(await alice.as_hybrid_retriever(k=5).ainvoke("payment notes")) == ["alice's payment notes"]
        assert texts(await alice.amax_marginal_relevance_search("payment", k=1, fetch_k=5)) == [
            "alice's payment notes"]
        with pytest.raises(ConfigurationError, match="no pool"):
            alice.similarity_search("payment")
        sync_only = create_pool(writer, SMALL)  # without async_pool, LangChain runs the sync methods in a thread
        try:
            carol = AgentLoggyVectorStore(EMBEDDINGS, sync_only, project="default", user="carol")
            assert await carol.aadd_texts(["carol's notes"], ids=["c"]) == ["c"]
            assert texts(await carol.asimilarity_search("payment notes", k=5)) == ["carol's notes"]
            assert texts(await carol.as_hybrid_retriever(k=5).ainvoke("notes")) == ["carol's notes"]
        finally:
            sync_only.close()
    finally:
        await async_pool.close()


def test_the_package_and_its_cli_never_import_langchain() -> None:
    code = ("import sys, agent_loggy_db, agent_loggy_db.cli, agent_loggy_db.search, agent_loggy_db.memory; "
            "print(sorted(m for m in sys.modules if m.startswith(('langchain', 'agent_loggy_db.langchain'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
