#pragma once

// Member contributions (issue 11, Montpellier's caisse alimentaire commune): each household chooses what it
// pays a month, between the programme's minimum and maximum (docs/programme-json.md "contributions"); a new
// choice applies from a month on and the history stays. Payments are recorded as they come; what a household
// owes is the expected amounts minus what it paid, month by month. Integer cents, Europe/Paris local dates,
// one currency label: rows of another currency are kept but never summed with these.

#include "domain/Programme.h"

#include <QCoreApplication>
#include <QDateTime>
#include <vector>

namespace cabas {

// year x 12 + month - 1: months compared as integers (stored as contribution_*.month_index).
inline int monthIndex(const QDate& day)
{
    return day.year() * 12 + day.month() - 1;
}
inline QDate monthOfIndex(int index)
{
    return QDate(index / 12, index % 12 + 1, 1);
}

// The amount a household chose, from a month on. Never changed: a new choice replaces it from its month.
struct ContributionChoice
{
    Q_DECLARE_TR_FUNCTIONS(ContributionChoice)
  public:
    qint64 id = 0;
    qint64 householdId = 0;
    QDate fromMonth; // the first day of the month it applies from
    qint64 monthlyCents = 0;
    QString currency;
    qint64 chosenByUserId = 0;
    QString chosenBy;     // login, filled when read
    QDateTime recordedAt; // UTC
    QString note;

    // Every problem (located by field) against the programme's rule; empty when valid.
    QStringList validate(const ContributionRule& rule) const;
};

// A payment received from a household.
struct ContributionPayment
{
    Q_DECLARE_TR_FUNCTIONS(ContributionPayment)
  public:
    qint64 id = 0;
    qint64 householdId = 0;
    QDate paidOn; // local date (Europe/Paris)
    qint64 amountCents = 0;
    QString currency;
    qint64 recordedByUserId = 0;
    QString recordedBy; // login, filled when read
    QDateTime recordedAt;
    QString note;

    // `today`: a payment cannot be dated in the future.
    QStringList validate(const ContributionRule& rule, const QDate& today) const;
};

// One month of a household's account.
struct ContributionMonth
{
    QDate month;              // first day
    qint64 expectedCents = 0; // the choice in force that month, while the household is enrolled
    qint64 paidCents = 0;     // payments dated in that month
    qint64 balanceCents = 0;  // expected minus paid, summed from the first month to this one (> 0: owed)

    qint64 differenceCents() const { return expectedCents - paidCents; }
};

// The choice in force in `month` (the latest whose fromMonth is on or before it; the higher id on the same
// month), or nullptr. `history` in any order.
const ContributionChoice* contributionChoiceIn(const std::vector<ContributionChoice>& history,
                                               const QDate& month);

// Month by month from the first month with a choice or a payment to `untilMonth` (inclusive): what was
// expected while the household was enrolled (from the month of `enrolledOn` to the month of `exitedOn`; none
// when it was never enrolled), what was paid, and the running balance. Only rows in `currency` count.
std::vector<ContributionMonth> contributionMonths(const std::vector<ContributionChoice>& choices,
                                                  const std::vector<ContributionPayment>& payments,
                                                  const QDate& enrolledOn, const QDate& exitedOn,
                                                  const QDate& untilMonth, const QString& currency);

// What the database aggregates for the cohort's contribution figures (docs/cohort.md): sums and counts only,
// never a household's amount.
struct ContributionCohortRaw
{
    QString currency;
    qint64 households = 0;      // cohort households with a contribution expected in at least one month
    qint64 householdMonths = 0; // months with a contribution expected, over those households
    qint64 expectedCents = 0;
    qint64 paidCents = 0; // payments dated in the period by cohort households
    qint64 payingHouseholds = 0;
    qint64 householdsInArrears = 0; // expected in the period more than paid in it
    struct Band
    {
        QString band; // "100-499" (cents a month), ..., "10000+"
        qint64 households = 0;
    };
    std::vector<Band> bands; // by a household's mean monthly amount in the period; empty bands left out
};

// The bands of the distribution, in cents a month: [0, 500), [500, 2000), [2000, 5000), [5000, 10000),
// 10000+.
QStringList contributionBands();

} // namespace cabas
