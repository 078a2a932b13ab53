#include "security/Recovery.h"
#include "KeyRingLoginSupport.h"
#include "common/Error.h"
#include "security/UserService.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"

#include <catch2/catch.hpp>

using namespace cabas;
using cabas::security::KeyRing;
using cabas::security::Recovery;
using cabas::test::TempDatabase;

namespace {
const QString kNewPassword = QStringLiteral("Cle-de-Secours-2026");
const QByteArray kContext = QByteArrayLiteral("household.address:1");
} // namespace

TEST_CASE("recovery: the recovery key gives the database a new administrator who opens the data key",
          "[security][recovery][keyring]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2026, 12, 6), QTime(9, 0), Qt::UTC));
    TempDatabase t(backend);
    QString recoveryKey;
    auto db = t.createInitialised(&recoveryKey);
    REQUIRE_FALSE(recoveryKey.isEmpty());
    const Session admin = test::adminSession(*db);
    const QByteArray sealed = admin.keys->encrypt(KeyRing::Scope::Data, "12 rue des Lilas", kContext);

    // Typed as people do: lower case, spaces instead of dashes.
    QString typed = recoveryKey.toLower();
    typed.replace(QLatin1Char('-'), QLatin1Char(' '));
    const auto result = Recovery::restoreAdministrator(*db, typed, QStringLiteral(" Secours "),
                                                       QStringLiteral("Sam"), kNewPassword);
    CHECK(result.created);
    CHECK(result.user.login == QLatin1String("secours"));
    CHECK(result.user.role == Role::Admin);

    const Session rescued = test::loginAs(*db, QStringLiteral("secours"), kNewPassword);
    REQUIRE(rescued.keys);
    CHECK(rescued.keys->canCertify());
    CHECK_FALSE(rescued.keys->hasHealthKey()); // administrators never hold the health key
    CHECK(rescued.keys->decrypt(KeyRing::Scope::Data, sealed, kContext) == "12 rue des Lilas");
    // The new administrator can administer: add a user, whose slot opens.
    security::UserService(*db, rescued)
        .add(QStringLiteral("nadia"), QString(), Role::SocialWorker,
             test::passwordFor(QStringLiteral("nadia")));
    CHECK(test::loginAs(*db, QStringLiteral("nadia")).keys);

    const auto records = test::auditOf(*db, QStringLiteral("recover"));
    REQUIRE(records.size() == 1);
    CHECK(records.front().recordRef == QLatin1String("secours"));
    CHECK(records.front().outcome == QLatin1String("ok"));
    CHECK(records.front().userId == 0); // nobody logged in: the system
}

TEST_CASE("recovery: an existing administrator, locked out and disabled, gets a new password and slot",
          "[security][recovery][keyring]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2026, 12, 6), QTime(9, 0), Qt::UTC));
    TempDatabase t(backend);
    QString recoveryKey;
    auto db = t.createInitialised(&recoveryKey);
    const Session admin = test::adminSession(*db);
    const Session chief = test::sessionFor(*db, Role::Admin, QStringLiteral("chef"));
    security::UserService(*db, chief).disable(QStringLiteral("admin"));
    for (int i = 0; i < security::Authenticator::kMaxFailedAttempts; ++i)
        test::thrownBy([&] { test::loginAs(*db, QStringLiteral("chef"), QStringLiteral("forgotten")); });
    const security::KeySlot before = test::slotOf(*db, admin);

    const auto result =
        Recovery::restoreAdministrator(*db, recoveryKey, QStringLiteral("admin"), QString(), kNewPassword);
    CHECK_FALSE(result.created);
    CHECK(test::slotOf(*db, admin).publicKey != before.publicKey);
    const Session back = test::loginAs(*db, QStringLiteral("admin"), kNewPassword);
    CHECK(back.user.active);
    CHECK(back.keys->canCertify());
    CHECK(test::thrownBy([&] {
              test::loginAs(*db, QStringLiteral("admin"), QString::fromLatin1(TempDatabase::kAdminPassword));
          }).kind() == Error::Kind::AccessDenied);
    // The locked administrator is unlocked by a recovery of their own login.
    Recovery::restoreAdministrator(*db, recoveryKey, QStringLiteral("chef"), QString(), kNewPassword);
    CHECK(test::loginAs(*db, QStringLiteral("chef"), kNewPassword).keys);
}

