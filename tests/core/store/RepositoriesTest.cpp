#include "common/Error.h"
#include "store/HouseholdRepository.h"
#include "store/ProgrammeRepository.h"
#include "store/UserRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <catch2/catch.hpp>

using namespace cabas;
using namespace cabas::store;
using cabas::test::TempDatabase;

namespace {
Household household(const QString& code)
{
    Household h;
    h.code = code;
    h.address = QStringLiteral("3 rue Gambetta");
    h.commune = QStringLiteral("Auch");
    h.postcode = QStringLiteral("32000");
    h.status = HouseholdStatus::Enrolled;
    h.enrolledOn = QDate(2024, 6, 4);
    return h;
}

Person person(qint64 householdId, const QString& code, const QString& first, const QString& last,
              PersonRole role, QDate birth)
{
    Person p;
    p.householdId = householdId;
    p.code = code;
    p.firstName = first;
    p.lastName = last;
    p.role = role;
    p.birthDate = birth;
    p.sex = Sex::Female;
    return p;
}

Error::Kind kindOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.kind();
    }
    FAIL("no error was thrown");
    return Error::Kind::Invalid;
}
} // namespace

TEST_CASE("the programme is stored with its rules, waves and categories", "[store][repositories]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2024, 5, 20), QTime(9, 0), Qt::UTC));
    TempDatabase t(backend);
    auto db = t.create();
    ProgrammeRepository repo(*db);
    CHECK_FALSE(repo.load().has_value());

    Programme p = Programme::defaults(QDate(2024, 6, 1));
    p.name = QStringLiteral("Mieux Man'Gers pour Tous");
    p.bonusRules.push_back(
        {0, QStringLiteral("Bonus +50 %"), 5000, std::nullopt, QDate(2024, 6, 1), QDate(2025, 1, 31)});
    p.bonusRules.push_back({0, QStringLiteral("Bonus plafonné"), 2500, 2500, QDate(2025, 2, 1), QDate()});
    {
        Database::Transaction tx(*db);
        repo.save(p);
        tx.commit();
    }
    CHECK(p.id != 0);
    auto loaded = repo.load();
    REQUIRE(loaded);
    // Rule ids are assigned by the database; compare the rest.
    for (auto& r : loaded->bonusRules)
        r.id = 0;
    CHECK(*loaded == p);

    // Optimistic versioning: a stale copy cannot overwrite a newer save.
    Programme stale = *loaded;
    loaded->disclosureThreshold = 15;
    repo.save(*loaded);
    stale.name = QStringLiteral("Autre nom");
    CHECK(kindOf([&] { repo.save(stale); }) == Error::Kind::Conflict);
    CHECK(repo.load()->name == QStringLiteral("Mieux Man'Gers pour Tous"));
    CHECK(repo.load()->disclosureThreshold == 15);

    Programme invalid = *repo.load();
    invalid.waves.clear();
    CHECK(kindOf([&] { repo.save(invalid); }) == Error::Kind::Invalid);
}

TEST_CASE("households, persons, cards and consents round-trip", "[store][repositories]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.createInitialised();
    HouseholdRepository households(*db);
    PersonRepository persons(*db);
    CardRepository cards(*db);
    ConsentRepository consents(*db);

    Household h = household(QStringLiteral("MMG-0042"));
    h.notes = QStringLiteral("Préfère les rendez-vous le matin");
    households.insert(h);
    CHECK(h.id != 0);
    CHECK(h.version == 1);
    CHECK(*households.findByCode(QStringLiteral("MMG-0042")) == h);
    CHECK(*households.findById(h.id) == h);
    CHECK(households.count() == 1);

    Person adult = person(h.id, QStringLiteral("P-00017"), QStringLiteral("Hélène"),
                          QStringLiteral("Lefèvre"), PersonRole::Adult, QDate(1980, 4, 13));
    Person child = person(h.id, QStringLiteral("P-00018"), QStringLiteral("Léa"), QStringLiteral("Lefèvre"),
                          PersonRole::Child, QDate(2013, 7, 6));
    child.arrivedOn = QDate(2024, 7, 1);
    persons.insert(adult);
    persons.insert(child);
    const auto members = persons.forHousehold(h.id);
    REQUIRE(members.size() == 2);
    CHECK(members[0] == adult);
    CHECK(members[1] == child);

    Card first;
    first.token = QStringLiteral("C-0042");
    first.householdId = h.id;
    first.issuedOn = QDate(2024, 6, 4);
    cards.insert(first);
    cards.setStatus(first.id, CardStatus::Lost);
    Card second;
    second.token = QStringLiteral("C-0042-2");
    second.householdId = h.id;
    second.issuedOn = QDate(2024, 9, 1);
    second.replacesCardId = first.id;
    cards.insert(second);
    const auto householdCards = cards.forHousehold(h.id);
    REQUIRE(householdCards.size() == 2);
    CHECK(householdCards[0].status == CardStatus::Lost);
    CHECK(householdCards[1].replacesCardId == first.id);
    CHECK(cards.findByToken(QStringLiteral("C-0042-2"))->householdId == h.id);

    // Consent: given at enrolment, withdrawn later.
    Consent given;
    given.personId = adult.id;
    given.purpose = ConsentPurpose::HealthFollowup;
    given.given = true;
    given.effectiveOn = QDate(2024, 6, 4);
    consents.record(given);
    Consent withdrawn = given;
    withdrawn.given = false;
    withdrawn.effectiveOn = QDate(2025, 1, 10);
    withdrawn.note = QStringLiteral("Ne souhaite plus de suivi");
    consents.record(withdrawn);
    CHECK_FALSE(consents.isGiven(adult.id, ConsentPurpose::HealthFollowup, QDate(2024, 6, 3)));
    CHECK(consents.isGiven(adult.id, ConsentPurpose::HealthFollowup, QDate(2024, 12, 31)));
    CHECK_FALSE(consents.isGiven(adult.id, ConsentPurpose::HealthFollowup, QDate(2025, 1, 10)));
    CHECK_FALSE(consents.isGiven(adult.id, ConsentPurpose::ResearchExport, QDate(2024, 12, 31)));
    const auto history = consents.forPerson(adult.id);
    REQUIRE(history.size() == 2);
    CHECK(history[1].note == QStringLiteral("Ne souhaite plus de suivi"));
}

