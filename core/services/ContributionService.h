#pragma once

#include "domain/Contribution.h"
#include "security/Session.h"
#include "store/Database.h"

#include <QCoreApplication>
#include <vector>

namespace cabas {

// One household's contributions: its choices (history), payments, and month by month what was expected, paid
// and owed (docs/contributions.md).
struct ContributionAccount
{
    QString householdCode;
    ContributionRule rule;
    std::vector<ContributionChoice> choices;   // oldest first
    std::vector<ContributionPayment> payments; // oldest first
    std::vector<ContributionMonth> months;     // up to the month asked
    qint64 currentMonthlyCents = 0;            // the choice in force in that month (0: none)
    qint64 balanceCents = 0;                   // > 0: arrears; < 0: paid in advance

    qint64 arrearsCents() const { return balanceCents > 0 ? balanceCents : 0; }
};

// A household that owes contributions at the end of a month.
struct ContributionArrears
{
    QString householdCode;
    qint64 monthlyCents = 0; // the choice in force that month
    qint64 arrearsCents = 0;
    int monthsOwed = 0; // the last months in a row whose running balance is owed
    QDate lastPaidOn;   // null: never paid
};

// Member contributions (issue 11). Who does what (docs/access.md): social workers record choices and payments
// (Households/Write); social workers, nurses and administrators see a household's contributions and the
// arrears list (they read households in full); coordinators read households by code only and never see a
// household's amount: they get the cohort's contribution figures only (CohortService). Writes and refusals
// are audited; choices and payments are never changed (append-only).
class ContributionService
{
    Q_DECLARE_TR_FUNCTIONS(ContributionService)
  public:
    ContributionService(const store::Database& db, const Session& session) : m_db(db), m_session(session) {}

    static bool maySee(Role role);
    static bool mayRecord(Role role);

    // The programme's rule (every role may read the programme's rules).
    ContributionRule rule() const;
    // Records the household's monthly amount from `fromMonth` (any day of it). `currency` empty: the
    // programme's contribution currency. Throws Invalid (every problem, located), NotFound, AccessDenied.
    ContributionChoice choose(const QString& householdCode, qint64 monthlyCents, const QString& currency,
                              const QDate& fromMonth, const QString& note = QString()) const;
    ContributionPayment pay(const QString& householdCode, qint64 amountCents, const QString& currency,
                            const QDate& paidOn, const QString& note = QString()) const;
    // The household's account up to `untilMonth` (any day of it; null: this month).
    ContributionAccount account(const QString& householdCode, const QDate& untilMonth = QDate()) const;
    // Households owing contributions at the end of `month` (null: this month), by code.
    std::vector<ContributionArrears> arrears(const QDate& month = QDate()) const;

  private:
    void requireRead(const QString& table, const QString& recordRef) const;
    qint64 householdId(const QString& code) const;

    const store::Database& m_db;
    const Session& m_session;
};

} // namespace cabas