TEST_CASE("recovery: a wrong key, a non-administrator's login, a weak password or no key ring change nothing",
          "[security][recovery][keyring]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2026, 12, 6), QTime(9, 0), Qt::UTC));
    TempDatabase t(backend);
    QString recoveryKey;
    auto db = t.createInitialised(&recoveryKey);
    test::sessionFor(*db, Role::Nurse, QStringLiteral("claire"));
    const QString snapshot = test::keyRingSnapshot(t);
    const qint64 users = t.rawValue(QStringLiteral("SELECT COUNT(*) FROM app_user")).toLongLong();

    // Another database's recovery key: refused, the refusal audited.
    TempDatabase other(backend);
    QString otherKey;
    other.createInitialised(&otherKey).reset();
    const Error wrong = test::thrownBy([&] {
        Recovery::restoreAdministrator(*db, otherKey, QStringLiteral("secours"), QString(), kNewPassword);
    });
    CHECK(wrong.kind() == Error::Kind::AccessDenied);
    const auto denied = test::auditOf(*db, QStringLiteral("recover"));
    REQUIRE(denied.size() == 1);
    CHECK(denied.front().outcome == QLatin1String("denied"));
    // Not a key at all.
    CHECK(test::thrownBy([&] {
              Recovery::restoreAdministrator(*db, QStringLiteral("1234"), QStringLiteral("secours"),
                                             QString(), kNewPassword);
          }).kind() == Error::Kind::Invalid);
    // A nurse's login is not turned into an administrator's.
    const Error nurse = test::thrownBy([&] {
        Recovery::restoreAdministrator(*db, recoveryKey, QStringLiteral("claire"), QString(), kNewPassword);
    });
    CHECK(nurse.kind() == Error::Kind::Conflict);
    CHECK(nurse.message().contains(QStringLiteral("claire")));
    // A weak password is refused before the key is even tried.
    CHECK(test::thrownBy([&] {
              Recovery::restoreAdministrator(*db, recoveryKey, QStringLiteral("secours"), QString(),
                                             QStringLiteral("court"));
          }).kind() == Error::Kind::Invalid);
    CHECK(test::keyRingSnapshot(t) == snapshot);
    CHECK(t.rawValue(QStringLiteral("SELECT COUNT(*) FROM app_user")).toLongLong() == users);
    CHECK(test::loginAs(*db, QStringLiteral("claire")).keys->hasHealthKey());

    // A database made before key rings has no recovery key.
    TempDatabase old(backend);
    auto oldDb = old.createWithoutKeyRing();
    CHECK(test::thrownBy([&] {
              Recovery::restoreAdministrator(*oldDb, recoveryKey, QStringLiteral("secours"), QString(),
                                             kNewPassword);
          }).kind() == Error::Kind::NotFound);
}

namespace {
// The replacement tests' database on `backend`: initialised (its recovery key kept), the administrator
// logged in, the clock set.
struct Keyed
{
    test::ScopedClock clock{QDateTime(QDate(2026, 12, 6), QTime(9, 0), Qt::UTC)};
    TempDatabase t;
    QString recoveryKey;
    std::unique_ptr<store::Database> db;
    Session admin;

    explicit Keyed(store::Backend backend)
        : t(backend), db(t.createInitialised(&recoveryKey)), admin(test::adminSession(*db))
    {
    }
};
} // namespace

