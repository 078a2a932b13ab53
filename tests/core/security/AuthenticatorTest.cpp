#include "security/Authenticator.h"
#include "KeyRingLoginSupport.h"
#include "common/Error.h"
#include "security/UserService.h"
#include "store/AuditRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <catch2/catch.hpp>

using namespace cabas;
using cabas::test::TempDatabase;

namespace {
QString loginError(const store::Database& db, const QString& login, const QString& password)
{
    try {
        security::Authenticator(db).login(login, password);
    } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::AccessDenied);
        return e.message();
    }
    return QString();
}
} // namespace

TEST_CASE("seven failed logins lock the account for a while", "[security][login]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 1, 6), QTime(8, 0), Qt::UTC));
    TempDatabase t(backend);
    auto db = t.createInitialised();
    const Session nurse = test::sessionFor(*db, Role::Nurse, QStringLiteral("claire"));
    const QString good = QStringLiteral("Password-of-claire");

    // Six failures, then a success, reset the count.
    for (int i = 0; i < 6; ++i)
        CHECK_FALSE(loginError(*db, QStringLiteral("claire"), QStringLiteral("wrong")).isEmpty());
    CHECK(security::Authenticator(*db).login(QStringLiteral("claire"), good).user.id == nurse.user.id);
    for (int i = 0; i < 6; ++i)
        loginError(*db, QStringLiteral("claire"), QStringLiteral("wrong"));
    CHECK(loginError(*db, QStringLiteral("claire"), good).isEmpty());

    // Seven in a row lock it, even for the right password.
    for (int i = 0; i < 7; ++i)
        loginError(*db, QStringLiteral("claire"), QStringLiteral("wrong"));
    const QString locked = loginError(*db, QStringLiteral("claire"), good);
    CHECK(locked.contains(QStringLiteral("verrouill")));
    clock.clock().advanceSeconds(14 * 60);
    CHECK_FALSE(loginError(*db, QStringLiteral("claire"), good).isEmpty());
    clock.clock().advanceSeconds(2 * 60);
    CHECK(loginError(*db, QStringLiteral("claire"), good).isEmpty());

    // An administrator's reset unlocks at once.
    for (int i = 0; i < 7; ++i)
        loginError(*db, QStringLiteral("claire"), QStringLiteral("wrong"));
    security::UserService(*db, test::adminSession(*db))
        .setPassword(QStringLiteral("claire"), QStringLiteral("Brand-New-Password-1"));
    CHECK(loginError(*db, QStringLiteral("claire"), QStringLiteral("Brand-New-Password-1")).isEmpty());

    // Every attempt is audited, failures included.
    store::AuditFilter filter;
    filter.login = QStringLiteral("claire");
    filter.limit = 1000;
    int failed = 0;
    for (const auto& r : store::AuditRepository(*db).list(filter))
        failed += r.action == QLatin1String("login") && r.outcome == QLatin1String("failed");
    CHECK(failed == 6 + 6 + 7 + 7);
}

TEST_CASE("unknown logins and wrong passwords get the same answer", "[security][login]")
{
    TempDatabase t(store::Backend::Sqlite);
    auto db = t.createInitialised();
    const QString unknown = loginError(*db, QStringLiteral("nobody"), QStringLiteral("whatever"));
    const QString wrong = loginError(*db, QStringLiteral("admin"), QStringLiteral("whatever"));
    CHECK_FALSE(unknown.isEmpty());
    CHECK(unknown == wrong);
}

TEST_CASE("a user may change their own password but not another's", "[security][login]")
{
    TempDatabase t(store::Backend::Sqlite);
    auto db = t.createInitialised();
    const Session sw = test::sessionFor(*db, Role::SocialWorker, QStringLiteral("anne"));
    test::sessionFor(*db, Role::Nurse, QStringLiteral("claire"));
    security::UserService(*db, sw).setPassword(QStringLiteral("anne"), QStringLiteral("Anne-New-Password-9"));
    CHECK(loginError(*db, QStringLiteral("anne"), QStringLiteral("Anne-New-Password-9")).isEmpty());
    CHECK_THROWS_AS(security::UserService(*db, sw).setPassword(QStringLiteral("claire"),
                                                               QStringLiteral("Hijack-Password-1")),
                    Error);
    CHECK(loginError(*db, QStringLiteral("claire"), QStringLiteral("Password-of-claire")).isEmpty());
}

