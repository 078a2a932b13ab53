#pragma once

#include "domain/Questionnaire.h"
#include "health/HealthFormDialog.h"

namespace cabas::ui {

// A new diet questionnaire for a person: date, wave, fruit and vegetable portions a day, how often organic
// fruit and vegetables, local products and organic products, and (from M6) whether the person discovered a
// sustainable shop or producer. Saved through HealthService::recordQuestionnaire.
class QuestionnaireForm : public HealthFormDialog
{
    Q_OBJECT
  public:
    QuestionnaireForm(const store::Database& db, const Session& session, const QString& personCode,
                      const QString& personName, const QStringList& recordedWaves = {},
                      QWidget* parent = nullptr);

    DietQuestionnaire questionnaire(QStringList* problems = nullptr) const;
    const DietQuestionnaire& saved() const { return m_saved; }

  protected:
    QStringList check() override;
    void write() override;

  private:
    QComboBox* makeFrequency(const char* objectName);
    static std::optional<Frequency> frequencyOf(const QComboBox* combo);

    QDateEdit* m_date = nullptr;
    QComboBox* m_wave = nullptr;
    QLineEdit* m_portions = nullptr;
    QComboBox* m_organicFv = nullptr;
    QComboBox* m_local = nullptr;
    QComboBox* m_organic = nullptr;
    QComboBox* m_discovered = nullptr;
    QLabel* m_waveMessage = nullptr;
    QLabel* m_portionsMessage = nullptr;
    QLabel* m_discoveredMessage = nullptr;
    DietQuestionnaire m_saved;
};

} // namespace cabas::ui
