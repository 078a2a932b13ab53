#pragma once

#include "domain/Person.h"
#include "domain/Programme.h"
#include "domain/ProgrammeRules.h"

#include <vector>

namespace cabas {

struct AllowanceBreakdown
{
    int adults = 0;
    int children = 0;
    qint64 totalCents = 0;
    int band = -1;                // income bands: the band applied (0-based)
    bool needsAssessment = false; // income bands: no assessment in force, so no amount can be told
};

// The monthly allowance the programme gives a household for the month containing `month`: it follows from
// the members present on the first day of that month; a child counts as an adult from the programme's adult
// age (18 by default). By role: adults x adult amount + children x child amount; per person: members x the
// amount; income bands: the band of `assessment`'s income per consumption unit (per household, or per member
// when the programme says so) — without an assessment the total is 0 and needsAssessment is set.
// Not prorated: see proratedCents().
AllowanceBreakdown monthlyAllowance(const Programme& programme, const std::vector<Person>& members,
                                    const QDate& month, const IncomeAssessment* assessment = nullptr);

} // namespace cabas
