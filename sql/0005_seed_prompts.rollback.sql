-- Remove the seeded prompt versions (version 1 of the five seeded names in project default,
-- created by 'migration'); versions published later are left alone. The changelog records
-- the deletions as made by 'migration'.

SET LOCAL agent_loggy.actor = 'migration';
SET LOCAL agent_loggy.change_summary = 'seed rolled back';

DELETE FROM agent_loggy.prompts
WHERE project = 'default'
  AND version = 1
  AND created_by = 'migration'
  AND name IN ('parameter_extraction', 'relevance_analysis', 'trace_analysis',
               'quality_assessment', 'trace_entry_analysis');
