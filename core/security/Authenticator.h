#pragma once

#include "domain/User.h"
#include "security/Session.h"
#include "store/Database.h"

namespace cabas::security {

// Checks a login and password against the users of a database and opens a Session. One message for an
// unknown login or a wrong password, so that logins cannot be probed. After kMaxFailedAttempts consecutive
// failures the account is locked for kLockMinutes (an administrator's password reset unlocks it). Every
// attempt is audited.
//
// On PostgreSQL with database roles (store::PgRoles), a staff login cannot read password hashes: the check
// then runs on the server (cabas_auth_salt gives the salt and limits, the client computes the raw Argon2id
// hash, cabas_auth_login compares it, counts failures and locks with the server's clock); the answers are
// the same.
//
// On a database with a key ring (docs/encryption.md), a login also opens the user's key slot with the
// password and the Session carries the key ring (Session::keys). A nurse's login creates the health key when
// there is none yet and seals it to the nurses (and the recovery slot) waiting for it, each grant audited as
// "keyring.grant_health". A user without a slot (created before the key ring) is refused with a message that
// asks an administrator to set their password again (which issues a slot); an altered slot is refused as a
// wrong password. A database without a key ring (made before key rings) logs in as before, without keys.
class Authenticator
{
    Q_DECLARE_TR_FUNCTIONS(Authenticator)
  public:
    static constexpr int kMaxFailedAttempts = 7;
    static constexpr int kLockMinutes = 15;

    explicit Authenticator(const store::Database& db) : m_db(db) {}
    Session login(const QString& login, const QString& password) const;
    // Kept for callers that only need the user.
    User authenticate(const QString& name, const QString& password) const
    {
        return this->login(name, password).user;
    }

  private:
    Session loginOnServer(const QString& login, const QString& password) const;
    // Opens the user's key slot into attempt.keys (nothing when the database has no key ring). Its own
    // transaction; a refusal is audited and thrown.
    void openKeys(Session& attempt, const QString& password) const;
    const store::Database& m_db;
};

} // namespace cabas::security
