-- Cabas schema, version 3: workshops (farm visits, cooking, market, cheese and bread making) and their
-- registrations with waiting list and attendance. Nothing is deleted: a registration and a workshop are
-- cancelled (with the date), and the audit trail keeps who did what.

CREATE TABLE workshop (
    id @PK@,
    workshop_type TEXT NOT NULL
        CHECK (workshop_type IN ('farm_visit', 'cooking', 'market_visit', 'cheese_making', 'bread_making', 'other')),
    title TEXT NOT NULL CHECK (title <> ''),
    held_on DATE NOT NULL,
    -- Local times (Europe/Paris) as HH:MM, empty when not set.
    start_time TEXT NOT NULL DEFAULT '',
    end_time TEXT NOT NULL DEFAULT '',
    place TEXT NOT NULL DEFAULT '',
    partner TEXT NOT NULL DEFAULT '',
    -- NULL: no limit.
    capacity INTEGER CHECK (capacity IS NULL OR capacity >= 1),
    notes TEXT NOT NULL DEFAULT '',
    cancelled_on DATE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    -- formats.md: a workshop is identified by date, type and title.
    UNIQUE (held_on, workshop_type, title)
);
CREATE INDEX workshop_held_on_idx ON workshop (held_on);

-- One row per person and workshop. status: registered (has a place), waiting (waiting list, in order of
-- queued_at), cancelled (kept, with cancelled_at). attended: NULL until the tick-list of the day.
CREATE TABLE workshop_registration (
    id @PK@,
    workshop_id BIGINT NOT NULL REFERENCES workshop (id),
    person_id BIGINT NOT NULL REFERENCES person (id),
    status TEXT NOT NULL CHECK (status IN ('registered', 'waiting', 'cancelled')),
    queued_at TIMESTAMPTZ NOT NULL,
    cancelled_at TIMESTAMPTZ,
    attended BOOLEAN,
    attendance_recorded_at TIMESTAMPTZ,
    recorded_by BIGINT REFERENCES app_user (id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (workshop_id, person_id),
    CHECK (attended IS NULL OR status = 'registered')
);
CREATE INDEX workshop_registration_person_idx ON workshop_registration (person_id);
