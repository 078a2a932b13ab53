#pragma once

#include "domain/ProgrammeRules.h"
#include "store/Database.h"
#include "store/Sealed.h"

#include <map>
#include <vector>

namespace cabas::store {

// Income assessments of households (migration 0008): append-only, a new assessment applies from its date.
class IncomeRepository
{
    Q_DECLARE_TR_FUNCTIONS(IncomeRepository)
  public:
    // `keys`: the session's key ring; on a sealed database the assessment's note is sealed with it (amounts
    // and dates stay clear: the reconciliation computes with them).
    explicit IncomeRepository(const Database& db, const security::KeyRing* keys = nullptr)
        : m_db(db), m_sealed(db, keys)
    {
    }

    // Validates, then inserts (assessedAt is the clock's now); call inside a transaction.
    void insert(IncomeAssessment& assessment) const;
    // One household's assessments, oldest first (by effective date, then by id).
    std::vector<IncomeAssessment> forHousehold(qint64 householdId) const;
    // Every household's assessments effective on or before `until`, oldest first, by household id.
    std::map<qint64, std::vector<IncomeAssessment>> allUntil(const QDate& until) const;

  private:
    const Database& m_db;
    Sealed m_sealed;
};

} // namespace cabas::store
