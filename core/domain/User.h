#pragma once

#include <QCoreApplication>
#include <QDateTime>
#include <QString>
#include <QStringList>

namespace cabas {

enum class Role
{
    SocialWorker,
    Nurse,
    Coordinator,
    Admin
};

QString toCode(Role role);
bool fromCode(const QString& code, Role* role);
QString displayName(Role role);

struct User
{
    Q_DECLARE_TR_FUNCTIONS(User)
  public:
    qint64 id = 0;
    QString login;
    QString displayName;
    Role role = Role::SocialWorker;
    bool active = true;
    QDateTime createdAt;
    int failedAttempts = 0; // consecutive failed logins
    QDateTime lockedUntil;  // null: not locked
    // The password was set by someone else (an administrator's reset or new account, a sealing's temporary
    // password): the user must change it at their next login (cleared by their own change).
    bool mustChangePassword = false;

    QStringList validate() const;
    bool operator==(const User&) const = default;
};

} // namespace cabas
