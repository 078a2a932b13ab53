#pragma once

#include "services/ReconciliationService.h"

#include <QAbstractTableModel>
#include <vector>

namespace cabas::ui {

// The discrepancies of a credit reconciliation (core/services/ReconciliationService) as a table: household,
// month, what is checked (monthly allowance or bonus), expected, credited, difference and the kind of
// problem. Allowance rows first, then bonus rows, each by household code then month, as the service gives
// them. Qt::UserRole gives raw values for sorting (cents, the month's date, the problem's code).
class ReconciliationModel : public QAbstractTableModel
{
    Q_OBJECT
  public:
    enum Column
    {
        HouseholdColumn,
        MonthColumn,
        CheckColumn,
        ExpectedColumn,
        CreditedColumn,
        DifferenceColumn,
        ProblemColumn,
        ColumnCount
    };

    explicit ReconciliationModel(QObject* parent = nullptr);

    void setReport(const ReconciliationReport& report);
    void clear();
    const ReconciliationReport& report() const { return m_report; }
    const CreditDiscrepancy& discrepancy(int row) const { return *m_rows.at(std::size_t(row)); }

    // The problem in words: "missing credit", "duplicated credit", "credit not expected", "wrong amount".
    static QString problemText(const CreditDiscrepancy& d);

    // The rows as a CSV file for a French spreadsheet (as core/io's exports): UTF-8 with BOM, ';' separator,
    // CRLF, dates YYYY-MM, amounts in the currency's units with a decimal comma (no thousands separator), a
    // header line, then one line per discrepancy.
    QByteArray csv() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  private:
    ReconciliationReport m_report;
    std::vector<const CreditDiscrepancy*> m_rows;
};

} // namespace cabas::ui
