"""Runs and AsyncRuns: agent calls recorded against the prompt version they used, with scores, trace
findings and verdicts; per-version metrics, comparisons and promotions under policy.

    with runs.record(prompt, {"dispute": text}) as run:
        run.output = call_llm(prompt.compile(dispute=text))

times the call, parses and validates the output against the version's output schema (jsonschema),
and stores the run, also when the block raised (status failed, the exception as its error; the
exception is re-raised). With batch_size > 1 finished runs are buffered and written with COPY,
batch_size at a time (flush() and close() write the rest). Every call is one statement (or one
COPY transaction) bound to the project, as every write is.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool, ConnectionPool

from agent_loggy_db.configs import DEFAULT_PROJECT
from agent_loggy_db.errors import ConnectionFailed, DatabaseError, InvalidInput, NotFound, translated_errors
from agent_loggy_db.importers.values import jsonb
from agent_loggy_db.models import Prompt
from agent_loggy_db.pool import (
    bound_transaction,
    pipelined_statement,
    pipelined_statement_async,
    read_on_replicas,
    read_on_replicas_async,
)
from agent_loggy_db.search import QueryVectors

if TYPE_CHECKING:
    from agent_loggy_db.embedding import Embedder
    from agent_loggy_db.search import QueryVector

log = logging.getLogger(__name__)
T = TypeVar("T")
Row = dict[str, Any]

MAX_OUTPUT_ERRORS = 100
_FENCE = re.compile(r"^\s*```(?:json)?\s*\n(.*?)\n\s*```\s*$", re.DOTALL)


# Rows -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One recorded run (a row of agent_loggy.runs)."""

    id: int
    started_at: datetime
    project: str
    prompt_name: str
    prompt_version: int
    status: str
    prompt_id: int | None = None
    investigation_id: int | None = None
    label: str | None = None
    model_config_version: int | None = None
    model_provider: str | None = None
    model_name: str | None = None
    variables: Mapping[str, Any] = field(default_factory=dict)
    rendered_hash: str | None = None
    output: str | None = None
    parsed_output: Any = None
    output_valid: bool | None = None
    output_errors: tuple[str, ...] | None = None
    error: str | None = None
    latency_ms: float | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    cost: Any = None
    finished_at: datetime | None = None
    trace_id: str | None = None
    span_id: str | None = None
    recorded_by: str | None = None
    recorded_at: datetime | None = None


@dataclass(frozen=True)
class Investigation:
    """One dispute or query under analysis (a row of agent_loggy.investigations)."""

    id: int
    project: str
    query: str
    status: str
    external_ref: str | None = None
    requested_by: str | None = None
    parameters: Mapping[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    recorded_by: str | None = None


@dataclass(frozen=True)
class Score:
    """A named score on a run or an investigation."""

    id: int
    project: str
    name: str
    source: str
    run_id: int | None = None
    run_started_at: datetime | None = None
    investigation_id: int | None = None
    value: float | None = None
    scale_min: float | None = None
    scale_max: float | None = None
    category: str | None = None
    comment: str | None = None
    given_by: str | None = None
    created_at: datetime | None = None
    recorded_by: str | None = None


@dataclass(frozen=True)
class Finding:
    """What the analysis of one trace found (a row of agent_loggy.trace_findings)."""

    id: int
    project: str
    investigation_id: int
    trace_id: str
    stance: str
    outcome: str = "unknown"
    relevance: float | None = None
    confidence: str | None = None
    p_supports: float | None = None
    p_refutes: float | None = None
    p_neutral: float | None = None
    evidence: Any = None
    run_id: int | None = None
    run_started_at: datetime | None = None
    created_at: datetime | None = None
    recorded_by: str | None = None


@dataclass(frozen=True)
class Verdict:
    """An investigation's verdict; supporting / refuting / neutral are counted by the database."""

    id: int
    project: str
    investigation_id: int
    verdict: str
    finding_ids: tuple[int, ...]
    supporting: int
    refuting: int
    neutral: int
    confidence: float | None = None
    reasoning: str | None = None
    pipeline_version: str | None = None
    created_at: datetime | None = None
    recorded_by: str | None = None


@dataclass(frozen=True)
class VersionMetrics:
    """One row of prompt_version_metrics(): a version (in a time bucket when asked)."""

    version: int
    bucket: datetime | None
    runs: int
    errors: int
    error_rate: float
    validated: int
    valid_rate: float | None
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    input_tokens: int | None
    output_tokens: int | None
    cost: Any
    scores: Mapping[str, Mapping[str, float]]


@dataclass(frozen=True)
class Comparison:
    """One row of compare_prompt_versions(): a metric of versions a and b, b - a and its 95% interval."""

    metric: str
    version_a: int
    version_b: int
    n_a: int
    n_b: int
    value_a: float | None
    value_b: float | None
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    method: str

    @property
    def significant(self) -> bool:
        """True when the interval excludes 0: the data tell the versions apart on this metric."""
        return self.ci_low is not None and self.ci_high is not None and (self.ci_low > 0 or self.ci_high < 0)


@dataclass(frozen=True)
class PromotionPolicy:
    """What a version must show before a label moves onto it (a row of promotion_policies)."""

    project: str
    label: str
    min_runs: int
    max_error_rate: float | None
    min_valid_rate: float | None
    score_name: str | None
    score_tolerance: float | None
    window_length: timedelta
    updated_by: str
    updated_at: datetime


def _row(cls: type[T], row: Row) -> T:
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    values = {k: v for k, v in row.items() if k in names}
    for key in ("output_errors", "finding_ids"):
        if values.get(key) is not None:
            values[key] = tuple(values[key])
    return cls(**values)


# Output validation ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutputCheck:
    """An output parsed and checked: parsed is None when it is not JSON; valid is None without a schema."""

    parsed: Any
    valid: bool | None
    errors: tuple[str, ...]


def check_output(output: str | None, schema: Mapping[str, Any] | None) -> OutputCheck:
    """Parse `output` as JSON (a ```json fence around it is allowed) and validate it against `schema`
    with jsonschema (the validator the schema's $schema names, else Draft 2020-12)."""
    if output is None:
        return OutputCheck(None, False if schema is not None else None, ("no output",) if schema else ())
    text = output
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group(1)
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError) as exc:
        if schema is None:
            return OutputCheck(None, None, ())
        return OutputCheck(None, False, (f"output is not JSON: {exc}",))
    if schema is None:
        return OutputCheck(parsed, None, ())
    import jsonschema  # on first use: it imports optional format libraries (idna, ...) when they are installed

    try:  # the schema is data: one stored by SQL was never checked as a JSON Schema
        validator_class = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
        errors = sorted(validator_class(schema).iter_errors(parsed), key=lambda e: list(e.absolute_path))
    except Exception as exc:  # unknown types, dangling $refs, ...: not validated, and said why
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return OutputCheck(parsed, None, (f"output schema cannot be used: {type(exc).__name__}: {first_line}"[:1000],))
    messages = tuple(f"{e.json_path}: {e.message}"[:1000] for e in errors[:MAX_OUTPUT_ERRORS])
    return OutputCheck(parsed, not messages, messages)


