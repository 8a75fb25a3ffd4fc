-- Remove the search functions (the tables and their indexes belong to 0002 and 0008).

DROP PROCEDURE agent_loggy.use_vector_schema(regprocedure);
DROP FUNCTION agent_loggy.search_prompts(vector, text, integer);
DROP FUNCTION agent_loggy.nearest_prompt_ids(vector, text, integer);
DROP FUNCTION agent_loggy.hybrid_search_context_rules(text, vector, text, integer);
DROP FUNCTION agent_loggy.search_context_rules(vector, text, integer);
DROP FUNCTION agent_loggy.nearest_context_rule_ids(vector, text, integer);
DROP FUNCTION agent_loggy.is_current_context_rule(bigint);
DROP FUNCTION agent_loggy.hybrid_search_documents(text, vector, text, integer, text[], double precision, double precision, integer);
DROP FUNCTION agent_loggy.keyword_search_documents(text, text, integer, text[]);
DROP FUNCTION agent_loggy.search_documents(vector, text, integer, text[]);
DROP FUNCTION agent_loggy.keyword_document_ids(text, text, integer, text[]);
DROP FUNCTION agent_loggy.nearest_document_ids(vector, text, integer, text[]);
DROP FUNCTION agent_loggy.checked_fusion(text, vector, double precision, double precision, integer);
DROP FUNCTION agent_loggy.rrf_fuse(bigint[], bigint[], double precision, double precision, integer);
DROP FUNCTION agent_loggy.rrf_candidates(integer, integer);
DROP FUNCTION agent_loggy.checked_query_text(text);
DROP FUNCTION agent_loggy.keyword_query(text);
DROP FUNCTION agent_loggy.checked_tags(text[]);
DROP FUNCTION agent_loggy.checked_limit(integer);
DROP FUNCTION agent_loggy.checked_query_vector(vector);
