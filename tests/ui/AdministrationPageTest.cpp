#include <catch2/catch.hpp>

#include "AdministrationPage.h"
#include "AuditTableModel.h"
#include "MainWindow.h"
#include "UiTestUtil.h"
#include "common/Clock.h"
#include "security/AuditTrail.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QLabel>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableView>

using namespace cabas;
using cabas::test::child;

namespace {
using Column = ui::AuditTableModel::Column;

QStringList columnCodes(const QAbstractItemModel* model, int column)
{
    QStringList values;
    for (int row = 0; row < model->rowCount(); ++row)
        values << model->index(row, column).data(ui::AuditTableModel::CodeRole).toString();
    return values;
}
} // namespace

TEST_CASE("ui: the administrator's audit screen lists, filters and verifies the trail", "[ui][audit]")
{
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = temp.createInitialised();
    test::addUserAndLogin(*db, QStringLiteral("amelie.roux"), QStringLiteral("Amélie Roux"),
                          Role::SocialWorker);
    const Session admin = test::adminSession(*db);
    ui::MainWindow window(std::move(db), admin);
    window.show();
    window.showSection(QStringLiteral("administration"));
    REQUIRE(child<QStackedWidget>(&window, "sectionStack")->currentWidget()->objectName() ==
            QStringLiteral("administrationPage"));

    auto* view = child<QTableView>(&window, "auditView");
    QAbstractItemModel* model = view->model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    CHECK(model->columnCount() == ui::AuditTableModel::ColumnCount);
    for (int c = 0; c < model->columnCount(); ++c)
        CHECK_FALSE(model->headerData(c, Qt::Horizontal).toString().isEmpty());

    // Everything so far, newest first: init, the two logins of the administrator, the user's creation, her
    // login.
    const qint64 total = store::AuditRepository(*window.database()).recordedHead();
    REQUIRE(model->rowCount() == total);
    CHECK(model->index(0, Column::SeqColumn).data().toString() == QString::number(total));
    CHECK(model->index(model->rowCount() - 1, Column::SeqColumn).data().toString() == QStringLiteral("1"));
    const QStringList logins = columnCodes(model, Column::UserColumn);
    CHECK(logins.contains(QStringLiteral("amelie.roux")));
    CHECK(logins.contains(QStringLiteral("admin")));
    CHECK(columnCodes(model, Column::ActionColumn).contains(QStringLiteral("login")));
    // Shown in the user's language, stored codes kept.
    CHECK(model->index(0, Column::OutcomeColumn).data().toString() ==
          ui::AuditTableModel::outcomeText(QStringLiteral("ok")));
    CHECK(model->index(0, Column::RoleColumn).data().toString() == displayName(Role::Admin));

    // Filter by login.
    auto* login = child<QComboBox>(&window, "auditLogin");
    const int amelie = login->findText(QStringLiteral("amelie.roux"));
    REQUIRE(amelie >= 0);
    login->setCurrentIndex(amelie);
    REQUIRE(model->rowCount() > 0);
    for (const QString& user : columnCodes(model, Column::UserColumn))
        CHECK(user == QStringLiteral("amelie.roux"));
    CHECK(window.administrationPage()->auditFilter().login == QStringLiteral("amelie.roux"));

    // And by table.
    login->setCurrentIndex(0);
    CHECK(model->rowCount() == total);
    auto* table = child<QComboBox>(&window, "auditTable");
    const int programme = table->findText(QStringLiteral("programme"));
    REQUIRE(programme >= 0);
    table->setCurrentIndex(programme);
    REQUIRE(model->rowCount() == 1);
    CHECK(model->index(0, Column::TableColumn).data().toString() == QStringLiteral("programme"));
    child<QPushButton>(&window, "auditRefreshButton")->click(); // the filters shown are the filters applied
    CHECK(table->currentText() == QStringLiteral("programme"));
    CHECK(model->rowCount() == 1);
    table->setCurrentIndex(0);
    CHECK(model->rowCount() == total);

    // Since a date: tomorrow has nothing yet; today has everything.
    auto* sinceCheck = child<QCheckBox>(&window, "auditSinceCheck");
    auto* since = child<QDateEdit>(&window, "auditSince");
    CHECK_FALSE(since->isEnabled());
    sinceCheck->setChecked(true);
    CHECK(since->isEnabled());
    since->setDate(Clock::instance().today().addDays(1));
    CHECK(model->rowCount() == 0);
    since->setDate(Clock::instance().today());
    CHECK(model->rowCount() == total);
    sinceCheck->setChecked(false);

    // The chain is intact (the check itself is then audited, after the message was made).
    const AuditVerification v = AuditTrail(*window.database()).verify();
    REQUIRE(v.ok);
    child<QPushButton>(&window, "auditVerifyButton")->click();
    auto* result = child<QLabel>(&window, "auditVerifyResult");
    CHECK(result->isVisible());
    CHECK(result->property("ok").toBool());
    CHECK(result->text().contains(v.message));

    // The users list.
    auto* users = child<QTableView>(&window, "usersTable");
    REQUIRE(users->model()->rowCount() == 2);
    QAbstractItemModelTester usersTester(users->model(),
                                         QAbstractItemModelTester::FailureReportingMode::Fatal);
    QStringList userLogins;
    for (int row = 0; row < 2; ++row)
        userLogins << users->model()->index(row, 0).data().toString();
    CHECK(userLogins.contains(QStringLiteral("amelie.roux")));
}

TEST_CASE("ui: the audit screen shows a broken chain in red with the first bad record", "[ui][audit]")
{
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = temp.createInitialised();
    const Session admin = test::adminSession(*db);
    ui::MainWindow window(std::move(db), admin);
    window.showSection(ui::MainWindow::Section::Administration);

    // Someone edits a record behind Cabas's back (dropping the append-only trigger first).
    temp.rawExec(QStringLiteral("DROP TRIGGER audit_log_no_update"));
    temp.rawExec(QStringLiteral("UPDATE audit_log SET detail = 'forged' WHERE seq = 2"));

    child<QPushButton>(&window, "auditVerifyButton")->click();
    auto* result = child<QLabel>(&window, "auditVerifyResult");
    CHECK_FALSE(result->property("ok").toBool());
    const AuditVerification v = AuditTrail(*window.database()).verify();
    REQUIRE_FALSE(v.ok);
    CHECK(v.firstBadSeq == 2);
    CHECK(result->text().contains(v.message));
    CHECK(result->text().contains(QStringLiteral("2")));
    CHECK(result->styleSheet().contains(QStringLiteral("#b3261e")));

    // The bad record stands out in the table.
    ui::AuditTableModel* model = window.administrationPage()->auditModel();
    const int row = model->rowOfSeq(2);
    REQUIRE(row >= 0);
    CHECK(model->index(row, 0).data(Qt::BackgroundRole).isValid());
    CHECK_FALSE(model->index(model->rowOfSeq(1), 0).data(Qt::BackgroundRole).isValid());
}
