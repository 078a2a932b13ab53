#include <catch2/catch.hpp>

#include "FollowUpListModel.h"
#include "HealthPage.h"
#include "MainWindow.h"
#include "UiTestUtil.h"
#include "health/CheckupForm.h"
#include "services/FollowUpSchedule.h"
#include "services/HealthService.h"
#include "services/HouseholdService.h"
#include "store/AuditRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

using namespace cabas;
using cabas::test::child;
using M = ui::FollowUpListModel;

namespace {
// Today is 10 December 2024; the default programme starts on 1 June 2024 (M0, M6, M12, M18, ± 30 days).
// MMG-0001 (Auch, enrolled 4 June): P-A (M0 done, M6 due, M12 and M18 upcoming), P-C arrived 1 September
// (M0 overdue, the others upcoming). MMG-0002 (Condom, enrolled 4 June): P-D (M0 overdue, M6 due, M12 and M18
// upcoming). P-B has no consent: not on the list.
struct HealthFixture
{
    test::ScopedClock clock{QDateTime(QDate(2024, 12, 10), QTime(9, 0), Qt::UTC)};
    test::TempDatabase temp{store::Backend::Sqlite};
    std::unique_ptr<store::Database> db = temp.createInitialised();
    Session socialWorker = test::sessionFor(*db, Role::SocialWorker);
    Session nurse = test::sessionFor(*db, Role::Nurse);
    qint64 annePersonId = 0;

    HealthFixture()
    {
        HouseholdService households(*db, socialWorker);
        const qint64 auch = addHousehold(QStringLiteral("MMG-0001"), QStringLiteral("Auch"));
        const qint64 condom = addHousehold(QStringLiteral("MMG-0002"), QStringLiteral("Condom"));
        annePersonId = addPerson(auch, QStringLiteral("P-A"), QStringLiteral("Anne"), QDate(), true);
        addPerson(auch, QStringLiteral("P-B"), QStringLiteral("Bruno"), QDate(), false);
        addPerson(auch, QStringLiteral("P-C"), QStringLiteral("Chloé"), QDate(2024, 9, 1), true);
        addPerson(condom, QStringLiteral("P-D"), QStringLiteral("Denis"), QDate(), true);

        const HealthService health(*db, nurse);
        Checkup m0;
        m0.wave = QStringLiteral("M0");
        m0.takenOn = QDate(2024, 6, 14);
        m0.weightG = 99300;
        m0.heightMm = 1860;
        m0.waistMm = 1025;
        m0.systolicMmHg = 154;
        m0.diastolicMmHg = 95;
        m0.glucoseMgDl = 110;
        health.recordCheckup(QStringLiteral("P-A"), m0);
        DietQuestionnaire q;
        q.wave = QStringLiteral("M0");
        q.answeredOn = QDate(2024, 6, 14);
        q.fvPortionsX10 = 25;
        q.organicFv = Frequency::Rarely;
        q.localProducts = Frequency::Sometimes;
        q.organicProducts = Frequency::Never;
        health.recordQuestionnaire(QStringLiteral("P-A"), q);
    }

    qint64 addHousehold(const QString& code, const QString& commune)
    {
        Household h;
        h.code = code;
        h.commune = commune;
        h.status = HouseholdStatus::Enrolled;
        h.enrolledOn = QDate(2024, 6, 4);
        HouseholdService(*db, socialWorker).create(h);
        return h.id;
    }

    qint64 addPerson(qint64 householdId, const QString& code, const QString& firstName, const QDate& arrived,
                     bool consent)
    {
        HouseholdService households(*db, socialWorker);
        Person p;
        p.householdId = householdId;
        p.code = code;
        p.firstName = firstName;
        p.lastName = QStringLiteral("Martin");
        p.birthDate = arrived.isValid() ? arrived : QDate(1980, 1, 1);
        p.arrivedOn = arrived;
        p.role = arrived.isValid() ? PersonRole::Child : PersonRole::Adult;
        households.addPerson(p);
        if (consent) {
            Consent c;
            c.personId = p.id;
            c.purpose = ConsentPurpose::HealthFollowup;
            c.effectiveOn = arrived.isValid() ? arrived : QDate(2024, 6, 4);
            households.recordConsent(c);
        }
        return p.id;
    }

