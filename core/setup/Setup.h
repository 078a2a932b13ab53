#pragma once

#include "domain/Programme.h"
#include "domain/User.h"
#include "store/Database.h"

#include <memory>
#include <optional>

namespace cabas {

struct InitRequest
{
    store::DatabaseSpec spec;
    QString adminLogin;
    QString adminDisplayName; // defaults to the login
    QString adminPassword;
    std::optional<Programme> programme; // none: Programme::defaults(today)
    // Seal the protected columns of persons and households (store/Sealed.h, docs/encryption.md): the default
    // for new databases (the desktop's first-run dialog ticks it, `cabas-cli init` unless --clear). The
    // tests' TempDatabase::createInitialised() and the benches' clear runs set it to false.
    bool sealFields = true;
};

// Creates a new Cabas database with its programme and first administrator. Everything is checked before the
// database is created, and a failure afterwards removes what was created (SQLite), so that init either
// produces a complete database or nothing. Never touches an existing database.
//
// The database gets its key ring (docs/encryption.md) in the same transaction as the first administrator: the
// administrator's key slot and the recovery slot. `recoveryKey` receives the recovery key, which exists
// nowhere else: the caller shows it once (cabas-cli init prints it, the first-run dialog shows it) and
// forgets it.
class Setup
{
    Q_DECLARE_TR_FUNCTIONS(Setup)
  public:
    static std::unique_ptr<store::Database> initDatabase(const InitRequest& request,
                                                         QString* recoveryKey = nullptr);
};

// Counts shown on the home page and by `cabas-cli info`.
struct DatabaseSummary
{
    int schemaVersion = 0;
    QString programmeName;
    qint64 users = 0;
    qint64 households = 0;
    qint64 persons = 0;
    qint64 cards = 0;
};
DatabaseSummary summarize(const store::Database& db);

} // namespace cabas
