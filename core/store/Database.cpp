#include "store/Database.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "store/Migrations.h"

#include <QAtomicInt>
#include <QDir>
#include <QFile>
#include <QFileInfo>
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

void removeSqliteFiles(const QString& path)
{
    for (const QString& suffix :
         {QString(), QStringLiteral("-wal"), QStringLiteral("-shm"), QStringLiteral("-journal")})
        QFile::remove(path + suffix);
}
} // namespace

Database::Database(DatabaseSpec spec, QString connectionName)
    : m_spec(std::move(spec)), m_connectionName(std::move(connectionName))
{
}

Database::~Database()
{
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
                QString options = QStringLiteral("connect_timeout=10");
                if (!spec.options.isEmpty())
                    options += QLatin1Char(';') + spec.options;
                db.setConnectOptions(options);
            }
            if (!db.open())
                failure = sqlite
                              ? tr("Cannot open the database %1: %2").arg(spec.path, describe(db.lastError()))
                              : tr("Cannot connect to the PostgreSQL database %1: %2")
                                    .arg(spec.displayName(), describe(db.lastError()));
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
        const QByteArray header = file.read(16);
        if (header != QByteArray("SQLite format 3\0", 16))
            throw Error(tr("%1 is not a Cabas database (it is not even an SQLite file).").arg(spec.path),
                        Error::Kind::Unsupported);
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
    return db;
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
            if (!q.exec(statement))
                throw Error(tr("Migration %1 (%2) failed: %3")
                                .arg(migration.version, 4, 10, QLatin1Char('0'))
                                .arg(migration.name, describe(q.lastError())),
                            Error::Kind::Storage);
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
        throw Error(tr("Database error: %1").arg(describe(q.lastError())), Error::Kind::Storage);
    return q;
}

void Database::exec(QSqlQuery& query)
{
    if (!query.exec()) {
        const QSqlError error = query.lastError();
        throw Error(tr("Database error: %1").arg(describe(error)),
                    isUniqueViolation(error) ? Error::Kind::Conflict : Error::Kind::Storage);
    }
}

void Database::execDirect(const QString& sql) const
{
    QSqlQuery q(connection());
    if (!q.exec(sql))
        throw Error(tr("Database error: %1").arg(describe(q.lastError())), Error::Kind::Storage);
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
        throw Error(Database::tr("Database error: %1").arg(QStringLiteral("nested transaction")), Error::Kind::Storage);
    if (db.backend() == Backend::Sqlite) {
        // IMMEDIATE takes the write lock now, so that the busy timeout applies instead of a late SQLITE_BUSY.
        QSqlQuery q(db.connection());
        if (!q.exec(QStringLiteral("BEGIN IMMEDIATE")))
            throw Error(Database::tr("Cannot start a transaction: %1").arg(describe(q.lastError())),
                        Error::Kind::Storage);
    } else if (!db.connection().transaction()) {
        throw Error(Database::tr("Cannot start a transaction: %1").arg(describe(db.connection().lastError())),
                    Error::Kind::Storage);
    }
    db.m_transactionOpen = true;
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
    QString why;
    if (m_db.backend() == Backend::Sqlite) {
        QSqlQuery q(m_db.connection());
        ok = q.exec(QStringLiteral("COMMIT"));
        why = describe(q.lastError());
    } else {
        ok = m_db.connection().commit();
        why = describe(m_db.connection().lastError());
    }
    if (!ok)
        throw Error(Database::tr("The changes could not be saved: %1").arg(why), Error::Kind::Storage);
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
