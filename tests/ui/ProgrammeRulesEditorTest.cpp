#include <catch2/catch.hpp>

#include "AdministrationPage.h"
#include "ProgrammeEditor.h"
#include "UiTestUtil.h"
#include "demo/DemoProgramme.h"
#include "store/ProgrammeRepository.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTableWidget>

using namespace cabas;
using namespace Qt::StringLiterals;
using cabas::test::child;

TEST_CASE("ui: the programme editor keeps the allowance rules it does not show", "[ui][programme]")
{
    const QString scheme = GENERATE(as<QString>(), QStringLiteral("vitalim"), QStringLiteral("rennes"));
    INFO("scheme " << scheme.toStdString());
    const Programme loaded = DemoProgramme::scheme(scheme);
    ui::ProgrammeEditor editor;
    editor.setProgramme(loaded);
    QStringList problems;
    const Programme back = editor.programme(&problems);
    CHECK(problems.isEmpty());
    CHECK(back == loaded); // per person, or income bands with their weights and interval, as they were
    // A change in what the editor shows keeps the rest.
    editor.setProgramme(Programme::defaults(QDate(2024, 6, 1)));
    CHECK(editor.programme().allowanceKind == AllowanceKind::ByRole);
    editor.setProgramme(loaded);
    child<QDoubleSpinBox>(&editor, "adultAllowanceSpin")->setValue(12.0);
    const Programme edited = editor.programme();
    CHECK(edited.allowanceKind == loaded.allowanceKind);
    CHECK(edited.incomeBands == loaded.incomeBands);
    CHECK(edited.perPersonCents == loaded.perPersonCents);
    CHECK(edited.adultAllowanceCents == 1200);
}

namespace {

void setCellText(QTableWidget* table, int row, int column, const QString& text)
{
    table->setItem(row, column, new QTableWidgetItem(text));
}

void selectKind(ui::ProgrammeEditor* editor, AllowanceKind kind)
{
    auto* combo = child<QComboBox>(editor, "allowanceKindCombo");
    combo->setCurrentIndex(combo->findData(int(kind)));
}

struct AdminFixture
{
    test::TempDatabase temp{store::Backend::Sqlite};
    std::unique_ptr<store::Database> db = test::initialisedDatabase(temp);
    ui::AdministrationPage page;
    ui::ProgrammeEditor* editor = nullptr;

    AdminFixture()
    {
        page.load(db.get(), test::adminSession(*db));
        editor = child<ui::ProgrammeEditor>(&page, "programmeEditor");
    }
    Programme stored() const { return *store::ProgrammeRepository(*db).load(); }
};

} // namespace

TEST_CASE("ui: the programme editor edits each kind of allowance rule and saves it as programme set does",
          "[ui][programme]")
{
    AdminFixture f;
    ui::ProgrammeEditor* editor = f.editor;
    auto* stack = child<QStackedWidget>(editor, "allowanceKindStack");

    SECTION("by role")
    {
        selectKind(editor, AllowanceKind::ByRole);
        CHECK(stack->currentWidget()->isAncestorOf(child<QDoubleSpinBox>(editor, "adultAllowanceSpin")));
        child<QDoubleSpinBox>(editor, "adultAllowanceSpin")->setValue(42.5);
        child<QDoubleSpinBox>(editor, "childAllowanceSpin")->setValue(21);
        child<QSpinBox>(editor, "adultAgeSpin")->setValue(16);
        child<QCheckBox>(editor, "prorateFirstMonthCheck")->setChecked(true);
        REQUIRE(f.page.saveProgramme());
        const Programme p = f.stored();
        CHECK(p.allowanceKind == AllowanceKind::ByRole);
        CHECK(p.adultAllowanceCents == 4250);
        CHECK(p.childAllowanceCents == 2100);
        CHECK(p.childAdultAge == 16);
        CHECK(p.prorateFirstMonth);
    }
    SECTION("per person, with a capped bonus that ends")
    {
        selectKind(editor, AllowanceKind::PerPerson);
        auto* perPerson = child<QDoubleSpinBox>(editor, "perPersonAllowanceSpin");
        CHECK(stack->currentWidget()->isAncestorOf(perPerson));
        perPerson->setValue(50);
        child<QPushButton>(editor, "bonusTableAddButton")->click();
        auto* bonus = child<QTableWidget>(editor, "bonusTable");
        setCellText(bonus, 0, 1, u"50"_s);
        setCellText(bonus, 0, 2, u"25,00"_s);
        setCellText(bonus, 0, 3, u"01/07/2024"_s);
        setCellText(bonus, 0, 4, u"2025-01-31"_s);
        REQUIRE(f.page.saveProgramme());
        const Programme p = f.stored();
        CHECK(p.allowanceKind == AllowanceKind::PerPerson);
        CHECK(p.perPersonCents == 5000);
        REQUIRE(p.bonusRules.size() == 1);
        CHECK(p.bonusRules[0].rateBasisPoints == 5000);
        CHECK(p.bonusRules[0].monthlyCapCents == 2500);
        CHECK(p.bonusRules[0].validFrom == QDate(2024, 7, 1));
        CHECK(p.bonusRules[0].validTo == QDate(2025, 1, 31));
        // Read back by a new editor, it is the same programme.
        ui::ProgrammeEditor again;
        again.setProgramme(p);
        CHECK(again.programme() == p);
    }
    SECTION("income bands, with their weights and interval")
    {
        selectKind(editor, AllowanceKind::IncomeBands);
        auto* bands = child<QTableWidget>(editor, "incomeBandsTable");
        CHECK(stack->currentWidget()->isAncestorOf(bands));
        REQUIRE(bands->rowCount() == 1); // a first, open band to start from
        child<QPushButton>(editor, "incomeBandsTableAddButton")->click();
        child<QPushButton>(editor, "incomeBandsTableAddButton")->click();
        REQUIRE(bands->rowCount() == 3);
        CHECK(bands->item(2, 0)->text().isEmpty()); // the open band stays last
        setCellText(bands, 0, 0, u"600"_s);
        setCellText(bands, 0, 1, u"100"_s);
        setCellText(bands, 1, 0, u"900,50"_s);
        setCellText(bands, 1, 1, u"70"_s);
        setCellText(bands, 2, 1, u"20"_s);
        auto* basis = child<QComboBox>(editor, "bandBasisCombo");
        basis->setCurrentIndex(basis->findData(true));
        child<QDoubleSpinBox>(editor, "otherPersonsWeightSpin")->setValue(0.7);
        child<QDoubleSpinBox>(editor, "childrenWeightSpin")->setValue(0.5);
        child<QSpinBox>(editor, "childUnderAgeSpin")->setValue(15);
        child<QSpinBox>(editor, "reassessMonthsSpin")->setValue(3);
        child<QCheckBox>(editor, "prorateFirstMonthCheck")->setChecked(true);
        REQUIRE(f.page.saveProgramme());
        const Programme p = f.stored();
        CHECK(p.allowanceKind == AllowanceKind::IncomeBands);
        REQUIRE(p.incomeBands.size() == 3);
        CHECK(p.incomeBands[0] == IncomeBand{60000, 10000});
        CHECK(p.incomeBands[1] == IncomeBand{90050, 7000});
        CHECK(p.incomeBands[2] == IncomeBand{std::nullopt, 2000});
        CHECK(p.incomeBandPerPerson);
        CHECK(p.consumptionUnits == ConsumptionUnitWeights{1000, 700, 500, 15});
        CHECK(p.reassessmentMonths == 3);
        CHECK(p.prorateFirstMonth);
        CHECK(test::hasAuditRecord(*f.db, u"admin"_s, u"update"_s, u"programme"_s, u"ok"_s));
    }
}

