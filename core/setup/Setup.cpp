#include "setup/Setup.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "security/AuditTrail.h"
#include "security/KeyRing.h"
#include "security/Passwords.h"
#include "store/HouseholdRepository.h"
#include "store/KeySlotRepository.h"
#include "store/ProgrammeRepository.h"
#include "store/Sealed.h"
#include "store/UserRepository.h"

#include <QFile>

namespace cabas {

std::unique_ptr<store::Database> Setup::initDatabase(const InitRequest& request, QString* recoveryKey)
{
    User admin;
    admin.login = request.adminLogin.trimmed().toLower();
    admin.displayName =
        request.adminDisplayName.trimmed().isEmpty() ? admin.login : request.adminDisplayName.trimmed();
    admin.role = Role::Admin;
    admin.active = true;
    admin.createdAt = Clock::instance().nowUtc();

    QStringList problems = admin.validate();
    for (const QString& p : security::Passwords::policyProblems(request.adminPassword))
        problems << tr("password: %1").arg(p);
    Programme programme =
        request.programme ? *request.programme : Programme::defaults(Clock::instance().today());
    programme.id = 0;
    for (const QString& p : programme.validate())
        problems << tr("programme: %1").arg(p);
    if (!problems.isEmpty())
        throw Error(problems.join(QLatin1Char('\n')), Error::Kind::Invalid);
    const QString hash = security::Passwords::hash(request.adminPassword);

    QString recovery;
    auto db = store::Database::create(request.spec);
    try {
        store::Database::Transaction tx(*db);
        store::UserRepository(*db).add(admin, hash);
        store::KeySlotRepository keySlots(*db);
        recovery = security::KeyRing::initialise(keySlots, admin, request.adminPassword, admin.createdAt);
        if (request.sealFields)
            store::Sealed::sealNewDatabase(*db);
        store::ProgrammeRepository(*db).save(programme);
        const AuditTrail audit(*db);
        audit.record(nullptr, QStringLiteral("create"), QStringLiteral("app_user"), admin.login,
                     QStringLiteral("ok"), QStringLiteral("first administrator (init)"));
        audit.record(nullptr, QStringLiteral("keyring.create"), QStringLiteral("key_ring"),
                     QStringLiteral("1"), QStringLiteral("ok"),
                     QStringLiteral("administrator's and recovery key slots (init)"));
        if (request.sealFields)
            audit.record(nullptr, QStringLiteral("seal"), QStringLiteral("cabas_meta"),
                         QString(store::Sealed::kMetaKey), QStringLiteral("ok"),
                         QStringLiteral("persons and households sealed (init)"));
        const Session adminSession{admin, nullptr};
        audit.record(adminSession, QStringLiteral("create"), QStringLiteral("programme"),
                     QString::number(programme.id), programme.name);
        tx.commit();
    } catch (...) {
        const store::DatabaseSpec spec = db->spec();
        db.reset();
        if (spec.backend == store::Backend::Sqlite)
            for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
                QFile::remove(spec.path + suffix);
        throw;
    }
    if (recoveryKey)
        *recoveryKey = recovery;
    return db;
}

DatabaseSummary summarize(const store::Database& db)
{
    DatabaseSummary s;
    s.schemaVersion = db.schemaVersion();
    if (const auto p = store::ProgrammeRepository(db).load())
        s.programmeName = p->name;
    s.users = store::UserRepository(db).count();
    s.households = store::HouseholdRepository(db).count();
    s.persons = store::PersonRepository(db).count();
    s.cards = store::CardRepository(db).count();
    return s;
}

} // namespace cabas
