#include <catch2/catch.hpp>

#include "AdministrationPage.h"
#include "AuditTableModel.h"
#include "HouseholdTableModel.h"
#include "LoginDialog.h"
#include "MainWindow.h"
#include "UiTestUtil.h"
#include "security/Access.h"
#include "store/HouseholdRepository.h"
#include "store/ProgrammeRepository.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTableView>
#include <QTableWidget>

using namespace cabas;
using cabas::test::child;
using cabas::test::initialisedDatabase;
using cabas::test::kProgrammeName;
using cabas::test::kStaffPassword;

namespace {
// Two households with addresses, the first with two named members.
void insertHouseholdsWithMembers(const store::Database& db)
{
    store::HouseholdRepository households(db);
    store::PersonRepository persons(db);
    const std::pair<const char*, const char*> rows[] = {{"MMG-0001", "12 rue des Lilas"},
                                                        {"MMG-0002", "3 place du Marché"}};
    for (const auto& [code, address] : rows) {
        Household h;
        h.code = QString::fromLatin1(code);
        h.address = QString::fromUtf8(address);
        h.commune = QStringLiteral("Auch");
        h.postcode = QStringLiteral("32000");
        h.status = HouseholdStatus::Enrolled;
        h.enrolledOn = QDate(2024, 6, 1);
        households.insert(h);
        if (h.code != QLatin1String("MMG-0001"))
            continue;
        const std::pair<const char*, const char*> names[] = {{"Nadia", "Lefèvre"}, {"Yanis", "Lefèvre"}};
        int n = 0;
        for (const auto& [first, last] : names) {
            Person p;
            p.householdId = h.id;
            p.code = QStringLiteral("%1-%2").arg(h.code).arg(++n, 2, 10, QLatin1Char('0'));
            p.firstName = QString::fromUtf8(first);
            p.lastName = QString::fromUtf8(last);
            p.birthDate = QDate(1985 + 20 * (n - 1), 3, 14);
            p.role = n == 1 ? PersonRole::Adult : PersonRole::Child;
            persons.insert(p);
        }
    }
}

QString shownPage(const ui::MainWindow& window)
{
    return child<QStackedWidget>(&window, "sectionStack")->currentWidget()->objectName();
}

void logInWith(ui::LoginDialog* dialog, const QString& login, const QString& password)
{
    REQUIRE(dialog != nullptr);
    child<QLineEdit>(dialog, "loginEdit")->setText(login);
    child<QLineEdit>(dialog, "passwordEdit")->setText(password);
    child<QPushButton>(dialog, "loginButton")->click();
}

QString sessionText(const ui::MainWindow& window)
{
    return child<QLabel>(&window, "sessionLabel")->text();
}
} // namespace

TEST_CASE("ui: the main window shows who is logged in and switch user replaces them", "[ui][session]")
{
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = initialisedDatabase(temp);
    test::addUserAndLogin(*db, QStringLiteral("amelie.roux"), QStringLiteral("Amélie Roux"),
                          Role::SocialWorker);
    const Session admin = test::adminSession(*db);
    ui::MainWindow window(std::move(db), admin);
    window.show();

    // The administrator's display name is the login unless given.
    CHECK(sessionText(window).contains(admin.user.displayName));
    CHECK(sessionText(window).contains(displayName(Role::Admin)));
    CHECK(window.windowTitle() ==
          QStringLiteral("Cabas — %1 — %2").arg(kProgrammeName, admin.user.displayName));
    // The label is a permanent widget of the status bar.
    CHECK(child<QLabel>(&window, "sessionLabel")->isVisible());

    SECTION("switching to another user")
    {
        window.switchUser();
        ui::LoginDialog* dialog = window.loginDialog();
        REQUIRE(dialog != nullptr);
        CHECK(dialog->isVisible());
        CHECK(window.isVisible()); // the dialog is over the window

        // A wrong password keeps the administrator.
        logInWith(dialog, QStringLiteral("amelie.roux"), QStringLiteral("Wrong-Password-1"));
        CHECK(dialog->isVisible());
        CHECK_FALSE(dialog->errorMessage().isEmpty());
        CHECK(window.session()->login() == QStringLiteral("admin"));

        logInWith(dialog, QStringLiteral("amelie.roux"), kStaffPassword);
        REQUIRE(window.session());
        CHECK(window.session()->login() == QStringLiteral("amelie.roux"));
        CHECK(window.session()->role() == Role::SocialWorker);
        CHECK(sessionText(window).contains(QStringLiteral("Amélie Roux")));
        CHECK(sessionText(window).contains(displayName(Role::SocialWorker)));
        CHECK(window.windowTitle().endsWith(QStringLiteral(" — Amélie Roux")));
        // The administrator's session ended in the audit trail.
        CHECK(test::hasAuditRecord(*window.database(), QStringLiteral("admin"), QStringLiteral("logout"),
                                   QStringLiteral("app_user"), QStringLiteral("ok")));
    }
    SECTION("cancelling keeps the current user")
    {
        window.switchUser();
        REQUIRE(window.loginDialog());
        window.loginDialog()->reject();
        CHECK(window.session()->login() == QStringLiteral("admin"));
        CHECK(sessionText(window).contains(admin.user.displayName));
        CHECK(window.isVisible());
    }
}

