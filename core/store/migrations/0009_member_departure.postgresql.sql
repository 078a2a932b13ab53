-- See the SQLite part: the latest journal note of the member's household that names the member's code
-- "(P-…)", the text after the first ": " that follows the code.
UPDATE person SET departure_reason = COALESCE((
    SELECT btrim(substr(rest, strpos(rest, ': ') + 2))
    FROM (SELECT substr(n.body, strpos(n.body, '(' || person.code || ')')) AS rest, n.written_at, n.id
          FROM household_note n
          WHERE n.household_id = person.household_id AND strpos(n.body, '(' || person.code || ')') > 0) AS t
    WHERE strpos(rest, ': ') > 0
    ORDER BY written_at DESC, id DESC LIMIT 1), '')
WHERE left_on IS NOT NULL;
