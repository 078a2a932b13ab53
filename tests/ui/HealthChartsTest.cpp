#include <catch2/catch.hpp>

#include "FollowUpListModel.h"
#include "HealthPage.h"
#include "MainWindow.h"
#include "UiTestUtil.h"
#include "health/CheckupForm.h"
#include "health/HealthBadgesWidget.h"
#include "health/HealthCharts.h"
#include "health/HealthImportDialog.h"
#include "services/HealthService.h"
#include "services/HouseholdService.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QChart>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QListWidget>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace cabas;
using cabas::test::child;

namespace {
// Today is 10 December 2025. MMG-0001 (Auch, enrolled 4 June 2024): Jean-Pierre (P-00001) with checkups at
// M0, M6 and M12 and questionnaires at M0 and M12, a prevention step and support sessions; Lina (P-00002)
// consented but has no record; Bruno (P-00003) never consented.
struct ChartFixture
{
    test::ScopedClock clock{QDateTime(QDate(2025, 12, 10), QTime(9, 0), Qt::UTC)};
    test::TempDatabase temp{store::Backend::Sqlite};
    std::unique_ptr<store::Database> db = test::initialisedDatabase(temp);
    Session socialWorker = test::sessionFor(*db, Role::SocialWorker);
    Session nurse = test::addUserAndLogin(*db, QStringLiteral("claire.dupuis"),
                                          QStringLiteral("Claire Dupuis"), Role::Nurse);
    qint64 householdId = 0;

    ChartFixture()
    {
        HouseholdService households(*db, socialWorker);
        Household h;
        h.code = QStringLiteral("MMG-0001");
        h.commune = QStringLiteral("Auch");
        h.status = HouseholdStatus::Enrolled;
        h.enrolledOn = QDate(2024, 6, 4);
        households.create(h);
        householdId = h.id;
        addPerson(QStringLiteral("P-00001"), QStringLiteral("Jean-Pierre"), true);
        addPerson(QStringLiteral("P-00002"), QStringLiteral("Lina"), true);
        addPerson(QStringLiteral("P-00003"), QStringLiteral("Bruno"), false);

        const HealthService health(*db, nurse);
        const struct
        {
            const char* wave;
            QDate on;
            int weightG, systolic, diastolic;
        } checkups[] = {{"M0", QDate(2024, 6, 14), 99300, 154, 95},
                        {"M6", QDate(2024, 12, 11), 96500, 138, 88},
                        {"M12", QDate(2025, 6, 10), 93800, 128, 82}};
        for (const auto& row : checkups) {
            Checkup c;
            c.wave = QString::fromLatin1(row.wave);
            c.takenOn = row.on;
            c.weightG = row.weightG;
            c.heightMm = 1860;
            c.waistMm = 1025;
            c.systolicMmHg = row.systolic;
            c.diastolicMmHg = row.diastolic;
            health.recordCheckup(QStringLiteral("P-00001"), c);
        }
        DietQuestionnaire q0;
        q0.wave = QStringLiteral("M0");
        q0.answeredOn = QDate(2024, 6, 14);
        q0.fvPortionsX10 = 15;
        q0.organicFv = Frequency::Never;
        health.recordQuestionnaire(QStringLiteral("P-00001"), q0);
        DietQuestionnaire q12;
        q12.wave = QStringLiteral("M12");
        q12.answeredOn = QDate(2025, 6, 10);
        q12.fvPortionsX10 = 35;
        q12.organicFv = Frequency::Often;
        q12.discoveredSustainableShop = true;
        health.recordQuestionnaire(QStringLiteral("P-00001"), q12);
        PreventionStep step;
        step.doneOn = QDate(2024, 7, 2);
        step.type = PreventionType::ScreeningReferral;
        step.partner = QStringLiteral("CPAM");
        step.outcome = QStringLiteral("Examen de santé fait");
        step.nextDueOn = QDate(2026, 7, 1);
        health.recordPreventionStep(QStringLiteral("P-00001"), step);
        SupportSession own;
        own.heldOn = QDate(2024, 9, 3);
        own.topic = QStringLiteral("Menus de la semaine");
        health.recordSupportSession(QStringLiteral("P-00001"), own);
        SupportSession family;
        family.heldOn = QDate(2024, 10, 8);
        family.topic = QStringLiteral("Budget alimentaire");
        health.recordHouseholdSupportSession(QStringLiteral("MMG-0001"), family);
    }

