"""Agent runs, as the roles users run: an agent is a reader login granted its project, a writer publishes,
an admin sets promotion policies. An investigation replayed end to end, output validation against the
seeded schemas, promotions under policy, partitions and retention."""

from __future__ import annotations

import asyncio
import json
import math
import statistics
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from scipy import stats

from agent_loggy_db import InvalidInput, NotFound, PermissionDenied, PromptRegistry, create_async_pool, create_pool
from agent_loggy_db.runs import AsyncRuns, Investigation, Run, Runs, check_output
from agent_loggy_db.settings import Settings
from tests.conftest import RoleUrl
from tests.test_search_sql import vec

Conn = psycopg.Connection[Any]
READER, WRITER, ADMIN = "agent_loggy_reader", "agent_loggy_writer", "agent_loggy_admin"
ONE = Settings(pool_min_size=1, pool_max_size=2)


def floats(degrees: float) -> list[float]:
    return [float(x) for x in json.loads(vec(degrees))]


@pytest.fixture
def agent(role_url: RoleUrl) -> Iterator[tuple[PromptRegistry, Runs]]:
    """An agent's registry and runs over a reader login granted project default."""
    with create_pool(role_url(READER, "default"), ONE) as pool, PromptRegistry(pool, cache=False) as reg, \
            Runs(pool) as runs:
        yield reg, runs


@pytest.fixture
def admin_runs(role_url: RoleUrl) -> Iterator[Runs]:
    with create_pool(role_url(ADMIN), ONE) as pool, Runs(pool) as runs:
        yield runs


# Output validation against every seeded prompt's schema ---------------------------------------------------

