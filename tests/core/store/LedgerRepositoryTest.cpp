#include "store/LedgerRepository.h"
#include "common/Error.h"
#include "core/store/LedgerTestUtil.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <random>

using namespace cabas;
using namespace Qt::StringLiterals;
using cabas::store::Backend;
using cabas::store::LedgerRepository;
using cabas::test::ledgerEntry;
using cabas::test::TempDatabase;

namespace {

EntryPage page(std::vector<LedgerEntry> entries, const QString& cursor)
{
    EntryPage p;
    p.entries = std::move(entries);
    p.nextCursor = cursor;
    return p;
}

// The whole stored ledger, for comparisons: id -> one line of what was stored.
std::map<QString, QString> dump(const store::Database& db)
{
    std::map<QString, QString> rows;
    QSqlQuery q = db.exec(
        u"SELECT id, revision, status, amount_cents, kind, card, local_date, COALESCE(household_id, 0), "
        u"COALESCE(merchant_id, ''), merchant_sustainable FROM ledger_entry"_s);
    while (q.next()) {
        QStringList line;
        for (int i = 1; i < 10; ++i)
            line << q.value(i).toString();
        rows[q.value(0).toString()] = line.join(QLatin1Char('|'));
    }
    return rows;
}

qint64 householdOf(const store::Database& db, const QString& entryId)
{
    const auto m = LedgerRepository(db).findEntry(entryId);
    REQUIRE(m);
    return m->householdId;
}

} // namespace

TEST_CASE("ledger upsert: the highest revision wins, older or equal revisions change nothing",
          "[store][ledger]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.createInitialised();
    LedgerRepository repo(*db);

    CHECK(repo.cursor(store::kEntriesFeed).isEmpty());
    auto r = repo.applyEntryPage(page({ledgerEntry(u"e-1"_s, 1, u"C-1"_s, u"purchase"_s, -1250,
                                                   u"2024-06-15T10:00:00+02:00"_s, u"pending"_s)},
                                      u"c1"_s));
    CHECK(r.inserted == 1);
    CHECK(repo.cursor(store::kEntriesFeed) == u"c1"_s);

    // Revision 2: posted, and a different amount.
    r = repo.applyEntryPage(page({ledgerEntry(u"e-1"_s, 2, u"C-1"_s, u"purchase"_s, -1300)}, u"c2"_s));
    CHECK(r.updated == 1);
    auto m = repo.findEntry(u"e-1"_s);
    REQUIRE(m);
    CHECK(m->entry.revision == 2);
    CHECK(m->entry.status == u"posted"_s);
    CHECK(m->entry.amountCents == -1300);
    CHECK(m->entry.merchant->name == u"Biocoop Auch"_s);
    CHECK(m->entry.occurredAt == QDateTime::fromString(u"2024-06-15T10:00:00+02:00"_s, Qt::ISODate));
    CHECK(m->entry.occurredAt.offsetFromUtc() == 7200);

    // An older revision, and the same revision with other values, arrive later: nothing changes.
    r = repo.applyEntryPage(page(
        {ledgerEntry(u"e-1"_s, 1, u"C-1"_s, u"purchase"_s, -999, u"2024-06-15T10:00:00+02:00"_s,
                     u"pending"_s),
         ledgerEntry(u"e-1"_s, 2, u"C-1"_s, u"purchase"_s, -1, u"2024-06-15T10:00:00+02:00"_s, u"voided"_s)},
        u"c3"_s));
    CHECK(r.received == 2);
    CHECK(r.unchanged == 2);
    CHECK(r.inserted == 0);
    CHECK(r.updated == 0);
    m = repo.findEntry(u"e-1"_s);
    CHECK(m->entry.status == u"posted"_s);
    CHECK(m->entry.amountCents == -1300);
    CHECK(repo.cursor(store::kEntriesFeed) == u"c3"_s); // the cursor moves on even when nothing changed

    // Within one page: the highest revision wins whatever its place.
    r = repo.applyEntryPage(page(
        {ledgerEntry(u"e-2"_s, 3, u"C-1"_s, u"refund"_s, 500, u"2024-06-16T10:00:00+02:00"_s, u"voided"_s),
         ledgerEntry(u"e-2"_s, 1, u"C-1"_s, u"refund"_s, 500, u"2024-06-16T10:00:00+02:00"_s, u"pending"_s),
         ledgerEntry(u"e-2"_s, 2, u"C-1"_s, u"refund"_s, 500)},
        u"c4"_s));
    CHECK(r.inserted == 1);
    CHECK(r.unchanged == 2);
    CHECK(repo.findEntry(u"e-2"_s)->entry.status == u"voided"_s);
    CHECK(repo.storedRevision(u"e-2"_s) == 3);
    CHECK(repo.storedRevision(u"nope"_s) == 0);
}

