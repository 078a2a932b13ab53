#include <catch2/catch.hpp>

#include "HouseholdTableModel.h"
#include "UiTestUtil.h"
#include "households/CaseFileView.h"
#include "households/HouseholdsPage.h"
#include "services/HouseholdService.h"
#include "store/HouseholdRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QTest>
#include <QTimer>

using namespace cabas;
using test::child;

namespace {
// `n` households MMG-0001... with one member each; every tenth is a Lefèvre in Éauze, the others Martin in
// Auch. With `keys`, written sealed (a sealed database).
void insertMany(const store::Database& db, int n, const security::KeyRing* keys = nullptr)
{
    std::vector<Household> hs;
    for (int i = 1; i <= n; ++i) {
        Household h;
        h.code = QStringLiteral("MMG-%1").arg(i, 4, 10, QLatin1Char('0'));
        h.commune = i % 10 == 0 ? QStringLiteral("Éauze") : QStringLiteral("Auch");
        h.postcode = QStringLiteral("32000");
        h.status = i % 3 == 0 ? HouseholdStatus::Suspended : HouseholdStatus::Enrolled;
        h.enrolledOn = QDate(2024, 6, 1).addDays(i % 200);
        hs.push_back(h);
    }
    store::Database::Transaction tx(db);
    store::HouseholdRepository(db, keys).insertMany(hs);
    std::vector<Person> ps;
    for (int i = 0; i < n; ++i) {
        Person p;
        p.householdId = hs[size_t(i)].id;
        p.code = QStringLiteral("P-%1").arg(i + 1, 5, 10, QLatin1Char('0'));
        p.firstName = QStringLiteral("Anne");
        p.lastName = (i + 1) % 10 == 0 ? QStringLiteral("Lefèvre") : QStringLiteral("Martin");
        p.birthDate = QDate(1980, 1, 1).addDays(i);
        ps.push_back(p);
    }
    store::PersonRepository(db, keys).insertMany(ps);
    tx.commit();
}
} // namespace

TEST_CASE(
    "ui: the household list fetches page by page, searches after a pause, filters and sorts in the database",
    "[ui][households][screenshot]")
{
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC));
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = test::initialisedDatabase(temp);
    insertMany(*db, 450);
    const Session sw = test::addUserAndLogin(*db, QStringLiteral("amelie.roux"),
                                             QStringLiteral("Amélie Roux"), Role::SocialWorker);

    ui::HouseholdsPage page;
    page.resize(1100, 700);
    auto* model = page.model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    page.load(db.get(), sw);
    using M = ui::HouseholdTableModel;
    CHECK(model->totalCount() == 450);
    CHECK(model->rowCount() == M::kPageSize);
    REQUIRE(model->canFetchMore(QModelIndex()));
    model->fetchMore(QModelIndex());
    CHECK(model->rowCount() == 2 * M::kPageSize);
    model->fetchMore(QModelIndex());
    CHECK(model->rowCount() == 450);
    CHECK_FALSE(model->canFetchMore(QModelIndex()));
    CHECK(child<QLabel>(&page, "householdCountLabel")->text().contains(QStringLiteral("450")));
    // No header is cut (French headers are longer than the widths chosen for the data).
    for (const char* name : {"householdTable", "memberTable"}) {
        const QHeaderView* header = child<QTableView>(&page, name)->horizontalHeader();
        for (int column = 0; column < header->count(); ++column) {
            INFO(name << " column " << column);
            CHECK(header->sectionSize(column) >= header->sectionSizeHint(column));
        }
    }

    // Typing does not query at each keystroke: the search runs after a pause.
    auto* search = child<QLineEdit>(&page, "householdSearchEdit");
    auto* timer = child<QTimer>(&page, "householdSearchTimer");
    search->setText(QStringLiteral("lef"));
    search->setText(QStringLiteral("lefevre"));
    CHECK(timer->isActive());
    CHECK(model->totalCount() == 450);
    QTRY_COMPARE_WITH_TIMEOUT(model->totalCount(), qint64(45), 3000);
    CHECK(model->rowCount() == 45);
    CHECK(model->index(0, M::NamesColumn).data().toString() == QStringLiteral("Anne Lefèvre"));
    CHECK(model->index(0, M::CodeColumn).data().toString() == QStringLiteral("MMG-0010"));

    // Filter by status: every third household is suspended.
    auto* status = child<QComboBox>(&page, "householdStatusFilter");
    status->setCurrentIndex(status->findData(static_cast<int>(HouseholdStatus::Suspended)));
    page.applyQuery();
    CHECK(model->totalCount() == 15); // 30, 60, ... 450
    // Sorting is done by the database, over every match, not only the rows fetched.
    auto* table = child<QTableView>(&page, "householdTable");
    table->sortByColumn(M::CodeColumn, Qt::DescendingOrder);
    CHECK(model->index(0, M::CodeColumn).data().toString() == QStringLiteral("MMG-0450"));

    status->setCurrentIndex(0);
    auto* commune = child<QComboBox>(&page, "householdCommuneFilter");
    commune->setCurrentIndex(commune->findData(QStringLiteral("Éauze")));
    search->clear();
    page.applyQuery();
    CHECK(model->totalCount() == 45);
    commune->setCurrentIndex(0);
    page.applyQuery();
    CHECK(model->totalCount() == 450);
    search->setText(QStringLiteral("Lefèvre"));
    page.applyQuery();
    table->sortByColumn(M::CodeColumn, Qt::AscendingOrder);
    table->setCurrentIndex(model->index(0, 0));
    test::screenshotIfAsked(&page, QStringLiteral("households-search"));

    // Opening the case file of the chosen household.
    ui::CaseFileView* view = page.openCaseFile(QStringLiteral("MMG-0010"));
    REQUIRE(view != nullptr);
    CHECK(view->household().code == QStringLiteral("MMG-0010"));
    view->close();
    CHECK(page.openCaseFile(QStringLiteral("MMG-9999")) == nullptr);
    CHECK(child<QLabel>(&page, "householdErrorLabel")->isVisibleTo(&page));
}

