CREATE TRIGGER income_assessment_no_update BEFORE UPDATE ON income_assessment
BEGIN
    SELECT RAISE(ABORT, 'income assessments are never changed: record a new one');
END;

CREATE TRIGGER income_assessment_no_delete BEFORE DELETE ON income_assessment
BEGIN
    SELECT RAISE(ABORT, 'income assessments are never deleted');
END;
