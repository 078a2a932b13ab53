#include <catch2/catch.hpp>

#include "UiTestUtil.h"
#include "households/EnrolmentWizard.h"
#include "services/HouseholdService.h"
#include "store/HouseholdRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>

using namespace cabas;
using test::child;

TEST_CASE(
    "ui: the enrolment wizard checks each step next to the field, warns of a possible duplicate and saves "
    "everything at once",
    "[ui][households][wizard][screenshot]")
{
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC));
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = test::initialisedDatabase(temp);
    const Session sw = test::addUserAndLogin(*db, QStringLiteral("amelie.roux"),
                                             QStringLiteral("Amélie Roux"), Role::SocialWorker);
    {
        Household h;
        h.code = QStringLiteral("MMG-0001");
        h.commune = QStringLiteral("Auch");
        h.status = HouseholdStatus::Enrolled;
        h.enrolledOn = QDate(2024, 6, 3);
        HouseholdService(*db, sw).create(h);
        Person p;
        p.householdId = h.id;
        p.code = QStringLiteral("P-00001");
        p.firstName = QStringLiteral("Hélène");
        p.lastName = QStringLiteral("Lefèvre");
        p.birthDate = QDate(1985, 4, 2);
        HouseholdService(*db, sw).addPerson(p);
    }

    ui::EnrolmentWizard wizard(*db, sw);
    wizard.show();
    QSignalSpy enrolled(&wizard, &ui::EnrolmentWizard::enrolled);
    QSignalSpy openOther(&wizard, &ui::EnrolmentWizard::openHouseholdRequested);
    CHECK(child<QLineEdit>(&wizard, "wizardCodeEdit")->text() == QStringLiteral("MMG-0002"));

    // Step 1: the commune is missing, the postcode is wrong.
    child<QLineEdit>(&wizard, "wizardPostcodeEdit")->setText(QStringLiteral("320"));
    wizard.next();
    CHECK(wizard.currentId() == ui::EnrolmentWizard::HouseholdPage);
    CHECK_FALSE(child<QLabel>(&wizard, "communeError")->text().isEmpty());
    CHECK_FALSE(child<QLabel>(&wizard, "postcodeError")->text().isEmpty());
    CHECK(child<QLabel>(&wizard, "codeError")->text().isEmpty());
    child<QLineEdit>(&wizard, "wizardCodeEdit")->setText(QStringLiteral("MMG-0001")); // already used
    child<QLineEdit>(&wizard, "wizardCommuneEdit")->setText(QStringLiteral("Condom"));
    child<QLineEdit>(&wizard, "wizardPostcodeEdit")->setText(QStringLiteral("32100"));
    wizard.next();
    CHECK(wizard.currentId() == ui::EnrolmentWizard::HouseholdPage);
    CHECK(child<QLabel>(&wizard, "codeError")->text().contains(QStringLiteral("MMG-0001")));
    CHECK(child<QLabel>(&wizard, "communeError")->text().isEmpty());
    child<QLineEdit>(&wizard, "wizardCodeEdit")->setText(QStringLiteral("MMG-0002"));
    wizard.next();
    REQUIRE(wizard.currentId() == ui::EnrolmentWizard::MembersPage);

    // Step 2: no member yet; a birth date in the future; then a possible duplicate.
    wizard.next();
    CHECK(wizard.currentId() == ui::EnrolmentWizard::MembersPage);
    CHECK_FALSE(child<QLabel>(&wizard, "membersError")->text().isEmpty());
    child<QLineEdit>(&wizard, "wizardFirstNameEdit")->setText(QStringLiteral("Paul"));
    child<QLineEdit>(&wizard, "wizardLastNameEdit")->setText(QStringLiteral("Martin"));
    child<QDateEdit>(&wizard, "wizardBirthDateEdit")->setDate(QDate(2026, 1, 1));
    CHECK_FALSE(wizard.addMember());
    CHECK_FALSE(child<QLabel>(&wizard, "birth_dateError")->text().isEmpty());
    child<QDateEdit>(&wizard, "wizardBirthDateEdit")->setDate(QDate(1990, 1, 1));
    CHECK(wizard.addMember());
    CHECK(child<QLabel>(&wizard, "birth_dateError")->text().isEmpty());

    child<QLineEdit>(&wizard, "wizardFirstNameEdit")->setText(QStringLiteral("helene"));
    child<QLineEdit>(&wizard, "wizardLastNameEdit")->setText(QStringLiteral("LEFEVRE"));
    child<QDateEdit>(&wizard, "wizardBirthDateEdit")->setDate(QDate(1985, 4, 2));
    auto* duplicate = child<QLabel>(&wizard, "duplicateWarning");
    CHECK(duplicate->isVisibleTo(&wizard));
    CHECK(duplicate->text().contains(QStringLiteral("href=\"MMG-0001\"")));
    emit duplicate->linkActivated(QStringLiteral("MMG-0001"));
    REQUIRE(openOther.count() == 1);
    CHECK(openOther.at(0).at(0).toString() == QStringLiteral("MMG-0001"));
    // The scene of the documentation: a validation message and the duplicate warning.
    child<QDateEdit>(&wizard, "wizardBirthDateEdit")->setDate(QDate(2026, 1, 1));
    CHECK_FALSE(wizard.addMember());
    child<QDateEdit>(&wizard, "wizardBirthDateEdit")->setDate(QDate(1985, 4, 2));
    CHECK(duplicate->isVisibleTo(&wizard));
    test::screenshotIfAsked(&wizard, QStringLiteral("enrolment-wizard"));
    child<QLabel>(&wizard, "birth_dateError")->clear();
    child<QLineEdit>(&wizard, "wizardFirstNameEdit")->setText(QStringLiteral("Lina"));
    child<QComboBox>(&wizard, "wizardRoleCombo")->setCurrentIndex(1); // child
    child<QDateEdit>(&wizard, "wizardBirthDateEdit")->setDate(QDate(2015, 9, 9));
    CHECK(wizard.addMember());
    CHECK(child<QTableWidget>(&wizard, "wizardMembersTable")->rowCount() == 2);
    wizard.next();
    REQUIRE(wizard.currentId() == ui::EnrolmentWizard::CardPage);

    // Step 3: the card id has a space.
    child<QLineEdit>(&wizard, "wizardCardEdit")->setText(QStringLiteral("C 0002"));
    wizard.next();
    CHECK(wizard.currentId() == ui::EnrolmentWizard::CardPage);
    CHECK_FALSE(child<QLabel>(&wizard, "card_idError")->text().isEmpty());
    child<QLineEdit>(&wizard, "wizardCardEdit")->setText(QStringLiteral("C-0002"));
    child<QCheckBox>(&wizard, "consent_health_followup")->setChecked(true);
    wizard.next();
    REQUIRE(wizard.currentId() == ui::EnrolmentWizard::ReferentPage);
    CHECK(store::HouseholdRepository(*db).count() == 1); // nothing written before Finish

    wizard.accept();
    REQUIRE(enrolled.count() == 1);
    CHECK(enrolled.at(0).at(0).toString() == QStringLiteral("MMG-0002"));
    const HouseholdService s(*db, sw);
    const auto h = s.find(QStringLiteral("MMG-0002"));
    REQUIRE(h);
    CHECK(h->commune == QStringLiteral("Condom"));
    CHECK(h->referentUserId == sw.user.id);
    CHECK(h->enrolledOn == QDate(2025, 3, 10));
    const auto members = s.members(h->id);
    REQUIRE(members.size() == 2);
    CHECK(s.cards(h->id).size() == 1);
    // The adult gave three consents (case management, ledger link, health follow-up), the child none.
    std::size_t consents = 0;
    for (const Person& p : members)
        consents += s.consents(p.id).size();
    CHECK(consents == 3);
}
