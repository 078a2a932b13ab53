#include <catch2/catch.hpp>

#include "AdministrationPage.h"
#include "MainWindow.h"
#include "PasswordFields.h"
#include "UiTestUtil.h"
#include "UserAccountDialog.h"
#include "common/Error.h"
#include "security/Authenticator.h"
#include "security/KeyRing.h"
#include "security/UserService.h"
#include "store/UserRepository.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>

using namespace cabas;
using cabas::test::child;

namespace {
bool logsIn(const store::Database& db, const QString& login, const QString& password)
{
    try {
        const Session s = security::Authenticator(db).login(login, password);
        return s.keys != nullptr; // the password opens the key slot too
    } catch (const Error&) {
        return false;
    }
}

void fill(ui::UserAccountDialog* dialog, const char* name, const QString& text)
{
    child<QLineEdit>(dialog, name)->setText(text);
}

void selectUser(QTableView* view, const QString& login)
{
    for (int row = 0; row < view->model()->rowCount(); ++row)
        if (view->model()->index(row, 0).data().toString() == login) {
            view->setCurrentIndex(view->model()->index(row, 0));
            return;
        }
    FAIL("no such user in the list: " << login.toStdString());
}

const QString kNew = QStringLiteral("Nouveau-Secret-2027");
} // namespace

TEST_CASE("ui: a user changes her own password from the File menu, with her current one", "[ui][users]")
{
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = temp.createInitialised();
    const Session sw = test::addUserAndLogin(*db, QStringLiteral("amelie.roux"),
                                             QStringLiteral("Amélie Roux"), Role::SocialWorker);
    ui::MainWindow window(std::move(db), sw);
    window.show();
    REQUIRE(child<QAction>(&window, "changePasswordAction")->isEnabled());
    ui::UserAccountDialog* dialog = window.openChangePassword();
    REQUIRE(dialog);
    auto* ok = child<QPushButton>(dialog, "userAccountOkButton");
    CHECK_FALSE(ok->isEnabled());

    // A wrong current password: refused in the dialog, nothing changed.
    fill(dialog, "currentPasswordEdit", QStringLiteral("Pas-Le-Bon-2026"));
    fill(dialog, "newPasswordEdit", kNew);
    fill(dialog, "confirmPasswordEdit", kNew);
    REQUIRE(ok->isEnabled());
    ok->click();
    CHECK(dialog->isVisible());
    CHECK(dialog->errorMessage() ==
          security::UserService::tr("The current password is wrong; the password was not changed."));
    CHECK(logsIn(*window.database(), QStringLiteral("amelie.roux"), test::kStaffPassword));

    // Two different new passwords: said before anything is tried.
    fill(dialog, "currentPasswordEdit", test::kStaffPassword);
    fill(dialog, "confirmPasswordEdit", kNew + QStringLiteral("x"));
    ok->click();
    CHECK(dialog->errorMessage() == ui::PasswordFields::tr("The two passwords differ."));

    fill(dialog, "confirmPasswordEdit", kNew);
    ok->click();
    CHECK_FALSE(dialog->isVisible());
    CHECK(logsIn(*window.database(), QStringLiteral("amelie.roux"), kNew));
    CHECK_FALSE(logsIn(*window.database(), QStringLiteral("amelie.roux"), test::kStaffPassword));
}

TEST_CASE("ui: an administrator adds a user, sets a new password, disables and enables the account",
          "[ui][users][screenshot]")
{
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = temp.createInitialised();
    const Session admin = test::adminSession(*db);
    ui::MainWindow window(std::move(db), admin);
    window.show();
    window.showSection(QStringLiteral("administration"));
    auto* page = child<ui::AdministrationPage>(&window, "administrationPage");
    auto* view = child<QTableView>(page, "usersTable");
    const int before = view->model()->rowCount();
    CHECK_FALSE(child<QPushButton>(page, "resetPasswordButton")->isEnabled()); // nobody selected

    // Add: a weak password is refused in the dialog, then a good one adds the nurse.
    ui::UserAccountDialog* add = page->openAddUser();
    REQUIRE(add);
    fill(add, "userLoginEdit", QStringLiteral("Julie.Morel"));
    fill(add, "userNameEdit", QStringLiteral("Julie Morel"));
    auto* role = child<QComboBox>(add, "userRoleCombo");
    role->setCurrentIndex(role->findData(int(Role::Nurse)));
    fill(add, "newPasswordEdit", QStringLiteral("court"));
    fill(add, "confirmPasswordEdit", QStringLiteral("court"));
    child<QPushButton>(add, "userAccountOkButton")->click();
    CHECK(add->isVisible());
    CHECK_FALSE(add->errorMessage().isEmpty());
    CHECK(view->model()->rowCount() == before);
    fill(add, "newPasswordEdit", kNew);
    fill(add, "confirmPasswordEdit", kNew);
    test::screenshotIfAsked(add, QStringLiteral("user-add-dialog"));
    child<QPushButton>(add, "userAccountOkButton")->click();
    CHECK_FALSE(add->isVisible());
    CHECK(view->model()->rowCount() == before + 1);
    CHECK(child<QLabel>(page, "usersMessage")->text().contains(QStringLiteral("julie.morel")));
    CHECK(logsIn(*window.database(), QStringLiteral("julie.morel"), kNew));
    // The administrator chose it: Julie changes it at her first login.
    CHECK(store::UserRepository(*window.database())
              .findByLogin(QStringLiteral("julie.morel"))
              ->mustChangePassword);

    // Reset her password.
    selectUser(view, QStringLiteral("julie.morel"));
    REQUIRE(child<QPushButton>(page, "resetPasswordButton")->isEnabled());
    ui::UserAccountDialog* reset = page->openResetPassword();
    REQUIRE(reset);
    const QString other = QStringLiteral("Autre-Secret-2027");
    fill(reset, "newPasswordEdit", other);
    fill(reset, "confirmPasswordEdit", other);
    child<QPushButton>(reset, "userAccountOkButton")->click();
    CHECK_FALSE(reset->isVisible());
    CHECK(logsIn(*window.database(), QStringLiteral("julie.morel"), other));
    CHECK_FALSE(logsIn(*window.database(), QStringLiteral("julie.morel"), kNew));

    auto* tabs = page->findChild<QTabWidget*>();
    REQUIRE(tabs);
    tabs->setCurrentWidget(view->parentWidget());
    test::screenshotIfAsked(&window, QStringLiteral("administration-users"));
    // Disable, then enable.
    auto* toggle = child<QPushButton>(page, "toggleActiveButton");
    selectUser(view, QStringLiteral("julie.morel"));
    CHECK(toggle->text() == ui::AdministrationPage::tr("&Disable"));
    toggle->click();
    CHECK_FALSE(logsIn(*window.database(), QStringLiteral("julie.morel"), other));
    CHECK(toggle->text() == ui::AdministrationPage::tr("&Enable"));
    toggle->click();
    CHECK(logsIn(*window.database(), QStringLiteral("julie.morel"), other));
    CHECK(test::hasAuditRecord(*window.database(), QStringLiteral("admin"), QStringLiteral("password"),
                               QStringLiteral("app_user"), QStringLiteral("ok")));
}
