#pragma once

#include "domain/Person.h"
#include "domain/Programme.h"

#include <vector>

namespace cabas {

struct AllowanceBreakdown
{
    int adults = 0;
    int children = 0;
    qint64 totalCents = 0;
};

// The monthly allowance the programme gives a household for the month containing `month`: it follows from
// the members present on the first day of that month; a child counts as an adult from the programme's adult
// age (18 by default).
AllowanceBreakdown monthlyAllowance(const Programme& programme, const std::vector<Person>& members,
                                    const QDate& month);

} // namespace cabas
