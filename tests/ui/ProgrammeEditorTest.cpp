#include <catch2/catch.hpp>

#include "AdministrationPage.h"
#include "FirstRunDialog.h"
#include "ProgrammeEditor.h"
#include "UiTestUtil.h"
#include "services/ProgrammeService.h"
#include "store/ProgrammeRepository.h"
#include "support/TestDatabase.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QTableWidget>
#include <QTemporaryDir>

using namespace cabas;
using cabas::test::child;

namespace {
void setCellText(QTableWidget* table, int row, int column, const QString& text)
{
    table->setItem(row, column, new QTableWidgetItem(text));
}
} // namespace

TEST_CASE("ui: the programme editor reads back what it shows and locates bad cells", "[ui][programme]")
{
    ui::ProgrammeEditor editor;
    Programme p = Programme::defaults(QDate(2024, 6, 1));
    p.name = QStringLiteral("Vital'im");
    p.adultAllowanceCents = 5000;
    p.childAllowanceCents = 5000;
    p.bonusRules.push_back({0, QStringLiteral("Bonus"), 5000, 2500, QDate(2024, 6, 1), QDate(2025, 1, 31)});
    p.sustainableCategories = {QStringLiteral("farm_shop"), QStringLiteral("organic_shop")};
    editor.setProgramme(p);
    QStringList problems;
    const Programme back = editor.programme(&problems);
    INFO(problems.join(QLatin1Char('\n')).toStdString());
    CHECK(problems.isEmpty());
    CHECK(back == p);

    // A rate that is not a number and a wave out of order are both named.
    auto* bonus = child<QTableWidget>(&editor, "bonusTable");
    setCellText(bonus, 0, 1, QStringLiteral("cinquante"));
    auto* waves = child<QTableWidget>(&editor, "wavesTable");
    setCellText(waves, 1, 1, QStringLiteral("0"));
    CHECK_FALSE(editor.check(p.name));
    const QString shown = child<QLabel>(&editor, "programmeProblemsLabel")->text();
    CHECK(shown.contains(QStringLiteral("1")));
    CHECK(shown.contains(QStringLiteral("waves[1]")));
    editor.programme(&problems);
    CHECK(problems.size() >= 2);
}

TEST_CASE("ui: the first-run dialog creates the programme with the rules given", "[ui][programme][firstrun]")
{
    QTemporaryDir dir;
    ui::FirstRunDialog dialog;
    child<QRadioButton>(&dialog, "createRadio")->click();
    child<QLineEdit>(&dialog, "createPathEdit")->setText(dir.filePath(QStringLiteral("vitalim.cabas")));
    child<QLineEdit>(&dialog, "programmeNameEdit")->setText(QStringLiteral("Vital'im"));
    child<QLineEdit>(&dialog, "passwordEdit")->setText(QStringLiteral("Admin-Password-2026"));
    child<QLineEdit>(&dialog, "passwordConfirmEdit")->setText(QStringLiteral("Admin-Password-2026"));
    child<QPushButton>(&dialog, "programmeRulesButton")->click();
    auto* editor = child<ui::ProgrammeEditor>(&dialog, "programmeEditor");
    CHECK_FALSE(editor->isHidden());
    child<QDoubleSpinBox>(editor, "adultAllowanceSpin")->setValue(50);
    child<QDoubleSpinBox>(editor, "childAllowanceSpin")->setValue(50);
    child<QCheckBox>(editor, "category_market")->setChecked(true);
    child<QPushButton>(editor, "bonusTableAddButton")->click();
    auto* bonus = child<QTableWidget>(editor, "bonusTable");
    setCellText(bonus, 0, 2, QStringLiteral("25"));
    // A bad date keeps the dialog open with the problem shown.
    setCellText(bonus, 0, 3, QStringLiteral("31/02/2024"));
    child<QPushButton>(&dialog, "okButton")->click();
    CHECK(dialog.result() != QDialog::Accepted);
    CHECK_FALSE(child<QLabel>(editor, "programmeProblemsLabel")->isHidden());
    CHECK_FALSE(QFile::exists(dir.filePath(QStringLiteral("vitalim.cabas"))));

    setCellText(bonus, 0, 3, QStringLiteral("01/06/2024"));
    test::acknowledgeRecoveryKeyWhenShown();
    child<QPushButton>(&dialog, "okButton")->click();
    INFO(dialog.errorMessage().toStdString());
    REQUIRE(dialog.result() == QDialog::Accepted);
    auto db = dialog.takeDatabase();
    const auto programme = store::ProgrammeRepository(*db).load();
    REQUIRE(programme);
    CHECK(programme->adultAllowanceCents == 5000);
    CHECK(programme->childAllowanceCents == 5000);
    CHECK(programme->sustainableCategories.contains(QStringLiteral("market")));
    REQUIRE(programme->bonusRules.size() == 1);
    CHECK(programme->bonusRules[0].monthlyCapCents == 2500);
    CHECK(programme->bonusRules[0].validFrom == QDate(2024, 6, 1));
}

TEST_CASE("ui: an administrator changes the programme's rules from the administration page",
          "[ui][programme]")
{
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = test::initialisedDatabase(temp);
    ui::AdministrationPage page;
    page.load(db.get(), test::adminSession(*db));
    auto* editor = child<ui::ProgrammeEditor>(&page, "programmeEditor");
    CHECK(child<QLineEdit>(&page, "programmeNameEdit")->text() == test::kProgrammeName);
    child<QDoubleSpinBox>(editor, "adultAllowanceSpin")->setValue(45.5);
    REQUIRE(page.saveProgramme());
    CHECK(store::ProgrammeRepository(*db).load()->adultAllowanceCents == 4550);
    CHECK(test::hasAuditRecord(*db, QStringLiteral("admin"), QStringLiteral("update"),
                               QStringLiteral("programme"), QStringLiteral("ok")));

    // Someone else saves meanwhile: this page's save is refused and says so.
    Programme other = *store::ProgrammeRepository(*db).load();
    other.childAllowanceCents = 2500;
    ProgrammeService(*db, test::adminSession(*db)).save(other);
    child<QDoubleSpinBox>(editor, "adultAllowanceSpin")->setValue(60);
    CHECK_FALSE(page.saveProgramme());
    CHECK_FALSE(child<QLabel>(&page, "programmeMessage")->text().isEmpty());
    CHECK(store::ProgrammeRepository(*db).load()->adultAllowanceCents == 4550);
}