    void withdrawAnne()
    {
        Consent withdrawal;
        withdrawal.personId = annePersonId;
        withdrawal.purpose = ConsentPurpose::HealthFollowup;
        withdrawal.given = false;
        withdrawal.effectiveOn = QDate(2024, 12, 1);
        HouseholdService(*db, socialWorker).recordConsent(withdrawal);
    }
};

// The row of `model` for a person and a wave, -1 when there is none.
int rowOf(const QAbstractItemModel& model, const QString& person, const QString& wave)
{
    for (int row = 0; row < model.rowCount(); ++row)
        if (model.index(row, M::PersonCodeColumn).data().toString() == person &&
            model.index(row, M::WaveColumn).data().toString() == wave)
            return row;
    return -1;
}

QString statusOf(const QAbstractItemModel& model, const QString& person, const QString& wave)
{
    const int row = rowOf(model, person, wave);
    return row < 0 ? QString() : model.index(row, M::StatusColumn).data().toString();
}

void chooseData(QComboBox* combo, const QVariant& data)
{
    const int index = combo->findData(data);
    REQUIRE(index >= 0);
    combo->setCurrentIndex(index);
}

QString shownPage(const ui::MainWindow& window)
{
    return child<QStackedWidget>(&window, "sectionStack")->currentWidget()->objectName();
}
} // namespace

