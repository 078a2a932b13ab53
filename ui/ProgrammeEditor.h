#pragma once

#include "domain/Programme.h"

#include <QWidget>

class QCheckBox;
class QDateEdit;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTableWidget;

namespace cabas::ui {

// The rules of a programme as a form: dates, allowance per adult and per child, the age a child counts as an
// adult, bonus rules, follow-up waves, disclosure threshold, currency label, household code prefix and the
// merchant categories counted as sustainable. Used by the first-run dialog and by administrators' settings.
// The name is edited by the caller (it is the first thing the first-run dialog asks).
class ProgrammeEditor : public QWidget
{
    Q_OBJECT
  public:
    explicit ProgrammeEditor(QWidget* parent = nullptr);

    void setProgramme(const Programme& programme);
    // The programme as the form says; `problems` gets every problem of the form (cells that are not numbers
    // or dates) and of Programme::validate(), in the user's language. Also shown in "programmeProblemsLabel".
    Programme programme(QStringList* problems = nullptr) const;
    // Shows the problems of the form now; true when there is none.
    bool check(const QString& name);

  private:
    void addWave();
    void addBonusRule();
    void removeSelectedRow(QTableWidget* table);

    qint64 m_id = 0;
    int m_version = 0;
    QString m_name;
    Programme m_loaded;
    QDateEdit* m_startsOn = nullptr;
    QCheckBox* m_hasEnd = nullptr;
    QDateEdit* m_endsOn = nullptr;
    QDoubleSpinBox* m_adult = nullptr;
    QDoubleSpinBox* m_child = nullptr;
    QSpinBox* m_adultAge = nullptr;
    QLineEdit* m_currency = nullptr;
    QLineEdit* m_prefix = nullptr;
    QSpinBox* m_threshold = nullptr;
    QTableWidget* m_waves = nullptr;
    QTableWidget* m_bonus = nullptr;
    QList<QCheckBox*> m_categories;
    QLabel* m_problems = nullptr;
};

} // namespace cabas::ui
