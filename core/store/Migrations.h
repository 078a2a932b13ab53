#pragma once

#include "store/DatabaseSpec.h"

#include <QString>
#include <QStringList>
#include <vector>

namespace cabas::store {

// The schema's history: one SQL file per version in core/store/migrations, named NNNN_name.sql, embedded in
// the program. A file NNNN_name.sqlite.sql or NNNN_name.postgresql.sql is run after the common one on that
// backend, for what the dialects write differently (triggers, functions). These placeholders are replaced
// per backend:
//   @PK@    an auto-generated 64-bit primary key
//   @BLOB@  binary data
struct Migration
{
    int version = 0;
    QString name;
    QString commonSql;
    QString sqliteSql;
    QString postgresSql;

    QString sqlFor(Backend backend) const;
};

// Every migration, in order; versions run 1..N without a gap (checked when they are loaded).
const std::vector<Migration>& migrations();

// Tests only: replaces the embedded migrations with `list` until called again with nullptr, to exercise
// upgrades from older schemas and failing migrations. Not thread-safe; never used by the application.
void overrideMigrationsForTesting(const std::vector<Migration>* list);

// Splits a script into statements on top-level semicolons, respecting quotes, comments, PostgreSQL
// dollar-quoted bodies and SQLite trigger bodies (BEGIN ... END).
QStringList splitSqlStatements(const QString& script);

} // namespace cabas::store
