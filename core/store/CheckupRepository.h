#pragma once

#include "domain/Checkup.h"
#include "store/Database.h"
#include "store/HealthSealing.h"

#include <optional>
#include <vector>

namespace cabas::store {

class CheckupRepository
{
    Q_DECLARE_TR_FUNCTIONS(CheckupRepository)
  public:
    // `keys`: the session's (needed on a database whose health data is sealed: store/HealthSealing.h; on
    // others it may be null).
    explicit CheckupRepository(const Database& db, const security::KeyRing* keys = nullptr)
        : m_db(db), m_seal(db, keys)
    {
    }

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
    Checkup readCheckup(const QSqlQuery& q) const;
    const Database& m_db;
    HealthSealing m_seal;
};

} // namespace cabas::store