TEST_CASE("ui: the programme editor shows each problem next to its part and saves nothing", "[ui][programme]")
{
    AdminFixture f;
    ui::ProgrammeEditor* editor = f.editor;
    const Programme before = f.stored();
    selectKind(editor, AllowanceKind::IncomeBands);
    auto* bands = child<QTableWidget>(editor, "incomeBandsTable");
    child<QPushButton>(editor, "incomeBandsTableAddButton")->click();
    child<QPushButton>(editor, "incomeBandsTableAddButton")->click();
    setCellText(bands, 0, 0, u"900"_s);
    setCellText(bands, 0, 1, u"70"_s);
    setCellText(bands, 1, 0, u"600"_s); // out of order
    setCellText(bands, 1, 1, u"soixante"_s);
    setCellText(bands, 2, 1, u"20"_s);
    child<QPushButton>(editor, "bonusTableAddButton")->click();
    setCellText(child<QTableWidget>(editor, "bonusTable"), 0, 4, u"2020-01-01"_s); // ends before it starts
    CHECK_FALSE(f.page.saveProgramme());
    auto* allowance = child<QLabel>(editor, "allowanceProblemsLabel");
    CHECK(allowance->isVisibleTo(editor));
    CHECK(allowance->text().contains(u"allowance.bands[1].up_to_cents"_s));
    CHECK(allowance->text().contains(u"soixante"_s));
    CHECK_FALSE(allowance->text().contains(u"bonus_rules"_s));
    auto* bonus = child<QLabel>(editor, "bonusProblemsLabel");
    CHECK(bonus->isVisibleTo(editor));
    CHECK(bonus->text().contains(u"bonus_rules[0].valid_to"_s));
    CHECK_FALSE(child<QLabel>(editor, "wavesProblemsLabel")->isVisibleTo(editor));
    CHECK(f.stored() == before);
    // Corrected, it saves.
    setCellText(bands, 1, 0, u"1200"_s);
    setCellText(bands, 1, 1, u"60"_s);
    setCellText(child<QTableWidget>(editor, "bonusTable"), 0, 4, QString());
    REQUIRE(f.page.saveProgramme());
    CHECK_FALSE(allowance->isVisibleTo(editor));
    CHECK(f.stored().incomeBands.size() == 3);
}

TEST_CASE("ui: the programme editor scene with income bands", "[ui][programme][screenshot]")
{
    ui::ProgrammeEditor editor;
    editor.setProgramme(DemoProgramme::scheme(u"rennes"_s));
    editor.resize(820, 1100);
    CHECK(child<QTableWidget>(&editor, "incomeBandsTable")->rowCount() == 4);
    test::screenshotIfAsked(&editor, u"programme-editor-income-bands"_s);
}
