#include "store/PgRoles.h"
#include "common/Error.h"
#include "security/AuditTrail.h"
#include "security/Authenticator.h"
#include "security/Passwords.h"
#include "security/Recovery.h"
#include "security/UserService.h"
#include "services/HouseholdService.h"
#include "store/CohortQueries.h"
#include "store/KeySlotRepository.h"
#include "store/UserRepository.h"
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
    // The evaluators' pseudonym key: the owner makes it (through the function), a social worker's login
    // neither sees its row nor may call the function (only the roles allowed the dataset may).
    const QByteArray pseudonymKey = store::CohortQueries(*db).pseudonymKey();
    CHECK(pseudonymKey.size() == 32);
    CHECK(store::CohortQueries(*db).pseudonymKey() == pseudonymKey);
    {
        QSqlQuery hidden =
            asAnne->exec(QStringLiteral("SELECT count(*) FROM cabas_meta WHERE key = 'pseudonym_key'"));
        REQUIRE(hidden.next());
        CHECK(hidden.value(0).toInt() == 0);
        QSqlQuery visible =
            db->exec(QStringLiteral("SELECT count(*) FROM cabas_meta WHERE key = 'pseudonym_key'"));
        REQUIRE(visible.next());
        CHECK(visible.value(0).toInt() == 1);
    }
    CHECK_THROWS_AS(store::CohortQueries(*asAnne).pseudonymKey(), Error);
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

namespace {
// A database with roles applied under a fresh prefix and one database login per group (psql-like access).
struct RolesFixture
{
    TempDatabase& t;
    std::unique_ptr<Database> db;
    QString prefix;
    RoleCleanup cleanup;

    explicit RolesFixture(TempDatabase& temp)
        : t(temp), db(temp.createInitialised()),
          prefix(QStringLiteral("r") + temp.spec().databaseName.right(20)),
          cleanup{temp,
                  {prefix + QStringLiteral("_sw"), prefix + QStringLiteral("_adm"),
                   PgRoles::roleName(prefix, Role::SocialWorker), PgRoles::roleName(prefix, Role::Nurse),
                   PgRoles::roleName(prefix, Role::Coordinator), PgRoles::roleName(prefix, Role::Admin)}}
    {
        PgRoles::apply(*db, prefix);
        t.rawExec(QStringLiteral("CREATE ROLE %1_sw LOGIN PASSWORD 'sw-db-pw' IN ROLE %2")
                      .arg(prefix, PgRoles::roleName(prefix, Role::SocialWorker)));
        t.rawExec(QStringLiteral("CREATE ROLE %1_adm LOGIN PASSWORD 'adm-db-pw' IN ROLE %2")
                      .arg(prefix, PgRoles::roleName(prefix, Role::Admin)));
    }
    DatabaseSpec socialWorker() const
    {
        DatabaseSpec s = t.spec();
        s.user = prefix + QStringLiteral("_sw");
        s.password = QStringLiteral("sw-db-pw");
        return s;
    }
    DatabaseSpec admin() const
    {
        DatabaseSpec s = t.spec();
        s.user = prefix + QStringLiteral("_adm");
        s.password = QStringLiteral("adm-db-pw");
        return s;
    }
};

// The error text of a login attempt (empty when it succeeds).
QString loginError(const Database& db, const QString& login, const QString& password)
{
    try {
        security::Authenticator(db).login(login, password);
        return {};
    } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::AccessDenied);
        return QString::fromUtf8(e.what());
    }
}
} // namespace