TEST_CASE("recovery: an administrator replaces the recovery key: the old key opens nothing, the new one does",
          "[security][recovery][keyring][replace]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    Keyed k(backend);
    const QByteArray sealed = k.admin.keys->encrypt(KeyRing::Scope::Data, "12 rue des Lilas", kContext);
    const security::KeySlot before = *store::KeySlotRepository(*k.db).recovery();

    const auto replaced = Recovery::replaceKey(*k.db, k.admin);
    CHECK(replaced.recoveryKey != k.recoveryKey);
    CHECK(KeyRing::formatRecoveryKey(KeyRing::parseRecoveryKey(replaced.recoveryKey)) ==
          replaced.recoveryKey);
    const security::KeySlot after = *store::KeySlotRepository(*k.db).recovery();
    CHECK(after.id == before.id); // the same row, rewritten
    CHECK(after.publicKey != before.publicKey);
    CHECK(store::KeySlotRepository(*k.db).count() == 2); // admin and recovery: no second recovery slot

    // The old key opens nothing any more: refused and audited, nothing written.
    const QString snapshot = test::keyRingSnapshot(k.t);
    CHECK(test::thrownBy([&] {
              Recovery::restoreAdministrator(*k.db, k.recoveryKey, QStringLiteral("secours"), QString(),
                                             kNewPassword);
          }).kind() == Error::Kind::AccessDenied);
    CHECK(test::keyRingSnapshot(k.t) == snapshot);
    // The new key gives the database an administrator who reads the data.
    Recovery::restoreAdministrator(*k.db, replaced.recoveryKey, QStringLiteral("secours"), QString(),
                                   kNewPassword);
    const Session rescued = test::loginAs(*k.db, QStringLiteral("secours"), kNewPassword);
    CHECK(rescued.keys->decrypt(KeyRing::Scope::Data, sealed, kContext) == "12 rue des Lilas");

    // Audited with the administrator as actor, and no secret in the record.
    const auto records = test::auditOf(*k.db, QStringLiteral("keyring.replace_recovery"));
    REQUIRE(records.size() == 1);
    CHECK(records.front().login == QLatin1String("admin"));
    CHECK(records.front().outcome == QLatin1String("ok"));
    CHECK(records.front().table == QLatin1String("key_slot"));
    CHECK(records.front().recordRef == QLatin1String("recovery"));
    QString compact = replaced.recoveryKey;
    compact.remove(QLatin1Char('-'));
    for (const store::AuditRecord& r : store::AuditRepository(*k.db).list({})) {
        const QString all = r.action + r.table + r.recordRef + r.detail;
        CHECK_FALSE(all.contains(replaced.recoveryKey.left(9)));
        CHECK_FALSE(all.contains(compact.left(8)));
    }
}

TEST_CASE("recovery: a replaced key opens health data once a nurse has logged in",
          "[security][recovery][keyring][replace]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    Keyed k(backend);
    const Session claire = test::sessionFor(*k.db, Role::Nurse, QStringLiteral("claire"));
    REQUIRE(claire.keys->hasHealthKey());
    REQUIRE(claire.keys->hasCohortKey());
    const QByteArray health = claire.keys->encrypt(KeyRing::Scope::Health, "tension 13/8", kContext);
    store::KeySlotRepository keySlots(*k.db);
    REQUIRE(keySlots.recoveryHoldsHealth());

    const auto replaced = Recovery::replaceKey(*k.db, k.admin);
    CHECK(replaced.healthPending);
    CHECK(keySlots.recovery()->healthPending());
    CHECK(keySlots.recovery()->cohortPending());
    CHECK_FALSE(keySlots.recoveryHoldsHealth());
    {
        const KeyRing pending =
            KeyRing::unlockWithRecoveryKey(*keySlots.header(), *keySlots.recovery(), replaced.recoveryKey);
        CHECK_FALSE(pending.hasHealthKey());
        CHECK(test::thrownBy([&] { pending.decrypt(KeyRing::Scope::Health, health, kContext); }).kind() ==
              Error::Kind::AccessDenied);
    }
    CHECK(test::auditOf(*k.db, QStringLiteral("keyring.replace_recovery")).front().detail ==
          QLatin1String("health pending"));

    // Claire's next login seals the health and cohort keys to the new slot (its certificate, made with the
    // administrator's root key, is the database's), audited as grants to "recovery".
    const auto grantsBefore = test::auditOf(*k.db, QStringLiteral("keyring.grant_health")).size();
    test::loginAs(*k.db, QStringLiteral("claire"));
    const auto grants = test::auditOf(*k.db, QStringLiteral("keyring.grant_health"));
    REQUIRE(grants.size() == grantsBefore + 1);
    CHECK(grants.back().recordRef == QLatin1String("recovery"));
    CHECK(grants.back().login == QLatin1String("claire"));
    CHECK_FALSE(keySlots.recovery()->healthPending());
    CHECK_FALSE(keySlots.recovery()->cohortPending());
    const KeyRing opened =
        KeyRing::unlockWithRecoveryKey(*keySlots.header(), *keySlots.recovery(), replaced.recoveryKey);
    REQUIRE(opened.hasHealthKey());
    CHECK(opened.hasCohortKey());
    CHECK(opened.decrypt(KeyRing::Scope::Health, health, kContext) == "tension 13/8");
}

