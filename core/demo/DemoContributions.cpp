#include "demo/DemoContributions.h"

#include "domain/Contribution.h"
#include "store/ContributionRepository.h"
#include "store/HouseholdRepository.h"

#include <algorithm>

namespace cabas {

namespace {
quint64 next(quint64& state)
{
    state += 0x9E3779B97F4A7C15ULL;
    quint64 z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
} // namespace

int DemoContributions::generate(const store::Database& db, const Programme& programme, quint64 seed,
                                const QDate& today, const security::KeyRing* keys)
{
    const ContributionRule& rule = programme.contributions;
    if (!rule.enabled)
        return 0;
    quint64 state = seed ^ 0xc0de7105ULL;
    const auto between = [&](qint64 lo, qint64 hi) {
        return lo + qint64(next(state) % quint64(hi - lo + 1));
    };
    // An amount in the rule's range, rounded to 50 cents: mostly small (the scheme's point is that everybody
    // pays what they can), some near the maximum.
    const auto amount = [&] {
        const qint64 draw = between(0, 99);
        qint64 cents = draw < 55   ? between(100, 1000)
                       : draw < 85 ? between(1000, 4000)
                       : draw < 95 ? between(4000, 10000)
                                   : between(10000, 15000);
        cents = cents / 50 * 50;
        return std::clamp(cents, rule.minMonthlyCents, rule.maxMonthlyCents);
    };
    const store::ContributionRepository repository(db);
    int written = 0;
    const int thisMonth = monthIndex(today);
    for (const Household& h : store::HouseholdRepository(db, keys).list()) {
        if (!h.enrolledOn.isValid() || h.enrolledOn > today)
            continue;
        const int first = monthIndex(h.enrolledOn);
        const int last = h.exitedOn.isValid() ? std::min(monthIndex(h.exitedOn), thisMonth) : thisMonth;
        std::vector<std::pair<int, qint64>> choices{{first, amount()}};
        if (last - first >= 4 && between(0, 4) == 0) // one in five changes its amount once
            choices.emplace_back(int(between(first + 2, last - 1)), amount());
        for (const auto& [month, cents] : choices) {
            ContributionChoice c;
            c.householdId = h.id;
            c.fromMonth = monthOfIndex(month);
            c.monthlyCents = cents;
            c.currency = rule.currency;
            c.chosenByUserId = h.referentUserId;
            repository.insertChoice(c);
            ++written;
        }
        // One household in eight stopped paying 1 to 4 months ago; the others sometimes pay late (the next
        // month, both months at once).
        const int stopsAt = between(0, 7) == 0 ? last - int(between(0, 3)) : last + 1;
        qint64 carried = 0;
        for (int m = first; m <= last && m < stopsAt; ++m) {
            qint64 due = 0;
            for (const auto& [month, cents] : choices)
                if (month <= m)
                    due = cents;
            if (between(0, 9) == 0 && m < last) { // late: paid with the next month
                carried += due;
                continue;
            }
            ContributionPayment p;
            p.householdId = h.id;
            p.paidOn = monthOfIndex(m).addDays(int(between(0, 9)));
            if (p.paidOn > today)
                p.paidOn = today;
            p.amountCents = due + carried;
            p.currency = rule.currency;
            p.recordedByUserId = h.referentUserId;
            carried = 0;
            if (p.paidOn < h.enrolledOn)
                p.paidOn = h.enrolledOn;
            repository.insertPayment(p);
            ++written;
        }
    }
    return written;
}

} // namespace cabas
