#include <catch2/catch.hpp>

#include "FirstRunDialog.h"
#include "RecoveryKeyDialog.h"
#include "UiTestUtil.h"
#include "security/KeyRing.h"
#include "setup/Setup.h"
#include "store/KeySlotRepository.h"
#include "store/ProgrammeRepository.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QCheckBox>
#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QTemporaryDir>

using namespace cabas;
using cabas::test::child;

namespace {
const QString kPassword = QStringLiteral("Admin-Password-2026");

void fillCreateForm(ui::FirstRunDialog& dialog, const QString& path, const QString& password,
                    const QString& confirmation)
{
    child<QRadioButton>(&dialog, "createRadio")->click();
    REQUIRE(dialog.mode() == ui::FirstRunDialog::Mode::CreateLocal);
    child<QLineEdit>(&dialog, "createPathEdit")->setText(path);
    child<QLineEdit>(&dialog, "programmeNameEdit")->setText(QStringLiteral("Caisse alimentaire commune"));
    child<QLineEdit>(&dialog, "adminLoginEdit")->setText(QStringLiteral("Coordination"));
    child<QLineEdit>(&dialog, "passwordEdit")->setText(password);
    child<QLineEdit>(&dialog, "passwordConfirmEdit")->setText(confirmation);
}

bool messageShown(const QDialog& dialog, const char* name)
{
    auto* label = child<QLabel>(&dialog, name);
    return !label->isHidden() && !label->text().isEmpty();
}
} // namespace

TEST_CASE("ui: the first-run dialog creates a database from its fields", "[ui][firstrun]")
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("sub/new.cabas"));
    ui::FirstRunDialog dialog;
    CHECK(dialog.objectName() == QStringLiteral("firstRunDialog"));
    fillCreateForm(dialog, path, kPassword, kPassword);

    QString shownKey;
    test::acknowledgeRecoveryKeyWhenShown(&shownKey);
    child<QPushButton>(&dialog, "okButton")->click();

    INFO("error: " << dialog.errorMessage());
    REQUIRE(dialog.result() == QDialog::Accepted);
    // The recovery key was shown before the dialog closed, and it opens the new database's key ring.
    REQUIRE_FALSE(shownKey.isEmpty());
    CHECK(dialog.errorMessage().isEmpty());
    auto db = dialog.takeDatabase();
    REQUIRE(db);
    CHECK(QFile::exists(path));
    const DatabaseSummary summary = summarize(*db);
    CHECK(summary.programmeName == QStringLiteral("Caisse alimentaire commune"));
    CHECK(summary.users == 1);
    const auto programme = store::ProgrammeRepository(*db).load();
    REQUIRE(programme);
    CHECK(programme->adultAllowanceCents == 4000); // the defaults, with the given name
    CHECK(programme->waves.size() == 4);

    // The new administrator is logged in (an audited login); the password does not linger in the fields.
    const auto session = dialog.takeSession();
    REQUIRE(session);
    CHECK(session->login() == QStringLiteral("coordination"));
    CHECK(session->role() == Role::Admin);
    CHECK_FALSE(dialog.takeSession());
    CHECK(child<QLineEdit>(&dialog, "passwordEdit")->text().isEmpty());
    CHECK(child<QLineEdit>(&dialog, "passwordConfirmEdit")->text().isEmpty());
    CHECK(test::hasAuditRecord(*db, QStringLiteral("coordination"), QStringLiteral("login"), QString(),
                               QStringLiteral("ok")));
    // The session holds the administrator's key ring; the key shown opens the recovery slot.
    REQUIRE(session->keys);
    CHECK(session->keys->canCertify());
    const store::KeySlotRepository keySlots(*db);
    const auto recovery =
        security::KeyRing::unlockWithRecoveryKey(*keySlots.header(), *keySlots.recovery(), shownKey);
    CHECK(recovery.canCertify());
}

