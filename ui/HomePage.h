#pragma once

#include "store/Database.h"

#include <QWidget>

class QLabel;
class QFormLayout;
class QGridLayout;

namespace cabas::ui {

// The "Home" section: the programme (name, period, allowances, follow-up waves) and what the database holds.
class HomePage : public QWidget
{
    Q_OBJECT
  public:
    explicit HomePage(QWidget* parent = nullptr);

    // Shows what `db` holds (nullptr: nothing). Read errors are shown on the page, never thrown.
    void reload(const store::Database* db);

  private:
    QLabel* addStatTile(QGridLayout* grid, int column, const QString& objectName, const QString& caption);
    QLabel* addFormRow(QFormLayout* form, const QString& objectName, const QString& caption);

    QLabel* m_title = nullptr;
    QLabel* m_period = nullptr;
    QLabel* m_error = nullptr;
    QLabel* m_households = nullptr;
    QLabel* m_persons = nullptr;
    QLabel* m_cards = nullptr;
    QLabel* m_users = nullptr;
    QLabel* m_adultAllowance = nullptr;
    QLabel* m_childAllowance = nullptr;
    QLabel* m_adultAge = nullptr;
    QLabel* m_waves = nullptr;
    QLabel* m_bonus = nullptr;
    QLabel* m_threshold = nullptr;
    QLabel* m_codePrefix = nullptr;
    QLabel* m_location = nullptr;
    QLabel* m_schema = nullptr;
};

} // namespace cabas::ui
