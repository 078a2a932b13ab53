-- Cabas schema, version 7: planner statistics for the ledger's indexes (issue 8), so that a database upgraded
-- with millions of entries plans the cohort figures on the covering index of version 6 from the first run.
ANALYZE ledger_entry;