TEST_CASE("ui: the recovery key dialog shows the key and continues only once it is written down",
          "[ui][firstrun][keyring][screenshot]")
{
    const QString key = QStringLiteral("ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567");
    ui::RecoveryKeyDialog dialog(key);
    dialog.show();
    CHECK(dialog.objectName() == QStringLiteral("recoveryKeyDialog"));
    CHECK(child<QLabel>(&dialog, "recoveryKeyLabel")->text() == key);
    auto* confirm = child<QCheckBox>(&dialog, "confirmCheck");
    auto* proceed = child<QPushButton>(&dialog, "continueButton");
    CHECK_FALSE(confirm->isChecked());
    CHECK_FALSE(proceed->isEnabled());
    CHECK_FALSE(child<QPushButton>(&dialog, "copyButton")->accessibleName().isEmpty());
    CHECK_FALSE(child<QPushButton>(&dialog, "printButton")->accessibleName().isEmpty());

    // Escape (reject) does not close it before the key is written down.
    dialog.reject();
    CHECK(dialog.isVisible());
    CHECK(dialog.result() != QDialog::Accepted);

    // Copy puts the key on the clipboard and says so.
    child<QPushButton>(&dialog, "copyButton")->click();
    CHECK(QGuiApplication::clipboard()->text() == key);
    CHECK_FALSE(child<QLabel>(&dialog, "recoveryKeyStatus")->isHidden());
    // The window grows with the message: neither the key nor the explanation is squeezed.
    for (const char* name : {"recoveryKeyLabel", "recoveryKeyExplanation"}) {
        const auto* label = child<QLabel>(&dialog, name);
        INFO(name);
        CHECK(label->height() >= label->heightForWidth(label->width()));
    }
    test::screenshotIfAsked(&dialog, QStringLiteral("recovery-key"));
    QGuiApplication::clipboard()->clear();

    confirm->setChecked(true);
    CHECK(proceed->isEnabled());
    proceed->click();
    CHECK(dialog.result() == QDialog::Accepted);
    CHECK_FALSE(dialog.isVisible());
}

TEST_CASE("ui: the first-run dialog refuses a weak password and says why", "[ui][firstrun]")
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("weak.cabas"));
    ui::FirstRunDialog dialog;
    fillCreateForm(dialog, path, QStringLiteral("Short1!"), QStringLiteral("Short1!"));

    child<QPushButton>(&dialog, "okButton")->click();

    CHECK(dialog.result() != QDialog::Accepted);
    CHECK(messageShown(dialog, "passwordMessage"));
    CHECK_FALSE(messageShown(dialog, "passwordConfirmMessage"));
    CHECK_FALSE(messageShown(dialog, "programmeNameMessage"));
    CHECK_FALSE(QFile::exists(path));
    CHECK_FALSE(dialog.takeDatabase());
}

TEST_CASE("ui: the first-run dialog checks each field next to it", "[ui][firstrun]")
{
    QTemporaryDir dir;
    ui::FirstRunDialog dialog;

    SECTION("the confirmation differs")
    {
        fillCreateForm(dialog, dir.filePath(QStringLiteral("a.cabas")), kPassword,
                       kPassword + QLatin1Char('x'));
        dialog.accept();
        CHECK(messageShown(dialog, "passwordConfirmMessage"));
        CHECK_FALSE(messageShown(dialog, "passwordMessage"));
    }
    SECTION("no programme name, a bad login")
    {
        fillCreateForm(dialog, dir.filePath(QStringLiteral("a.cabas")), kPassword, kPassword);
        child<QLineEdit>(&dialog, "programmeNameEdit")->setText(QStringLiteral("  "));
        child<QLineEdit>(&dialog, "adminLoginEdit")->setText(QStringLiteral("a b"));
        dialog.accept();
        CHECK(messageShown(dialog, "programmeNameMessage"));
        CHECK(messageShown(dialog, "adminLoginMessage"));
    }
    SECTION("the file exists already")
    {
        const QString taken = dir.filePath(QStringLiteral("taken.cabas"));
        test::writeFile(taken, "not a database");
        const QByteArray before = test::fileHash(taken);
        fillCreateForm(dialog, taken, kPassword, kPassword);
        dialog.accept();
        CHECK(messageShown(dialog, "createPathMessage"));
        CHECK(test::fileHash(taken) == before); // untouched
    }
    SECTION("no path")
    {
        fillCreateForm(dialog, QString(), kPassword, kPassword);
        dialog.accept();
        CHECK(messageShown(dialog, "createPathMessage"));
    }
    CHECK(dialog.result() != QDialog::Accepted);
    CHECK_FALSE(dialog.takeDatabase());
    CHECK(QDir(dir.path()).entryList({QStringLiteral("a.cabas")}).isEmpty());
}

