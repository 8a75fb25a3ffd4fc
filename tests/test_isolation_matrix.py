"""Project isolation as a matrix: logins × projects × every table, view and function that knows a project.

The memory system this project absorbs leaked documents across users because its store was unscoped;
here every relation with a `project` column and every function with a `p_project` argument is asked,
by each kind of login, with and without a grant, bound and unbound, for rows of a project it may not
read. New relations and functions join the matrix by themselves (read from the catalog); a function
with a project argument that this file does not know how to call fails the test until it is added.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg import sql

from tests.conftest import RoleUrl
from tests.test_search_sql import vec
from tests.test_security import connect, two_projects  # noqa: F401 (the fixture world builds on)

Conn = psycopg.Connection[Any]
V = "%(v)s::vector"

# How to call each function that takes a project, with {p} for the project. Expected for a project the
# login may not read: "refused" (42501) or "empty" (nothing of it, for helpers that only filter).
CALLS: dict[str, tuple[str, str]] = {
    "resolve_prompt": ("SELECT * FROM agent_loggy.resolve_prompt('shared', 'staging', {p})", "refused"),
    "resolve_prompt_checked": ("SELECT * FROM agent_loggy.resolve_prompt_checked('shared', 'staging', {p})",
                               "refused"),
    "create_prompt_version": ("SELECT agent_loggy.create_prompt_version('shared', 'x', {p})", "refused"),
    "set_prompt_label": ("SELECT agent_loggy.set_prompt_label('shared', 1, 'qa', {p})", "refused"),
    "remove_prompt_label": ("SELECT agent_loggy.remove_prompt_label('shared', 'staging', {p})", "refused"),
    "prompt_label_history": ("SELECT * FROM agent_loggy.prompt_label_history('shared', {p})", "refused"),
    "rollback_prompt_label": ("SELECT agent_loggy.rollback_prompt_label('shared', 'staging', {p})", "refused"),
    "prompt_history": ("SELECT * FROM agent_loggy.prompt_history('shared', {p})", "refused"),
    "set_prompt_tags": ("SELECT agent_loggy.set_prompt_tags('shared', 1, '{{t}}', {p})", "refused"),
    "list_prompts": ("SELECT * FROM agent_loggy.list_prompts({p})", "empty"),
    "export_prompts": ("SELECT e -> 'prompts' FROM agent_loggy.export_prompts({p}) AS e", "empty-json"),
    "import_prompts": ("SELECT * FROM agent_loggy.import_prompts('{{\"format\": \"agent_loggy.prompts\", "
                       "\"format_version\": 1, \"prompts\": []}}', {p})", "refused"),
    "checked_project": ("SELECT agent_loggy.checked_project({p})", "refused"),
    "check_prompt_args": ("SELECT agent_loggy.check_prompt_args({p}, 'shared')", "refused"),
    "check_project_access": ("SELECT agent_loggy.check_project_access({p})", "refused"),
    "check_document_target": ("SELECT agent_loggy.check_document_target({p}, 'manual')", "refused"),
    "loki_negations": ("SELECT agent_loggy.loki_negations({p})", "refused"),
    "begin_import": ("SELECT agent_loggy.begin_import('negate_keys', '[]', {p})", "refused"),
    "import_context_rules": ("SELECT * FROM agent_loggy.import_context_rules('[]', {p})", "refused"),
    "import_negate_keys": ("SELECT * FROM agent_loggy.import_negate_keys('[]', {p})", "refused"),
    "search_documents": (f"SELECT * FROM agent_loggy.search_documents({V}, {{p}})", "refused"),
    "keyword_search_documents": ("SELECT * FROM agent_loggy.keyword_search_documents('payment', {p})", "refused"),
    "hybrid_search_documents": (f"SELECT * FROM agent_loggy.hybrid_search_documents('payment', {V}, {{p}})",
                                "refused"),
    "search_context_rules": (f"SELECT * FROM agent_loggy.search_context_rules({V}, {{p}})", "refused"),
    "hybrid_search_context_rules": (f"SELECT * FROM agent_loggy.hybrid_search_context_rules('payment', {V}, {{p}})",
                                    "refused"),
    "search_prompts": (f"SELECT * FROM agent_loggy.search_prompts({V}, {{p}})", "refused"),
    "nearest_document_ids": (f"SELECT unnest(agent_loggy.nearest_document_ids({V}, {{p}}, 5, NULL))", "empty"),
    "keyword_document_ids": ("SELECT unnest(agent_loggy.keyword_document_ids('payment', {p}, 5, NULL))", "refused"),
    "keyword_document_scores": ("SELECT * FROM agent_loggy.keyword_document_scores('payment', {p}, 5, NULL)",
                                "refused"),
    "bm25_document_scores": ("SELECT * FROM agent_loggy.bm25_document_scores('payment', {p}, 5, NULL)", "refused"),
    "bm25_query": ("SELECT * FROM agent_loggy.bm25_query('payment', {p})", "refused"),
    "nearest_context_rule_ids": (f"SELECT unnest(agent_loggy.nearest_context_rule_ids({V}, {{p}}, 5))", "empty"),
    "nearest_prompt_ids": (f"SELECT unnest(agent_loggy.nearest_prompt_ids({V}, {{p}}, 5))", "empty"),
    "load_staged_documents": ("SELECT agent_loggy.stage_documents(); "
                              "SELECT * FROM agent_loggy.load_staged_documents({p}, 'manual')", "refused"),
    "pending_embeddings": ("SELECT * FROM agent_loggy.pending_embeddings('documents', {p})", "refused"),
    "pending_embedding_count": ("SELECT agent_loggy.pending_embedding_count('documents', {p})", "refused"),
    "lock_writes": ("SELECT agent_loggy.lock_writes('prompts', {p})", "refused"),
    "highest_recorded_version": ("SELECT agent_loggy.highest_recorded_version({p}, 'prompt', 'shared')", "null"),
    "deleted_state": ("SELECT agent_loggy.deleted_state({p}, 'prompt', 'shared', 1)", "null"),
    "verify_changelog": ("SELECT * FROM agent_loggy.verify_changelog({p})", "empty"),
    "grant_project": ("SELECT agent_loggy.grant_project('agent_loggy_reader', {p})", "refused"),
    "revoke_project": ("SELECT agent_loggy.revoke_project('agent_loggy_reader', {p})", "refused"),
    "prompt_version_metrics": ("SELECT * FROM agent_loggy.prompt_version_metrics('shared', {p})", "refused"),
    "compare_prompt_versions": ("SELECT * FROM agent_loggy.compare_prompt_versions('shared', '1', 'staging', "
                                "'relevance', NULL, {p})", "refused"),
    "promotion_failures": ("SELECT agent_loggy.promotion_failures({p}, 'shared', 1, 'qa')", "refused"),
    "promote_prompt": ("SELECT agent_loggy.promote_prompt('shared', 1, 'qa', {p})", "refused"),
    "set_promotion_policy": ("SELECT agent_loggy.set_promotion_policy('qa', {p})", "refused"),
    "remove_promotion_policy": ("SELECT agent_loggy.remove_promotion_policy('qa', {p})", "refused"),
    "similar_investigations": (f"SELECT * FROM agent_loggy.similar_investigations({V}, {{p}})", "refused"),
    "start_investigation": ("SELECT agent_loggy.start_investigation('q', {p})", "refused"),
    "set_prompt_output_schema": ("SELECT agent_loggy.set_prompt_output_schema('shared', 1, '{{}}', {p})", "refused"),
    "prompt_output_schema": ("SELECT agent_loggy.prompt_output_schema('shared', 1, {p})", "null"),
    "resolve_version_ref": ("SELECT agent_loggy.resolve_version_ref('shared', 'staging', {p})", "refused"),
    "remember_fact": ("SELECT agent_loggy.remember_fact('k', 'v', NULL, {p})", "refused"),
    "forget_fact": ("SELECT agent_loggy.forget_fact('k', NULL, {p})", "refused"),
    "recall_fact": ("SELECT agent_loggy.recall_fact('k', NULL, {p})", "refused"),
    "fact_history": ("SELECT * FROM agent_loggy.fact_history('k', NULL, {p})", "refused"),
    "recall_facts": ("SELECT * FROM agent_loggy.recall_facts('k', 5, {p})", "refused"),
    "fact_embedding_config": ("SELECT agent_loggy.fact_embedding_config({p}, 3, NULL)", "refused"),
    "with_project_bound": ("SELECT agent_loggy.with_project_bound({p})", "refused"),
    "search_embedding_config": ("SELECT agent_loggy.search_embedding_config({p})", "null"),
    "use_embedding_config": ("SELECT agent_loggy.use_embedding_config(NULL, {p})", "refused"),
    "checked_config_query": (f"SELECT agent_loggy.checked_config_query({V}, 1, {{p}})", "refused"),
    "nearest_config_ids": (f"SELECT * FROM agent_loggy.nearest_config_ids('documents', 1, {V}, {{p}}, 5, NULL)",
                           "refused"),
    "bm25_lexeme_scores": ("SELECT * FROM agent_loggy.bm25_lexeme_scores(ARRAY['payment'], ARRAY[1.0], {p}, 5, NULL)",
                           "refused"),
    "bm25_lexeme_query": ("SELECT * FROM agent_loggy.bm25_lexeme_query(ARRAY['payment'], ARRAY[1.0], {p})", "refused"),
    "fuzzy_terms": ("SELECT * FROM agent_loggy.fuzzy_terms('payment', {p})", "refused"),
    "fuzzy_document_ids": ("SELECT agent_loggy.fuzzy_document_ids('payment', {p}, 5, NULL)", "refused"),
    "fuzzy_search_documents": ("SELECT * FROM agent_loggy.fuzzy_search_documents('payment', {p})", "refused"),
}
# Functions with a project argument that reveal nothing of a project: validators and the caller's own rights.
ABOUT_THE_CALLER = {"session_may_read", "checked_readable_project", "is_valid_project", "can_access_project",
                    "holds_grant", "may_use_project",
                    "login_may_write"}


@pytest.fixture
def world(request: pytest.FixtureRequest) -> Conn:
    """test_security's two projects, plus model and embedding configs, a protected label in beta, and
    the admin group granted beta (so that admins bound to beta are not refused)."""
    conn: Conn = request.getfixturevalue("two_projects")
    for project in ("default", "beta"):
        conn.execute("INSERT INTO agent_loggy.model_configs (project, name, version, model_provider, "
                     "model_name) VALUES (%s, 'm', 1, 'p', 'n')", (project,))
        conn.execute("INSERT INTO agent_loggy.embedding_configs (project, name, version, embedding_model) "
                     "VALUES (%s, 'e', 1, 'minilm')", (project,))
    conn.execute("INSERT INTO agent_loggy.protected_labels (project, label) VALUES ('beta', 'production')")
    conn.execute("SELECT agent_loggy.grant_project('agent_loggy_admin', 'beta', 'write')")
    for project in ("default", "beta"):  # one of every record of the runs issue
        conn.execute("""
            WITH i AS (INSERT INTO agent_loggy.investigations (project, query, embedding)
                       VALUES (%(p)s, 'refund?', %(v)s::vector) RETURNING id),
                 r AS (INSERT INTO agent_loggy.runs (project, investigation_id, prompt_name, prompt_version)
                       SELECT %(p)s, id, 'shared', 1 FROM i RETURNING id, started_at),
                 s AS (INSERT INTO agent_loggy.scores (project, run_id, run_started_at, name, value, source)
                       SELECT %(p)s, id, started_at, 'relevance', 80, 'code' FROM r),
                 f AS (INSERT INTO agent_loggy.trace_findings (project, investigation_id, trace_id, stance)
                       SELECT %(p)s, id, 't1', 'supports' FROM i RETURNING id, investigation_id)
            INSERT INTO agent_loggy.verdicts (project, investigation_id, verdict, finding_ids)
            SELECT %(p)s, investigation_id, 'supports', ARRAY[id] FROM f""", {"p": project, "v": vec(0)})
        conn.execute("SELECT agent_loggy.set_promotion_policy('qa', %s, 1)", (project,))
    return conn


def project_relations(conn: Conn) -> list[str]:
    rows = conn.execute("""
        SELECT c.relname FROM pg_class AS c JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attname = 'project'
        WHERE c.relnamespace = 'agent_loggy'::regnamespace AND c.relkind IN ('r', 'v', 'm', 'p') ORDER BY 1""")
    return [r[0] for r in rows.fetchall()]


def seen(c: Conn, relation: str) -> set[str] | str:
    """The projects a login sees in relation, or the SQLSTATE it gets."""
    try:
        rows = c.execute(sql.SQL("SELECT DISTINCT project FROM agent_loggy.{}").format(sql.Identifier(relation)))
        return {r[0] for r in rows.fetchall()}
    except psycopg.Error as exc:
        return exc.sqlstate or "error"
    finally:
        c.rollback()


LOGINS = {  # name: (group, granted projects) — each sees at most what it is granted
    "reader granted default": ("agent_loggy_reader", ("default",)),
    "writer granted default": ("agent_loggy_writer", ("default",)),
    "reader granted nothing": ("agent_loggy_reader", ()),
    "login in no group": (None, ()),
}


RECORDED_IN_EVERY_PROJECT = ("prompts", "documents", "project_grants", "investigations", "runs", "scores",
                             "trace_findings", "verdicts", "promotion_policies")


@pytest.mark.parametrize("login", list(LOGINS))
@pytest.mark.parametrize("bound", [None, "default", "beta"])
def test_every_relation_shows_a_login_only_what_it_is_granted(world: Conn, role_url: RoleUrl, login: str,
                                                              bound: str | None) -> None:
    group, granted = LOGINS[login]
    url = role_url(group, *granted)
    relations = project_relations(world)
    assert {"prompts", "documents", "config_changelog", "project_grants", "changelog_heads"} <= set(relations)
    may_read = group is not None and (bound is None or bound in granted)
    with connect(url, bound) as c:
        for relation in relations:
            c.execute("SELECT set_config('agent_loggy.project', %s, true)", (bound or "",))
            got = seen(c, relation)
            if isinstance(got, str):
                assert got == "42501", (relation, got)  # no privilege, or a binding it holds no grant for
                assert not (may_read and relation in ("prompts", "documents")), (relation, "refused a granted read")
                continue
            # a role's own grants are its own whatever it binds; every other relation follows the binding
            allowed = {bound} if bound and relation != "project_grants" else set(granted)
            assert got <= allowed & set(granted), (relation, got)
            if may_read and relation in RECORDED_IN_EVERY_PROJECT:
                assert got == set(granted), (relation, got, "a granted login sees its project's rows")


def test_admin_sees_every_project_unbound_and_the_bound_one_only_when_bound(world: Conn,
                                                                             role_url: RoleUrl) -> None:
    url = role_url("agent_loggy_admin")
    for bound, expected in ((None, {"default", "beta"}), ("beta", {"beta"})):
        with connect(url, bound) as c:
            for relation in ("prompts", "documents", "config_changelog", "model_configs", "changelog_heads"):
                c.execute("SELECT set_config('agent_loggy.project', %s, true)", (bound or "",))
                assert seen(c, relation) == expected, relation


def test_every_function_taking_a_project_is_in_the_matrix(conn: Conn) -> None:
    names = {r[0] for r in conn.execute(
        "SELECT p.proname FROM pg_proc AS p WHERE p.pronamespace = 'agent_loggy'::regnamespace "
        "AND 'p_project' = ANY (p.proargnames)").fetchall()}
    assert names - set(CALLS) - ABOUT_THE_CALLER == set(), "add these to CALLS (or ABOUT_THE_CALLER)"


def run_call(c: Conn, query: str) -> list[tuple[Any, ...]] | str:
    try:
        text = query.replace("{p}", "'beta'").replace("{{", "{").replace("}}", "}")
        cur = c.execute(text, {"v": vec(0)}) if "%(v)s" in text else c.execute(text)
        return cur.fetchall() if cur.description else []
    except psycopg.Error as exc:
        return exc.sqlstate or "error"
    finally:
        c.rollback()


@pytest.mark.parametrize("login", ["reader granted default", "writer granted default"])
@pytest.mark.parametrize("bound", [None, "default"])
def test_every_function_refuses_or_returns_nothing_of_a_project_not_granted(
        world: Conn, role_url: RoleUrl, login: str, bound: str | None) -> None:
    group, granted = LOGINS[login]
    url = role_url(group, *granted)
    with connect(url, None) as c:
        for name, (query, expected) in CALLS.items():
            if bound:
                c.execute("SELECT set_config('agent_loggy.project', %s, true)", (bound,))
            got = run_call(c, query)
            text = str(got)
            assert "beta" not in text, (name, got)  # nothing of beta, not even its name, comes back
            if expected == "refused" or isinstance(got, str):
                assert got == "42501", (name, got)
            elif expected == "empty":
                assert got == [], (name, got)
            elif expected == "empty-json":
                assert got in ([], [([],)]), (name, got)
            else:
                assert got == [(None,)], (name, got)