SAMPLES = {
    "parameter_extraction": (
        {"time_frame": "2025-07-14", "domain": "transactions", "query_keys": ["merchant", "amount"]},
        {"time_frame": "last tuesday", "domain": "transactions", "query_keys": "merchant"}),
    "relevance_analysis": (
        {"relevance_score": 85, "confidence_score": 70, "recommendation": "INCLUDE - matches the merchant",
         "reasoning": "same merchant and amount", "domain_match": True},
        {"relevance_score": 185, "confidence_score": 70, "recommendation": "MAYBE", "reasoning": "?"}),
    "trace_analysis": (
        {"relevance_score": 90, "transaction_outcome": "failed", "confidence_level": "HIGH",
         "evidence_found": ["debit without credit"], "recommendation": "refund"},
        {"relevance_score": 90, "transaction_outcome": "exploded", "confidence_level": "VERY HIGH",
         "evidence_found": [], "recommendation": "refund"}),
    "quality_assessment": (
        {"completeness_score": 80, "relevance_score": 90, "coverage_score": 70, "overall_confidence": 80},
        {"completeness_score": "high", "relevance_score": 90, "coverage_score": 70}),
    "trace_entry_analysis": (
        {"relevance_score": 40, "event_type": "debit", "is_error": False, "error_code": None,
         "explanation": "the debit went through"},
        {"relevance_score": 40, "event_type": "teleport", "is_error": "no", "explanation": "?"}),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_seeded_prompt_validates_its_outputs_against_the_schema_its_text_describes(
        agent: tuple[PromptRegistry, Runs], name: str) -> None:
    reg, runs = agent
    prompt = reg.get_prompt(name)
    schema = runs.output_schema(prompt)
    assert schema is not None and schema["type"] == "object"
    good, bad = SAMPLES[name]
    assert check_output(json.dumps(good), schema).valid and not check_output(json.dumps(bad), schema).valid
    for key in schema["required"]:
        assert key in prompt.template, f"the schema asks only for what the text asks for ({key})"
    with runs.record(prompt, {}) as run:
        run.output = "```json\n" + json.dumps(good) + "\n```"
    assert run.run is not None and run.run.output_valid is True and run.run.output_errors is None
    assert run.run.parsed_output == good and run.run.prompt_id == prompt.id
    with runs.record(prompt, {}) as run:
        run.output = json.dumps(bad)
    assert run.run is not None and run.run.output_valid is False
    assert run.run.output_errors and all(e.startswith("$") for e in run.run.output_errors)
    with runs.record(prompt, {}) as run:
        run.output = "Sure! Here is the JSON you asked for: {"
    assert run.run is not None and run.run.output_valid is False and run.run.parsed_output is None
    assert run.run.output_errors is not None and run.run.output_errors[0].startswith("output is not JSON")


def test_a_version_without_a_schema_records_no_validity_and_a_schema_is_fixed_once_runs_exist(
        conn: Conn, role_url: RoleUrl) -> None:
    with create_pool(role_url(WRITER, "default"), ONE) as pool, PromptRegistry(pool, cache=False) as reg, \
            Runs(pool) as runs:
        prompt = reg.publish("summary", "Summarise {text}", actor="w", labels=["staging"])
        with runs.record(prompt, {"text": "x"}) as run:
            run.output = "not json at all"
        assert run.run is not None and run.run.output_valid is None and run.run.output_errors is None
        with pytest.raises(InvalidInput, match="invalid output schema"):
            runs.set_output_schema("summary", 1, {"type": "no-such-type"}, actor="w")
        with pytest.raises(InvalidInput, match="has runs: its output schema is fixed") as caught:
            runs.set_output_schema("summary", 1, {"type": "object"}, actor="w")
        assert caught.value.constraint == "prompts_output_schema_check"
        v2 = reg.publish("summary", "Summarise {text} as JSON", actor="w")
        runs.set_output_schema("summary", 2, {"type": "object", "required": ["summary"]}, actor="w")
        with runs.record(v2, {"text": "x"}) as run:
            run.output = '{"summary": "short"}'
        assert run.run is not None and run.run.output_valid is True
        assert run.run.rendered_hash is not None and len(run.run.rendered_hash) == 64
    row = conn.execute("SELECT change_type, new_data -> 'output_schema' FROM agent_loggy.config_changelog "
                       "WHERE config_name = 'summary' AND new_version = 2 ORDER BY id DESC LIMIT 1").fetchone()
    assert row == ("update", {"type": "object", "required": ["summary"]}), "schema changes are changelog rows"


# The investigation, end to end ------------------------------------------------------------------------------


def test_an_investigation_replayed_end_to_end_gives_back_its_metrics_comparison_and_verdict(
        conn: Conn, role_url: RoleUrl, agent: tuple[PromptRegistry, Runs]) -> None:
    reg, runs = agent
    with create_pool(role_url(WRITER, "default"), ONE) as pool, PromptRegistry(pool, cache=False) as writer:
        seeded = writer.get_prompt("trace_analysis")
        writer.publish("trace_analysis", seeded.template + "\nBe brief.", actor="w", labels=["staging"])
    assert conn.execute("SELECT count(DISTINCT output_schema) FROM agent_loggy.prompts WHERE name = 'trace_analysis'"
                        ).fetchone() == (1,), "a new version keeps the output schema of the one before"

    dispute = "bKash payment of 500 BDT on 2025-07-14 debited but merchant never credited"
    inv = runs.start_investigation(dispute, external_ref="D-1001", requested_by="alice",
                                   embedding=floats(10))
    assert inv.status == "running" and inv.started_at is not None and inv.recorded_by != "alice"

    params = reg.get_prompt("parameter_extraction")
    with runs.record(params, {"user_text": dispute}, investigation=inv) as run:
        run.output = json.dumps({"time_frame": "2025-07-14", "domain": "payments", "query_keys": ["bkash"]})
        run.input_tokens, run.output_tokens, run.cost = 900, 40, 0.0012

    relevance = reg.get_prompt("relevance_analysis")
    traces = {"t-a": (92, "failed", "supports"), "t-b": (88, "failed", "supports"),
              "t-c": (30, "successful", "refutes")}
    for trace, (score, _, _) in traces.items():
        with runs.record(relevance, {"trace": trace}, investigation=inv) as run:
            run.output = json.dumps({"relevance_score": score, "confidence_score": 80,
                                     "recommendation": "INCLUDE" if score > 50 else "EXCLUDE", "reasoning": "r"})
        assert run.run is not None
        runs.score(run.run, "relevance", score, source="llm")
        runs.score(run.run, "recommendation", category="INCLUDE" if score > 50 else "EXCLUDE", source="llm")

    # trace analyses: version 1 (production) for the first investigation, both versions over many more
    findings = []
    v1, v2 = reg.get_prompt("trace_analysis"), reg.get_prompt("trace_analysis", label="staging")
    for trace, (score, outcome, stance) in traces.items():
        with runs.record(v1, {"trace": trace}, investigation=inv, trace_id="4bf92f3577b34da6a3ce929d0e0e4736",
                         span_id="00f067aa0ba902b7") as run:
            run.output = json.dumps({"relevance_score": score, "transaction_outcome": outcome,
                                     "confidence_level": "HIGH", "evidence_found": ["e"], "recommendation": "r"})
        assert run.run is not None
        findings.append(runs.add_finding(inv, trace, stance, relevance=score, outcome=outcome, confidence="HIGH",
                                         probabilities=(0.8, 0.1, 0.1) if stance == "supports" else (0.1, 0.8, 0.1),
                                         evidence=["debit without credit"], run=run.run))
    v1_scores, v2_scores = [70.0, 72, 68, 75, 71, 69], [80.0, 83, 79, 85, 81, 78, 82]
    v1_outputs = ["ok"] * 5 + ["bad"]
    for version, scores in ((v1, v1_scores), (v2, v2_scores)):
        for i, value in enumerate(scores):
            with runs.record(version, {"trace": f"x{i}"}) as run:
                run.output = (json.dumps({"relevance_score": value, "transaction_outcome": "failed",
                                          "confidence_level": "LOW", "evidence_found": [], "recommendation": "r"})
                              if version is v2 or v1_outputs[i] == "ok" else "{}")
            assert run.run is not None
            runs.score(run.run, "relevance", value, source="human", given_by="bob")
    with pytest.raises(RuntimeError, match="model timed out"), runs.record(v2, {"trace": "boom"}):
        raise RuntimeError("model timed out")

    quality = reg.get_prompt("quality_assessment")
    with runs.record(quality, {}, investigation=inv) as run:
        run.output = json.dumps({"completeness_score": 80, "relevance_score": 90, "coverage_score": 70,
                                 "overall_confidence": 80})
    for name, value in (("completeness", 80), ("relevance", 90), ("coverage", 70)):
        runs.score(inv, name, value, source="llm")
    verdict = runs.add_verdict(inv, "supports_dispute", findings, confidence=0.85, reasoning="two failed traces",
                               pipeline_version="agent-loggy 2.3")
    assert (verdict.supporting, verdict.refuting, verdict.neutral) == (2, 1, 0), "counted by the database"
    assert runs.set_status(inv, "succeeded").finished_at is not None

    # metrics, checked against values computed here
    metrics = {m.version: m for m in runs.metrics("trace_analysis")}
    m1, m2 = metrics[1], metrics[2]
    assert (m1.runs, m1.errors, m1.validated) == (3 + 6, 0, 9)
    assert m1.valid_rate == pytest.approx(8 / 9)
    assert (m2.runs, m2.errors, m2.validated) == (8, 1, 7) and m2.error_rate == pytest.approx(1 / 8)
    stored = runs.list_runs(prompt="trace_analysis", limit=100)
    latencies = sorted(r.latency_ms for r in stored if r.prompt_version == 2 and r.latency_ms is not None)
    assert m2.latency_p50_ms == pytest.approx(statistics.median(latencies))
    assert m1.scores["relevance"]["count"] == 6 and m1.scores["relevance"]["mean"] == pytest.approx(
        statistics.mean(v1_scores))
    assert m2.scores["relevance"]["p50"] == pytest.approx(statistics.median(v2_scores))
    daily = runs.metrics("trace_analysis", bucket=timedelta(days=1), since=datetime.now(UTC) - timedelta(days=1))
    assert {m.version for m in daily} == {1, 2} and all(m.bucket is not None for m in daily)

    comparison = {c.metric: c for c in runs.compare("trace_analysis", "production", "staging", score="relevance")}
    welch = comparison["score:relevance"]
    diff = statistics.mean(v2_scores) - statistics.mean(v1_scores)
    va, vb = statistics.variance(v1_scores) / 6, statistics.variance(v2_scores) / 7
    df = (va + vb) ** 2 / (va**2 / 5 + vb**2 / 6)
    half = stats.t.ppf(0.975, df) * math.sqrt(va + vb)
    assert (welch.version_a, welch.version_b, welch.n_a, welch.n_b) == (1, 2, 6, 7)
    assert welch.difference == pytest.approx(diff)
    assert welch.ci_low == pytest.approx(diff - half, abs=0.01)
    assert welch.ci_high == pytest.approx(diff + half, abs=0.01)
    assert welch.significant, "a 10-point gain over 6-7 runs a side is more than noise"
    errors = comparison["error_rate"]
    assert (errors.n_a, errors.n_b) == (9, 8) and errors.difference == pytest.approx(1 / 8)
    assert errors.ci_low is not None and errors.ci_low < 0 < (errors.ci_high or 0) and not errors.significant

    similar = runs.similar_investigations(floats(12), user="alice")
    assert [(i.external_ref, round(s, 3)) for i, s in similar] == [("D-1001", round(math.cos(math.radians(2)), 3))]
    assert runs.similar_investigations(floats(12), user="mallory") == []


def test_an_agent_that_raises_still_records_its_run_and_the_exception_goes_on(
        agent: tuple[PromptRegistry, Runs]) -> None:
    reg, runs = agent
    prompt = reg.get_prompt("trace_analysis")
    with pytest.raises(KeyError), runs.record(prompt, {"trace": "t"}) as ctx:
        raise KeyError("choices")
    assert ctx.run is not None and ctx.run.status == "failed" and ctx.run.error == "KeyError: 'choices'"
    assert ctx.run.output_valid is None and ctx.run.finished_at is not None


def test_batched_recording_writes_with_copy_as_a_reader(role_url: RoleUrl) -> None:
    with create_pool(role_url(READER, "default"), ONE) as pool, PromptRegistry(pool, cache=False) as reg:
        prompt = reg.get_prompt("trace_entry_analysis")
        with Runs(pool) as reader, Runs(pool, batch_size=10) as runs:
            for i in range(25):
                with runs.record(prompt, {"entry": i}) as run:
                    run.output = json.dumps({"relevance_score": i, "event_type": "debit", "is_error": False,
                                             "explanation": "x"})
                assert run.run is None, "batched: written later"
            assert len(reader.list_runs(prompt="trace_entry_analysis", limit=100)) == 20, "two COPYs of 10"
        with Runs(pool) as runs:
            stored = runs.list_runs(prompt="trace_entry_analysis", limit=100)
            assert len(stored) == 25 and all(r.output_valid and r.prompt_id == prompt.id for r in stored)
            assert runs.record_many([{"prompt_name": "trace_entry_analysis", "prompt_version": 1,
                                      "status": "failed", "error": "timeout"}]) == 1
            with pytest.raises(InvalidInput, match="unknown runs columns"):
                runs.record_many([{"prompt_name": "x", "prompt_version": 1, "id": 5}])


def test_async_runs_record_score_and_read_metrics(role_url: RoleUrl) -> None:
    url = role_url(READER, "default")

    async def scenario() -> None:
        pool = await create_async_pool(url, ONE)
        async with pool:
            runs = AsyncRuns(pool)
            with create_pool(url, ONE) as sync_pool, PromptRegistry(sync_pool, cache=False) as reg:
                prompt = reg.get_prompt("quality_assessment")
            inv = await runs.start_investigation("why?", external_ref="D-2")
            async with runs.record(prompt, {}, investigation=inv) as run:
                run.output = json.dumps({"completeness_score": 50, "relevance_score": 50, "coverage_score": 50,
                                         "overall_confidence": 50})
            assert run.run is not None and run.run.output_valid and run.run.investigation_id == inv.id
            await runs.score(run.run, "completeness", 50)
            metrics = await runs.metrics("quality_assessment")
            assert [(m.version, m.runs, m.scores["completeness"]["mean"]) for m in metrics] == [(1, 1, 50.0)]

    asyncio.run(scenario())


# Promotions ----------------------------------------------------------------------------------------------------


def test_a_promotion_is_refused_by_its_policy_then_allowed_by_enough_good_runs_and_an_override_is_recorded(
        conn: Conn, role_url: RoleUrl, admin_runs: Runs, agent: tuple[PromptRegistry, Runs]) -> None:
    reg, runs = agent
    admin_runs.set_policy("production", min_runs=5, max_error_rate=0.2, min_valid_rate=0.8, score="relevance",
                          tolerance=2, actor="ops")
    admin_runs.set_policy("canary", min_runs=3, actor="ops")
    with create_pool(role_url(WRITER, "default"), ONE) as pool, PromptRegistry(pool, cache=False) as wreg, \
            Runs(pool) as writer:
        v1 = wreg.get_prompt("relevance_analysis")
        wreg.publish("relevance_analysis", v1.template + "\nThink step by step.", actor="w")
        with pytest.raises(InvalidInput, match=r"min_runs: 0 runs in the last 30 days, at least 3 needed") as refused:
            writer.promote("relevance_analysis", 2, "canary", actor="w")
        assert refused.value.constraint == "promotion_policy_check" and refused.value.sqlstate == "23514"
        with pytest.raises(InvalidInput, match="promotion policy is not met"):  # every path, not only the function
            wreg.publish("relevance_analysis", "v3", actor="w", labels=["canary"])
        with pytest.raises(PermissionDenied, match="only agent_loggy_admin overrides"):
            writer.promote("relevance_analysis", 2, "canary", actor="w", override_reason="trust me")

    v2 = reg.get_prompt("relevance_analysis", version=2)
    holder = reg.get_prompt("relevance_analysis")
    for prompt, value in ((holder, 80.0), (holder, 82.0), (v2, 70.0), (v2, 71.0), (v2, 72.0)):
        with runs.record(prompt, {}) as run:
            run.output = json.dumps({"relevance_score": value, "confidence_score": 1, "recommendation": "INCLUDE",
                                     "reasoning": "r"} if value != 72.0 else {"oops": 1})
        assert run.run is not None
        runs.score(run.run, "relevance", value)
    message = "\n".join(admin_runs.promotion_failures("relevance_analysis", 2, "production"))
    assert "min_runs: 3 runs in the last 30 days, at least 5 needed" in message
    assert "min_valid_rate: valid-output rate 0.6667 (2 of 3 validated runs), at least 0.8 needed" in message
    assert "score relevance: mean 71.000 over 3 runs against 81.000 over 2 runs of version 1" in message
    assert "max_error_rate" not in message
    with pytest.raises(InvalidInput) as refused:
        admin_runs.promote("relevance_analysis", 2, "production", actor="ops")
    assert all(rule in str(refused.value) for rule in ("min_runs", "min_valid_rate", "score relevance"))
    assert reg.get_prompt("relevance_analysis").version == 1, "nothing moved"

    promoted = admin_runs.promote("relevance_analysis", 2, "canary", actor="ops")  # 3 runs: canary allows it
    assert "canary" in promoted.labels

    for _ in range(4):  # enough good runs, scores up to the holder's
        with runs.record(v2, {}) as run:
            run.output = json.dumps({"relevance_score": 95, "confidence_score": 1, "recommendation": "INCLUDE",
                                     "reasoning": "r"})
        assert run.run is not None
        runs.score(run.run, "relevance", 95)
    assert admin_runs.promotion_failures("relevance_analysis", 2, "production") == []
    admin_runs.promote("relevance_analysis", 2, "production", actor="ops")
    assert reg.get_prompt("relevance_analysis").version == 2

    with create_pool(role_url(WRITER, "default"), ONE) as pool, PromptRegistry(pool, cache=False) as wreg:
        wreg.publish("relevance_analysis", "v3 {x}", actor="w")
    admin_runs.promote("relevance_analysis", 3, "production", actor="ops", override_reason="hotfix for INC-42")
    row = conn.execute("SELECT change_summary, changed_by FROM agent_loggy.config_changelog WHERE config_name = "
                       "'relevance_analysis' AND change_type = 'label' AND new_version = 3").fetchone()
    assert row is not None and row[1] == "ops"
    assert "promotion override of production" in row[0] and "hotfix for INC-42" in row[0] and "min_runs" in row[0]


def test_only_admins_set_policies_and_policies_are_checked(role_url: RoleUrl, admin_runs: Runs) -> None:
    with create_pool(role_url(WRITER, "default"), ONE) as pool, Runs(pool) as writer:
        with pytest.raises(PermissionDenied, match="permission denied for function set_promotion_policy"):
            writer.set_policy("production", min_runs=1, actor="w")
        assert writer.policies() == []
    for bad, match in (({"max_error_rate": 1.5}, "max_error_rate_check"), ({"min_runs": -1}, "min_runs_check"),
                       ({"tolerance": 3.0}, "score_check")):
        with pytest.raises(InvalidInput, match=match):
            admin_runs.set_policy("production", actor="ops", **bad)
    policy = admin_runs.set_policy("production", min_runs=10, window=timedelta(days=7), actor="ops")
    assert (policy.min_runs, policy.window_length, policy.updated_by.startswith("alt_admin")) == (
        10, timedelta(days=7), True)


# Rules against a hostile caller ----------------------------------------------------------------------------------

RUN = ("INSERT INTO agent_loggy.runs (project, prompt_name, prompt_version{cols}) "
       "VALUES ({project}, 'trace_analysis', 1{vals})")


@pytest.mark.parametrize(("statement", "sqlstate", "match"), [
    (RUN.format(project="'beta'", cols="", vals=""), "42501", "row-level security|bound to"),
    ("INSERT INTO agent_loggy.runs (project, prompt_name, prompt_version) SELECT 'default', 'trace_analysis', g "
     "FROM generate_series(1, 2) AS g WHERE set_config('agent_loggy.project', CASE g WHEN 2 THEN 'beta' "
     "ELSE 'default' END, true) IS NOT NULL", "42501", "beta"),
    (RUN.format(project="'default'", cols="", vals="") + " RETURNING set_config('agent_loggy.project', 'beta', true)",
     None, None),
    (RUN.format(project="(SELECT set_config('agent_loggy.project', 'beta', true))", cols="", vals=""), "42501",
     "bound to 'beta'|row-level security|grant"),
    ("INSERT INTO agent_loggy.runs (id, project, prompt_name, prompt_version) OVERRIDING SYSTEM VALUE "
     "VALUES (1, 'default', 'x', 1)",
     "42501", "permission denied"),
    ("INSERT INTO agent_loggy.verdicts (project, investigation_id, verdict, supporting) VALUES ('default', 1, 'x', 99)",
     "42501", "permission denied"),
    (RUN.format(project="'default'", cols=", variables", vals=", (repeat('[', 70) || repeat(']', 70))::jsonb"),
     "23514", "nest deeper than 64"),
    (RUN.format(project="'default'", cols=", output", vals=", repeat('x', 1000001)"), "23514", "runs_output_check"),
    (RUN.format(project="'default'", cols=", trace_id", vals=", '00000000000000000000000000000000'"), "23514",
     "runs_trace_id_check"),
    (RUN.format(project="'default'", cols=", started_at", vals=", 'infinity'"), "23514", "runs_times_check"),
    ("INSERT INTO agent_loggy.investigations (project, query, status) VALUES ('default', ' ', 'running')", "23514",
     "investigations_query_check"),
    ("INSERT INTO agent_loggy.investigations (project, query, parameters) VALUES ('default', 'q', "
     "('{\"a\": ' || repeat('[', 70) || repeat(']', 70) || '}')::jsonb)", "23514", "nest deeper than 64"),
    ("INSERT INTO agent_loggy.scores (project, investigation_id, name, value, source) VALUES ('default', 1, 'x', "
     "'NaN', 'code')", "23514", "scores_"),
    ("DELETE FROM agent_loggy.runs", "42501", "permission denied"),
    ("UPDATE agent_loggy.runs SET recorded_by = 'someone'", "42501", "permission denied"),
])
def test_a_reader_records_only_in_its_bound_project_and_only_what_the_rules_allow(
        conn: Conn, role_url: RoleUrl, statement: str, sqlstate: str | None, match: str | None) -> None:
    before = conn.execute("SELECT count(*) FROM agent_loggy.runs").fetchone()
    with psycopg.connect(role_url(READER, "default")) as c:
        c.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        if sqlstate is None:  # a binding changed after the row was written moves nothing
            c.execute(statement)
            c.commit()
            assert conn.execute("SELECT project FROM agent_loggy.runs").fetchall() == [("default",)]
            return
        with pytest.raises(psycopg.Error, match=match) as caught:
            c.execute(statement)
        assert caught.value.sqlstate == sqlstate
    assert conn.execute("SELECT count(*) FROM agent_loggy.runs").fetchone() == before


def test_records_keep_their_rules_whoever_writes_them(conn: Conn, role_url: RoleUrl,
                                                      agent: tuple[PromptRegistry, Runs]) -> None:
    reg, runs = agent
    inv = runs.start_investigation("q", status="queued")
    beta = conn.execute("INSERT INTO agent_loggy.investigations (project, query) VALUES ('beta', 'b') "
                        "RETURNING id").fetchone()
    assert beta is not None
    with pytest.raises(InvalidInput, match="cannot go from running to queued"):
        runs.set_status(runs.set_status(inv, "running"), "queued")
    runs.set_status(inv, "cancelled")
    with pytest.raises(InvalidInput, match="cannot go from cancelled to running"):
        runs.set_status(inv, "running")
    with pytest.raises(NotFound):
        runs.set_status(beta[0], "running")  # another project's: invisible, unchanged
    prompt = reg.get_prompt("trace_analysis")
    with pytest.raises(InvalidInput, match="runs_investigation_fkey"), \
            runs.record(prompt, {}, investigation=beta[0]) as run:
        run.output = "{}"
    with runs.record(prompt, {}) as run:
        run.output = "{}"
    stored = run.run
    assert isinstance(stored, Run)
    with psycopg.connect(role_url(READER, "default")) as c:
        c.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        with pytest.raises(psycopg.errors.CheckViolation, match="finished runs are append-only"):
            c.execute("UPDATE agent_loggy.runs SET output = 'rewritten' WHERE id = %s", (stored.id,))
    other = runs.start_investigation("other")
    finding = runs.add_finding(other, "t1", "supports")
    with pytest.raises(InvalidInput, match=f"finding ids {finding.id} are not findings of investigation {inv.id}"):
        runs.add_verdict(inv, "x", [finding])
    for bad, match in ((dict(value=101.0), "scores_scale_check"), (dict(value=5.0, scale=(1, 5), category="A"),
                                                                  "scores_kind_check")):
        with pytest.raises(InvalidInput, match=match):
            runs.score(stored, "relevance", **bad)
    assert runs.score(stored, "stars", 4, scale=(1, 5)).scale_max == 5
    with pytest.raises(InvalidInput, match="trace_findings_probabilities_check"):
        runs.add_finding(other, "t2", "refutes", probabilities=(0.5, 0.5, 0.5))
    with pytest.raises(InvalidInput, match="invalid input value for enum"):
        runs.add_finding(other, "t2", "maybe")
    assert isinstance(inv, Investigation)


def test_a_deleted_version_keeps_its_runs_with_name_and_version(conn: Conn, agent: tuple[PromptRegistry, Runs]) -> None:
    reg, runs = agent
    conn.execute("INSERT INTO agent_loggy.prompts (name, version, template) VALUES ('gone', 1, 'x')")
    with runs.record(reg.get_prompt("gone", label="latest"), {}) as run:
        run.output = "x"
    conn.execute("DELETE FROM agent_loggy.prompts WHERE name = 'gone'")
    kept = runs.list_runs(prompt="gone")
    assert [(r.prompt_name, r.prompt_version, r.prompt_id) for r in kept] == [("gone", 1, None)]


# Partitions and retention -------------------------------------------------------------------------------------------


def test_runs_are_partitioned_by_month_and_old_months_are_retired_with_their_scores(
        conn: Conn, role_url: RoleUrl) -> None:
    with psycopg.connect(role_url(ADMIN), autocommit=True) as admin:
        made = admin.execute("SELECT agent_loggy.ensure_run_partitions('2020-01-10', '2020-02-01')").fetchone()
        assert made == (["runs_2020_01", "runs_2020_02"],)
        assert admin.execute("SELECT agent_loggy.ensure_run_partitions('2020-01-10', '2020-02-01')").fetchone() == ([],)
        for started in ("2020-01-15", "2020-02-20", "2019-06-01"):
            admin.execute("WITH r AS (INSERT INTO agent_loggy.runs (prompt_name, prompt_version, started_at) "
                          "VALUES ('trace_analysis', 1, %s) RETURNING id, started_at) "
                          "INSERT INTO agent_loggy.scores (run_id, run_started_at, name, value, source) "
                          "SELECT id, started_at, 'relevance', 50, 'code' FROM r", (started,))
        with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="runs of 2019-06 are in runs_default"):
            admin.execute("SELECT agent_loggy.ensure_run_partitions('2019-06-01', '2019-06-02')")
        where = conn.execute("SELECT tableoid::regclass::text FROM agent_loggy.runs ORDER BY started_at").fetchall()
        assert where == [("agent_loggy.runs_default",), ("agent_loggy.runs_2020_01",), ("agent_loggy.runs_2020_02",)]
        retired = admin.execute("SELECT agent_loggy.drop_runs_before('2020-02-01')").fetchone()
        assert retired == (["runs_2020_01", "runs_default (1 rows)"],)
    assert conn.execute("SELECT count(*) FROM agent_loggy.runs").fetchone() == (1,)
    assert conn.execute("SELECT count(*) FROM agent_loggy.scores").fetchone() == (1,)
    assert conn.execute("SELECT to_regclass('agent_loggy.runs_2020_01')").fetchone() == (None,)
    with psycopg.connect(role_url(WRITER, "default")) as c, pytest.raises(psycopg.errors.InsufficientPrivilege):
        c.execute("SELECT agent_loggy.drop_runs_before('2021-01-01')")
    with psycopg.connect(role_url(READER, "default")) as c, pytest.raises(psycopg.errors.InsufficientPrivilege):
        c.execute("SELECT count(*) FROM agent_loggy.runs_default")  # partitions only through runs (and its policy)


