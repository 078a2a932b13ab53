#pragma once

#include "domain/Household.h"
#include "security/Session.h"
#include "store/Database.h"

#include <QAbstractTableModel>
#include <optional>
#include <vector>

namespace cabas::ui {

// A read-only table of the programme's households (code, address, commune, status, enrolment date), loaded
// whole through HouseholdService::list() as the session's user: the core refuses roles that may not read
// households and masks what a role may not see (coordinators get codes without addresses). A thin adapter:
// a later search/lazy list replaces it.
// Qt::DisplayRole gives the text shown; SortRole gives a value that sorts right (dates as dates, status in
// its natural order) for a QSortFilterProxyModel.
class HouseholdTableModel : public QAbstractTableModel
{
    Q_OBJECT
  public:
    enum Column
    {
        CodeColumn,
        AddressColumn,
        CommuneColumn,
        StatusColumn,
        EnrolledOnColumn,
        ColumnCount
    };
    static constexpr int SortRole = Qt::UserRole;
    static constexpr int IdRole = Qt::UserRole + 1;

    explicit HouseholdTableModel(QObject* parent = nullptr);

    // Where to list from and as whom (the session is copied). `db` must outlive the model or be replaced
    // before it goes; nullptr or no session: empty. Throws cabas::Error (AccessDenied for a role that may not
    // read households, with the core's message) when the households cannot be read; the model is then empty.
    void setSource(const store::Database* db, const std::optional<Session>& session);
    // Empties the model and forgets the database and session.
    void clear();
    // Reads the households again; throws like setSource().
    void reload();

    const Household& household(int row) const { return m_households.at(static_cast<size_t>(row)); }

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  private:
    const store::Database* m_db = nullptr;
    std::optional<Session> m_session;
    std::vector<Household> m_households;
};

} // namespace cabas::ui
