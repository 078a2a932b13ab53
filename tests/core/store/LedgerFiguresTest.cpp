// The figures per household and month (migration 0010) against a computation from the entries themselves, on
// random ledgers (revisions, voids, relinks, re-issued cards, merchant overrides) and random periods, on both
// backends.
#include "LedgerTestUtil.h"
#include "cohort/CohortData.h"
#include "store/CohortQueries.h"
#include "store/LedgerRepository.h"
#include "store/MerchantRepository.h"
#include "store/Migrations.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"

#include <QRandomGenerator>
#include <QSqlQuery>
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

using namespace cabas;
using cabas::test::TempDatabase;

namespace {

struct StoredEntry
{
    qint64 household = 0;
    int month = 0;
    QDate date;
    QString kind;
    qint64 cents = 0;
    QString merchant;
    QString category;
    bool sustainable = false; // the effective flag: approvals, else override, else the operator's
};

struct Approval
{
    bool approved = false;
    QDate from;
    QDate withdrawn;
};

// Posted, linked entries as stored, with the effective sustainable flag computed here (not by SQL).
std::vector<StoredEntry> storedEntries(const store::Database& db)
{
    std::map<QString, std::optional<bool>> overrides;
    QSqlQuery m = db.exec(QStringLiteral("SELECT id, sustainable_override FROM ledger_merchant"));
    while (m.next())
        overrides[m.value(0).toString()] =
            m.value(1).isNull() ? std::nullopt : std::optional<bool>(m.value(1).toBool());
    std::map<QString, std::vector<Approval>> approvals;
    QSqlQuery a = db.exec(
        QStringLiteral("SELECT merchant_id, decision, approved_from, withdrawn_on FROM merchant_approval"));
    while (a.next())
        approvals[a.value(0).toString()].push_back({a.value(1).toString() == QLatin1String("approved"),
                                                    store::toDate(a.value(2)), store::toDate(a.value(3))});
    std::vector<StoredEntry> out;
    QSqlQuery q = db.exec(QStringLiteral(
        "SELECT household_id, local_month, local_date, kind, amount_cents, merchant_id, merchant_category, "
        "merchant_sustainable FROM ledger_entry WHERE status = 'posted' AND household_id IS NOT NULL"));
    while (q.next()) {
        StoredEntry e;
        e.household = q.value(0).toLongLong();
        e.month = q.value(1).toInt();
        e.date = store::toDate(q.value(2));
        e.kind = q.value(3).toString();
        e.cents = q.value(4).toLongLong();
        e.merchant = q.value(5).toString();
        e.category = q.value(6).toString().isEmpty() ? QStringLiteral("other") : q.value(6).toString();
        const auto it = overrides.find(e.merchant);
        // The programme's override when it has one, else the operator's flag (without a std::optional<bool>
        // temporary: gcc 12 -O2 warns it may be used uninitialised).
        const bool operatorFlag = q.value(7).toBool();
        bool sustainable = operatorFlag;
        if (it != overrides.end() && it->second.has_value())
            sustainable = *it->second;
        // The committee's decisions for the entry's local date come first (docs/merchants.md).
        bool covered = false;
        bool excluded = false;
        for (const Approval& ap : approvals[e.merchant]) {
            if (ap.approved && ap.from <= e.date && (!ap.withdrawn.isValid() || e.date < ap.withdrawn))
                covered = true;
            if (!ap.approved || (ap.withdrawn.isValid() && ap.withdrawn <= e.date))
                excluded = true;
        }
        if (covered)
            sustainable = true;
        else if (excluded)
            sustainable = false;
        e.sustainable = !q.value(5).isNull() && sustainable;
        out.push_back(e);
    }
    return out;
}

bool spending(const StoredEntry& e)
{
    return e.kind == QLatin1String("purchase") || e.kind == QLatin1String("refund");
}

std::string dump(const QString& sql, const store::Database& db, int columns)
{
    std::ostringstream out;
    QSqlQuery q = db.exec(sql);
    while (q.next()) {
        for (int i = 0; i < columns; ++i)
            out << q.value(i).toString().toStdString() << (i + 1 < columns ? "|" : "\n");
    }
    return out.str();
}

// The three figures tables compared with the same figures computed here from the entries.
void checkFigures(const store::Database& db)
{
    const std::vector<StoredEntry> entries = storedEntries(db);
    std::map<std::pair<qint64, int>, std::array<qint64, 10>> months;
    std::map<std::tuple<qint64, int, QString>, std::array<qint64, 2>> categories;
    std::map<std::tuple<qint64, int, QString>, qint64> merchants;
    for (const StoredEntry& e : entries) {
        auto& m = months[{e.household, e.month}];
        m[0] += 1;
        if (e.kind == QLatin1String("allowance"))
            m[1] += e.cents, m[2] += 1;
        if (e.kind == QLatin1String("bonus"))
            m[3] += e.cents, m[4] += 1;
        if (spending(e)) {
            m[5] -= e.cents, m[6] += 1;
            if (e.sustainable)
                m[7] -= e.cents, m[8] += 1;
            auto& c = categories[{e.household, e.month, e.category}];
            c[0] -= e.cents;
            c[1] += 1;
        }
        if (e.kind == QLatin1String("purchase")) {
            m[9] += 1;
            if (e.sustainable)
                merchants[{e.household, e.month, e.merchant}] += 1;
        }
    }
    std::ostringstream expected;
    for (const auto& [key, m] : months) {
        expected << key.first << "|" << key.second;
        for (qint64 v : m)
            expected << "|" << v;
        expected << "\n";
    }
    CHECK(
        dump(QStringLiteral("SELECT household_id, local_month, entries, allowance_cents, allowance_entries, "
                            "bonus_cents, bonus_entries, spent_cents, spending_entries, sustainable_cents, "
                            "sustainable_entries, purchase_entries FROM ledger_month_figures "
                            "ORDER BY household_id, local_month"),
             db, 12) == expected.str());
    std::ostringstream expectedCategories;
    for (const auto& [key, c] : categories)
        expectedCategories << std::get<0>(key) << "|" << std::get<1>(key) << "|"
                           << std::get<2>(key).toStdString() << "|" << c[0] << "|" << c[1] << "\n";
    CHECK(dump(QStringLiteral("SELECT household_id, local_month, category, spent_cents, entries FROM "
                              "ledger_category_figures ORDER BY household_id, local_month, category"),
               db, 5) == expectedCategories.str());
    std::ostringstream expectedMerchants;
    for (const auto& [key, n] : merchants)
        expectedMerchants << std::get<0>(key) << "|" << std::get<1>(key) << "|"
                          << std::get<2>(key).toStdString() << "|" << n << "\n";
    CHECK(dump(QStringLiteral("SELECT household_id, local_month, merchant_id, purchases FROM "
                              "ledger_merchant_figures ORDER BY household_id, local_month, merchant_id"),
               db, 4) == expectedMerchants.str());
    CHECK(dump(QStringLiteral("SELECT COUNT(*) FROM ledger_figures_dirty"), db, 1) == "0\n");
    if (db.schemaVersion() < 14)
        return;
    // Migration 0014: the month totals over every household and the running totals per household.
    std::map<int, std::array<qint64, 5>> totals;
    std::map<qint64, std::array<qint64, 9>> running;
    std::ostringstream expectedRunning;
    for (const auto& [key, m] : months) {
        auto& t = totals[key.second];
        t[0] += 1, t[1] += m[1], t[2] += m[3], t[3] += m[5], t[4] += m[7];
        auto& r = running[key.first];
        const std::array<qint64, 9> add = {m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8], m[9]};
        expectedRunning << key.first << "|" << key.second;
        for (size_t i = 0; i < r.size(); ++i)
            expectedRunning << "|" << (r[i] += add[i]);
        expectedRunning << "\n";
    }
    std::ostringstream expectedTotals;
    for (const auto& [month, t] : totals)
        expectedTotals << month << "|" << t[0] << "|" << t[1] << "|" << t[2] << "|" << t[3] << "|" << t[4]
                       << "\n";
    // Category totals: per category, month and the household's previous month of that category (0: none).
    std::map<std::tuple<QString, int, int>, std::array<qint64, 2>> categoryTotals;
    std::map<std::pair<qint64, QString>, int> previous;
    for (const auto& [key, c] : categories) { // in (household, month, category) order
        int& prev = previous[{std::get<0>(key), std::get<2>(key)}];
        auto& t = categoryTotals[{std::get<2>(key), std::get<1>(key), prev}];
        t[0] += 1;
        t[1] += c[0];
        prev = std::get<1>(key);
    }
    std::ostringstream expectedCategoryTotals;
    for (const auto& [key, t] : categoryTotals)
        expectedCategoryTotals << std::get<0>(key).toStdString() << "|" << std::get<1>(key) << "|"
                               << std::get<2>(key) << "|" << t[0] << "|" << t[1] << "\n";
    CHECK(dump(QStringLiteral("SELECT category, local_month, prev_month, households, spent_cents FROM "
                              "ledger_category_totals ORDER BY category, local_month, prev_month"),
               db, 5) == expectedCategoryTotals.str());
    CHECK(dump(QStringLiteral("SELECT local_month, households, allowance_cents, bonus_cents, spent_cents, "
                              "sustainable_cents FROM ledger_month_totals ORDER BY local_month"),
               db, 6) == expectedTotals.str());
    CHECK(dump(QStringLiteral(
                   "SELECT household_id, local_month, allowance_cents, allowance_entries, bonus_cents, "
                   "bonus_entries, spent_cents, spending_entries, sustainable_cents, "
                   "sustainable_entries, purchase_entries FROM ledger_month_running "
                   "ORDER BY household_id, local_month"),
               db, 11) == expectedRunning.str());
}

