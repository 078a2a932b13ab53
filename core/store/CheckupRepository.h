#pragma once

#include "domain/Checkup.h"
#include "store/Database.h"

#include <optional>
#include <vector>

namespace cabas::store {

class CheckupRepository
{
    Q_DECLARE_TR_FUNCTIONS(CheckupRepository)
  public:
    explicit CheckupRepository(const Database& db) : m_db(db) {}

    // Throws Conflict when the person already has a checkup for that wave.
    void insert(Checkup& checkup);
    // Saves a corrected checkup if its version is still the stored one, then bumps it; else throws Conflict
    // (also when another checkup of the person has the new wave).
    void update(Checkup& checkup);
    std::optional<Checkup> findById(qint64 id) const;
    std::vector<Checkup> forPerson(qint64 personId) const; // oldest first
    // The corrections of a checkup (oldest first) and the recording of one.
    void addCorrection(CheckupCorrection& correction);
    std::vector<CheckupCorrection> corrections(qint64 checkupId) const;

  private:
    const Database& m_db;
};

} // namespace cabas::store
