#pragma once

#include "domain/Household.h"
#include "store/Database.h"

#include <QAbstractTableModel>
#include <vector>

namespace cabas::ui {

// A read-only table of the programme's households (code, commune, status, enrolment date), loaded whole from
// HouseholdRepository::list(). A thin adapter: a later search/lazy list replaces it.
// Qt::DisplayRole gives the text shown; SortRole gives a value that sorts right (dates as dates, status in
// its natural order) for a QSortFilterProxyModel.
class HouseholdTableModel : public QAbstractTableModel
{
    Q_OBJECT
  public:
    enum Column
    {
        CodeColumn,
        CommuneColumn,
        StatusColumn,
        EnrolledOnColumn,
        ColumnCount
    };
    static constexpr int SortRole = Qt::UserRole;
    static constexpr int IdRole = Qt::UserRole + 1;

    explicit HouseholdTableModel(QObject* parent = nullptr);

    // The database to list from (nullptr: empty). It must outlive the model or be replaced before it goes.
    // Throws cabas::Error when the households cannot be read (the model is then empty).
    void setDatabase(const store::Database* db);
    // Reads the households again.
    void reload();

    const Household& household(int row) const { return m_households.at(static_cast<size_t>(row)); }

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  private:
    const store::Database* m_db = nullptr;
    std::vector<Household> m_households;
};

} // namespace cabas::ui