// The cohort's ledger figures for a period, computed here from the entries of the households enrolled on or
// before `to` and not exited before `from`.
std::string expectedLedger(const store::Database& db, const QDate& from, const QDate& to)
{
    std::ostringstream out;
    std::set<qint64> cohort;
    QSqlQuery h = db.exec(QStringLiteral("SELECT id, enrolled_on, exited_on FROM household"));
    while (h.next()) {
        const QDate enrolled = store::toDate(h.value(1));
        const QDate exited = store::toDate(h.value(2));
        if (enrolled.isValid() && enrolled <= to && (!exited.isValid() || exited >= from))
            cohort.insert(h.value(0).toLongLong());
    }
    std::vector<StoredEntry> entries;
    for (const StoredEntry& e : storedEntries(db))
        if (e.date >= from && e.date <= to && cohort.count(e.household))
            entries.push_back(e);
    qint64 allowance = 0, bonus = 0, spent = 0, sustainable = 0;
    std::set<qint64> hAllowance, hBonus, hSpending, hSustainable, hPurchase;
    std::set<QString> paid;
    std::map<int, std::array<qint64, 4>> months;
    std::map<int, std::set<qint64>> monthHouseholds;
    std::map<QString, std::pair<qint64, std::set<qint64>>> categories;
    for (const StoredEntry& e : entries) {
        monthHouseholds[e.month].insert(e.household);
        auto& m = months[e.month];
        if (e.kind == QLatin1String("allowance"))
            allowance += e.cents, m[0] += e.cents, hAllowance.insert(e.household);
        if (e.kind == QLatin1String("bonus"))
            bonus += e.cents, m[1] += e.cents, hBonus.insert(e.household);
        if (spending(e)) {
            spent -= e.cents, m[2] -= e.cents, hSpending.insert(e.household);
            if (e.sustainable)
                sustainable -= e.cents, m[3] -= e.cents, hSustainable.insert(e.household);
            categories[e.category].first -= e.cents;
            categories[e.category].second.insert(e.household);
        }
        if (e.kind == QLatin1String("purchase")) {
            hPurchase.insert(e.household);
            if (e.sustainable)
                paid.insert(e.merchant);
        }
    }
    out << allowance << " " << bonus << " " << spent << " " << sustainable << " " << hAllowance.size() << " "
        << hBonus.size() << " " << hSpending.size() << " " << hSustainable.size() << " " << hPurchase.size()
        << " " << paid.size() << "\n";
    for (const auto& [month, m] : months)
        out << month << ": " << m[0] << " " << m[1] << " " << m[2] << " " << m[3] << " "
            << monthHouseholds[month].size() << "\n";
    for (const auto& [category, c] : categories)
        out << category.toStdString() << ": " << c.first << " " << c.second.size() << "\n";
    return out.str();
}

