#include "store/KeySlotRepository.h"
#include "common/Error.h"
#include "security/KeyRing.h"
#include "store/PgRoles.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"

#include <QRegularExpression>
#include <QSqlError>
#include <algorithm>
#include <catch2/catch.hpp>
#include <functional>

using namespace cabas;
using namespace cabas::store;
using cabas::security::KeyRing;
using cabas::security::KeySlot;
using cabas::test::TempDatabase;

namespace {
Error::Kind kindOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.kind();
    }
    FAIL("no error was thrown");
    return Error::Kind::Invalid;
}

const QDateTime kNow(QDate(2026, 11, 24), QTime(9, 0), Qt::UTC);
const QString kAdminPw = QString::fromLatin1(TempDatabase::kAdminPassword);

QString passwordOf(const Session& s)
{
    return QStringLiteral("Password-of-%1").arg(s.login());
}

bool contains(const std::vector<qint64>& ids, qint64 id)
{
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}
} // namespace

TEST_CASE("key slots: the key ring is stored and read back alike on both backends", "[store][keyring]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(kNow);
    TempDatabase t(backend);
    auto db = t.createWithoutKeyRing(); // the key ring made here by hand
    const Session admin = test::adminSession(*db);
    KeySlotRepository repo(*db);
    CHECK_FALSE(repo.header());

    const QString recoveryKey = KeyRing::initialise(repo, admin.user, kAdminPw, kNow);
    CHECK(QRegularExpression(QStringLiteral("^([A-Z2-7]{4}-){7}[A-Z2-7]{4}$")).match(recoveryKey).hasMatch());
    CHECK(repo.count() == 2);
    const auto header = repo.header();
    REQUIRE(header);
    CHECK(header->databaseId.size() == 16);
    CHECK(header->healthKeyCheck.isEmpty());
    const auto adminSlot = repo.forUser(admin.user.id);
    REQUIRE(adminSlot);
    CHECK(adminSlot->role == QLatin1String("admin"));
    CHECK(adminSlot->limits.acceptable());
    const auto recovery = repo.recovery();
    REQUIRE(recovery);
    CHECK(recovery->kind == KeySlot::Kind::Recovery);
    CHECK(recovery->userId == 0);

    // What was stored opens as it was written, and only with the right secrets.
    CHECK(KeyRing::login(repo, admin.user, kAdminPw, kNow).canCertify());
    CHECK(kindOf([&] { KeyRing::login(repo, admin.user, QStringLiteral("Wrong-Password-2026"), kNow); }) ==
          Error::Kind::AccessDenied);
    CHECK(KeyRing::unlockWithRecoveryKey(*header, *recovery, recoveryKey).canCertify());
    // A second initialisation is refused and changes nothing.
    CHECK(kindOf([&] { KeyRing::initialise(repo, admin.user, kAdminPw, kNow); }) == Error::Kind::Conflict);
    CHECK(repo.count() == 2);
    // The table refuses a second recovery slot and a slot without its user.
    CHECK_THROWS(
        t.rawExec(QStringLiteral("INSERT INTO key_slot (kind, user_id, role, kdf_salt, kdf_ops, kdf_mem, "
                                 "public_key, wrapped, certificate, created_at, updated_at) VALUES "
                                 "('recovery', NULL, 'recovery', '', 0, 0, '', '', '', "
                                 "'2026-11-24T09:00:00.000Z', '2026-11-24T09:00:00.000Z')")));
    CHECK_THROWS(
        t.rawExec(QStringLiteral("INSERT INTO key_slot (kind, user_id, role, kdf_salt, kdf_ops, kdf_mem, "
                                 "public_key, wrapped, certificate, created_at, updated_at) VALUES "
                                 "('user', NULL, 'nurse', '', 0, 0, '', '', '', "
                                 "'2026-11-24T09:00:00.000Z', '2026-11-24T09:00:00.000Z')")));
}

