#include <catch2/catch.hpp>

#include "UiTestUtil.h"
#include "common/Money.h"
#include "health/HealthBadgesWidget.h"
#include "households/CaseFileView.h"
#include "households/MemberDialog.h"
#include "ledger/HouseholdSpendingWidget.h"
#include "services/HouseholdService.h"
#include "store/HouseholdRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"
#include "workshops/WorkshopHistoryWidget.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
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

    // Changing to the status it has already is refused, with a message.
    child<QPushButton>(&view, "changeStatusButton")->click(); // "enrolled" again: refused
    CHECK(child<QLabel>(&view, "caseFileMessage")->isVisibleTo(&view));
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

namespace {
// The member dialog the case file opened, with its fields filled in and OK clicked.
QDialog* memberDialog(const ui::CaseFileView& view)
{
    QDialog* dialog = view.memberDialog();
    REQUIRE(dialog != nullptr);
    return dialog;
}

void clickOk(QDialog* dialog)
{
    child<QPushButton>(dialog, "memberOkButton")->click();
}

QString allowanceText(const ui::CaseFileView& view)
{
    return child<QLabel>(&view, "allowanceLabel")->text();
}
} // namespace

TEST_CASE("ui: the case file records a departure and an arrival with undo and redo, the allowance follows",
          "[ui][households][casefile][members]")
{
    // April 2025: Léa (18 on 15 March) counts as an adult from 1 April.
    test::ScopedClock clock(QDateTime(QDate(2025, 4, 10), QTime(9, 0), Qt::UTC));
    CaseFixture f;
    ui::CaseFileView view(*f.db, f.sw);
    view.setAttribute(Qt::WA_DeleteOnClose, false);
    REQUIRE(view.load(QStringLiteral("MMG-0042")));
    view.show();
    CHECK(allowanceText(view).contains(formatCents(8000)));
    auto* members = child<QTableWidget>(&view, "caseMembersTable");
    CHECK(members->item(1, 4)->text() == displayName(PersonRole::Adult)); // 18 now

    // Léa's departure: the reason and a plausible date are checked next to their fields.
    members->selectRow(1);
    child<QPushButton>(&view, "memberDepartureButton")->click();
    QDialog* dialog = memberDialog(view);
    child<QDateEdit>(dialog, "memberLeftOnEdit")->setDate(QDate(2025, 5, 2));
    clickOk(dialog);
    REQUIRE(view.memberDialog() == dialog); // still open
    CHECK(child<QLabel>(dialog, "departure_reasonError")->isVisibleTo(dialog));
    CHECK(child<QLabel>(dialog, "left_onError")->isVisibleTo(dialog)); // in the future
    child<QLineEdit>(dialog, "departureReasonEdit")
        ->setText(QStringLiteral("Moved to Toulouse for her studies"));
    child<QDateEdit>(dialog, "memberLeftOnEdit")->setDate(QDate(2025, 3, 31));
    clickOk(dialog);
    CHECK(view.memberDialog() == nullptr);
    CHECK(members->item(1, 6)->text() == QLocale().toString(QDate(2025, 3, 31), QLocale::ShortFormat));
    CHECK(members->item(1, 7)->text() ==
          QStringLiteral("Moved to Toulouse for her studies")); // not saved yet
    // She left before 1 April: April's allowance is the adult's only, shown before saving.
    CHECK(allowanceText(view).contains(formatCents(4000)));
    CHECK(view.memberEdits().size() == 1);
    view.undoStack()->undo();
    CHECK(members->item(1, 6)->text().isEmpty());
    CHECK(allowanceText(view).contains(formatCents(8000)));
    CHECK(view.memberEdits().empty());
    view.undoStack()->redo();
    CHECK(allowanceText(view).contains(formatCents(4000)));

    // A child arrives on 25 March: a member on 1 April.
    REQUIRE(view.openMemberDialog(ui::CaseFileView::MemberAction::Arrival));
    dialog = memberDialog(view);
    CHECK(child<QLineEdit>(dialog, "memberLastNameEdit")->text() == QStringLiteral("Lefèvre"));
    child<QLineEdit>(dialog, "memberFirstNameEdit")->setText(QStringLiteral("Noé"));
    child<QDateEdit>(dialog, "memberBirthDateEdit")->setDate(QDate(2016, 2, 1));
    child<QDateEdit>(dialog, "memberArrivedOnEdit")->setDate(QDate(2025, 3, 25));
    auto* role = child<QComboBox>(dialog, "memberRoleCombo");
    role->setCurrentIndex(role->findData(static_cast<int>(PersonRole::Child)));
    clickOk(dialog);
    REQUIRE(members->rowCount() == 3);
    CHECK(members->item(2, 1)->text() == QStringLiteral("Noé"));
    CHECK(allowanceText(view).contains(formatCents(6000)));
    // Nothing is written before Save.
    const qint64 householdId = view.household().id;
    CHECK(HouseholdService(*f.db, f.sw).members(householdId).size() == 2);

    REQUIRE(view.save());
    const auto stored = HouseholdService(*f.db, f.sw).members(householdId);
    REQUIRE(stored.size() == 3);
    CHECK(stored[1].leftOn == QDate(2025, 3, 31));
    CHECK(stored[1].departureReason == QStringLiteral("Moved to Toulouse for her studies"));
    CHECK(members->item(1, 7)->text() == QStringLiteral("Moved to Toulouse for her studies"));
    CHECK(stored[2].departureReason.isEmpty());
    CHECK(stored[2].arrivedOn == QDate(2025, 3, 25));
    CHECK(stored[2].code == QStringLiteral("P-00003"));
    CHECK(HouseholdService(*f.db, f.sw).allowance(householdId, QDate(2025, 4, 1)).totalCents == 6000);
    CHECK(view.memberEdits().empty());
    CHECK(members->item(2, 0)->text() == QStringLiteral("P-00003"));
    CHECK_FALSE(view.undoStack()->canUndo()); // a saved arrival is not undone (nothing is deleted)
    const auto notes = HouseholdService(*f.db, f.sw).notes(householdId);
    REQUIRE(notes.size() == 2);
    CHECK(notes[1].body.contains(QStringLiteral("Moved to Toulouse for her studies")));
    CHECK(child<QTableWidget>(&view, "journalTable")->rowCount() == 2);
    CHECK(test::hasAuditRecord(*f.db, QStringLiteral("amelie.roux"), QStringLiteral("create"),
                               QStringLiteral("person"), QStringLiteral("ok")));

    // Corrected dates after saving, undone after saving again: the correction is saved back.
    REQUIRE(view.openMemberDialog(ui::CaseFileView::MemberAction::Correction, QStringLiteral("P-00002")));
    dialog = memberDialog(view);
    CHECK(child<QCheckBox>(dialog, "memberLeftCheck")->isChecked());
    child<QDateEdit>(dialog, "memberLeftOnEdit")->setDate(QDate(2025, 4, 3));
    clickOk(dialog);
    CHECK(allowanceText(view).contains(formatCents(10000))); // an adult again on 1 April
    REQUIRE(view.save());
    CHECK(HouseholdService(*f.db, f.sw).members(householdId)[1].leftOn == QDate(2025, 4, 3));
    view.undoStack()->undo();
    REQUIRE(view.save());
    CHECK(HouseholdService(*f.db, f.sw).members(householdId)[1].leftOn == QDate(2025, 3, 31));
    CHECK(HouseholdService(*f.db, f.sw).members(householdId)[1].departureReason ==
          QStringLiteral("Moved to Toulouse for her studies")); // corrected dates keep the reason
}

