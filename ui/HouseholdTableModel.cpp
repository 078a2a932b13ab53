#include "HouseholdTableModel.h"

#include "services/HouseholdService.h"

#include <QLocale>

namespace cabas::ui {

HouseholdTableModel::HouseholdTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void HouseholdTableModel::setSource(const store::Database* db, const std::optional<Session>& session)
{
    m_db = db;
    m_session = session;
    reload();
}

void HouseholdTableModel::clear()
{
    beginResetModel();
    m_db = nullptr;
    m_session.reset();
    m_households.clear();
    endResetModel();
}

void HouseholdTableModel::reload()
{
    beginResetModel();
    m_households.clear();
    try {
        if (m_db && m_session)
            m_households = HouseholdService(*m_db, *m_session).list();
    } catch (...) {
        endResetModel();
        throw;
    }
    endResetModel();
}

int HouseholdTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_households.size());
}

int HouseholdTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HouseholdTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.parent().isValid() || index.row() < 0 || index.row() >= rowCount() ||
        index.column() < 0 || index.column() >= ColumnCount)
        return QVariant();
    const Household& h = m_households[static_cast<size_t>(index.row())];
    if (role == IdRole)
        return h.id;
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (index.column()) {
        case CodeColumn:
            return h.code;
        case AddressColumn:
            return h.address;
        case CommuneColumn:
            return h.postcode.isEmpty() ? h.commune : QStringLiteral("%1 (%2)").arg(h.commune, h.postcode);
        case StatusColumn:
            return displayName(h.status);
        case EnrolledOnColumn:
            return h.enrolledOn.isValid() ? QLocale().toString(h.enrolledOn, QLocale::ShortFormat)
                                          : QString();
        default:
            return QVariant();
        }
    }
    if (role == SortRole) {
        switch (index.column()) {
        case CodeColumn:
            return h.code;
        case AddressColumn:
            return h.address;
        case CommuneColumn:
            return h.commune;
        case StatusColumn:
            return static_cast<int>(h.status);
        case EnrolledOnColumn:
            return h.enrolledOn;
        default:
            return QVariant();
        }
    }
    return QVariant();
}

QVariant HouseholdTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case CodeColumn:
        return tr("Code");
    case AddressColumn:
        return tr("Address");
    case CommuneColumn:
        return tr("Commune");
    case StatusColumn:
        return tr("Status");
    case EnrolledOnColumn:
        return tr("Enrolled on");
    default:
        return QVariant();
    }
}

} // namespace cabas::ui