// ---- The key ring at login (docs/encryption.md)

using cabas::security::KeyRing;

TEST_CASE("each role's login opens its key slot, only a nurse's holds the health key",
          "[security][login][keyring]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2026, 12, 1), QTime(8, 0), Qt::UTC));
    TempDatabase t(backend);
    auto db = t.createInitialised();
    const Session admin = test::adminSession(*db);
    const Session social = test::sessionFor(*db, Role::SocialWorker, QStringLiteral("anne"));
    const Session coordinator = test::sessionFor(*db, Role::Coordinator, QStringLiteral("paul"));
    CHECK(test::auditOf(*db, QStringLiteral("keyring.grant_health")).empty());
    const Session nurse = test::sessionFor(*db, Role::Nurse, QStringLiteral("claire"));

    for (const Session* s : {&admin, &social, &coordinator, &nurse}) {
        INFO(s->login().toStdString());
        REQUIRE(s->keys);
        CHECK(s->keys->canCertify() == (s->role() == Role::Admin));
        CHECK(s->keys->hasHealthKey() == (s->role() == Role::Nurse));
    }
    // One data key for everyone: what the social worker seals, the coordinator and the nurse open.
    const QByteArray context = QByteArrayLiteral("person.last_name:7");
    const QByteArray sealed = social.keys->encrypt(KeyRing::Scope::Data, "Nguyễn", context);
    CHECK(coordinator.keys->decrypt(KeyRing::Scope::Data, sealed, context) == "Nguyễn");
    CHECK(nurse.keys->decrypt(KeyRing::Scope::Data, sealed, context) == "Nguyễn");
    // The health key: the nurse's only.
    const QByteArray health = nurse.keys->encrypt(KeyRing::Scope::Health, "IMC 27,4", context);
    CHECK(test::thrownBy([&] { social.keys->decrypt(KeyRing::Scope::Health, health, context); }).kind() ==
          Error::Kind::AccessDenied);
    CHECK(test::thrownBy([&] { admin.keys->decrypt(KeyRing::Scope::Health, health, context); }).kind() ==
          Error::Kind::AccessDenied);

    // The first nurse's login made the health key (and sealed it to the recovery slot), audited.
    const auto grants = test::auditOf(*db, QStringLiteral("keyring.grant_health"));
    REQUIRE(grants.size() == 2);
    CHECK(grants[0].login == QStringLiteral("claire"));
    CHECK(grants[0].recordRef == QStringLiteral("claire"));
    CHECK(grants[0].detail == QStringLiteral("health key created"));
    CHECK(grants[1].recordRef == QStringLiteral("recovery"));
    // Her next login opens it again and grants nothing more.
    CHECK(test::loginAs(*db, QStringLiteral("claire")).keys->hasHealthKey());
    CHECK(test::auditOf(*db, QStringLiteral("keyring.grant_health")).size() == 2);
}

TEST_CASE("a wrong password opens no key and writes nothing to the key ring", "[security][login][keyring]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2026, 12, 1), QTime(8, 0), Qt::UTC));
    TempDatabase t(backend);
    auto db = t.createInitialised();
    {
        const Session admin = test::adminSession(*db);
        security::UserService(*db, admin)
            .add(QStringLiteral("claire"), QString(), Role::Nurse,
                 test::passwordFor(QStringLiteral("claire")));
    }
    const QString before = test::keyRingSnapshot(t);
    REQUIRE_FALSE(before.isEmpty());
    // The first nurse's wrong password does not create the health key.
    CHECK(loginError(*db, QStringLiteral("claire"), QStringLiteral("Wrong-Password-2026")) ==
          security::Authenticator::tr("Wrong login or password."));
    CHECK(test::keyRingSnapshot(t) == before);
    CHECK(store::KeySlotRepository(*db).header()->healthKeyCheck.isEmpty());
}

