#include <catch2/catch.hpp>

#include "UiTestUtil.h"
#include "common/Money.h"
#include "demo/DemoProgramme.h"
#include "households/CaseFileView.h"
#include "households/IncomePanel.h"
#include "security/Access.h"
#include "services/IncomeService.h"
#include "services/ProgrammeService.h"
#include "store/HouseholdRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"

#include <QCheckBox>
#include <QDateEdit>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>

using namespace cabas;
using namespace Qt::StringLiterals;
using cabas::test::child;

namespace {

// Rennes' barème solidaire (four income bands per consumption unit, re-assessed every three months) and a
// household of two adults and a child of six (1.8 consumption units), enrolled on 1 June 2024.
struct IncomeFixture
{
    test::ScopedClock clock{QDateTime(QDate(2024, 9, 5), QTime(10, 0), Qt::UTC)};
    test::TempDatabase temp;
    std::unique_ptr<store::Database> db;
    Session admin;
    Session socialWorker;

    explicit IncomeFixture(store::Backend backend = store::Backend::Sqlite,
                           const QString& scheme = u"rennes"_s)
        : temp(backend), db(test::initialisedDatabase(temp)), admin(test::adminSession(*db)),
          socialWorker(test::sessionFor(*db, Role::SocialWorker))
    {
        const ProgrammeService programmes(*db, admin);
        Programme p = DemoProgramme::scheme(scheme);
        const Programme current = *programmes.load();
        p.id = current.id;
        p.version = current.version;
        p.startsOn = QDate(2024, 6, 1);
        programmes.save(p);
        Household h;
        h.code = u"MMG-0001"_s;
        h.status = HouseholdStatus::Enrolled;
        h.enrolledOn = QDate(2024, 6, 1);
        store::HouseholdRepository(*db).insert(h);
        int n = 0;
        for (const QDate& birth : {QDate(1981, 3, 1), QDate(1983, 5, 1), QDate(2018, 2, 1)}) {
            Person person;
            person.householdId = h.id;
            person.code = u"P-%1"_s.arg(++n);
            person.firstName = u"Prénom"_s;
            person.lastName = u"Nom"_s;
            person.birthDate = birth;
            person.arrivedOn = QDate(2024, 6, 1);
            person.role = birth.year() > 2010 ? PersonRole::Child : PersonRole::Adult;
            store::PersonRepository(*db).insert(person);
        }
    }
};

ui::IncomePanel* incomeTab(const ui::CaseFileView& view)
{
    return view.findChild<ui::IncomePanel*>(u"incomePanel"_s);
}

} // namespace

TEST_CASE("ui: the case file's income panel records an assessment and shows its band, allowance and due date",
          "[ui][income]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    IncomeFixture f(backend);
    ui::CaseFileView view(*f.db, f.socialWorker);
    REQUIRE(view.load(u"MMG-0001"_s));
    ui::IncomePanel* panel = incomeTab(view);
    REQUIRE(panel);
    auto* tabs = child<QTabWidget>(&view, "caseFileTabs");
    CHECK(tabs->indexOf(panel) >= 0);
    auto* history = child<QTableWidget>(panel, "incomeHistoryTable");
    CHECK(history->rowCount() == 0);
    CHECK_FALSE(
        child<QLabel>(panel, "incomeDueLabel")->text().isEmpty()); // none yet: the allowance is unknown

    ui::IncomeAssessmentDialog* dialog = panel->addAssessment();
    REQUIRE(dialog);
    child<QDateEdit>(dialog, "incomeEffectiveEdit")->setDate(QDate(2024, 9, 1));
    auto* income = child<QLineEdit>(dialog, "incomeAmountEdit");
    income->setText(u"15 cents"_s);
    CHECK(child<QLabel>(dialog, "incomeAmountProblem")->isVisibleTo(dialog));
    CHECK_FALSE(dialog->save());
    CHECK(IncomeService(*f.db, f.socialWorker).history(u"MMG-0001"_s).empty());
    income->setText(u"1500"_s);
    CHECK_FALSE(child<QLabel>(dialog, "incomeAmountProblem")->isVisibleTo(dialog));
    // 1500 EUR for 1.8 units: 833.33 EUR a unit, the second band (up to 900 EUR): 70 EUR a month.
    CHECK(child<QDoubleSpinBox>(dialog, "incomeUnitsSpin")->value() == Approx(1.8));
    CHECK(dialog->preview().contains(formatCents(83333)));
    CHECK(dialog->preview().contains(formatCents(7000)));
    CHECK(dialog->preview().contains(
        ui::IncomePanel::tr("band %1 (up to %2 per unit)").arg(2).arg(formatCents(90000))));
    // Re-assessed every three months.
    CHECK(dialog->preview().contains(QLocale().toString(QDate(2024, 12, 1), QLocale::ShortFormat)));
    child<QPushButton>(dialog, "incomeSaveButton")->click();
    QCoreApplication::processEvents();

    const auto stored = IncomeService(*f.db, f.socialWorker).history(u"MMG-0001"_s);
    REQUIRE(stored.size() == 1);
    CHECK(stored[0].assessment.monthlyIncomeCents == 150000);
    CHECK(stored[0].assessment.consumptionUnitsMilli == 1800);
    CHECK(stored[0].band == 1);
    CHECK(stored[0].assessment.incomeFrom.isValid());
    REQUIRE(history->rowCount() == 1);
    CHECK(history->item(0, 7)->text().startsWith(stored[0].assessment.assessedBy));
    CHECK(child<QLabel>(panel, "incomeDueLabel")
              ->text()
              .contains(QLocale().toString(QDate(2024, 12, 1), QLocale::ShortFormat)));

    SECTION("typed units and a lower income give the first band")
    {
        ui::IncomeAssessmentDialog* second = panel->addAssessment();
        REQUIRE(second);
        child<QDateEdit>(second, "incomeEffectiveEdit")->setDate(QDate(2024, 12, 1));
        child<QCheckBox>(second, "incomeTypeUnitsCheck")->setChecked(true);
        child<QDoubleSpinBox>(second, "incomeUnitsSpin")->setValue(2.5);
        child<QLineEdit>(second, "incomeAmountEdit")->setText(u"1000,00"_s);
        CHECK(second->preview().contains(formatCents(10000)));
        REQUIRE(second->save());
        second->accept();
        QCoreApplication::processEvents();
        REQUIRE(history->rowCount() == 2);
        CHECK(history->item(0, 0)->text() == QLocale().toString(QDate(2024, 12, 1), QLocale::ShortFormat));
    }
}