TEST_CASE("ui: the follow-up list model shows the waves, their status and the filters",
          "[ui][models][health]")
{
    HealthFixture f;
    ui::FollowUpListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    ui::FollowUpFilterProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::Fatal);
    CHECK(model.rowCount() == 0);
    CHECK(model.columnCount() == M::ColumnCount);

    model.setItems(FollowUpSchedule(*f.db, f.nurse).items(QDate(2024, 12, 10)));
    REQUIRE(model.rowCount() == 12); // three consenting persons x four waves
    CHECK(rowOf(model, QStringLiteral("P-B"), QStringLiteral("M0")) < 0);
    CHECK(statusOf(model, QStringLiteral("P-A"), QStringLiteral("M0")) == displayName(WaveStatus::Done));
    CHECK(statusOf(model, QStringLiteral("P-A"), QStringLiteral("M6")) == displayName(WaveStatus::Due));
    CHECK(statusOf(model, QStringLiteral("P-A"), QStringLiteral("M12")) == displayName(WaveStatus::Upcoming));
    CHECK(statusOf(model, QStringLiteral("P-C"), QStringLiteral("M0")) == displayName(WaveStatus::Overdue));
    CHECK(statusOf(model, QStringLiteral("P-D"), QStringLiteral("M0")) == displayName(WaveStatus::Overdue));

    const int m6 = rowOf(model, QStringLiteral("P-A"), QStringLiteral("M6"));
    CHECK(model.index(m6, M::HouseholdColumn).data().toString() == QStringLiteral("MMG-0001"));
    CHECK(model.index(m6, M::CommuneColumn).data().toString() == QStringLiteral("Auch"));
    CHECK(model.index(m6, M::NameColumn).data().toString().contains(QStringLiteral("Anne")));
    CHECK(model.index(m6, M::TargetColumn).data().toString() ==
          QLocale().toString(QDate(2024, 12, 3), QLocale::ShortFormat));
    CHECK(model.index(m6, M::TargetColumn).data(M::SortRole).toDate() == QDate(2024, 12, 3));
    CHECK(model.index(m6, M::WindowColumn).data().toString().contains(QStringLiteral("02/01/25")));
    CHECK(model.index(m6, M::WindowColumn)
              .data(Qt::ToolTipRole)
              .toString()
              .contains(QLocale().toString(QDate(2025, 1, 2), QLocale::ShortFormat)));
    CHECK(model.index(m6, M::StatusColumn).data(Qt::ForegroundRole).value<QColor>() ==
          M::statusColour(WaveStatus::Due));
    CHECK(model.index(m6, M::StatusColumn).data(M::StatusRole).toInt() == static_cast<int>(WaveStatus::Due));
    CHECK_FALSE(model.index(m6, M::ConsentColumn).data(M::ConsentWithdrawnRole).toBool());
    CHECK_FALSE(model.index(m6, M::ConsentColumn).data(Qt::DecorationRole).isValid());
    CHECK(M::statusColour(WaveStatus::Overdue) != M::statusColour(WaveStatus::Done));
    for (int c = 0; c < M::ConsentColumn; ++c)
        CHECK_FALSE(model.headerData(c, Qt::Horizontal).toString().isEmpty());
    CHECK(model.headerData(M::ConsentColumn, Qt::Horizontal, Qt::DecorationRole).isValid());
    CHECK_FALSE(model.headerData(M::ConsentColumn, Qt::Horizontal, Qt::ToolTipRole).toString().isEmpty());
    CHECK_FALSE(model.index(0, 0).flags().testFlag(Qt::ItemIsEditable));
    CHECK(model.communes() == QStringList{QStringLiteral("Auch"), QStringLiteral("Condom")});

    // Filters.
    CHECK(proxy.rowCount() == 12);
    proxy.setStatusMask(ui::FollowUpFilterProxy::maskOf({WaveStatus::Due, WaveStatus::Overdue}));
    CHECK(proxy.rowCount() == 4);
    proxy.setStatusMask(ui::FollowUpFilterProxy::maskOf({WaveStatus::Done}));
    CHECK(proxy.rowCount() == 1);
    proxy.setStatusMask(ui::FollowUpFilterProxy::kAllStatuses);
    proxy.setCommune(QStringLiteral("Condom"));
    CHECK(proxy.rowCount() == 4);
    proxy.setStatusMask(ui::FollowUpFilterProxy::maskOf({WaveStatus::Overdue}));
    CHECK(proxy.rowCount() == 1);
    proxy.setCommune(QString());
    CHECK(proxy.rowCount() == 2);

    // After a withdrawal the rows are flagged.
    f.withdrawAnne();
    model.setItems(FollowUpSchedule(*f.db, f.nurse).items(QDate(2024, 12, 10)));
    const int flagged = rowOf(model, QStringLiteral("P-A"), QStringLiteral("M6"));
    CHECK(model.index(flagged, M::ConsentColumn).data(M::ConsentWithdrawnRole).toBool());
    CHECK(model.index(flagged, M::ConsentColumn).data(Qt::DecorationRole).isValid());
    CHECK_FALSE(model.index(flagged, M::ConsentColumn).data(Qt::ToolTipRole).toString().isEmpty());
    CHECK_FALSE(model.index(rowOf(model, QStringLiteral("P-D"), QStringLiteral("M6")), M::ConsentColumn)
                    .data(M::ConsentWithdrawnRole)
                    .toBool());

    model.clear();
    CHECK(model.rowCount() == 0);
    CHECK(proxy.rowCount() == 0);
}

