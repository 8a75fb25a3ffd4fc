"""Regenerate docs/schema.snapshot.sql: the normalised schema of a freshly migrated database.

    python scripts/schema_snapshot.py           # rewrite the snapshot
    python scripts/schema_snapshot.py --check   # exit 1 with a diff when it is out of date

Runs every migration of sql/ on a throw-away embedded server. The snapshot lives in docs/, not
sql/, because yoyo would read any *.sql file in sql/ as a migration.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from agent_loggy_db.schema_snapshot import fresh_snapshot

SNAPSHOT = Path(__file__).resolve().parent.parent / "docs" / "schema.snapshot.sql"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    current = fresh_snapshot()
    if args.check:
        old = SNAPSHOT.read_text() if SNAPSHOT.exists() else ""
        diff = list(difflib.unified_diff(old.splitlines(True), current.splitlines(True), str(SNAPSHOT), "migrated"))
        sys.stdout.writelines(diff)
        return 1 if diff else 0
    SNAPSHOT.write_text(current)
    print(f"wrote {SNAPSHOT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