TEST_CASE("ui: the income panel only where the rule uses income, and never an income for a coordinator",
          "[ui][income]")
{
    SECTION("a per-person programme has no income tab")
    {
        IncomeFixture f(store::Backend::Sqlite, u"vitalim"_s);
        ui::CaseFileView view(*f.db, f.socialWorker);
        REQUIRE(view.load(u"MMG-0001"_s));
        CHECK(incomeTab(view) == nullptr);
    }
    SECTION("a coordinator sees the refusal, and no button")
    {
        IncomeFixture f;
        const Session coordinator = test::sessionFor(*f.db, Role::Coordinator);
        ui::CaseFileView view(*f.db, coordinator);
        REQUIRE(view.load(u"MMG-0001"_s));
        ui::IncomePanel* panel = incomeTab(view);
        REQUIRE(panel);
        CHECK(panel->message() ==
              AccessPolicy::refusal(Role::Coordinator, DataKind::Households, Action::Read));
        CHECK_FALSE(child<QPushButton>(panel, "addIncomeButton")->isVisibleTo(panel));
        CHECK(panel->addAssessment() == nullptr);
        CHECK(test::hasAuditRecord(*f.db, QString(), u"read"_s, u"income_assessment"_s, u"denied"_s));
    }
}

TEST_CASE("ui: the income panel scene", "[ui][income][screenshot]")
{
    IncomeFixture f;
    IncomeAssessment a;
    a.effectiveOn = QDate(2024, 6, 1);
    a.incomeFrom = QDate(2024, 3, 1);
    a.incomeTo = QDate(2024, 5, 31);
    a.monthlyIncomeCents = 98000;
    IncomeService(*f.db, f.socialWorker).assess(u"MMG-0001"_s, a);
    ui::CaseFileView view(*f.db, f.socialWorker);
    REQUIRE(view.load(u"MMG-0001"_s));
    ui::IncomePanel* panel = incomeTab(view);
    REQUIRE(panel);
    auto* tabs = child<QTabWidget>(&view, "caseFileTabs");
    tabs->setCurrentWidget(panel);
    view.resize(1000, 620);
    test::screenshotIfAsked(&view, u"case-file-income"_s);
    ui::IncomeAssessmentDialog* dialog = panel->addAssessment();
    REQUIRE(dialog);
    child<QDateEdit>(dialog, "incomeEffectiveEdit")->setDate(QDate(2024, 9, 1));
    child<QLineEdit>(dialog, "incomeAmountEdit")->setText(u"1500"_s);
    test::screenshotIfAsked(dialog, u"income-assessment-dialog"_s);
    dialog->reject();
}