TEST_CASE("ui: the first-run dialog opens an existing database", "[ui][firstrun]")
{
    test::TempDatabase temp(store::Backend::Sqlite);
    temp.createInitialised().reset();

    ui::FirstRunDialog dialog;
    child<QRadioButton>(&dialog, "openRadio")->click();
    REQUIRE(dialog.mode() == ui::FirstRunDialog::Mode::OpenLocal);
    child<QLineEdit>(&dialog, "openPathEdit")->setText(temp.spec().path);
    dialog.accept();

    INFO("error: " << dialog.errorMessage());
    REQUIRE(dialog.result() == QDialog::Accepted);
    auto db = dialog.takeDatabase();
    REQUIRE(db);
    CHECK(summarize(*db).users == 1);
    CHECK_FALSE(dialog.takeSession()); // opening asks for a login afterwards
}

TEST_CASE("ui: the first-run dialog shows the core's errors and stays open", "[ui][firstrun]")
{
    QTemporaryDir dir;
    const QString notCabas = dir.filePath(QStringLiteral("notes.cabas"));
    test::writeFile(notCabas, "these are not the tables you are looking for");

    ui::FirstRunDialog dialog;
    dialog.setMode(ui::FirstRunDialog::Mode::OpenLocal);
    child<QLineEdit>(&dialog, "openPathEdit")->setText(notCabas);
    dialog.accept();

    CHECK(dialog.result() != QDialog::Accepted);
    CHECK_FALSE(dialog.errorMessage().isEmpty());
    CHECK(messageShown(dialog, "errorLabel"));
    CHECK_FALSE(dialog.takeDatabase());

    SECTION("a missing file is a field problem")
    {
        child<QLineEdit>(&dialog, "openPathEdit")->setText(dir.filePath(QStringLiteral("missing.cabas")));
        dialog.accept();
        CHECK(messageShown(dialog, "openPathMessage"));
        CHECK(dialog.result() != QDialog::Accepted);
    }
}

TEST_CASE("ui: the first-run dialog shows a startup problem and never a PostgreSQL password",
          "[ui][firstrun]")
{
    const store::DatabaseSpec spec = store::DatabaseSpec::parse(
        QStringLiteral("postgresql://cabas:S3cret-Pass@db.example.org:5433/mmg"), QProcessEnvironment());
    ui::FirstRunDialog dialog;
    dialog.setErrorMessage(QStringLiteral("connection refused"));
    dialog.prefill(spec);

    CHECK(dialog.mode() == ui::FirstRunDialog::Mode::ConnectPostgres);
    CHECK(child<QRadioButton>(&dialog, "postgresRadio")->isChecked());
    CHECK(dialog.errorMessage() == QStringLiteral("connection refused"));
    CHECK(child<QLineEdit>(&dialog, "pgHostEdit")->text() == QStringLiteral("db.example.org"));
    CHECK(child<QSpinBox>(&dialog, "pgPortSpin")->value() == 5433);
    CHECK(child<QLineEdit>(&dialog, "pgDatabaseEdit")->text() == QStringLiteral("mmg"));
    CHECK(child<QLineEdit>(&dialog, "pgUserEdit")->text() == QStringLiteral("cabas"));
    CHECK(child<QLineEdit>(&dialog, "pgPasswordEdit")->text().isEmpty());

    SECTION("the server name is required")
    {
        child<QLineEdit>(&dialog, "pgHostEdit")->clear();
        dialog.accept();
        CHECK(messageShown(dialog, "pgMessage"));
        CHECK(dialog.result() != QDialog::Accepted);
    }
}
