#pragma once

#include "domain/User.h"
#include "security/Session.h"
#include "store/Database.h"

#include <vector>

namespace cabas::security {

// Managing user accounts: administrators only, except that every user may change their own password.
// Every change is audited; passwords follow the policy (Passwords::policyProblems).
class UserService
{
    Q_DECLARE_TR_FUNCTIONS(UserService)
  public:
    UserService(const store::Database& db, const Session& session) : m_db(db), m_session(session) {}

    User add(const QString& login, const QString& displayName, Role role, const QString& password) const;
    std::vector<User> list() const;
    // Disabling keeps the account and its history; the last active administrator cannot be disabled.
    void disable(const QString& login) const;
    void enable(const QString& login) const;
    // Sets a new password (and unlocks the account). Administrators for anyone; others for themselves. On
    // PostgreSQL with database roles, a staff login cannot write password hashes: one's own password is then
    // changed through cabas_auth_set_password, which needs the current password (checked on the server,
    // failures counted as for a login).
    void setPassword(const QString& login, const QString& password,
                     const QString& currentPassword = {}) const;

  private:
    User existing(const QString& login) const;
    const store::Database& m_db;
    const Session m_session;
};

} // namespace cabas::security
