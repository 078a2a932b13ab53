#include "setup/Sealing.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "security/AuditTrail.h"
#include "security/KeyRing.h"
#include "security/Passwords.h"
#include "store/Backup.h"
#include "store/HealthSealing.h"
#include "store/KeySlotRepository.h"
#include "store/PgRoles.h"
#include "store/SealExisting.h"
#include "store/Sealed.h"
#include "store/UserRepository.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRandomGenerator>
#include <algorithm>
#include <optional>

namespace cabas {

using store::SealExisting;

namespace {

QString cancelledMessage()
{
    return Sealing::tr("The sealing was cancelled; the database was not changed.");
}

void ask(const Sealing::Progress& progress, Sealing::Phase phase, qint64 done, qint64 total)
{
    if (progress && !progress(phase, done, total))
        throw Error(cancelledMessage(), Error::Kind::Cancelled);
}

void removeSqliteFiles(const QString& path)
{
    for (const QString& suffix :
         {QString(), QStringLiteral("-wal"), QStringLiteral("-shm"), QStringLiteral("-journal")})
        QFile::remove(path + suffix);
}

// Audit records of the grants a sealing makes (health and cohort keys), one per slot.
void grantPending(const store::Database& db, const Session& admin, const security::KeyRing& ring,
                  const QString& detail)
{
    const QDateTime now = Clock::instance().nowUtc();
    store::KeySlotRepository keySlots(db);
    const AuditTrail audit(db);
    QHash<qint64, QString> logins;
    for (const User& u : store::UserRepository(db).list())
        logins.insert(u.id, u.login);
    const auto holder = [&](const security::KeySlot& slot) {
        return slot.kind == security::KeySlot::Kind::Recovery ? QStringLiteral("recovery")
                                                              : logins.value(slot.userId);
    };
    // A slot granted or replaced meanwhile (a nurse's login on a shared database) is not written: no record.
    for (const security::KeySlot& slot : keySlots.pendingHealthGrants())
        if (keySlots.setHealthSealed(slot, ring.grantHealth(slot), now))
            audit.record(admin, QStringLiteral("keyring.grant_health"), QStringLiteral("key_slot"),
                         holder(slot), detail);
    for (const security::KeySlot& slot : keySlots.pendingCohortGrants())
        if (keySlots.setCohortSealed(slot, ring.grantCohort(slot), now))
            audit.record(admin, QStringLiteral("keyring.grant_cohort"), QStringLiteral("key_slot"),
                         holder(slot), detail);
}

// The key ring (created when missing), the other users' slots, every scope the plan calls for and the
// marker, in the transaction open on `db` (the copy, or the PostgreSQL database itself).
void sealInside(const store::Database& db, const Session& admin, const Sealing::Options& options,
                const Sealing::Plan& plan, Sealing::Result& result)
{
    const QDateTime now = Clock::instance().nowUtc();
    const Sealing::Progress& progress = options.progress;
    store::KeySlotRepository keySlots(db);
    store::UserRepository users(db);
    const AuditTrail audit(db);
    if (!keySlots.header()) {
        result.recoveryKey = security::KeyRing::initialise(keySlots, admin.user, options.password, now);
        audit.record(admin, QStringLiteral("keyring.create"), QStringLiteral("key_ring"), QStringLiteral("1"),
                     QStringLiteral("administrator's and recovery key keySlots (sealing)"));
    }
    const auto header = keySlots.header();
    const auto own = keySlots.forUser(admin.user.id);
    if (!header || !own)
        throw Error(Sealing::tr("Your key slot is missing: ask another administrator to set your password "
                                "again, then seal the database. Nothing was changed."),
                    Error::Kind::AccessDenied);
    security::KeyRing ring = security::KeyRing::unlock(*header, *own, options.password);

    // Every other active user without a slot: a temporary password and its slot (their own password is
    // unknown, so nothing else could open the keys for them).
    std::vector<User> others;
    for (const User& u : users.list())
        if (u.id != admin.user.id && u.active && !keySlots.forUser(u.id))
            others.push_back(u);
    ask(progress, Sealing::Phase::Keys, 0, qint64(others.size()));
    for (std::size_t i = 0; i < others.size(); ++i) {
        const User& u = others[i];
        const QString temporary = Sealing::temporaryPassword();
        users.setPasswordHash(u.id, security::Passwords::hash(temporary), now, true);
        ring.resetPassword(keySlots, u, temporary, now);
        audit.record(admin, QStringLiteral("password"), QStringLiteral("app_user"), u.login,
                     QStringLiteral("temporary password (sealing)"));
        result.temporaryPasswords.push_back({u.login, u.displayName, u.role, temporary});
        ask(progress, Sealing::Phase::Keys, qint64(i + 1), qint64(others.size()));
    }

    // The health tables. No health key yet: the keys are made here and granted at once (the nurses' slots,
    // new or temporary, are certified above). The nurses' key exists: only the recovery key opens it (and
    // then grants it to the nurses' new slots, and makes the cohort key when missing). Otherwise they stay
    // clear (format 1).
    std::optional<security::KeyRing> recovery;
    result.health = plan.health && (!plan.healthKeyHeld || !options.recoveryKey.isEmpty());
    if (result.health && !plan.healthKeyHeld) {
        const auto [healthCheck, cohortCheck] = ring.createHealthKeysForSealing();
        keySlots.setHealthKeyCheck(healthCheck, now);
        keySlots.setCohortKeyCheck(cohortCheck, now);
        grantPending(db, admin, ring, QStringLiteral("health key created (sealing)"));
    } else if (result.health) {
        const auto recoverySlot = keySlots.recovery();
        if (!recoverySlot)
            throw Error(Sealing::tr("This database has no recovery slot: its health data cannot be sealed. "
                                    "Nothing was changed."),
                        Error::Kind::Storage);
        recovery.emplace(
            security::KeyRing::unlockWithRecoveryKey(*keySlots.header(), *recoverySlot, options.recoveryKey));
        if (!recovery->hasHealthKey())
            throw Error(Sealing::tr("The recovery key does not hold this database's health key: nothing was "
                                    "changed."),
                        Error::Kind::AccessDenied);
        if (!recovery->hasCohortKey()) {
            keySlots.setCohortKeyCheck(recovery->createCohortKey(), now);
            audit.record(admin, QStringLiteral("keyring.grant_cohort"), QStringLiteral("key_slot"),
                         QStringLiteral("recovery"),
                         QStringLiteral("cohort key created (sealing, recovery key)"));
        }
        grantPending(db, admin, *recovery, QStringLiteral("granted with the recovery key (sealing)"));
    }
    const security::KeyRing& healthRing = recovery ? *recovery : ring;

    const auto all = Sealing::scopes(result.health);
    const QStringList healthBefore =
        result.health ? store::HealthSealing::sample(db, nullptr) : QStringList();
    for (const SealingScope& scope : all) {
        if (scope.keys == SealingScope::Keys::Data && !plan.social)
            continue; // sealed already (format 1)
        scope.seal({db, scope.keys == SealingScope::Keys::Health ? healthRing : ring,
                    [&](qint64 done, qint64 total) {
                        return !progress || progress(Sealing::Phase::Rewrite, done, total);
                    }});
    }
    if (result.health && store::HealthSealing::sample(db, &healthRing) != healthBefore)
        throw Error(Sealing::tr("The sealed health data did not read back as it was: nothing was changed."),
                    Error::Kind::Storage);
    const QString marker = Sealing::markerFor(all);
    result.marker = marker;
    SealExisting::setMarker(db, marker);
    audit.record(admin, QStringLiteral("seal"), QStringLiteral("cabas_meta"),
                 QString(store::Sealed::kMetaKey),
                 QStringLiteral("%1 (%2), %3 temporary passwords")
                     .arg(plan.social ? QStringLiteral("existing database sealed")
                                      : QStringLiteral("health tables sealed"),
                          marker)
                     .arg(result.temporaryPasswords.size()));
}

store::DatabaseSpec sqliteSpec(const store::DatabaseSpec& like, const QString& path)
{
    store::DatabaseSpec spec = like;
    spec.path = path;
    return spec;
}

} // namespace

std::vector<SealingScope> Sealing::scopes(bool health)
{
    std::vector<SealingScope> list = {
        {QStringLiteral("person,household"), 1,
         [](const SealingScope::Context& c) { SealExisting::sealSocialColumns(c.db, c.keys, c.progress); }},
    };
    if (health)
        list.push_back({QStringLiteral("health"), 2,
                        [](const SealingScope::Context& c) {
                            store::HealthSealing::sealExistingHealth(c.db, c.keys, c.progress);
                        },
                        SealingScope::Keys::Health});
    return list;
}

Sealing::Plan Sealing::plan(const store::Database& db)
{
    Plan plan;
    const QString marker = SealExisting::markerOf(db);
    plan.social = marker.isEmpty();
    plan.health = plan.social || !store::Sealed::markerCoversHealth(marker);
    store::KeySlotRepository keySlots(db);
    const auto header = keySlots.header();
    plan.healthKeyHeld = header && !header->healthKeyCheck.isEmpty();
    plan.recoveryHoldsHealth = plan.healthKeyHeld && keySlots.recoveryHoldsHealth();
    return plan;
}

QString Sealing::markerFor(const std::vector<SealingScope>& scopes)
{
    int format = 0;
    QStringList names;
    for (const SealingScope& s : scopes) {
        format = std::max(format, s.format);
        names << s.name;
    }
    return QStringLiteral("%1:%2").arg(format).arg(names.join(QLatin1Char(',')));
}

QString Sealing::defaultBackupFile(const store::DatabaseSpec& spec, const QDateTime& now)
{
    const QString stamp = now.toUTC().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    if (spec.backend == store::Backend::Sqlite) {
        const QFileInfo info(spec.path);
        return info.absoluteDir().filePath(
            QStringLiteral("%1.before-sealing-%2.cabas").arg(info.completeBaseName(), stamp));
    }
    return QDir::current().absoluteFilePath(
        QStringLiteral("%1-before-sealing-%2.dump").arg(spec.databaseName, stamp));
}

QString Sealing::temporaryPassword()
{
    // No 0/O, 1/l/I: read aloud or copied from paper.
    static const QString alphabet =
        QStringLiteral("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789");
    for (;;) {
        QString password;
        for (int group = 0; group < 4; ++group) {
            if (group > 0)
                password += QLatin1Char('-');
            for (int i = 0; i < 4; ++i)
                password += alphabet.at(int(QRandomGenerator::system()->bounded(quint32(alphabet.size()))));
        }
        if (security::Passwords::policyProblems(password).isEmpty())
            return password;
    }
}

Sealing::Result Sealing::prepare(const store::Database& db, const Session& admin, const Options& options)
{
    const AuditTrail audit(db);
    audit.require(admin, DataKind::Administration, Action::Write, QStringLiteral("cabas_meta"),
                  QString(store::Sealed::kMetaKey));
    const Plan plan = Sealing::plan(db);
    if (!plan.anything())
        throw Error(tr("%1 is already sealed: its names, addresses, notes and health data are already "
                       "encrypted. Nothing was changed.")
                        .arg(db.spec().displayName()),
                    Error::Kind::Conflict);
    if (!plan.social && plan.needsRecoveryKey() && options.recoveryKey.trimmed().isEmpty())
        throw Error(tr("%1 already encrypts names, addresses and notes. To encrypt its health data too, give "
                       "the recovery key printed when the database was made (or at its latest replacement): "
                       "the health key is held by the "
                       "nurses, never by an administrator. Nothing was changed.")
                        .arg(db.spec().displayName()),
                    Error::Kind::Invalid);
    if (!store::PgRoles::mayWritePasswordHashes(db))
        throw Error(tr("Sealing must connect to this shared database as its owner (the connection that "
                       "created it), not as a staff login. Nothing was changed."),
                    Error::Kind::AccessDenied);

    // The password typed again: the hash, and the slot when there is a key ring already; then the recovery
    // key when the health tables need it (checked before anything is written, and audited when wrong).
    std::optional<security::KeyRing> adminRing;
    {
        store::UserRepository users(db);
        store::KeySlotRepository keySlots(db);
        const auto header = keySlots.header();
        bool ok = security::Passwords::verify(users.passwordHash(admin.user.id), options.password);
        if (ok && header) {
            const auto own = keySlots.forUser(admin.user.id);
            try {
                if (own)
                    adminRing.emplace(security::KeyRing::unlock(*header, *own, options.password));
                ok = adminRing && adminRing->canCertify();
            } catch (const Error&) {
                ok = false;
            }
        }
        if (!ok) {
            audit.record(&admin, QStringLiteral("seal"), QStringLiteral("cabas_meta"),
                         QString(store::Sealed::kMetaKey), QStringLiteral("denied"),
                         QStringLiteral("password"));
            throw Error(tr("The password is wrong: the database was not sealed, nothing was changed."),
                        Error::Kind::AccessDenied);
        }
        if (plan.needsRecoveryKey() && !options.recoveryKey.trimmed().isEmpty()) {
            const auto recoverySlot = keySlots.recovery();
            bool holds = false;
            try {
                holds = recoverySlot &&
                        security::KeyRing::unlockWithRecoveryKey(*header, *recoverySlot, options.recoveryKey)
                            .hasHealthKey();
            } catch (const Error& e) {
                if (e.kind() != Error::Kind::AccessDenied && e.kind() != Error::Kind::Invalid)
                    throw;
                audit.record(&admin, QStringLiteral("seal"), QStringLiteral("cabas_meta"),
                             QString(store::Sealed::kMetaKey), QStringLiteral("denied"),
                             QStringLiteral("recovery key"));
                throw Error(tr("This recovery key does not open %1: the database was not sealed, nothing was "
                               "changed. Check the key printed when the database was made (or at its latest "
                               "replacement).")
                                .arg(db.spec().displayName()),
                            Error::Kind::AccessDenied);
            }
            if (!holds)
                throw Error(
                    tr("The recovery key of %1 does not hold its health key yet (no nurse has logged in "
                       "since the key was made): the database was not sealed, nothing was changed. "
                       "Ask a nurse to log in once, then seal it again.")
                        .arg(db.spec().displayName()),
                    Error::Kind::Conflict);
        }
    }

    Result result;
    const QDateTime now = Clock::instance().nowUtc();
    result.backupFile = options.backupFile.isEmpty() ? defaultBackupFile(db.spec(), now) : options.backupFile;
    const Progress& progress = options.progress;
    const bool sqlite = db.backend() == store::Backend::Sqlite;
    std::optional<SealExisting::Busy> busy;
    if (sqlite)
        busy.emplace(db.spec().path);
    const QString encrypting = SealExisting::encryptingFile(db.spec().path);
    const QString encrypted = SealExisting::encryptedFile(db.spec().path);
    bool backupWritten = false;
    try {
        // 1. A verified backup: it opens and holds the same rows.
        ask(progress, Phase::Backup, 0, 0);
        result.auditHighWater = SealExisting::auditHighWater(db);
        const QString counts = SealExisting::rowCounts(db);
        // A database sealed for persons already (format 1) is read with the administrator's keys.
        const security::KeyRing* socialKeys = plan.social ? nullptr : &*adminRing;
        const QStringList clearSample = SealExisting::sample(db, socialKeys);
        store::Backup::write(db, result.backupFile, [&](qint64 done, qint64 total) {
            return !progress || progress(Phase::Backup, done, total);
        });
        backupWritten = true;
        if (sqlite) {
            auto check = store::Database::open(sqliteSpec(db.spec(), result.backupFile));
            if (SealExisting::rowCounts(*check) != counts)
                throw Error(
                    tr("The backup %1 does not hold the same rows as the database: nothing was sealed.")
                        .arg(QDir::toNativeSeparators(result.backupFile)),
                    Error::Kind::Storage);
        } else if (QFileInfo(result.backupFile).size() == 0)
            throw Error(tr("The backup %1 is empty: nothing was sealed.")
                            .arg(QDir::toNativeSeparators(result.backupFile)),
                        Error::Kind::Storage);

        if (!sqlite) {
            // 2'. PostgreSQL: everything in one transaction on the server, checked before the commit.
            store::Database::Transaction tx(db);
            // Other clients' writes wait for this transaction, then see the marker (Sealed::lockOutWriters).
            store::Sealed::lockOutWriters(db);
            const Plan current = Sealing::plan(db);
            if (current.social != plan.social || current.health != plan.health ||
                current.healthKeyHeld != plan.healthKeyHeld)
                throw Error(tr("Someone changed %1 while it was being sealed: it was left as it was. Seal it "
                               "again when nobody else is working on it.")
                                .arg(db.spec().displayName()),
                            Error::Kind::Conflict);
            sealInside(db, admin, options, plan, result);
            ask(progress, Phase::Verify, 0, 1);
            const auto ring = security::KeyRing::unlock(*store::KeySlotRepository(db).header(),
                                                        *store::KeySlotRepository(db).forUser(admin.user.id),
                                                        options.password);
            if (SealExisting::rowCounts(db) != counts || SealExisting::sample(db, &ring) != clearSample)
                throw Error(tr("The sealed data did not read back as it was: nothing was changed."),
                            Error::Kind::Storage);
            ask(progress, Phase::Verify, 1, 1);
            tx.commit();
            result.counts = counts;
            return result;
        }

        // 2. The page copy NAME.encrypting, and in it only: keys, users, the rewrite, the marker.
        SealExisting::removeLeftovers(db.spec().path); // a stale copy (ours: Busy guards it)
        for (const QString& f : {encrypting, encrypted})
            removeSqliteFiles(f);
        ask(progress, Phase::Copy, 0, 0);
        store::Backup::write(db, encrypting, [&](qint64 done, qint64 total) {
            return !progress || progress(Phase::Copy, done, total);
        });
        {
            auto copy = store::Database::open(sqliteSpec(db.spec(), encrypting));
            {
                store::Database::Transaction tx(*copy);
                sealInside(*copy, admin, options, plan, result);
                tx.commit();
            }
            // 3. VACUUM INTO: a new file without free pages (no old value left in one).
            ask(progress, Phase::Vacuum, 0, 1);
            SealExisting::vacuumInto(*copy, encrypted);
            ask(progress, Phase::Vacuum, 1, 1);
        }
        removeSqliteFiles(encrypting);

        // 4. The new file opens with the password, holds the same rows, and a sample reads back as it was.
        ask(progress, Phase::Verify, 0, 1);
        {
            auto check = store::Database::open(sqliteSpec(db.spec(), encrypted));
            store::KeySlotRepository keySlots(*check);
            const auto header = keySlots.header();
            const auto own = keySlots.forUser(admin.user.id);
            if (!header || !own)
                throw Error(tr("The sealed copy has no key slot for you: nothing was changed."),
                            Error::Kind::Storage);
            const auto ring = security::KeyRing::unlock(*header, *own, options.password);
            if (SealExisting::markerOf(*check) != result.marker ||
                SealExisting::rowCounts(*check) != counts ||
                SealExisting::sample(*check, &ring) != clearSample)
                throw Error(tr("The sealed copy did not read back as the database: nothing was changed."),
                            Error::Kind::Storage);
            if (SealExisting::auditHighWater(db) != result.auditHighWater)
                throw Error(tr("Someone changed %1 while it was being sealed: it was left as it was. Seal it "
                               "again when nobody else is working on it.")
                                .arg(db.spec().displayName()),
                            Error::Kind::Conflict);
        }
        // Closed: its log was checkpointed into it and removed.
        if (QFileInfo(encrypted + QStringLiteral("-wal")).size() > 0)
            throw Error(tr("Cannot write %1.").arg(QDir::toNativeSeparators(encrypted)),
                        Error::Kind::Storage);
        QFile::remove(encrypted + QStringLiteral("-wal"));
        QFile::remove(encrypted + QStringLiteral("-shm"));
        SealExisting::syncToDisk(encrypted);
        ask(progress, Phase::Verify, 1, 1);
        result.counts = counts;
        result.pendingFile = encrypted;
        return result;
    } catch (...) {
        if (sqlite) {
            removeSqliteFiles(encrypting);
            removeSqliteFiles(encrypted);
        }
        // The backup was made for this sealing only; a failed one leaves no clear copy behind.
        if (backupWritten && sqlite)
            removeSqliteFiles(result.backupFile);
        else if (backupWritten)
            QFile::remove(result.backupFile);
        throw;
    }
}

void Sealing::install(const store::DatabaseSpec& spec, const Result& result, const Progress& progress)
{
    if (spec.backend != store::Backend::Sqlite || result.pendingFile.isEmpty())
        return;
    // Up to the rename, a failure or a cancel leaves the original alone and removes what this sealing wrote.
    const auto discard = [&] {
        removeSqliteFiles(result.pendingFile);
        removeSqliteFiles(result.backupFile);
    };
    try {
        ask(progress, Phase::Replace, 0, 1);
    } catch (...) {
        discard();
        throw;
    }
    try {
        SealExisting::replaceOriginal(spec.path, result.pendingFile, result.auditHighWater, [&](int moment) {
            // After the rename the sealing is done: a "cancel" there changes nothing.
            if (progress)
                progress(Phase::Replace, moment, 1);
        });
    } catch (const Error&) {
        if (QFileInfo::exists(result.pendingFile)) // not renamed
            discard();
        throw;
    }
}

Sealing::Result Sealing::run(std::unique_ptr<store::Database>& db, const Session& admin,
                             const Options& options)
{
    Result result = prepare(*db, admin, options);
    const store::DatabaseSpec spec = db->spec();
    db.reset();
    install(spec, result, options.progress);
    return result;
}

} // namespace cabas
