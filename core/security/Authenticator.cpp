#include "security/Authenticator.h"

#include "common/Error.h"
#include "security/Passwords.h"
#include "store/UserRepository.h"

namespace cabas::security {

User Authenticator::authenticate(const QString& login, const QString& password) const
{
    store::UserRepository users(m_db);
    const auto user = users.findByLogin(login.trimmed().toLower());
    const QString refused = tr("Wrong login or password.");
    if (!user) {
        // Spend the same time as a real check.
        Passwords::verify(Passwords::hash(QStringLiteral("timing-equaliser")), password);
        throw Error(refused, Error::Kind::AccessDenied);
    }
    if (!Passwords::verify(users.passwordHash(user->id), password))
        throw Error(refused, Error::Kind::AccessDenied);
    if (!user->active)
        throw Error(tr("The account %1 is disabled; ask an administrator.").arg(user->login),
                    Error::Kind::AccessDenied);
    return *user;
}

} // namespace cabas::security
