#include "setup/Setup.h"
#include "common/Error.h"
#include "security/Authenticator.h"
#include "security/KeyRing.h"
#include "store/AuditRepository.h"
#include "store/KeySlotRepository.h"
#include "store/ProgrammeRepository.h"
#include "store/UserRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <algorithm>
#include <catch2/catch.hpp>

using namespace cabas;
using cabas::test::TempDatabase;

TEST_CASE("init creates the programme and the first administrator", "[setup]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2026, 11, 23), QTime(10, 0), Qt::UTC));
    TempDatabase t(backend);
    InitRequest request;
    request.spec = t.spec();
    request.sealFields = false;
    request.adminLogin = QStringLiteral("Sophie.Admin");
    request.adminDisplayName = QStringLiteral("Sophie Martin");
    request.adminPassword = QStringLiteral("Un-Mot-De-Passe-Sûr");
    auto db = Setup::initDatabase(request);

    const auto programme = store::ProgrammeRepository(*db).load();
    REQUIRE(programme);
    CHECK(programme->startsOn == QDate(2026, 11, 1));
    CHECK(programme->adultAllowanceCents == 4000);
    const auto admin = store::UserRepository(*db).findByLogin(QStringLiteral("sophie.admin"));
    REQUIRE(admin);
    CHECK(admin->role == Role::Admin);
    CHECK(admin->displayName == QStringLiteral("Sophie Martin"));

    security::Authenticator auth(*db);
    CHECK(auth.authenticate(QStringLiteral("sophie.admin"), QStringLiteral("Un-Mot-De-Passe-Sûr")).id ==
          admin->id);
    CHECK_THROWS_AS(auth.authenticate(QStringLiteral("sophie.admin"), QStringLiteral("wrong")), Error);
    CHECK_THROWS_AS(auth.authenticate(QStringLiteral("nobody"), QStringLiteral("Un-Mot-De-Passe-Sûr")),
                    Error);

    const DatabaseSummary summary = summarize(*db);
    CHECK(summary.users == 1);
    CHECK(summary.households == 0);
    CHECK(summary.schemaVersion == store::Database::latestSchemaVersion());
}

TEST_CASE("init checks everything before creating anything", "[setup]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    InitRequest request;
    request.spec = t.spec();
    request.sealFields = false;
    request.adminLogin = QStringLiteral("x");
    request.adminPassword = QStringLiteral("short");
    Programme p = Programme::defaults(QDate(2024, 6, 1));
    p.name.clear();
    request.programme = p;
    QString message;
    try {
        Setup::initDatabase(request);
    } catch (const Error& e) {
        message = e.message();
    }
    CHECK(message.contains(QStringLiteral("login")));
    CHECK(message.contains(QStringLiteral("12")));
    CHECK(message.contains(QStringLiteral("name")));
    if (backend == store::Backend::Sqlite)
        CHECK_FALSE(QFileInfo::exists(t.spec().path));
    else
        CHECK(
            t.rawValue(QStringLiteral(
                           "SELECT count(*) FROM information_schema.tables WHERE table_name = 'cabas_meta'"))
                .toInt() == 0);
}

TEST_CASE("init gives the database its key ring and a recovery key that opens it", "[setup][keyring]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2026, 11, 23), QTime(10, 0), Qt::UTC));
    TempDatabase t(backend);
    InitRequest request;
    request.spec = t.spec();
    request.sealFields = false;
    request.adminLogin = QStringLiteral("sophie");
    request.adminPassword = QStringLiteral("Un-Mot-De-Passe-Sûr");
    QString recoveryKey;
    auto db = Setup::initDatabase(request, &recoveryKey);
    CHECK(QRegularExpression(QStringLiteral("^([A-Z2-7]{4}-){7}[A-Z2-7]{4}$")).match(recoveryKey).hasMatch());

    // The header, the administrator's slot and the recovery slot, in the same transaction as the user.
    const store::KeySlotRepository keySlots(*db);
    const auto header = keySlots.header();
    REQUIRE(header);
    CHECK(keySlots.count() == 2);
    const auto admin = store::UserRepository(*db).findByLogin(QStringLiteral("sophie"));
    REQUIRE(admin);
    const auto slot = keySlots.forUser(admin->id);
    REQUIRE(slot);
    CHECK(slot->role == QStringLiteral("admin"));
    CHECK(slot->limits.ops >= security::KdfLimits::interactive().ops);
    CHECK(slot->limits.mem >= security::KdfLimits::interactive().mem);

    // The recovery key opens the data and root keys; the administrator's login opens the same data key.
    const auto recovery =
        security::KeyRing::unlockWithRecoveryKey(*header, *keySlots.recovery(), recoveryKey);
    CHECK(recovery.canCertify());
    CHECK_FALSE(recovery.hasHealthKey()); // no nurse has logged in yet
    const Session session = security::Authenticator(*db).login(request.adminLogin, request.adminPassword);
    REQUIRE(session.keys);
    CHECK(session.keys->canCertify());
    const QByteArray sealed = session.keys->encrypt(security::KeyRing::Scope::Data, "Dupont",
                                                    QByteArrayLiteral("person.last_name:1"));
    CHECK(recovery.decrypt(security::KeyRing::Scope::Data, sealed, QByteArrayLiteral("person.last_name:1")) ==
          "Dupont");
    const auto records = store::AuditRepository(*db).list({});
    CHECK(std::any_of(records.begin(), records.end(), [](const store::AuditRecord& r) {
        return r.action == QLatin1String("keyring.create");
    }));
}