def test_no_path_gives_a_label_past_its_policy_and_only_an_admin_override_counts(
        conn: Conn, role_url: RoleUrl, admin_runs: Runs) -> None:
    admin_runs.set_policy("canary", min_runs=1, actor="ops")
    conn.execute("SELECT agent_loggy.create_prompt_version('trace_analysis', 'v2 {trace_id}')")
    paths = [
        "UPDATE agent_loggy.prompts SET labels = labels || '{canary}' WHERE name = 'trace_analysis' AND version = 2",
        "SELECT agent_loggy.set_prompt_label('trace_analysis', 2, 'canary')",
        "SELECT agent_loggy.create_prompt_version('trace_analysis', 'v3', 'default', '{canary}')",
        "INSERT INTO agent_loggy.prompts (project, name, version, template, labels) "
        "VALUES ('default', 'trace_analysis', 3, 'v3', '{canary}')",
        "MERGE INTO agent_loggy.prompts AS p USING (SELECT 2 AS v) AS s "
        "ON p.name = 'trace_analysis' AND p.version = s.v WHEN MATCHED THEN UPDATE SET labels = p.labels || '{canary}'",
        "SELECT set_config('agent_loggy.promotion_override', 'I say so', true), "
        "agent_loggy.set_prompt_label('trace_analysis', 2, 'canary')",
    ]
    with psycopg.connect(role_url(WRITER, "default")) as c:
        for statement in paths:
            c.execute("SELECT set_config('agent_loggy.project', 'default', true)")
            with pytest.raises(psycopg.errors.CheckViolation, match="promotion policy is not met") as caught:
                c.execute(statement)
            assert caught.value.diag.constraint_name == "promotion_policy_check", statement
            c.rollback()
    labelled = conn.execute("SELECT version FROM agent_loggy.prompts WHERE 'canary' = ANY (labels)").fetchall()
    assert labelled == []
    with psycopg.connect(role_url(ADMIN)) as c:  # an admin's own setting is an override, with its reason logged
        c.execute("SELECT set_config('agent_loggy.promotion_override', 'load test', true), "
                  "agent_loggy.set_prompt_label('trace_analysis', 2, 'canary')")
        c.commit()
    row = conn.execute("SELECT change_summary FROM agent_loggy.config_changelog WHERE change_type = 'label' "
                       "ORDER BY id DESC LIMIT 1").fetchone()
    assert row is not None and row[0].startswith("promotion override of canary (min_runs: 0 runs")
    assert row[0].endswith(": load test")


