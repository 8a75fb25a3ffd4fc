"""`python -m agent_loggy_db.cli` runs the agent-loggy-db command."""

from agent_loggy_db.cli import main

main()
