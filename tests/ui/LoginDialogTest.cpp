#include <catch2/catch.hpp>

#include "AdministratorRecoveryDialog.h"
#include "LoginDialog.h"
#include "UiTestUtil.h"
#include "UserAccountDialog.h"
#include "security/Authenticator.h"
#include "security/KeyRing.h"
#include "security/UserService.h"
#include "store/PgRoles.h"
#include "store/ProgrammeRepository.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTimer>
#include <functional>

using namespace cabas;
using cabas::test::child;

namespace {
const QString kAdminPassword = QString::fromLatin1(test::TempDatabase::kAdminPassword);

void fill(ui::LoginDialog& dialog, const QString& login, const QString& password)
{
    child<QLineEdit>(&dialog, "loginEdit")->setText(login);
    child<QLineEdit>(&dialog, "passwordEdit")->setText(password);
}

QString shownError(const ui::LoginDialog& dialog)
{
    auto* label = child<QLabel>(&dialog, "loginError");
    return label->isHidden() ? QString() : label->text();
}

// Calls `answer` with the change of a temporary password (a modal UserAccountDialog) once it shows; `shown`
// counts the times it did. Call before the click that logs in.
void whenPasswordChangeShown(int* shown, const std::function<void(ui::UserAccountDialog&)>& answer)
{
    test::whenShown<ui::UserAccountDialog>([shown, answer](ui::UserAccountDialog& dialog) {
        ++*shown;
        answer(dialog);
    });
}

// Answers the change: the notice is shown, the current password not asked again; `password` twice, then OK.
void chooseOwnPassword(ui::UserAccountDialog& dialog, const QString& password)
{
    CHECK(dialog.mode() == ui::UserAccountDialog::Mode::ChangeOwn);
    CHECK(child<QLabel>(&dialog, "temporaryPasswordNotice")->isVisible());
    CHECK_FALSE(child<QLineEdit>(&dialog, "currentPasswordEdit")->isVisible());
    child<QLineEdit>(&dialog, "newPasswordEdit")->setText(password);
    child<QLineEdit>(&dialog, "confirmPasswordEdit")->setText(password);
    child<QPushButton>(&dialog, "userAccountOkButton")->click();
}
} // namespace

TEST_CASE("ui: the login dialog refuses a wrong password with the core's message, then logs in",
          "[ui][login]")
{
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = temp.createInitialised();
    const QString programme = store::ProgrammeRepository(*db).load()->name;

    ui::LoginDialog dialog(*db);
    dialog.show();
    CHECK(dialog.objectName() == QStringLiteral("loginDialog"));
    // Where the user logs in.
    CHECK(child<QLabel>(&dialog, "programmeLabel")->text() == programme);
    CHECK(child<QLabel>(&dialog, "databaseLabel")->text().contains(temp.spec().path));
    CHECK(child<QLineEdit>(&dialog, "passwordEdit")->echoMode() == QLineEdit::Password);
    CHECK(shownError(dialog).isEmpty());
    // Nothing to send yet.
    CHECK_FALSE(child<QPushButton>(&dialog, "loginButton")->isEnabled());

    fill(dialog, QStringLiteral("admin"), QStringLiteral("Not-The-Password-1"));
    REQUIRE(child<QPushButton>(&dialog, "loginButton")->isEnabled());
    child<QPushButton>(&dialog, "loginButton")->click();

    // Refused with the authenticator's own message; the dialog stays open, the password is cleared.
    CHECK(dialog.result() != QDialog::Accepted);
    CHECK(dialog.isVisible());
    CHECK(shownError(dialog) == security::Authenticator::tr("Wrong login or password."));
    CHECK(dialog.errorMessage() == shownError(dialog));
    CHECK(child<QLineEdit>(&dialog, "passwordEdit")->text().isEmpty());
    CHECK(child<QLineEdit>(&dialog, "loginEdit")->text() == QStringLiteral("admin"));
    CHECK_FALSE(dialog.session());
    CHECK(test::hasAuditRecord(*db, QStringLiteral("admin"), QStringLiteral("login"), QString(),
                               QStringLiteral("failed")));

    // An unknown login gets the same message (logins cannot be probed).
    fill(dialog, QStringLiteral("nobody"), kAdminPassword);
    dialog.accept();
    CHECK(shownError(dialog) == security::Authenticator::tr("Wrong login or password."));

    fill(dialog, QStringLiteral("  Admin "), kAdminPassword);
    child<QPushButton>(&dialog, "loginButton")->click();
    CHECK(dialog.result() == QDialog::Accepted);
    REQUIRE(dialog.session());
    CHECK(dialog.session()->login() == QStringLiteral("admin"));
    CHECK(dialog.session()->role() == Role::Admin);
    CHECK(shownError(dialog).isEmpty());
    CHECK(test::hasAuditRecord(*db, QStringLiteral("admin"), QStringLiteral("login"), QString(),
                               QStringLiteral("ok")));
}

