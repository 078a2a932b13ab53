-- Search terms: one row per word of a household's code, commune, postcode (kind 'k', seen by every reader)
-- and of its members' names and codes (kind 'n', only for roles that see names). Lower case, without accents
-- (searchKey()); kept up to date by the repositories. Prefix search is a range on the (binary) index:
-- term >= 'lef' AND term < 'leg'.
CREATE TABLE household_search_term (
    household_id BIGINT NOT NULL REFERENCES household (id),
    kind TEXT NOT NULL CHECK (kind IN ('k', 'n')),
    term TEXT NOT NULL,
    PRIMARY KEY (household_id, kind, term)
);
CREATE INDEX household_search_term_idx ON household_search_term (term, kind, household_id);
