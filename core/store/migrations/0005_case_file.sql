-- Cabas schema, version 5: the social workers' case file (issue 4).
-- Status history of households, card history (lost, blocked, re-issued), a dated journal of notes, and the
-- search terms behind the household list's search-as-you-type.

-- Every status a household went through: candidate, enrolled, suspended, exited (with its reason).
CREATE TABLE household_status_event (
    id @PK@,
    household_id BIGINT NOT NULL REFERENCES household (id),
    status TEXT NOT NULL CHECK (status IN ('candidate', 'enrolled', 'suspended', 'exited')),
    effective_on DATE NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    recorded_by BIGINT REFERENCES app_user (id),
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX household_status_event_household_idx ON household_status_event (household_id, effective_on);

-- Every change of a card's status: issued (active), blocked, lost, closed, with a reason.
CREATE TABLE card_event (
    id @PK@,
    card_id BIGINT NOT NULL REFERENCES card (id),
    status TEXT NOT NULL CHECK (status IN ('active', 'blocked', 'lost', 'closed')),
    effective_on DATE NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    recorded_by BIGINT REFERENCES app_user (id),
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX card_event_card_idx ON card_event (card_id, effective_on);
CREATE INDEX card_replaces_idx ON card (replaces_card_id);

-- The case file's journal: dated notes, never edited nor deleted.
CREATE TABLE household_note (
    id @PK@,
    household_id BIGINT NOT NULL REFERENCES household (id),
    written_at TIMESTAMPTZ NOT NULL,
    author_user_id BIGINT REFERENCES app_user (id),
    body TEXT NOT NULL CHECK (body <> '')
);
CREATE INDEX household_note_household_idx ON household_note (household_id, written_at);

CREATE INDEX household_referent_idx ON household (referent_user_id);
CREATE INDEX person_duplicate_idx ON person (search_name, birth_date);

-- A database without households has every search term there is (the repositories keep them from now on); one
-- with households gets them built by the first search (HouseholdRepository::ensureSearchTerms).
INSERT INTO cabas_meta (key, value) SELECT 'search_terms', '1' WHERE NOT EXISTS (SELECT 1 FROM household);