std::string computedLedger(const store::Database& db, const QDate& from, const QDate& to)
{
    CohortFilter f;
    f.from = from;
    f.to = to;
    const CohortRaw r = store::CohortQueries(db).compute(f, {{QStringLiteral("M0"), 0}});
    std::ostringstream out;
    out << r.allowanceCents << " " << r.bonusCents << " " << r.spentCents << " " << r.sustainableSpentCents
        << " " << r.allowanceHouseholds << " " << r.bonusHouseholds << " " << r.spendingHouseholds << " "
        << r.sustainableHouseholds << " " << r.householdsWithPurchase << " " << r.sustainableMerchantsPaid
        << "\n";
    for (const CohortRaw::Month& m : r.months)
        out << m.month.left(4).toInt() * 100 + m.month.mid(5, 2).toInt() << ": " << m.allowanceCents << " "
            << m.bonusCents << " " << m.spentCents << " " << m.sustainableSpentCents << " " << m.households
            << "\n";
    for (const CohortRaw::Category& c : r.categories)
        out << c.category.toStdString() << ": " << c.spentCents << " " << c.households << "\n";
    return out.str();
}

QDate randomDay(QRandomGenerator& rng, const QDate& first, int days)
{
    return first.addDays(rng.bounded(days));
}

} // namespace

