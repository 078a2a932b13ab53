#pragma once

#include "store/Database.h"

#include <QStringList>
#include <QVariantList>
#include <functional>
#include <memory>

namespace cabas::store {

// Inserts many rows fast, for imports, the ledger sync and the demo generator. Call inside a transaction;
// flush() before committing. With `returning`, each inserted row's returned columns are passed to the
// callback (in no particular order: return a key with them).
//
// On PostgreSQL rows go by thousands in one INSERT ... SELECT FROM unnest(arrays) per batch. On SQLite, which
// runs in-process, one single-row statement is prepared once and stepped per row through SQLite's own API on
// Qt's connection: Qt's binding layer costs more than SQLite's insert itself there.
class BulkInserter
{
  public:
    using Returned = std::function<void(const QVariantList&)>;

    BulkInserter(const Database& db, QString table, QStringList columns, QString returning = {},
                 Returned onReturned = {});
    ~BulkInserter();

    void add(const QVariantList& row);
    void flush();
    qint64 inserted() const { return m_inserted; }

  private:
    QString singleRowStatement() const; // SQLite
    QString unnestStatement() const;
    void execute(QSqlQuery& q);

    const Database& m_db;
    QString m_table;
    QStringList m_columns;
    QStringList m_columnTypes; // PostgreSQL: udt names, such as text, int8, date
    QString m_returning;
    Returned m_onReturned;
    static constexpr int kRowsPerBatch = 5000; // PostgreSQL
    QVariantList m_pending;
    QSqlQuery m_full;
    bool m_fullPrepared = false;
    qint64 m_inserted = 0;

    struct Native;
    std::unique_ptr<Native> m_native; // SQLite only
};

} // namespace cabas::store
