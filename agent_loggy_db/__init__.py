"""agent_loggy_db: the PostgreSQL + pgvector database of agent-loggy.

The SQL in sql/ is the API; this package applies it, connects to it and wraps it in typed calls.
"""

from agent_loggy_db.configs import Configs, ContextRule, EmbeddingConfig, ImportResult, ModelConfig, NegateKey
from agent_loggy_db.embedding import Embedder, MiniLMEmbedder, load_embedder
from agent_loggy_db.errors import (
    AgentLoggyError,
    AlreadyExists,
    ConfigurationError,
    ConnectionFailed,
    DatabaseError,
    EmbedderUnavailable,
    ImportFailed,
    InvalidInput,
    InvalidLabel,
    MigrationError,
    MissingDependency,
    MissingVariables,
    NotFound,
    PermissionDenied,
    PromptNotFound,
    ServerError,
    UnexpectedVariables,
    UnsafePickle,
    map_error,
    translated_errors,
)
from agent_loggy_db.models import ImportSummary, LabelMove, Prompt, PromptDiff, PromptSummary
from agent_loggy_db.pool import (
    bind_transaction,
    bind_transaction_async,
    bound_transaction,
    create_async_pool,
    create_pool,
    pipelined_transaction,
    pipelined_transaction_async,
)
from agent_loggy_db.prompts import AsyncPromptRegistry, PromptRegistry
from agent_loggy_db.rendering import render, template_variables
from agent_loggy_db.settings import Settings

__all__ = [
    "AgentLoggyError",
    "AlreadyExists",
    "AsyncPromptRegistry",
    "Configs",
    "ConfigurationError",
    "ConnectionFailed",
    "ContextRule",
    "DatabaseError",
    "Embedder",
    "EmbedderUnavailable",
    "EmbeddingConfig",
    "ImportFailed",
    "ImportResult",
    "ImportSummary",
    "InvalidInput",
    "InvalidLabel",
    "LabelMove",
    "MigrationError",
    "MiniLMEmbedder",
    "MissingDependency",
    "MissingVariables",
    "ModelConfig",
    "NegateKey",
    "NotFound",
    "PermissionDenied",
    "Prompt",
    "PromptDiff",
    "PromptNotFound",
    "PromptRegistry",
    "PromptSummary",
    "ServerError",
    "Settings",
    "UnexpectedVariables",
    "UnsafePickle",
    "bind_transaction",
    "bind_transaction_async",
    "bound_transaction",
    "create_async_pool",
    "create_pool",
    "load_embedder",
    "map_error",
    "pipelined_transaction",
    "pipelined_transaction_async",
    "render",
    "template_variables",
    "translated_errors",
]
