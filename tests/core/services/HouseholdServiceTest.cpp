#include "services/HouseholdService.h"
#include "common/Error.h"
#include "store/AuditRepository.h"
#include "store/HouseholdRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <catch2/catch.hpp>
#include <functional>

using namespace cabas;
using cabas::test::TempDatabase;

namespace {
struct Fixture
{
    TempDatabase t;
    std::unique_ptr<store::Database> db;
    Session socialWorker;

    explicit Fixture(store::Backend backend) : t(backend)
    {
        db = t.createInitialised();
        socialWorker = test::sessionFor(*db, Role::SocialWorker);
    }

    HouseholdService service() const { return HouseholdService(*db, socialWorker); }

    Household household(const QString& code, const QString& commune = QStringLiteral("Auch"))
    {
        Household h;
        h.code = code;
        h.commune = commune;
        h.postcode = QStringLiteral("32000");
        h.address = QStringLiteral("3 rue des Lilas");
        h.status = HouseholdStatus::Enrolled;
        h.enrolledOn = QDate(2024, 6, 3);
        service().create(h);
        return h;
    }

    Person person(const Household& h, const QString& code, const QString& first, const QString& last,
                  QDate born, PersonRole role = PersonRole::Adult)
    {
        Person p;
        p.householdId = h.id;
        p.code = code;
        p.firstName = first;
        p.lastName = last;
        p.birthDate = born;
        p.role = role;
        service().addPerson(p);
        return p;
    }
};

Error::Kind errorKind(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.kind();
    }
    FAIL("no error was thrown");
    return Error::Kind::Invalid;
}

QString errorText(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.message();
    }
    return QString();
}

qint64 rows(const TempDatabase& t, const QString& table)
{
    return t.rawValue(QStringLiteral("SELECT count(*) FROM %1").arg(table)).toLongLong();
}
} // namespace

TEST_CASE("the monthly allowance follows the members on the first day, children become adults at 18",
          "[households][allowance]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC));
    Fixture f(backend);
    const Household h = f.household(QStringLiteral("MMG-0001"));
    f.person(h, QStringLiteral("P-00001"), QStringLiteral("Marie"), QStringLiteral("Lefèvre"),
             QDate(1980, 1, 2));
    // 18 on 15 March 2025: a child on 1 March, an adult on 1 April.
    f.person(h, QStringLiteral("P-00002"), QStringLiteral("Léa"), QStringLiteral("Lefèvre"),
             QDate(2007, 3, 15), PersonRole::Child);
    Person baby;
    baby.householdId = h.id;
    baby.code = QStringLiteral("P-00003");
    baby.firstName = QStringLiteral("Tom");
    baby.lastName = QStringLiteral("Lefèvre");
    baby.birthDate = QDate(2025, 3, 2);
    baby.arrivedOn = QDate(2025, 3, 2); // arrives after the first of March
    baby.role = PersonRole::Child;
    f.service().addPerson(baby);

    const auto march = f.service().allowance(h.id, QDate(2025, 3, 20));
    CHECK(march.adults == 1);
    CHECK(march.children == 1);
    CHECK(march.totalCents == 4000 + 2000);
    const auto april = f.service().allowance(h.id, QDate(2025, 4, 1));
    CHECK(april.adults == 2);
    CHECK(april.children == 1);
    CHECK(april.totalCents == 4000 * 2 + 2000);
}

