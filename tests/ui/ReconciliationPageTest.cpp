#include <catch2/catch.hpp>

#include "MainWindow.h"
#include "UiTestUtil.h"
#include "common/Money.h"
#include "core/store/LedgerTestUtil.h"
#include "households/CaseFileView.h"
#include "ledger/ReconciliationModel.h"
#include "ledger/ReconciliationPage.h"
#include "security/Access.h"
#include "services/ProgrammeService.h"
#include "store/HouseholdRepository.h"
#include "store/LedgerRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QFile>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace cabas;
using namespace Qt::StringLiterals;
using cabas::test::child;

namespace {

// A small ledger: the programme gives 40 EUR per adult from June 2024, with a +50 % bonus on sustainable
// purchases; MMG-0001 (two adults, 80 EUR) has no credit in July and two in August, MMG-0002 (one adult) is
// as the rule says; MMG-0001's July purchase at an organic shop earned no bonus.
struct ReconcileFixture
{
    test::ScopedClock clock{QDateTime(QDate(2024, 9, 5), QTime(10, 0), Qt::UTC)};
    test::TempDatabase temp;
    std::unique_ptr<store::Database> db;
    Session admin;
    int seq = 0;

    explicit ReconcileFixture(store::Backend backend = store::Backend::Sqlite)
        : temp(backend), db(test::initialisedDatabase(temp)), admin(test::adminSession(*db))
    {
        const ProgrammeService programmes(*db, admin);
        Programme p = *programmes.load();
        p.startsOn = QDate(2024, 6, 1);
        BonusRule bonus;
        bonus.label = u"Bonus"_s;
        bonus.rateBasisPoints = 5000;
        bonus.validFrom = p.startsOn;
        p.bonusRules = {bonus};
        programmes.save(p);
        household(u"MMG-0001"_s, 2);
        household(u"MMG-0002"_s, 1);
        store({entry(u"MMG-0001"_s, u"allowance"_s, 8000, u"2024-06-01T02:00:00+02:00"_s),
               entry(u"MMG-0001"_s, u"allowance"_s, 8000, u"2024-08-01T02:00:00+02:00"_s),
               entry(u"MMG-0001"_s, u"allowance"_s, 8000, u"2024-08-01T02:05:00+02:00"_s),
               entry(u"MMG-0001"_s, u"purchase"_s, -2000, u"2024-07-10T10:00:00+02:00"_s),
               entry(u"MMG-0002"_s, u"allowance"_s, 4000, u"2024-06-01T02:00:00+02:00"_s),
               entry(u"MMG-0002"_s, u"allowance"_s, 4000, u"2024-07-01T02:00:00+02:00"_s),
               entry(u"MMG-0002"_s, u"allowance"_s, 4000, u"2024-08-01T02:00:00+02:00"_s)});
    }

    void household(const QString& code, int adults)
    {
        Household h;
        h.code = code;
        h.status = HouseholdStatus::Enrolled;
        h.enrolledOn = QDate(2024, 6, 1);
        store::HouseholdRepository(*db).insert(h);
        for (int i = 1; i <= adults; ++i) {
            Person p;
            p.householdId = h.id;
            p.code = u"P-%1-%2"_s.arg(code).arg(i);
            p.firstName = u"Prénom"_s;
            p.lastName = u"Nom"_s;
            p.birthDate = QDate(1980 + i, 1, 1);
            p.role = PersonRole::Adult;
            store::PersonRepository(*db).insert(p);
        }
    }

    LedgerEntry entry(const QString& household, const QString& kind, qint64 cents, const QString& at)
    {
        LedgerEntry e = test::ledgerEntry(u"e-%1"_s.arg(++seq), 1, u"C-"_s + household, kind, cents, at);
        e.account = household;
        return e;
    }
    void store(const std::vector<LedgerEntry>& entries)
    {
        store::LedgerRepository(*db).upsertEntries(entries);
    }
};

// Runs the page's reconciliation and waits for its end.
bool runAndWait(ui::ReconciliationPage& page)
{
    QSignalSpy finished(&page, &ui::ReconciliationPage::finished);
    if (!page.run())
        return false;
    if (finished.count() == 0 && !finished.wait(30000))
        return false;
    return finished.first().first().toBool();
}

QString cellCode(const ui::ReconciliationModel* m, int row, int column)
{
    return m->data(m->index(row, column), Qt::UserRole).toString();
}

} // namespace