def test_a_binding_changed_mid_statement_cannot_carry_an_update_into_another_project(
        conn: Conn, role_url: RoleUrl) -> None:
    conn.execute("INSERT INTO agent_loggy.investigations (project, query) VALUES ('default', 'a'), ('beta', 'b')")
    with psycopg.connect(role_url(READER, "default")) as c:
        c.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            c.execute("UPDATE agent_loggy.investigations SET status = 'running' "
                      "WHERE set_config('agent_loggy.project', 'beta', true) IS NOT NULL")
    assert conn.execute("SELECT count(*) FROM agent_loggy.investigations WHERE status = 'running'").fetchone() == (0,)


def test_a_refused_run_in_a_batch_costs_only_itself_and_a_fallback_prompt_is_refused_before_the_call(
        agent: tuple[PromptRegistry, Runs], role_url: RoleUrl) -> None:
    reg, _ = agent
    prompt = reg.get_prompt("trace_analysis")
    with create_pool(role_url(READER, "default"), ONE) as pool, Runs(pool, batch_size=3) as runs:
        with runs.record(prompt, {}) as run:
            run.output = "{}"
        with runs.record(prompt, {}, trace_id="not-a-trace-id") as run:  # the database refuses this one
            run.output = "{}"
        with pytest.raises(InvalidInput, match=r"1 of 3 buffered runs were refused .*runs_trace_id_check"), \
                runs.record(prompt, {}) as run:
            run.output = "{}"
        assert len(runs.list_runs(prompt="trace_analysis")) == 2
        called = []
        fallback = reg.get_prompt("no_such_prompt", fallback="Analyse {trace_id}")
        with pytest.raises(InvalidInput, match="is a fallback"), runs.record(fallback, {}):
            called.append(1)
        assert called == [], "refused before the agent's call, not after it"


