"""The committed docs/schema.snapshot.sql is the schema the migrations build: every change is a diff."""

from __future__ import annotations

import difflib
from pathlib import Path

from agent_loggy_db.schema_snapshot import dump_schema, normalise

SNAPSHOT = Path(__file__).resolve().parent.parent / "docs" / "schema.snapshot.sql"


def test_committed_snapshot_matches_the_migrated_schema(db_url: str) -> None:
    current = dump_schema(db_url)
    committed = SNAPSHOT.read_text()
    diff = "".join(difflib.unified_diff(committed.splitlines(True), current.splitlines(True),
                                        "docs/schema.snapshot.sql", "migrated database"))
    assert not diff, (
        "the migrated schema differs from docs/schema.snapshot.sql; if the change is intended, run "
        f"`python scripts/schema_snapshot.py` and commit the result:\n{diff[:6000]}"
    )


def test_snapshot_leaves_out_what_varies_between_runs() -> None:
    text = SNAPSHOT.read_text()
    for needle in ("\\restrict", "\\unrestrict", "Dumped from database version", "Dumped by pg_dump version",
                   "_yoyo_", "yoyo_lock", "OWNER TO"):
        assert needle not in text, needle
    raw = "\\restrict abc\nSET x = 1;\n-- Dumped by pg_dump version 18.6\n\n\n\nCREATE TABLE t ();\n\\unrestrict abc\n"
    assert normalise(raw) == "CREATE TABLE t ();\n"