TEST_CASE("ledger figures per household and month match the entries on random ledgers and periods",
          "[ledger][cohort][figures]")
{
    test::ScopedClock clock(QDateTime(QDate(2025, 1, 15), QTime(9, 0), Qt::UTC));
    std::vector<std::string> perBackend;
    for (const store::Backend backend : test::backendsUnderTest()) {
        CABAS_BACKEND_INFO(backend);
        TempDatabase t(backend);
        auto db = t.createInitialised();
        store::LedgerRepository ledger(*db);
        QRandomGenerator rng(20261124);
        std::vector<qint64> households;
        for (int i = 1; i <= 4; ++i)
            households.push_back(
                test::addHousehold(*db, QStringLiteral("MMG-%1").arg(i, 4, 10, QLatin1Char('0'))));
        const qint64 c1 = test::addCard(*db, QStringLiteral("C-1"), households[0]);
        test::addCard(*db, QStringLiteral("C-2"), households[1]);
        test::addCard(*db, QStringLiteral("C-3"), households[2]);
        // C-4: unknown to Cabas until linked by hand; C-5: re-issues C-1, known later; account MMG-0005: a
        // household created later.
        const QStringList cards = {QStringLiteral("C-1"), QStringLiteral("C-2"), QStringLiteral("C-3"),
                                   QStringLiteral("C-4"), QStringLiteral("C-5")};
        const QStringList kinds = {QStringLiteral("allowance"), QStringLiteral("bonus"),
                                   QStringLiteral("purchase"),  QStringLiteral("purchase"),
                                   QStringLiteral("purchase"),  QStringLiteral("refund"),
                                   QStringLiteral("adjustment")};
        const QStringList statuses = {QStringLiteral("posted"), QStringLiteral("posted"),
                                      QStringLiteral("posted"), QStringLiteral("pending"),
                                      QStringLiteral("voided")};
        const QStringList categories = {QStringLiteral("organic_shop"), QStringLiteral("supermarket"),
                                        QStringLiteral("market"), QString()};
        std::map<QString, qint64> revisions;
        auto randomEntry = [&](const QString& id) {
            LedgerEntry e;
            e.id = id;
            e.revision = ++revisions[id];
            e.card = cards[rng.bounded(int(cards.size()))];
            e.account = rng.bounded(8) == 0 ? QStringLiteral("MMG-0005") : QString();
            e.kind = kinds[rng.bounded(int(kinds.size()))];
            e.status = statuses[rng.bounded(int(statuses.size()))];
            const qint64 cents = 100 + rng.bounded(5000);
            e.amountCents = e.kind == QLatin1String("purchase") ? -cents : cents;
            e.currency = QStringLiteral("EUR");
            // Often late in the evening at a month's end (the local month differs from the UTC one).
            const QDate day = rng.bounded(4) == 0 ? QDate(2024, 5 + rng.bounded(6), 1).addDays(-1)
                                                  : randomDay(rng, QDate(2024, 5, 1), 184);
            e.occurredAt = QDateTime(day, QTime(rng.bounded(2) ? 22 : 10, 30), Qt::UTC);
            if (e.kind == QLatin1String("purchase") || e.kind == QLatin1String("refund")) {
                const int m = rng.bounded(5);
                e.merchant = FeedMerchant{QStringLiteral("M-%1").arg(m), QStringLiteral("Shop %1").arg(m),
                                          categories[m % categories.size()], m % 2 == 0};
            }
            return e;
        };
        auto page = [&](int n, bool csv) {
            std::vector<LedgerEntry> entries;
            for (int i = 0; i < n; ++i)
                entries.push_back(randomEntry(QStringLiteral("e%1").arg(rng.bounded(120))));
            if (csv) {
                ledger.upsertEntries(entries);
            } else {
                EntryPage p;
                p.entries = entries;
                p.nextCursor = QStringLiteral("c%1").arg(rng.generate());
                ledger.applyEntryPage(p);
            }
        };
        page(60, false);
        checkFigures(*db);
        page(40, true); // revisions, voids, months moved
        checkFigures(*db);
        ledger.linkCard(QStringLiteral("C-4"), households[3]);
        checkFigures(*db);
        test::addCard(*db, QStringLiteral("C-5"), households[0], c1);
        households.push_back(test::addHousehold(*db, QStringLiteral("MMG-0005")));
        ledger.relinkPending();
        checkFigures(*db);
        ledger.setMerchantOverride(QStringLiteral("M-1"), true);
        ledger.setMerchantOverride(QStringLiteral("M-2"), false);
        checkFigures(*db);
        page(50, false);
        ledger.setMerchantOverride(QStringLiteral("M-2"), std::nullopt);
        checkFigures(*db);
        // The committee's approvals (migration 0013) at random dates, a withdrawal and a refusal.
        {
            store::MerchantRepository merchants(*db);
            const QDateTime now = Clock::instance().nowUtc();
            const QDate from = randomDay(rng, QDate(2024, 4, 20), 200);
            merchants.approve(QStringLiteral("M-2"), from, QString(), 0, now);
            checkFigures(*db);
            merchants.withdraw(QStringLiteral("M-2"), from.addDays(1 + int(rng.bounded(60))), QString(), 0,
                               now);
            checkFigures(*db);
            if (ledger.findMerchant(QStringLiteral("M-3"))) {
                merchants.refuse(QStringLiteral("M-3"), QString(), 0, now);
                merchants.approve(QStringLiteral("M-3"), randomDay(rng, QDate(2024, 4, 20), 200), QString(),
                                  0, now);
            }
            if (ledger.findMerchant(QStringLiteral("M-1")))
                merchants.approve(QStringLiteral("M-1"), randomDay(rng, QDate(2024, 4, 20), 200), QString(),
                                  0, now);
            checkFigures(*db);
            page(30, false);
            checkFigures(*db);
        }

        std::string all;
        auto periods = [&](int n) {
            for (int i = 0; i < n; ++i) {
                QDate from = randomDay(rng, QDate(2024, 4, 20), 200);
                QDate to = randomDay(rng, QDate(2024, 4, 20), 200);
                if (to < from)
                    std::swap(from, to);
                if (i % 4 == 0)
                    from = QDate(from.year(), from.month(), 1); // whole first month
                if (i % 3 == 0)
                    to = QDate(to.year(), to.month(), to.daysInMonth()); // whole last month
                INFO("period " << from.toString(Qt::ISODate).toStdString() << " "
                               << to.toString(Qt::ISODate).toStdString());
                const std::string computed = computedLedger(*db, from, to);
                CHECK(computed == expectedLedger(*db, from, to));
                all += computed;
            }
        };
        periods(40);
        // A household with entries outside the cohort of some periods (exited in July): the month series of
        // whole months is the month totals minus its figures (the cohort holds most households).
        db->exec(QStringLiteral("UPDATE household SET exited_on = '2024-07-15' WHERE id = ?"),
                 {households[3]});
        periods(30);
        // More households outside the cohort than in it (never enrolled): the cohort's figures grouped by
        // month.
        for (int i = 6; i <= 12; ++i) {
            const qint64 id =
                test::addHousehold(*db, QStringLiteral("MMG-%1").arg(i, 4, 10, QLatin1Char('0')));
            db->exec(QStringLiteral("UPDATE household SET enrolled_on = NULL WHERE id = ?"), {id});
        }
        periods(30);
        perBackend.push_back(all);
    }
    for (const std::string& s : perBackend)
        CHECK(s == perBackend.front());
}

