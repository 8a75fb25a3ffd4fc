"""The migrations in sql/, applied and rolled back with yoyo under its lock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from yoyo import get_backend, read_migrations
from yoyo.exceptions import LockTimeout
from yoyo.migrations import MigrationList

from agent_loggy_db.errors import MigrationError, translated_errors
from agent_loggy_db.urls import to_yoyo

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
    with _backend(url) as backend, _locked(backend, lock_timeout):
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
    with _backend(url) as backend, _locked(backend, lock_timeout):
        targets = list(backend.to_rollback(migrations))
        for migration in targets if count is None else targets[:count]:
            _run(backend.rollback_migrations, migration, "rollback")
            done.append(migration.id)
    return done


def status(url: str) -> list[MigrationState]:
    """Every migration of sql/ with its applied time, plus applied ones sql/ does not have."""
    migrations = read_migrations(str(sql_dir()))
    with _backend(url) as backend, translated_errors():
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


@contextmanager
def _backend(url: str) -> Iterator[Any]:
    with translated_errors():
        backend = get_backend(to_yoyo(url))
    try:
        yield backend
    finally:
        backend.connection.close()


@contextmanager
def _locked(backend: Any, timeout: float) -> Iterator[None]:
    try:
        with backend.lock(timeout=timeout):
            yield
    except LockTimeout as exc:
        raise MigrationError(
            f"another migration holds the lock ({exc}); if none is running, clear it with "
            "`yoyo break-lock`"
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
