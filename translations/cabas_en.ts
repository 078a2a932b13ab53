<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>AccessPolicy</name>
    <message>
        <source>households, members, cards and consents</source>
        <translation>households, members, cards and consents</translation>
    </message>
    <message>
        <source>card ledger and spending</source>
        <translation>card ledger and spending</translation>
    </message>
    <message>
        <source>health follow-up</source>
        <translation>health follow-up</translation>
    </message>
    <message>
        <source>workshops and attendance</source>
        <translation>workshops and attendance</translation>
    </message>
    <message>
        <source>cohort figures</source>
        <translation>cohort figures</translation>
    </message>
    <message>
        <source>users, settings and audit trail</source>
        <translation>users, settings and audit trail</translation>
    </message>
    <message>
        <source>read</source>
        <translation>read</translation>
    </message>
    <message>
        <source>change</source>
        <translation>change</translation>
    </message>
    <message>
        <source>see figures on</source>
        <translation>see figures on</translation>
    </message>
    <message>
        <source>publish figures on</source>
        <translation>publish figures on</translation>
    </message>
    <message>
        <source>Access denied: a %1 may not %2 the %3.</source>
        <translation>Access denied: a %1 may not %2 the %3.</translation>
    </message>
</context>
<context>
    <name>AttendanceImport</name>
    <message>
        <source>%1: the column %2 is missing</source>
        <translation>%1: the column %2 is missing</translation>
    </message>
    <message>
        <source>%1: unknown column &quot;%2&quot; ignored</source>
        <translation>%1: unknown column &quot;%2&quot; ignored</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a date (YYYY-MM-DD or DD/MM/YYYY)</source>
        <translation>&quot;%1&quot; is not a date (YYYY-MM-DD or DD/MM/YYYY)</translation>
    </message>
    <message>
        <source>%1 is in the future: attendance is recorded on the day or after</source>
        <translation>%1 is in the future: attendance is recorded on the day or after</translation>
    </message>
    <message>
        <source>&quot;%1&quot; must be one of %2</source>
        <translation>&quot;%1&quot; must be one of %2</translation>
    </message>
    <message>
        <source>the workshop&apos;s title is required</source>
        <translation>the workshop&apos;s title is required</translation>
    </message>
    <message>
        <source>at most 200 characters</source>
        <translation>at most 200 characters</translation>
    </message>
    <message>
        <source>the person&apos;s code is required</source>
        <translation>the person&apos;s code is required</translation>
    </message>
    <message>
        <source>there is no person %1</source>
        <translation>there is no person %1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; must be yes, no, oui or non</source>
        <translation>&quot;%1&quot; must be yes, no, oui or non</translation>
    </message>
    <message>
        <source>%1 is listed twice for this workshop (also line %2)</source>
        <translation>%1 is listed twice for this workshop (also line %2)</translation>
    </message>
    <message>
        <source>the workshop &quot;%1&quot; was cancelled: no attendance can be recorded</source>
        <translation>the workshop &quot;%1&quot; was cancelled: no attendance can be recorded</translation>
    </message>
    <message>
        <source>Nothing was imported:</source>
        <translation>Nothing was imported:</translation>
    </message>
    <message>
        <source>import %1</source>
        <translation>import %1</translation>
    </message>
</context>
<context>
    <name>AttendanceImportReport</name>
    <message>
        <source>%1 new workshops, %2 new attendances, %3 updated, %4 already there unchanged.</source>
        <translation>%1 new workshops, %2 new attendances, %3 updated, %4 already there unchanged.</translation>
    </message>
</context>
<context>
    <name>AuditTrail</name>
    <message>
        <source>Audit record %1 is missing (the next one is %2).</source>
        <translation>Audit record %1 is missing (the next one is %2).</translation>
    </message>
    <message>
        <source>Audit record %1 is out of order.</source>
        <translation>Audit record %1 is out of order.</translation>
    </message>
    <message>
        <source>Audit record %1 does not follow record %2: a record was removed, replaced or moved.</source>
        <translation>Audit record %1 does not follow record %2: a record was removed, replaced or moved.</translation>
    </message>
    <message>
        <source>Audit record %1 was changed after it was written.</source>
        <translation>Audit record %1 was changed after it was written.</translation>
    </message>
    <message>
        <source>Audit records %1 to %2 are missing at the end of the trail.</source>
        <translation>Audit records %1 to %2 are missing at the end of the trail.</translation>
    </message>
    <message>
        <source>Audit record %1 was added outside Cabas.</source>
        <translation>Audit record %1 was added outside Cabas.</translation>
    </message>
    <message>
        <source>The audit trail is intact: %1 records, ending with %2.</source>
        <translation>The audit trail is intact: %1 records, ending with %2.</translation>
    </message>
</context>
<context>
    <name>Authenticator</name>
    <message>
        <source>Wrong login or password.</source>
        <translation>Wrong login or password.</translation>
    </message>
    <message>
        <source>The account %1 is disabled; ask an administrator.</source>
        <translation>The account %1 is disabled; ask an administrator.</translation>
    </message>
    <message>
        <source>The account %1 is locked after %2 failed attempts, until %3. An administrator can unlock it by setting a new password.</source>
        <translation>The account %1 is locked after %2 failed attempts, until %3. An administrator can unlock it by setting a new password.</translation>
    </message>
    <message>
        <source>Access denied: the database login %1 is not allowed to act as a %2.</source>
        <translation>Access denied: the database login %1 is not allowed to act as a %2.</translation>
    </message>
    <message>
        <source>The account %1 has no key slot in this database&apos;s key ring (it was made before the key ring): an administrator must set a new password for it, then it can log in.</source>
        <translation>The account %1 has no key slot in this database&apos;s key ring (it was made before the key ring): an administrator must set a new password for it, then it can log in.</translation>
    </message>
</context>
<context>
    <name>Backup</name>
    <message>
        <source>Backup failed: no SQLite connection.</source>
        <translation>Backup failed: no SQLite connection.</translation>
    </message>
    <message>
        <source>Backup failed: %1</source>
        <translation>Backup failed: %1</translation>
    </message>
    <message>
        <source>The backup was cancelled; no file was written.</source>
        <translation>The backup was cancelled; no file was written.</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>Cannot open %1: %2</translation>
    </message>
    <message>
        <source>%1 is not installed; it is needed to back up or restore a PostgreSQL database (Debian: postgresql-client).</source>
        <translation>%1 is not installed; it is needed to back up or restore a PostgreSQL database (Debian: postgresql-client).</translation>
    </message>
    <message>
        <source>Cannot start %1: %2</source>
        <translation>Cannot start %1: %2</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 failed: %2</translation>
    </message>
    <message>
        <source>%1 already exists; choose another name (a backup never replaces a file).</source>
        <translation>%1 already exists; choose another name (a backup never replaces a file).</translation>
    </message>
    <message>
        <source>The folder of %1 does not exist.</source>
        <translation>The folder of %1 does not exist.</translation>
    </message>
    <message>
        <source>Cannot write %1.</source>
        <translation>Cannot write %1.</translation>
    </message>
    <message>
        <source>%1 is not a file.</source>
        <translation>%1 is not a file.</translation>
    </message>
    <message>
        <source>%1 is not a backup of a Cabas database on SQLite.</source>
        <translation>%1 is not a backup of a Cabas database on SQLite.</translation>
    </message>
    <message>
        <source>Cannot connect to %1 to restore into it; create the empty database first.</source>
        <translation>Cannot connect to %1 to restore into it; create the empty database first.</translation>
    </message>
    <message>
        <source>%1 is not empty; a backup is restored only into an empty database.</source>
        <translation>%1 is not empty; a backup is restored only into an empty database.</translation>
    </message>
</context>
<context>
    <name>Card</name>
    <message>
        <source>card_id: the card id is required</source>
        <translation>card_id: the card id is required</translation>
    </message>
    <message>
        <source>card_id: &quot;%1&quot; is not a valid card id</source>
        <translation>card_id: &quot;%1&quot; is not a valid card id</translation>
    </message>
    <message>
        <source>replaces: a card cannot replace itself</source>
        <translation>replaces: a card cannot replace itself</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>Blocked</translation>
    </message>
    <message>
        <source>Lost</source>
        <translation>Lost</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Closed</translation>
    </message>
</context>
<context>
    <name>CardRepository</name>
    <message>
        <source>The card %1 is already known.</source>
        <translation>The card %1 is already known.</translation>
    </message>
    <message>
        <source>No such card.</source>
        <translation>No such card.</translation>
    </message>
    <message>
        <source>effective_on: the date of the card change is required</source>
        <translation>effective_on: the date of the card change is required</translation>
    </message>
</context>
<context>
    <name>Checkup</name>
    <message>
        <source>person_code: the checkup belongs to a person</source>
        <translation>person_code: the checkup belongs to a person</translation>
    </message>
    <message>
        <source>date: the date of the checkup is required</source>
        <translation>date: the date of the checkup is required</translation>
    </message>
    <message>
        <source>wave: the follow-up wave (M0, M6 ...) is required</source>
        <translation>wave: the follow-up wave (M0, M6 ...) is required</translation>
    </message>
    <message>
        <source>weight_kg: must be between 2 and 350 kg</source>
        <translation>weight_kg: must be between 2 and 350 kg</translation>
    </message>
    <message>
        <source>height_cm: must be between 40 and 230 cm</source>
        <translation>height_cm: must be between 40 and 230 cm</translation>
    </message>
    <message>
        <source>waist_cm: must be between 30 and 250 cm</source>
        <translation>waist_cm: must be between 30 and 250 cm</translation>
    </message>
    <message>
        <source>systolic_mmhg: must be between 60 and 260 mmHg</source>
        <translation>systolic_mmhg: must be between 60 and 260 mmHg</translation>
    </message>
    <message>
        <source>diastolic_mmhg: must be between 30 and 160 mmHg</source>
        <translation>diastolic_mmhg: must be between 30 and 160 mmHg</translation>
    </message>
    <message>
        <source>glucose_g_l: must be between 0.2 and 6 g/L</source>
        <translation>glucose_g_l: must be between 0.2 and 6 g/L</translation>
    </message>
    <message>
        <source>systolic_mmhg: the systolic pressure must be above the diastolic pressure</source>
        <translation>systolic_mmhg: the systolic pressure must be above the diastolic pressure</translation>
    </message>
    <message>
        <source>diastolic_mmhg: blood pressure needs both the systolic and the diastolic value</source>
        <translation>diastolic_mmhg: blood pressure needs both the systolic and the diastolic value</translation>
    </message>
</context>
<context>
    <name>CheckupRepository</name>
    <message>
        <source>This person already has a checkup for wave %1.</source>
        <translation>This person already has a checkup for wave %1.</translation>
    </message>
    <message>
        <source>This checkup was corrected by someone else since you opened it; reopen it to see their values.</source>
        <translation>This checkup was corrected by someone else since you opened it; reopen it to see their values.</translation>
    </message>
    <message>
        <source>reason: a correction needs its reason</source>
        <translation>reason: a correction needs its reason</translation>
    </message>