TEST_CASE("ui: the referent changes in the case file with undo and redo, saved and audited",
          "[ui][households][casefile][referent]")
{
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC));
    CaseFixture f;
    const Session karim = test::addUserAndLogin(*f.db, QStringLiteral("karim.benali"),
                                                QStringLiteral("Karim Benali"), Role::SocialWorker);
    test::addUserAndLogin(*f.db, QStringLiteral("claire.dupuis"), QStringLiteral("Claire Dupuis"),
                          Role::Nurse);
    ui::CaseFileView view(*f.db, f.sw);
    view.setAttribute(Qt::WA_DeleteOnClose, false);
    REQUIRE(view.load(QStringLiteral("MMG-0042")));
    auto* referent = child<QComboBox>(&view, "referentCombo");
    CHECK(referent->currentText() == QStringLiteral("Amélie Roux"));
    CHECK(referent->findText(QStringLiteral("Karim Benali")) >= 0);
    CHECK(referent->findText(QStringLiteral("Claire Dupuis")) < 0); // a nurse is not a referent
    CHECK_FALSE(referent->accessibleName().isEmpty());

    view.edit(QStringLiteral("referent"), QString::number(karim.user.id));
    CHECK(referent->currentText() == QStringLiteral("Karim Benali"));
    view.undoStack()->undo();
    CHECK(referent->currentText() == QStringLiteral("Amélie Roux"));
    view.undoStack()->redo();
    CHECK(referent->currentText() == QStringLiteral("Karim Benali"));
    REQUIRE(view.save());
    CHECK(HouseholdService(*f.db, f.sw).find(QStringLiteral("MMG-0042"))->referentUserId == karim.user.id);
    const auto records = store::AuditRepository(*f.db).list({});
    CHECK(std::any_of(records.begin(), records.end(), [](const store::AuditRecord& r) {
        return r.action == QLatin1String("update") && r.table == QLatin1String("household") &&
               r.detail == QLatin1String("referent");
    }));
    // Undo after saving, saved again: back to Amélie.
    view.undoStack()->undo();
    REQUIRE(view.save());
    CHECK(HouseholdService(*f.db, f.sw).find(QStringLiteral("MMG-0042"))->referentUserId == f.sw.user.id);
}

