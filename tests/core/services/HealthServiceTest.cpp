#include "services/HealthService.h"
#include "common/Error.h"
#include "services/HouseholdService.h"
#include "store/AuditRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <catch2/catch.hpp>

using namespace cabas;
using cabas::test::TempDatabase;

namespace {
struct Fixture
{
    TempDatabase t;
    std::unique_ptr<store::Database> db;
    Session socialWorker;
    Session nurse;
    Person person;

    explicit Fixture(store::Backend backend) : t(backend)
    {
        db = t.createInitialised();
        socialWorker = test::sessionFor(*db, Role::SocialWorker);
        nurse = test::sessionFor(*db, Role::Nurse);
        Household h;
        h.code = QStringLiteral("MMG-0001");
        h.status = HouseholdStatus::Enrolled;
        h.enrolledOn = QDate(2024, 6, 1);
        HouseholdService(*db, socialWorker).create(h);
        person.householdId = h.id;
        person.code = QStringLiteral("P-00001");
        person.firstName = QStringLiteral("Jean-Pierre");
        person.lastName = QStringLiteral("Nguyễn");
        person.birthDate = QDate(1980, 4, 13);
        HouseholdService(*db, socialWorker).addPerson(person);
    }

    void consent(bool given, QDate on)
    {
        Consent c;
        c.personId = person.id;
        c.purpose = ConsentPurpose::HealthFollowup;
        c.given = given;
        c.effectiveOn = on;
        HouseholdService(*db, socialWorker).recordConsent(c);
    }
};

Checkup checkup(const QString& wave, QDate on)
{
    Checkup c;
    c.wave = wave;
    c.takenOn = on;
    c.weightG = 99300;
    c.heightMm = 1860;
    c.systolicMmHg = 154;
    c.diastolicMmHg = 95;
    return c;
}

QString errorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.message();
    }
    return QString();
}
} // namespace

TEST_CASE("no health record without health follow-up consent on its date", "[health][consent]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 1), QTime(9, 0), Qt::UTC));
    Fixture f(backend);
    HealthService health(*f.db, f.nurse);

    Checkup m0 = checkup(QStringLiteral("M0"), QDate(2024, 6, 14));
    CHECK(errorOf([&] {
              health.recordCheckup(QStringLiteral("P-00001"), m0);
          }).contains(QStringLiteral("P-00001")));
    f.consent(true, QDate(2024, 6, 10));
    health.recordCheckup(QStringLiteral("P-00001"), m0);
    CHECK(m0.id != 0);
    CHECK(m0.nurseUserId == f.nurse.user.id);

    // Withdrawn from 1 December: a checkup dated after is refused, the earlier record stays and is flagged.
    f.consent(false, QDate(2024, 12, 1));
    Checkup m6 = checkup(QStringLiteral("M6"), QDate(2024, 12, 11));
    CHECK_FALSE(errorOf([&] { health.recordCheckup(QStringLiteral("P-00001"), m6); }).isEmpty());
    const auto seen = health.checkups(QStringLiteral("P-00001"));
    REQUIRE(seen.checkups.size() == 1);
    CHECK(seen.consentWithdrawn);
    CHECK(seen.checkups[0].weightG == 99300);
    REQUIRE(seen.checkups[0].bmi());
    CHECK(*seen.checkups[0].bmi() == Approx(28.70).margin(0.01));
    // A late record for a date when consent was given is still possible.
    Checkup late = checkup(QStringLiteral("M6"), QDate(2024, 11, 28));
    health.recordCheckup(QStringLiteral("P-00001"), late);
}

