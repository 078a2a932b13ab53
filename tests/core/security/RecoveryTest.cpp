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
