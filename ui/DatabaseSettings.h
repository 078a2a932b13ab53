#pragma once

#include "store/DatabaseSpec.h"

#include <QString>

namespace cabas::ui {

// The database the desktop app opened last, kept in QSettings under "database/last" as
// DatabaseSpec::displayName(): a SQLite path, or a PostgreSQL address WITHOUT its password (reconnecting
// takes the password from PGPASSWORD or ~/.pgpass, which DatabaseSpec::parse reads, or asks for it).
class DatabaseSettings
{
  public:
    static QString lastDatabase();
    static void remember(const store::DatabaseSpec& spec);
    static void forget();

    // Where a new local database goes unless the user chooses otherwise: AppDataLocation/cabas.cabas.
    static QString defaultDatabasePath();
};

} // namespace cabas::ui
