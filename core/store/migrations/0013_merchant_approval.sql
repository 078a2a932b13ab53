-- Cabas schema, version 13: the programme's approval of merchants (issue 11, docs/merchants.md). The committee
-- approves a merchant from a date (and may withdraw it on a later date), or refuses it. Its decisions take
-- precedence over the operator's sustainable flag for the entries' local dates they cover; the older
-- ledger_merchant.sustainable_override stays as it was, below them (LedgerRepository::sustainableSql()).
--
-- One row per decision, never deleted:
--   decision 'approved': from approved_from (inclusive) until withdrawn_on (exclusive; NULL: still approved);
--     the periods of one merchant do not overlap (checked by MerchantRepository).
--   decision 'refused': the merchant does not count as sustainable on any date no approval period covers.
-- A merchant with no row is "undecided": the committee has not looked at it yet.
CREATE TABLE merchant_approval (
    id @PK@,
    merchant_id TEXT NOT NULL REFERENCES ledger_merchant (id),
    decision TEXT NOT NULL CHECK (decision IN ('approved', 'refused')),
    approved_from DATE,
    withdrawn_on DATE,
    note TEXT NOT NULL DEFAULT '',
    decided_by BIGINT REFERENCES app_user (id),
    decided_at TIMESTAMPTZ NOT NULL,
    withdrawal_note TEXT NOT NULL DEFAULT '',
    withdrawn_by BIGINT REFERENCES app_user (id),
    withdrawn_at TIMESTAMPTZ,
    CHECK ((decision = 'approved' AND approved_from IS NOT NULL) OR
           (decision = 'refused' AND approved_from IS NULL AND withdrawn_on IS NULL)),
    CHECK (withdrawn_on IS NULL OR withdrawn_on > approved_from)
);
-- The classification looks up a merchant's periods by merchant and date.
CREATE INDEX merchant_approval_merchant_idx ON merchant_approval (merchant_id, approved_from);
