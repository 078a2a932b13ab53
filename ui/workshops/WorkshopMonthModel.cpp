#include "workshops/WorkshopMonthModel.h"
#include "Theme.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QLocale>

namespace cabas::ui {

WorkshopMonthModel::WorkshopMonthModel(QObject* parent) : QAbstractTableModel(parent) {}

void WorkshopMonthModel::setWorkshops(std::vector<WorkshopSummary> workshops)
{
    beginResetModel();
    m_workshops = std::move(workshops);
    endResetModel();
}

const WorkshopSummary* WorkshopMonthModel::at(int row) const
{
    if (row < 0 || row >= int(m_workshops.size()))
        return nullptr;
    return &m_workshops[std::size_t(row)];
}

int WorkshopMonthModel::rowOf(qint64 workshopId) const
{
    for (std::size_t i = 0; i < m_workshops.size(); ++i)
        if (m_workshops[i].workshop.id == workshopId)
            return int(i);
    return -1;
}

int WorkshopMonthModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_workshops.size());
}

int WorkshopMonthModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant WorkshopMonthModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_workshops.size()) || index.column() >= ColumnCount)
        return QVariant();
    const WorkshopSummary& s = m_workshops[std::size_t(index.row())];
    const Workshop& w = s.workshop;
    if (role == WorkshopIdRole)
        return w.id;
    if (role == Qt::ForegroundRole && w.isCancelled())
        return QBrush(theme::foreground(theme::Tone::Muted));
    if (role == Qt::FontRole && w.isCancelled()) {
        QFont f;
        f.setStrikeOut(true);
        return f;
    }
    if (role == Qt::ToolTipRole && w.isCancelled())
        return tr("Cancelled on %1").arg(QLocale().toString(w.cancelledOn, QLocale::ShortFormat));
    if (role != Qt::DisplayRole)
        return QVariant();
    const QLocale locale;
    switch (index.column()) {
    case DateColumn:
        return locale.toString(w.heldOn, QStringLiteral("ddd d MMM"));
    case TimeColumn:
        if (!w.startTime.isValid())
            return QString();
        if (!w.endTime.isValid())
            return locale.toString(w.startTime, QLocale::ShortFormat);
        return tr("%1 – %2").arg(locale.toString(w.startTime, QLocale::ShortFormat),
                                 locale.toString(w.endTime, QLocale::ShortFormat));
    case TypeColumn:
        return displayName(w.type);
    case TitleColumn:
        return w.isCancelled() ? tr("%1 (cancelled)").arg(w.title) : w.title;
    case PlaceColumn:
        return w.partner.isEmpty() ? w.place : tr("%1 (%2)").arg(w.place, w.partner);
    case PlacesColumn:
        return w.hasLimit() ? tr("%1 / %2").arg(s.registered).arg(w.capacity) : QString::number(s.registered);
    case WaitingColumn:
        return s.waiting ? QString::number(s.waiting) : QString();
    case AttendanceColumn:
        if (s.present + s.absent == 0)
            return QString();
        return tr("%1 present, %2 absent").arg(s.present).arg(s.absent);
    }
    return QVariant();
}

QVariant WorkshopMonthModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QVariant();
    switch (section) {
    case DateColumn:
        return tr("Date");
    case TimeColumn:
        return tr("Time");
    case TypeColumn:
        return tr("Type");
    case TitleColumn:
        return tr("Workshop");
    case PlaceColumn:
        return tr("Place (partner)");
    case PlacesColumn:
        return tr("Registered");
    case WaitingColumn:
        return tr("Waiting");
    case AttendanceColumn:
        return tr("Attendance");
    }
    return QVariant();
}

} // namespace cabas::ui
