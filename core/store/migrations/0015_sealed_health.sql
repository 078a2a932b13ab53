-- Cabas schema, version 15: health data under the health key, and the cohort's derived health values under the
-- cohort key (docs/encryption.md, plan step 4). Added to every database; a clear database (and a database
-- sealed with format 1) leaves the new columns NULL and cohort_health empty.

-- Sealed databases (format 2): one sealed JSON per row holds every health value of a checkup (measures,
-- blood pressure, glucose, notes) or of a questionnaire (answers); the numeric and answer columns stay NULL
-- there (PostgreSQL's INTEGER columns cannot hold ciphertext).
ALTER TABLE checkup ADD COLUMN sealed TEXT;
ALTER TABLE diet_questionnaire ADD COLUMN sealed TEXT;

-- The cohort key (a third random key: nurses, coordinators, the recovery slot), like the health key.
ALTER TABLE key_ring ADD COLUMN cohort_key_check TEXT;
ALTER TABLE key_slot ADD COLUMN cohort_sealed TEXT;

-- Per checkup or questionnaire of a sealed database, the values the cohort's health indicators need (BMI,
-- questionnaire ranks, discovered shop), sealed under the cohort key; written with the record by the nurse.
CREATE TABLE cohort_health (
    id @PK@,
    person_id BIGINT NOT NULL REFERENCES person (id),
    wave TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('checkup', 'questionnaire')),
    record_id BIGINT NOT NULL,
    recorded_on DATE NOT NULL,
    sealed TEXT NOT NULL,
    UNIQUE (source, record_id)
);
CREATE INDEX cohort_health_person_idx ON cohort_health (person_id, wave);