TEST_CASE("codes are never reused", "[store][repositories]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.createInitialised();
    HouseholdRepository households(*db);
    Household h = household(QStringLiteral("MMG-0001"));
    households.insert(h);
    Household again = household(QStringLiteral("MMG-0001"));
    CHECK(kindOf([&] { households.insert(again); }) == Error::Kind::Conflict);
    PersonRepository persons(*db);
    Person p = person(h.id, QStringLiteral("P-1"), QStringLiteral("A"), QStringLiteral("B"),
                      PersonRole::Adult, QDate(1990, 1, 1));
    persons.insert(p);
    Person twin = p;
    twin.id = 0;
    CHECK(kindOf([&] { persons.insert(twin); }) == Error::Kind::Conflict);
    CHECK(households.highestCodeNumber(QStringLiteral("MMG")) == 1);
}

TEST_CASE("two editors of one household: the second save does not overwrite the first",
          "[store][repositories]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.createInitialised();
    auto other = db->reopen();
    HouseholdRepository mine(*db);
    HouseholdRepository theirs(*other);
    Household h = household(QStringLiteral("MMG-0007"));
    mine.insert(h);

    Household a = *mine.findById(h.id);
    Household b = *theirs.findById(h.id);
    a.notes = QStringLiteral("Note de Amélie");
    mine.update(a);
    CHECK(a.version == 2);
    b.commune = QStringLiteral("Condom");
    CHECK(kindOf([&] { theirs.update(b); }) == Error::Kind::Conflict);
    const Household stored = *mine.findById(h.id);
    CHECK(stored.notes == QStringLiteral("Note de Amélie"));
    CHECK(stored.commune == QStringLiteral("Auch"));
}

TEST_CASE("invalid records are refused before anything is written", "[store][repositories]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.createInitialised();
    HouseholdRepository households(*db);
    Household bad = household(QStringLiteral("MMG-0001"));
    bad.postcode = QStringLiteral("ABCDE");
    CHECK(kindOf([&] { households.insert(bad); }) == Error::Kind::Invalid);
    std::vector<Household> batch{household(QStringLiteral("MMG-0002")), bad};
    CHECK(kindOf([&] { households.insertMany(batch); }) == Error::Kind::Invalid);
    CHECK(households.count() == 0);
}

TEST_CASE("bulk inserts assign every id", "[store][repositories]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.createInitialised();
    HouseholdRepository households(*db);
    std::vector<Household> many;
    for (int i = 1; i <= 1234; ++i)
        many.push_back(household(QStringLiteral("MMG-%1").arg(i, 4, 10, QLatin1Char('0'))));
    {
        Database::Transaction tx(*db);
        households.insertMany(many);
        tx.commit();
    }
    CHECK(households.count() == 1234);
    for (const Household& h : {many.front(), many[617], many.back()}) {
        REQUIRE(h.id != 0);
        CHECK(households.findById(h.id)->code == h.code);
    }
    CHECK(households.list(10, 5).front().code == QStringLiteral("MMG-0006"));
    CHECK(households.highestCodeNumber(QStringLiteral("MMG")) == 1234);
}

TEST_CASE("users are stored with their role and hash", "[store][repositories]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.createInitialised();
    UserRepository users(*db);
    User nurse;
    nurse.login = QStringLiteral("claire.dupuis");
    nurse.displayName = QStringLiteral("Claire Dupuis");
    nurse.role = Role::Nurse;
    nurse.createdAt = QDateTime(QDate(2024, 6, 1), QTime(8, 0), Qt::UTC);
    users.add(nurse, QStringLiteral("hash"));
    CHECK(*users.findByLogin(QStringLiteral("claire.dupuis")) == nurse);
    CHECK(users.passwordHash(nurse.id) == QStringLiteral("hash"));
    CHECK(users.count() == 2);
    User again = nurse;
    CHECK(kindOf([&] { users.add(again, QStringLiteral("h")); }) == Error::Kind::Conflict);
}