TEST_CASE("status changes keep their history, an exit needs its reason", "[households][status]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC));
    Fixture f(backend);
    Household h = f.household(QStringLiteral("MMG-0001"));
    const HouseholdService s = f.service();

    CHECK(errorKind([&] { s.changeStatus(h, HouseholdStatus::Exited, QDate(2025, 3, 1), QString()); }) ==
          Error::Kind::Invalid);
    CHECK(errorKind([&] { s.changeStatus(h, HouseholdStatus::Suspended, QDate(2025, 4, 1), QString()); }) ==
          Error::Kind::Invalid); // in the future
    CHECK(rows(f.t, QStringLiteral("household_status_event")) == 1);

    s.changeStatus(h, HouseholdStatus::Suspended, QDate(2025, 1, 5), QStringLiteral("card blocked"));
    s.changeStatus(h, HouseholdStatus::Enrolled, QDate(2025, 2, 1), QString());
    s.changeStatus(h, HouseholdStatus::Exited, QDate(2025, 3, 1), QStringLiteral("moved to Toulouse"));
    CHECK(h.status == HouseholdStatus::Exited);
    CHECK(h.exitedOn == QDate(2025, 3, 1));
    CHECK(h.enrolledOn == QDate(2024, 6, 3));

    const auto stored = s.find(QStringLiteral("MMG-0001"));
    REQUIRE(stored);
    CHECK(stored->status == HouseholdStatus::Exited);
    CHECK(stored->exitReason == QStringLiteral("moved to Toulouse"));
    const auto history = s.statusHistory(*stored);
    REQUIRE(history.size() == 4);
    CHECK(history[0].status == HouseholdStatus::Enrolled);
    CHECK(history[0].effectiveOn == QDate(2024, 6, 3));
    CHECK(history[1].status == HouseholdStatus::Suspended);
    CHECK(history[1].reason == QStringLiteral("card blocked"));
    CHECK(history[3].status == HouseholdStatus::Exited);
    CHECK(history[3].recordedByUserId == f.socialWorker.user.id);

    // A nurse reads but does not change statuses; the refusal writes nothing.
    const Session nurse = test::sessionFor(*f.db, Role::Nurse);
    Household again = *stored;
    CHECK(errorKind([&] {
              HouseholdService(*f.db, nurse)
                  .changeStatus(again, HouseholdStatus::Enrolled, QDate(2025, 3, 5), QString());
          }) == Error::Kind::AccessDenied);
    CHECK(rows(f.t, QStringLiteral("household_status_event")) == 4);
}

TEST_CASE("a re-issued card replaces the lost one and both keep their history", "[households][cards]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC));
    Fixture f(backend);
    const Household h = f.household(QStringLiteral("MMG-0001"));
    const HouseholdService s = f.service();
    Card first;
    first.token = QStringLiteral("C-00001");
    first.householdId = h.id;
    first.issuedOn = QDate(2024, 6, 3);
    s.issueCard(first);

    CHECK(errorKind([&] {
              s.reissueCard(QStringLiteral("C-00001"), QStringLiteral("C-00001"), CardStatus::Lost,
                            QDate(2025, 3, 1), QString());
          }) == Error::Kind::Conflict);
    CHECK(errorKind([&] {
              s.reissueCard(QStringLiteral("C-00001"), QStringLiteral("C-00002"), CardStatus::Active,
                            QDate(2025, 3, 1), QString());
          }) == Error::Kind::Invalid);
    CHECK(rows(f.t, QStringLiteral("card")) == 1);

    const Card fresh = s.reissueCard(QStringLiteral("C-00001"), QStringLiteral("C-00002"), CardStatus::Lost,
                                     QDate(2025, 3, 1), QStringLiteral("lost at the market"));
    CHECK(fresh.replacesCardId == first.id);
    CHECK(fresh.householdId == h.id);
    const auto cards = s.cards(h.id);
    REQUIRE(cards.size() == 2);
    CHECK(cards[0].status == CardStatus::Lost);
    CHECK(cards[1].token == QStringLiteral("C-00002"));
    CHECK(cards[1].status == CardStatus::Active);
    const auto oldHistory = s.cardHistory(cards[0]);
    REQUIRE(oldHistory.size() == 2);
    CHECK(oldHistory[0].status == CardStatus::Active);
    CHECK(oldHistory[1].status == CardStatus::Lost);
    CHECK(oldHistory[1].reason == QStringLiteral("lost at the market"));
    CHECK(s.cardHistory(cards[1]).size() == 1);
}

