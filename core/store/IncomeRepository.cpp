#include "store/IncomeRepository.h"

#include "common/Clock.h"
#include "common/Error.h"

namespace cabas::store {

namespace {
const char* const kColumns =
    "SELECT a.id, a.household_id, a.effective_on, a.income_from, a.income_to, a.monthly_income_cents, "
    "a.consumption_units_milli, a.assessed_by, u.login, a.assessed_at, a.note "
    "FROM income_assessment a LEFT JOIN app_user u ON u.id = a.assessed_by ";

const QLatin1String kNote("income_assessment.note");

// The table is append-only (a trigger refuses updates): the note is sealed before the INSERT, bound to the
// household and the assessment's time instead of the row id.
QString noteKey(qint64 householdId, const QDateTime& assessedAt)
{
    return QString::number(householdId) + QLatin1Char('/') + timestampValue(assessedAt).toString();
}

IncomeAssessment read(const QSqlQuery& q, const Sealed& sealed)
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
    a.note = sealed.open(kNote, noteKey(a.householdId, a.assessedAt), q.value(10));
    return a;
}
} // namespace

void IncomeRepository::insert(IncomeAssessment& a) const
{
    const QStringList problems = a.validate();
    if (!problems.isEmpty())
        throw Error(problems.join(QLatin1Char('\n')), Error::Kind::Invalid);
    a.assessedAt = Clock::instance().nowUtc();
    m_sealed.requireKeys();
    QSqlQuery q = m_db.exec(
        QStringLiteral("INSERT INTO income_assessment (household_id, effective_on, income_from, income_to, "
                       "monthly_income_cents, consumption_units_milli, assessed_by, assessed_at, note) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
        {a.householdId, dateValue(a.effectiveOn), dateValue(a.incomeFrom), dateValue(a.incomeTo),
         a.monthlyIncomeCents, a.consumptionUnitsMilli, idValue(a.assessedByUserId),
         timestampValue(a.assessedAt),
         textValue(m_sealed.seal(kNote, noteKey(a.householdId, a.assessedAt), a.note))});
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
        result.push_back(read(q, m_sealed));
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
        IncomeAssessment a = read(q, m_sealed);
        result[a.householdId].push_back(std::move(a));
    }
    return result;
}

} // namespace cabas::store
