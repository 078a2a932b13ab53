-- SECURITY DEFINER: whoever may add or change a card or a household (a social worker's database role) queues
-- it without needing rights on the queue itself.
CREATE FUNCTION cabas_card_ledger_relink() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    INSERT INTO ledger_relink_queue (item) VALUES ('card:' || NEW.token) ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;

CREATE FUNCTION cabas_household_ledger_relink() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    INSERT INTO ledger_relink_queue (item) VALUES ('household:' || NEW.code) ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;

CREATE TRIGGER card_ledger_relink_insert AFTER INSERT ON card
    FOR EACH ROW EXECUTE FUNCTION cabas_card_ledger_relink();

CREATE TRIGGER card_ledger_relink_update AFTER UPDATE OF token, household_id, replaces_card_id ON card
    FOR EACH ROW EXECUTE FUNCTION cabas_card_ledger_relink();

CREATE TRIGGER household_ledger_relink_insert AFTER INSERT ON household
    FOR EACH ROW EXECUTE FUNCTION cabas_household_ledger_relink();
