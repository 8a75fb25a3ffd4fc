"""`agent-loggy-db grant / revoke / grants` (project grants) and `audit verify` (the changelog's hash chain)."""

from __future__ import annotations

import click

from agent_loggy_db import audit, grants
from agent_loggy_db.cli.db import command_pool
from agent_loggy_db.cli.options import audit_options, json_option, required_actor
from agent_loggy_db.cli.output import print_json, say, table, to_plain
from agent_loggy_db.settings import Settings


@click.command("grant")
@click.argument("role")
@click.argument("project")
@click.option("--level", type=click.Choice(grants.LEVELS), default="read", show_default=True,
              help="read: bind, resolve, search; write: also publish, label, import, embed.")
@audit_options
@json_option
def grant(role: str, project: str, level: str, actor: str | None, summary: str | None, as_json: bool) -> None:
    """Let ROLE (a login or a group role) use PROJECT (agent_loggy_admin only)."""
    with command_pool(Settings.from_env()) as pool:
        g = grants.grant(pool, role, project, level, actor=required_actor(actor), summary=summary)
    if as_json:
        print_json(g)
        return
    say(f"{g.grantee} may {g.level} project {g.project}")


@click.command("revoke")
@click.argument("role")
@click.argument("project")
@audit_options
@json_option
def revoke(role: str, project: str, actor: str | None, summary: str | None, as_json: bool) -> None:
    """Take away ROLE's grant for PROJECT (agent_loggy_admin only)."""
    with command_pool(Settings.from_env()) as pool:
        level = grants.revoke(pool, role, project, actor=required_actor(actor), summary=summary)
    if as_json:
        print_json({"role": role, "project": project, "level": level})
        return
    say(f"revoked {role}'s {level} grant for project {project}")


@click.command("grants")
@click.option("--project", "-p", default=None, help="Only this project's grants.")
@json_option
def list_grants(project: str | None, as_json: bool) -> None:
    """The grants you can see: every grant for admin, your own roles' otherwise."""
    with command_pool(Settings.from_env()) as pool:
        rows = grants.list_grants(pool, project)
    if as_json:
        print_json(rows)
        return
    table("Project grants", ["project", "role", "level", "granted by", "granted at (UTC)", "role exists"], [
        (g.project, g.grantee, g.level, g.granted_by, g.granted_at.isoformat(sep=" ", timespec="seconds"),
         "yes" if g.role_exists else "no (grants nothing)") for g in rows])


@click.group("audit")
def audit_group() -> None:
    """The changelog's tamper evidence."""


@audit_group.command("verify")
@click.option("--project", "-p", default=None, help="Only this project's chain (default: every one you can see).")
@click.option("--anchor", "anchors", multiple=True, metavar="PROJECT:SEQ:HASH",
              help="A head printed by an earlier run and kept elsewhere: the chain must still hold it (repeatable).")
@json_option
def verify(project: str | None, anchors: tuple[str, ...], as_json: bool) -> None:
    """Check the changelog's hash chains and triggers; exit 1 naming the first broken row."""
    parsed = tuple(audit.Anchor.parse(a) for a in anchors)
    with command_pool(Settings.from_env()) as pool:
        report = audit.verify(pool, project, parsed)
    if as_json:
        print_json({**to_plain(report), "ok": report.ok})
        if not report.ok:
            raise SystemExit(1)
        return
    table("Changelog chains", ["project", "rows", "head (keep it elsewhere: --anchor)", "status"], [
        (c.project, c.rows_checked, f"{c.project}:{c.head_seq}:{c.head_hash}" if c.head_hash else "",
         "ok" if c.problem is None else
         f"broken at row id {c.first_bad_id} (place {c.first_bad_seq}): {c.problem}" if c.first_bad_id is not None else
         f"broken: {c.problem}")
        for c in report.chains])
    for problem in [*report.trigger_problems, *report.anchor_problems]:
        say(f"fail: {problem}")
    if not report.ok:
        raise SystemExit(1)


COMMANDS = (grant, revoke, list_grants, audit_group)
