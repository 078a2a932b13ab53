#include "security/UserService.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "security/AuditTrail.h"
#include "security/KeyRing.h"
#include "security/Passwords.h"
#include "store/KeySlotRepository.h"
#include "store/PgRoles.h"
#include "store/UserRepository.h"

namespace cabas::security {

User UserService::existing(const QString& login) const
{
    const auto user = store::UserRepository(m_db).findByLogin(login.trimmed().toLower());
    if (!user)
        throw Error(tr("There is no user %1.").arg(login), Error::Kind::NotFound);
    return *user;
}

UserService::HealthAccess UserService::healthAccess() const
{
    if (m_session.role() != Role::Nurse && m_session.role() != Role::Admin)
        throw Error(tr("Only nurses and administrators see who can open health data."),
                    Error::Kind::AccessDenied);
    const store::KeySlotRepository keySlots(m_db);
    return {keySlots.healthHolders(), keySlots.recoveryHoldsHealth()};
}

bool UserService::keyRingReady(bool certify) const
{
    if (!store::KeySlotRepository(m_db).header())
        return false; // a database made before key rings: passwords only, as before
    if (!m_session.keys)
        throw Error(tr("This session has not opened the database's key ring: log out and log in again."),
                    Error::Kind::AccessDenied);
    if (certify && !m_session.keys->canCertify())
        throw Error(tr("Only an administrator's session can give an account its key slot."),
                    Error::Kind::AccessDenied);
    return true;
}

User UserService::add(const QString& login, const QString& displayName, Role role,
                      const QString& password) const
{
    AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Administration, Action::Write, QStringLiteral("app_user"), login);
    User user;
    user.login = login.trimmed().toLower();
    user.displayName = displayName.trimmed().isEmpty() ? user.login : displayName.trimmed();
    user.role = role;
    user.createdAt = Clock::instance().nowUtc();
    user.mustChangePassword = true; // the administrator chose it: the user changes it at the first login
    const QStringList problems = user.validate();
    if (!problems.isEmpty())
        throw Error(problems.join(QLatin1Char('\n')), Error::Kind::Invalid);
    Passwords::requirePolicy(password);
    const bool keyed = keyRingReady(true);
    const QString hash = Passwords::hash(password);
    store::Database::Transaction tx(m_db);
    store::UserRepository(m_db).add(user, hash);
    if (keyed) {
        store::KeySlotRepository keySlots(m_db);
        m_session.keys->resetPassword(keySlots, user, password, user.createdAt);
    }
    audit.record(m_session, QStringLiteral("create"), QStringLiteral("app_user"), user.login, toCode(role));
    tx.commit();
    return user;
}

std::vector<User> UserService::list() const
{
    AuditTrail(m_db).require(m_session, DataKind::Administration, Action::Read, QStringLiteral("app_user"));
    return store::UserRepository(m_db).list();
}

void UserService::disable(const QString& login) const
{
    AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Administration, Action::Write, QStringLiteral("app_user"), login);
    const User user = existing(login);
    store::UserRepository users(m_db);
    if (user.role == Role::Admin && user.active && users.countActive(Role::Admin) <= 1)
        throw Error(tr("%1 is the last active administrator: enable or add another administrator first.")
                        .arg(user.login),
                    Error::Kind::Conflict);
    store::Database::Transaction tx(m_db);
    users.setActive(user.id, false);
    audit.record(m_session, QStringLiteral("disable"), QStringLiteral("app_user"), user.login);
    tx.commit();
}

void UserService::enable(const QString& login) const
{
    AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Administration, Action::Write, QStringLiteral("app_user"), login);
    const User user = existing(login);
    store::Database::Transaction tx(m_db);
    store::UserRepository(m_db).setActive(user.id, true);
    audit.record(m_session, QStringLiteral("enable"), QStringLiteral("app_user"), user.login);
    tx.commit();
}

void UserService::setPassword(const QString& login, const QString& password,
                              const QString& currentPassword) const
{
    AuditTrail audit(m_db);
    const bool self = login.trimmed().toLower() == m_session.login();
    if (!self)
        audit.require(m_session, DataKind::Administration, Action::Write, QStringLiteral("app_user"), login);
    const User user = existing(login);
    Passwords::requirePolicy(password);
    // One's own password: the own slot re-wrapped (same keys). Someone else's: a new slot, certified with the
    // administrator's root key (a slot made before the key ring is replaced or created alike).
    const bool keyed = keyRingReady(!self);
    const auto updateSlot = [&] {
        if (!keyed)
            return;
        store::KeySlotRepository keySlots(m_db);
        const QDateTime now = Clock::instance().nowUtc();
        if (self) {
            const auto own = keySlots.forUser(user.id);
            if (!own || own->publicKey != m_session.keys->publicKey())
                throw Error(tr("An administrator set your password again meanwhile: log in again with that "
                               "password, then change it."),
                            Error::Kind::Conflict);
            m_session.keys->changeOwnPassword(keySlots, user, password, now);
        } else
            m_session.keys->resetPassword(keySlots, user, password, now);
    };
    const QString hash = Passwords::hash(password);
    if (self && !store::PgRoles::mayWritePasswordHashes(m_db)) {
        using Outcome = store::UserRepository::ServerOutcome;
        if (currentPassword.isEmpty())
            throw Error(tr("To change your own password on this shared database, give your current password "
                           "too."),
                        Error::Kind::Invalid);
        store::PgRoles::checkCurrent(m_db);
        store::UserRepository users(m_db);
        const auto parameters = users.serverParameters(user.login);
        const QByteArray raw = Passwords::rawHash(currentPassword, parameters.salt, parameters.passes,
                                                  parameters.memoryBytes, parameters.hashBytes);
        store::Database::Transaction tx(m_db);
        const auto check = users.serverSetOwnPassword(user.login, raw, hash);
        if (check.outcome != Outcome::Ok) {
            audit.record(&m_session, QStringLiteral("password"), QStringLiteral("app_user"), user.login,
                         QStringLiteral("failed"),
                         check.outcome == Outcome::NowLocked ? QStringLiteral("locked")
                                                             : QStringLiteral("wrong current password"));
            tx.commit();
            throw Error(tr("The current password is wrong, or the account is locked or disabled."),
                        Error::Kind::AccessDenied);
        }
        updateSlot();
        audit.record(m_session, QStringLiteral("password"), QStringLiteral("app_user"), user.login,
                     QStringLiteral("own password"));
        tx.commit();
        return;
    }
    store::Database::Transaction tx(m_db);
    if (self && !currentPassword.isEmpty() &&
        !Passwords::verify(store::UserRepository(m_db).passwordHash(user.id), currentPassword)) {
        // The desktop asks for the current password (someone at an unlocked computer cannot change it).
        audit.record(&m_session, QStringLiteral("password"), QStringLiteral("app_user"), user.login,
                     QStringLiteral("failed"), QStringLiteral("wrong current password"));
        tx.commit();
        throw Error(tr("The current password is wrong; the password was not changed."),
                    Error::Kind::AccessDenied);
    }
    // Someone else's password was chosen by the administrator: changed at the next login. One's own is one's
    // own again (a temporary password ends here).
    store::UserRepository(m_db).setPasswordHash(user.id, hash, Clock::instance().nowUtc(), !self);
    updateSlot();
    audit.record(m_session, QStringLiteral("password"), QStringLiteral("app_user"), user.login,
                 self ? QStringLiteral("own password") : QStringLiteral("reset by administrator"));
    tx.commit();
}

} // namespace cabas::security
