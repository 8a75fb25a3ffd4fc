"""Importers of config files into the database; each writes one file in one transaction."""

from agent_loggy_db.importers.csv import (
    CONTEXT_RULES,
    FORMATS,
    NEGATE_KEYS,
    CsvFormat,
    import_rows,
    read_rows,
)

__all__ = ["CONTEXT_RULES", "FORMATS", "NEGATE_KEYS", "CsvFormat", "import_rows", "read_rows"]