TEST_CASE("ui: a nurse sees the work list and a person's health records", "[ui][mainwindow][health]")
{
    HealthFixture f;
    const Session nurse = f.nurse;
    ui::MainWindow window(std::move(f.db), nurse);
    window.showSection(QStringLiteral("health"));
    REQUIRE(shownPage(window) == QStringLiteral("healthPage"));
    CHECK(window.refusal(ui::MainWindow::Section::Health).isEmpty());
    ui::HealthPage* page = window.healthPage();
    QAbstractItemModelTester tester(page->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);

    auto* view = child<QTableView>(page, "worklistView");
    auto* status = child<QComboBox>(page, "worklistStatus");
    auto* commune = child<QComboBox>(page, "worklistCommune");
    auto* count = child<QLabel>(page, "worklistCountLabel");
    auto* stack = child<QStackedWidget>(page, "healthStack");
    QAbstractItemModel* shown = view->model();

    // By default the waves due or overdue, the earliest target first.
    CHECK(page->model()->rowCount() == 12);
    REQUIRE(shown->rowCount() == 4);
    CHECK(shown->index(0, M::PersonCodeColumn).data().toString() == QStringLiteral("P-D"));
    CHECK(shown->index(0, M::WaveColumn).data().toString() == QStringLiteral("M0"));
    CHECK(statusOf(*shown, QStringLiteral("P-A"), QStringLiteral("M6")) == displayName(WaveStatus::Due));
    CHECK(statusOf(*shown, QStringLiteral("P-C"), QStringLiteral("M0")) == displayName(WaveStatus::Overdue));
    CHECK(rowOf(*shown, QStringLiteral("P-A"), QStringLiteral("M0")) < 0);
    CHECK(count->text().contains(QStringLiteral("4")));
    CHECK(count->text().contains(QStringLiteral("12")));

    chooseData(status, ui::FollowUpFilterProxy::kAllStatuses);
    CHECK(shown->rowCount() == 12);
    chooseData(status, ui::FollowUpFilterProxy::maskOf({WaveStatus::Done}));
    REQUIRE(shown->rowCount() == 1);
    CHECK(statusOf(*shown, QStringLiteral("P-A"), QStringLiteral("M0")) == displayName(WaveStatus::Done));
    chooseData(status, ui::FollowUpFilterProxy::maskOf({WaveStatus::Upcoming}));
    CHECK(shown->rowCount() == 7);

    REQUIRE(commune->count() == 3); // all, Auch, Condom
    chooseData(commune, QStringLiteral("Condom"));
    CHECK(shown->rowCount() == 2);
    chooseData(status, ui::FollowUpFilterProxy::kAllStatuses);
    CHECK(shown->rowCount() == 4);
    chooseData(commune, QString());
    CHECK(shown->rowCount() == 12);

    // Enter on a row opens the person's records.
    const int row = rowOf(*shown, QStringLiteral("P-A"), QStringLiteral("M0"));
    REQUIRE(row >= 0);
    view->setCurrentIndex(shown->index(row, 0));
    QTest::keyClick(view, Qt::Key_Return);
    REQUIRE(stack->currentWidget()->objectName() == QStringLiteral("personHealthView"));
    auto* person = child<QWidget>(page, "personHealthView");
    CHECK(child<QLabel>(person, "personTitleLabel")->text().contains(QStringLiteral("P-A")));
    CHECK(child<QLabel>(person, "consentWithdrawnBanner")->isHidden());
    auto* checkups = child<QTableWidget>(person, "checkupTable");
    REQUIRE(checkups->rowCount() == 1);
    const QLocale locale;
    CHECK(checkups->item(0, 0)->text() == locale.toString(QDate(2024, 6, 14), QLocale::ShortFormat));
    CHECK(checkups->item(0, 1)->text() == QStringLiteral("M0"));
    CHECK(checkups->item(0, 2)->text() == locale.toString(99.3, 'f', 1));
    CHECK(checkups->item(0, 3)->text() == QStringLiteral("186"));
    CHECK(checkups->item(0, 4)->text() == locale.toString(28.7, 'f', 1));
    CHECK(checkups->item(0, 5)->text() == locale.toString(102.5, 'f', 1));
    CHECK(checkups->item(0, 6)->text() == QStringLiteral("154/95"));
    CHECK(checkups->item(0, 7)->text() == locale.toString(1.10, 'f', 2));
    auto* questionnaires = child<QTableWidget>(person, "questionnaireTable");
    REQUIRE(questionnaires->columnCount() == 1);
    CHECK(questionnaires->rowCount() == 5);
    CHECK(questionnaires->horizontalHeaderItem(0)->text() == QStringLiteral("M0"));
    CHECK(questionnaires->item(0, 0)->text() == locale.toString(2.5, 'f', 1));
    CHECK(questionnaires->item(1, 0)->text() == displayName(Frequency::Rarely));
    CHECK(questionnaires->item(2, 0)->text() == displayName(Frequency::Sometimes));
    CHECK(questionnaires->item(3, 0)->text() == displayName(Frequency::Never));

    child<QPushButton>(person, "backToWorklistButton")->click();
    CHECK(stack->currentWidget()->objectName() == QStringLiteral("worklistPage"));

    // After a withdrawal the records stay, under a banner, and the work list flags the person.
    {
        Consent withdrawal;
        withdrawal.personId = f.annePersonId;
        withdrawal.purpose = ConsentPurpose::HealthFollowup;
        withdrawal.given = false;
        withdrawal.effectiveOn = QDate(2024, 12, 1);
        HouseholdService(*window.database(), f.socialWorker).recordConsent(withdrawal);
    }
    window.reload();
    REQUIRE(shownPage(window) == QStringLiteral("healthPage"));
    CHECK(page->model()
              ->index(rowOf(*page->model(), QStringLiteral("P-A"), QStringLiteral("M6")), M::ConsentColumn)
              .data(M::ConsentWithdrawnRole)
              .toBool());
    CHECK(page->openPerson(QStringLiteral("P-A"), QStringLiteral("Anne Martin")));
    CHECK_FALSE(child<QLabel>(person, "consentWithdrawnBanner")->isHidden());
    CHECK(checkups->rowCount() == 1);
    CHECK(checkups->item(0, 2)->text() == locale.toString(99.3, 'f', 1));

    // A person without records.
    CHECK(page->openPerson(QStringLiteral("P-D"), QStringLiteral("Denis Martin")));
    CHECK(child<QLabel>(person, "consentWithdrawnBanner")->isHidden());
    CHECK(checkups->rowCount() == 0);
    CHECK_FALSE(child<QLabel>(person, "noCheckupLabel")->isHidden());
}

