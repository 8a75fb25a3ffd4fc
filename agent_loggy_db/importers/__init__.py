"""Importers of config files into the database; each writes one file in one transaction.

faiss reads LangChain FAISS stores into records (it needs the "faiss" extra only when called).
"""

from agent_loggy_db.importers.csv import (
    CONTEXT_RULES,
    FORMATS,
    NEGATE_KEYS,
    CsvFormat,
    import_rows,
    read_rows,
)
from agent_loggy_db.importers.faiss import FaissRecord, FaissStore, normalised, read_langchain_faiss

__all__ = [
    "CONTEXT_RULES",
    "FORMATS",
    "NEGATE_KEYS",
    "CsvFormat",
    "FaissRecord",
    "FaissStore",
    "import_rows",
    "normalised",
    "read_langchain_faiss",
    "read_rows",
]
