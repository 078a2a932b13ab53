CREATE TRIGGER card_ledger_relink_insert AFTER INSERT ON card
BEGIN
    INSERT OR IGNORE INTO ledger_relink_queue (item) VALUES ('card:' || NEW.token);
END;

CREATE TRIGGER card_ledger_relink_update AFTER UPDATE OF token, household_id, replaces_card_id ON card
BEGIN
    INSERT OR IGNORE INTO ledger_relink_queue (item) VALUES ('card:' || NEW.token);
END;

CREATE TRIGGER household_ledger_relink_insert AFTER INSERT ON household
BEGIN
    INSERT OR IGNORE INTO ledger_relink_queue (item) VALUES ('household:' || NEW.code);
END;