TEST_CASE("on PostgreSQL staff logins cannot read password hashes and log in through the server's functions",
          "[store][postgresql][roles][auth]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    if (backend != Backend::Postgres)
        return;
    TempDatabase t(backend);
    RolesFixture f(t);
    const Session admin = test::adminSession(*f.db);
    test::sessionFor(*f.db, Role::SocialWorker, QStringLiteral("anne"));
    test::sessionFor(*f.db, Role::SocialWorker, QStringLiteral("bruno"));
    const DatabaseSpec sw = f.socialWorker();

    // psql as a social worker: the accounts but not their hashes, no lock-out column to reset, no key.
    CHECK(runAs(sw, QStringLiteral("SELECT login, display_name, role, active, failed_attempts, locked_until "
                                   "FROM app_user"))
              .isEmpty());
    for (const char* sql :
         {"SELECT password_hash FROM app_user", "SELECT * FROM app_user",
          "UPDATE app_user SET failed_attempts = 0", "UPDATE app_user SET locked_until = NULL",
          "UPDATE app_user SET password_hash = 'x'", "SELECT * FROM cabas_auth_key",
          "INSERT INTO app_user (login, display_name, role, password_hash, created_at) VALUES "
          "('eve', 'eve', 'admin', 'x', now())"}) {
        INFO(sql);
        CHECK(runAs(sw, QLatin1String(sql)).contains(QStringLiteral("permission denied")));
    }
    // The administrators' login cannot read them either.
    CHECK(runAs(f.admin(), QStringLiteral("SELECT password_hash FROM app_user"))
              .contains(QStringLiteral("permission denied")));

    auto asSw = Database::open(sw);
    CHECK_FALSE(PgRoles::mayReadPasswordHashes(*asSw));
    CHECK(PgRoles::mayReadPasswordHashes(*f.db));
    const Session anne =
        security::Authenticator(*asSw).login(QStringLiteral("Anne "), QStringLiteral("Password-of-anne"));
    CHECK(anne.login() == QStringLiteral("anne"));
    CHECK(anne.role() == Role::SocialWorker);

    SECTION("an unknown login and a wrong password look the same")
    {
        UserRepository users(*asSw);
        const auto known = users.serverParameters(QStringLiteral("anne"));
        const auto unknown = users.serverParameters(QStringLiteral("nobody"));
        CHECK(unknown.salt.size() == known.salt.size());
        CHECK(unknown.passes == known.passes);
        CHECK(unknown.memoryBytes == known.memoryBytes);
        CHECK(unknown.hashBytes == known.hashBytes);
        CHECK(users.serverParameters(QStringLiteral("nobody")).salt == unknown.salt); // stable
        CHECK(users.serverParameters(QStringLiteral("nobody2")).salt != unknown.salt);
        const QString wrong = loginError(*asSw, QStringLiteral("anne"), QStringLiteral("Not-the-password-1"));
        CHECK(wrong == security::Authenticator::tr("Wrong login or password."));
        CHECK(loginError(*asSw, QStringLiteral("nobody"), QStringLiteral("Not-the-password-1")) == wrong);
        // The failure was counted on the server, and a success resets it.
        CHECK(
            t.rawValue(QStringLiteral("SELECT failed_attempts FROM app_user WHERE login = 'anne'")).toInt() ==
            1);
        CHECK(loginError(*asSw, QStringLiteral("anne"), QStringLiteral("Password-of-anne")).isEmpty());
        CHECK(
            t.rawValue(QStringLiteral("SELECT failed_attempts FROM app_user WHERE login = 'anne'")).toInt() ==
            0);
        // A forged hash of the right size is one more failure.
        CHECK(users.serverLogin(QStringLiteral("anne"), QByteArray(32, 'x')).outcome ==
              UserRepository::ServerOutcome::Wrong);
        CHECK(users.serverLogin(QStringLiteral("nobody"), QByteArray(32, 'x')).outcome ==
              UserRepository::ServerOutcome::Wrong);
    }

    SECTION("7 failures through the functions lock the account; the administrator's login unlocks it")
    {
        for (int i = 1; i < security::Authenticator::kMaxFailedAttempts; ++i)
            CHECK(loginError(*asSw, QStringLiteral("bruno"), QStringLiteral("Not-the-password-1")) ==
                  security::Authenticator::tr("Wrong login or password."));
        CHECK(t.rawValue(QStringLiteral("SELECT locked_until FROM app_user WHERE login = 'bruno'")).isNull());
        CHECK(loginError(*asSw, QStringLiteral("bruno"), QStringLiteral("Not-the-password-1")) ==
              security::Authenticator::tr("Wrong login or password."));
        CHECK(t.rawValue(QStringLiteral("SELECT locked_until > now() FROM app_user WHERE login = 'bruno'"))
                  .toBool());
        // Even the right password is refused now, with the lock named.
        const QString locked =
            loginError(*asSw, QStringLiteral("bruno"), QStringLiteral("Password-of-bruno"));
        CHECK(locked.contains(QStringLiteral("bruno")));
        CHECK(locked != security::Authenticator::tr("Wrong login or password."));
        CHECK(AuditTrail(*f.db).verify().ok);

        // The administrators' database login: log in, reset the password (which unlocks), add, disable.
        auto asAdmin = Database::open(f.admin());
        const Session adminThere = security::Authenticator(*asAdmin).login(
            QStringLiteral("admin"), QLatin1String(TempDatabase::kAdminPassword));
        security::UserService users(*asAdmin, adminThere);
        users.setPassword(QStringLiteral("bruno"), QStringLiteral("New-password-of-bruno"));
        CHECK(loginError(*asSw, QStringLiteral("bruno"), QStringLiteral("New-password-of-bruno")).isEmpty());
        // The administrator chose it: a temporary password, which the session of the server's check knows.
        CHECK(security::Authenticator(*asSw)
                  .login(QStringLiteral("bruno"), QStringLiteral("New-password-of-bruno"))
                  .mustChangePassword());
        users.add(QStringLiteral("carla"), QStringLiteral("Carla"), Role::SocialWorker,
                  QStringLiteral("Password-of-carla"));
        CHECK(loginError(*asSw, QStringLiteral("carla"), QStringLiteral("Password-of-carla")).isEmpty());
        users.disable(QStringLiteral("carla"));
        CHECK(loginError(*asSw, QStringLiteral("carla"), QStringLiteral("Password-of-carla")) ==
              security::Authenticator::tr("The account %1 is disabled; ask an administrator.")
                  .arg(QStringLiteral("carla")));
        users.enable(QStringLiteral("carla"));
        CHECK(users.list().size() == 4);
        CHECK(AuditTrail(*f.db).verify().ok);
    }

    SECTION("a member of staff changes their own password with the current one")
    {
        // A temporary password (as an administrator's reset leaves it) is one's own again after the change.
        t.rawExec(QStringLiteral("UPDATE app_user SET password_must_change = TRUE WHERE login = 'anne'"));
        security::UserService service(*asSw, anne);
        CHECK_THROWS_AS(service.setPassword(QStringLiteral("anne"), QStringLiteral("Another-password-1")),
                        Error);
        try {
            service.setPassword(QStringLiteral("anne"), QStringLiteral("Another-password-1"),
                                QStringLiteral("Not-the-password-1"));
            FAIL("a wrong current password was accepted");
        } catch (const Error& e) {
            CHECK(e.kind() == Error::Kind::AccessDenied);
        }
        CHECK(
            t.rawValue(QStringLiteral("SELECT failed_attempts FROM app_user WHERE login = 'anne'")).toInt() ==
            1);
        service.setPassword(QStringLiteral("anne"), QStringLiteral("Another-password-1"),
                            QStringLiteral("Password-of-anne"));
        CHECK(loginError(*asSw, QStringLiteral("anne"), QStringLiteral("Password-of-anne")) ==
              security::Authenticator::tr("Wrong login or password."));
        CHECK(loginError(*asSw, QStringLiteral("anne"), QStringLiteral("Another-password-1")).isEmpty());
        CHECK_FALSE(
            t.rawValue(QStringLiteral("SELECT password_must_change FROM app_user WHERE login = 'anne'"))
                .toBool());
        CHECK_FALSE(security::Authenticator(*asSw)
                        .login(QStringLiteral("anne"), QStringLiteral("Another-password-1"))
                        .mustChangePassword());
        // Nobody else's, and no weak hash through psql.
        CHECK_THROWS_AS(service.setPassword(QStringLiteral("bruno"), QStringLiteral("Another-password-1")),
                        Error);
        // No hash below the interactive limits, even with the right current password (psql-like call).
        UserRepository users(*asSw);
        const auto p = users.serverParameters(QStringLiteral("anne"));
        const QByteArray proof = security::Passwords::rawHash(QStringLiteral("Another-password-1"), p.salt,
                                                              p.passes, p.memoryBytes, p.hashBytes);
        CHECK_THROWS_AS(
            users.serverSetOwnPassword(QStringLiteral("anne"), proof,
                                       QStringLiteral("$argon2id$v=19$m=8,t=1,p=1$"
                                                      "AAAAAAAAAAAAAAAAAAAAAA$"
                                                      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")),
            Error);
        CHECK(loginError(*asSw, QStringLiteral("anne"), QStringLiteral("Another-password-1")).isEmpty());
    }
    asSw.reset();
    CHECK(AuditTrail(*f.db).verify().ok);
}

TEST_CASE("on PostgreSQL the administrators' login replaces the recovery key, a staff login cannot write it",
          "[store][postgresql][roles][recovery]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    if (backend != Backend::Postgres)
        return;
    TempDatabase t(backend);
    RolesFixture f(t);
    test::sessionFor(*f.db, Role::SocialWorker, QStringLiteral("anne"));
    const Session admin = test::adminSession(*f.db);
    const KeySlotRepository keySlots(*f.db);
    const QByteArray before = keySlots.recovery()->publicKey;

    // An administrator's session used over a social worker's database login: refused before any write.
    auto asSw = Database::open(f.socialWorker());
    CHECK_FALSE(PgRoles::mayIssueKeySlots(*asSw));
    CHECK(PgRoles::mayIssueKeySlots(*f.db));
    try {
        security::Recovery::replaceKey(*asSw, admin);
        FAIL("a social worker's database login replaced the recovery key");
    } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::AccessDenied);
        CHECK(e.message() == security::Recovery::tr(
                                 "This connection to the shared database may not write key slots: connect "
                                 "with the administrators' database login (or as the database's owner). "
                                 "Nothing was changed."));
    }
    CHECK(keySlots.recovery()->publicKey == before);
    // psql as a social worker: no new public key on the recovery slot.
    CHECK(runAs(f.socialWorker(),
                QStringLiteral("UPDATE key_slot SET public_key = 'x' WHERE kind = 'recovery'"))
              .contains(QStringLiteral("permission denied")));

    // The administrators' database login may (INSERT, UPDATE on key_slot): the row is rewritten in place.
    auto asAdmin = Database::open(f.admin());
    CHECK(PgRoles::mayIssueKeySlots(*asAdmin));
    const Session adminThere = security::Authenticator(*asAdmin).login(
        QStringLiteral("admin"), QLatin1String(TempDatabase::kAdminPassword));
    const auto replaced = security::Recovery::replaceKey(*asAdmin, adminThere);
    CHECK(keySlots.recovery()->publicKey != before);
    CHECK(security::KeyRing::unlockWithRecoveryKey(*keySlots.header(), *keySlots.recovery(),
                                                   replaced.recoveryKey)
              .canCertify());
    asSw.reset();
    asAdmin.reset();
    CHECK(AuditTrail(*f.db).verify().ok);
}

