"""Regenerate docs/sql-api.md: every SQL function a role may call, from a freshly migrated database's catalog.

    python scripts/sql_api.py           # rewrite the page
    python scripts/sql_api.py --check   # exit 1 with a diff when it is out of date
"""

from __future__ import annotations

import argparse
import difflib
import shutil
import sys
import tempfile
from pathlib import Path

import psycopg

from agent_loggy_db import migrations, server
from agent_loggy_db.sql_api import render

PAGE = Path(__file__).resolve().parent.parent / "docs" / "sql-api.md"


def fresh_page() -> str:
    data_dir = Path(tempfile.mkdtemp(prefix="alapi-"))
    try:
        info = server.start(data_dir)
        migrations.apply(info.url)
        with psycopg.connect(info.url) as conn:
            return render(conn)
    finally:
        server.stop(data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    current = fresh_page()
    if args.check:
        old = PAGE.read_text() if PAGE.exists() else ""
        diff = list(difflib.unified_diff(old.splitlines(True), current.splitlines(True), str(PAGE), "migrated"))
        sys.stdout.writelines(diff)
        return 1 if diff else 0
    PAGE.write_text(current)
    print(f"wrote {PAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
