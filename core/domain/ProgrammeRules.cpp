#include "domain/ProgrammeRules.h"
#include "domain/Allowance.h"

#include <algorithm>

namespace cabas {

qint64 IncomeAssessment::incomePerUnitCents() const
{
    if (consumptionUnitsMilli <= 0)
        return monthlyIncomeCents;
    return monthlyIncomeCents * 1000 / consumptionUnitsMilli;
}

QStringList IncomeAssessment::validate() const
{
    QStringList problems;
    if (!effectiveOn.isValid())
        problems << tr("effective_on: the date from which the assessment applies is required");
    if (monthlyIncomeCents < 0)
        problems << tr("monthly_income_cents: must not be negative");
    if (consumptionUnitsMilli < 1000 || consumptionUnitsMilli > 50000)
        problems << tr("consumption_units: must be between 1 and 50");
    if (incomeFrom.isValid() != incomeTo.isValid())
        problems << tr("income_from, income_to: give both ends of the income period, or neither");
    else if (incomeFrom.isValid() && incomeTo < incomeFrom)
        problems << tr("income_to: the end of the income period is before its start");
    if (incomeTo.isValid() && effectiveOn.isValid() && incomeFrom > effectiveOn)
        problems << tr("income_from: the income period starts after the assessment applies");
    return problems;
}

int consumptionUnitsMilli(const ConsumptionUnitWeights& weights, const std::vector<Person>& members,
                          const QDate& day)
{
    std::vector<const Person*> present;
    for (const Person& p : members)
        if (p.isMemberOn(day))
            present.push_back(&p);
    // The oldest person counts first (a person without a birth date counts as an adult).
    std::stable_sort(present.begin(), present.end(), [](const Person* a, const Person* b) {
        if (a->birthDate.isValid() != b->birthDate.isValid())
            return !a->birthDate.isValid();
        return a->birthDate < b->birthDate;
    });
    int units = 0;
    bool first = true;
    for (const Person* p : present) {
        const bool adult = !p->birthDate.isValid() || p->ageOn(day) >= weights.adultAge;
        if (adult && first) {
            units += weights.firstAdultMilli;
            first = false;
        } else {
            units += adult ? weights.otherAdultMilli : weights.childMilli;
        }
    }
    return units;
}

const IncomeAssessment* assessmentOn(const std::vector<IncomeAssessment>& history, const QDate& day)
{
    const IncomeAssessment* found = nullptr;
    for (const IncomeAssessment& a : history) {
        if (a.effectiveOn > day)
            continue;
        if (!found || a.effectiveOn > found->effectiveOn ||
            (a.effectiveOn == found->effectiveOn && a.id > found->id))
            found = &a;
    }
    return found;
}

qint64 proratedCents(qint64 cents, const QDate& enrolledOn)
{
    const int days = enrolledOn.daysInMonth();
    const int left = days - enrolledOn.day() + 1;
    return cents * left / days;
}

qint64 purchaseBonusCents(const Programme& programme, qint64 purchaseCents, const QDate& localDate,
                          int* ruleIndex)
{
    for (std::size_t i = 0; i < programme.bonusRules.size(); ++i) {
        const BonusRule& rule = programme.bonusRules[i];
        if (!rule.appliesOn(localDate))
            continue;
        if (ruleIndex)
            *ruleIndex = int(i);
        return purchaseCents * rule.rateBasisPoints / 10000;
    }
    if (ruleIndex)
        *ruleIndex = -1;
    return 0;
}

AllowanceBreakdown monthlyAllowance(const Programme& programme, const std::vector<Person>& members,
                                    const QDate& month, const IncomeAssessment* assessment)
{
    AllowanceBreakdown result;
    const QDate first(month.year(), month.month(), 1);
    for (const Person& p : members) {
        if (!p.isMemberOn(first))
            continue;
        if (p.isAdultOn(first, programme.childAdultAge))
            ++result.adults;
        else
            ++result.children;
    }
    const int persons = result.adults + result.children;
    switch (programme.allowanceKind) {
    case AllowanceKind::ByRole:
        result.totalCents =
            result.adults * programme.adultAllowanceCents + result.children * programme.childAllowanceCents;
        break;
    case AllowanceKind::PerPerson:
        result.totalCents = persons * programme.perPersonCents;
        break;
    case AllowanceKind::IncomeBands:
        if (!assessment) {
            result.needsAssessment = true;
            break;
        }
        result.band = programme.incomeBandFor(assessment->incomePerUnitCents());
        if (result.band >= 0) {
            const qint64 amount = programme.incomeBands[std::size_t(result.band)].amountCents;
            result.totalCents = programme.incomeBandPerPerson ? amount * persons : amount;
        }
        if (persons == 0)
            result.totalCents = 0;
        break;
    }
    return result;
}

} // namespace cabas
