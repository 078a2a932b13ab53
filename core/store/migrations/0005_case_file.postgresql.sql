-- Search terms: see the SQLite part. COLLATE "C" so that the prefix range (and LIKE 'x%') uses the index
-- whatever the database's collation is.
CREATE TABLE household_search_term (
    household_id BIGINT NOT NULL REFERENCES household (id),
    kind TEXT NOT NULL CHECK (kind IN ('k', 'n')),
    term TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (household_id, kind, term)
);
CREATE INDEX household_search_term_idx ON household_search_term (term, kind, household_id);
