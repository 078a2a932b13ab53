#include "services/HouseholdService.h"
#include "common/Error.h"
#include "store/AuditRepository.h"
#include "store/HouseholdRepository.h"
#include "store/Migrations.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QRegularExpression>
#include <algorithm>
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

namespace {
// The audit records of `table` with `action`, newest first.
std::vector<store::AuditRecord> auditOf(const store::Database& db, const QString& table,
                                        const QString& action)
{
    store::AuditFilter filter;
    filter.table = table;
    std::vector<store::AuditRecord> result;
    for (const auto& r : store::AuditRepository(db).list(filter))
        if (r.action == action)
            result.push_back(r);
    return result;
}

Person byCode(const std::vector<Person>& members, const QString& code)
{
    for (const Person& p : members)
        if (p.code == code)
            return p;
    FAIL("no member " << code.toStdString());
    return Person();
}

MemberEdit departure(const Person& p, QDate on, const QString& reason)
{
    MemberEdit e;
    e.base = p;
    e.mine = p;
    e.mine.leftOn = on;
    e.departureReason = reason;
    return e;
}
} // namespace

TEST_CASE("case file: a member arrives, the allowance counts them from the next first of the month",
          "[households][members]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC));
    Fixture f(backend);
    Household h = f.household(QStringLiteral("MMG-0001"));
    f.person(h, QStringLiteral("P-00001"), QStringLiteral("Marie"), QStringLiteral("Lefèvre"),
             QDate(1980, 1, 2));

    MemberEdit arrival;
    arrival.mine.firstName = QStringLiteral("Noé");
    arrival.mine.lastName = QStringLiteral("Lefèvre");
    arrival.mine.birthDate = QDate(2015, 5, 1);
    arrival.mine.role = PersonRole::Child;
    arrival.mine.arrivedOn = QDate(2025, 3, 5);
    std::vector<MemberEdit> edits{arrival};
    const Household base = h;
    REQUIRE_FALSE(f.service().save(h, base, edits));
    REQUIRE(edits[0].mine.id != 0);
    CHECK(edits[0].mine.code == QStringLiteral("P-00002")); // the next free code
    const auto members = f.service().members(h.id);
    REQUIRE(members.size() == 2);
    CHECK(byCode(members, QStringLiteral("P-00002")).arrivedOn == QDate(2025, 3, 5));
    CHECK(byCode(members, QStringLiteral("P-00002")).householdId == h.id);
    // Arrived on the 5th: not a member on the first of March, a child from April.
    CHECK(f.service().allowance(h.id, QDate(2025, 3, 1)).totalCents == 4000);
    CHECK(f.service().allowance(h.id, QDate(2025, 4, 1)).totalCents == 4000 + 2000);
    // Only the members were saved: the household keeps its version; the arrival is audited.
    CHECK(f.service().find(QStringLiteral("MMG-0001"))->version == base.version);
    const auto created = auditOf(*f.db, QStringLiteral("person"), QStringLiteral("create"));
    REQUIRE_FALSE(created.empty());
    CHECK(created.front().recordRef == QStringLiteral("P-00002"));
    CHECK(created.front().detail == QStringLiteral("arrival"));

    // A new member needs an arrival date; a child of 18 on arrival is an adult: nothing written.
    MemberEdit bad = arrival;
    bad.mine.firstName = QStringLiteral("Zoé");
    bad.mine.arrivedOn = QDate();
    CHECK_FALSE(f.service()
                    .memberProblems(bad)
                    .filter(QRegularExpression(QStringLiteral("^arrived_on: ")))
                    .isEmpty());
    bad.mine.arrivedOn = QDate(2025, 3, 1);
    bad.mine.birthDate = QDate(2000, 1, 1);
    CHECK_FALSE(
        f.service().memberProblems(bad).filter(QRegularExpression(QStringLiteral("^role: "))).isEmpty());
    std::vector<MemberEdit> refused{bad};
    Household again = f.service().find(QStringLiteral("MMG-0001")).value();
    const QString message = errorText([&] { f.service().save(again, again, refused); });
    CHECK(message.contains(QStringLiteral("role: ")));
    CHECK(f.service().members(h.id).size() == 2);
}