TEST_CASE(
    "ui: the reconciliation page lists a missing and a duplicated credit, with totals and the bonus check",
    "[ui][reconciliation]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    ReconcileFixture f(backend);
    ui::ReconciliationPage page;
    page.load(f.db.get(), f.admin);
    auto* model = page.model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    auto* table = child<QTableView>(&page, "discrepancyTable");
    QAbstractItemModelTester proxyTester(table->model(),
                                         QAbstractItemModelTester::FailureReportingMode::Fatal);
    CHECK_FALSE(child<QPushButton>(&page, "reconcileExportButton")->isEnabled());

    page.setPeriod(QDate(2024, 6, 1), QDate(2024, 8, 31));
    REQUIRE(runAndWait(page));
    REQUIRE(model->rowCount() == 2);
    using C = ui::ReconciliationModel;
    CHECK(cellCode(model, 0, C::HouseholdColumn) == u"MMG-0001"_s);
    CHECK(model->data(model->index(0, C::MonthColumn), Qt::UserRole).toDate() == QDate(2024, 7, 1));
    CHECK(cellCode(model, 0, C::ProblemColumn) == u"missing"_s);
    CHECK(model->data(model->index(0, C::ExpectedColumn), Qt::UserRole).toLongLong() == 8000);
    CHECK(model->data(model->index(0, C::CreditedColumn), Qt::UserRole).toLongLong() == 0);
    CHECK(model->data(model->index(1, C::MonthColumn), Qt::UserRole).toDate() == QDate(2024, 8, 1));
    CHECK(cellCode(model, 1, C::ProblemColumn) == u"duplicated"_s);
    CHECK(model->data(model->index(1, C::CreditedColumn), Qt::UserRole).toLongLong() == 16000);
    CHECK(model->data(model->index(1, C::DifferenceColumn), Qt::UserRole).toLongLong() == 8000);
    CHECK(model->data(model->index(1, C::ProblemColumn)).toString() ==
          ui::ReconciliationModel::tr("duplicated credit"));
    CHECK(page.totals().contains(formatCents(16000))); // expected 2 x 80 EUR, credited 160 EUR
    CHECK(child<QPushButton>(&page, "reconcileExportButton")->isEnabled());
    CHECK_FALSE(child<QProgressBar>(&page, "reconcileProgress")->isVisibleTo(&page));

    SECTION("a double-click asks for the household's case file")
    {
        QSignalSpy open(&page, &ui::ReconciliationPage::openHouseholdRequested);
        emit table->doubleClicked(table->model()->index(1, C::ProblemColumn));
        REQUIRE(open.count() == 1);
        CHECK(open.first().first().toString() == u"MMG-0001"_s);
    }
    SECTION("CSV for a French spreadsheet")
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"reconciliation.csv"_s);
        REQUIRE(page.exportCsv(path));
        QFile file(path);
        REQUIRE(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        CHECK(bytes.startsWith("\xEF\xBB\xBF"));
        const QList<QByteArray> lines = bytes.mid(3).split('\n');
        REQUIRE(lines.size() == 4); // header, two lines, and the end after the last CRLF
        CHECK(lines[0].endsWith('\r'));
        CHECK(lines[0].count(';') == 7);
        CHECK(lines[1].startsWith("MMG-0001;2024-07;"));
        CHECK(lines[1].contains(";80,00;0,00;-80,00;"));
        CHECK(lines[2].contains(";80,00;160,00;80,00;"));
        CHECK(lines[2].trimmed().endsWith(";2"));
        CHECK_FALSE(page.exportCsv(dir.filePath(u"missing-folder/x.csv"_s)));
        CHECK_FALSE(page.message().isEmpty());
    }
    SECTION("the bonus check adds the bonus the July purchase should have earned")
    {
        page.setBonusCheck(true);
        REQUIRE(runAndWait(page));
        REQUIRE(model->rowCount() == 3);
        CHECK(cellCode(model, 2, C::CheckColumn) == u"bonus"_s);
        CHECK(cellCode(model, 2, C::ProblemColumn) == u"missing"_s);
        CHECK(model->data(model->index(2, C::ExpectedColumn), Qt::UserRole).toLongLong() == 1000);
        CHECK(model->report().bonusChecked);
        // Once the operator credits it, only the allowance problems remain.
        LedgerEntry bonus = f.entry(u"MMG-0001"_s, u"bonus"_s, 1000, u"2024-07-11T10:00:00+02:00"_s);
        bonus.refersTo = u"e-4"_s;
        f.store({bonus});
        REQUIRE(runAndWait(page));
        CHECK(model->rowCount() == 2);
    }
    SECTION("a period whose end is before its start is refused with the core's message")
    {
        page.setPeriod(QDate(2024, 8, 1), QDate(2024, 6, 1));
        CHECK_FALSE(runAndWait(page));
        CHECK(model->rowCount() == 0);
        CHECK_FALSE(page.message().isEmpty());
        CHECK(child<QPushButton>(&page, "reconcileButton")->isEnabled());
    }
}

