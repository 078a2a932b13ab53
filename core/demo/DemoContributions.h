#pragma once

#include "domain/Programme.h"
#include "security/Session.h"
#include "store/Database.h"

#include <QDate>

namespace cabas {

// Member contributions for the demo (Montpellier's scheme, docs/contributions.md):
// when the programme has contributions, every enrolled household chooses an amount from its enrolment month
// (mostly small, a few near the maximum; some change it once), and pays month after month, recorded by its
// referent; about one household in eight stopped paying a few months ago, so the arrears list is not empty.
// Deterministic for a seed; call inside the demo's transaction. Returns the rows written (choices +
// payments).
struct DemoContributions
{
    // `keys`: the session's key ring (a sealed database's households are read with it).
    static int generate(const store::Database& db, const Programme& programme, quint64 seed,
                        const QDate& today, const security::KeyRing* keys = nullptr);
};

} // namespace cabas