TEST_CASE("case file: a departure is dated, has its reason in the journal and stops the allowance next month",
          "[households][members]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 20), QTime(9, 0), Qt::UTC));
    Fixture f(backend);
    Household h = f.household(QStringLiteral("MMG-0001"));
    f.person(h, QStringLiteral("P-00001"), QStringLiteral("Marie"), QStringLiteral("Lefèvre"),
             QDate(1980, 1, 2));
    const Person paul = f.person(h, QStringLiteral("P-00002"), QStringLiteral("Paul"),
                                 QStringLiteral("Lefèvre"), QDate(1978, 6, 9));
    CHECK(f.service().allowance(h.id, QDate(2025, 3, 1)).totalCents == 8000);

    // Located problems, nothing written: no reason, a departure in the future, before the birth.
    CHECK(f.service().memberProblems(departure(paul, QDate(2025, 3, 15), QStringLiteral(" "))) ==
          QStringList{HouseholdService::tr("departure_reason: a departure needs its reason")});
    CHECK(f.service()
              .memberProblems(departure(paul, QDate(2025, 4, 2), QStringLiteral("moved")))
              .filter(QRegularExpression(QStringLiteral("^left_on: ")))
              .size() == 1);
    CHECK(f.service()
              .memberProblems(departure(paul, QDate(1970, 1, 1), QStringLiteral("moved")))
              .filter(QRegularExpression(QStringLiteral("^left_on: ")))
              .size() == 1);
    MemberEdit early = departure(paul, QDate(2025, 1, 10), QStringLiteral("moved"));
    early.mine.arrivedOn = QDate(2025, 2, 1);
    CHECK(f.service().memberProblems(early).contains(
        Person::tr("left_on: the departure is before the arrival")));
    std::vector<MemberEdit> refused{early};
    Household copy = h;
    CHECK(errorKind([&] { f.service().save(copy, h, refused); }) == Error::Kind::Invalid);
    CHECK_FALSE(byCode(f.service().members(h.id), QStringLiteral("P-00002")).leftOn.isValid());
    CHECK(f.service().notes(h.id).empty());

    std::vector<MemberEdit> edits{departure(paul, QDate(2025, 3, 15), QStringLiteral("moved to Toulouse"))};
    REQUIRE_FALSE(f.service().save(copy, h, edits));
    CHECK(edits[0].mine.version == paul.version + 1);
    const auto members = f.service().members(h.id);
    CHECK(byCode(members, QStringLiteral("P-00002")).leftOn == QDate(2025, 3, 15));
    // The reason is data of the member (migration 0009), as well as a line of the journal.
    CHECK(byCode(members, QStringLiteral("P-00002")).departureReason == QStringLiteral("moved to Toulouse"));
    CHECK(byCode(members, QStringLiteral("P-00001")).departureReason.isEmpty());
    // Still a member on 1 March; not on 1 April.
    CHECK(f.service().allowance(h.id, QDate(2025, 3, 1)).totalCents == 8000);
    CHECK(f.service().allowance(h.id, QDate(2025, 4, 1)).totalCents == 4000);
    const auto notes = f.service().notes(h.id);
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].body.contains(QStringLiteral("P-00002")));
    CHECK(notes[0].body.contains(QStringLiteral("moved to Toulouse")));
    const auto updates = auditOf(*f.db, QStringLiteral("person"), QStringLiteral("update"));
    REQUIRE_FALSE(updates.empty());
    CHECK(updates.front().recordRef == QStringLiteral("P-00002"));
    CHECK(updates.front().detail == QStringLiteral("departure"));

    // Correcting the date later (no new reason needed) is a correction, audited with the field.
    MemberEdit fix;
    fix.base = byCode(members, QStringLiteral("P-00002"));
    fix.mine = byCode(members, QStringLiteral("P-00002"));
    fix.mine.leftOn = QDate(2025, 2, 28);
    CHECK(f.service().memberProblems(fix).isEmpty());
    std::vector<MemberEdit> fixes{fix};
    REQUIRE_FALSE(f.service().save(copy, copy, fixes));
    CHECK(f.service().allowance(h.id, QDate(2025, 3, 1)).totalCents == 4000);
    CHECK(auditOf(*f.db, QStringLiteral("person"), QStringLiteral("update")).front().detail ==
          QStringLiteral("left_on"));
    CHECK(byCode(f.service().members(h.id), QStringLiteral("P-00002")).departureReason ==
          QStringLiteral("moved to Toulouse")); // a corrected date keeps the reason
    CHECK(f.service().notes(h.id).size() == 1);

    // Nurses read the case file but do not record departures.
    const Session nurse = test::sessionFor(*f.db, Role::Nurse);
    std::vector<MemberEdit> byNurse{departure(byCode(f.service().members(h.id), QStringLiteral("P-00001")),
                                              QDate(2025, 3, 1), QStringLiteral("x"))};
    CHECK(errorKind([&] { HouseholdService(*f.db, nurse).save(copy, copy, byNurse); }) ==
          Error::Kind::AccessDenied);
}

