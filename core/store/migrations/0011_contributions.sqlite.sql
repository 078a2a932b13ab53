CREATE TRIGGER contribution_choice_no_change BEFORE UPDATE ON contribution_choice
BEGIN
    SELECT RAISE(ABORT, 'contribution choices are never changed: record a new one');
END;

CREATE TRIGGER contribution_choice_no_delete BEFORE DELETE ON contribution_choice
BEGIN
    SELECT RAISE(ABORT, 'contribution choices are never deleted');
END;

CREATE TRIGGER contribution_payment_no_change BEFORE UPDATE ON contribution_payment
BEGIN
    SELECT RAISE(ABORT, 'contribution payments are never changed');
END;

CREATE TRIGGER contribution_payment_no_delete BEFORE DELETE ON contribution_payment
BEGIN
    SELECT RAISE(ABORT, 'contribution payments are never deleted');
END;
