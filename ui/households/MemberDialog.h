#pragma once

#include "domain/CaseFile.h"
#include "security/Session.h"
#include "store/Database.h"

#include <QDialog>
#include <map>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;

namespace cabas::ui {

// One change to a household's members, from the case file: a member who arrives (name, birth date, role,
// arrival date), a member's departure (date and reason) or corrected dates (birth, arrival, departure).
// Accepting checks the edit with HouseholdService::memberProblems and shows each problem next to its field
// (objectName FIELDError); nothing is written here: the case file keeps the edit (with undo) until it is
// saved.
class MemberDialog : public QDialog
{
    Q_OBJECT
  public:
    enum class Mode
    {
        Arrival,
        Departure,
        Correction
    };
    // `start`: the member as the case file has it now (an empty MemberEdit for an arrival).
    MemberDialog(const store::Database& db, const Session& session, Mode mode, const MemberEdit& start,
                 QWidget* parent = nullptr);

    Mode mode() const { return m_mode; }
    // The edit as entered.
    MemberEdit edit() const;
    // Shows the problems next to their fields; true when there are none.
    bool check();
    void accept() override;

  private:
    QLabel* errorLabel(const QString& field);
    QWidget* withError(QWidget* field, const QString& name);

    const store::Database& m_db;
    const Session m_session;
    const Mode m_mode;
    const MemberEdit m_start;
    std::map<QString, QLabel*> m_errors;
    QLineEdit* m_first = nullptr;
    QLineEdit* m_last = nullptr;
    QDateEdit* m_birth = nullptr;
    QComboBox* m_role = nullptr;
    QComboBox* m_sex = nullptr;
    QCheckBox* m_arrivedKnown = nullptr;
    QDateEdit* m_arrived = nullptr;
    QCheckBox* m_hasLeft = nullptr;
    QDateEdit* m_left = nullptr;
    QLineEdit* m_reason = nullptr;
    QLabel* m_general = nullptr;
};

} // namespace cabas::ui
