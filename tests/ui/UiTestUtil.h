#pragma once

#include "RecoveryKeyDialog.h"
#include "security/Authenticator.h"
#include "security/Session.h"
#include "security/UserService.h"
#include "store/AuditRepository.h"
#include "store/ProgrammeRepository.h"
#include "support/TestDatabase.h"

#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QLabel>
#include <QObject>
#include <QPixmap>
#include <QPushButton>
#include <QString>
#include <QTimer>
#include <QWidget>
#include <algorithm>
#include <catch2/catch.hpp>
#include <functional>

namespace cabas::test {

// The child of `parent` named `name`, failing the test when there is none.
template <typename T> T* child(const QObject* parent, const char* name)
{
    T* found = parent->findChild<T*>(QString::fromLatin1(name));
    INFO("looking for " << name);
    REQUIRE(found != nullptr);
    return found;
}

// Calls `answer` with the first visible window of type T once one shows (a modal dialog that a click is about
// to run): call it before that click.
template <typename T> void whenShown(const std::function<void(T&)>& answer)
{
    auto* timer = new QTimer(qApp);
    timer->setInterval(10);
    QObject::connect(timer, &QTimer::timeout, [timer, answer] {
        for (QWidget* w : QApplication::topLevelWidgets()) {
            auto* dialog = qobject_cast<T*>(w);
            if (!dialog || !dialog->isVisible())
                continue;
            timer->stop();
            timer->deleteLater();
            answer(*dialog);
            return;
        }
    });
    timer->start();
}

// Answers the recovery key dialog that creating a database shows (modal, from the first-run dialog): when it
// appears, `shownKey` receives the key it shows, the confirmation box is ticked and Continue clicked. Call it
// before the click that creates the database.
inline void acknowledgeRecoveryKeyWhenShown(QString* shownKey = nullptr)
{
    whenShown<ui::RecoveryKeyDialog>([shownKey](ui::RecoveryKeyDialog& dialog) {
        if (shownKey)
            *shownKey = dialog.findChild<QLabel*>(QStringLiteral("recoveryKeyLabel"))->text();
        dialog.findChild<QCheckBox*>(QStringLiteral("confirmCheck"))->setChecked(true);
        dialog.findChild<QPushButton*>(QStringLiteral("continueButton"))->click();
    });
}

// The programme name the UI tests give the initialised database.
inline const QString kProgrammeName = QStringLiteral("Mieux Man'Gers pour Tous");

// An initialised database (administrator "admin") whose programme is named kProgrammeName.
inline std::unique_ptr<store::Database> initialisedDatabase(const TempDatabase& temp)
{
    auto db = temp.createInitialised();
    store::ProgrammeRepository programmes(*db);
    auto programme = programmes.load();
    REQUIRE(programme);
    programme->name = kProgrammeName;
    store::Database::Transaction tx(*db);
    programmes.save(*programme);
    tx.commit();
    return db;
}

// The password of the staff accounts the UI tests add.
inline const QString kStaffPassword = QStringLiteral("Demo-Cabas-2026");

// Adds a user with a display name (password kStaffPassword, settled: settlePassword) as the administrator and
// logs them in (TestDatabase.h's sessionFor() names users by their login).
inline Session addUserAndLogin(const store::Database& db, const QString& login, const QString& name,
                               Role role)
{
    const Session admin = adminSession(db);
    security::UserService(db, admin).add(login, name, role, kStaffPassword);
    settlePassword(db, login);
    return security::Authenticator(db).login(login, kStaffPassword);
}

// Whether the audit trail holds a record matching all of the given fields (empty: any).
inline bool hasAuditRecord(const store::Database& db, const QString& login, const QString& action,
                           const QString& table, const QString& outcome)
{
    const auto records = store::AuditRepository(db).list({});
    return std::any_of(records.begin(), records.end(), [&](const store::AuditRecord& r) {
        return (login.isEmpty() || r.login == login) && (action.isEmpty() || r.action == action) &&
               (table.isEmpty() || r.table == table) && (outcome.isEmpty() || r.outcome == outcome);
    });
}

// Saves a picture of `widget` as NAME.png in $CABAS_SCREENSHOT_DIR when that is set (packaging/screenshots.sh
// sets it and runs the UI tests that show a scene worth documenting); does nothing otherwise.
inline void screenshotIfAsked(QWidget* widget, const QString& name)
{
    const QString dir = qEnvironmentVariable("CABAS_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    widget->ensurePolished();
    if (!widget->isVisible()) {
        widget->resize(widget->size().expandedTo(widget->sizeHint()));
        widget->show();
    }
    REQUIRE(widget->grab().save(QDir(dir).filePath(name + QStringLiteral(".png"))));
}

} // namespace cabas::test