def test_evidence_for_a_promotion_cannot_be_planted(conn: Conn, role_url: RoleUrl, admin_runs: Runs,
                                                     agent: tuple[PromptRegistry, Runs]) -> None:
    reg, runs = agent
    admin_runs.set_policy("canary", min_runs=2, score="relevance", tolerance=0, actor="ops")
    with psycopg.connect(role_url(READER, "default")) as c:
        c.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        with pytest.raises(psycopg.errors.CheckViolation, match="has no version 2"):  # runs of a version to come
            c.execute("INSERT INTO agent_loggy.runs (prompt_name, prompt_version) VALUES ('trace_analysis', 2)")
        c.rollback()
        c.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        with pytest.raises(psycopg.errors.CheckViolation, match="starts in the future"):
            c.execute("INSERT INTO agent_loggy.runs (prompt_name, prompt_version, started_at) "
                      "VALUES ('trace_analysis', 1, now() + interval '1 year')")
    v1 = reg.get_prompt("trace_analysis")
    for value in (90, 92):
        with runs.record(v1, {}) as run:
            run.output = "{}"
        assert run.run is not None
        runs.score(run.run, "relevance", value)
    admin_runs.promote("trace_analysis", 1, "canary", actor="ops", override_reason="first holder")
    conn.execute("SELECT agent_loggy.create_prompt_version('trace_analysis', 'v2 {trace_id}')")
    v2 = reg.get_prompt("trace_analysis", version=2)
    for _ in range(2):
        with runs.record(v2, {}) as run:
            run.output = "{}"
        assert run.run is not None
        runs.score(run.run, "relevance", 50)
        runs.score(run.run, "relevance", 1e12, scale=(0, 1e13))  # a huge number on a huge scale is 10 of 100
    with psycopg.connect(role_url(WRITER, "default")) as c:  # taking the label off first skips nothing
        c.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        c.execute("SELECT agent_loggy.remove_prompt_label('trace_analysis', 'canary')")
        with pytest.raises(psycopg.errors.CheckViolation, match=r"score relevance: mean 30\.000 over 2 runs against "
                                                                r"91\.000 over 2 runs of version 1"):
            c.execute("SELECT agent_loggy.promote_prompt('trace_analysis', 2, 'canary')")