TEST_CASE("recovery: replacing the key is refused for other roles, without keys or key ring, and nothing is "
          "written",
          "[security][recovery][keyring][replace]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    Keyed k(backend);
    const Session nurse = test::sessionFor(*k.db, Role::Nurse, QStringLiteral("claire"));
    const Session social = test::sessionFor(*k.db, Role::SocialWorker, QStringLiteral("anne"));
    const Session coordinator = test::sessionFor(*k.db, Role::Coordinator, QStringLiteral("coline"));
    const QString snapshot = test::keyRingSnapshot(k.t);

    for (const Session* s : {&nurse, &social, &coordinator}) {
        INFO(s->login().toStdString());
        CHECK(test::thrownBy([&] { Recovery::replaceKey(*k.db, *s); }).kind() == Error::Kind::AccessDenied);
    }
    // Each refusal is in the audit trail, under the refused user.
    const auto records = store::AuditRepository(*k.db).list({});
    for (const QString& login : {QStringLiteral("claire"), QStringLiteral("anne"), QStringLiteral("coline")})
        CHECK(std::any_of(records.begin(), records.end(), [&](const store::AuditRecord& r) {
            return r.login == login && r.table == QLatin1String("key_slot") &&
                   r.recordRef == QLatin1String("recovery") && r.outcome == QLatin1String("denied");
        }));
    CHECK(test::auditOf(*k.db, QStringLiteral("keyring.replace_recovery")).empty());
    // The ring's own check, below the service: a nurse's ring cannot replace it either.
    store::KeySlotRepository keySlots(*k.db);
    CHECK(test::thrownBy([&] {
              nurse.keys->replaceRecovery(keySlots, QDateTime::currentDateTimeUtc());
          }).kind() == Error::Kind::AccessDenied);
    // An administrator's session without its keys (not opened at login).
    Session keyless = k.admin;
    keyless.keys.reset();
    CHECK(test::thrownBy([&] { Recovery::replaceKey(*k.db, keyless); }).kind() == Error::Kind::AccessDenied);
    // Another database's administrator ring.
    TempDatabase other(backend);
    auto otherDb = other.createInitialised();
    const Session otherAdmin = test::adminSession(*otherDb);
    CHECK(test::thrownBy([&] {
              otherAdmin.keys->replaceRecovery(keySlots, QDateTime::currentDateTimeUtc());
          }).kind() == Error::Kind::Storage);
    CHECK(test::keyRingSnapshot(k.t) == snapshot);
    CHECK(
        KeyRing::unlockWithRecoveryKey(*keySlots.header(), *keySlots.recovery(), k.recoveryKey).canCertify());

    // A database made before key rings has no recovery key to replace.
    TempDatabase old(backend);
    auto oldDb = old.createWithoutKeyRing();
    const Session oldAdmin = test::adminSession(*oldDb);
    const Error none = test::thrownBy([&] { Recovery::replaceKey(*oldDb, oldAdmin); });
    CHECK(none.kind() == Error::Kind::NotFound);
    CHECK(none.message() ==
          Recovery::tr("This database has no recovery key to replace: it was made before key "
                       "rings and nothing in it is encrypted yet."));
    CHECK(old.rawValue(QStringLiteral("SELECT COUNT(*) FROM key_slot")).toLongLong() == 0);
}
