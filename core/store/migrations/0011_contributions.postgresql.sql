CREATE FUNCTION cabas_contribution_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'contribution choices and payments are never changed nor deleted';
END;
$$;

CREATE TRIGGER contribution_choice_append_only BEFORE UPDATE OR DELETE ON contribution_choice
    FOR EACH ROW EXECUTE FUNCTION cabas_contribution_append_only();
CREATE TRIGGER contribution_payment_append_only BEFORE UPDATE OR DELETE ON contribution_payment
    FOR EACH ROW EXECUTE FUNCTION cabas_contribution_append_only();