    void addPerson(const QString& code, const QString& firstName, bool consent)
    {
        HouseholdService households(*db, socialWorker);
        Person p;
        p.householdId = householdId;
        p.code = code;
        p.firstName = firstName;
        p.lastName = QStringLiteral("Nguyen");
        p.birthDate = QDate(1980, 4, 13);
        households.addPerson(p);
        if (consent) {
            Consent c;
            c.personId = p.id;
            c.purpose = ConsentPurpose::HealthFollowup;
            c.effectiveOn = QDate(2024, 6, 4);
            households.recordConsent(c);
        }
    }
};

QString writeFile(const QTemporaryDir& dir, const char* name, const QByteArray& content)
{
    const QString path = dir.filePath(QString::fromLatin1(name));
    QFile file(path);
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.write(content);
    return path;
}
} // namespace

TEST_CASE("ui: the health charts draw weight, BMI and blood pressure over time", "[ui][health][charts]")
{
    ui::HealthCharts charts;
    charts.show();
    CHECK(charts.weightSeries()->count() == 0);
    CHECK(child<QLabel>(&charts, "noChartLabel")->isVisible());

    std::vector<Checkup> list(3);
    list[0].takenOn = QDate(2025, 6, 1); // not in order: the charts sort by date
    list[0].weightG = 90000;
    list[0].heightMm = 1800;
    list[1].takenOn = QDate(2024, 6, 1);
    list[1].weightG = 99000;
    list[1].heightMm = 1800;
    list[1].systolicMmHg = 150;
    list[1].diastolicMmHg = 95;
    list[2].takenOn = QDate(2024, 12, 1);
    list[2].systolicMmHg = 130; // no weight: no weight point, a pressure point
    list[2].diastolicMmHg = 85;
    charts.setCheckups(list);
    CHECK_FALSE(child<QLabel>(&charts, "noChartLabel")->isVisible());
    REQUIRE(charts.weightSeries()->count() == 2);
    CHECK(charts.weightSeries()->at(0).y() == Approx(99.0));
    CHECK(charts.weightSeries()->at(1).y() == Approx(90.0));
    CHECK(charts.weightSeries()->at(0).x() < charts.weightSeries()->at(1).x());
    REQUIRE(charts.bmiSeries()->count() == 2);
    CHECK(charts.bmiSeries()->at(1).y() == Approx(90.0 / (1.8 * 1.8)));
    REQUIRE(charts.systolicSeries()->count() == 2);
    CHECK(charts.systolicSeries()->at(0).y() == Approx(150));
    CHECK(charts.diastolicSeries()->at(1).y() == Approx(85));
    // Each series is on the chart, with a date axis and a value axis.
    CHECK(charts.weightChart()->series().size() == 2);
    CHECK(charts.pressureChart()->series().size() == 2);
    CHECK(charts.weightSeries()->attachedAxes().size() == 2);
    CHECK(charts.bmiSeries()->attachedAxes().size() == 2);
    CHECK(charts.systolicSeries()->attachedAxes().size() == 2);

    charts.clear();
    CHECK(charts.systolicSeries()->count() == 0);
    CHECK(child<QLabel>(&charts, "noChartLabel")->isVisible());
}