TEST_CASE("health data is for nurses, and every read of it is audited", "[health][access]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    Fixture f(backend);
    f.consent(true, QDate(2024, 6, 1));
    Checkup m0 = checkup(QStringLiteral("M0"), QDate(2024, 6, 14));
    HealthService(*f.db, f.nurse).recordCheckup(QStringLiteral("P-00001"), m0);

    for (Role role : {Role::SocialWorker, Role::Coordinator, Role::Admin}) {
        const Session s = test::sessionFor(*f.db, role);
        INFO(toCode(role).toStdString());
        CHECK(errorOf([&] {
                  HealthService(*f.db, s).checkups(QStringLiteral("P-00001"));
              }).startsWith(QStringLiteral("Accès refusé")));
        Checkup other = checkup(QStringLiteral("M6"), QDate(2024, 12, 1));
        CHECK(errorOf([&] {
                  HealthService(*f.db, s).recordCheckup(QStringLiteral("P-00001"), other);
              }).startsWith(QStringLiteral("Accès refusé")));
    }
    HealthService(*f.db, f.nurse).checkups(QStringLiteral("P-00001"));
    HealthService(*f.db, f.nurse).checkups(QStringLiteral("P-00001"));
    store::AuditFilter filter;
    filter.table = QStringLiteral("checkup");
    filter.limit = 1000;
    int reads = 0, denied = 0;
    for (const auto& r : store::AuditRepository(*f.db).list(filter)) {
        reads += r.action == QLatin1String("read") && r.outcome == QLatin1String("ok") &&
                 r.login == f.nurse.login();
        denied += r.outcome == QLatin1String("denied");
        CHECK_FALSE(r.detail.contains(QStringLiteral("99")));
    }
    CHECK(reads == 2);
    CHECK(denied == 6);
}

TEST_CASE("checkups are checked for plausibility and one per wave", "[health]")
{
    Fixture f(store::Backend::Sqlite);
    f.consent(true, QDate(2024, 6, 1));
    Checkup bad = checkup(QStringLiteral("M0"), QDate(2024, 6, 14));
    bad.weightG = 400000;
    bad.systolicMmHg = 80;
    bad.diastolicMmHg = 90;
    const QString message =
        errorOf([&] { HealthService(*f.db, f.nurse).recordCheckup(QStringLiteral("P-00001"), bad); });
    CHECK(message.contains(QStringLiteral("weight_kg")));
    CHECK(message.contains(QStringLiteral("systolic_mmhg")));
    Checkup unknownWave = checkup(QStringLiteral("M3"), QDate(2024, 6, 14));
    CHECK(errorOf([&] {
              HealthService(*f.db, f.nurse).recordCheckup(QStringLiteral("P-00001"), unknownWave);
          }).contains(QStringLiteral("M3")));
    Checkup m0 = checkup(QStringLiteral("M0"), QDate(2024, 6, 14));
    HealthService(*f.db, f.nurse).recordCheckup(QStringLiteral("P-00001"), m0);
    Checkup again = checkup(QStringLiteral("M0"), QDate(2024, 6, 20));
    CHECK_FALSE(errorOf([&] {
                    HealthService(*f.db, f.nurse).recordCheckup(QStringLiteral("P-00001"), again);
                }).isEmpty());
    CHECK(HealthService(*f.db, f.nurse).checkups(QStringLiteral("P-00001")).checkups.size() == 1);
}

