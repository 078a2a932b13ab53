#pragma once

#include "domain/User.h"
#include "security/Session.h"
#include "store/Database.h"
#include "store/KeySlotRepository.h"

#include <vector>

namespace cabas::security {

// Managing user accounts: administrators only, except that every user may change their own password.
// Every change is audited; passwords follow the policy (Passwords::policyProblems).
//
// On a database with a key ring (docs/encryption.md) the key slots follow the passwords, in the same
// transaction as the password hash: adding a user issues their slot and an administrator's password reset
// issues a new one (both need the root key, which only an administrator's logged-in session holds; a nurse's
// health grant stays pending until a nurse logs in), changing one's own password re-wraps one's own slot.
class UserService
{
    Q_DECLARE_TR_FUNCTIONS(UserService)
  public:
    UserService(const store::Database& db, const Session& session) : m_db(db), m_session(session) {}

    // The new account's password was chosen by the administrator: it must be changed at the first login
    // (User::mustChangePassword).
    User add(const QString& login, const QString& displayName, Role role, const QString& password) const;
    std::vector<User> list() const;
    // Disabling keeps the account and its history; the last active administrator cannot be disabled.
    void disable(const QString& login) const;
    void enable(const QString& login) const;
    // Sets a new password (and unlocks the account). Administrators for anyone; others for themselves. On
    // PostgreSQL with database roles, a staff login cannot write password hashes: one's own password is then
    // changed through cabas_auth_set_password, which needs the current password (checked on the server,
    // failures counted as for a login). Elsewhere a `currentPassword`, when given for one's own, is checked
    // too (a wrong one: AccessDenied, audited, nothing changed). Someone else's new password must be changed
    // at their next login (User::mustChangePassword, set with the hash); one's own change clears that.
    void setPassword(const QString& login, const QString& password,
                     const QString& currentPassword = {}) const;

    // Who can open health data (docs/encryption.md): the active accounts whose key slot holds the health key,
    // and whether the recovery key does. For nurses (to notice an account they did not expect) and
    // administrators; others: AccessDenied.
    struct HealthAccess
    {
        std::vector<store::KeySlotRepository::HealthHolder> holders;
        bool recoveryKey = false;
    };
    HealthAccess healthAccess() const;

  private:
    User existing(const QString& login) const;
    // Whether the database has a key ring; when it has, checks that the session opened it (and, with
    // `certify`, that it may issue slots) before anything is written.
    bool keyRingReady(bool certify) const;
    const store::Database& m_db;
    const Session m_session;
};

} // namespace cabas::security
