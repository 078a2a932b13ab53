-- Cabas schema, version 4: the card ledger (ledger-feed-v1.md, docs/ledger.md).
-- Entries keep their latest revision only; each carries its Europe/Paris local date and month and the household
-- it is linked to, so that household and month figures over millions of entries read an index.

-- Merchants as the operator last classified them, with the programme's optional local decision.
CREATE TABLE ledger_merchant (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    category TEXT NOT NULL DEFAULT '',
    sustainable BOOLEAN NOT NULL DEFAULT FALSE,
    sustainable_override BOOLEAN,
    updated_at TIMESTAMPTZ NOT NULL
);

-- One row per entry id: its highest revision seen. household_id is NULL while unlinked; link_source says
-- how it was linked (0 not linked, 1 by the entry's account, 2 by its card).
CREATE TABLE ledger_entry (
    id TEXT PRIMARY KEY,
    revision BIGINT NOT NULL CHECK (revision >= 1),
    card TEXT NOT NULL,
    account TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    currency TEXT NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL,
    utc_offset INTEGER NOT NULL DEFAULT 0,
    local_date DATE NOT NULL,
    local_month INTEGER NOT NULL,
    merchant_id TEXT,
    merchant_category TEXT NOT NULL DEFAULT '',
    merchant_sustainable BOOLEAN NOT NULL DEFAULT FALSE,
    refers_to TEXT NOT NULL DEFAULT '',
    household_id BIGINT,
    link_source INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ledger_entry_household_idx ON ledger_entry (household_id, local_date);
CREATE INDEX ledger_entry_month_idx ON ledger_entry (local_month, household_id);
CREATE INDEX ledger_entry_card_idx ON ledger_entry (card);

-- The cards the operator knows (/v1/cards), even those no household has yet.
CREATE TABLE ledger_card (
    id TEXT PRIMARY KEY,
    account TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    issued_on DATE,
    replaces TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX ledger_card_replaces_idx ON ledger_card (replaces);

-- Cursor and last outcome per feed ("entries", "cards").
CREATE TABLE ledger_sync_state (
    feed TEXT PRIMARY KEY,
    cursor TEXT NOT NULL DEFAULT '',
    last_sync_at TIMESTAMPTZ,
    last_status TEXT NOT NULL DEFAULT '',
    last_error TEXT NOT NULL DEFAULT '',
    last_success_at TIMESTAMPTZ
);

-- What changed in Cabas since the ledger last looked, filled by triggers: "card:TOKEN" for a card added or
-- changed, "household:CODE" for a new household. LedgerRepository::relinkPending() links the entries concerned.
CREATE TABLE ledger_relink_queue (
    item TEXT PRIMARY KEY
);
