#pragma once

#include "security/Session.h"
#include "store/Database.h"

#include <QSqlDatabase>
#include <QStringList>
#include <QTemporaryDir>
#include <QVariant>
#include <memory>
#include <vector>

namespace cabas::test {

// The backends every storage test runs on: SQLite always; PostgreSQL when CABAS_TEST_PG gives a server
// (postgresql://user@127.0.0.1:port/postgres). Without it the PostgreSQL runs are skipped with a warning,
// or fail when CABAS_REQUIRE_PG=1.
std::vector<store::Backend> backendsUnderTest();
const char* backendName(store::Backend backend);

// A raw Qt SQL connection to `spec`, outside Cabas's checks, registered as `name` and not yet opened (SQLite:
// with `sqliteOptions` as its connect options). Remove it with QSqlDatabase::removeDatabase(name).
QSqlDatabase addRawConnection(const store::DatabaseSpec& spec, const QString& name,
                              const QString& sqliteOptions = QString());
// Runs `statements` on a short-lived raw connection of its own; returns the first column of the first row of
// the last query that gave one (null when none). Throws std::runtime_error on failure.
QVariant runRaw(const store::DatabaseSpec& spec, const QStringList& statements);
// Runs one statement on a raw connection of its own.
void rawExec(const store::DatabaseSpec& spec, const QString& sql);

// A fresh, empty place for a database on one backend: a file in a temporary folder, or a new PostgreSQL
// database (dropped when this object is destroyed: destroy every Database on it first).
class TempDatabase
{
  public:
    explicit TempDatabase(store::Backend backend);
    ~TempDatabase();
    TempDatabase(const TempDatabase&) = delete;
    TempDatabase& operator=(const TempDatabase&) = delete;

    store::Backend backend() const { return m_spec.backend; }
    const store::DatabaseSpec& spec() const { return m_spec; }
    // The --db argument that names it (with the password, if any).
    QString url() const;
    QString dir() const { return m_dir.path(); }

    std::unique_ptr<store::Database> create() const;
    // Created through Setup::initDatabase with administrator "admin" / kAdminPassword and the default
    // programme; `recoveryKey`, when given, receives the recovery key init printed.
    std::unique_ptr<store::Database> createInitialised(QString* recoveryKey = nullptr) const;
    // The same with persons and households sealed (InitRequest::sealFields, store/Sealed.h).
    std::unique_ptr<store::Database> createSealed() const;
    // A database as made before key rings (schema 12 or later, no key ring: docs/encryption.md): created as
    // createInitialised() does, then its key ring removed. Logins on it open no keys.
    std::unique_ptr<store::Database> createWithoutKeyRing() const;
    std::unique_ptr<store::Database> open() const;

    // Runs SQL on a separate raw connection, outside Cabas's checks (to fake old or foreign databases).
    void rawExec(const QString& sql) const;
    // The first column of the first row of a query on a raw connection (null when no row).
    QVariant rawValue(const QString& sql) const;

    static const char* const kAdminPassword;

  private:
    QTemporaryDir m_dir;
    store::DatabaseSpec m_spec;
    store::DatabaseSpec m_adminSpec;
};

// Logs in as the administrator createInitialised() made.
Session adminSession(const store::Database& db);
// The user `login` keeps the password an administrator gave them, as if they had chosen it: clears
// app_user.password_must_change (what changing one's own password does) without the Argon2id work, for
// fixtures whose subject is not the temporary password.
void settlePassword(const store::Database& db, const QString& login);
// Adds a user with `role` (login = role code unless given) through the administrator and logs in as them
// (their password settled: settlePassword).
Session sessionFor(const store::Database& db, Role role, const QString& login = QString());

} // namespace cabas::test

#define CABAS_BACKEND_INFO(backend) INFO("backend: " << ::cabas::test::backendName(backend))