def check_schema(schema: Mapping[str, Any]) -> None:
    """InvalidInput naming the problem when `schema` is not a valid JSON Schema."""
    import jsonschema

    try:
        validator_class = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
        validator_class.check_schema(dict(schema))
    except jsonschema.SchemaError as exc:
        raise InvalidInput(f"invalid output schema: {exc.message} at {exc.json_path}") from exc


# Recording ----------------------------------------------------------------------------------------------------


@dataclass
class RunContext:
    """What the block of Runs.record() fills in; `run` is the stored Run after the block (None when batched)."""

    prompt: Prompt
    variables: Mapping[str, Any]
    investigation_id: int | None = None
    output: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    cost: float | None = None
    trace_id: str | None = None
    span_id: str | None = None
    model_provider: str | None = None
    model_name: str | None = None
    rendered: str | None = None
    run: Run | None = None


_RUN_COLUMNS = ("project", "investigation_id", "prompt_name", "prompt_version", "label", "model_config_version",
                "model_provider", "model_name", "variables", "rendered_hash", "output", "parsed_output",
                "output_valid", "output_errors", "status", "error", "latency_ms", "input_tokens", "output_tokens",
                "cost", "started_at", "finished_at", "trace_id", "span_id")
_INSERT_RUN = (f"INSERT INTO agent_loggy.runs ({', '.join(_RUN_COLUMNS)}) "
               f"VALUES ({', '.join('%(' + c + ')s' for c in _RUN_COLUMNS)}) RETURNING *")
_COPY_RUNS = f"COPY pg_temp.agent_loggy_staged_runs ({', '.join(_RUN_COLUMNS)}) FROM STDIN"
_SCHEMA = "SELECT agent_loggy.prompt_output_schema(%s::text, %s::integer, %s::text) AS schema"


def _run_values(ctx: RunContext, schema: Mapping[str, Any] | None, started: datetime, elapsed: float,
                failure: BaseException | None) -> dict[str, Any]:
    """The runs row of a finished block."""
    prompt = ctx.prompt
    check = check_output(ctx.output, schema) if failure is None else OutputCheck(None, None, ())
    rendered = ctx.rendered
    return {
        "project": prompt.project, "investigation_id": ctx.investigation_id, "prompt_name": prompt.name,
        "prompt_version": prompt.version, "label": prompt.resolved_label,
        "model_config_version": prompt.model_config_version,
        "model_provider": ctx.model_provider or prompt.model_provider,
        "model_name": ctx.model_name or prompt.model_name,
        "variables": jsonb(dict(ctx.variables)),
        "rendered_hash": hashlib.sha256(rendered.encode()).hexdigest() if rendered is not None else None,
        "output": ctx.output, "parsed_output": None if check.parsed is None else jsonb(check.parsed),
        "output_valid": check.valid, "output_errors": list(check.errors) or None,
        "status": "failed" if failure is not None else "succeeded",
        "error": None if failure is None else f"{type(failure).__name__}: {failure}"[:10000],
        "latency_ms": elapsed * 1000.0, "input_tokens": ctx.input_tokens, "output_tokens": ctx.output_tokens,
        "cost": ctx.cost, "started_at": started, "finished_at": started + timedelta(seconds=elapsed),
        "trace_id": ctx.trace_id, "span_id": ctx.span_id,
    }


