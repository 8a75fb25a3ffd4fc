-- depends: 0004_changelog
-- Seed: the five prompts agent-loggy used to hard-code, as version 1 in project default,
-- labelled production, created_by 'migration'. Four texts are copied verbatim from
-- agent-loggy's code (shared/seed/agent_loggy_prompts.json); trace_entry_analysis was never
-- written down there and is new. The changelog records them as created by 'migration'.

SET LOCAL agent_loggy.actor = 'migration';
SET LOCAL agent_loggy.change_summary = 'seeded from agent-loggy''s hard-coded prompts';

INSERT INTO agent_loggy.prompts (project, name, version, type, description, usage, labels, created_by, template)
VALUES
    ('default', 'parameter_extraction', 1, 'system', 'Extracts time_frame, domain, and query_keys from user text', 'ParametersAgent._build_system_prompt()', '{production}', 'migration',
$seed$You are a strict parameter extractor.
Return ONLY valid JSON with this exact schema:
{"time_frame": "YYYY-MM-DD or null", "domain": "domain_name", "query_keys": ["key1","key2","key3"]}

RULES:
1) query_keys is a flat array of simple field names (lowercase snake_case). No objects/arrays.
2) domain is the main data category from this allow-list only.
3) If no time mentioned -> time_frame = null.
4) time_frame MUST be a single ISO date (YYYY-MM-DD) or null.
5) If user gives a month or a relative period ("July 2025", "last week", "this month"), convert to one concrete start date (YYYY-MM-DD). For a month use day 1; for ranges use the start date.
6) If you cannot confidently produce a single date, set time_frame to null.
7) Use ONLY the allowed query keys; never output excluded ones.

ALLOWED query_keys: {allowed_query_keys}
EXCLUDED query_keys: {excluded_query_keys}

ALLOWED domains: {allowed_domains}
EXCLUDED domains: {excluded_domains}

EXAMPLES:
User: "Show me merchant transactions over 500 last week"
Output: {"time_frame": "2025-07-14", "domain": "transactions", "query_keys": ["merchant","amount"]}

User: "Find customers who bought electronics in January 2025"
Output: {"time_frame": "2025-01-01", "domain": "customers", "query_keys": ["category"]}

User: "List all product reviews with ratings"
Output: {"time_frame": null, "domain": "reviews", "query_keys": ["product_id","rating","review_text"]}

User: "Get bKash payments from this month"
Output: {"time_frame": "2025-10-01", "domain": "payments", "query_keys": ["bkash","mfs"]}

Return ONLY the JSON. No extra text.$seed$),
    ('default', 'relevance_analysis', 1, 'user', 'Analyzes trace relevance to user query with RAG context', 'RelevanceAnalyzerAgent._analyze_relevance_with_rag()', '{production}', 'migration',
$seed$You are an expert system analyst determining if a request trace is relevant to a user's query.
You have access to context rules that help identify what's important vs what should be ignored.

ORIGINAL USER QUERY: {original_text}

EXTRACTED PARAMETERS:
- Domain: {domain}
- Query Keys: {query_keys}
- Time Frame: {time_frame}
- Additional Parameters: {additional_params}

{rag_context}

TRACE INFORMATION:
- Trace ID: {trace_id}
- Timestamp: {timestamp}
- Total Log Entries: {total_entries}
- Services Involved: {services}
- Key Operations: {operations}

SAMPLE LOG MESSAGES:
{log_samples}

TIMELINE SUMMARY:
{timeline_summary}

ANALYSIS REQUIRED:
Determine if this trace is relevant to the user's query by analyzing:
1. Does the trace contain operations related to the query domain?
2. Do the log messages contain the query keys?
3. Does the timestamp match the requested time frame?
4. Are there any operations or data that directly address the user's question?
5. Consider the IMPORTANT PATTERNS defined in the context rules
6. Even if not directly matching, could this trace provide useful context?

Provide analysis in JSON format:
{
    "relevance_score": <0-100>,
    "confidence_score": <0-100>,
    "matching_elements": ["<specific elements that match the query>"],
    "non_matching_elements": ["<elements that don't match>"],
    "key_findings": ["<important discoveries about relevance>"],
    "domain_match": <true/false>,
    "time_match": <true/false>,
    "keyword_matches": ["<specific keyword matches found>"],
    "important_pattern_matches": ["<matches from RAG important patterns>"],
    "recommendation": "<INCLUDE|EXCLUDE|REVIEW - with brief explanation>",
    "reasoning": "<detailed explanation of relevance determination>"
}$seed$),
    ('default', 'trace_analysis', 1, 'user', 'Deep forensic analysis of a single trace', 'AnalyzeAgent._analyze_single_trace()', '{production}', 'migration',
$seed$You are a senior banking systems analyst performing forensic analysis on a transaction trace.

ORIGINAL CUSTOMER DISPUTE/QUERY:
{dispute_text}

TRACE ID: {trace_id}
SOURCE FILES: {source_files}

SAMPLE LOG MESSAGES (first 10):
{log_samples}

TIMELINE (first 15 events):
{timeline}

Analyze this trace and provide a JSON response with:
{
    "relevance_score": <0-100 how relevant to the dispute>,
    "request_summary": "<what this request was trying to do>",
    "transaction_outcome": "<successful|failed|partial|unknown>",
    "key_finding": "<most important discovery>",
    "primary_issue": "<main issue category if any>",
    "confidence_level": "<HIGH|MEDIUM|LOW>",
    "evidence_found": ["<list of key evidence points>"],
    "root_cause_analysis": "<if failed, what caused it>",
    "recommendation": "<next steps or resolution>"
}$seed$),
    ('default', 'quality_assessment', 1, 'user', 'Rates overall search and analysis quality', 'AnalyzeAgent._assess_overall_quality()', '{production}', 'migration',
$seed$Rate the quality of this log analysis search.

ORIGINAL QUERY: {original_query}
PARAMETERS USED: {parameters}
TRACES FOUND: {trace_count}
INDIVIDUAL ANALYSES: {analyses}

Provide a JSON assessment:
{
    "completeness_score": <0-100>,
    "relevance_score": <0-100>,
    "coverage_score": <0-100>,
    "overall_confidence": <average of above>,
    "key_gaps": ["<what's missing>"],
    "recommendations": ["<suggestions for better results>"]
}$seed$),
    ('default', 'trace_entry_analysis', 1, 'user', 'Analyzes one log entry inside a trace against the dispute', 'AnalyzeAgent._analyze_trace_entry()', '{production}', 'migration',
$seed$You are a senior banking systems analyst examining one log entry from a transaction trace.

ORIGINAL CUSTOMER DISPUTE/QUERY:
{dispute_text}

TRACE ID: {trace_id}
ENTRY INDEX: {entry_index}
TIMESTAMP: {timestamp}
SERVICE: {service}
LEVEL: {level}

LOG MESSAGE:
{message}

Judge this single entry on its own: what it shows about the dispute, and whether it records a failure. Do not guess at events the message does not mention.

Provide a JSON response with:
{
    "relevance_score": <0-100 how relevant this entry is to the dispute>,
    "event_type": "<request|response|validation|authorization|debit|credit|reversal|notification|error|other>",
    "is_error": <true/false>,
    "error_code": "<error or status code from the message, or null>",
    "explanation": "<one sentence on what this entry means for the dispute>"
}$seed$);
