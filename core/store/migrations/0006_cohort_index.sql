-- Cabas schema, version 6: the cohort figures over millions of ledger entries (issue 8, docs/cohort.md).
-- One covering index per household and month carries every column the cohort and spending figures read, so
-- that they read the index alone (in household order, months in order within a household) and never jump to
-- the table row by row. It replaces the index on (household_id, local_date): lookups by household use it too.
DROP INDEX ledger_entry_household_idx;
CREATE INDEX ledger_entry_household_month_idx ON ledger_entry
    (household_id, local_month, kind, status, local_date, amount_cents, merchant_sustainable, merchant_id,
     merchant_category);