TEST_CASE("ledger upsert: an invalid entry stores nothing of its page, not even the cursor",
          "[store][ledger]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.createInitialised();
    LedgerRepository repo(*db);
    repo.applyEntryPage(page({ledgerEntry(u"e-1"_s, 1, u"C-1"_s, u"allowance"_s, 4000)}, u"c1"_s));

    LedgerEntry bad = ledgerEntry(u"e-3"_s, 1, u"C-1"_s, u"purchase"_s, 1250); // a purchase must be negative
    try {
        repo.applyEntryPage(page({ledgerEntry(u"e-2"_s, 1, u"C-1"_s, u"allowance"_s, 4000), bad}, u"c2"_s));
        FAIL("an invalid entry was accepted");
    } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::Invalid);
        CHECK_THAT(e.message().toStdString(), Catch::Contains("e-3") && Catch::Contains("amount_cents"));
    }
    CHECK(repo.cursor(store::kEntriesFeed) == u"c1"_s);
    CHECK_FALSE(repo.findEntry(u"e-2"_s));
    CHECK(repo.counts().entries == 1);
}

TEST_CASE("ledger upsert: any order of delivery of the same revisions gives the same stored ledger",
          "[store][ledger][property]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.createInitialised();
    const qint64 h = test::addHousehold(*db, u"MMG-0001"_s);
    test::addCard(*db, u"C-1"_s, h);

    // 40 entries with 1 to 3 revisions each (pending -> posted -> voided, amounts changing), some on a card
    // nobody knows.
    std::vector<LedgerEntry> revisions;
    std::mt19937 gen(20240615);
    const QStringList kinds = {u"allowance"_s, u"bonus"_s,      u"purchase"_s, u"refund"_s,
                               u"transfer"_s,  u"adjustment"_s, u"mystery"_s};
    for (int i = 0; i < 40; ++i) {
        const QString kind = kinds[i % kinds.size()];
        const int n = 1 + int(gen() % 3);
        for (int rev = 1; rev <= n; ++rev) {
            qint64 amount = 100 + qint64(gen() % 5000);
            if (kind == u"purchase"_s || (kind == u"transfer"_s && i % 2) ||
                (kind == u"adjustment"_s && rev == 2))
                amount = -amount;
            const QString status = rev == 1 ? u"pending"_s : rev == 2 ? u"posted"_s : u"voided"_s;
            LedgerEntry e = ledgerEntry(QStringLiteral("e-%1").arg(i, 4, 10, QLatin1Char('0')), rev,
                                        i % 5 == 0 ? u"C-UNKNOWN"_s : u"C-1"_s, kind, amount,
                                        QStringLiteral("2024-%1-%2T23:30:00+02:00")
                                            .arg(6 + i % 4, 2, 10, QLatin1Char('0'))
                                            .arg(1 + i % 28, 2, 10, QLatin1Char('0')),
                                        status);
            if (kind == u"purchase"_s && rev == 2)
                e.merchant = test::supermarket();
            revisions.push_back(e);
        }
    }
    // The reference: everything in order, one entry per page.
    LedgerRepository repo(*db);
    for (const LedgerEntry& e : revisions)
        repo.applyEntryPage(page({e}, u"ref"_s));
    const auto expected = dump(*db);
    REQUIRE(expected.size() == 40);

    const int seeds = backend == Backend::Sqlite ? 60 : 15;
    for (int seed = 1; seed <= seeds; ++seed) {
        INFO("seed " << seed);
        db->exec(QStringLiteral("DELETE FROM ledger_entry"));
        db->exec(QStringLiteral("DELETE FROM ledger_merchant"));
        std::mt19937 rng{unsigned(seed)};
        // Shuffle, deliver duplicates (at least once: some twice or three times), in pages of random sizes.
        std::vector<LedgerEntry> delivery;
        for (const LedgerEntry& e : revisions) {
            const int copies = 1 + int(rng() % 3);
            for (int c = 0; c < copies; ++c)
                delivery.push_back(e);
        }
        std::shuffle(delivery.begin(), delivery.end(), rng);
        size_t at = 0;
        while (at < delivery.size()) {
            const size_t size = std::min(delivery.size() - at, size_t(1 + rng() % 25));
            repo.applyEntryPage(page(std::vector<LedgerEntry>(delivery.begin() + qsizetype(at),
                                                              delivery.begin() + qsizetype(at + size)),
                                     QString::number(seed)));
            at += size;
        }
        REQUIRE(dump(*db) == expected);
    }
}

