#include "store/IncomeRepository.h"

#include "common/Clock.h"
#include "common/Error.h"

namespace cabas::store {

namespace {
const char* const kColumns =
    "SELECT a.id, a.household_id, a.effective_on, a.income_from, a.income_to, a.monthly_income_cents, "
    "a.consumption_units_milli, a.assessed_by, u.login, a.assessed_at, a.note "
    "FROM income_assessment a LEFT JOIN app_user u ON u.id = a.assessed_by ";

IncomeAssessment read(const QSqlQuery& q)
{
    IncomeAssessment a;
    a.id = q.value(0).toLongLong();
    a.householdId = q.value(1).toLongLong();
    a.effectiveOn = toDate(q.value(2));
    a.incomeFrom = toDate(q.value(3));
    a.incomeTo = toDate(q.value(4));
    a.monthlyIncomeCents = q.value(5).toLongLong();
    a.consumptionUnitsMilli = q.value(6).toInt();
    a.assessedByUserId = q.value(7).toLongLong();
    a.assessedBy = q.value(8).toString();
    a.assessedAt = toTimestamp(q.value(9));
    a.note = q.value(10).toString();
    return a;
}
} // namespace

void IncomeRepository::insert(IncomeAssessment& a) const
{
    const QStringList problems = a.validate();
    if (!problems.isEmpty())
        throw Error(problems.join(QLatin1Char('\n')), Error::Kind::Invalid);
    a.assessedAt = Clock::instance().nowUtc();
    QSqlQuery q = m_db.exec(
        QStringLiteral("INSERT INTO income_assessment (household_id, effective_on, income_from, income_to, "
                       "monthly_income_cents, consumption_units_milli, assessed_by, assessed_at, note) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
        {a.householdId, dateValue(a.effectiveOn), dateValue(a.incomeFrom), dateValue(a.incomeTo),
         a.monthlyIncomeCents, a.consumptionUnitsMilli, idValue(a.assessedByUserId),
         timestampValue(a.assessedAt), textValue(a.note)});
    q.next();
    a.id = q.value(0).toLongLong();
}

std::vector<IncomeAssessment> IncomeRepository::forHousehold(qint64 householdId) const
{
    std::vector<IncomeAssessment> result;
    QSqlQuery q = m_db.exec(QLatin1String(kColumns) +
                                QStringLiteral("WHERE a.household_id = ? ORDER BY a.effective_on, a.id"),
                            {householdId});
    while (q.next())
        result.push_back(read(q));
    return result;
}

std::map<qint64, std::vector<IncomeAssessment>> IncomeRepository::allUntil(const QDate& until) const
{
    std::map<qint64, std::vector<IncomeAssessment>> result;
    QSqlQuery q = m_db.exec(QLatin1String(kColumns) +
                                QStringLiteral("WHERE a.effective_on <= ? ORDER BY a.household_id, "
                                               "a.effective_on, a.id"),
                            {dateValue(until)});
    while (q.next()) {
        IncomeAssessment a = read(q);
        result[a.householdId].push_back(std::move(a));
    }
    return result;
}

} // namespace cabas::store
