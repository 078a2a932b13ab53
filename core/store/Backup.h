#pragma once

#include "store/Database.h"

#include <QDateTime>
#include <QString>
#include <functional>

namespace cabas::store {

// Called during a backup or restore with the work done and the work in all (pages of SQLite; 0 of 0 when the
// total is not known, as with pg_dump). Returning false cancels: nothing is left behind.
using BackupProgress = std::function<bool(qint64 done, qint64 total)>;

struct BackupResult
{
    QString file;
    qint64 bytes = 0;
    QDateTime finishedAt; // UTC
};

// Consistent copies of a Cabas database, and their restoration.
//
// - SQLite: SQLite's online backup API, page by page, while other connections keep working (never a raw copy
//   of the file, which could catch a half-written page or miss the WAL).
// - PostgreSQL: pg_dump in its custom format, restored with pg_restore in one transaction.
//
// A backup is first written beside its destination under a temporary name, then renamed: the destination only
// ever holds a complete backup. An existing destination is never overwritten.
class Backup
{
    Q_DECLARE_TR_FUNCTIONS(Backup)
  public:
    static BackupResult write(const Database& db, const QString& file, const BackupProgress& progress = {});

    // Restores `backupFile` into `target`, which must not exist yet (SQLite) or be an empty database
    // (PostgreSQL). The restored database is opened once, which checks it is a Cabas database and brings an
    // older schema up to date; on any failure the target is left as it was.
    static void restore(const QString& backupFile, const DatabaseSpec& target,
                        const BackupProgress& progress = {});

    // When the last backup of this database was written (cabas_meta), invalid when never.
    static QDateTime lastBackupAt(const Database& db);
    static void recordBackup(const Database& db, const QDateTime& when);

    // Whether a reminder is due: no backup in the last `days` days (or never) on a database holding
    // households.
    static bool reminderDue(const Database& db, const QDateTime& now, int days = 7);
};

} // namespace cabas::store
