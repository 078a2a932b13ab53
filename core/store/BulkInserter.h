#pragma once

#include "store/Database.h"

#include <QStringList>
#include <QVariantList>
#include <functional>

namespace cabas::store {

// Inserts many rows with multi-row INSERT statements (hundreds of rows per round trip), for imports and the
// demo generator. Call inside a transaction; flush() before committing. With `returning`, each inserted row's
// returned columns are passed to the callback (in no particular order: return a key with them).
class BulkInserter
{
  public:
    using Returned = std::function<void(const QSqlQuery&)>;

    BulkInserter(const Database& db, QString table, QStringList columns, QString returning = {},
                 Returned onReturned = {});
    ~BulkInserter() noexcept(false);

    void add(const QVariantList& row);
    void flush();
    qint64 inserted() const { return m_inserted; }

  private:
    QString statementFor(int rows) const;
    void execute(QSqlQuery& q);

    const Database& m_db;
    QString m_table;
    QStringList m_columns;
    QString m_returning;
    Returned m_onReturned;
    int m_rowsPerStatement;
    QVariantList m_pending;
    QSqlQuery m_full;
    bool m_fullPrepared = false;
    qint64 m_inserted = 0;
};

} // namespace cabas::store