TEST_CASE("ledger entries are dated by their local day in Europe/Paris, summer and winter", "[store][ledger]")
{
    // Summer (UTC+2): 22:30 UTC on 30 June is 00:30 on 1 July in Paris.
    CHECK(ledgerEntry(u"a"_s, 1, u"C"_s, u"allowance"_s, 1, u"2024-06-30T22:30:00Z"_s).localDate() ==
          QDate(2024, 7, 1));
    CHECK(ledgerEntry(u"a"_s, 1, u"C"_s, u"allowance"_s, 1, u"2024-06-30T21:59:00Z"_s).localDate() ==
          QDate(2024, 6, 30));
    CHECK(ledgerEntry(u"a"_s, 1, u"C"_s, u"allowance"_s, 1, u"2024-06-30T23:05:00+02:00"_s).localDate() ==
          QDate(2024, 6, 30));
    // Winter (UTC+1): 23:30 UTC on 31 December is 00:30 on 1 January.
    CHECK(ledgerEntry(u"a"_s, 1, u"C"_s, u"allowance"_s, 1, u"2024-12-31T23:30:00Z"_s).localDate() ==
          QDate(2025, 1, 1));
    CHECK(ledgerEntry(u"a"_s, 1, u"C"_s, u"allowance"_s, 1, u"2024-12-31T22:59:00Z"_s).localDate() ==
          QDate(2024, 12, 31));
    // An offset other than Paris's still lands on Paris's day.
    CHECK(ledgerEntry(u"a"_s, 1, u"C"_s, u"allowance"_s, 1, u"2024-01-31T20:30:00-03:00"_s).localDate() ==
          QDate(2024, 2, 1));

    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.createInitialised();
    const qint64 h = test::addHousehold(*db, u"MMG-0001"_s);
    test::addCard(*db, u"C-1"_s, h);
    LedgerRepository repo(*db);
    repo.applyEntryPage(
        page({ledgerEntry(u"e-summer"_s, 1, u"C-1"_s, u"purchase"_s, -100, u"2024-06-30T22:30:00Z"_s),
              ledgerEntry(u"e-winter"_s, 1, u"C-1"_s, u"purchase"_s, -200, u"2024-12-31T23:30:00Z"_s),
              ledgerEntry(u"e-june"_s, 1, u"C-1"_s, u"purchase"_s, -400, u"2024-06-30T21:59:00Z"_s)},
             u"c"_s));
    CHECK(repo.findEntry(u"e-summer"_s)->localDate == QDate(2024, 7, 1));
    CHECK(repo.findEntry(u"e-winter"_s)->localDate == QDate(2025, 1, 1));
    store::LedgerMovementFilter july;
    july.month = QDate(2024, 7, 20);
    const auto inJuly = repo.movements(h, july);
    REQUIRE(inJuly.size() == 1);
    CHECK(inJuly[0].entry.id == u"e-summer"_s);
    const auto months = repo.months(h);
    REQUIRE(months.size() == 3);
    CHECK(months[0].month == QDate(2024, 6, 1));
    CHECK(months[0].spentCents == 400);
    CHECK(months[1].month == QDate(2024, 7, 1));
    CHECK(months[2].month == QDate(2025, 1, 1));
}

