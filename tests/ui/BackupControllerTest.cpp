#include <catch2/catch.hpp>

#include "BackupController.h"
#include "MainWindow.h"
#include "UiTestUtil.h"
#include "demo/DemoGenerator.h"
#include "store/Backup.h"
#include "support/TestDatabase.h"

#include <QAction>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QSignalSpy>
#include <QTemporaryDir>

using namespace cabas;
using cabas::test::child;
using cabas::test::initialisedDatabase;

namespace {
void addDemo(const store::Database& db)
{
    DemoOptions options;
    options.households = 30;
    DemoGenerator::generate(db, test::adminSession(db), options);
}
} // namespace

TEST_CASE("ui: an administrator is reminded to back up and backs up without freezing the window",
          "[ui][backup]")
{
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = initialisedDatabase(temp);
    addDemo(*db);
    QWidget window;
    ui::BackupController controller(&window);

    // A nurse neither backs up nor sees the reminder.
    controller.setContext(db.get(), test::sessionFor(*db, Role::Nurse));
    CHECK_FALSE(controller.action()->isEnabled());
    CHECK(controller.reminder()->isHidden());

    controller.setContext(db.get(), test::adminSession(*db));
    CHECK(controller.action()->isEnabled());
    CHECK_FALSE(controller.reminder()->isHidden());
    CHECK_FALSE(child<QLabel>(controller.reminder(), "backupReminderText")->text().isEmpty());

    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("programme.cabas-backup"));
    QSignalSpy finished(&controller, &ui::BackupController::finished);
    controller.backUpTo(file);
    CHECK(controller.running());
    CHECK_FALSE(controller.action()->isEnabled());
    REQUIRE(finished.wait(30000));
    INFO(finished.at(0).at(1).toString().toStdString());
    CHECK(finished.at(0).at(0).toBool());
    CHECK(QFileInfo(file).size() > 0);
    CHECK_FALSE(controller.running());
    CHECK(controller.reminder()->isHidden());
    CHECK(store::Backup::lastBackupAt(*db).isValid());

    // A second backup to the same file is refused with a message; the file stays as it was.
    const qint64 size = QFileInfo(file).size();
    controller.backUpTo(file);
    REQUIRE(finished.wait(30000));
    CHECK_FALSE(finished.at(1).at(0).toBool());
    CHECK(finished.at(1).at(1).toString().contains(QFileInfo(file).fileName()));
    CHECK(QFileInfo(file).size() == size);
}

TEST_CASE("ui: the File menu offers the backup to administrators only", "[ui][backup]")
{
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = initialisedDatabase(temp);
    const Session nurse = test::sessionFor(*db, Role::Nurse, QStringLiteral("claire"));
    ui::MainWindow window(std::move(db), nurse);
    auto* action = child<QAction>(&window, "backupAction");
    CHECK_FALSE(action->isEnabled());
    CHECK(window.menuBar()->findChild<QMenu*>(QStringLiteral("fileMenu"))->actions().contains(action));
}
