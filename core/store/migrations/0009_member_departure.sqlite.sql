-- The latest journal note of the member's household that names the member's code "(P-…)", the text after the
-- first ": " that follows the code (the note's date has no ": ", in English or in French " : ").
UPDATE person SET departure_reason = COALESCE((
    SELECT trim(substr(rest, instr(rest, ': ') + 2))
    FROM (SELECT substr(n.body, instr(n.body, '(' || person.code || ')')) AS rest, n.written_at, n.id
          FROM household_note n
          WHERE n.household_id = person.household_id AND instr(n.body, '(' || person.code || ')') > 0)
    WHERE instr(rest, ': ') > 0
    ORDER BY written_at DESC, id DESC LIMIT 1), '')
WHERE left_on IS NOT NULL;
