"""The migrations in sql/, applied and rolled back with yoyo under its lock.

yoyo's bookkeeping lives in schema public (urls.YOYO_SCHEMA) for every role: the URLs given to
yoyo carry ?schema=public, as `agent-loggy-db url --yoyo` prints them for DBAs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from psycopg import sql
from yoyo import get_backend, read_migrations
from yoyo.exceptions import LockTimeout
from yoyo.migrations import MigrationList

from agent_loggy_db.errors import MigrationError, translated_errors
from agent_loggy_db.urls import YOYO_SCHEMA, to_yoyo

LOCK_TIMEOUT = 60.0
"""Seconds to wait for another migrator's yoyo lock before giving up."""


@dataclass(frozen=True)
class MigrationState:
    """One migration and when it was applied (None: pending)."""

    id: str
    applied_at: datetime | None
    known: bool = True  # False: applied in the database but absent from this checkout's sql/

    @property
    def applied(self) -> bool:
        return self.applied_at is not None


def sql_dir() -> Path:
    """The directory holding the migrations: packaged in the wheel, or the repository's sql/."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "sql", here.parent / "sql"):
        if candidate.is_dir():
            return candidate
    raise MigrationError(f"no sql/ directory next to {here}: the package is incomplete")


def migration_ids() -> list[str]:
    """Ids of the migrations in sql/, in the order yoyo applies them."""
    return [m.id for m in read_migrations(str(sql_dir()))]


def apply(url: str, *, up_to: str | None = None, lock_timeout: float = LOCK_TIMEOUT) -> list[str]:
    """Apply pending migrations (all, or up to and including `up_to`) under yoyo's lock.

    Returns the ids applied, in order.
    """
    migrations = read_migrations(str(sql_dir()))
    ids = [m.id for m in migrations]
    if up_to is not None and up_to not in ids:
        raise MigrationError(f"unknown migration {up_to!r}: expected one of {', '.join(ids)}")
    wanted = set(ids if up_to is None else ids[: ids.index(up_to) + 1])
    done: list[str] = []
    with _backend(url, ids) as backend, _locked(backend, lock_timeout):
        for migration in backend.to_apply(migrations):
            if migration.id not in wanted:
                break
            _run(backend.apply_migrations, migration, "apply")
            done.append(migration.id)
    return done


def rollback(url: str, *, count: int | None = 1, lock_timeout: float = LOCK_TIMEOUT) -> list[str]:
    """Roll back the last `count` applied migrations (None: all); returns the ids rolled back."""
    if count is not None and count < 1:
        raise MigrationError(f"cannot roll back {count} migrations: expected a count of at least 1")
    migrations = read_migrations(str(sql_dir()))
    done: list[str] = []
    with _backend(url, [m.id for m in migrations]) as backend, _locked(backend, lock_timeout):
        targets = list(backend.to_rollback(migrations))
        for migration in targets if count is None else targets[:count]:
            _run(backend.rollback_migrations, migration, "rollback")
            done.append(migration.id)
    return done


def status(url: str) -> list[MigrationState]:
    """Every migration of sql/ with its applied time, plus applied ones sql/ does not have."""
    migrations = read_migrations(str(sql_dir()))
    with _backend(url, [m.id for m in migrations]) as backend, translated_errors():
        table = backend.migration_table_quoted
        exists = backend.execute(f"SELECT to_regclass('{table}')").fetchone()[0] is not None
        rows = backend.execute(f"SELECT migration_id, applied_at_utc FROM {table}").fetchall() if exists else []
        backend.connection.commit()
    applied: dict[str, datetime] = {row[0]: row[1] for row in rows}
    states = [MigrationState(m.id, applied.get(m.id)) for m in migrations]
    known = {m.id for m in migrations}
    states += [MigrationState(i, t, known=False) for i, t in sorted(applied.items()) if i not in known]
    return states


def pending(url: str) -> list[str]:
    """Ids of the migrations not yet applied."""
    return [s.id for s in status(url) if not s.applied]


def bookkeeping_schemas(url: str) -> dict[str, int]:
    """Every schema holding a yoyo migration table, with how many of sql/'s migrations it records."""
    ids = migration_ids()
    with _backend(url) as backend, translated_errors():
        return _recorded(backend, ids)


@contextmanager
def _backend(url: str, ids: list[str] | None = None) -> Iterator[Any]:
    """yoyo's backend for url (bookkeeping pinned to YOYO_SCHEMA); with ids, refuses to go on when
    those migrations are recorded only in another schema."""
    with translated_errors():
        backend = get_backend(to_yoyo(url))
    try:
        if ids is not None:
            with translated_errors():
                _check_bookkeeping(backend, ids)
        yield backend
    finally:
        backend.connection.close()


def _recorded(backend: Any, ids: list[str]) -> dict[str, int]:
    conn = backend.connection
    schemas = conn.execute(
        "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relname = %s AND c.relkind IN ('r', 'p') AND has_table_privilege(c.oid, 'SELECT') ORDER BY 1",
        (backend.migration_table,),
    ).fetchall()
    found: dict[str, int] = {}
    for (schema,) in schemas:
        query = sql.SQL("SELECT count(*) FROM {}.{} WHERE migration_id = ANY(%s)").format(
            sql.Identifier(schema), sql.Identifier(backend.migration_table))
        found[schema] = int(conn.execute(query, (ids,)).fetchone()[0])
    return found


def _check_bookkeeping(backend: Any, ids: list[str]) -> None:
    """A deployment whose migrations yoyo recorded in another schema (a search_path that put the
    role's own schema first) must not look unmigrated: every migration would run again."""
    found = {schema: n for schema, n in _recorded(backend, ids).items() if n}
    if found and YOYO_SCHEMA not in found:
        where = ", ".join(f"{schema} ({n} recorded)" for schema, n in found.items())
        raise MigrationError(
            f"yoyo's record of these migrations is in schema {where}, not in {YOYO_SCHEMA}, where "
            f"agent_loggy_db and the yoyo URLs it prints keep it for every role; move the tables "
            f"_yoyo_migration, _yoyo_log and _yoyo_version to {YOYO_SCHEMA} (ALTER TABLE ... SET SCHEMA "
            f"{YOYO_SCHEMA}, after dropping empty ones of the same name there) before migrating"
        )


@contextmanager
def _locked(backend: Any, timeout: float) -> Iterator[None]:
    try:
        with backend.lock(timeout=timeout):
            yield
    except LockTimeout as exc:
        raise MigrationError(
            f"another migration holds yoyo's lock ({exc}); if none is running (a migrator crashed), "
            "clear it with `yoyo break-lock` (DATABASE_URL as `agent-loggy-db url --yoyo` prints it)"
        ) from exc


def _run(step: Any, migration: Any, verb: str) -> None:
    try:
        with translated_errors():
            step(MigrationList([migration]))
    except Exception as exc:
        outcome = (
            "its transaction was rolled back"
            if getattr(migration, "use_transactions", True)
            else "it is non-transactional: check what it left behind"
        )
        raise MigrationError(f"{verb} of migration {migration.id} failed ({outcome}): {exc}") from exc