TEST_CASE("case file: an implausible birth date is refused next to its field", "[households][members]")
{
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 20), QTime(9, 0), Qt::UTC));
    Fixture f(store::Backend::Sqlite);
    MemberEdit e;
    e.mine.firstName = QStringLiteral("Ana");
    e.mine.lastName = QStringLiteral("Silva");
    e.mine.arrivedOn = QDate(2025, 3, 1);
    e.mine.birthDate = QDate(1901, 1, 1);
    CHECK(f.service().memberProblems(e).filter(QRegularExpression(QStringLiteral("^birth_date: "))).size() ==
          1);
    e.mine.birthDate = QDate(2025, 6, 1);
    CHECK(f.service().memberProblems(e).filter(QRegularExpression(QStringLiteral("^birth_date: "))).size() ==
          1);
    e.mine.birthDate = QDate(1990, 6, 1);
    CHECK(f.service().memberProblems(e).isEmpty());
}

TEST_CASE("case file: the referent changes to another social worker, audited, never to a nurse",
          "[households][referent]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC));
    Fixture f(backend);
    const Household base = f.household(QStringLiteral("MMG-0001"));
    const Session karim = test::sessionFor(*f.db, Role::SocialWorker, QStringLiteral("karim"));
    const Session nurse = test::sessionFor(*f.db, Role::Nurse);
    const auto candidates = f.service().referentCandidates();
    CHECK(std::any_of(candidates.begin(), candidates.end(),
                      [&](const User& u) { return u.id == karim.user.id; }));
    CHECK(std::none_of(candidates.begin(), candidates.end(),
                       [&](const User& u) { return u.id == nurse.user.id; }));

    Household mine = base;
    mine.referentUserId = nurse.user.id;
    CHECK(errorText([&] { f.service().save(mine, base); }).startsWith(QStringLiteral("referent: ")));
    CHECK(f.service().find(QStringLiteral("MMG-0001"))->referentUserId == 0);

    mine.referentUserId = karim.user.id;
    REQUIRE_FALSE(f.service().save(mine, base));
    CHECK(f.service().find(QStringLiteral("MMG-0001"))->referentUserId == karim.user.id);
    const auto updates = auditOf(*f.db, QStringLiteral("household"), QStringLiteral("update"));
    REQUIRE_FALSE(updates.empty());
    CHECK(updates.front().detail == QStringLiteral("referent"));
}

TEST_CASE("case file: a member saved meanwhile on another connection is a conflict, resolved field by field",
          "[households][members][conflict]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 20), QTime(9, 0), Qt::UTC));
    Fixture f(backend);
    const Household h = f.household(QStringLiteral("MMG-0001"));
    f.person(h, QStringLiteral("P-00001"), QStringLiteral("Marie"), QStringLiteral("Lefèvre"),
             QDate(1980, 1, 2));
    const Person paul = f.person(h, QStringLiteral("P-00002"), QStringLiteral("Paul"),
                                 QStringLiteral("Lefèvre"), QDate(1978, 6, 9));
    auto second = f.t.open();
    const HouseholdService other(*second, f.socialWorker);

    // They record Paul's departure on the 15th and correct his birth date.
    MemberEdit theirs = departure(paul, QDate(2025, 3, 15), QStringLiteral("moved"));
    theirs.mine.birthDate = QDate(1978, 6, 10);
    std::vector<MemberEdit> theirEdits{theirs};
    Household theirHousehold = h;
    REQUIRE_FALSE(other.save(theirHousehold, h, theirEdits));

    // Meanwhile I record it on the 1st, and a new member arrives: nothing of mine is written.
    MemberEdit arrival;
    arrival.mine.firstName = QStringLiteral("Noé");
    arrival.mine.lastName = QStringLiteral("Lefèvre");
    arrival.mine.birthDate = QDate(2015, 5, 1);
    arrival.mine.role = PersonRole::Child;
    arrival.mine.arrivedOn = QDate(2025, 3, 5);
    std::vector<MemberEdit> mine{departure(paul, QDate(2025, 3, 1), QStringLiteral("left for work")),
                                 arrival};
    Household myHousehold = h;
    const auto conflict = f.service().save(myHousehold, h, mine);
    REQUIRE(conflict);
    CHECK(f.service().members(h.id).size() == 2);
    CHECK(byCode(f.service().members(h.id), QStringLiteral("P-00002")).leftOn == QDate(2025, 3, 15));
    std::map<QString, FieldDifference> byField;
    for (const auto& d : conflict->differences)
        byField[d.field] = d;
    REQUIRE(byField.count(QStringLiteral("member:P-00002:left_on")));
    CHECK(byField[QStringLiteral("member:P-00002:left_on")].clash);
    CHECK(byField[QStringLiteral("member:P-00002:left_on")].theirs == QStringLiteral("2025-03-15"));
    CHECK(byField[QStringLiteral("member:P-00002:left_on")].mine == QStringLiteral("2025-03-01"));
    CHECK_FALSE(byField[QStringLiteral("member:P-00002:birth_date")].clash); // only theirs changed it

    // Keep my date: their birth date stays, the new member goes in, on top of their version.
    auto resolved = conflict->resolvedMembers({QStringLiteral("member:P-00002:left_on")});
    REQUIRE(resolved.size() == 2);
    CHECK(resolved[0].mine.leftOn == QDate(2025, 3, 1));
    CHECK(resolved[0].mine.birthDate == QDate(1978, 6, 10));
    CHECK_FALSE(resolved[0].recordsDeparture()); // theirs recorded it: mine corrects the date
    Household again = conflict->resolved({});
    REQUIRE_FALSE(f.service().save(again, conflict->theirs, resolved));
    const auto members = f.service().members(h.id);
    REQUIRE(members.size() == 3);
    CHECK(byCode(members, QStringLiteral("P-00002")).leftOn == QDate(2025, 3, 1));
    CHECK(byCode(members, QStringLiteral("P-00002")).birthDate == QDate(1978, 6, 10));
    CHECK(byCode(members, QStringLiteral("P-00002")).version == paul.version + 2);
    CHECK(byCode(members, QStringLiteral("P-00003")).firstName == QStringLiteral("Noé"));
    second.reset();
}

