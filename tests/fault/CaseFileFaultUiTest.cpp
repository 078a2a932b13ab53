// The desktop app under a full disk: the case file's save fails with the clear message, the user's edit stays
// in the form, the database is as before, and once there is room again the same window saves.
#include "TestPaths.h"
#include "common/Error.h"
#include "fault/FaultUtil.h"
#include "households/CaseFileView.h"
#include "io/PersonsImport.h"
#include "services/HouseholdService.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <catch2/catch.hpp>

using namespace cabas;

TEST_CASE(
    "ui: fault: a save that meets a full disk shows the message, keeps the edit, and saves once there is "
    "room",
    "[ui][fault][storage]")
{
    test::ScopedClock clock(QDateTime(QDate(2025, 6, 1), QTime(8, 0), Qt::UTC));
    test::TempDatabase t(store::Backend::Sqlite);
    auto db = t.createInitialised();
    const Session sw = test::sessionFor(*db, Role::SocialWorker);
    io::PersonsImport(*db, sw).run(QStringLiteral(CABAS_SAMPLES_DIR "/persons.csv"));

    ui::CaseFileView view(*db, sw);
    view.setAttribute(Qt::WA_DeleteOnClose, false);
    REQUIRE(view.load(QStringLiteral("MMG-0001")));
    view.show();
    const QString notes = QStringLiteral("Relogement en cours, dossier FSL déposé. ").repeated(150);
    view.edit(QStringLiteral("notes"), notes);
    view.edit(QStringLiteral("address"), QStringLiteral("12 avenue des Pyrénées"));

    // The disk is full: not one page more for this database.
    db->execDirect(QStringLiteral("VACUUM"));
    QSqlQuery pages = db->exec(QStringLiteral("PRAGMA page_count"));
    REQUIRE(pages.next());
    db->execDirect(QStringLiteral("PRAGMA max_page_count = %1").arg(pages.value(0).toLongLong()));
    const test::DatabaseState before = test::databaseState(t.spec());

    auto* save = view.findChild<QPushButton*>(QStringLiteral("saveButton"));
    REQUIRE(save);
    save->click();
    auto* message = view.findChild<QLabel*>(QStringLiteral("caseFileMessage"));
    REQUIRE(message);
    CHECK(message->isVisibleTo(&view));
    const QString diskFull =
        QCoreApplication::translate("Database",
                                    "The disk is full: nothing was saved. Free some space on the disk of "
                                    "the database %1 and try again. (%2)")
            .section(QStringLiteral("%1"), 0, 0);
    INFO("message: " << message->text());
    CHECK(message->text().startsWith(diskFull));
    CHECK(message->text().contains(t.spec().path));
    CHECK(test::stateDifference(before, test::databaseState(t.spec())).isEmpty());
    // The user's edit is still in the form, and the window still works.
    CHECK(view.findChild<QLineEdit*>(QStringLiteral("addressEdit"))->text() ==
          QStringLiteral("12 avenue des Pyrénées"));
    CHECK(save->isEnabled());

    db->execDirect(QStringLiteral("PRAGMA max_page_count = 1073741823"));
    save->click();
    CHECK(message->text() == ui::CaseFileView::tr("Saved."));
    const auto saved = HouseholdService(*db, sw).find(QStringLiteral("MMG-0001"));
    REQUIRE(saved);
    CHECK(saved->address == QStringLiteral("12 avenue des Pyrénées"));
    CHECK(saved->notes == notes);
}