TEST_CASE("a nurse corrects a saved checkup: checked, audited, version-checked against another connection",
          "[health][correction]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 1), QTime(9, 0), Qt::UTC));
    Fixture f(backend);
    f.consent(true, QDate(2024, 6, 1));
    const HealthService nurse(*f.db, f.nurse);
    Checkup m0 = checkup(QStringLiteral("M0"), QDate(2024, 6, 14));
    nurse.recordCheckup(QStringLiteral("P-00001"), m0);
    Checkup m6 = checkup(QStringLiteral("M6"), QDate(2024, 12, 10));
    nurse.recordCheckup(QStringLiteral("P-00001"), m6);

    // A typo in the weight, corrected.
    Checkup fixed = m0;
    fixed.weightG = 93300;
    // A correction needs its reason: nothing written without one.
    Checkup noReason = fixed;
    CHECK(errorOf([&] {
              nurse.correctCheckup(QStringLiteral("P-00001"), noReason, QStringLiteral(" "));
          }).contains(QStringLiteral("reason")));
    CHECK(nurse.checkups(QStringLiteral("P-00001")).checkups[0].weightG == m0.weightG);
    nurse.correctCheckup(QStringLiteral("P-00001"), fixed, QStringLiteral("typo in the weight"));
    CHECK(fixed.version == 2);
    const auto corrections = nurse.checkupCorrections(QStringLiteral("P-00001"), fixed.id);
    REQUIRE(corrections.size() == 1);
    CHECK(corrections[0].reason == QStringLiteral("typo in the weight"));
    CHECK(corrections[0].correctedByUserId == f.nurse.user.id);
    CHECK(corrections[0].version == 2);
    CHECK(corrections[0].correctedAt == QDateTime(QDate(2025, 3, 1), QTime(9, 0), Qt::UTC));
    auto stored = nurse.checkups(QStringLiteral("P-00001")).checkups;
    REQUIRE(stored.size() == 2);
    CHECK(stored[0].weightG == 93300);
    CHECK(stored[0].nurseUserId == f.nurse.user.id);
    store::AuditFilter filter;
    filter.table = QStringLiteral("checkup");
    std::vector<store::AuditRecord> records;
    for (const auto& r : store::AuditRepository(*f.db).list(filter))
        if (r.action == QLatin1String("update")) // reads of health data are audited too
            records.push_back(r);
    REQUIRE(records.size() == 1);
    CHECK(records.front().login == f.nurse.user.login);
    CHECK(records.front().recordRef == QStringLiteral("P-00001"));
    CHECK(records.front().detail == QStringLiteral("M0")); // never a value

    // Checked like a new one: plausibility, one checkup per wave; nothing written.
    Checkup implausible = fixed;
    implausible.weightG = 400000;
    CHECK(errorOf([&] {
              nurse.correctCheckup(QStringLiteral("P-00001"), implausible, QStringLiteral("r"));
          }).contains(QStringLiteral("weight_kg")));
    Checkup sameWave = fixed;
    sameWave.wave = QStringLiteral("M6");
    CHECK_FALSE(errorOf([&] {
                    nurse.correctCheckup(QStringLiteral("P-00001"), sameWave, QStringLiteral("r"));
                }).isEmpty());
    CHECK(nurse.checkups(QStringLiteral("P-00001")).checkups[0].weightG == 93300);

    // Someone corrected it meanwhile on another connection: a conflict, their values stay.
    auto second = f.t.open();
    Checkup theirs = fixed;
    theirs.waistMm = 1010;
    HealthService(*second, f.nurse)
        .correctCheckup(QStringLiteral("P-00001"), theirs, QStringLiteral("waist"));
    Checkup mine = fixed; // still version 2
    mine.weightG = 94300;
    try {
        nurse.correctCheckup(QStringLiteral("P-00001"), mine, QStringLiteral("weight again"));
        FAIL("a stale correction was written");
    } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::Conflict);
    }
    stored = nurse.checkups(QStringLiteral("P-00001")).checkups;
    CHECK(stored[0].weightG == 93300);
    CHECK(stored[0].waistMm == 1010);
    CHECK(stored[0].version == 3);
    CHECK(nurse.checkupCorrections(QStringLiteral("P-00001"), fixed.id).size() == 2); // not the stale one

    // Social workers do not write health data; another person's checkup is not found through this one.
    Checkup bySocialWorker = stored[0];
    try {
        HealthService(*f.db, f.socialWorker)
            .correctCheckup(QStringLiteral("P-00001"), bySocialWorker, QStringLiteral("r"));
        FAIL("a social worker corrected a checkup");
    } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::AccessDenied);
    }
    second.reset();
}
