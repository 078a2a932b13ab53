#include "store/BulkInserter.h"
#include "common/Error.h"
#include "store/HouseholdRepository.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <catch2/catch.hpp>

using namespace cabas;
using namespace cabas::store;
using cabas::test::TempDatabase;

TEST_CASE("bulk inserts keep awkward text, nulls and booleans intact", "[store][bulk]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.createInitialised();
    const QStringList awkward = {
        QStringLiteral("il a dit \"bonjour\""),
        QStringLiteral("C:\\Users\\anne"),
        QStringLiteral("{a,b},(c)"),
        QStringLiteral("NULL"),
        QStringLiteral("l'été à Auch; 100 %"),
        QStringLiteral(""),
        QStringLiteral("Nguyễn 😀\nligne 2"),
        QStringLiteral("\\\""),
    };
    std::vector<Household> households;
    for (int i = 0; i < awkward.size(); ++i) {
        Household h;
        h.code = QStringLiteral("MMG-%1").arg(i + 1, 4, 10, QLatin1Char('0'));
        h.notes = awkward[i];
        h.status = i % 2 ? HouseholdStatus::Candidate : HouseholdStatus::Enrolled;
        if (h.status == HouseholdStatus::Enrolled)
            h.enrolledOn = QDate(2024, 6, 1).addDays(i);
        households.push_back(h);
    }
    {
        Database::Transaction tx(*db);
        HouseholdRepository(*db).insertMany(households);
        tx.commit();
    }
    HouseholdRepository repo(*db);
    for (const Household& h : households) {
        const auto stored = repo.findById(h.id);
        REQUIRE(stored);
        CHECK(stored->notes == h.notes);
        CHECK(stored->enrolledOn == h.enrolledOn);
        CHECK(stored->status == h.status);
    }

    // Booleans and null ids through a table with those types.
    Person p;
    p.householdId = households[0].id;
    p.code = QStringLiteral("P-1");
    p.firstName = QStringLiteral("A");
    p.lastName = QStringLiteral("B");
    p.birthDate = QDate(1990, 1, 1);
    PersonRepository(*db).insert(p);
    std::vector<Consent> consents;
    for (bool given : {true, false, true}) {
        Consent c;
        c.personId = p.id;
        c.purpose = ConsentPurpose::ResearchExport;
        c.given = given;
        c.effectiveOn = QDate(2024, 6, 1).addDays(int(consents.size()) * 10);
        consents.push_back(c); // recorded_by stays NULL
    }
    ConsentRepository(*db).recordMany(consents);
    const auto stored = ConsentRepository(*db).forPerson(p.id);
    REQUIRE(stored.size() == 3);
    CHECK(stored[0].given);
    CHECK_FALSE(stored[1].given);
    CHECK(stored[2].given);
    CHECK(stored[1].recordedByUserId == 0);
}

TEST_CASE("a failing bulk insert names the database's reason", "[store][bulk]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.createInitialised();
    Database::Transaction tx(*db);
    BulkInserter inserter(*db, QStringLiteral("household"),
                          {QStringLiteral("code"), QStringLiteral("status"), QStringLiteral("created_at"),
                           QStringLiteral("updated_at")});
    const QVariant now = QStringLiteral("2024-06-01T00:00:00.000Z");
    try {
        inserter.add({QStringLiteral("MMG-1"), QStringLiteral("enrolled"), now, now});
        inserter.add({QStringLiteral("MMG-1"), QStringLiteral("enrolled"), now, now});
        inserter.flush();
        FAIL("the duplicate code was accepted");
    } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::Conflict);
    }
}
