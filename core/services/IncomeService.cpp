#include "services/IncomeService.h"

#include "common/Error.h"
#include "security/AuditTrail.h"
#include "store/HouseholdRepository.h"
#include "store/IncomeRepository.h"
#include "store/ProgrammeRepository.h"

namespace cabas {

qint64 IncomeService::householdId(const QString& code) const
{
    const auto household = store::HouseholdRepository(m_db, m_session.keys.get()).findByCode(code);
    if (!household)
        throw Error(tr("There is no household %1.").arg(code), Error::Kind::NotFound);
    return household->id;
}

void IncomeService::requireIncomeRead(const QString& recordRef) const
{
    const AuditTrail audit(m_db);
    // Coordinators read households by code only: a household's income is not theirs to see.
    if (m_session.role() == Role::Coordinator) {
        audit.record(&m_session, QStringLiteral("read"), QStringLiteral("income_assessment"), recordRef,
                     QStringLiteral("denied"));
        throw Error(AccessPolicy::refusal(m_session.role(), DataKind::Households, Action::Read),
                    Error::Kind::AccessDenied);
    }
    audit.require(m_session, DataKind::Households, Action::Read, QStringLiteral("income_assessment"),
                  recordRef);
}

IncomeAssessmentView IncomeService::view(const IncomeAssessment& a) const
{
    IncomeAssessmentView v;
    v.assessment = a;
    const auto programme = store::ProgrammeRepository(m_db).load();
    if (programme) {
        if (programme->allowanceKind == AllowanceKind::IncomeBands) {
            v.band = programme->incomeBandFor(a.incomePerUnitCents());
            if (v.band >= 0)
                v.bandAmountCents = programme->incomeBands[std::size_t(v.band)].amountCents;
        }
        v.reassessBy = a.effectiveOn.addMonths(programme->reassessmentMonths);
    }
    return v;
}

IncomeAssessmentView IncomeService::assess(const QString& householdCode, IncomeAssessment a) const
{
    const AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Households, Action::Write, QStringLiteral("income_assessment"),
                  householdCode);
    a.householdId = householdId(householdCode);
    a.assessedByUserId = m_session.user.id;
    a.assessedBy = m_session.login();
    if (a.consumptionUnitsMilli == 0 && a.effectiveOn.isValid()) {
        const auto programme = store::ProgrammeRepository(m_db).load();
        const ConsumptionUnitWeights weights =
            programme ? programme->consumptionUnits : ConsumptionUnitWeights{};
        a.consumptionUnitsMilli = consumptionUnitsMilli(
            weights, store::PersonRepository(m_db, m_session.keys.get()).forHousehold(a.householdId),
            a.effectiveOn);
        if (a.consumptionUnitsMilli == 0)
            throw Error(tr("consumption_units: household %1 has no member on %2, so its consumption units "
                           "cannot be counted; give them.")
                            .arg(householdCode, a.effectiveOn.toString(Qt::ISODate)),
                        Error::Kind::Invalid);
    }
    const QStringList problems = a.validate();
    if (!problems.isEmpty())
        throw Error(problems.join(QLatin1Char('\n')), Error::Kind::Invalid);
    store::Database::Transaction tx(m_db);
    store::IncomeRepository(m_db, m_session.keys.get()).insert(a);
    audit.record(m_session, QStringLiteral("create"), QStringLiteral("income_assessment"), householdCode,
                 tr("effective on %1").arg(a.effectiveOn.toString(Qt::ISODate)));
    tx.commit();
    return view(a);
}

std::vector<IncomeAssessmentView> IncomeService::history(const QString& householdCode) const
{
    requireIncomeRead(householdCode);
    std::vector<IncomeAssessmentView> result;
    for (const IncomeAssessment& a :
         store::IncomeRepository(m_db, m_session.keys.get()).forHousehold(householdId(householdCode)))
        result.push_back(view(a));
    return result;
}

std::optional<IncomeAssessmentView> IncomeService::inForce(const QString& householdCode,
                                                           const QDate& day) const
{
    requireIncomeRead(householdCode);
    const std::vector<IncomeAssessment> all =
        store::IncomeRepository(m_db, m_session.keys.get()).forHousehold(householdId(householdCode));
    const IncomeAssessment* a = assessmentOn(all, day);
    if (!a)
        return std::nullopt;
    return view(*a);
}

} // namespace cabas
