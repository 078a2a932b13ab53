#pragma once

#include "security/Session.h"
#include "store/Database.h"

#include <QDate>

namespace cabas {

// The demo's merchant approvals (issue 11, docs/merchants.md): Montpellier's citizens' committee approves
// shops from certain dates, withdraws one, refuses one and has not looked at the others yet. The merchants
// are those of the reference feed (cabas-ledger-sim), recorded as the operator describes them, so that the
// ledger sync finds the decisions already there.
class DemoMerchants
{
  public:
    // Records the merchants (when the ledger does not know them yet) and the committee's decisions relative
    // to the programme's first day, through MerchantService (administrators, audited; one transaction per
    // decision, so call it outside any transaction). Returns the number of decisions.
    static int apply(const store::Database& db, const Session& session, const QDate& programmeStart);
};

} // namespace cabas
