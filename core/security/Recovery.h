#pragma once

#include "domain/User.h"
#include "security/Session.h"
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

    // Replaces the recovery key (lost, or seen by someone who should not have): an administrator's logged-in
    // session (its key ring holds the root key) rewrites the recovery slot with a fresh key in one
    // transaction, audited "keyring.replace_recovery" (no secret in the record); the old key then opens
    // nothing in this database (a backup taken before keeps the old slot). The new slot holds the data and
    // root keys; the health and cohort keys only if the session holds them (an administrator's normally does
    // not): otherwise they are granted at the next nurse's login (`healthPending`). Refused, nothing
    // written, for another role (the refusal audited), a session without keys, a database without key ring,
    // and on PostgreSQL a connection that may not write key slots.
    struct Replacement
    {
        QString recoveryKey;       // shown once
        bool healthPending = true; // the new key opens health data only after a nurse's next login
    };
    static Replacement replaceKey(const store::Database& db, const Session& admin);
};

} // namespace cabas::security
