#include "security/Recovery.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "security/AuditTrail.h"
#include "security/KeyRing.h"
#include "security/Passwords.h"
#include "store/KeySlotRepository.h"
#include "store/PgRoles.h"
#include "store/UserRepository.h"

namespace cabas::security {

Recovery::Result Recovery::restoreAdministrator(const store::Database& db, const QString& recoveryKey,
                                                const QString& login, const QString& displayName,
                                                const QString& password)
{
    Result result;
    User& user = result.user;
    user.login = login.trimmed().toLower();
    user.displayName = displayName.trimmed().isEmpty() ? user.login : displayName.trimmed();
    user.role = Role::Admin;
    user.createdAt = Clock::instance().nowUtc();
    const QStringList problems = user.validate();
    if (!problems.isEmpty())
        throw Error(problems.join(QLatin1Char('\n')), Error::Kind::Invalid);
    Passwords::requirePolicy(password);

    store::KeySlotRepository keySlots(db);
    const auto header = keySlots.header();
    const auto recoverySlot = header ? keySlots.recovery() : std::nullopt;
    if (!header || !recoverySlot)
        throw Error(tr("This database has no recovery key: it was made before key rings. An administrator of "
                       "its server or a backup is the only way back."),
                    Error::Kind::NotFound);
    if (!store::PgRoles::mayWritePasswordHashes(db))
        throw Error(tr("Recovery must connect to this shared database as its owner (the connection that "
                       "created it), not as a staff login."),
                    Error::Kind::AccessDenied);

    const AuditTrail audit(db);
    std::optional<KeyRing> ring;
    try {
        ring.emplace(KeyRing::unlockWithRecoveryKey(*header, *recoverySlot, recoveryKey));
    } catch (const Error& e) {
        if (e.kind() == Error::Kind::AccessDenied || e.kind() == Error::Kind::Invalid)
            audit.record(nullptr, QStringLiteral("recover"), QStringLiteral("app_user"), user.login,
                         QStringLiteral("denied"), QStringLiteral("recovery key"));
        throw;
    }

    store::UserRepository users(db);
    const QString hash = Passwords::hash(password);
    store::Database::Transaction tx(db);
    const auto existing = users.findByLogin(user.login);
    if (existing) {
        if (existing->role != Role::Admin)
            throw Error(tr("%1 is not an administrator: choose the login of an administrator or a new login.")
                            .arg(user.login),
                        Error::Kind::Conflict);
        user = *existing;
        // Whoever holds the recovery key chose this password for the administrator who logs in with it.
        users.setPasswordHash(user.id, hash, Clock::instance().nowUtc(), false);
        users.setActive(user.id, true);
        user.active = true;
        user.mustChangePassword = false;
        user.failedAttempts = 0;
        user.lockedUntil = QDateTime();
    } else {
        users.add(user, hash);
        result.created = true;
    }
    ring->resetPassword(keySlots, user, password, Clock::instance().nowUtc());
    audit.record(
        nullptr, QStringLiteral("recover"), QStringLiteral("app_user"), user.login, QStringLiteral("ok"),
        result.created ? QStringLiteral("new administrator") : QStringLiteral("administrator reset"));
    tx.commit();
    return result;
}

Recovery::Replacement Recovery::replaceKey(const store::Database& db, const Session& admin)
{
    const AuditTrail audit(db);
    audit.require(admin, DataKind::Administration, Action::Write, QStringLiteral("key_slot"),
                  QStringLiteral("recovery"));
    store::KeySlotRepository keySlots(db);
    if (!keySlots.header() || !keySlots.recovery())
        throw Error(tr("This database has no recovery key to replace: it was made before key rings and "
                       "nothing in it is encrypted yet."),
                    Error::Kind::NotFound);
    if (!admin.keys || !admin.keys->canCertify())
        throw Error(tr("This session has not opened the database's key ring: log out and log in again as an "
                       "administrator."),
                    Error::Kind::AccessDenied);
    if (!store::PgRoles::mayIssueKeySlots(db))
        throw Error(tr("This connection to the shared database may not write key slots: connect with the "
                       "administrators' database login (or as the database's owner). Nothing was changed."),
                    Error::Kind::AccessDenied);

    Replacement result;
    store::Database::Transaction tx(db);
    security::KeySlot issued;
    result.recoveryKey = admin.keys->replaceRecovery(keySlots, Clock::instance().nowUtc(), &issued);
    result.healthPending = issued.healthPending();
    audit.record(admin, QStringLiteral("keyring.replace_recovery"), QStringLiteral("key_slot"),
                 QStringLiteral("recovery"),
                 result.healthPending ? QStringLiteral("health pending") : QStringLiteral("health granted"));
    tx.commit();
    return result;
}

} // namespace cabas::security
