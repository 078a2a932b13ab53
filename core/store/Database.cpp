#include "store/Database.h"
#include "store/PgRoles.h"
#include "store/SealExisting.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "store/Migrations.h"

#include <QAtomicInt>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QMutex>
#include <QSqlDriver>
#include <QSqlError>

namespace cabas::store {

namespace {
constexpr int kSqliteApplicationId = 0x43414241; // "CABA", in the SQLite header
constexpr qint64 kMigrationLockKey = 4341424153; // pg_advisory_xact_lock key for migrations
QAtomicInt connectionCounter;

QString describe(const QSqlError& error)
{
    QString text = error.databaseText().trimmed();
    if (text.isEmpty())
        text = error.driverText().trimmed();
    return text;
}

bool isUniqueViolation(const QSqlError& error)
{
    const QString code = error.nativeErrorCode();
    return code == QLatin1String("23505") || code == QLatin1String("2067") || code == QLatin1String("1555");
}

// The faults a user can do something about, told apart from the other database errors (docs/faults.md).
enum class Fault
{
    None,
    DiskFull,   // SQLITE_FULL; PostgreSQL 53100 disk_full
    ReadOnly,   // SQLITE_READONLY; PostgreSQL 25006 read_only_sql_transaction
    DiskError,  // SQLITE_IOERR; PostgreSQL 58030 io_error
    Damaged,    // SQLITE_CORRUPT, SQLITE_NOTADB; PostgreSQL XX001 data_corrupted
    Busy,       // SQLITE_BUSY, SQLITE_LOCKED; PostgreSQL 55P03 lock_not_available
    Collision,  // PostgreSQL 40001 serialization_failure, 40P01 deadlock_detected
    Connection, // PostgreSQL class 08 and 57P01-57P03 (server shutting down, restarting)
};

Fault faultOf(const QSqlError& error, Backend backend)
{
    const QString code = error.nativeErrorCode();
    if (code.isEmpty())
        return Fault::None;
    if (backend == Backend::Sqlite) {
        bool ok = false;
        const int primary =
            code.toInt(&ok) & 0xff; // extended result codes keep the primary one in the low byte
        if (!ok)
            return Fault::None;
        switch (primary) {
        case 13:
            return Fault::DiskFull; // SQLITE_FULL
        case 8:
            return Fault::ReadOnly; // SQLITE_READONLY
        case 10:
            return Fault::DiskError; // SQLITE_IOERR
        case 11:                     // SQLITE_CORRUPT
        case 26:
            return Fault::Damaged; // SQLITE_NOTADB
        case 5:                    // SQLITE_BUSY
        case 6:
            return Fault::Busy; // SQLITE_LOCKED
        default:
            return Fault::None;
        }
    }
    if (code == QLatin1String("53100"))
        return Fault::DiskFull;
    if (code == QLatin1String("25006"))
        return Fault::ReadOnly;
    if (code == QLatin1String("58030"))
        return Fault::DiskError;
    if (code == QLatin1String("XX001") || code == QLatin1String("XX002"))
        return Fault::Damaged;
    if (code == QLatin1String("55P03"))
        return Fault::Busy;
    if (code == QLatin1String("40001") || code == QLatin1String("40P01"))
        return Fault::Collision;
    if (code.startsWith(QLatin1String("08")) || code == QLatin1String("57P01") ||
        code == QLatin1String("57P02") || code == QLatin1String("57P03"))
        return Fault::Connection;
    return Fault::None;
}

// Which database each open connection's driver serves, for the messages of Database::exec(QSqlQuery&), which
// only has the query.
QMutex driversMutex;
QHash<const QSqlDriver*, QString> driverPlaces;

QString placeOf(const QSqlDriver* driver)
{
    const QMutexLocker lock(&driversMutex);
    return driverPlaces.value(driver);
}

void removeSqliteFiles(const QString& path)
{
    for (const QString& suffix :
         {QString(), QStringLiteral("-wal"), QStringLiteral("-shm"), QStringLiteral("-journal")})
        QFile::remove(path + suffix);
}
} // namespace

Error Database::storageError(const QSqlError& error, Backend backend, const QString& where)
{
    const QString what = describe(error);
    switch (faultOf(error, backend)) {
    case Fault::DiskFull:
        return Error(tr("The disk is full: nothing was saved. Free some space on the disk of the database %1 "
                        "and try again. (%2)")
                         .arg(where, what),
                     Error::Kind::Storage);
    case Fault::ReadOnly:
        return Error(tr("The database %1 is read-only: nothing was saved. Ask your administrator to make it "
                        "writable again. (%2)")
                         .arg(where, what),
                     Error::Kind::Storage);
    case Fault::DiskError:
        return Error(tr("The disk of the database %1 could not be read or written: nothing was saved. Check "
                        "the disk, then try again. (%2)")
                         .arg(where, what),
                     Error::Kind::Storage);
    case Fault::Damaged:
        return Error(tr("The database %1 is damaged: nothing was saved. Restore it from a backup. (%2)")
                         .arg(where, what),
                     Error::Kind::Storage);
    case Fault::Busy:
        return Error(
            tr("The database %1 is busy with another user's change: nothing was saved. Try again in a "
               "moment. (%2)")
                .arg(where, what),
            Error::Kind::Storage);
    case Fault::Collision:
        return Error(tr("This change collided with another user's change to the database %1: nothing was "
                        "saved. Try again. (%2)")
                         .arg(where, what),
                     Error::Kind::Storage);
    case Fault::Connection:
        return Error(
            tr("The connection to the database %1 was lost: nothing was saved. Check the network and "
               "the server, then try again. (%2)")
                .arg(where, what),
            Error::Kind::Storage);
    case Fault::None:
        break;
    }
    if (isUniqueViolation(error))
        return Error(tr("This is already in the database %1 (a code or number used twice, perhaps saved by "
                        "someone else at the same moment): nothing was saved. Reload and try again. (%2)")
                         .arg(where, what),
                     Error::Kind::Conflict);
    return Error(tr("Database error: %1").arg(what), Error::Kind::Storage);
}

Error Database::sqliteError(int extendedCode, const QString& text, const QString& path)
{
    return storageError(QSqlError(QString(), text, QSqlError::StatementError, QString::number(extendedCode)),
                        Backend::Sqlite, path);
}

Error Database::transactionError(const QSqlError& error, const QString& message) const
{
    if (faultOf(error, m_spec.backend) != Fault::None)
        return storageError(error, m_spec.backend, m_spec.displayName());
    return Error(message.arg(describe(error)), Error::Kind::Storage);
}

Database::Database(DatabaseSpec spec, QString connectionName)
    : m_spec(std::move(spec)), m_connectionName(std::move(connectionName))
{
    const QMutexLocker lock(&driversMutex);
    m_driver = connection().driver();
    driverPlaces.insert(m_driver, m_spec.displayName());
}

Database::~Database()
{
    {
        const QMutexLocker lock(&driversMutex);
        driverPlaces.remove(m_driver);
    }
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

QSqlDatabase Database::connection() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

std::unique_ptr<Database> Database::connect(const DatabaseSpec& spec)
{
    const QString name = QStringLiteral("cabas-%1").arg(connectionCounter.fetchAndAddRelaxed(1));
    const bool sqlite = spec.backend == Backend::Sqlite;
    QString failure;
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(sqlite ? QStringLiteral("QSQLITE") : QStringLiteral("QPSQL"), name);
        if (!db.isValid()) {
            failure = sqlite
                          ? tr("The SQLite driver for Qt is missing (Debian package libqt6sql6-sqlite).")
                          : tr("The PostgreSQL driver for Qt is missing (Debian package libqt6sql6-psql).");
        } else {
            if (sqlite) {
                db.setDatabaseName(spec.path);
                db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
            } else {
                db.setHostName(spec.host);
                db.setPort(spec.port);
                db.setUserName(spec.user);
                db.setPassword(spec.password);
                db.setDatabaseName(spec.databaseName);
                db.setConnectOptions(spec.connectOptions());
            }
            if (!db.open()) {
                failure = sqlite
                              ? tr("Cannot open the database %1: %2").arg(spec.path, describe(db.lastError()))
                              : tr("Cannot connect to the PostgreSQL database %1: %2")
                                    .arg(spec.displayName(), describe(db.lastError()));
                const QString ssl = spec.effectiveSslMode();
                const QString why = describe(db.lastError());
                if (!sqlite && ssl.startsWith(QLatin1String("verify")) &&
                    (why.contains(QLatin1String("SSL"), Qt::CaseInsensitive) ||
                     why.contains(QLatin1String("certificat"), Qt::CaseInsensitive)))
                    failure +=
                        QLatin1Char('\n') +
                        tr("Cabas encrypts the connection to a server on another machine and checks its "
                           "certificate (sslmode=%1). Give the certificate of the authority that signed "
                           "the server's in the address (?sslrootcert=FILE), or ask the server's "
                           "administrator to enable TLS. Only on a network you trust entirely, "
                           "?sslmode=disable connects without encryption (passwords and data in clear).")
                            .arg(ssl);
            }
        }
    }
    if (!failure.isEmpty()) {
        QSqlDatabase::removeDatabase(name);
        throw Error(failure, Error::Kind::Storage);
    }
    return std::unique_ptr<Database>(new Database(spec, name));
}

std::unique_ptr<Database> Database::create(const DatabaseSpec& spec)
{
    if (spec.backend == Backend::Sqlite) {
        const QFileInfo info(spec.path);
        if (info.exists())
            throw Error(tr("%1 already exists: Cabas never overwrites a database when it creates one. Choose "
                           "another file name, or open this one.")
                            .arg(spec.path),
                        Error::Kind::Conflict);
        if (!QDir().mkpath(info.absolutePath()))
            throw Error(tr("Cannot create the folder %1.").arg(info.absolutePath()), Error::Kind::Storage);
        std::unique_ptr<Database> db;
        try {
            db = connect(spec);
            db->exec(QStringLiteral("PRAGMA application_id = %1").arg(kSqliteApplicationId));
            db->configureSqlite();
            db->migrate();
        } catch (...) {
            db.reset();
            removeSqliteFiles(spec.path);
            throw;
        }
        return db;
    }

    auto db = connect(spec);
    if (db->hasTable(QStringLiteral("cabas_meta")))
        throw Error(
            tr("%1 is already a Cabas database: Cabas never overwrites a database when it creates one.")
                .arg(spec.displayName()),
            Error::Kind::Conflict);
    db->checkIsCabas(true);
    db->migrate();
    return db;
}

std::unique_ptr<Database> Database::open(const DatabaseSpec& spec)
{
    if (spec.backend == Backend::Sqlite) {
        const QFileInfo info(spec.path);
        if (!info.exists())
            throw Error(tr("%1 does not exist. Create a database first (cabas-cli init, or the desktop app's "
                           "first-run dialog).")
                            .arg(spec.path),
                        Error::Kind::NotFound);
        if (!info.isFile())
            throw Error(tr("%1 is not a file.").arg(spec.path), Error::Kind::Invalid);
        QFile file(spec.path);
        if (!file.open(QIODevice::ReadOnly))
            throw Error(tr("Cannot read %1: %2").arg(spec.path, file.errorString()), Error::Kind::Storage);
        const QByteArray header = file.read(100);
        if (!header.startsWith(QByteArray("SQLite format 3\0", 16)))
            throw Error(tr("%1 is not a Cabas database (it is not even an SQLite file).").arg(spec.path),
                        Error::Kind::Unsupported);
        checkSqliteLength(spec.path, header, info.size());
    }
    auto db = connect(spec);
    db->checkIsCabas(false);
    const int version = db->schemaVersion();
    if (version > latestSchemaVersion())
        throw Error(
            tr("%1 was written by a newer version of Cabas (schema version %2; this version knows up to %3). "
               "Install the newer version of Cabas to open it; nothing was changed.")
                .arg(spec.displayName())
                .arg(version)
                .arg(latestSchemaVersion()),
            Error::Kind::Unsupported);
    if (spec.backend == Backend::Sqlite)
        db->configureSqlite();
    db->migrate();
    PgRoles::refreshIfStale(*db);
    // The file opened as a Cabas database: copies left by a sealing that did not finish are deleted.
    if (spec.backend == Backend::Sqlite)
        SealExisting::removeLeftovers(spec.path);
    return db;
}

void Database::checkSqliteLength(const QString& path, const QByteArray& header, qint64 fileSize)
{
    // A file cut short (an interrupted copy, a full disk, a broken USB stick) may still open and even show
    // its first tables, then fail anywhere later: refuse it at once. The header (100 bytes) gives the page
    // size and, when the "version valid for" number matches the change counter, the number of pages. A
    // write-ahead log with frames may legitimately hold pages the file does not have yet (a crash before a
    // checkpoint): SQLite itself deals with that case.
    const auto be = [&header](int offset, int bytes) {
        quint32 v = 0;
        for (int i = 0; i < bytes; ++i)
            v = (v << 8) | quint8(header.at(offset + i));
        return v;
    };
    const QString damaged = tr("%1 is damaged: the file is shorter than SQLite's own header says (%2 bytes "
                               "instead of %3), it was probably cut by an interrupted copy or a full disk. "
                               "Restore the database from a backup; nothing was changed.");
    if (header.size() < 100)
        throw Error(damaged.arg(path).arg(fileSize).arg(100), Error::Kind::Unsupported);
    if (QFileInfo(path + QStringLiteral("-wal")).size() > 32) // more than the log's own header
        return;
    const quint32 pageSizeField = be(16, 2);
    const qint64 pageSize = pageSizeField == 1 ? 65536 : qint64(pageSizeField);
    const quint32 pages = be(28, 4);
    const bool pagesValid = pages > 0 && be(24, 4) == be(92, 4);
    if (pageSize < 512 || !pagesValid)
        return;
    const qint64 expected = qint64(pages) * pageSize;
    if (fileSize < expected)
        throw Error(damaged.arg(path).arg(fileSize).arg(expected), Error::Kind::Unsupported);
}

std::unique_ptr<Database> Database::reopen() const
{
    auto db = connect(m_spec);
    db->checkIsCabas(false);
    if (db->schemaVersion() != latestSchemaVersion())
        throw Error(tr("The database %1 changed version while it was open.").arg(m_spec.displayName()),
                    Error::Kind::Unsupported);
    if (m_spec.backend == Backend::Sqlite)
        db->configureSqlite();
    return db;
}

void Database::configureSqlite() const
{
    exec(QStringLiteral("PRAGMA foreign_keys = ON"));
    QSqlQuery mode = exec(QStringLiteral("PRAGMA journal_mode = WAL"));
    if (!mode.next() || mode.value(0).toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0)
        throw Error(tr("%1: SQLite could not switch to write-ahead logging (WAL).").arg(m_spec.path),
                    Error::Kind::Storage);
    exec(QStringLiteral("PRAGMA synchronous = FULL"));
    // 32 MiB of page cache (the default is 2 MiB): large transactions (imports, sync, demo) then write each
    // page to the WAL once instead of spilling it again and again.
    exec(QStringLiteral("PRAGMA cache_size = -32768"));
}

bool Database::hasTable(const QString& table) const
{
    const QString sql = m_spec.backend == Backend::Sqlite
                            ? QStringLiteral("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
                            : QStringLiteral("SELECT 1 FROM information_schema.tables "
                                             "WHERE table_schema = current_schema() AND table_name = ?");
    QSqlQuery q = exec(sql, {table});
    return q.next();
}

void Database::checkIsCabas(bool allowEmpty) const
{
    const QString notCabas = tr("%1 is not a Cabas database; nothing was changed.").arg(m_spec.displayName());
    try {
        if (hasTable(QStringLiteral("cabas_meta"))) {
            QSqlQuery q = exec(QStringLiteral("SELECT value FROM cabas_meta WHERE key = 'application'"));
            if (!q.next() || q.value(0).toString() != QLatin1String("cabas"))
                throw Error(notCabas, Error::Kind::Unsupported);
            return;
        }
        const QString countSql =
            m_spec.backend == Backend::Sqlite
                ? QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
                : QStringLiteral(
                      "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()");
        QSqlQuery q = exec(countSql);
        const bool empty = q.next() && q.value(0).toLongLong() == 0;
        if (!(allowEmpty && empty))
            throw Error(
                empty ? tr("%1 is an empty database, not a Cabas database; create one with cabas-cli init.")
                            .arg(m_spec.displayName())
                      : notCabas,
                Error::Kind::Unsupported);
    } catch (const Error& e) {
        if (e.kind() == Error::Kind::Storage) // e.g. "file is not a database"
            throw Error(notCabas + QLatin1Char(' ') + e.message(), Error::Kind::Unsupported);
        throw;
    }
}

int Database::schemaVersion() const
{
    if (!hasTable(QStringLiteral("cabas_meta")))
        return 0;
    QSqlQuery q = exec(QStringLiteral("SELECT value FROM cabas_meta WHERE key = 'schema_version'"));
    return q.next() ? q.value(0).toString().toInt() : 0;
}

int Database::latestSchemaVersion()
{
    return int(migrations().size());
}

void Database::migrate()
{
    for (const Migration& migration : migrations()) {
        if (migration.version <= schemaVersion())
            continue;
        Transaction tx(*this);
        if (m_spec.backend == Backend::Postgres)
            exec(QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(kMigrationLockKey));
        // Another process may have applied it while we waited for the lock.
        if (migration.version <= schemaVersion())
            continue;
        if (migration.version != schemaVersion() + 1)
            throw Error(tr("The database's schema version %1 cannot be brought to %2.")
                            .arg(schemaVersion())
                            .arg(migration.version),
                        Error::Kind::Unsupported);
        const QStringList statements = splitSqlStatements(migration.sqlFor(m_spec.backend));
        for (const QString& statement : statements) {
            QSqlQuery q(connection());
            if (!q.exec(statement)) {
                if (faultOf(q.lastError(), m_spec.backend) != Fault::None)
                    throw storageError(q.lastError(), m_spec.backend, m_spec.displayName());
                throw Error(tr("Migration %1 (%2) failed: %3")
                                .arg(migration.version, 4, 10, QLatin1Char('0'))
                                .arg(migration.name, describe(q.lastError())),
                            Error::Kind::Storage);
            }
        }
        const QVariant now = timestampValue(Clock::instance().nowUtc());
        exec(QStringLiteral("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"),
             {migration.version, migration.name, now});
        if (migration.version == 1) {
            exec(QStringLiteral("INSERT INTO cabas_meta (key, value) VALUES ('application', 'cabas')"));
            exec(QStringLiteral("INSERT INTO cabas_meta (key, value) VALUES ('created_at', ?)"), {now});
            exec(QStringLiteral("INSERT INTO cabas_meta (key, value) VALUES ('schema_version', ?)"),
                 {QString::number(migration.version)});
        } else {
            exec(QStringLiteral("UPDATE cabas_meta SET value = ? WHERE key = 'schema_version'"),
                 {QString::number(migration.version)});
        }
        tx.commit();
    }
}

QSqlQuery Database::prepare(const QString& sql) const
{
    QSqlQuery q(connection());
    q.setForwardOnly(true);
    if (!q.prepare(sql))
        throw storageError(q.lastError(), m_spec.backend, m_spec.displayName());
    return q;
}

void Database::exec(QSqlQuery& query)
{
    if (!query.exec()) {
        const QSqlError error = query.lastError();
        const QSqlDriver* driver = query.driver();
        const Backend backend =
            driver && driver->dbmsType() == QSqlDriver::PostgreSQL ? Backend::Postgres : Backend::Sqlite;
        throw storageError(error, backend, placeOf(driver));
    }
}

void Database::exec(QSqlQuery& query, const QVariantList& values)
{
    for (int i = 0; i < int(values.size()); ++i)
        query.bindValue(i, values.at(i));
    exec(query);
}

void Database::execDirect(const QString& sql) const
{
    QSqlQuery q(connection());
    if (!q.exec(sql))
        throw storageError(q.lastError(), m_spec.backend, m_spec.displayName());
}

QSqlQuery Database::exec(const QString& sql, const QVariantList& values) const
{
    QSqlQuery q = prepare(sql);
    for (const QVariant& v : values)
        q.addBindValue(v);
    exec(q);
    return q;
}

Database::Transaction::Transaction(const Database& db) : m_db(db)
{
    if (db.m_transactionOpen)
        throw Error(Database::tr("Database error: %1").arg(QStringLiteral("nested transaction")),
                    Error::Kind::Storage);
    if (db.backend() == Backend::Sqlite) {
        // IMMEDIATE takes the write lock now, so that the busy timeout applies instead of a late SQLITE_BUSY.
        QSqlQuery q(db.connection());
        if (!q.exec(QStringLiteral("BEGIN IMMEDIATE")))
            throw db.transactionError(q.lastError(), Database::tr("Cannot start a transaction: %1"));
    } else if (!db.connection().transaction()) {
        throw db.transactionError(db.connection().lastError(),
                                  Database::tr("Cannot start a transaction: %1"));
    }
    db.m_transactionOpen = true;
    ++db.m_transactionSerial;
}

Database::Transaction::~Transaction()
{
    m_db.m_transactionOpen = false;
    if (m_done)
        return;
    if (m_db.backend() == Backend::Sqlite) {
        QSqlQuery q(m_db.connection());
        q.exec(QStringLiteral("ROLLBACK"));
    } else {
        m_db.connection().rollback();
    }
}

void Database::Transaction::commit()
{
    bool ok;
    QSqlError why;
    if (m_db.backend() == Backend::Sqlite) {
        QSqlQuery q(m_db.connection());
        ok = q.exec(QStringLiteral("COMMIT"));
        why = q.lastError();
    } else {
        ok = m_db.connection().commit();
        why = m_db.connection().lastError();
    }
    if (!ok)
        throw m_db.transactionError(why, Database::tr("The changes could not be saved: %1"));
    m_done = true;
    m_db.m_transactionOpen = false;
}

QVariant dateValue(const QDate& date)
{
    return date.isValid() ? QVariant(date.toString(Qt::ISODate)) : QVariant(QMetaType(QMetaType::QString));
}

QDate toDate(const QVariant& value)
{
    if (value.isNull())
        return {};
    if (value.metaType().id() == QMetaType::QDate)
        return value.toDate();
    return QDate::fromString(value.toString().left(10), Qt::ISODate);
}

QVariant timestampValue(const QDateTime& when)
{
    return when.isValid() ? QVariant(when.toUTC().toString(Qt::ISODateWithMs))
                          : QVariant(QMetaType(QMetaType::QString));
}

QDateTime toTimestamp(const QVariant& value)
{
    if (value.isNull())
        return {};
    if (value.metaType().id() == QMetaType::QDateTime)
        return value.toDateTime().toUTC();
    QDateTime t = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(value.toString(), Qt::ISODate);
    return t.toUTC();
}

QVariant idValue(qint64 id)
{
    return id == 0 ? QVariant(QMetaType(QMetaType::LongLong)) : QVariant(id);
}

} // namespace cabas::store
