#include "store/NameIndex.h"
#include "demo/DemoGenerator.h"
#include "security/KeyRing.h"
#include "services/HouseholdService.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <catch2/catch.hpp>

using namespace cabas;

namespace {
// A household with one member, written through the service (as another client would: the index under test is
// not the process's shared one, so it only learns of these rows by looking at the database).
qint64 enrol(const HouseholdService& s, const QString& code, const QString& personCode,
             const QString& lastName, const QString& firstName = QStringLiteral("Anne"),
             const QDate& birthDate = QDate(1980, 5, 4))
{
    Household h;
    h.code = code;
    h.commune = QStringLiteral("Auch");
    h.status = HouseholdStatus::Enrolled;
    h.enrolledOn = QDate(2025, 1, 6);
    s.create(h);
    Person p;
    p.householdId = h.id;
    p.code = personCode;
    p.firstName = firstName;
    p.lastName = lastName;
    p.birthDate = birthDate;
    s.addPerson(p);
    return h.id;
}

std::vector<qint64> found(const store::NameIndex& index, const QString& text)
{
    return index.matching(text, true).value_or(std::vector<qint64>{});
}

// Every person of the database, decrypted (through the service).
std::vector<Person> everyone(const HouseholdService& s)
{
    std::vector<Person> persons;
    for (const HouseholdListEntry& e : s.search({}, 100000, 0))
        for (Person& p : s.members(e.household.id))
            persons.push_back(std::move(p));
    return persons;
}

// What the duplicate check must find for `p`, by its definition: the persons whose first and last names give
// the same search key and whose birth date is the same.
std::vector<qint64> expectedDuplicates(const std::vector<Person>& persons, const Person& p)
{
    std::vector<qint64> ids;
    if (!p.birthDate.isValid())
        return ids;
    const QString key = searchKey(p.firstName + QLatin1Char(' ') + p.lastName);
    for (const Person& q : persons)
        if (q.birthDate == p.birthDate && searchKey(q.firstName + QLatin1Char(' ') + q.lastName) == key)
            ids.push_back(q.id);
    std::sort(ids.begin(), ids.end());
    return ids;
}
} // namespace

TEST_CASE("name index: a look reads the recent rows of other clients, and old rows leave its window",
          "[store][sealed][nameindex]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    const QDateTime t0(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC);
    test::ScopedClock clock(t0);
    test::TempDatabase temp(backend);
    auto db = temp.createSealed();
    const Session sw = test::sessionFor(*db, Role::SocialWorker);
    REQUIRE(sw.keys);
    const HouseholdService s(*db, sw);
    enrol(s, QStringLiteral("MMG-0001"), QStringLiteral("P-00001"), QStringLiteral("Quintard"));

    store::NameIndex index;
    index.refresh(*db, *sw.keys);
    REQUIRE(index.ready());
    CHECK(index.persons() == 1);
    CHECK(found(index, QStringLiteral("quin")).size() == 1);

    // Ten minutes later another client enrols a household: the next look finds it.
    clock.clock().set(t0.addSecs(10 * 60));
    enrol(s, QStringLiteral("MMG-0002"), QStringLiteral("P-00002"), QStringLiteral("Verdier"));
    index.refresh(*db, *sw.keys, true);
    CHECK(index.persons() == 2);
    CHECK(found(index, QStringLiteral("verd")).size() == 1);

    // Twenty minutes on, nothing new: the first look still starts a minute before the newest row it saw...
    clock.clock().set(t0.addSecs(30 * 60));
    index.refresh(*db, *sw.keys, true);
    CHECK(index.lastRowsRead() == 2);
    // ... but from then on no more than the allowed lag before our own clock at the previous look: old rows,
    // such as those of a bulk load, are no longer read again at every look.
    index.refresh(*db, *sw.keys, true);
    CHECK(index.lastRowsRead() == 0);

    // A client whose clock is a minute behind ours is still seen.
    clock.clock().set(t0.addSecs(29 * 60));
    enrol(s, QStringLiteral("MMG-0003"), QStringLiteral("P-00003"), QStringLiteral("Marsan"));
    clock.clock().set(t0.addSecs(30 * 60));
    index.refresh(*db, *sw.keys, true);
    CHECK(index.lastRowsRead() == 2);
    CHECK(found(index, QStringLiteral("mars")).size() == 1);

    // Without lookNow, a refresh within two seconds of the last look reads nothing.
    index.refresh(*db, *sw.keys);
    CHECK(index.lastRowsRead() == 0);
    CHECK(index.households() == 3);
}