TEST_CASE("ui: logging out hides everything and asks who is next", "[ui][session]")
{
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = initialisedDatabase(temp);
    insertHouseholdsWithMembers(*db);
    test::addUserAndLogin(*db, QStringLiteral("claire.dupuis"), QStringLiteral("Claire Dupuis"), Role::Nurse);
    const Session admin = test::adminSession(*db);
    ui::MainWindow window(std::move(db), admin);
    QSignalSpy quit(&window, &ui::MainWindow::quitRequested);
    window.show();
    window.showSection(ui::MainWindow::Section::Households);
    REQUIRE(window.householdModel()->rowCount() == 2);

    window.logOut();
    CHECK_FALSE(window.isVisible());
    CHECK_FALSE(window.session());
    CHECK(window.householdModel()->rowCount() == 0); // nothing read as the last user is kept
    CHECK(test::hasAuditRecord(*window.database(), QStringLiteral("admin"), QStringLiteral("logout"),
                               QString(), QStringLiteral("ok")));
    ui::LoginDialog* dialog = window.loginDialog();
    REQUIRE(dialog != nullptr);
    CHECK(dialog->isVisible());

    SECTION("the next user logs in on the same database")
    {
        logInWith(dialog, QStringLiteral("claire.dupuis"), kStaffPassword);
        CHECK(window.isVisible());
        REQUIRE(window.session());
        CHECK(window.session()->login() == QStringLiteral("claire.dupuis"));
        CHECK(sessionText(window).contains(QStringLiteral("Claire Dupuis")));
        CHECK(window.currentSection() == ui::MainWindow::Section::Home);
        CHECK(quit.isEmpty());
    }
    SECTION("cancelling quits")
    {
        dialog->reject();
        CHECK(quit.count() == 1);
        CHECK_FALSE(window.isVisible());
    }
}

