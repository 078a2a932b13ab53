-- Cabas schema, version 2: lock-out of user accounts, the audit trail, and the health follow-up tables.

ALTER TABLE app_user ADD COLUMN failed_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE app_user ADD COLUMN locked_until TIMESTAMPTZ;
ALTER TABLE app_user ADD COLUMN password_changed_at TIMESTAMPTZ;

-- One record per write, per read of health data, per login and per refused action. Never health values.
-- Append-only (triggers below) and hash-chained: hash = SHA-256 of the record's fields and prev_hash.
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    user_id BIGINT,
    login TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    table_name TEXT NOT NULL,
    record_ref TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
    detail TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- The seq the chain must end with, so that deleting its last records is detected too.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL
);
INSERT INTO audit_head (id, seq) VALUES (1, 0);
CREATE INDEX audit_log_login_idx ON audit_log (login, at);

-- Health follow-up (nurses only; see docs/access.md). Measures are integers in small units: no floating point.
CREATE TABLE checkup (
    id @PK@,
    person_id BIGINT NOT NULL REFERENCES person (id),
    taken_on DATE NOT NULL,
    wave TEXT NOT NULL,
    nurse_user_id BIGINT REFERENCES app_user (id),
    weight_g INTEGER CHECK (weight_g IS NULL OR weight_g BETWEEN 2000 AND 350000),
    height_mm INTEGER CHECK (height_mm IS NULL OR height_mm BETWEEN 400 AND 2300),
    waist_mm INTEGER,
    systolic_mmhg INTEGER CHECK (systolic_mmhg IS NULL OR systolic_mmhg BETWEEN 60 AND 260),
    diastolic_mmhg INTEGER CHECK (diastolic_mmhg IS NULL OR diastolic_mmhg BETWEEN 30 AND 160),
    glucose_mg_dl INTEGER,
    notes TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (person_id, wave)
);

CREATE TABLE diet_questionnaire (
    id @PK@,
    person_id BIGINT NOT NULL REFERENCES person (id),
    answered_on DATE NOT NULL,
    wave TEXT NOT NULL,
    nurse_user_id BIGINT REFERENCES app_user (id),
    fv_portions_x10 INTEGER CHECK (fv_portions_x10 IS NULL OR fv_portions_x10 BETWEEN 0 AND 300),
    organic_fv_freq TEXT CHECK (organic_fv_freq IN ('never', 'rarely', 'sometimes', 'often', 'always')),
    local_products_freq TEXT CHECK (local_products_freq IN ('never', 'rarely', 'sometimes', 'often', 'always')),
    organic_products_freq TEXT CHECK (organic_products_freq IN ('never', 'rarely', 'sometimes', 'often', 'always')),
    discovered_sustainable_shop BOOLEAN,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (person_id, wave)
);

CREATE TABLE prevention_step (
    id @PK@,
    person_id BIGINT NOT NULL REFERENCES person (id),
    done_on DATE NOT NULL,
    step_type TEXT NOT NULL,
    partner TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL DEFAULT '',
    next_due_on DATE,
    nurse_user_id BIGINT REFERENCES app_user (id),
    notes TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE support_session (
    id @PK@,
    person_id BIGINT REFERENCES person (id),
    household_id BIGINT REFERENCES household (id),
    held_on DATE NOT NULL,
    professional_user_id BIGINT REFERENCES app_user (id),
    topic TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    CHECK (person_id IS NOT NULL OR household_id IS NOT NULL)
);
