// The desktop's offer to seal a clear database (docs/encryption.md, step 5), offscreen.
#include "SealDatabaseDialog.h"
#include "FirstRunDialog.h"
#include "TemporaryPasswordsDialog.h"
#include "UiTestUtil.h"
#include "security/Authenticator.h"
#include "services/HouseholdService.h"
#include "setup/Sealing.h"
#include "store/Sealed.h"
#include "support/TestDatabase.h"

#include <QCheckBox>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <catch2/catch.hpp>

using namespace cabas;
using cabas::test::child;
using cabas::test::TempDatabase;

namespace {
std::unique_ptr<store::Database> clearDatabase(const TempDatabase& t)
{
    auto db = t.createWithoutKeyRing();
    const Session sw = test::sessionFor(*db, Role::SocialWorker);
    for (int i = 1; i <= 30; ++i) {
        Household h;
        h.code = QStringLiteral("MMG-%1").arg(i, 4, 10, QLatin1Char('0'));
        h.commune = QStringLiteral("Auch");
        h.postcode = QStringLiteral("32000");
        h.address = QStringLiteral("%1 rue Voltaire").arg(i);
        h.status = HouseholdStatus::Enrolled;
        h.enrolledOn = QDate(2025, 1, 6);
        HouseholdService(*db, sw).create(h);
    }
    return db;
}
} // namespace

TEST_CASE("ui: the sealing dialog refuses a wrong password and stays open, then seals in a worker",
          "[ui][sealing]")
{
    TempDatabase t(store::Backend::Sqlite);
    auto db = clearDatabase(t);
    const Session admin = test::adminSession(*db);
    const QString backup = QDir(t.dir()).filePath(QStringLiteral("avant.cabas"));
    {
        ui::SealDatabaseDialog dialog(*db, admin);
        dialog.show();
        // Nothing typed: asked for the password.
        child<QPushButton>(&dialog, "sealButton")->click();
        CHECK_FALSE(dialog.running());
        CHECK(dialog.errorMessage() ==
              ui::SealDatabaseDialog::tr("Type your password again to encrypt the database."));
        child<QLineEdit>(&dialog, "backupPathEdit")->setText(backup);
        child<QLineEdit>(&dialog, "passwordEdit")->setText(QStringLiteral("Pas-le-bon-mot-1"));
        child<QPushButton>(&dialog, "sealButton")->click();
        CHECK(dialog.running());
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.running(), 20000);
        CHECK(dialog.isVisible());
        CHECK(dialog.errorMessage() ==
              Sealing::tr("The password is wrong: the database was not sealed, nothing was changed."));
        CHECK(child<QPushButton>(&dialog, "sealButton")->isVisible());
        CHECK_FALSE(QFileInfo::exists(backup));
    }
    {
        ui::SealDatabaseDialog dialog(*db, admin);
        QSignalSpy accepted(&dialog, &QDialog::accepted);
        dialog.show();
        child<QLineEdit>(&dialog, "backupPathEdit")->setText(backup);
        child<QLineEdit>(&dialog, "passwordEdit")->setText(QString::fromLatin1(TempDatabase::kAdminPassword));
        child<QPushButton>(&dialog, "sealButton")->click();
        // The work runs in a worker: the dialog shows its progress and Cancel meanwhile.
        CHECK(dialog.running());
        CHECK(child<QPushButton>(&dialog, "cancelButton")->isVisible());
        CHECK_FALSE(child<QLineEdit>(&dialog, "passwordEdit")->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(accepted.count(), 1, 60000);
        CHECK(QFileInfo::exists(dialog.sealingResult().pendingFile));
        CHECK(dialog.sealingResult().temporaryPasswords.size() == 1);
        const Sealing::Result result = dialog.sealingResult();
        const store::DatabaseSpec spec = db->spec();
        db.reset();
        Sealing::install(spec, result);
        auto sealed = store::Database::open(spec);
        CHECK(store::Sealed::isSealed(*sealed));
    }
}

