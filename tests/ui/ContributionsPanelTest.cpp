#include <catch2/catch.hpp>

#include "UiTestUtil.h"
#include "common/Money.h"
#include "households/ContributionsPanel.h"
#include "services/ContributionService.h"
#include "services/ProgrammeService.h"
#include "store/HouseholdRepository.h"
#include "store/ProgrammeRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"

#include <QAbstractItemModelTester>
#include <QDateEdit>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>

using namespace cabas;
using namespace Qt::StringLiterals;
using cabas::test::child;

namespace {
struct ContributionFixture
{
    test::ScopedClock clock{QDateTime(QDate(2025, 4, 10), QTime(10, 0), Qt::UTC)};
    test::TempDatabase temp;
    std::unique_ptr<store::Database> db;
    Session admin;
    Session socialWorker;

    explicit ContributionFixture(store::Backend backend = store::Backend::Sqlite)
        : temp(backend), db(temp.createInitialised()), admin(test::adminSession(*db)),
          socialWorker(test::sessionFor(*db, Role::SocialWorker, u"anne"_s))
    {
        Programme p = *store::ProgrammeRepository(*db).load();
        p.startsOn = QDate(2025, 1, 1);
        p.currency = u"MonA"_s;
        p.contributions = {true, u"EUR"_s, 100, 15000};
        ProgrammeService(*db, admin).save(p);
        Household h;
        h.code = u"MMG-0001"_s;
        h.status = HouseholdStatus::Enrolled;
        h.enrolledOn = QDate(2025, 2, 3);
        store::HouseholdRepository(*db).insert(h);
        ContributionService(*db, socialWorker).choose(u"MMG-0001"_s, 1000, QString(), QDate(2025, 2, 1));
    }
};
} // namespace

TEST_CASE("ui: the contributions panel sets an amount, records a payment and shows what is owed",
          "[ui][contributions]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    ContributionFixture f(backend);
    QTabWidget tabs;
    ui::ContributionsPanel* panel =
        ui::ContributionsPanel::showIn(&tabs, *f.db, f.socialWorker, u"MMG-0001"_s);
    REQUIRE(panel);
    CHECK(tabs.count() == 1);
    auto* months = child<QTableWidget>(panel, "contributionMonthsTable");
    QAbstractItemModelTester tester(months->model(), QAbstractItemModelTester::FailureReportingMode::Warning);
    // February, March, April at 10 EUR, nothing paid.
    REQUIRE(months->rowCount() == 3);
    CHECK(months->item(0, 0)->text() == u"2025-04"_s);
    CHECK(months->item(0, 3)->text() == formatCents(3000, u"EUR"_s));
    CHECK(child<QLabel>(panel, "contributionSummaryLabel")->text().contains(formatCents(3000, u"EUR"_s)));

    // A new amount from April, then a payment.
    child<QLineEdit>(panel, "contributionAmountEdit")->setText(u"25,50"_s);
    child<QDateEdit>(panel, "contributionFromEdit")->setDate(QDate(2025, 4, 1));
    child<QPushButton>(panel, "setContributionButton")->click();
    INFO(panel->message().toStdString());
    CHECK(child<QTableWidget>(panel, "contributionChoicesTable")->rowCount() == 2);
    CHECK(months->item(0, 1)->text() == formatCents(2550, u"EUR"_s));
    child<QLineEdit>(panel, "paymentAmountEdit")->setText(u"20"_s);
    child<QDateEdit>(panel, "paymentDateEdit")->setDate(QDate(2025, 3, 5));
    child<QPushButton>(panel, "recordPaymentButton")->click();
    CHECK(child<QTableWidget>(panel, "contributionPaymentsTable")->rowCount() == 1);
    CHECK(child<QTableWidget>(panel, "contributionPaymentsTable")->item(0, 2)->text() == u"anne"_s);
    CHECK(months->item(0, 3)->text() == formatCents(2550, u"EUR"_s)); // 10 + 10 + 25.50 - 20
    test::screenshotIfAsked(panel, u"contributions-panel"_s);

    // Out of range: the core's located message, nothing recorded.
    child<QLineEdit>(panel, "contributionAmountEdit")->setText(u"200"_s);
    CHECK_FALSE(panel->setAmount());
    CHECK(panel->message().startsWith(u"amount:"_s));
    CHECK(ContributionService(*f.db, f.admin).account(u"MMG-0001"_s).choices.size() == 2);
}

TEST_CASE("ui: coordinators get the refusal in the contributions panel, and no form", "[ui][contributions]")
{
    ContributionFixture f;
    const Session coordinator = test::sessionFor(*f.db, Role::Coordinator, u"julien"_s);
    QTabWidget tabs;
    ui::ContributionsPanel* panel = ui::ContributionsPanel::showIn(&tabs, *f.db, coordinator, u"MMG-0001"_s);
    REQUIRE(panel);
    CHECK(child<QTableWidget>(panel, "contributionMonthsTable")->rowCount() == 0);
    CHECK_FALSE(panel->message().isEmpty());
    CHECK(child<QGroupBox>(panel, "contributionRecordBox")->isHidden());
    // Without contributions in the programme, the tab goes away.
    Programme p = *store::ProgrammeRepository(*f.db).load();
    p.contributions.enabled = false;
    ProgrammeService(*f.db, f.admin).save(p);
    CHECK(ui::ContributionsPanel::showIn(&tabs, *f.db, coordinator, u"MMG-0001"_s) == nullptr);
    CHECK(tabs.count() == 0);
}
