#pragma once

#include "domain/Questionnaire.h"
#include "store/Database.h"

#include <vector>

namespace cabas::store {

class QuestionnaireRepository
{
    Q_DECLARE_TR_FUNCTIONS(QuestionnaireRepository)
  public:
    explicit QuestionnaireRepository(const Database& db) : m_db(db) {}

    // Throws Conflict when the person already has a questionnaire for that wave.
    void insert(DietQuestionnaire& q);
    std::vector<DietQuestionnaire> forPerson(qint64 personId) const; // oldest first

  private:
    const Database& m_db;
};

} // namespace cabas::store