TEST_CASE("ledger linking: account, card, re-issued card, unknown card known later, hand link",
          "[store][ledger]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.createInitialised();
    const qint64 h1 = test::addHousehold(*db, u"MMG-0001"_s);
    const qint64 h2 = test::addHousehold(*db, u"MMG-0002"_s);
    const qint64 card1 = test::addCard(*db, u"C-1"_s, h1);
    LedgerRepository repo(*db);

    SECTION("by account first, else by card")
    {
        LedgerEntry byAccount = ledgerEntry(u"e-1"_s, 1, u"C-1"_s, u"allowance"_s, 4000);
        byAccount.account = u"MMG-0002"_s; // the operator's account wins over the card
        repo.applyEntryPage(
            page({byAccount, ledgerEntry(u"e-2"_s, 1, u"C-1"_s, u"allowance"_s, 4000)}, u"c"_s));
        CHECK(householdOf(*db, u"e-1"_s) == h2);
        CHECK(householdOf(*db, u"e-2"_s) == h1);
    }
    SECTION("a re-issued card continues the household of the card it replaces")
    {
        // Cabas knows the new card without a household, as the replacement of C-1.
        Card c;
        c.token = u"C-1B"_s;
        c.replacesCardId = card1;
        store::CardRepository(*db).insert(c);
        repo.applyEntryPage(page({ledgerEntry(u"e-1"_s, 1, u"C-1B"_s, u"allowance"_s, 4000)}, u"c"_s));
        CHECK(householdOf(*db, u"e-1"_s) == h1);
        // Only the operator knows the next one: its cards feed says it replaces C-1B.
        repo.applyEntryPage(page({ledgerEntry(u"e-2"_s, 1, u"C-1C"_s, u"allowance"_s, 4000)}, u"c2"_s));
        CHECK(householdOf(*db, u"e-2"_s) == 0);
        CardPage cards;
        cards.cards.push_back(FeedCard{u"C-1C"_s, {}, u"active"_s, QDate(2024, 9, 1), u"C-1B"_s});
        cards.nextCursor = u"k1"_s;
        repo.applyCardPage(cards);
        CHECK(householdOf(*db, u"e-2"_s) == h1);
        CHECK(repo.cursor(store::kCardsFeed) == u"k1"_s);
        CHECK(repo.unlinkedCards().empty());
    }
    SECTION("entries on an unknown card stay unlinked until the card becomes known")
    {
        repo.applyEntryPage(page({ledgerEntry(u"e-1"_s, 1, u"C-9"_s, u"allowance"_s, 4000),
                                  ledgerEntry(u"e-2"_s, 1, u"C-8"_s, u"purchase"_s, -1200),
                                  ledgerEntry(u"e-3"_s, 1, u"C-7"_s, u"allowance"_s, 2000)},
                                 u"c"_s));
        auto unlinked = repo.unlinkedCards();
        REQUIRE(unlinked.size() == 3);
        CHECK(unlinked[0].card == u"C-7"_s);
        CHECK(unlinked[2].card == u"C-9"_s);
        CHECK(unlinked[2].sumCents == 4000);
        CHECK(repo.counts().unlinked == 3);

        // The operator's cards feed names C-9's household.
        CardPage cards;
        cards.cards.push_back(FeedCard{u"C-9"_s, u"MMG-0002"_s, u"active"_s, QDate(2024, 6, 1), {}});
        repo.applyCardPage(cards);
        CHECK(householdOf(*db, u"e-1"_s) == h2);

        // A social worker issues C-8 in Cabas (any path that writes the card table).
        test::addCard(*db, u"C-8"_s, h1);
        repo.relinkPending();
        CHECK(householdOf(*db, u"e-2"_s) == h1);

        // C-7 is linked by hand: Cabas records the card for that household.
        repo.linkCard(u"C-7"_s, h2);
        CHECK(householdOf(*db, u"e-3"_s) == h2);
        const auto card = store::CardRepository(*db).findByToken(u"C-7"_s);
        REQUIRE(card);
        CHECK(card->householdId == h2);
        CHECK(repo.unlinkedCards().empty());
        CHECK(repo.counts().unlinked == 0);

        // Linking again to the same household is harmless; to another one is a conflict.
        repo.linkCard(u"C-7"_s, h2);
        CHECK_THROWS_MATCHES(repo.linkCard(u"C-7"_s, h1), Error, Catch::Predicate<Error>([](const Error& e) {
                                 return e.kind() == Error::Kind::Conflict;
                             }));
        CHECK_THROWS_MATCHES(
            repo.linkCard(u"C-NEVER-SEEN"_s, h1), Error,
            Catch::Predicate<Error>([](const Error& e) { return e.kind() == Error::Kind::NotFound; }));
    }
    SECTION("a household enrolled after its entries arrived claims those naming its code")
    {
        LedgerEntry e = ledgerEntry(u"e-1"_s, 1, u"C-5"_s, u"allowance"_s, 4000);
        e.account = u"MMG-0042"_s;
        repo.applyEntryPage(page({e}, u"c"_s));
        CHECK(householdOf(*db, u"e-1"_s) == 0);
        const qint64 h42 = test::addHousehold(*db, u"MMG-0042"_s);
        repo.relinkPending();
        CHECK(householdOf(*db, u"e-1"_s) == h42);
    }
    SECTION("an operator card known before any entry is listed as unlinked, then linked by hand")
    {
        CardPage cards;
        cards.cards.push_back(FeedCard{u"C-4"_s, {}, u"active"_s, QDate(2024, 6, 1), {}});
        repo.applyCardPage(cards);
        auto unlinked = repo.unlinkedCards();
        REQUIRE(unlinked.size() == 1);
        CHECK(unlinked[0].knownToOperator);
        CHECK(unlinked[0].entries == 0);
        repo.linkCard(u"C-4"_s, h1);
        CHECK(repo.unlinkedCards().empty());
        repo.applyEntryPage(page({ledgerEntry(u"e-1"_s, 1, u"C-4"_s, u"allowance"_s, 4000)}, u"c"_s));
        CHECK(householdOf(*db, u"e-1"_s) == h1);
    }
}

