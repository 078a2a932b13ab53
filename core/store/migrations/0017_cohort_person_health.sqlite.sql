-- Cabas schema, version 17: per member of a sealed database, the M0 and M6 values of cohort_health (both
-- checkups and both questionnaires, with their dates) in one row sealed under the cohort key, so that the
-- cohort opens one row per member instead of up to four (docs/encryption.md, "Cohort health indicators").
-- Written by the nurse's session with each cohort_health row; rebuilt whole by the sealing of an existing
-- database and, for a database sealed before this version, at the next login of a nurse or a coordinator.
-- The marker "cohort_person_health" in cabas_meta says the rows are complete: until then the cohort reads
-- cohort_health row by row. A database with no cohort_health row is complete from the start.
-- SQLite only in use: PostgreSQL's cohort reads cohort_health through its installed function, and its table
-- (the PostgreSQL part of this migration) stays empty.
CREATE TABLE cohort_person_health (
    person_id INTEGER PRIMARY KEY REFERENCES person (id),
    sealed TEXT NOT NULL
);
INSERT INTO cabas_meta (key, value)
SELECT 'cohort_person_health', 'complete' WHERE NOT EXISTS (SELECT 1 FROM cohort_health);
