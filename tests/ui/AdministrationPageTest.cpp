#include <catch2/catch.hpp>

#include "AdministrationPage.h"
#include "AuditTableModel.h"
#include "MainWindow.h"
#include "RecoveryKeyDialog.h"
#include "UiTestUtil.h"
#include "common/Clock.h"
#include "common/Error.h"
#include "security/AuditTrail.h"
#include "security/KeyRing.h"
#include "security/Recovery.h"
#include "store/KeySlotRepository.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QStackedWidget>
#include <QTabWidget>
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

namespace {
// The visible top-level or child widget of type T named `name` under `parent` (the last one opened).
template <typename T> T* visibleChild(const QObject* parent, const QString& name = QString())
{
    T* found = nullptr;
    for (T* w : parent->findChildren<T*>(name))
        if (w->isVisible())
            found = w;
    return found;
}
} // namespace

TEST_CASE("ui: an administrator replaces the recovery key from the Users tab, and the new key is shown once",
          "[ui][users][recovery][screenshot]")
{
    test::TempDatabase temp(store::Backend::Sqlite);
    QString oldKey;
    auto db = temp.createInitialised(&oldKey);
    // A nurse logged in once: the database has a health key, which administrators never hold.
    test::addUserAndLogin(*db, QStringLiteral("claire"), QStringLiteral("Claire Dubois"), Role::Nurse);
    const Session admin = test::adminSession(*db);
    ui::MainWindow window(std::move(db), admin);
    window.show();
    window.showSection(QStringLiteral("administration"));
    auto* page = child<ui::AdministrationPage>(&window, "administrationPage");
    auto* button = child<QPushButton>(page, "replaceRecoveryKeyButton");
    page->findChild<QTabWidget*>()->setCurrentWidget(child<QWidget>(page, "usersTab"));
    CHECK(button->isVisible());
    CHECK(button->text() == ui::AdministrationPage::tr("Replace the recovery &key…"));
    const auto recoverySlot = [&] { return *store::KeySlotRepository(*window.database()).recovery(); };
    const QByteArray before = recoverySlot().publicKey;

    // The question says what happens; Cancel changes nothing.
    button->click();
    auto* question = visibleChild<QMessageBox>(page, QStringLiteral("replaceRecoveryKeyConfirmation"));
    REQUIRE(question);
    CHECK(question->text().contains(
        ui::AdministrationPage::tr("The new key will open health data only after a nurse's next login.")));
    test::screenshotIfAsked(question, QStringLiteral("recovery-key-replace-question"));
    question->button(QMessageBox::Cancel)->click();
    QApplication::processEvents();
    CHECK(visibleChild<ui::RecoveryKeyDialog>(page) == nullptr);
    CHECK(recoverySlot().publicKey == before);

    // Confirmed: the new key in the recovery key dialog, which does not close until it is written down.
    button->click();
    question = visibleChild<QMessageBox>(page, QStringLiteral("replaceRecoveryKeyConfirmation"));
    REQUIRE(question);
    child<QPushButton>(question, "replaceRecoveryKeyConfirm")->click();
    QApplication::processEvents();
    auto* shown = visibleChild<ui::RecoveryKeyDialog>(page);
    REQUIRE(shown);
    const QString newKey = child<QLabel>(shown, "recoveryKeyLabel")->text();
    CHECK(newKey == shown->recoveryKey());
    CHECK(newKey != oldKey);
    CHECK(child<QLabel>(shown, "recoveryKeyExplanation")
              ->text()
              .contains(ui::AdministrationPage::tr("It will open health data after a nurse's next login.")));
    test::screenshotIfAsked(shown, QStringLiteral("recovery-key-replaced"));
    shown->reject(); // Escape: nothing until the box is ticked
    CHECK(shown->isVisible());
    child<QCheckBox>(shown, "confirmCheck")->setChecked(true);
    child<QPushButton>(shown, "continueButton")->click();
    CHECK_FALSE(shown->isVisible());
    auto* message = child<QLabel>(page, "usersMessage");
    CHECK_FALSE(message->isHidden());
    CHECK(message->text() ==
          ui::AdministrationPage::tr(
              "The recovery key was replaced: the old key no longer opens this database."));

    // The new key opens the recovery slot, the old one no longer does.
    const auto header = *store::KeySlotRepository(*window.database()).header();
    CHECK(security::KeyRing::unlockWithRecoveryKey(header, recoverySlot(), newKey).canCertify());
    CHECK_THROWS_AS(security::KeyRing::unlockWithRecoveryKey(header, recoverySlot(), oldKey), Error);
    CHECK(test::hasAuditRecord(*window.database(), QStringLiteral("admin"),
                               QStringLiteral("keyring.replace_recovery"), QStringLiteral("key_slot"),
                               QStringLiteral("ok")));

    // A refusal (here the recovery slot removed behind Cabas's back) is shown in a message box.
    temp.rawExec(QStringLiteral("DELETE FROM key_slot WHERE kind = 'recovery'"));
    CHECK(page->replaceRecoveryKey() == nullptr);
    auto* error = visibleChild<QMessageBox>(page, QStringLiteral("replaceRecoveryKeyError"));
    REQUIRE(error);
    CHECK(
        error->text().contains(security::Recovery::tr("This database has no recovery key to replace: it was "
                                                      "made before key rings and nothing in it is encrypted "
                                                      "yet.")));
    error->close();
    CHECK(temp.rawValue(QStringLiteral("SELECT COUNT(*) FROM key_slot")).toLongLong() == 2); // admin, claire
}

TEST_CASE("ui: the recovery key's button is for administrators on databases with a key ring",
          "[ui][users][recovery]")
{
    test::TempDatabase keyed(store::Backend::Sqlite);
    auto db = keyed.createInitialised();
    const Session nurse =
        test::addUserAndLogin(*db, QStringLiteral("claire"), QStringLiteral("Claire"), Role::Nurse);
    ui::AdministrationPage page;
    auto* button = child<QPushButton>(&page, "replaceRecoveryKeyButton");
    CHECK(button->isHidden()); // nothing loaded
    CHECK(page.openReplaceRecoveryKey() == nullptr);
    CHECK_THROWS_AS(page.load(db.get(), nurse), Error); // the page is the administrators'
    CHECK(button->isHidden());
    page.load(db.get(), test::adminSession(*db));
    CHECK_FALSE(button->isHidden());
    page.clear();
    CHECK(button->isHidden());

    // A database made before key rings: nothing to replace, no button.
    test::TempDatabase old(store::Backend::Sqlite);
    auto oldDb = old.createWithoutKeyRing();
    page.load(oldDb.get(), test::adminSession(*oldDb));
    CHECK(button->isHidden());
    page.clear();
}