TEST_CASE("a possible duplicate is a person of another household with the same name and birth date",
          "[households][duplicates]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC));
    Fixture f(backend);
    const Household h = f.household(QStringLiteral("MMG-0001"));
    f.person(h, QStringLiteral("P-00001"), QStringLiteral("Hélène"), QStringLiteral("Lefèvre"),
             QDate(1980, 1, 2));

    Person candidate;
    candidate.firstName = QStringLiteral("helene");
    candidate.lastName = QStringLiteral("LEFEVRE");
    candidate.birthDate = QDate(1980, 1, 2);
    const auto found = f.service().possibleDuplicates(candidate);
    REQUIRE(found.size() == 1);
    CHECK(found[0].householdCode == QStringLiteral("MMG-0001"));
    CHECK(found[0].person.code == QStringLiteral("P-00001"));

    candidate.birthDate = QDate(1980, 1, 3);
    CHECK(f.service().possibleDuplicates(candidate).empty());
    candidate.birthDate = QDate(1980, 1, 2);
    candidate.householdId = h.id; // the same household: not a duplicate of another household
    CHECK(f.service().possibleDuplicates(candidate).empty());
}

TEST_CASE("an enrolment is checked field by field and saved all at once", "[households][enrolment]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC));
    Fixture f(backend);
    const HouseholdService s = f.service();
    CHECK(s.nextHouseholdCode() == QStringLiteral("MMG-0001"));
    CHECK(s.nextPersonCode() == QStringLiteral("P-00001"));

    Enrolment e;
    e.household.code = s.nextHouseholdCode();
    e.household.commune = QStringLiteral("Auch");
    e.on = QDate(2025, 3, 3);
    Person child;
    child.code = s.nextPersonCode();
    child.firstName = QStringLiteral("Léo");
    child.lastName = QStringLiteral("Martin");
    child.birthDate = QDate(2030, 1, 1); // in the future
    child.role = PersonRole::Child;
    e.members.push_back(child);
    e.cardToken = QStringLiteral("C 1"); // a space: not a card id

    const QStringList problems = s.enrolmentProblems(e);
    CHECK(
        problems.filter(HouseholdService::tr("member %1").arg(1) + QStringLiteral(": birth_date:")).size() ==
        1);
    CHECK(problems.filter(QStringLiteral("members:")).size() == 1); // no adult
    CHECK(problems.filter(QStringLiteral("card_id:")).size() == 1);
    CHECK(errorKind([&] { s.enrol(e); }) == Error::Kind::Invalid);
    CHECK(rows(f.t, QStringLiteral("household")) == 0);
    CHECK(rows(f.t, QStringLiteral("person")) == 0);

    e.members[0].birthDate = QDate(2015, 5, 5);
    Person adult;
    adult.code = s.nextPersonCode(1);
    adult.firstName = QStringLiteral("Sarah");
    adult.lastName = QStringLiteral("Martin");
    adult.birthDate = QDate(1990, 7, 1);
    e.members.push_back(adult);
    e.consents = {{}, {ConsentPurpose::CaseManagement, ConsentPurpose::HealthFollowup}};
    e.cardToken = QStringLiteral("C-09001");
    CHECK(s.enrolmentProblems(e).isEmpty());
    s.enrol(e);
    CHECK(e.household.id != 0);
    CHECK(rows(f.t, QStringLiteral("person")) == 2);
    CHECK(rows(f.t, QStringLiteral("consent")) == 2);
    CHECK(rows(f.t, QStringLiteral("card")) == 1);
    const auto stored = s.find(e.household.code);
    REQUIRE(stored);
    CHECK(stored->status == HouseholdStatus::Enrolled);
    CHECK(stored->enrolledOn == QDate(2025, 3, 3));
    CHECK(s.nextHouseholdCode() == QStringLiteral("MMG-0002"));
    CHECK(s.nextPersonCode() == QStringLiteral("P-00003"));
    // The same codes again: refused, nothing more written.
    CHECK(s.enrolmentProblems(e).filter(QStringLiteral("household_code:")).size() == 1);
    CHECK(rows(f.t, QStringLiteral("household")) == 1);
}

