#pragma once

#include "domain/Programme.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QStackedWidget;
class QTableWidget;

namespace cabas::ui {

// The rules of a programme as a form: dates, the monthly allowance rule (by role: per adult and per child and
// the age a child counts as an adult; per person; or income bands: the bands table, per household or per
// member, the consumption-unit weights and the re-assessment interval), whether the first month is prorated,
// bonus rules (rate, monthly cap, validity dates), follow-up waves, disclosure threshold, currency label,
// household code prefix and the merchant categories counted as sustainable. Used by the first-run dialog and
// by administrators' settings, which save it through ProgrammeService (as `cabas-cli programme set` does).
// The name is edited by the caller (it is the first thing the first-run dialog asks). What the form does not
// show (the other kinds' amounts, contributions ...) is kept as it was loaded.
// Problems are shown next to their part of the form (general, allowance, bonus, waves) and all together in
// "programmeProblemsLabel".
class ProgrammeEditor : public QWidget
{
    Q_OBJECT
  public:
    explicit ProgrammeEditor(QWidget* parent = nullptr);

    void setProgramme(const Programme& programme);
    // The programme as the form says; `problems` gets every problem of the form (cells that are not numbers
    // or dates) and of Programme::validate(), in the user's language. Also shown in "programmeProblemsLabel".
    Programme programme(QStringList* problems = nullptr) const;
    // Shows the problems of the form now, each next to its part; true when there is none.
    bool check(const QString& name);

  private:
    enum class Part
    {
        General,
        Allowance,
        Bonus,
        Waves
    };
    struct Problem
    {
        Part part;
        QString text;
    };
    Programme read(std::vector<Problem>* problems) const;
    void showKind();
    void addWave();
    void addBonusRule();
    void addBand();
    void removeSelectedRow(QTableWidget* table);

    qint64 m_id = 0;
    int m_version = 0;
    QString m_name;
    Programme m_loaded;
    QDateEdit* m_startsOn = nullptr;
    QCheckBox* m_hasEnd = nullptr;
    QDateEdit* m_endsOn = nullptr;
    QComboBox* m_kind = nullptr;
    QStackedWidget* m_kindStack = nullptr;
    QDoubleSpinBox* m_adult = nullptr;
    QDoubleSpinBox* m_child = nullptr;
    QSpinBox* m_adultAge = nullptr;
    QDoubleSpinBox* m_perPerson = nullptr;
    QTableWidget* m_bands = nullptr;
    QComboBox* m_bandBasis = nullptr;
    QDoubleSpinBox* m_firstPerson = nullptr;
    QDoubleSpinBox* m_otherPersons = nullptr;
    QDoubleSpinBox* m_children = nullptr;
    QSpinBox* m_childUnderAge = nullptr;
    QSpinBox* m_reassess = nullptr;
    QCheckBox* m_prorate = nullptr;
    QLineEdit* m_currency = nullptr;
    QLineEdit* m_prefix = nullptr;
    QSpinBox* m_threshold = nullptr;
    QTableWidget* m_waves = nullptr;
    QTableWidget* m_bonus = nullptr;
    QList<QCheckBox*> m_categories;
    QLabel* m_generalProblems = nullptr;
    QLabel* m_allowanceProblems = nullptr;
    QLabel* m_bonusProblems = nullptr;
    QLabel* m_wavesProblems = nullptr;
    QLabel* m_problems = nullptr;
};

} // namespace cabas::ui
