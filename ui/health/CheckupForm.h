#pragma once

#include "domain/Checkup.h"
#include "health/HealthFormDialog.h"

#include <optional>

class QPlainTextEdit;

namespace cabas::ui {

// A new checkup for a person: date, wave, weight (kg), height (cm), waist (cm), blood pressure (mmHg),
// glucose (g/L, optional) and notes. The BMI is computed as the weight and height are typed; each field out
// of its plausible range says so underneath (Checkup::validate, the same rules as the core and the import)
// and Save stays disabled until every field is right. Saved through HealthService::recordCheckup, or, for a
// correction, HealthService::correctCheckup.
class CheckupForm : public HealthFormDialog
{
    Q_OBJECT
  public:
    // `recordedWaves`: the waves the person already has a checkup for (the first other wave is proposed).
    CheckupForm(const store::Database& db, const Session& session, const QString& personCode,
                const QString& personName, const QStringList& recordedWaves = {}, QWidget* parent = nullptr);
    // The correction of a saved checkup: the fields prefilled with its values, a reason required, saved
    // through HealthService::correctCheckup (version-checked, audited, the reason kept in its history).
    CheckupForm(const store::Database& db, const Session& session, const QString& personCode,
                const QString& personName, const Checkup& toCorrect, QWidget* parent = nullptr);
    bool isCorrection() const { return m_original.has_value(); }

    // The checkup the fields describe (measures in the core's units); `problems` gets the fields' problems.
    Checkup checkup(QStringList* problems = nullptr) const;
    const Checkup& saved() const { return m_saved; }

  protected:
    QStringList check() override;
    void write() override;

  private:
    QDateEdit* m_date = nullptr;
    QComboBox* m_wave = nullptr;
    QLineEdit* m_weight = nullptr;
    QLineEdit* m_height = nullptr;
    QLabel* m_bmi = nullptr;
    QLineEdit* m_waist = nullptr;
    QLineEdit* m_systolic = nullptr;
    QLineEdit* m_diastolic = nullptr;
    QLineEdit* m_glucose = nullptr;
    QPlainTextEdit* m_notes = nullptr;
    QLabel* m_weightMessage = nullptr;
    QLabel* m_heightMessage = nullptr;
    QLabel* m_waistMessage = nullptr;
    QLabel* m_systolicMessage = nullptr;
    QLabel* m_diastolicMessage = nullptr;
    QLabel* m_glucoseMessage = nullptr;
    QLabel* m_waveMessage = nullptr;
    QLineEdit* m_reason = nullptr;
    QLabel* m_reasonMessage = nullptr;
    std::optional<Checkup> m_original;
    Checkup m_saved;
};

} // namespace cabas::ui