TEST_CASE("ui: a reconciliation can be cancelled and run again", "[ui][reconciliation]")
{
    ReconcileFixture f;
    ui::ReconciliationPage page;
    page.load(f.db.get(), f.admin);
    page.setPeriod(QDate(2024, 6, 1), QDate(2024, 8, 31));
    QSignalSpy finished(&page, &ui::ReconciliationPage::finished);
    REQUIRE(page.run());
    CHECK(page.running());
    CHECK(child<QPushButton>(&page, "reconcileCancelButton")->isEnabled());
    CHECK_FALSE(page.run()); // one at a time
    child<QPushButton>(&page, "reconcileCancelButton")->click();
    CHECK_FALSE(page.running());
    REQUIRE(finished.count() == 1);
    CHECK_FALSE(finished.first().first().toBool());
    // The dropped run's result never shows.
    QTest::qWait(300);
    QCoreApplication::processEvents();
    CHECK(page.model()->rowCount() == 0);
    REQUIRE(runAndWait(page));
    CHECK(page.model()->rowCount() == 2);
}

TEST_CASE("ui: a coordinator sees the refusal and the counts, never a household", "[ui][reconciliation]")
{
    ReconcileFixture f;
    const Session coordinator = test::sessionFor(*f.db, Role::Coordinator);
    ui::ReconciliationPage page;
    page.load(f.db.get(), coordinator);
    CHECK(page.message().contains(AccessPolicy::refusal(Role::Coordinator, DataKind::Ledger, Action::Read)));
    CHECK(child<QLabel>(&page, "reconcileAccessLabel")->isVisibleTo(&page));
    CHECK_FALSE(child<QTableView>(&page, "discrepancyTable")->isVisibleTo(&page));
    page.setPeriod(QDate(2024, 6, 1), QDate(2024, 8, 31));
    REQUIRE(runAndWait(page));
    CHECK(page.model()->rowCount() == 0);
    CHECK_FALSE(page.totals().contains(u"MMG-"_s));
    CHECK(page.totals().contains(ui::ReconciliationPage::tr("%n missing", nullptr, 1)));
    CHECK(page.totals().contains(ui::ReconciliationPage::tr("%n duplicated", nullptr, 1)));
    CHECK_FALSE(child<QPushButton>(&page, "reconcileExportButton")->isEnabled());
}

TEST_CASE("ui: Go › Credit reconciliation opens the page, a double-click opens the case file",
          "[ui][reconciliation]")
{
    ReconcileFixture f;
    const Session admin = f.admin;
    ui::MainWindow window(std::move(f.db), admin);
    window.show();
    window.findChild<QAction*>(u"goReconciliationAction"_s)->trigger();
    auto* page = window.findChild<ui::ReconciliationPage*>(u"reconciliationPage"_s);
    REQUIRE(page);
    CHECK(page->isVisible());
    page->setPeriod(QDate(2024, 6, 1), QDate(2024, 8, 31));
    REQUIRE(runAndWait(*page));
    auto* table = child<QTableView>(page, "discrepancyTable");
    emit table->doubleClicked(table->model()->index(0, 0));
    ui::CaseFileView* view = nullptr;
    for (QWidget* w : QApplication::topLevelWidgets())
        if (auto* v = qobject_cast<ui::CaseFileView*>(w); v && v->isVisible())
            view = v;
    REQUIRE(view);
    CHECK(view->household().code == u"MMG-0001"_s);
    view->close();
    // Logging in as someone else closes it (it was read as the previous user).
    window.setSession(admin);
    QCoreApplication::processEvents();
    CHECK(window.findChild<ui::ReconciliationPage*>(u"reconciliationPage"_s) == nullptr);
}

TEST_CASE("ui: the reconciliation page scene", "[ui][reconciliation][screenshot]")
{
    ReconcileFixture f;
    ui::ReconciliationPage page;
    page.resize(960, 520);
    page.load(f.db.get(), f.admin);
    page.setPeriod(QDate(2024, 6, 1), QDate(2024, 8, 31));
    page.setBonusCheck(true);
    REQUIRE(runAndWait(page));
    CHECK(page.model()->rowCount() == 3);
    test::screenshotIfAsked(&page, u"reconciliation"_s);
}
