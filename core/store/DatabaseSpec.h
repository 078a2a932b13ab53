#pragma once

#include <QCoreApplication>
#include <QProcessEnvironment>
#include <QString>

namespace cabas::store {

enum class Backend
{
    Sqlite,
    Postgres
};

// Where a Cabas database lives, as given by `--db` (or CABAS_DB):
//   path/to/file.cabas                                   a SQLite file (the default backend)
//   postgresql://user:password@host:port/dbname          a PostgreSQL database (postgres:// works too)
// A PostgreSQL password missing from the URL is taken from PGPASSWORD, then from the PGPASSFILE file (or
// ~/.pgpass), in libpq's format.
struct DatabaseSpec
{
    Q_DECLARE_TR_FUNCTIONS(DatabaseSpec)
  public:
    Backend backend = Backend::Sqlite;
    QString path; // SQLite
    QString host; // PostgreSQL
    int port = 5432;
    QString user;
    QString password;
    QString databaseName;
    QString options; // extra libpq connection options, such as sslmode=require

    // Throws cabas::Error with a clear message when `text` is not a usable database location.
    static DatabaseSpec parse(const QString& text,
                              const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment());

    // The libpq options Cabas connects with: a 10 s connect timeout, the address's own options, and, for a
    // server on another machine whose address sets no sslmode, sslmode=verify-full (TLS with the server's
    // certificate checked: social and health data never cross a network in clear unless the address says
    // sslmode=disable). A server on this machine (localhost, a loopback address, a socket folder) keeps
    // libpq's default.
    QString connectOptions() const;
    // The sslmode the connection uses ("" when libpq's default applies).
    QString effectiveSslMode() const;
    bool isLocalHost() const;

    // A form safe to show and to remember in settings: never the password.
    QString displayName() const;
    QString toStringWithoutPassword() const { return displayName(); }
};

// Looks up a password in a libpq password file (hostname:port:database:username:password, * as wildcard,
// backslash escapes). Returns a null string when no line matches or the file cannot be read.
QString lookUpPgPass(const QString& file, const QString& host, int port, const QString& database,
                     const QString& user);

} // namespace cabas::store
