"""Importers into the database; each writes one file (or store) in one transaction.

csv: context rules and negate keys (loki_regex: the RE2 check of their regexes); documents: JSONL
documents through binary COPY; faiss: LangChain FAISS stores read into records (it needs the
"faiss" extra only when called); values: the checks every imported value passes before it
reaches COPY.
"""

from agent_loggy_db.importers.csv import (
    CONTEXT_RULES,
    FORMATS,
    NEGATE_KEYS,
    CsvFile,
    CsvFormat,
    import_file,
    import_rows,
    read_file,
    read_rows,
)
from agent_loggy_db.importers.faiss import FaissRecord, FaissStore, normalised, read_langchain_faiss

__all__ = [
    "CONTEXT_RULES",
    "FORMATS",
    "NEGATE_KEYS",
    "CsvFile",
    "CsvFormat",
    "FaissRecord",
    "FaissStore",
    "import_file",
    "import_rows",
    "normalised",
    "read_file",
    "read_langchain_faiss",
    "read_rows",
]
