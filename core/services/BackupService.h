#pragma once

#include "common/Clock.h"
#include "security/Session.h"
#include "store/Backup.h"

#include <QCoreApplication>

namespace cabas {

// Backups as administrators take them (privacy.md: backups are administration): access checked, audited, and
// remembered so that the app can remind when the last one is old.
class BackupService
{
    Q_DECLARE_TR_FUNCTIONS(BackupService)
  public:
    BackupService(const store::Database& db, const Session& session) : m_db(db), m_session(session) {}

    store::BackupResult backup(const QString& file, const store::BackupProgress& progress = {}) const;

    // Restores into a new database and checks that `login` is an active administrator of it with
    // `password`; when not, the restored database is removed again (SQLite) or emptied (PostgreSQL).
    static void restore(const QString& backupFile, const store::DatabaseSpec& target, const QString& login,
                        const QString& password, const store::BackupProgress& progress = {});

  private:
    const store::Database& m_db;
    const Session& m_session;
};

} // namespace cabas