TEST_CASE("ledger figures: balance, monthly spending split, transfers neither spent nor credited",
          "[store][ledger]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.createInitialised();
    const qint64 h = test::addHousehold(*db, u"MMG-0001"_s);
    test::addCard(*db, u"C-1"_s, h);
    test::addCard(*db, u"C-2"_s, h);
    LedgerRepository repo(*db);
    LedgerEntry hyper =
        ledgerEntry(u"e-4"_s, 1, u"C-1"_s, u"purchase"_s, -3000, u"2024-06-20T10:00:00+02:00"_s);
    hyper.merchant = test::supermarket();
    repo.applyEntryPage(page(
        {
            ledgerEntry(u"e-1"_s, 1, u"C-1"_s, u"allowance"_s, 6000, u"2024-06-01T00:10:00+02:00"_s),
            ledgerEntry(u"e-2"_s, 1, u"C-1"_s, u"purchase"_s, -2000, u"2024-06-10T10:00:00+02:00"_s),
            ledgerEntry(u"e-3"_s, 1, u"C-1"_s, u"bonus"_s, 1000, u"2024-06-10T10:00:00+02:00"_s),
            hyper,
            ledgerEntry(u"e-5"_s, 1, u"C-1"_s, u"refund"_s, 500, u"2024-06-21T10:00:00+02:00"_s),
            ledgerEntry(u"e-6"_s, 1, u"C-1"_s, u"transfer"_s, -1500, u"2024-06-25T10:00:00+02:00"_s),
            ledgerEntry(u"e-7"_s, 1, u"C-2"_s, u"transfer"_s, 1500, u"2024-06-25T10:00:00+02:00"_s),
            ledgerEntry(u"e-8"_s, 1, u"C-1"_s, u"purchase"_s, -700, u"2024-06-26T10:00:00+02:00"_s,
                        u"pending"_s),
            ledgerEntry(u"e-9"_s, 1, u"C-1"_s, u"purchase"_s, -900, u"2024-06-27T10:00:00+02:00"_s,
                        u"voided"_s),
            ledgerEntry(u"e-10"_s, 1, u"C-1"_s, u"mystery"_s, 99999, u"2024-06-27T10:00:00+02:00"_s),
        },
        u"c"_s));
    const auto months = repo.months(h);
    REQUIRE(months.size() == 1);
    CHECK(months[0].allowanceCents == 6000);
    CHECK(months[0].bonusCents == 1000);
    CHECK(months[0].spentCents == 2000 + 3000 - 500); // the refund was at Biocoop
    CHECK(months[0].sustainableSpentCents == 2000 - 500);
    const auto b = repo.balance(h);
    CHECK(b.postedCents == 6000 - 2000 + 1000 - 3000 + 500 - 1500 + 1500);
    CHECK(b.pendingCents == -700);

    // The programme decides the supermarket counts as sustainable (local override), then changes its mind.
    repo.setMerchantOverride(u"M-09"_s, true);
    CHECK(repo.months(h)[0].sustainableSpentCents == 2000 - 500 + 3000);
    CHECK(repo.findMerchant(u"M-09"_s)->sustainable());
    repo.setMerchantOverride(u"M-09"_s, std::nullopt);
    CHECK(repo.months(h)[0].sustainableSpentCents == 2000 - 500);
    // A later page re-delivering the merchant keeps the override.
    repo.setMerchantOverride(u"M-01"_s, false);
    repo.applyEntryPage(page(
        {ledgerEntry(u"e-11"_s, 1, u"C-1"_s, u"purchase"_s, -100, u"2024-06-28T10:00:00+02:00"_s)}, u"d"_s));
    CHECK(repo.findMerchant(u"M-01"_s)->overrideSustainable == std::optional<bool>(false));
    CHECK_THROWS_AS(repo.setMerchantOverride(u"M-404"_s, true), Error);

    store::LedgerMovementFilter purchases;
    purchases.kind = u"purchase"_s;
    CHECK(repo.movements(h, purchases).size() == 5);
    store::LedgerMovementFilter atHyper;
    atHyper.merchantId = u"M-09"_s;
    CHECK(repo.movements(h, atHyper).size() == 1);
    CHECK(repo.movements(h).front().entry.id == u"e-11"_s); // newest first

    const auto counts = repo.counts();
    CHECK(counts.entries == 11);
    CHECK(counts.kinds.at(u"purchase"_s).at(u"posted"_s).count == 3);
    CHECK(counts.kinds.at(u"purchase"_s).at(u"posted"_s).sumCents == -5100);
    CHECK(counts.kinds.at(u"mystery"_s).at(u"posted"_s).count == 1);
}

