"""Regenerate docs/sql-api.md: every SQL function a role may call, from a freshly migrated database's catalog.

    python scripts/sql_api.py           # rewrite the page
    python scripts/sql_api.py --check   # exit 1 with a diff when it is out of date
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import psycopg

from agent_loggy_db import migrations, server
from agent_loggy_db.sql_api import render
from scripts.schema_snapshot import regenerate

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
    return regenerate(PAGE, fresh_page, __doc__)


if __name__ == "__main__":
    sys.exit(main())
