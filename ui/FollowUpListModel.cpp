#include "FollowUpListModel.h"
#include "Theme.h"

#include <QApplication>
#include <QColor>
#include <QFont>
#include <QLocale>
#include <QStyle>
#include <algorithm>

namespace cabas::ui {

namespace {
QString shortDate(const QDate& d)
{
    return d.isValid() ? QLocale().toString(d, QLocale::ShortFormat) : QString();
}

// The short date with a two-digit year, for the window's bounds (the tooltip gives the full dates).
QString compactDate(const QDate& d)
{
    if (!d.isValid())
        return QString();
    QString format = QLocale().dateFormat(QLocale::ShortFormat);
    if (format.contains(QLatin1String("yyyy")))
        format.replace(QLatin1String("yyyy"), QLatin1String("yy"));
    return QLocale().toString(d, format);
}
} // namespace

FollowUpListModel::FollowUpListModel(QObject* parent) : QAbstractTableModel(parent) {}

void FollowUpListModel::setItems(std::vector<FollowUpItem> items)
{
    beginResetModel();
    m_items = std::move(items);
    endResetModel();
}

void FollowUpListModel::clear()
{
    beginResetModel();
    m_items.clear();
    endResetModel();
}

QStringList FollowUpListModel::communes() const
{
    QStringList result;
    for (const FollowUpItem& i : m_items)
        if (!i.commune.isEmpty() && !result.contains(i.commune))
            result << i.commune;
    std::sort(result.begin(), result.end(),
              [](const QString& a, const QString& b) { return QString::localeAwareCompare(a, b) < 0; });
    return result;
}

int FollowUpListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_items.size());
}

int FollowUpListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QColor FollowUpListModel::statusColour(WaveStatus status)
{
    switch (status) {
    // From the palette's lightness: readable in a light and in a dark theme.
    case WaveStatus::Overdue:
        return theme::foreground(theme::Tone::Error);
    case WaveStatus::Due:
        return theme::foreground(theme::Tone::Warning);
    case WaveStatus::Done:
        return theme::foreground(theme::Tone::Success);
    case WaveStatus::Upcoming:
        return theme::foreground(theme::Tone::Muted);
    }
    return QColor();
}

QVariant FollowUpListModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.parent().isValid() || index.row() < 0 || index.row() >= rowCount() ||
        index.column() < 0 || index.column() >= ColumnCount)
        return QVariant();
    const FollowUpItem& i = m_items[static_cast<size_t>(index.row())];
    switch (role) {
    case StatusRole:
        return static_cast<int>(i.status);
    case CommuneRole:
        return i.commune;
    case PersonCodeRole:
        return i.personCode;
    case Qt::DisplayRole:
        switch (index.column()) {
        case PersonCodeColumn:
            return i.personCode;
        case NameColumn:
            return i.personName;
        case HouseholdColumn:
            return i.householdCode;
        case CommuneColumn:
            return i.commune;
        case WaveColumn:
            return i.wave;
        case TargetColumn:
            return shortDate(i.target);
        case WindowColumn:
            return tr("%1 – %2").arg(compactDate(i.windowStart), compactDate(i.windowEnd));
        case StatusColumn:
            return displayName(i.status);
        default:
            return QVariant(); // the consent column shows an icon
        }
    case ConsentWithdrawnRole:
        return i.consentWithdrawn;
    case Qt::DecorationRole:
        if (index.column() == ConsentColumn && i.consentWithdrawn)
            return QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning);
        return QVariant();
    case Qt::AccessibleTextRole:
        if (index.column() == ConsentColumn)
            return i.consentWithdrawn ? tr("Consent withdrawn") : QString();
        return QVariant();
    case Qt::ToolTipRole:
        if (index.column() == ConsentColumn && i.consentWithdrawn)
            return tr("Consent to health follow-up withdrawn: the records are kept, no new record can be "
                      "made.");
        if (index.column() == WindowColumn || index.column() == TargetColumn)
            return tr("Target %1, window from %2 to %3")
                .arg(shortDate(i.target), shortDate(i.windowStart), shortDate(i.windowEnd));
        return QVariant();
    case Qt::ForegroundRole:
        if (index.column() == StatusColumn)
            return statusColour(i.status);
        return QVariant();
    case Qt::FontRole:
        if (index.column() == StatusColumn &&
            (i.status == WaveStatus::Overdue || i.status == WaveStatus::Due)) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return QVariant();
    case SortRole:
        switch (index.column()) {
        case PersonCodeColumn:
            return i.personCode;
        case NameColumn:
            return i.personName;
        case HouseholdColumn:
            return i.householdCode;
        case CommuneColumn:
            return i.commune;
        case WaveColumn:
        case TargetColumn:
            return i.target;
        case WindowColumn:
            return i.windowStart;
        case StatusColumn:
            return static_cast<int>(i.status);
        case ConsentColumn:
            return i.consentWithdrawn ? 1 : 0;
        default:
            return QVariant();
        }
    default:
        return QVariant();
    }
}

QVariant FollowUpListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && section == ConsentColumn) {
        // A narrow column: the flag is an icon, explained by the tooltip.
        if (role == Qt::DecorationRole)
            return QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning);
        if (role == Qt::ToolTipRole || role == Qt::AccessibleTextRole)
            return tr("Consent to health follow-up withdrawn");
    }
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case PersonCodeColumn:
        return tr("Person");
    case NameColumn:
        return tr("Name");
    case HouseholdColumn:
        return tr("Household");
    case CommuneColumn:
        return tr("Commune");
    case WaveColumn:
        return tr("Wave");
    case TargetColumn:
        return tr("Target date");
    case WindowColumn:
        return tr("Window");
    case StatusColumn:
        return tr("Status");
    default:
        return QVariant();
    }
}

FollowUpFilterProxy::FollowUpFilterProxy(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortRole(FollowUpListModel::SortRole);
    setSortLocaleAware(true);
}

int FollowUpFilterProxy::maskOf(std::initializer_list<WaveStatus> statuses)
{
    int mask = 0;
    for (WaveStatus s : statuses)
        mask |= 1 << static_cast<int>(s);
    return mask;
}

void FollowUpFilterProxy::setStatusMask(int mask)
{
    if (mask == m_statusMask)
        return;
    m_statusMask = mask;
    invalidateFilter();
}

void FollowUpFilterProxy::setCommune(const QString& commune)
{
    if (commune == m_commune)
        return;
    m_commune = commune;
    invalidateFilter();
}

bool FollowUpFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (m_statusMask != 0 && (m_statusMask & kAllStatuses) != kAllStatuses) {
        const int status = index.data(FollowUpListModel::StatusRole).toInt();
        if ((m_statusMask & (1 << status)) == 0)
            return false;
    }
    if (!m_commune.isEmpty() && index.data(FollowUpListModel::CommuneRole).toString() != m_commune)
        return false;
    return true;
}

} // namespace cabas::ui