TEST_CASE("on PostgreSQL the owner's open after an upgrade applies the roles again, a staff login's does not",
          "[store][postgresql][roles]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    if (backend != Backend::Postgres)
        return;
    TempDatabase t(backend);
    RolesFixture f(t);
    test::sessionFor(*f.db, Role::SocialWorker, QStringLiteral("anne"));
    const QString current =
        t.rawValue(QStringLiteral("SELECT value FROM cabas_meta WHERE key = 'pg_role_stamp'")).toString();
    // As left by the version before an upgrade.
    t.rawExec(QStringLiteral("UPDATE cabas_meta SET value = 'v13-0000' WHERE key = 'pg_role_stamp'"));
    {
        auto asSw = Database::open(f.socialWorker());
        CHECK_FALSE(PgRoles::refreshIfStale(*asSw));
        CHECK(loginError(*asSw, QStringLiteral("anne"), QStringLiteral("Password-of-anne")) ==
              QString::fromUtf8(PgRoles::outOfDate().what()));
    }
    CHECK(t.rawValue(QStringLiteral("SELECT value FROM cabas_meta WHERE key = 'pg_role_stamp'")).toString() ==
          QStringLiteral("v13-0000"));
    // The owner opens it (as the desktop or cabas-cli do after installing the new version).
    Database::open(t.spec());
    CHECK(t.rawValue(QStringLiteral("SELECT value FROM cabas_meta WHERE key = 'pg_role_stamp'")).toString() ==
          current);
    auto asSw = Database::open(f.socialWorker());
    CHECK(loginError(*asSw, QStringLiteral("anne"), QStringLiteral("Password-of-anne")).isEmpty());
    CHECK(PgRoles::appliedPrefix(*asSw) == f.prefix);
}

