#pragma once

#include "common/Error.h"
#include "store/DatabaseSpec.h"

#include <QCoreApplication>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>
#include <memory>

namespace cabas::store {

// One connection to a Cabas database, SQLite or PostgreSQL, through Qt SQL.
//
// - create() makes a new database (a new SQLite file, or an empty PostgreSQL database) with the latest schema
//   and refuses to touch anything that already exists.
// - open() opens an existing Cabas database and applies the migrations it lacks (one transaction each). It
//   refuses, with a clear message and without changing anything, a file or database that is not Cabas's, and
//   one written by a newer version of Cabas.
//
// SQLite connections use foreign keys, WAL, synchronous=FULL and a busy timeout. A Database belongs to the
// thread that opened it; a worker opens its own with reopen().
class Database
{
    Q_DECLARE_TR_FUNCTIONS(Database)
  public:
    static std::unique_ptr<Database> create(const DatabaseSpec& spec);
    static std::unique_ptr<Database> open(const DatabaseSpec& spec);
    // Another connection to the same database (for a worker thread); it must already be a Cabas database.
    std::unique_ptr<Database> reopen() const;

    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    Backend backend() const { return m_spec.backend; }
    const DatabaseSpec& spec() const { return m_spec; }
    QSqlDatabase connection() const;
    QString connectionName() const { return m_connectionName; }

    int schemaVersion() const;
    static int latestSchemaVersion();

    // A prepared query; throws cabas::Error (Storage) if the SQL does not prepare.
    QSqlQuery prepare(const QString& sql) const;
    // Executes a prepared query; throws cabas::Error (Storage, or Conflict on a unique violation).
    static void exec(QSqlQuery& query);
    // Binds `values` to a prepared query (in order) and executes it: a statement run for many rows, prepared
    // once.
    static void exec(QSqlQuery& query, const QVariantList& values);
    // Runs a statement as it is, without preparing it (DDL, DO blocks); throws cabas::Error (Storage).
    void execDirect(const QString& sql) const;
    // Prepares, binds positional values, executes.
    QSqlQuery exec(const QString& sql, const QVariantList& values = {}) const;

    // An error of SQLite's own API (the native bulk paths) as storageError() gives it: `extendedCode` from
    // sqlite3_extended_errcode(), `path` from sqlite3_db_filename().
    static Error sqliteError(int extendedCode, const QString& text, const QString& path);

    // Whether a Transaction is open on this connection.
    bool inTransaction() const { return m_transactionOpen; }
    // A number that changes with every Transaction begun on this connection (checks done once per
    // transaction).
    quint64 transactionSerial() const { return m_transactionSerial; }

    // RAII transaction: rolls back unless commit() was called. Nested use is not supported.
    class Transaction
    {
      public:
        explicit Transaction(const Database& db);
        ~Transaction();
        void commit();
        Transaction(const Transaction&) = delete;
        Transaction& operator=(const Transaction&) = delete;

      private:
        const Database& m_db;
        bool m_done = false;
    };

  private:
    Database(DatabaseSpec spec, QString connectionName);
    static std::unique_ptr<Database> connect(const DatabaseSpec& spec);
    void configureSqlite() const;
    static void checkSqliteLength(const QString& path, const QByteArray& header, qint64 fileSize);
    // A database error as a cabas::Error: a full disk, a read-only database, a damaged file, a busy or lost
    // server... get a clear message that names the database (docs/faults.md); others "Database error: ...".
    static Error storageError(const QSqlError& error, Backend backend, const QString& where);
    Error transactionError(const QSqlError& error, const QString& message) const;
    void migrate();
    void checkIsCabas(bool allowEmpty) const;
    bool hasTable(const QString& table) const;

    DatabaseSpec m_spec;
    QString m_connectionName;
    mutable bool m_transactionOpen = false;
    mutable quint64 m_transactionSerial = 0;
    const QSqlDriver* m_driver = nullptr;
};

// Conversions between Qt SQL values and domain values that behave the same on both backends.
QVariant dateValue(const QDate& date);          // null for an invalid date
QDate toDate(const QVariant& value);            // from DATE (PostgreSQL) or ISO text (SQLite)
QVariant timestampValue(const QDateTime& when); // UTC ISO text with milliseconds
QDateTime toTimestamp(const QVariant& value);
QVariant idValue(qint64 id); // null for 0
// A text value that is never NULL (a null QString would be bound as NULL).
inline QVariant textValue(const QString& text)
{
    return text.isNull() ? QVariant(QStringLiteral("")) : QVariant(text);
}

} // namespace cabas::store