TEST_CASE(
    "two people saving the same household: the second save returns both versions instead of overwriting",
    "[households][conflict]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC));
    Fixture f(backend);
    const Household base = f.household(QStringLiteral("MMG-0001"));
    auto second = f.t.open(); // another connection: another window, or another computer on PostgreSQL
    const HouseholdService first(*f.db, f.socialWorker);
    const HouseholdService other(*second, f.socialWorker);

    Household theirs = base;
    theirs.address = QStringLiteral("12 avenue Foch");
    theirs.notes = QStringLiteral("prefers phone calls");
    REQUIRE_FALSE(other.save(theirs, base));

    Household mine = base;
    mine.address = QStringLiteral("14 avenue Foch");
    mine.postcode = QStringLiteral("32001");
    const auto conflict = first.save(mine, base);
    REQUIRE(conflict);
    // Nothing of "mine" was written.
    CHECK(f.service().find(QStringLiteral("MMG-0001"))->address == QStringLiteral("12 avenue Foch"));
    CHECK(conflict->theirs.version == 2);
    REQUIRE(conflict->differences.size() == 3);
    std::map<QString, FieldDifference> byField;
    for (const auto& d : conflict->differences)
        byField[d.field] = d;
    CHECK(byField[QStringLiteral("address")].clash);
    CHECK(byField[QStringLiteral("address")].theirs == QStringLiteral("12 avenue Foch"));
    CHECK(byField[QStringLiteral("address")].mine == QStringLiteral("14 avenue Foch"));
    CHECK_FALSE(byField[QStringLiteral("postcode")].clash); // only mine changed it
    CHECK_FALSE(byField[QStringLiteral("notes")].clash);    // only theirs changed it

    // Keep my address: theirs notes stay, my postcode goes in.
    Household resolved = conflict->resolved({QStringLiteral("address")});
    CHECK(resolved.address == QStringLiteral("14 avenue Foch"));
    CHECK(resolved.notes == QStringLiteral("prefers phone calls"));
    CHECK(resolved.postcode == QStringLiteral("32001"));
    REQUIRE_FALSE(first.save(resolved, conflict->theirs));
    const auto stored = f.service().find(QStringLiteral("MMG-0001"));
    CHECK(stored->address == QStringLiteral("14 avenue Foch"));
    CHECK(stored->notes == QStringLiteral("prefers phone calls"));
    CHECK(stored->version == 3);
    second.reset();
}

TEST_CASE("notes of the case file: dated, by their author, not shown to coordinators", "[households][notes]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC));
    Fixture f(backend);
    const Household h = f.household(QStringLiteral("MMG-0001"));
    CHECK(errorKind([&] { f.service().addNote(QStringLiteral("MMG-0001"), QStringLiteral("   ")); }) ==
          Error::Kind::Invalid);
    f.service().addNote(QStringLiteral("MMG-0001"), QStringLiteral("Visit at home, all fine."));
    const auto notes = f.service().notes(h.id);
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].body == QStringLiteral("Visit at home, all fine."));
    CHECK(notes[0].authorUserId == f.socialWorker.user.id);
    CHECK(notes[0].writtenAt == QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC));
    const Session coordinator = test::sessionFor(*f.db, Role::Coordinator);
    CHECK(HouseholdService(*f.db, coordinator).notes(h.id).empty());
    CHECK(errorKind([&] {
              HouseholdService(*f.db, coordinator).addNote(QStringLiteral("MMG-0001"), QStringLiteral("x"));
          }) == Error::Kind::AccessDenied);
    CHECK_FALSE(
        errorText([&] { f.service().addNote(QStringLiteral("MMG-9999"), QStringLiteral("x")); }).isEmpty());
}
