#include "services/LedgerService.h"
#include "common/Error.h"
#include "core/store/LedgerTestUtil.h"
#include "store/AuditRepository.h"
#include "store/LedgerRepository.h"
#include "support/TestDatabase.h"

#include <QJsonDocument>
#include <catch2/catch.hpp>

using namespace cabas;
using namespace Qt::StringLiterals;
using cabas::test::ledgerEntry;
using cabas::test::TempDatabase;

namespace {
struct Fixture
{
    TempDatabase t;
    std::unique_ptr<store::Database> db;
    qint64 household = 0;

    explicit Fixture(store::Backend backend) : t(backend)
    {
        db = t.createInitialised();
        household = test::addHousehold(*db, u"MMG-0001"_s);
        test::addHousehold(*db, u"MMG-0002"_s);
        test::addCard(*db, u"C-1"_s, household);
        LedgerEntry hyper =
            ledgerEntry(u"e-4"_s, 1, u"C-1"_s, u"purchase"_s, -3000, u"2024-07-02T10:00:00+02:00"_s);
        hyper.merchant = test::supermarket();
        EntryPage page;
        page.entries = {
            ledgerEntry(u"e-1"_s, 1, u"C-1"_s, u"allowance"_s, 6000, u"2024-06-01T00:10:00+02:00"_s),
            ledgerEntry(u"e-2"_s, 1, u"C-1"_s, u"purchase"_s, -2000, u"2024-06-10T10:00:00+02:00"_s,
                        u"pending"_s),
            ledgerEntry(u"e-2"_s, 2, u"C-1"_s, u"purchase"_s, -2000, u"2024-06-10T10:00:00+02:00"_s),
            ledgerEntry(u"e-3"_s, 1, u"C-1"_s, u"bonus"_s, 1000, u"2024-06-10T10:00:00+02:00"_s),
            hyper,
            ledgerEntry(u"e-5"_s, 1, u"C-1"_s, u"transfer"_s, -500, u"2024-07-03T10:00:00+02:00"_s),
            ledgerEntry(u"e-6"_s, 1, u"C-9"_s, u"allowance"_s, 4000, u"2024-06-01T00:10:00+02:00"_s),
            ledgerEntry(u"e-7"_s, 1, u"C-9"_s, u"purchase"_s, -100, u"2024-06-02T00:10:00+02:00"_s,
                        u"voided"_s),
        };
        page.nextCursor = u"c"_s;
        store::LedgerRepository(*db).applyEntryPage(page);
    }
};

bool denied(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.kind() == Error::Kind::AccessDenied;
    }
    return false;
}
} // namespace

TEST_CASE("ledger service: spending, sustainable share, transfers excluded", "[services][ledger]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    Fixture f(backend);
    const LedgerService service(*f.db, test::sessionFor(*f.db, Role::SocialWorker));

    const auto all = service.spending(f.household);
    CHECK(all.allowanceCents == 6000);
    CHECK(all.bonusCents == 1000);
    CHECK(all.spentCents == 5000); // the transfer is not spending
    CHECK(all.sustainableSpentCents == 2000);
    REQUIRE(all.sustainableSharePct);
    CHECK(*all.sustainableSharePct == Approx(40.0));
    const auto june = service.spending(f.household, QDate(2024, 6, 1), QDate(2024, 6, 30));
    CHECK(june.spentCents == 2000);
    CHECK(*june.sustainableSharePct == Approx(100.0));
    const auto empty = service.spending(f.household, QDate(2025, 1, 1), QDate(2025, 1, 31));
    CHECK_FALSE(empty.sustainableSharePct); // nothing spent: no share, not 0
    CHECK(LedgerService::sharePct(1, 3) == Approx(33.3));

    const auto months = service.months(f.household);
    REQUIRE(months.size() == 2);
    CHECK(months[1].spentCents == 3000);
    CHECK(service.balance(f.household).postedCents == 6000 - 2000 + 1000 - 3000 - 500);

    store::LedgerMovementFilter transfers;
    transfers.kind = u"transfer"_s;
    CHECK(service.movements(f.household, transfers).size() == 1);
}

