#include "domain/User.h"

#include <QRegularExpression>

namespace cabas {

QString toCode(Role role)
{
    switch (role) {
    case Role::SocialWorker:
        return QStringLiteral("social_worker");
    case Role::Nurse:
        return QStringLiteral("nurse");
    case Role::Coordinator:
        return QStringLiteral("coordinator");
    case Role::Admin:
        return QStringLiteral("admin");
    }
    return QString();
}

bool fromCode(const QString& code, Role* role)
{
    for (Role r : {Role::SocialWorker, Role::Nurse, Role::Coordinator, Role::Admin}) {
        if (toCode(r) == code) {
            *role = r;
            return true;
        }
    }
    return false;
}

QString displayName(Role role)
{
    switch (role) {
    case Role::SocialWorker:
        return User::tr("Social worker");
    case Role::Nurse:
        return User::tr("Nurse");
    case Role::Coordinator:
        return User::tr("Coordinator");
    case Role::Admin:
        return User::tr("Administrator");
    }
    return QString();
}

QStringList User::validate() const
{
    QStringList problems;
    static const QRegularExpression loginPattern(QStringLiteral("^[a-z0-9][a-z0-9._-]{1,31}$"));
    if (!loginPattern.match(login).hasMatch())
        problems
            << tr("login: \"%1\" is not a valid login (2 to 32 lower-case letters, digits, '.', '_' or '-')")
                   .arg(login);
    if (displayName.trimmed().isEmpty())
        problems << tr("display_name: the name shown for the user is required");
    return problems;
}

} // namespace cabas
