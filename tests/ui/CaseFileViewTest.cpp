#include <catch2/catch.hpp>

#include "UiTestUtil.h"
#include "common/Money.h"
#include "health/HealthBadgesWidget.h"
#include "households/CaseFileView.h"
#include "ledger/HouseholdSpendingWidget.h"
#include "services/HouseholdService.h"
#include "store/HouseholdRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"
#include "workshops/WorkshopHistoryWidget.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QUndoStack>

using namespace cabas;
using test::child;

namespace {
struct CaseFixture
{
    test::TempDatabase temp{store::Backend::Sqlite};
    std::unique_ptr<store::Database> db;
    Session sw;

    CaseFixture()
    {
        db = test::initialisedDatabase(temp);
        sw = test::addUserAndLogin(*db, QStringLiteral("amelie.roux"), QStringLiteral("Amélie Roux"),
                                   Role::SocialWorker);
        const HouseholdService s(*db, sw);
        Household h;
        h.code = QStringLiteral("MMG-0042");
        h.address = QStringLiteral("3 rue des Lilas");
        h.commune = QStringLiteral("Auch");
        h.postcode = QStringLiteral("32000");
        h.status = HouseholdStatus::Enrolled;
        h.enrolledOn = QDate(2024, 6, 3);
        h.referentUserId = sw.user.id;
        s.create(h);
        auto add = [&](const QString& code, const QString& first, QDate born, PersonRole role) {
            Person p;
            p.householdId = h.id;
            p.code = code;
            p.firstName = first;
            p.lastName = QStringLiteral("Lefèvre");
            p.birthDate = born;
            p.role = role;
            s.addPerson(p);
            Consent c;
            c.personId = p.id;
            c.effectiveOn = QDate(2024, 6, 3);
            s.recordConsent(c);
        };
        add(QStringLiteral("P-00001"), QStringLiteral("Hélène"), QDate(1985, 4, 2), PersonRole::Adult);
        add(QStringLiteral("P-00002"), QStringLiteral("Léa"), QDate(2007, 3, 15), PersonRole::Child);
        Card c;
        c.token = QStringLiteral("C-0042");
        c.householdId = h.id;
        c.issuedOn = QDate(2024, 6, 3);
        s.issueCard(c);
        s.addNote(QStringLiteral("MMG-0042"), QStringLiteral("Home visit: the family is settled."));
    }
};
} // namespace

TEST_CASE("ui: the case file shows the household's whole situation and edits with undo and redo",
          "[ui][households][casefile][screenshot]")
{
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC));
    CaseFixture f;
    ui::CaseFileView view(*f.db, f.sw);
    view.setAttribute(Qt::WA_DeleteOnClose, false);
    REQUIRE(view.load(QStringLiteral("MMG-0042")));
    view.show();
    CHECK(child<QLabel>(&view, "caseFileTitle")->text().contains(QStringLiteral("MMG-0042")));
    // March 2025: Léa turns 18 on the 15th, so she is still a child on the first of the month: 40 + 20 EUR.
    const QString allowance = child<QLabel>(&view, "allowanceLabel")->text();
    CHECK(allowance.contains(formatCents(6000)));
    CHECK(child<QTableWidget>(&view, "caseMembersTable")->rowCount() == 2);
    CHECK(child<QTableWidget>(&view, "consentsTable")->rowCount() == 2);
    CHECK(child<QTableWidget>(&view, "cardsTable")->rowCount() == 1);
    CHECK(child<QTableWidget>(&view, "statusHistoryTable")->rowCount() == 1);
    CHECK(child<QTableWidget>(&view, "journalTable")->rowCount() == 1);
    for (const char* area : {"spendingArea", "healthArea", "workshopsArea"})
        child<QGroupBox>(&view, area);
    CHECK_FALSE(child<QGroupBox>(&view, "healthArea")->isVisibleTo(&view)); // nurses only

    // Edits go through the undo stack.
    auto* address = child<QLineEdit>(&view, "addressEdit");
    view.edit(QStringLiteral("address"), QStringLiteral("12 avenue Foch"));
    view.edit(QStringLiteral("postcode"), QStringLiteral("32001"));
    CHECK(address->text() == QStringLiteral("12 avenue Foch"));
    view.undoStack()->undo();
    CHECK(child<QLineEdit>(&view, "postcodeEdit")->text() == QStringLiteral("32000"));
    view.undoStack()->undo();
    CHECK(address->text() == QStringLiteral("3 rue des Lilas"));
    CHECK(child<QPushButton>(&view, "redoButton")->isEnabled());
    view.undoStack()->redo();
    CHECK(address->text() == QStringLiteral("12 avenue Foch"));
    REQUIRE(view.save());
    CHECK(HouseholdService(*f.db, f.sw).find(QStringLiteral("MMG-0042"))->address ==
          QStringLiteral("12 avenue Foch"));

    // Re-issue the card (lost): the new one continues the household's history.
    child<QLineEdit>(&view, "newCardEdit")->setText(QStringLiteral("C-0043"));
    child<QPushButton>(&view, "reissueButton")->click();
    auto* cards = child<QTableWidget>(&view, "cardsTable");
    REQUIRE(cards->rowCount() == 2);
    CHECK(cards->item(1, 0)->text() == QStringLiteral("C-0043"));
    CHECK(cards->item(1, 3)->text() == QStringLiteral("C-0042"));

    // An exit needs its reason; with it the history grows.
    child<QPushButton>(&view, "changeStatusButton")->click(); // "enrolled" again: refused
    CHECK(child<QLabel>(&view, "caseFileMessage")->isVisibleTo(&view));
    child<QTabWidget>(&view, "caseFileTabs")->setCurrentIndex(0);
    test::screenshotIfAsked(&view, QStringLiteral("case-file"));
}

