#pragma once

#include "store/AuditRepository.h"

#include <QAbstractTableModel>
#include <vector>

namespace cabas::ui {

// A read-only table of audit records, newest first as AuditTrail::list() gives them: sequence number,
// local date and time (Europe/Paris, the programme's zone), user, role, action, table, record, outcome,
// detail. Qt::DisplayRole gives the text shown (actions, roles and outcomes in the user's language);
// CodeRole the stored code (e.g. "denied"); SeqRole the record's sequence number. The record named by
// setHighlightedSeq() (the first broken one after a failed verification) is shown in red.
class AuditTableModel : public QAbstractTableModel
{
    Q_OBJECT
  public:
    enum Column
    {
        SeqColumn,
        AtColumn,
        UserColumn,
        RoleColumn,
        ActionColumn,
        TableColumn,
        RecordColumn,
        OutcomeColumn,
        DetailColumn,
        ColumnCount
    };
    static constexpr int CodeRole = Qt::UserRole;
    static constexpr int SeqRole = Qt::UserRole + 1;

    explicit AuditTableModel(QObject* parent = nullptr);

    void setRecords(std::vector<store::AuditRecord> records);
    const store::AuditRecord& record(int row) const { return m_records.at(static_cast<size_t>(row)); }
    // The row showing record `seq`, or -1.
    int rowOfSeq(qint64 seq) const;
    // 0: none.
    void setHighlightedSeq(qint64 seq);

    // The words shown for stored codes (unknown codes are shown as they are).
    static QString actionText(const QString& code);
    static QString roleText(const QString& code);
    static QString outcomeText(const QString& code);

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  private:
    std::vector<store::AuditRecord> m_records;
    qint64 m_highlighted = 0;
};

} // namespace cabas::ui
