-- Cabas schema, version 14: the running totals per household and month (see 0014_ledger_running_figures.sql).
CREATE TABLE ledger_month_running (
    household_id BIGINT NOT NULL,
    local_month INTEGER NOT NULL,
    allowance_cents BIGINT NOT NULL,
    allowance_entries BIGINT NOT NULL,
    bonus_cents BIGINT NOT NULL,
    bonus_entries BIGINT NOT NULL,
    spent_cents BIGINT NOT NULL,
    spending_entries BIGINT NOT NULL,
    sustainable_cents BIGINT NOT NULL,
    sustainable_entries BIGINT NOT NULL,
    purchase_entries BIGINT NOT NULL,
    PRIMARY KEY (household_id, local_month)
) WITHOUT ROWID;

-- Back-fill: one pass over the figures in their key order (household, month).
INSERT INTO ledger_month_running (household_id, local_month, allowance_cents, allowance_entries, bonus_cents,
                                  bonus_entries, spent_cents, spending_entries, sustainable_cents,
                                  sustainable_entries, purchase_entries)
SELECT household_id, local_month, SUM(allowance_cents) OVER w, SUM(allowance_entries) OVER w,
       SUM(bonus_cents) OVER w, SUM(bonus_entries) OVER w, SUM(spent_cents) OVER w, SUM(spending_entries) OVER w,
       SUM(sustainable_cents) OVER w, SUM(sustainable_entries) OVER w, SUM(purchase_entries) OVER w
FROM ledger_month_figures
WINDOW w AS (PARTITION BY household_id ORDER BY local_month);

ANALYZE ledger_month_running;
ANALYZE ledger_month_totals;
ANALYZE ledger_category_totals;