TEST_CASE("ui: two people saving the same household: the second sees theirs against hers and chooses",
          "[ui][households][casefile][conflict][screenshot]")
{
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC));
    CaseFixture f;
    auto other = f.temp.open(); // another window on the same file
    ui::CaseFileView mine(*f.db, f.sw);
    ui::CaseFileView theirs(*other, f.sw);
    mine.setAttribute(Qt::WA_DeleteOnClose, false);
    theirs.setAttribute(Qt::WA_DeleteOnClose, false);
    REQUIRE(mine.load(QStringLiteral("MMG-0042")));
    REQUIRE(theirs.load(QStringLiteral("MMG-0042")));

    theirs.edit(QStringLiteral("address"), QStringLiteral("5 place de la Mairie"));
    theirs.edit(QStringLiteral("notes"), QStringLiteral("Prefers phone calls."));
    REQUIRE(theirs.save());

    mine.edit(QStringLiteral("address"), QStringLiteral("7 place de la Mairie"));
    mine.edit(QStringLiteral("postcode"), QStringLiteral("32001"));
    CHECK_FALSE(mine.save());
    QDialog* dialog = mine.conflictDialog();
    REQUIRE(dialog != nullptr);
    CHECK(HouseholdService(*f.db, f.sw).find(QStringLiteral("MMG-0042"))->address ==
          QStringLiteral("5 place de la Mairie")); // nothing overwritten
    auto* table = child<QTableWidget>(dialog, "conflictTable");
    REQUIRE(table->rowCount() == 3); // address (both), postcode (mine), notes (theirs)
    int addressRow = -1;
    for (int r = 0; r < table->rowCount(); ++r)
        if (table->item(r, 3)->data(Qt::UserRole).toString() == QLatin1String("address"))
            addressRow = r;
    REQUIRE(addressRow >= 0);
    CHECK(table->item(addressRow, 1)->text() == QStringLiteral("5 place de la Mairie"));
    CHECK(table->item(addressRow, 2)->text() == QStringLiteral("7 place de la Mairie"));
    test::screenshotIfAsked(dialog, QStringLiteral("case-file-conflict"));
    table->item(addressRow, 3)->setCheckState(Qt::Checked);
    auto* buttons = dialog->findChild<QDialogButtonBox*>();
    REQUIRE(buttons != nullptr);
    buttons->button(QDialogButtonBox::Ok)->click();
    const auto stored = HouseholdService(*f.db, f.sw).find(QStringLiteral("MMG-0042"));
    CHECK(stored->address == QStringLiteral("7 place de la Mairie")); // kept mine
    CHECK(stored->notes == QStringLiteral("Prefers phone calls."));   // theirs, untouched by me
    CHECK(stored->postcode == QStringLiteral("32001"));               // mine, untouched by them
    CHECK(stored->version == 3);
    CHECK(mine.conflictDialog() == nullptr);
}

TEST_CASE("ui: the case file shows spending, workshops and health badges to the roles that may see them",
          "[ui][households][casefile]")
{
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC));
    CaseFixture f;
    {
        ui::CaseFileView view(*f.db, f.sw);
        REQUIRE(view.load(QStringLiteral("MMG-0042")));
        CHECK(child<QGroupBox>(&view, "spendingArea")->findChild<ui::HouseholdSpendingWidget*>());
        CHECK(child<QGroupBox>(&view, "workshopsArea")->findChild<ui::WorkshopHistoryWidget*>());
        CHECK(child<QGroupBox>(&view, "healthArea")->isHidden());
        CHECK_FALSE(child<QGroupBox>(&view, "healthArea")->findChild<ui::HealthBadgesWidget*>());
    }
    {
        const Session nurse = test::addUserAndLogin(*f.db, QStringLiteral("claire.dupuis"),
                                                    QStringLiteral("Claire Dupuis"), Role::Nurse);
        ui::CaseFileView view(*f.db, nurse);
        REQUIRE(view.load(QStringLiteral("MMG-0042")));
        CHECK(child<QGroupBox>(&view, "healthArea")->findChild<ui::HealthBadgesWidget*>());
        CHECK(child<QGroupBox>(&view, "spendingArea")->findChild<ui::HouseholdSpendingWidget*>());
    }
    {
        const Session coordinator = test::addUserAndLogin(*f.db, QStringLiteral("julien.marty"),
                                                          QStringLiteral("Julien Marty"), Role::Coordinator);
        ui::CaseFileView view(*f.db, coordinator);
        REQUIRE(view.load(QStringLiteral("MMG-0042")));
        CHECK_FALSE(child<QGroupBox>(&view, "spendingArea")->findChild<ui::HouseholdSpendingWidget*>());
        CHECK(child<QGroupBox>(&view, "workshopsArea")->findChild<ui::WorkshopHistoryWidget*>());
        CHECK_FALSE(child<QGroupBox>(&view, "healthArea")->findChild<ui::HealthBadgesWidget*>());
    }
}
