-- Cabas schema, version 7: planner statistics for the ledger's indexes (issue 8), so that a database upgraded
-- with millions of entries plans the cohort figures on the covering index of version 6 from the first run.
-- Sampled (analysis_limit) so that the upgrade stays quick on a large file.
PRAGMA analysis_limit = 1000;
ANALYZE ledger_entry;
