#pragma once

#include "cohort/CohortData.h"
#include "domain/Contribution.h"
#include "store/Database.h"

#include <map>
#include <optional>
#include <vector>

namespace cabas::store {

// Member contributions (migration 0011): households' choices and payments, append-only, and the cohort's
// contribution figures (sums and counts only). Line-level reads are for the service's allowed roles; the
// cohort statements run, on PostgreSQL with database roles, as SECURITY DEFINER functions
// (installPgFunctions), so that a coordinator's login gets the figures without any SELECT on these tables.
class ContributionRepository
{
    Q_DECLARE_TR_FUNCTIONS(ContributionRepository)
  public:
    explicit ContributionRepository(const Database& db) : m_db(db) {}

    // Insert (recordedAt is the clock's now); call inside a transaction, after validation.
    void insertChoice(ContributionChoice& choice) const;
    void insertPayment(ContributionPayment& payment) const;

    // One household's rows, oldest first.
    std::vector<ContributionChoice> choices(qint64 householdId) const;
    std::vector<ContributionPayment> payments(qint64 householdId) const;

    // Every household with a choice or a payment: its code, enrolment and exit dates, with its rows (payments
    // dated on or before `until`).
    struct HouseholdRows
    {
        qint64 householdId = 0;
        QString code;
        QDate enrolledOn;
        QDate exitedOn;
        std::vector<ContributionChoice> choices;
        std::vector<ContributionPayment> payments;
    };
    std::vector<HouseholdRows> allHouseholds(const QDate& until) const;

    // The cohort's contribution figures for the period (the cohort of docs/cohort.md), rows in `currency`
    // only.
    ContributionCohortRaw cohortFigures(const CohortFilter& filter, const QString& currency) const;

    // PostgreSQL: creates the cohort statements as SECURITY DEFINER functions (EXECUTE for `readers` only),
    // dropping those of an older version. Called by PgRoles::apply inside its transaction.
    static void installPgFunctions(const Database& db, const QStringList& readers);
    // PostgreSQL: the privileges the table rules of PgRoles must not give (the households' amounts are not
    // the coordinators', who read households by code only): REVOKE statements for the roles of `prefix`.
    static QStringList pgRevokes(const QString& prefix);

  private:
    struct Statement
    {
        QString name;
        QString sql;
        QVariantList values;
        int columns = 0;
    };
    std::vector<Statement> cohortStatements(const CohortFilter& filter, const QString& currency) const;
    QSqlQuery run(const Statement& s) const;
    QString monthIndexOf(const QString& column) const;
    QVariant day(const QDate& date) const;

    const Database& m_db;
    mutable std::optional<QStringList> m_functions;
};

} // namespace cabas::store
