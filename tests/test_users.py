"""Users inside a project (migration 0028): a transaction acting for a user sees the shared documents and
its own, never another user's, by every search mode and filter; logins limited to one user; the user
binding attacked like the project binding. Run as the roles users run: writer, reader and admin logins."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from agent_loggy_db import Search, create_pool
from agent_loggy_db.errors import InvalidInput, PermissionDenied
from agent_loggy_db.settings import Settings
from tests.conftest import RoleUrl
from tests.test_search_sql import vec

Conn = psycopg.Connection[Any]
ONE = Settings(pool_min_size=1, pool_max_size=1)
QUERY = "payment gateway timeout"
SEARCHES = {
    "vector": f"SELECT external_id FROM agent_loggy.search_documents('{vec(0)}'::vector, 'default', 10, %s)",
    "keyword": f"SELECT external_id FROM agent_loggy.keyword_search_documents('{QUERY}', 'default', 10, %s)",
    "hybrid": f"SELECT external_id FROM agent_loggy.hybrid_search_documents('{QUERY}', '{vec(0)}'::vector, "
              "'default', 10, %s)",
    "table": "SELECT external_id FROM agent_loggy.documents WHERE %s::text[] IS NULL OR tags @> %s::text[]",
}


def act(c: Conn, user: str | None, project: str | None = "default") -> None:
    """Begin a transaction acting for `user` (None: nobody) in `project`."""
    c.execute("BEGIN")
    if project is not None:
        c.execute("SELECT set_config('agent_loggy.project', %s, true)", (project,))
    if user is not None:
        c.execute("SELECT set_config('agent_loggy.user', %s, true)", (user,))


def found(c: Conn, mode: str, tags: list[str] | None = None) -> set[str]:
    params = (tags, tags) if mode == "table" else (tags,)
    return {row[0] for row in c.execute(SEARCHES[mode], params).fetchall()}


@pytest.fixture
def uploads(role_url: RoleUrl) -> str:
    """Shared runbooks and each user's own upload of the same name, all about the same words and vector
    (the leak needs no luck), written by a writer login acting for each user in turn."""
    writer = role_url("agent_loggy_writer", "default")
    with psycopg.connect(writer, autocommit=True) as w:
        for user in (None, "alice", "bob"):
            act(w, user)
            for n in range(3):
                w.execute("INSERT INTO agent_loggy.documents (source, external_id, content, tags, embedding, user_id) "
                          "VALUES ('upload', %s, %s, %s, %s::vector, %s)",
                          (f"{user or 'shared'}-{n}", f"{QUERY} notes {n} of {user or 'everyone'}",
                           ["invoice"] if n == 0 else ["card"], vec(n), user))
            w.execute("COMMIT")
    return writer


@pytest.mark.parametrize("mode", list(SEARCHES))
@pytest.mark.parametrize("tags", [None, ["invoice"], ["card"]])
def test_a_users_documents_never_reach_another_user_by_any_search_or_filter(
        uploads: str, role_url: RoleUrl, mode: str, tags: list[str] | None) -> None:
    reader = role_url("agent_loggy_reader", "default")
    with psycopg.connect(reader, autocommit=True) as r:
        seen = {}
        for user in (None, "alice", "bob"):
            act(r, user)
            seen[user] = found(r, mode, tags)
            r.execute("COMMIT")
        act(r, "bob", project=None)  # unbound project: every granted project, still bob's rows only
        seen["bob, unbound project"] = found(r, mode, tags)
        r.execute("COMMIT")
    for who, ids in seen.items():
        owners = {i.split("-")[0] for i in ids}
        expected = {"shared"} | ({who.split(",")[0]} if who else set())
        assert ids and owners <= expected, f"{who!r} saw {sorted(ids)}"
    assert any(i.startswith("alice") for i in seen["alice"]) and any(i.startswith("bob") for i in seen["bob"])


def test_an_admin_acting_for_nobody_sees_every_users_documents_and_for_a_user_only_theirs(
        uploads: str, role_url: RoleUrl) -> None:
    with psycopg.connect(role_url("agent_loggy_admin"), autocommit=True) as a:
        act(a, None, project=None)
        assert {i.split("-")[0] for i in found(a, "keyword")} == {"shared", "alice", "bob"}
        a.execute("COMMIT")
        act(a, "alice", project=None)
        assert {i.split("-")[0] for i in found(a, "vector")} == {"shared", "alice"}
        a.execute("COMMIT")


def test_bm25_score_answers_not_found_for_another_users_document(uploads: str, role_url: RoleUrl, conn: Conn) -> None:
    alice_doc = conn.execute("SELECT id FROM agent_loggy.documents WHERE external_id = 'alice-0'").fetchone()
    assert alice_doc is not None
    with psycopg.connect(role_url("agent_loggy_reader", "default"), autocommit=True) as r:
        act(r, "alice")
        score = r.execute("SELECT agent_loggy.bm25_score(%s, 'payment')", alice_doc).fetchone()
        assert score is not None and score[0] > 0
        r.execute("COMMIT")
        act(r, "bob")
        with pytest.raises(psycopg.errors.NoDataFound, match="not found"):
            r.execute("SELECT agent_loggy.bm25_score(%s, 'payment')", alice_doc)
        r.execute("ROLLBACK")


def test_ts_rank_keyword_search_applies_the_user_rule_too(uploads: str, role_url: RoleUrl) -> None:
    with psycopg.connect(role_url("agent_loggy_reader", "default"), autocommit=True) as r:
        act(r, "bob")
        r.execute("SELECT set_config('agent_loggy.keyword_ranking', 'ts_rank', true)")
        assert {i.split("-")[0] for i in found(r, "keyword")} == {"shared", "bob"}
        r.execute("COMMIT")


def test_search_api_takes_the_user_and_binds_it_in_the_same_round_trip(uploads: str, role_url: RoleUrl) -> None:
    with create_pool(role_url("agent_loggy_reader", "default"), ONE) as pool:
        finder = Search(pool)
        for user in ("alice", "bob", None):
            hits = finder.keyword_search_documents(QUERY, user=user) + finder.search_documents(
                [float(x) for x in vec(0).strip("[]").split(",")], user=user, tags=["invoice"])
            assert {h.external_id.split("-")[0] for h in hits if h.external_id} == {"shared", *([user] if user else [])}
        with pytest.raises(InvalidInput, match="invalid user binding"):
            finder.keyword_search_documents(QUERY, user="eve\x1b[31m")


@pytest.mark.parametrize("binding", ["", " ", "a\nb", "\x1b[2J", "x" * 201, "é" * 101])
def test_an_invalid_user_binding_is_refused_naming_it_and_blank_means_none(uploads: str, role_url: RoleUrl,
                                                                            binding: str) -> None:
    with psycopg.connect(role_url("agent_loggy_reader", "default"), autocommit=True) as r:
        act(r, binding)
        if binding in ("",):
            assert {i.split("-")[0] for i in found(r, "table")} == {"shared"}
        else:
            with pytest.raises(psycopg.errors.InvalidParameterValue, match="invalid user binding"):
                found(r, "table")
        r.execute("ROLLBACK")


def test_a_writer_writes_only_shared_rows_and_those_of_the_user_it_acts_for(uploads: str) -> None:
    with psycopg.connect(uploads, autocommit=True) as w:
        act(w, "alice")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="user_scope"):
            w.execute("INSERT INTO agent_loggy.documents (content, user_id) VALUES ('x', 'bob')")
        w.execute("ROLLBACK")
        act(w, None)
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="user_scope"):
            w.execute("INSERT INTO agent_loggy.documents (content, user_id) VALUES ('x', 'alice')")
        w.execute("ROLLBACK")
        act(w, "alice")
        changed = w.execute("UPDATE agent_loggy.documents SET content = 'edited' WHERE external_id LIKE 'bob-%'")
        assert changed.rowcount == 0, "bob's rows are invisible to an update acting for alice"
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied for table documents"):
            w.execute("UPDATE agent_loggy.documents SET user_id = 'bob' WHERE external_id = 'alice-0'")
        w.execute("ROLLBACK")


def test_loads_belong_to_the_user_acting_and_names_are_per_user(uploads: str, conn: Conn) -> None:
    with psycopg.connect(uploads, autocommit=True) as w:
        for user in ("alice", "bob"):
            act(w, user)
            w.execute("SELECT agent_loggy.stage_documents()")
            w.execute("INSERT INTO pg_temp.agent_loggy_staged_documents (line, external_id, content) "
                      "VALUES (1, 'invoice.pdf', %s)", (f"{user}'s invoice",))
            loaded = w.execute("SELECT inserted FROM agent_loggy.load_staged_documents('default', 'files')").fetchone()
            assert loaded == (1,)
            w.execute("COMMIT")
        act(w, "alice")
        w.execute("SELECT agent_loggy.stage_documents()")
        w.execute("INSERT INTO pg_temp.agent_loggy_staged_documents (line, external_id, content) "
                  "VALUES (1, 'invoice.pdf', 'alice''s invoice, second scan')")
        assert w.execute("SELECT inserted, updated FROM agent_loggy.load_staged_documents('default', 'files')"
                         ).fetchone() == (0, 1)
        w.execute("COMMIT")
    rows = conn.execute("SELECT user_id, content FROM agent_loggy.documents WHERE source = 'files' ORDER BY user_id"
                        ).fetchall()
    assert rows == [("alice", "alice's invoice, second scan"), ("bob", "bob's invoice")]


@pytest.fixture
def limited(uploads: str, role_url: RoleUrl) -> str:
    """A reader login limited to bob by an admin."""
    url = role_url("agent_loggy_reader", "default")
    login = psycopg.conninfo.conninfo_to_dict(url)["user"]
    with psycopg.connect(role_url("agent_loggy_admin"), autocommit=True) as a:
        row = a.execute("SELECT user_id FROM agent_loggy.limit_login_to_user(%s, 'bob')", (login,)).fetchone()
        assert row == ("bob",)
    return url


def test_a_limited_login_acts_for_its_user_unbound_and_cannot_bind_another(limited: str) -> None:
    with psycopg.connect(limited, autocommit=True) as r:
        act(r, None)
        assert {i.split("-")[0] for i in found(r, "keyword")} == {"shared", "bob"}
        r.execute("COMMIT")
        act(r, "alice")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="may act only for user 'bob'"):
            found(r, "vector")
        r.execute("ROLLBACK")


@pytest.mark.parametrize("statement", [
    "SELECT d.external_id FROM agent_loggy.documents AS d, "
    "LATERAL (SELECT set_config('agent_loggy.user', 'alice', true)) AS s",
    "SELECT external_id FROM agent_loggy.documents WHERE set_config('agent_loggy.user', 'alice', true) IS NOT NULL",
    "WITH s AS MATERIALIZED (SELECT set_config('agent_loggy.user', 'alice', true)) "
    "SELECT d.external_id FROM s, agent_loggy.documents AS d",
    "SELECT external_id FROM agent_loggy.keyword_search_documents("
    "(SELECT set_config('agent_loggy.user', 'alice', true)) || ' payment', 'default', 20)",
])
def test_a_limited_login_changing_its_binding_mid_statement_reaches_nothing_of_another_user(
        limited: str, statement: str) -> None:
    with psycopg.connect(limited, autocommit=True) as r:
        act(r, None)
        try:
            ids = {row[0] for row in r.execute(statement).fetchall()}
        except psycopg.errors.InsufficientPrivilege:
            ids = set()
        r.execute("ROLLBACK")
    assert not any(i.startswith("alice") for i in ids)


def test_limits_are_an_admins_and_unlimit_returns_the_user(limited: str, role_url: RoleUrl) -> None:
    login = psycopg.conninfo.conninfo_to_dict(limited)["user"]
    with psycopg.connect(role_url("agent_loggy_writer", "default"), autocommit=True) as w:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="denied for function limit_login_to_user"):
            w.execute("SELECT agent_loggy.limit_login_to_user(%s, 'alice')", (login,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            w.execute("SELECT * FROM agent_loggy.login_users")
    with psycopg.connect(role_url("agent_loggy_admin"), autocommit=True) as a:
        with pytest.raises(psycopg.errors.InvalidParameterValue, match="no login role named 'agent_loggy_reader'"):
            a.execute("SELECT agent_loggy.limit_login_to_user('agent_loggy_reader', 'x')")
        with pytest.raises(psycopg.errors.InvalidParameterValue, match="invalid user"):
            a.execute("SELECT agent_loggy.limit_login_to_user(%s, E'x\\ty')", (login,))
        assert a.execute("SELECT agent_loggy.unlimit_login(%s)", (login,)).fetchone() == ("bob",)
        with pytest.raises(psycopg.errors.NoDataFound, match="not limited"):
            a.execute("SELECT agent_loggy.unlimit_login(%s)", (login,))
    with create_pool(limited, ONE) as pool:
        assert {h.external_id.split("-")[0] for h in Search(pool).keyword_search_documents(QUERY, user="alice")
                if h.external_id} == {"shared", "alice"}


def test_permission_denied_maps_to_the_typed_error(limited: str) -> None:
    with create_pool(limited, ONE) as pool, pytest.raises(PermissionDenied, match="may act only for user 'bob'"):
        Search(pool).keyword_search_documents(QUERY, user="alice")


def after_0028() -> int:
    """How many migrations come after 0028_users."""
    from agent_loggy_db import migrations

    ids = migrations.migration_ids()
    return len(ids) - ids.index("0028_users") - 1


def test_rolling_back_0028_is_refused_while_documents_belong_to_users(uploads: str, db_url: str) -> None:
    from agent_loggy_db import migrations
    from agent_loggy_db.errors import MigrationError

    migrations.rollback(db_url, count=after_0028())
    with pytest.raises(MigrationError, match="belong to users"):
        migrations.rollback(db_url, count=1)
    with psycopg.connect(db_url) as c:
        assert c.execute("SELECT count(*) FROM agent_loggy.documents WHERE user_id IS NOT NULL").fetchone() == (6,)


def test_an_admin_login_cannot_be_limited(role_url: RoleUrl) -> None:
    admin = role_url("agent_loggy_admin")
    login = psycopg.conninfo.conninfo_to_dict(admin)["user"]
    with psycopg.connect(admin, autocommit=True) as a, pytest.raises(psycopg.errors.InvalidParameterValue,
                                                                      match="is an admin: it cannot be limited"):
        a.execute("SELECT agent_loggy.limit_login_to_user(%s, 'alice')", (login,))


def test_messages_show_control_characters_escaped(role_url: RoleUrl) -> None:
    with psycopg.connect(role_url("agent_loggy_reader", "default"), autocommit=True) as r:
        act(r, "eve\x1b[2J\nforged line\u202e")
        with pytest.raises(psycopg.errors.InvalidParameterValue) as caught:
            r.execute("SELECT agent_loggy.acting_user()")
        r.execute("ROLLBACK")
    message = str(caught.value).splitlines()[0]
    assert "'eve\\x1b[2J\\x0aforged line\\u202e'" in message
    assert "\x1b" not in str(caught.value) and "\u202e" not in str(caught.value)


def test_rolling_back_0028_is_refused_while_logins_are_limited(limited: str, db_url: str, conn: Conn) -> None:
    from agent_loggy_db import migrations
    from agent_loggy_db.errors import MigrationError

    conn.execute("DELETE FROM agent_loggy.documents WHERE user_id IS NOT NULL")
    migrations.rollback(db_url, count=after_0028())
    with pytest.raises(MigrationError, match="are limited to a user, and would act for any"):
        migrations.rollback(db_url, count=1)
    assert conn.execute("SELECT count(*) FROM agent_loggy.login_users").fetchone() == (1,)
