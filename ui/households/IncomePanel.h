#pragma once

#include "domain/Person.h"
#include "domain/Programme.h"
#include "domain/ProgrammeRules.h"
#include "security/Session.h"
#include "store/Database.h"

#include <QDialog>
#include <QWidget>

class QCheckBox;
class QDateEdit;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTabWidget;
class QTableWidget;

namespace cabas::ui {

class IncomeAssessmentDialog;

// The "Income" tab of a case file, for programmes whose allowance follows income bands
// (docs/reconciliation.md): the household's income assessments (declared income, its period, the date it
// applies from, consumption units, income per unit, band and its amount, who assessed and when), the date by
// which the next one is due, and "Add assessment…" (social workers). Everything goes through IncomeService as
// the session's user; a role that may not see a household's income (coordinators) sees the core's refusal.
class IncomePanel : public QWidget
{
    Q_OBJECT
  public:
    IncomePanel(const store::Database& db, const Session& session, QWidget* parent = nullptr);

    // Puts the panel in the case file's tabs for `householdCode` (an "Income" tab, created once and read
    // again), or takes it out when the programme's rule does not use income. The one call CaseFileView makes.
    static IncomePanel* showIn(QTabWidget* tabs, const store::Database& db, const Session& session,
                               const QString& householdCode);

    // Reads the household's assessments (the refusal or error is shown in the panel).
    void load(const QString& householdCode);
    QString householdCode() const { return m_code; }
    QString message() const;
    // Opens the "Add assessment" dialog (window-modal); nullptr when the role may not record one.
    IncomeAssessmentDialog* addAssessment();

  signals:
    void assessed();

  private:
    const store::Database& m_db;
    const Session m_session;
    QString m_code;
    QLabel* m_rule = nullptr;
    QLabel* m_due = nullptr;
    QLabel* m_message = nullptr;
    QTableWidget* m_history = nullptr;
    QPushButton* m_add = nullptr;
};

// Records one income assessment: the date it applies from, the declared monthly income and the period it
// covers, the consumption units (counted from the members, or typed), a note. While typing, it shows the
// income per unit, the band it gives, the allowance that follows and the re-assessment date; problems are
// shown under the fields and nothing is saved until IncomeService accepts it.
class IncomeAssessmentDialog : public QDialog
{
    Q_OBJECT
  public:
    IncomeAssessmentDialog(const store::Database& db, const Session& session, const QString& householdCode,
                           QWidget* parent = nullptr);

    // The band, allowance and due date the values typed give (as shown in "incomePreviewLabel").
    QString preview() const;
    // Records the assessment; false (and the problems shown) when it is refused or invalid.
    bool save();

  private:
    void updatePreview();
    void showPreview();
    // The assessment as typed; `problems` gets what cannot be read.
    IncomeAssessment assessment(QStringList* problems) const;

    const store::Database& m_db;
    const Session m_session;
    QString m_code;
    Programme m_programme;
    std::vector<Person> m_members;
    QDateEdit* m_effective = nullptr;
    QLineEdit* m_income = nullptr;
    QLabel* m_incomeProblem = nullptr;
    QCheckBox* m_hasPeriod = nullptr;
    QDateEdit* m_incomeFrom = nullptr;
    QDateEdit* m_incomeTo = nullptr;
    QCheckBox* m_typeUnits = nullptr;
    QDoubleSpinBox* m_units = nullptr;
    QLineEdit* m_note = nullptr;
    QLabel* m_preview = nullptr;
    QLabel* m_problems = nullptr;
};

} // namespace cabas::ui