TEST_CASE("ui: a social worker gets the access-denied panel on the health follow-up",
          "[ui][mainwindow][health]")
{
    HealthFixture f;
    const Session socialWorker = f.socialWorker;
    ui::MainWindow window(std::move(f.db), socialWorker);
    window.showSection(ui::MainWindow::Section::Health);
    CHECK(shownPage(window) == QStringLiteral("accessDeniedPanel"));
    CHECK(child<QLabel>(&window, "accessDeniedMessage")->text() ==
          AccessPolicy::refusal(Role::SocialWorker, DataKind::Health, Action::Read));
    CHECK(window.healthPage()->model()->rowCount() == 0);

    // A nurse logging in in the same window sees the list; the social worker's refusal is forgotten.
    window.setSession(test::sessionFor(*window.database(), Role::Nurse, QStringLiteral("nurse2")));
    CHECK(shownPage(window) == QStringLiteral("healthPage"));
    CHECK(window.healthPage()->model()->rowCount() == 12);
}

TEST_CASE("ui: a nurse corrects a checkup from the health page, with its reason kept in its history",
          "[ui][health][correction][screenshot]")
{
    HealthFixture f;
    const Session nurse = f.nurse;
    ui::MainWindow window(std::move(f.db), nurse);
    window.showSection(QStringLiteral("health"));
    ui::HealthPage* page = window.healthPage();
    REQUIRE(page->openPerson(QStringLiteral("P-A"), QStringLiteral("Anne Martin")));
    auto* person = child<QWidget>(page, "personHealthView");
    auto* checkups = child<QTableWidget>(person, "checkupTable");
    auto* correct = child<QPushButton>(person, "correctCheckupButton");
    auto* history = child<QLabel>(person, "checkupHistoryLabel");
    REQUIRE(checkups->rowCount() == 1);
    CHECK_FALSE(correct->isEnabled()); // nothing selected
    checkups->selectRow(0);
    REQUIRE(correct->isEnabled());
    CHECK_FALSE(history->text().isEmpty()); // "never corrected"
    const QString neverCorrected = history->text();

    correct->click();
    auto* form = page->findChild<ui::CheckupForm*>(QStringLiteral("checkupCorrectionForm"));
    REQUIRE(form);
    REQUIRE(form->isCorrection());
    const QLocale locale;
    // Prefilled with the saved values; Save waits for a change and a reason.
    auto* weight = child<QLineEdit>(form, "weightEdit");
    CHECK(weight->text() == locale.toString(99.3, 'f', 1));
    CHECK(child<QLineEdit>(form, "heightEdit")->text() == QStringLiteral("186"));
    CHECK(child<QLineEdit>(form, "glucoseEdit")->text() == locale.toString(1.1, 'f', 1));
    CHECK(child<QComboBox>(form, "checkupWave")->currentData().toString() == QStringLiteral("M0"));
    auto* save = child<QPushButton>(form, "saveButton");
    CHECK_FALSE(save->isEnabled());
    weight->setText(locale.toString(93.3, 'f', 1));
    CHECK_FALSE(save->isEnabled()); // no reason yet
    CHECK_FALSE(child<QLabel>(form, "correctionReasonMessage")->text().isEmpty());
    child<QLineEdit>(form, "correctionReasonEdit")->setText(QStringLiteral("weight typed wrong"));
    REQUIRE(save->isEnabled());
    test::screenshotIfAsked(form, QStringLiteral("health-checkup-correction"));
    save->click(); // saves through the core, closes the form and reads the person's records again
    REQUIRE(form->result() == QDialog::Accepted);

    // Stored, shown again, and the correction in the checkup's history.
    const HealthService health(*window.database(), nurse);
    const auto stored = health.checkups(QStringLiteral("P-A")).checkups;
    REQUIRE(stored.size() == 1);
    CHECK(stored[0].weightG == 93300);
    CHECK(stored[0].heightMm == 1860);
    CHECK(stored[0].version == 2);
    CHECK(stored[0].nurseUserId == nurse.user.id);
    const auto corrections = health.checkupCorrections(QStringLiteral("P-A"), stored[0].id);
    REQUIRE(corrections.size() == 1);
    CHECK(corrections[0].reason == QStringLiteral("weight typed wrong"));
    CHECK(corrections[0].correctedByUserId == nurse.user.id);
    REQUIRE(checkups->rowCount() == 1);
    CHECK(checkups->item(0, 2)->text() == locale.toString(93.3, 'f', 1));
    checkups->clearSelection();
    checkups->selectRow(0);
    CHECK(history->text() != neverCorrected);
    CHECK(history->text().contains(QStringLiteral("weight typed wrong")));
    // Audited as an update of the person's checkup, never with a value.
    store::AuditFilter filter;
    filter.table = QStringLiteral("checkup");
    int updates = 0;
    for (const auto& r : store::AuditRepository(*window.database()).list(filter))
        if (r.action == QLatin1String("update")) {
            ++updates;
            CHECK(r.recordRef == QStringLiteral("P-A"));
            CHECK(r.detail == QStringLiteral("M0"));
        }
    CHECK(updates == 1);
}

