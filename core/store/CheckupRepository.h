#pragma once

#include "domain/Checkup.h"
#include "store/Database.h"

#include <vector>

namespace cabas::store {

class CheckupRepository
{
    Q_DECLARE_TR_FUNCTIONS(CheckupRepository)
  public:
    explicit CheckupRepository(const Database& db) : m_db(db) {}

    // Throws Conflict when the person already has a checkup for that wave.
    void insert(Checkup& checkup);
    std::vector<Checkup> forPerson(qint64 personId) const; // oldest first

  private:
    const Database& m_db;
};

} // namespace cabas::store
