#include <catch2/catch.hpp>

#include "HomePage.h"
#include "HouseholdTableModel.h"
#include "MainWindow.h"
#include "UiTestUtil.h"
#include "common/Translation.h"
#include "households/HouseholdsPage.h"
#include "security/KeyRing.h"
#include "store/HouseholdRepository.h"
#include "store/NameIndex.h"
#include "store/ProgrammeRepository.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QStackedWidget>
#include <QTableView>
#include <QTest>

using namespace cabas;
using cabas::test::child;
using cabas::test::initialisedDatabase;
using cabas::test::kProgrammeName;

namespace {
void insertHouseholds(const store::Database& db)
{
    store::HouseholdRepository repo(db);
    for (const auto& [code, commune] : {std::pair{QStringLiteral("MMG-0001"), QStringLiteral("Auch")},
                                        std::pair{QStringLiteral("MMG-0002"), QStringLiteral("Fleurance")}}) {
        Household h;
        h.code = code;
        h.commune = commune;
        h.status = HouseholdStatus::Enrolled;
        h.enrolledOn = QDate(2024, 6, 1);
        repo.insert(h);
    }
}

} // namespace

TEST_CASE("ui: the main window shows the programme and its sections", "[ui][mainwindow]")
{
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = initialisedDatabase(temp);
    const QString path = db->spec().path;
    const int schema = db->schemaVersion();

    const Session admin = test::adminSession(*db);
    ui::MainWindow window(std::move(db), admin);
    window.show();

    CHECK(window.objectName() == QStringLiteral("mainWindow"));
    CHECK(window.windowTitle().contains(kProgrammeName));
    CHECK(window.windowTitle().startsWith(QStringLiteral("Cabas")));
    CHECK(child<QLabel>(&window, "programmeNameLabel")->text() == kProgrammeName);
    CHECK_FALSE(child<QLabel>(&window, "programmePeriodLabel")->text().isEmpty());
    CHECK(child<QLabel>(&window, "usersCountLabel")->text() == QStringLiteral("1"));
    CHECK(child<QLabel>(&window, "householdsCountLabel")->text() == QStringLiteral("0"));
    // 40 EUR per adult by default, formatted by the core.
    CHECK(child<QLabel>(&window, "adultAllowanceLabel")->text().contains(QStringLiteral("40")));
    CHECK(child<QLabel>(&window, "wavesLabel")->text().contains(QStringLiteral("M6")));

    auto* list = child<QListWidget>(&window, "sectionList");
    auto* stack = child<QStackedWidget>(&window, "sectionStack");
    REQUIRE(list->count() == 7);
    CHECK(stack->count() == 8); // and the access-denied panel
    CHECK(stack->currentIndex() == 0);
    QStringList keys;
    for (int i = 0; i < list->count(); ++i) {
        CHECK_FALSE(list->item(i)->text().isEmpty());
        keys << list->item(i)->data(Qt::UserRole).toString();
    }
    CHECK(keys == ui::MainWindow::sectionKeys());

    // Choosing a section in the list shows its page.
    list->setCurrentRow(1);
    CHECK(stack->currentWidget()->objectName() == QStringLiteral("householdsPage"));
    CHECK(window.currentSection() == ui::MainWindow::Section::Households);
    CHECK(window.showSection(QStringLiteral("cohort")));
    CHECK(stack->currentWidget()->objectName() == QStringLiteral("cohortPage"));
    CHECK(list->currentRow() == 5);
    CHECK_FALSE(window.showSection(QStringLiteral("nowhere")));

    // Every section is a real page now: none says "coming soon".
    CHECK(stack->findChildren<QLabel*>(QStringLiteral("comingSoonLabel")).isEmpty());
    for (const char* page : {"householdsPage", "workshopsPage", "ledgerPage", "cohortPage"}) {
        INFO(page);
        CHECK(child<QWidget>(stack, page) != nullptr);
    }

    // The status bar names the database and its schema version, never a password.
    CHECK(child<QLabel>(&window, "databaseStatusLabel")->text().contains(path));
    CHECK(child<QLabel>(&window, "schemaStatusLabel")->text().contains(QString::number(schema)));

    // The menus.
    for (const char* action :
         {"newDatabaseAction", "openDatabaseAction", "connectPostgresAction", "switchUserAction",
          "logoutAction", "quitAction", "languageFrenchAction", "languageEnglishAction", "aboutAction"}) {
        INFO(action);
        CHECK(window.findChild<QAction*>(QString::fromLatin1(action)) != nullptr);
    }
    // Tests run with CABAS_LANG=fr.
    CHECK(child<QAction>(&window, "languageFrenchAction")->isChecked());
}

