#include "common/Error.h"
#include "security/Access.h"
#include "services/HealthService.h"
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
    Household household;
    Person person;
    Person child;

    explicit Fixture(store::Backend backend) : t(backend)
    {
        db = t.createInitialised();
        socialWorker = test::sessionFor(*db, Role::SocialWorker);
        nurse = test::sessionFor(*db, Role::Nurse);
        household.code = QStringLiteral("MMG-0001");
        household.status = HouseholdStatus::Enrolled;
        household.enrolledOn = QDate(2024, 6, 1);
        HouseholdService(*db, socialWorker).create(household);
        person.householdId = household.id;
        person.code = QStringLiteral("P-00001");
        person.firstName = QStringLiteral("Jean-Pierre");
        person.lastName = QStringLiteral("Nguyễn");
        person.birthDate = QDate(1980, 4, 13);
        HouseholdService(*db, socialWorker).addPerson(person);
        child.householdId = household.id;
        child.code = QStringLiteral("P-00002");
        child.firstName = QStringLiteral("Lina");
        child.lastName = QStringLiteral("Nguyễn");
        child.birthDate = QDate(2015, 2, 3);
        child.role = PersonRole::Child;
        HouseholdService(*db, socialWorker).addPerson(child);
    }

    void consent(const Person& p, bool given, QDate on)
    {
        Consent c;
        c.personId = p.id;
        c.purpose = ConsentPurpose::HealthFollowup;
        c.given = given;
        c.effectiveOn = on;
        HouseholdService(*db, socialWorker).recordConsent(c);
    }

    qint64 rows(const char* table) const
    {
        return t.rawValue(QStringLiteral("SELECT COUNT(*) FROM %1").arg(QLatin1String(table))).toLongLong();
    }
};

PreventionStep step(QDate on)
{
    PreventionStep s;
    s.doneOn = on;
    s.type = PreventionType::ScreeningReferral;
    s.partner = QStringLiteral("CPAM");
    s.outcome = QStringLiteral("Examen de santé prévu");
    s.nextDueOn = on.addMonths(6);
    return s;
}

SupportSession session(QDate on)
{
    SupportSession s;
    s.heldOn = on;
    s.topic = QStringLiteral("Budget alimentaire");
    s.notes = QStringLiteral("Liste de courses préparée ensemble.");
    return s;
}

Error::Kind kindOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.kind();
    }
    FAIL("no error thrown");
    return Error::Kind::Invalid;
}

QString messageOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.message();
    }
    return QString();
}
} // namespace

TEST_CASE("prevention types: codes and names round-trip", "[health][prevention]")
{
    for (PreventionType type : allPreventionTypes()) {
        PreventionType back = PreventionType::Other;
        REQUIRE(fromCode(toCode(type), &back));
        CHECK(back == type);
        REQUIRE(fromCode(displayName(type).toUpper(), &back));
        CHECK(back == type);
    }
    PreventionType unused;
    CHECK_FALSE(fromCode(QStringLiteral("surgery"), &unused));
    CHECK(usualPreventionPartners().contains(QStringLiteral("CPAM")));
}

TEST_CASE("prevention steps and support sessions validate their fields", "[health][prevention]")
{
    PreventionStep s = step(QDate(2024, 7, 1));
    s.personId = 1;
    CHECK(s.validate().isEmpty());
    s.nextDueOn = s.doneOn;
    CHECK(s.validate().join(QLatin1Char('\n')).contains(QStringLiteral("next_due")));
    s.nextDueOn = QDate();
    CHECK(s.validate().isEmpty());
    s.doneOn = QDate();
    s.partner = QString(201, QLatin1Char('x'));
    const QString problems = s.validate().join(QLatin1Char('\n'));
    CHECK(problems.contains(QStringLiteral("date")));
    CHECK(problems.contains(QStringLiteral("partner")));

    SupportSession m = session(QDate(2024, 7, 1));
    CHECK(m.validate().join(QLatin1Char('\n')).contains(QStringLiteral("person_code")));
    m.householdId = 3;
    CHECK(m.validate().isEmpty());
    m.topic = QStringLiteral("   ");
    CHECK(m.validate().join(QLatin1Char('\n')).contains(QStringLiteral("topic")));
}