TEST_CASE("ui: the login dialog shows why a disabled or locked account cannot log in", "[ui][login]")
{
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = temp.createInitialised();
    const Session admin = test::adminSession(*db);
    security::UserService users(*db, admin);
    users.add(QStringLiteral("karim.benali"), QStringLiteral("Karim Benali"), Role::SocialWorker,
              test::kStaffPassword);

    ui::LoginDialog dialog(*db);
    dialog.setLogin(QStringLiteral("karim.benali"));
    CHECK(child<QLineEdit>(&dialog, "loginEdit")->text() == QStringLiteral("karim.benali"));

    SECTION("disabled")
    {
        users.disable(QStringLiteral("karim.benali"));
        fill(dialog, QStringLiteral("karim.benali"), test::kStaffPassword);
        dialog.accept();
        CHECK(dialog.result() != QDialog::Accepted);
        CHECK(shownError(dialog) ==
              security::Authenticator::tr("The account %1 is disabled; ask an administrator.")
                  .arg(QStringLiteral("karim.benali")));
        CHECK_FALSE(dialog.session());
    }
    SECTION("locked after repeated failures")
    {
        for (int i = 0; i < security::Authenticator::kMaxFailedAttempts; ++i) {
            fill(dialog, QStringLiteral("karim.benali"), QStringLiteral("Wrong-Password-%1").arg(i));
            dialog.accept();
        }
        // Even the right password is refused now, with the lock's own message.
        fill(dialog, QStringLiteral("karim.benali"), test::kStaffPassword);
        dialog.accept();
        CHECK(dialog.result() != QDialog::Accepted);
        CHECK_FALSE(dialog.session());
        const QString message = shownError(dialog);
        CHECK(message.contains(QStringLiteral("karim.benali")));
        CHECK(message != security::Authenticator::tr("Wrong login or password."));
        CHECK(test::hasAuditRecord(*db, QStringLiteral("karim.benali"), QStringLiteral("login"), QString(),
                                   QStringLiteral("denied")));
    }
}

TEST_CASE("ui: after a login with a temporary password the change dialog comes first, cancelling it logs out",
          "[ui][login][temporary]")
{
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = temp.createInitialised();
    const Session admin = test::adminSession(*db);
    // The administrator chose Karim's first password: it is temporary.
    security::UserService(*db, admin)
        .add(QStringLiteral("karim.benali"), QStringLiteral("Karim Benali"), Role::SocialWorker,
             test::kStaffPassword);

    ui::LoginDialog dialog(*db);
    dialog.show();
    fill(dialog, QStringLiteral("karim.benali"), test::kStaffPassword);
    int shown = 0;

    SECTION("cancelled: logged out, back to the login")
    {
        whenPasswordChangeShown(&shown, [](ui::UserAccountDialog& change) {
            CHECK(child<QLabel>(&change, "temporaryPasswordNotice")->text() ==
                  ui::UserAccountDialog::tr(
                      "Your password was set by an administrator: it is temporary. Choose "
                      "your own password now to go on; if you cancel, you are logged out."));
            test::screenshotIfAsked(&change, QStringLiteral("temporary-password-change"));
            change.reject();
        });
        child<QPushButton>(&dialog, "loginButton")->click();
        CHECK(shown == 1);
        CHECK(dialog.result() != QDialog::Accepted);
        CHECK(dialog.isVisible());
        CHECK_FALSE(dialog.session());
        CHECK(shownError(dialog) ==
              ui::LoginDialog::tr("Your password was not changed, so you are logged out. "
                                  "Log in again to choose your own password."));
        CHECK(child<QLineEdit>(&dialog, "passwordEdit")->text().isEmpty());
        CHECK(test::hasAuditRecord(*db, QStringLiteral("karim.benali"), QStringLiteral("logout"),
                                   QStringLiteral("app_user"), QStringLiteral("ok")));
        // Still temporary: the next login asks again.
        CHECK(security::Authenticator(*db)
                  .login(QStringLiteral("karim.benali"), test::kStaffPassword)
                  .mustChangePassword());
    }
    SECTION("changed: logged in, the password is his own")
    {
        const QString own = QStringLiteral("Mot-de-Karim-2026");
        whenPasswordChangeShown(&shown,
                                [own](ui::UserAccountDialog& change) { chooseOwnPassword(change, own); });
        child<QPushButton>(&dialog, "loginButton")->click();
        CHECK(shown == 1);
        CHECK(dialog.result() == QDialog::Accepted);
        REQUIRE(dialog.session());
        CHECK(dialog.session()->login() == QStringLiteral("karim.benali"));
        CHECK_FALSE(dialog.session()->mustChangePassword());
        CHECK_FALSE(
            security::Authenticator(*db).login(QStringLiteral("karim.benali"), own).mustChangePassword());
    }
}

