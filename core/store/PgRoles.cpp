#include "store/PgRoles.h"

#include "common/Error.h"
#include "security/Access.h"
#include "store/CohortQueries.h"
#include "store/ContributionRepository.h"

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
    {"diet_questionnaire", DataKind::Health},
    {"prevention_step", DataKind::Health},
    {"support_session", DataKind::Health},
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
};

// Tables every role reads or appends to, whatever its Cabas role (see statements()).
constexpr const char* kCommonTables[] = {"cabas_meta", "schema_migrations", "app_user", "audit_log",
                                         "audit_head", "key_ring",          "key_slot"};

const QList<Role> kRoles = {Role::SocialWorker, Role::Nurse, Role::Coordinator, Role::Admin};
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
    // Logging in: read the account, count failures; change one's own password (the Cabas check applies).
    sql << QStringLiteral("GRANT SELECT ON app_user TO %1").arg(everyone);
    sql << QStringLiteral(
               "GRANT UPDATE (failed_attempts, locked_until, password_hash, password_changed_at) ON app_user "
               "TO %1")
               .arg(everyone);
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
            sql << QStringLiteral("GRANT INSERT, UPDATE ON app_user TO %1").arg(name);
        if (AccessPolicy::allows(role, DataKind::Administration, Action::Read))
            sql << QStringLiteral("GRANT SELECT ON audit_log TO %1").arg(name);
    }
    sql << ContributionRepository::pgRevokes(prefix);
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
    for (const QString& statement : statements(prefix))
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
    ContributionRepository::installPgFunctions(db, readers);
    QSqlQuery updated =
        db.exec(QStringLiteral("UPDATE cabas_meta SET value = ? WHERE key = 'pg_role_prefix'"), {prefix});
    if (updated.numRowsAffected() == 0)
        db.exec(QStringLiteral("INSERT INTO cabas_meta (key, value) VALUES ('pg_role_prefix', ?)"), {prefix});
    tx.commit();
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