TEST_CASE("migration 14 fills the month totals and running totals of a version-13 database with entries",
          "[ledger][cohort][figures][migrations]")
{
    test::ScopedClock clock(QDateTime(QDate(2025, 1, 15), QTime(9, 0), Qt::UTC));
    std::vector<std::string> perBackend;
    for (const store::Backend backend : test::backendsUnderTest()) {
        CABAS_BACKEND_INFO(backend);
        TempDatabase t(backend);
        QRandomGenerator rng(20261206);
        const QStringList kinds = {QStringLiteral("allowance"), QStringLiteral("bonus"),
                                   QStringLiteral("purchase"), QStringLiteral("purchase"),
                                   QStringLiteral("refund")};
        std::map<QString, qint64> revisions;
        auto page = [&](store::LedgerRepository& ledger, int n) {
            EntryPage p;
            for (int i = 0; i < n; ++i) {
                const QString id = QStringLiteral("e%1").arg(rng.bounded(80));
                LedgerEntry e = test::ledgerEntry(
                    id, ++revisions[id], QStringLiteral("C-%1").arg(1 + rng.bounded(3)),
                    kinds[rng.bounded(int(kinds.size()))], 100 + rng.bounded(3000),
                    QDate(2024, 6, 1).addDays(rng.bounded(150)).toString(Qt::ISODate) +
                        QStringLiteral("T21:30:00+00:00"),
                    rng.bounded(5) == 0 ? QStringLiteral("voided") : QStringLiteral("posted"));
                if (e.kind == QLatin1String("purchase"))
                    e.amountCents = -e.amountCents;
                if (rng.bounded(2) == 0 && e.merchant)
                    e.merchant = test::supermarket();
                p.entries.push_back(e);
            }
            p.nextCursor = QStringLiteral("c%1").arg(rng.generate());
            ledger.applyEntryPage(p);
        };
        {
            std::vector<store::Migration> v13(store::migrations().begin(), store::migrations().begin() + 13);
            store::overrideMigrationsForTesting(&v13);
            auto db = t.createInitialised();
            store::overrideMigrationsForTesting(nullptr);
            REQUIRE(db->schemaVersion() == 13);
            for (int i = 1; i <= 3; ++i)
                test::addCard(
                    *db, QStringLiteral("C-%1").arg(i),
                    test::addHousehold(*db, QStringLiteral("MMG-%1").arg(i, 4, 10, QLatin1Char('0'))));
            store::LedgerRepository ledger(*db);
            page(ledger, 60);
            page(ledger, 40);
        }
        auto db = t.open();
        REQUIRE(db->schemaVersion() >= 14);
        checkFigures(*db);
        std::string all;
        for (const auto& [from, to] : {std::pair{QDate(2024, 6, 1), QDate(2024, 10, 31)},
                                       std::pair{QDate(2024, 7, 1), QDate(2024, 8, 31)},
                                       std::pair{QDate(2024, 6, 12), QDate(2024, 9, 30)}}) {
            const std::string computed = computedLedger(*db, from, to);
            CHECK(computed == expectedLedger(*db, from, to));
            all += computed;
        }
        store::LedgerRepository ledger(*db);
        page(ledger, 50);
        checkFigures(*db);
        store::MerchantRepository(*db).approve(QStringLiteral("M-09"), QDate(2024, 7, 20), QString(), 0,
                                               Clock::instance().nowUtc());
        checkFigures(*db);
        const std::string computed = computedLedger(*db, QDate(2024, 6, 1), QDate(2024, 10, 31));
        CHECK(computed == expectedLedger(*db, QDate(2024, 6, 1), QDate(2024, 10, 31)));
        perBackend.push_back(all + computed);
    }
    for (const std::string& s : perBackend)
        CHECK(s == perBackend.front());
}
