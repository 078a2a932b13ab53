#include "store/NameIndex.h"
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
void enrol(const HouseholdService& s, const QString& code, const QString& personCode, const QString& lastName)
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
    p.firstName = QStringLiteral("Anne");
    p.lastName = lastName;
    p.birthDate = QDate(1980, 5, 4);
    s.addPerson(p);
}

std::vector<qint64> found(const store::NameIndex& index, const QString& text)
{
    return index.matching(text, true).value_or(std::vector<qint64>{});
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
