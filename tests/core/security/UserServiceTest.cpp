#include "security/UserService.h"
#include "KeyRingLoginSupport.h"
#include "common/Error.h"
#include "security/Authenticator.h"
#include "store/AuditRepository.h"
#include "store/UserRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace cabas;
using cabas::security::KeyRing;
using cabas::security::UserService;
using cabas::test::TempDatabase;

namespace {
const QByteArray kContext = QByteArrayLiteral("checkup.notes:3");
} // namespace

TEST_CASE("users: a nurse the administrator adds waits for the health key until a nurse logs in",
          "[security][users][keyring]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2026, 12, 1), QTime(8, 0), Qt::UTC));
    TempDatabase t(backend);
    auto db = t.createInitialised();
    const Session admin = test::adminSession(*db);
    const Session claire = test::sessionFor(*db, Role::Nurse, QStringLiteral("claire"));
    REQUIRE(claire.keys->hasHealthKey());
    const QByteArray health = claire.keys->encrypt(KeyRing::Scope::Health, "tension 13/8", kContext);

    // The administrator adds a nurse: her slot is issued with the account, its health grant pending.
    const User added = UserService(*db, admin)
                           .add(QStringLiteral("lea"), QStringLiteral("Léa"), Role::Nurse,
                                test::passwordFor(QStringLiteral("lea")));
    CHECK(store::KeySlotRepository(*db).forUser(added.id)->healthPending());
    const Session leaFirst = test::loginAs(*db, QStringLiteral("lea"));
    REQUIRE(leaFirst.keys);
    CHECK_FALSE(leaFirst.keys->hasHealthKey());
    CHECK(leaFirst.keys->decrypt(KeyRing::Scope::Data,
                                 claire.keys->encrypt(KeyRing::Scope::Data, "x", kContext), kContext) == "x");

    // Claire's next login seals the health key to her, audited with Léa's login.
    test::loginAs(*db, QStringLiteral("claire"));
    CHECK_FALSE(store::KeySlotRepository(*db).forUser(added.id)->healthPending());
    const auto grants = test::auditOf(*db, QStringLiteral("keyring.grant_health"));
    CHECK(std::any_of(grants.begin(), grants.end(), [](const store::AuditRecord& r) {
        return r.login == QLatin1String("claire") && r.recordRef == QLatin1String("lea");
    }));
    const Session lea = test::loginAs(*db, QStringLiteral("lea"));
    REQUIRE(lea.keys->hasHealthKey());
    CHECK(lea.keys->decrypt(KeyRing::Scope::Health, health, kContext) == "tension 13/8");
}

TEST_CASE("users: an administrator's reset gives a nurse a new slot, health back after another nurse's login",
          "[security][users][keyring]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2026, 12, 1), QTime(8, 0), Qt::UTC));
    TempDatabase t(backend);
    auto db = t.createInitialised();
    const Session admin = test::adminSession(*db);
    const Session claire = test::sessionFor(*db, Role::Nurse, QStringLiteral("claire"));
    const Session lea = test::sessionFor(*db, Role::Nurse, QStringLiteral("lea"));
    test::loginAs(*db, QStringLiteral("claire")); // grants Léa
    REQUIRE(test::loginAs(*db, QStringLiteral("lea")).keys->hasHealthKey());
    const QByteArray health = claire.keys->encrypt(KeyRing::Scope::Health, "glycémie 1,1", kContext);
    const security::KeySlot before = test::slotOf(*db, lea);

    const QString reset = QStringLiteral("Remis-a-Zero-2026");
    UserService(*db, admin).setPassword(QStringLiteral("lea"), reset);
    const security::KeySlot after = test::slotOf(*db, lea);
    CHECK(after.id == before.id);
    CHECK(after.publicKey != before.publicKey); // a new keypair, certified by the root key
    CHECK(after.healthPending());
    CHECK(test::thrownBy([&] { test::loginAs(*db, QStringLiteral("lea")); }).kind() ==
          Error::Kind::AccessDenied);
    const Session waiting = test::loginAs(*db, QStringLiteral("lea"), reset);
    REQUIRE(waiting.keys);
    CHECK_FALSE(waiting.keys->hasHealthKey());

    test::loginAs(*db, QStringLiteral("claire"));
    const Session back = test::loginAs(*db, QStringLiteral("lea"), reset);
    REQUIRE(back.keys->hasHealthKey());
    CHECK(back.keys->decrypt(KeyRing::Scope::Health, health, kContext) == "glycémie 1,1");
}

