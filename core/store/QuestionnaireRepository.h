#pragma once

#include "domain/Questionnaire.h"
#include "store/Database.h"
#include "store/HealthSealing.h"

#include <vector>

namespace cabas::store {

class QuestionnaireRepository
{
    Q_DECLARE_TR_FUNCTIONS(QuestionnaireRepository)
  public:
    // `keys`: the session's (needed on a database whose health data is sealed: store/HealthSealing.h).
    explicit QuestionnaireRepository(const Database& db, const security::KeyRing* keys = nullptr)
        : m_db(db), m_seal(db, keys)
    {
    }

    // Throws Conflict when the person already has a questionnaire for that wave.
    void insert(DietQuestionnaire& q);
    std::vector<DietQuestionnaire> forPerson(qint64 personId) const; // oldest first

  private:
    const Database& m_db;
    HealthSealing m_seal;
};

} // namespace cabas::store
