#include "store/PgRoles.h"

#include "common/Error.h"
#include "security/Access.h"
#include "security/Authenticator.h"
#include "store/CohortQueries.h"
#include "store/ContributionRepository.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QRegularExpression>

namespace cabas::store {

namespace {
struct TableRule
{
    const char* table;
    DataKind kind;
};

// Which kind of data each table holds. A table missing here gets no privilege at all.
constexpr TableRule kTables[] = {
    {"household", DataKind::Households},
    {"person", DataKind::Households},
    {"card", DataKind::Households},
    {"consent", DataKind::Households},
    {"household_status_event", DataKind::Households},
    {"household_note", DataKind::Households},
    {"household_search_term", DataKind::Households},
    {"card_event", DataKind::Households},
    {"checkup", DataKind::Health},
    {"checkup_correction", DataKind::Health},
    {"diet_questionnaire", DataKind::Health},
    {"prevention_step", DataKind::Health},
    {"support_session", DataKind::Health},
    // The cohort's derived health values, sealed under the cohort key (migration 15): nurses write them with
    // each record; coordinators read them (statements() below) and decrypt them in memory.
    {"cohort_health", DataKind::Health},
    // The same values per member (migration 17), kept by the nurses' saves; coordinators read them.
    {"cohort_person_health", DataKind::Health},
    {"workshop", DataKind::Workshops},
    {"workshop_registration", DataKind::Workshops},
    {"programme", DataKind::Administration},
    {"programme_bonus_rule", DataKind::Administration},
    {"programme_wave", DataKind::Administration},
    {"programme_sustainable_category", DataKind::Administration},
    {"programme_income_band", DataKind::Administration},
    {"income_assessment", DataKind::Households},
    // Coordinators: revoked again (ContributionRepository::pgRevokes).
    {"contribution_choice", DataKind::Households},
    {"contribution_payment", DataKind::Households},
    {"ledger_entry", DataKind::Ledger},
    {"ledger_merchant", DataKind::Ledger},
    {"ledger_card", DataKind::Ledger},
    {"ledger_sync_state", DataKind::Ledger},
    {"ledger_relink_queue", DataKind::Households}, // filled by triggers on card
    // The committee's decisions on merchants (migration 13): administrators write, ledger readers read.
    {"merchant_approval", DataKind::Ledger},
    // Figures per household and month (migration 10), derived from ledger_entry; written by triggers and by
    // the refresh function (SECURITY DEFINER), read by the cohort functions.
    {"ledger_month_figures", DataKind::Ledger},
    {"ledger_category_figures", DataKind::Ledger},
    {"ledger_merchant_figures", DataKind::Ledger},
    {"ledger_figures_dirty", DataKind::Ledger},
    // Month totals and running totals per household (migration 14), kept by the same refresh.
    {"ledger_month_totals", DataKind::Ledger},
    {"ledger_month_running", DataKind::Ledger},
    {"ledger_category_totals", DataKind::Ledger},
};

// Tables every role reads or appends to, whatever its Cabas role (see statements()).
constexpr const char* kCommonTables[] = {"cabas_meta", "schema_migrations", "app_user", "audit_log",
                                         "audit_head", "key_ring",          "key_slot"};

const QList<Role> kRoles = {Role::SocialWorker, Role::Nurse, Role::Coordinator, Role::Admin};

// libsodium's crypto_pwhash_MEMLIMIT_INTERACTIVE (in KiB) and OPSLIMIT_INTERACTIVE, which Passwords::hash
// uses.
constexpr int kFakeMemoryKib = 65536;
constexpr int kFakePasses = 2;
} // namespace

QStringList PgRoles::governedTables()
{
    QStringList tables;
    for (const char* t : kCommonTables)
        tables << QLatin1String(t);
    for (const TableRule& t : kTables)
        tables << QLatin1String(t.table);
    return tables;
}

QString PgRoles::roleName(const QString& prefix, Role role)
{
    return prefix + QLatin1Char('_') + toCode(role);
}

QStringList PgRoles::statements(const QString& prefix)
{
    QStringList sql;
    QStringList all;
    for (Role role : kRoles) {
        const QString name = roleName(prefix, role);
        all << name;
        sql << QStringLiteral("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '%1') THEN "
                              "CREATE ROLE %1 NOLOGIN; END IF; END $$")
                   .arg(name);
    }
    const QString everyone = all.join(QStringLiteral(", "));
    sql << QStringLiteral("GRANT USAGE ON SCHEMA public TO %1").arg(everyone);
    // Start from nothing, then grant what the policy allows.
    sql << QStringLiteral("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC, %1").arg(everyone);
    sql << QStringLiteral("REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC, %1").arg(everyone);
    // Every Cabas client checks the schema version and needs the programme's rules.
    for (const char* table : {"cabas_meta", "schema_migrations", "programme", "programme_bonus_rule",
                              "programme_wave", "programme_sustainable_category", "programme_income_band"})
        sql << QStringLiteral("GRANT SELECT ON %1 TO %2").arg(QLatin1String(table), everyone);
    // Logging in: every column of app_user but password_hash is readable (granted column by column in
    // apply(), so that a column added later is too); failures are counted, and one's own password changed,
    // only through the cabas_auth_* functions (authStatements()).
    // The audit trail: everyone appends; only the last seq and hash are readable to chain a new record.
    sql << QStringLiteral("GRANT INSERT, SELECT (seq, hash) ON audit_log TO %1").arg(everyone);
    sql << QStringLiteral("GRANT SELECT, UPDATE ON audit_head TO %1").arg(everyone);
    // The key ring (docs/encryption.md): read to log in; one's own slot re-wrapped on a password change;
    // nurses seal the health key to pending slots (and create it once); administrators issue slots.
    sql << QStringLiteral("GRANT SELECT ON key_ring, key_slot TO %1").arg(everyone);
    sql << QStringLiteral("GRANT UPDATE (kdf_salt, kdf_ops, kdf_mem, wrapped, updated_at) ON key_slot TO %1")
               .arg(everyone);
    sql << QStringLiteral("GRANT UPDATE (health_sealed, updated_at) ON key_slot TO %1")
               .arg(roleName(prefix, Role::Nurse));
    sql << QStringLiteral("GRANT UPDATE (health_key_check, updated_at) ON key_ring TO %1")
               .arg(roleName(prefix, Role::Nurse));
    // The cohort key (migration 15): nurses create it once and seal it to nurses' and coordinators' slots.
    sql << QStringLiteral("GRANT UPDATE (cohort_sealed, updated_at) ON key_slot TO %1")
               .arg(roleName(prefix, Role::Nurse));
    sql << QStringLiteral("GRANT UPDATE (cohort_key_check, updated_at) ON key_ring TO %1")
               .arg(roleName(prefix, Role::Nurse));
    sql << QStringLiteral("GRANT INSERT, UPDATE ON key_ring, key_slot TO %1")
               .arg(roleName(prefix, Role::Admin));
    for (Role role : kRoles) {
        const QString name = roleName(prefix, role);
        for (const TableRule& t : kTables) {
            QStringList privileges;
            if (AccessPolicy::allows(role, t.kind, Action::Read))
                privileges << QStringLiteral("SELECT");
            if (AccessPolicy::allows(role, t.kind, Action::Write))
                privileges << QStringLiteral("INSERT") << QStringLiteral("UPDATE");
            if (!privileges.isEmpty())
                sql << QStringLiteral("GRANT %1 ON %2 TO %3")
                           .arg(privileges.join(QStringLiteral(", ")), QLatin1String(t.table), name);
        }
        // Linking the ledger (docs/ledger.md): whoever links cards to households, or syncs the ledger, links
        // the entries concerned and empties the queue of cards changed.
        if (AccessPolicy::allows(role, DataKind::Households, Action::Write))
            sql << QStringLiteral("GRANT UPDATE (household_id, link_source) ON ledger_entry TO %1").arg(name);
        // Search terms are derived from households and members, replaced whenever they change.
        if (AccessPolicy::allows(role, DataKind::Households, Action::Write))
            sql << QStringLiteral("GRANT DELETE ON household_search_term TO %1").arg(name);
        if (AccessPolicy::allows(role, DataKind::Households, Action::Write) ||
            AccessPolicy::allows(role, DataKind::Ledger, Action::Write))
            sql << QStringLiteral("GRANT SELECT, DELETE ON ledger_relink_queue TO %1").arg(name);
        if (AccessPolicy::allows(role, DataKind::Administration, Action::Write))
            sql << QStringLiteral(
                       "GRANT INSERT, UPDATE (display_name, role, active, password_hash, "
                       "password_changed_at, failed_attempts, locked_until, password_must_change) ON "
                       "app_user TO %1")
                       .arg(name);
        if (AccessPolicy::allows(role, DataKind::Administration, Action::Read))
            sql << QStringLiteral("GRANT SELECT ON audit_log TO %1").arg(name);
    }
    // cohort_health: a nurse's save replaces the row of its record; coordinators read the sealed rows (the
    // cohort figures of a sealed database are computed in their session, with the cohort key).
    sql << QStringLiteral("GRANT DELETE ON cohort_health TO %1").arg(roleName(prefix, Role::Nurse));
    sql << QStringLiteral("GRANT SELECT ON cohort_health TO %1").arg(roleName(prefix, Role::Coordinator));
    sql << QStringLiteral("GRANT DELETE ON cohort_person_health TO %1").arg(roleName(prefix, Role::Nurse));
    sql << QStringLiteral("GRANT SELECT ON cohort_person_health TO %1")
               .arg(roleName(prefix, Role::Coordinator));
    sql << ContributionRepository::pgRevokes(prefix);
    // A household's income is not the coordinators' to see (IncomeService refuses them the same way): their
    // database login reads households by code only.
    sql << QStringLiteral("REVOKE ALL ON income_assessment FROM %1").arg(roleName(prefix, Role::Coordinator));
    return sql;
}

void PgRoles::apply(const Database& db, const QString& prefix)
{
    if (db.backend() != Backend::Postgres)
        throw Error(tr("Database roles exist only on PostgreSQL; a SQLite file is protected by its file "
                       "permissions."),
                    Error::Kind::Invalid);
    static const QRegularExpression valid(QStringLiteral("^[a-z][a-z0-9_]{0,30}$"));
    if (!valid.match(prefix).hasMatch())
        throw Error(tr("\"%1\" is not a valid role prefix (lower-case letters, digits and _, starting with a "
                       "letter).")
                        .arg(prefix),
                    Error::Kind::Invalid);
    Database::Transaction tx(db);
    // Two owners' processes opening an upgraded database at once (refreshIfStale) apply one after the other.
    db.exec(QStringLiteral("SELECT pg_advisory_xact_lock(4341424154)"));
    // The key of the fake salts of unknown logins: created once, readable by the owner only (the REVOKE of
    // statements() covers it).
    QSqlQuery keyTable = db.exec(QStringLiteral("SELECT to_regclass('cabas_auth_key') IS NULL"));
    if (keyTable.next() && keyTable.value(0).toBool())
        db.execDirect(
            QStringLiteral("CREATE TABLE cabas_auth_key (id INTEGER PRIMARY KEY CHECK (id = 1), key BYTEA "
                           "NOT NULL)"));
    quint32 random[8];
    QRandomGenerator::system()->fillRange(random);
    const QByteArray key(reinterpret_cast<const char*>(random), sizeof random);
    db.exec(QStringLiteral("INSERT INTO cabas_auth_key (id, key) SELECT 1, decode(?, 'hex') WHERE NOT EXISTS "
                           "(SELECT 1 FROM cabas_auth_key)"),
            {QString::fromLatin1(key.toHex())});
    for (const QString& statement : statements(prefix))
        db.execDirect(statement);
    QStringList everyone;
    for (Role role : kRoles)
        everyone << roleName(prefix, role);
    {
        QStringList columns;
        QSqlQuery q = db.exec(QStringLiteral(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND "
            "table_name = 'app_user' AND column_name <> 'password_hash' ORDER BY ordinal_position"));
        while (q.next())
            columns << q.value(0).toString();
        db.execDirect(QStringLiteral("GRANT SELECT (%1) ON app_user TO %2")
                          .arg(columns.join(QStringLiteral(", ")), everyone.join(QStringLiteral(", "))));
    }
    {
        QStringList old;
        QSqlQuery q = db.exec(QStringLiteral(
            "SELECT CAST(p.oid AS regprocedure) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'public' AND p.proname LIKE 'cabas\\_auth\\_%'"));
        while (q.next())
            old << q.value(0).toString();
        for (const QString& f : old)
            db.execDirect(QStringLiteral("DROP FUNCTION %1").arg(f));
    }
    for (const QString& statement : authStatements(everyone.join(QStringLiteral(", "))))
        db.execDirect(statement);
    // Cohort figures without line-level rights: fixed functions that run with the owner's rights.
    QStringList readers, exporters;
    for (Role role : kRoles) {
        if (AccessPolicy::allows(role, DataKind::Cohort, Action::ReadAggregates))
            readers << roleName(prefix, role);
        if (AccessPolicy::allows(role, DataKind::Cohort, Action::ExportPublic))
            exporters << roleName(prefix, role);
    }
    CohortQueries::installPgFunctions(db, readers, exporters);
    db.execDirect(QStringLiteral("DROP FUNCTION IF EXISTS cabas_pseudonym_key(TEXT)"));
    for (const QString& statement : secretStatements(exporters.join(QStringLiteral(", "))))
        db.execDirect(statement);
    ContributionRepository::installPgFunctions(db, readers);
    QSqlQuery updated =
        db.exec(QStringLiteral("UPDATE cabas_meta SET value = ? WHERE key = 'pg_role_prefix'"), {prefix});
    if (updated.numRowsAffected() == 0)
        db.exec(QStringLiteral("INSERT INTO cabas_meta (key, value) VALUES ('pg_role_prefix', ?)"), {prefix});
    db.exec(QStringLiteral("DELETE FROM cabas_meta WHERE key = 'pg_role_stamp'"));
    db.exec(QStringLiteral("INSERT INTO cabas_meta (key, value) VALUES ('pg_role_stamp', ?)"),
            {expectedStamp(db)});
    tx.commit();
}

QStringList PgRoles::authStatements(const QString& grantees)
{
    using security::Authenticator;
    QStringList sql;
    // The stored string is libsodium's: $argon2id$v=19$m=<KiB>,t=<passes>,p=1$<salt>$<hash>, base64 without
    // padding. An unknown login gets the parameters of crypto_pwhash_str's interactive limits (what
    // Passwords::hash uses; a test keeps them equal) and a salt of 16 bytes from a keyed hash of the login.
    sql << QStringLiteral(
               "CREATE FUNCTION cabas_auth_salt(p_login TEXT) "
               "RETURNS TABLE (algorithm TEXT, version INTEGER, memory_kib BIGINT, passes BIGINT, lanes "
               "INTEGER, "
               "salt TEXT, hash_bytes INTEGER) "
               "LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $cabas$ "
               "DECLARE stored TEXT; m TEXT[]; "
               "BEGIN "
               "SELECT a.password_hash INTO stored FROM app_user a WHERE a.login = p_login; "
               "m := regexp_match(stored, "
               "'^\\$argon2id\\$v=([0-9]+)\\$m=([0-9]+),t=([0-9]+),p=([0-9]+)\\$([A-Za-z0-9+/"
               "]+)\\$([A-Za-z0-9+/]+)$'); "
               "IF m IS NOT NULL THEN "
               "RETURN QUERY SELECT 'argon2id'::TEXT, m[1]::INTEGER, m[2]::BIGINT, m[3]::BIGINT, "
               "m[4]::INTEGER, m[5], "
               "(length(m[6]) * 3 / 4)::INTEGER; "
               "RETURN; "
               "END IF; "
               "RETURN QUERY SELECT 'argon2id'::TEXT, 19, %1::BIGINT, %2::BIGINT, 1, "
               "rtrim(encode(substr(sha256(k.key || sha256(k.key || convert_to(coalesce(p_login, ''), "
               "'UTF8'))), 1, "
               "16), 'base64'), '='), 32 FROM cabas_auth_key k; "
               "END $cabas$")
               .arg(kFakeMemoryKib)
               .arg(kFakePasses);
    // The check itself: the raw hash is compared through digests (no early exit on the first byte that
    // differs). Locked accounts are not checked (nor counted); the 7th failure locks for 15 minutes.
    const QString check =
        QStringLiteral(
            "SELECT a.id, a.password_hash, a.active, a.failed_attempts, a.locked_until INTO u FROM app_user "
            "a "
            "WHERE a.login = p_login FOR UPDATE; "
            "IF NOT FOUND THEN RETURN QUERY SELECT 'wrong'::TEXT, NULL::TIMESTAMPTZ; RETURN; END IF; "
            "IF u.locked_until IS NOT NULL AND u.locked_until > now() THEN "
            "RETURN QUERY SELECT 'locked'::TEXT, u.locked_until; RETURN; END IF; "
            "m := regexp_match(u.password_hash, '\\$([A-Za-z0-9+/]+)$'); "
            "IF m IS NULL OR p_hash IS NULL OR sha256(convert_to(m[1], 'UTF8')) <> sha256(convert_to(p_hash, "
            "'UTF8')) THEN "
            "IF u.failed_attempts + 1 >= %1 THEN "
            "UPDATE app_user SET failed_attempts = 0, locked_until = now() + interval '%2 minutes' WHERE id "
            "= u.id; "
            "RETURN QUERY SELECT 'now_locked'::TEXT, now() + interval '%2 minutes'; "
            "ELSE "
            "UPDATE app_user SET failed_attempts = u.failed_attempts + 1, locked_until = NULL WHERE id = "
            "u.id; "
            "RETURN QUERY SELECT 'wrong'::TEXT, NULL::TIMESTAMPTZ; "
            "END IF; "
            "RETURN; "
            "END IF; "
            "IF NOT u.active THEN RETURN QUERY SELECT 'disabled'::TEXT, NULL::TIMESTAMPTZ; RETURN; END IF; "
            "IF u.failed_attempts <> 0 OR u.locked_until IS NOT NULL THEN "
            "UPDATE app_user SET failed_attempts = 0, locked_until = NULL WHERE id = u.id; "
            "END IF; ")
            .arg(Authenticator::kMaxFailedAttempts)
            .arg(Authenticator::kLockMinutes);
    sql << QStringLiteral("CREATE FUNCTION cabas_auth_login(p_login TEXT, p_hash TEXT) "
                          "RETURNS TABLE (outcome TEXT, locked_until_at TIMESTAMPTZ) "
                          "LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS "
                          "$cabas$ DECLARE u RECORD; m TEXT[]; BEGIN %1"
                          "RETURN QUERY SELECT 'ok'::TEXT, NULL::TIMESTAMPTZ; END $cabas$")
               .arg(check);
    // Changing one's own password: the same check with the current password, then a new hash in libsodium's
    // format with at least the interactive limits (the password policy is the client's); a temporary
    // password (password_must_change, migration 16) is then one's own again.
    sql << QStringLiteral(
               "CREATE FUNCTION cabas_auth_set_password(p_login TEXT, p_hash TEXT, p_new TEXT) "
               "RETURNS TABLE (outcome TEXT, locked_until_at TIMESTAMPTZ) "
               "LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS "
               "$cabas$ DECLARE u RECORD; m TEXT[]; n TEXT[]; BEGIN %1"
               "n := regexp_match(p_new, "
               "'^\\$argon2id\\$v=19\\$m=([0-9]+),t=([0-9]+),p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}$'); "
               "IF n IS NULL OR n[1]::BIGINT < %2 OR n[2]::BIGINT < %3 THEN "
               "RAISE EXCEPTION 'not an Argon2id hash with the interactive limits' USING ERRCODE = '22023'; "
               "END IF; "
               "UPDATE app_user SET password_hash = p_new, password_changed_at = now(), password_must_change "
               "= "
               "FALSE WHERE id = u.id; "
               "RETURN QUERY SELECT 'ok'::TEXT, NULL::TIMESTAMPTZ; END $cabas$")
               .arg(check)
               .arg(kFakeMemoryKib)
               .arg(kFakePasses);
    for (const char* f : {"cabas_auth_salt(TEXT)", "cabas_auth_login(TEXT, TEXT)",
                          "cabas_auth_set_password(TEXT, TEXT, TEXT)"}) {
        sql << QStringLiteral("REVOKE ALL ON FUNCTION %1 FROM PUBLIC").arg(QLatin1String(f));
        sql << QStringLiteral("GRANT EXECUTE ON FUNCTION %1 TO %2").arg(QLatin1String(f), grantees);
    }
    return sql;
}

QStringList PgRoles::secretStatements(const QString& exporters)
{
    QStringList sql;
    // The table's owner (migrations, pg roles, these SECURITY DEFINER functions) is not bound by the policy.
    sql << QStringLiteral("ALTER TABLE cabas_meta ENABLE ROW LEVEL SECURITY");
    sql << QStringLiteral("DROP POLICY IF EXISTS cabas_meta_no_secret ON cabas_meta");
    sql << QStringLiteral("CREATE POLICY cabas_meta_no_secret ON cabas_meta FOR SELECT USING (key <> "
                          "'pseudonym_key')");
    sql << QStringLiteral(
        "CREATE FUNCTION cabas_pseudonym_key(p_candidate TEXT) RETURNS TEXT "
        "LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $cabas$ "
        "DECLARE v TEXT; BEGIN "
        "IF p_candidate IS NULL OR p_candidate !~ '^[0-9a-f]{64}$' THEN "
        "RAISE EXCEPTION 'not a key of 32 bytes in hexadecimal' USING ERRCODE = '22023'; END IF; "
        "INSERT INTO cabas_meta (key, value) VALUES ('pseudonym_key', p_candidate) ON CONFLICT (key) DO "
        "NOTHING; "
        "SELECT m.value INTO v FROM cabas_meta m WHERE m.key = 'pseudonym_key'; "
        "RETURN v; END $cabas$");
    sql << QStringLiteral("REVOKE ALL ON FUNCTION cabas_pseudonym_key(TEXT) FROM PUBLIC");
    if (!exporters.isEmpty())
        sql << QStringLiteral("GRANT EXECUTE ON FUNCTION cabas_pseudonym_key(TEXT) TO %1").arg(exporters);
    return sql;
}

bool PgRoles::mayReadPasswordHashes(const Database& db)
{
    if (db.backend() != Backend::Postgres)
        return true;
    QSqlQuery q =
        db.exec(QStringLiteral("SELECT has_column_privilege('app_user', 'password_hash', 'SELECT')"));
    return q.next() && q.value(0).toBool();
}

bool PgRoles::mayWritePasswordHashes(const Database& db)
{
    if (db.backend() != Backend::Postgres)
        return true;
    QSqlQuery q =
        db.exec(QStringLiteral("SELECT has_column_privilege('app_user', 'password_hash', 'UPDATE')"));
    return q.next() && q.value(0).toBool();
}

bool PgRoles::mayIssueKeySlots(const Database& db)
{
    if (db.backend() != Backend::Postgres)
        return true;
    // public_key and certificate are in no staff role's column grants: only a table-wide UPDATE covers them.
    QSqlQuery q =
        db.exec(QStringLiteral("SELECT has_column_privilege('key_slot', 'public_key', 'UPDATE') AND "
                               "has_column_privilege('key_slot', 'certificate', 'UPDATE')"));
    return q.next() && q.value(0).toBool();
}

QString PgRoles::expectedStamp(const Database& db)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(statements(QStringLiteral("cabas")).join(QLatin1Char('\n')).toUtf8());
    hash.addData(authStatements(QStringLiteral("cabas")).join(QLatin1Char('\n')).toUtf8());
    hash.addData(secretStatements(QStringLiteral("cabas")).join(QLatin1Char('\n')).toUtf8());
    return QStringLiteral("v%1-%2")
        .arg(db.schemaVersion())
        .arg(QString::fromLatin1(hash.result().toHex().left(16)));
}

