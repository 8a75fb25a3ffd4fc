-- Remove the document loading functions (loaded documents stay in the table).

DROP FUNCTION agent_loggy.load_staged_documents(text, text, bigint, boolean);
DROP FUNCTION agent_loggy.check_document_target(text, text);
DROP FUNCTION agent_loggy.staged_document_problems(integer);
DROP FUNCTION agent_loggy.stage_documents();
