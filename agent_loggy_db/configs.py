"""The current configs: model and embedding configs, context rules, Loki exclusions.

Each read is one SELECT from an agent_loggy.current_* view (the highest active version per
natural key) or one call of agent_loggy.loki_negations(). The project name is checked by
agent_loggy.checked_project() in the same statement, so a misspelt project is an error, not an
empty list.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, TypeVar

import psycopg
from psycopg import sql
from psycopg.rows import kwargs_row
from psycopg_pool import ConnectionPool

from agent_loggy_db.errors import translated_errors
from agent_loggy_db.pool import bound_transaction, read_on_replicas

DEFAULT_PROJECT = "default"

Conn = psycopg.Connection[Any]
T = TypeVar("T")


@dataclass(frozen=True)
class ModelConfig:
    """The current version of a model config (agent_loggy.current_model_configs)."""

    id: int
    project: str
    name: str
    version: int
    model_provider: str
    model_name: str
    parameters: Mapping[str, Any]
    labels: tuple[str, ...]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class EmbeddingConfig:
    """The current version of an embedding config (agent_loggy.current_embedding_configs)."""

    id: int
    project: str
    name: str
    version: int
    embedding_model: str
    dimensions: int
    chunk_size: int
    chunk_overlap: int
    chunking_strategy: str
    parameters: Mapping[str, Any]
    created_at: datetime
    updated_at: datetime
    distance: str = "cosine"


@dataclass(frozen=True)
class ContextRule:
    """The current version of a context rule (agent_loggy.current_context_rules), without its embedding."""

    id: int
    project: str
    context: str
    version: int
    important: str | None
    ignore: str | None
    description: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class NegateKey:
    """A Loki exclusion in force (agent_loggy.current_negate_keys); value is unescaped."""

    id: int
    project: str
    label: str
    operator: str
    value: str
    version: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ImportResult:
    """What an import did (agent_loggy.import_summary).

    created: keys seen for the first time; updated: new versions of known keys; unchanged: rows
    identical to the current version; deactivated: active rows whose key was absent from the file.
    """

    created: int
    updated: int
    unchanged: int
    deactivated: int


Row = TypeVar("Row", ModelConfig, EmbeddingConfig, ContextRule, NegateKey)

_VIEWS: dict[type[Any], tuple[str, tuple[str, ...]]] = {
    ModelConfig: ("current_model_configs", ("name",)),
    EmbeddingConfig: ("current_embedding_configs", ("name",)),
    ContextRule: ("current_context_rules", ("context",)),
    NegateKey: ("current_negate_keys", ("label", "operator", "value")),
}
"""Row type -> (view, natural key); rows come back sorted bytewise by the natural key."""


def _current_query(cls: type[Any]) -> sql.Composed:
    """SELECT the fields of cls from its view for one project, checked, sorted by natural key."""
    view, key = _VIEWS[cls]
    return sql.SQL(
        "SELECT {columns} FROM agent_loggy.{view}"
        " WHERE project = %(project)s AND agent_loggy.checked_project(%(project)s::text) IS NOT NULL"
        " ORDER BY {order}"
    ).format(
        columns=sql.SQL(", ").join(sql.Identifier(f.name) for f in fields(cls)),
        view=sql.Identifier(view),
        order=sql.SQL(", ").join(sql.SQL("{} COLLATE \"C\"").format(sql.Identifier(k)) for k in key),
    )


class Configs:
    """Reads the current configs of a project through a pool.

    Every method runs one transaction (a savepoint of it when conn= passes a transaction the
    caller holds; without conn= on a connection borrowed from the pool) whose first statement
    binds the project.
    """

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def model_configs(self, project: str = DEFAULT_PROJECT, *, conn: Conn | None = None) -> list[ModelConfig]:
        """Current model configs, sorted by name."""
        return self._current(ModelConfig, project, conn)

    def embedding_configs(self, project: str = DEFAULT_PROJECT, *, conn: Conn | None = None) -> list[EmbeddingConfig]:
        """Current embedding configs, sorted by name."""
        return self._current(EmbeddingConfig, project, conn)

    def context_rules(self, project: str = DEFAULT_PROJECT, *, conn: Conn | None = None) -> list[ContextRule]:
        """Current context rules, sorted by context."""
        return self._current(ContextRule, project, conn)

    def negate_keys(self, project: str = DEFAULT_PROJECT, *, conn: Conn | None = None) -> list[NegateKey]:
        """Loki exclusions in force, sorted by label, operator, value."""
        return self._current(NegateKey, project, conn)

    def loki_negations(self, project: str = DEFAULT_PROJECT, *, conn: Conn | None = None) -> str:
        """The exclusions as a LogQL matcher list (e.g. service!="healthcheck"); '' when none."""
        def read(c: Conn) -> str:
            row = c.execute("SELECT agent_loggy.loki_negations(%s::text)", (project,)).fetchone()
            return str(row[0]) if row else ""
        return self._read(conn, project, read)

    def _current(self, cls: type[Row], project: str, conn: Conn | None) -> list[Row]:
        def read(c: Conn) -> list[Row]:
            rows: list[Row] = c.cursor(row_factory=kwargs_row(_builder(cls))).execute(
                _current_query(cls), {"project": project}).fetchall()
            return rows
        return self._read(conn, project, read)

    def _read(self, conn: Conn | None, project: str, read: Callable[[Conn], T]) -> T:
        """read() in a transaction (a savepoint of the caller's conn) whose first statement binds `project`;
        without conn, on a connection of the pool's replicas (read_on_replicas) or of the pool."""
        def on(c: Conn) -> T:
            with translated_errors(), bound_transaction(c, project=project):
                return read(c)
        if conn is not None:
            return on(conn)

        def borrowed(pool: ConnectionPool) -> T:
            with pool.connection() as pooled:
                return on(pooled)
        return read_on_replicas(self.pool, borrowed)


def _builder(cls: type[Row]) -> Callable[..., Row]:
    """Row constructor: SQL arrays (lists) become tuples, so the frozen rows hold no lists."""

    def build(**values: Any) -> Row:
        frozen: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
        return cls(**frozen)

    return build