TEST_CASE("ui: a person's health view: charts, questionnaires side by side, prevention and support",
          "[ui][health][charts][screenshot]")
{
    ChartFixture f;
    ui::HealthPage page;
    page.resize(1150, 760);
    page.load(f.db.get(), f.nurse);
    page.show();
    test::screenshotIfAsked(&page, QStringLiteral("health-worklist"));
    REQUIRE(page.openPerson(QStringLiteral("P-00001"), QStringLiteral("Jean-Pierre Nguyen")));
    auto* charts = child<ui::HealthCharts>(&page, "healthCharts");
    REQUIRE(charts->weightSeries()->count() == 3);
    CHECK(charts->weightSeries()->at(2).y() == Approx(93.8));
    CHECK(charts->bmiSeries()->at(0).y() == Approx(99.3 / (1.86 * 1.86)));
    CHECK(charts->systolicSeries()->count() == 3);
    CHECK(child<QTableWidget>(&page, "checkupTable")->rowCount() == 3);
    test::screenshotIfAsked(&page, QStringLiteral("health-person-charts"));

    // Questionnaires: one column per wave, in wave order.
    auto* questionnaires = child<QTableWidget>(&page, "questionnaireTable");
    REQUIRE(questionnaires->columnCount() == 2);
    CHECK(questionnaires->horizontalHeaderItem(0)->text() == QStringLiteral("M0"));
    CHECK(questionnaires->horizontalHeaderItem(1)->text() == QStringLiteral("M12"));
    CHECK(questionnaires->item(0, 0)->text() == QLocale().toString(1.5, 'f', 1));
    CHECK(questionnaires->item(0, 1)->text() == QLocale().toString(3.5, 'f', 1));
    CHECK(questionnaires->item(1, 1)->text() == displayName(Frequency::Often));

    auto* prevention = child<QTableWidget>(&page, "preventionTable");
    REQUIRE(prevention->rowCount() == 1);
    CHECK(prevention->item(0, 1)->text() == displayName(PreventionType::ScreeningReferral));
    CHECK(prevention->item(0, 2)->text() == QStringLiteral("CPAM"));
    CHECK(prevention->item(0, 4)->text() == QLocale().toString(QDate(2026, 7, 1), QLocale::ShortFormat));
    auto* support = child<QTableWidget>(&page, "supportTable");
    REQUIRE(support->rowCount() == 2);
    CHECK(support->item(0, 2)->text() == QStringLiteral("Menus de la semaine"));
    CHECK(support->item(1, 2)->text() == QStringLiteral("Budget alimentaire"));
    CHECK(support->item(1, 1)->text() == ui::HealthPage::tr("The household"));
    auto* tabs = child<QTabWidget>(&page, "personTabs");
    tabs->setCurrentIndex(1);
    test::screenshotIfAsked(&page, QStringLiteral("health-person-questionnaires"));

    // Every read went through the audit trail.
    for (const char* table : {"checkup", "diet_questionnaire", "prevention_step", "support_session"})
        CHECK(test::hasAuditRecord(*f.db, f.nurse.login(), QStringLiteral("read"), QLatin1String(table),
                                   QStringLiteral("ok")));

    // A person without records: no chart, the empty labels.
    REQUIRE(page.openPerson(QStringLiteral("P-00002"), QStringLiteral("Lina Nguyen")));
    CHECK(charts->weightSeries()->count() == 0);
    CHECK(child<QLabel>(&page, "noChartLabel")->isVisibleTo(&page) == (tabs->currentIndex() == 0));
    CHECK(prevention->rowCount() == 0);
    CHECK(support->rowCount() == 1); // the household's session
}

