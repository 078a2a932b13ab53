#pragma once

#include "domain/User.h"

#include <memory>

namespace cabas {

namespace security {
class KeyRing;
}

// Who is acting: the user who logged in (desktop dialog, or the CLI's --user). Every core service takes one
// and asks the access policy with its role; the audit trail records it.
//
// `keys` is the user's key ring, opened at login with the password (docs/encryption.md): the data key, the
// health key for nurses who have it, the root signing key for administrators. Null when the database has no
// key ring (made before key rings; the in-place migration is a later step) and for the system's own sessions.
struct Session
{
    User user;
    std::shared_ptr<const security::KeyRing> keys;

    Role role() const { return user.role; }
    const QString& login() const { return user.login; }
    // The password was set by an administrator (or a sealing): the desktop asks for a new one at once, the
    // command line refuses every command but changing it (User::mustChangePassword).
    bool mustChangePassword() const { return user.mustChangePassword; }
};

} // namespace cabas