TEST_CASE("ledger service: summary counts each entry once at its latest revision", "[services][ledger]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    Fixture f(backend);
    // A coordinator has figures only: the summary is allowed.
    const QJsonObject s = LedgerService(*f.db, test::sessionFor(*f.db, Role::Coordinator)).summary();
    const QJsonObject expected = QJsonDocument::fromJson(R"({
        "entries": 7, "unlinked": 2,
        "kinds": {
            "allowance": {"posted": {"count": 2, "sum_cents": 10000}},
            "bonus": {"posted": {"count": 1, "sum_cents": 1000}},
            "purchase": {"posted": {"count": 2, "sum_cents": -5000}, "voided": {"count": 1, "sum_cents": -100}},
            "transfer": {"posted": {"count": 1, "sum_cents": -500}}
        }})")
                                     .object();
    CHECK(s == expected);
}

TEST_CASE("ledger service: unlinked cards and linking by hand, audited", "[services][ledger]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    Fixture f(backend);
    const LedgerService sw(*f.db, test::sessionFor(*f.db, Role::SocialWorker, u"amelie"_s));
    const auto unlinked = sw.unlinkedCards();
    REQUIRE(unlinked.size() == 1);
    CHECK(unlinked[0].card == u"C-9"_s);
    CHECK(unlinked[0].entries == 2);
    CHECK(unlinked[0].sumCents == 4000);

    CHECK_THROWS_AS(sw.linkCard(u"C-9"_s, u"MMG-9999"_s), Error);
    sw.linkCard(u"C-9"_s, u"MMG-0002"_s);
    CHECK(sw.unlinkedCards().empty());
    const qint64 h2 = store::HouseholdRepository(*f.db).findByCode(u"MMG-0002"_s)->id;
    CHECK(sw.balance(h2).postedCents == 4000);
    const auto records = store::AuditRepository(*f.db).list({});
    CHECK(std::any_of(records.begin(), records.end(), [](const store::AuditRecord& r) {
        return r.action == u"link"_s && r.recordRef == u"C-9"_s && r.detail == u"MMG-0002"_s &&
               r.login == u"amelie"_s;
    }));
}

TEST_CASE("ledger service: who may see and do what", "[services][ledger][access]")
{
    Fixture f(store::Backend::Sqlite);
    const Session coordinator = test::sessionFor(*f.db, Role::Coordinator);
    const Session nurse = test::sessionFor(*f.db, Role::Nurse);
    const Session admin = test::adminSession(*f.db);
    const Session sw = test::sessionFor(*f.db, Role::SocialWorker);

    // Coordinators: figures only.
    const LedgerService c(*f.db, coordinator);
    CHECK(denied([&] { c.movements(f.household); }));
    CHECK(denied([&] { c.balance(f.household); }));
    CHECK(denied([&] { c.unlinkedCards(); }));
    CHECK(denied([&] { c.linkCard(u"C-9"_s, u"MMG-0002"_s); }));
    // Nurses read, do not link.
    CHECK_FALSE(LedgerService(*f.db, nurse).movements(f.household).empty());
    CHECK(denied([&] { LedgerService(*f.db, nurse).linkCard(u"C-9"_s, u"MMG-0002"_s); }));
    // Administrators read and decide merchants; linking cards is a household write they do not have.
    CHECK_FALSE(LedgerService(*f.db, admin).movements(f.household).empty());
    CHECK(denied([&] { LedgerService(*f.db, admin).linkCard(u"C-9"_s, u"MMG-0002"_s); }));
    LedgerService(*f.db, admin).setMerchantOverride(u"M-09"_s, true);
    CHECK(denied([&] { LedgerService(*f.db, sw).setMerchantOverride(u"M-09"_s, false); }));
    CHECK(LedgerService(*f.db, sw).spending(f.household).sustainableSpentCents == 5000);

    // Every refusal is audited and nothing changed.
    const auto records = store::AuditRepository(*f.db).list({});
    CHECK(std::count_if(records.begin(), records.end(),
                        [](const store::AuditRecord& r) { return r.outcome == u"denied"_s; }) == 7);
    CHECK(store::LedgerRepository(*f.db).counts().unlinked == 2);
}