TEST_CASE("ui: the person view's buttons open the record forms and show what they saved",
          "[ui][health][forms]")
{
    ChartFixture f;
    ui::HealthPage page;
    page.load(f.db.get(), f.nurse);
    page.show();
    REQUIRE(page.openPerson(QStringLiteral("P-00002"), QStringLiteral("Lina Nguyen")));
    child<QPushButton>(&page, "newCheckupButton")->click();
    auto* form = page.findChild<ui::CheckupForm*>(QStringLiteral("checkupForm"));
    REQUIRE(form != nullptr);
    CHECK(form->isVisible());
    CHECK(child<QComboBox>(form, "checkupWave")->currentText() == QStringLiteral("M0"));
    child<QLineEdit>(form, "weightEdit")->setText(QStringLiteral("54"));
    child<QLineEdit>(form, "heightEdit")->setText(QStringLiteral("168"));
    child<QPushButton>(form, "saveButton")->click();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    CHECK(page.findChild<ui::CheckupForm*>(QStringLiteral("checkupForm")) == nullptr);
    auto* table = child<QTableWidget>(&page, "checkupTable");
    REQUIRE(table->rowCount() == 1);
    CHECK(table->item(0, 1)->text() == QStringLiteral("M0"));
    CHECK(child<ui::HealthCharts>(&page, "healthCharts")->weightSeries()->count() == 1);
    // The work list saw it too: Lina's M0 is done.
    bool done = false;
    for (int row = 0; row < page.model()->rowCount(); ++row) {
        const FollowUpItem& item = page.model()->item(row);
        done |= item.personCode == QStringLiteral("P-00002") && item.wave == QStringLiteral("M0") &&
                item.status == WaveStatus::Done;
    }
    CHECK(done);

    // The other forms open from the same view.
    for (const char* button : {"newQuestionnaireButton", "newPreventionButton", "newSupportButton"}) {
        INFO(button);
        child<QPushButton>(&page, button)->click();
        auto* dialog = page.findChild<QDialog*>();
        REQUIRE(dialog != nullptr);
        CHECK(dialog->isVisible());
        dialog->reject();
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    }
}

TEST_CASE("ui: health badges for the case file, per member, nothing for the roles without health access",
          "[ui][health][badges]")
{
    ChartFixture f;
    {
        ui::HealthBadgesWidget badges(*f.db, f.nurse, f.householdId);
        CHECK_FALSE(badges.isHidden());
        CHECK(badges.badgeCount() == 3);
        // Jean-Pierre: M0, M6 and M12 done, M18 (target 25 November 2025, ± 30 days) due.
        CHECK(badges.badgeFor(QStringLiteral("P-00001")).startsWith(QStringLiteral("M18")));
        CHECK(badges.statusFor(QStringLiteral("P-00001")) == WaveStatus::Due);
        // Lina: nothing recorded, M0 overdue first.
        CHECK(badges.badgeFor(QStringLiteral("P-00002")).startsWith(QStringLiteral("M0")));
        CHECK(badges.statusFor(QStringLiteral("P-00002")) == WaveStatus::Overdue);
        // Bruno never consented.
        CHECK_FALSE(badges.statusFor(QStringLiteral("P-00003")).has_value());
        CHECK(badges.badgeFor(QStringLiteral("P-00003")) ==
              ui::HealthBadgesWidget::tr("not in the health follow-up"));
        CHECK(badges.findChildren<QLabel*>(QStringLiteral("healthBadge")).size() == 3);
    }
    for (Role role : {Role::SocialWorker, Role::Coordinator, Role::Admin}) {
        INFO(toCode(role).toStdString());
        const Session s = role == Role::SocialWorker ? f.socialWorker : test::sessionFor(*f.db, role);
        ui::HealthBadgesWidget badges(*f.db, s, f.householdId);
        CHECK(badges.isHidden());
        CHECK(badges.badgeCount() == 0);
        CHECK(badges.findChildren<QLabel*>().isEmpty());
        CHECK_FALSE(test::hasAuditRecord(*f.db, s.login(), QString(), QString(), QStringLiteral("denied")));
    }
}

