-- Remove the embedding functions (stored embeddings stay).

DROP FUNCTION agent_loggy.store_embeddings(text, bigint[], text[], vector[], bigint);
DROP FUNCTION agent_loggy.pending_embedding_count(text, text);
DROP FUNCTION agent_loggy.pending_embeddings(text, text, integer, bigint);
DROP FUNCTION agent_loggy.checked_embedding_target(text);
DROP FUNCTION agent_loggy.embedding_input(agent_loggy.prompts);
DROP FUNCTION agent_loggy.embedding_input(agent_loggy.context_rules);
DROP FUNCTION agent_loggy.embedding_input(agent_loggy.documents);