TEST_CASE("ui: the sealing dialog asks for the recovery key when the nurses hold the health key",
          "[ui][sealing]")
{
    TempDatabase t(store::Backend::Sqlite);
    QString recoveryKey;
    auto db = t.createInitialised(&recoveryKey);
    const Session admin = test::adminSession(*db);
    test::sessionFor(*db, Role::Nurse); // her login makes the health key
    const QString backup = QDir(t.dir()).filePath(QStringLiteral("avant.cabas"));
    {
        // A clear database: the key is offered, and may be left empty (persons and households only).
        ui::SealDatabaseDialog dialog(*db, admin);
        dialog.show();
        REQUIRE(child<QLineEdit>(&dialog, "recoveryKeyEdit")->isVisible());
        test::screenshotIfAsked(&dialog, QStringLiteral("seal-dialog-recovery-key"));
        CHECK(child<QLabel>(&dialog, "sealHeading")->text() ==
              ui::SealDatabaseDialog::tr("This database keeps names and addresses in clear"));
        QSignalSpy accepted(&dialog, &QDialog::accepted);
        child<QLineEdit>(&dialog, "backupPathEdit")->setText(backup);
        child<QLineEdit>(&dialog, "passwordEdit")->setText(QString::fromLatin1(TempDatabase::kAdminPassword));
        child<QPushButton>(&dialog, "sealButton")->click();
        QTRY_COMPARE_WITH_TIMEOUT(accepted.count(), 1, 60000);
        CHECK_FALSE(dialog.sealingResult().health);
        const Sealing::Result result = dialog.sealingResult();
        const store::DatabaseSpec spec = db->spec();
        db.reset();
        Sealing::install(spec, result);
        db = store::Database::open(spec);
    }
    REQUIRE(Sealing::plan(*db).needsRecoveryKey());
    {
        // Sealed for persons only: the dialog is about the health data and needs the key.
        ui::SealDatabaseDialog dialog(*db, admin);
        dialog.show();
        CHECK(child<QLabel>(&dialog, "sealHeading")->text() ==
              ui::SealDatabaseDialog::tr("This database keeps its health data in clear"));
        test::screenshotIfAsked(&dialog, QStringLiteral("seal-health-dialog"));
        child<QLineEdit>(&dialog, "backupPathEdit")
            ->setText(QDir(t.dir()).filePath(QStringLiteral("avant-sante.cabas")));
        child<QLineEdit>(&dialog, "passwordEdit")->setText(QString::fromLatin1(TempDatabase::kAdminPassword));
        child<QPushButton>(&dialog, "sealButton")->click();
        CHECK_FALSE(dialog.running());
        CHECK(dialog.errorMessage() ==
              ui::SealDatabaseDialog::tr("Type the recovery key to encrypt the health data."));
        QSignalSpy accepted(&dialog, &QDialog::accepted);
        child<QLineEdit>(&dialog, "passwordEdit")->setText(QString::fromLatin1(TempDatabase::kAdminPassword));
        child<QLineEdit>(&dialog, "recoveryKeyEdit")->setText(recoveryKey);
        child<QPushButton>(&dialog, "sealButton")->click();
        CHECK(dialog.running());
        QTRY_COMPARE_WITH_TIMEOUT(accepted.count(), 1, 60000);
        CHECK(dialog.sealingResult().health);
        const Sealing::Result result = dialog.sealingResult();
        const store::DatabaseSpec spec = db->spec();
        db.reset();
        Sealing::install(spec, result);
        db = store::Database::open(spec);
    }
    CHECK(store::Sealed::coversHealth(*db));
    CHECK_FALSE(Sealing::plan(*db).anything());
}

TEST_CASE("ui: the sealing dialog's Cancel leaves the database clear", "[ui][sealing]")
{
    TempDatabase t(store::Backend::Sqlite);
    auto db = clearDatabase(t);
    const Session admin = test::adminSession(*db);
    ui::SealDatabaseDialog dialog(*db, admin);
    dialog.show();
    child<QLineEdit>(&dialog, "backupPathEdit")->setText(QDir(t.dir()).filePath(QStringLiteral("b.cabas")));
    child<QLineEdit>(&dialog, "passwordEdit")->setText(QString::fromLatin1(TempDatabase::kAdminPassword));
    child<QPushButton>(&dialog, "sealButton")->click();
    child<QPushButton>(&dialog, "cancelButton")->click();
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.running(), 60000);
    CHECK(dialog.sealingResult().pendingFile.isEmpty());
    CHECK(dialog.errorMessage().contains(QLatin1String(" ")));
    CHECK_FALSE(store::Sealed::isSealed(*db->reopen()));
    CHECK_FALSE(QFileInfo::exists(QDir(t.dir()).filePath(QStringLiteral("b.cabas"))));
}

TEST_CASE("ui: the temporary passwords are shown once, and Continue waits for the box", "[ui][sealing]")
{
    ui::TemporaryPasswordsDialog dialog({{QStringLiteral("amelie.roux"), QStringLiteral("Amélie Roux"),
                                          Role::SocialWorker, QStringLiteral("Ab3d-Ef5h-Jk7m-Np9q")}});
    dialog.show();
    CHECK(dialog.text().contains(QStringLiteral("Ab3d-Ef5h-Jk7m-Np9q")));
    auto* cont = child<QPushButton>(&dialog, "continueButton");
    CHECK_FALSE(cont->isEnabled());
    dialog.reject(); // Escape or the close button: nothing until the box is ticked
    CHECK(dialog.isVisible());
    child<QCheckBox>(&dialog, "confirmCheck")->setChecked(true);
    CHECK(cont->isEnabled());
    cont->click();
    CHECK(dialog.result() == QDialog::Accepted);
}

TEST_CASE("ui: the first-run dialog creates sealed databases unless the box is unticked", "[ui][sealing]")
{
    ui::FirstRunDialog dialog;
    CHECK(child<QCheckBox>(&dialog, "sealFieldsCheck")->isChecked());
}