TEST_CASE("an altered key slot is refused like a wrong password", "[security][login][keyring]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.createInitialised();
    const Session social = test::sessionFor(*db, Role::SocialWorker, QStringLiteral("anne"));
    const Session coordinator = test::sessionFor(*db, Role::Coordinator, QStringLiteral("paul"));
    // Anne's slot given Paul's wrapped keys: her password (whose hash still matches) opens nothing.
    t.rawExec(
        QStringLiteral("UPDATE key_slot SET wrapped = (SELECT wrapped FROM key_slot WHERE user_id = %1) "
                       "WHERE user_id = %2")
            .arg(coordinator.user.id)
            .arg(social.user.id));
    CHECK(loginError(*db, QStringLiteral("anne"), test::passwordFor(QStringLiteral("anne"))) ==
          security::Authenticator::tr("Wrong login or password."));
    const auto denied = test::auditOf(*db, QStringLiteral("login"));
    CHECK(std::any_of(denied.begin(), denied.end(), [](const store::AuditRecord& r) {
        return r.login == QLatin1String("anne") && r.outcome == QLatin1String("denied") &&
               r.detail == QLatin1String("key slot");
    }));
    CHECK(test::loginAs(*db, QStringLiteral("paul")).keys);
}

TEST_CASE("an account without a key slot is told to have its password set again, which gives one",
          "[security][login][keyring]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.createInitialised();
    const Session social = test::sessionFor(*db, Role::SocialWorker, QStringLiteral("anne"));
    // As if the account had been made before the key ring.
    t.rawExec(QStringLiteral("DELETE FROM key_slot WHERE user_id = %1").arg(social.user.id));
    const QString message =
        loginError(*db, QStringLiteral("anne"), test::passwordFor(QStringLiteral("anne")));
    // Its own message (translated), naming the account, not the wrong password's.
    CHECK(message.contains(QStringLiteral("anne")));
    CHECK(message != security::Authenticator::tr("Wrong login or password."));
    const auto denied = test::auditOf(*db, QStringLiteral("login"));
    CHECK(std::any_of(denied.begin(), denied.end(), [](const store::AuditRecord& r) {
        return r.login == QLatin1String("anne") && r.detail == QLatin1String("no key slot");
    }));

    const Session admin = test::adminSession(*db);
    security::UserService(*db, admin).setPassword(QStringLiteral("anne"), QStringLiteral("Nouveau-Mot-2026"));
    const Session again = test::loginAs(*db, QStringLiteral("anne"), QStringLiteral("Nouveau-Mot-2026"));
    REQUIRE(again.keys);
    CHECK_FALSE(again.keys->canCertify());
}

TEST_CASE("a database made before key rings logs in as before, without keys", "[security][login][keyring]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.createWithoutKeyRing();
    const Session admin = test::adminSession(*db);
    CHECK_FALSE(admin.keys);
    // Adding users and setting passwords work as before (no slot is made: the migration will make them).
    const Session nurse = test::sessionFor(*db, Role::Nurse, QStringLiteral("claire"));
    CHECK_FALSE(nurse.keys);
    security::UserService(*db, admin)
        .setPassword(QStringLiteral("claire"), QStringLiteral("Nouveau-Mot-2026"));
    security::UserService(*db, nurse)
        .setPassword(QStringLiteral("claire"), QStringLiteral("Autre-Mot-2026"),
                     QStringLiteral("Nouveau-Mot-2026"));
    CHECK_FALSE(test::loginAs(*db, QStringLiteral("claire"), QStringLiteral("Autre-Mot-2026")).keys);
    CHECK(store::KeySlotRepository(*db).count() == 0);
    CHECK_FALSE(store::KeySlotRepository(*db).header());
}