TEST_CASE("ui: cancelling the login dialog logs nobody in", "[ui][login]")
{
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = temp.createInitialised();
    ui::LoginDialog dialog(*db);
    fill(dialog, QStringLiteral("admin"), kAdminPassword);
    child<QPushButton>(&dialog, "cancelButton")->click();
    CHECK(dialog.result() == QDialog::Rejected);
    CHECK_FALSE(dialog.session());
    CHECK_FALSE(child<QPushButton>(&dialog, "otherDatabaseButton")->isVisibleTo(&dialog));
    dialog.setOtherDatabaseButtonVisible(true);
    CHECK(child<QPushButton>(&dialog, "otherDatabaseButton")->isVisibleTo(&dialog));
    child<QPushButton>(&dialog, "otherDatabaseButton")->click();
    CHECK(dialog.result() == ui::LoginDialog::OtherDatabase);
}

TEST_CASE("ui: on PostgreSQL the login dialog logs a member of staff in through their database login",
          "[ui][login][postgresql][roles]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    if (backend != store::Backend::Postgres)
        return;
    test::TempDatabase temp(backend);
    auto db = temp.createInitialised();
    test::sessionFor(*db, Role::Nurse, QStringLiteral("claire"));
    const QString prefix = QStringLiteral("u") + temp.spec().databaseName.right(20);
    QStringList roles = {prefix + QStringLiteral("_claire")};
    for (Role r : {Role::SocialWorker, Role::Nurse, Role::Coordinator, Role::Admin})
        roles << store::PgRoles::roleName(prefix, r);
    struct Cleanup
    {
        const test::TempDatabase& t;
        const QStringList& roles;
        ~Cleanup()
        {
            for (const QString& r : roles) {
                try {
                    if (t.rawValue(
                             QStringLiteral("SELECT count(*) FROM pg_roles WHERE rolname = '%1'").arg(r))
                            .toInt() == 0)
                        continue;
                    t.rawExec(QStringLiteral("DROP OWNED BY %1").arg(r));
                    t.rawExec(QStringLiteral("DROP ROLE IF EXISTS %1").arg(r));
                } catch (const std::exception& e) {
                    qWarning("cleanup: %s", e.what());
                }
            }
        }
    } cleanup{temp, roles};
    store::PgRoles::apply(*db, prefix);
    temp.rawExec(QStringLiteral("CREATE ROLE %1_claire LOGIN PASSWORD 'claire-db-pw' IN ROLE %2")
                     .arg(prefix, store::PgRoles::roleName(prefix, Role::Nurse)));
    store::DatabaseSpec spec = temp.spec();
    spec.user = prefix + QStringLiteral("_claire");
    spec.password = QStringLiteral("claire-db-pw");
    auto asClaire = store::Database::open(spec);
    REQUIRE_FALSE(store::PgRoles::mayReadPasswordHashes(*asClaire));

    ui::LoginDialog dialog(*asClaire);
    dialog.show();
    fill(dialog, QStringLiteral("claire"), QStringLiteral("Not-The-Password-1"));
    child<QPushButton>(&dialog, "loginButton")->click();
    CHECK(shownError(dialog) == security::Authenticator::tr("Wrong login or password."));
    fill(dialog, QStringLiteral("nobody"), QStringLiteral("Not-The-Password-1"));
    child<QPushButton>(&dialog, "loginButton")->click();
    CHECK(shownError(dialog) == security::Authenticator::tr("Wrong login or password."));

    // Roles older than this Cabas: the dialog says what to do.
    const QString stamp =
        temp.rawValue(QStringLiteral("SELECT value FROM cabas_meta WHERE key = 'pg_role_stamp'")).toString();
    temp.rawExec(QStringLiteral("UPDATE cabas_meta SET value = 'v1-0' WHERE key = 'pg_role_stamp'"));
    fill(dialog, QStringLiteral("claire"), QStringLiteral("Password-of-claire"));
    child<QPushButton>(&dialog, "loginButton")->click();
    CHECK(shownError(dialog) == QString::fromUtf8(store::PgRoles::outOfDate().what()));
    temp.rawExec(QStringLiteral("UPDATE cabas_meta SET value = '%1' WHERE key = 'pg_role_stamp'").arg(stamp));

    fill(dialog, QStringLiteral("claire"), QStringLiteral("Password-of-claire"));
    child<QPushButton>(&dialog, "loginButton")->click();
    CHECK(dialog.result() == QDialog::Accepted);
    REQUIRE(dialog.session());
    CHECK(dialog.session()->role() == Role::Nurse);

    // A temporary password (an administrator's reset): changed at once, on the server.
    security::UserService(*db, test::adminSession(*db))
        .setPassword(QStringLiteral("claire"), QStringLiteral("Remis-par-Admin-2026"));
    ui::LoginDialog again(*asClaire);
    again.show();
    int shown = 0;
    whenPasswordChangeShown(&shown, [](ui::UserAccountDialog& change) {
        chooseOwnPassword(change, QStringLiteral("Mot-de-Claire-2026"));
    });
    fill(again, QStringLiteral("claire"), QStringLiteral("Remis-par-Admin-2026"));
    child<QPushButton>(&again, "loginButton")->click();
    CHECK(shown == 1);
    CHECK(again.result() == QDialog::Accepted);
    CHECK(shownError(again).isEmpty());
    CHECK_FALSE(
        temp.rawValue(QStringLiteral("SELECT password_must_change FROM app_user WHERE login = 'claire'"))
            .toBool());
    CHECK_FALSE(security::Authenticator(*asClaire)
                    .login(QStringLiteral("claire"), QStringLiteral("Mot-de-Claire-2026"))
                    .mustChangePassword());
}

