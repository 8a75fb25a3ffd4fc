"""A normalised `pg_dump --schema-only` of a migrated database, kept in docs/schema.snapshot.sql.

The committed snapshot makes every schema change a visible diff in review: regenerate it with
`python scripts/schema_snapshot.py` after changing a migration (a test fails until you do).
What varies between servers and runs is left out: pg_dump's version comments, its `\\restrict`
lines and SET preamble, owners, extension comments, and yoyo's own bookkeeping tables.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from agent_loggy_db import migrations, server
from agent_loggy_db.errors import MigrationError
from agent_loggy_db.urls import to_libpq

YOYO_TABLES = ("public._yoyo_*", "public.yoyo_lock")

_DROPPED = re.compile(
    r"^(\\restrict |\\unrestrict |SET |SELECT pg_catalog\.set_config\('search_path'"
    r"|-- Dumped (from database|by pg_dump) version )"
)
_EXTENSION_COMMENT = re.compile(
    r"--\n-- Name: EXTENSION \w+; Type: COMMENT;[^\n]*\n--\n\nCOMMENT ON EXTENSION [^\n]*\n")


def normalise(dump: str) -> str:
    """pg_dump output without the lines that differ between runs and versions, blank runs squeezed."""
    dump = _EXTENSION_COMMENT.sub("", dump)  # who installed pgvector (0001 or an administrator) is no schema change
    lines = [line.rstrip() for line in dump.splitlines() if not _DROPPED.match(line)]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return text.strip("\n") + "\n"


def dump_schema(url: str, *, pg_dump: str | None = None) -> str:
    """The normalised schema of the database at url (any URL form; yoyo's tables left out)."""
    program = pg_dump or str(server.bin_dir() / "pg_dump")
    args = [program, "--schema-only", "--no-owner", "--dbname", to_libpq(url)]
    for pattern in YOYO_TABLES:
        args += ["--exclude-table", pattern]
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise MigrationError(f"pg_dump failed: {result.stderr.strip()}")
    return normalise(result.stdout)


def fresh_snapshot() -> str:
    """Apply every migration to a new database on a throw-away embedded server and dump it."""
    data_dir = Path(tempfile.mkdtemp(prefix="alsnap-"))
    try:
        info = server.start(data_dir)
        migrations.apply(info.url)
        return dump_schema(info.url)
    finally:
        server.stop(data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)
