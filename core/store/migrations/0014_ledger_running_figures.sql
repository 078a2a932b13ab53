-- Cabas schema, version 14: figures kept beside the figures per household and month of version 10, so that the
-- cohort summary of a period reads a few rows per household instead of one per month, and a few rows per month
-- instead of one per household (issue 8, docs/cohort.md "Running totals and month totals").
--
-- ledger_month_totals: per month, the sums of ledger_month_figures over every household (households = its rows
-- in that month). The month series of a cohort that holds most households is these totals minus the figures of
-- the (few) households outside the cohort. Kept by LedgerRepository::refreshFigures() in the same transaction
-- as the figures: the old figures of the pairs it recomputes are subtracted, the new ones added (integer sums
-- and counts: exact). Months whose count falls to 0 are deleted.
--
-- ledger_category_totals: per merchant category, month and "previous month" (the household's previous month
-- with figures of that category, 0 for none), the number of ledger_category_figures rows and their spending,
-- over every household. A category's households in a period [A, B] of whole months are the rows of months
-- A..B whose previous month is before A (each household counts once: at its first month of the category in
-- the period); its spending is the sum of the months. Kept like the month totals, household by household: the
-- rows of a household one of whose months is recomputed are subtracted (previous months as they were) and
-- added again (as they are).
--
-- ledger_month_running (backends' parts): per household and month with figures, the running totals of the
-- household's figures up to and including that month (allowance, bonus, spending, sustainable spending and
-- their entry counts, purchases). A period's totals of a household are its last row up to the period's last
-- month minus its last row before the period's first month: two rows per household, whatever the period's
-- length. refreshFigures() recomputes every row of a household one of whose months it recomputes.
CREATE TABLE ledger_month_totals (
    local_month INTEGER NOT NULL PRIMARY KEY,
    households BIGINT NOT NULL,
    allowance_cents BIGINT NOT NULL,
    bonus_cents BIGINT NOT NULL,
    spent_cents BIGINT NOT NULL,
    sustainable_cents BIGINT NOT NULL
);

INSERT INTO ledger_month_totals (local_month, households, allowance_cents, bonus_cents, spent_cents,
                                 sustainable_cents)
SELECT local_month, COUNT(*), SUM(allowance_cents), SUM(bonus_cents), SUM(spent_cents), SUM(sustainable_cents)
FROM ledger_month_figures GROUP BY local_month;

CREATE TABLE ledger_category_totals (
    category TEXT NOT NULL,
    local_month INTEGER NOT NULL,
    prev_month INTEGER NOT NULL,
    households BIGINT NOT NULL,
    spent_cents BIGINT NOT NULL,
    PRIMARY KEY (category, local_month, prev_month)
);

INSERT INTO ledger_category_totals (category, local_month, prev_month, households, spent_cents)
SELECT category, local_month, prev_month, COUNT(*), SUM(spent_cents)
FROM (SELECT category, local_month, spent_cents,
             COALESCE(LAG(local_month) OVER (PARTITION BY household_id, category ORDER BY local_month), 0) AS prev_month
      FROM ledger_category_figures) x
GROUP BY category, local_month, prev_month;
