#include <catch2/catch.hpp>

#include "MainWindow.h"
#include "UiTestUtil.h"
#include "ledger/SyncDialog.h"
#include "ledger/SyncEngine.h"
#include "sim/SimLedger.h"
#include "store/LedgerRepository.h"
#include "support/TestDatabase.h"

#include <QAction>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>

using namespace cabas;
using cabas::test::child;
using cabas::test::initialisedDatabase;

namespace {

struct Feed
{
    sim::SimFeed feed;
    sim::SimServer server;
    explicit Feed(const sim::SimFaults& faults = {})
        : feed(sim::SimLedger::generate(sim::SimInput::standalone(10, QDate(2025, 5, 31), 4)),
               QStringLiteral("ui-token"), faults, 2),
          server(feed)
    {
    }
};

} // namespace

TEST_CASE("ui: an administrator syncs the ledger from the dialog without freezing the window",
          "[ui][sync][screenshot]")
{
    QFile::remove(ui::SyncDialog::tokenFilePath());
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = initialisedDatabase(temp);
    Feed f;
    ui::SyncDialog dialog(*db, test::adminSession(*db));
    dialog.show();
    CHECK(child<QLabel>(&dialog, "syncStatusLabel")
              ->text()
              .contains(ui::SyncDialog::tr("%1: never synced.").section(QStringLiteral("%1"), 1).trimmed()));

    // Plain HTTP to another computer is refused before anything is saved.
    QSignalSpy finished(&dialog, &ui::SyncDialog::finished);
    child<QLineEdit>(&dialog, "syncUrlEdit")->setText(QStringLiteral("http://ledger.example.org"));
    child<QLineEdit>(&dialog, "syncTokenEdit")->setText(QStringLiteral("ui-token"));
    child<QPushButton>(&dialog, "syncButton")->click();
    REQUIRE(finished.size() == 1);
    CHECK_FALSE(finished.at(0).at(0).toBool());
    CHECK_FALSE(QFile::exists(ui::SyncDialog::tokenFilePath()));

    child<QLineEdit>(&dialog, "syncUrlEdit")->setText(f.server.url());
    child<QPushButton>(&dialog, "syncButton")->click();
    CHECK(dialog.running());
    CHECK_FALSE(child<QPushButton>(&dialog, "syncButton")->isEnabled());
    CHECK(child<QPushButton>(&dialog, "syncCancelButton")->isEnabled());
    REQUIRE(finished.wait(60000));
    INFO(finished.at(1).at(1).toString().toStdString());
    CHECK(finished.at(1).at(0).toBool());
    CHECK_FALSE(dialog.running());
    CHECK(store::LedgerRepository(*db).counts().entries == qint64(f.feed.ledger().finalState().size()));
    CHECK(store::LedgerRepository(*db).syncState(store::kEntriesFeed).lastStatus == QStringLiteral("ok"));

    // The token is in a file only its owner reads, not in the settings; the address is in the settings.
    CHECK(ui::SyncDialog::storedToken() == QStringLiteral("ui-token"));
    CHECK(
        QFile::permissions(ui::SyncDialog::tokenFilePath()) ==
        (QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser | QFileDevice::WriteUser));
    QSettings settings;
    for (const QString& key : settings.allKeys())
        CHECK_FALSE(settings.value(key).toString().contains(QStringLiteral("ui-token")));
    CHECK(ui::SyncDialog::storedUrl() == f.server.url());
    CHECK(child<QLineEdit>(&dialog, "syncTokenEdit")->text().isEmpty());
    cabas::test::screenshotIfAsked(&dialog, QStringLiteral("ledger-sync"));
    QFile::remove(ui::SyncDialog::tokenFilePath());
}

TEST_CASE("ui: the sync can be cancelled, the error is shown and kept as the last status", "[ui][sync]")
{
    // Every response takes a second: the sync cannot store a page before the Cancel below. No test clock
    // races the worker: the Cancel comes either at once or once the first request has reached the server.
    sim::SimFaults slow;
    slow.slowMs = 1000;
    Feed f(slow);
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = initialisedDatabase(temp);
    ui::SyncDialog::storeToken(QStringLiteral("ui-token"));
    ui::SyncDialog dialog(*db, test::adminSession(*db));
    child<QLineEdit>(&dialog, "syncUrlEdit")->setText(f.server.url());
    QSignalSpy finished(&dialog, &ui::SyncDialog::finished);
    child<QPushButton>(&dialog, "syncButton")->click();
    REQUIRE(dialog.running());
    SECTION("Cancel at once, before the engine has begun a feed") {}
    SECTION("Cancel while the first page is on its way")
    {
        QElapsedTimer waited;
        waited.start();
        while (f.feed.requests() == 0 && waited.elapsed() < 60000)
            QTest::qWait(10); // the window keeps processing events meanwhile
        REQUIRE(f.feed.requests() > 0);
    }
    child<QPushButton>(&dialog, "syncCancelButton")->click();
    REQUIRE((finished.count() > 0 || finished.wait(60000)));
    REQUIRE(finished.size() == 1);
    CHECK_FALSE(finished.at(0).at(0).toBool());
    CHECK(finished.at(0).at(1).toString() == ledger::SyncEngine::cancelledMessage());
    CHECK_FALSE(dialog.running());
    const store::LedgerRepository repo(*db);
    CHECK(repo.counts().entries == 0);
    const store::LedgerSyncState cards = repo.syncState(store::kCardsFeed);
    CHECK(cards.lastStatus == QStringLiteral("error"));
    CHECK(cards.lastError == ledger::SyncEngine::cancelledMessage());
    CHECK(child<QLabel>(&dialog, "syncResultLabel")->text() == finished.at(0).at(1).toString());
    CHECK(child<QLabel>(&dialog, "syncStatusLabel")->text().contains(ledger::SyncEngine::cancelledMessage()));
    QFile::remove(ui::SyncDialog::tokenFilePath());
}

TEST_CASE("ui: only administrators sync, the File menu has the action", "[ui][sync]")
{
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = initialisedDatabase(temp);
    {
        ui::SyncDialog dialog(*db, test::sessionFor(*db, Role::SocialWorker));
        CHECK_FALSE(child<QPushButton>(&dialog, "syncButton")->isEnabled());
        CHECK_FALSE(child<QLabel>(&dialog, "syncResultLabel")->text().isEmpty());
    }
    const Session nurse = test::sessionFor(*db, Role::Nurse, QStringLiteral("claire"));
    ui::MainWindow window(std::move(db), nurse);
    auto* action = child<QAction>(&window, "syncAction");
    CHECK_FALSE(action->isEnabled());
    CHECK(window.menuBar()->findChild<QMenu*>(QStringLiteral("fileMenu"))->actions().contains(action));
}