def _recordable(prompt: Prompt) -> None:
    """InvalidInput, before the agent's call, for a prompt the database cannot record a run of."""
    if prompt.version is None or prompt.is_fallback:
        raise InvalidInput(f"prompt {prompt.name!r} is a fallback, not a stored version: only resolved prompts are "
                           "recorded (check prompt.is_fallback before recording)")


def _rendered(prompt: Prompt, variables: Mapping[str, Any]) -> str | None:
    """The rendered prompt as text (a chat prompt's messages as compact JSON), for its hash."""
    try:
        rendered = prompt.compile(variables)
        if isinstance(rendered, str):
            return rendered
        return json.dumps(rendered, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    except Exception:  # the agent may render otherwise (or pass values JSON cannot write); no hash then
        return None


# Statements (shared by Runs and AsyncRuns) ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Call(Generic[T]):
    project: str
    sql: str
    params: Mapping[str, Any] | Sequence[Any]
    result: Any  # Callable[[list[Row]], T]
    analysis: bool = False  # a read that may lag the primary by replication: on the replicas, when there are


def _one(cls: type[T]) -> Any:
    return lambda rows: _row(cls, rows[0])


def _all(cls: type[T]) -> Any:
    return lambda rows: [_row(cls, r) for r in rows]


def _target(target: Run | Investigation | int, project: str) -> dict[str, Any]:
    if isinstance(target, Run):
        return {"run_id": target.id, "run_started_at": target.started_at, "investigation_id": None,
                "project": target.project}
    if isinstance(target, Investigation):
        return {"run_id": None, "run_started_at": None, "investigation_id": target.id, "project": target.project}
    return {"run_id": None, "run_started_at": None, "investigation_id": target, "project": project}


class _Calls:
    @staticmethod
    def start_investigation(query: str, project: str, external_ref: str | None, requested_by: str | None,
                            parameters: Mapping[str, Any] | None, embedding: Any, status: str,
                            config: int | None) -> _Call[Investigation]:
        sql = ("SELECT * FROM agent_loggy.start_investigation(%(query)s::text, %(project)s::text, %(ref)s::text,"
               " %(by)s::text, %(parameters)s::jsonb, %(status)s::agent_loggy.investigation_status,"
               " %(embedding)s::vector, %(config)s::bigint)")
        return _Call(project, sql, {"project": project, "query": query, "ref": external_ref, "by": requested_by,
                                    "parameters": jsonb(dict(parameters or {})), "status": status,
                                    "embedding": embedding, "config": config}, _one(Investigation))

    @staticmethod
    def set_status(investigation: int, status: str, project: str) -> _Call[Investigation]:
        sql = ("UPDATE agent_loggy.investigations SET status = %(status)s::agent_loggy.investigation_status"
               " WHERE id = %(id)s RETURNING *")
        return _Call(project, sql, {"status": status, "id": investigation}, _checked_one(Investigation, investigation))

    @staticmethod
    def score(target: Run | Investigation | int, name: str, value: float | None, category: str | None, source: str,
              scale: tuple[float, float] | None, comment: str | None, given_by: str | None,
              project: str) -> _Call[Score]:
        params = _target(target, project)
        low, high = scale if scale is not None else (None, None)
        params |= {"name": name, "value": value, "category": category, "source": source, "low": low, "high": high,
                   "comment": comment, "given_by": given_by}
        sql = ("INSERT INTO agent_loggy.scores (project, run_id, run_started_at, investigation_id, name, value,"
               " scale_min, scale_max, category, source, comment, given_by) VALUES (%(project)s, %(run_id)s,"
               " %(run_started_at)s, %(investigation_id)s, %(name)s, %(value)s, %(low)s, %(high)s, %(category)s,"
               " %(source)s::agent_loggy.score_source, %(comment)s, %(given_by)s) RETURNING *")
        return _Call(params["project"], sql, params, _one(Score))

    @staticmethod
    def finding(investigation: Investigation | int, trace_id: str, stance: str, relevance: float | None,
                outcome: str, confidence: str | None, probabilities: tuple[float, float, float] | None,
                evidence: Any, run: Run | None, project: str) -> _Call[Finding]:
        target = _target(investigation, project)
        supports, refutes, neutral = probabilities if probabilities is not None else (None, None, None)
        params = {"project": target["project"], "investigation_id": target["investigation_id"], "trace_id": trace_id,
                  "stance": stance, "relevance": relevance, "outcome": outcome, "confidence": confidence,
                  "supports": supports, "refutes": refutes, "neutral": neutral, "evidence": jsonb(evidence),
                  "run_id": run.id if run else None, "run_started_at": run.started_at if run else None}
        sql = ("INSERT INTO agent_loggy.trace_findings (project, investigation_id, trace_id, stance, relevance,"
               " outcome, confidence, p_supports, p_refutes, p_neutral, evidence, run_id, run_started_at)"
               " VALUES (%(project)s, %(investigation_id)s, %(trace_id)s, %(stance)s::agent_loggy.stance,"
               " %(relevance)s, %(outcome)s::agent_loggy.trace_outcome, %(confidence)s::agent_loggy.confidence_level,"
               " %(supports)s, %(refutes)s, %(neutral)s, %(evidence)s, %(run_id)s, %(run_started_at)s) RETURNING *")
        return _Call(target["project"], sql, params, _one(Finding))

    @staticmethod
    def verdict(investigation: Investigation | int, verdict: str, findings: Sequence[Finding | int],
                confidence: float | None, reasoning: str | None, pipeline_version: str | None,
                project: str) -> _Call[Verdict]:
        target = _target(investigation, project)
        ids = [f.id if isinstance(f, Finding) else int(f) for f in findings]
        sql = ("INSERT INTO agent_loggy.verdicts (project, investigation_id, verdict, finding_ids, confidence,"
               " reasoning, pipeline_version) VALUES (%(project)s, %(investigation_id)s, %(verdict)s, %(ids)s,"
               " %(confidence)s, %(reasoning)s, %(pipeline)s) RETURNING *")
        return _Call(target["project"], sql, {"project": target["project"], "investigation_id":
                     target["investigation_id"], "verdict": verdict, "ids": ids, "confidence": confidence,
                     "reasoning": reasoning, "pipeline": pipeline_version}, _one(Verdict))

    @staticmethod
    def metrics(name: str, project: str, since: datetime | None, until: datetime | None,
                bucket: timedelta | None) -> _Call[list[VersionMetrics]]:
        sql = ("SELECT * FROM agent_loggy.prompt_version_metrics(%s::text, %s::text, %s::timestamptz,"
               " %s::timestamptz, %s::interval)")
        return _Call(project, sql, (name, project, since, until, bucket), _all(VersionMetrics), analysis=True)

    @staticmethod
    def compare(name: str, a: str | int, b: str | int, score: str, since: datetime | None,
                project: str) -> _Call[list[Comparison]]:
        sql = ("SELECT * FROM agent_loggy.compare_prompt_versions(%s::text, %s::text, %s::text, %s::text,"
               " %s::timestamptz, %s::text)")
        return _Call(project, sql, (name, str(a), str(b), score, since, project), _all(Comparison),
                     analysis=True)

    @staticmethod
    def list_runs(project: str, prompt: str | None, investigation: int | None, limit: int) -> _Call[list[Run]]:
        sql = ("SELECT * FROM agent_loggy.runs WHERE project = %(project)s"
               " AND (%(prompt)s::text IS NULL OR prompt_name = %(prompt)s::text)"
               " AND (%(inv)s::bigint IS NULL OR investigation_id = %(inv)s::bigint)"
               " ORDER BY started_at DESC, id DESC LIMIT %(limit)s")
        return _Call(project, sql, {"project": project, "prompt": prompt, "inv": investigation, "limit": limit},
                     _all(Run), analysis=True)

    @staticmethod
    def get_run(run_id: int, project: str) -> _Call[Run]:
        return _Call(project, "SELECT * FROM agent_loggy.runs WHERE id = %(id)s AND project = %(project)s",
                     {"id": run_id, "project": project}, _checked_one(Run, run_id))

    @staticmethod
    def scores_of(run: Run) -> _Call[list[Score]]:
        return _Call(run.project, "SELECT * FROM agent_loggy.scores WHERE run_id = %s AND run_started_at = %s"
                     " ORDER BY id", (run.id, run.started_at), _all(Score))

    @staticmethod
    def similar(vector: Any, project: str, limit: int, user: str | None, config: int | None) -> _Call[list[Row]]:
        sql = ("SELECT * FROM agent_loggy.similar_investigations(%s::vector, %s::text, %s::integer, %s::text,"
               " %s::bigint)")
        return _Call(project, sql, (vector, project, limit, user, config), lambda rows: rows, analysis=True)

    @staticmethod
    def set_policy(label: str, project: str, min_runs: int, max_error_rate: float | None,
                   min_valid_rate: float | None, score: str | None, tolerance: float | None,
                   window: timedelta) -> _Call[PromotionPolicy]:
        sql = ("SELECT * FROM agent_loggy.set_promotion_policy(%s::text, %s::text, %s::integer,"
               " %s::double precision, %s::double precision, %s::text, %s::double precision, %s::interval)")
        return _Call(project, sql, (label, project, min_runs, max_error_rate, min_valid_rate, score, tolerance,
                                    window), _one(PromotionPolicy))

    @staticmethod
    def policies(project: str) -> _Call[list[PromotionPolicy]]:
        return _Call(project, "SELECT * FROM agent_loggy.promotion_policies WHERE project = %s ORDER BY label",
                     (project,), _all(PromotionPolicy))

    @staticmethod
    def promotion_failures(name: str, version: int, label: str, project: str) -> _Call[list[str]]:
        sql = "SELECT agent_loggy.promotion_failures(%s::text, %s::text, %s::integer, %s::text) AS failures"
        return _Call(project, sql, (project, name, version, label), lambda rows: list(rows[0]["failures"]))

    @staticmethod
    def promote(name: str, version: int, label: str, project: str, reason: str | None) -> _Call[Prompt]:
        sql = ("SELECT p.id, p.project, p.name, p.version, p.labels FROM agent_loggy.promote_prompt(%s::text,"
               " %s::integer, %s::text, %s::text, %s::text) AS p")
        return _Call(project, sql, (name, version, label, project, reason),
                     lambda rows: Prompt(name=rows[0]["name"], template="", project=rows[0]["project"],
                                         version=rows[0]["version"], id=rows[0]["id"],
                                         labels=tuple(rows[0]["labels"])))

    @staticmethod
    def set_output_schema(name: str, version: int, schema: Mapping[str, Any] | None, project: str) -> _Call[None]:
        if schema is not None:
            check_schema(schema)
        sql = "SELECT 1 FROM agent_loggy.set_prompt_output_schema(%s::text, %s::integer, %s::jsonb, %s::text)"
        return _Call(project, sql, (name, version, None if schema is None else jsonb(dict(schema)), project),
                     lambda rows: None)


def _checked_one(cls: type[T], key: int) -> Any:
    def result(rows: list[Row]) -> T:
        if not rows:
            raise NotFound(f"no {cls.__name__.lower()} {key} visible in this project", sqlstate="P0002")
        return _row(cls, rows[0])
    return result


# The sync client ---------------------------------------------------------------------------------------------


class Runs:
    """Runs, investigations, scores, findings, verdicts, metrics and promotions over a ConnectionPool.

    batch_size > 1 buffers finished runs and writes them with COPY batch_size at a time (their Run
    objects are not returned); call flush() or close() (or use `with`) to write the rest.
    """

    def __init__(self, pool: ConnectionPool, *, batch_size: int = 1, embedder: Embedder | None = None) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.pool = pool
        self.batch_size = batch_size
        self._vectors = QueryVectors(embedder)
        self._schemas: dict[tuple[str, str, int], Mapping[str, Any] | None] = {}
        self._buffer: list[dict[str, Any]] = []

    def __enter__(self) -> Runs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Write the buffered runs (the pool is the caller's and stays open)."""
        self.flush()

    def _run(self, call: _Call[T], *, actor: str | None = None) -> T:
        if call.analysis:
            return read_on_replicas(self.pool, lambda pool: self._run_on(pool, call, actor))
        return self._run_on(self.pool, call, actor)

    def _run_on(self, pool: ConnectionPool, call: _Call[T], actor: str | None) -> T:
        with translated_errors(), pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            pipelined_statement(cur, call.sql, call.params, project=call.project, actor=actor)
            rows = cur.fetchall()
        result: T = call.result(rows)
        return result

    def output_schema(self, prompt: Prompt) -> Mapping[str, Any] | None:
        """The output schema of the prompt's version (cached: a version with runs keeps its schema)."""
        key = (prompt.project, prompt.name, prompt.version or 0)
        if key not in self._schemas:
            self._schemas[key] = self._run(_Call(prompt.project, _SCHEMA, (prompt.name, prompt.version, prompt.project),
                                                 lambda rows: rows[0]["schema"]))
        return self._schemas[key]

    @contextmanager
    def record(self, prompt: Prompt, variables: Mapping[str, Any] | None = None, *,
               investigation: Investigation | int | None = None, trace_id: str | None = None,
               span_id: str | None = None) -> Iterator[RunContext]:
        """Time the block, then store the run: its output validated, or the exception it raised (re-raised)."""
        _recordable(prompt)
        ctx = RunContext(prompt, dict(variables or {}), _investigation_id(investigation), trace_id=trace_id,
                         span_id=span_id, rendered=_rendered(prompt, variables or {}))
        schema = self.output_schema(prompt)
        started, clock = datetime.now(UTC), time.perf_counter()
        failure: BaseException | None = None
        try:
            yield ctx
        except BaseException as exc:
            failure = exc
            raise
        finally:
            elapsed = time.perf_counter() - clock
            try:  # a run that cannot be stored must not hide the agent's own exception
                ctx.run = self._store(_run_values(ctx, schema, started, elapsed, failure))
            except Exception:
                if failure is None:
                    raise
                log.exception("could not record the failed run of %s v%s", prompt.name, prompt.version)

    def _store(self, values: dict[str, Any]) -> Run | None:
        if self.batch_size == 1:
            return self._run(_Call(values["project"], _INSERT_RUN, values, _one(Run)))
        self._buffer.append(values)
        if len(self._buffer) >= self.batch_size:
            self.flush()
        return None

    def record_many(self, rows: Sequence[Mapping[str, Any]]) -> int:
        """Write finished runs given as mappings of runs columns (prompt_name, prompt_version, output, ...):
        COPY into a staging table, then one INSERT (row level security refuses COPY into runs), per project
        in one transaction each; returns how many were written."""
        by_project: dict[str, list[Mapping[str, Any]]] = {}
        for row in rows:
            unknown = set(row) - set(_RUN_COLUMNS)
            if unknown:
                raise InvalidInput(f"unknown runs columns {sorted(unknown)}: expected some of {list(_RUN_COLUMNS)}")
            by_project.setdefault(str(row.get("project", DEFAULT_PROJECT)), []).append(row)
        with translated_errors(), self.pool.connection() as conn:
            for project, group in by_project.items():
                with bound_transaction(conn, project=project), conn.cursor() as cur:
                    cur.execute("SELECT agent_loggy.stage_runs()")
                    with cur.copy(_COPY_RUNS) as copy:
                        for row in group:
                            copy.write_row([_copy_value(c, row, project) for c in _RUN_COLUMNS])
                    cur.execute("SELECT agent_loggy.record_staged_runs()")
        return len(rows)

    def flush(self) -> int:
        """Write the buffered runs with COPY; returns how many were written.

        A batch the database refuses is written row by row instead, so one bad run costs only itself:
        the others are stored, and the refused ones are raised (InvalidInput naming each) after. When the
        database cannot be reached the buffer is kept for the next flush.
        """
        if not self._buffer:
            return 0
        buffered, self._buffer = self._buffer, []
        try:
            return self.record_many(buffered)
        except ConnectionFailed:
            self._buffer = buffered + self._buffer
            raise
        except DatabaseError:
            pass
        refused: list[str] = []
        for i, values in enumerate(buffered):
            project = str(values.get("project", DEFAULT_PROJECT))
            try:
                self._run(_Call(project, _INSERT_RUN, {c: _copy_value(c, values, project) for c in _RUN_COLUMNS},
                                _one(Run)))
            except ConnectionFailed:
                self._buffer = [*buffered[i:], *self._buffer]
                raise
            except DatabaseError as exc:
                refused.append(f"run of {values.get('prompt_name')} v{values.get('prompt_version')}: {exc}")
        if refused:
            raise InvalidInput(f"{len(refused)} of {len(buffered)} buffered runs were refused (the others are "
                               "stored): " + "; ".join(refused[:5]))
        return len(buffered)

    def start_investigation(self, query: str, *, project: str = DEFAULT_PROJECT, external_ref: str | None = None,
                            requested_by: str | None = None, parameters: Mapping[str, Any] | None = None,
                            embedding: str | QueryVector | None = None, status: str = "running",
                            embedding_config: int | None = None) -> Investigation:
        """Record an investigation (running unless told); embedding: its query's vector, or text to embed,
        kept in the vector(384) column or, with `embedding_config` (an id), in that config's store."""
        vector = None if embedding is None else self._vectors.vector(embedding)
        return self._run(_Calls.start_investigation(query, project, external_ref, requested_by, parameters, vector,
                                                    status, embedding_config))

    def set_status(self, investigation: Investigation | int, status: str, *,
                   project: str = DEFAULT_PROJECT) -> Investigation:
        """Move an investigation forward (queued -> running -> succeeded | failed | cancelled)."""
        project = investigation.project if isinstance(investigation, Investigation) else project
        return self._run(_Calls.set_status(_investigation_id(investigation) or 0, status, project))

    def score(self, target: Run | Investigation | int, name: str, value: float | None = None, *,
              category: str | None = None, source: str = "code", scale: tuple[float, float] | None = None,
              comment: str | None = None, given_by: str | None = None, project: str = DEFAULT_PROJECT) -> Score:
        """Score a run or an investigation (an int is an investigation id): numeric on `scale` (0-100 unless
        given) or categorical."""
        return self._run(_Calls.score(target, name, value, category, source, scale, comment, given_by, project))

    def add_finding(self, investigation: Investigation | int, trace_id: str, stance: str, *,
                    relevance: float | None = None, outcome: str = "unknown", confidence: str | None = None,
                    probabilities: tuple[float, float, float] | None = None, evidence: Any = (),
                    run: Run | None = None, project: str = DEFAULT_PROJECT) -> Finding:
        """Record what the analysis of one trace found; probabilities are (supports, refutes, neutral)."""
        return self._run(_Calls.finding(investigation, trace_id, stance, relevance, outcome, confidence,
                                        probabilities, list(evidence) if isinstance(evidence, tuple) else evidence,
                                        run, project))

    def add_verdict(self, investigation: Investigation | int, verdict: str, findings: Sequence[Finding | int], *,
                    confidence: float | None = None, reasoning: str | None = None,
                    pipeline_version: str | None = None, project: str = DEFAULT_PROJECT) -> Verdict:
        """Record a verdict resting on `findings`; the database counts their stances."""
        return self._run(_Calls.verdict(investigation, verdict, findings, confidence, reasoning, pipeline_version,
                                        project))

    def list_runs(self, *, project: str = DEFAULT_PROJECT, prompt: str | None = None,
                  investigation: int | None = None, limit: int = 50) -> list[Run]:
        """The latest runs of a project, newest first."""
        return self._run(_Calls.list_runs(project, prompt, investigation, limit))

    def get_run(self, run_id: int, *, project: str = DEFAULT_PROJECT) -> Run:
        """One run by id (NotFound when this project has none)."""
        return self._run(_Calls.get_run(run_id, project))

    def scores_of(self, run: Run) -> list[Score]:
        """The scores given to a run."""
        return self._run(_Calls.scores_of(run))

    def metrics(self, name: str, *, project: str = DEFAULT_PROJECT, since: datetime | None = None,
                until: datetime | None = None, bucket: timedelta | None = None) -> list[VersionMetrics]:
        """prompt_version_metrics(): per version (and bucket) of prompt `name`."""
        return self._run(_Calls.metrics(name, project, since, until, bucket))

    def compare(self, name: str, a: str | int, b: str | int, *, score: str, since: datetime | None = None,
                project: str = DEFAULT_PROJECT) -> list[Comparison]:
        """compare_prompt_versions(): versions (or labels) a and b on `score`, error and valid rates."""
        return self._run(_Calls.compare(name, a, b, score, since, project))

    def similar_investigations(self, query: str | QueryVector, *, project: str = DEFAULT_PROJECT, limit: int = 5,
                               user: str | None = None,
                               embedding_config: int | None = None) -> list[tuple[Investigation, float]]:
        """Past investigations whose query is nearest `query` (text needs an embedder), with similarity;
        user: only those asked by that user; embedding_config: the config whose vectors to search (default:
        the project's search config, else the vector(384) column)."""
        rows = self._run(_Calls.similar(self._vectors.vector(query), project, limit, user, embedding_config))
        return [(_row(Investigation, r | {"project": project}), float(r["similarity"])) for r in rows]

    def set_policy(self, label: str, *, project: str = DEFAULT_PROJECT, min_runs: int = 0,
                   max_error_rate: float | None = None, min_valid_rate: float | None = None,
                   score: str | None = None, tolerance: float | None = None,
                   window: timedelta = timedelta(days=30), actor: str) -> PromotionPolicy:
        """Admin: set the promotion policy of `label` in `project`."""
        return self._run(_Calls.set_policy(label, project, min_runs, max_error_rate, min_valid_rate, score,
                                           tolerance, window), actor=actor)

    def policies(self, *, project: str = DEFAULT_PROJECT) -> list[PromotionPolicy]:
        """The promotion policies of a project."""
        return self._run(_Calls.policies(project))

    def promotion_failures(self, name: str, version: int, label: str, *, project: str = DEFAULT_PROJECT) -> list[str]:
        """The policy rules version `version` fails now for `label` (empty: it may be promoted)."""
        return self._run(_Calls.promotion_failures(name, version, label, project))

    def promote(self, name: str, version: int, label: str, *, actor: str, project: str = DEFAULT_PROJECT,
                override_reason: str | None = None) -> Prompt:
        """Move `label` onto `version` under the label's promotion policy (InvalidInput with constraint
        promotion_policy_check when it fails); an admin may override with a reason."""
        return self._run(_Calls.promote(name, version, label, project, override_reason), actor=actor)

    def set_output_schema(self, name: str, version: int, schema: Mapping[str, Any] | None, *, actor: str,
                          project: str = DEFAULT_PROJECT) -> None:
        """Declare the JSON Schema the outputs of a version must meet (checked as a schema first)."""
        self._run(_Calls.set_output_schema(name, version, schema, project), actor=actor)
        self._schemas.pop((project, name, version), None)


def _investigation_id(investigation: Investigation | int | None) -> int | None:
    return investigation.id if isinstance(investigation, Investigation) else investigation


def _copy_value(column: str, row: Mapping[str, Any], project: str) -> Any:
    value = row.get(column)
    if column == "project":
        return project
    if column == "status" and value is None:
        return "succeeded"
    if column == "started_at" and value is None:
        return datetime.now(UTC)
    if column in ("variables", "parsed_output") and value is not None:
        return value if isinstance(value, Jsonb) else jsonb(value)
    if column == "variables":
        return jsonb({})
    if column == "output_errors" and value is not None:
        return list(value)
    return value


# The async client ----------------------------------------------------------------------------------------------


class AsyncRuns:
    """The async twin of Runs (single-row recording; batch with Runs.record_many in a worker if needed)."""

    def __init__(self, pool: AsyncConnectionPool, *, embedder: Embedder | None = None) -> None:
        self.pool = pool
        self._vectors = QueryVectors(embedder)
        self._schemas: dict[tuple[str, str, int], Mapping[str, Any] | None] = {}

    async def _run(self, call: _Call[T], *, actor: str | None = None) -> T:
        if call.analysis:
            return await read_on_replicas_async(self.pool, lambda pool: self._run_on(pool, call, actor))
        return await self._run_on(self.pool, call, actor)

    async def _run_on(self, pool: AsyncConnectionPool, call: _Call[T], actor: str | None) -> T:
        with translated_errors():
            async with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
                await pipelined_statement_async(cur, call.sql, call.params, project=call.project, actor=actor)
                rows = await cur.fetchall()
        result: T = call.result(rows)
        return result

    async def output_schema(self, prompt: Prompt) -> Mapping[str, Any] | None:
        """The output schema of the prompt's version (cached)."""
        key = (prompt.project, prompt.name, prompt.version or 0)
        if key not in self._schemas:
            self._schemas[key] = await self._run(_Call(prompt.project, _SCHEMA,
                                                       (prompt.name, prompt.version, prompt.project),
                                                       lambda rows: rows[0]["schema"]))
        return self._schemas[key]

    @asynccontextmanager
    async def record(self, prompt: Prompt, variables: Mapping[str, Any] | None = None, *,
                     investigation: Investigation | int | None = None, trace_id: str | None = None,
                     span_id: str | None = None) -> AsyncIterator[RunContext]:
        """The async twin of Runs.record."""
        _recordable(prompt)
        ctx = RunContext(prompt, dict(variables or {}), _investigation_id(investigation), trace_id=trace_id,
                         span_id=span_id, rendered=_rendered(prompt, variables or {}))
        schema = await self.output_schema(prompt)
        started, clock = datetime.now(UTC), time.perf_counter()
        failure: BaseException | None = None
        try:
            yield ctx
        except BaseException as exc:
            failure = exc
            raise
        finally:
            elapsed = time.perf_counter() - clock
            try:  # a run that cannot be stored must not hide the agent's own exception
                values = _run_values(ctx, schema, started, elapsed, failure)
                ctx.run = await self._run(_Call(values["project"], _INSERT_RUN, values, _one(Run)))
            except Exception:
                if failure is None:
                    raise
                log.exception("could not record the failed run of %s v%s", prompt.name, prompt.version)

    async def start_investigation(self, query: str, *, project: str = DEFAULT_PROJECT,
                                  external_ref: str | None = None, requested_by: str | None = None,
                                  parameters: Mapping[str, Any] | None = None,
                                  embedding: QueryVector | None = None, status: str = "running",
                                  embedding_config: int | None = None) -> Investigation:
        """The async twin of Runs.start_investigation (a vector, not text)."""
        vector = None if embedding is None else self._vectors.vector(embedding)
        return await self._run(_Calls.start_investigation(query, project, external_ref, requested_by, parameters,
                                                          vector, status, embedding_config))

    async def set_status(self, investigation: Investigation | int, status: str, *,
                         project: str = DEFAULT_PROJECT) -> Investigation:
        """The async twin of Runs.set_status."""
        project = investigation.project if isinstance(investigation, Investigation) else project
        return await self._run(_Calls.set_status(_investigation_id(investigation) or 0, status, project))

    async def score(self, target: Run | Investigation | int, name: str, value: float | None = None, *,
                    category: str | None = None, source: str = "code", scale: tuple[float, float] | None = None,
                    comment: str | None = None, given_by: str | None = None,
                    project: str = DEFAULT_PROJECT) -> Score:
        """The async twin of Runs.score."""
        return await self._run(_Calls.score(target, name, value, category, source, scale, comment, given_by,
                                            project))

    async def add_finding(self, investigation: Investigation | int, trace_id: str, stance: str, *,
                          relevance: float | None = None, outcome: str = "unknown", confidence: str | None = None,
                          probabilities: tuple[float, float, float] | None = None, evidence: Any = (),
                          run: Run | None = None, project: str = DEFAULT_PROJECT) -> Finding:
        """The async twin of Runs.add_finding."""
        return await self._run(_Calls.finding(investigation, trace_id, stance, relevance, outcome, confidence,
                                              probabilities,
                                              list(evidence) if isinstance(evidence, tuple) else evidence,
                                              run, project))

    async def add_verdict(self, investigation: Investigation | int, verdict: str, findings: Sequence[Finding | int],
                          *, confidence: float | None = None, reasoning: str | None = None,
                          pipeline_version: str | None = None, project: str = DEFAULT_PROJECT) -> Verdict:
        """The async twin of Runs.add_verdict."""
        return await self._run(_Calls.verdict(investigation, verdict, findings, confidence, reasoning,
                                              pipeline_version, project))

    async def metrics(self, name: str, *, project: str = DEFAULT_PROJECT, since: datetime | None = None,
                      until: datetime | None = None, bucket: timedelta | None = None) -> list[VersionMetrics]:
        """The async twin of Runs.metrics."""
        return await self._run(_Calls.metrics(name, project, since, until, bucket))

    async def compare(self, name: str, a: str | int, b: str | int, *, score: str, since: datetime | None = None,
                      project: str = DEFAULT_PROJECT) -> list[Comparison]:
        """The async twin of Runs.compare."""
        return await self._run(_Calls.compare(name, a, b, score, since, project))

    async def similar_investigations(self, query: QueryVector, *, project: str = DEFAULT_PROJECT, limit: int = 5,
                                     user: str | None = None,
                                     embedding_config: int | None = None) -> list[tuple[Investigation, float]]:
        """The async twin of Runs.similar_investigations (a vector, not text)."""
        rows = await self._run(_Calls.similar(self._vectors.vector(query), project, limit, user, embedding_config))
        return [(_row(Investigation, r | {"project": project}), float(r["similarity"])) for r in rows]
