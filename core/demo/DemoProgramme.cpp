#include "demo/DemoProgramme.h"

#include "common/Error.h"
#include "domain/ProgrammeRules.h"
#include "services/ProgrammeService.h"
#include "store/HouseholdRepository.h"
#include "store/IncomeRepository.h"

#include <QFile>
#include <QJsonDocument>

namespace cabas {

QStringList DemoProgramme::schemes()
{
    return {QStringLiteral("gers"), QStringLiteral("vitalim"), QStringLiteral("rennes"),
            QStringLiteral("montpellier")};
}

Programme DemoProgramme::scheme(const QString& name)
{
    if (!schemes().contains(name))
        throw Error(tr("\"%1\" is not a demo scheme (%2).").arg(name, schemes().join(QStringLiteral(", "))),
                    Error::Kind::Invalid);
    return Programme::fromFile(QStringLiteral(":/cabas/schemes/%1.json").arg(name));
}

void DemoProgramme::apply(const store::Database& db, const Session& session, Programme programme)
{
    if (store::HouseholdRepository(db, session.keys.get()).count() > 0)
        throw Error(tr("This database already has households: the demo only fills a new, empty database "
                       "(cabas-cli init, then cabas-cli demo)."),
                    Error::Kind::Conflict);
    const ProgrammeService service(db, session);
    const auto current = service.load();
    if (current) {
        programme.id = current->id;
        programme.version = current->version;
    }
    service.save(programme);
}

namespace {
// splitmix64, as the demo generator's: the same numbers on every platform.
quint64 mixNext(quint64& state)
{
    quint64 z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
} // namespace

int DemoProgramme::assessIncomes(const store::Database& db, const Programme& programme, quint64 seed,
                                 const QDate& today, const security::KeyRing* keys)
{
    if (!programme.needsIncomeAssessment())
        return 0;
    quint64 state = seed ^ 0x1c0e5eedULL;
    const auto between = [&](qint64 lo, qint64 hi) {
        return lo + qint64(mixNext(state) % quint64(hi - lo + 1));
    };
    const store::PersonRepository persons(db, keys);
    const store::IncomeRepository incomes(db, keys);
    int written = 0;
    for (const Household& h : store::HouseholdRepository(db, keys).list()) {
        if (!h.enrolledOn.isValid())
            continue;
        const std::vector<Person> members = persons.forHousehold(h.id);
        // Monthly income per consumption unit mostly under the first bands' limits (a programme for
        // households in precarity), some above.
        qint64 perUnit = between(35000, 140000);
        const QDate end = h.exitedOn.isValid() ? std::min(h.exitedOn, today) : today;
        for (QDate on = h.enrolledOn; on <= end; on = on.addMonths(programme.reassessmentMonths)) {
            IncomeAssessment a;
            a.householdId = h.id;
            a.effectiveOn = on;
            a.incomeFrom = QDate(on.year(), on.month(), 1).addMonths(-3);
            a.incomeTo = QDate(on.year(), on.month(), 1).addDays(-1);
            a.consumptionUnitsMilli = consumptionUnitsMilli(programme.consumptionUnits, members, on);
            if (a.consumptionUnitsMilli < 1000)
                a.consumptionUnitsMilli = 1000;
            a.monthlyIncomeCents = perUnit * a.consumptionUnitsMilli / 1000 / 100 * 100;
            a.assessedByUserId = h.referentUserId;
            incomes.insert(a);
            ++written;
            perUnit = std::max<qint64>(0, perUnit + between(-15000, 15000));
        }
    }
    return written;
}

} // namespace cabas
