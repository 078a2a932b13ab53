#include "security/Authenticator.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "security/AuditTrail.h"
#include "security/Passwords.h"
#include "store/PgRoles.h"
#include "store/UserRepository.h"

#include <QLocale>

namespace cabas::security {

Session Authenticator::login(const QString& rawLogin, const QString& password) const
{
    store::UserRepository users(m_db);
    AuditTrail audit(m_db);
    const QString login = rawLogin.trimmed().toLower();
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
    Session attempt{*user};
    const QDateTime now = Clock::instance().nowUtc();
    if (user->lockedUntil.isValid() && user->lockedUntil > now) {
        audit.record(&attempt, QStringLiteral("login"), QStringLiteral("app_user"), user->login,
                     QStringLiteral("denied"), QStringLiteral("locked"));
        throw Error(
            tr("The account %1 is locked after %2 failed attempts, until %3. An administrator can unlock it "
               "by setting a new password.")
                .arg(user->login)
                .arg(kMaxFailedAttempts)
                .arg(QLocale().toString(user->lockedUntil.toTimeZone(Clock::programmeZone()).time(),
                                        QLocale::ShortFormat)),
            Error::Kind::AccessDenied);
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

} // namespace cabas::security
