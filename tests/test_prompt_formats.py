"""Chat prompts, the mustache syntax, tags and commit messages (migration 0034), as the roles users run:
a writer login publishes, a reader login resolves and renders, over a schema a non-superuser owns."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from agent_loggy_db import (
    InvalidInput,
    MissingVariables,
    Prompt,
    PromptRegistry,
    Settings,
    TemplateSyntaxWarning,
    create_pool,
    map_error,
)
from agent_loggy_db.rendering import ROLES, render, render_chat, template_variables
from tests.conftest import RoleUrl
from tests.test_prompt_sql import Conn

CHAT = [{"role": "system", "content": "You are {{tone}}. Answer as JSON: {\"ok\": true}"},
        {"type": "placeholder", "name": "history"},
        {"role": "user", "content": "{{ question }}"}]


@pytest.fixture
def writer(role_url: RoleUrl) -> Iterator[PromptRegistry]:
    url = role_url("agent_loggy_writer", "default", "copy")
    with create_pool(url, Settings(pool_min_size=1, pool_max_size=2)) as p, \
            PromptRegistry(p, cache=False) as reg:
        yield reg


@pytest.fixture
def reader_pool(role_url: RoleUrl) -> Iterator[ConnectionPool]:
    with create_pool(role_url("agent_loggy_reader", "default"), Settings(pool_min_size=1, pool_max_size=2)) as p:
        yield p


@pytest.fixture
def reader(reader_pool: ConnectionPool) -> Iterator[PromptRegistry]:
    with PromptRegistry(reader_pool, cache=False) as reg:
        yield reg


def test_a_chat_prompt_renders_per_message_in_sql_and_python_alike(writer: PromptRegistry, reader: PromptRegistry,
                                                                   reader_pool: ConnectionPool) -> None:
    published = writer.publish("triage_chat", messages=CHAT, syntax="mustache", actor="w", labels=["staging"],
                               tags=["chat", "v2-wording"], commit_message="first chat version")
    assert (published.type, published.version, published.is_chat) == ("chat", 1, True)
    assert published.variables == ("tone", "history", "question")
    assert "[system]\nYou are {{tone}}." in published.template and "[placeholder history]" in published.template
    got = reader.get_prompt("triage_chat", label="staging")
    assert got.messages == tuple(CHAT) and got.tags == ("chat", "v2-wording")
    assert got.commit_message == "first chat version" and got.syntax == "mustache"
    values = {"tone": 'calm "and" {brief}', "question": "why {x}?\nreally",
              "history": [{"role": "user", "content": "earlier"}, {"role": "assistant", "content": "noted"}]}
    compiled = got.compile(values)
    assert compiled == [
        {"role": "system", "content": 'You are calm "and" {brief}. Answer as JSON: {"ok": true}'},
        {"role": "user", "content": "earlier"}, {"role": "assistant", "content": "noted"},
        {"role": "user", "content": "why {x}?\nreally"}]
    with reader_pool.connection() as c:
        row = c.execute("SELECT agent_loggy.render_chat(messages, %s, syntax) FROM agent_loggy.resolve_prompt("
                        "'triage_chat', 'staging')", (Jsonb(values),)).fetchone()
    assert row is not None and row[0] == compiled
    with pytest.raises(MissingVariables) as missing:
        got.compile(tone="x", question="y")
    assert missing.value.names == ("history",)
    with pytest.raises(InvalidInput, match="placeholder history"):
        got.compile(tone="x", question="y", history="not a list")


def test_a_langfuse_style_template_published_as_mustache_renders_correctly(
        writer: PromptRegistry, reader: PromptRegistry, reader_pool: ConnectionPool) -> None:
    text = 'Summarise {{ dispute }} for {{customer}}; keep {"json": 1} and {single}.'
    writer.publish("summary", text, syntax="mustache", actor="w", labels=["staging"])
    got = reader.get_prompt("summary", label="staging")
    assert got.variables == ("dispute", "customer")
    expected = 'Summarise D-1 for ACME; keep {"json": 1} and {single}.'
    assert got.compile(dispute="D-1", customer="ACME") == expected
    with reader_pool.connection() as c:  # what an agent in any language does
        row = c.execute("SELECT agent_loggy.render_prompt(template, %s, syntax) FROM agent_loggy.resolve_prompt("
                        "'summary', 'staging')", (Jsonb({"dispute": "D-1", "customer": "ACME"}),)).fetchone()
    assert row == (expected,)
    # a later version keeps the syntax unless told otherwise
    assert writer.publish("summary", "Only {{x}}", actor="w").syntax == "mustache"


def test_a_brace_template_holding_double_braces_is_published_with_a_warning(role_url: RoleUrl) -> None:
    notices: list[str] = []
    with psycopg.connect(role_url("agent_loggy_writer", "default"), autocommit=True) as c:
        c.add_notice_handler(lambda d: notices.append(f"{d.severity_nonlocalized}: {d.message_primary}"))
        c.execute("SELECT set_config('agent_loggy.project', 'default', false)")
        c.execute("SELECT agent_loggy.create_prompt_version('ported', 'Hello {{name}}, {other}')")
        c.execute("SELECT agent_loggy.create_prompt_version('ported2', 'Hello {{name}}', p_syntax => 'mustache')")
    assert notices == ["WARNING: prompt 'ported' version 1 uses brace syntax, where {{name}} is the literal text "
                       "{name}, not a variable"]


@pytest.mark.parametrize(("messages", "expected"), [
    ([], "messages hold no message"),
    ({"role": "user"}, "messages must be a JSON array, not object"),
    ([{"role": "bot", "content": "x"}], 'messages[0] has role "bot": expected system, developer, user'),
    ([{"role": "user", "content": 1}], "messages[0] has content number: expected a string"),
    ([{"role": "user", "content": "x", "name": "n"}], "messages[0] has keys content, name, role"),
    ([{"role": "user", "content": "x"}, {"type": "placeholder", "name": "1x"}], 'messages[1] has name "1x"'),
    ([{"type": "placeholder", "name": "h"}], "messages hold no message"),
    ([{"role": "user", "content": "x"}, "text"], "messages[1] is a JSON string"),
])
def test_invalid_chat_messages_are_refused_naming_the_element_and_nothing_is_written(
        writer: PromptRegistry, conn: Conn, messages: Any, expected: str) -> None:
    before = conn.execute("SELECT count(*) FROM agent_loggy.prompts").fetchone()
    with pytest.raises(InvalidInput, match=expected.replace("[", r"\[").replace("]", r"\]")):
        writer.publish("bad_chat", messages=messages, actor="w")
    assert conn.execute("SELECT count(*) FROM agent_loggy.prompts").fetchone() == before


def test_publishing_rules_for_syntax_messages_and_types(writer: PromptRegistry) -> None:
    with pytest.raises(InvalidInput, match="needs a template or chat messages, not both"):
        writer.publish("x", "t", messages=CHAT, actor="w")
    with pytest.raises(InvalidInput, match="needs a template or chat messages, not neither"):
        writer.publish("x", actor="w")
    with pytest.raises(InvalidInput, match="invalid template syntax 'jinja'"):
        writer.publish("x", "t", syntax="jinja", actor="w")
    with pytest.warns(TemplateSyntaxWarning, match="where {{tone}} is the literal text {tone}"):
        writer.publish("chatty", messages=CHAT, actor="w")  # brace syntax: {{tone}} is no variable
    with pytest.raises(InvalidInput, match="is a chat prompt with messages; version 2 needs messages too"):
        writer.publish("chatty", "plain text", actor="w")
    with pytest.raises(InvalidInput, match="version 2 cannot change it to 'chat'"):
        writer.publish("trace_analysis", messages=CHAT, actor="w")


def test_tags_and_commit_messages_live_on_the_version(writer: PromptRegistry, reader: PromptRegistry) -> None:
    p = writer.publish("trace_analysis", "Analyse {trace}", actor="w", summary="summary becomes the message",
                       tags=["b", "a", "b"])
    assert (p.tags, p.commit_message) == (("a", "b"), "summary becomes the message")
    assert writer.set_tags("trace_analysis", p.version or 0, ["reviewed"], actor="w") == ("reviewed",)
    assert [s.name for s in reader.list_prompts(tags=["reviewed"])] == ["trace_analysis"]
    assert reader.list_prompts(tags=["nope"]) == []
    listed = {s.name: s.tags for s in reader.list_prompts()}
    assert listed["trace_analysis"] == ("reviewed",)
    for bad, why in [([""], "invalid tags"), (["x" * 65], "invalid tags"), (["a\nb"], "invalid tags"),
                     ([" padded"], "invalid tags")]:
        with pytest.raises(InvalidInput, match=why):
            writer.set_tags("trace_analysis", 1, bad, actor="w")
    diff = reader.diff("trace_analysis", 1, 2)
    assert "+tags: reviewed" in diff.details and "+commit message: summary becomes the message" in diff.details


def test_history_shows_every_change_and_no_embedding_fills(writer: PromptRegistry, reader: PromptRegistry,
                                                           conn: Conn) -> None:
    writer.publish("trace_analysis", "v2 {trace}", actor="alice", labels=["staging"], commit_message="reword")
    writer.publish("trace_analysis", "v3 {trace}", actor="alice", labels=["qa"])
    writer.set_label("trace_analysis", 2, "qa", actor="bob")
    writer.set_tags("trace_analysis", 2, ["good"], actor="bob")
    conn.execute("UPDATE agent_loggy.prompts SET is_active = false WHERE name = 'trace_analysis' AND version = 1")
    before = conn.execute("SELECT count(*) FROM agent_loggy.config_changelog").fetchone()
    conn.execute("UPDATE agent_loggy.prompts SET embedding = array_fill(0.1, ARRAY[384])::vector")
    assert conn.execute("SELECT count(*) FROM agent_loggy.config_changelog").fetchone() == before
    changes = [(c.change, c.version, c.label, c.from_version, c.to_version, c.changed_by, c.summary)
               for c in reader.changes("trace_analysis")]
    assert changes[-7:] == [
        ("publish", 2, None, None, None, "alice", "reword"),
        ("label", 2, "staging", None, 2, "alice", None),
        ("publish", 3, None, None, None, "alice", None),
        ("label", 3, "qa", None, 3, "alice", None),
        ("label", 2, "qa", 3, 2, "bob", None),
        ("tag", 2, None, None, None, "bob", None),
        ("deactivate", 1, None, None, None, conn.info.user, None)]
    assert changes[0][0] == "publish"


def test_export_and_import_carry_syntax_messages_tags_and_commit_message(writer: PromptRegistry, conn: Conn) -> None:
    writer.publish("triage_chat", messages=CHAT, syntax="mustache", actor="w", tags=["t"], commit_message="m")
    document = writer.export_prompts()
    version = next(p for p in document["prompts"] if p["name"] == "triage_chat")["versions"][0]
    assert (version["syntax"], version["messages"], version["tags"], version["commit_message"]) == (
        "mustache", CHAT, ["t"], "m")
    summary = writer.import_prompts(document, project="copy", actor="w")
    assert summary.created == len([v for p in document["prompts"] for v in p["versions"]])
    copied = writer.get_prompt("triage_chat", label="latest", project="copy")
    assert (copied.messages, copied.syntax, copied.tags, copied.commit_message) == (
        tuple(CHAT), "mustache", ("t",), "m")
    assert writer.import_prompts(document, project="copy", actor="w").created == 0  # idempotent
    changed = json.loads(json.dumps(document))
    next(p for p in changed["prompts"] if p["name"] == "triage_chat")["versions"][0]["syntax"] = "brace"
    with pytest.raises(InvalidInput, match="differs from version 1"):
        writer.import_prompts(changed, project="copy", actor="w")


# Rendering equivalence ------------------------------------------------------------------------------

NAMES = ["a", "b", "who", "_x1"]
text_chars = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
mustache_pieces = st.one_of(
    st.sampled_from(["{", "}", "{{", "}}", "{{{", '{"k": 1}', " ", "\n", "{{ a }}", "{{\ta\n}}", "{{a-b}}",
                     "{{ 1x }}", "é", "\\", '"']),
    st.sampled_from(NAMES).map(lambda n: "{{" + n + "}}"),
    st.text(text_chars, max_size=6),
)
contents = st.lists(mustache_pieces, max_size=8).map("".join)
values = st.one_of(st.text(text_chars, max_size=8), st.integers(-5, 5), st.none(),
                   st.lists(st.text(text_chars, max_size=3), max_size=2))
messages = st.lists(st.one_of(
    st.builds(lambda r, c: {"role": r, "content": c}, st.sampled_from(ROLES), contents),
    st.sampled_from(["h1", "h2"]).map(lambda n: {"type": "placeholder", "name": n})), min_size=1, max_size=5)
histories = st.lists(st.fixed_dictionaries({"role": st.sampled_from(ROLES),
                                            "content": st.text(text_chars, max_size=5)}), max_size=2)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(msgs=messages, syntax=st.sampled_from(["brace", "mustache"]),
       given_values=st.dictionaries(st.sampled_from(NAMES), values), h1=histories, h2=st.none() | histories)
def test_python_and_sql_render_chat_messages_the_same(conn: Conn, msgs: list[dict[str, Any]], syntax: str,
                                                      given_values: dict[str, Any], h1: list[dict[str, Any]],
                                                      h2: list[dict[str, Any]] | None) -> None:
    variables: dict[str, Any] = {**given_values, "h1": h1, **({} if h2 is None else {"h2": h2})}
    if not any("role" in m for m in msgs):
        msgs = [*msgs, {"role": "user", "content": "{a}"}]
    try:
        expected: list[dict[str, Any]] | None = render_chat(msgs, variables, syntax=syntax)
    except MissingVariables as exc:
        expected, missing = None, exc.names
    try:
        row = conn.execute("SELECT agent_loggy.render_chat(%s, %s, %s)", (Jsonb(msgs), Jsonb(variables), syntax)
                           ).fetchone()
        assert row is not None and row[0] == expected
        assert [json.dumps(m["content"]) for m in row[0]] == [json.dumps(m["content"]) for m in expected or []]
    except psycopg.Error as exc:
        assert expected is None, exc
        mapped = map_error(exc)
        assert isinstance(mapped, MissingVariables) and mapped.names == missing


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(template=contents, given_values=st.dictionaries(st.sampled_from(NAMES), values))
def test_python_and_sql_render_mustache_templates_the_same_bytes(conn: Conn, template: str,
                                                                 given_values: dict[str, Any]) -> None:
    try:
        expected: str | None = render(template, given_values, syntax="mustache")
    except MissingVariables:
        expected = None
    try:
        row = conn.execute("SELECT agent_loggy.render_prompt(%s, %s, 'mustache'), "
                           "agent_loggy.template_variables(%s, 'mustache')",
                           (template, Jsonb(given_values), template)).fetchone()
        assert row is not None and row[0] == expected
        assert tuple(row[1]) == template_variables(template, "mustache")
    except psycopg.Error as exc:
        assert expected is None, exc


# Ports from other registries ------------------------------------------------------------------------

LANGFUSE = [
    {"id": "a1", "name": "movie-critic", "version": 1, "type": "text", "labels": ["production", "latest"],
     "tags": ["film"], "config": {"temperature": 0.2}, "commitMessage": "first",
     "prompt": "As a {{criticlevel}} critic, do you like {{ movie }}? Answer as {\"liked\": bool}."},
    {"id": "a2", "name": "support-chat", "version": 1, "type": "chat", "labels": ["staging"], "tags": [],
     "config": {}, "commitMessage": None,
     "prompt": [{"type": "chatmessage", "role": "system", "content": "You help {{customer}}."},
                {"type": "placeholder", "name": "history"},
                {"role": "user", "content": "{{question}}"}]},
]
MLFLOW = [{"name": "summarizer", "version": "1", "template": "Summarize {{ text }} in {{num_sentences}} sentences.",
           "commit_message": "shorter", "tags": {"task": "summary", "reviewed": ""}, "aliases": ["staging"],
           "model_config": {"model": "gpt-4o-mini"}}]


def test_a_langfuse_export_keeps_its_syntax_and_renders_as_it_did_there(role_url: RoleUrl) -> None:
    from agent_loggy_db.importers.registries import registry_export

    url = role_url("agent_loggy_writer", "ported")
    with create_pool(url, Settings(pool_min_size=1, pool_max_size=2)) as p, PromptRegistry(p, cache=False) as reg:
        summary = reg.import_prompts(registry_export(LANGFUSE, "langfuse", "ported"), actor="w", project="ported")
        assert (summary.created, summary.unchanged) == (2, 0)
        critic = reg.get_prompt("movie-critic", label="production", project="ported")
        assert (critic.syntax, critic.tags, critic.commit_message) == ("mustache", ("film",), "first")
        assert critic.compile(criticlevel="expert", movie="Dune") == (
            'As a expert critic, do you like Dune? Answer as {"liked": bool}.')
        chat = reg.get_prompt("support-chat", label="staging", project="ported")
        assert chat.version == 1 and chat.compile(customer="ACME", question="refund?", history=[]) == [
            {"role": "system", "content": "You help ACME."}, {"role": "user", "content": "refund?"}]
        reg.import_prompts(registry_export(MLFLOW, "mlflow", "ported"), actor="w", project="ported")
        summarizer = reg.get_prompt("summarizer", label="staging", project="ported")
        assert summarizer.compile(text="the log", num_sentences=2) == "Summarize the log in 2 sentences."
        assert (summarizer.version, summarizer.tags) == (1, ("reviewed", "task=summary"))
        assert summarizer.parameters == {"model": "gpt-4o-mini"}


@pytest.mark.parametrize(("data", "source", "expected"), [
    ("text", "langfuse", "not a langfuse export"),
    ([{"name": "x", "version": 1, "type": "chat", "prompt": "text"}], "langfuse", "must be a list of messages"),
    ([{"name": "x", "version": 0, "prompt": "t"}], "langfuse", "version must be a whole number from 1"),
    ([{"name": "x", "version": 1, "prompt": "t", "labels": "production"}], "langfuse", "labels must be a list"),
    ([{"name": "x", "version": 1, "template": 3}], "mlflow", "template must be a string or a list"),
    ([{"name": "x", "version": 1, "template": "t", "tags": ["a"]}], "mlflow", "tags must be an object"),
    ([{"version": 1}], "mlflow", r"mlflow prompt \[0\]: expected an object with a name"),
    ([], "promptlayer", "unknown prompt registry"),
    ([{"name": "x", "version": 1, "template": "Hi {{ user.name }}"}], "mlflow", r"placeholder '\{\{ user.name \}\}'"),
    ([{"name": "x", "version": 1, "template": "{% if vip %}VIP{% endif %}"}], "mlflow", "Jinja blocks"),
    ([{"name": "x", "version": 1, "type": "chat", "prompt": [{"role": "user", "content": "{{first-name}}"}]}],
     "langfuse", "is not an identifier"),
])
def test_a_registry_export_that_cannot_be_stored_is_refused_naming_the_place(data: Any, source: str,
                                                                            expected: str) -> None:
    from agent_loggy_db.importers.registries import registry_export

    with pytest.raises(InvalidInput, match=expected):
        registry_export(data, source, "p")


def test_to_langchain_renders_what_compile_renders() -> None:
    from agent_loggy_db import Prompt

    text = Prompt(name="t", template='Hi {who} {"json": 1} {{literal}}', variables=("who",))
    assert text.to_langchain().format(who="Bo") == text.compile(who="Bo") == 'Hi Bo {"json": 1} {literal}'
    mustache = Prompt(name="m", template="Hi {{ who }} {x} {{{y}}}", syntax="mustache", variables=("who", "y"))
    assert mustache.to_langchain().format(who="Bo", y="Y") == mustache.compile(who="Bo", y="Y") == "Hi Bo {x} {Y}"
    chat = Prompt(name="c", template="", type="chat", syntax="mustache", messages=tuple(CHAT))
    rendered = chat.to_langchain().format_messages(tone="calm", question="why?", history=[("human", "earlier")])
    assert [(m.type, m.content) for m in rendered] == [
        ("system", 'You are calm. Answer as JSON: {"ok": true}'), ("human", "earlier"), ("human", "why?")]
    assert [m["content"] for m in chat.compile(tone="calm", question="why?",
                                               history=[{"role": "user", "content": "earlier"}])] == [
        m.content for m in rendered]


# The command line -------------------------------------------------------------------------------------


def test_the_cli_publishes_renders_tags_and_ports_prompts(role_url: RoleUrl, tmp_path: Path) -> None:
    from tests.test_cli import base_env, cli

    env = base_env(DATABASE_URL=role_url("agent_loggy_writer", "default", "ported"), AGENT_LOGGY_ACTOR="cli")
    template = tmp_path / "t.txt"
    template.write_text("Summarise {{ dispute }} for {{customer}}; keep {\"json\": 1}.\n")
    published = cli("prompt", "publish", "langfuse_style", "--file", str(template), "--syntax", "mustache",
                    "--tag", "ported", "-m", "from Langfuse", "--label", "staging", "--json", env=env)
    assert published.returncode == 0, published.stderr
    assert json.loads(published.stdout)["syntax"] == "mustache" and published.stderr == ""
    got = cli("prompt", "get", "langfuse_style", "--label", "staging", "--var", "dispute=D-1", "--var",
              "customer=ACME", env=env)
    assert got.returncode == 0 and got.stdout == 'Summarise D-1 for ACME; keep {"json": 1}.\n'
    shown = cli("prompt", "show", "langfuse_style", "--label", "staging", env=env)
    assert "mustache" in shown.stdout and "ported" in shown.stdout and "from Langfuse" in shown.stdout

    brace = cli("prompt", "publish", "brace_port", "--file", str(template), env=env)
    assert brace.returncode == 0 and "warning: prompt 'brace_port' version 1 uses brace syntax" in brace.stderr

    messages = tmp_path / "m.json"
    messages.write_text(json.dumps(CHAT))
    chat = cli("prompt", "publish", "chat_cli", "--messages", str(messages), "--syntax", "mustache",
               "--label", "staging", env=env)
    assert chat.returncode == 0, chat.stderr
    variables = tmp_path / "vars.json"
    variables.write_text(json.dumps({"tone": "calm", "question": "why?", "history": []}))
    rendered = cli("prompt", "get", "chat_cli", "--label", "staging", "--vars-file", str(variables), env=env)
    assert json.loads(rendered.stdout) == [{"role": "system", "content": 'You are calm. Answer as JSON: {"ok": true}'},
                                           {"role": "user", "content": "why?"}]
    both = cli("prompt", "publish", "chat_cli", "--messages", str(messages), "--file", str(template), env=env)
    assert both.returncode == 2 and "not both" in both.stderr

    tagged = cli("prompt", "tag", "chat_cli", "1", "reviewed", "v2", "--json", env=env)
    assert json.loads(tagged.stdout)["tags"] == ["reviewed", "v2"]
    listed = cli("prompt", "list", "--tag", "reviewed", "--json", env=env)
    assert [p["name"] for p in json.loads(listed.stdout)] == ["chat_cli"]
    history = cli("prompt", "history", "chat_cli", "--json", env=env)
    assert [c["change"] for c in json.loads(history.stdout)] == ["publish", "label", "tag"]
    piped = cli("prompt", "history", "chat_cli", env=env)
    assert "tags: reviewed, v2" in piped.stdout

    export = tmp_path / "langfuse.json"
    export.write_text(json.dumps(LANGFUSE))
    ported = cli("prompt", "import", str(export), "--from", "langfuse", "--project", "ported", "--json", env=env)
    assert ported.returncode == 0, ported.stderr
    assert json.loads(ported.stdout)["created"] == 2
    critic = cli("prompt", "get", "movie-critic", "--project", "ported", "--var", "criticlevel=expert",
                 "--var", "movie=Dune", env=env)
    assert critic.stdout == 'As a expert critic, do you like Dune? Answer as {"liked": bool}.'
    bad = cli("prompt", "import", str(messages), "--from", "mlflow", env=env)
    assert bad.returncode == 4 and "mlflow prompt [0]" in bad.stderr


# What an attack review found (each held against a hostile caller after its fix) ---------------------------


def test_a_direct_insert_keeps_the_chat_and_syntax_rules(role_url: RoleUrl, writer: PromptRegistry) -> None:
    writer.publish("triage_chat", messages=CHAT, syntax="mustache", actor="w")
    writer.publish("mustache_text", "Hi {{who}}", syntax="mustache", actor="w")
    with psycopg.connect(role_url("agent_loggy_writer", "default"), autocommit=True) as c:
        c.execute("SELECT set_config('agent_loggy.project', 'default', false)")
        with pytest.raises(psycopg.errors.CheckViolation, match="has no messages, but version 1 has"):
            c.execute("INSERT INTO agent_loggy.prompts (project, name, version, type, template) "
                      "VALUES ('default', 'triage_chat', 2, 'chat', 'plain {who}')")
        c.execute("INSERT INTO agent_loggy.prompts (project, name, version, type, template) "
                  "VALUES ('default', 'mustache_text', 2, 'text', 'Bye {{who}}')")
        row = c.execute("SELECT syntax, variables FROM agent_loggy.prompts "
                        "WHERE name = 'mustache_text' AND version = 2").fetchone()
    assert row == ("mustache", ["who"])


def test_tags_are_checked_and_named_quoted(writer: PromptRegistry, reader: PromptRegistry) -> None:
    with pytest.raises(InvalidInput, match="not the string 'prod'"):
        writer.set_tags("trace_analysis", 1, "prod", actor="w")
    with pytest.raises(InvalidInput, match="not the string 'prod'"):
        writer.publish("x", "t", tags="prod", actor="w")
    for bad in ("", " lead", "zero\u200bwidth", "\u00a0nbsp", "bidi\u202e"):
        with pytest.raises(InvalidInput, match=f"invalid tags '{bad}'"):
            writer.set_tags("trace_analysis", 1, [bad], actor="w")
    with pytest.raises(InvalidInput, match="invalid tags NULL"):
        reader.list_prompts(tags=[None])  # type: ignore[list-item]
    with pytest.raises(InvalidInput, match="a version number is needed"):
        writer.set_tags("trace_analysis", None, ["ok"], actor="w")  # type: ignore[arg-type]
    document = writer.export_prompts()
    document["prompts"][0]["versions"][0]["tags"] = ["fine", " padded"]
    with pytest.raises(InvalidInput, match=r"prompt import refused, nothing was written: .*invalid tags ' padded'"):
        writer.import_prompts(document, project="copy", actor="w")


def test_a_fallback_template_has_its_syntax(reader: PromptRegistry) -> None:
    got = reader.get_prompt("no_such_prompt", fallback="Hi {{name}}", fallback_syntax="mustache")
    assert got.is_fallback and got.variables == ("name",) and got.compile(name="Ann") == "Hi Ann"


def test_a_chat_runs_rendered_hash_ignores_key_order_and_unwritable_values() -> None:
    from datetime import datetime

    from agent_loggy_db.runs import _rendered

    chat = Prompt(name="c", template="", type="chat", messages=({"role": "user", "content": "hi"},
                                                                {"type": "placeholder", "name": "h"}))
    a = _rendered(chat, {"h": [{"role": "user", "content": "x"}]})
    b = _rendered(chat, {"h": [{"content": "x", "role": "user"}]})
    assert a == b and a is not None
    assert _rendered(chat, {"h": [{"role": "user", "content": "x", "at": datetime.now()}]}) is None


def test_rolling_0034_back_is_refused_while_a_version_uses_what_0033_cannot_render(empty_db_url: str) -> None:
    from agent_loggy_db import MigrationError, migrations

    migrations.apply(empty_db_url)
    with psycopg.connect(empty_db_url, autocommit=True) as c:
        c.execute("SELECT agent_loggy.create_prompt_version('m', 'Hi {{x}}', p_syntax => 'mustache')")
    with pytest.raises(MigrationError, match="1 prompt versions use the mustache syntax or chat messages"):
        migrations.rollback(empty_db_url)
    assert migrations.pending(empty_db_url) == []
