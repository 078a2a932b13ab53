#pragma once

#include "security/Session.h"
#include "store/Database.h"

#include <QDate>

namespace cabas {

struct DemoWorkshopsResult
{
    int workshops = 0;
    int registrations = 0;
};

// The demo's workshops: about three a month from the programme's start to two months after today (farm
// visits, cooking with shopping at the market, cheese and bread making with partners of the Gers), with
// registrations of the demo's persons, a waiting list when full, a few cancellations, and the attendance of
// those already held. Deterministic for a seed. Writes through the repository: call it inside the demo's
// transaction, after the households; it adds its own audit records.
class DemoWorkshops
{
  public:
    static DemoWorkshopsResult generate(const store::Database& db, const Session& session, quint64 seed,
                                        const QDate& programmeStart, const QDate& today);
};

} // namespace cabas