TEST_CASE("on PostgreSQL a staff login with out-of-date roles is told to run pg roles",
          "[store][postgresql][roles][auth]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    if (backend != Backend::Postgres)
        return;
    TempDatabase t(backend);
    RolesFixture f(t);
    test::sessionFor(*f.db, Role::SocialWorker, QStringLiteral("anne"));
    auto asSw = Database::open(f.socialWorker());
    CHECK(loginError(*asSw, QStringLiteral("anne"), QStringLiteral("Password-of-anne")).isEmpty());
    const QString outOfDate = QString::fromUtf8(PgRoles::outOfDate().what());
    CHECK(outOfDate ==
          PgRoles::tr("The database roles are out of date: an administrator must run `cabas-cli pg "
                      "roles` (with this version of Cabas) as the tables' owner."));

    SECTION("set up by an older version, or before an upgrade")
    {
        t.rawExec(QStringLiteral("UPDATE cabas_meta SET value = 'v1-0000' WHERE key = 'pg_role_stamp'"));
        CHECK(loginError(*asSw, QStringLiteral("anne"), QStringLiteral("Password-of-anne")) == outOfDate);
        t.rawExec(QStringLiteral("DELETE FROM cabas_meta WHERE key = 'pg_role_stamp'"));
        CHECK(loginError(*asSw, QStringLiteral("anne"), QStringLiteral("Password-of-anne")) == outOfDate);
    }
    SECTION("a function missing")
    {
        t.rawExec(QStringLiteral("DROP FUNCTION cabas_auth_login(TEXT, TEXT)"));
        CHECK(loginError(*asSw, QStringLiteral("anne"), QStringLiteral("Password-of-anne")) == outOfDate);
    }
    SECTION("no EXECUTE on it")
    {
        t.rawExec(QStringLiteral("REVOKE EXECUTE ON FUNCTION cabas_auth_salt(TEXT) FROM %1")
                      .arg(PgRoles::roleName(f.prefix, Role::SocialWorker)));
        CHECK(loginError(*asSw, QStringLiteral("anne"), QStringLiteral("Password-of-anne")) == outOfDate);
    }
    // The owner still logs in (to run pg roles), and pg roles repairs it.
    CHECK(test::adminSession(*f.db).role() == Role::Admin);
    PgRoles::apply(*f.db, f.prefix);
    CHECK(loginError(*asSw, QStringLiteral("anne"), QStringLiteral("Password-of-anne")).isEmpty());
}