TEST_CASE("users: changing one's own password re-wraps the slot and the old password no longer opens it",
          "[security][users][keyring]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.createInitialised();
    const Session nurse = test::sessionFor(*db, Role::Nurse, QStringLiteral("claire"));
    const QByteArray health = nurse.keys->encrypt(KeyRing::Scope::Health, "poids 71 kg", kContext);
    const security::KeySlot before = test::slotOf(*db, nurse);
    const auto header = store::KeySlotRepository(*db).header();

    const QString old = test::passwordFor(QStringLiteral("claire"));
    const QString fresh = QStringLiteral("Nouveau-Secret-2026");
    UserService(*db, nurse).setPassword(QStringLiteral("claire"), fresh, old);
    const security::KeySlot after = test::slotOf(*db, nurse);
    CHECK(after.publicKey == before.publicKey); // the same keys, re-wrapped
    CHECK(after.certificate == before.certificate);
    CHECK(after.healthSealed == before.healthSealed);
    CHECK(after.salt != before.salt);
    CHECK(after.wrapped != before.wrapped);
    CHECK(test::thrownBy([&] { KeyRing::unlock(*header, after, old); }).kind() == Error::Kind::AccessDenied);
    const Session again = test::loginAs(*db, QStringLiteral("claire"), fresh);
    REQUIRE(again.keys->hasHealthKey());
    CHECK(again.keys->decrypt(KeyRing::Scope::Health, health, kContext) == "poids 71 kg");
}

TEST_CASE("users: one's own change with a wrong current password is refused, audited, and changes nothing",
          "[security][users][keyring]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.createInitialised();
    const Session sw = test::sessionFor(*db, Role::SocialWorker, QStringLiteral("amelie"));
    const security::KeySlot before = test::slotOf(*db, sw);
    const Error refused = test::thrownBy([&] {
        UserService(*db, sw).setPassword(QStringLiteral("amelie"), QStringLiteral("Nouveau-Secret-2026"),
                                         QStringLiteral("Pas-Le-Bon-2026"));
    });
    CHECK(refused.kind() == Error::Kind::AccessDenied);
    const security::KeySlot after = test::slotOf(*db, sw);
    CHECK(after.wrapped == before.wrapped);
    CHECK(after.salt == before.salt);
    CHECK(test::loginAs(*db, QStringLiteral("amelie"), test::passwordFor(QStringLiteral("amelie"))).keys);
    CHECK(t.rawValue(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'password' AND "
                                    "outcome = 'failed' AND record_ref = 'amelie'"))
              .toInt() == 1);
}

TEST_CASE("users: a password change on a slot reset meanwhile changes neither hash nor slot",
          "[security][users][keyring]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.createInitialised();
    const Session admin = test::adminSession(*db);
    const Session stale = test::sessionFor(*db, Role::SocialWorker, QStringLiteral("anne"));
    const QString reset = QStringLiteral("Remis-a-Zero-2026");
    UserService(*db, admin).setPassword(QStringLiteral("anne"), reset);
    const security::KeySlot slot = test::slotOf(*db, stale);

    // Anne's session from before the reset holds the old keypair: its re-wrap is refused, and the password
    // hash is not changed either (one transaction).
    const Error e = test::thrownBy([&] {
        UserService(*db, stale)
            .setPassword(QStringLiteral("anne"), QStringLiteral("Autre-Secret-2026"), reset);
    });
    CHECK(e.kind() == Error::Kind::Conflict);
    CHECK(test::slotOf(*db, stale).wrapped == slot.wrapped);
    CHECK(test::loginAs(*db, QStringLiteral("anne"), reset).keys);
}

TEST_CASE("users: issuing a slot needs an administrator's key ring, and nothing is written without it",
          "[security][users][keyring]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.createInitialised();
    const Session admin = test::adminSession(*db);
    const Session noKeys{admin.user, nullptr}; // an administrator's session that did not open the key ring
    const qint64 users = store::UserRepository(*db).count();
    const Error e = test::thrownBy([&] {
        UserService(*db, noKeys)
            .add(QStringLiteral("paul"), QString(), Role::Coordinator,
                 test::passwordFor(QStringLiteral("paul")));
    });
    CHECK(e.kind() == Error::Kind::AccessDenied);
    CHECK(store::UserRepository(*db).count() == users);
    CHECK(
        test::thrownBy([&] {
            UserService(*db, noKeys).setPassword(QStringLiteral("admin"), QStringLiteral("Nouveau-Mot-2026"));
        }).kind() == Error::Kind::AccessDenied);
    CHECK(
        test::loginAs(*db, QStringLiteral("admin"), QString::fromLatin1(TempDatabase::kAdminPassword)).keys);
}

