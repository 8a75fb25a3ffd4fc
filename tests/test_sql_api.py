"""docs/sql-api.md is the catalog's: every function a group role may call, with its signature, result,
role and comment; regenerate with `python scripts/sql_api.py`."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import psycopg

from agent_loggy_db.sql_api import render

PAGE = Path(__file__).resolve().parent.parent / "docs" / "sql-api.md"


def test_committed_page_matches_the_migrated_catalog(conn: psycopg.Connection[Any]) -> None:
    current = render(conn)
    diff = "".join(difflib.unified_diff(PAGE.read_text().splitlines(True), current.splitlines(True),
                                        "docs/sql-api.md", "migrated database"))
    assert not diff, f"run `python scripts/sql_api.py` and commit docs/sql-api.md:\n{diff[:4000]}"


def test_the_page_lists_what_agents_call_and_leaves_out_the_owners_helpers() -> None:
    page = PAGE.read_text()
    assert "## resolve_prompt\n" in page and "## similar_investigations\n" in page
    assert "agent_loggy.search_documents(p_query vector, p_project text DEFAULT 'default'::text" in page
    assert "Role: `agent_loggy_admin`." in page and "Role: `agent_loggy_writer`." in page
    for helper in ("guard_record", "storable_embedding_config", "write_changelog"):
        assert f"## {helper}\n" not in page, helper
    assert "(no comment)" not in page, "every function an agent may call says what it does (COMMENT ON)"