TEST_CASE("ui: every administrator's password lost, the login dialog's recovery key gives one a new password",
          "[ui][login][keyring][recovery][screenshot]")
{
    test::TempDatabase temp(store::Backend::Sqlite);
    QString recoveryKey;
    auto db = temp.createInitialised(&recoveryKey);
    ui::LoginDialog login(*db);
    login.show();
    auto* recover = child<QPushButton>(&login, "recoveryButton");
    REQUIRE(recover->isVisible());

    // The recovery dialog is modal: answered from a timer, first with a wrong key, then the right one.
    QString firstRefusal;
    bool answered = false;
    QTimer::singleShot(0, &login, [&] {
        auto* dialog = login.findChild<ui::AdministratorRecoveryDialog*>();
        REQUIRE(dialog);
        auto* ok = child<QPushButton>(dialog, "recoverButton");
        CHECK_FALSE(ok->isEnabled());
        child<QLineEdit>(dialog, "recoveryKeyEdit")
            ->setText(QStringLiteral("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH"));
        child<QLineEdit>(dialog, "recoveryLoginEdit")->setText(QStringLiteral("admin"));
        child<QLineEdit>(dialog, "recoveryPasswordEdit")->setText(QStringLiteral("Cle-de-Secours-2026"));
        child<QLineEdit>(dialog, "recoveryConfirmEdit")->setText(QStringLiteral("Cle-de-Secours-2026"));
        REQUIRE(ok->isEnabled());
        ok->click();
        firstRefusal = dialog->errorMessage();
        CHECK(dialog->isVisible());
        test::screenshotIfAsked(dialog, QStringLiteral("recovery-dialog"));
        child<QLineEdit>(dialog, "recoveryKeyEdit")->setText(recoveryKey.toLower());
        child<QLineEdit>(dialog, "recoveryPasswordEdit")->setText(QStringLiteral("Cle-de-Secours-2026"));
        child<QLineEdit>(dialog, "recoveryConfirmEdit")->setText(QStringLiteral("Cle-de-Secours-2026"));
        ok->click();
        answered = true;
    });
    recover->click();
    REQUIRE(answered);
    CHECK(firstRefusal.contains(security::KeyRing::tr("This recovery key does not open this database (or its "
                                                      "recovery slot was altered).")));
    CHECK(child<QLineEdit>(&login, "loginEdit")->text() == QStringLiteral("admin"));
    CHECK(child<QLabel>(&login, "loginIntro")->text().contains(QStringLiteral("admin")));

    // The old password no longer opens; the new one does, with the administrator's keys.
    fill(login, QStringLiteral("admin"), kAdminPassword);
    login.accept();
    CHECK_FALSE(login.session());
    fill(login, QStringLiteral("admin"), QStringLiteral("Cle-de-Secours-2026"));
    login.accept();
    REQUIRE(login.session());
    REQUIRE(login.session()->keys);
    CHECK(login.session()->keys->canCertify());
}

TEST_CASE("ui: a database without a key ring offers no recovery key at login", "[ui][login][keyring]")
{
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = temp.createWithoutKeyRing();
    ui::LoginDialog login(*db);
    login.show();
    CHECK_FALSE(child<QPushButton>(&login, "recoveryButton")->isVisible());
}
