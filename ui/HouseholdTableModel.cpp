#include "HouseholdTableModel.h"

#include "common/Error.h"
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
    m_resetting = true;
    beginResetModel();
    m_db = nullptr;
    m_session.reset();
    m_rows.clear();
    m_total = 0;
    m_capped = false;
    endResetModel();
    m_resetting = false;
    emit totalChanged(0);
}

void HouseholdTableModel::setQuery(const HouseholdQuery& query)
{
    m_query = query;
    reload();
}

void HouseholdTableModel::reload()
{
    m_resetting = true;
    beginResetModel();
    m_rows.clear();
    m_total = 0;
    m_capped = false;
    m_lastPageFull = false;
    try {
        if (m_db && m_session) {
            const HouseholdService service(*m_db, *m_session);
            m_total = service.count(m_query, kCountLimit + 1);
            m_capped = m_total > kCountLimit;
            m_rows = service.search(m_query, kPageSize, 0);
            m_lastPageFull = int(m_rows.size()) == kPageSize;
        }
    } catch (...) {
        m_rows.clear();
        m_total = 0;
        endResetModel();
        m_resetting = false;
        emit totalChanged(0);
        throw;
    }
    endResetModel();
    m_resetting = false;
    emit totalChanged(m_total);
}

bool HouseholdTableModel::canFetchMore(const QModelIndex& parent) const
{
    if (parent.isValid() || m_resetting || !m_db || !m_session)
        return false;
    return m_capped ? m_lastPageFull : qint64(m_rows.size()) < m_total;
}

void HouseholdTableModel::fetchMore(const QModelIndex& parent)
{
    if (!canFetchMore(parent))
        return;
    std::vector<HouseholdListEntry> more;
    try {
        more = HouseholdService(*m_db, *m_session).search(m_query, kPageSize, int(m_rows.size()));
    } catch (const Error& e) {
        emit fetchFailed(e.message());
        return;
    }
    m_lastPageFull = int(more.size()) == kPageSize;
    if (more.empty()) { // fewer rows than counted (deleted meanwhile): stop asking
        m_total = qint64(m_rows.size());
        m_capped = false;
        return;
    }
    const int first = int(m_rows.size());
    m_resetting = true; // no nested fetch from a view reacting to the insertion
    beginInsertRows(QModelIndex(), first, first + int(more.size()) - 1);
    for (HouseholdListEntry& e : more)
        m_rows.push_back(std::move(e));
    endInsertRows();
    m_resetting = false;
    if (m_capped && qint64(m_rows.size()) >= m_total)
        m_total = qint64(m_rows.size()) + (m_lastPageFull ? 1 : 0);
}

void HouseholdTableModel::sort(int column, Qt::SortOrder order)
{
    HouseholdQuery::Sort sort = HouseholdQuery::Sort::Code;
    switch (column) {
    case CommuneColumn:
        sort = HouseholdQuery::Sort::Commune;
        break;
    case StatusColumn:
        sort = HouseholdQuery::Sort::Status;
        break;
    case EnrolledOnColumn:
        sort = HouseholdQuery::Sort::EnrolledOn;
        break;
    case ReferentColumn:
        sort = HouseholdQuery::Sort::Referent;
        break;
    default:
        break;
    }
    const bool descending = order == Qt::DescendingOrder;
    if (sort == m_query.sort && descending == m_query.descending)
        return;
    m_query.sort = sort;
    m_query.descending = descending;
    try {
        reload();
    } catch (const Error& e) {
        emit fetchFailed(e.message());
    }
}

int HouseholdTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
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
    const HouseholdListEntry& e = m_rows[static_cast<size_t>(index.row())];
    const Household& h = e.household;
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
        case NamesColumn:
            return e.names;
        case MembersColumn:
            return e.members;
        case ReferentColumn:
            return e.referentName;
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
        case NamesColumn:
            return e.names;
        case MembersColumn:
            return e.members;
        case ReferentColumn:
            return e.referentName;
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
    case NamesColumn:
        return tr("Members");
    case MembersColumn:
        return tr("People");
    case ReferentColumn:
        return tr("Referent");
    default:
        return QVariant();
    }
}

} // namespace cabas::ui
