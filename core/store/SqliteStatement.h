#pragma once

#include "store/Database.h"

#include <QByteArrayView>
#include <QVariant>

struct sqlite3;
struct sqlite3_stmt;

namespace cabas::store {

// SQLite's own API for the few reads and writes where Qt's SQL layer costs more than SQLite's work (the
// ledger ingest, the sealed cohort rows): the Database's connection handle, and one statement stepped in
// place. Errors become Database::sqliteError's messages (a full disk, a read-only file...). SQLite only.
sqlite3* sqliteHandle(const Database& db);
[[noreturn]] void failSqlite(sqlite3* h);
// Binds one value (NULL, booleans and integers, doubles, bytes as a blob, anything else as text) at `index`
// (from 1).
void bindSqlite(sqlite3* h, sqlite3_stmt* stmt, int index, const QVariant& v);

// One prepared statement with its values bound, stepped by next(); finalised by the destructor.
class SqliteStatement
{
  public:
    SqliteStatement(const Database& db, const QString& sql, const QVariantList& values = {});
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    bool next(); // false once every row was read
    qint64 int64(int column) const;
    bool isNull(int column) const;
    // The column's UTF-8 bytes, valid until the next call of next().
    QByteArrayView text(int column) const;

  private:
    sqlite3* m_db = nullptr;
    sqlite3_stmt* m_stmt = nullptr;
};

} // namespace cabas::store
