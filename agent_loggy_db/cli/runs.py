"""`agent-loggy-db runs list / show / partitions / retire`, `prompt metrics / compare / promote / plot` and
`promotion policy set / show / remove`: what agents recorded, per-version quality, promotions under policy.

Every command that prints data takes --json: one JSON document (times ISO 8601, intervals in seconds).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from agent_loggy_db.cli.completion import prompt_name_argument
from agent_loggy_db.cli.db import command_pool
from agent_loggy_db.cli.options import audit_options, json_option, project_option, required_actor
from agent_loggy_db.cli.output import print_json, say, table, to_plain
from agent_loggy_db.cli.prompt import prompt
from agent_loggy_db.errors import ConfigurationError, MissingDependency
from agent_loggy_db.runs import Comparison, Runs, VersionMetrics
from agent_loggy_db.settings import Settings

BUCKETS = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(weeks=1)}
def _since(value: datetime | None, days: int | None) -> datetime | None:
    if value is not None and days is not None:
        raise click.UsageError("give --since or --days, not both")
    if days is not None:
        return datetime.now(UTC) - timedelta(days=days)
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _fmt(value: float | None, digits: int = 3) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _runs_pool() -> Any:
    return command_pool(Settings.from_env())


# runs ------------------------------------------------------------------------------------------------------------


@click.group("runs")
def runs_group() -> None:
    """What agents recorded: runs, and (admins) their partitions and retention."""


@runs_group.command("list")
@project_option
@click.option("--prompt", "prompt_name", default=None, help="Only runs of this prompt.")
@click.option("--investigation", type=int, default=None, help="Only runs of this investigation id.")
@click.option("--limit", type=click.IntRange(1, 10000), default=50, show_default=True)
@json_option
def list_runs(project: str, prompt_name: str | None, investigation: int | None, limit: int, as_json: bool) -> None:
    """The latest runs of a project, newest first."""
    with _runs_pool() as pool:
        rows = Runs(pool).list_runs(project=project, prompt=prompt_name, investigation=investigation, limit=limit)
    if as_json:
        print_json(rows)
        return
    table(f"Runs of project {project}", ["id", "started (UTC)", "prompt", "version", "label", "status", "valid",
                                         "latency ms", "tokens in/out", "investigation"], [
        (r.id, r.started_at.astimezone(UTC).isoformat(sep=" ", timespec="seconds"), r.prompt_name, r.prompt_version,
         r.label, r.status, "" if r.output_valid is None else ("yes" if r.output_valid else "no"),
         _fmt(r.latency_ms, 1), f"{r.input_tokens or ''}/{r.output_tokens or ''}", r.investigation_id)
        for r in rows])


@runs_group.command("show")
@click.argument("run_id", type=int)
@project_option
@json_option
def show_run(run_id: int, project: str, as_json: bool) -> None:
    """One run in full, with its scores."""
    with _runs_pool() as pool:
        runs = Runs(pool)
        run = runs.get_run(run_id, project=project)
        scores = runs.scores_of(run)
    if as_json:
        print_json({"run": run, "scores": scores})
        return
    fields = to_plain(run)
    table(f"Run {run.id}", ["field", "value"], [
        (k, json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v) for k, v in fields.items()])
    table("Scores", ["name", "value", "scale", "category", "source", "given by", "comment"], [
        (s.name, _fmt(s.value), "" if s.scale_min is None else f"{s.scale_min:g}-{s.scale_max:g}", s.category,
         s.source, s.given_by, s.comment) for s in scores])


@runs_group.command("partitions")
@click.option("--ahead", type=click.IntRange(0, 120), default=12, show_default=True, help="Months ahead to add.")
@json_option
def partitions(ahead: int, as_json: bool) -> None:
    """Add the monthly partitions of runs up to AHEAD months from now (agent_loggy_admin only)."""
    now = datetime.now(UTC)
    with _runs_pool() as pool, pool.connection() as conn:
        row = conn.execute("SELECT agent_loggy.ensure_run_partitions(%s, %s)",
                           (now, now + timedelta(days=31 * ahead))).fetchone()
    made = list(row[0]) if row else []
    if as_json:
        print_json({"added": made})
        return
    say(f"added {', '.join(made)}" if made else "every month has its partition already")


@runs_group.command("retire")
@click.option("--before", type=click.DateTime(["%Y-%m-%d"]), required=True,
              help="Retire the runs that started before this day (UTC).")
@click.option("--detach-only", is_flag=True, help="Keep the retired months as tables of their own (for archiving).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@json_option
def retire(before: datetime, detach_only: bool, yes: bool, as_json: bool) -> None:
    """Retire old runs with their scores: whole months are detached (and dropped), the rest deleted (admin only)."""
    if not yes:
        click.confirm(f"retire every run that started before {before:%Y-%m-%d} (UTC)?", abort=True, err=True)
    with _runs_pool() as pool, pool.connection() as conn:
        row = conn.execute("SELECT agent_loggy.drop_runs_before(%s, %s)",
                           (before.replace(tzinfo=UTC), detach_only)).fetchone()
    done = list(row[0]) if row else []
    if as_json:
        print_json({"retired": done})
        return
    say(f"retired {', '.join(done)}" if done else "nothing to retire")


# prompt metrics / compare / promote / plot -------------------------------------------------------------------------


def _metric_rows(rows: Sequence[VersionMetrics], score_names: Sequence[str]) -> list[tuple[Any, ...]]:
    return [(m.version, "" if m.bucket is None else m.bucket.astimezone(UTC).strftime("%Y-%m-%d %H:%M"), m.runs,
             _fmt(m.error_rate), _fmt(m.valid_rate), _fmt(m.latency_p50_ms, 1), _fmt(m.latency_p95_ms, 1),
             m.input_tokens, m.output_tokens, "" if m.cost is None else f"{m.cost:.4f}",
             *(_score_cell(m, name) for name in score_names)) for m in rows]


def _score_cell(m: VersionMetrics, name: str) -> str:
    s = m.scores.get(name)
    return "" if s is None else f"{s['mean']:.2f} (n={s['count']:g}, p50 {s['p50']:.2f})"


@prompt.command("metrics")
@prompt_name_argument
@project_option
@click.option("--since", type=click.DateTime(), default=None, help="Runs that started at or after (UTC).")
@click.option("--days", type=click.IntRange(1, 3660), default=None, help="Runs of the last DAYS days.")
@click.option("--until", type=click.DateTime(), default=None, help="Runs that started before (UTC).")
@click.option("--by", "bucket", type=click.Choice(sorted(BUCKETS)), default=None,
              help="One row per version and hour, day or week.")
@json_option
def metrics(name: str, project: str, since: datetime | None, days: int | None, until: datetime | None,
            bucket: str | None, as_json: bool) -> None:
    """Per-version quality of prompt NAME: runs, error and valid-output rates, latency, tokens, cost, scores."""
    with _runs_pool() as pool:
        rows = Runs(pool).metrics(name, project=project, since=_since(since, days), until=_since(until, None),
                                  bucket=BUCKETS[bucket] if bucket else None)
    if as_json:
        print_json(rows)
        return
    names = sorted({n for m in rows for n in m.scores})
    table(f"Prompt {name} in project {project}", ["version", "bucket", "runs", "error rate", "valid rate",
                                                  "p50 ms", "p95 ms", "tokens in", "tokens out", "cost",
                                                  *names], _metric_rows(rows, names))


@prompt.command("compare")
@prompt_name_argument
@click.argument("a")
@click.argument("b")
@click.option("--score", "-s", required=True, help="The run score to compare (e.g. relevance).")
@project_option
@click.option("--since", type=click.DateTime(), default=None, help="Runs that started at or after (UTC).")
@click.option("--days", type=click.IntRange(1, 3660), default=None, help="Runs of the last DAYS days.")
@json_option
def compare(name: str, a: str, b: str, score: str, project: str, since: datetime | None, days: int | None,
            as_json: bool) -> None:
    """Versions (or labels) A and B of prompt NAME side by side: B - A with its 95% interval."""
    with _runs_pool() as pool:
        rows = Runs(pool).compare(name, a, b, score=score, since=_since(since, days), project=project)
    if as_json:
        print_json([{**to_plain(c), "significant": c.significant} for c in rows])
        return
    table(f"{name}: {a} (version {rows[0].version_a}) against {b} (version {rows[0].version_b})",
          ["metric", "n a", "n b", "a", "b", "b - a", "95% interval", "tells apart", "method"],
          [_comparison_row(c) for c in rows])


def _comparison_row(c: Comparison) -> tuple[Any, ...]:
    interval = "" if c.ci_low is None or c.ci_high is None else f"[{c.ci_low:.3f}, {c.ci_high:.3f}]"
    return (c.metric, c.n_a, c.n_b, _fmt(c.value_a), _fmt(c.value_b), _fmt(c.difference), interval,
            "yes" if c.significant else "no", c.method)


@prompt.command("promote")
@prompt_name_argument
@click.argument("version", type=int)
@click.argument("label")
@project_option
@click.option("--override", "override_reason", default=None, metavar="REASON",
              help="Admins: move the label although the promotion policy refuses it; REASON goes to the changelog.")
@audit_options
@json_option
def promote(name: str, version: int, label: str, project: str, override_reason: str | None, actor: str | None,
            summary: str | None, as_json: bool) -> None:
    """Move LABEL to VERSION of NAME under the label's promotion policy."""
    with _runs_pool() as pool:
        p = Runs(pool).promote(name, version, label, actor=required_actor(actor), project=project,
                               override_reason=override_reason)
    if as_json:
        print_json(p)
        return
    say(f"{label} -> {p.name} v{p.version}" + (" (policy overridden)" if override_reason else ""))


