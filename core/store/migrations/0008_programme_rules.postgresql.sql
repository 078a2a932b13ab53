CREATE FUNCTION cabas_income_assessment_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'income assessments are never changed nor deleted: record a new one';
END;
$$;

CREATE TRIGGER income_assessment_append_only BEFORE UPDATE OR DELETE ON income_assessment
    FOR EACH ROW EXECUTE FUNCTION cabas_income_assessment_append_only();
