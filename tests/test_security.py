"""Roles, privileges, project isolation and protected labels, each proven by connecting as a LOGIN
role granted the group role under test (never as the owner or a superuser)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest

from agent_loggy_db import PermissionDenied, PromptRegistry, bind_transaction, create_pool, map_error
from agent_loggy_db.configs import Configs
from agent_loggy_db.search import Search
from agent_loggy_db.urls import parse
from tests.catalog import fingerprint, snapshot
from tests.conftest import RoleUrl
from tests.test_search_sql import vec

Conn = psycopg.Connection[Any]
READER, WRITER, ADMIN = "agent_loggy_reader", "agent_loggy_writer", "agent_loggy_admin"

# Trigger functions fire without EXECUTE; use_vector_schema is the migrations' tool.
OWNER_ONLY = {"clear_stale_embedding", "derive_variables", "guard_row", "move_labels", "notify_change",
              "chain_changelog_row", "refuse_changelog_change", "refuse_truncate", "serialize_writes",
              "check_negate_key_regex", "check_output_schema", "check_promotion", "guard_record", "guard_fact",
              "ensure_embedding_store", "make_embedding_store", "keep_embedding_store", "forget_stale_vectors",
              "forget_stale_investigation_vectors", "storable_embedding_config",
              "session_is_admin", "session_may_read", "count_keyword_changes", "forget_keyword_counts",
              "bm25_query", "bm25_lexeme_query", "bm25_pruning_query", "checked_readable_project",
              "fold_keyword_changes", "recount_keyword_statistics",
              "touch_updated_at", "use_vector_schema", "validate_row", "write_changelog", "pinned_by_0012",
              "check_prompt_format"}


@pytest.fixture
def two_projects(conn: Conn) -> Conn:
    """Project default (seeded) and project beta, each with a prompt, a document, a context rule,
    a negate key and changelog rows; set up as the owner."""
    for project in ("default", "beta"):
        conn.execute("INSERT INTO agent_loggy.prompts (project, name, version, template, labels) "
                     "VALUES (%s, 'shared', 1, %s, '{staging}')", (project, f"{project} template"))
        conn.execute("INSERT INTO agent_loggy.documents (project, external_id, content, embedding) "
                     "VALUES (%s, 'doc', %s, %s::vector)", (project, f"{project} payment timeout", vec(0)))
        conn.execute("INSERT INTO agent_loggy.context_rules (project, context, version, important, embedding) "
                     "VALUES (%s, 'payments', 1, %s, %s::vector)", (project, f"{project} rule", vec(0)))
        conn.execute("INSERT INTO agent_loggy.negate_keys (project, label, operator, value, version) "
                     "VALUES (%s, 'service', '!=', %s, 1)", (project, f"{project}-health"))
    return conn


@contextmanager
def connect(url: str, project: str | None = None) -> Iterator[Conn]:
    """A connection whose first transaction is bound to `project` (None: nothing bound)."""
    with psycopg.connect(url) as c:
        if project is not None:
            bind_transaction(c, project=project)
        yield c


def raises_permission(c: Conn, query: str, *params: Any) -> str:
    """Run query, expect insufficient_privilege (42501) mapped to PermissionDenied; return the message."""
    with pytest.raises(psycopg.errors.InsufficientPrivilege) as info:
        c.execute(query, params)
    c.rollback()
    assert isinstance(map_error(info.value), PermissionDenied)
    return str(info.value)


def count(c: Conn, table: str) -> int:
    row = c.execute(f"SELECT count(*) FROM agent_loggy.{table}").fetchone()
    assert row is not None
    return int(row[0])


def projects_seen(c: Conn, table: str) -> set[str]:
    return {r[0] for r in c.execute(f"SELECT DISTINCT project FROM agent_loggy.{table}").fetchall()}


ISOLATED = ["prompts", "model_configs", "embedding_configs", "context_rules", "negate_keys", "documents",
            "config_changelog", "protected_labels"]


# Roles and privileges ---------------------------------------------------------------------------------


def test_group_roles_cannot_log_in_and_each_includes_the_one_below(conn: Conn) -> None:
    rows = dict(conn.execute("SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE 'agent\\_loggy\\_%'")
                .fetchall())
    assert rows == {READER: False, WRITER: False, ADMIN: False}
    member = "SELECT pg_has_role(%s, %s, 'USAGE')"
    assert conn.execute(member, (ADMIN, WRITER)).fetchone() == (True,)
    assert conn.execute(member, (WRITER, READER)).fetchone() == (True,)
    assert conn.execute(member, (READER, WRITER)).fetchone() == (False,)


def test_public_may_execute_no_function_and_every_function_is_granted_or_owner_only(conn: Conn) -> None:
    rows = conn.execute("""
        SELECT p.proname, p.prokind,
               has_function_privilege('public', p.oid, 'EXECUTE') AS public_may,
               ARRAY(SELECT g FROM unnest(ARRAY['agent_loggy_reader', 'agent_loggy_writer', 'agent_loggy_admin']) AS g
                     WHERE has_function_privilege(g, p.oid, 'EXECUTE')) AS groups
        FROM pg_proc AS p WHERE p.pronamespace = 'agent_loggy'::regnamespace""").fetchall()
    assert len(rows) > 60
    assert [name for name, _, public_may, _ in rows if public_may] == []
    unclassified = sorted(name for name, _, _, groups in rows if not groups and name not in OWNER_ONLY)
    assert unclassified == [], "grant these to a group role (or list them as owner-only)"
    assert sorted({name for name, _, _, groups in rows if name in OWNER_ONLY and groups}) == []


def test_readers_execute_reads_only_and_writers_the_writes(conn: Conn) -> None:
    def may(role: str, signature: str) -> bool:
        row = conn.execute("SELECT has_function_privilege(%s, %s, 'EXECUTE')", (role, signature)).fetchone()
        return bool(row and row[0])

    resolve = "agent_loggy.resolve_prompt(text, text, text, integer, text[])"
    publish = ("agent_loggy.create_prompt_version(text, text, text, text[], text, text, text, text, jsonb, text, "
               "text, jsonb, text[], text)")
    load = "agent_loggy.load_staged_documents(text, text, bigint, boolean)"
    assert may(READER, resolve) and may(READER, "agent_loggy.search_documents(vector, text, integer, text[], bigint)")
    assert not may(READER, publish) and not may(READER, load)
    assert may(WRITER, publish) and may(WRITER, load) and may(ADMIN, publish)


def test_security_definer_and_plpgsql_functions_pin_their_search_path_with_pg_catalog_first(conn: Conn) -> None:
    rows = conn.execute("""
        SELECT p.proname, p.prosecdef, p.proconfig FROM pg_proc AS p JOIN pg_language AS l ON l.oid = p.prolang
        WHERE p.pronamespace = 'agent_loggy'::regnamespace AND p.prokind = 'f'
          AND (p.prosecdef OR l.lanname = 'plpgsql' OR p.proname IN ('bound_project', 'is_admin', 'can_access_project'))
        """).fetchall()
    assert any(definer for _, definer, _ in rows), "write_changelog is SECURITY DEFINER"
    unpinned = [name for name, _, config in rows
                if not any(c.startswith("search_path=pg_catalog,") for c in config or [])]
    assert unpinned == []
    # A definer's path holds nothing a caller could create an operator in: PostgreSQL prefers an
    # exact-type operator in any schema on the path (public, pgvector's) over pg_catalog's polymorphic one.
    exposed = [name for name, definer, config in rows
               if definer and "search_path=pg_catalog, pg_temp" not in (config or [])]
    assert exposed == []


def test_sql_functions_bind_their_operators_when_created_or_pin_their_search_path(conn: Conn) -> None:
    """A string-bodied LANGUAGE sql function without a SET clause resolves its operators with the
    caller's search_path at each call: a trojan exact-type operator there would run with the
    privileges of whoever calls. Inlined functions (no SET clause allowed) use SQL-standard bodies."""
    loose = conn.execute("""
        SELECT array_agg(p.oid::regprocedure::text) FROM pg_proc AS p
        WHERE p.pronamespace = 'agent_loggy'::regnamespace
          AND p.prolang = (SELECT l.oid FROM pg_language AS l WHERE l.lanname = 'sql')
          AND p.prosqlbody IS NULL AND p.proconfig IS NULL""").fetchone()
    assert loose == (None,)


def test_a_trojan_operator_on_the_callers_search_path_is_not_run_by_resolve_prompt(conn: Conn) -> None:
    """resolve_prompt() is inlined into the caller's query (0026); its body was bound when created,
    so an exact-type `@>` (text[], text[]) earlier on the path than pg_catalog's polymorphic one is
    never called (here it would raise)."""
    conn.execute("CREATE SCHEMA trojan")
    conn.execute("""CREATE FUNCTION trojan.contains(a text[], b text[]) RETURNS boolean LANGUAGE plpgsql
                    AS $$ BEGIN RAISE EXCEPTION 'the trojan ran'; END $$""")
    conn.execute("CREATE OPERATOR trojan.@> (FUNCTION = trojan.contains, LEFTARG = text[], RIGHTARG = text[])")
    conn.execute("SET search_path = trojan, pg_catalog, public")
    row = conn.execute("SELECT name, resolved_label FROM agent_loggy.resolve_prompt('trace_analysis')").fetchone()
    listed = conn.execute("SELECT count(*) > 0 FROM agent_loggy.list_prompts()").fetchone()
    assert row == ("trace_analysis", "production") and listed == (True,)


def test_dynamic_sql_is_built_only_with_format(conn: Conn) -> None:
    """Every EXECUTE in a function body runs format(...) output or one constant string (values go in
    with USING); the two exceptions in the document load run text that was itself built by
    format('%I') and pg_get_indexdef()."""
    built_elsewhere = {("load_staged_documents", "drops"), ("load_staged_documents", "index_defs[i]")}
    rows = conn.execute("""SELECT p.proname, p.prosrc FROM pg_proc AS p
                           WHERE p.pronamespace = 'agent_loggy'::regnamespace AND p.prolang <> 12""").fetchall()
    found, constant = [], []
    for name, source in rows:
        for match in re.finditer(r"\bEXECUTE\s+(?!FUNCTION\b)(\S+?)(?:;|\s)", source, flags=re.IGNORECASE):
            target = match.group(1)
            found.append(name)
            if target.startswith("'"):  # a literal: nothing joined to it before USING / INTO
                statement = re.split(r"\b(?:USING|INTO)\b|;", source[match.end(1):], maxsplit=1)[0]
                assert "||" not in statement and statement.count("'") % 2 == 1, (name, statement)
                constant.append(name)
                continue
            assert target.lower().startswith("format(") or (name, target) in built_elsewhere, (name, target)
    assert "use_vector_schema" in found and "load_staged_documents" in found
    assert "nearest_document_ids" in constant


def test_reader_resolves_renders_searches_and_reads_configs_but_writes_nothing(
        two_projects: Conn, role_url: RoleUrl) -> None:
    url = role_url(READER, "default")
    before = snapshot(two_projects), fingerprint(two_projects)
    with connect(url, "default") as c:
        row = c.execute("SELECT name, version FROM agent_loggy.resolve_prompt('shared', 'staging', 'default')")
        assert row.fetchone() == ("shared", 1)
        assert c.execute("SELECT agent_loggy.render_prompt('Hi {who}', '{\"who\": \"Ann\"}')").fetchone() == ("Hi Ann",)
        hits = c.execute("SELECT external_id FROM agent_loggy.search_documents(%s::vector, 'default', 5)",
                         (vec(0),)).fetchall()
        assert hits == [("doc",)]
        assert c.execute("SELECT agent_loggy.loki_negations('default')").fetchone() == ('service!="default-health"',)
        assert c.execute("SELECT count(*) FROM agent_loggy.current_context_rules").fetchone() == (1,)
        c.commit()
        for query in [
            "SELECT agent_loggy.create_prompt_version('shared', 'x', 'default')",
            "SELECT agent_loggy.set_prompt_label('shared', 1, 'qa', 'default')",
            "UPDATE agent_loggy.prompts SET template = 'x' WHERE name = 'shared'",
            "INSERT INTO agent_loggy.negate_keys (project, label, operator, value, version) "
            "VALUES ('default', 'a', '=', 'b', 1)",
            "DELETE FROM agent_loggy.documents",
            "INSERT INTO agent_loggy.config_changelog (config_type, config_id, project, config_name, change_type,"
            " changed_by) VALUES ('prompt', 1, 'default', 'x', 'create', 'me')",
        ]:
            bind_transaction(c, project="default")
            raises_permission(c, query)
    assert (snapshot(two_projects), fingerprint(two_projects)) == before


def test_writer_publishes_labels_imports_and_embeds_in_its_project(two_projects: Conn, role_url: RoleUrl) -> None:
    url = role_url(WRITER, "beta")
    with connect(url, "beta") as c:
        row = c.execute("SELECT version FROM agent_loggy.create_prompt_version('shared', 'v2', 'beta', '{staging}')"
                        ).fetchone()
        assert row == (2,)
        c.execute("SELECT agent_loggy.set_prompt_label('shared', 2, 'production', 'beta')")  # unprotected in beta
        c.execute("SELECT * FROM agent_loggy.import_negate_keys("
                  "'[{\"line\": 2, \"label\": \"path\", \"operator\": \"!~\", \"value\": \"/metrics.*\"}]', 'beta')")
        c.execute("SELECT agent_loggy.stage_documents()")
        c.execute("INSERT INTO pg_temp.agent_loggy_staged_documents (line, external_id, content, tags, metadata) "
                  "VALUES (1, 'new', 'new text', '{}', '{}')")
        assert c.execute("SELECT inserted FROM agent_loggy.load_staged_documents('beta', 'manual')").fetchone() == (1,)
        ids = [r[0] for r in c.execute("SELECT id FROM agent_loggy.pending_embeddings('documents', 'beta')").fetchall()]
        stored = c.execute("SELECT agent_loggy.store_embeddings('documents', %s, ARRAY['new text'], ARRAY[%s::vector])",
                           (ids, vec(10))).fetchone()
        assert stored == (1,)
        c.commit()
    labels = two_projects.execute("SELECT version, labels FROM agent_loggy.prompts WHERE project = 'beta' "
                                  "AND name = 'shared' ORDER BY version").fetchall()
    assert labels == [(1, []), (2, ["production", "staging"])]
    changed_by = two_projects.execute("SELECT DISTINCT changed_by FROM agent_loggy.config_changelog "
                                      "WHERE project = 'beta' AND changed_at >= now() - interval '1 hour' "
                                      "AND config_type IN ('prompt', 'negate_key')").fetchall()
    assert {r[0] for r in changed_by} >= {parse(url)["user"]}


def test_writer_cannot_deactivate_or_delete_and_nothing_changes(two_projects: Conn, role_url: RoleUrl) -> None:
    url = role_url(WRITER, "default")
    before = fingerprint(two_projects)
    with connect(url) as c:
        for query in [
            "UPDATE agent_loggy.negate_keys SET is_active = false",
            "UPDATE agent_loggy.prompts SET is_active = false WHERE name = 'shared'",
            "SELECT * FROM agent_loggy.import_context_rules('[]', 'default', true)",
            "DELETE FROM agent_loggy.prompts WHERE name = 'shared'",
            "DELETE FROM agent_loggy.documents",
            "INSERT INTO agent_loggy.protected_labels (project, label) VALUES ('default', 'staging')",
            "DELETE FROM agent_loggy.protected_labels",
        ]:
            bind_transaction(c, project="default")
            message = raises_permission(c, query)
            assert "deactivate" in message or "permission denied for table" in message, message
    assert fingerprint(two_projects) == before


def test_writers_add_versions_but_never_edit_switch_or_move_one(two_projects: Conn, role_url: RoleUrl) -> None:
    url = role_url(WRITER, "default")
    before = fingerprint(two_projects)
    with connect(url) as c:
        for query, expected in [
            ("UPDATE agent_loggy.prompts SET template = 'evil' WHERE name = 'trace_analysis'", "permission denied"),
            ("UPDATE agent_loggy.prompts SET version = 100 WHERE name = 'trace_analysis'", "permission denied"),
            ("UPDATE agent_loggy.negate_keys SET value = 'nothing'", "permission denied"),
            ("UPDATE agent_loggy.context_rules SET context = 'renamed'", "permission denied"),
            ("UPDATE agent_loggy.documents SET project = 'beta'", "permission denied"),
            ("UPDATE agent_loggy.documents SET external_id = 'other'", "permission denied"),
        ]:
            bind_transaction(c, project="default")
            assert expected in raises_permission(c, query)
    assert fingerprint(two_projects) == before


def test_only_admin_switches_a_version_back_on(two_projects: Conn, role_url: RoleUrl) -> None:
    with connect(role_url(ADMIN), "default") as c:
        c.execute("UPDATE agent_loggy.prompts SET is_active = false WHERE name = 'quality_assessment'")
        c.commit()
    url = role_url(WRITER, "default")
    before = fingerprint(two_projects)
    with connect(url, "default") as c:
        query = "UPDATE agent_loggy.prompts SET is_active = true WHERE name = 'quality_assessment'"
        message = raises_permission(c, query)
    assert "reactivate" in message
    assert fingerprint(two_projects) == before


def test_documents_may_point_only_at_their_own_projects_embedding_configs(conn: Conn) -> None:
    beta = conn.execute("INSERT INTO agent_loggy.embedding_configs (project, name, version, embedding_model) "
                        "VALUES ('beta', 'minilm', 1, 'all-MiniLM-L6-v2') RETURNING id").fetchone()
    assert beta is not None
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        conn.execute("INSERT INTO agent_loggy.documents (project, external_id, content, embedding_config_id) "
                     "VALUES ('default', 'd', 'x', %s)", (beta[0],))
    conn.execute("INSERT INTO agent_loggy.documents (project, external_id, content, embedding_config_id) "
                 "VALUES ('beta', 'd', 'x', %s)", (beta[0],))


def test_changelog_records_the_login_role_whatever_the_actor_claims(conn: Conn, role_url: RoleUrl) -> None:
    url = role_url(WRITER, "default")
    with connect(url, "default") as c:
        bind_transaction(c, actor="somebody-else")
        c.execute("SELECT agent_loggy.create_prompt_version('fresh', 'text')")
        c.commit()
    row = conn.execute("SELECT changed_by, session_role FROM agent_loggy.config_changelog WHERE config_name = 'fresh'")
    assert row.fetchone() == ("somebody-else", parse(url)["user"])


# Protected labels ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", [
    "SELECT agent_loggy.set_prompt_label('shared', 1, 'production', 'default')",
    "SELECT agent_loggy.create_prompt_version('shared', 'v2', 'default', '{production}')",
    "SELECT agent_loggy.remove_prompt_label('trace_analysis', 'production', 'default')",
    "UPDATE agent_loggy.prompts SET labels = '{}' WHERE name = 'trace_analysis' AND version = 1",
    "UPDATE agent_loggy.prompts SET labels = labels || '{production}' WHERE name = 'shared'",
    "UPDATE agent_loggy.prompts SET name = 'renamed' WHERE name = 'trace_analysis'",
    "INSERT INTO agent_loggy.prompts (project, name, version, template, labels) "
    "VALUES ('default', 'fresh', 1, 't', '{production}')",
    "INSERT INTO agent_loggy.model_configs (project, name, version, model_provider, model_name, labels) "
    "VALUES ('default', 'm', 1, 'p', 'n', '{production}')",
])
def test_only_admin_moves_a_protected_label_on_every_path(two_projects: Conn, role_url: RoleUrl, query: str) -> None:
    writer, admin = role_url(WRITER, "default"), role_url(ADMIN)
    before = fingerprint(two_projects)
    with connect(writer, "default") as c:
        message = raises_permission(c, query)
    assert "production" in message or "permission denied for table" in message, message  # rename: column grant
    assert fingerprint(two_projects) == before
    with connect(admin, "default") as c:
        c.execute(query)
        c.commit()
    assert fingerprint(two_projects) != before


def test_rolling_back_a_protected_label_is_admin_only(two_projects: Conn, role_url: RoleUrl) -> None:
    two_projects.execute("SELECT agent_loggy.create_prompt_version('trace_analysis', 'v2', 'default', '{production}')")
    query = "SELECT agent_loggy.rollback_prompt_label('trace_analysis', 'production', 'default')"
    with connect(role_url(WRITER, "default"), "default") as c:
        assert "protected" in raises_permission(c, query)
    with connect(role_url(ADMIN), "default") as c:
        assert c.execute(query).fetchone() == (1,)


def test_unprotected_labels_move_freely_and_admin_changes_the_list(two_projects: Conn, role_url: RoleUrl) -> None:
    writer, admin = role_url(WRITER, "default"), role_url(ADMIN)
    with connect(writer, "default") as c:
        c.execute("SELECT agent_loggy.create_prompt_version('shared', 'v2', 'default', '{staging}')")
        c.commit()
    with connect(admin, "default") as c:
        c.execute("INSERT INTO agent_loggy.protected_labels (project, label) VALUES ('default', 'staging')")
        c.commit()
    with connect(writer, "default") as c:
        raises_permission(c, "SELECT agent_loggy.set_prompt_label('shared', 1, 'staging', 'default')")
    with connect(admin, "default") as c:
        c.execute("DELETE FROM agent_loggy.protected_labels WHERE label = 'staging'")
        c.commit()
    with connect(writer, "default") as c:
        assert c.execute("SELECT version FROM agent_loggy.set_prompt_label('shared', 1, 'staging', 'default')"
                         ).fetchone() == (1,)


def test_production_is_protected_in_default_by_the_seed(conn: Conn) -> None:
    assert conn.execute("SELECT project, label FROM agent_loggy.protected_labels").fetchall() == [
        ("default", "production")]


# Project isolation -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("group", [READER, WRITER])
def test_reader_and_writer_see_the_bound_project_or_unbound_their_granted_ones(
        two_projects: Conn, role_url: RoleUrl, group: str) -> None:
    url = role_url(group, "beta")
    with connect(url, "beta") as c:
        for table in ISOLATED:
            assert projects_seen(c, table) <= {"beta"}, table
        assert projects_seen(c, "config_changelog") == {"beta"}
        assert projects_seen(c, "documents") == {"beta"}
    with connect(url) as c:
        for table in ISOLATED:
            assert projects_seen(c, table) <= {"beta"}, table
        assert projects_seen(c, "documents") == {"beta"}
        c.execute("SELECT set_config('agent_loggy.project', '', false)")  # reset to '' reads as unbound
        assert projects_seen(c, "prompts") == {"beta"}
    with connect(url, "default") as c:
        message = raises_permission(c, "SELECT count(*) FROM agent_loggy.prompts")
        assert "permission denied for project 'default'" in message
    with connect(role_url(group)) as c:  # granted nothing: sees nothing
        assert {table: count(c, table) for table in ISOLATED} == dict.fromkeys(ISOLATED, 0)


def test_a_login_roles_default_project_binds_clients_that_cannot(two_projects: Conn, superuser_conn: Conn,
                                                               role_url: RoleUrl) -> None:
    url = role_url(READER, "beta")
    superuser_conn.execute(f'ALTER ROLE "{parse(url)["user"]}" SET agent_loggy.project = \'beta\'')
    with connect(url) as c:
        assert projects_seen(c, "documents") == {"beta"}
        row = c.execute("SELECT template FROM agent_loggy.resolve_prompt('shared', 'staging', 'beta')").fetchone()
        assert row == ("beta template",)


def test_admin_sees_every_project_unbound_and_one_when_bound(two_projects: Conn, role_url: RoleUrl) -> None:
    url = role_url(ADMIN)
    with connect(url) as c:
        assert projects_seen(c, "documents") == {"default", "beta"}
        assert projects_seen(c, "config_changelog") == {"default", "beta"}
        assert c.execute("SELECT count(*) FROM agent_loggy.resolve_prompt('shared', 'staging', 'beta')").fetchone() \
            == (1,)
    with connect(url, "default") as c:
        assert projects_seen(c, "documents") == {"default"}
        raises_permission(c, "SELECT * FROM agent_loggy.resolve_prompt('shared', 'staging', 'beta')")


FUNCTIONS_FOR_BETA = [
    "SELECT * FROM agent_loggy.resolve_prompt('shared', 'staging', 'beta')",
    "SELECT * FROM agent_loggy.prompt_label_history('shared', 'beta')",
    "SELECT agent_loggy.loki_negations('beta')",
    "SELECT * FROM agent_loggy.search_documents(%(v)s::vector, 'beta')",
    "SELECT * FROM agent_loggy.keyword_search_documents('payment', 'beta')",
    "SELECT * FROM agent_loggy.hybrid_search_documents('payment', %(v)s::vector, 'beta')",
    "SELECT * FROM agent_loggy.search_context_rules(%(v)s::vector, 'beta')",
    "SELECT * FROM agent_loggy.hybrid_search_context_rules('payment', %(v)s::vector, 'beta')",
    "SELECT * FROM agent_loggy.search_prompts(%(v)s::vector, 'beta')",
    "SELECT * FROM agent_loggy.pending_embeddings('documents', 'beta')",
    "SELECT agent_loggy.create_prompt_version('shared', 'stolen', 'beta')",
    "SELECT * FROM agent_loggy.import_negate_keys('[]', 'beta')",
    "SELECT agent_loggy.check_document_target('beta', 'manual')",
]


@pytest.mark.parametrize("query", FUNCTIONS_FOR_BETA)
@pytest.mark.parametrize("bound", ["default", None])
def test_functions_refuse_another_project_with_a_permission_error(
        two_projects: Conn, role_url: RoleUrl, query: str, bound: str | None) -> None:
    with connect(role_url(WRITER, "default"), bound) as c:
        with pytest.raises(psycopg.errors.InsufficientPrivilege) as info:
            c.execute(query, {"v": vec(0)})
        c.rollback()
    expected = "this transaction is bound to project 'default'" if bound else "holds no grant for it"
    assert "permission denied for project 'beta'" in str(info.value) and expected in str(info.value)


@pytest.mark.parametrize("query", [
    "SELECT * FROM agent_loggy.list_prompts('beta')",
    "SELECT prompts FROM agent_loggy.export_prompts('beta') AS e(prompts)",
])
def test_listing_functions_return_nothing_of_another_project(
        two_projects: Conn, role_url: RoleUrl, query: str) -> None:
    with connect(role_url(READER, "default"), "default") as c:
        rows = c.execute(query).fetchall()
    assert "beta template" not in str(rows) and "shared" not in str(rows)


def test_writer_cannot_write_rows_of_another_project(two_projects: Conn, role_url: RoleUrl) -> None:
    url = role_url(WRITER, "default", "beta")
    before = fingerprint(two_projects)
    with connect(url, "default") as c:
        raises_permission(c, "INSERT INTO agent_loggy.documents (project, external_id, content) "
                             "VALUES ('beta', 'planted', 'x')")
        bind_transaction(c, project="default")
        assert c.execute("UPDATE agent_loggy.documents SET content = 'hijacked' WHERE project = 'beta'").rowcount == 0
        bind_transaction(c, project="default")
        raises_permission(c, "UPDATE agent_loggy.documents SET project = 'beta' WHERE project = 'default'")
        c.commit()
    assert fingerprint(two_projects) == before


def test_changelog_stays_append_only_for_admin(two_projects: Conn, role_url: RoleUrl) -> None:
    with connect(role_url(ADMIN)) as c:
        for query in ["UPDATE agent_loggy.config_changelog SET changed_by = 'x'",
                      "DELETE FROM agent_loggy.config_changelog"]:
            with pytest.raises(psycopg.Error, match=r"append-only|permission denied"):
                c.execute(query)
            c.rollback()
    assert two_projects.execute("SELECT count(*) FROM agent_loggy.config_changelog WHERE changed_by = 'x'"
                                ).fetchone() == (0,)


# The Python layer -------------------------------------------------------------------------------------------


def test_python_layer_binds_each_call_to_its_project_and_pooled_connections_keep_no_binding(
        two_projects: Conn, role_url: RoleUrl) -> None:
    with create_pool(role_url(READER, "default", "beta")) as pool:
        pool.resize(1, 1)
        registry = PromptRegistry(pool, cache=False)
        assert registry.get_prompt("shared", label="staging", project="beta").template == "beta template"
        assert registry.get_prompt("shared", label="staging", project="default").template == "default template"
        assert [h.project for h in Search(pool).search_documents(vec_list(), project="beta")] == ["beta"]
        assert Configs(pool).loki_negations("beta") == 'service!="beta-health"'
        with pool.connection() as c:  # the same connection, a new transaction: nothing bound, granted ones seen
            assert c.execute("SELECT agent_loggy.bound_project()").fetchone() == (None,)
            assert projects_seen(c, "prompts") == {"default", "beta"}
        with pytest.raises(PermissionDenied, match="permission denied"):
            registry.publish("shared", "nope", actor="reader", project="default")


def test_a_binding_made_for_a_call_inside_the_callers_transaction_ends_with_the_call(
        two_projects: Conn, role_url: RoleUrl) -> None:
    with create_pool(role_url(READER, "default", "beta")) as pool, pool.connection() as c:
        bind_transaction(c, project="default")
        assert Configs(pool).loki_negations("beta", conn=c) == 'service!="beta-health"'
        assert c.execute("SELECT agent_loggy.bound_project()").fetchone() == ("default",)
        assert projects_seen(c, "prompts") == {"default"}


def vec_list() -> list[float]:
    return [float(x) for x in vec(0).strip("[]").split(",")]


def test_python_writer_gets_a_typed_permission_error_for_a_protected_label(
        two_projects: Conn, role_url: RoleUrl) -> None:
    with create_pool(role_url(WRITER, "default")) as pool:
        registry = PromptRegistry(pool, cache=False)
        with pytest.raises(PermissionDenied, match="protected"):
            registry.set_label("shared", 1, "production", actor="writer")
        assert registry.set_label("shared", 1, "qa", actor="writer").labels == ("qa", "staging")