TEST_CASE("key slots: health stays pending after an administrator's reset until a nurse logs in",
          "[store][keyring]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(kNow);
    TempDatabase t(backend);
    auto db = t.createWithoutKeyRing(); // the key ring made here by hand
    const Session admin = test::adminSession(*db);
    const Session nurse1 = test::sessionFor(*db, Role::Nurse, QStringLiteral("nurse1"));
    const Session nurse2 = test::sessionFor(*db, Role::Nurse, QStringLiteral("nurse2"));
    const Session social = test::sessionFor(*db, Role::SocialWorker, QStringLiteral("social"));
    KeySlotRepository repo(*db);
    const QString recoveryKey = KeyRing::initialise(repo, admin.user, kAdminPw, kNow);
    const KeyRing adminRing = KeyRing::login(repo, admin.user, kAdminPw, kNow);
    for (const Session* s : {&nurse1, &nurse2, &social})
        adminRing.resetPassword(repo, s->user, passwordOf(*s), kNow);
    CHECK(repo.pendingHealthGrants().size() == 3); // both nurses and the recovery slot

    // The first nurse who logs in creates the health key and grants it to the other nurse and to recovery,
    // never to the social worker.
    std::vector<qint64> granted;
    const KeyRing n1 = KeyRing::login(repo, nurse1.user, passwordOf(nurse1), kNow, &granted);
    REQUIRE(n1.hasHealthKey());
    CHECK(contains(granted, nurse1.user.id));
    CHECK(contains(granted, nurse2.user.id));
    CHECK(contains(granted, 0));
    CHECK_FALSE(contains(granted, social.user.id));
    CHECK(repo.pendingHealthGrants().empty());
    CHECK_FALSE(repo.header()->healthKeyCheck.isEmpty());
    const QByteArray weight = n1.encrypt(KeyRing::Scope::Health, "71250", "checkup.weight_g:1");
    CHECK(KeyRing::login(repo, nurse2.user, passwordOf(nurse2), kNow)
              .decrypt(KeyRing::Scope::Health, weight, "checkup.weight_g:1") == "71250");
    const KeyRing sw = KeyRing::login(repo, social.user, passwordOf(social), kNow);
    CHECK_FALSE(sw.hasHealthKey());
    CHECK(kindOf([&] { sw.decrypt(KeyRing::Scope::Health, weight, "checkup.weight_g:1"); }) ==
          Error::Kind::AccessDenied);

    // nurse2 forgets her password: the administrator, who has no health key, resets it.
    adminRing.resetPassword(repo, nurse2.user, QStringLiteral("Reset-By-Admin-2026"), kNow);
    CHECK_FALSE(adminRing.hasHealthKey());
    CHECK(kindOf([&] { KeyRing::login(repo, nurse2.user, passwordOf(nurse2), kNow); }) ==
          Error::Kind::AccessDenied);
    {
        const KeyRing pending =
            KeyRing::login(repo, nurse2.user, QStringLiteral("Reset-By-Admin-2026"), kNow);
        CHECK_FALSE(pending.hasHealthKey());
        CHECK(pending.decrypt(KeyRing::Scope::Data, n1.encrypt(KeyRing::Scope::Data, "Dupont", "p"), "p") ==
              "Dupont");
    }
    REQUIRE(repo.pendingHealthGrants().size() == 1);
    // nurse1 logs in: the grant is sealed to nurse2's new public key.
    KeyRing::login(repo, nurse1.user, passwordOf(nurse1), kNow, &granted);
    CHECK(granted == std::vector<qint64>{nurse2.user.id});
    const KeyRing n2 = KeyRing::login(repo, nurse2.user, QStringLiteral("Reset-By-Admin-2026"), kNow);
    REQUIRE(n2.hasHealthKey());
    CHECK(n2.decrypt(KeyRing::Scope::Health, weight, "checkup.weight_g:1") == "71250");
    // The recovery key reads the health data too.
    const KeyRing rec = KeyRing::unlockWithRecoveryKey(*repo.header(), *repo.recovery(), recoveryKey);
    CHECK(rec.decrypt(KeyRing::Scope::Health, weight, "checkup.weight_g:1") == "71250");
}

TEST_CASE(
    "key slots: a grant sealed to a slot replaced meanwhile is not written, and the new slot stays pending",
    "[store][keyring][recovery]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(kNow);
    TempDatabase t(backend);
    auto db = t.createInitialised();
    const Session admin = test::adminSession(*db);
    const Session nurse = test::sessionFor(*db, Role::Nurse, QStringLiteral("claire"));
    REQUIRE(nurse.keys->hasHealthKey());
    KeySlotRepository repo(*db);

    // A nurse's login read the recovery slot as pending (here: just replaced, so pending)...
    const QString key = admin.keys->replaceRecovery(repo, kNow);
    const KeySlot seenByTheNurse = *repo.recovery();
    REQUIRE(seenByTheNurse.healthPending());
    // ...then an administrator replaced it before her grant was written: the grant, sealed to the old public
    // key, must not land on the new slot (it would never open), which stays pending.
    const QString newer = admin.keys->replaceRecovery(repo, kNow);
    CHECK_FALSE(repo.setHealthSealed(seenByTheNurse, nurse.keys->grantHealth(seenByTheNurse), kNow));
    CHECK_FALSE(repo.setCohortSealed(seenByTheNurse, nurse.keys->grantCohort(seenByTheNurse), kNow));
    CHECK(repo.recovery()->healthPending());
    CHECK(repo.recovery()->cohortPending());
    CHECK(KeyRing::unlockWithRecoveryKey(*repo.header(), *repo.recovery(), newer).canCertify());
    // The slot as it is now takes the grant, once.
    const KeySlot current = *repo.recovery();
    CHECK(repo.setHealthSealed(current, nurse.keys->grantHealth(current), kNow));
    CHECK_FALSE(repo.setHealthSealed(current, nurse.keys->grantHealth(current), kNow));
    CHECK(KeyRing::unlockWithRecoveryKey(*repo.header(), *repo.recovery(), newer).hasHealthKey());
    CHECK(kindOf([&] { KeyRing::unlockWithRecoveryKey(*repo.header(), *repo.recovery(), key); }) ==
          Error::Kind::AccessDenied);
}