TEST_CASE("migration 0009 copies the reasons of earlier departures from the journal", "[households][members]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 20), QTime(9, 0), Qt::UTC));
    Fixture f(backend);
    Household h = f.household(QStringLiteral("MMG-0001"));
    Household other = f.household(QStringLiteral("MMG-0002"));
    const QString codes[] = {QStringLiteral("P-00001"), QStringLiteral("P-00002"), QStringLiteral("P-00003"),
                             QStringLiteral("P-00004"), QStringLiteral("P-00005")};
    for (const QString& code : codes)
        f.person(code == codes[4] ? other : h, code, QStringLiteral("Anne"), QStringLiteral("Martin"),
                 QDate(1980, 1, 2));
    // As before the migration: departures recorded, their reasons only in the journal (one in English, one
    // as the French translation writes it), one departure without a note, a member still present.
    f.t.rawExec(
        QStringLiteral("UPDATE person SET left_on = '2025-01-02', departure_reason = '' WHERE code IN "
                       "('P-00001', 'P-00002', 'P-00003', 'P-00005')"));
    auto note = [&](qint64 household, const QString& body, const QString& at) {
        f.t.rawExec(QStringLiteral("INSERT INTO household_note (household_id, written_at, body) VALUES (%1, "
                                   "'%2', '%3')")
                        .arg(household)
                        .arg(at, body));
    };
    note(h.id, QStringLiteral("Anne Martin (P-00001) left the household on 1/2/25: first reason"),
         QStringLiteral("2025-01-02T10:00:00.000Z"));
    note(h.id, QStringLiteral("Anne Martin (P-00001) left the household on 1/3/25: moved to Lyon: for work"),
         QStringLiteral("2025-01-03T10:00:00.000Z"));
    note(h.id, QStringLiteral("Anne Martin (P-00002) a quitté le foyer le 02/01/2025 : décès"),
         QStringLiteral("2025-01-02T11:00:00.000Z"));
    note(h.id, QStringLiteral("Phoned the household"), QStringLiteral("2025-01-04T10:00:00.000Z"));
    // A note of another household naming P-00005 does not count.
    note(h.id, QStringLiteral("Anne Martin (P-00005) visited: nothing"),
         QStringLiteral("2025-01-04T10:00:00.000Z"));

    const auto it = std::find_if(store::migrations().begin(), store::migrations().end(),
                                 [](const store::Migration& m) { return m.version == 9; });
    REQUIRE(it != store::migrations().end());
    const QString part = backend == store::Backend::Sqlite ? it->sqliteSql : it->postgresSql;
    for (const QString& statement : store::splitSqlStatements(part))
        f.db->execDirect(statement);

    auto reasonOf = [&](const QString& code) {
        return f.t.rawValue(QStringLiteral("SELECT departure_reason FROM person WHERE code = '%1'").arg(code))
            .toString();
    };
    CHECK(reasonOf(codes[0]) == QStringLiteral("moved to Lyon: for work")); // the latest note
    CHECK(reasonOf(codes[1]) == QStringLiteral("décès"));
    CHECK(reasonOf(codes[2]).isEmpty()); // no note
    CHECK(reasonOf(codes[3]).isEmpty()); // still a member
    CHECK(reasonOf(codes[4]).isEmpty()); // the note is another household's
    CHECK(byCode(f.service().members(h.id), codes[1]).departureReason == QStringLiteral("décès"));
}
