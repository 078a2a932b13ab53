#pragma once

#include "domain/Prevention.h"
#include "store/Database.h"
#include "store/HealthSealing.h"

#include <vector>

namespace cabas::store {

// Prevention steps and individual support sessions (tables prevention_step and support_session).
class PreventionRepository
{
    Q_DECLARE_TR_FUNCTIONS(PreventionRepository)
  public:
    // `keys`: the session's (needed on a database whose health data is sealed: store/HealthSealing.h; there
    // partner, outcome, notes and topics are sealed under the health key, types and dates stay clear).
    explicit PreventionRepository(const Database& db, const security::KeyRing* keys = nullptr)
        : m_db(db), m_seal(db, keys)
    {
    }

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
    HealthSealing m_seal;
};

} // namespace cabas::store
