#pragma once

#include "domain/User.h"
#include "store/Database.h"

namespace cabas::security {

// Checks a login and password against the users of a database. Throws cabas::Error (AccessDenied) with one
// message for an unknown login, a wrong password or a disabled account, so that logins cannot be probed.
class Authenticator
{
    Q_DECLARE_TR_FUNCTIONS(Authenticator)
  public:
    explicit Authenticator(const store::Database& db) : m_db(db) {}
    User authenticate(const QString& login, const QString& password) const;

  private:
    const store::Database& m_db;
};

} // namespace cabas::security