TEST_CASE("ui: the health page tells a nurse who can open health data", "[ui][health][keyring]")
{
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = temp.createInitialised();
    const Session claire =
        test::addUserAndLogin(*db, QStringLiteral("claire"), QStringLiteral("Claire Dupuis"), Role::Nurse);
    ui::HealthPage page;
    page.load(db.get(), claire);
    auto* label = child<QLabel>(&page, "healthAccessLabel");
    CHECK_FALSE(label->isHidden());
    CHECK(label->text().contains(QStringLiteral("Claire Dupuis")));
    CHECK(label->text().contains(ui::HealthPage::tr("The recovery key opens it too.")));

    // An administrator adds a nurse: listed once a nurse's login has granted her the key.
    const Session admin = test::adminSession(*db);
    security::UserService(*db, admin)
        .add(QStringLiteral("julie"), QStringLiteral("Julie Morel"), Role::Nurse, test::kStaffPassword);
    page.load(db.get(), claire);
    CHECK_FALSE(label->text().contains(QStringLiteral("Julie Morel")));
    const Session again = security::Authenticator(*db).login(QStringLiteral("claire"), test::kStaffPassword);
    page.load(db.get(), again);
    CHECK(label->text().contains(QStringLiteral("Julie Morel")));
    // A social worker never holds it.
    test::addUserAndLogin(*db, QStringLiteral("amelie"), QStringLiteral("Amélie Roux"), Role::SocialWorker);
    page.load(db.get(), again);
    CHECK_FALSE(label->text().contains(QStringLiteral("Amélie Roux")));
}
