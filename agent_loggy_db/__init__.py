"""agent_loggy_db: the PostgreSQL + pgvector database of agent-loggy.

The SQL in sql/ is the API; this package applies it, connects to it and wraps it in typed calls.
"""

from agent_loggy_db.configs import Configs, ContextRule, EmbeddingConfig, ImportResult, ModelConfig, NegateKey
from agent_loggy_db.errors import (
    AgentLoggyError,
    AlreadyExists,
    ConfigurationError,
    ConnectionFailed,
    DatabaseError,
    ImportFailed,
    InvalidInput,
    InvalidLabel,
    MigrationError,
    NotFound,
    PermissionDenied,
    ServerError,
    map_error,
    translated_errors,
)
from agent_loggy_db.pool import bind_transaction, bind_transaction_async, create_async_pool, create_pool
from agent_loggy_db.settings import Settings

__all__ = [
    "AgentLoggyError",
    "AlreadyExists",
    "Configs",
    "ConfigurationError",
    "ConnectionFailed",
    "ContextRule",
    "DatabaseError",
    "EmbeddingConfig",
    "ImportFailed",
    "ImportResult",
    "InvalidInput",
    "InvalidLabel",
    "MigrationError",
    "ModelConfig",
    "NegateKey",
    "NotFound",
    "PermissionDenied",
    "ServerError",
    "Settings",
    "bind_transaction",
    "bind_transaction_async",
    "create_async_pool",
    "create_pool",
    "map_error",
    "translated_errors",
]
