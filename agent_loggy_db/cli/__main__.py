"""`python -m agent_loggy_db.cli` runs the agent-loggy-db command (shell completion through the same
variable, _AGENT_LOGGY_DB_COMPLETE)."""

from agent_loggy_db.cli import main

main(complete_var="_AGENT_LOGGY_DB_COMPLETE")
