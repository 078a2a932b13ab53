-- Cabas schema, version 10: the ledger's figures per household and month, kept as entries are stored (issue 8,
-- docs/cohort.md "Figures per household and month"). The cohort summary reads them for the whole months of a
-- period and reads entries only in a partial first or last month.
--
-- Posted entries of linked households only. ledger_month_figures: one row per household and month with at
-- least one posted entry; spending is purchases and refunds with the sign turned (purchases are negative);
-- "sustainable" is the classification of LedgerRepository::sustainableSql() at the time the row was computed
-- (it is recomputed when the classification of a merchant changes). The *_entries columns count entries, so
-- that "the household had an allowance (a purchase ...) in the period" is a sum > 0 over months.
CREATE TABLE ledger_month_figures (
    household_id BIGINT NOT NULL,
    local_month INTEGER NOT NULL,
    entries BIGINT NOT NULL,
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

-- Spending per household, month and merchant category ('' counts as 'other'); rows with spending entries only.
-- Keyed by household and category first: the cohort's per household and category sums read it in order.
CREATE TABLE ledger_category_figures (
    household_id BIGINT NOT NULL,
    local_month INTEGER NOT NULL,
    category TEXT NOT NULL,
    spent_cents BIGINT NOT NULL,
    entries BIGINT NOT NULL,
    PRIMARY KEY (household_id, category, local_month)
) WITHOUT ROWID;

-- Sustainable purchases per household, month and merchant (for the distinct sustainable merchants paid).
CREATE TABLE ledger_merchant_figures (
    household_id BIGINT NOT NULL,
    local_month INTEGER NOT NULL,
    merchant_id TEXT NOT NULL,
    purchases BIGINT NOT NULL,
    PRIMARY KEY (household_id, local_month, merchant_id)
) WITHOUT ROWID;
CREATE INDEX ledger_merchant_figures_merchant_idx ON ledger_merchant_figures (merchant_id, local_month, household_id);

-- The (household, month) pairs whose entries changed since their figures were computed: filled by triggers on
-- ledger_entry, emptied by LedgerRepository::refreshFigures() in the same transaction.
CREATE TABLE ledger_figures_dirty (
    household_id BIGINT NOT NULL,
    local_month INTEGER NOT NULL,
    PRIMARY KEY (household_id, local_month)
) WITHOUT ROWID;

-- Back-fill: one pass over the posted entries in the order of the covering index of version 6. The
-- classification is the one of version 10 (the programme's override, else the operator's flag on the entry).
INSERT INTO ledger_month_figures (household_id, local_month, entries, allowance_cents, allowance_entries,
                                  bonus_cents, bonus_entries, spent_cents, spending_entries, sustainable_cents,
                                  sustainable_entries, purchase_entries)
SELECT household_id, local_month, COUNT(*),
       SUM(CASE WHEN kind = 'allowance' THEN amount_cents ELSE 0 END),
       SUM(CASE WHEN kind = 'allowance' THEN 1 ELSE 0 END),
       SUM(CASE WHEN kind = 'bonus' THEN amount_cents ELSE 0 END),
       SUM(CASE WHEN kind = 'bonus' THEN 1 ELSE 0 END),
       -SUM(CASE WHEN kind IN ('purchase', 'refund') THEN amount_cents ELSE 0 END),
       SUM(CASE WHEN kind IN ('purchase', 'refund') THEN 1 ELSE 0 END),
       -SUM(CASE WHEN kind IN ('purchase', 'refund') THEN sustainable * amount_cents ELSE 0 END),
       SUM(CASE WHEN kind IN ('purchase', 'refund') THEN sustainable ELSE 0 END),
       SUM(CASE WHEN kind = 'purchase' THEN 1 ELSE 0 END)
FROM (SELECT e.household_id, e.local_month, e.kind, e.amount_cents,
             CASE WHEN e.merchant_id IN (SELECT id FROM ledger_merchant WHERE sustainable_override = TRUE) THEN 1
                  WHEN e.merchant_id IN (SELECT id FROM ledger_merchant WHERE sustainable_override = FALSE) THEN 0
                  WHEN e.merchant_sustainable = TRUE THEN 1 ELSE 0 END AS sustainable
      FROM ledger_entry e WHERE e.household_id IS NOT NULL AND e.status = 'posted') x
GROUP BY household_id, local_month;

INSERT INTO ledger_category_figures (household_id, local_month, category, spent_cents, entries)
SELECT household_id, local_month, COALESCE(NULLIF(merchant_category, ''), 'other'), -SUM(amount_cents), COUNT(*)
FROM ledger_entry WHERE household_id IS NOT NULL AND status = 'posted' AND kind IN ('purchase', 'refund')
GROUP BY household_id, local_month, COALESCE(NULLIF(merchant_category, ''), 'other');

INSERT INTO ledger_merchant_figures (household_id, local_month, merchant_id, purchases)
SELECT e.household_id, e.local_month, e.merchant_id, COUNT(*)
FROM ledger_entry e WHERE e.household_id IS NOT NULL AND e.status = 'posted' AND e.kind = 'purchase'
  AND e.merchant_id IS NOT NULL
  AND (e.merchant_id IN (SELECT id FROM ledger_merchant WHERE sustainable_override = TRUE)
       OR (e.merchant_sustainable = TRUE
           AND e.merchant_id NOT IN (SELECT id FROM ledger_merchant WHERE sustainable_override = FALSE)))
GROUP BY e.household_id, e.local_month, e.merchant_id;

-- Every change of a posted, linked entry marks its (household, month), before and after. NOT EXISTS rather
-- than INSERT OR IGNORE: the conflict clause of the statement that fires a trigger (the ingest's upsert)
-- overrides the trigger's own.
CREATE TRIGGER ledger_figures_insert AFTER INSERT ON ledger_entry
WHEN NEW.household_id IS NOT NULL AND NEW.status = 'posted'
BEGIN
    INSERT INTO ledger_figures_dirty (household_id, local_month)
        SELECT NEW.household_id, NEW.local_month WHERE NEW.household_id IS NOT NULL AND NEW.status = 'posted'
        AND NOT EXISTS (SELECT 1 FROM ledger_figures_dirty d WHERE d.household_id = NEW.household_id
                        AND d.local_month = NEW.local_month);
END;

CREATE TRIGGER ledger_figures_update AFTER UPDATE ON ledger_entry
WHEN (OLD.household_id IS NOT NULL AND OLD.status = 'posted') OR (NEW.household_id IS NOT NULL AND NEW.status = 'posted')
BEGIN
    INSERT INTO ledger_figures_dirty (household_id, local_month)
        SELECT OLD.household_id, OLD.local_month WHERE OLD.household_id IS NOT NULL AND OLD.status = 'posted'
        AND NOT EXISTS (SELECT 1 FROM ledger_figures_dirty d WHERE d.household_id = OLD.household_id
                        AND d.local_month = OLD.local_month);
    INSERT INTO ledger_figures_dirty (household_id, local_month)
        SELECT NEW.household_id, NEW.local_month WHERE NEW.household_id IS NOT NULL AND NEW.status = 'posted'
        AND NOT EXISTS (SELECT 1 FROM ledger_figures_dirty d WHERE d.household_id = NEW.household_id
                        AND d.local_month = NEW.local_month);
END;

CREATE TRIGGER ledger_figures_delete AFTER DELETE ON ledger_entry
WHEN OLD.household_id IS NOT NULL AND OLD.status = 'posted'
BEGIN
    INSERT INTO ledger_figures_dirty (household_id, local_month)
        SELECT OLD.household_id, OLD.local_month WHERE OLD.household_id IS NOT NULL AND OLD.status = 'posted'
        AND NOT EXISTS (SELECT 1 FROM ledger_figures_dirty d WHERE d.household_id = OLD.household_id
                        AND d.local_month = OLD.local_month);
END;

ANALYZE ledger_month_figures;
ANALYZE ledger_category_figures;
ANALYZE ledger_merchant_figures;