@prompt.command("plot")
@prompt_name_argument
@click.option("--score", "-s", default=None, help="Plot this run score's mean (default: the valid-output rate).")
@project_option
@click.option("--days", type=click.IntRange(1, 3660), default=30, show_default=True)
@click.option("--by", "bucket", type=click.Choice(sorted(BUCKETS)), default="day", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True, help="PNG file.")
def plot(name: str, score: str | None, project: str, days: int, bucket: str, output: Path) -> None:
    """A PNG of prompt NAME's quality over time, one line per version (extra plot)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise MissingDependency("prompt plot needs matplotlib", extra="plot") from exc
    with _runs_pool() as pool:
        rows = Runs(pool).metrics(name, project=project, since=datetime.now(UTC) - timedelta(days=days),
                                  bucket=BUCKETS[bucket])
    if not rows:
        raise ConfigurationError(f"prompt {name!r} has no runs in project {project!r} in the last {days} days")
    figure, axes = plt.subplots(figsize=(9, 4.5))
    for version in sorted({m.version for m in rows}):
        points = [(m.bucket, value) for m in rows
                  if m.version == version and m.bucket is not None and (value := _plotted(m, score)) is not None]
        axes.plot([t for t, _ in points], [v for _, v in points], marker="o",  # type: ignore[arg-type]
                  label=f"version {version}")
    axes.set_title(f"{name} ({project}): {'mean ' + score if score else 'valid-output rate'} per {bucket}")
    axes.set_ylabel(score or "valid-output rate")
    axes.legend()
    figure.autofmt_xdate()
    figure.savefig(output, dpi=100)
    plt.close(figure)
    say(f"wrote {output}")


def _plotted(m: VersionMetrics, score: str | None) -> float | None:
    if score is None:
        return m.valid_rate
    summary = m.scores.get(score)
    return None if summary is None else float(summary["mean"])


# promotion policy ---------------------------------------------------------------------------------------------------


@click.group("promotion")
def promotion_group() -> None:
    """Promotion policies: what a version must show before a label moves onto it."""


@promotion_group.group("policy")
def policy_group() -> None:
    """Set, show or remove the policy of a label."""


@policy_group.command("set")
@click.argument("label")
@project_option
@click.option("--min-runs", type=click.IntRange(0), default=0, show_default=True)
@click.option("--max-error-rate", type=click.FloatRange(0, 1), default=None)
@click.option("--min-valid-rate", type=click.FloatRange(0, 1), default=None)
@click.option("--score", default=None, help="Run score the candidate must hold against the label's current version.")
@click.option("--tolerance", type=click.FloatRange(0), default=None,
              help="How far below the holder's mean (default 0).")
@click.option("--window-days", type=click.IntRange(1, 3650), default=30, show_default=True)
@audit_options
@json_option
def set_policy(label: str, project: str, min_runs: int, max_error_rate: float | None, min_valid_rate: float | None,
               score: str | None, tolerance: float | None, window_days: int, actor: str | None,
               summary: str | None, as_json: bool) -> None:
    """Set the promotion policy of LABEL (agent_loggy_admin only)."""
    with _runs_pool() as pool:
        p = Runs(pool).set_policy(label, project=project, min_runs=min_runs, max_error_rate=max_error_rate,
                                  min_valid_rate=min_valid_rate, score=score, tolerance=tolerance,
                                  window=timedelta(days=window_days), actor=required_actor(actor))
    if as_json:
        print_json(p)
        return
    say(f"policy of {p.label} in {p.project} set")


@policy_group.command("show")
@project_option
@json_option
def show_policies(project: str, as_json: bool) -> None:
    """The promotion policies of a project."""
    with _runs_pool() as pool:
        rows = Runs(pool).policies(project=project)
    if as_json:
        print_json(rows)
        return
    table(f"Promotion policies of project {project}", ["label", "min runs", "max error rate", "min valid rate",
                                                       "score", "tolerance", "window (days)", "set by", "set at"], [
        (p.label, p.min_runs, p.max_error_rate, p.min_valid_rate, p.score_name, p.score_tolerance,
         f"{p.window_length.total_seconds() / 86400:g}", p.updated_by,
         p.updated_at.astimezone(UTC).isoformat(sep=" ", timespec="seconds")) for p in rows])


@policy_group.command("remove")
@click.argument("label")
@project_option
@json_option
def remove_policy(label: str, project: str, as_json: bool) -> None:
    """Remove the promotion policy of LABEL (agent_loggy_admin only)."""
    with _runs_pool() as pool, pool.connection() as conn:
        row = conn.execute("SELECT agent_loggy.remove_promotion_policy(%s, %s)", (label, project)).fetchone()
    if as_json:
        print_json({"label": label, "project": project, "removed": bool(row and row[0])})
        return
    say(f"removed the policy of {label}" if row and row[0] else f"{label} had no policy in {project}")


COMMANDS = (runs_group, promotion_group)
