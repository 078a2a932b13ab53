#pragma once

#include "services/FollowUpSchedule.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>
#include <vector>

namespace cabas::ui {

// The nurses' work list as a read-only table: one row per person and follow-up wave
// (FollowUpSchedule::items), with its window and its status today. A thin adapter: the rows are given, the
// model does not read them. Qt::DisplayRole gives the text shown; SortRole a value that sorts right (dates as
// dates, status in its natural order); StatusRole the WaveStatus as an int; Qt::ForegroundRole colours the
// status (overdue red, due amber, done green, upcoming grey); the consent column shows a warning icon
// (Qt::DecorationRole, with a tooltip) when the consent was withdrawn, ConsentWithdrawnRole gives it as a
// bool.
class FollowUpListModel : public QAbstractTableModel
{
    Q_OBJECT
  public:
    enum Column
    {
        PersonCodeColumn,
        NameColumn,
        HouseholdColumn,
        CommuneColumn,
        WaveColumn,
        TargetColumn,
        WindowColumn,
        StatusColumn,
        ConsentColumn,
        ColumnCount
    };
    static constexpr int SortRole = Qt::UserRole;
    static constexpr int StatusRole = Qt::UserRole + 1;
    static constexpr int CommuneRole = Qt::UserRole + 2;
    static constexpr int PersonCodeRole = Qt::UserRole + 3;
    static constexpr int ConsentWithdrawnRole = Qt::UserRole + 4;

    explicit FollowUpListModel(QObject* parent = nullptr);

    void setItems(std::vector<FollowUpItem> items);
    void clear();
    const FollowUpItem& item(int row) const { return m_items.at(static_cast<size_t>(row)); }
    // The communes of the rows, sorted, each once.
    QStringList communes() const;

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // The colour a status is shown in.
    static QColor statusColour(WaveStatus status);

  private:
    std::vector<FollowUpItem> m_items;
};

// Sorts the work list and keeps the rows whose status is one of the chosen ones and whose commune is the
// chosen one (empty: any).
class FollowUpFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
  public:
    explicit FollowUpFilterProxy(QObject* parent = nullptr);

    // A bit per WaveStatus (1 << int(status)); 0 or all bits: any status.
    void setStatusMask(int mask);
    int statusMask() const { return m_statusMask; }
    static int maskOf(std::initializer_list<WaveStatus> statuses);
    static constexpr int kAllStatuses = 0xF;
    void setCommune(const QString& commune);
    QString commune() const { return m_commune; }

  protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

  private:
    int m_statusMask = kAllStatuses;
    QString m_commune;
};

} // namespace cabas::ui
