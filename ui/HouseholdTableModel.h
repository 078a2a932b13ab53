#pragma once

#include "domain/CaseFile.h"
#include "domain/Household.h"
#include "security/Session.h"
#include "store/Database.h"

#include <QAbstractTableModel>
#include <optional>
#include <vector>

namespace cabas::ui {

// The household list, fetched lazily: the model holds the households matching its query (HouseholdQuery:
// search text, filters, sort) page by page through HouseholdService::search() as the session's user, so a
// list of 100,000 households opens and searches at once. The view asks for more rows as it scrolls
// (canFetchMore/fetchMore); sort() re-runs the query in the database. The core refuses roles that may not
// read households and masks what a role may not see (coordinators get codes without addresses or names).
// Qt::DisplayRole gives the text shown; SortRole a value that sorts right.
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
        NamesColumn,
        MembersColumn,
        ReferentColumn,
        ColumnCount
    };
    static constexpr int SortRole = Qt::UserRole;
    static constexpr int IdRole = Qt::UserRole + 1;
    static constexpr int kPageSize = 200;
    // Counting stops there: a search matching more shows "more than 1,000" and still scrolls through them
    // all.
    static constexpr qint64 kCountLimit = 1000;

    explicit HouseholdTableModel(QObject* parent = nullptr);

    // Where to list from and as whom (the session is copied). `db` must outlive the model or be replaced
    // before it goes; nullptr or no session: empty. Throws cabas::Error (AccessDenied for a role that may not
    // read households, with the core's message) when the households cannot be read; the model is then empty.
    void setSource(const store::Database* db, const std::optional<Session>& session);
    // Empties the model and forgets the database and session.
    void clear();
    // Reads the first page again (and the count); throws like setSource().
    void reload();

    // The search and filters; reloads. Throws like setSource().
    void setQuery(const HouseholdQuery& query);
    const HouseholdQuery& query() const { return m_query; }
    // How many households match the query (all of them, not only the rows fetched yet), at most kCountLimit +
    // 1: countCapped() then says there are more than kCountLimit.
    qint64 totalCount() const { return m_total; }
    bool countCapped() const { return m_capped; }

    const Household& household(int row) const { return m_rows.at(static_cast<size_t>(row)).household; }
    const HouseholdListEntry& entry(int row) const { return m_rows.at(static_cast<size_t>(row)); }

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

  signals:
    // The count changed (a new query, a reload).
    void totalChanged(qint64 total);
    // fetchMore() failed (the database went away...): the message, already translated.
    void fetchFailed(const QString& message);

  private:
    const store::Database* m_db = nullptr;
    std::optional<Session> m_session;
    HouseholdQuery m_query;
    std::vector<HouseholdListEntry> m_rows;
    qint64 m_total = 0;
    bool m_capped = false;
    bool m_lastPageFull = false;
    bool m_resetting = false; // a reset or an insertion is being announced: views ask for more afterwards
};

} // namespace cabas::ui
