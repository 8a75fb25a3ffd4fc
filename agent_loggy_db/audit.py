"""The changelog's hash chain: verify it (agent_loggy.verify_changelog) and check recorded anchors.

Each project's changelog rows form a chain of sha256 hashes (migration 0016). verify() reports per
project the rows checked, the head (place and hash) and the first broken row; it also names any of
the changelog's triggers that are disabled. An anchor is a head recorded elsewhere earlier
("project:seq:hash"): check_anchor() proves the chain still holds that row with that hash, which
catches even an owner who recomputed the whole chain after editing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from agent_loggy_db.errors import ConfigurationError, translated_errors


@dataclass(frozen=True)
class ChainStatus:
    """One project's chain: intact when problem is None."""

    project: str
    rows_checked: int
    head_seq: int | None
    head_hash: str | None
    first_bad_id: int | None = None
    first_bad_seq: int | None = None
    problem: str | None = None


@dataclass(frozen=True)
class Anchor:
    """A chain position recorded elsewhere: the row at place `seq` of `project` had hash `hash` (hex)."""

    project: str
    seq: int
    hash: str

    @classmethod
    def parse(cls, text: str) -> Anchor:
        """PROJECT:SEQ:HASH, as `audit verify` prints heads."""
        project, sep1, rest = text.partition(":")
        seq, sep2, digest = rest.partition(":")
        if not (sep1 and sep2 and project and seq.isdigit() and len(digest) == 64
                and all(c in "0123456789abcdef" for c in digest.lower())):
            raise ConfigurationError(f"invalid anchor {text!r}: expected PROJECT:SEQ:HASH with a 64-digit hex sha256")
        return cls(project, int(seq), digest.lower())

    def __str__(self) -> str:
        return f"{self.project}:{self.seq}:{self.hash}"


@dataclass(frozen=True)
class AuditReport:
    """verify()'s answer: every visible chain, the disabled changelog triggers, the anchors that failed."""

    chains: list[ChainStatus]
    trigger_problems: list[str]
    anchor_problems: list[str]

    @property
    def ok(self) -> bool:
        return not (self.trigger_problems or self.anchor_problems or any(c.problem for c in self.chains))


_ANCHOR = """
SELECT a.n, c.row_hash IS NULL AS missing, encode(c.row_hash, 'hex') AS found
FROM unnest(%(projects)s::text[], %(seqs)s::bigint[]) WITH ORDINALITY AS a (project, seq, n)
LEFT JOIN agent_loggy.config_changelog AS c ON c.project = a.project AND c.chain_seq = a.seq
ORDER BY a.n
"""


def verify(pool: ConnectionPool, project: str | None = None, anchors: tuple[Anchor, ...] = ()) -> AuditReport:
    """Check every chain the caller can see (or one project's), the changelog triggers and `anchors`."""
    with translated_errors(), pool.connection() as conn:
        return check(conn, project, anchors)


def check(conn: psycopg.Connection[Any], project: str | None = None, anchors: tuple[Anchor, ...] = ()) -> AuditReport:
    """verify() on a connection of the caller's (one read-only transaction, left to the caller to end)."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute("SELECT * FROM agent_loggy.verify_changelog(%s::text)", (project,))
        chains = [ChainStatus(**row) for row in cur.fetchall()]
        cur.execute("SELECT agent_loggy.changelog_trigger_problems() AS problems")
        row = cur.fetchone()
        triggers = list(row["problems"]) if row else []
        anchor_problems: list[str] = []
        if anchors:
            cur.execute(_ANCHOR, {"projects": [a.project for a in anchors], "seqs": [a.seq for a in anchors]})
            for found in cur.fetchall():
                anchor = anchors[found["n"] - 1]
                if found["missing"]:
                    anchor_problems.append(f"anchor {anchor}: the chain has no row at place {anchor.seq} any more")
                elif found["found"] != anchor.hash:
                    anchor_problems.append(f"anchor {anchor}: the row at place {anchor.seq} now hashes to "
                                           f"{found['found']}: the chain was rewritten")
    return AuditReport(chains, triggers, anchor_problems)
