#pragma once

#include "domain/ProgrammeRules.h"
#include "security/Session.h"
#include "store/Database.h"

#include <QCoreApplication>
#include <optional>
#include <vector>

namespace cabas {

// One assessment with what the programme's bands make of it.
struct IncomeAssessmentView
{
    IncomeAssessment assessment;
    int band = -1;              // 0-based band of the programme's income-band allowance; -1 without bands
    qint64 bandAmountCents = 0; // that band's monthly amount (per household, or per member)
    QDate reassessBy;           // effectiveOn + the programme's re-assessment interval
};

// Income assessments of households, for programmes whose allowance follows income bands
// (docs/reconciliation.md). Social workers record them (Households/Write); social workers, nurses and
// administrators read them; a coordinator sees households by code only and never their income (privacy.md).
// Writes and refusals are audited; an assessment is never changed: a new one applies from its date, the
// history stays.
class IncomeService
{
    Q_DECLARE_TR_FUNCTIONS(IncomeService)
  public:
    IncomeService(const store::Database& db, const Session& session) : m_db(db), m_session(session) {}

    // Records an assessment for the household `householdCode`. When consumptionUnitsMilli is 0 it is computed
    // from the members present on effectiveOn with the programme's weights. Throws Invalid (every problem),
    // NotFound, AccessDenied; writes nothing then.
    IncomeAssessmentView assess(const QString& householdCode, IncomeAssessment assessment) const;
    // The household's assessments, oldest first.
    std::vector<IncomeAssessmentView> history(const QString& householdCode) const;
    // The assessment in force on `day` (none: assessment empty, band -1).
    std::optional<IncomeAssessmentView> inForce(const QString& householdCode, const QDate& day) const;

  private:
    qint64 householdId(const QString& code) const;
    void requireIncomeRead(const QString& recordRef) const;
    IncomeAssessmentView view(const IncomeAssessment& a) const;

    const store::Database& m_db;
    const Session& m_session;
};

} // namespace cabas
