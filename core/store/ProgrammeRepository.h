#pragma once

#include "domain/Programme.h"
#include "store/Database.h"

#include <optional>

namespace cabas::store {

// A Cabas database holds one programme.
class ProgrammeRepository
{
    Q_DECLARE_TR_FUNCTIONS(ProgrammeRepository)
  public:
    explicit ProgrammeRepository(const Database& db) : m_db(db) {}

    std::optional<Programme> load() const;
    // Inserts the programme when it has no id, else updates it (optimistic versioning: throws Conflict if it
    // changed since it was loaded). Validates first; call inside a transaction.
    void save(Programme& programme);

  private:
    void writeRules(const Programme& programme);
    const Database& m_db;
};

} // namespace cabas::store