TEST_CASE("ui: a departure saved meanwhile in another window: the second sees both dates and chooses",
          "[ui][households][casefile][members][conflict]")
{
    test::ScopedClock clock(QDateTime(QDate(2025, 4, 10), QTime(9, 0), Qt::UTC));
    CaseFixture f;
    auto other = f.temp.open();
    ui::CaseFileView mine(*f.db, f.sw);
    ui::CaseFileView theirs(*other, f.sw);
    mine.setAttribute(Qt::WA_DeleteOnClose, false);
    theirs.setAttribute(Qt::WA_DeleteOnClose, false);
    REQUIRE(mine.load(QStringLiteral("MMG-0042")));
    REQUIRE(theirs.load(QStringLiteral("MMG-0042")));
    auto depart = [](ui::CaseFileView& view, QDate on, const QString& reason) {
        REQUIRE(view.openMemberDialog(ui::CaseFileView::MemberAction::Departure, QStringLiteral("P-00002")));
        QDialog* dialog = memberDialog(view);
        child<QDateEdit>(dialog, "memberLeftOnEdit")->setDate(on);
        child<QLineEdit>(dialog, "departureReasonEdit")->setText(reason);
        clickOk(dialog);
        REQUIRE(view.memberDialog() == nullptr);
    };
    depart(theirs, QDate(2025, 3, 31), QStringLiteral("Studies in Toulouse"));
    REQUIRE(theirs.save());
    depart(mine, QDate(2025, 4, 5), QStringLiteral("Moved out"));
    CHECK_FALSE(mine.save());
    QDialog* dialog = mine.conflictDialog();
    REQUIRE(dialog != nullptr);
    auto* table = child<QTableWidget>(dialog, "conflictTable");
    int row = -1;
    for (int r = 0; r < table->rowCount(); ++r)
        if (table->item(r, 3)->data(Qt::UserRole).toString() == QLatin1String("member:P-00002:left_on"))
            row = r;
    REQUIRE(row >= 0);
    CHECK(table->item(row, 1)->text() == QStringLiteral("2025-03-31"));
    CHECK(table->item(row, 2)->text() == QStringLiteral("2025-04-05"));
    CHECK(HouseholdService(*f.db, f.sw).members(mine.household().id)[1].leftOn == QDate(2025, 3, 31));
    table->item(row, 3)->setCheckState(Qt::Checked);
    dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    CHECK(mine.conflictDialog() == nullptr);
    const auto stored = HouseholdService(*f.db, f.sw).members(mine.household().id);
    CHECK(stored[1].leftOn == QDate(2025, 4, 5));
    CHECK(stored[1].version == 3);
    // Left on 5 April: still a member on 1 April.
    CHECK(allowanceText(mine).contains(formatCents(8000)));
}

TEST_CASE("ui: the case file scene: members with an arrival and a departure",
          "[ui][households][casefile][members][screenshot]")
{
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC));
    CaseFixture f;
    {
        // Paul left in January; Noé arrived in November.
        const HouseholdService s(*f.db, f.sw);
        Household h = *s.find(QStringLiteral("MMG-0042"));
        Person paul;
        paul.householdId = h.id;
        paul.code = QStringLiteral("P-00003");
        paul.firstName = QStringLiteral("Paul");
        paul.lastName = QStringLiteral("Lefèvre");
        paul.birthDate = QDate(1983, 9, 21);
        s.addPerson(paul);
        MemberEdit departure{paul, paul, QStringLiteral("Moved to Toulouse")};
        departure.mine.leftOn = QDate(2025, 1, 31);
        MemberEdit arrival;
        arrival.mine.firstName = QStringLiteral("Noé");
        arrival.mine.lastName = QStringLiteral("Lefèvre");
        arrival.mine.birthDate = QDate(2024, 10, 28);
        arrival.mine.role = PersonRole::Child;
        arrival.mine.arrivedOn = QDate(2024, 11, 4);
        std::vector<MemberEdit> edits{departure, arrival};
        REQUIRE_FALSE(s.save(h, h, edits));
    }
    ui::CaseFileView view(*f.db, f.sw);
    view.setAttribute(Qt::WA_DeleteOnClose, false);
    REQUIRE(view.load(QStringLiteral("MMG-0042")));
    view.show();
    auto* tabs = child<QTabWidget>(&view, "caseFileTabs");
    tabs->setCurrentWidget(child<QTableWidget>(&view, "caseMembersTable")->parentWidget());
    CHECK(child<QTableWidget>(&view, "caseMembersTable")->rowCount() == 4);
    // 2 adults (Hélène; Paul left) and 2 children on 1 March.
    CHECK(allowanceText(view).contains(formatCents(4000 + 2 * 2000)));
    CHECK_FALSE(child<QLabel>(&view, "caseFileMessage")->isVisibleTo(&view)); // a clean scene
    test::screenshotIfAsked(&view, QStringLiteral("case-file"));

    child<QTableWidget>(&view, "caseMembersTable")->selectRow(2);
    child<QPushButton>(&view, "memberDepartureButton")->click();
    QDialog* dialog = memberDialog(view);
    child<QDateEdit>(dialog, "memberLeftOnEdit")->setDate(QDate(2025, 3, 7));
    child<QLineEdit>(dialog, "departureReasonEdit")->setText(QStringLiteral("New household in Condom"));
    test::screenshotIfAsked(dialog, QStringLiteral("case-file-departure"));
    dialog->reject();
}
