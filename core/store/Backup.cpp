#include "store/Backup.h"

#include "common/Clock.h"
#include "common/Error.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSqlDriver>
#include <QStandardPaths>
#include <QUuid>
#include <sqlite3.h>

namespace cabas::store {

namespace {

constexpr int kPagesPerStep = 256;
constexpr int kPgToolTimeoutMs = 60 * 60 * 1000;

// A temporary name beside `file`, so that the final rename stays on one file system.
QString temporaryBeside(const QString& file)
{
    const QFileInfo info(file);
    return info.absoluteDir().filePath(
        QStringLiteral(".%1.%2.part").arg(info.fileName(), QUuid::createUuid().toString(QUuid::Id128)));
}

void removeSqliteFiles(const QString& path)
{
    for (const QString& suffix :
         {QString(), QStringLiteral("-wal"), QStringLiteral("-shm"), QStringLiteral("-journal")})
        QFile::remove(path + suffix);
}

sqlite3* nativeHandle(const Database& db)
{
    const QVariant handle = db.connection().driver()->handle();
    if (handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0)
        return *static_cast<sqlite3* const*>(handle.constData());
    throw Error(Backup::tr("Backup failed: no SQLite connection."), Error::Kind::Storage);
}

// Copies every page of `from` into `to` with SQLite's online backup API.
void copyPages(sqlite3* from, sqlite3* to, const BackupProgress& progress)
{
    sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
    if (!backup)
        throw Error(Backup::tr("Backup failed: %1").arg(QString::fromUtf8(sqlite3_errmsg(to))),
                    Error::Kind::Storage);
    int rc = SQLITE_OK;
    bool cancelled = false;
    do {
        rc = sqlite3_backup_step(backup, kPagesPerStep);
        const qint64 total = sqlite3_backup_pagecount(backup);
        const qint64 done = total - sqlite3_backup_remaining(backup);
        if (progress && !progress(done, total)) {
            cancelled = true;
            break;
        }
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            sqlite3_sleep(50);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    const int finish = sqlite3_backup_finish(backup);
    if (cancelled)
        throw Error(Backup::tr("The backup was cancelled; no file was written."), Error::Kind::Cancelled);
    if (rc != SQLITE_DONE || finish != SQLITE_OK)
        throw Error(Backup::tr("Backup failed: %1")
                        .arg(QString::fromUtf8(sqlite3_errstr(rc != SQLITE_DONE ? rc : finish))),
                    Error::Kind::Storage);
}

struct SqliteFile
{
    sqlite3* handle = nullptr;
    SqliteFile(const QString& path, int flags)
    {
        if (sqlite3_open_v2(QFile::encodeName(path).constData(), &handle, flags, nullptr) != SQLITE_OK) {
            const QString reason = handle ? QString::fromUtf8(sqlite3_errmsg(handle)) : QString();
            sqlite3_close(handle);
            handle = nullptr;
            throw Error(Backup::tr("Cannot open %1: %2").arg(QDir::toNativeSeparators(path), reason),
                        Error::Kind::Storage);
        }
    }
    ~SqliteFile() { sqlite3_close(handle); }
    SqliteFile(const SqliteFile&) = delete;
    SqliteFile& operator=(const SqliteFile&) = delete;
};

QProcessEnvironment pgEnvironment(const DatabaseSpec& spec)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PGHOST"), spec.host);
    env.insert(QStringLiteral("PGPORT"), QString::number(spec.port));
    env.insert(QStringLiteral("PGUSER"), spec.user);
    env.insert(QStringLiteral("PGDATABASE"), spec.databaseName);
    if (!spec.password.isEmpty())
        env.insert(QStringLiteral("PGPASSWORD"), spec.password);
    return env;
}

// The --dbname argument of the PostgreSQL tools: a connection string, so that options such as sslmode apply.
QString pgDbname(const DatabaseSpec& spec)
{
    QString name = spec.databaseName;
    name.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('\''), QStringLiteral("\\'"));
    QString conninfo = QStringLiteral("dbname='%1'").arg(name);
    // The same options as Cabas's own connections (TLS checked across a network, DatabaseSpec::connectOptions).
    conninfo += QLatin1Char(' ') + spec.connectOptions().replace(QLatin1Char(';'), QLatin1Char(' '));
    return QStringLiteral("--dbname=") + conninfo;
}

// Runs a PostgreSQL client tool; throws with its own message when it fails.
void runPgTool(const QString& program, const QStringList& arguments, const DatabaseSpec& spec,
               const BackupProgress& progress)
{
    const QString path = QStandardPaths::findExecutable(program);
    if (path.isEmpty())
        throw Error(
            Backup::tr("%1 is not installed; it is needed to back up or restore a PostgreSQL database "
                       "(Debian: postgresql-client).")
                .arg(program),
            Error::Kind::Unsupported);
    QProcess process;
    process.setProcessEnvironment(pgEnvironment(spec));
    process.start(path, arguments);
    if (!process.waitForStarted())
        throw Error(Backup::tr("Cannot start %1: %2").arg(program, process.errorString()),
                    Error::Kind::Storage);
    QElapsedTimer timer;
    timer.start();
    // Progress is told at least once (the total is unknown: 0 of 0), then every 200 ms until the tool ends.
    while (process.state() != QProcess::NotRunning) {
        if ((progress && !progress(0, 0)) || timer.elapsed() > kPgToolTimeoutMs) {
            process.kill();
            process.waitForFinished();
            throw Error(Backup::tr("The backup was cancelled; no file was written."), Error::Kind::Cancelled);
        }
        process.waitForFinished(200);
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        throw Error(Backup::tr("%1 failed: %2")
                        .arg(program, QString::fromLocal8Bit(process.readAllStandardError()).trimmed()),
                    Error::Kind::Storage);
}

void refuseExisting(const QString& file)
{
    if (QFileInfo::exists(file))
        throw Error(Backup::tr("%1 already exists; choose another name (a backup never replaces a file).")
                        .arg(QDir::toNativeSeparators(file)),
                    Error::Kind::Conflict);
    if (!QFileInfo(file).absoluteDir().exists())
        throw Error(Backup::tr("The folder of %1 does not exist.").arg(QDir::toNativeSeparators(file)),
                    Error::Kind::Invalid);
}

void setMeta(const Database& db, const QString& key, const QString& value)
{
    QSqlQuery updated =
        db.exec(QStringLiteral("UPDATE cabas_meta SET value = ? WHERE key = ?"), {value, key});
    if (updated.numRowsAffected() == 0)
        db.exec(QStringLiteral("INSERT INTO cabas_meta (key, value) VALUES (?, ?)"), {key, value});
}

} // namespace

BackupResult Backup::write(const Database& db, const QString& file, const BackupProgress& progress)
{
    refuseExisting(file);
    const QString part = temporaryBeside(file);
    try {
        if (db.backend() == Backend::Sqlite) {
            SqliteFile to(part, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
            copyPages(nativeHandle(db), to.handle, progress);
        } else {
            runPgTool(QStringLiteral("pg_dump"),
                      {QStringLiteral("--format=custom"), QStringLiteral("--no-owner"),
                       QStringLiteral("--no-privileges"), QStringLiteral("--file=") + part,
                       pgDbname(db.spec())},
                      db.spec(), progress);
        }
    } catch (...) {
        removeSqliteFiles(part);
        throw;
    }
    if (!QFile::rename(part, file)) {
        removeSqliteFiles(part);
        throw Error(tr("Cannot write %1.").arg(QDir::toNativeSeparators(file)), Error::Kind::Storage);
    }
    BackupResult result;
    result.file = QFileInfo(file).absoluteFilePath();
    result.bytes = QFileInfo(file).size();
    result.finishedAt = Clock::instance().nowUtc();
    return result;
}

void Backup::restore(const QString& backupFile, const DatabaseSpec& target, const BackupProgress& progress)
{
    if (!QFileInfo(backupFile).isFile())
        throw Error(tr("%1 is not a file.").arg(QDir::toNativeSeparators(backupFile)), Error::Kind::NotFound);
    if (target.backend == Backend::Sqlite) {
        refuseExisting(target.path);
        {
            QFile f(backupFile);
            if (!f.open(QIODevice::ReadOnly) || !f.read(16).startsWith("SQLite format 3"))
                throw Error(tr("%1 is not a backup of a Cabas database on SQLite.")
                                .arg(QDir::toNativeSeparators(backupFile)),
                            Error::Kind::Unsupported);
        }
        const QString part = temporaryBeside(target.path);
        try {
            {
                SqliteFile from(backupFile, SQLITE_OPEN_READONLY);
                SqliteFile to(part, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
                copyPages(from.handle, to.handle, progress);
            }
            DatabaseSpec partSpec = target;
            partSpec.path = part;
            Database::open(partSpec); // checks it is Cabas's and migrates; closing checkpoints the WAL
        } catch (...) {
            removeSqliteFiles(part);
            throw;
        }
        if (!QFile::rename(part, target.path)) {
            removeSqliteFiles(part);
            throw Error(tr("Cannot write %1.").arg(QDir::toNativeSeparators(target.path)),
                        Error::Kind::Storage);
        }
        return;
    }

    // PostgreSQL: the target database must exist and hold no table yet.
    {
        auto probe = [&] {
            const QString name = QStringLiteral("cabas-restore-probe");
            int tables = -1;
            {
                QSqlDatabase c = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
                c.setHostName(target.host);
                c.setPort(target.port);
                c.setUserName(target.user);
                c.setPassword(target.password);
                c.setDatabaseName(target.databaseName);
                if (c.open()) {
                    QSqlQuery q(c);
                    if (q.exec(QStringLiteral("SELECT count(*) FROM information_schema.tables WHERE "
                                              "table_schema = 'public'")) &&
                        q.next())
                        tables = q.value(0).toInt();
                    c.close();
                }
            }
            QSqlDatabase::removeDatabase(name);
            return tables;
        };
        const int tables = probe();
        if (tables < 0)
            throw Error(tr("Cannot connect to %1 to restore into it; create the empty database first.")
                            .arg(target.displayName()),
                        Error::Kind::NotFound);
        if (tables > 0)
            throw Error(tr("%1 is not empty; a backup is restored only into an empty database.")
                            .arg(target.displayName()),
                        Error::Kind::Conflict);
    }
    runPgTool(QStringLiteral("pg_restore"),
              {QStringLiteral("--single-transaction"), QStringLiteral("--exit-on-error"),
               QStringLiteral("--no-owner"), QStringLiteral("--no-privileges"), pgDbname(target), backupFile},
              target, progress);
    Database::open(target);
}

QDateTime Backup::lastBackupAt(const Database& db)
{
    QSqlQuery q = db.exec(QStringLiteral("SELECT value FROM cabas_meta WHERE key = 'last_backup_at'"));
    return q.next() ? QDateTime::fromString(q.value(0).toString(), Qt::ISODateWithMs) : QDateTime();
}

void Backup::recordBackup(const Database& db, const QDateTime& when)
{
    setMeta(db, QStringLiteral("last_backup_at"), when.toUTC().toString(Qt::ISODateWithMs));
}

bool Backup::reminderDue(const Database& db, const QDateTime& now, int days)
{
    QSqlQuery q = db.exec(QStringLiteral("SELECT count(*) FROM household"));
    if (!q.next() || q.value(0).toLongLong() == 0)
        return false;
    const QDateTime last = lastBackupAt(db);
    return !last.isValid() || last.addDays(days) < now;
}

} // namespace cabas::store
