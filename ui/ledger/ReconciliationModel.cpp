#include "ledger/ReconciliationModel.h"

#include "common/Money.h"

#include <QLocale>

namespace cabas::ui {

namespace {

// Cents as a spreadsheet number with a decimal comma: -1234 -> "-12,34".
QString csvAmount(qint64 cents)
{
    const bool negative = cents < 0;
    const quint64 magnitude = negative ? quint64(-(cents + 1)) + 1 : quint64(cents);
    return QStringLiteral("%1%2,%3")
        .arg(negative ? QStringLiteral("-") : QString())
        .arg(magnitude / 100)
        .arg(magnitude % 100, 2, 10, QLatin1Char('0'));
}

QString csvField(QString f)
{
    if (f.contains(QLatin1Char(';')) || f.contains(QLatin1Char('"')) || f.contains(QLatin1Char('\n')) ||
        f.contains(QLatin1Char('\r')))
        f = QLatin1Char('"') + f.replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
    return f;
}

} // namespace

ReconciliationModel::ReconciliationModel(QObject* parent) : QAbstractTableModel(parent)
{
    setObjectName(QStringLiteral("reconciliationModel"));
}

void ReconciliationModel::setReport(const ReconciliationReport& report)
{
    beginResetModel();
    m_report = report;
    m_rows.clear();
    for (const CreditDiscrepancy& d : m_report.discrepancies)
        m_rows.push_back(&d);
    for (const CreditDiscrepancy& d : m_report.bonusDiscrepancies)
        m_rows.push_back(&d);
    endResetModel();
}

void ReconciliationModel::clear()
{
    setReport(ReconciliationReport());
}

QString ReconciliationModel::problemText(const CreditDiscrepancy& d)
{
    switch (d.problem()) {
    case CreditDiscrepancy::Problem::Missing:
        return d.bonus ? tr("missing bonus") : tr("missing credit");
    case CreditDiscrepancy::Problem::Duplicated:
        return tr("duplicated credit");
    case CreditDiscrepancy::Problem::Unexpected:
        return d.bonus ? tr("bonus not expected") : tr("credit not expected");
    case CreditDiscrepancy::Problem::Wrong:
        return tr("wrong amount");
    }
    return QString();
}

int ReconciliationModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ReconciliationModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ReconciliationModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()) || index.column() >= ColumnCount)
        return {};
    const CreditDiscrepancy& d = *m_rows[std::size_t(index.row())];
    const QString& currency = m_report.currency;
    if (role == Qt::DisplayRole || role == Qt::AccessibleTextRole) {
        switch (index.column()) {
        case HouseholdColumn:
            return d.household;
        case MonthColumn:
            return QLocale().toString(d.month, QStringLiteral("MMMM yyyy"));
        case CheckColumn:
            return d.bonus ? tr("Bonus") : tr("Monthly allowance");
        case ExpectedColumn:
            return formatCents(d.expectedCents, currency);
        case CreditedColumn:
            return formatCents(d.creditedCents, currency);
        case DifferenceColumn:
            return formatCents(d.creditedCents - d.expectedCents, currency);
        case ProblemColumn:
            return problemText(d);
        }
    } else if (role == Qt::UserRole) {
        switch (index.column()) {
        case HouseholdColumn:
            return d.household;
        case MonthColumn:
            return d.month;
        case CheckColumn:
            return d.bonus ? QStringLiteral("bonus") : QStringLiteral("allowance");
        case ExpectedColumn:
            return d.expectedCents;
        case CreditedColumn:
            return d.creditedCents;
        case DifferenceColumn:
            return d.creditedCents - d.expectedCents;
        case ProblemColumn:
            return toCode(d.problem());
        }
    } else if (role == Qt::TextAlignmentRole) {
        if (index.column() >= ExpectedColumn && index.column() <= DifferenceColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    } else if (role == Qt::ToolTipRole && index.column() == ProblemColumn) {
        return tr("%n posted entries", nullptr, int(d.entries));
    }
    return {};
}

QVariant ReconciliationModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case HouseholdColumn:
        return tr("Household");
    case MonthColumn:
        return tr("Month");
    case CheckColumn:
        return tr("Checked");
    case ExpectedColumn:
        return tr("Expected");
    case CreditedColumn:
        return tr("Credited");
    case DifferenceColumn:
        return tr("Difference");
    case ProblemColumn:
        return tr("Problem");
    }
    return {};
}

QByteArray ReconciliationModel::csv() const
{
    QByteArray out("\xEF\xBB\xBF");
    const auto line = [&out](const QStringList& fields) {
        QStringList quoted;
        for (const QString& f : fields)
            quoted << csvField(f);
        out += quoted.join(QLatin1Char(';')).toUtf8() + "\r\n";
    };
    const QString currency = m_report.currency;
    line({tr("household"), tr("month"), tr("checked"), tr("expected (%1)").arg(currency),
          tr("credited (%1)").arg(currency), tr("difference (%1)").arg(currency), tr("problem"),
          tr("entries")});
    for (const CreditDiscrepancy* d : m_rows)
        line({d->household, d->month.toString(QStringLiteral("yyyy-MM")),
              d->bonus ? tr("bonus") : tr("allowance"), csvAmount(d->expectedCents),
              csvAmount(d->creditedCents), csvAmount(d->creditedCents - d->expectedCents), problemText(*d),
              QString::number(d->entries)});
    return out;
}

} // namespace cabas::ui
