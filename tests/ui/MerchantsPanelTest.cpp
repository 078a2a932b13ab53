#include <catch2/catch.hpp>

#include "AdministrationPage.h"
#include "UiTestUtil.h"
#include "core/store/LedgerTestUtil.h"
#include "ledger/MerchantsPanel.h"
#include "store/LedgerRepository.h"
#include "store/MerchantRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"

#include <QApplication>
#include <QCheckBox>
#include <QDateEdit>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSqlQuery>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>

using namespace cabas;
using cabas::test::child;

namespace {
struct Fixture
{
    test::ScopedClock clock{QDateTime(QDate(2024, 8, 1), QTime(9, 0), Qt::UTC)};
    test::TempDatabase temp{store::Backend::Sqlite};
    std::unique_ptr<store::Database> db = temp.createInitialised();
    Session admin = test::adminSession(*db);
    qint64 household = 0;

    Fixture()
    {
        household = test::addHousehold(*db, QStringLiteral("MMG-0001"));
        test::addCard(*db, QStringLiteral("C-1"), household);
        LedgerEntry hyper =
            test::ledgerEntry(QStringLiteral("e-1"), 1, QStringLiteral("C-1"), QStringLiteral("purchase"),
                              -3000, QStringLiteral("2024-07-02T10:00:00+02:00"));
        hyper.merchant = test::supermarket();
        EntryPage page;
        page.entries = {hyper, test::ledgerEntry(QStringLiteral("e-2"), 1, QStringLiteral("C-1"),
                                                 QStringLiteral("purchase"), -1000)};
        page.nextCursor = QStringLiteral("c");
        store::LedgerRepository(*db).applyEntryPage(page);
    }

    qint64 sustainableCents() const
    {
        QSqlQuery q = db->exec(QStringLiteral("SELECT SUM(sustainable_cents) FROM ledger_month_figures"));
        q.next();
        return q.value(0).toLongLong();
    }
};

int rowOf(const QTableView* view, const QString& merchantId)
{
    const auto* model = static_cast<const QStandardItemModel*>(view->model());
    for (int r = 0; r < model->rowCount(); ++r)
        if (model->item(r, 0)->data(Qt::UserRole).toString() == merchantId)
            return r;
    return -1;
}
} // namespace

TEST_CASE("ui: merchants: an administrator approves a merchant through the dialog",
          "[ui][merchants][screenshot]")
{
    Fixture f;
    ui::AdministrationPage page;
    page.load(f.db.get(), f.admin);
    ui::MerchantsPanel* panel = page.merchantsPanel();
    auto* view = child<QTableView>(panel, "merchantsTable");
    REQUIRE(view->model()->rowCount() == 2);
    auto* approve = child<QPushButton>(panel, "merchantApproveButton");
    auto* withdraw = child<QPushButton>(panel, "merchantWithdrawButton");
    CHECK_FALSE(approve->isEnabled()); // nothing selected
    REQUIRE(panel->selectMerchant(QStringLiteral("M-09")));
    CHECK(approve->isEnabled());
    CHECK_FALSE(withdraw->isEnabled());
    CHECK(f.sustainableCents() == 1000);

    // The dialog opened by the button (modal): the date and a note, then its Approve button.
    bool filled = false;
    QTimer::singleShot(0, [&] {
        auto* dialog = qobject_cast<ui::MerchantDecisionDialog*>(QApplication::activeModalWidget());
        CHECK(dialog);
        if (!dialog)
            return;
        auto* date = child<QDateEdit>(dialog, "merchantDecisionDate");
        date->setDate(QDate(2024, 7, 1));
        child<QLineEdit>(dialog, "merchantDecisionNote")->setText(QStringLiteral("Comité citoyen"));
        child<QPushButton>(dialog, "merchantDecisionOk")->click();
        filled = true;
    });
    approve->click();
    REQUIRE(filled);
    const auto history = store::MerchantRepository(*f.db).history(QStringLiteral("M-09"));
    REQUIRE(history.size() == 1);
    CHECK(history[0].approvedFrom == QDate(2024, 7, 1));
    CHECK(history[0].note == QStringLiteral("Comité citoyen"));
    CHECK(f.sustainableCents() == 4000);
    const int row = rowOf(view, QStringLiteral("M-09"));
    REQUIRE(row >= 0);
    CHECK(view->model()->index(row, 3).data(Qt::UserRole).toString() == QStringLiteral("approved"));
    CHECK(withdraw->isEnabled()); // the selection is kept
    CHECK_FALSE(approve->isEnabled());
    // Categories in the user's words, and no header cut.
    CHECK(view->model()->index(row, 1).data().toString() == ui::MerchantsPanel::tr("Supermarket"));
    for (int column = 0; column < view->horizontalHeader()->count(); ++column)
        CHECK(view->horizontalHeader()->sectionSize(column) >=
              view->horizontalHeader()->sectionSizeHint(column));
    auto* tabs = child<QTabWidget>(&page, "administrationTabs");
    tabs->setCurrentWidget(panel);
    page.resize(1000, 560);
    test::screenshotIfAsked(&page, QStringLiteral("merchants"));

    // Undecided only: the approved merchant leaves the list.
    child<QCheckBox>(panel, "merchantsUndecidedCheck")->setChecked(true);
    CHECK(view->model()->rowCount() == 1);
    CHECK(rowOf(view, QStringLiteral("M-09")) == -1);
}

TEST_CASE("ui: merchants: the decision dialog shows the core's refusal next to the date, writes nothing",
          "[ui][merchants]")
{
    Fixture f;
    store::MerchantRepository(*f.db).approve(QStringLiteral("M-09"), QDate(2024, 7, 1), QString(), 0,
                                             Clock::instance().nowUtc());
    ui::MerchantDecisionDialog dialog(*f.db, f.admin, ui::MerchantDecisionDialog::Kind::Withdraw,
                                      QStringLiteral("M-09"), QStringLiteral("Hyper Auch"));
    child<QDateEdit>(&dialog, "merchantDecisionDate")->setDate(QDate(2024, 6, 30));
    CHECK_FALSE(dialog.submit());
    auto* error = child<QLabel>(&dialog, "merchantDecisionDateError");
    CHECK_FALSE(error->isHidden());
    CHECK(error->text().contains(QStringLiteral("2024-07-01")));
    CHECK_FALSE(error->text().startsWith(QStringLiteral("on:")));
    CHECK_FALSE(store::MerchantRepository(*f.db).history(QStringLiteral("M-09"))[0].withdrawnOn.isValid());
    child<QDateEdit>(&dialog, "merchantDecisionDate")->setDate(QDate(2024, 7, 2));
    CHECK(dialog.submit());
    CHECK(store::MerchantRepository(*f.db).history(QStringLiteral("M-09"))[0].withdrawnOn ==
          QDate(2024, 7, 2));
    CHECK(f.sustainableCents() == 1000);
}

TEST_CASE("ui: merchants: a non-administrator sees the list without the decision buttons", "[ui][merchants]")
{
    Fixture f;
    ui::MerchantsPanel panel;
    panel.load(f.db.get(), test::sessionFor(*f.db, Role::SocialWorker));
    CHECK(child<QTableView>(&panel, "merchantsTable")->model()->rowCount() == 2);
    CHECK(child<QPushButton>(&panel, "merchantApproveButton")->isHidden());
    panel.load(f.db.get(), test::sessionFor(*f.db, Role::Coordinator));
    CHECK(child<QTableView>(&panel, "merchantsTable")->model()->rowCount() == 0);
    CHECK_FALSE(child<QLabel>(&panel, "merchantsMessage")->isHidden());
}
