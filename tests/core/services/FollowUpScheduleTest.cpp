#include "services/FollowUpSchedule.h"
#include "common/Error.h"
#include "services/HealthService.h"
#include "services/HouseholdService.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <catch2/catch.hpp>

using namespace cabas;
using cabas::test::TempDatabase;

namespace {
const FollowUpItem* find(const std::vector<FollowUpItem>& items, const QString& person, const QString& wave)
{
    for (const FollowUpItem& i : items)
        if (i.personCode == person && i.wave == wave)
            return &i;
    return nullptr;
}
} // namespace

TEST_CASE("the nurses' work list: due, overdue, done and upcoming waves", "[health][schedule]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2024, 6, 10), QTime(9, 0), Qt::UTC));
    TempDatabase t(backend);
    auto db =
        t.createInitialised(); // default programme from 1 June 2024: M0, M6 (182 d), M12, M18, ± 30 days
    const Session sw = test::sessionFor(*db, Role::SocialWorker);
    const Session nurse = test::sessionFor(*db, Role::Nurse);
    HouseholdService households(*db, sw);
    Household h;
    h.code = QStringLiteral("MMG-0001");
    h.commune = QStringLiteral("Auch");
    h.status = HouseholdStatus::Enrolled;
    h.enrolledOn = QDate(2024, 6, 4);
    households.create(h);
    auto addPerson = [&](const QString& code, QDate birth, QDate arrived, bool consent) {
        Person p;
        p.householdId = h.id;
        p.code = code;
        p.firstName = QStringLiteral("Prénom");
        p.lastName = code;
        p.birthDate = birth;
        p.arrivedOn = arrived;
        p.role = arrived.isValid() ? PersonRole::Child : PersonRole::Adult;
        households.addPerson(p);
        if (consent) {
            Consent c;
            c.personId = p.id;
            c.purpose = ConsentPurpose::HealthFollowup;
            c.effectiveOn = arrived.isValid() ? arrived : h.enrolledOn;
            households.recordConsent(c);
        }
        return p;
    };
    const Person anne = addPerson(QStringLiteral("P-A"), QDate(1980, 1, 1), QDate(), true);
    addPerson(QStringLiteral("P-B"), QDate(1982, 1, 1), QDate(), false);
    addPerson(QStringLiteral("P-C"), QDate(2024, 9, 1), QDate(2024, 9, 1), true);
    Checkup m0;
    m0.wave = QStringLiteral("M0");
    m0.takenOn = QDate(2024, 6, 14);
    m0.weightG = 70000;
    HealthService(*db, nurse).recordCheckup(QStringLiteral("P-A"), m0);

    const auto items = FollowUpSchedule(*db, nurse).items(QDate(2024, 12, 10));
    CHECK(items.size() == 8); // two consenting persons x four waves
    REQUIRE(find(items, QStringLiteral("P-A"), QStringLiteral("M0")));
    CHECK(find(items, QStringLiteral("P-A"), QStringLiteral("M0"))->status == WaveStatus::Done);
    const FollowUpItem* m6 = find(items, QStringLiteral("P-A"), QStringLiteral("M6"));
    REQUIRE(m6);
    CHECK(m6->status == WaveStatus::Due);
    CHECK(m6->target == QDate(2024, 12, 3));
    CHECK(m6->windowEnd == QDate(2025, 1, 2));
    CHECK(m6->commune == QStringLiteral("Auch"));
    CHECK(find(items, QStringLiteral("P-A"), QStringLiteral("M12"))->status == WaveStatus::Upcoming);
    CHECK(find(items, QStringLiteral("P-C"), QStringLiteral("M0"))->status ==
          WaveStatus::Overdue); // from 1 Sept
    CHECK(find(items, QStringLiteral("P-C"), QStringLiteral("M6"))->target == QDate(2025, 3, 2));
    CHECK_FALSE(find(items, QStringLiteral("P-B"), QStringLiteral("M0")));

    // After a withdrawal the person stays on the list, flagged; the next day the window closes.
    Consent withdrawal;
    withdrawal.personId = anne.id;
    withdrawal.purpose = ConsentPurpose::HealthFollowup;
    withdrawal.given = false;
    withdrawal.effectiveOn = QDate(2024, 12, 1);
    households.recordConsent(withdrawal);
    const auto after = FollowUpSchedule(*db, nurse).items(QDate(2025, 1, 3));
    CHECK(find(after, QStringLiteral("P-A"), QStringLiteral("M6"))->consentWithdrawn);
    CHECK(find(after, QStringLiteral("P-A"), QStringLiteral("M6"))->status == WaveStatus::Overdue);

    CHECK_THROWS_AS(FollowUpSchedule(*db, sw).items(QDate(2024, 12, 10)), Error);
}
