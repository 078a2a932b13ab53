-- Cabas schema, version 1: the programme, users, households, persons, cards and consents.
-- Common to SQLite and PostgreSQL (see Migrations.h for the @PK@ placeholder).
-- Dates are DATE (ISO text on SQLite), instants TIMESTAMPTZ (ISO UTC text on SQLite), money BIGINT cents.

CREATE TABLE cabas_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE app_user (
    id @PK@,
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('social_worker', 'nurse', 'coordinator', 'admin')),
    password_hash TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE programme (
    id @PK@,
    name TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE,
    adult_allowance_cents BIGINT NOT NULL CHECK (adult_allowance_cents >= 0),
    child_allowance_cents BIGINT NOT NULL CHECK (child_allowance_cents >= 0),
    child_adult_age INTEGER NOT NULL DEFAULT 18,
    disclosure_threshold INTEGER NOT NULL DEFAULT 11 CHECK (disclosure_threshold >= 1),
    currency TEXT NOT NULL DEFAULT 'EUR',
    household_code_prefix TEXT NOT NULL DEFAULT 'MMG',
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE programme_bonus_rule (
    id @PK@,
    programme_id BIGINT NOT NULL REFERENCES programme (id),
    label TEXT NOT NULL,
    rate_bp INTEGER NOT NULL CHECK (rate_bp >= 0 AND rate_bp <= 100000),
    monthly_cap_cents BIGINT CHECK (monthly_cap_cents IS NULL OR monthly_cap_cents >= 0),
    valid_from DATE NOT NULL,
    valid_to DATE,
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);

CREATE TABLE programme_wave (
    programme_id BIGINT NOT NULL REFERENCES programme (id),
    code TEXT NOT NULL,
    position INTEGER NOT NULL,
    offset_days INTEGER NOT NULL CHECK (offset_days >= 0),
    tolerance_days INTEGER NOT NULL CHECK (tolerance_days >= 0),
    PRIMARY KEY (programme_id, code)
);

CREATE TABLE programme_sustainable_category (
    programme_id BIGINT NOT NULL REFERENCES programme (id),
    category TEXT NOT NULL,
    PRIMARY KEY (programme_id, category)
);

CREATE TABLE household (
    id @PK@,
    code TEXT NOT NULL UNIQUE,
    address TEXT NOT NULL DEFAULT '',
    commune TEXT NOT NULL DEFAULT '',
    postcode TEXT NOT NULL DEFAULT '',
    referent_user_id BIGINT REFERENCES app_user (id),
    status TEXT NOT NULL CHECK (status IN ('candidate', 'enrolled', 'suspended', 'exited')),
    enrolled_on DATE,
    exited_on DATE,
    exit_reason TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX household_commune_idx ON household (commune);
CREATE INDEX household_status_idx ON household (status);

CREATE TABLE person (
    id @PK@,
    household_id BIGINT NOT NULL REFERENCES household (id),
    code TEXT NOT NULL UNIQUE,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    search_name TEXT NOT NULL,
    birth_date DATE NOT NULL,
    sex TEXT NOT NULL DEFAULT '' CHECK (sex IN ('', 'F', 'M')),
    role TEXT NOT NULL CHECK (role IN ('adult', 'child')),
    arrived_on DATE,
    left_on DATE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX person_household_idx ON person (household_id);
CREATE INDEX person_search_idx ON person (search_name);

CREATE TABLE card (
    id @PK@,
    token TEXT NOT NULL UNIQUE,
    household_id BIGINT REFERENCES household (id),
    status TEXT NOT NULL CHECK (status IN ('active', 'blocked', 'lost', 'closed')),
    issued_on DATE,
    replaces_card_id BIGINT REFERENCES card (id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    CHECK (replaces_card_id IS NULL OR replaces_card_id <> id)
);
CREATE INDEX card_household_idx ON card (household_id);

CREATE TABLE consent (
    id @PK@,
    person_id BIGINT NOT NULL REFERENCES person (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('case_management', 'health_followup', 'ledger_link', 'research_export')),
    given BOOLEAN NOT NULL,
    effective_on DATE NOT NULL,
    recorded_by BIGINT REFERENCES app_user (id),
    recorded_at TIMESTAMPTZ NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX consent_person_idx ON consent (person_id, purpose, effective_on);