TEST_CASE("users: nurses and administrators see who holds the health key, others are refused",
          "[security][users][keyring]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.createInitialised();
    const Session claire = test::sessionFor(*db, Role::Nurse, QStringLiteral("claire"));
    const Session sw = test::sessionFor(*db, Role::SocialWorker, QStringLiteral("amelie"));
    test::sessionFor(*db, Role::Nurse, QStringLiteral("julie")); // her own login cannot grant her the key
    const auto before = UserService(*db, claire).healthAccess();
    REQUIRE(before.holders.size() == 1);
    CHECK(before.holders[0].login == QStringLiteral("claire"));
    CHECK(before.recoveryKey);
    // Claire's next login seals the key to Julie's slot.
    test::loginAs(*db, QStringLiteral("claire"), test::passwordFor(QStringLiteral("claire")));
    const auto after = UserService(*db, test::adminSession(*db)).healthAccess();
    QStringList logins;
    for (const auto& h : after.holders)
        logins << h.login;
    CHECK(logins == QStringList{QStringLiteral("claire"), QStringLiteral("julie")});
    CHECK(test::thrownBy([&] { UserService(*db, sw).healthAccess(); }).kind() == Error::Kind::AccessDenied);
}

TEST_CASE(
    "users: a password an administrator chose must be changed at the next login, one's own change clears "
    "that",
    "[security][users][temporary]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.createInitialised();
    const Session admin = test::adminSession(*db);
    CHECK_FALSE(admin.mustChangePassword()); // the first administrator chose their own (cabas-cli init)
    const auto flagOf = [&](const QString& login) {
        return store::UserRepository(*db).findByLogin(login)->mustChangePassword;
    };

    // A new account: the administrator chose its first password.
    const User added = UserService(*db, admin)
                           .add(QStringLiteral("lea"), QStringLiteral("Léa"), Role::Nurse,
                                test::passwordFor(QStringLiteral("lea")));
    CHECK(added.mustChangePassword);
    CHECK(flagOf(QStringLiteral("lea")));
    const Session first = test::loginAs(*db, QStringLiteral("lea"));
    CHECK(first.mustChangePassword());

    // Léa chooses her own: no longer temporary, at the next login either.
    const QString own = QStringLiteral("Mon-Secret-de-Lea-2026");
    UserService(*db, first).setPassword(QStringLiteral("lea"), own, test::passwordFor(QStringLiteral("lea")));
    CHECK_FALSE(flagOf(QStringLiteral("lea")));
    CHECK_FALSE(test::loginAs(*db, QStringLiteral("lea"), own).mustChangePassword());

    // A wrong current password changes nothing, the flag included.
    const QString reset = QStringLiteral("Remis-par-Admin-2026");
    UserService(*db, admin).setPassword(QStringLiteral("lea"), reset);
    CHECK(flagOf(QStringLiteral("lea")));
    const Session afterReset = test::loginAs(*db, QStringLiteral("lea"), reset);
    CHECK(afterReset.mustChangePassword());
    CHECK(test::thrownBy([&] {
              UserService(*db, afterReset)
                  .setPassword(QStringLiteral("lea"), own, QStringLiteral("Pas-le-bon-2026"));
          }).kind() == Error::Kind::AccessDenied);
    CHECK(flagOf(QStringLiteral("lea")));
    UserService(*db, afterReset).setPassword(QStringLiteral("lea"), own, reset);
    CHECK_FALSE(flagOf(QStringLiteral("lea")));

    // An administrator's own change is their own too.
    UserService(*db, admin)
        .setPassword(QStringLiteral("admin"), QStringLiteral("Nouveau-Admin-2026"),
                     QLatin1String(TempDatabase::kAdminPassword));
    CHECK_FALSE(flagOf(QStringLiteral("admin")));
    // The audit trail says who set it.
    const auto records = store::AuditRepository(*db).list({});
    CHECK(std::count_if(records.begin(), records.end(), [](const store::AuditRecord& r) {
              return r.action == QLatin1String("password") && r.recordRef == QLatin1String("lea") &&
                     r.detail == QLatin1String("reset by administrator");
          }) == 1);
}
