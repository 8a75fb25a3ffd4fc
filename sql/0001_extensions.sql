-- Extensions agent_loggy needs.
-- pgvector supplies the vector(384) columns and their HNSW indexes (HNSW needs pgvector >= 0.5;
-- iterative index scans, used by filtered search, need >= 0.8).

CREATE EXTENSION IF NOT EXISTS vector;
