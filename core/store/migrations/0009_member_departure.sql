-- Cabas schema, version 9: the reason of a member's departure as data (issue 4). Until now it lived only in
-- the case file's journal ("Name (P-00012) left the household on 02/01/2025: reason"); the backend parts copy
-- it from there for the members who left, where such a note is found.
ALTER TABLE person ADD COLUMN departure_reason TEXT NOT NULL DEFAULT '';

-- Corrections of checkups (nurses, issue 4 follow-up): each correction with who, when, why, and the version
-- of the checkup it produced. The values themselves are the checkup's; the reason is health data (nurses).
CREATE TABLE checkup_correction (
    id @PK@,
    checkup_id BIGINT NOT NULL REFERENCES checkup (id),
    corrected_at TIMESTAMPTZ NOT NULL,
    corrected_by BIGINT REFERENCES app_user (id),
    reason TEXT NOT NULL CHECK (reason <> ''),
    version INTEGER NOT NULL
);
CREATE INDEX checkup_correction_checkup_idx ON checkup_correction (checkup_id, id);
