#include "demo/DemoGenerator.h"
#include "common/Error.h"
#include "store/HouseholdRepository.h"
#include "store/UserRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QRegularExpression>
#include <QSet>
#include <catch2/catch.hpp>

using namespace cabas;
using cabas::test::TempDatabase;

namespace {
// A fingerprint of what the demo wrote, independent of database ids.
QStringList fingerprint(const store::Database& db)
{
    QStringList rows;
    store::HouseholdRepository households(db);
    store::PersonRepository persons(db);
    store::CardRepository cards(db);
    for (const Household& h : households.list()) {
        rows << QStringLiteral("%1|%2|%3|%4")
                    .arg(h.code, h.commune, toCode(h.status), h.enrolledOn.toString(Qt::ISODate));
        for (const Person& p : persons.forHousehold(h.id))
            rows << QStringLiteral("  %1|%2|%3|%4")
                        .arg(p.code, p.fullName(), p.birthDate.toString(Qt::ISODate), toCode(p.role));
        for (const Card& c : cards.forHousehold(h.id))
            rows << QStringLiteral("  %1|%2").arg(c.token, toCode(c.status));
    }
    return rows;
}
} // namespace

TEST_CASE("the demo is realistic and deterministic", "[demo]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase a(backend);
    TempDatabase b(store::Backend::Sqlite);
    auto dbA = a.createInitialised();
    auto dbB = b.createInitialised();
    DemoOptions options;
    const DemoResult r = DemoGenerator::generate(*dbA, test::adminSession(*dbA), options);
    DemoGenerator::generate(*dbB, test::adminSession(*dbB), options);
    CHECK(r.households == 60);
    CHECK(r.persons > 100);
    CHECK(r.cards >= 50);
    CHECK(r.staff == 4);
    CHECK(fingerprint(*dbA) == fingerprint(*dbB));

    // French names with accents, children and adults, a lost card replaced, several statuses.
    store::HouseholdRepository households(*dbA);
    store::PersonRepository persons(*dbA);
    store::CardRepository cards(*dbA);
    QSet<QString> statuses;
    int children = 0, accented = 0, replaced = 0;
    for (const Household& h : households.list()) {
        statuses << toCode(h.status);
        for (const Person& p : persons.forHousehold(h.id)) {
            children += p.role == PersonRole::Child;
            accented += p.fullName() != p.fullName()
                                            .normalized(QString::NormalizationForm_D)
                                            .remove(QRegularExpression(QStringLiteral("\\p{M}")));
        }
        for (const Card& c : cards.forHousehold(h.id))
            replaced += c.replacesCardId != 0;
    }
    CHECK(children > 10);
    CHECK(accented > 5);
    CHECK(replaced >= 1);
    CHECK(statuses.contains(QStringLiteral("enrolled")));
    CHECK(statuses.size() >= 3);
    CHECK(store::UserRepository(*dbA).findByLogin(QStringLiteral("amelie.roux"))->role == Role::SocialWorker);
}

TEST_CASE("the demo refuses a database that already has households", "[demo]")
{
    TempDatabase t(store::Backend::Sqlite);
    auto db = t.createInitialised();
    DemoOptions options;
    options.households = 3;
    DemoGenerator::generate(*db, test::adminSession(*db), options);
    CHECK_THROWS_AS(DemoGenerator::generate(*db, test::adminSession(*db), options), Error);
    CHECK(store::HouseholdRepository(*db).count() == 3);
}

TEST_CASE("a cancelled demo writes nothing", "[demo]")
{
    TempDatabase t(store::Backend::Sqlite);
    auto db = t.createInitialised();
    std::atomic_bool cancel{false};
    DemoOptions options;
    options.households = 5000;
    options.cancel = &cancel;
    options.progress = [&](int done, int) {
        if (done >= 2000)
            cancel = true;
    };
    CHECK_THROWS_AS(DemoGenerator::generate(*db, test::adminSession(*db), options), Error);
    CHECK(store::HouseholdRepository(*db).count() == 0);
    CHECK(store::UserRepository(*db).count() == 1);
}

TEST_CASE("the demo size is bounded", "[demo]")
{
    TempDatabase t(store::Backend::Sqlite);
    auto db = t.createInitialised();
    DemoOptions options;
    options.households = 0;
    CHECK_THROWS_AS(DemoGenerator::generate(*db, test::adminSession(*db), options), Error);
    options.households = DemoGenerator::kMaxHouseholds + 1;
    CHECK_THROWS_AS(DemoGenerator::generate(*db, test::adminSession(*db), options), Error);
}

TEST_CASE("the demo puts nothing in the future", "[demo]")
{
    TempDatabase t(store::Backend::Sqlite);
    std::unique_ptr<store::Database> db;
    {
        test::ScopedClock start(QDateTime(QDate(2024, 6, 10), QTime(9, 0), Qt::UTC));
        db = t.createInitialised(); // the default programme starts on 1 June 2024
    }
    test::ScopedClock now(QDateTime(QDate(2024, 10, 15), QTime(9, 0), Qt::UTC));
    DemoOptions options;
    options.households = 300;
    DemoGenerator::generate(*db, test::adminSession(*db), options);
    const QDate today(2024, 10, 15);
    store::HouseholdRepository households(*db);
    store::PersonRepository persons(*db);
    store::CardRepository cards(*db);
    int lateEnrolments = 0;
    for (const Household& h : households.list()) {
        if (h.enrolledOn.isValid()) {
            CHECK(h.enrolledOn >= QDate(2024, 6, 1));
            CHECK(h.enrolledOn <= today);
            lateEnrolments += h.enrolledOn > QDate(2024, 9, 1);
        }
        if (h.exitedOn.isValid())
            CHECK(h.exitedOn <= today);
        for (const Person& p : persons.forHousehold(h.id)) {
            CHECK(p.birthDate <= today);
            if (p.arrivedOn.isValid())
                CHECK(p.arrivedOn <= today);
        }
        for (const Card& c : cards.forHousehold(h.id))
            CHECK(c.issuedOn <= today);
    }
    CHECK(lateEnrolments > 10);
}