TEST_CASE("key slots: a password change re-wraps only and altered rows are detected", "[store][keyring]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(kNow);
    TempDatabase t(backend);
    auto db = t.createWithoutKeyRing(); // the key ring made here by hand
    const Session admin = test::adminSession(*db);
    const Session nurse = test::sessionFor(*db, Role::Nurse, QStringLiteral("nurse1"));
    const Session social = test::sessionFor(*db, Role::SocialWorker, QStringLiteral("social"));
    KeySlotRepository repo(*db);
    KeyRing::initialise(repo, admin.user, kAdminPw, kNow);
    const KeyRing adminRing = KeyRing::login(repo, admin.user, kAdminPw, kNow);
    adminRing.resetPassword(repo, nurse.user, passwordOf(nurse), kNow);
    adminRing.resetPassword(repo, social.user, passwordOf(social), kNow);
    const KeyRing n = KeyRing::login(repo, nurse.user, passwordOf(nurse), kNow);
    const QByteArray name = n.encrypt(KeyRing::Scope::Data, "Dupont", "person.last_name:1");
    const QByteArray weight = n.encrypt(KeyRing::Scope::Health, "71250", "checkup.weight_g:1");

    const KeySlot before = *repo.forUser(nurse.user.id);
    const QString newPw = QStringLiteral("New-Nurse-Password-2026");
    n.changeOwnPassword(repo, nurse.user, newPw, kNow);
    const KeySlot after = *repo.forUser(nurse.user.id);
    CHECK(after.id == before.id);
    CHECK(after.publicKey == before.publicKey);
    CHECK(after.healthSealed == before.healthSealed);
    CHECK(after.certificate == before.certificate);
    CHECK(after.wrapped != before.wrapped);
    CHECK(kindOf([&] { KeyRing::login(repo, nurse.user, passwordOf(nurse), kNow); }) ==
          Error::Kind::AccessDenied);
    const KeyRing again = KeyRing::login(repo, nurse.user, newPw, kNow);
    CHECK(again.decrypt(KeyRing::Scope::Data, name, "person.last_name:1") == "Dupont");
    CHECK(again.decrypt(KeyRing::Scope::Health, weight, "checkup.weight_g:1") == "71250");

    // Someone with write access to the file relabels the social worker's slot (and user) as a nurse's: the
    // slot no longer opens, and no nurse seals the health key to it.
    t.rawExec(QStringLiteral("UPDATE key_slot SET role = 'nurse' WHERE user_id = %1").arg(social.user.id));
    t.rawExec(QStringLiteral("UPDATE app_user SET role = 'nurse' WHERE id = %1").arg(social.user.id));
    User relabelled = social.user;
    relabelled.role = Role::Nurse;
    CHECK(kindOf([&] { KeyRing::login(repo, relabelled, passwordOf(social), kNow); }) ==
          Error::Kind::Storage);
    std::vector<qint64> granted;
    KeyRing::login(repo, nurse.user, newPw, kNow, &granted);
    CHECK(granted.empty());
    CHECK(repo.forUser(social.user.id)->healthPending());

    // A damaged wrapped key: the same answer as a wrong password, nothing else.
    t.rawExec(QStringLiteral("UPDATE key_slot SET wrapped = '%1' WHERE user_id = %2")
                  .arg(QString::fromLatin1(QByteArray(80, 'x').toBase64()))
                  .arg(nurse.user.id));
    CHECK(kindOf([&] { KeyRing::login(repo, nurse.user, newPw, kNow); }) == Error::Kind::AccessDenied);
    // A user without a slot is told an administrator must set the password again.
    t.rawExec(QStringLiteral("DELETE FROM key_slot WHERE user_id = %1").arg(social.user.id));
    CHECK(kindOf([&] { KeyRing::login(repo, social.user, passwordOf(social), kNow); }) ==
          Error::Kind::AccessDenied);
}