void PgRoles::checkCurrent(const Database& db)
{
    if (db.backend() != Backend::Postgres)
        return;
    QSqlQuery q = db.exec(QStringLiteral("SELECT value FROM cabas_meta WHERE key = 'pg_role_stamp'"));
    if (!q.next() || q.value(0).toString() != expectedStamp(db))
        throw outOfDate();
}

bool PgRoles::refreshIfStale(const Database& db)
{
    if (db.backend() != Backend::Postgres)
        return false;
    const QString prefix = appliedPrefix(db);
    if (prefix.isEmpty())
        return false;
    QSqlQuery stamp = db.exec(QStringLiteral("SELECT value FROM cabas_meta WHERE key = 'pg_role_stamp'"));
    if (stamp.next() && stamp.value(0).toString() == expectedStamp(db))
        return false;
    QSqlQuery owner = db.exec(QStringLiteral("SELECT pg_has_role(current_user, c.relowner, 'USAGE') FROM "
                                             "pg_class c WHERE c.oid = to_regclass('cabas_meta')"));
    if (!owner.next() || !owner.value(0).toBool())
        return false;
    apply(db, prefix);
    return true;
}

Error PgRoles::outOfDate()
{
    return Error(tr("The database roles are out of date: an administrator must run `cabas-cli pg roles` "
                    "(with this version of Cabas) as the tables' owner."),
                 Error::Kind::AccessDenied);
}

QString PgRoles::appliedPrefix(const Database& db)
{
    QSqlQuery q = db.exec(QStringLiteral("SELECT value FROM cabas_meta WHERE key = 'pg_role_prefix'"));
    return q.next() ? q.value(0).toString() : QString();
}

bool PgRoles::loginMayActAs(const Database& db, Role role)
{
    if (db.backend() != Backend::Postgres)
        return true;
    const QString prefix = appliedPrefix(db);
    if (prefix.isEmpty())
        return true;
    bool inAny = false;
    for (Role r : kRoles) {
        QSqlQuery q = db.exec(
            QStringLiteral("SELECT pg_has_role(current_user, ?, 'MEMBER') FROM pg_roles WHERE rolname = ?"),
            {roleName(prefix, r), roleName(prefix, r)});
        const bool member = q.next() && q.value(0).toBool();
        if (member && r == role)
            return true;
        inAny = inAny || member;
    }
    return !inAny;
}

} // namespace cabas::store
