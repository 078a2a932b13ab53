#pragma once

// What a programme's rules give a household: consumption units, the income band, the monthly credit (with the
// first month prorated when the programme says so) and the bonus on sustainable purchases. Pure functions
// over domain values; the reconciliation (core/services/ReconciliationService) compares them with the ledger.

#include "domain/Person.h"
#include "domain/Programme.h"

#include <QCoreApplication>
#include <QDateTime>
#include <vector>

namespace cabas {

// A household's declared income as a social worker assessed it (migration 0008). Assessments are never
// changed: a new one replaces the previous from its effective date, and the history stays.
struct IncomeAssessment
{
    Q_DECLARE_TR_FUNCTIONS(IncomeAssessment)
  public:
    qint64 id = 0;
    qint64 householdId = 0;
    QDate effectiveOn; // applies from this day until the next assessment
    QDate incomeFrom;  // the period the declared income covers (e.g. the last three months)
    QDate incomeTo;
    qint64 monthlyIncomeCents = 0; // declared income, a month (the period's average)
    int consumptionUnitsMilli = 0; // the household's consumption units on effectiveOn, in thousandths
    qint64 assessedByUserId = 0;
    QString assessedBy;   // login, filled when read
    QDateTime assessedAt; // UTC
    QString note;

    // Monthly income per consumption unit, in cents (rounded down).
    qint64 incomePerUnitCents() const;
    QStringList validate() const;
};

// The household's consumption units on `day` (members present that day), in thousandths, with the programme's
// weights: the first person aged `adultAge` or more (the oldest), then the others by age.
int consumptionUnitsMilli(const ConsumptionUnitWeights& weights, const std::vector<Person>& members,
                          const QDate& day);

// The assessment in force on `day`: the latest one effective on or before it (nullptr when none). `history`
// is any order.
const IncomeAssessment* assessmentOn(const std::vector<IncomeAssessment>& history, const QDate& day);

// `cents` for the days from `enrolledOn` to the end of its month: cents x days left / days in month, rounded
// down.
qint64 proratedCents(qint64 cents, const QDate& enrolledOn);

// The bonus one purchase earns under the programme's bonus rules: the first rule valid on the purchase's
// local date gives floor(amount x rate); `ruleIndex` receives that rule's index (-1: none applies).
qint64 purchaseBonusCents(const Programme& programme, qint64 purchaseCents, const QDate& localDate,
                          int* ruleIndex);

} // namespace cabas