def test_a_retired_month_kept_as_an_archive_stands_alone(conn: Conn, role_url: RoleUrl) -> None:
    with psycopg.connect(role_url(ADMIN), autocommit=True) as admin:
        admin.execute("SELECT agent_loggy.ensure_run_partitions('2021-03-01', '2021-03-01')")
        admin.execute("INSERT INTO agent_loggy.runs (prompt_name, prompt_version, started_at) "
                      "VALUES ('trace_analysis', 1, '2021-03-03')")
        assert admin.execute("SELECT agent_loggy.drop_runs_before('2021-04-01', true)").fetchone() == (
            ["runs_archive_2021_03"],)
        assert admin.execute("SELECT agent_loggy.ensure_run_partitions('2021-03-01', '2021-03-01')").fetchone() == (
            ["runs_2021_03"],), "the month's name is free again"
    archive = conn.execute("SELECT count(*), min(status) FROM agent_loggy.runs_archive_2021_03").fetchone()
    assert archive == (1, "succeeded")
    assert conn.execute("SELECT count(*) FROM pg_constraint WHERE contype = 'f' "
                        "AND conrelid = 'agent_loggy.runs_archive_2021_03'::regclass").fetchone() == (0,)


def test_a_schema_stored_by_sql_that_is_no_json_schema_loses_no_run(conn: Conn,
                                                                      agent: tuple[PromptRegistry, Runs]) -> None:
    """SQL checks only that a schema is an object; Python must not fail the recording over it."""
    reg, runs = agent
    conn.execute("INSERT INTO agent_loggy.prompts (name, version, template, output_schema) "
                 "VALUES ('odd', 1, 'x', '{\"type\": \"no-such-type\"}')")
    with runs.record(reg.get_prompt("odd", label="latest"), {}) as run:
        run.output = '{"a": 1}'
    assert run.run is not None and run.run.output_valid is None
    assert run.run.output_errors is not None and run.run.output_errors[0].startswith(
        "output schema cannot be used: UnknownType")
