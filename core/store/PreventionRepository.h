#pragma once

#include "domain/Prevention.h"
#include "store/Database.h"

#include <vector>

namespace cabas::store {

// Prevention steps and individual support sessions (tables prevention_step and support_session).
class PreventionRepository
{
    Q_DECLARE_TR_FUNCTIONS(PreventionRepository)
  public:
    explicit PreventionRepository(const Database& db) : m_db(db) {}

    // Both validate first and throw Error(Invalid) with every problem.
    void insertStep(PreventionStep& step);
    void insertSession(SupportSession& session);

    std::vector<PreventionStep> stepsForPerson(qint64 personId) const; // oldest first
    // The person's own sessions and those held with their whole household, oldest first.
    std::vector<SupportSession> sessionsForPerson(qint64 personId, qint64 householdId) const;
    std::vector<SupportSession> sessionsForHousehold(qint64 householdId) const; // every one, oldest first

  private:
    std::vector<SupportSession> readSessions(const QString& where, const QVariantList& values) const;
    const Database& m_db;
};

} // namespace cabas::store