TEST_CASE("ui: the health import dialog previews, locates problems and imports only a clean file",
          "[ui][health][import]")
{
    ChartFixture f;
    QTemporaryDir dir;
    const QString broken =
        writeFile(dir, "checkups-broken.csv",
                  "person_code;date;wave;weight_kg;height_cm;systolic_mmhg;diastolic_mmhg\n"
                  "P-00002;2024-06-14;M0;54;168;120;80\n"
                  "P-00002;2024-12-11;M6;540;168;120;80\n"
                  "P-00003;2024-12-11;M6;80;170;120;80\n");
    ui::HealthImportDialog dialog(*f.db, f.nurse, ui::HealthImportDialog::Kind::Checkups);
    dialog.show();
    auto* import = child<QPushButton>(&dialog, "importButton");
    auto* errors = child<QListWidget>(&dialog, "importErrors");
    auto* preview = child<QTableWidget>(&dialog, "importPreview");
    CHECK_FALSE(import->isEnabled());
    CHECK_FALSE(dialog.setFile(broken));
    CHECK(preview->rowCount() == 3);
    CHECK(preview->columnCount() == 7);
    CHECK(preview->verticalHeaderItem(1)->text() == QStringLiteral("3")); // the file's line numbers
    REQUIRE(errors->count() >= 2);
    QStringList lines;
    for (int i = 0; i < errors->count(); ++i)
        lines << errors->item(i)->text();
    CHECK(lines.join(QLatin1Char('\n')).contains(QStringLiteral("checkups-broken.csv:3")));
    CHECK(lines.join(QLatin1Char('\n')).contains(QStringLiteral("checkups-broken.csv:4")));
    CHECK_FALSE(import->isEnabled());
    CHECK_FALSE(dialog.runImport());
    CHECK(f.temp.rawValue(QStringLiteral("SELECT COUNT(*) FROM checkup WHERE person_id <> 1")).toInt() == 0);

    const QString good = writeFile(dir, "checkups.csv",
                                   "person_code;date;wave;weight_kg;height_cm;systolic_mmhg;diastolic_mmhg\n"
                                   "P-00002;2024-06-14;M0;54;168;120;80\n"
                                   "P-00002;2024-12-11;M6;54,8;168;113;82\n");
    REQUIRE(dialog.setFile(good));
    CHECK(errors->count() == 0);
    REQUIRE(import->isEnabled());
    import->click();
    CHECK(dialog.imported() == 2);
    CHECK_FALSE(import->isEnabled());
    CHECK(child<QProgressBar>(&dialog, "importProgress")->value() == 1);
    CHECK(f.temp.rawValue(QStringLiteral("SELECT COUNT(*) FROM checkup")).toInt() == 5);
    // Again: nothing new, so nothing to import.
    CHECK(dialog.setFile(good));
    CHECK_FALSE(import->isEnabled());

    // Questionnaires through the same dialog.
    const QString answers =
        writeFile(dir, "questionnaires.csv",
                  "person_code;date;wave;fv_portions_per_day;organic_fv_freq;"
                  "local_products_freq;organic_products_freq;discovered_sustainable_shop\n"
                  "P-00002;2024-06-14;M0;2,5;never;rarely;often;\n");
    dialog.setKind(ui::HealthImportDialog::Kind::Questionnaires);
    const bool answersClean = dialog.setFile(answers);
    INFO(child<QListWidget>(&dialog, "importErrors")->count());
    REQUIRE(answersClean);
    REQUIRE(dialog.runImport());
    CHECK(dialog.imported() == 1);

    // A social worker is refused by the core.
    ui::HealthImportDialog refused(*f.db, f.socialWorker, ui::HealthImportDialog::Kind::Checkups);
    CHECK_FALSE(refused.setFile(good));
    CHECK(child<QListWidget>(&refused, "importErrors")->count() >= 1);
    CHECK_FALSE(child<QPushButton>(&refused, "importButton")->isEnabled());
}

TEST_CASE("ui: a social worker opening the health section is refused, and the refusal is audited",
          "[ui][health][access]")
{
    ChartFixture f;
    const Session socialWorker = f.socialWorker;
    const store::Database* db = f.db.get();
    ui::MainWindow window(std::move(f.db), socialWorker);
    window.showSection(ui::MainWindow::Section::Health);
    CHECK(child<QStackedWidget>(&window, "sectionStack")->currentWidget()->objectName() ==
          QStringLiteral("accessDeniedPanel"));
    CHECK(window.healthPage()->model()->rowCount() == 0);
    CHECK(test::hasAuditRecord(*db, socialWorker.login(), QString(), QStringLiteral("follow_up_schedule"),
                               QStringLiteral("denied")));
    // Nothing of the person view was read either.
    CHECK_FALSE(window.healthPage()->openPerson(QStringLiteral("P-00001"), QString()));
    CHECK(child<QTableWidget>(window.healthPage(), "checkupTable")->rowCount() == 0);
}
