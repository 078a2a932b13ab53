#include "domain/Contribution.h"

#include "common/Money.h"

#include <map>

namespace cabas {

QStringList ContributionChoice::validate(const ContributionRule& rule) const
{
    QStringList problems;
    if (!rule.enabled)
        problems << tr("contributions: this programme has no member contributions (see its settings)");
    if (!fromMonth.isValid())
        problems << tr("from: the month from which the amount applies is required (YYYY-MM)");
    else if (fromMonth.day() != 1)
        problems << tr("from: must be the first day of a month");
    if (currency != rule.currency)
        problems << tr("amount: contributions are in %1, not in %2").arg(rule.currency, currency);
    else if (monthlyCents < rule.minMonthlyCents || monthlyCents > rule.maxMonthlyCents)
        problems << tr("amount: %1 is outside the programme's range, %2 to %3 a month")
                        .arg(formatCents(monthlyCents, rule.currency),
                             formatCents(rule.minMonthlyCents, rule.currency),
                             formatCents(rule.maxMonthlyCents, rule.currency));
    if (note.size() > 500)
        problems << tr("note: at most 500 characters");
    return problems;
}

QStringList ContributionPayment::validate(const ContributionRule& rule, const QDate& today) const
{
    QStringList problems;
    if (!rule.enabled)
        problems << ContributionChoice::tr(
            "contributions: this programme has no member contributions (see its settings)");
    if (!paidOn.isValid())
        problems << tr("on: the date of the payment is required (YYYY-MM-DD)");
    else if (today.isValid() && paidOn > today)
        problems << tr("on: %1 is in the future").arg(paidOn.toString(Qt::ISODate));
    if (currency != rule.currency)
        problems << tr("amount: contributions are in %1, not in %2").arg(rule.currency, currency);
    else if (amountCents <= 0)
        problems << tr("amount: must be more than 0");
    else if (amountCents > rule.maxMonthlyCents * 120)
        problems << tr("amount: %1 is more than ten years of the maximum contribution")
                        .arg(formatCents(amountCents, rule.currency));
    if (note.size() > 500)
        problems << tr("note: at most 500 characters");
    return problems;
}

const ContributionChoice* contributionChoiceIn(const std::vector<ContributionChoice>& history,
                                               const QDate& month)
{
    const ContributionChoice* found = nullptr;
    const int m = monthIndex(month);
    for (const ContributionChoice& c : history) {
        const int from = monthIndex(c.fromMonth);
        if (from > m)
            continue;
        if (!found || from > monthIndex(found->fromMonth) ||
            (from == monthIndex(found->fromMonth) && c.id > found->id))
            found = &c;
    }
    return found;
}

std::vector<ContributionMonth> contributionMonths(const std::vector<ContributionChoice>& choices,
                                                  const std::vector<ContributionPayment>& payments,
                                                  const QDate& enrolledOn, const QDate& exitedOn,
                                                  const QDate& untilMonth, const QString& currency)
{
    std::vector<ContributionChoice> mine;
    for (const ContributionChoice& c : choices)
        if (c.currency == currency)
            mine.push_back(c);
    std::map<int, qint64> paid;
    int first = monthIndex(untilMonth) + 1;
    for (const ContributionPayment& p : payments)
        if (p.currency == currency) {
            paid[monthIndex(p.paidOn)] += p.amountCents;
            first = std::min(first, monthIndex(p.paidOn));
        }
    for (const ContributionChoice& c : mine) {
        int from = monthIndex(c.fromMonth);
        if (enrolledOn.isValid())
            from = std::max(from, monthIndex(enrolledOn));
        first = std::min(first, from);
    }
    std::vector<ContributionMonth> months;
    qint64 balance = 0;
    for (int m = first; m <= monthIndex(untilMonth); ++m) {
        ContributionMonth row;
        row.month = monthOfIndex(m);
        const bool enrolled = enrolledOn.isValid() && monthIndex(enrolledOn) <= m &&
                              (!exitedOn.isValid() || m <= monthIndex(exitedOn));
        if (enrolled)
            if (const ContributionChoice* c = contributionChoiceIn(mine, row.month))
                row.expectedCents = c->monthlyCents;
        const auto it = paid.find(m);
        row.paidCents = it == paid.end() ? 0 : it->second;
        balance += row.expectedCents - row.paidCents;
        row.balanceCents = balance;
        months.push_back(row);
    }
    return months;
}

QStringList contributionBands()
{
    return {QStringLiteral("0-499"), QStringLiteral("500-1999"), QStringLiteral("2000-4999"),
            QStringLiteral("5000-9999"), QStringLiteral("10000+")};
}

} // namespace cabas