TEST_CASE("ui: coordinators search the household list by code and commune only", "[ui][households]")
{
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC));
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = test::initialisedDatabase(temp);
    insertMany(*db, 30);
    ui::HouseholdsPage page;
    page.load(db.get(), test::sessionFor(*db, Role::Coordinator));
    auto* model = page.model();
    CHECK(child<QLabel>(&page, "householdMaskNote")->isVisibleTo(&page));
    CHECK_FALSE(child<QWidget>(&page, "enrolButton")->isVisibleTo(&page));
    auto* search = child<QLineEdit>(&page, "householdSearchEdit");
    search->setText(QStringLiteral("lefevre"));
    page.applyQuery();
    CHECK(model->totalCount() == 0);
    search->setText(QStringLiteral("eauze"));
    page.applyQuery();
    CHECK(model->totalCount() == 3);
    CHECK(model->index(0, ui::HouseholdTableModel::NamesColumn).data().toString().isEmpty());
}

TEST_CASE("ui: on a sealed database the list prepares its search in a worker, then searches names",
          "[ui][households][sealed]")
{
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC));
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = temp.createSealed();
    const Session sw = test::addUserAndLogin(*db, QStringLiteral("amelie.roux"),
                                             QStringLiteral("Amélie Roux"), Role::SocialWorker);
    {
        // Written through the repositories with the keys (sealed), by another session's connection.
        auto other = db->reopen();
        insertMany(*other, 40, sw.keys.get());
    }
    ui::HouseholdsPage page;
    auto* model = page.model();
    auto* search = child<QLineEdit>(&page, "householdSearchEdit");
    page.load(db.get(), sw);
    // Either still preparing (the search box waits) or already done: then the list is there.
    if (page.preparing())
        CHECK_FALSE(search->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(!page.preparing(), 10000);
    CHECK(search->isEnabled());
    CHECK(model->totalCount() == 40);
    search->setText(QStringLiteral("lefe"));
    page.applyQuery();
    CHECK(model->totalCount() == 4);
    CHECK(model->index(0, ui::HouseholdTableModel::NamesColumn).data().toString() ==
          QStringLiteral("Anne Lefèvre"));
}