TEST_CASE("ledger sync state: cursor per feed, reset after 410, last outcome", "[store][ledger]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.createInitialised();
    LedgerRepository repo(*db);
    repo.applyEntryPage(page({ledgerEntry(u"e-1"_s, 1, u"C-1"_s, u"allowance"_s, 4000)}, u"cursor-9"_s));
    CardPage cards;
    cards.nextCursor = u"k-3"_s;
    repo.applyCardPage(cards);
    CHECK(repo.cursor(store::kEntriesFeed) == u"cursor-9"_s);
    CHECK(repo.cursor(store::kCardsFeed) == u"k-3"_s);

    const QDateTime t1(QDate(2024, 7, 1), QTime(8, 0), QTimeZone::utc());
    repo.recordSyncResult(store::kEntriesFeed, t1, true);
    auto s = repo.syncState(store::kEntriesFeed);
    CHECK(s.lastStatus == u"ok"_s);
    CHECK(s.lastSyncAt == t1);
    CHECK(s.lastSuccessAt == t1);
    CHECK(s.cursor == u"cursor-9"_s);

    const QDateTime t2 = t1.addSecs(3600);
    repo.recordSyncResult(store::kEntriesFeed, t2, false, u"HTTP 503"_s);
    s = repo.syncState(store::kEntriesFeed);
    CHECK(s.lastStatus == u"error"_s);
    CHECK(s.lastError == u"HTTP 503"_s);
    CHECK(s.lastSyncAt == t2);
    CHECK(s.lastSuccessAt == t1);

    repo.resetCursor(store::kEntriesFeed);
    CHECK(repo.cursor(store::kEntriesFeed).isEmpty());
    CHECK(repo.findEntry(u"e-1"_s)); // entries stay
    CHECK(repo.syncState(u"never"_s).lastStatus.isEmpty());
}
