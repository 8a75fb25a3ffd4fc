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
from collections.abc import Callable
from pathlib import Path

from agent_loggy_db.schema_snapshot import fresh_snapshot

SNAPSHOT = Path(__file__).resolve().parent.parent / "docs" / "schema.snapshot.sql"


def regenerate(path: Path, make: Callable[[], str], description: str | None) -> int:
    """The command line of a generated file: rewrite `path` with make(), or with --check print the diff
    and exit 1 when it is out of date."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    current = make()
    if args.check:
        old = path.read_text() if path.exists() else ""
        diff = list(difflib.unified_diff(old.splitlines(True), current.splitlines(True), str(path), "migrated"))
        sys.stdout.writelines(diff)
        return 1 if diff else 0
    path.write_text(current)
    print(f"wrote {path}")
    return 0


def main() -> int:
    return regenerate(SNAPSHOT, fresh_snapshot, __doc__)


if __name__ == "__main__":
    sys.exit(main())
