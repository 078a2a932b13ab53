<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>AccessPolicy</name>
    <message>
        <source>households, members, cards and consents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>card ledger and spending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>health follow-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>workshops and attendance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cohort figures</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>users, settings and audit trail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>see figures on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>publish figures on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Access denied: a %1 may not %2 the %3.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AuditTrail</name>
    <message>
        <source>Audit record %1 is missing (the next one is %2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Audit record %1 is out of order.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Audit record %1 does not follow record %2: a record was removed, replaced or moved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Audit record %1 was changed after it was written.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Audit records %1 to %2 are missing at the end of the trail.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Audit record %1 was added outside Cabas.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The audit trail is intact: %1 records, ending with %2.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Authenticator</name>
    <message>
        <source>Wrong login or password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The account %1 is disabled; ask an administrator.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The account %1 is locked after %2 failed attempts, until %3. An administrator can unlock it by setting a new password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Access denied: the database login %1 is not allowed to act as a %2.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Card</name>
    <message>
        <source>card_id: the card id is required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>card_id: &quot;%1&quot; is not a valid card id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>replaces: a card cannot replace itself</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Active</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CardRepository</name>
    <message>
        <source>The card %1 is already known.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No such card.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Checkup</name>
    <message>
        <source>person_code: the checkup belongs to a person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>date: the date of the checkup is required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>wave: the follow-up wave (M0, M6 ...) is required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>weight_kg: must be between 2 and 350 kg</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>height_cm: must be between 40 and 230 cm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>waist_cm: must be between 30 and 250 cm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>systolic_mmhg: must be between 60 and 260 mmHg</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>diastolic_mmhg: must be between 30 and 160 mmHg</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>glucose_g_l: must be between 0.2 and 6 g/L</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>systolic_mmhg: the systolic pressure must be above the diastolic pressure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>diastolic_mmhg: blood pressure needs both the systolic and the diastolic value</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CheckupRepository</name>
    <message>
        <source>This person already has a checkup for wave %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Cli</name>
    <message>
        <source>no database given: use --db FILE.cabas or --db postgresql://..., or set CABAS_DB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>init needs --admin LOGIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: offset %2: not valid JSON (%3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: the programme must be a JSON object</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created %1 (programme &quot;%2&quot;, administrator %3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--households must be a whole number from 1 to %1, not &quot;%2&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--seed must be a whole number, not &quot;%1&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Demo: %1 of %2 households</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Demo written to %1: %2 households, %3 persons, %4 cards, %5 consents, %6 staff accounts (%7 s).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database: %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Schema version: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Programme: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Users: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Households: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Persons: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cards: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This database has no programme.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create a new database with its programme and first administrator.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Login of the first administrator.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name shown for the administrator.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Programme settings (JSON, see docs/programme-json.md); default: 40 EUR per adult, 20 EUR per child a month, waves M0, M6, M12, M18.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Number of households, 1 to 100000 (default 60).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seed of the generator (default 2024): same seed, same data.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the database&apos;s schema version, programme and counts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>text (default) or json.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Usage: cabas-cli [--db DB] [--user LOGIN --password-file FILE] COMMAND [ARGS]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cabas: follow-up of sustainable food card programmes, from the command line.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Commands:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a file (SQLite) or postgresql://user@host:port/dbname; default $CABAS_DB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>log in as this user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>this help; COMMAND --help for a command&apos;s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the version of Cabas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exit status: 0 success, 1 failure (reason on stderr), 2 usage error.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cabas-cli: no command given.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cabas-cli: unknown command &quot;%1&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>See: cabas-cli %1 --help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>missing argument: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unexpected argument &quot;%1&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>this command needs a user: --user LOGIN (with --password-file FILE, or typed at the prompt)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--user needs --password-file FILE when there is no terminal to ask on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password for %1: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--format must be one of %1, not &quot;%2&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--password-file FILE is needed (the password of %1 on its first line)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New password for %1: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The same password again: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The two passwords differ; nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--role must be one of social_worker, nurse, coordinator, admin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User %1 added (%2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>disabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>locked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>active</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User %1 disabled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User %1 enabled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password of %1 changed; the account is unlocked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--since must be a date YYYY-MM-DD or DD/MM/YYYY, not &quot;%1&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--limit must be a positive whole number, not &quot;%1&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database roles ready: %1. Give each member of staff a login in their role&apos;s group, for example: CREATE ROLE anne LOGIN PASSWORD &apos;...&apos; IN ROLE %2;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The administrator&apos;s password, on the file&apos;s first line.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fill a new database with a realistic demo programme (administrators).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the programme settings as JSON.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add a user (administrators).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>social_worker, nurse, coordinator or admin.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name shown for the user.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The new user&apos;s password, on the file&apos;s first line.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>List the users (administrators).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disable a user: they can no longer log in; their history stays (administrators).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enable a disabled user (administrators).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set a user&apos;s password and unlock the account (administrators; anyone for their own).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The new password, on the file&apos;s first line.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the whole audit chain; name the first broken or missing record (administrators).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>List audit records, newest first (administrators).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only records from this date (YYYY-MM-DD).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only this user&apos;s records.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only records about this table.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>At most this many records (default 1000).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>text (default), csv or json.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PostgreSQL: create one database role per Cabas role, with the privileges of the access rules (administrators; run again after an upgrade).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prefix of the role names (default cabas: cabas_nurse ...).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Global options (before the command):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>file whose first line is that user&apos;s password (else asked on the terminal)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every command but init needs a user. --db, --user and --password-file may also follow the command, unless the command has an option of that name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Usage: cabas-cli [GLOBAL OPTIONS] %1 [OPTIONS]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Options:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cabas-cli: unknown option &quot;%1&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cabas-cli: %1 needs a value.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>warning: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was imported.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check only, nothing written. %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Imported. %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import households, members and cards from persons.csv: all or nothing, located errors, the same file twice changes nothing (social workers).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the file and say what would change, without writing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import health checkups from checkups.csv: all or nothing, located errors, consent checked (nurses).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import diet questionnaires from questionnaires.csv: all or nothing, located errors, consent checked (nurses).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--status must be one of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The nurses&apos; work list: each wave of each consenting person with its window and status today (nurses).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only upcoming, due, overdue or done.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Consent</name>
    <message>
        <source>person: a consent belongs to a person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>effective_on: the consent date is required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Case management</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Health follow-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card ledger link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Research export</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CsvTable</name>
    <message>
        <source>%1: cannot be read: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1:%2: the file is not in UTF-8; save it from the spreadsheet as &quot;CSV UTF-8&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: the file is empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1:%2: a quote opened here is never closed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1:%2: %3 fields where the header has %4.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Database</name>
    <message>
        <source>The SQLite driver for Qt is missing (Debian package libqt6sql6-sqlite).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The PostgreSQL driver for Qt is missing (Debian package libqt6sql6-psql).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open the database %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot connect to the PostgreSQL database %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 already exists: Cabas never overwrites a database when it creates one. Choose another file name, or open this one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create the folder %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is already a Cabas database: Cabas never overwrites a database when it creates one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 does not exist. Create a database first (cabas-cli init, or the desktop app&apos;s first-run dialog).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a Cabas database (it is not even an SQLite file).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 was written by a newer version of Cabas (schema version %2; this version knows up to %3). Install the newer version of Cabas to open it; nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database %1 changed version while it was open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: SQLite could not switch to write-ahead logging (WAL).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a Cabas database; nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is an empty database, not a Cabas database; create one with cabas-cli init.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database&apos;s schema version %1 cannot be brought to %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Migration %1 (%2) failed: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database error: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot start a transaction: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The changes could not be saved: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DatabaseSpec</name>
    <message>
        <source>No database given: use --db FILE.cabas or --db postgresql://user@host:port/dbname (or set CABAS_DB).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a database Cabas knows: give a file path or a postgresql:// address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid PostgreSQL address: expected postgresql://user:password@host:port/dbname.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The PostgreSQL port must be between 1 and 65535.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The PostgreSQL address must name a database: postgresql://user@%1:%2/dbname.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown PostgreSQL option &quot;%1&quot; (allowed: %2).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DemoGenerator</name>
    <message>
        <source>The demo can have from 1 to %1 households, not %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This database already has households: the demo only fills a new, empty database (cabas-cli init, then cabas-cli demo).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This database has no programme; create it with cabas-cli init.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Demo generation cancelled; nothing was written.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DietQuestionnaire</name>
    <message>
        <source>never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>rarely</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sometimes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>often</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>always</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>person_code: the questionnaire belongs to a person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>date: the date of the questionnaire is required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>wave: the follow-up wave (M0, M6 ...) is required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fv_portions_per_day: must be between 0 and 30</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>discovered_sustainable_shop: is asked from M6 on, not at M0</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FollowUpSchedule</name>
    <message>
        <source>Upcoming</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Due</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HealthImport</name>
    <message>
        <source>%1: the column %2 is missing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: unknown column &quot;%2&quot; ignored</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a date (YYYY-MM-DD or DD/MM/YYYY)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has a second checkup for %2 (also line %3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 already has a checkup for %2 with other values; correct it in the person&apos;s health view</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was imported:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; must be never, rarely, sometimes, often or always (or jamais, rarement, parfois, souvent, toujours)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; must be yes, no, oui, non or empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has a second questionnaire for %2 (also line %3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 already has a questionnaire for %2 with other answers; correct it in the person&apos;s health view</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HealthImportReport</name>
    <message>
        <source>%1 new records, %2 already there unchanged.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HealthService</name>
    <message>
        <source>There is no person %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has no health follow-up consent on %2: no health record can be made for that date.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>wave: %1 is not a follow-up wave of the programme.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Household</name>
    <message>
        <source>code: the household code is required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>code: &quot;%1&quot; is not a valid household code (letters, digits, - and _ only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>postcode: &quot;%1&quot; is not a French postcode (5 digits)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>enrolled_on: an enrolled, suspended or exited household needs an enrolment date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>exited_on: an exited household needs an exit date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>exit_reason: an exited household needs an exit reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>exited_on: the exit date is before the enrolment date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Candidate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enrolled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Suspended</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exited</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HouseholdRepository</name>
    <message>
        <source>The household code %1 is already used: a code is never reused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The household %1 was changed by someone else since you opened it; reload it to see their changes.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HouseholdService</name>
    <message>
        <source>There is no card %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no such person.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ImportReport</name>
    <message>
        <source>Households: %1 new, %2 updated, %3 unchanged. Persons: %4 new, %5 updated, %6 unchanged. Cards: %7 new.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Passwords</name>
    <message>
        <source>Not enough memory to hash the password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the password must have at least 12 characters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the password must mix at least three kinds of characters among lower case, upper case, digits and symbols</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read the password file %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The password file %1 is empty: its first line must be the password.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Person</name>
    <message>
        <source>person_code: the person code is required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>person_code: &quot;%1&quot; is not a valid person code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>first_name: the first name is required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>last_name: the last name is required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>birth_date: the birth date is required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>birth_date: %1 is before 1900</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>left_on: the departure is before the arrival</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>arrived_on: the arrival is before the birth date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Adult</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Child</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PersonRepository</name>
    <message>
        <source>The person code %1 is already used: a code is never reused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2) was changed by someone else since you opened it; reload to see their changes.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PersonsImport</name>
    <message>
        <source>%1: the column %2 is missing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: unknown column &quot;%2&quot; ignored</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a date (YYYY-MM-DD or DD/MM/YYYY)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; must be F, M or empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; must be adult or child</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is in the future</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 appears twice (also line %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; differs from &quot;%2&quot; on line %3 for household %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the card %1 is also given to household %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the card %1 already belongs to another household</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 already belongs to household %2; move people from the case file, not by import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was imported:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PgRoles</name>
    <message>
        <source>Database roles exist only on PostgreSQL; a SQLite file is protected by its file permissions.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid role prefix (lower-case letters, digits and _, starting with a letter).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Programme</name>
    <message>
        <source>Sustainable food card programme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>name: the programme needs a name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>starts_on: the start date is required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ends_on: the end date is before the start date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>allowance.adult_cents: must not be negative</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>allowance.child_cents: must not be negative</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>allowance.child_adult_age: must be between 1 and 30</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>disclosure_threshold: must be between 1 and 1000</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>currency: &quot;%1&quot; is not a currency label (2 to 10 letters, such as EUR or MonA)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>household_code_prefix: &quot;%1&quot; must be 1 to 10 letters or digits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1.label: the bonus rule needs a label</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1.rate_percent: must be between 0 and 1000</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1.monthly_cap_cents: must not be negative</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1.valid_from: the start of validity is required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1.valid_to: the end of validity is before its start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>waves: the programme needs at least one follow-up wave (M0)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1.code: the wave needs a code such as M6</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1.code: the wave %2 appears twice</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1.offset_days: must be between 0 and 3650</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1.tolerance_days: must be between 0 and 365</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1.offset_days: waves must come in increasing order of offset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sustainable_categories: &quot;%1&quot; is not a merchant category (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>is required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be a string</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be a date written YYYY-MM-DD</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be a whole number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>is required, as an object with adult_cents and child_cents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be a list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be an object</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>is required, as a number such as 50 or 12.5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>has more than two decimals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>is required, as a list of waves</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be a list of merchant categories</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ProgrammeRepository</name>
    <message>
        <source>The programme settings were changed by someone else meanwhile; reload them and try again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QuestionnaireRepository</name>
    <message>
        <source>This person already has a diet questionnaire for wave %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Setup</name>
    <message>
        <source>password: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>programme: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>User</name>
    <message>
        <source>Social worker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nurse</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Coordinator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>login: &quot;%1&quot; is not a valid login (2 to 32 lower-case letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>display_name: the name shown for the user is required</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UserRepository</name>
    <message>
        <source>The login &quot;%1&quot; is already taken.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UserService</name>
    <message>
        <source>The password is not strong enough: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no user %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is the last active administrator: enable or add another administrator first.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>cabas::ui::AdministrationPage</name>
    <message>
        <source>Administration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Audit trail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every login, every change and every refused action, newest first. The records are chained by their hashes: any record changed, removed or added outside Cabas breaks the chain.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Since</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Table:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All tables</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Verify the chain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recompute every record&apos;s hash and check that the chain is complete.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The user accounts of this database. Adding users, disabling them and resetting passwords is done with cabas-cli for now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Login</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Active</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Locked until</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The newest %1 records; narrow the filters to see older ones.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n record(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The audit trail is NOT intact. First bad record: %1. %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>cabas::ui::AuditTableModel</name>
    <message>
        <source>Create</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Update</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>See figures</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Publish figures</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Consent given</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Consent withdrawn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Denied</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Date and time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Record</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detail</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>cabas::ui::FirstRunDialog</name>
    <message>
        <source>Cabas databases (*.cabas);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unexpected error: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Welcome to Cabas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cabas keeps its data in a database. Create a new one on this computer, open an existing one, or connect to your organisation&apos;s PostgreSQL server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create a new database on this computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open an existing database file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect to a PostgreSQL database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. Healthy food for all, phase 2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Programme name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Administrator login</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>At least 12 characters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirm the password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Empty: taken from PGPASSWORD or ~/.pgpass</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The password is never saved by Cabas. The database must already have been prepared with &quot;cabas-cli init&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New Cabas database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a Cabas database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose where to save the new database.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give a file path: a PostgreSQL database is prepared with &quot;cabas-cli init&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This file already exists: choose another name, or open it instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the programme a name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the administrator&apos;s login.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the administrator&apos;s password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the database file to open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no file here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the server&apos;s name or address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the name of the database.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database could not be opened.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>cabas::ui::FollowUpListModel</name>
    <message>
        <source>%1 – %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Consent withdrawn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Consent to health follow-up withdrawn: the records are kept, no new record can be made.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Target %1, window from %2 to %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Consent to health follow-up withdrawn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Household</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Commune</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wave</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Target date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>cabas::ui::HealthPage</name>
    <message>
        <source>Health follow-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The follow-up waves of the people who consented to the health follow-up, with their window and their status today. Double-click a row (or press Enter) to see the person&apos;s checkups and questionnaires.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Status:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Due or overdue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Commune:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>← &amp;Back to the work list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Consent to health follow-up withdrawn: the records are kept, no new record can be made.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checkups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wave</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weight (kg)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Height (cm)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>BMI</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waist (cm)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Blood pressure (mmHg)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Glucose (g/L)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No checkup recorded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Diet questionnaires</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fruit and vegetable portions a day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Organic fruit and vegetables</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Local products</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Organic products</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discovered a sustainable shop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No questionnaire recorded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read the work list: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All communes</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n wave(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n wave(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read the health records: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answered on %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>cabas::ui::HomePage</name>
    <message>
        <source>Households</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Persons</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cards</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Programme rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Monthly allowance per adult</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Monthly allowance per child</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Counted as an adult from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bonus on sustainable purchases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Follow-up waves</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Location</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Schema version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Household codes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Smallest group in results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No database open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No programme defined</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From %1 to %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From %1 (no planned end)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the age of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 people</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: day %2 (± %3 days)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %: %2 (%3 to %4)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %: %2 (from %3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>capped at %1 a month</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read the database: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>cabas::ui::HouseholdTableModel</name>
    <message>
        <source>Code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Commune</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enrolled on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>cabas::ui::LoginDialog</name>
    <message>
        <source>Log in to Cabas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PostgreSQL database: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Login:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log &amp;in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another &amp;database…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter your login and your password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unexpected error: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>cabas::ui::MainWindow</name>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;New database…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open a database…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Connect to PostgreSQL…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About Cabas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Home</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Households</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Health follow-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Workshops</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Farm visits, cooking, market and bread-making workshops: the calendar, the places left, registrations and who attended.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card ledger</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The movements on each household&apos;s card, synced from the card operator: monthly allowances, purchases by kind of shop, bonuses on sustainable purchases.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cohort</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The evaluation&apos;s indicators wave by wave (diet, health measurements, sustainable spending), with small groups hidden, and pseudonymised exports.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Administration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Coming soon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This section is not available in this version of Cabas yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read the households: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Total: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No database open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PostgreSQL database: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Schema version %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create a new Cabas database. The database open now is left as it is.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a Cabas database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cabas databases (*.cabas);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open the database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect to PostgreSQL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect to a Cabas database on a PostgreSQL server. The password is never saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cabas will be in French the next time it starts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cabas will be in English the next time it starts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The CABAS_LANG environment variable is set: it chooses the language before this setting.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About Cabas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;h3&gt;Cabas %1&lt;/h3&gt;&lt;p&gt;Cabas helps the teams of sustainable food card programmes follow their households, the health follow-up, the workshops, the card ledger and the cohort&apos;s evaluation.&lt;/p&gt;&lt;p&gt;Built with Qt %2.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>S&amp;witch user…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Log out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The households of the programme, by code; choose one to see its members. Searching, enrolling and editing households come with the next versions.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your role sees the households by code only: names and addresses are not shown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>First name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Born on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Access denied</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nobody is logged in: log in to see this section.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Members of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You are logged in as %1 (%2). This section is for the roles that may read it: another user can log in with File &gt; Switch user.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not logged in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Logged in as %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Switch user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log in as another user. If you cancel, %1 stays logged in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You are logged out. Log in to go on, or cancel to quit Cabas.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log in to the database you opened. If you cancel, the database open now stays open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Members (choose a household above)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>The database used last (%1) cannot be used: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database used last could not be opened:
%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cabas: follow-up of sustainable food card programmes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open this database (a .cabas file or a postgresql:// address); create nothing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show this section first: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown section &quot;%1&quot; (expected one of: %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cabas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open the database:
%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot write %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log in as LOGIN: with --password-file, without the login dialog; without it, the login dialog opens with LOGIN filled in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The password of --user, on the first line of FILE.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save a picture to FILE.png once it is shown, then quit: of the main window when --user and --password-file log in; of the login dialog with --db alone; of the first-run dialog without --db.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--password-file needs --user LOGIN</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
