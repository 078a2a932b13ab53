#include <catch2/catch.hpp>

#include "TestPaths.h"
#include "UiTestUtil.h"
#include "io/AttendanceImport.h"
#include "io/PersonsImport.h"
#include "services/WorkshopService.h"
#include "store/HouseholdRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"
#include "workshops/WorkshopDialogs.h"
#include "workshops/WorkshopHistoryWidget.h"
#include "workshops/WorkshopMonthModel.h"
#include "workshops/WorkshopsPage.h"

#include <QAbstractItemModelTester>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QTableWidget>

using namespace cabas;
using cabas::test::child;

namespace {
// Today is 10 March 2025. The sample households (persons.csv) and their attendance (attendance.csv, twelve
// workshops from June 2024 to April 2025), and, in March, a cheese-making workshop with 3 places.
struct WorkshopFixture
{
    test::ScopedClock clock{QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC)};
    test::TempDatabase temp{store::Backend::Sqlite};
    std::unique_ptr<store::Database> db = test::initialisedDatabase(temp);
    Session coordinator;
    Workshop cheese;

    WorkshopFixture()
    {
        io::PersonsImport(*db, test::sessionFor(*db, Role::SocialWorker))
            .run(QStringLiteral(CABAS_SAMPLES_DIR "/persons.csv"));
        coordinator = test::addUserAndLogin(*db, QStringLiteral("julien.marty"),
                                            QStringLiteral("Julien Marty"), Role::Coordinator);
        // The sample's attendance up to today (the April workshop is still to come).
        clock.clock().set(QDateTime(QDate(2025, 4, 30), QTime(9, 0), Qt::UTC));
        io::AttendanceImport(*db, coordinator).run(QStringLiteral(CABAS_SAMPLES_DIR "/attendance.csv"));
        clock.clock().set(QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC));
        cheese.type = WorkshopType::CheeseMaking;
        cheese.title = QStringLiteral("Fromage de chèvre à la ferme");
        cheese.heldOn = QDate(2025, 3, 14);
        cheese.startTime = QTime(14, 0);
        cheese.endTime = QTime(16, 30);
        cheese.place = QStringLiteral("Lectoure");
        cheese.partner = QStringLiteral("GAEC de Larroque");
        cheese.capacity = 3;
        WorkshopService(*db, coordinator).create(cheese);
    }

    qint64 householdId(const QString& code) const
    {
        return store::HouseholdRepository(*db).findByCode(code)->id;
    }
};
} // namespace

