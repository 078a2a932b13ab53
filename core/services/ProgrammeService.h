#pragma once

#include "domain/Programme.h"
#include "security/Session.h"
#include "store/Database.h"

#include <QCoreApplication>
#include <optional>

namespace cabas {

// The programme's rules as administrators change them (privacy.md: programme settings are administration).
// Every role reads the rules (they decide allowances and waves); only administrators save, audited, with
// optimistic versioning (Error::Kind::Conflict when someone saved in between).
class ProgrammeService
{
    Q_DECLARE_TR_FUNCTIONS(ProgrammeService)
  public:
    ProgrammeService(const store::Database& db, const Session& session) : m_db(db), m_session(session) {}

    std::optional<Programme> load() const;
    // Throws Error (Invalid, with every problem) when the rules are not valid; writes nothing then.
    void save(Programme& programme) const;

  private:
    const store::Database& m_db;
    const Session& m_session;
};

} // namespace cabas
