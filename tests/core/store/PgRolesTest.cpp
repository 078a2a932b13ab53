#include "store/PgRoles.h"
#include "common/Error.h"
#include "security/AuditTrail.h"
#include "security/Authenticator.h"
#include "services/HouseholdService.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QSqlError>
#include <catch2/catch.hpp>

using namespace cabas;
using namespace cabas::store;
using cabas::test::TempDatabase;

namespace {
// Runs one statement as another database login; returns the error text, empty on success.
QString runAs(const DatabaseSpec& spec, const QString& sql)
{
    static int counter = 0;
    const QString name = QStringLiteral("pgroles-test-%1").arg(++counter);
    QString error;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(spec.host);
        db.setPort(spec.port);
        db.setUserName(spec.user);
        db.setPassword(spec.password);
        db.setDatabaseName(spec.databaseName);
        if (!db.open()) {
            error = db.lastError().text();
        } else {
            QSqlQuery q(db);
            if (!q.exec(sql))
                error = q.lastError().text();
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return error;
}

// Drops the cluster-wide roles a test created, whatever happens.
struct RoleCleanup
{
    const TempDatabase& t;
    QStringList roles;
    ~RoleCleanup()
    {
        for (const QString& r : roles) {
            try {
                if (t.rawValue(QStringLiteral("SELECT count(*) FROM pg_roles WHERE rolname = '%1'").arg(r))
                        .toInt() == 0)
                    continue;
                t.rawExec(QStringLiteral("DROP OWNED BY %1").arg(r));
                t.rawExec(QStringLiteral("DROP ROLE IF EXISTS %1").arg(r));
            } catch (const std::exception& e) {
                qWarning("cleanup: %s", e.what());
            }
        }
    }
};
} // namespace

TEST_CASE("on PostgreSQL a social worker's database login cannot read health tables",
          "[store][postgresql][roles]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    if (backend != Backend::Postgres)
        return;
    TempDatabase t(backend);
    auto db = t.createInitialised();
    const QString prefix = QStringLiteral("r") + t.spec().databaseName.right(20);
    const Session admin = test::adminSession(*db);
    const Session cabasNurse = test::sessionFor(*db, Role::Nurse, QStringLiteral("claire"));
    const Session cabasSocialWorker = test::sessionFor(*db, Role::SocialWorker, QStringLiteral("anne"));

    RoleCleanup cleanup{t,
                        {prefix + QStringLiteral("_anne"), prefix + QStringLiteral("_claire"),
                         PgRoles::roleName(prefix, Role::SocialWorker),
                         PgRoles::roleName(prefix, Role::Nurse), PgRoles::roleName(prefix, Role::Coordinator),
                         PgRoles::roleName(prefix, Role::Admin)}};
    PgRoles::apply(*db, prefix);
    CHECK(PgRoles::appliedPrefix(*db) == prefix);
    t.rawExec(QStringLiteral("CREATE ROLE %1_anne LOGIN PASSWORD 'anne-db-pw' IN ROLE %2")
                  .arg(prefix, PgRoles::roleName(prefix, Role::SocialWorker)));
    t.rawExec(QStringLiteral("CREATE ROLE %1_claire LOGIN PASSWORD 'claire-db-pw' IN ROLE %2")
                  .arg(prefix, PgRoles::roleName(prefix, Role::Nurse)));

    DatabaseSpec anne = t.spec();
    anne.user = prefix + QStringLiteral("_anne");
    anne.password = QStringLiteral("anne-db-pw");
    DatabaseSpec claire = t.spec();
    claire.user = prefix + QStringLiteral("_claire");
    claire.password = QStringLiteral("claire-db-pw");

    // With psql-like access, the social worker's login reads households but no health table.
    CHECK(runAs(anne, QStringLiteral("SELECT count(*) FROM household")).isEmpty());
    for (const char* health : {"checkup", "diet_questionnaire", "prevention_step", "support_session"}) {
        INFO(health);
        CHECK(runAs(anne, QStringLiteral("SELECT * FROM %1").arg(QLatin1String(health)))
                  .contains(QStringLiteral("permission denied")));
    }
    CHECK(runAs(anne, QStringLiteral("SELECT login, record_ref FROM audit_log"))
              .contains(QStringLiteral("permission denied")));
    CHECK(runAs(anne, QStringLiteral("DELETE FROM audit_log")).contains(QStringLiteral("permission denied")));
    CHECK(runAs(anne, QStringLiteral("UPDATE cabas_meta SET value = '1' WHERE key = 'schema_version'"))
              .contains(QStringLiteral("permission denied")));
    // The nurse's login reads health tables but cannot change households.
    CHECK(runAs(claire, QStringLiteral("SELECT count(*) FROM checkup")).isEmpty());
    CHECK(runAs(claire, QStringLiteral("UPDATE household SET notes = 'x'"))
              .contains(QStringLiteral("permission denied")));

    // Cabas itself works through the restricted login, and refuses to act as another role through it.
    auto asAnne = Database::open(anne);
    const Session session =
        security::Authenticator(*asAnne).login(QStringLiteral("anne"), QStringLiteral("Password-of-anne"));
    Household h;
    h.code = QStringLiteral("MMG-0001");
    h.status = HouseholdStatus::Candidate;
    HouseholdService(*asAnne, session).create(h);
    CHECK(HouseholdService(*asAnne, session).list().size() == 1);
    try {
        security::Authenticator(*asAnne).login(QStringLiteral("claire"),
                                               QStringLiteral("Password-of-claire"));
        FAIL("a nurse's Cabas account was usable through a social worker's database login");
    } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::AccessDenied);
    }
    asAnne.reset();
    CHECK(AuditTrail(*db).verify().ok);
}

TEST_CASE("every table of the schema has its place in the database roles' privileges", "[store][roles]")
{
    // Lists the tables from SQLite's catalogue (same schema on both backends): a migration that adds a table
    // must also say which kind of data it holds, or no staff role could use it on PostgreSQL.
    TempDatabase t(Backend::Sqlite);
    auto db = t.createInitialised();
    QSqlQuery q = db->exec(QStringLiteral(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"));
    const QStringList governed = PgRoles::governedTables();
    QStringList missing;
    while (q.next())
        if (!governed.contains(q.value(0).toString()))
            missing << q.value(0).toString();
    INFO("tables without a rule in PgRoles: " << missing.join(QStringLiteral(", ")).toStdString());
    CHECK(missing.isEmpty());
}

TEST_CASE("database roles are refused on SQLite and need a valid prefix", "[store][roles]")
{
    TempDatabase t(Backend::Sqlite);
    auto db = t.createInitialised();
    CHECK_THROWS_AS(PgRoles::apply(*db, QStringLiteral("cabas")), Error);
    const QStringList sql = PgRoles::statements(QStringLiteral("cabas"));
    CHECK(sql.join(QLatin1Char('\n'))
              .contains(QStringLiteral("GRANT SELECT, INSERT, UPDATE ON checkup TO cabas_nurse")));
    CHECK_FALSE(sql.join(QLatin1Char('\n')).contains(QStringLiteral("ON checkup TO cabas_social_worker")));
}
