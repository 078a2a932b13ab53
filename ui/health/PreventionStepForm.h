#pragma once

#include "domain/Prevention.h"
#include "health/HealthFormDialog.h"

class QCheckBox;
class QPlainTextEdit;

namespace cabas::ui {

// A new prevention step for a person: date, type, partner (CPAM, ARS, MSA, CAF, GP or another), outcome, the
// date the next step is due (optional) and notes. Saved through HealthService::recordPreventionStep.
class PreventionStepForm : public HealthFormDialog
{
    Q_OBJECT
  public:
    PreventionStepForm(const store::Database& db, const Session& session, const QString& personCode,
                       const QString& personName, QWidget* parent = nullptr);

    PreventionStep step(QStringList* problems = nullptr) const;
    const PreventionStep& saved() const { return m_saved; }

  protected:
    QStringList check() override;
    void write() override;

  private:
    QDateEdit* m_date = nullptr;
    QComboBox* m_type = nullptr;
    QComboBox* m_partner = nullptr;
    QLineEdit* m_outcome = nullptr;
    QCheckBox* m_hasNext = nullptr;
    QDateEdit* m_next = nullptr;
    QPlainTextEdit* m_notes = nullptr;
    QLabel* m_partnerMessage = nullptr;
    QLabel* m_outcomeMessage = nullptr;
    QLabel* m_nextMessage = nullptr;
    PreventionStep m_saved;
};

// A new individual support session, with the person or with their whole household: date, topic, notes. Saved
// through HealthService::recordSupportSession or recordHouseholdSupportSession.
class SupportSessionForm : public HealthFormDialog
{
    Q_OBJECT
  public:
    SupportSessionForm(const store::Database& db, const Session& session, const QString& personCode,
                       const QString& personName, const QString& householdCode, QWidget* parent = nullptr);

    SupportSession supportSession(QStringList* problems = nullptr) const;
    bool withHousehold() const;
    const SupportSession& saved() const { return m_saved; }

  protected:
    QStringList check() override;
    void write() override;

  private:
    QString m_householdCode;
    QDateEdit* m_date = nullptr;
    QComboBox* m_with = nullptr;
    QLineEdit* m_topic = nullptr;
    QPlainTextEdit* m_notes = nullptr;
    QLabel* m_topicMessage = nullptr;
    QLabel* m_notesMessage = nullptr;
    SupportSession m_saved;
};

} // namespace cabas::ui
