-- Cabas schema, version 8: programme rules of every kind of scheme and income assessments (issue 11,
-- docs/programme-json.md, docs/reconciliation.md).

-- The allowance rule: by role (adult/child amounts, as before), per person, or by income bands. Existing
-- programmes keep their by-role rule.
ALTER TABLE programme ADD COLUMN allowance_kind TEXT NOT NULL DEFAULT 'by_role'
    CHECK (allowance_kind IN ('by_role', 'per_person', 'income_bands'));
ALTER TABLE programme ADD COLUMN per_person_cents BIGINT NOT NULL DEFAULT 0 CHECK (per_person_cents >= 0);
ALTER TABLE programme ADD COLUMN income_band_per_person BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE programme ADD COLUMN reassessment_months INTEGER NOT NULL DEFAULT 6;
ALTER TABLE programme ADD COLUMN prorate_first_month BOOLEAN NOT NULL DEFAULT FALSE;
-- Consumption-unit weights in thousandths (modified OECD scale by default: 1, 0.5 from 14 years, 0.3 under 14).
ALTER TABLE programme ADD COLUMN cu_first_person_milli INTEGER NOT NULL DEFAULT 1000;
ALTER TABLE programme ADD COLUMN cu_other_persons_milli INTEGER NOT NULL DEFAULT 500;
ALTER TABLE programme ADD COLUMN cu_children_milli INTEGER NOT NULL DEFAULT 300;
ALTER TABLE programme ADD COLUMN cu_child_under_age INTEGER NOT NULL DEFAULT 14;

-- The bands of an income-band allowance, in increasing order of income per consumption unit; the last one is
-- open (up_to_cents NULL).
CREATE TABLE programme_income_band (
    programme_id BIGINT NOT NULL REFERENCES programme (id),
    position INTEGER NOT NULL,
    up_to_cents BIGINT CHECK (up_to_cents IS NULL OR up_to_cents >= 0),
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
    PRIMARY KEY (programme_id, position)
);

-- A household's declared income as a social worker assessed it. Never updated nor deleted: a new assessment
-- applies from its effective date, and the history (who, when) stays.
CREATE TABLE income_assessment (
    id @PK@,
    household_id BIGINT NOT NULL REFERENCES household (id),
    effective_on DATE NOT NULL,
    income_from DATE,
    income_to DATE,
    monthly_income_cents BIGINT NOT NULL CHECK (monthly_income_cents >= 0),
    consumption_units_milli INTEGER NOT NULL CHECK (consumption_units_milli >= 1000),
    assessed_by BIGINT REFERENCES app_user (id),
    assessed_at TIMESTAMPTZ NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX income_assessment_household_idx ON income_assessment (household_id, effective_on);
