#pragma once

#include "domain/Workshop.h"

#include <QAbstractTableModel>
#include <vector>

namespace cabas::ui {

// The workshops of a month, one per row, with their places, waiting list and attendance (read by
// WorkshopsPage through WorkshopService).
class WorkshopMonthModel : public QAbstractTableModel
{
    Q_OBJECT
  public:
    enum Column
    {
        DateColumn,
        TimeColumn,
        TypeColumn,
        TitleColumn,
        PlaceColumn,
        PlacesColumn,
        WaitingColumn,
        AttendanceColumn,
        ColumnCount
    };
    static constexpr int WorkshopIdRole = Qt::UserRole + 1;

    explicit WorkshopMonthModel(QObject* parent = nullptr);

    void setWorkshops(std::vector<WorkshopSummary> workshops);
    const WorkshopSummary* at(int row) const;
    int rowOf(qint64 workshopId) const;

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  private:
    std::vector<WorkshopSummary> m_workshops;
};

} // namespace cabas::ui
