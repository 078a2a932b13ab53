-- Cabas schema, version 11: member contributions (issue 11, docs/programme-json.md "contributions",
-- docs/contributions.md). Amounts are integer cents in the contributions' own currency
-- label (stored on every row: amounts of different currencies are never summed).

ALTER TABLE programme ADD COLUMN contributions_enabled BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE programme ADD COLUMN contribution_currency TEXT NOT NULL DEFAULT 'EUR';
ALTER TABLE programme ADD COLUMN contribution_min_cents BIGINT NOT NULL DEFAULT 100;
ALTER TABLE programme ADD COLUMN contribution_max_cents BIGINT NOT NULL DEFAULT 15000;

-- The amount a household chooses to pay a month, from a month on (from_month: its first day; month_index:
-- year x 12 + month - 1, so that the cohort statements compare months as integers on both backends). Never
-- changed nor deleted: a new choice applies from its month, the history stays.
CREATE TABLE contribution_choice (
    id @PK@,
    household_id BIGINT NOT NULL REFERENCES household (id),
    from_month DATE NOT NULL,
    month_index INTEGER NOT NULL,
    monthly_cents BIGINT NOT NULL CHECK (monthly_cents > 0),
    currency TEXT NOT NULL,
    chosen_by BIGINT REFERENCES app_user (id),
    recorded_at TIMESTAMPTZ NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX contribution_choice_household_idx ON contribution_choice (household_id, month_index);

-- A payment received from a household (paid_on: the local date in Europe/Paris; month_index as above).
-- Never changed nor deleted.
CREATE TABLE contribution_payment (
    id @PK@,
    household_id BIGINT NOT NULL REFERENCES household (id),
    paid_on DATE NOT NULL,
    month_index INTEGER NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    currency TEXT NOT NULL,
    recorded_by BIGINT REFERENCES app_user (id),
    recorded_at TIMESTAMPTZ NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX contribution_payment_household_idx ON contribution_payment (household_id, month_index);
