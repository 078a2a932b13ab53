#pragma once

#include "domain/User.h"
#include "store/Database.h"

#include <QCoreApplication>

namespace cabas::security {

// Gives a database an administrator again when every administrator's password is lost, with the recovery
// key printed once at init (docs/encryption.md, "Recovery key"). The key opens the recovery slot, whose
// root signing key certifies a new key slot for the administrator: `login` is created as an administrator,
// or, when it is an existing administrator's login, that account gets the new password, is unlocked and
// enabled. Nobody is logged in: the audit record "recover" has no actor, and a recovery key that does not
// open the slot is recorded as refused before the error is thrown. Nothing is written unless everything
// succeeds (one transaction).
//
// On PostgreSQL the connection must be one that may write password hashes (the database owner's, as for
// init): a staff database login is refused.
class Recovery
{
    Q_DECLARE_TR_FUNCTIONS(Recovery)
  public:
    struct Result
    {
        User user;
        bool created = false; // false: an existing administrator's password was set
    };

    static Result restoreAdministrator(const store::Database& db, const QString& recoveryKey,
                                       const QString& login, const QString& displayName,
                                       const QString& password);
};

} // namespace cabas::security
