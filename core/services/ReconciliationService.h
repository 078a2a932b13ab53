#pragma once

#include "security/Session.h"
#include "store/Database.h"

#include <QCoreApplication>
#include <QDate>
#include <QJsonObject>
#include <vector>

namespace cabas {

// One household and month whose credits differ from what the programme's rule gives.
struct CreditDiscrepancy
{
    QString household; // code
    QDate month;       // first day of the month
    qint64 expectedCents = 0;
    qint64 creditedCents = 0; // posted entries of that month (bonuses: by the month of their purchase)
    qint64 entries = 0;       // how many posted entries make creditedCents
    bool bonus = false;       // a bonus discrepancy (several bonuses a month are normal: never "duplicated")

    enum class Problem
    {
        Missing,    // nothing credited though something is expected
        Duplicated, // several entries, a whole multiple of the expected amount
        Unexpected, // credited though nothing is expected (before enrolment, after exit, suspended ...)
        Wrong,      // any other difference
    };
    Problem problem() const;
};

QString toCode(CreditDiscrepancy::Problem problem);

// A month of a household whose allowance needs an income assessment that does not exist yet.
struct UnassessedMonth
{
    QString household;
    QDate month;
    qint64 creditedCents = 0;
};

struct ReconciliationReport
{
    QDate fromMonth; // first days of the first and last months checked
    QDate toMonth;
    QString currency;
    qint64 householdMonths = 0;                   // (household, month) pairs where a credit was expected
    std::vector<CreditDiscrepancy> discrepancies; // allowance credits, by household code then month
    bool bonusChecked = false;
    std::vector<CreditDiscrepancy> bonusDiscrepancies; // bonuses, when checked
    std::vector<UnassessedMonth> unassessed;           // income-band programmes only

    // {"discrepancies": [{"household", "month", "expected_cents", "credited_cents"}...]} and, when asked,
    // "bonus_discrepancies" (same shape); "unassessed" when the programme's allowance follows income bands.
    QJsonObject toJson() const;
    // Counts only, without a household: {"months_checked", "allowance": {"missing", ...}, "bonus": ...}.
    QJsonObject summaryJson() const;
};

// The credit reconciliation (docs/reconciliation.md): for each household and local month (Europe/Paris), the
// allowance the programme's rule gives compared with the posted allowance entries of the ledger; optionally
// the same for bonuses (rate x sustainable purchases, capped a month, within the rules' validity).
// reconcile() lists households by code: ledger Read (social workers, nurses, administrators). summary() gives
// counts only: ledger ReadAggregates (also coordinators, who see ledger figures only). Refusals are audited.
class ReconciliationService
{
    Q_DECLARE_TR_FUNCTIONS(ReconciliationService)
  public:
    ReconciliationService(const store::Database& db, const Session& session) : m_db(db), m_session(session) {}

    // The months from `from`'s to `to`'s (at most 120). Throws Invalid for a bad range, NotFound without a
    // programme, AccessDenied.
    ReconciliationReport reconcile(const QDate& from, const QDate& to, bool checkBonus = false) const;
    // The same, for figures only (the households' codes are left out).
    ReconciliationReport summary(const QDate& from, const QDate& to, bool checkBonus = false) const;

  private:
    ReconciliationReport compute(const QDate& from, const QDate& to, bool checkBonus) const;

    const store::Database& m_db;
    const Session& m_session;
};

} // namespace cabas