TEST_CASE("name index: a build in several threads gives the same index as in one, and the same duplicates",
          "[store][sealed][nameindex]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    const QDateTime t0(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC);
    test::ScopedClock clock(t0);
    test::TempDatabase temp(backend);
    auto db = temp.createSealed();
    DemoOptions options;
    options.households = 150;
    const DemoResult demo = DemoGenerator::generate(*db, test::adminSession(*db), options);
    const Session sw = test::sessionFor(*db, Role::SocialWorker);
    REQUIRE(sw.keys);
    const HouseholdService s(*db, sw);
    // Namesakes: the same name and birth date (twice, once with other accents and case), the same name born
    // another day of the same month (the clear column keeps only the month), another name born the same day.
    enrol(s, QStringLiteral("MMG-9001"), QStringLiteral("P-90001"), QStringLiteral("Quintard"));
    enrol(s, QStringLiteral("MMG-9002"), QStringLiteral("P-90002"), QStringLiteral("QUINTARD"),
          QStringLiteral("Anné"));
    enrol(s, QStringLiteral("MMG-9003"), QStringLiteral("P-90003"), QStringLiteral("Quintard"),
          QStringLiteral("Anne"), QDate(1980, 5, 5));
    enrol(s, QStringLiteral("MMG-9004"), QStringLiteral("P-90004"), QStringLiteral("Verdier"));

    store::NameIndex one;
    one.setThreads(1);
    one.refresh(*db, *sw.keys);
    store::NameIndex several;
    several.setThreads(3, 10); // 3 threads from 30 rows on: the demo's persons and households are split
    several.refresh(*db, *sw.keys);
    const std::vector<Person> persons = everyone(s);
    REQUIRE(persons.size() > 300);
    CHECK(one.persons() == qint64(persons.size()));
    CHECK(one.households() == demo.households + 4);
    const QStringList described = one.describe();
    CHECK(described.size() > 1000);
    CHECK(several.describe() == described);

    // The duplicate check decrypts the birth dates of the persons of that name only when it runs: it finds
    // what the definition says, for every person.
    int withNamesakes = 0;
    for (const Person& p : persons) {
        const std::vector<qint64> expected = expectedDuplicates(persons, p);
        CHECK(several.sameNameAndBirthDate(*db, *sw.keys, p.firstName, p.lastName, p.birthDate) == expected);
        if (expected.size() > 1)
            ++withNamesakes;
    }
    CHECK(withNamesakes >= 2);
    const auto anne = one.sameNameAndBirthDate(*db, *sw.keys, QStringLiteral("ANNE"),
                                               QStringLiteral("Quintard"), QDate(1980, 5, 4));
    CHECK(anne.size() == 2);
    CHECK(one.sameNameAndBirthDate(*db, *sw.keys, QStringLiteral("Anne"), QStringLiteral("Quintard"),
                                   QDate(1980, 5, 6))
              .empty());
    CHECK(one.sameNameAndBirthDate(*db, *sw.keys, QStringLiteral("Anne"), QStringLiteral("Quintard"), QDate())
              .empty());

    // Brought up to date (a renamed person, a new member, a new household), the index built in one thread is
    // the same as a new one built in several.
    clock.clock().set(t0.addSecs(10 * 60));
    Person renamed = persons.front();
    renamed.lastName = QStringLiteral("Quintard");
    renamed.firstName = QStringLiteral("Anne");
    renamed.birthDate = QDate(1980, 5, 4);
    s.updatePerson(renamed);
    Person added;
    added.householdId = persons.back().householdId;
    added.code = QStringLiteral("P-90006");
    added.firstName = QStringLiteral("Élodie");
    added.lastName = QStringLiteral("Marsan");
    added.birthDate = QDate(2011, 2, 3);
    s.addPerson(added);
    enrol(s, QStringLiteral("MMG-9005"), QStringLiteral("P-90005"), QStringLiteral("Marsan"));
    one.refresh(*db, *sw.keys, true);
    store::NameIndex fresh;
    fresh.setThreads(2, 10);
    fresh.refresh(*db, *sw.keys);
    CHECK(one.describe() == fresh.describe());
    CHECK(one.describe() != described);
    CHECK(one.sameNameAndBirthDate(*db, *sw.keys, QStringLiteral("Anne"), QStringLiteral("Quintard"),
                                   QDate(1980, 5, 4))
              .size() == 3);
    CHECK(found(one, QStringLiteral("elodie marsan")).size() == 1);
    CHECK(found(one, QStringLiteral("marsan")).size() == 2);
}