</context>
<context>
    <name>Cli</name>
    <message>
        <source>no database given: use --db FILE.cabas or --db postgresql://..., or set CABAS_DB</source>
        <translation>no database given: use --db FILE.cabas or --db postgresql://..., or set CABAS_DB</translation>
    </message>
    <message>
        <source>init needs --admin LOGIN</source>
        <translation>init needs --admin LOGIN</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>Cannot read %1: %2</translation>
    </message>
    <message>
        <source>%1: offset %2: not valid JSON (%3)</source>
        <translation>%1: offset %2: not valid JSON (%3)</translation>
    </message>
    <message>
        <source>%1: the programme must be a JSON object</source>
        <translation>%1: the programme must be a JSON object</translation>
    </message>
    <message>
        <source>Created %1 (programme &quot;%2&quot;, administrator %3).</source>
        <translation>Created %1 (programme &quot;%2&quot;, administrator %3).</translation>
    </message>
    <message>
        <source>--households must be a whole number from 1 to %1, not &quot;%2&quot;</source>
        <translation>--households must be a whole number from 1 to %1, not &quot;%2&quot;</translation>
    </message>
    <message>
        <source>--seed must be a whole number, not &quot;%1&quot;</source>
        <translation>--seed must be a whole number, not &quot;%1&quot;</translation>
    </message>
    <message>
        <source>Demo: %1 of %2 households</source>
        <translation>Demo: %1 of %2 households</translation>
    </message>
    <message>
        <source>Demo written to %1: %2 households, %3 persons, %4 cards, %5 consents, %6 staff accounts (%7 s).</source>
        <translation>Demo written to %1: %2 households, %3 persons, %4 cards, %5 consents, %6 staff accounts (%7 s).</translation>
    </message>
    <message>
        <source>Database: %1 (%2)</source>
        <translation>Database: %1 (%2)</translation>
    </message>
    <message>
        <source>Schema version: %1</source>
        <translation>Schema version: %1</translation>
    </message>
    <message>
        <source>Programme: %1</source>
        <translation>Programme: %1</translation>
    </message>
    <message>
        <source>Users: %1</source>
        <translation>Users: %1</translation>
    </message>
    <message>
        <source>Households: %1</source>
        <translation>Households: %1</translation>
    </message>
    <message>
        <source>Persons: %1</source>
        <translation>Persons: %1</translation>
    </message>
    <message>
        <source>Cards: %1</source>
        <translation>Cards: %1</translation>
    </message>
    <message>
        <source>This database has no programme.</source>
        <translation>This database has no programme.</translation>
    </message>
    <message>
        <source>Create a new database with its programme and first administrator.</source>
        <translation>Create a new database with its programme and first administrator.</translation>
    </message>
    <message>
        <source>Login of the first administrator.</source>
        <translation>Login of the first administrator.</translation>
    </message>
    <message>
        <source>Name shown for the administrator.</source>
        <translation>Name shown for the administrator.</translation>
    </message>
    <message>
        <source>Programme settings (JSON, see docs/programme-json.md); default: 40 EUR per adult, 20 EUR per child a month, waves M0, M6, M12, M18.</source>
        <translation>Programme settings (JSON, see docs/programme-json.md); default: 40 EUR per adult, 20 EUR per child a month, waves M0, M6, M12, M18.</translation>
    </message>
    <message>
        <source>Number of households, 1 to 100000 (default 60).</source>
        <translation>Number of households, 1 to 100000 (default 60).</translation>
    </message>
    <message>
        <source>Seed of the generator (default 2024): same seed, same data.</source>
        <translation>Seed of the generator (default 2024): same seed, same data.</translation>
    </message>
    <message>
        <source>Show the database&apos;s schema version, programme and counts.</source>
        <translation>Show the database&apos;s schema version, programme and counts.</translation>
    </message>
    <message>
        <source>text (default) or json.</source>
        <translation>text (default) or json.</translation>
    </message>
    <message>
        <source>Usage: cabas-cli [--db DB] [--user LOGIN --password-file FILE] COMMAND [ARGS]</source>
        <translation>Usage: cabas-cli [--db DB] [--user LOGIN --password-file FILE] COMMAND [ARGS]</translation>
    </message>
    <message>
        <source>Cabas: follow-up of sustainable food card programmes, from the command line.</source>
        <translation>Cabas: follow-up of sustainable food card programmes, from the command line.</translation>
    </message>
    <message>
        <source>Commands:</source>
        <translation>Commands:</translation>
    </message>
    <message>
        <source>a file (SQLite) or postgresql://user@host:port/dbname; default $CABAS_DB</source>
        <translation>a file (SQLite) or postgresql://user@host:port/dbname; default $CABAS_DB</translation>
    </message>
    <message>
        <source>log in as this user</source>
        <translation>log in as this user</translation>
    </message>
    <message>
        <source>this help; COMMAND --help for a command&apos;s</source>
        <translation>this help; COMMAND --help for a command&apos;s</translation>
    </message>
    <message>
        <source>the version of Cabas</source>
        <translation>the version of Cabas</translation>
    </message>
    <message>
        <source>Exit status: 0 success, 1 failure (reason on stderr), 2 usage error.</source>
        <translation>Exit status: 0 success, 1 failure (reason on stderr), 2 usage error.</translation>
    </message>
    <message>
        <source>cabas-cli: no command given.</source>
        <translation>cabas-cli: no command given.</translation>
    </message>
    <message>
        <source>cabas-cli: unknown command &quot;%1&quot;.</source>
        <translation>cabas-cli: unknown command &quot;%1&quot;.</translation>
    </message>
    <message>
        <source>See: cabas-cli %1 --help</source>
        <translation>See: cabas-cli %1 --help</translation>
    </message>
    <message>
        <source>missing argument: %1</source>
        <translation>missing argument: %1</translation>
    </message>
    <message>
        <source>unexpected argument &quot;%1&quot;</source>
        <translation>unexpected argument &quot;%1&quot;</translation>
    </message>
    <message>
        <source>this command needs a user: --user LOGIN (with --password-file FILE, or typed at the prompt)</source>
        <translation>this command needs a user: --user LOGIN (with --password-file FILE, or typed at the prompt)</translation>
    </message>
    <message>
        <source>--user needs --password-file FILE when there is no terminal to ask on</source>
        <translation>--user needs --password-file FILE when there is no terminal to ask on</translation>
    </message>
    <message>
        <source>Password for %1: </source>
        <translation>Password for %1: </translation>
    </message>
    <message>
        <source>--format must be one of %1, not &quot;%2&quot;</source>
        <translation>--format must be one of %1, not &quot;%2&quot;</translation>
    </message>
    <message>
        <source>--password-file FILE is needed (the password of %1 on its first line)</source>
        <translation>--password-file FILE is needed (the password of %1 on its first line)</translation>
    </message>
    <message>
        <source>New password for %1: </source>
        <translation>New password for %1: </translation>
    </message>
    <message>
        <source>The same password again: </source>
        <translation>The same password again: </translation>
    </message>
    <message>
        <source>The two passwords differ; nothing was changed.</source>
        <translation>The two passwords differ; nothing was changed.</translation>
    </message>
    <message>
        <source>--role must be one of social_worker, nurse, coordinator, admin</source>
        <translation>--role must be one of social_worker, nurse, coordinator, admin</translation>
    </message>
    <message>
        <source>User %1 added (%2).</source>
        <translation>User %1 added (%2).</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>disabled</translation>
    </message>
    <message>
        <source>locked</source>
        <translation>locked</translation>
    </message>
    <message>
        <source>active</source>
        <translation>active</translation>
    </message>
    <message>
        <source>User %1 disabled.</source>
        <translation>User %1 disabled.</translation>
    </message>
    <message>
        <source>User %1 enabled.</source>
        <translation>User %1 enabled.</translation>
    </message>
    <message>
        <source>Password of %1 changed; the account is unlocked.</source>
        <translation>Password of %1 changed; the account is unlocked.</translation>
    </message>
    <message>
        <source>--since must be a date YYYY-MM-DD or DD/MM/YYYY, not &quot;%1&quot;</source>
        <translation>--since must be a date YYYY-MM-DD or DD/MM/YYYY, not &quot;%1&quot;</translation>
    </message>
    <message>
        <source>--limit must be a positive whole number, not &quot;%1&quot;</source>
        <translation>--limit must be a positive whole number, not &quot;%1&quot;</translation>
    </message>
    <message>
        <source>Database roles ready: %1. Give each member of staff a login in their role&apos;s group, for example: CREATE ROLE anne LOGIN PASSWORD &apos;...&apos; IN ROLE %2;</source>
        <translation>Database roles ready: %1. Give each member of staff a login in their role&apos;s group, for example: CREATE ROLE anne LOGIN PASSWORD &apos;...&apos; IN ROLE %2;</translation>
    </message>
    <message>
        <source>The administrator&apos;s password, on the file&apos;s first line.</source>
        <translation>The administrator&apos;s password, on the file&apos;s first line.</translation>
    </message>
    <message>
        <source>Fill a new database with a realistic demo programme (administrators).</source>
        <translation>Fill a new database with a realistic demo programme (administrators).</translation>
    </message>
    <message>
        <source>Show the programme settings as JSON.</source>
        <translation>Show the programme settings as JSON.</translation>
    </message>
    <message>
        <source>Add a user (administrators).</source>
        <translation>Add a user (administrators).</translation>
    </message>
    <message>
        <source>social_worker, nurse, coordinator or admin.</source>
        <translation>social_worker, nurse, coordinator or admin.</translation>
    </message>
    <message>
        <source>Name shown for the user.</source>
        <translation>Name shown for the user.</translation>
    </message>
    <message>
        <source>The new user&apos;s password, on the file&apos;s first line.</source>
        <translation>The new user&apos;s password, on the file&apos;s first line.</translation>
    </message>
    <message>
        <source>List the users (administrators).</source>
        <translation>List the users (administrators).</translation>
    </message>
    <message>
        <source>Disable a user: they can no longer log in; their history stays (administrators).</source>
        <translation>Disable a user: they can no longer log in; their history stays (administrators).</translation>
    </message>
    <message>
        <source>Enable a disabled user (administrators).</source>
        <translation>Enable a disabled user (administrators).</translation>
    </message>
    <message>
        <source>Set a user&apos;s password and unlock the account (administrators; anyone for their own).</source>
        <translation>Set a user&apos;s password and unlock the account (administrators; anyone for their own).</translation>
    </message>
    <message>
        <source>The new password, on the file&apos;s first line.</source>
        <translation>The new password, on the file&apos;s first line.</translation>
    </message>
    <message>
        <source>Check the whole audit chain; name the first broken or missing record (administrators).</source>
        <translation>Check the whole audit chain; name the first broken or missing record (administrators).</translation>
    </message>
    <message>
        <source>List audit records, newest first (administrators).</source>
        <translation>List audit records, newest first (administrators).</translation>
    </message>
    <message>
        <source>Only records from this date (YYYY-MM-DD).</source>
        <translation>Only records from this date (YYYY-MM-DD).</translation>
    </message>
    <message>
        <source>Only this user&apos;s records.</source>
        <translation>Only this user&apos;s records.</translation>
    </message>
    <message>
        <source>Only records about this table.</source>
        <translation>Only records about this table.</translation>
    </message>
    <message>
        <source>At most this many records (default 1000).</source>
        <translation>At most this many records (default 1000).</translation>
    </message>
    <message>
        <source>text (default), csv or json.</source>
        <translation>text (default), csv or json.</translation>
    </message>
    <message>
        <source>PostgreSQL: create one database role per Cabas role, with the privileges of the access rules (administrators; run again after an upgrade).</source>
        <translation>PostgreSQL: create one database role per Cabas role, with the privileges of the access rules (administrators; run again after an upgrade).</translation>
    </message>
    <message>
        <source>Prefix of the role names (default cabas: cabas_nurse ...).</source>
        <translation>Prefix of the role names (default cabas: cabas_nurse ...).</translation>
    </message>
    <message>
        <source>Global options (before the command):</source>
        <translation>Global options (before the command):</translation>
    </message>
    <message>
        <source>file whose first line is that user&apos;s password (else asked on the terminal)</source>
        <translation>file whose first line is that user&apos;s password (else asked on the terminal)</translation>
    </message>
    <message>
        <source>Every command but init needs a user. --db, --user and --password-file may also follow the command, unless the command has an option of that name.</source>
        <translation>Every command but init needs a user. --db, --user and --password-file may also follow the command, unless the command has an option of that name.</translation>
    </message>
    <message>
        <source>Usage: cabas-cli [GLOBAL OPTIONS] %1 [OPTIONS]</source>
        <translation>Usage: cabas-cli [GLOBAL OPTIONS] %1 [OPTIONS]</translation>
    </message>
    <message>
        <source>Options:</source>
        <translation>Options:</translation>
    </message>
    <message>
        <source>cabas-cli: unknown option &quot;%1&quot;.</source>
        <translation>cabas-cli: unknown option &quot;%1&quot;.</translation>
    </message>
    <message>
        <source>cabas-cli: %1 needs a value.</source>
        <translation>cabas-cli: %1 needs a value.</translation>
    </message>
    <message>
        <source>warning: %1</source>
        <translation>warning: %1</translation>
    </message>
    <message>
        <source>Nothing was imported.</source>
        <translation>Nothing was imported.</translation>
    </message>
    <message>
        <source>Check only, nothing written. %1</source>
        <translation>Check only, nothing written. %1</translation>
    </message>
    <message>
        <source>Imported. %1</source>
        <translation>Imported. %1</translation>
    </message>
    <message>
        <source>Import households, members and cards from persons.csv: all or nothing, located errors, the same file twice changes nothing (social workers).</source>
        <translation>Import households, members and cards from persons.csv: all or nothing, located errors, the same file twice changes nothing (social workers).</translation>
    </message>
    <message>
        <source>Check the file and say what would change, without writing.</source>
        <translation>Check the file and say what would change, without writing.</translation>
    </message>
    <message>
        <source>Import health checkups from checkups.csv: all or nothing, located errors, consent checked (nurses).</source>
        <translation>Import health checkups from checkups.csv: all or nothing, located errors, consent checked (nurses).</translation>
    </message>
    <message>
        <source>Import diet questionnaires from questionnaires.csv: all or nothing, located errors, consent checked (nurses).</source>
        <translation>Import diet questionnaires from questionnaires.csv: all or nothing, located errors, consent checked (nurses).</translation>
    </message>
    <message>
        <source>--status must be one of %1</source>
        <translation>--status must be one of %1</translation>
    </message>
    <message>
        <source>The nurses&apos; work list: each wave of each consenting person with its window and status today (nurses).</source>
        <translation>The nurses&apos; work list: each wave of each consenting person with its window and status today (nurses).</translation>
    </message>
    <message>
        <source>Only upcoming, due, overdue or done.</source>
        <translation>Only upcoming, due, overdue or done.</translation>
    </message>
    <message>
        <source>FILE (where to write the backup)</source>
        <translation>FILE (where to write the backup)</translation>
    </message>
    <message>
        <source>Backup: %1 %</source>
        <translation>Backup: %1 %</translation>
    </message>
    <message>
        <source>Backup written to %1 (%2 bytes).</source>
        <translation>Backup written to %1 (%2 bytes).</translation>
    </message>
    <message>
        <source>BACKUP (the file to restore)</source>
        <translation>BACKUP (the file to restore)</translation>
    </message>
    <message>
        <source>restore needs --to DB: a new file, or an empty PostgreSQL database</source>
        <translation>restore needs --to DB: a new file, or an empty PostgreSQL database</translation>
    </message>
    <message>
        <source>restore needs --user LOGIN: an administrator of the backed-up database</source>
        <translation>restore needs --user LOGIN: an administrator of the backed-up database</translation>
    </message>
    <message>
        <source>Restored %1 into %2.</source>
        <translation>Restored %1 into %2.</translation>
    </message>
    <message>
        <source>Write a consistent backup of the database to FILE, which must not exist (administrators; SQLite&apos;s online backup, or pg_dump).</source>
        <translation>Write a consistent backup of the database to FILE, which must not exist (administrators; SQLite&apos;s online backup, or pg_dump).</translation>
    </message>
    <message>
        <source>Restore BACKUP into a new database (--to), after checking that --user is one of its administrators.</source>
        <translation>Restore BACKUP into a new database (--to), after checking that --user is one of its administrators.</translation>
    </message>
    <message>
        <source>The new database: a file that does not exist yet, or an empty PostgreSQL database.</source>
        <translation>The new database: a file that does not exist yet, or an empty PostgreSQL database.</translation>
    </message>
    <message>
        <source>--%1 YYYY-MM-DD is needed</source>
        <translation>--%1 YYYY-MM-DD is needed</translation>
    </message>
    <message>
        <source>--%1: &quot;%2&quot; is not a date YYYY-MM-DD</source>
        <translation>--%1: &quot;%2&quot; is not a date YYYY-MM-DD</translation>
    </message>
    <message>
        <source>--to is before --from</source>
        <translation>--to is before --from</translation>
    </message>
    <message>
        <source>--disclosure must be internal or public, not &quot;%1&quot;</source>
        <translation>--disclosure must be internal or public, not &quot;%1&quot;</translation>
    </message>
    <message>
        <source>--format %1 needs --out FILE</source>
        <translation>--format %1 needs --out FILE</translation>
    </message>
    <message>
        <source>This cabas-cli was built without the desktop libraries: no PDF reports (use json, csv or xlsx).</source>
        <translation>This cabas-cli was built without the desktop libraries: no PDF reports (use json, csv or xlsx).</translation>
    </message>
    <message>
        <source>Cohort summary written to %1.</source>
        <translation>Cohort summary written to %1.</translation>
    </message>
    <message>
        <source>--out FILE is needed</source>
        <translation>--out FILE is needed</translation>
    </message>
    <message numerus="yes">
        <source>%n row(s) written to %1.</source>
        <translation>
            <numerusform>%n row written to %1.</numerusform>
            <numerusform>%n rows written to %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>First day of the period (YYYY-MM-DD).</source>
        <translation>First day of the period (YYYY-MM-DD).</translation>
    </message>
    <message>
        <source>Last day of the period (YYYY-MM-DD).</source>
        <translation>Last day of the period (YYYY-MM-DD).</translation>
    </message>
    <message>
        <source>Only households of this commune.</source>
        <translation>Only households of this commune.</translation>
    </message>
    <message>
        <source>Only households of this referent (login).</source>
        <translation>Only households of this referent (login).</translation>
    </message>
    <message>
        <source>Only households with this status today.</source>
        <translation>Only households with this status today.</translation>
    </message>
    <message>
        <source>json (default), csv, xlsx or pdf.</source>
        <translation>json (default), csv, xlsx or pdf.</translation>
    </message>
    <message>
        <source>Write to this file (JSON and CSV go to the output without it).</source>
        <translation>Write to this file (JSON and CSV go to the output without it).</translation>
    </message>
    <message>
        <source>internal (default) or public (small cells suppressed; coordinators).</source>
        <translation>internal (default) or public (small cells suppressed; coordinators).</translation>
    </message>
    <message>
        <source>csv (default) or xlsx.</source>
        <translation>csv (default) or xlsx.</translation>
    </message>
    <message>
        <source>The file to write.</source>
        <translation>The file to write.</translation>
    </message>
    <message>
        <source>Cohort indicators and series for a period (docs/cohort.md).</source>
        <translation>Cohort indicators and series for a period (docs/cohort.md).</translation>
    </message>
    <message>
        <source>The evaluators&apos; pseudonymised dataset: one row per person and wave, research consent only (coordinators).</source>
        <translation>The evaluators&apos; pseudonymised dataset: one row per person and wave, research consent only (coordinators).</translation>
    </message>
    <message>
        <source>--%1 DATE is required</source>
        <translation>--%1 DATE is required</translation>
    </message>
    <message>
        <source>--%1: &quot;%2&quot; is not a date (YYYY-MM-DD)</source>
        <translation>--%1: &quot;%2&quot; is not a date (YYYY-MM-DD)</translation>
    </message>
    <message>
        <source>--type must be one of %1</source>
        <translation>--type must be one of %1</translation>
    </message>
    <message>
        <source>Prevention step recorded for %1.</source>
        <translation>Prevention step recorded for %1.</translation>
    </message>
    <message>
        <source>Note: %1 withdrew the health follow-up consent; no new record can be made.</source>
        <translation>Note: %1 withdrew the health follow-up consent; no new record can be made.</translation>
    </message>
    <message>
        <source>give either a PERSON_CODE or --household CODE</source>
        <translation>give either a PERSON_CODE or --household CODE</translation>
    </message>
    <message>
        <source>--topic TEXT is required</source>
        <translation>--topic TEXT is required</translation>
    </message>
    <message>
        <source>Support session recorded for %1.</source>
        <translation>Support session recorded for %1.</translation>
    </message>
    <message>
        <source>Notes.</source>
        <translation>Notes.</translation>
    </message>
    <message>
        <source>Record a prevention step for a person (nurses; health follow-up consent on its date).</source>
        <translation>Record a prevention step for a person (nurses; health follow-up consent on its date).</translation>
    </message>
    <message>
        <source>The date of the step (YYYY-MM-DD).</source>
        <translation>The date of the step (YYYY-MM-DD).</translation>
    </message>
    <message>
        <source>screening_referral, vaccination, dental, nutrition_advice, physical_activity or other.</source>
        <translation>screening_referral, vaccination, dental, nutrition_advice, physical_activity or other.</translation>
    </message>
    <message>
        <source>The partner: CPAM, ARS, MSA, CAF, GP ...</source>
        <translation>The partner: CPAM, ARS, MSA, CAF, GP ...</translation>
    </message>
    <message>
        <source>What came of it.</source>
        <translation>What came of it.</translation>
    </message>
    <message>
        <source>When the next step is due (YYYY-MM-DD).</source>
        <translation>When the next step is due (YYYY-MM-DD).</translation>
    </message>
    <message>
        <source>A person&apos;s prevention steps (nurses; the reading is audited).</source>
        <translation>A person&apos;s prevention steps (nurses; the reading is audited).</translation>
    </message>
    <message>
        <source>Record an individual support session with a person, or with a household (--household).</source>
        <translation>Record an individual support session with a person, or with a household (--household).</translation>
    </message>
    <message>
        <source>A session with this whole household.</source>
        <translation>A session with this whole household.</translation>
    </message>
    <message>
        <source>The date of the session (YYYY-MM-DD).</source>
        <translation>The date of the session (YYYY-MM-DD).</translation>
    </message>
    <message>
        <source>The topic of the session.</source>
        <translation>The topic of the session.</translation>
    </message>
    <message>
        <source>A person&apos;s support sessions and their household&apos;s (nurses; the reading is audited).</source>
        <translation>A person&apos;s support sessions and their household&apos;s (nurses; the reading is audited).</translation>
    </message>
    <message>
        <source>--status must be one of candidate, enrolled, suspended, exited</source>
        <translation>--status must be one of candidate, enrolled, suspended, exited</translation>
    </message>
    <message>
        <source>There is no user %1.</source>
        <translation>There is no user %1.</translation>
    </message>
    <message numerus="yes">
        <source>%n household(s)</source>
        <translation>
            <numerusform>%n household</numerusform>
            <numerusform>%n households</numerusform>
        </translation>
    </message>
    <message>
        <source>There is no household %1.</source>
        <translation>There is no household %1.</translation>
    </message>
    <message>
        <source>Household %1: %2</source>
        <translation>Household %1: %2</translation>
    </message>
    <message>
        <source>Address: %1</source>
        <translation>Address: %1</translation>
    </message>
    <message>
        <source>Commune: %1 %2</source>
        <translation>Commune: %1 %2</translation>
    </message>
    <message>
        <source>Referent: %1</source>
        <translation>Referent: %1</translation>
    </message>
    <message>
        <source>Allowance for %1: %2 (%3 adult(s), %4 child(ren))</source>
        <translation>Allowance for %1: %2 (%3 adult(s), %4 child(ren))</translation>
    </message>
    <message>
        <source>Members:</source>
        <translation>Members:</translation>
    </message>
    <message>
        <source>	left on %1</source>
        <translation>	left on %1</translation>
    </message>
    <message>
        <source>Cards:</source>
        <translation>Cards:</translation>
    </message>
    <message>
        <source>	replaces %1</source>
        <translation>	replaces %1</translation>
    </message>
    <message>
        <source>List the households, optionally searched and filtered (social workers, nurses, administrators; coordinators by code only).</source>
        <translation>List the households, optionally searched and filtered (social workers, nurses, administrators; coordinators by code only).</translation>
    </message>
    <message>
        <source>Words to find in the code, a member&apos;s name or the commune (accents and case ignored).</source>
        <translation>Words to find in the code, a member&apos;s name or the commune (accents and case ignored).</translation>
    </message>
    <message>
        <source>Only candidate, enrolled, suspended or exited households.</source>
        <translation>Only candidate, enrolled, suspended or exited households.</translation>
    </message>
    <message>
        <source>Only the households of this commune.</source>
        <translation>Only the households of this commune.</translation>
    </message>
    <message>
        <source>Only the households this social worker follows.</source>
        <translation>Only the households this social worker follows.</translation>
    </message>
    <message>
        <source>At most this many households.</source>
        <translation>At most this many households.</translation>
    </message>
    <message>
        <source>Show a household&apos;s case file: members, cards, consents, status history, this month&apos;s allowance.</source>
        <translation>Show a household&apos;s case file: members, cards, consents, status history, this month&apos;s allowance.</translation>
    </message>
    <message>
        <source>%1: cannot read the token file (%2).</source>
        <translation>%1: cannot read the token file (%2).</translation>
    </message>
    <message>
        <source>%1, line 1: the token file is empty (it holds the card operator&apos;s token on its first line).</source>
        <translation>%1, line 1: the token file is empty (it holds the card operator&apos;s token on its first line).</translation>
    </message>
    <message>
        <source>missing --ledger URL (the card operator&apos;s feed address)</source>
        <translation>missing --ledger URL (the card operator&apos;s feed address)</translation>
    </message>
    <message>
        <source>missing --token-file FILE (the card operator&apos;s token on its first line)</source>
        <translation>missing --token-file FILE (the card operator&apos;s token on its first line)</translation>
    </message>
    <message>
        <source>--page-size must be a whole number from 1 to 1000, not &quot;%1&quot;</source>
        <translation>--page-size must be a whole number from 1 to 1000, not &quot;%1&quot;</translation>
    </message>
    <message>
        <source>Sync: %1 pages, %2 cards, %3 entries</source>
        <translation>Sync: %1 pages, %2 cards, %3 entries</translation>
    </message>
    <message>
        <source>Sync: %1</source>
        <translation>Sync: %1</translation>
    </message>
    <message>
        <source>Synced from %1: %2 pages, %3 cards, %4 entries received; %5 stored (%6 new, %7 revised), %8 already up to date; %9 s.</source>
        <translation>Synced from %1: %2 pages, %3 cards, %4 entries received; %5 stored (%6 new, %7 revised), %8 already up to date; %9 s.</translation>
    </message>
    <message>
        <source>%1 requests were tried again; the feed restarted from the beginning %2 times.</source>
        <translation>%1 requests were tried again; the feed restarted from the beginning %2 times.</translation>
    </message>
    <message>
        <source>Pull the card operator&apos;s ledger feed: cards and entries since the last sync (administrators).</source>
        <translation>Pull the card operator&apos;s ledger feed: cards and entries since the last sync (administrators).</translation>
    </message>
    <message>
        <source>The feed address (https://...; http only to this computer).</source>
        <translation>The feed address (https://...; http only to this computer).</translation>
    </message>
    <message>
        <source>File with the operator&apos;s token on its first line.</source>
        <translation>File with the operator&apos;s token on its first line.</translation>
    </message>
    <message>
        <source>Entries asked per page, 1 to 1000 (default 500).</source>
        <translation>Entries asked per page, 1 to 1000 (default 500).</translation>
    </message>
    <message>
        <source>Every card of the ledger belongs to a household.</source>
        <translation>Every card of the ledger belongs to a household.</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n entries</source>
        <translation>
            <numerusform>%1: %n entry</numerusform>
            <numerusform>%1: %n entries</numerusform>
        </translation>
    </message>
    <message>
        <source>, %1 posted, %2 to %3</source>
        <translation>, %1 posted, %2 to %3</translation>
    </message>
    <message>
        <source>, account %1 unknown</source>
        <translation>, account %1 unknown</translation>
    </message>
    <message>
        <source>expected CARD HOUSEHOLD_CODE</source>
        <translation>expected CARD HOUSEHOLD_CODE</translation>
    </message>
    <message>
        <source>Card %1 linked to household %2.</source>
        <translation>Card %1 linked to household %2.</translation>
    </message>
    <message>
        <source>Import a card operator&apos;s ledger export (CSV): all or nothing, located errors, the highest revision wins (administrators).</source>
        <translation>Import a card operator&apos;s ledger export (CSV): all or nothing, located errors, the highest revision wins (administrators).</translation>
    </message>
    <message>
        <source>Counts and sums of the stored ledger by kind and status, each entry once at its latest revision.</source>
        <translation>Counts and sums of the stored ledger by kind and status, each entry once at its latest revision.</translation>
    </message>
    <message>
        <source>Output format: json.</source>
        <translation>Output format: json.</translation>
    </message>
    <message>
        <source>Cards of the ledger that no household claims yet.</source>
        <translation>Cards of the ledger that no household claims yet.</translation>
    </message>
    <message>
        <source>Output format: text or json.</source>
        <translation>Output format: text or json.</translation>
    </message>
    <message>
        <source>Link a card of the ledger to a household by hand; its entries follow (social workers).</source>
        <translation>Link a card of the ledger to a household by hand; its entries follow (social workers).</translation>
    </message>
    <message>
        <source>%1/%2 places</source>
        <translation>%1/%2 places</translation>
    </message>
    <message>
        <source>%1 registered</source>
        <translation>%1 registered</translation>
    </message>
    <message>
        <source>%1 waiting</source>
        <translation>%1 waiting</translation>
    </message>
    <message>
        <source>%1 present, %2 absent</source>
        <translation>%1 present, %2 absent</translation>
    </message>
    <message>
        <source>cancelled on %1</source>
        <translation>cancelled on %1</translation>
    </message>
    <message>
        <source>--date DATE is required</source>
        <translation>--date DATE is required</translation>
    </message>
    <message>
        <source>--%1: &quot;%2&quot; is not a time (HH:MM)</source>
        <translation>--%1: &quot;%2&quot; is not a time (HH:MM)</translation>
    </message>
    <message>
        <source>--capacity must be a number of places (0: no limit)</source>
        <translation>--capacity must be a number of places (0: no limit)</translation>
    </message>
    <message>
        <source>Workshop %1 created: %2</source>
        <translation>Workshop %1 created: %2</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a workshop number (see workshop list)</source>
        <translation>&quot;%1&quot; is not a workshop number (see workshop list)</translation>
    </message>
    <message>
        <source>missing argument: WORKSHOP_ID PERSON_CODE...</source>
        <translation>missing argument: WORKSHOP_ID PERSON_CODE...</translation>
    </message>
    <message>
        <source>%1: registration cancelled.</source>
        <translation>%1: registration cancelled.</translation>
    </message>
    <message>
        <source>%1 moves up from the waiting list.</source>
        <translation>%1 moves up from the waiting list.</translation>
    </message>
    <message>
        <source>nothing to record: give --present CODES and/or --absent CODES</source>
        <translation>nothing to record: give --present CODES and/or --absent CODES</translation>
    </message>
    <message>
        <source>Attendance recorded: %1 present, %2 absent.</source>
        <translation>Attendance recorded: %1 present, %2 absent.</translation>
    </message>
    <message>
        <source>Workshops with their places, waiting list and attendance, by date.</source>
        <translation>Workshops with their places, waiting list and attendance, by date.</translation>
    </message>
    <message>
        <source>Only workshops from this date (YYYY-MM-DD).</source>
        <translation>Only workshops from this date (YYYY-MM-DD).</translation>
    </message>
    <message>
        <source>Only workshops up to this date (YYYY-MM-DD).</source>
        <translation>Only workshops up to this date (YYYY-MM-DD).</translation>
    </message>
    <message>
        <source>Create a workshop (social workers, nurses, coordinators).</source>
        <translation>Create a workshop (social workers, nurses, coordinators).</translation>
    </message>
    <message>
        <source>farm_visit, cooking, market_visit, cheese_making, bread_making or other.</source>
        <translation>farm_visit, cooking, market_visit, cheese_making, bread_making or other.</translation>
    </message>
    <message>
        <source>The workshop&apos;s title.</source>
        <translation>The workshop&apos;s title.</translation>
    </message>
    <message>
        <source>Its date (YYYY-MM-DD).</source>
        <translation>Its date (YYYY-MM-DD).</translation>
    </message>
    <message>
        <source>Start time (HH:MM).</source>
        <translation>Start time (HH:MM).</translation>
    </message>
    <message>
        <source>End time (HH:MM).</source>
        <translation>End time (HH:MM).</translation>
    </message>
    <message>
        <source>Where it takes place.</source>
        <translation>Where it takes place.</translation>
    </message>
    <message>
        <source>Partner producer or merchant.</source>
        <translation>Partner producer or merchant.</translation>
    </message>
    <message>
        <source>Number of places (default 0: no limit).</source>
        <translation>Number of places (default 0: no limit).</translation>
    </message>
    <message>
        <source>Register persons for a workshop (the waiting list when it is full), or cancel with --cancel.</source>
        <translation>Register persons for a workshop (the waiting list when it is full), or cancel with --cancel.</translation>
    </message>
    <message>
        <source>Cancel these registrations; the first on the waiting list takes a freed place.</source>
        <translation>Cancel these registrations; the first on the waiting list takes a freed place.</translation>
    </message>
    <message>
        <source>Record the day&apos;s attendance of registered persons: all or nothing.</source>
        <translation>Record the day&apos;s attendance of registered persons: all or nothing.</translation>
    </message>
    <message>
        <source>Codes of the persons present, separated by commas.</source>
        <translation>Codes of the persons present, separated by commas.</translation>
    </message>
    <message>
        <source>Codes of the persons absent, separated by commas.</source>
        <translation>Codes of the persons absent, separated by commas.</translation>
    </message>
    <message>
        <source>Import workshop attendance from attendance.csv: all or nothing, located errors, the same file twice changes nothing; missing workshops are created.</source>
        <translation>Import workshop attendance from attendance.csv: all or nothing, located errors, the same file twice changes nothing; missing workshops are created.</translation>
    </message>
    <message>
        <source>Set up the programme of a kind of scheme first: gers, vitalim, rennes or montpellier.</source>
        <translation>Set up the programme of a kind of scheme first: gers, vitalim, rennes or montpellier.</translation>
    </message>
    <message>
        <source>Set up the programme of this file first (JSON).</source>
        <translation>Set up the programme of this file first (JSON).</translation>
    </message>
    <message>
        <source>missing --%1 YYYY-MM-DD</source>
        <translation>missing --%1 YYYY-MM-DD</translation>
    </message>
    <message>
        <source>--%1 must be a date written YYYY-MM-DD, not &quot;%2&quot;</source>
        <translation>--%1 must be a date written YYYY-MM-DD, not &quot;%2&quot;</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>missing</translation>
    </message>
    <message numerus="yes">
        <source>duplicated (%n entries)</source>
        <translation>
            <numerusform>duplicated (%n entry)</numerusform>
            <numerusform>duplicated (%n entries)</numerusform>
        </translation>
    </message>
    <message>
        <source>not expected</source>
        <translation>not expected</translation>
    </message>
    <message>
        <source>wrong amount</source>
        <translation>wrong amount</translation>
    </message>
    <message>
        <source>%1 %2: expected %3, credited %4: %5</source>
        <translation>%1 %2: expected %3, credited %4: %5</translation>
    </message>
    <message>
        <source>--to (%1) is before --from (%2)</source>
        <translation>--to (%1) is before --from (%2)</translation>
    </message>
    <message>
        <source>%1 to %2: %3 household-months checked; allowance: %4 missing, %5 duplicated, %6 not expected, %7 wrong.</source>
        <translation>%1 to %2: %3 household-months checked; allowance: %4 missing, %5 duplicated, %6 not expected, %7 wrong.</translation>
    </message>
    <message>
        <source>Bonuses: %1 missing, %2 not expected, %3 wrong.</source>
        <translation>Bonuses: %1 missing, %2 not expected, %3 wrong.</translation>
    </message>
    <message>
        <source>Every allowance credit of %1 household-months matches the programme&apos;s rule.</source>
        <translation>Every allowance credit of %1 household-months matches the programme&apos;s rule.</translation>
    </message>
    <message>
        <source>%1 %2: no income assessment, so no expected amount (credited %3)</source>
        <translation>%1 %2: no income assessment, so no expected amount (credited %3)</translation>
    </message>
    <message>
        <source>Every bonus matches the programme&apos;s bonus rules.</source>
        <translation>Every bonus matches the programme&apos;s bonus rules.</translation>
    </message>
    <message>
        <source>Bonuses:</source>
        <translation>Bonuses:</translation>
    </message>
    <message>
        <source>Compare each household&apos;s monthly credits in the ledger with what the programme&apos;s rule gives: missing, duplicated or wrong credits (docs/reconciliation.md).</source>
        <translation>Compare each household&apos;s monthly credits in the ledger with what the programme&apos;s rule gives: missing, duplicated or wrong credits (docs/reconciliation.md).</translation>
    </message>
    <message>
        <source>First day of the period (its month is the first checked).</source>
        <translation>First day of the period (its month is the first checked).</translation>
    </message>
    <message>
        <source>Last day of the period (its month is the last checked).</source>
        <translation>Last day of the period (its month is the last checked).</translation>
    </message>
    <message>
        <source>Also check the bonuses against the bonus rules.</source>
        <translation>Also check the bonuses against the bonus rules.</translation>
    </message>
    <message>
        <source>Counts only, without households (coordinators).</source>
        <translation>Counts only, without households (coordinators).</translation>
    </message>
    <message>
        <source>give --scheme or --programme, not both</source>
        <translation>give --scheme or --programme, not both</translation>
    </message>
    <message>
        <source>--scheme must be one of %1, not &quot;%2&quot;</source>
        <translation>--scheme must be one of %1, not &quot;%2&quot;</translation>
    </message>
    <message>
        <source>Programme &quot;%1&quot; saved.</source>
        <translation>Programme &quot;%1&quot; saved.</translation>
    </message>
    <message>
        <source>%1: %2 a month for %3 consumption units (%4 a unit)</source>
        <translation>%1: %2 a month for %3 consumption units (%4 a unit)</translation>
    </message>
    <message>
        <source>, band %1: %2 a month</source>
        <translation>, band %1: %2 a month</translation>
    </message>
    <message>
        <source>, re-assess by %1, by %2</source>
        <translation>, re-assess by %1, by %2</translation>
    </message>
    <message>
        <source>missing --monthly-income-cents N (the declared monthly income, in cents)</source>
        <translation>missing --monthly-income-cents N (the declared monthly income, in cents)</translation>
    </message>
    <message>
        <source>--monthly-income-cents must be a whole number of cents, not &quot;%1&quot;</source>
        <translation>--monthly-income-cents must be a whole number of cents, not &quot;%1&quot;</translation>
    </message>
    <message>
        <source>--units must be a number of consumption units such as 1.8, not &quot;%1&quot;</source>
        <translation>--units must be a number of consumption units such as 1.8, not &quot;%1&quot;</translation>
    </message>
    <message>
        <source>Income of %1 recorded. %2</source>
        <translation>Income of %1 recorded. %2</translation>
    </message>
    <message>
        <source>Household %1 has no income assessment.</source>
        <translation>Household %1 has no income assessment.</translation>
    </message>
    <message>
        <source>Replace the programme settings by a programme file (docs/programme-json.md; administrators).</source>
        <translation>Replace the programme settings by a programme file (docs/programme-json.md; administrators).</translation>
    </message>
    <message>
        <source>Record a household&apos;s declared income for an income-band allowance (social workers).</source>
        <translation>Record a household&apos;s declared income for an income-band allowance (social workers).</translation>
    </message>
    <message>
        <source>Declared income a month, in cents.</source>
        <translation>Declared income a month, in cents.</translation>
    </message>
    <message>
        <source>Date from which the assessment applies.</source>
        <translation>Date from which the assessment applies.</translation>
    </message>
    <message>
        <source>Start of the period the income covers.</source>
        <translation>Start of the period the income covers.</translation>
    </message>
    <message>
        <source>End of the period the income covers.</source>
        <translation>End of the period the income covers.</translation>
    </message>
    <message>
        <source>Consumption units (default: counted from the members with the programme&apos;s weights).</source>
        <translation>Consumption units (default: counted from the members with the programme&apos;s weights).</translation>
    </message>
    <message>
        <source>A short note.</source>
        <translation>A short note.</translation>
    </message>
    <message>
        <source>A household&apos;s income assessments, oldest first, with the band each gives.</source>
        <translation>A household&apos;s income assessments, oldest first, with the band each gives.</translation>
    </message>
    <message>
        <source>Current password for %1: </source>
        <translation>Current password for %1: </translation>
    </message>
    <message>
        <source>missing --amount N (for example 12,50 or &quot;12,50 EUR&quot;)</source>
        <translation>missing --amount N (for example 12,50 or &quot;12,50 EUR&quot;)</translation>
    </message>
    <message>
        <source>--amount must be an amount such as 12,50 or &quot;12,50 EUR&quot;, not &quot;%1&quot;</source>
        <translation>--amount must be an amount such as 12,50 or &quot;12,50 EUR&quot;, not &quot;%1&quot;</translation>
    </message>
    <message>
        <source>missing --%1 YYYY-MM</source>
        <translation>missing --%1 YYYY-MM</translation>
    </message>
    <message>
        <source>--%1 must be a month written YYYY-MM, not &quot;%2&quot;</source>
        <translation>--%1 must be a month written YYYY-MM, not &quot;%2&quot;</translation>
    </message>
    <message>
        <source>Contribution of %1: %2 a month from %3.</source>
        <translation>Contribution of %1: %2 a month from %3.</translation>
    </message>
    <message>
        <source>--on must be a date written YYYY-MM-DD, not &quot;%1&quot;</source>
        <translation>--on must be a date written YYYY-MM-DD, not &quot;%1&quot;</translation>
    </message>
    <message>
        <source>Payment of %1 by %2 recorded on %3.</source>
        <translation>Payment of %1 by %2 recorded on %3.</translation>
    </message>
    <message>
        <source>Still owed: %1.</source>
        <translation>Still owed: %1.</translation>
    </message>
    <message>
        <source>Contributions of %1: %2 a month now; %3</source>
        <translation>Contributions of %1: %2 a month now; %3</translation>
    </message>
    <message>
        <source>%1 owed</source>
        <translation>%1 owed</translation>
    </message>
    <message>
        <source>nothing owed</source>
        <translation>nothing owed</translation>
    </message>
    <message>
        <source>Amounts chosen:</source>
        <translation>Amounts chosen:</translation>
    </message>
    <message>
        <source>from %1: %2 a month (by %3)</source>
        <translation>from %1: %2 a month (by %3)</translation>
    </message>
    <message>
        <source>Payments:</source>
        <translation>Payments:</translation>
    </message>
    <message>
        <source>%1: %2 (recorded by %3)</source>
        <translation>%1: %2 (recorded by %3)</translation>
    </message>
    <message>
        <source>Month     expected   paid   balance</source>
        <translation>Month     expected   paid   balance</translation>
    </message>
    <message>
        <source>No household owes contributions at the end of %1.</source>
        <translation>No household owes contributions at the end of %1.</translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 owed (%n month(s)), %3 a month, last paid %4</source>
        <translation>
            <numerusform>%1: %2 owed (%n month), %3 a month, last paid %4</numerusform>
            <numerusform>%1: %2 owed (%n months), %3 a month, last paid %4</numerusform>
        </translation>
    </message>
    <message>
        <source>never</source>
        <translation>never</translation>
    </message>
    <message>
        <source>Record the contribution a household chose to pay a month, from a month on (social workers).</source>
        <translation>Record the contribution a household chose to pay a month, from a month on (social workers).</translation>
    </message>
    <message>
        <source>Amount a month, such as 12,50 (in the programme&apos;s contribution currency; a label after it is checked).</source>
        <translation>Amount a month, such as 12,50 (in the programme&apos;s contribution currency; a label after it is checked).</translation>
    </message>
    <message>
        <source>The month from which it applies.</source>
        <translation>The month from which it applies.</translation>
    </message>
    <message>
        <source>Record a contribution payment received from a household (social workers).</source>
        <translation>Record a contribution payment received from a household (social workers).</translation>
    </message>
    <message>
        <source>Amount paid, such as 12,50.</source>
        <translation>Amount paid, such as 12,50.</translation>
    </message>
    <message>
        <source>Date of the payment (default: today).</source>
        <translation>Date of the payment (default: today).</translation>
    </message>
    <message>
        <source>A household&apos;s contributions: amounts chosen, payments, and month by month what is owed.</source>
        <translation>A household&apos;s contributions: amounts chosen, payments, and month by month what is owed.</translation>
    </message>
    <message>
        <source>Up to this month (default: this month).</source>
        <translation>Up to this month (default: this month).</translation>
    </message>
    <message>
        <source>Households owing contributions at the end of a month (not for coordinators).</source>
        <translation>Households owing contributions at the end of a month (not for coordinators).</translation>
    </message>
    <message>
        <source>The month (default: this month).</source>
        <translation>The month (default: this month).</translation>
    </message>
    <message>
        <source>text (default), json or csv.</source>
        <translation>text (default), json or csv.</translation>
    </message>
    <message>
        <source>missing option --%1 YYYY-MM-DD</source>
        <translation>missing option --%1 YYYY-MM-DD</translation>
    </message>
    <message>
        <source>--%1 must be a date YYYY-MM-DD, not &quot;%2&quot;</source>
        <translation>--%1 must be a date YYYY-MM-DD, not &quot;%2&quot;</translation>
    </message>
    <message>
        <source>Household %1 was changed by someone else meanwhile; nothing was written, try again.</source>
        <translation>Household %1 was changed by someone else meanwhile; nothing was written, try again.</translation>
    </message>
    <message>
        <source>missing option --reason TEXT: a departure needs its reason</source>
        <translation>missing option --reason TEXT: a departure needs its reason</translation>
    </message>
    <message>
        <source>%1 is not a member of household %2.</source>
        <translation>%1 is not a member of household %2.</translation>
    </message>
    <message>
        <source>%1 already left household %2 on %3.</source>
        <translation>%1 already left household %2 on %3.</translation>
    </message>
    <message>
        <source>%1 left household %2 on %3.</source>
        <translation>%1 left household %2 on %3.</translation>
    </message>
    <message>
        <source>an arrival needs --first-name and --last-name</source>
        <translation>an arrival needs --first-name and --last-name</translation>
    </message>
    <message>
        <source>--role must be adult or child, not &quot;%1&quot;</source>
        <translation>--role must be adult or child, not &quot;%1&quot;</translation>
    </message>
    <message>
        <source>--sex must be F or M, not &quot;%1&quot;</source>
        <translation>--sex must be F or M, not &quot;%1&quot;</translation>
    </message>
    <message>
        <source>%1 (%2) arrived in household %3 on %4.</source>
        <translation>%1 (%2) arrived in household %3 on %4.</translation>
    </message>
    <message>
        <source>Record that a member left the household, with the date and the reason (social workers).</source>
        <translation>Record that a member left the household, with the date and the reason (social workers).</translation>
    </message>
    <message>
        <source>The day the member left (YYYY-MM-DD).</source>
        <translation>The day the member left (YYYY-MM-DD).</translation>
    </message>
    <message>
        <source>Why the member left (required).</source>
        <translation>Why the member left (required).</translation>
    </message>
    <message>
        <source>Record a new member arriving in the household (social workers); prints the person code.</source>
        <translation>Record a new member arriving in the household (social workers); prints the person code.</translation>
    </message>
    <message>
        <source>First name.</source>
        <translation>First name.</translation>
    </message>
    <message>
        <source>Last name.</source>
        <translation>Last name.</translation>
    </message>
    <message>
        <source>Birth date (YYYY-MM-DD).</source>
        <translation>Birth date (YYYY-MM-DD).</translation>
    </message>
    <message>
        <source>The day the member arrived (YYYY-MM-DD).</source>
        <translation>The day the member arrived (YYYY-MM-DD).</translation>
    </message>
    <message>
        <source>adult (default) or child.</source>
        <translation>adult (default) or child.</translation>
    </message>
    <message>
        <source>F or M (default: not given).</source>
        <translation>F or M (default: not given).</translation>
    </message>
    <message>
        <source>RECOVERY KEY: write it down now and keep it somewhere safe, away from this computer.</source>
        <translation>RECOVERY KEY: write it down now and keep it somewhere safe, away from this computer.</translation>
    </message>
    <message>
        <source>It is shown only this once. It opens the database&apos;s keys when every administrator&apos;s password is lost.</source>
        <translation>It is shown only this once. It opens the database&apos;s keys when every administrator&apos;s password is lost.</translation>
    </message>
    <message>
        <source>undecided</source>
        <translation>undecided</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>approved</translation>
    </message>
    <message>
        <source>withdrawn</source>
        <translation>withdrawn</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>refused</translation>
    </message>
    <message>
        <source>No merchant is waiting for a decision.</source>
        <translation>No merchant is waiting for a decision.</translation>
    </message>
    <message>
        <source>The ledger has no merchant yet.</source>
        <translation>The ledger has no merchant yet.</translation>
    </message>
    <message>
        <source>approved from %1 until %2</source>
        <translation>approved from %1 until %2</translation>
    </message>
    <message>
        <source>approved from %1</source>
        <translation>approved from %1</translation>
    </message>
    <message>
        <source>withdrawn on %1</source>
        <translation>withdrawn on %1</translation>
    </message>
    <message numerus="yes">
        <source>%1 %2 (%3; operator: %4): %5; %n entries, first %6, last %7</source>
        <translation>
            <numerusform>%1 %2 (%3; operator: %4): %5; %n entry, first %6, last %7</numerusform>
            <numerusform>%1 %2 (%3; operator: %4): %5; %n entries, first %6, last %7</numerusform>
        </translation>
    </message>
    <message>
        <source>no category</source>
        <translation>no category</translation>
    </message>
    <message>
        <source>sustainable</source>
        <translation>sustainable</translation>
    </message>
    <message>
        <source>not sustainable</source>
        <translation>not sustainable</translation>
    </message>
    <message>
        <source>%1 %2: %3</source>
        <translation>%1 %2: %3</translation>
    </message>
    <message>
        <source>refused by %1 on %2</source>
        <translation>refused by %1 on %2</translation>
    </message>
    <message>
        <source>approved from %1 by %2</source>
        <translation>approved from %1 by %2</translation>
    </message>
    <message>
        <source>withdrawn on %1 by %2</source>
        <translation>withdrawn on %1 by %2</translation>
    </message>
    <message>
        <source>Merchant %1 approved from %2.</source>
        <translation>Merchant %1 approved from %2.</translation>
    </message>
    <message>
        <source>Approval of merchant %1 withdrawn on %2.</source>
        <translation>Approval of merchant %1 withdrawn on %2.</translation>
    </message>
    <message>
        <source>Merchant %1 refused.</source>
        <translation>Merchant %1 refused.</translation>
    </message>
    <message>
        <source>The committee&apos;s note or reason.</source>
        <translation>The committee&apos;s note or reason.</translation>
    </message>
    <message>
        <source>Merchants seen in the ledger, with the committee&apos;s decision and their entries.</source>
        <translation>Merchants seen in the ledger, with the committee&apos;s decision and their entries.</translation>
    </message>
    <message>
        <source>Only the merchants with no decision yet.</source>
        <translation>Only the merchants with no decision yet.</translation>
    </message>
    <message>
        <source>One merchant and the history of the committee&apos;s decisions.</source>
        <translation>One merchant and the history of the committee&apos;s decisions.</translation>
    </message>
    <message>
        <source>json (default) or text.</source>
        <translation>json (default) or text.</translation>
    </message>
    <message>
        <source>Approve a merchant: its purchases count as sustainable from a date on (administrators).</source>
        <translation>Approve a merchant: its purchases count as sustainable from a date on (administrators).</translation>
    </message>
    <message>
        <source>The first day of the approval.</source>
        <translation>The first day of the approval.</translation>
    </message>
    <message>
        <source>Withdraw a merchant&apos;s approval: from that day on its purchases no longer count as sustainable (administrators).</source>
        <translation>Withdraw a merchant&apos;s approval: from that day on its purchases no longer count as sustainable (administrators).</translation>
    </message>
    <message>
        <source>The first day without the approval.</source>
        <translation>The first day without the approval.</translation>
    </message>
    <message>
        <source>Record the committee&apos;s refusal of a merchant: its purchases do not count as sustainable (administrators).</source>
        <translation>Record the committee&apos;s refusal of a merchant: its purchases do not count as sustainable (administrators).</translation>
    </message>
    <message>
        <source>Cannot read the recovery key file %1: %2</source>
        <translation>Cannot read the recovery key file %1: %2</translation>
    </message>
    <message>
        <source>The recovery key file %1 is empty: its first line must be the recovery key.</source>
        <translation>The recovery key file %1 is empty: its first line must be the recovery key.</translation>
    </message>
    <message>
        <source>--recovery-key-file FILE is needed when there is no terminal to ask on</source>
        <translation>--recovery-key-file FILE is needed when there is no terminal to ask on</translation>
    </message>
    <message>
        <source>Administrator %1 created with the recovery key: log in with the new password.</source>
        <translation>Administrator %1 created with the recovery key: log in with the new password.</translation>
    </message>
    <message>
        <source>Administrator %1 has a new password (set with the recovery key) and is unlocked.</source>
        <translation>Administrator %1 has a new password (set with the recovery key) and is unlocked.</translation>
    </message>
    <message>
        <source>The recovery key, on the file&apos;s first line.</source>
        <translation>The recovery key, on the file&apos;s first line.</translation>
    </message>
    <message>
        <source>Name shown for a new administrator.</source>
        <translation>Name shown for a new administrator.</translation>
    </message>
    <message>
        <source>The administrator&apos;s new password, on the file&apos;s first line.</source>
        <translation>The administrator&apos;s new password, on the file&apos;s first line.</translation>
    </message>
    <message>
        <source>--sealed and --clear exclude each other</source>
        <translation>--sealed and --clear exclude each other</translation>
    </message>
    <message>
        <source>Backup</source>
        <translation>Backup</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copy</translation>
    </message>
    <message>
        <source>Keys and users</source>
        <translation>Keys and users</translation>
    </message>
    <message>
        <source>Encrypting</source>
        <translation>Encrypting</translation>
    </message>
    <message>
        <source>Compacting</source>
        <translation>Compacting</translation>
    </message>
    <message>
        <source>Checking</source>
        <translation>Checking</translation>
    </message>
    <message>
        <source>Replacing the file</source>
        <translation>Replacing the file</translation>
    </message>
    <message>
        <source>Your password again, to seal %1: </source>
        <translation>Your password again, to seal %1: </translation>
    </message>
    <message>
        <source>Sealed %1: names, birth dates, addresses and notes are now encrypted (%2).</source>
        <translation>Sealed %1: names, birth dates, addresses and notes are now encrypted (%2).</translation>
    </message>
    <message>
        <source>The backup taken before, %1, still holds them in clear: keep it locked away, and destroy it once you have checked the sealed database (on an SSD a deleted file may still be read back: destroy the medium if it matters).</source>
        <translation>The backup taken before, %1, still holds them in clear: keep it locked away, and destroy it once you have checked the sealed database (on an SSD a deleted file may still be read back: destroy the medium if it matters).</translation>
    </message>
    <message>
        <source>They are shown only this once.</source>
        <translation>They are shown only this once.</translation>
    </message>
    <message>
        <source>Keep them in clear instead (anyone with a copy of the file reads them).</source>
        <translation>Keep them in clear instead (anyone with a copy of the file reads them).</translation>
    </message>
    <message>
        <source>Where to write the backup taken first (default: beside the database, NAME.before-sealing-DATE.cabas).</source>
        <translation>Where to write the backup taken first (default: beside the database, NAME.before-sealing-DATE.cabas).</translation>
    </message>
    <message>
        <source>Health data is encrypted too, under the nurses&apos; key.</source>
        <translation>Health data is encrypted too, under the nurses&apos; key.</translation>
    </message>
    <message>
        <source>Keep names, birth dates, addresses and notes of persons and households, and health data, encrypted in the database (the default; docs/encryption.md).</source>
        <translation>Keep names, birth dates, addresses and notes of persons and households, and health data, encrypted in the database (the default; docs/encryption.md).</translation>
    </message>
    <message>
        <source>Health data stays clear: the nurses hold this database&apos;s health key, which an administrator never holds. Run cabas-cli seal again with the recovery key (--recovery-key-file) to encrypt it (docs/encryption.md).</source>
        <translation>Health data stays clear: the nurses hold this database&apos;s health key, which an administrator never holds. Run cabas-cli seal again with the recovery key (--recovery-key-file) to encrypt it (docs/encryption.md).</translation>
    </message>
    <message>
        <source>Encrypt the names, birth dates, addresses, notes and health data of an existing clear database, or the health data of a database sealed without it, after a backup (administrators; the password is asked again, or read again from --password-file).</source>
        <translation>Encrypt the names, birth dates, addresses, notes and health data of an existing clear database, or the health data of a database sealed without it, after a backup (administrators; the password is asked again, or read again from --password-file).</translation>
    </message>
    <message>
        <source>The recovery key, on the file&apos;s first line: needed to encrypt the health data when the nurses already hold its key (asked on a terminal).</source>
        <translation>The recovery key, on the file&apos;s first line: needed to encrypt the health data when the nurses already hold its key (asked on a terminal).</translation>
    </message>
    <message>
        <source>TEMPORARY PASSWORDS: the other users&apos; passwords were replaced. Give each user theirs in person; they must change it at their next login (cabas-cli user passwd LOGIN for oneself), before anything else.</source>
        <translation>TEMPORARY PASSWORDS: the other users&apos; passwords were replaced. Give each user theirs in person; they must change it at their next login (cabas-cli user passwd LOGIN for oneself), before anything else.</translation>
    </message>
    <message>
        <source>your password is temporary (set by an administrator): change it first with cabas-cli --user %1 user passwd %1</source>
        <translation>your password is temporary (set by an administrator): change it first with cabas-cli --user %1 user passwd %1</translation>
    </message>
    <message>
        <source>The recovery key of %1 was replaced: the old key no longer opens it.</source>
        <translation>The recovery key of %1 was replaced: the old key no longer opens it.</translation>
    </message>
    <message>
        <source>Backups taken before this replacement open with the old key, not with this one.</source>
        <translation>Backups taken before this replacement open with the old key, not with this one.</translation>
    </message>
    <message>
        <source>It opens the health data only after a nurse&apos;s next login.</source>
        <translation>It opens the health data only after a nurse&apos;s next login.</translation>
    </message>
    <message>
        <source>Replace a lost recovery key, or one seen by someone who should not have: prints the new key once; the old one no longer opens the database (administrators).</source>
        <translation>Replace a lost recovery key, or one seen by someone who should not have: prints the new key once; the old one no longer opens the database (administrators).</translation>
    </message>
    <message>
        <source>Recovery key (the latest one printed), to encrypt the health data too; empty: leave it clear for now: </source>
        <translation>Recovery key (the latest one printed), to encrypt the health data too; empty: leave it clear for now: </translation>
    </message>
    <message>
        <source>Recovery key (the latest one printed), to encrypt the health data: </source>
        <translation>Recovery key (the latest one printed), to encrypt the health data: </translation>
    </message>
    <message>
        <source>Recovery key (the latest one printed): </source>
        <translation>Recovery key (the latest one printed): </translation>
    </message>
    <message>
        <source>Every administrator&apos;s password lost: with the latest recovery key printed, create the administrator LOGIN, or give that administrator a new password (no --user).</source>
        <translation>Every administrator&apos;s password lost: with the latest recovery key printed, create the administrator LOGIN, or give that administrator a new password (no --user).</translation>
    </message>
</context>
<context>
    <name>CohortCharts</name>
    <message>
        <source>Monthly spending: sustainable and other</source>
        <translation>Monthly spending: sustainable and other</translation>
    </message>
    <message>
        <source>Sustainable shops</source>
        <translation>Sustainable shops</translation>
    </message>
    <message>
        <source>Other shops</source>
        <translation>Other shops</translation>
    </message>
    <message>
        <source>Sustainable share (%)</source>
        <translation>Sustainable share (%)</translation>
    </message>
    <message>
        <source>EUR</source>
        <translation>EUR</translation>
    </message>
    <message>
        <source>Allowance and bonus by month</source>
        <translation>Allowance and bonus by month</translation>
    </message>
    <message>
        <source>Allowance</source>
        <translation>Allowance</translation>
    </message>
    <message>
        <source>Bonus</source>
        <translation>Bonus</translation>
    </message>
    <message>
        <source>Workshops by type</source>
        <translation>Workshops by type</translation>
    </message>
    <message>
        <source>Workshops held</source>
        <translation>Workshops held</translation>
    </message>
    <message>
        <source>Attendances</source>
        <translation>Attendances</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Number</translation>
    </message>
    <message>
        <source>Follow-up completion by wave</source>
        <translation>Follow-up completion by wave</translation>
    </message>
    <message>
        <source>Completion (%)</source>
        <translation>Completion (%)</translation>
    </message>
    <message>
        <source>%1: cannot be written (%2).</source>
        <translation>%1: cannot be written (%2).</translation>
    </message>
    <message>
        <source>Cohort summary</source>
        <translation>Cohort summary</translation>
    </message>
    <message>
        <source>%1: cannot be written.</source>
        <translation>%1: cannot be written.</translation>
    </message>
    <message>
        <source>Cohort summary — %1</source>
        <translation>Cohort summary — %1</translation>
    </message>
    <message>
        <source>Period %1 to %2</source>
        <translation>Period %1 to %2</translation>
    </message>
    <message>
        <source>commune %1</source>
        <translation>commune %1</translation>
    </message>
    <message>
        <source>public figures (groups under %1 hidden)</source>
        <translation>public figures (groups under %1 hidden)</translation>
    </message>
    <message>
        <source>internal figures (not for publication)</source>
        <translation>internal figures (not for publication)</translation>
    </message>
    <message numerus="yes">
        <source>— : figure hidden (fewer than %1 households or persons) or without denominator. %n figure(s) hidden.</source>
        <translation>
            <numerusform>— : figure hidden (fewer than %1 households or persons) or without denominator. %n figure hidden.</numerusform>
            <numerusform>— : figure hidden (fewer than %1 households or persons) or without denominator. %n figures hidden.</numerusform>
        </translation>
    </message>
    <message>
        <source>Definitions</source>
        <translation>Definitions</translation>
    </message>
    <message>
        <source>Money is in euros; movements count by their local date in Europe/Paris; only the latest posted revision of a ledger entry counts. Shares have one decimal.</source>
        <translation>Money is in euros; movements count by their local date in Europe/Paris; only the latest posted revision of a ledger entry counts. Shares have one decimal.</translation>
    </message>
</context>
<context>
    <name>CohortExport</name>
    <message>
        <source>%1: cannot be written.</source>
        <translation>%1: cannot be written.</translation>
    </message>
    <message>
        <source>%1: cannot be written (%2).</source>
        <translation>%1: cannot be written (%2).</translation>
    </message>
    <message>
        <source>Indicators</source>
        <translation>Indicators</translation>
    </message>
    <message>
        <source>Indicator</source>
        <translation>Indicator</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Key</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Value</translation>
    </message>
    <message>
        <source>Definitions</source>
        <translation>Definitions</translation>
    </message>
    <message>
        <source>Definition</source>
        <translation>Definition</translation>
    </message>
    <message>
        <source>Disclosure</source>
        <translation>Disclosure</translation>
    </message>
    <message>
        <source>public: figures based on fewer than %1 households or persons are suppressed (empty).</source>
        <translation>public: figures based on fewer than %1 households or persons are suppressed (empty).</translation>
    </message>
    <message>
        <source>internal: figures as computed, for use inside the programme only.</source>
        <translation>internal: figures as computed, for use inside the programme only.</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>Dataset</translation>
    </message>
</context>
<context>
    <name>CohortReport</name>
    <message>
        <source>Households enrolled</source>
        <translation>Households enrolled</translation>
    </message>
    <message>
        <source>Persons enrolled</source>
        <translation>Persons enrolled</translation>
    </message>
    <message>
        <source>Adults</source>
        <translation>Adults</translation>
    </message>
    <message>
        <source>Children</source>
        <translation>Children</translation>
    </message>
    <message>
        <source>Cards used (%)</source>
        <translation>Cards used (%)</translation>
    </message>
    <message>
        <source>Allowance</source>
        <translation>Allowance</translation>
    </message>
    <message>
        <source>Bonus</source>
        <translation>Bonus</translation>
    </message>
    <message>
        <source>Spending</source>
        <translation>Spending</translation>
    </message>
    <message>
        <source>Sustainable spending</source>
        <translation>Sustainable spending</translation>
    </message>
    <message>
        <source>Sustainable share of spending (%)</source>
        <translation>Sustainable share of spending (%)</translation>
    </message>
    <message>
        <source>Sustainable shops paid</source>
        <translation>Sustainable shops paid</translation>
    </message>
    <message>
        <source>Persons with M0 and M6 questionnaires</source>
        <translation>Persons with M0 and M6 questionnaires</translation>
    </message>
    <message>
        <source>More organic fruit and vegetables (%)</source>
        <translation>More organic fruit and vegetables (%)</translation>
    </message>
    <message>
        <source>More local products (%)</source>
        <translation>More local products (%)</translation>
    </message>
    <message>
        <source>More organic products (%)</source>
        <translation>More organic products (%)</translation>
    </message>
    <message>
        <source>Discovered a sustainable shop (%)</source>
        <translation>Discovered a sustainable shop (%)</translation>
    </message>
    <message>
        <source>Persons with M0 and M6 checkups</source>
        <translation>Persons with M0 and M6 checkups</translation>
    </message>
    <message>
        <source>Mean BMI change (kg/m²)</source>
        <translation>Mean BMI change (kg/m²)</translation>
    </message>
    <message>
        <source>Workshops held</source>
        <translation>Workshops held</translation>
    </message>
    <message>
        <source>Workshop attendances</source>
        <translation>Workshop attendances</translation>
    </message>
    <message>
        <source>Households at a workshop (%)</source>
        <translation>Households at a workshop (%)</translation>
    </message>
    <message>
        <source>By month</source>
        <translation>By month</translation>
    </message>
    <message>
        <source>By merchant category</source>
        <translation>By merchant category</translation>
    </message>
    <message>
        <source>Workshops by type</source>
        <translation>Workshops by type</translation>
    </message>
    <message>
        <source>Follow-up by wave</source>
        <translation>Follow-up by wave</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>Month</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Wave</source>
        <translation>Wave</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>Sessions</translation>
    </message>
    <message>
        <source>Attendances</source>
        <translation>Attendances</translation>
    </message>
    <message>
        <source>Expected</source>
        <translation>Expected</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>Completion (%)</source>
        <translation>Completion (%)</translation>
    </message>
    <message>
        <source>Households enrolled at some time in the period (enrolled on or before its end, not exited before its start).</source>
        <translation>Households enrolled at some time in the period (enrolled on or before its end, not exited before its start).</translation>
    </message>
    <message>
        <source>Members of those households present in the period.</source>
        <translation>Members of those households present in the period.</translation>
    </message>
    <message>
        <source>Members recorded as adults.</source>
        <translation>Members recorded as adults.</translation>
    </message>
    <message>
        <source>Members recorded as children.</source>
        <translation>Members recorded as children.</translation>
    </message>
    <message>
        <source>Share of households whose card (or re-issued card) carries a posted purchase in the period.</source>
        <translation>Share of households whose card (or re-issued card) carries a posted purchase in the period.</translation>
    </message>
    <message>
        <source>Sum of the posted monthly allowances.</source>
        <translation>Sum of the posted monthly allowances.</translation>
    </message>
    <message>
        <source>Sum of the posted bonuses.</source>
        <translation>Sum of the posted bonuses.</translation>
    </message>
    <message>
        <source>Posted purchases minus posted refunds; adjustments and transfers are not spending.</source>
        <translation>Posted purchases minus posted refunds; adjustments and transfers are not spending.</translation>
    </message>
    <message>
        <source>The same at shops the programme (else the operator) considers sustainable.</source>
        <translation>The same at shops the programme (else the operator) considers sustainable.</translation>
    </message>
    <message>
        <source>100 × sustainable spending / spending.</source>
        <translation>100 × sustainable spending / spending.</translation>
    </message>
    <message>
        <source>Distinct sustainable shops with at least one posted purchase.</source>
        <translation>Distinct sustainable shops with at least one posted purchase.</translation>
    </message>
    <message>
        <source>Persons with both an M0 and an M6 diet questionnaire.</source>
        <translation>Persons with both an M0 and an M6 diet questionnaire.</translation>
    </message>
    <message>
        <source>Among those, share whose organic fruit and vegetables frequency is higher at M6.</source>
        <translation>Among those, share whose organic fruit and vegetables frequency is higher at M6.</translation>
    </message>
    <message>
        <source>Among those, share whose local products frequency is higher at M6.</source>
        <translation>Among those, share whose local products frequency is higher at M6.</translation>
    </message>
    <message>
        <source>Among those, share whose organic products frequency is higher at M6.</source>
        <translation>Among those, share whose organic products frequency is higher at M6.</translation>
    </message>
    <message>
        <source>Among M6 questionnaires that answer it, share who discovered a sustainable shop or producer.</source>
        <translation>Among M6 questionnaires that answer it, share who discovered a sustainable shop or producer.</translation>
    </message>
    <message>
        <source>Persons with an M0 and an M6 checkup that both have weight and height.</source>
        <translation>Persons with an M0 and an M6 checkup that both have weight and height.</translation>
    </message>
    <message>
        <source>Mean of BMI at M6 minus BMI at M0 over those persons.</source>
        <translation>Mean of BMI at M6 minus BMI at M0 over those persons.</translation>
    </message>
    <message>
        <source>Workshops held in the period (cancelled ones excluded).</source>
        <translation>Workshops held in the period (cancelled ones excluded).</translation>
    </message>
    <message>
        <source>Attendances of cohort members marked present.</source>
        <translation>Attendances of cohort members marked present.</translation>
    </message>
    <message>
        <source>Share of households with at least one member present at a workshop.</source>
        <translation>Share of households with at least one member present at a workshop.</translation>
    </message>
    <message>
        <source>Households contributing</source>
        <translation>Households contributing</translation>
    </message>
    <message>
        <source>Contributions expected</source>
        <translation>Contributions expected</translation>
    </message>
    <message>
        <source>Contributions paid</source>
        <translation>Contributions paid</translation>
    </message>
    <message>
        <source>Mean contribution a month</source>
        <translation>Mean contribution a month</translation>
    </message>
    <message>
        <source>Households in arrears (%)</source>
        <translation>Households in arrears (%)</translation>
    </message>
    <message>
        <source>Contributions by monthly amount (cents)</source>
        <translation>Contributions by monthly amount (cents)</translation>
    </message>
    <message>
        <source>Band</source>
        <translation>Band</translation>
    </message>
    <message>
        <source>Cohort households with a member contribution expected in at least one month of the period.</source>
        <translation>Cohort households with a member contribution expected in at least one month of the period.</translation>
    </message>
    <message>
        <source>Sum of the monthly contributions chosen, over the months of the period they were enrolled in (contribution currency).</source>
        <translation>Sum of the monthly contributions chosen, over the months of the period they were enrolled in (contribution currency).</translation>
    </message>
    <message>
        <source>Sum of the contribution payments dated in the period (contribution currency).</source>
        <translation>Sum of the contribution payments dated in the period (contribution currency).</translation>
    </message>
    <message>
        <source>Contributions expected divided by the months they were expected for.</source>
        <translation>Contributions expected divided by the months they were expected for.</translation>
    </message>
    <message>
        <source>Share of contributing households that paid less in the period than was expected.</source>
        <translation>Share of contributing households that paid less in the period than was expected.</translation>
    </message>
</context>
<context>
    <name>CohortService</name>
    <message>
        <source>--from: a date YYYY-MM-DD is needed.</source>
        <translation>--from: a date YYYY-MM-DD is needed.</translation>
    </message>
    <message>
        <source>--to: a date YYYY-MM-DD is needed.</source>
        <translation>--to: a date YYYY-MM-DD is needed.</translation>
    </message>
    <message>
        <source>--to: the period ends (%1) before it starts (%2).</source>
        <translation>--to: the period ends (%1) before it starts (%2).</translation>
    </message>
    <message>
        <source>--status: &quot;%1&quot; is not one of %2.</source>
        <translation>--status: &quot;%1&quot; is not one of %2.</translation>
    </message>
    <message>
        <source>%1: contribution figures have no list of households behind them (a household&apos;s contribution stays in its case file).</source>
        <translation>%1: contribution figures have no list of households behind them (a household&apos;s contribution stays in its case file).</translation>
    </message>
    <message>
        <source>Left empty: %1. This database keeps the clinical measures encrypted for the nurses only; the BMI and the questionnaire answers are filled.</source>
        <translation>Left empty: %1. This database keeps the clinical measures encrypted for the nurses only; the BMI and the questionnaire answers are filled.</translation>
    </message>
</context>
<context>
    <name>Consent</name>
    <message>
        <source>person: a consent belongs to a person</source>
        <translation>person: a consent belongs to a person</translation>
    </message>
    <message>
        <source>effective_on: the consent date is required</source>
        <translation>effective_on: the consent date is required</translation>
    </message>
    <message>
        <source>Case management</source>
        <translation>Case management</translation>
    </message>
    <message>
        <source>Health follow-up</source>
        <translation>Health follow-up</translation>
    </message>
    <message>
        <source>Card ledger link</source>
        <translation>Card ledger link</translation>
    </message>
    <message>
        <source>Research export</source>
        <translation>Research export</translation>
    </message>
</context>
<context>
    <name>ContributionChoice</name>
    <message>
        <source>contributions: this programme has no member contributions (see its settings)</source>
        <translation>contributions: this programme has no member contributions (see its settings)</translation>
    </message>
    <message>
        <source>from: the month from which the amount applies is required (YYYY-MM)</source>
        <translation>from: the month from which the amount applies is required (YYYY-MM)</translation>
    </message>
    <message>
        <source>from: must be the first day of a month</source>
        <translation>from: must be the first day of a month</translation>
    </message>
    <message>
        <source>amount: contributions are in %1, not in %2</source>
        <translation>amount: contributions are in %1, not in %2</translation>
    </message>
    <message>
        <source>amount: %1 is outside the programme&apos;s range, %2 to %3 a month</source>
        <translation>amount: %1 is outside the programme&apos;s range, %2 to %3 a month</translation>
    </message>
    <message>
        <source>note: at most 500 characters</source>
        <translation>note: at most 500 characters</translation>
    </message>
</context>
<context>
    <name>ContributionPayment</name>
    <message>
        <source>on: the date of the payment is required (YYYY-MM-DD)</source>
        <translation>on: the date of the payment is required (YYYY-MM-DD)</translation>
    </message>
    <message>
        <source>on: %1 is in the future</source>
        <translation>on: %1 is in the future</translation>
    </message>
    <message>
        <source>amount: contributions are in %1, not in %2</source>
        <translation>amount: contributions are in %1, not in %2</translation>
    </message>
    <message>
        <source>amount: must be more than 0</source>
        <translation>amount: must be more than 0</translation>
    </message>
    <message>
        <source>amount: %1 is more than ten years of the maximum contribution</source>
        <translation>amount: %1 is more than ten years of the maximum contribution</translation>
    </message>
    <message>
        <source>note: at most 500 characters</source>
        <translation>note: at most 500 characters</translation>
    </message>
</context>
<context>
    <name>ContributionService</name>
    <message>
        <source>There is no household %1.</source>
        <translation>There is no household %1.</translation>
    </message>
</context>
<context>
    <name>CsvTable</name>
    <message>
        <source>%1: cannot be read: %2</source>
        <translation>%1: cannot be read: %2</translation>
    </message>
    <message>
        <source>%1:%2: the file is not in UTF-8; save it from the spreadsheet as &quot;CSV UTF-8&quot;.</source>
        <translation>%1:%2: the file is not in UTF-8; save it from the spreadsheet as &quot;CSV UTF-8&quot;.</translation>
    </message>
    <message>
        <source>%1: the file is empty.</source>
        <translation>%1: the file is empty.</translation>
    </message>
    <message>
        <source>%1:%2: a quote opened here is never closed.</source>
        <translation>%1:%2: a quote opened here is never closed.</translation>
    </message>
    <message>
        <source>%1:%2: %3 fields where the header has %4.</source>
        <translation>%1:%2: %3 fields where the header has %4.</translation>
    </message>
</context>
<context>
    <name>Database</name>
    <message>
        <source>The SQLite driver for Qt is missing (Debian package libqt6sql6-sqlite).</source>
        <translation>The SQLite driver for Qt is missing (Debian package libqt6sql6-sqlite).</translation>
    </message>
    <message>
        <source>The PostgreSQL driver for Qt is missing (Debian package libqt6sql6-psql).</source>
        <translation>The PostgreSQL driver for Qt is missing (Debian package libqt6sql6-psql).</translation>
    </message>
    <message>
        <source>Cannot open the database %1: %2</source>
        <translation>Cannot open the database %1: %2</translation>
    </message>
    <message>
        <source>Cannot connect to the PostgreSQL database %1: %2</source>
        <translation>Cannot connect to the PostgreSQL database %1: %2</translation>
    </message>
    <message>
        <source>%1 already exists: Cabas never overwrites a database when it creates one. Choose another file name, or open this one.</source>
        <translation>%1 already exists: Cabas never overwrites a database when it creates one. Choose another file name, or open this one.</translation>
    </message>
    <message>
        <source>Cannot create the folder %1.</source>
        <translation>Cannot create the folder %1.</translation>
    </message>
    <message>
        <source>%1 is already a Cabas database: Cabas never overwrites a database when it creates one.</source>
        <translation>%1 is already a Cabas database: Cabas never overwrites a database when it creates one.</translation>
    </message>
    <message>
        <source>%1 does not exist. Create a database first (cabas-cli init, or the desktop app&apos;s first-run dialog).</source>
        <translation>%1 does not exist. Create a database first (cabas-cli init, or the desktop app&apos;s first-run dialog).</translation>
    </message>
    <message>
        <source>%1 is not a file.</source>
        <translation>%1 is not a file.</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>Cannot read %1: %2</translation>
    </message>
    <message>
        <source>%1 is not a Cabas database (it is not even an SQLite file).</source>
        <translation>%1 is not a Cabas database (it is not even an SQLite file).</translation>
    </message>
    <message>
        <source>%1 was written by a newer version of Cabas (schema version %2; this version knows up to %3). Install the newer version of Cabas to open it; nothing was changed.</source>
        <translation>%1 was written by a newer version of Cabas (schema version %2; this version knows up to %3). Install the newer version of Cabas to open it; nothing was changed.</translation>
    </message>
    <message>
        <source>The database %1 changed version while it was open.</source>
        <translation>The database %1 changed version while it was open.</translation>
    </message>
    <message>
        <source>%1: SQLite could not switch to write-ahead logging (WAL).</source>
        <translation>%1: SQLite could not switch to write-ahead logging (WAL).</translation>
    </message>
    <message>
        <source>%1 is not a Cabas database; nothing was changed.</source>
        <translation>%1 is not a Cabas database; nothing was changed.</translation>
    </message>
    <message>
        <source>%1 is an empty database, not a Cabas database; create one with cabas-cli init.</source>
        <translation>%1 is an empty database, not a Cabas database; create one with cabas-cli init.</translation>
    </message>
    <message>
        <source>The database&apos;s schema version %1 cannot be brought to %2.</source>
        <translation>The database&apos;s schema version %1 cannot be brought to %2.</translation>
    </message>
    <message>
        <source>Migration %1 (%2) failed: %3</source>
        <translation>Migration %1 (%2) failed: %3</translation>
    </message>
    <message>
        <source>Database error: %1</source>
        <translation>Database error: %1</translation>
    </message>
    <message>
        <source>Cannot start a transaction: %1</source>
        <translation>Cannot start a transaction: %1</translation>
    </message>
    <message>
        <source>The changes could not be saved: %1</source>
        <translation>The changes could not be saved: %1</translation>
    </message>
    <message>
        <source>The disk is full: nothing was saved. Free some space on the disk of the database %1 and try again. (%2)</source>
        <translation>The disk is full: nothing was saved. Free some space on the disk of the database %1 and try again. (%2)</translation>
    </message>
    <message>
        <source>The database %1 is read-only: nothing was saved. Ask your administrator to make it writable again. (%2)</source>
        <translation>The database %1 is read-only: nothing was saved. Ask your administrator to make it writable again. (%2)</translation>
    </message>
    <message>
        <source>The disk of the database %1 could not be read or written: nothing was saved. Check the disk, then try again. (%2)</source>
        <translation>The disk of the database %1 could not be read or written: nothing was saved. Check the disk, then try again. (%2)</translation>
    </message>
    <message>
        <source>The database %1 is damaged: nothing was saved. Restore it from a backup. (%2)</source>
        <translation>The database %1 is damaged: nothing was saved. Restore it from a backup. (%2)</translation>
    </message>
    <message>
        <source>The database %1 is busy with another user&apos;s change: nothing was saved. Try again in a moment. (%2)</source>
        <translation>The database %1 is busy with another user&apos;s change: nothing was saved. Try again in a moment. (%2)</translation>
    </message>
    <message>
        <source>This change collided with another user&apos;s change to the database %1: nothing was saved. Try again. (%2)</source>
        <translation>This change collided with another user&apos;s change to the database %1: nothing was saved. Try again. (%2)</translation>
    </message>
    <message>
        <source>The connection to the database %1 was lost: nothing was saved. Check the network and the server, then try again. (%2)</source>
        <translation>The connection to the database %1 was lost: nothing was saved. Check the network and the server, then try again. (%2)</translation>
    </message>
    <message>
        <source>This is already in the database %1 (a code or number used twice, perhaps saved by someone else at the same moment): nothing was saved. Reload and try again. (%2)</source>
        <translation>This is already in the database %1 (a code or number used twice, perhaps saved by someone else at the same moment): nothing was saved. Reload and try again. (%2)</translation>
    </message>
    <message>
        <source>%1 is damaged: the file is shorter than SQLite&apos;s own header says (%2 bytes instead of %3), it was probably cut by an interrupted copy or a full disk. Restore the database from a backup; nothing was changed.</source>
        <translation>%1 is damaged: the file is shorter than SQLite&apos;s own header says (%2 bytes instead of %3), it was probably cut by an interrupted copy or a full disk. Restore the database from a backup; nothing was changed.</translation>
    </message>
    <message>
        <source>Cabas encrypts the connection to a server on another machine and checks its certificate (sslmode=%1). Give the certificate of the authority that signed the server&apos;s in the address (?sslrootcert=FILE), or ask the server&apos;s administrator to enable TLS. Only on a network you trust entirely, ?sslmode=disable connects without encryption (passwords and data in clear).</source>
        <translation>Cabas encrypts the connection to a server on another machine and checks its certificate (sslmode=%1). Give the certificate of the authority that signed the server&apos;s in the address (?sslrootcert=FILE), or ask the server&apos;s administrator to enable TLS. Only on a network you trust entirely, ?sslmode=disable connects without encryption (passwords and data in clear).</translation>
    </message>
</context>
<context>
    <name>DatabaseSpec</name>
    <message>
        <source>No database given: use --db FILE.cabas or --db postgresql://user@host:port/dbname (or set CABAS_DB).</source>
        <translation>No database given: use --db FILE.cabas or --db postgresql://user@host:port/dbname (or set CABAS_DB).</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a database Cabas knows: give a file path or a postgresql:// address.</source>
        <translation>&quot;%1&quot; is not a database Cabas knows: give a file path or a postgresql:// address.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid PostgreSQL address: expected postgresql://user:password@host:port/dbname.</source>
        <translation>&quot;%1&quot; is not a valid PostgreSQL address: expected postgresql://user:password@host:port/dbname.</translation>
    </message>
    <message>
        <source>The PostgreSQL port must be between 1 and 65535.</source>
        <translation>The PostgreSQL port must be between 1 and 65535.</translation>
    </message>
    <message>
        <source>The PostgreSQL address must name a database: postgresql://user@%1:%2/dbname.</source>
        <translation>The PostgreSQL address must name a database: postgresql://user@%1:%2/dbname.</translation>
    </message>
    <message>
        <source>Unknown PostgreSQL option &quot;%1&quot; (allowed: %2).</source>
        <translation>Unknown PostgreSQL option &quot;%1&quot; (allowed: %2).</translation>
    </message>
</context>
<context>
    <name>DemoGenerator</name>
    <message>
        <source>The demo can have from 1 to %1 households, not %2.</source>
        <translation>The demo can have from 1 to %1 households, not %2.</translation>
    </message>
    <message>
        <source>This database already has households: the demo only fills a new, empty database (cabas-cli init, then cabas-cli demo).</source>
        <translation>This database already has households: the demo only fills a new, empty database (cabas-cli init, then cabas-cli demo).</translation>
    </message>
    <message>
        <source>This database has no programme; create it with cabas-cli init.</source>
        <translation>This database has no programme; create it with cabas-cli init.</translation>
    </message>
    <message>
        <source>Demo generation cancelled; nothing was written.</source>
        <translation>Demo generation cancelled; nothing was written.</translation>
    </message>
    <message>
        <source>The demo&apos;s staff accounts need the key ring of an administrator&apos;s session: log in again as an administrator.</source>
        <translation>The demo&apos;s staff accounts need the key ring of an administrator&apos;s session: log in again as an administrator.</translation>
    </message>
</context>
<context>
    <name>DemoProgramme</name>
    <message>
        <source>&quot;%1&quot; is not a demo scheme (%2).</source>
        <translation>&quot;%1&quot; is not a demo scheme (%2).</translation>
    </message>
    <message>
        <source>This database already has households: the demo only fills a new, empty database (cabas-cli init, then cabas-cli demo).</source>
        <translation>This database already has households: the demo only fills a new, empty database (cabas-cli init, then cabas-cli demo).</translation>
    </message>
</context>
<context>
    <name>DietQuestionnaire</name>
    <message>
        <source>never</source>
        <translation>never</translation>
    </message>
    <message>
        <source>rarely</source>
        <translation>rarely</translation>
    </message>
    <message>
        <source>sometimes</source>
        <translation>sometimes</translation>
    </message>
    <message>
        <source>often</source>
        <translation>often</translation>
    </message>
    <message>
        <source>always</source>
        <translation>always</translation>
    </message>
    <message>
        <source>person_code: the questionnaire belongs to a person</source>
        <translation>person_code: the questionnaire belongs to a person</translation>
    </message>
    <message>
        <source>date: the date of the questionnaire is required</source>
        <translation>date: the date of the questionnaire is required</translation>
    </message>
    <message>
        <source>wave: the follow-up wave (M0, M6 ...) is required</source>
        <translation>wave: the follow-up wave (M0, M6 ...) is required</translation>
    </message>
    <message>
        <source>fv_portions_per_day: must be between 0 and 30</source>
        <translation>fv_portions_per_day: must be between 0 and 30</translation>
    </message>
    <message>
        <source>discovered_sustainable_shop: is asked from M6 on, not at M0</source>
        <translation>discovered_sustainable_shop: is asked from M6 on, not at M0</translation>
    </message>
</context>
<context>
    <name>FeedClient</name>
    <message>
        <source>The sync was cancelled.</source>
        <translation>The sync was cancelled.</translation>
    </message>
    <message>
        <source>the connection was cut after %1 of %2 bytes</source>
        <translation>the connection was cut after %1 of %2 bytes</translation>
    </message>
    <message>
        <source>The secure connection to the ledger feed %1 failed: %2</source>
        <translation>The secure connection to the ledger feed %1 failed: %2</translation>
    </message>
    <message>
        <source>HTTP %1 (%2)</source>
        <translation>HTTP %1 (%2)</translation>
    </message>
    <message>
        <source>The ledger feed refused the request (HTTP 400: %1).</source>
        <translation>The ledger feed refused the request (HTTP 400: %1).</translation>
    </message>
    <message>
        <source>The ledger feed refused the token (HTTP 401: %1): check the token file given by the card operator.</source>
        <translation>The ledger feed refused the token (HTTP 401: %1): check the token file given by the card operator.</translation>
    </message>
    <message>
        <source>The ledger feed has no %1 (HTTP 404): check the address %2.</source>
        <translation>The ledger feed has no %1 (HTTP 404): check the address %2.</translation>
    </message>
    <message>
        <source>The ledger feed no longer knows the sync position (HTTP 410: %1).</source>
        <translation>The ledger feed no longer knows the sync position (HTTP 410: %1).</translation>
    </message>
    <message>
        <source>The ledger feed answered HTTP %1 (%2).</source>
        <translation>The ledger feed answered HTTP %1 (%2).</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a ledger feed address (https://...).</source>
        <translation>&quot;%1&quot; is not a ledger feed address (https://...).</translation>
    </message>
    <message>
        <source>The ledger feed address %1 uses plain HTTP: the ledger and the token would cross the network unencrypted. Use https:// (plain http is only allowed to this computer, for tests).</source>
        <translation>The ledger feed address %1 uses plain HTTP: the ledger and the token would cross the network unencrypted. Use https:// (plain http is only allowed to this computer, for tests).</translation>
    </message>
    <message>
        <source>The page size must be between 1 and 1000, not %1.</source>
        <translation>The page size must be between 1 and 1000, not %1.</translation>
    </message>
    <message>
        <source>The ledger feed %1 did not answer after %2 attempts (last: %3). Nothing was lost: the next sync resumes where this one stopped.</source>
        <translation>The ledger feed %1 did not answer after %2 attempts (last: %3). Nothing was lost: the next sync resumes where this one stopped.</translation>
    </message>
    <message>
        <source>%1; trying again in %2 s</source>
        <translation>%1; trying again in %2 s</translation>
    </message>
</context>
<context>
    <name>FeedParser</name>
    <message>
        <source>The ledger feed sent an invalid page (nothing of it was stored): %1, field %2: %3</source>
        <translation>The ledger feed sent an invalid page (nothing of it was stored): %1, field %2: %3</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>missing</translation>
    </message>
    <message>
        <source>a text was expected</source>
        <translation>a text was expected</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>empty</translation>
    </message>
    <message>
        <source>a text or null was expected</source>
        <translation>a text or null was expected</translation>
    </message>
    <message>
        <source>a whole number was expected</source>
        <translation>a whole number was expected</translation>
    </message>
    <message>
        <source>true or false was expected</source>
        <translation>true or false was expected</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not one of %2</source>
        <translation>&quot;%1&quot; is not one of %2</translation>
    </message>
    <message>
        <source>The ledger feed sent a page that is not JSON (nothing of it was stored): %1 at byte %2.</source>
        <translation>The ledger feed sent a page that is not JSON (nothing of it was stored): %1 at byte %2.</translation>
    </message>
    <message>
        <source>The ledger feed sent a page that is not a JSON object (nothing of it was stored).</source>
        <translation>The ledger feed sent a page that is not a JSON object (nothing of it was stored).</translation>
    </message>
    <message>
        <source>a list was expected</source>
        <translation>a list was expected</translation>
    </message>
    <message>
        <source>entry %1</source>
        <translation>entry %1</translation>
    </message>
    <message>
        <source>an object was expected</source>
        <translation>an object was expected</translation>
    </message>
    <message>
        <source>must be 1 or more</source>
        <translation>must be 1 or more</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a date and time with its offset (2024-06-30T23:05:00+02:00)</source>
        <translation>&quot;%1&quot; is not a date and time with its offset (2024-06-30T23:05:00+02:00)</translation>
    </message>
    <message>
        <source>an object or null was expected</source>
        <translation>an object or null was expected</translation>
    </message>
    <message>
        <source>missing (a %1 names its merchant)</source>
        <translation>missing (a %1 names its merchant)</translation>
    </message>
    <message>
        <source>a %1 must be positive, not %2</source>
        <translation>a %1 must be positive, not %2</translation>
    </message>
    <message>
        <source>a purchase must be negative, not %1</source>
        <translation>a purchase must be negative, not %1</translation>
    </message>
    <message>
        <source>card %1</source>
        <translation>card %1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a date (2024-06-01)</source>
        <translation>&quot;%1&quot; is not a date (2024-06-01)</translation>
    </message>
    <message>
        <source>the page</source>
        <translation>the page</translation>
    </message>
</context>
<context>
    <name>FollowUpSchedule</name>
    <message>
        <source>Upcoming</source>
        <translation>Upcoming</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>Due</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Done</translation>
    </message>
</context>
<context>
    <name>HealthImport</name>
    <message>
        <source>%1: the column %2 is missing</source>
        <translation>%1: the column %2 is missing</translation>
    </message>
    <message>
        <source>%1: unknown column &quot;%2&quot; ignored</source>
        <translation>%1: unknown column &quot;%2&quot; ignored</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a number</source>
        <translation>&quot;%1&quot; is not a number</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a date (YYYY-MM-DD or DD/MM/YYYY)</source>
        <translation>&quot;%1&quot; is not a date (YYYY-MM-DD or DD/MM/YYYY)</translation>
    </message>
    <message>
        <source>%1 has a second checkup for %2 (also line %3)</source>
        <translation>%1 has a second checkup for %2 (also line %3)</translation>
    </message>
    <message>
        <source>%1 already has a checkup for %2 with other values; correct it in the person&apos;s health view</source>
        <translation>%1 already has a checkup for %2 with other values; correct it in the person&apos;s health view</translation>
    </message>
    <message>
        <source>Nothing was imported:</source>
        <translation>Nothing was imported:</translation>
    </message>
    <message>
        <source>&quot;%1&quot; must be never, rarely, sometimes, often or always (or jamais, rarement, parfois, souvent, toujours)</source>
        <translation>&quot;%1&quot; must be never, rarely, sometimes, often or always (or jamais, rarement, parfois, souvent, toujours)</translation>
    </message>
    <message>
        <source>&quot;%1&quot; must be yes, no, oui, non or empty</source>
        <translation>&quot;%1&quot; must be yes, no, oui, non or empty</translation>
    </message>
    <message>
        <source>%1 has a second questionnaire for %2 (also line %3)</source>
        <translation>%1 has a second questionnaire for %2 (also line %3)</translation>
    </message>
    <message>
        <source>%1 already has a questionnaire for %2 with other answers; correct it in the person&apos;s health view</source>
        <translation>%1 already has a questionnaire for %2 with other answers; correct it in the person&apos;s health view</translation>
    </message>
</context>
<context>
    <name>HealthImportReport</name>
    <message>
        <source>%1 new records, %2 already there unchanged.</source>
        <translation>%1 new records, %2 already there unchanged.</translation>
    </message>
</context>
<context>
    <name>HealthSealing</name>
    <message>
        <source>An encrypted health value is damaged (%1).</source>
        <translation>An encrypted health value is damaged (%1).</translation>
    </message>
    <message>
        <source>This database keeps health data encrypted, and this session has no health key to open it: only a nurse&apos;s session holds it (nothing was read or written).</source>
        <translation>This database keeps health data encrypted, and this session has no health key to open it: only a nurse&apos;s session holds it (nothing was read or written).</translation>
    </message>
    <message>
        <source>This database keeps the cohort&apos;s health figures encrypted, and this session has no cohort key yet: a nurse&apos;s next login gives it, then log in again (nothing was read or written).</source>
        <translation>This database keeps the cohort&apos;s health figures encrypted, and this session has no cohort key yet: a nurse&apos;s next login gives it, then log in again (nothing was read or written).</translation>
    </message>
    <message>
        <source>Sealing the health data of a database runs inside its migration&apos;s transaction.</source>
        <translation>Sealing the health data of a database runs inside its migration&apos;s transaction.</translation>
    </message>
    <message>
        <source>Sealing the health data needs the health key and the cohort key (a nurse&apos;s keys).</source>
        <translation>Sealing the health data needs the health key and the cohort key (a nurse&apos;s keys).</translation>
    </message>
    <message>
        <source>Writing the cohort&apos;s rows per member runs inside a transaction.</source>
        <translation>Writing the cohort&apos;s rows per member runs inside a transaction.</translation>
    </message>
    <message>
        <source>Writing the cohort&apos;s rows per member needs the cohort key.</source>
        <translation>Writing the cohort&apos;s rows per member needs the cohort key.</translation>
    </message>
</context>
<context>
    <name>HealthService</name>
    <message>
        <source>There is no person %1.</source>
        <translation>There is no person %1.</translation>
    </message>
    <message>
        <source>%1 has no health follow-up consent on %2: no health record can be made for that date.</source>
        <translation>%1 has no health follow-up consent on %2: no health record can be made for that date.</translation>
    </message>
    <message>
        <source>wave: %1 is not a follow-up wave of the programme.</source>
        <translation>wave: %1 is not a follow-up wave of the programme.</translation>
    </message>
    <message>
        <source>date: %1 is in the future.</source>
        <translation>date: %1 is in the future.</translation>
    </message>
    <message>
        <source>There is no household %1.</source>
        <translation>There is no household %1.</translation>
    </message>
    <message>
        <source>No member of %1 has health follow-up consent on %2: no support session can be recorded for that date.</source>
        <translation>No member of %1 has health follow-up consent on %2: no support session can be recorded for that date.</translation>
    </message>
    <message>
        <source>%1 has no such checkup.</source>
        <translation>%1 has no such checkup.</translation>
    </message>
    <message>
        <source>reason: a correction needs its reason</source>
        <translation>reason: a correction needs its reason</translation>
    </message>
</context>
<context>
    <name>Household</name>
    <message>
        <source>code: the household code is required</source>
        <translation>code: the household code is required</translation>
    </message>
    <message>
        <source>code: &quot;%1&quot; is not a valid household code (letters, digits, - and _ only)</source>
        <translation>code: &quot;%1&quot; is not a valid household code (letters, digits, - and _ only)</translation>
    </message>
    <message>
        <source>postcode: &quot;%1&quot; is not a French postcode (5 digits)</source>
        <translation>postcode: &quot;%1&quot; is not a French postcode (5 digits)</translation>
    </message>
    <message>
        <source>enrolled_on: an enrolled, suspended or exited household needs an enrolment date</source>
        <translation>enrolled_on: an enrolled, suspended or exited household needs an enrolment date</translation>
    </message>
    <message>
        <source>exited_on: an exited household needs an exit date</source>
        <translation>exited_on: an exited household needs an exit date</translation>
    </message>
    <message>
        <source>exit_reason: an exited household needs an exit reason</source>
        <translation>exit_reason: an exited household needs an exit reason</translation>
    </message>
    <message>
        <source>exited_on: the exit date is before the enrolment date</source>
        <translation>exited_on: the exit date is before the enrolment date</translation>
    </message>
    <message>
        <source>Candidate</source>
        <translation>Candidate</translation>
    </message>
    <message>
        <source>Enrolled</source>
        <translation>Enrolled</translation>
    </message>
    <message>
        <source>Suspended</source>
        <translation>Suspended</translation>
    </message>
    <message>
        <source>Exited</source>
        <translation>Exited</translation>
    </message>
</context>
<context>
    <name>HouseholdConflict</name>
    <message>
        <source>Address</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>Commune</source>
        <translation>Commune</translation>
    </message>
    <message>
        <source>Postcode</source>
        <translation>Postcode</translation>
    </message>
    <message>
        <source>Referent</source>
        <translation>Referent</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Enrolled on</source>
        <translation>Enrolled on</translation>
    </message>
    <message>
        <source>Exited on</source>
        <translation>Exited on</translation>
    </message>
    <message>
        <source>Exit reason</source>
        <translation>Exit reason</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>birth date</source>
        <translation>birth date</translation>
    </message>
    <message>
        <source>arrival</source>
        <translation>arrival</translation>
    </message>
    <message>
        <source>departure</source>
        <translation>departure</translation>
    </message>
    <message>
        <source>%1 (%2): %3</source>
        <translation>%1 (%2): %3</translation>
    </message>
</context>
<context>
    <name>HouseholdRepository</name>
    <message>
        <source>The household code %1 is already used: a code is never reused.</source>
        <translation>The household code %1 is already used: a code is never reused.</translation>
    </message>
    <message>
        <source>The household %1 was changed by someone else since you opened it; reload it to see their changes.</source>
        <translation>The household %1 was changed by someone else since you opened it; reload it to see their changes.</translation>
    </message>
    <message>
        <source>effective_on: the date of the status change is required</source>
        <translation>effective_on: the date of the status change is required</translation>
    </message>
    <message>
        <source>note: the note is empty</source>
        <translation>note: the note is empty</translation>
    </message>
</context>
<context>
    <name>HouseholdService</name>
    <message>
        <source>There is no card %1.</source>
        <translation>There is no card %1.</translation>
    </message>
    <message>
        <source>There is no such person.</source>
        <translation>There is no such person.</translation>
    </message>
    <message>
        <source>commune: the commune is required</source>
        <translation>commune: the commune is required</translation>
    </message>
    <message>
        <source>enrolled_on: the enrolment date is required</source>
        <translation>enrolled_on: the enrolment date is required</translation>
    </message>
    <message>
        <source>enrolled_on: the enrolment date is in the future</source>
        <translation>enrolled_on: the enrolment date is in the future</translation>
    </message>
    <message>
        <source>household_code: the household code %1 is already used</source>
        <translation>household_code: the household code %1 is already used</translation>
    </message>
    <message>
        <source>members: a household has at least one member</source>
        <translation>members: a household has at least one member</translation>
    </message>
    <message>
        <source>member %1</source>
        <translation>member %1</translation>
    </message>
    <message>
        <source>birth_date: the birth date is in the future</source>
        <translation>birth_date: the birth date is in the future</translation>
    </message>
    <message>
        <source>role: %1 is %2 years old, an adult for the programme</source>
        <translation>role: %1 is %2 years old, an adult for the programme</translation>
    </message>
    <message>
        <source>person_code: the person code %1 is already used</source>
        <translation>person_code: the person code %1 is already used</translation>
    </message>
    <message>
        <source>members: a household has at least one adult</source>
        <translation>members: a household has at least one adult</translation>
    </message>
    <message>
        <source>consents: more consent lists than members</source>
        <translation>consents: more consent lists than members</translation>
    </message>
    <message>
        <source>card_id: the card %1 is already known</source>
        <translation>card_id: the card %1 is already known</translation>
    </message>
    <message>
        <source>effective_on: the date of the status change is required</source>
        <translation>effective_on: the date of the status change is required</translation>
    </message>
    <message>
        <source>effective_on: the date of the status change is in the future</source>
        <translation>effective_on: the date of the status change is in the future</translation>
    </message>
    <message>
        <source>exit_reason: an exit needs its reason</source>
        <translation>exit_reason: an exit needs its reason</translation>
    </message>
    <message>
        <source>status: the household is already %1</source>
        <translation>status: the household is already %1</translation>
    </message>
    <message>
        <source>status: a replaced card is lost, blocked or closed</source>
        <translation>status: a replaced card is lost, blocked or closed</translation>
    </message>
    <message>
        <source>issued_on: the date of the new card is missing or in the future</source>
        <translation>issued_on: the date of the new card is missing or in the future</translation>
    </message>
    <message>
        <source>The card %1 belongs to no household.</source>
        <translation>The card %1 belongs to no household.</translation>
    </message>
    <message>
        <source>replaces %1</source>
        <translation>replaces %1</translation>
    </message>
    <message>
        <source>There is no household %1.</source>
        <translation>There is no household %1.</translation>
    </message>
    <message>
        <source>This database has no programme.</source>
        <translation>This database has no programme.</translation>
    </message>
    <message>
        <source>referent: %1 is not an active social worker</source>
        <translation>referent: %1 is not an active social worker</translation>
    </message>
    <message>
        <source>%1 is not a member of household %2.</source>
        <translation>%1 is not a member of household %2.</translation>
    </message>
    <message>
        <source>new member %1</source>
        <translation>new member %1</translation>
    </message>
    <message>
        <source>%1 (%2) left the household on %3: %4</source>
        <translation>%1 (%2) left the household on %3: %4</translation>
    </message>
    <message>
        <source>birth_date: %1 would make this person %2 years old</source>
        <translation>birth_date: %1 would make this person %2 years old</translation>
    </message>
    <message>
        <source>arrived_on: the arrival date is required</source>
        <translation>arrived_on: the arrival date is required</translation>
    </message>
    <message>
        <source>arrived_on: the arrival is in the future</source>
        <translation>arrived_on: the arrival is in the future</translation>
    </message>
    <message>
        <source>left_on: the departure is in the future</source>
        <translation>left_on: the departure is in the future</translation>
    </message>
    <message>
        <source>left_on: the departure is before the birth date</source>
        <translation>left_on: the departure is before the birth date</translation>
    </message>
    <message>
        <source>departure_reason: a departure needs its reason</source>
        <translation>departure_reason: a departure needs its reason</translation>
    </message>
</context>
<context>
    <name>ImportReport</name>
    <message>
        <source>Households: %1 new, %2 updated, %3 unchanged. Persons: %4 new, %5 updated, %6 unchanged. Cards: %7 new.</source>
        <translation>Households: %1 new, %2 updated, %3 unchanged. Persons: %4 new, %5 updated, %6 unchanged. Cards: %7 new.</translation>
    </message>
</context>
<context>
    <name>IncomeAssessment</name>
    <message>
        <source>effective_on: the date from which the assessment applies is required</source>
        <translation>effective_on: the date from which the assessment applies is required</translation>
    </message>
    <message>
        <source>monthly_income_cents: must not be negative</source>
        <translation>monthly_income_cents: must not be negative</translation>
    </message>
    <message>
        <source>consumption_units: must be between 1 and 50</source>
        <translation>consumption_units: must be between 1 and 50</translation>
    </message>
    <message>
        <source>income_from, income_to: give both ends of the income period, or neither</source>
        <translation>income_from, income_to: give both ends of the income period, or neither</translation>
    </message>
    <message>
        <source>income_to: the end of the income period is before its start</source>
        <translation>income_to: the end of the income period is before its start</translation>
    </message>
    <message>
        <source>income_from: the income period starts after the assessment applies</source>
        <translation>income_from: the income period starts after the assessment applies</translation>
    </message>
</context>
<context>
    <name>IncomeService</name>
    <message>
        <source>There is no household %1.</source>
        <translation>There is no household %1.</translation>
    </message>
    <message>
        <source>consumption_units: household %1 has no member on %2, so its consumption units cannot be counted; give them.</source>
        <translation>consumption_units: household %1 has no member on %2, so its consumption units cannot be counted; give them.</translation>
    </message>
    <message>
        <source>effective on %1</source>
        <translation>effective on %1</translation>
    </message>
</context>
<context>
    <name>KeyRing</name>
    <message>
        <source>The key slot&apos;s key derivation settings are not acceptable (altered slot).</source>
        <translation>The key slot&apos;s key derivation settings are not acceptable (altered slot).</translation>
    </message>
    <message>
        <source>Not enough memory to derive the key from the password.</source>
        <translation>Not enough memory to derive the key from the password.</translation>
    </message>
    <message>
        <source>The key ring&apos;s signing key has a wrong length.</source>
        <translation>The key ring&apos;s signing key has a wrong length.</translation>
    </message>
    <message>
        <source>The key ring of this database was altered: %1. Restore a backup or use the recovery key.</source>
        <translation>The key ring of this database was altered: %1. Restore a backup or use the recovery key.</translation>
    </message>
    <message>
        <source>The first key slot of a database belongs to a saved administrator.</source>
        <translation>The first key slot of a database belongs to a saved administrator.</translation>
    </message>
    <message>
        <source>its header is damaged</source>
        <translation>its header is damaged</translation>
    </message>
    <message>
        <source>Wrong password, or the key slot was altered.</source>
        <translation>Wrong password, or the key slot was altered.</translation>
    </message>
    <message>
        <source>a key slot has an unknown format</source>
        <translation>a key slot has an unknown format</translation>
    </message>
    <message>
        <source>the data key does not match the database</source>
        <translation>the data key does not match the database</translation>
    </message>
    <message>
        <source>the root key does not match the database</source>
        <translation>the root key does not match the database</translation>
    </message>
    <message>
        <source>a slot&apos;s public key was replaced</source>
        <translation>a slot&apos;s public key was replaced</translation>
    </message>
    <message>
        <source>a slot&apos;s certificate does not match its role</source>
        <translation>a slot&apos;s certificate does not match its role</translation>
    </message>
    <message>
        <source>a health grant has no health key to match</source>
        <translation>a health grant has no health key to match</translation>
    </message>
    <message>
        <source>a health grant does not open the database&apos;s health key</source>
        <translation>a health grant does not open the database&apos;s health key</translation>
    </message>
    <message>
        <source>The recovery slot opens with the recovery key, not a password.</source>
        <translation>The recovery slot opens with the recovery key, not a password.</translation>
    </message>
    <message>
        <source>This is not the recovery slot.</source>
        <translation>This is not the recovery slot.</translation>
    </message>
    <message>
        <source>This recovery key does not open this database (or its recovery slot was altered).</source>
        <translation>This recovery key does not open this database (or its recovery slot was altered).</translation>
    </message>
    <message>
        <source>The health key is not available to this user: only nurses&apos; key slots open it.</source>
        <translation>The health key is not available to this user: only nurses&apos; key slots open it.</translation>
    </message>
    <message>
        <source>An encrypted value is damaged (%1).</source>
        <translation>An encrypted value is damaged (%1).</translation>
    </message>
    <message>
        <source>An encrypted value was altered or moved (%1).</source>
        <translation>An encrypted value was altered or moved (%1).</translation>
    </message>
    <message>
        <source>Only an administrator (or the recovery key) can issue a key slot.</source>
        <translation>Only an administrator (or the recovery key) can issue a key slot.</translation>
    </message>
    <message>
        <source>A key slot belongs to a saved user.</source>
        <translation>A key slot belongs to a saved user.</translation>
    </message>
    <message>
        <source>The key derivation limits are below libsodium&apos;s interactive limits.</source>
        <translation>The key derivation limits are below libsodium&apos;s interactive limits.</translation>
    </message>
    <message>
        <source>A user can only re-wrap their own key slot.</source>
        <translation>A user can only re-wrap their own key slot.</translation>
    </message>
    <message>
        <source>Only a nurse creates the health key.</source>
        <translation>Only a nurse creates the health key.</translation>
    </message>
    <message>
        <source>This database already has a health key.</source>
        <translation>This database already has a health key.</translation>
    </message>
    <message>
        <source>The health key is only granted to nurses (and the recovery key).</source>
        <translation>The health key is only granted to nurses (and the recovery key).</translation>
    </message>
    <message>
        <source>a slot waiting for the health key has no valid certificate</source>
        <translation>a slot waiting for the health key has no valid certificate</translation>
    </message>
    <message>
        <source>The recovery key has a character that cannot be in it: &quot;%1&quot;.</source>
        <translation>The recovery key has a character that cannot be in it: &quot;%1&quot;.</translation>
    </message>
    <message>
        <source>A recovery key has 32 letters and digits (8 groups of 4); this one has %1.</source>
        <translation>A recovery key has 32 letters and digits (8 groups of 4); this one has %1.</translation>
    </message>
    <message>
        <source>This database already has its keys.</source>
        <translation>This database already has its keys.</translation>
    </message>
    <message>
        <source>This database has no keys yet.</source>
        <translation>This database has no keys yet.</translation>
    </message>
    <message>
        <source>User %1 has no key slot: an administrator must set their password again.</source>
        <translation>User %1 has no key slot: an administrator must set their password again.</translation>
    </message>
    <message>
        <source>User %1 has no key slot.</source>
        <translation>User %1 has no key slot.</translation>
    </message>
    <message>
        <source>a cohort grant has no cohort key to match</source>
        <translation>a cohort grant has no cohort key to match</translation>
    </message>
    <message>
        <source>a cohort grant does not open the database&apos;s cohort key</source>
        <translation>a cohort grant does not open the database&apos;s cohort key</translation>
    </message>
    <message>
        <source>The cohort key is not available to this user: only nurses&apos; and coordinators&apos; key slots open it.</source>
        <translation>The cohort key is not available to this user: only nurses&apos; and coordinators&apos; key slots open it.</translation>
    </message>
    <message>
        <source>Only a nurse holding the health key creates the cohort key.</source>
        <translation>Only a nurse holding the health key creates the cohort key.</translation>
    </message>
    <message>
        <source>This database already has a cohort key.</source>
        <translation>This database already has a cohort key.</translation>
    </message>
    <message>
        <source>The cohort key is only granted to nurses and coordinators (and the recovery key).</source>
        <translation>The cohort key is only granted to nurses and coordinators (and the recovery key).</translation>
    </message>
    <message>
        <source>a slot waiting for the cohort key has no valid certificate</source>
        <translation>a slot waiting for the cohort key has no valid certificate</translation>
    </message>
    <message>
        <source>Only an administrator (or the recovery key) can seal a database.</source>
        <translation>Only an administrator (or the recovery key) can seal a database.</translation>
    </message>
    <message>
        <source>Only an administrator (or the recovery key) can issue a recovery key.</source>
        <translation>Only an administrator (or the recovery key) can issue a recovery key.</translation>
    </message>
    <message>
        <source>Only an administrator can replace the recovery key.</source>
        <translation>Only an administrator can replace the recovery key.</translation>
    </message>
    <message>
        <source>This database has no recovery key to replace: it has no key ring.</source>
        <translation>This database has no recovery key to replace: it has no key ring.</translation>
    </message>
    <message>
        <source>the administrator&apos;s keys are not this database&apos;s</source>
        <translation>the administrator&apos;s keys are not this database&apos;s</translation>
    </message>
</context>
<context>
    <name>KeySlotRepository</name>
    <message>
        <source>This database already has a key ring.</source>
        <translation>This database already has a key ring.</translation>
    </message>
    <message>
        <source>Another nurse created the health key meanwhile: log in again.</source>
        <translation>Another nurse created the health key meanwhile: log in again.</translation>
    </message>
    <message>
        <source>The key slot changed meanwhile (its password was reset): nothing was changed.</source>
        <translation>The key slot changed meanwhile (its password was reset): nothing was changed.</translation>
    </message>
    <message>
        <source>Another nurse created the cohort key meanwhile: log in again.</source>
        <translation>Another nurse created the cohort key meanwhile: log in again.</translation>
    </message>
</context>
<context>
    <name>LedgerEntry</name>
    <message>
        <source>the entry id is missing</source>
        <translation>the entry id is missing</translation>
    </message>
    <message>
        <source>the revision must be a whole number of 1 or more</source>
        <translation>the revision must be a whole number of 1 or more</translation>
    </message>
    <message>
        <source>the card is missing</source>
        <translation>the card is missing</translation>
    </message>
    <message>
        <source>the kind is missing</source>
        <translation>the kind is missing</translation>
    </message>
    <message>
        <source>unknown status &quot;%1&quot; (expected pending, posted or voided)</source>
        <translation>unknown status &quot;%1&quot; (expected pending, posted or voided)</translation>
    </message>
    <message>
        <source>the currency is missing</source>
        <translation>the currency is missing</translation>
    </message>
    <message>
        <source>the date and time are missing or invalid</source>
        <translation>the date and time are missing or invalid</translation>
    </message>
    <message>
        <source>a %1 must have a positive amount</source>
        <translation>a %1 must have a positive amount</translation>
    </message>
    <message>
        <source>a purchase must have a negative amount</source>
        <translation>a purchase must have a negative amount</translation>
    </message>
    <message>
        <source>the merchant has no id</source>
        <translation>the merchant has no id</translation>
    </message>
</context>
<context>
    <name>LedgerImport</name>
    <message>
        <source>%1: the column %2 is missing</source>
        <translation>%1: the column %2 is missing</translation>
    </message>
    <message>
        <source>%1: the column amount_cents (or amount, in euros) is missing</source>
        <translation>%1: the column amount_cents (or amount, in euros) is missing</translation>
    </message>
    <message>
        <source>%1: give amount_cents or amount, not both</source>
        <translation>%1: give amount_cents or amount, not both</translation>
    </message>
    <message>
        <source>%1: unknown column &quot;%2&quot; ignored</source>
        <translation>%1: unknown column &quot;%2&quot; ignored</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a whole number of 1 or more</source>
        <translation>&quot;%1&quot; is not a whole number of 1 or more</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a kind (allowance, bonus, purchase, refund, transfer, adjustment)</source>
        <translation>&quot;%1&quot; is not a kind (allowance, bonus, purchase, refund, transfer, adjustment)</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a whole number of cents</source>
        <translation>&quot;%1&quot; is not a whole number of cents</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an amount in euros (such as -12,50)</source>
        <translation>&quot;%1&quot; is not an amount in euros (such as -12,50)</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a date and time with its offset (such as 2024-06-30T23:05:00+02:00)</source>
        <translation>&quot;%1&quot; is not a date and time with its offset (such as 2024-06-30T23:05:00+02:00)</translation>
    </message>
    <message>
        <source>&quot;%1&quot; must be true or false</source>
        <translation>&quot;%1&quot; must be true or false</translation>
    </message>
    <message>
        <source>%1 revision %2 is also at line %3 with a different %4</source>
        <translation>%1 revision %2 is also at line %3 with a different %4</translation>
    </message>
</context>
<context>
    <name>LedgerImportReport</name>
    <message>
        <source>Ledger entries: %1 rows; %2 new, %3 revised, %4 already up to date.</source>
        <translation>Ledger entries: %1 rows; %2 new, %3 revised, %4 already up to date.</translation>
    </message>
</context>
<context>
    <name>LedgerRepository</name>
    <message>
        <source>Ledger entry %1: %2: %3</source>
        <translation>Ledger entry %1: %2: %3</translation>
    </message>
    <message>
        <source>Ledger card %1: %2: %3</source>
        <translation>Ledger card %1: %2: %3</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>missing</translation>
    </message>
    <message>
        <source>There is no household with id %1.</source>
        <translation>There is no household with id %1.</translation>
    </message>
    <message>
        <source>The card %1 is unknown: neither the ledger nor Cabas has it.</source>
        <translation>The card %1 is unknown: neither the ledger nor Cabas has it.</translation>
    </message>
    <message>
        <source>The card %1 already belongs to household %2.</source>
        <translation>The card %1 already belongs to household %2.</translation>
    </message>
    <message>
        <source>There is no merchant %1 in the ledger.</source>
        <translation>There is no merchant %1 in the ledger.</translation>
    </message>
</context>
<context>
    <name>LedgerService</name>
    <message>
        <source>There is no household %1.</source>
        <translation>There is no household %1.</translation>
    </message>
</context>
<context>
    <name>MerchantRepository</name>
    <message>
        <source>merchant: the ledger has no merchant %1</source>
        <translation>merchant: the ledger has no merchant %1</translation>
    </message>
    <message>
        <source>from: the first day of the approval is required (YYYY-MM-DD)</source>
        <translation>from: the first day of the approval is required (YYYY-MM-DD)</translation>
    </message>
    <message>
        <source>from: %1 is approved from %2 until %3 (withdrawn on that day): a new approval starts on %3 or later</source>
        <translation>from: %1 is approved from %2 until %3 (withdrawn on that day): a new approval starts on %3 or later</translation>
    </message>
    <message>
        <source>from: %1 is already approved from %2: withdraw it first</source>
        <translation>from: %1 is already approved from %2: withdraw it first</translation>
    </message>
    <message>
        <source>on: the day the approval ends is required (YYYY-MM-DD)</source>
        <translation>on: the day the approval ends is required (YYYY-MM-DD)</translation>
    </message>
    <message>
        <source>merchant: %1 has no approval in force to withdraw</source>
        <translation>merchant: %1 has no approval in force to withdraw</translation>
    </message>
    <message>
        <source>on: the withdrawal must come after the first day of the approval (%1)</source>
        <translation>on: the withdrawal must come after the first day of the approval (%1)</translation>
    </message>
    <message>
        <source>merchant: %1 is approved from %2: withdraw the approval on a date instead</source>
        <translation>merchant: %1 is approved from %2: withdraw the approval on a date instead</translation>
    </message>
    <message>
        <source>merchant: %1 is already refused</source>
        <translation>merchant: %1 is already refused</translation>
    </message>
</context>
<context>
    <name>MerchantService</name>
    <message>
        <source>note: at most %1 characters</source>
        <translation>note: at most %1 characters</translation>
    </message>
    <message>
        <source>merchant: the ledger has no merchant %1</source>
        <translation>merchant: the ledger has no merchant %1</translation>
    </message>
</context>
<context>
    <name>PasswordFields</name>
    <message>
        <source>The two passwords differ.</source>
        <translation>The two passwords differ.</translation>
    </message>
    <message>
        <source>Unexpected error: %1</source>
        <translation>Unexpected error: %1</translation>
    </message>
</context>
<context>
    <name>Passwords</name>
    <message>
        <source>Not enough memory to hash the password.</source>
        <translation>Not enough memory to hash the password.</translation>
    </message>
    <message>
        <source>the password must have at least 12 characters</source>
        <translation>the password must have at least 12 characters</translation>
    </message>
    <message>
        <source>the password must mix at least three kinds of characters among lower case, upper case, digits and symbols</source>
        <translation>the password must mix at least three kinds of characters among lower case, upper case, digits and symbols</translation>
    </message>
    <message>
        <source>Cannot read the password file %1: %2</source>
        <translation>Cannot read the password file %1: %2</translation>
    </message>
    <message>
        <source>The password file %1 is empty: its first line must be the password.</source>
        <translation>The password file %1 is empty: its first line must be the password.</translation>
    </message>
    <message>
        <source>The database asked for password hashing parameters Cabas does not accept.</source>
        <translation>The database asked for password hashing parameters Cabas does not accept.</translation>
    </message>
    <message>
        <source>The password is not strong enough: %1.</source>
        <translation>The password is not strong enough: %1.</translation>
    </message>
</context>
<context>
    <name>Person</name>
    <message>
        <source>person_code: the person code is required</source>
        <translation>person_code: the person code is required</translation>
    </message>
    <message>
        <source>person_code: &quot;%1&quot; is not a valid person code</source>
        <translation>person_code: &quot;%1&quot; is not a valid person code</translation>
    </message>
    <message>
        <source>first_name: the first name is required</source>
        <translation>first_name: the first name is required</translation>
    </message>
    <message>
        <source>last_name: the last name is required</source>
        <translation>last_name: the last name is required</translation>
    </message>
    <message>
        <source>birth_date: the birth date is required</source>
        <translation>birth_date: the birth date is required</translation>
    </message>
    <message>
        <source>birth_date: %1 is before 1900</source>
        <translation>birth_date: %1 is before 1900</translation>
    </message>
    <message>
        <source>left_on: the departure is before the arrival</source>
        <translation>left_on: the departure is before the arrival</translation>
    </message>
    <message>
        <source>arrived_on: the arrival is before the birth date</source>
        <translation>arrived_on: the arrival is before the birth date</translation>
    </message>
    <message>
        <source>Adult</source>
        <translation>Adult</translation>
    </message>
    <message>
        <source>Child</source>
        <translation>Child</translation>
    </message>
</context>
<context>
    <name>PersonRepository</name>
    <message>
        <source>The person code %1 is already used: a code is never reused.</source>
        <translation>The person code %1 is already used: a code is never reused.</translation>
    </message>
    <message>
        <source>%1 (%2) was changed by someone else since you opened it; reload to see their changes.</source>
        <translation>%1 (%2) was changed by someone else since you opened it; reload to see their changes.</translation>
    </message>
</context>
<context>
    <name>PersonsImport</name>
    <message>
        <source>%1: the column %2 is missing</source>
        <translation>%1: the column %2 is missing</translation>
    </message>
    <message>
        <source>%1: unknown column &quot;%2&quot; ignored</source>
        <translation>%1: unknown column &quot;%2&quot; ignored</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a date (YYYY-MM-DD or DD/MM/YYYY)</source>
        <translation>&quot;%1&quot; is not a date (YYYY-MM-DD or DD/MM/YYYY)</translation>
    </message>
    <message>
        <source>&quot;%1&quot; must be F, M or empty</source>
        <translation>&quot;%1&quot; must be F, M or empty</translation>
    </message>
    <message>
        <source>&quot;%1&quot; must be adult or child</source>
        <translation>&quot;%1&quot; must be adult or child</translation>
    </message>
    <message>
        <source>%1 is in the future</source>
        <translation>%1 is in the future</translation>
    </message>
    <message>
        <source>%1 appears twice (also line %2)</source>
        <translation>%1 appears twice (also line %2)</translation>
    </message>
    <message>
        <source>&quot;%1&quot; differs from &quot;%2&quot; on line %3 for household %4</source>
        <translation>&quot;%1&quot; differs from &quot;%2&quot; on line %3 for household %4</translation>
    </message>
    <message>
        <source>the card %1 is also given to household %2</source>
        <translation>the card %1 is also given to household %2</translation>
    </message>
    <message>
        <source>the card %1 already belongs to another household</source>
        <translation>the card %1 already belongs to another household</translation>
    </message>
    <message>
        <source>%1 already belongs to household %2; move people from the case file, not by import</source>
        <translation>%1 already belongs to household %2; move people from the case file, not by import</translation>
    </message>
    <message>
        <source>Nothing was imported:</source>
        <translation>Nothing was imported:</translation>
    </message>
</context>
<context>
    <name>PgRoles</name>
    <message>
        <source>Database roles exist only on PostgreSQL; a SQLite file is protected by its file permissions.</source>
        <translation>Database roles exist only on PostgreSQL; a SQLite file is protected by its file permissions.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid role prefix (lower-case letters, digits and _, starting with a letter).</source>
        <translation>&quot;%1&quot; is not a valid role prefix (lower-case letters, digits and _, starting with a letter).</translation>
    </message>
    <message>
        <source>The database roles are out of date: an administrator must run `cabas-cli pg roles` (with this version of Cabas) as the tables&apos; owner.</source>
        <translation>The database roles are out of date: an administrator must run `cabas-cli pg roles` (with this version of Cabas) as the tables&apos; owner.</translation>
    </message>
</context>
<context>
    <name>PreventionStep</name>
    <message>
        <source>Screening referral</source>
        <translation>Screening referral</translation>
    </message>
    <message>
        <source>Vaccination</source>
        <translation>Vaccination</translation>
    </message>
    <message>
        <source>Dental care</source>
        <translation>Dental care</translation>
    </message>
    <message>
        <source>Nutrition advice</source>
        <translation>Nutrition advice</translation>
    </message>
    <message>
        <source>Physical activity</source>
        <translation>Physical activity</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Other</translation>
    </message>
    <message>
        <source>GP</source>
        <translation>GP</translation>
    </message>
    <message>
        <source>person_code: the prevention step belongs to a person</source>
        <translation>person_code: the prevention step belongs to a person</translation>
    </message>
    <message>
        <source>date: the date of the prevention step is required</source>
        <translation>date: the date of the prevention step is required</translation>
    </message>
    <message>
        <source>partner: at most %1 characters</source>
        <translation>partner: at most %1 characters</translation>
    </message>
    <message>
        <source>outcome: at most %1 characters</source>
        <translation>outcome: at most %1 characters</translation>
    </message>
    <message>
        <source>notes: at most %1 characters</source>
        <translation>notes: at most %1 characters</translation>
    </message>
    <message>
        <source>next_due: the next step must be due after the date of this one</source>
        <translation>next_due: the next step must be due after the date of this one</translation>
    </message>
</context>
<context>
    <name>Programme</name>
    <message>
        <source>Sustainable food card programme</source>
        <translation>Sustainable food card programme</translation>
    </message>
    <message>
        <source>name: the programme needs a name</source>
        <translation>name: the programme needs a name</translation>
    </message>
    <message>
        <source>starts_on: the start date is required</source>
        <translation>starts_on: the start date is required</translation>
    </message>
    <message>
        <source>ends_on: the end date is before the start date</source>
        <translation>ends_on: the end date is before the start date</translation>
    </message>
    <message>
        <source>allowance.adult_cents: must not be negative</source>
        <translation>allowance.adult_cents: must not be negative</translation>
    </message>
    <message>
        <source>allowance.child_cents: must not be negative</source>
        <translation>allowance.child_cents: must not be negative</translation>
    </message>
    <message>
        <source>allowance.child_adult_age: must be between 1 and 30</source>
        <translation>allowance.child_adult_age: must be between 1 and 30</translation>
    </message>
    <message>
        <source>disclosure_threshold: must be between 1 and 1000</source>
        <translation>disclosure_threshold: must be between 1 and 1000</translation>
    </message>
    <message>
        <source>currency: &quot;%1&quot; is not a currency label (2 to 10 letters, such as EUR or MonA)</source>
        <translation>currency: &quot;%1&quot; is not a currency label (2 to 10 letters, such as EUR or MonA)</translation>
    </message>
    <message>
        <source>household_code_prefix: &quot;%1&quot; must be 1 to 10 letters or digits</source>
        <translation>household_code_prefix: &quot;%1&quot; must be 1 to 10 letters or digits</translation>
    </message>
    <message>
        <source>%1.label: the bonus rule needs a label</source>
        <translation>%1.label: the bonus rule needs a label</translation>
    </message>
    <message>
        <source>%1.rate_percent: must be between 0 and 1000</source>
        <translation>%1.rate_percent: must be between 0 and 1000</translation>
    </message>
    <message>
        <source>%1.monthly_cap_cents: must not be negative</source>
        <translation>%1.monthly_cap_cents: must not be negative</translation>
    </message>
    <message>
        <source>%1.valid_from: the start of validity is required</source>
        <translation>%1.valid_from: the start of validity is required</translation>
    </message>
    <message>
        <source>%1.valid_to: the end of validity is before its start</source>
        <translation>%1.valid_to: the end of validity is before its start</translation>
    </message>
    <message>
        <source>waves: the programme needs at least one follow-up wave (M0)</source>
        <translation>waves: the programme needs at least one follow-up wave (M0)</translation>
    </message>
    <message>
        <source>%1.code: the wave needs a code such as M6</source>
        <translation>%1.code: the wave needs a code such as M6</translation>
    </message>
    <message>
        <source>%1.code: the wave %2 appears twice</source>
        <translation>%1.code: the wave %2 appears twice</translation>
    </message>
    <message>
        <source>%1.offset_days: must be between 0 and 3650</source>
        <translation>%1.offset_days: must be between 0 and 3650</translation>
    </message>
    <message>
        <source>%1.tolerance_days: must be between 0 and 365</source>
        <translation>%1.tolerance_days: must be between 0 and 365</translation>
    </message>
    <message>
        <source>%1.offset_days: waves must come in increasing order of offset</source>
        <translation>%1.offset_days: waves must come in increasing order of offset</translation>
    </message>
    <message>
        <source>sustainable_categories: &quot;%1&quot; is not a merchant category (%2)</source>
        <translation>sustainable_categories: &quot;%1&quot; is not a merchant category (%2)</translation>
    </message>
    <message>
        <source>is required</source>
        <translation>is required</translation>
    </message>
    <message>
        <source>must be a string</source>
        <translation>must be a string</translation>
    </message>
    <message>
        <source>must be a date written YYYY-MM-DD</source>
        <translation>must be a date written YYYY-MM-DD</translation>
    </message>
    <message>
        <source>must be a whole number</source>
        <translation>must be a whole number</translation>
    </message>
    <message>
        <source>unknown field</source>
        <translation>unknown field</translation>
    </message>
    <message>
        <source>is required, as an object with adult_cents and child_cents</source>
        <translation>is required, as an object with adult_cents and child_cents</translation>
    </message>
    <message>
        <source>must be a list</source>
        <translation>must be a list</translation>
    </message>
    <message>
        <source>must be an object</source>
        <translation>must be an object</translation>
    </message>
    <message>
        <source>is required, as a number such as 50 or 12.5</source>
        <translation>is required, as a number such as 50 or 12.5</translation>
    </message>
    <message>
        <source>has more than two decimals</source>
        <translation>has more than two decimals</translation>
    </message>
    <message>
        <source>is required, as a list of waves</source>
        <translation>is required, as a list of waves</translation>
    </message>
    <message>
        <source>must be a list of merchant categories</source>
        <translation>must be a list of merchant categories</translation>
    </message>
    <message>
        <source>%1 per adult and %2 per child a month</source>
        <translation>%1 per adult and %2 per child a month</translation>
    </message>
    <message>
        <source>%1 per person a month</source>
        <translation>%1 per person a month</translation>
    </message>
    <message>
        <source>up to %1 a consumption unit: %2</source>
        <translation>up to %1 a consumption unit: %2</translation>
    </message>
    <message>
        <source>above: %1</source>
        <translation>above: %1</translation>
    </message>
    <message>
        <source>By income band, per person a month: %1</source>
        <translation>By income band, per person a month: %1</translation>
    </message>
    <message>
        <source>By income band, per household a month: %1</source>
        <translation>By income band, per household a month: %1</translation>
    </message>
    <message>
        <source>allowance.per_person_cents: must not be negative</source>
        <translation>allowance.per_person_cents: must not be negative</translation>
    </message>
    <message>
        <source>allowance.bands: an income-band allowance needs at least one band</source>
        <translation>allowance.bands: an income-band allowance needs at least one band</translation>
    </message>
    <message>
        <source>%1.amount_cents: must not be negative</source>
        <translation>%1.amount_cents: must not be negative</translation>
    </message>
    <message>
        <source>%1.up_to_cents: must not be negative</source>
        <translation>%1.up_to_cents: must not be negative</translation>
    </message>
    <message>
        <source>%1.up_to_cents: only the last band may be open (null)</source>
        <translation>%1.up_to_cents: only the last band may be open (null)</translation>
    </message>
    <message>
        <source>%1.up_to_cents: the last band must be open (null), so that every income has a band</source>
        <translation>%1.up_to_cents: the last band must be open (null), so that every income has a band</translation>
    </message>
    <message>
        <source>%1.up_to_cents: bands must come in increasing order of income</source>
        <translation>%1.up_to_cents: bands must come in increasing order of income</translation>
    </message>
    <message>
        <source>allowance.reassess_months: must be between 1 and 60</source>
        <translation>allowance.reassess_months: must be between 1 and 60</translation>
    </message>
    <message>
        <source>allowance.consumption_units.first_person: must be more than 0 and at most 10</source>
        <translation>allowance.consumption_units.first_person: must be more than 0 and at most 10</translation>
    </message>
    <message>
        <source>allowance.consumption_units.other_persons: must be between 0 and 10</source>
        <translation>allowance.consumption_units.other_persons: must be between 0 and 10</translation>
    </message>
    <message>
        <source>allowance.consumption_units.children: must be between 0 and 10</source>
        <translation>allowance.consumption_units.children: must be between 0 and 10</translation>
    </message>
    <message>
        <source>allowance.consumption_units.child_under_age: must be between 1 and 30</source>
        <translation>allowance.consumption_units.child_under_age: must be between 1 and 30</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an allowance kind (by_role, per_person, income_bands)</source>
        <translation>&quot;%1&quot; is not an allowance kind (by_role, per_person, income_bands)</translation>
    </message>
    <message>
        <source>must be true or false</source>
        <translation>must be true or false</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a basis (household or person)</source>
        <translation>&quot;%1&quot; is not a basis (household or person)</translation>
    </message>
    <message>
        <source>is required, as a list of bands with up_to_cents and amount_cents</source>
        <translation>is required, as a list of bands with up_to_cents and amount_cents</translation>
    </message>
    <message>
        <source>is required (null for the last, open band)</source>
        <translation>is required (null for the last, open band)</translation>
    </message>
    <message>
        <source>must be a number with at most three decimals, such as 0.5</source>
        <translation>must be a number with at most three decimals, such as 0.5</translation>
    </message>
    <message>
        <source>%1: cannot read the programme file (%2).</source>
        <translation>%1: cannot read the programme file (%2).</translation>
    </message>
    <message>
        <source>%1: offset %2: not valid JSON (%3)</source>
        <translation>%1: offset %2: not valid JSON (%3)</translation>
    </message>
    <message>
        <source>%1: the programme must be a JSON object</source>
        <translation>%1: the programme must be a JSON object</translation>
    </message>
    <message>
        <source>contributions.currency: &quot;%1&quot; is not a currency label (2 to 10 letters, such as EUR)</source>
        <translation>contributions.currency: &quot;%1&quot; is not a currency label (2 to 10 letters, such as EUR)</translation>
    </message>
    <message>
        <source>contributions.min_monthly_cents: must be at least 1</source>
        <translation>contributions.min_monthly_cents: must be at least 1</translation>
    </message>
    <message>
        <source>contributions.max_monthly_cents: must be at most 100000000</source>
        <translation>contributions.max_monthly_cents: must be at most 100000000</translation>
    </message>
    <message>
        <source>contributions.max_monthly_cents: is below min_monthly_cents</source>
        <translation>contributions.max_monthly_cents: is below min_monthly_cents</translation>
    </message>
    <message>
        <source>is required, as true or false</source>
        <translation>is required, as true or false</translation>
    </message>
</context>
<context>
    <name>ProgrammeRepository</name>
    <message>
        <source>The programme settings were changed by someone else meanwhile; reload them and try again.</source>
        <translation>The programme settings were changed by someone else meanwhile; reload them and try again.</translation>
    </message>
</context>
<context>
    <name>QuestionnaireRepository</name>
    <message>
        <source>This person already has a diet questionnaire for wave %1.</source>
        <translation>This person already has a diet questionnaire for wave %1.</translation>
    </message>
</context>
<context>
    <name>ReconciliationService</name>
    <message>
        <source>The period needs a valid start and end date.</source>
        <translation>The period needs a valid start and end date.</translation>
    </message>
    <message>
        <source>The end of the period (%1) is before its start (%2).</source>
        <translation>The end of the period (%1) is before its start (%2).</translation>
    </message>
    <message>
        <source>The period is longer than 120 months; reconcile it in parts.</source>
        <translation>The period is longer than 120 months; reconcile it in parts.</translation>
    </message>
    <message>
        <source>This database has no programme.</source>
        <translation>This database has no programme.</translation>
    </message>
</context>
<context>
    <name>Recovery</name>
    <message>
        <source>This database has no recovery key: it was made before key rings. An administrator of its server or a backup is the only way back.</source>
        <translation>This database has no recovery key: it was made before key rings. An administrator of its server or a backup is the only way back.</translation>
    </message>
    <message>
        <source>Recovery must connect to this shared database as its owner (the connection that created it), not as a staff login.</source>
        <translation>Recovery must connect to this shared database as its owner (the connection that created it), not as a staff login.</translation>
    </message>
    <message>
        <source>%1 is not an administrator: choose the login of an administrator or a new login.</source>
        <translation>%1 is not an administrator: choose the login of an administrator or a new login.</translation>
    </message>
    <message>
        <source>This database has no recovery key to replace: it was made before key rings and nothing in it is encrypted yet.</source>
        <translation>This database has no recovery key to replace: it was made before key rings and nothing in it is encrypted yet.</translation>
    </message>
    <message>
        <source>This session has not opened the database&apos;s key ring: log out and log in again as an administrator.</source>
        <translation>This session has not opened the database&apos;s key ring: log out and log in again as an administrator.</translation>
    </message>
    <message>
        <source>This connection to the shared database may not write key slots: connect with the administrators&apos; database login (or as the database&apos;s owner). Nothing was changed.</source>
        <translation>This connection to the shared database may not write key slots: connect with the administrators&apos; database login (or as the database&apos;s owner). Nothing was changed.</translation>
    </message>
</context>
<context>
    <name>SealExisting</name>
    <message>
        <source>The sealing was cancelled; the database was not changed.</source>
        <translation>The sealing was cancelled; the database was not changed.</translation>
    </message>
    <message>
        <source>%1 is already being sealed.</source>
        <translation>%1 is already being sealed.</translation>
    </message>
    <message>
        <source>Cannot write %1.</source>
        <translation>Cannot write %1.</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>Cannot open %1: %2</translation>
    </message>
    <message>
        <source>Someone changed %1 while it was being sealed: it was left as it was. Seal it again when nobody else is working on it.</source>
        <translation>Someone changed %1 while it was being sealed: it was left as it was. Seal it again when nobody else is working on it.</translation>
    </message>
    <message>
        <source>%1 is still open in another program: close it there, then seal it again (it was left as it was).</source>
        <translation>%1 is still open in another program: close it there, then seal it again (it was left as it was).</translation>
    </message>
</context>
<context>
    <name>Sealed</name>
    <message>
        <source>This database keeps names, addresses and notes encrypted, and this session has no key to open them: log in with your password (nothing was read or written).</source>
        <translation>This database keeps names, addresses and notes encrypted, and this session has no key to open them: log in with your password (nothing was read or written).</translation>
    </message>
    <message>
        <source>An encrypted value is damaged (%1).</source>
        <translation>An encrypted value is damaged (%1).</translation>
    </message>
    <message>
        <source>%1 keeps its data encrypted in a way this version of Cabas does not know (format &quot;%2&quot;). Install the newer version of Cabas to open it; nothing was changed.</source>
        <translation>%1 keeps its data encrypted in a way this version of Cabas does not know (format &quot;%2&quot;). Install the newer version of Cabas to open it; nothing was changed.</translation>
    </message>
    <message>
        <source>Only a new, empty database can be sealed this way.</source>
        <translation>Only a new, empty database can be sealed this way.</translation>
    </message>
    <message>
        <source>An administrator has just encrypted %1: log in again to go on (nothing was written).</source>
        <translation>An administrator has just encrypted %1: log in again to go on (nothing was written).</translation>
    </message>
</context>
<context>
    <name>Sealing</name>
    <message>
        <source>The sealing was cancelled; the database was not changed.</source>
        <translation>The sealing was cancelled; the database was not changed.</translation>
    </message>
    <message>
        <source>Your key slot is missing: ask another administrator to set your password again, then seal the database. Nothing was changed.</source>
        <translation>Your key slot is missing: ask another administrator to set your password again, then seal the database. Nothing was changed.</translation>
    </message>
    <message>
        <source>Sealing must connect to this shared database as its owner (the connection that created it), not as a staff login. Nothing was changed.</source>
        <translation>Sealing must connect to this shared database as its owner (the connection that created it), not as a staff login. Nothing was changed.</translation>
    </message>
    <message>
        <source>The password is wrong: the database was not sealed, nothing was changed.</source>
        <translation>The password is wrong: the database was not sealed, nothing was changed.</translation>
    </message>
    <message>
        <source>The backup %1 does not hold the same rows as the database: nothing was sealed.</source>
        <translation>The backup %1 does not hold the same rows as the database: nothing was sealed.</translation>
    </message>
    <message>
        <source>The backup %1 is empty: nothing was sealed.</source>
        <translation>The backup %1 is empty: nothing was sealed.</translation>
    </message>
    <message>
        <source>The sealed data did not read back as it was: nothing was changed.</source>
        <translation>The sealed data did not read back as it was: nothing was changed.</translation>
    </message>
    <message>
        <source>The sealed copy has no key slot for you: nothing was changed.</source>
        <translation>The sealed copy has no key slot for you: nothing was changed.</translation>
    </message>
    <message>
        <source>The sealed copy did not read back as the database: nothing was changed.</source>
        <translation>The sealed copy did not read back as the database: nothing was changed.</translation>
    </message>
    <message>
        <source>Someone changed %1 while it was being sealed: it was left as it was. Seal it again when nobody else is working on it.</source>
        <translation>Someone changed %1 while it was being sealed: it was left as it was. Seal it again when nobody else is working on it.</translation>
    </message>
    <message>
        <source>Cannot write %1.</source>
        <translation>Cannot write %1.</translation>
    </message>
    <message>
        <source>This database has no recovery slot: its health data cannot be sealed. Nothing was changed.</source>
        <translation>This database has no recovery slot: its health data cannot be sealed. Nothing was changed.</translation>
    </message>
    <message>
        <source>The recovery key does not hold this database&apos;s health key: nothing was changed.</source>
        <translation>The recovery key does not hold this database&apos;s health key: nothing was changed.</translation>
    </message>
    <message>
        <source>The sealed health data did not read back as it was: nothing was changed.</source>
        <translation>The sealed health data did not read back as it was: nothing was changed.</translation>
    </message>
    <message>
        <source>%1 is already sealed: its names, addresses, notes and health data are already encrypted. Nothing was changed.</source>
        <translation>%1 is already sealed: its names, addresses, notes and health data are already encrypted. Nothing was changed.</translation>
    </message>
    <message>
        <source>The recovery key of %1 does not hold its health key yet (no nurse has logged in since the key was made): the database was not sealed, nothing was changed. Ask a nurse to log in once, then seal it again.</source>
        <translation>The recovery key of %1 does not hold its health key yet (no nurse has logged in since the key was made): the database was not sealed, nothing was changed. Ask a nurse to log in once, then seal it again.</translation>
    </message>
    <message>
        <source>%1 already encrypts names, addresses and notes. To encrypt its health data too, give the recovery key printed when the database was made (or at its latest replacement): the health key is held by the nurses, never by an administrator. Nothing was changed.</source>
        <translation>%1 already encrypts names, addresses and notes. To encrypt its health data too, give the recovery key printed when the database was made (or at its latest replacement): the health key is held by the nurses, never by an administrator. Nothing was changed.</translation>
    </message>
    <message>
        <source>This recovery key does not open %1: the database was not sealed, nothing was changed. Check the key printed when the database was made (or at its latest replacement).</source>
        <translation>This recovery key does not open %1: the database was not sealed, nothing was changed. Check the key printed when the database was made (or at its latest replacement).</translation>
    </message>
</context>
<context>
    <name>Setup</name>
    <message>
        <source>password: %1</source>
        <translation>password: %1</translation>
    </message>
    <message>
        <source>programme: %1</source>
        <translation>programme: %1</translation>
    </message>
</context>
<context>
    <name>ShownOnce</name>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Copy</translation>
    </message>
    <message>
        <source>&amp;Print…</source>
        <translation>&amp;Print…</translation>
    </message>
    <message>
        <source>C&amp;ontinue</source>
        <translation>C&amp;ontinue</translation>
    </message>
</context>
<context>
    <name>SupportSession</name>
    <message>
        <source>person_code: the support session is held with a person or a household</source>
        <translation>person_code: the support session is held with a person or a household</translation>
    </message>
    <message>
        <source>date: the date of the session is required</source>
        <translation>date: the date of the session is required</translation>
    </message>
    <message>
        <source>topic: the topic of the session is required</source>
        <translation>topic: the topic of the session is required</translation>
    </message>
    <message>
        <source>topic: at most %1 characters</source>
        <translation>topic: at most %1 characters</translation>
    </message>
    <message>
        <source>notes: at most %1 characters</source>
        <translation>notes: at most %1 characters</translation>
    </message>
</context>
<context>
    <name>SyncEngine</name>
    <message>
        <source>The sync was cancelled; what was stored before stays, and the next sync resumes from there.</source>
        <translation>The sync was cancelled; what was stored before stays, and the next sync resumes from there.</translation>
    </message>
    <message>
        <source>The ledger feed says more cards follow but its cursor does not move.</source>
        <translation>The ledger feed says more cards follow but its cursor does not move.</translation>
    </message>
    <message>
        <source>The ledger feed says more entries follow but its cursor does not move.</source>
        <translation>The ledger feed says more entries follow but its cursor does not move.</translation>
    </message>
</context>
<context>
    <name>User</name>
    <message>
        <source>Social worker</source>
        <translation>Social worker</translation>
    </message>
    <message>
        <source>Nurse</source>
        <translation>Nurse</translation>
    </message>
    <message>
        <source>Coordinator</source>
        <translation>Coordinator</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <source>login: &quot;%1&quot; is not a valid login (2 to 32 lower-case letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;)</source>
        <translation>login: &quot;%1&quot; is not a valid login (2 to 32 lower-case letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;)</translation>
    </message>
    <message>
        <source>display_name: the name shown for the user is required</source>
        <translation>display_name: the name shown for the user is required</translation>
    </message>
</context>
<context>
    <name>UserRepository</name>
    <message>
        <source>The login &quot;%1&quot; is already taken.</source>
        <translation>The login &quot;%1&quot; is already taken.</translation>
    </message>
    <message>
        <source>Database error: %1</source>
        <translation>Database error: %1</translation>
    </message>
</context>
<context>
    <name>UserService</name>
    <message>
        <source>There is no user %1.</source>
        <translation>There is no user %1.</translation>
    </message>
    <message>
        <source>%1 is the last active administrator: enable or add another administrator first.</source>
        <translation>%1 is the last active administrator: enable or add another administrator first.</translation>
    </message>
    <message>
        <source>To change your own password on this shared database, give your current password too.</source>
        <translation>To change your own password on this shared database, give your current password too.</translation>
    </message>
    <message>
        <source>The current password is wrong, or the account is locked or disabled.</source>
        <translation>The current password is wrong, or the account is locked or disabled.</translation>
    </message>
    <message>
        <source>This session has not opened the database&apos;s key ring: log out and log in again.</source>
        <translation>This session has not opened the database&apos;s key ring: log out and log in again.</translation>
    </message>
    <message>
        <source>Only an administrator&apos;s session can give an account its key slot.</source>
        <translation>Only an administrator&apos;s session can give an account its key slot.</translation>
    </message>
    <message>
        <source>An administrator set your password again meanwhile: log in again with that password, then change it.</source>
        <translation>An administrator set your password again meanwhile: log in again with that password, then change it.</translation>
    </message>
    <message>
        <source>The current password is wrong; the password was not changed.</source>
        <translation>The current password is wrong; the password was not changed.</translation>
    </message>
    <message>
        <source>Only nurses and administrators see who can open health data.</source>
        <translation>Only nurses and administrators see who can open health data.</translation>
    </message>
</context>
<context>
    <name>Workshop</name>
    <message>
        <source>Farm visit</source>
        <translation>Farm visit</translation>
    </message>
    <message>
        <source>Cooking</source>
        <translation>Cooking</translation>
    </message>
    <message>
        <source>Market visit</source>
        <translation>Market visit</translation>
    </message>
    <message>
        <source>Cheese making</source>
        <translation>Cheese making</translation>
    </message>
    <message>
        <source>Bread making</source>
        <translation>Bread making</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Other</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>Registered</translation>
    </message>
    <message>
        <source>Waiting list</source>
        <translation>Waiting list</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <source>title: the workshop needs a title</source>
        <translation>title: the workshop needs a title</translation>
    </message>
    <message>
        <source>title: at most 200 characters</source>
        <translation>title: at most 200 characters</translation>
    </message>
    <message>
        <source>date: the date of the workshop is required</source>
        <translation>date: the date of the workshop is required</translation>
    </message>
    <message>
        <source>end_time: the workshop must end after it starts</source>
        <translation>end_time: the workshop must end after it starts</translation>
    </message>
    <message>
        <source>start_time: an end time needs a start time</source>
        <translation>start_time: an end time needs a start time</translation>
    </message>
    <message>
        <source>capacity: must be a positive number of places, or 0 for no limit</source>
        <translation>capacity: must be a positive number of places, or 0 for no limit</translation>
    </message>
</context>
<context>
    <name>WorkshopRepository</name>
    <message>
        <source>There is already a workshop &quot;%1&quot; of this type on this date.</source>
        <translation>There is already a workshop &quot;%1&quot; of this type on this date.</translation>
    </message>
    <message>
        <source>The workshop &quot;%1&quot; was changed by someone else since you opened it; reload it to see their changes.</source>
        <translation>The workshop &quot;%1&quot; was changed by someone else since you opened it; reload it to see their changes.</translation>
    </message>
    <message>
        <source>There is no workshop %1.</source>
        <translation>There is no workshop %1.</translation>
    </message>
</context>
<context>
    <name>WorkshopService</name>
    <message>
        <source>There is no person %1.</source>
        <translation>There is no person %1.</translation>
    </message>
    <message>
        <source>The end of the period (%1) is before its start (%2).</source>
        <translation>The end of the period (%1) is before its start (%2).</translation>
    </message>
    <message>
        <source>%1-%2 is not a month.</source>
        <translation>%1-%2 is not a month.</translation>
    </message>
    <message>
        <source>There is no workshop %1.</source>
        <translation>There is no workshop %1.</translation>
    </message>
    <message>
        <source>The workshop &quot;%1&quot; was cancelled on %2: it cannot be changed.</source>
        <translation>The workshop &quot;%1&quot; was cancelled on %2: it cannot be changed.</translation>
    </message>
    <message>
        <source>%1 is not registered for this workshop.</source>
        <translation>%1 is not registered for this workshop.</translation>
    </message>
    <message>
        <source>%1&apos;s attendance is already recorded: the registration cannot be cancelled any more.</source>
        <translation>%1&apos;s attendance is already recorded: the registration cannot be cancelled any more.</translation>
    </message>
    <message>
        <source>The workshop &quot;%1&quot; is on %2: attendance is recorded on the day or after.</source>
        <translation>The workshop &quot;%1&quot; is on %2: attendance is recorded on the day or after.</translation>
    </message>
    <message>
        <source>%1: ticked twice</source>
        <translation>%1: ticked twice</translation>
    </message>
    <message>
        <source>%1 has no place at this workshop (not registered, waiting or cancelled).</source>
        <translation>%1 has no place at this workshop (not registered, waiting or cancelled).</translation>
    </message>
    <message>
        <source>Nothing was recorded:</source>
        <translation>Nothing was recorded:</translation>
    </message>
    <message>
        <source>%1 is already registered for this workshop.</source>
        <translation>%1 is already registered for this workshop.</translation>
    </message>
    <message>
        <source>%1 is already on the waiting list of this workshop.</source>
        <translation>%1 is already on the waiting list of this workshop.</translation>
    </message>
</context>
<context>
    <name>cabas::ui::AdministrationPage</name>
    <message>
        <source>Administration</source>
        <translation>Administration</translation>
    </message>
    <message>
        <source>Audit trail</source>
        <translation>Audit trail</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Users</translation>
    </message>
    <message>
        <source>Every login, every change and every refused action, newest first. The records are chained by their hashes: any record changed, removed or added outside Cabas breaks the chain.</source>
        <translation>Every login, every change and every refused action, newest first. The records are chained by their hashes: any record changed, removed or added outside Cabas breaks the chain.</translation>
    </message>
    <message>
        <source>&amp;Since</source>
        <translation>&amp;Since</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>&amp;User:</translation>
    </message>
    <message>
        <source>All users</source>
        <translation>All users</translation>
    </message>
    <message>
        <source>&amp;Table:</source>
        <translation>&amp;Table:</translation>
    </message>
    <message>
        <source>All tables</source>
        <translation>All tables</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Refresh</translation>
    </message>
    <message>
        <source>&amp;Verify the chain</source>
        <translation>&amp;Verify the chain</translation>
    </message>
    <message>
        <source>Recompute every record&apos;s hash and check that the chain is complete.</source>
        <translation>Recompute every record&apos;s hash and check that the chain is complete.</translation>
    </message>
    <message>
        <source>Login</source>
        <translation>Login</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>Locked until</source>
        <translation>Locked until</translation>
    </message>
    <message>
        <source>The newest %1 records; narrow the filters to see older ones.</source>
        <translation>The newest %1 records; narrow the filters to see older ones.</translation>
    </message>
    <message numerus="yes">
        <source>%n record(s)</source>
        <translation>
            <numerusform>%n record</numerusform>
            <numerusform>%n records</numerusform>
        </translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>No</source>
        <translation>No</translation>
    </message>
    <message>
        <source>The audit trail is NOT intact. First bad record: %1. %2</source>
        <translation>The audit trail is NOT intact. First bad record: %1. %2</translation>
    </message>
    <message>
        <source>Programme</source>
        <translation>Programme</translation>
    </message>
    <message>
        <source>The rules of the programme: they decide each household&apos;s monthly allowance, the bonus, when nurses see each person, and what public figures may show. A change applies from now on and is recorded in the audit trail.</source>
        <translation>The rules of the programme: they decide each household&apos;s monthly allowance, the bonus, when nurses see each person, and what public figures may show. A change applies from now on and is recorded in the audit trail.</translation>
    </message>
    <message>
        <source>Programme &amp;name</source>
        <translation>Programme &amp;name</translation>
    </message>
    <message>
        <source>&amp;Reload</source>
        <translation>&amp;Reload</translation>
    </message>
    <message>
        <source>&amp;Save the rules</source>
        <translation>&amp;Save the rules</translation>
    </message>
    <message>
        <source>Correct the rules shown in red; nothing was saved.</source>
        <translation>Correct the rules shown in red; nothing was saved.</translation>
    </message>
    <message>
        <source>Someone else changed the rules since you opened them; nothing was saved. Reload to see their version, then make your change again.</source>
        <translation>Someone else changed the rules since you opened them; nothing was saved. Reload to see their version, then make your change again.</translation>
    </message>
    <message>
        <source>The rules were saved.</source>
        <translation>The rules were saved.</translation>
    </message>
    <message>
        <source>Since date</source>
        <translation>Since date</translation>
    </message>
    <message>
        <source>Filter by user</source>
        <translation>Filter by user</translation>
    </message>
    <message>
        <source>Merchants</source>
        <translation>Merchants</translation>
    </message>
    <message>
        <source>The user accounts of this database. A disabled account keeps its history and can be enabled again; every change is recorded in the audit trail.</source>
        <translation>The user accounts of this database. A disabled account keeps its history and can be enabled again; every change is recorded in the audit trail.</translation>
    </message>
    <message>
        <source>&amp;Add a user…</source>
        <translation>&amp;Add a user…</translation>
    </message>
    <message>
        <source>Set a &amp;new password…</source>
        <translation>Set a &amp;new password…</translation>
    </message>
    <message>
        <source>&amp;Disable</source>
        <translation>&amp;Disable</translation>
    </message>
    <message>
        <source>&amp;Enable</source>
        <translation>&amp;Enable</translation>
    </message>
    <message>
        <source>%1 was added.</source>
        <translation>%1 was added.</translation>
    </message>
    <message>
        <source>%1 has a new password.</source>
        <translation>%1 has a new password.</translation>
    </message>
    <message>
        <source>%1 is disabled: the account can no longer log in.</source>
        <translation>%1 is disabled: the account can no longer log in.</translation>
    </message>
    <message>
        <source>%1 is enabled again.</source>
        <translation>%1 is enabled again.</translation>
    </message>
    <message>
        <source>Replace the recovery &amp;key…</source>
        <translation>Replace the recovery &amp;key…</translation>
    </message>
    <message>
        <source>When the recovery key is lost, or someone who should not have seen it has: a new key, and the old one no longer opens this database.</source>
        <translation>When the recovery key is lost, or someone who should not have seen it has: a new key, and the old one no longer opens this database.</translation>
    </message>
    <message>
        <source>A new recovery key will be made and shown once. The current recovery key will stop working at once: it will no longer open this database (backups taken before keep the old key).</source>
        <translation>A new recovery key will be made and shown once. The current recovery key will stop working at once: it will no longer open this database (backups taken before keep the old key).</translation>
    </message>
    <message>
        <source>The new key will open health data only after a nurse&apos;s next login.</source>
        <translation>The new key will open health data only after a nurse&apos;s next login.</translation>
    </message>
    <message>
        <source>Replace the recovery key</source>
        <translation>Replace the recovery key</translation>
    </message>
    <message>
        <source>&amp;Replace the key</source>
        <translation>&amp;Replace the key</translation>
    </message>
    <message>
        <source>The recovery key was not replaced:
%1</source>
        <translation>The recovery key was not replaced:
%1</translation>
    </message>
    <message>
        <source>This is the new recovery key of the database; the old one no longer opens it. It is shown only this once and Cabas keeps no copy of it. If every administrator&apos;s password is lost, it is the only way to open the database&apos;s keys. Write it down or print it, and keep it in a safe place, away from this computer.</source>
        <translation>This is the new recovery key of the database; the old one no longer opens it. It is shown only this once and Cabas keeps no copy of it. If every administrator&apos;s password is lost, it is the only way to open the database&apos;s keys. Write it down or print it, and keep it in a safe place, away from this computer.</translation>
    </message>
    <message>
        <source>It will open health data after a nurse&apos;s next login.</source>
        <translation>It will open health data after a nurse&apos;s next login.</translation>
    </message>
    <message>
        <source>The recovery key was replaced: the old key no longer opens this database.</source>
        <translation>The recovery key was replaced: the old key no longer opens this database.</translation>
    </message>
</context>
<context>
    <name>cabas::ui::AdministratorRecoveryDialog</name>
    <message>
        <source>Recover the administration</source>
        <translation>Recover the administration</translation>
    </message>
    <message>
        <source>When every administrator&apos;s password is lost, the recovery key written down when the database was created gives an administrator a new password: a new administrator, or an existing administrator&apos;s login (the account is also unlocked and enabled). It is recorded in the audit trail.</source>
        <translation>When every administrator&apos;s password is lost, the recovery key written down when the database was created gives an administrator a new password: a new administrator, or an existing administrator&apos;s login (the account is also unlocked and enabled). It is recorded in the audit trail.</translation>
    </message>
    <message>
        <source>&amp;Recovery key:</source>
        <translation>&amp;Recovery key:</translation>
    </message>
    <message>
        <source>Administrator&apos;s &amp;login:</source>
        <translation>Administrator&apos;s &amp;login:</translation>
    </message>
    <message>
        <source>for a new administrator</source>
        <translation>for a new administrator</translation>
    </message>
    <message>
        <source>&amp;Name shown:</source>
        <translation>&amp;Name shown:</translation>
    </message>
    <message>
        <source>New &amp;password:</source>
        <translation>New &amp;password:</translation>
    </message>
    <message>
        <source>&amp;Same password again:</source>
        <translation>&amp;Same password again:</translation>
    </message>
    <message>
        <source>&amp;Recover</source>
        <translation>&amp;Recover</translation>
    </message>
</context>
<context>
    <name>cabas::ui::AttendanceImportDialog</name>
    <message>
        <source>Import attendance</source>
        <translation>Import attendance</translation>
    </message>
    <message>
        <source>A file attendance.csv: workshop_date;workshop_type;title;person_code;attended. Workshops not yet in Cabas are created.</source>
        <translation>A file attendance.csv: workshop_date;workshop_type;title;person_code;attended. Workshops not yet in Cabas are created.</translation>
    </message>
    <message>
        <source>Attendance file</source>
        <translation>Attendance file</translation>
    </message>
    <message>
        <source>CSV files (*.csv *.txt)</source>
        <translation>CSV files (*.csv *.txt)</translation>
    </message>
    <message>
        <source>Ready to import: %1</source>
        <translation>Ready to import: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s): nothing can be imported until the file is corrected.</source>
        <translation>
            <numerusform>%n problem: nothing can be imported until the file is corrected.</numerusform>
            <numerusform>%n problems: nothing can be imported until the file is corrected.</numerusform>
        </translation>
    </message>
    <message>
        <source>Imported. %1</source>
        <translation>Imported. %1</translation>
    </message>
    <message>
        <source>&amp;Choose…</source>
        <translation>&amp;Choose…</translation>
    </message>
    <message>
        <source>Problems found</source>
        <translation>Problems found</translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation>&amp;Import</translation>
    </message>
</context>
<context>
    <name>cabas::ui::AuditTableModel</name>
    <message>
        <source>Create</source>
        <translation>Create</translation>
    </message>
    <message>
        <source>Update</source>
        <translation>Update</translation>
    </message>
    <message>
        <source>Read</source>
        <translation>Read</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Change</translation>
    </message>
    <message>
        <source>See figures</source>
        <translation>See figures</translation>
    </message>
    <message>
        <source>Publish figures</source>
        <translation>Publish figures</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>Log in</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>Log out</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>Disable</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>Enable</translation>
    </message>
    <message>
        <source>Consent given</source>
        <translation>Consent given</translation>
    </message>
    <message>
        <source>Consent withdrawn</source>
        <translation>Consent withdrawn</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Import</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>System</source>
        <translation>System</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>Denied</source>
        <translation>Denied</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Failed</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>No.</translation>
    </message>
    <message>
        <source>Date and time</source>
        <translation>Date and time</translation>
    </message>
    <message>
        <source>User</source>
        <translation>User</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Table</source>
        <translation>Table</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>Record</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Detail</translation>
    </message>
    <message>
        <source>Recovery key</source>
        <translation>Recovery key</translation>
    </message>
    <message>
        <source>Keys created</source>
        <translation>Keys created</translation>
    </message>
    <message>
        <source>Health key granted</source>
        <translation>Health key granted</translation>
    </message>
</context>
<context>
    <name>cabas::ui::BackupController</name>
    <message>
        <source>&amp;Back up the database…</source>
        <translation>&amp;Back up the database…</translation>
    </message>
    <message>
        <source>Write a complete, consistent copy of the database to a file (administrators).</source>
        <translation>Write a complete, consistent copy of the database to a file (administrators).</translation>
    </message>
    <message>
        <source>Back up now</source>
        <translation>Back up now</translation>
    </message>
    <message>
        <source>Last backup: %1. Back up at least once a week.</source>
        <translation>Last backup: %1. Back up at least once a week.</translation>
    </message>
    <message>
        <source>This database has never been backed up.</source>
        <translation>This database has never been backed up.</translation>
    </message>
    <message>
        <source>Back up the database</source>
        <translation>Back up the database</translation>
    </message>
    <message>
        <source>Cabas backups (*.cabas-backup);;All files (*)</source>
        <translation>Cabas backups (*.cabas-backup);;All files (*)</translation>
    </message>
    <message>
        <source>Backing up the database…</source>
        <translation>Backing up the database…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Backup</source>
        <translation>Backup</translation>
    </message>
    <message>
        <source>Backup written to %1 (%2).</source>
        <translation>Backup written to %1 (%2).</translation>
    </message>
    <message>
        <source>Back up the database now</source>
        <translation>Back up the database now</translation>
    </message>
    <message>
        <source>Backup overdue</source>
        <translation>Backup overdue</translation>
    </message>
    <message>
        <source>No backup yet</source>
        <translation>No backup yet</translation>
    </message>
</context>
<context>
    <name>cabas::ui::CaseFileView</name>
    <message>
        <source>Household</source>
        <translation>Household</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>First name</source>
        <translation>First name</translation>
    </message>
    <message>
        <source>Last name</source>
        <translation>Last name</translation>
    </message>
    <message>
        <source>Born on</source>
        <translation>Born on</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>Arrived on</source>
        <translation>Arrived on</translation>
    </message>
    <message>
        <source>Left on</source>
        <translation>Left on</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Members</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Cards</source>
        <translation>Cards</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>Person</translation>
    </message>
    <message>
        <source>Purpose</source>
        <translation>Purpose</translation>
    </message>
    <message>
        <source>Given</source>
        <translation>Given</translation>
    </message>
    <message>
        <source>From</source>
        <translation>From</translation>
    </message>
    <message>
        <source>Consents</source>
        <translation>Consents</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>Follow-up</source>
        <translation>Follow-up</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>Commune</source>
        <translation>Commune</translation>
    </message>
    <message>
        <source>Postcode</source>
        <translation>Postcode</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Undo</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Redo</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>Recorded by</source>
        <translation>Recorded by</translation>
    </message>
    <message>
        <source>Reason (required for an exit)</source>
        <translation>Reason (required for an exit)</translation>
    </message>
    <message>
        <source>Change the status</source>
        <translation>Change the status</translation>
    </message>
    <message>
        <source>Status changed.</source>
        <translation>Status changed.</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>Card</translation>
    </message>
    <message>
        <source>Issued on</source>
        <translation>Issued on</translation>
    </message>
    <message>
        <source>Replaces</source>
        <translation>Replaces</translation>
    </message>
    <message>
        <source>History</source>
        <translation>History</translation>
    </message>
    <message>
        <source>Replace the current card, which is</source>
        <translation>Replace the current card, which is</translation>
    </message>
    <message>
        <source>New card id</source>
        <translation>New card id</translation>
    </message>
    <message>
        <source>Re-issue</source>
        <translation>Re-issue</translation>
    </message>
    <message>
        <source>This household has no card to replace.</source>
        <translation>This household has no card to replace.</translation>
    </message>
    <message>
        <source>Card %1 replaced.</source>
        <translation>Card %1 replaced.</translation>
    </message>
    <message>
        <source>Written</source>
        <translation>Written</translation>
    </message>
    <message>
        <source>By</source>
        <translation>By</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>Add the note</source>
        <translation>Add the note</translation>
    </message>
    <message>
        <source>Spending</source>
        <translation>Spending</translation>
    </message>
    <message>
        <source>Health follow-up</source>
        <translation>Health follow-up</translation>
    </message>
    <message>
        <source>Workshops</source>
        <translation>Workshops</translation>
    </message>
    <message>
        <source>Card spending is shown to social workers, nurses and administrators; coordinators see it in the cohort figures.</source>
        <translation>Card spending is shown to social workers, nurses and administrators; coordinators see it in the cohort figures.</translation>
    </message>
    <message>
        <source>Workshops are shown to the programme&apos;s staff.</source>
        <translation>Workshops are shown to the programme&apos;s staff.</translation>
    </message>
    <message>
        <source>There is no household %1.</source>
        <translation>There is no household %1.</translation>
    </message>
    <message>
        <source>Case file %1</source>
        <translation>Case file %1</translation>
    </message>
    <message>
        <source>Household %1 — %2</source>
        <translation>Household %1 — %2</translation>
    </message>
    <message>
        <source>Allowance for %1: %2 (%3 adult(s), %4 child(ren))</source>
        <translation>Allowance for %1: %2 (%3 adult(s), %4 child(ren))</translation>
    </message>
    <message>
        <source>given</source>
        <translation>given</translation>
    </message>
    <message>
        <source>withdrawn</source>
        <translation>withdrawn</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>Saved.</translation>
    </message>
    <message>
        <source>Someone else saved this household</source>
        <translation>Someone else saved this household</translation>
    </message>
    <message>
        <source>Household %1 was saved by someone else since you opened it. For each field both of you changed, tick the value to keep; the fields only one of you changed keep that change.</source>
        <translation>Household %1 was saved by someone else since you opened it. For each field both of you changed, tick the value to keep; the fields only one of you changed keep that change.</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>Their value (saved)</source>
        <translation>Their value (saved)</translation>
    </message>
    <message>
        <source>Your value</source>
        <translation>Your value</translation>
    </message>
    <message>
        <source>Keep yours</source>
        <translation>Keep yours</translation>
    </message>
    <message>
        <source>(only one side changed it)</source>
        <translation>(only one side changed it)</translation>
    </message>
    <message>
        <source>Save with these choices</source>
        <translation>Save with these choices</translation>
    </message>
    <message>
        <source>Not saved: your changes are still here; save again to choose.</source>
        <translation>Not saved: your changes are still here; save again to choose.</translation>
    </message>
    <message>
        <source>Someone else saved this household meanwhile: choose what to keep.</source>
        <translation>Someone else saved this household meanwhile: choose what to keep.</translation>
    </message>
    <message>
        <source>Undo: %1</source>
        <translation>Undo: %1</translation>
    </message>
    <message>
        <source>Redo: %1</source>
        <translation>Redo: %1</translation>
    </message>
    <message>
        <source>Referent</source>
        <translation>Referent</translation>
    </message>
    <message>
        <source>The social worker who follows the household</source>
        <translation>The social worker who follows the household</translation>
    </message>
    <message>
        <source>A member arrives…</source>
        <translation>A member arrives…</translation>
    </message>
    <message>
        <source>A member arrives</source>
        <translation>A member arrives</translation>
    </message>
    <message>
        <source>Record a departure…</source>
        <translation>Record a departure…</translation>
    </message>
    <message>
        <source>Record the selected member&apos;s departure</source>
        <translation>Record the selected member&apos;s departure</translation>
    </message>
    <message>
        <source>Correct the dates…</source>
        <translation>Correct the dates…</translation>
    </message>
    <message>
        <source>Correct the selected member&apos;s dates</source>
        <translation>Correct the selected member&apos;s dates</translation>
    </message>
    <message>
        <source>New status from</source>
        <translation>New status from</translation>
    </message>
    <message>
        <source>New status</source>
        <translation>New status</translation>
    </message>
    <message>
        <source>Status history</source>
        <translation>Status history</translation>
    </message>
    <message>
        <source>Reason of the status change</source>
        <translation>Reason of the status change</translation>
    </message>
    <message>
        <source>New note</source>
        <translation>New note</translation>
    </message>
    <message>
        <source>Notes journal</source>
        <translation>Notes journal</translation>
    </message>
    <message>
        <source>No referent yet</source>
        <translation>No referent yet</translation>
    </message>
    <message>
        <source>User %1</source>
        <translation>User %1</translation>
    </message>
    <message>
        <source>with the unsaved changes</source>
        <translation>with the unsaved changes</translation>
    </message>
    <message>
        <source>(new)</source>
        <translation>(new)</translation>
    </message>
    <message>
        <source>Not saved yet</source>
        <translation>Not saved yet</translation>
    </message>
    <message>
        <source>Left the household on %1</source>
        <translation>Left the household on %1</translation>
    </message>
    <message>
        <source>There is no member %1 in this household.</source>
        <translation>There is no member %1 in this household.</translation>
    </message>
    <message>
        <source>Select a member in the list first.</source>
        <translation>Select a member in the list first.</translation>
    </message>
    <message>
        <source>%1 has already left the household: correct the dates instead.</source>
        <translation>%1 has already left the household: correct the dates instead.</translation>
    </message>
    <message>
        <source>%1 is not saved yet: undo the arrival instead.</source>
        <translation>%1 is not saved yet: undo the arrival instead.</translation>
    </message>
    <message>
        <source>Arrival of %1</source>
        <translation>Arrival of %1</translation>
    </message>
    <message>
        <source>Departure of %1</source>
        <translation>Departure of %1</translation>
    </message>
    <message>
        <source>Dates of %1</source>
        <translation>Dates of %1</translation>
    </message>
    <message>
        <source>Reason for leaving</source>
        <translation>Reason for leaving</translation>
    </message>
    <message>
        <source>Left the household on %1: %2</source>
        <translation>Left the household on %1: %2</translation>
    </message>
    <message>
        <source>Allowance for %1: no income assessment in force, so no amount (see the Income tab)</source>
        <translation>Allowance for %1: no income assessment in force, so no amount (see the Income tab)</translation>
    </message>
</context>
<context>
    <name>cabas::ui::CheckupForm</name>
    <message>
        <source>New checkup</source>
        <translation>New checkup</translation>
    </message>
    <message>
        <source>Derived from the weight and the height: weight (kg) / height (m)²</source>
        <translation>Derived from the weight and the height: weight (kg) / height (m)²</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>optional</translation>
    </message>
    <message>
        <source>&amp;Date:</source>
        <translation>&amp;Date:</translation>
    </message>
    <message>
        <source>&amp;Wave:</source>
        <translation>&amp;Wave:</translation>
    </message>
    <message>
        <source>&amp;Weight:</source>
        <translation>&amp;Weight:</translation>
    </message>
    <message>
        <source>kg</source>
        <translation>kg</translation>
    </message>
    <message>
        <source>&amp;Height:</source>
        <translation>&amp;Height:</translation>
    </message>
    <message>
        <source>cm</source>
        <translation>cm</translation>
    </message>
    <message>
        <source>BMI:</source>
        <translation>BMI:</translation>
    </message>
    <message>
        <source>W&amp;aist:</source>
        <translation>W&amp;aist:</translation>
    </message>
    <message>
        <source>&amp;Systolic pressure:</source>
        <translation>&amp;Systolic pressure:</translation>
    </message>
    <message>
        <source>mmHg</source>
        <translation>mmHg</translation>
    </message>
    <message>
        <source>D&amp;iastolic pressure:</source>
        <translation>D&amp;iastolic pressure:</translation>
    </message>
    <message>
        <source>&amp;Glucose (capillary):</source>
        <translation>&amp;Glucose (capillary):</translation>
    </message>
    <message>
        <source>g/L</source>
        <translation>g/L</translation>
    </message>
    <message>
        <source>&amp;Notes:</source>
        <translation>&amp;Notes:</translation>
    </message>
    <message>
        <source>not a number</source>
        <translation>not a number</translation>
    </message>
    <message>
        <source>a whole number</source>
        <translation>a whole number</translation>
    </message>
    <message>
        <source>too large</source>
        <translation>too large</translation>
    </message>
    <message>
        <source>%1 kg/m²</source>
        <translation>%1 kg/m²</translation>
    </message>
    <message>
        <source>— (from the weight and the height)</source>
        <translation>— (from the weight and the height)</translation>
    </message>
    <message>
        <source>Correct a checkup</source>
        <translation>Correct a checkup</translation>
    </message>
    <message>
        <source>e.g. weight typed wrong</source>
        <translation>e.g. weight typed wrong</translation>
    </message>
    <message>
        <source>&amp;Reason for the correction:</source>
        <translation>&amp;Reason for the correction:</translation>
    </message>
    <message>
        <source>nothing is changed yet</source>
        <translation>nothing is changed yet</translation>
    </message>
    <message>
        <source>a correction needs its reason</source>
        <translation>a correction needs its reason</translation>
    </message>
</context>
<context>
    <name>cabas::ui::ContributionsPanel</name>
    <message>
        <source>Contributions month by month</source>
        <translation>Contributions month by month</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>Month</translation>
    </message>
    <message>
        <source>Expected</source>
        <translation>Expected</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>Paid</translation>
    </message>
    <message>
        <source>Owed to date</source>
        <translation>Owed to date</translation>
    </message>
    <message>
        <source>Amounts chosen</source>
        <translation>Amounts chosen</translation>
    </message>
    <message>
        <source>From</source>
        <translation>From</translation>
    </message>
    <message>
        <source>A month</source>
        <translation>A month</translation>
    </message>
    <message>
        <source>Recorded by</source>
        <translation>Recorded by</translation>
    </message>
    <message>
        <source>Payments</source>
        <translation>Payments</translation>
    </message>
    <message>
        <source>Paid on</source>
        <translation>Paid on</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Amount</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>Record</translation>
    </message>
    <message>
        <source>e.g. 12,50</source>
        <translation>e.g. 12,50</translation>
    </message>
    <message>
        <source>From month</source>
        <translation>From month</translation>
    </message>
    <message>
        <source>&amp;Set amount</source>
        <translation>&amp;Set amount</translation>
    </message>
    <message>
        <source>from</source>
        <translation>from</translation>
    </message>
    <message>
        <source>New amount a month:</source>
        <translation>New amount a month:</translation>
    </message>
    <message>
        <source>Record &amp;payment</source>
        <translation>Record &amp;payment</translation>
    </message>
    <message>
        <source>on</source>
        <translation>on</translation>
    </message>
    <message>
        <source>Payment received:</source>
        <translation>Payment received:</translation>
    </message>
    <message>
        <source>Contributions</source>
        <translation>Contributions</translation>
    </message>
    <message>
        <source>Each household chooses its contribution: %1 to %2 a month.</source>
        <translation>Each household chooses its contribution: %1 to %2 a month.</translation>
    </message>
    <message>
        <source>Now %1 a month.</source>
        <translation>Now %1 a month.</translation>
    </message>
    <message>
        <source>No amount chosen yet.</source>
        <translation>No amount chosen yet.</translation>
    </message>
    <message>
        <source>Owed: %1.</source>
        <translation>Owed: %1.</translation>
    </message>
    <message>
        <source>Paid in advance: %1.</source>
        <translation>Paid in advance: %1.</translation>
    </message>
    <message>
        <source>Nothing owed.</source>
        <translation>Nothing owed.</translation>
    </message>
    <message>
        <source>Amount: type an amount such as 12,50.</source>
        <translation>Amount: type an amount such as 12,50.</translation>
    </message>
    <message>
        <source>Amount recorded.</source>
        <translation>Amount recorded.</translation>
    </message>
    <message>
        <source>Payment: type an amount such as 12,50.</source>
        <translation>Payment: type an amount such as 12,50.</translation>
    </message>
    <message>
        <source>Payment recorded.</source>
        <translation>Payment recorded.</translation>
    </message>
</context>
<context>
    <name>cabas::ui::DashboardPage</name>
    <message>
        <source>Internal figures</source>
        <translation>Internal figures</translation>
    </message>
    <message>
        <source>Public figures (small groups hidden)</source>
        <translation>Public figures (small groups hidden)</translation>
    </message>
    <message>
        <source>Compute</source>
        <translation>Compute</translation>
    </message>
    <message>
        <source>Commune</source>
        <translation>Commune</translation>
    </message>
    <message>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <source>CSV</source>
        <translation>CSV</translation>
    </message>
    <message>
        <source>Excel</source>
        <translation>Excel</translation>
    </message>
    <message>
        <source>PDF report</source>
        <translation>PDF report</translation>
    </message>
    <message>
        <source>Evaluators&apos; dataset</source>
        <translation>Evaluators&apos; dataset</translation>
    </message>
    <message>
        <source>Click a figure to list the households behind it.</source>
        <translation>Click a figure to list the households behind it.</translation>
    </message>
    <message>
        <source>Household</source>
        <translation>Household</translation>
    </message>
    <message>
        <source>All communes</source>
        <translation>All communes</translation>
    </message>
    <message numerus="yes">
        <source>— : hidden because fewer than %1 households or persons are behind it, or without denominator (%n figure(s) hidden).</source>
        <translation>
            <numerusform>— : hidden because fewer than %1 households or persons are behind it, or without denominator (%n figure hidden).</numerusform>
            <numerusform>— : hidden because fewer than %1 households or persons are behind it, or without denominator (%n figures hidden).</numerusform>
        </translation>
    </message>
    <message>
        <source>Public figures: the households behind them are not shown.</source>
        <translation>Public figures: the households behind them are not shown.</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n household(s)</source>
        <translation>
            <numerusform>%1: %n household</numerusform>
            <numerusform>%1: %n households</numerusform>
        </translation>
    </message>
    <message>
        <source>Writing %1…</source>
        <translation>Writing %1…</translation>
    </message>
    <message>
        <source>Export the cohort figures</source>
        <translation>Export the cohort figures</translation>
    </message>
    <message>
        <source>%1 files (*.%2)</source>
        <translation>%1 files (*.%2)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>&amp;From</source>
        <translation>&amp;From</translation>
    </message>
    <message>
        <source>t&amp;o</source>
        <translation>t&amp;o</translation>
    </message>
    <message>
        <source>Co&amp;mmune</source>
        <translation>Co&amp;mmune</translation>
    </message>
    <message>
        <source>Figures</source>
        <translation>Figures</translation>
    </message>
    <message>
        <source>Monthly spending chart</source>
        <translation>Monthly spending chart</translation>
    </message>
    <message>
        <source>Allowance and bonus chart</source>
        <translation>Allowance and bonus chart</translation>
    </message>
    <message>
        <source>Workshops chart</source>
        <translation>Workshops chart</translation>
    </message>
    <message>
        <source>Follow-up completion chart</source>
        <translation>Follow-up completion chart</translation>
    </message>
    <message>
        <source>Households behind the figure</source>
        <translation>Households behind the figure</translation>
    </message>
</context>
<context>
    <name>cabas::ui::EnrolmentWizard</name>
    <message>
        <source>Enrol a household</source>
        <translation>Enrol a household</translation>
    </message>
    <message>
        <source>The household</source>
        <translation>The household</translation>
    </message>
    <message>
        <source>Its code, address and enrolment date.</source>
        <translation>Its code, address and enrolment date.</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>The members</source>
        <translation>The members</translation>
    </message>
    <message>
        <source>Each adult and child of the household, with their birth date.</source>
        <translation>Each adult and child of the household, with their birth date.</translation>
    </message>
    <message>
        <source>Not said</source>
        <translation>Not said</translation>
    </message>
    <message>
        <source>Female</source>
        <translation>Female</translation>
    </message>
    <message>
        <source>Male</source>
        <translation>Male</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Born on</source>
        <translation>Born on</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>Card and consents</source>
        <translation>Card and consents</translation>
    </message>
    <message>
        <source>The card&apos;s id as the card operator knows it (never the card number), and the consents the adults gave today.</source>
        <translation>The card&apos;s id as the card operator knows it (never the card number), and the consents the adults gave today.</translation>
    </message>
    <message>
        <source>Referent</source>
        <translation>Referent</translation>
    </message>
    <message>
        <source>The social worker who follows the household.</source>
        <translation>The social worker who follows the household.</translation>
    </message>
    <message>
        <source>No referent yet</source>
        <translation>No referent yet</translation>
    </message>
    <message numerus="yes">
        <source>%1, %2: %n member(s), card %3.</source>
        <translation>
            <numerusform>%1, %2: %n member, card %3.</numerusform>
            <numerusform>%1, %2: %n members, card %3.</numerusform>
        </translation>
    </message>
    <message>
        <source>none yet</source>
        <translation>none yet</translation>
    </message>
    <message>
        <source>member %1</source>
        <translation>member %1</translation>
    </message>
    <message>
        <source>Possible duplicate: a person with this name and birth date is already a member of another household: %1. Check before enrolling them again.</source>
        <translation>Possible duplicate: a person with this name and birth date is already a member of another household: %1. Check before enrolling them again.</translation>
    </message>
    <message>
        <source>&amp;Code</source>
        <translation>&amp;Code</translation>
    </message>
    <message>
        <source>&amp;Address</source>
        <translation>&amp;Address</translation>
    </message>
    <message>
        <source>Co&amp;mmune</source>
        <translation>Co&amp;mmune</translation>
    </message>
    <message>
        <source>&amp;Postcode</source>
        <translation>&amp;Postcode</translation>
    </message>
    <message>
        <source>&amp;Enrolled on</source>
        <translation>&amp;Enrolled on</translation>
    </message>
    <message>
        <source>F&amp;irst name</source>
        <translation>F&amp;irst name</translation>
    </message>
    <message>
        <source>&amp;Last name</source>
        <translation>&amp;Last name</translation>
    </message>
    <message>
        <source>Birth da&amp;te</source>
        <translation>Birth da&amp;te</translation>
    </message>
    <message>
        <source>A&amp;dult or child</source>
        <translation>A&amp;dult or child</translation>
    </message>
    <message>
        <source>Se&amp;x</source>
        <translation>Se&amp;x</translation>
    </message>
    <message>
        <source>Add this &amp;member</source>
        <translation>Add this &amp;member</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Members</translation>
    </message>
    <message>
        <source>&amp;Card id</source>
        <translation>&amp;Card id</translation>
    </message>
    <message>
        <source>&amp;Referent</source>
        <translation>&amp;Referent</translation>
    </message>
</context>
<context>
    <name>cabas::ui::FirstRunDialog</name>
    <message>
        <source>Cabas databases (*.cabas);;All files (*)</source>
        <translation>Cabas databases (*.cabas);;All files (*)</translation>
    </message>
    <message>
        <source>Unexpected error: %1</source>
        <translation>Unexpected error: %1</translation>
    </message>
    <message>
        <source>Welcome to Cabas</source>
        <translation>Welcome to Cabas</translation>
    </message>
    <message>
        <source>Cabas keeps its data in a database. Create a new one on this computer, open an existing one, or connect to your organisation&apos;s PostgreSQL server.</source>
        <translation>Cabas keeps its data in a database. Create a new one on this computer, open an existing one, or connect to your organisation&apos;s PostgreSQL server.</translation>
    </message>
    <message>
        <source>e.g. Healthy food for all, phase 2</source>
        <translation>e.g. Healthy food for all, phase 2</translation>
    </message>
    <message>
        <source>At least 12 characters</source>
        <translation>At least 12 characters</translation>
    </message>
    <message>
        <source>Empty: taken from PGPASSWORD or ~/.pgpass</source>
        <translation>Empty: taken from PGPASSWORD or ~/.pgpass</translation>
    </message>
    <message>
        <source>The password is never saved by Cabas. The database must already have been prepared with &quot;cabas-cli init&quot;.</source>
        <translation>The password is never saved by Cabas. The database must already have been prepared with &quot;cabas-cli init&quot;.</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Create</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Connect</translation>
    </message>
    <message>
        <source>New Cabas database</source>
        <translation>New Cabas database</translation>
    </message>
    <message>
        <source>Open a Cabas database</source>
        <translation>Open a Cabas database</translation>
    </message>
    <message>
        <source>Choose where to save the new database.</source>
        <translation>Choose where to save the new database.</translation>
    </message>
    <message>
        <source>Give a file path: a PostgreSQL database is prepared with &quot;cabas-cli init&quot;.</source>
        <translation>Give a file path: a PostgreSQL database is prepared with &quot;cabas-cli init&quot;.</translation>
    </message>
    <message>
        <source>This file already exists: choose another name, or open it instead.</source>
        <translation>This file already exists: choose another name, or open it instead.</translation>
    </message>
    <message>
        <source>Give the programme a name.</source>
        <translation>Give the programme a name.</translation>
    </message>
    <message>
        <source>Choose the administrator&apos;s login.</source>
        <translation>Choose the administrator&apos;s login.</translation>
    </message>
    <message>
        <source>Choose the administrator&apos;s password.</source>
        <translation>Choose the administrator&apos;s password.</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>The two passwords differ.</translation>
    </message>
    <message>
        <source>Choose the database file to open.</source>
        <translation>Choose the database file to open.</translation>
    </message>
    <message>
        <source>There is no file here.</source>
        <translation>There is no file here.</translation>
    </message>
    <message>
        <source>Give the server&apos;s name or address.</source>
        <translation>Give the server&apos;s name or address.</translation>
    </message>
    <message>
        <source>Give the name of the database.</source>
        <translation>Give the name of the database.</translation>
    </message>
    <message>
        <source>The database could not be opened.</source>
        <translation>The database could not be opened.</translation>
    </message>
    <message>
        <source>&amp;Create a new database on this computer</source>
        <translation>&amp;Create a new database on this computer</translation>
    </message>
    <message>
        <source>&amp;Open an existing database file</source>
        <translation>&amp;Open an existing database file</translation>
    </message>
    <message>
        <source>Connect to a Post&amp;greSQL database</source>
        <translation>Connect to a Post&amp;greSQL database</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Browse…</translation>
    </message>
    <message>
        <source>&amp;Database file</source>
        <translation>&amp;Database file</translation>
    </message>
    <message>
        <source>Programme &amp;name</source>
        <translation>Programme &amp;name</translation>
    </message>
    <message>
        <source>Administrator &amp;login</source>
        <translation>Administrator &amp;login</translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation>&amp;Password</translation>
    </message>
    <message>
        <source>Con&amp;firm the password</source>
        <translation>Con&amp;firm the password</translation>
    </message>
    <message>
        <source>Programme &amp;rules: allowance, bonus, follow-up waves…</source>
        <translation>Programme &amp;rules: allowance, bonus, follow-up waves…</translation>
    </message>
    <message>
        <source>&amp;Server</source>
        <translation>&amp;Server</translation>
    </message>
    <message>
        <source>Po&amp;rt</source>
        <translation>Po&amp;rt</translation>
    </message>
    <message>
        <source>&amp;Database</source>
        <translation>&amp;Database</translation>
    </message>
    <message>
        <source>&amp;User</source>
        <translation>&amp;User</translation>
    </message>
    <message>
        <source>&amp;Encrypt names, birth dates, addresses, notes and health data in the database (recommended)</source>
        <translation>&amp;Encrypt names, birth dates, addresses, notes and health data in the database (recommended)</translation>
    </message>
    <message>
        <source>Encrypt names, birth dates, addresses, notes and health data in the database</source>
        <translation>Encrypt names, birth dates, addresses, notes and health data in the database</translation>
    </message>
</context>
<context>
    <name>cabas::ui::FollowUpListModel</name>
    <message>
        <source>%1 – %2</source>
        <translation>%1 – %2</translation>
    </message>
    <message>
        <source>Consent withdrawn</source>
        <translation>Consent withdrawn</translation>
    </message>
    <message>
        <source>Consent to health follow-up withdrawn: the records are kept, no new record can be made.</source>
        <translation>Consent to health follow-up withdrawn: the records are kept, no new record can be made.</translation>
    </message>
    <message>
        <source>Target %1, window from %2 to %3</source>
        <translation>Target %1, window from %2 to %3</translation>
    </message>
    <message>
        <source>Consent to health follow-up withdrawn</source>
        <translation>Consent to health follow-up withdrawn</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>Person</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Household</source>
        <translation>Household</translation>
    </message>
    <message>
        <source>Commune</source>
        <translation>Commune</translation>
    </message>
    <message>
        <source>Wave</source>
        <translation>Wave</translation>
    </message>
    <message>
        <source>Target date</source>
        <translation>Target date</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>Window</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
</context>
<context>
    <name>cabas::ui::HealthBadgesWidget</name>
    <message>
        <source>Health follow-up: %1</source>
        <translation>Health follow-up: %1</translation>
    </message>
    <message>
        <source>Health follow-up</source>
        <translation>Health follow-up</translation>
    </message>
    <message>
        <source>not in the health follow-up</source>
        <translation>not in the health follow-up</translation>
    </message>
    <message>
        <source>consent withdrawn</source>
        <translation>consent withdrawn</translation>
    </message>
    <message>
        <source>all waves done</source>
        <translation>all waves done</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
</context>
<context>
    <name>cabas::ui::HealthCharts</name>
    <message>
        <source>The charts appear with the first checkup that has measures.</source>
        <translation>The charts appear with the first checkup that has measures.</translation>
    </message>
    <message>
        <source>Weight and BMI</source>
        <translation>Weight and BMI</translation>
    </message>
    <message>
        <source>Blood pressure</source>
        <translation>Blood pressure</translation>
    </message>
    <message>
        <source>Weight (kg)</source>
        <translation>Weight (kg)</translation>
    </message>
    <message>
        <source>BMI (kg/m²)</source>
        <translation>BMI (kg/m²)</translation>
    </message>
    <message>
        <source>Systolic (mmHg)</source>
        <translation>Systolic (mmHg)</translation>
    </message>
    <message>
        <source>Diastolic (mmHg)</source>
        <translation>Diastolic (mmHg)</translation>
    </message>
    <message>
        <source>kg</source>
        <translation>kg</translation>
    </message>
    <message>
        <source>kg/m²</source>
        <translation>kg/m²</translation>
    </message>
    <message>
        <source>mmHg</source>
        <translation>mmHg</translation>
    </message>
</context>
<context>
    <name>cabas::ui::HealthFormDialog</name>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
</context>
<context>
    <name>cabas::ui::HealthImportDialog</name>
    <message>
        <source>Import health records</source>
        <translation>Import health records</translation>
    </message>
    <message>
        <source>Checkups (checkups.csv)</source>
        <translation>Checkups (checkups.csv)</translation>
    </message>
    <message>
        <source>Diet questionnaires (questionnaires.csv)</source>
        <translation>Diet questionnaires (questionnaires.csv)</translation>
    </message>
    <message>
        <source>&amp;Records:</source>
        <translation>&amp;Records:</translation>
    </message>
    <message>
        <source>&amp;Choose…</source>
        <translation>&amp;Choose…</translation>
    </message>
    <message>
        <source>&amp;File:</source>
        <translation>&amp;File:</translation>
    </message>
    <message>
        <source>Problems:</source>
        <translation>Problems:</translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation>&amp;Import</translation>
    </message>
    <message>
        <source>Choose a CSV file</source>
        <translation>Choose a CSV file</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV files (*.csv);;All files (*)</translation>
    </message>
    <message>
        <source>The file cannot be imported: nothing will be written.</source>
        <translation>The file cannot be imported: nothing will be written.</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>Warning: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s): correct the file and choose it again; nothing will be written.</source>
        <translation>
            <numerusform>%n problem: correct the file and choose it again; nothing will be written.</numerusform>
            <numerusform>%n problems: correct the file and choose it again; nothing will be written.</numerusform>
        </translation>
    </message>
    <message>
        <source>Ready to import: %1</source>
        <translation>Ready to import: %1</translation>
    </message>
    <message>
        <source>Imported: %1</source>
        <translation>Imported: %1</translation>
    </message>
    <message>
        <source>Nothing was imported.</source>
        <translation>Nothing was imported.</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Preview</translation>
    </message>
    <message>
        <source>Problems found</source>
        <translation>Problems found</translation>
    </message>
    <message>
        <source>Import progress</source>
        <translation>Import progress</translation>
    </message>
</context>
<context>
    <name>cabas::ui::HealthPage</name>
    <message>
        <source>Health follow-up</source>
        <translation>Health follow-up</translation>
    </message>
    <message>
        <source>The follow-up waves of the people who consented to the health follow-up, with their window and their status today. Double-click a row (or press Enter) to see the person&apos;s checkups and questionnaires.</source>
        <translation>The follow-up waves of the people who consented to the health follow-up, with their window and their status today. Double-click a row (or press Enter) to see the person&apos;s checkups and questionnaires.</translation>
    </message>
    <message>
        <source>&amp;Status:</source>
        <translation>&amp;Status:</translation>
    </message>
    <message>
        <source>Due or overdue</source>
        <translation>Due or overdue</translation>
    </message>
    <message>
        <source>All</source>
        <translation>All</translation>
    </message>
    <message>
        <source>&amp;Commune:</source>
        <translation>&amp;Commune:</translation>
    </message>
    <message>
        <source>← &amp;Back to the work list</source>
        <translation>← &amp;Back to the work list</translation>
    </message>
    <message>
        <source>Consent to health follow-up withdrawn: the records are kept, no new record can be made.</source>
        <translation>Consent to health follow-up withdrawn: the records are kept, no new record can be made.</translation>
    </message>
    <message>
        <source>Checkups</source>
        <translation>Checkups</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Wave</source>
        <translation>Wave</translation>
    </message>
    <message>
        <source>Weight (kg)</source>
        <translation>Weight (kg)</translation>
    </message>
    <message>
        <source>Height (cm)</source>
        <translation>Height (cm)</translation>
    </message>
    <message>
        <source>BMI</source>
        <translation>BMI</translation>
    </message>
    <message>
        <source>Waist (cm)</source>
        <translation>Waist (cm)</translation>
    </message>
    <message>
        <source>Blood pressure (mmHg)</source>
        <translation>Blood pressure (mmHg)</translation>
    </message>
    <message>
        <source>Glucose (g/L)</source>
        <translation>Glucose (g/L)</translation>
    </message>
    <message>
        <source>No checkup recorded.</source>
        <translation>No checkup recorded.</translation>
    </message>
    <message>
        <source>Diet questionnaires</source>
        <translation>Diet questionnaires</translation>
    </message>
    <message>
        <source>Fruit and vegetable portions a day</source>
        <translation>Fruit and vegetable portions a day</translation>
    </message>
    <message>
        <source>Organic fruit and vegetables</source>
        <translation>Organic fruit and vegetables</translation>
    </message>
    <message>
        <source>Local products</source>
        <translation>Local products</translation>
    </message>
    <message>
        <source>Organic products</source>
        <translation>Organic products</translation>
    </message>
    <message>
        <source>Discovered a sustainable shop</source>
        <translation>Discovered a sustainable shop</translation>
    </message>
    <message>
        <source>No questionnaire recorded.</source>
        <translation>No questionnaire recorded.</translation>
    </message>
    <message>
        <source>Cannot read the work list: %1</source>
        <translation>Cannot read the work list: %1</translation>
    </message>
    <message>
        <source>All communes</source>
        <translation>All communes</translation>
    </message>
    <message numerus="yes">
        <source>%n wave(s)</source>
        <translation>
            <numerusform>%n wave</numerusform>
            <numerusform>%n waves</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n wave(s)</source>
        <translation>
            <numerusform>%1 of %n wave</numerusform>
            <numerusform>%1 of %n waves</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Cannot read the health records: %1</source>
        <translation>Cannot read the health records: %1</translation>
    </message>
    <message>
        <source>Answered on %1</source>
        <translation>Answered on %1</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>No</source>
        <translation>No</translation>
    </message>
    <message>
        <source>&amp;Import a file…</source>
        <translation>&amp;Import a file…</translation>
    </message>
    <message>
        <source>Import checkups.csv or questionnaires.csv</source>
        <translation>Import checkups.csv or questionnaires.csv</translation>
    </message>
    <message>
        <source>New &amp;checkup…</source>
        <translation>New &amp;checkup…</translation>
    </message>
    <message>
        <source>New &amp;questionnaire…</source>
        <translation>New &amp;questionnaire…</translation>
    </message>
    <message>
        <source>New &amp;prevention step…</source>
        <translation>New &amp;prevention step…</translation>
    </message>
    <message>
        <source>New &amp;support session…</source>
        <translation>New &amp;support session…</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Partner</source>
        <translation>Partner</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <source>Next step due</source>
        <translation>Next step due</translation>
    </message>
    <message>
        <source>Prevention</source>
        <translation>Prevention</translation>
    </message>
    <message>
        <source>With</source>
        <translation>With</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>Topic</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>Individual support</source>
        <translation>Individual support</translation>
    </message>
    <message>
        <source>The household</source>
        <translation>The household</translation>
    </message>
    <message>
        <source>The person</source>
        <translation>The person</translation>
    </message>
    <message>
        <source>Follow-up worklist</source>
        <translation>Follow-up worklist</translation>
    </message>
    <message>
        <source>Prevention steps</source>
        <translation>Prevention steps</translation>
    </message>
    <message>
        <source>Support sessions</source>
        <translation>Support sessions</translation>
    </message>
    <message>
        <source>C&amp;orrect…</source>
        <translation>C&amp;orrect…</translation>
    </message>
    <message>
        <source>Correct the selected checkup (a reason is asked and kept)</source>
        <translation>Correct the selected checkup (a reason is asked and kept)</translation>
    </message>
    <message>
        <source>Corrected on %1 by %2: %3</source>
        <translation>Corrected on %1 by %2: %3</translation>
    </message>
    <message>
        <source>Never corrected.</source>
        <translation>Never corrected.</translation>
    </message>
    <message>
        <source>The accounts whose keys open health data. A nurse account is given access by the next nurse who logs in after an administrator created it or set its password: if a name surprises you, tell your administrator.</source>
        <translation>The accounts whose keys open health data. A nurse account is given access by the next nurse who logs in after an administrator created it or set its password: if a name surprises you, tell your administrator.</translation>
    </message>
    <message>
        <source>Health data can be opened by: %1.</source>
        <translation>Health data can be opened by: %1.</translation>
    </message>
    <message>
        <source>The recovery key opens it too.</source>
        <translation>The recovery key opens it too.</translation>
    </message>
</context>
<context>
    <name>cabas::ui::HomePage</name>
    <message>
        <source>Households</source>
        <translation>Households</translation>
    </message>
    <message>
        <source>Persons</source>
        <translation>Persons</translation>
    </message>
    <message>
        <source>Cards</source>
        <translation>Cards</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Users</translation>
    </message>
    <message>
        <source>Programme rules</source>
        <translation>Programme rules</translation>
    </message>
    <message>
        <source>Monthly allowance per adult</source>
        <translation>Monthly allowance per adult</translation>
    </message>
    <message>
        <source>Monthly allowance per child</source>
        <translation>Monthly allowance per child</translation>
    </message>
    <message>
        <source>Counted as an adult from</source>
        <translation>Counted as an adult from</translation>
    </message>
    <message>
        <source>Bonus on sustainable purchases</source>
        <translation>Bonus on sustainable purchases</translation>
    </message>
    <message>
        <source>Follow-up waves</source>
        <translation>Follow-up waves</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Database</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>Location</translation>
    </message>
    <message>
        <source>Schema version</source>
        <translation>Schema version</translation>
    </message>
    <message>
        <source>Household codes</source>
        <translation>Household codes</translation>
    </message>
    <message>
        <source>Smallest group in results</source>
        <translation>Smallest group in results</translation>
    </message>
    <message>
        <source>No database open</source>
        <translation>No database open</translation>
    </message>
    <message>
        <source>No programme defined</source>
        <translation>No programme defined</translation>
    </message>
    <message>
        <source>From %1 to %2</source>
        <translation>From %1 to %2</translation>
    </message>
    <message>
        <source>From %1 (no planned end)</source>
        <translation>From %1 (no planned end)</translation>
    </message>
    <message>
        <source>the age of %1</source>
        <translation>the age of %1</translation>
    </message>
    <message>
        <source>%1 people</source>
        <translation>%1 people</translation>
    </message>
    <message>
        <source>%1: day %2 (± %3 days)</source>
        <translation>%1: day %2 (± %3 days)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>none</translation>
    </message>
    <message>
        <source>%1 %: %2 (%3 to %4)</source>
        <translation>%1 %: %2 (%3 to %4)</translation>
    </message>
    <message>
        <source>%1 %: %2 (from %3)</source>
        <translation>%1 %: %2 (from %3)</translation>
    </message>
    <message>
        <source>capped at %1 a month</source>
        <translation>capped at %1 a month</translation>
    </message>
    <message>
        <source>Cannot read the database: %1</source>
        <translation>Cannot read the database: %1</translation>
    </message>
</context>
<context>
    <name>cabas::ui::HouseholdSpendingWidget</name>
    <message>
        <source>All kinds</source>
        <translation>All kinds</translation>
    </message>
    <message>
        <source>Allowances</source>
        <translation>Allowances</translation>
    </message>
    <message>
        <source>Purchases</source>
        <translation>Purchases</translation>
    </message>
    <message>
        <source>Refunds</source>
        <translation>Refunds</translation>
    </message>
    <message>
        <source>Bonuses</source>
        <translation>Bonuses</translation>
    </message>
    <message>
        <source>Transfers</source>
        <translation>Transfers</translation>
    </message>
    <message>
        <source>Adjustments</source>
        <translation>Adjustments</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Kind</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Amount</translation>
    </message>
    <message>
        <source>Merchant</source>
        <translation>Merchant</translation>
    </message>
    <message>
        <source>Sustainable</source>
        <translation>Sustainable</translation>
    </message>
    <message>
        <source>Balance: %1 (and %2 pending)</source>
        <translation>Balance: %1 (and %2 pending)</translation>
    </message>
    <message>
        <source>Balance: %1</source>
        <translation>Balance: %1</translation>
    </message>
    <message>
        <source>Spent %1, of which %2 at sustainable shops (%3); bonus earned %4; allowances %5.</source>
        <translation>Spent %1, of which %2 at sustainable shops (%3); bonus earned %4; allowances %5.</translation>
    </message>
    <message>
        <source>no spending yet</source>
        <translation>no spending yet</translation>
    </message>
    <message>
        <source>Sustainable shops</source>
        <translation>Sustainable shops</translation>
    </message>
    <message>
        <source>Other shops</source>
        <translation>Other shops</translation>
    </message>
    <message>
        <source>Spending per month</source>
        <translation>Spending per month</translation>
    </message>
    <message>
        <source>All months</source>
        <translation>All months</translation>
    </message>
    <message>
        <source>All merchants</source>
        <translation>All merchants</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>yes</translation>
    </message>
    <message>
        <source>no</source>
        <translation>no</translation>
    </message>
    <message>
        <source>Card movements</source>
        <translation>Card movements</translation>
    </message>
</context>
<context>
    <name>cabas::ui::HouseholdTableModel</name>
    <message>
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>Commune</source>
        <translation>Commune</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Enrolled on</source>
        <translation>Enrolled on</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Members</translation>
    </message>
    <message>
        <source>People</source>
        <translation>People</translation>
    </message>
    <message>
        <source>Referent</source>
        <translation>Referent</translation>
    </message>
</context>
<context>
    <name>cabas::ui::HouseholdsPage</name>
    <message>
        <source>Households</source>
        <translation>Households</translation>
    </message>
    <message>
        <source>Your role sees the households by code only: names and addresses are not shown.</source>
        <translation>Your role sees the households by code only: names and addresses are not shown.</translation>
    </message>
    <message>
        <source>Search: household code, name or commune</source>
        <translation>Search: household code, name or commune</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Any status</translation>
    </message>
    <message>
        <source>Members (choose a household above)</source>
        <translation>Members (choose a household above)</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>First name</source>
        <translation>First name</translation>
    </message>
    <message>
        <source>Last name</source>
        <translation>Last name</translation>
    </message>
    <message>
        <source>Born on</source>
        <translation>Born on</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>Any commune</source>
        <translation>Any commune</translation>
    </message>
    <message>
        <source>Any referent</source>
        <translation>Any referent</translation>
    </message>
    <message>
        <source>My households</source>
        <translation>My households</translation>
    </message>
    <message>
        <source>No referent yet</source>
        <translation>No referent yet</translation>
    </message>
    <message>
        <source>Search: household code or commune</source>
        <translation>Search: household code or commune</translation>
    </message>
    <message>
        <source>Cannot read the households: %1</source>
        <translation>Cannot read the households: %1</translation>
    </message>
    <message>
        <source>more than %1 households</source>
        <translation>more than %1 households</translation>
    </message>
    <message>
        <source>%1 household(s)</source>
        <translation>%1 household(s)</translation>
    </message>
    <message>
        <source>Members of %1</source>
        <translation>Members of %1</translation>
    </message>
    <message>
        <source>&amp;Enrol a household…</source>
        <translation>&amp;Enrol a household…</translation>
    </message>
    <message>
        <source>&amp;Import persons.csv…</source>
        <translation>&amp;Import persons.csv…</translation>
    </message>
    <message>
        <source>Search households</source>
        <translation>Search households</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Commune</source>
        <translation>Commune</translation>
    </message>
    <message>
        <source>Referent</source>
        <translation>Referent</translation>
    </message>
    <message>
        <source>&amp;Open the case file</source>
        <translation>&amp;Open the case file</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Members</translation>
    </message>
    <message>
        <source>Preparing the search (names are encrypted)…</source>
        <translation>Preparing the search (names are encrypted)…</translation>
    </message>
    <message>
        <source>Cannot prepare the search: %1</source>
        <translation>Cannot prepare the search: %1</translation>
    </message>
</context>
<context>
    <name>cabas::ui::IncomeAssessmentDialog</name>
    <message>
        <source>Income assessment — %1</source>
        <translation>Income assessment — %1</translation>
    </message>
    <message>
        <source>&amp;Applies from</source>
        <translation>&amp;Applies from</translation>
    </message>
    <message>
        <source>e.g. 1250,00</source>
        <translation>e.g. 1250,00</translation>
    </message>
    <message>
        <source>The household&apos;s declared income, a month (the period&apos;s average).</source>
        <translation>The household&apos;s declared income, a month (the period&apos;s average).</translation>
    </message>
    <message>
        <source>Declared &amp;monthly income</source>
        <translation>Declared &amp;monthly income</translation>
    </message>
    <message>
        <source>Income of the period</source>
        <translation>Income of the period</translation>
    </message>
    <message>
        <source>Start of the income period</source>
        <translation>Start of the income period</translation>
    </message>
    <message>
        <source>End of the income period</source>
        <translation>End of the income period</translation>
    </message>
    <message>
        <source>to</source>
        <translation>to</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>Period</translation>
    </message>
    <message>
        <source>Type the units</source>
        <translation>Type the units</translation>
    </message>
    <message>
        <source>Unchecked: counted from the members present on the date, with the programme&apos;s weights.</source>
        <translation>Unchecked: counted from the members present on the date, with the programme&apos;s weights.</translation>
    </message>
    <message>
        <source>Consumption units</source>
        <translation>Consumption units</translation>
    </message>
    <message>
        <source>&amp;Note</source>
        <translation>&amp;Note</translation>
    </message>
    <message>
        <source>Type the declared monthly income.</source>
        <translation>Type the declared monthly income.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an amount (for example 1250 or 1250,50).</source>
        <translation>&quot;%1&quot; is not an amount (for example 1250 or 1250,50).</translation>
    </message>
    <message>
        <source>Type the declared income to see the band it gives.</source>
        <translation>Type the declared income to see the band it gives.</translation>
    </message>
    <message>
        <source>No member is present on this date: type the consumption units.</source>
        <translation>No member is present on this date: type the consumption units.</translation>
    </message>
    <message>
        <source>%1 per consumption unit (%2 units): %3.
Monthly allowance from %4: %5.
Re-assessment due by %6.</source>
        <translation>%1 per consumption unit (%2 units): %3.
Monthly allowance from %4: %5.
Re-assessment due by %6.</translation>
    </message>
</context>
<context>
    <name>cabas::ui::IncomePanel</name>
    <message>
        <source>no band</source>
        <translation>no band</translation>
    </message>
    <message>
        <source>band %1 (up to %2 per unit)</source>
        <translation>band %1 (up to %2 per unit)</translation>
    </message>
    <message>
        <source>band %1 (above %2 per unit)</source>
        <translation>band %1 (above %2 per unit)</translation>
    </message>
    <message>
        <source>Income assessments</source>
        <translation>Income assessments</translation>
    </message>
    <message>
        <source>Applies from</source>
        <translation>Applies from</translation>
    </message>
    <message>
        <source>Income period</source>
        <translation>Income period</translation>
    </message>
    <message>
        <source>Monthly income</source>
        <translation>Monthly income</translation>
    </message>
    <message>
        <source>Consumption units</source>
        <translation>Consumption units</translation>
    </message>
    <message>
        <source>Per unit</source>
        <translation>Per unit</translation>
    </message>
    <message>
        <source>Band</source>
        <translation>Band</translation>
    </message>
    <message>
        <source>Re-assess by</source>
        <translation>Re-assess by</translation>
    </message>
    <message>
        <source>Assessed by</source>
        <translation>Assessed by</translation>
    </message>
    <message>
        <source>&amp;Add assessment…</source>
        <translation>&amp;Add assessment…</translation>
    </message>
    <message>
        <source>Income</source>
        <translation>Income</translation>
    </message>
    <message numerus="yes">
        <source>Allowance: %1. An income assessment is due again %n month(s) after its date.</source>
        <translation>
            <numerusform>Allowance: %1. An income assessment is due again %n month after its date.</numerusform>
            <numerusform>Allowance: %1. An income assessment is due again %n months after its date.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 to %2</source>
        <translation>%1 to %2</translation>
    </message>
    <message>
        <source>%1 per member a month</source>
        <translation>%1 per member a month</translation>
    </message>
    <message>
        <source>%1 a month</source>
        <translation>%1 a month</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <source>No income assessment yet: the allowance cannot be told until one is recorded.</source>
        <translation>No income assessment yet: the allowance cannot be told until one is recorded.</translation>
    </message>
    <message>
        <source>Re-assessment overdue since %1 (the last assessment still applies).</source>
        <translation>Re-assessment overdue since %1 (the last assessment still applies).</translation>
    </message>
    <message>
        <source>Next re-assessment due by %1.</source>
        <translation>Next re-assessment due by %1.</translation>
    </message>
    <message>
        <source>Assessment recorded.</source>
        <translation>Assessment recorded.</translation>
    </message>
</context>
<context>
    <name>cabas::ui::LedgerPage</name>
    <message>
        <source>Card ledger</source>
        <translation>Card ledger</translation>
    </message>
    <message>
        <source>Cards no household claims yet</source>
        <translation>Cards no household claims yet</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>Card</translation>
    </message>
    <message>
        <source>Account given</source>
        <translation>Account given</translation>
    </message>
    <message>
        <source>Entries</source>
        <translation>Entries</translation>
    </message>
    <message>
        <source>Posted</source>
        <translation>Posted</translation>
    </message>
    <message>
        <source>First</source>
        <translation>First</translation>
    </message>
    <message>
        <source>Last</source>
        <translation>Last</translation>
    </message>
    <message>
        <source>Household code, e.g. MMG-0042</source>
        <translation>Household code, e.g. MMG-0042</translation>
    </message>
    <message>
        <source>The ledger was never synced from the card operator.</source>
        <translation>The ledger was never synced from the card operator.</translation>
    </message>
    <message>
        <source>Last sync: %1, successful.</source>
        <translation>Last sync: %1, successful.</translation>
    </message>
    <message>
        <source>Last sync: %1, failed: %2. Last successful sync: %3.</source>
        <translation>Last sync: %1, failed: %2. Last successful sync: %3.</translation>
    </message>
    <message>
        <source>never</source>
        <translation>never</translation>
    </message>
    <message>
        <source>%1 entries stored, %2 not linked to a household.</source>
        <translation>%1 entries stored, %2 not linked to a household.</translation>
    </message>
    <message>
        <source>Card %1 linked to household %2: its entries now count for that household.</source>
        <translation>Card %1 linked to household %2: its entries now count for that household.</translation>
    </message>
    <message>
        <source>Movements without a household</source>
        <translation>Movements without a household</translation>
    </message>
    <message>
        <source>Household code to link the card to</source>
        <translation>Household code to link the card to</translation>
    </message>
    <message>
        <source>&amp;Link to household</source>
        <translation>&amp;Link to household</translation>
    </message>
</context>
<context>
    <name>cabas::ui::LoginDialog</name>
    <message>
        <source>Log in to Cabas</source>
        <translation>Log in to Cabas</translation>
    </message>
    <message>
        <source>PostgreSQL database: %1</source>
        <translation>PostgreSQL database: %1</translation>
    </message>
    <message>
        <source>Database: %1</source>
        <translation>Database: %1</translation>
    </message>
    <message>
        <source>&amp;Login:</source>
        <translation>&amp;Login:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Password:</translation>
    </message>
    <message>
        <source>Log &amp;in</source>
        <translation>Log &amp;in</translation>
    </message>
    <message>
        <source>Another &amp;database…</source>
        <translation>Another &amp;database…</translation>
    </message>
    <message>
        <source>Enter your login and your password.</source>
        <translation>Enter your login and your password.</translation>
    </message>
    <message>
        <source>Unexpected error: %1</source>
        <translation>Unexpected error: %1</translation>
    </message>
    <message>
        <source>&amp;Recovery key…</source>
        <translation>&amp;Recovery key…</translation>
    </message>
    <message>
        <source>Every administrator&apos;s password is lost: give an administrator a new password with the recovery key written down when the database was created.</source>
        <translation>Every administrator&apos;s password is lost: give an administrator a new password with the recovery key written down when the database was created.</translation>
    </message>
    <message>
        <source>Administrator %1 has a new password: log in with it.</source>
        <translation>Administrator %1 has a new password: log in with it.</translation>
    </message>
    <message>
        <source>Your password was not changed, so you are logged out. Log in again to choose your own password.</source>
        <translation>Your password was not changed, so you are logged out. Log in again to choose your own password.</translation>
    </message>
</context>
<context>
    <name>cabas::ui::MainWindow</name>
    <message>
        <source>&amp;File</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>&amp;New database…</source>
        <translation>&amp;New database…</translation>
    </message>
    <message>
        <source>&amp;Open a database…</source>
        <translation>&amp;Open a database…</translation>
    </message>
    <message>
        <source>&amp;Connect to PostgreSQL…</source>
        <translation>&amp;Connect to PostgreSQL…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>&amp;Settings</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Language</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>&amp;About Cabas</source>
        <translation>&amp;About Cabas</translation>
    </message>
    <message>
        <source>Home</source>
        <translation>Home</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>Households</translation>
    </message>
    <message>
        <source>Health follow-up</source>
        <translation>Health follow-up</translation>
    </message>
    <message>
        <source>Workshops</source>
        <translation>Workshops</translation>
    </message>
    <message>
        <source>Card ledger</source>
        <translation>Card ledger</translation>
    </message>
    <message>
        <source>Cohort</source>
        <translation>Cohort</translation>
    </message>
    <message>
        <source>Administration</source>
        <translation>Administration</translation>
    </message>
    <message>
        <source>No database open</source>
        <translation>No database open</translation>
    </message>
    <message>
        <source>PostgreSQL database: %1</source>
        <translation>PostgreSQL database: %1</translation>
    </message>
    <message>
        <source>Database: %1</source>
        <translation>Database: %1</translation>
    </message>
    <message>
        <source>Schema version %1</source>
        <translation>Schema version %1</translation>
    </message>
    <message>
        <source>New database</source>
        <translation>New database</translation>
    </message>
    <message>
        <source>Create a new Cabas database. The database open now is left as it is.</source>
        <translation>Create a new Cabas database. The database open now is left as it is.</translation>
    </message>
    <message>
        <source>Open a Cabas database</source>
        <translation>Open a Cabas database</translation>
    </message>
    <message>
        <source>Cabas databases (*.cabas);;All files (*)</source>
        <translation>Cabas databases (*.cabas);;All files (*)</translation>
    </message>
    <message>
        <source>Cannot open the database</source>
        <translation>Cannot open the database</translation>
    </message>
    <message>
        <source>Connect to PostgreSQL</source>
        <translation>Connect to PostgreSQL</translation>
    </message>
    <message>
        <source>Connect to a Cabas database on a PostgreSQL server. The password is never saved.</source>
        <translation>Connect to a Cabas database on a PostgreSQL server. The password is never saved.</translation>
    </message>
    <message>
        <source>Cabas will be in French the next time it starts.</source>
        <translation>Cabas will be in French the next time it starts.</translation>
    </message>
    <message>
        <source>Cabas will be in English the next time it starts.</source>
        <translation>Cabas will be in English the next time it starts.</translation>
    </message>
    <message>
        <source>The CABAS_LANG environment variable is set: it chooses the language before this setting.</source>
        <translation>The CABAS_LANG environment variable is set: it chooses the language before this setting.</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>About Cabas</source>
        <translation>About Cabas</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Cabas %1&lt;/h3&gt;&lt;p&gt;Cabas helps the teams of sustainable food card programmes follow their households, the health follow-up, the workshops, the card ledger and the cohort&apos;s evaluation.&lt;/p&gt;&lt;p&gt;Built with Qt %2.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Cabas %1&lt;/h3&gt;&lt;p&gt;Cabas helps the teams of sustainable food card programmes follow their households, the health follow-up, the workshops, the card ledger and the cohort&apos;s evaluation.&lt;/p&gt;&lt;p&gt;Built with Qt %2.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>S&amp;witch user…</source>
        <translation>S&amp;witch user…</translation>
    </message>
    <message>
        <source>&amp;Log out</source>
        <translation>&amp;Log out</translation>
    </message>
    <message>
        <source>Access denied</source>
        <translation>Access denied</translation>
    </message>
    <message>
        <source>Nobody is logged in: log in to see this section.</source>
        <translation>Nobody is logged in: log in to see this section.</translation>
    </message>
    <message>
        <source>You are logged in as %1 (%2). This section is for the roles that may read it: another user can log in with File &gt; Switch user.</source>
        <translation>You are logged in as %1 (%2). This section is for the roles that may read it: another user can log in with File &gt; Switch user.</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Not logged in</source>
        <translation>Not logged in</translation>
    </message>
    <message>
        <source>Logged in as %1</source>
        <translation>Logged in as %1</translation>
    </message>
    <message>
        <source>Switch user</source>
        <translation>Switch user</translation>
    </message>
    <message>
        <source>Log in as another user. If you cancel, %1 stays logged in.</source>
        <translation>Log in as another user. If you cancel, %1 stays logged in.</translation>
    </message>
    <message>
        <source>You are logged out. Log in to go on, or cancel to quit Cabas.</source>
        <translation>You are logged out. Log in to go on, or cancel to quit Cabas.</translation>
    </message>
    <message>
        <source>Log in to the database you opened. If you cancel, the database open now stays open.</source>
        <translation>Log in to the database you opened. If you cancel, the database open now stays open.</translation>
    </message>
    <message>
        <source>Ledger &amp;sync…</source>
        <translation>Ledger &amp;sync…</translation>
    </message>
    <message>
        <source>Logged in</source>
        <translation>Logged in</translation>
    </message>
    <message>
        <source>Sections</source>
        <translation>Sections</translation>
    </message>
    <message>
        <source>Ctrl+1 to Ctrl+7 open the sections from anywhere.</source>
        <translation>Ctrl+1 to Ctrl+7 open the sections from anywhere.</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>&amp;Go</translation>
    </message>
    <message>
        <source>Section &amp;list</source>
        <translation>Section &amp;list</translation>
    </message>
    <message>
        <source>&amp;Search in this section</source>
        <translation>&amp;Search in this section</translation>
    </message>
    <message>
        <source>Credit &amp;reconciliation…</source>
        <translation>Credit &amp;reconciliation…</translation>
    </message>
    <message>
        <source>Change my &amp;password…</source>
        <translation>Change my &amp;password…</translation>
    </message>
    <message>
        <source>Your password was changed.</source>
        <translation>Your password was changed.</translation>
    </message>
</context>
<context>
    <name>cabas::ui::MemberDialog</name>
    <message>
        <source>A member arrives</source>
        <translation>A member arrives</translation>
    </message>
    <message>
        <source>Departure of %1</source>
        <translation>Departure of %1</translation>
    </message>
    <message>
        <source>Correct the dates of %1</source>
        <translation>Correct the dates of %1</translation>
    </message>
    <message>
        <source>First name</source>
        <translation>First name</translation>
    </message>
    <message>
        <source>&amp;First name</source>
        <translation>&amp;First name</translation>
    </message>
    <message>
        <source>Last name</source>
        <translation>Last name</translation>
    </message>
    <message>
        <source>&amp;Last name</source>
        <translation>&amp;Last name</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>Birth date</translation>
    </message>
    <message>
        <source>&amp;Birth date</source>
        <translation>&amp;Birth date</translation>
    </message>
    <message>
        <source>Adult or child</source>
        <translation>Adult or child</translation>
    </message>
    <message>
        <source>A&amp;dult or child</source>
        <translation>A&amp;dult or child</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>Sex</translation>
    </message>
    <message>
        <source>Not said</source>
        <translation>Not said</translation>
    </message>
    <message>
        <source>Female</source>
        <translation>Female</translation>
    </message>
    <message>
        <source>Male</source>
        <translation>Male</translation>
    </message>
    <message>
        <source>&amp;Sex</source>
        <translation>&amp;Sex</translation>
    </message>
    <message>
        <source>Arrival date</source>
        <translation>Arrival date</translation>
    </message>
    <message>
        <source>Arrived after the household&apos;s start, on</source>
        <translation>Arrived after the household&apos;s start, on</translation>
    </message>
    <message>
        <source>Arrived after the household&apos;s start</source>
        <translation>Arrived after the household&apos;s start</translation>
    </message>
    <message>
        <source>&amp;Arrived on</source>
        <translation>&amp;Arrived on</translation>
    </message>
    <message>
        <source>Departure date</source>
        <translation>Departure date</translation>
    </message>
    <message>
        <source>Has left, on</source>
        <translation>Has left, on</translation>
    </message>
    <message>
        <source>Has left the household</source>
        <translation>Has left the household</translation>
    </message>
    <message>
        <source>&amp;Left on</source>
        <translation>&amp;Left on</translation>
    </message>
    <message>
        <source>Reason of the departure</source>
        <translation>Reason of the departure</translation>
    </message>
    <message>
        <source>Moved out, new household, death…</source>
        <translation>Moved out, new household, death…</translation>
    </message>
    <message>
        <source>&amp;Reason</source>
        <translation>&amp;Reason</translation>
    </message>
    <message>
        <source>The change is saved with the case file (Save); until then it can be undone.</source>
        <translation>The change is saved with the case file (Save); until then it can be undone.</translation>
    </message>
</context>
<context>
    <name>cabas::ui::MerchantDecisionDialog</name>
    <message>
        <source>Approve a merchant</source>
        <translation>Approve a merchant</translation>
    </message>
    <message>
        <source>Withdraw an approval</source>
        <translation>Withdraw an approval</translation>
    </message>
    <message>
        <source>Refuse a merchant</source>
        <translation>Refuse a merchant</translation>
    </message>
    <message>
        <source>%1 (%2): its purchases count as sustainable from this day on.</source>
        <translation>%1 (%2): its purchases count as sustainable from this day on.</translation>
    </message>
    <message>
        <source>%1 (%2): from this day on its purchases no longer count as sustainable.</source>
        <translation>%1 (%2): from this day on its purchases no longer count as sustainable.</translation>
    </message>
    <message>
        <source>%1 (%2): its purchases do not count as sustainable (except during an approval).</source>
        <translation>%1 (%2): its purchases do not count as sustainable (except during an approval).</translation>
    </message>
    <message>
        <source>Approved &amp;from:</source>
        <translation>Approved &amp;from:</translation>
    </message>
    <message>
        <source>Withdrawn &amp;on:</source>
        <translation>Withdrawn &amp;on:</translation>
    </message>
    <message>
        <source>The committee&apos;s reason, a meeting&apos;s date...</source>
        <translation>The committee&apos;s reason, a meeting&apos;s date...</translation>
    </message>
    <message>
        <source>&amp;Note:</source>
        <translation>&amp;Note:</translation>
    </message>
    <message>
        <source>&amp;Approve</source>
        <translation>&amp;Approve</translation>
    </message>
    <message>
        <source>&amp;Withdraw</source>
        <translation>&amp;Withdraw</translation>
    </message>
    <message>
        <source>&amp;Refuse</source>
        <translation>&amp;Refuse</translation>
    </message>
</context>
<context>
    <name>cabas::ui::MerchantsPanel</name>
    <message>
        <source>The merchants seen in the ledger and the committee&apos;s decisions. An approval counts from its first day until it is withdrawn; outside approvals a refused merchant does not count as sustainable, and a merchant with no decision follows the operator&apos;s flag.</source>
        <translation>The merchants seen in the ledger and the committee&apos;s decisions. An approval counts from its first day until it is withdrawn; outside approvals a refused merchant does not count as sustainable, and a merchant with no decision follows the operator&apos;s flag.</translation>
    </message>
    <message>
        <source>&amp;Undecided only</source>
        <translation>&amp;Undecided only</translation>
    </message>
    <message>
        <source>Merchant</source>
        <translation>Merchant</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>Operator&apos;s flag</source>
        <translation>Operator&apos;s flag</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>Decision</translation>
    </message>
    <message>
        <source>Approved from</source>
        <translation>Approved from</translation>
    </message>
    <message>
        <source>Withdrawn on</source>
        <translation>Withdrawn on</translation>
    </message>
    <message>
        <source>Merchants</source>
        <translation>Merchants</translation>
    </message>
    <message>
        <source>&amp;Approve...</source>
        <translation>&amp;Approve...</translation>
    </message>
    <message>
        <source>&amp;Withdraw...</source>
        <translation>&amp;Withdraw...</translation>
    </message>
    <message>
        <source>&amp;Refuse...</source>
        <translation>&amp;Refuse...</translation>
    </message>
    <message>
        <source>Undecided</source>
        <translation>Undecided</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>Approved</translation>
    </message>
    <message>
        <source>Withdrawn</source>
        <translation>Withdrawn</translation>
    </message>
    <message>
        <source>Refused</source>
        <translation>Refused</translation>
    </message>
    <message>
        <source>Sustainable</source>
        <translation>Sustainable</translation>
    </message>
    <message>
        <source>Not sustainable</source>
        <translation>Not sustainable</translation>
    </message>
    <message>
        <source>Organic shop</source>
        <translation>Organic shop</translation>
    </message>
    <message>
        <source>Local producer</source>
        <translation>Local producer</translation>
    </message>
    <message>
        <source>Farm shop</source>
        <translation>Farm shop</translation>
    </message>
    <message>
        <source>Market</source>
        <translation>Market</translation>
    </message>
    <message>
        <source>Grocery</source>
        <translation>Grocery</translation>
    </message>
    <message>
        <source>Supermarket</source>
        <translation>Supermarket</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Other</translation>
    </message>
</context>
<context>
    <name>cabas::ui::PersonsImportDialog</name>
    <message>
        <source>Import persons.csv</source>
        <translation>Import persons.csv</translation>
    </message>
    <message>
        <source>Households, members and cards from a persons.csv file (see the format in the documentation). The file is checked first: nothing is written unless it has no error, and then all of it is.</source>
        <translation>Households, members and cards from a persons.csv file (see the format in the documentation). The file is checked first: nothing is written unless it has no error, and then all of it is.</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Preview</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Errors</translation>
    </message>
    <message>
        <source>Choose persons.csv</source>
        <translation>Choose persons.csv</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV files (*.csv);;All files (*)</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>Line</translation>
    </message>
    <message>
        <source>warning: %1</source>
        <translation>warning: %1</translation>
    </message>
    <message>
        <source>No error. Importing will do: %1</source>
        <translation>No error. Importing will do: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n error(s): fix the file and choose it again. Nothing was written.</source>
        <translation>
            <numerusform>%n error: fix the file and choose it again. Nothing was written.</numerusform>
            <numerusform>%n errors: fix the file and choose it again. Nothing was written.</numerusform>
        </translation>
    </message>
    <message>
        <source>Importing %1…</source>
        <translation>Importing %1…</translation>
    </message>
    <message>
        <source>Nothing was imported.</source>
        <translation>Nothing was imported.</translation>
    </message>
    <message>
        <source>Imported. %1</source>
        <translation>Imported. %1</translation>
    </message>
    <message>
        <source>File to import</source>
        <translation>File to import</translation>
    </message>
    <message>
        <source>&amp;Choose the file…</source>
        <translation>&amp;Choose the file…</translation>
    </message>
    <message>
        <source>Problems found</source>
        <translation>Problems found</translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation>&amp;Import</translation>
    </message>
</context>
<context>
    <name>cabas::ui::PreventionStepForm</name>
    <message>
        <source>New prevention step</source>
        <translation>New prevention step</translation>
    </message>
    <message>
        <source>due on</source>
        <translation>due on</translation>
    </message>
    <message>
        <source>&amp;Date:</source>
        <translation>&amp;Date:</translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation>&amp;Type:</translation>
    </message>
    <message>
        <source>&amp;Partner:</source>
        <translation>&amp;Partner:</translation>
    </message>
    <message>
        <source>&amp;Outcome:</source>
        <translation>&amp;Outcome:</translation>
    </message>
    <message>
        <source>Ne&amp;xt step:</source>
        <translation>Ne&amp;xt step:</translation>
    </message>
    <message>
        <source>&amp;Notes:</source>
        <translation>&amp;Notes:</translation>
    </message>
    <message>
        <source>Next step due on</source>
        <translation>Next step due on</translation>
    </message>
</context>
<context>
    <name>cabas::ui::ProgrammeEditor</name>
    <message>
        <source>Organic shops</source>
        <translation>Organic shops</translation>
    </message>
    <message>
        <source>Local producers</source>
        <translation>Local producers</translation>
    </message>
    <message>
        <source>Farm shops</source>
        <translation>Farm shops</translation>
    </message>
    <message>
        <source>Markets</source>
        <translation>Markets</translation>
    </message>
    <message>
        <source>Grocery shops</source>
        <translation>Grocery shops</translation>
    </message>
    <message>
        <source>Supermarkets</source>
        <translation>Supermarkets</translation>
    </message>
    <message>
        <source>Other merchants</source>
        <translation>Other merchants</translation>
    </message>
    <message>
        <source>Start of the programme</source>
        <translation>Start of the programme</translation>
    </message>
    <message>
        <source>Planned end</source>
        <translation>Planned end</translation>
    </message>
    <message>
        <source>End</source>
        <translation>End</translation>
    </message>
    <message>
        <source>EUR, or the label of a local currency such as MonA: never summed together.</source>
        <translation>EUR, or the label of a local currency such as MonA: never summed together.</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>Currency</translation>
    </message>
    <message>
        <source>Monthly allowance per adult</source>
        <translation>Monthly allowance per adult</translation>
    </message>
    <message>
        <source>Monthly allowance per child</source>
        <translation>Monthly allowance per child</translation>
    </message>
    <message>
        <source> years</source>
        <translation> years</translation>
    </message>
    <message>
        <source>A child counts as an adult from</source>
        <translation>A child counts as an adult from</translation>
    </message>
    <message>
        <source>Household code prefix</source>
        <translation>Household code prefix</translation>
    </message>
    <message>
        <source> people</source>
        <translation> people</translation>
    </message>
    <message>
        <source>Public figures hide any group smaller than this (11 in French practice for health data).</source>
        <translation>Public figures hide any group smaller than this (11 in French practice for health data).</translation>
    </message>
    <message>
        <source>Smallest group shown in public figures</source>
        <translation>Smallest group shown in public figures</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Remove</translation>
    </message>
    <message>
        <source>Wave</source>
        <translation>Wave</translation>
    </message>
    <message>
        <source>Days after enrolment</source>
        <translation>Days after enrolment</translation>
    </message>
    <message>
        <source>Tolerance (days)</source>
        <translation>Tolerance (days)</translation>
    </message>
    <message>
        <source>Follow-up waves</source>
        <translation>Follow-up waves</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>Label</translation>
    </message>
    <message>
        <source>Rate (%)</source>
        <translation>Rate (%)</translation>
    </message>
    <message>
        <source>Monthly cap</source>
        <translation>Monthly cap</translation>
    </message>
    <message>
        <source>Valid from</source>
        <translation>Valid from</translation>
    </message>
    <message>
        <source>Valid until</source>
        <translation>Valid until</translation>
    </message>
    <message>
        <source>Dates as 2024-06-01 or 01/06/2024; an empty cap means no cap, an empty end date means no end.</source>
        <translation>Dates as 2024-06-01 or 01/06/2024; an empty cap means no cap, an empty end date means no end.</translation>
    </message>
    <message>
        <source>Bonus on sustainable purchases</source>
        <translation>Bonus on sustainable purchases</translation>
    </message>
    <message>
        <source>Merchant categories counted as sustainable</source>
        <translation>Merchant categories counted as sustainable</translation>
    </message>
    <message>
        <source>Follow-up wave %1: the days must be whole numbers.</source>
        <translation>Follow-up wave %1: the days must be whole numbers.</translation>
    </message>
    <message>
        <source>Bonus rule %1: the rate must be a number of percent, such as 50.</source>
        <translation>Bonus rule %1: the rate must be a number of percent, such as 50.</translation>
    </message>
    <message>
        <source>Bonus rule %1: the monthly cap must be an amount, such as 25 or 25,50.</source>
        <translation>Bonus rule %1: the monthly cap must be an amount, such as 25 or 25,50.</translation>
    </message>
    <message>
        <source>Bonus rule %1: &quot;%2&quot; is not a date (2024-06-01 or 01/06/2024).</source>
        <translation>Bonus rule %1: &quot;%2&quot; is not a date (2024-06-01 or 01/06/2024).</translation>
    </message>
    <message>
        <source>Planned end date</source>
        <translation>Planned end date</translation>
    </message>
    <message>
        <source>Add: %1</source>
        <translation>Add: %1</translation>
    </message>
    <message>
        <source>Remove the selected row: %1</source>
        <translation>Remove the selected row: %1</translation>
    </message>
    <message>
        <source>Monthly allowance</source>
        <translation>Monthly allowance</translation>
    </message>
    <message>
        <source>By role: an amount per adult and per child</source>
        <translation>By role: an amount per adult and per child</translation>
    </message>
    <message>
        <source>Per person: one amount per member</source>
        <translation>Per person: one amount per member</translation>
    </message>
    <message>
        <source>Income bands: an amount by income per consumption unit</source>
        <translation>Income bands: an amount by income per consumption unit</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Rule</translation>
    </message>
    <message>
        <source>Monthly allowance per member</source>
        <translation>Monthly allowance per member</translation>
    </message>
    <message>
        <source>Monthly income per unit, up to</source>
        <translation>Monthly income per unit, up to</translation>
    </message>
    <message>
        <source>Monthly amount</source>
        <translation>Monthly amount</translation>
    </message>
    <message>
        <source>Income bands</source>
        <translation>Income bands</translation>
    </message>
    <message>
        <source>In increasing order of income; the last band has no upper limit (leave it empty). Amounts such as 600 or 600,50.</source>
        <translation>In increasing order of income; the last band has no upper limit (leave it empty). Amounts such as 600 or 600,50.</translation>
    </message>
    <message>
        <source>Add a band</source>
        <translation>Add a band</translation>
    </message>
    <message>
        <source>Remove the band</source>
        <translation>Remove the band</translation>
    </message>
    <message>
        <source>per household</source>
        <translation>per household</translation>
    </message>
    <message>
        <source>per member</source>
        <translation>per member</translation>
    </message>
    <message>
        <source>The band&apos;s amount is</source>
        <translation>The band&apos;s amount is</translation>
    </message>
    <message>
        <source>Consumption units of the first person</source>
        <translation>Consumption units of the first person</translation>
    </message>
    <message>
        <source>Consumption units of each other person of that age</source>
        <translation>Consumption units of each other person of that age</translation>
    </message>
    <message>
        <source>Consumption units of each younger child</source>
        <translation>Consumption units of each younger child</translation>
    </message>
    <message>
        <source>Age from which a person counts as an adult in consumption units</source>
        <translation>Age from which a person counts as an adult in consumption units</translation>
    </message>
    <message>
        <source>first person</source>
        <translation>first person</translation>
    </message>
    <message>
        <source>others</source>
        <translation>others</translation>
    </message>
    <message>
        <source>children under</source>
        <translation>children under</translation>
    </message>
    <message>
        <source>Consumption units</source>
        <translation>Consumption units</translation>
    </message>
    <message>
        <source> months</source>
        <translation> months</translation>
    </message>
    <message>
        <source>Re-assess the income every</source>
        <translation>Re-assess the income every</translation>
    </message>
    <message>
        <source>Prorate the first month by the days left in it</source>
        <translation>Prorate the first month by the days left in it</translation>
    </message>
    <message>
        <source>Income band %1: &quot;%2&quot; is not an amount (such as 900 or 900,50); leave the last band&apos;s limit empty.</source>
        <translation>Income band %1: &quot;%2&quot; is not an amount (such as 900 or 900,50); leave the last band&apos;s limit empty.</translation>
    </message>
    <message>
        <source>Income band %1: the monthly amount &quot;%2&quot; is not an amount (such as 70 or 70,50).</source>
        <translation>Income band %1: the monthly amount &quot;%2&quot; is not an amount (such as 70 or 70,50).</translation>
    </message>
</context>
<context>
    <name>cabas::ui::QuestionnaireForm</name>
    <message>
        <source>New diet questionnaire</source>
        <translation>New diet questionnaire</translation>
    </message>
    <message>
        <source>— not answered</source>
        <translation>— not answered</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>No</source>
        <translation>No</translation>
    </message>
    <message>
        <source>&amp;Date:</source>
        <translation>&amp;Date:</translation>
    </message>
    <message>
        <source>&amp;Wave:</source>
        <translation>&amp;Wave:</translation>
    </message>
    <message>
        <source>&amp;Fruit and vegetables:</source>
        <translation>&amp;Fruit and vegetables:</translation>
    </message>
    <message>
        <source>portions a day</source>
        <translation>portions a day</translation>
    </message>
    <message>
        <source>&amp;Organic fruit and vegetables:</source>
        <translation>&amp;Organic fruit and vegetables:</translation>
    </message>
    <message>
        <source>&amp;Local products:</source>
        <translation>&amp;Local products:</translation>
    </message>
    <message>
        <source>Organic &amp;products:</source>
        <translation>Organic &amp;products:</translation>
    </message>
    <message>
        <source>Discovered a &amp;sustainable shop or producer:</source>
        <translation>Discovered a &amp;sustainable shop or producer:</translation>
    </message>
    <message>
        <source>not a number</source>
        <translation>not a number</translation>
    </message>
    <message>
        <source>too large</source>
        <translation>too large</translation>
    </message>
</context>
<context>
    <name>cabas::ui::ReconciliationModel</name>
    <message>
        <source>missing bonus</source>
        <translation>missing bonus</translation>
    </message>
    <message>
        <source>missing credit</source>
        <translation>missing credit</translation>
    </message>
    <message>
        <source>duplicated credit</source>
        <translation>duplicated credit</translation>
    </message>
    <message>
        <source>bonus not expected</source>
        <translation>bonus not expected</translation>
    </message>
    <message>
        <source>credit not expected</source>
        <translation>credit not expected</translation>
    </message>
    <message>
        <source>wrong amount</source>
        <translation>wrong amount</translation>
    </message>
    <message>
        <source>Bonus</source>
        <translation>Bonus</translation>
    </message>
    <message>
        <source>Monthly allowance</source>
        <translation>Monthly allowance</translation>
    </message>
    <message numerus="yes">
        <source>%n posted entries</source>
        <translation>
            <numerusform>%n posted entry</numerusform>
            <numerusform>%n posted entries</numerusform>
        </translation>
    </message>
    <message>
        <source>Household</source>
        <translation>Household</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>Month</translation>
    </message>
    <message>
        <source>Checked</source>
        <translation>Checked</translation>
    </message>
    <message>
        <source>Expected</source>
        <translation>Expected</translation>
    </message>
    <message>
        <source>Credited</source>
        <translation>Credited</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>Difference</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>household</source>
        <translation>household</translation>
    </message>
    <message>
        <source>month</source>
        <translation>month</translation>
    </message>
    <message>
        <source>checked</source>
        <translation>checked</translation>
    </message>
    <message>
        <source>expected (%1)</source>
        <translation>expected (%1)</translation>
    </message>
    <message>
        <source>credited (%1)</source>
        <translation>credited (%1)</translation>
    </message>
    <message>
        <source>difference (%1)</source>
        <translation>difference (%1)</translation>
    </message>
    <message>
        <source>problem</source>
        <translation>problem</translation>
    </message>
    <message>
        <source>entries</source>
        <translation>entries</translation>
    </message>
    <message>
        <source>bonus</source>
        <translation>bonus</translation>
    </message>
    <message>
        <source>allowance</source>
        <translation>allowance</translation>
    </message>
</context>
<context>
    <name>cabas::ui::ReconciliationPage</name>
    <message numerus="yes">
        <source>%n missing</source>
        <translation>
            <numerusform>%n missing</numerusform>
            <numerusform>%n missing</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n duplicated</source>
        <translation>
            <numerusform>%n duplicated</numerusform>
            <numerusform>%n duplicated</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n not expected</source>
        <translation>
            <numerusform>%n not expected</numerusform>
            <numerusform>%n not expected</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n wrong amount(s)</source>
        <translation>
            <numerusform>%n wrong amount</numerusform>
            <numerusform>%n wrong amounts</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (%2); expected %3, credited %4, difference %5</source>
        <translation>%1 (%2); expected %3, credited %4, difference %5</translation>
    </message>
    <message numerus="yes">
        <source>%n discrepancy(ies)</source>
        <translation>
            <numerusform>%n discrepancy</numerusform>
            <numerusform>%n discrepancies</numerusform>
        </translation>
    </message>
    <message>
        <source>Credit reconciliation</source>
        <translation>Credit reconciliation</translation>
    </message>
    <message>
        <source>For each household and month, the credit the programme&apos;s rule gives compared with the allowance entries of the card ledger.</source>
        <translation>For each household and month, the credit the programme&apos;s rule gives compared with the allowance entries of the card ledger.</translation>
    </message>
    <message>
        <source>&amp;From</source>
        <translation>&amp;From</translation>
    </message>
    <message>
        <source>&amp;To</source>
        <translation>&amp;To</translation>
    </message>
    <message>
        <source>&amp;Bonus check</source>
        <translation>&amp;Bonus check</translation>
    </message>
    <message>
        <source>Also compare the bonuses in the ledger with what the bonus rules give (rate, monthly cap, validity dates).</source>
        <translation>Also compare the bonuses in the ledger with what the bonus rules give (rate, monthly cap, validity dates).</translation>
    </message>
    <message>
        <source>&amp;Reconcile</source>
        <translation>&amp;Reconcile</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Reconciliation running</source>
        <translation>Reconciliation running</translation>
    </message>
    <message>
        <source>Discrepancies</source>
        <translation>Discrepancies</translation>
    </message>
    <message>
        <source>Double-click a line to open the household&apos;s case file.</source>
        <translation>Double-click a line to open the household&apos;s case file.</translation>
    </message>
    <message>
        <source>&amp;Export CSV…</source>
        <translation>&amp;Export CSV…</translation>
    </message>
    <message>
        <source>You see the counts and sums only, without any household.</source>
        <translation>You see the counts and sums only, without any household.</translation>
    </message>
    <message>
        <source>Reconciling %1 to %2…</source>
        <translation>Reconciling %1 to %2…</translation>
    </message>
    <message>
        <source>Reconciliation cancelled.</source>
        <translation>Reconciliation cancelled.</translation>
    </message>
    <message numerus="yes">
        <source>%1 to %2: %n household-month(s) checked.</source>
        <translation>
            <numerusform>%1 to %2: %n household-month checked.</numerusform>
            <numerusform>%1 to %2: %n household-months checked.</numerusform>
        </translation>
    </message>
    <message>
        <source>Monthly credits: every credit is as the rule gives.</source>
        <translation>Monthly credits: every credit is as the rule gives.</translation>
    </message>
    <message>
        <source>Monthly credits: %1.</source>
        <translation>Monthly credits: %1.</translation>
    </message>
    <message>
        <source>Bonuses: every bonus is as the bonus rules give.</source>
        <translation>Bonuses: every bonus is as the bonus rules give.</translation>
    </message>
    <message>
        <source>Bonuses: %1.</source>
        <translation>Bonuses: %1.</translation>
    </message>
    <message numerus="yes">
        <source>%n month(s) without an income assessment in force: not checked (record the assessment in the case file).</source>
        <translation>
            <numerusform>%n month without an income assessment in force: not checked (record the assessment in the case file).</numerusform>
            <numerusform>%n months without an income assessment in force: not checked (record the assessment in the case file).</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: cannot be written (%2).</source>
        <translation>%1: cannot be written (%2).</translation>
    </message>
    <message numerus="yes">
        <source>%n discrepancies written to %1.</source>
        <translation>
            <numerusform>%n discrepancy written to %1.</numerusform>
            <numerusform>%n discrepancies written to %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>Export the discrepancies</source>
        <translation>Export the discrepancies</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV files (*.csv)</translation>
    </message>
</context>
<context>
    <name>cabas::ui::RecoveryKeyDialog</name>
    <message>
        <source>Recovery key</source>
        <translation>Recovery key</translation>
    </message>
    <message>
        <source>Write down the recovery key</source>
        <translation>Write down the recovery key</translation>
    </message>
    <message>
        <source>This is the recovery key of the new database. It is shown only this once and Cabas keeps no copy of it. If every administrator&apos;s password is lost, it is the only way to open the database&apos;s keys. Write it down or print it, and keep it in a safe place, away from this computer.</source>
        <translation>This is the recovery key of the new database. It is shown only this once and Cabas keeps no copy of it. If every administrator&apos;s password is lost, it is the only way to open the database&apos;s keys. Write it down or print it, and keep it in a safe place, away from this computer.</translation>
    </message>
    <message>
        <source>Copy the recovery key</source>
        <translation>Copy the recovery key</translation>
    </message>
    <message>
        <source>Print the recovery key</source>
        <translation>Print the recovery key</translation>
    </message>
    <message>
        <source>I have &amp;written down the recovery key</source>
        <translation>I have &amp;written down the recovery key</translation>
    </message>
    <message>
        <source>Copied. Paste it somewhere safe, then copy something else so that it does not stay in the clipboard.</source>
        <translation>Copied. Paste it somewhere safe, then copy something else so that it does not stay in the clipboard.</translation>
    </message>
    <message>
        <source>Cabas: recovery key</source>
        <translation>Cabas: recovery key</translation>
    </message>
    <message>
        <source>Keep this page in a safe place. It opens the database&apos;s keys when every administrator&apos;s password is lost.</source>
        <translation>Keep this page in a safe place. It opens the database&apos;s keys when every administrator&apos;s password is lost.</translation>
    </message>
    <message>
        <source>Sent to the printer.</source>
        <translation>Sent to the printer.</translation>
    </message>
</context>
<context>
    <name>cabas::ui::RegisterPersonsDialog</name>
    <message>
        <source>Register persons</source>
        <translation>Register persons</translation>
    </message>
    <message>
        <source>Name, person code or household code</source>
        <translation>Name, person code or household code</translation>
    </message>
    <message>
        <source>%1 (%2, household %3)</source>
        <translation>%1 (%2, household %3)</translation>
    </message>
    <message>
        <source>%1 is on the waiting list: the workshop is full.</source>
        <translation>%1 is on the waiting list: the workshop is full.</translation>
    </message>
    <message>
        <source>%1 is registered.</source>
        <translation>%1 is registered.</translation>
    </message>
    <message>
        <source>Find a person</source>
        <translation>Find a person</translation>
    </message>
    <message>
        <source>Persons found</source>
        <translation>Persons found</translation>
    </message>
    <message>
        <source>&amp;Register</source>
        <translation>&amp;Register</translation>
    </message>
    <message>
        <source>&amp;Find a person:</source>
        <translation>&amp;Find a person:</translation>
    </message>
</context>
<context>
    <name>cabas::ui::SealDatabaseDialog</name>
    <message>
        <source>Writing the backup…</source>
        <translation>Writing the backup…</translation>
    </message>
    <message>
        <source>Copying the database…</source>
        <translation>Copying the database…</translation>
    </message>
    <message>
        <source>Making the keys and the users&apos; temporary passwords…</source>
        <translation>Making the keys and the users&apos; temporary passwords…</translation>
    </message>
    <message>
        <source>Encrypting names, addresses and notes…</source>
        <translation>Encrypting names, addresses and notes…</translation>
    </message>
    <message>
        <source>Compacting the encrypted copy…</source>
        <translation>Compacting the encrypted copy…</translation>
    </message>
    <message>
        <source>Checking the encrypted copy…</source>
        <translation>Checking the encrypted copy…</translation>
    </message>
    <message>
        <source>Replacing the database…</source>
        <translation>Replacing the database…</translation>
    </message>
    <message>
        <source>Encrypt the personal data</source>
        <translation>Encrypt the personal data</translation>
    </message>
    <message>
        <source>This database keeps names and addresses in clear</source>
        <translation>This database keeps names and addresses in clear</translation>
    </message>
    <message>
        <source>Anyone with a copy of the file can read the names, birth dates, addresses and notes of the households. Cabas can encrypt them now: it first writes a backup, then an encrypted copy, checks it and puts it in the database&apos;s place. The other users then get a temporary password each, shown once at the end, to hand over in person. Nobody else must be using the database meanwhile; it takes a few seconds per 10,000 households.</source>
        <translation>Anyone with a copy of the file can read the names, birth dates, addresses and notes of the households. Cabas can encrypt them now: it first writes a backup, then an encrypted copy, checks it and puts it in the database&apos;s place. The other users then get a temporary password each, shown once at the end, to hand over in person. Nobody else must be using the database meanwhile; it takes a few seconds per 10,000 households.</translation>
    </message>
    <message>
        <source>&amp;Backup written first</source>
        <translation>&amp;Backup written first</translation>
    </message>
    <message>
        <source>The backup still holds everything in clear: keep it locked away and destroy it once the encrypted database is checked.</source>
        <translation>The backup still holds everything in clear: keep it locked away and destroy it once the encrypted database is checked.</translation>
    </message>
    <message>
        <source>Your &amp;password again</source>
        <translation>Your &amp;password again</translation>
    </message>
    <message>
        <source>Progress of the encryption</source>
        <translation>Progress of the encryption</translation>
    </message>
    <message>
        <source>&amp;Encrypt now</source>
        <translation>&amp;Encrypt now</translation>
    </message>
    <message>
        <source>&amp;Not now</source>
        <translation>&amp;Not now</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>&amp;Cancel</translation>
    </message>
    <message>
        <source>Type your password again to encrypt the database.</source>
        <translation>Type your password again to encrypt the database.</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <source>Encrypting the health data…</source>
        <translation>Encrypting the health data…</translation>
    </message>
    <message>
        <source>This database keeps its health data in clear</source>
        <translation>This database keeps its health data in clear</translation>
    </message>
    <message>
        <source>Names, addresses and notes are encrypted, but anyone with a copy of the file can read the checkups, questionnaires and support notes. Cabas can encrypt them with the recovery key: it first writes a backup, then an encrypted copy, checks it and puts it in the database&apos;s place. Nobody else must be using the database meanwhile.</source>
        <translation>Names, addresses and notes are encrypted, but anyone with a copy of the file can read the checkups, questionnaires and support notes. Cabas can encrypt them with the recovery key: it first writes a backup, then an encrypted copy, checks it and puts it in the database&apos;s place. Nobody else must be using the database meanwhile.</translation>
    </message>
    <message>
        <source>&amp;Recovery key</source>
        <translation>&amp;Recovery key</translation>
    </message>
    <message>
        <source>Type the recovery key to encrypt the health data.</source>
        <translation>Type the recovery key to encrypt the health data.</translation>
    </message>
    <message>
        <source>The health data is encrypted with the nurses&apos; key, which an administrator never holds: type the recovery key printed when the database was made (or at its latest replacement) to encrypt it too. Left empty, the health data stays clear until you seal it with the key.</source>
        <translation>The health data is encrypted with the nurses&apos; key, which an administrator never holds: type the recovery key printed when the database was made (or at its latest replacement) to encrypt it too. Left empty, the health data stays clear until you seal it with the key.</translation>
    </message>
    <message>
        <source>The recovery key printed when the database was made (or at its latest replacement): the health data is encrypted with the nurses&apos; key, which only it opens for an administrator.</source>
        <translation>The recovery key printed when the database was made (or at its latest replacement): the health data is encrypted with the nurses&apos; key, which only it opens for an administrator.</translation>
    </message>
</context>
<context>
    <name>cabas::ui::SupportSessionForm</name>
    <message>
        <source>New support session</source>
        <translation>New support session</translation>
    </message>
    <message>
        <source>The person</source>
        <translation>The person</translation>
    </message>
    <message>
        <source>The whole household (%1)</source>
        <translation>The whole household (%1)</translation>
    </message>
    <message>
        <source>&amp;Date:</source>
        <translation>&amp;Date:</translation>
    </message>
    <message>
        <source>&amp;With:</source>
        <translation>&amp;With:</translation>
    </message>
    <message>
        <source>&amp;Topic:</source>
        <translation>&amp;Topic:</translation>
    </message>
    <message>
        <source>&amp;Notes:</source>
        <translation>&amp;Notes:</translation>
    </message>
</context>
<context>
    <name>cabas::ui::SyncDialog</name>
    <message>
        <source>The token could not be saved in %1: %2</source>
        <translation>The token could not be saved in %1: %2</translation>
    </message>
    <message>
        <source>Ledger sync</source>
        <translation>Ledger sync</translation>
    </message>
    <message>
        <source>Feed &amp;address:</source>
        <translation>Feed &amp;address:</translation>
    </message>
    <message>
        <source>the token the card operator gave</source>
        <translation>the token the card operator gave</translation>
    </message>
    <message>
        <source>(saved; type a new one to replace it)</source>
        <translation>(saved; type a new one to replace it)</translation>
    </message>
    <message>
        <source>&amp;Token:</source>
        <translation>&amp;Token:</translation>
    </message>
    <message>
        <source>The token is kept in %1, readable only by you (no system keychain is used).</source>
        <translation>The token is kept in %1, readable only by you (no system keychain is used).</translation>
    </message>
    <message>
        <source>&amp;Sync now</source>
        <translation>&amp;Sync now</translation>
    </message>
    <message>
        <source>Cancel the sync</source>
        <translation>Cancel the sync</translation>
    </message>
    <message>
        <source>Cards</source>
        <translation>Cards</translation>
    </message>
    <message>
        <source>Entries</source>
        <translation>Entries</translation>
    </message>
    <message>
        <source>%1: never synced.</source>
        <translation>%1: never synced.</translation>
    </message>
    <message>
        <source>%1: synced on %2.</source>
        <translation>%1: synced on %2.</translation>
    </message>
    <message>
        <source>%1: the sync of %2 failed: %3%4</source>
        <translation>%1: the sync of %2 failed: %3%4</translation>
    </message>
    <message>
        <source> (last success: %1)</source>
        <translation> (last success: %1)</translation>
    </message>
    <message>
        <source>Type the token the card operator gave.</source>
        <translation>Type the token the card operator gave.</translation>
    </message>
    <message>
        <source>%1 pages, %2 cards, %3 entries received</source>
        <translation>%1 pages, %2 cards, %3 entries received</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Connecting to %1…</translation>
    </message>
    <message>
        <source>Synced: %1 cards and %2 entries received; %3 new, %4 revised (%5 s).</source>
        <translation>Synced: %1 cards and %2 entries received; %3 new, %4 revised (%5 s).</translation>
    </message>
    <message>
        <source>Stopping after the current page…</source>
        <translation>Stopping after the current page…</translation>
    </message>
    <message>
        <source>Sync progress</source>
        <translation>Sync progress</translation>
    </message>
</context>
<context>
    <name>cabas::ui::TemporaryPasswordsDialog</name>
    <message>
        <source>Temporary passwords</source>
        <translation>Temporary passwords</translation>
    </message>
    <message>
        <source>%1 (%2, %3): %4</source>
        <translation>%1 (%2, %3): %4</translation>
    </message>
    <message>
        <source>Write down the users&apos; temporary passwords</source>
        <translation>Write down the users&apos; temporary passwords</translation>
    </message>
    <message>
        <source>The database is now encrypted. The other users&apos; passwords could not open its keys, so each got a new temporary password. They are shown only this once and Cabas keeps no copy: give each user theirs in person, and ask them to change it.</source>
        <translation>The database is now encrypted. The other users&apos; passwords could not open its keys, so each got a new temporary password. They are shown only this once and Cabas keeps no copy: give each user theirs in person, and ask them to change it.</translation>
    </message>
    <message>
        <source>Copy the temporary passwords</source>
        <translation>Copy the temporary passwords</translation>
    </message>
    <message>
        <source>Print the temporary passwords</source>
        <translation>Print the temporary passwords</translation>
    </message>
    <message>
        <source>I have &amp;written down the temporary passwords</source>
        <translation>I have &amp;written down the temporary passwords</translation>
    </message>
    <message>
        <source>Copied. Paste them somewhere safe, then copy something else so that they do not stay in the clipboard.</source>
        <translation>Copied. Paste them somewhere safe, then copy something else so that they do not stay in the clipboard.</translation>
    </message>
    <message>
        <source>Cabas: temporary passwords</source>
        <translation>Cabas: temporary passwords</translation>
    </message>
    <message>
        <source>Sent to the printer.</source>
        <translation>Sent to the printer.</translation>
    </message>
</context>
<context>
    <name>cabas::ui::TickListDialog</name>
    <message>
        <source>Attendance: %1</source>
        <translation>Attendance: %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;%2, %3</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;%2, %3</translation>
    </message>
    <message>
        <source>Tick the persons present; the others are recorded absent.</source>
        <translation>Tick the persons present; the others are recorded absent.</translation>
    </message>
    <message>
        <source>%1 present, %2 absent</source>
        <translation>%1 present, %2 absent</translation>
    </message>
    <message>
        <source>Registered persons</source>
        <translation>Registered persons</translation>
    </message>
</context>
<context>
    <name>cabas::ui::UserAccountDialog</name>
    <message>
        <source>Change my password</source>
        <translation>Change my password</translation>
    </message>
    <message>
        <source>Your password also opens your keys to the encrypted data: changing it re-seals them, nothing else changes. Backups taken before still open with the old password.</source>
        <translation>Your password also opens your keys to the encrypted data: changing it re-seals them, nothing else changes. Backups taken before still open with the old password.</translation>
    </message>
    <message>
        <source>New password for %1</source>
        <translation>New password for %1</translation>
    </message>
    <message>
        <source>Add a user</source>
        <translation>Add a user</translation>
    </message>
    <message>
        <source>for example amelie.roux</source>
        <translation>for example amelie.roux</translation>
    </message>
    <message>
        <source>&amp;Login:</source>
        <translation>&amp;Login:</translation>
    </message>
    <message>
        <source>&amp;Name shown:</source>
        <translation>&amp;Name shown:</translation>
    </message>
    <message>
        <source>&amp;Role:</source>
        <translation>&amp;Role:</translation>
    </message>
    <message>
        <source>&amp;Current password:</source>
        <translation>&amp;Current password:</translation>
    </message>
    <message>
        <source>At least 12 characters, of at least three kinds among lower case, upper case, digits and other characters.</source>
        <translation>At least 12 characters, of at least three kinds among lower case, upper case, digits and other characters.</translation>
    </message>
    <message>
        <source>First &amp;password:</source>
        <translation>First &amp;password:</translation>
    </message>
    <message>
        <source>New &amp;password:</source>
        <translation>New &amp;password:</translation>
    </message>
    <message>
        <source>&amp;Same password again:</source>
        <translation>&amp;Same password again:</translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation>&amp;Add</translation>
    </message>
    <message>
        <source>&amp;Change the password</source>
        <translation>&amp;Change the password</translation>
    </message>
    <message>
        <source>%1 gets new keys with this password and the account is unlocked. Give the password to %1 in person; Cabas asks them to change it at their next login. A nurse&apos;s access to health data comes back at the next login of another nurse.</source>
        <translation>%1 gets new keys with this password and the account is unlocked. Give the password to %1 in person; Cabas asks them to change it at their next login. A nurse&apos;s access to health data comes back at the next login of another nurse.</translation>
    </message>
    <message>
        <source>The new user logs in with this first password, then Cabas asks them to choose their own at once. A nurse&apos;s access to health data is opened at the next login of another nurse.</source>
        <translation>The new user logs in with this first password, then Cabas asks them to choose their own at once. A nurse&apos;s access to health data is opened at the next login of another nurse.</translation>
    </message>
    <message>
        <source>Your password was set by an administrator: it is temporary. Choose your own password now to go on; if you cancel, you are logged out.</source>
        <translation>Your password was set by an administrator: it is temporary. Choose your own password now to go on; if you cancel, you are logged out.</translation>
    </message>
</context>
<context>
    <name>cabas::ui::WorkshopEditorDialog</name>
    <message>
        <source>Edit the workshop</source>
        <translation>Edit the workshop</translation>
    </message>
    <message>
        <source>New workshop</source>
        <translation>New workshop</translation>
    </message>
    <message>
        <source>from</source>
        <translation>from</translation>
    </message>
    <message>
        <source>to</source>
        <translation>to</translation>
    </message>
    <message>
        <source>Producer or merchant</source>
        <translation>Producer or merchant</translation>
    </message>
    <message>
        <source>No limit</source>
        <translation>No limit</translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation>&amp;Type:</translation>
    </message>
    <message>
        <source>T&amp;itle:</source>
        <translation>T&amp;itle:</translation>
    </message>
    <message>
        <source>&amp;Date:</source>
        <translation>&amp;Date:</translation>
    </message>
    <message>
        <source>Set a time, from</source>
        <translation>Set a time, from</translation>
    </message>
    <message>
        <source>Start time</source>
        <translation>Start time</translation>
    </message>
    <message>
        <source>End time</source>
        <translation>End time</translation>
    </message>
    <message>
        <source>Ti&amp;me:</source>
        <translation>Ti&amp;me:</translation>
    </message>
    <message>
        <source>&amp;Place:</source>
        <translation>&amp;Place:</translation>
    </message>
    <message>
        <source>Pa&amp;rtner:</source>
        <translation>Pa&amp;rtner:</translation>
    </message>
    <message>
        <source>Place&amp;s:</source>
        <translation>Place&amp;s:</translation>
    </message>
    <message>
        <source>&amp;Notes:</source>
        <translation>&amp;Notes:</translation>
    </message>
</context>
<context>
    <name>cabas::ui::WorkshopHistoryWidget</name>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Workshop</source>
        <translation>Workshop</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>Person</translation>
    </message>
    <message>
        <source>Attendance</source>
        <translation>Attendance</translation>
    </message>
    <message>
        <source>Workshop cancelled</source>
        <translation>Workshop cancelled</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>Registered</translation>
    </message>
    <message>
        <source>Present</source>
        <translation>Present</translation>
    </message>
    <message>
        <source>Absent</source>
        <translation>Absent</translation>
    </message>
    <message>
        <source>No workshop registration yet.</source>
        <translation>No workshop registration yet.</translation>
    </message>
    <message numerus="yes">
        <source>%n attendance(s) at %1 workshop(s), out of %2 registration(s).</source>
        <translation>
            <numerusform>%n attendance at %1 workshop, out of %2 registration.</numerusform>
            <numerusform>%n attendances at %1 workshops, out of %2 registrations.</numerusform>
        </translation>
    </message>
    <message>
        <source>Workshops attended</source>
        <translation>Workshops attended</translation>
    </message>
</context>
<context>
    <name>cabas::ui::WorkshopMonthModel</name>
    <message>
        <source>Cancelled on %1</source>
        <translation>Cancelled on %1</translation>
    </message>
    <message>
        <source>%1 – %2</source>
        <translation>%1 – %2</translation>
    </message>
    <message>
        <source>%1 (cancelled)</source>
        <translation>%1 (cancelled)</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>%1 present, %2 absent</source>
        <translation>%1 present, %2 absent</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Workshop</source>
        <translation>Workshop</translation>
    </message>
    <message>
        <source>Place (partner)</source>
        <translation>Place (partner)</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>Registered</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <source>Attendance</source>
        <translation>Attendance</translation>
    </message>
</context>
<context>
    <name>cabas::ui::WorkshopsPage</name>
    <message>
        <source>◀ Previous month</source>
        <translation>◀ Previous month</translation>
    </message>
    <message>
        <source>Next month ▶</source>
        <translation>Next month ▶</translation>
    </message>
    <message>
        <source>No workshop this month.</source>
        <translation>No workshop this month.</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>Person</translation>
    </message>
    <message>
        <source>Household</source>
        <translation>Household</translation>
    </message>
    <message>
        <source>Registration</source>
        <translation>Registration</translation>
    </message>
    <message>
        <source>Attendance</source>
        <translation>Attendance</translation>
    </message>
    <message>
        <source>Cancel the registration</source>
        <translation>Cancel the registration</translation>
    </message>
    <message>
        <source>Cancel the workshop</source>
        <translation>Cancel the workshop</translation>
    </message>
    <message>
        <source>Cancel the registration of %1?</source>
        <translation>Cancel the registration of %1?</translation>
    </message>
    <message>
        <source>Cancel this workshop? Its registrations are kept, for the record.</source>
        <translation>Cancel this workshop? Its registrations are kept, for the record.</translation>
    </message>
    <message>
        <source>Choose a workshop to see its registrations.</source>
        <translation>Choose a workshop to see its registrations.</translation>
    </message>
    <message>
        <source>Place: %1</source>
        <translation>Place: %1</translation>
    </message>
    <message>
        <source>partner: %1</source>
        <translation>partner: %1</translation>
    </message>
    <message>
        <source>%1 registered for %2 places (%3 left)</source>
        <translation>%1 registered for %2 places (%3 left)</translation>
    </message>
    <message>
        <source>%1 registered (no limit)</source>
        <translation>%1 registered (no limit)</translation>
    </message>
    <message numerus="yes">
        <source>%n on the waiting list</source>
        <translation>
            <numerusform>%n on the waiting list</numerusform>
            <numerusform>%n on the waiting list</numerusform>
        </translation>
    </message>
    <message>
        <source>Attendance: %1 present, %2 absent</source>
        <translation>Attendance: %1 present, %2 absent</translation>
    </message>
    <message>
        <source>Cancelled on %1</source>
        <translation>Cancelled on %1</translation>
    </message>
    <message>
        <source>Waiting list (%1)</source>
        <translation>Waiting list (%1)</translation>
    </message>
    <message>
        <source>Present</source>
        <translation>Present</translation>
    </message>
    <message>
        <source>Absent</source>
        <translation>Absent</translation>
    </message>
    <message>
        <source>%1 moves up from the waiting list and has a place.</source>
        <translation>%1 moves up from the waiting list and has a place.</translation>
    </message>
    <message>
        <source>This &amp;month</source>
        <translation>This &amp;month</translation>
    </message>
    <message>
        <source>Previous month</source>
        <translation>Previous month</translation>
    </message>
    <message>
        <source>Next month</source>
        <translation>Next month</translation>
    </message>
    <message>
        <source>&amp;New workshop…</source>
        <translation>&amp;New workshop…</translation>
    </message>
    <message>
        <source>&amp;Import attendance…</source>
        <translation>&amp;Import attendance…</translation>
    </message>
    <message>
        <source>Workshops of the month</source>
        <translation>Workshops of the month</translation>
    </message>
    <message>
        <source>Registrations</source>
        <translation>Registrations</translation>
    </message>
    <message>
        <source>&amp;Register…</source>
        <translation>&amp;Register…</translation>
    </message>
    <message>
        <source>&amp;Tick-list of the day…</source>
        <translation>&amp;Tick-list of the day…</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;Edit…</translation>
    </message>
</context>
<context>
    <name>cabas::ui::a11y</name>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>The database used last (%1) cannot be used: %2</source>
        <translation>The database used last (%1) cannot be used: %2</translation>
    </message>
    <message>
        <source>The database used last could not be opened:
%1</source>
        <translation>The database used last could not be opened:
%1</translation>
    </message>
    <message>
        <source>Cabas: follow-up of sustainable food card programmes.</source>
        <translation>Cabas: follow-up of sustainable food card programmes.</translation>
    </message>
    <message>
        <source>Open this database (a .cabas file or a postgresql:// address); create nothing.</source>
        <translation>Open this database (a .cabas file or a postgresql:// address); create nothing.</translation>
    </message>
    <message>
        <source>Show this section first: %1.</source>
        <translation>Show this section first: %1.</translation>
    </message>
    <message>
        <source>unknown section &quot;%1&quot; (expected one of: %2)</source>
        <translation>unknown section &quot;%1&quot; (expected one of: %2)</translation>
    </message>
    <message>
        <source>Cabas</source>
        <translation>Cabas</translation>
    </message>
    <message>
        <source>Cannot open the database:
%1</source>
        <translation>Cannot open the database:
%1</translation>
    </message>
    <message>
        <source>cannot write %1</source>
        <translation>cannot write %1</translation>
    </message>
    <message>
        <source>Log in as LOGIN: with --password-file, without the login dialog; without it, the login dialog opens with LOGIN filled in.</source>
        <translation>Log in as LOGIN: with --password-file, without the login dialog; without it, the login dialog opens with LOGIN filled in.</translation>
    </message>
    <message>
        <source>The password of --user, on the first line of FILE.</source>
        <translation>The password of --user, on the first line of FILE.</translation>
    </message>
    <message>
        <source>Save a picture to FILE.png once it is shown, then quit: of the main window when --user and --password-file log in; of the login dialog with --db alone; of the first-run dialog without --db.</source>
        <translation>Save a picture to FILE.png once it is shown, then quit: of the main window when --user and --password-file log in; of the login dialog with --db alone; of the first-run dialog without --db.</translation>
    </message>
    <message>
        <source>--password-file needs --user LOGIN</source>
        <translation>--password-file needs --user LOGIN</translation>
    </message>
    <message>
        <source>Use a dark palette (the Fusion style), whatever the system&apos;s theme. Same as CABAS_THEME=dark.</source>
        <translation>Use a dark palette (the Fusion style), whatever the system&apos;s theme. Same as CABAS_THEME=dark.</translation>
    </message>
    <message>
        <source>The colours: system (the default: the system&apos;s style), light or dark. CABAS_THEME gives the default.</source>
        <translation>The colours: system (the default: the system&apos;s style), light or dark. CABAS_THEME gives the default.</translation>
    </message>
    <message>
        <source>unknown theme &quot;%1&quot; (expected one of: system, light, dark)</source>
        <translation>unknown theme &quot;%1&quot; (expected one of: system, light, dark)</translation>
    </message>
    <message>
        <source>The database is now encrypted, and this is its recovery key. It is shown only this once and Cabas keeps no copy of it. If every administrator&apos;s password is lost, it is the only way to open the database&apos;s keys. Write it down or print it, and keep it in a safe place, away from this computer.</source>
        <translation>The database is now encrypted, and this is its recovery key. It is shown only this once and Cabas keeps no copy of it. If every administrator&apos;s password is lost, it is the only way to open the database&apos;s keys. Write it down or print it, and keep it in a safe place, away from this computer.</translation>
    </message>
    <message>
        <source>The database is now encrypted: log in again.</source>
        <translation>The database is now encrypted: log in again.</translation>
    </message>
    <message>
        <source>The password of %1 is temporary: log in without --screenshot and change it first.</source>
        <translation>The password of %1 is temporary: log in without --screenshot and change it first.</translation>
    </message>
    <message>
        <source>Your password was not changed, so you are logged out. Log in again to choose your own password.</source>
        <translation>Your password was not changed, so you are logged out. Log in again to choose your own password.</translation>
    </message>
</context>
</TS>