TEST_CASE("ui: a coordinator sees the households by code, without names or addresses", "[ui][session]")
{
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = initialisedDatabase(temp);
    insertHouseholdsWithMembers(*db);
    const Session coordinator = test::addUserAndLogin(*db, QStringLiteral("julien.marty"),
                                                      QStringLiteral("Julien Marty"), Role::Coordinator);
    const Session socialWorker = test::addUserAndLogin(*db, QStringLiteral("amelie.roux"),
                                                       QStringLiteral("Amélie Roux"), Role::SocialWorker);
    using M = ui::HouseholdTableModel;

    const bool asCoordinator = GENERATE(true, false);
    INFO((asCoordinator ? "coordinator" : "social worker"));
    ui::MainWindow window(std::move(db), asCoordinator ? coordinator : socialWorker);
    window.show();
    window.showSection(ui::MainWindow::Section::Households);
    CHECK(shownPage(window) == QStringLiteral("householdsPage"));

    auto* table = child<QTableView>(&window, "householdTable");
    REQUIRE(table->model()->rowCount() == 2);
    QAbstractItemModelTester tester(table->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    CHECK(table->model()->index(0, M::CodeColumn).data().toString() == QStringLiteral("MMG-0001"));
    CHECK(table->model()->index(0, M::CommuneColumn).data().toString().contains(QStringLiteral("Auch")));
    CHECK(child<QLabel>(&window, "householdMaskNote")->isVisible() == asCoordinator);

    // The members of the first household.
    table->setCurrentIndex(table->model()->index(0, 0));
    auto* members = child<QTableWidget>(&window, "memberTable");
    REQUIRE(members->rowCount() == 2);
    CHECK(members->item(0, 0)->text() == QStringLiteral("MMG-0001-01"));

    if (asCoordinator) {
        for (int row = 0; row < 2; ++row) {
            CHECK(table->model()->index(row, M::AddressColumn).data().toString().isEmpty());
            CHECK(members->item(row, 1)->text().isEmpty());
            CHECK(members->item(row, 2)->text().isEmpty());
        }
    } else {
        CHECK(table->model()->index(0, M::AddressColumn).data().toString() ==
              QStringLiteral("12 rue des Lilas"));
        CHECK(members->item(0, 1)->text() == QStringLiteral("Nadia"));
        CHECK(members->item(0, 2)->text() == QStringLiteral("Lefèvre"));
    }
}

TEST_CASE("ui: a section the role may not read shows the core's refusal, which is audited", "[ui][session]")
{
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = initialisedDatabase(temp);
    const Session socialWorker = test::addUserAndLogin(*db, QStringLiteral("amelie.roux"),
                                                       QStringLiteral("Amélie Roux"), Role::SocialWorker);
    ui::MainWindow window(std::move(db), socialWorker);
    window.show();

    window.showSection(ui::MainWindow::Section::Administration);
    CHECK(window.currentSection() == ui::MainWindow::Section::Administration);
    CHECK(shownPage(window) == QStringLiteral("accessDeniedPanel"));
    const QString refusal = AccessPolicy::refusal(Role::SocialWorker, DataKind::Administration, Action::Read);
    auto* panel = child<QWidget>(&window, "accessDeniedPanel");
    CHECK(child<QLabel>(panel, "accessDeniedMessage")->text() == refusal);
    CHECK(child<QLabel>(panel, "accessDeniedTitle")->text() ==
          child<QListWidget>(&window, "sectionList")->item(6)->text());
    CHECK(window.refusal(ui::MainWindow::Section::Administration) == refusal);
    // Nothing of the administration page was read.
    CHECK(window.administrationPage()->auditModel()->rowCount() == 0);

    // The refusal is in the audit trail.
    const auto records = store::AuditRepository(*window.database()).list({});
    const auto denied = std::find_if(records.begin(), records.end(), [](const store::AuditRecord& r) {
        return r.outcome == QLatin1String("denied");
    });
    REQUIRE(denied != records.end());
    CHECK(denied->login == QStringLiteral("amelie.roux"));
    CHECK(denied->role == toCode(Role::SocialWorker));
    CHECK(denied->table == QStringLiteral("audit_log"));

    // The health follow-up too; the households are shown.
    window.showSection(ui::MainWindow::Section::Health);
    CHECK(shownPage(window) == QStringLiteral("accessDeniedPanel"));
    CHECK(child<QLabel>(panel, "accessDeniedMessage")->text() ==
          AccessPolicy::refusal(Role::SocialWorker, DataKind::Health, Action::Read));
    window.showSection(ui::MainWindow::Section::Households);
    CHECK(shownPage(window) == QStringLiteral("householdsPage"));
    window.showSection(ui::MainWindow::Section::Workshops);
    CHECK(shownPage(window) == QStringLiteral("workshopsPage"));

    // Another user whose role allows it sees the content in the same window.
    window.showSection(ui::MainWindow::Section::Administration);
    window.switchUser();
    logInWith(window.loginDialog(), QStringLiteral("admin"),
              QString::fromLatin1(test::TempDatabase::kAdminPassword));
    CHECK(window.session()->role() == Role::Admin);
    CHECK(shownPage(window) == QStringLiteral("administrationPage"));
    CHECK(window.refusal(ui::MainWindow::Section::Administration).isEmpty());
}

TEST_CASE("ui: an administrator may not open the health follow-up but a nurse may", "[ui][session]")
{
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = initialisedDatabase(temp);
    const Session nurse = test::addUserAndLogin(*db, QStringLiteral("claire.dupuis"),
                                                QStringLiteral("Claire Dupuis"), Role::Nurse);
    const Session admin = test::adminSession(*db);
    const bool asNurse = GENERATE(true, false);
    ui::MainWindow window(std::move(db), asNurse ? nurse : admin);
    window.showSection(QStringLiteral("health"));
    if (asNurse) {
        CHECK(shownPage(window) == QStringLiteral("healthPage"));
    } else {
        CHECK(shownPage(window) == QStringLiteral("accessDeniedPanel"));
        CHECK(child<QLabel>(&window, "accessDeniedMessage")->text() ==
              AccessPolicy::refusal(Role::Admin, DataKind::Health, Action::Read));
        CHECK(test::hasAuditRecord(*window.database(), QStringLiteral("admin"), QString(),
                                   QStringLiteral("follow_up_schedule"), QStringLiteral("denied")));
    }
}