TEST_CASE("prevention steps are recorded with consent, read back, and audited", "[health][prevention]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 1), QTime(9, 0), Qt::UTC));
    Fixture f(backend);
    const HealthService health(*f.db, f.nurse);

    // No consent yet: refused, nothing written.
    PreventionStep early = step(QDate(2024, 7, 1));
    CHECK(kindOf([&] { health.recordPreventionStep(QStringLiteral("P-00001"), early); }) ==
          Error::Kind::Invalid);
    CHECK(f.rows("prevention_step") == 0);

    f.consent(f.person, true, QDate(2024, 6, 1));
    PreventionStep first = step(QDate(2024, 7, 1));
    health.recordPreventionStep(QStringLiteral("P-00001"), first);
    CHECK(first.id > 0);
    CHECK(first.nurseUserId == f.nurse.user.id);
    PreventionStep second = step(QDate(2024, 9, 15));
    second.type = PreventionType::Dental;
    second.partner = QStringLiteral("MSA");
    second.nextDueOn = QDate();
    health.recordPreventionStep(QStringLiteral("P-00001"), second);

    // In the future: refused.
    PreventionStep future = step(QDate(2025, 3, 2));
    CHECK(messageOf([&] {
              health.recordPreventionStep(QStringLiteral("P-00001"), future);
          }).contains(QStringLiteral("date")));
    // Unknown person.
    PreventionStep nobody = step(QDate(2024, 7, 1));
    CHECK(kindOf([&] { health.recordPreventionStep(QStringLiteral("P-99999"), nobody); }) ==
          Error::Kind::NotFound);

    const auto read = health.preventionSteps(QStringLiteral("P-00001"));
    REQUIRE(read.steps.size() == 2);
    CHECK(read.steps[0] == first);
    CHECK(read.steps[1] == second);
    CHECK_FALSE(read.steps[1].nextDueOn.isValid());
    CHECK_FALSE(read.consentWithdrawn);

    // Withdrawal: the steps stay readable, flagged; no new one after the withdrawal date.
    f.consent(f.person, false, QDate(2025, 1, 10));
    PreventionStep afterWithdrawal = step(QDate(2025, 2, 1));
    CHECK(kindOf([&] { health.recordPreventionStep(QStringLiteral("P-00001"), afterWithdrawal); }) ==
          Error::Kind::Invalid);
    PreventionStep beforeWithdrawal = step(QDate(2025, 1, 5));
    health.recordPreventionStep(QStringLiteral("P-00001"), beforeWithdrawal);
    const auto flagged = health.preventionSteps(QStringLiteral("P-00001"));
    CHECK(flagged.steps.size() == 3);
    CHECK(flagged.consentWithdrawn);

    store::AuditFilter filter;
    filter.table = QStringLiteral("prevention_step");
    int creates = 0, reads = 0;
    for (const auto& r : store::AuditRepository(*f.db).list(filter)) {
        creates += r.action == QLatin1String("create") && r.outcome == QLatin1String("ok");
        reads += r.action == QLatin1String("read") && r.outcome == QLatin1String("ok");
        CHECK(r.recordRef == QStringLiteral("P-00001"));
        CHECK_FALSE(r.detail.contains(QStringLiteral("CPAM")));
    }
    CHECK(creates == 3);
    CHECK(reads == 2);
}

