-- Cabas schema, version 17 (PostgreSQL part): the table of the SQLite part, so that both backends have the
-- same schema. It stays empty here: PostgreSQL's cohort reads cohort_health through its installed function
-- (docs/encryption.md, "One sealed row per member"), and no marker is set.
CREATE TABLE cohort_person_health (
    person_id BIGINT PRIMARY KEY REFERENCES person (id),
    sealed TEXT NOT NULL
);