namespace {
// Runs one statement as another database login; returns the error text, empty on success.
QString runAs(const DatabaseSpec& spec, const QString& sql)
{
    static int counter = 0;
    const QString name = QStringLiteral("keyslot-test-%1").arg(++counter);
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
} // namespace

TEST_CASE("key slots: on PostgreSQL only nurses' database logins seal health grants",
          "[store][keyring][roles]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    if (backend != Backend::Postgres)
        return;
    test::ScopedClock clock(kNow);
    TempDatabase t(backend);
    auto db = t.createWithoutKeyRing(); // the key ring made here by hand
    const Session admin = test::adminSession(*db);
    const Session nurse = test::sessionFor(*db, Role::Nurse, QStringLiteral("claire"));
    const Session social = test::sessionFor(*db, Role::SocialWorker, QStringLiteral("anne"));
    KeySlotRepository repo(*db);
    KeyRing::initialise(repo, admin.user, kAdminPw, kNow);
    const KeyRing adminRing = KeyRing::login(repo, admin.user, kAdminPw, kNow);
    adminRing.resetPassword(repo, nurse.user, passwordOf(nurse), kNow);
    adminRing.resetPassword(repo, social.user, passwordOf(social), kNow);

    const QString prefix = QStringLiteral("k") + t.spec().databaseName.right(20);
    const QStringList groups = {
        PgRoles::roleName(prefix, Role::SocialWorker), PgRoles::roleName(prefix, Role::Nurse),
        PgRoles::roleName(prefix, Role::Coordinator), PgRoles::roleName(prefix, Role::Admin)};
    struct Cleanup
    {
        const TempDatabase& t;
        QStringList roles;
        ~Cleanup()
        {
            for (const QString& r : roles) {
                try {
                    if (t.rawValue(
                             QStringLiteral("SELECT count(*) FROM pg_roles WHERE rolname = '%1'").arg(r))
                            .toInt() == 0)
                        continue;
                    t.rawExec(QStringLiteral("DROP OWNED BY %1").arg(r));
                    t.rawExec(QStringLiteral("DROP ROLE IF EXISTS %1").arg(r));
                } catch (const std::exception& e) {
                    qWarning("cleanup: %s", e.what());
                }
            }
        }
    } cleanup{t, QStringList{prefix + QStringLiteral("_anne"), prefix + QStringLiteral("_claire")} + groups};
    PgRoles::apply(*db, prefix);
    t.rawExec(
        QStringLiteral("CREATE ROLE %1_anne LOGIN PASSWORD 'anne-db-pw' IN ROLE %2").arg(prefix, groups[0]));
    t.rawExec(QStringLiteral("CREATE ROLE %1_claire LOGIN PASSWORD 'claire-db-pw' IN ROLE %2")
                  .arg(prefix, groups[1]));
    DatabaseSpec anne = t.spec();
    anne.user = prefix + QStringLiteral("_anne");
    anne.password = QStringLiteral("anne-db-pw");
    DatabaseSpec claire = t.spec();
    claire.user = prefix + QStringLiteral("_claire");
    claire.password = QStringLiteral("claire-db-pw");
    const QString denied = QStringLiteral("permission denied");

    // Everyone reads the key ring (to log in) and re-wraps a slot (a password change)...
    CHECK(runAs(anne, QStringLiteral("SELECT count(*) FROM key_slot")).isEmpty());
    CHECK(runAs(anne, QStringLiteral("SELECT count(*) FROM key_ring")).isEmpty());
    CHECK(
        runAs(anne,
              QStringLiteral("UPDATE key_slot SET wrapped = wrapped WHERE user_id = %1").arg(social.user.id))
            .isEmpty());
    // ...but a social worker's login neither seals health grants, nor sets the health key, nor issues slots.
    CHECK(runAs(anne, QStringLiteral("UPDATE key_slot SET health_sealed = NULL")).contains(denied));
    CHECK(runAs(anne, QStringLiteral("UPDATE key_slot SET public_key = public_key")).contains(denied));
    CHECK(runAs(anne, QStringLiteral("UPDATE key_ring SET health_key_check = NULL")).contains(denied));
    CHECK(runAs(anne, QStringLiteral("DELETE FROM key_slot")).contains(denied));
    // A nurse's login seals grants and records the health key once.
    CHECK(runAs(claire, QStringLiteral("UPDATE key_slot SET health_sealed = health_sealed")).isEmpty());
    CHECK(runAs(claire, QStringLiteral("UPDATE key_ring SET health_key_check = health_key_check")).isEmpty());
    CHECK(runAs(claire, QStringLiteral("UPDATE key_slot SET certificate = certificate")).contains(denied));
}
