#pragma once

#include "security/Session.h"
#include "services/HouseholdService.h"
#include "store/Database.h"

#include <QWizard>
#include <map>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QTableWidget;

namespace cabas::ui {

// Enrolling a household in four steps: the household (code, address, commune, enrolment date), its members
// (adult or child, birth date), its card and the consents given, and the referent. Each step is checked by
// the core (HouseholdService::enrolmentProblems) before the next one, with the message next to the field; a
// member with the same name and birth date as a person of another household shows a warning with a link to
// that household (openHouseholdRequested). Finish saves everything at once.
class EnrolmentWizard : public QWizard
{
    Q_OBJECT
  public:
    enum PageId
    {
        HouseholdPage,
        MembersPage,
        CardPage,
        ReferentPage
    };

    EnrolmentWizard(const store::Database& db, const Session& session, QWidget* parent = nullptr);

    // Adds the member typed in the member fields; false (and the message next to the fields) when invalid.
    bool addMember();
    // The enrolment as typed so far.
    Enrolment enrolment() const;
    // The messages shown next to the fields, by field name (for tests and screenshots).
    QString fieldError(const QString& field) const;

    bool validateCurrentPage() override;
    void accept() override;

  signals:
    void enrolled(const QString& householdCode);
    void openHouseholdRequested(const QString& householdCode);

  private:
    QLabel* errorLabel(const QString& field, QWidget* parent);
    void showProblems(const QStringList& problems, const QStringList& fields);
    void checkDuplicates();
    void fillMembers();

    const store::Database& m_db;
    const Session m_session;
    std::vector<Person> m_members;
    std::map<QString, QLabel*> m_errors;

    QLineEdit* m_code = nullptr;
    QLineEdit* m_address = nullptr;
    QLineEdit* m_commune = nullptr;
    QLineEdit* m_postcode = nullptr;
    QDateEdit* m_on = nullptr;
    QLineEdit* m_first = nullptr;
    QLineEdit* m_last = nullptr;
    QDateEdit* m_birth = nullptr;
    QComboBox* m_role = nullptr;
    QComboBox* m_sex = nullptr;
    QTableWidget* m_memberTable = nullptr;
    QLabel* m_duplicate = nullptr;
    QLineEdit* m_card = nullptr;
    std::map<ConsentPurpose, QCheckBox*> m_consents;
    QComboBox* m_referent = nullptr;
    QLabel* m_summary = nullptr;
};

} // namespace cabas::ui