TEST_CASE("support sessions with a person or a household", "[health][prevention]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 1), QTime(9, 0), Qt::UTC));
    Fixture f(backend);
    const HealthService health(*f.db, f.nurse);

    SupportSession household = session(QDate(2024, 8, 1));
    // Nobody in the household has consent yet.
    CHECK(messageOf([&] {
              health.recordHouseholdSupportSession(QStringLiteral("MMG-0001"), household);
          }).contains(QStringLiteral("MMG-0001")));
    CHECK(f.rows("support_session") == 0);

    f.consent(f.child, true, QDate(2024, 6, 1));
    health.recordHouseholdSupportSession(QStringLiteral("MMG-0001"), household);
    CHECK(household.personId == 0);
    CHECK(household.householdId == f.household.id);
    CHECK(household.professionalUserId == f.nurse.user.id);

    SupportSession own = session(QDate(2024, 9, 1));
    // The adult has no consent: refused for them, but the child's session is accepted.
    CHECK(kindOf([&] { health.recordSupportSession(QStringLiteral("P-00001"), own); }) ==
          Error::Kind::Invalid);
    health.recordSupportSession(QStringLiteral("P-00002"), own);
    CHECK(own.householdId == f.household.id);

    SupportSession noTopic = session(QDate(2024, 9, 2));
    noTopic.topic.clear();
    CHECK(messageOf([&] {
              health.recordSupportSession(QStringLiteral("P-00002"), noTopic);
          }).contains(QStringLiteral("topic")));
    CHECK(kindOf([&] { health.recordHouseholdSupportSession(QStringLiteral("MMG-9999"), household); }) ==
          Error::Kind::NotFound);

    // The child sees their own session and the household's; the adult only the household's.
    f.consent(f.person, true, QDate(2024, 6, 1));
    const auto childSessions = health.supportSessions(QStringLiteral("P-00002"));
    REQUIRE(childSessions.sessions.size() == 2);
    CHECK(childSessions.sessions[0] == household);
    CHECK(childSessions.sessions[1] == own);
    const auto adultSessions = health.supportSessions(QStringLiteral("P-00001"));
    REQUIRE(adultSessions.sessions.size() == 1);
    CHECK(adultSessions.sessions[0].personId == 0);
    CHECK(f.rows("support_session") == 2);
}

TEST_CASE("prevention and support are refused to every role but nurses, and the refusal is audited",
          "[health][prevention][access]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 1), QTime(9, 0), Qt::UTC));
    Fixture f(backend);
    f.consent(f.person, true, QDate(2024, 6, 1));
    for (Role role : {Role::SocialWorker, Role::Coordinator, Role::Admin}) {
        INFO(toCode(role).toStdString());
        const Session s = role == Role::SocialWorker ? f.socialWorker : test::sessionFor(*f.db, role);
        const HealthService health(*f.db, s);
        PreventionStep p = step(QDate(2024, 7, 1));
        SupportSession m = session(QDate(2024, 7, 1));
        CHECK(kindOf([&] { health.recordPreventionStep(QStringLiteral("P-00001"), p); }) ==
              Error::Kind::AccessDenied);
        CHECK(kindOf([&] { health.preventionSteps(QStringLiteral("P-00001")); }) ==
              Error::Kind::AccessDenied);
        CHECK(kindOf([&] { health.recordSupportSession(QStringLiteral("P-00001"), m); }) ==
              Error::Kind::AccessDenied);
        CHECK(kindOf([&] { health.recordHouseholdSupportSession(QStringLiteral("MMG-0001"), m); }) ==
              Error::Kind::AccessDenied);
        CHECK(kindOf([&] { health.supportSessions(QStringLiteral("P-00001")); }) ==
              Error::Kind::AccessDenied);
        CHECK(messageOf([&] { health.supportSessions(QStringLiteral("P-00001")); }) ==
              AccessPolicy::refusal(role, DataKind::Health, Action::Read));
    }
    CHECK(f.rows("prevention_step") == 0);
    CHECK(f.rows("support_session") == 0);
    int denied = 0;
    for (const char* table : {"prevention_step", "support_session"}) {
        store::AuditFilter filter;
        filter.table = QLatin1String(table);
        for (const auto& r : store::AuditRepository(*f.db).list(filter))
            denied += r.outcome == QLatin1String("denied");
    }
    CHECK(denied == 3 * 6);
}