TEST_CASE("name index: households and persons changed after the build are found as by a new index",
          "[store][sealed][nameindex]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    const QDateTime t0(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC);
    test::ScopedClock clock(t0);
    test::TempDatabase temp(backend);
    auto db = temp.createSealed();
    DemoOptions options;
    options.households = 120;
    DemoGenerator::generate(*db, test::adminSession(*db), options);
    const Session sw = test::sessionFor(*db, Role::SocialWorker);
    REQUIRE(sw.keys);
    const HouseholdService s(*db, sw);
    store::NameIndex index;
    index.setThreads(2, 10);
    index.refresh(*db, *sw.keys);
    const QStringList before = index.describe();
    const QStringList typed = {
        QStringLiteral("a"),     QStringLiteral("ma"),   QStringLiteral("mar"),
        QStringLiteral("auch"),  QStringLiteral("cond"), QStringLiteral("eauze"),
        QStringLiteral("p"),     QStringLiteral("0"),    QStringLiteral("00"),
        QStringLiteral("mmg 0"), QStringLiteral("z"),    QStringLiteral("quintard anne"),
        QStringLiteral("lef"),   QStringLiteral("n")};

    // Then, in two rounds: the communes of most households (enough for the index to merge its added terms
    // into its sorted base in the first round, not in the second), the names of some of their members
    // (one to a name no one had, one to a name of the base), read at the next look.
    const auto households = s.search({}, 100000, 0);
    REQUIRE(households.size() == 120);
    for (int round = 0; round < 2; ++round) {
        clock.clock().set(t0.addSecs(600 * (round + 1)));
        for (std::size_t i = 0; i < households.size(); ++i) {
            if (round == 1 && i % 9 != 0)
                continue;
            Household h = *s.find(households[i].household.code);
            h.commune = i % 2 ? QStringLiteral("Condom") : QStringLiteral("\u00c9auze");
            s.update(h);
            if (i % 10 == 0) {
                std::vector<Person> members = s.members(h.id);
                REQUIRE(!members.empty());
                members.front().lastName = i % 20 ? QStringLiteral("Quintard") : QStringLiteral("Lefort");
                s.updatePerson(members.front());
            }
        }
        index.refresh(*db, *sw.keys, true);
        store::NameIndex fresh;
        fresh.refresh(*db, *sw.keys);
        CHECK(index.describe() == fresh.describe());
        for (const QString& text : typed) {
            INFO(text.toStdString());
            CHECK(index.matching(text, true) == fresh.matching(text, true));
            CHECK(index.matching(text, false) == fresh.matching(text, false));
        }
    }
    CHECK(index.describe() != before);
    CHECK(found(index, QStringLiteral("auch")).empty());
    CHECK(found(index, QStringLiteral("eauze")).size() == 60);
    CHECK(found(index, QStringLiteral("quintard")).size() >= 6);
}