TEST_CASE("ui: the households section lists the households", "[ui][mainwindow]")
{
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = initialisedDatabase(temp);
    insertHouseholds(*db);
    const Session admin = test::adminSession(*db);

    ui::MainWindow window(std::move(db), admin);
    QAbstractItemModelTester tester(window.householdModel(),
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);
    window.show();
    window.showSection(ui::MainWindow::Section::Households);

    auto* table = child<QTableView>(&window, "householdTable");
    REQUIRE(table->model()->rowCount() == 2);
    QAbstractItemModelTester proxyTester(table->model(),
                                         QAbstractItemModelTester::FailureReportingMode::Fatal);
    CHECK(table->model()->index(0, 0).data().toString() == QStringLiteral("MMG-0001"));
    CHECK(table->model()->index(1, ui::HouseholdTableModel::CommuneColumn).data().toString() ==
          QStringLiteral("Fleurance"));
    CHECK(child<QLabel>(&window, "householdsCountLabel")->text() == QStringLiteral("2"));
    CHECK(child<QLabel>(&window, "householdCountLabel")->text().contains(QStringLiteral("2")));

    // Sorting by code, descending, goes through the proxy.
    table->sortByColumn(ui::HouseholdTableModel::CodeColumn, Qt::DescendingOrder);
    CHECK(table->model()->index(0, 0).data().toString() == QStringLiteral("MMG-0002"));

    // Households added meanwhile appear on reload.
    {
        Household h;
        h.code = QStringLiteral("MMG-0003");
        h.commune = QStringLiteral("Lectoure");
        store::HouseholdRepository(*window.database()).insert(h);
    }
    window.reload();
    CHECK(table->model()->rowCount() == 3);
    CHECK(child<QLabel>(&window, "householdsCountLabel")->text() == QStringLiteral("3"));
}

TEST_CASE("ui: the main window can change and close its database", "[ui][mainwindow]")
{
    test::TempDatabase first(store::Backend::Sqlite);
    test::TempDatabase second(store::Backend::Sqlite);
    auto db1 = initialisedDatabase(first);
    insertHouseholds(*db1);
    auto db2 = second.createInitialised();
    const Session admin1 = test::adminSession(*db1);
    const Session admin2 = test::adminSession(*db2);

    ui::MainWindow window(std::move(db1), admin1);
    window.showSection(ui::MainWindow::Section::Households);
    CHECK(window.householdModel()->rowCount() == 2);

    window.setDatabase(std::move(db2), admin2);
    CHECK(window.householdModel()->rowCount() == 0);
    CHECK_FALSE(window.windowTitle().contains(kProgrammeName));
    CHECK(child<QLabel>(&window, "databaseStatusLabel")->text().contains(second.spec().path));

    window.setDatabase(nullptr, std::nullopt);
    CHECK(window.database() == nullptr);
    CHECK_FALSE(window.session());
    CHECK(window.householdModel()->rowCount() == 0);
    CHECK(window.windowTitle() == QStringLiteral("Cabas"));
    CHECK(child<QLabel>(&window, "householdsCountLabel")->text() == QStringLiteral("–"));
    CHECK_FALSE(child<QAction>(&window, "logoutAction")->isEnabled());
}

TEST_CASE("ui: logging out of a sealed database drops the names decrypted for the search",
          "[ui][mainwindow][sealed]")
{
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = temp.createSealed();
    const Session sw = test::addUserAndLogin(*db, QStringLiteral("amelie.roux"),
                                             QStringLiteral("Amélie Roux"), Role::SocialWorker);
    {
        Household h;
        h.code = QStringLiteral("MMG-0001");
        h.commune = QStringLiteral("Auch");
        store::HouseholdRepository(*db, sw.keys.get()).insert(h);
    }
    ui::MainWindow window(std::move(db), sw);
    window.show();
    window.showSection(ui::MainWindow::Section::Households);
    QTRY_VERIFY_WITH_TIMEOUT(!window.householdsPage()->preparing(), 10000);
    REQUIRE(store::NameIndex::of(*window.database(), *sw.keys)->ready());
    CHECK(store::NameIndex::of(*window.database(), *sw.keys)->households() == 1);

    child<QAction>(&window, "logoutAction")->trigger();
    // A fresh, empty index: the one that held the names is gone.
    const auto after = store::NameIndex::of(*window.database(), *sw.keys);
    CHECK_FALSE(after->ready());
    CHECK(after->households() == 0);
}

TEST_CASE("ui: the main window speaks French by default and English when asked", "[ui][mainwindow][i18n]")
{
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = initialisedDatabase(temp);
    auto sectionTexts = [](const ui::MainWindow& window) {
        QStringList texts;
        auto* list = child<QListWidget>(&window, "sectionList");
        for (int i = 0; i < list->count(); ++i)
            texts << list->item(i)->text();
        return texts;
    };
    REQUIRE(installTranslations(QStringLiteral("fr")) == QStringLiteral("fr"));
    const Session admin = test::adminSession(*db);
    {
        ui::MainWindow window(temp.open(), admin);
        const QStringList texts = sectionTexts(window);
        CHECK(texts.contains(QStringLiteral("Foyers")));
        CHECK(texts.contains(QStringLiteral("Suivi santé")));
        const QStringList menus = [&] {
            QStringList m;
            for (QAction* a : window.menuBar()->actions())
                m << a->text();
            return m;
        }();
        CHECK(menus.contains(QStringLiteral("&Fichier")));
    }
    installTranslations(QStringLiteral("en"));
    {
        ui::MainWindow window(temp.open(), admin);
        CHECK(sectionTexts(window).contains(QStringLiteral("Households")));
    }
    installTranslations(QStringLiteral("fr"));
}
