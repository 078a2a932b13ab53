#include "services/BackupService.h"
#include "store/NameIndex.h"

#include "common/Error.h"
#include "security/AuditTrail.h"
#include "security/Authenticator.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace cabas {

store::BackupResult BackupService::backup(const QString& file, const store::BackupProgress& progress) const
{
    AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Administration, Action::Write, QStringLiteral("database"),
                  QFileInfo(file).fileName());
    store::BackupResult result = store::Backup::write(m_db, file, progress);
    store::Database::Transaction tx(m_db);
    store::Backup::recordBackup(m_db, result.finishedAt);
    audit.record(m_session, QStringLiteral("backup"), QStringLiteral("database"), QFileInfo(file).fileName(),
                 QString::number(result.bytes));
    tx.commit();
    return result;
}

void BackupService::restore(const QString& backupFile, const store::DatabaseSpec& target,
                            const QString& login, const QString& password,
                            const store::BackupProgress& progress)
{
    store::Backup::restore(backupFile, target, progress);
    auto undo = [&] {
        if (target.backend == store::Backend::Sqlite) {
            for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
                QFile::remove(target.path + suffix);
        } else {
            auto db = store::Database::open(target);
            db->execDirect(QStringLiteral("SET client_min_messages TO warning"));
            db->execDirect(QStringLiteral("DROP SCHEMA public CASCADE"));
            db->execDirect(QStringLiteral("CREATE SCHEMA public"));
        }
    };
    try {
        auto db = store::Database::open(target);
        const Session session = security::Authenticator(*db).login(login, password);
        if (session.keys) // a name index of the database as it was before is now wrong
            store::NameIndex::forget(*session.keys);
        if (!AccessPolicy::allows(session.role(), DataKind::Administration, Action::Write))
            throw Error(AccessPolicy::refusal(session.role(), DataKind::Administration, Action::Write),
                        Error::Kind::AccessDenied);
        store::Database::Transaction tx(*db);
        AuditTrail(*db).record(session, QStringLiteral("restore"), QStringLiteral("database"),
                               QFileInfo(backupFile).fileName());
        tx.commit();
    } catch (const Error&) {
        try {
            undo();
        } catch (const Error&) {
            // the refusal below matters more than a failed clean-up, which the message cannot mend
        }
        throw;
    }
}

} // namespace cabas
