#include <catch2/catch.hpp>

#include "UiTestUtil.h"
#include "core/store/LedgerTestUtil.h"
#include "ledger/HouseholdSpendingWidget.h"
#include "ledger/LedgerPage.h"
#include "store/LedgerRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"

#include <QAbstractItemModelTester>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStackedBarSeries>
#include <QTableWidget>

using namespace cabas;
using namespace Qt::StringLiterals;
using cabas::test::child;
using cabas::test::ledgerEntry;

namespace {
// Two households; MMG-0001's card C-1 has three months of movements, C-9 is a card nobody claims yet.
struct LedgerFixture
{
    test::ScopedClock clock{QDateTime(QDate(2024, 9, 10), QTime(9, 0), Qt::UTC)};
    test::TempDatabase temp{store::Backend::Sqlite};
    std::unique_ptr<store::Database> db = test::initialisedDatabase(temp);
    qint64 household = 0;

    LedgerFixture()
    {
        household = test::addHousehold(*db, u"MMG-0001"_s);
        test::addHousehold(*db, u"MMG-0002"_s);
        test::addCard(*db, u"C-1"_s, household);
        EntryPage page;
        int n = 0;
        for (int month = 6; month <= 8; ++month) {
            const QString day = u"2024-%1-"_s.arg(month, 2, 10, QLatin1Char('0'));
            page.entries.push_back(ledgerEntry(u"e-%1"_s.arg(++n), 1, u"C-1"_s, u"allowance"_s, 6000,
                                               day + u"01T00:10:00+02:00"_s));
            page.entries.push_back(ledgerEntry(u"e-%1"_s.arg(++n), 1, u"C-1"_s, u"purchase"_s, -1000 * month,
                                               day + u"10T10:00:00+02:00"_s));
            LedgerEntry hyper = ledgerEntry(u"e-%1"_s.arg(++n), 1, u"C-1"_s, u"purchase"_s, -1500,
                                            day + u"20T10:00:00+02:00"_s);
            hyper.merchant = test::supermarket();
            page.entries.push_back(hyper);
        }
        page.entries.push_back(ledgerEntry(u"e-90"_s, 1, u"C-9"_s, u"allowance"_s, 4000));
        page.nextCursor = u"c"_s;
        store::LedgerRepository repo(*db);
        repo.applyEntryPage(page);
        repo.recordSyncResult(store::kEntriesFeed, QDateTime(QDate(2024, 9, 10), QTime(6, 0), Qt::UTC), true);
    }
};
} // namespace

TEST_CASE("ui: the ledger page lists unlinked cards and links one to a household", "[ui][ledger][screenshot]")
{
    LedgerFixture f;
    ui::LedgerPage page;
    page.resize(900, 600);
    page.load(f.db.get(), test::sessionFor(*f.db, Role::SocialWorker));
    auto* table = child<QTableWidget>(&page, "unlinkedCardsTable");
    QAbstractItemModelTester tester(table->model(), QAbstractItemModelTester::FailureReportingMode::Warning);
    REQUIRE(table->rowCount() == 1);
    CHECK(table->item(0, 0)->text() == u"C-9"_s);
    CHECK_FALSE(child<QLabel>(&page, "ledgerSyncStatus")->text().isEmpty());
    auto* link = child<QPushButton>(&page, "linkCardButton");
    CHECK_FALSE(link->isEnabled());
    test::screenshotIfAsked(&page, u"ledger-unlinked"_s);

    table->selectRow(0);
    auto* code = child<QLineEdit>(&page, "linkHouseholdCode");
    code->setText(u"MMG-0404"_s);
    CHECK(link->isEnabled());
    CHECK_FALSE(page.linkSelectedCard()); // no such household: said, nothing changes
    CHECK(page.message().contains(u"MMG-0404"_s));
    CHECK(table->rowCount() == 1);

    code->setText(u"MMG-0002"_s);
    link->click();
    CHECK(table->rowCount() == 0);
    CHECK(store::LedgerRepository(*f.db).counts().unlinked == 0);
}

TEST_CASE("ui: coordinators see the ledger's figures, not its cards, nurses cannot link", "[ui][ledger]")
{
    LedgerFixture f;
    ui::LedgerPage page;
    page.load(f.db.get(), test::sessionFor(*f.db, Role::Coordinator));
    CHECK(child<QLabel>(&page, "ledgerSummary")->text().contains(u"10"_s));
    CHECK(child<QTableWidget>(&page, "unlinkedCardsTable")->isHidden());

    ui::LedgerPage nursePage;
    nursePage.load(f.db.get(), test::sessionFor(*f.db, Role::Nurse));
    CHECK(child<QTableWidget>(&nursePage, "unlinkedCardsTable")->rowCount() == 1);
    CHECK(child<QPushButton>(&nursePage, "linkCardButton")->isHidden());
}

TEST_CASE("ui: a household's spending: balance, filters and the monthly sustainable/other chart",
          "[ui][ledger][screenshot]")
{
    LedgerFixture f;
    ui::HouseholdSpendingWidget w(*f.db, test::sessionFor(*f.db, Role::SocialWorker), f.household);
    w.resize(900, 700);
    CHECK(child<QLabel>(&w, "spendingBalance")->text().contains(u"75"_s)); // 180,00 - 210,00 - 45,00
    auto* table = child<QTableWidget>(&w, "movementsTable");
    QAbstractItemModelTester tester(table->model(), QAbstractItemModelTester::FailureReportingMode::Warning);
    CHECK(table->rowCount() == 9);

    auto* kind = child<QComboBox>(&w, "movementKindFilter");
    kind->setCurrentIndex(kind->findData(u"purchase"_s));
    CHECK(table->rowCount() == 6);
    auto* merchant = child<QComboBox>(&w, "movementMerchantFilter");
    merchant->setCurrentIndex(merchant->findData(u"M-09"_s));
    CHECK(table->rowCount() == 3);
    auto* month = child<QComboBox>(&w, "movementMonthFilter");
    month->setCurrentIndex(month->findData(QDate(2024, 7, 1)));
    CHECK(table->rowCount() == 1);

    // One stacked bar per month: sustainable (Biocoop) and other (the supermarket), in euros.
    auto* chart = child<QChartView>(&w, "spendingChart")->chart();
    REQUIRE(chart->series().size() == 1);
    auto* series = qobject_cast<QStackedBarSeries*>(chart->series().first());
    REQUIRE(series);
    REQUIRE(series->barSets().size() == 2);
    CHECK(series->barSets()[0]->count() == 3);
    CHECK(series->barSets()[0]->at(1) == Approx(70.0)); // July at Biocoop
    CHECK(series->barSets()[1]->at(1) == Approx(15.0)); // July at the supermarket
    test::screenshotIfAsked(&w, u"household-spending"_s);
}