TEST_CASE("ui: the workshops page shows a month, moves between months and registers with the search",
          "[ui][workshops]")
{
    WorkshopFixture f;
    ui::WorkshopsPage page;
    QAbstractItemModelTester tester(page.model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    page.load(f.db.get(), f.coordinator);
    CHECK(page.month() == QDate(2025, 3, 1));
    auto* table = child<QTableView>(&page, "workshopTable");
    REQUIRE(table->model()->rowCount() == 2); // the sample's 28 March and the cheese workshop
    CHECK(table->model()->index(0, ui::WorkshopMonthModel::TitleColumn).data().toString() == f.cheese.title);
    CHECK(table->model()
              ->index(0, ui::WorkshopMonthModel::PlacesColumn)
              .data()
              .toString()
              .contains(QLatin1String("3")));

    child<QPushButton>(&page, "workshopPreviousMonth")->click();
    CHECK(page.month() == QDate(2025, 2, 1));
    CHECK(table->model()->rowCount() == 1);
    CHECK(table->model()->index(0, ui::WorkshopMonthModel::AttendanceColumn).data().toString().isEmpty() ==
          false);
    child<QPushButton>(&page, "workshopNextMonth")->click();
    child<QPushButton>(&page, "workshopNextMonth")->click();
    CHECK(page.month() == QDate(2025, 4, 1));
    page.showMonth(QDate(2025, 3, 20));
    REQUIRE(page.selectWorkshop(f.cheese.id));

    auto* dialog = qobject_cast<ui::RegisterPersonsDialog*>(page.registerPersons());
    REQUIRE(dialog);
    auto* search = child<QLineEdit>(dialog, "personSearchEdit");
    auto* results = child<QListWidget>(dialog, "personSearchResults");
    search->setText(QStringLiteral("muller")); // Müller, without the accent
    REQUIRE(results->count() == 5);
    for (int i = 0; i < 4; ++i) {
        results->setCurrentRow(i);
        CHECK(dialog->registerSelected());
    }
    // Already registered: refused, with the message.
    results->setCurrentRow(0);
    CHECK_FALSE(dialog->registerSelected());
    dialog->close();

    auto* registrations = child<QTableWidget>(&page, "registrationTable");
    REQUIRE(registrations->rowCount() == 4);
    CHECK(registrations->item(3, 2)->text().contains(QLatin1String("1"))); // waiting list, first in line
    const auto s = WorkshopService(*f.db, f.coordinator).summary(f.cheese.id);
    CHECK(s.registered == 3);
    CHECK(s.waiting == 1);

    // Cancelling a registration: the first waiting person gets the place.
    registrations->selectRow(0);
    CHECK(page.cancelSelectedRegistration());
    const auto after = WorkshopService(*f.db, f.coordinator).summary(f.cheese.id);
    CHECK(after.registered == 3);
    CHECK(after.waiting == 0);
    CHECK(child<QLabel>(&page, "workshopError")->text().startsWith(QLatin1String("P-")));
}

TEST_CASE("ui: the tick-list of the day records who came", "[ui][workshops][screenshot]")
{
    WorkshopFixture f;
    const WorkshopService service(*f.db, f.coordinator);
    for (const char* code : {"P-00011", "P-00012", "P-00004"})
        service.registerPerson(f.cheese.id, QString::fromLatin1(code));
    ui::WorkshopsPage page;
    page.load(f.db.get(), f.coordinator);
    REQUIRE(page.selectWorkshop(f.cheese.id));
    // Before the day, the core refuses: the dialog says so and nothing is written.
    {
        auto* early = qobject_cast<ui::TickListDialog*>(page.tickList());
        REQUIRE(early);
        early->accept();
        CHECK(child<QLabel>(early, "tickListError")->isVisibleTo(early));
        early->close();
    }
    f.clock.clock().set(QDateTime(QDate(2025, 3, 14), QTime(16, 0), Qt::UTC));
    auto* dialog = qobject_cast<ui::TickListDialog*>(page.tickList());
    REQUIRE(dialog);
    auto* list = child<QListWidget>(dialog, "tickList");
    REQUIRE(list->count() == 3);
    list->item(0)->setCheckState(Qt::Checked);
    list->item(2)->setCheckState(Qt::Checked);
    CHECK(child<QLabel>(dialog, "tickCount")->text().contains(QLatin1String("2")));
    test::screenshotIfAsked(dialog, QStringLiteral("workshops-tick-list"));
    dialog->accept();
    const auto s = service.summary(f.cheese.id);
    CHECK(s.present == 2);
    CHECK(s.absent == 1);
    CHECK(test::hasAuditRecord(*f.db, QStringLiteral("julien.marty"), QStringLiteral("attendance"),
                               QStringLiteral("workshop_registration"), QStringLiteral("ok")));
}

TEST_CASE("ui: the workshop editor saves a workshop and shows the core's refusal", "[ui][workshops]")
{
    WorkshopFixture f;
    ui::WorkshopsPage page;
    page.load(f.db.get(), f.coordinator);
    auto* dialog = qobject_cast<ui::WorkshopEditorDialog*>(page.newWorkshop());
    REQUIRE(dialog);
    dialog->accept(); // no title
    CHECK(child<QLabel>(dialog, "workshopEditorError")->text().contains(QLatin1String("title")));
    child<QLineEdit>(dialog, "workshopTitle")->setText(QStringLiteral("Pain au levain"));
    child<QLineEdit>(dialog, "workshopPlace")->setText(QStringLiteral("Boulangerie, Auch"));
    child<QSpinBox>(dialog, "workshopCapacity")->setValue(8);
    dialog->accept();
    const auto march = WorkshopService(*f.db, f.coordinator).month(2025, 3);
    REQUIRE(march.size() == 3);
    CHECK(page.model()->rowCount() == 3);
    CHECK(page.currentWorkshopId() != 0);
}

TEST_CASE("ui: a household's workshop history", "[ui][workshops][screenshot]")
{
    WorkshopFixture f;
    ui::WorkshopHistoryWidget history(*f.db, f.coordinator, f.householdId(QStringLiteral("MMG-0006")));
    auto* table = child<QTableWidget>(&history, "workshopHistoryTable");
    int expected = 0;
    for (const char* code : {"P-00013", "P-00014", "P-00015"})
        expected +=
            int(WorkshopService(*f.db, f.coordinator).personHistory(QString::fromLatin1(code)).size());
    REQUIRE(expected > 0);
    CHECK(table->rowCount() == expected);
    CHECK_FALSE(child<QLabel>(&history, "workshopHistorySummary")->text().isEmpty());
    history.resize(760, 420);
    test::screenshotIfAsked(&history, QStringLiteral("workshops-household-history"));
    history.setPersonFilter(QStringLiteral("P-00013"));
    CHECK(table->rowCount() ==
          int(WorkshopService(*f.db, f.coordinator).personHistory(QStringLiteral("P-00013")).size()));
}

TEST_CASE("ui: administrators see the workshops without the write buttons", "[ui][workshops][access]")
{
    WorkshopFixture f;
    ui::WorkshopsPage page;
    const Session admin = test::adminSession(*f.db);
    page.load(f.db.get(), admin);
    CHECK(page.model()->rowCount() == 2);
    CHECK_FALSE(child<QPushButton>(&page, "newWorkshopButton")->isVisibleTo(&page));
    CHECK_FALSE(child<QPushButton>(&page, "registerButton")->isVisibleTo(&page));
}

TEST_CASE("ui: the month list of the demo", "[ui][workshops][screenshot]")
{
    WorkshopFixture f;
    const WorkshopService service(*f.db, f.coordinator);
    for (const char* code : {"P-00001", "P-00004", "P-00007", "P-00009"})
        service.registerPerson(f.cheese.id, QString::fromLatin1(code));
    ui::WorkshopsPage page;
    page.load(f.db.get(), f.coordinator);
    page.selectWorkshop(f.cheese.id);
    page.resize(1000, 640);
    test::screenshotIfAsked(&page, QStringLiteral("workshops-month"));
    CHECK(page.model()->rowCount() == 2);
}

TEST_CASE("ui: the attendance import lists the file's problems and imports only a correct file",
          "[ui][workshops][import]")
{
    WorkshopFixture f;
    f.clock.clock().set(QDateTime(QDate(2025, 3, 20), QTime(9, 0), Qt::UTC));
    ui::WorkshopsPage page;
    page.load(f.db.get(), f.coordinator);
    auto* dialog = qobject_cast<ui::AttendanceImportDialog*>(page.importAttendance());
    REQUIRE(dialog);
    auto* problems = child<QListWidget>(dialog, "attendanceProblems");
    auto* import = child<QPushButton>(dialog, "attendanceImportButton");
    const QString bad = f.temp.dir() + QStringLiteral("/bad.csv");
    test::writeFile(bad, "workshop_date;workshop_type;title;person_code;attended\n"
                         "2025-03-14;cheese_making;Fromage de chèvre à la ferme;P-00001;yes\n"
                         "2025-03-14;cheese_making;Fromage de chèvre à la ferme;P-77777;yes\n");
    CHECK_FALSE(dialog->setFile(bad));
    REQUIRE(problems->count() == 1);
    CHECK(problems->item(0)->text().startsWith(QLatin1String("bad.csv:3: person_code")));
    CHECK_FALSE(import->isEnabled());
    CHECK(WorkshopService(*f.db, f.coordinator).summary(f.cheese.id).registered == 0);

    const QString good = f.temp.dir() + QStringLiteral("/good.csv");
    test::writeFile(good, "workshop_date;workshop_type;title;person_code;attended\n"
                          "2025-03-14;cheese_making;Fromage de chèvre à la ferme;P-00001;yes\n"
                          "2025-03-14;cheese_making;Fromage de chèvre à la ferme;P-00002;no\n");
    CHECK(dialog->setFile(good));
    CHECK(import->isEnabled());
    import->click();
    CHECK(dialog->imported());
    const auto s = WorkshopService(*f.db, f.coordinator).summary(f.cheese.id);
    CHECK(s.present == 1);
    CHECK(s.absent == 1);
    dialog->close();
    CHECK(page.model()
              ->index(0, ui::WorkshopMonthModel::AttendanceColumn)
              .data()
              .toString()
              .contains(QLatin1String("1")));
}
