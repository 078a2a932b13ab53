#pragma once

#include "domain/User.h"

namespace cabas {

// Who is acting: the user who logged in (desktop dialog, or the CLI's --user). Every core service takes one
// and asks the access policy with its role; the audit trail records it.
struct Session
{
    User user;

    Role role() const { return user.role; }
    const QString& login() const { return user.login; }
};

} // namespace cabas
