#include "security/Authenticator.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "security/AuditTrail.h"
#include "security/KeyRing.h"
#include "security/Passwords.h"
#include "store/HealthSealing.h"
#include "store/KeySlotRepository.h"
#include "store/PgRoles.h"
#include "store/UserRepository.h"

#include <QLocale>
#include <optional>

namespace cabas::security {

namespace {
QString lockedMessage(const QString& login, const QDateTime& until);
}

Session Authenticator::login(const QString& rawLogin, const QString& password) const
{
    store::UserRepository users(m_db);
    AuditTrail audit(m_db);
    const QString login = rawLogin.trimmed().toLower();
    if (!store::PgRoles::mayReadPasswordHashes(m_db))
        return loginOnServer(login, password);
    const QString refused = tr("Wrong login or password.");
    const auto user = users.findByLogin(login);
    if (!user) {
        // Spend the time a real check takes (one verification, no hashing), so that unknown logins cannot be
        // told apart by their answer time.
        static const QString dummyHash = Passwords::hash(QStringLiteral("timing-equaliser"));
        Passwords::verify(dummyHash, password);
        audit.record(nullptr, QStringLiteral("login"), QStringLiteral("app_user"), login,
                     QStringLiteral("failed"), QStringLiteral("unknown login"));
        throw Error(refused, Error::Kind::AccessDenied);
    }
    Session attempt{*user, nullptr};
    const QDateTime now = Clock::instance().nowUtc();
    if (user->lockedUntil.isValid() && user->lockedUntil > now) {
        audit.record(&attempt, QStringLiteral("login"), QStringLiteral("app_user"), user->login,
                     QStringLiteral("denied"), QStringLiteral("locked"));
        throw Error(lockedMessage(user->login, user->lockedUntil), Error::Kind::AccessDenied);
    }
    if (!Passwords::verify(users.passwordHash(user->id), password)) {
        const int failures = user->failedAttempts + 1;
        const bool lock = failures >= kMaxFailedAttempts;
        {
            store::Database::Transaction tx(m_db);
            users.setFailedAttempts(user->id, lock ? 0 : failures,
                                    lock ? now.addSecs(kLockMinutes * 60) : QDateTime());
            audit.record(&attempt, QStringLiteral("login"), QStringLiteral("app_user"), user->login,
                         QStringLiteral("failed"),
                         lock ? QStringLiteral("locked") : QStringLiteral("wrong password"));
            tx.commit();
        }
        throw Error(refused, Error::Kind::AccessDenied);
    }
    if (!store::PgRoles::loginMayActAs(m_db, user->role)) {
        audit.record(&attempt, QStringLiteral("login"), QStringLiteral("app_user"), user->login,
                     QStringLiteral("denied"), QStringLiteral("database role"));
        throw Error(tr("Access denied: the database login %1 is not allowed to act as a %2.")
                        .arg(m_db.spec().user, displayName(user->role).toLower()),
                    Error::Kind::AccessDenied);
    }
    if (!user->active) {
        audit.record(&attempt, QStringLiteral("login"), QStringLiteral("app_user"), user->login,
                     QStringLiteral("denied"), QStringLiteral("disabled"));
        throw Error(tr("The account %1 is disabled; ask an administrator.").arg(user->login),
                    Error::Kind::AccessDenied);
    }
    openKeys(attempt, password);
    {
        store::Database::Transaction tx(m_db);
        if (user->failedAttempts != 0 || user->lockedUntil.isValid())
            users.setFailedAttempts(user->id, 0, QDateTime());
        audit.record(attempt, QStringLiteral("login"), QStringLiteral("app_user"), user->login);
        tx.commit();
    }
    attempt.user.failedAttempts = 0;
    attempt.user.lockedUntil = QDateTime();
    return attempt;
}

void Authenticator::openKeys(Session& attempt, const QString& password) const
{
    store::KeySlotRepository keySlots(m_db);
    if (!keySlots.header())
        return; // a database made before key rings: no keys until its migration (docs/encryption.md)
    const AuditTrail audit(m_db);
    const User& user = attempt.user;
    const auto refuse = [&](const QString& detail, const QString& message) {
        store::Database::Transaction tx(m_db);
        audit.record(&attempt, QStringLiteral("login"), QStringLiteral("app_user"), user.login,
                     QStringLiteral("denied"), detail);
        tx.commit();
        throw Error(message, Error::Kind::AccessDenied);
    };
    if (!keySlots.forUser(user.id))
        refuse(QStringLiteral("no key slot"),
               tr("The account %1 has no key slot in this database's key ring (it was made before the key "
                  "ring): an administrator must set a new password for it, then it can log in.")
                   .arg(user.login));
    std::optional<KeyRing> ring;
    try {
        store::Database::Transaction tx(m_db);
        std::vector<qint64> granted;
        std::vector<qint64> cohortGranted;
        ring.emplace(
            KeyRing::login(keySlots, user, password, Clock::instance().nowUtc(), &granted, &cohortGranted));
        const store::UserRepository users(m_db);
        auto recordGrants = [&](const std::vector<qint64>& ids, const QString& action,
                                const QString& created) {
            for (const qint64 id : ids) {
                const auto to = id == 0 ? std::nullopt : users.findById(id);
                audit.record(attempt, action,
                             id == 0 ? QStringLiteral("key_slot") : QStringLiteral("app_user"),
                             id == 0 ? QStringLiteral("recovery")
                             : to    ? to->login
                                     : QString::number(id),
                             id == user.id ? created : QString());
            }
        };
        recordGrants(granted, QStringLiteral("keyring.grant_health"), QStringLiteral("health key created"));
        recordGrants(cohortGranted, QStringLiteral("keyring.grant_cohort"),
                     QStringLiteral("cohort key created"));
        tx.commit();
    } catch (const Error& e) {
        // A wrong password or an altered slot: the same answer as a wrong password (the password hash
        // matched, so this is not counted as a failed attempt). An altered key ring (Storage) or another
        // nurse creating the health key at the same moment (Conflict: log in again) keep their own message.
        if (e.kind() == Error::Kind::AccessDenied)
            refuse(QStringLiteral("key slot"), tr("Wrong login or password."));
        {
            store::Database::Transaction tx(m_db);
            audit.record(&attempt, QStringLiteral("login"), QStringLiteral("app_user"), user.login,
                         QStringLiteral("failed"),
                         e.kind() == Error::Kind::Conflict
                             ? QStringLiteral("health key created meanwhile")
                             : QStringLiteral("key ring altered or unreadable"));
            tx.commit();
        }
        throw;
    }
    attempt.keys = std::make_shared<const KeyRing>(std::move(*ring));
    // A SQLite database sealed before the cohort's rows per member (schema 17): the first login of a nurse or
    // a coordinator (they hold the cohort key) writes them. Until then the cohort reads its rows one record
    // at a time, so a failure here only costs time: it does not refuse the login.
    if (user.role == Role::Nurse || user.role == Role::Coordinator) {
        try {
            store::HealthSealing::completeCohortPersons(m_db, *attempt.keys);
        } catch (const Error& e) {
            qWarning("Cabas: the cohort's rows per member were not written: %s", qUtf8Printable(e.message()));
        }
    }
}

namespace {
QString lockedMessage(const QString& login, const QDateTime& until)
{
    return Authenticator::tr(
               "The account %1 is locked after %2 failed attempts, until %3. An administrator can "
               "unlock it by setting a new password.")
        .arg(login)
        .arg(Authenticator::kMaxFailedAttempts)
        .arg(QLocale().toString(until.toTimeZone(Clock::programmeZone()).time(), QLocale::ShortFormat));
}
} // namespace

Session Authenticator::loginOnServer(const QString& login, const QString& password) const
{
    using Outcome = store::UserRepository::ServerOutcome;
    store::PgRoles::checkCurrent(m_db);
    store::UserRepository users(m_db);
    AuditTrail audit(m_db);
    const QString refused = tr("Wrong login or password.");
    // Same work for an unknown login: made-up parameters, one hash, one call.
    const auto parameters = users.serverParameters(login);
    const QByteArray raw = Passwords::rawHash(password, parameters.salt, parameters.passes,
                                              parameters.memoryBytes, parameters.hashBytes);
    const auto user = users.findByLogin(login);
    std::optional<Session> attempt;
    if (user)
        attempt = Session{*user, nullptr};
    const Session* who = attempt ? &*attempt : nullptr;
    store::Database::Transaction tx(m_db);
    const auto check = users.serverLogin(login, raw);
    switch (check.outcome) {
    case Outcome::Wrong:
    case Outcome::NowLocked:
        audit.record(who, QStringLiteral("login"), QStringLiteral("app_user"), login,
                     QStringLiteral("failed"),
                     !user                                 ? QStringLiteral("unknown login")
                     : check.outcome == Outcome::NowLocked ? QStringLiteral("locked")
                                                           : QStringLiteral("wrong password"));
        tx.commit();
        throw Error(refused, Error::Kind::AccessDenied);
    case Outcome::Locked:
        audit.record(who, QStringLiteral("login"), QStringLiteral("app_user"), login,
                     QStringLiteral("denied"), QStringLiteral("locked"));
        tx.commit();
        throw Error(lockedMessage(login, check.lockedUntil), Error::Kind::AccessDenied);
    case Outcome::Disabled:
        audit.record(who, QStringLiteral("login"), QStringLiteral("app_user"), login,
                     QStringLiteral("denied"), QStringLiteral("disabled"));
        tx.commit();
        throw Error(tr("The account %1 is disabled; ask an administrator.").arg(login),
                    Error::Kind::AccessDenied);
    case Outcome::Ok:
        break;
    }
    if (!user) // deleted between the two calls: there is no way to delete a user, but be safe
        throw Error(refused, Error::Kind::AccessDenied);
    if (!store::PgRoles::loginMayActAs(m_db, user->role)) {
        audit.record(who, QStringLiteral("login"), QStringLiteral("app_user"), login,
                     QStringLiteral("denied"), QStringLiteral("database role"));
        tx.commit();
        throw Error(tr("Access denied: the database login %1 is not allowed to act as a %2.")
                        .arg(m_db.spec().user, displayName(user->role).toLower()),
                    Error::Kind::AccessDenied);
    }
    // The server's check (and its reset of the failure count) is kept before the key slot is opened in a
    // transaction of its own: a PostgreSQL transaction cannot record a refusal after a failed statement.
    tx.commit();
    openKeys(*attempt, password);
    {
        store::Database::Transaction done(m_db);
        audit.record(*attempt, QStringLiteral("login"), QStringLiteral("app_user"), login);
        done.commit();
    }
    attempt->user.failedAttempts = 0;
    attempt->user.lockedUntil = QDateTime();
    return *attempt;
}

} // namespace cabas::security
