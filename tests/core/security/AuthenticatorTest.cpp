#include "security/Authenticator.h"
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
