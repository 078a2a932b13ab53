#pragma once

#include "security/Session.h"
#include "store/Database.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QTableWidget;
class QChartView;

namespace cabas::ui {

// One household's card ledger, for its case file: balance, spending (sustainable share, bonus earned), the
// movements with filters (kind, month, merchant) and a monthly stacked bar chart of spending at sustainable
// merchants and elsewhere. Reads through LedgerService as the session's user (throws AccessDenied for roles
// that may not read the ledger).
class HouseholdSpendingWidget : public QWidget
{
    Q_OBJECT
  public:
    HouseholdSpendingWidget(const store::Database& db, Session session, qint64 householdId,
                            QWidget* parent = nullptr);

    void reload();
    QTableWidget* movementsTable() const { return m_movements; }
    QChartView* chartView() const { return m_chart; }

  private:
    void fillMovements();

    const store::Database& m_db;
    const Session m_session;
    const qint64 m_householdId;
    QLabel* m_balance = nullptr;
    QLabel* m_spending = nullptr;
    QComboBox* m_kind = nullptr;
    QComboBox* m_month = nullptr;
    QComboBox* m_merchant = nullptr;
    QTableWidget* m_movements = nullptr;
    QChartView* m_chart = nullptr;
};

} // namespace cabas::ui
