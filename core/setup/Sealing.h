#pragma once

#include "domain/User.h"
#include "security/Session.h"
#include "store/Database.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QString>
#include <functional>
#include <memory>
#include <vector>

namespace cabas {

namespace security {
class KeyRing;
}

// One part of what sealing an existing database rewrites (docs/encryption.md, step 5): the persons and
// households (format 1), then the health tables (format 2). Sealing::scopes() returns the list; the marker
// written at the end is Sealing::markerFor() of the whole list ("2:person,household,health"). Each scope runs
// in the same transaction as the others (the copy on SQLite, the server's one transaction on PostgreSQL), so
// it must not commit, and should report its rows through c.progress.
struct SealingScope
{
    struct Context
    {
        const store::Database& db;
        // Scopes needing the data key: the administrator's ring (data key and root signing key). Scopes
        // needing the health keys: a ring holding the health and cohort keys, which administrators never hold
        // — the administrator's ring in which Sealing created them (no nurse held a health key yet), or the
        // recovery key's ring (typed by the administrator). See docs/encryption.md "Sealing an existing
        // database".
        const security::KeyRing& keys;
        // Rows done and rows in all; returns false to cancel (throw Error Cancelled).
        std::function<bool(qint64 done, qint64 total)> progress;
    };
    enum class Keys
    {
        Data,  // the data key
        Health // the health and cohort keys
    };
    QString name; // what the marker lists: "person,household", "health"
    int format = 1;
    std::function<void(const Context&)> seal;
    Keys keys = Keys::Data;
};

// Seals an existing clear database in place (docs/encryption.md, plan step 5), for an administrator who
// types their password again.
//
// SQLite: a verified backup first (kept, named, to be destroyed by the administrator once the sealed file is
// checked); a page copy NAME.encrypting in which, only, the key ring is created when missing, the other
// users' key slots are issued with temporary passwords, every scope is rewritten and the marker set; then
// VACUUM INTO NAME.encrypted, which is checked (it opens, the same rows, a sample decrypts to the original's
// values), flushed, and renamed over NAME. A crash or a kill at any moment leaves NAME either untouched or
// completely sealed; the leftovers are deleted by the next open (store::SealExisting).
//
// PostgreSQL: the same writes in one transaction on the server (after a pg_dump backup); any failure rolls
// everything back. Needs the owner's connection (as init and recovery do).
//
// Users: the other active users without a key slot (on a database without a key ring: all of them) get a
// new random temporary password and a slot for it, listed once in Result::temporaryPasswords (their old
// passwords cannot open a slot: nobody knows them). An administrator hands each one over; the user changes
// it. Disabled users get nothing: enabling them later needs a new password (and slot) from an
// administrator.
class Sealing
{
    Q_DECLARE_TR_FUNCTIONS(Sealing)
  public:
    enum class Phase
    {
        Backup,  // the backup is being written (pages)
        Copy,    // the page copy NAME.encrypting (pages); PostgreSQL: not used
        Keys,    // key ring and users' slots (users done / users)
        Rewrite, // the scopes' rows
        Vacuum,  // VACUUM INTO NAME.encrypted (0 of 1, then 1 of 1)
        Verify,  // checking the new file (0 of 1, then 1 of 1)
        Replace  // the rename (0 of 1 just before, 1 of 1 just after)
    };
    // Returning false cancels, up to the rename (then the original is untouched and nothing is left over
    // but the backup).
    using Progress = std::function<bool(Phase phase, qint64 done, qint64 total)>;

    // What sealing a database would do (read only: the desktop and cabas-cli ask for the recovery key from
    // it).
    struct Plan
    {
        bool social = false; // persons and households (a clear database)
        bool health = false; // the health tables, which the database's marker does not cover yet
        // ... whose health key exists already: the nurses hold it, never an administrator, so the health
        // tables are sealed only with the recovery key (Options::recoveryKey).
        bool healthKeyHeld = false;
        bool recoveryHoldsHealth = false; // the recovery slot holds that health key
        bool anything() const { return social || health; }
        bool needsRecoveryKey() const { return health && healthKeyHeld; }
    };
    static Plan plan(const store::Database& db);

    struct Options
    {
        QString password; // the administrator's, typed again
        // The recovery key (printed at init), to seal the health tables when Plan::healthKeyHeld. Without it
        // a clear database is sealed without them (format 1: persons and households); a database sealed so is
        // refused (nothing else to do).
        QString recoveryKey;
        QString backupFile; // empty: defaultBackupFile()
        Progress progress;
    };
    struct TemporaryPassword
    {
        QString login;
        QString displayName;
        Role role = Role::SocialWorker;
        QString password;
    };
    struct Result
    {
        QString backupFile;
        QString recoveryKey; // when the key ring was created now: shown once, like init's
        std::vector<TemporaryPassword> temporaryPasswords;
        QString counts;      // the rows sealed, per table
        QString pendingFile; // SQLite: the checked NAME.encrypted, until install()
        qint64 auditHighWater = 0;
        QString marker;      // what the sealed database's marker says ("2:person,household,health")
        bool health = false; // whether the health tables were sealed (see scopes())
    };

    // The scopes rewritten, in order. With `health`: the health tables too (format 2). They are sealed when
    // the database has no health key yet (the sealing then creates the health and cohort keys and grants them
    // to the nurses' and coordinators' slots and the recovery slot), or with the recovery key when the nurses
    // hold one (the recovery slot holds it too; the cohort key is created when missing). Without either, a
    // clear database keeps its health clear (format 1) until it is sealed again with the recovery key.
    static std::vector<SealingScope> scopes(bool health = false);
    static QString markerFor(const std::vector<SealingScope>& scopes);
    // NAME.before-sealing-YYYYMMDD-HHMMSS.cabas beside a SQLite file; NAME-before-sealing-....dump in the
    // current folder for PostgreSQL.
    static QString defaultBackupFile(const store::DatabaseSpec& spec, const QDateTime& now);
    // A random password of 4 groups of 4 letters and digits, which the password policy accepts.
    static QString temporaryPassword();

    // Everything but the rename (SQLite), or everything (PostgreSQL). Throws cabas::Error and leaves the
    // database as it was: AccessDenied for a non-administrator, a wrong password or a wrong recovery key,
    // Conflict for a database with nothing left to seal, Invalid for a database sealed for persons only
    // without the recovery key its health needs, Cancelled when `progress` said so. `db` must not be used for
    // data afterwards: open the database again (its connections still believe it clear).
    static Result prepare(const store::Database& db, const Session& admin, const Options& options);
    // SQLite, once every connection to the database is closed: the checked file takes its name. Nothing on
    // PostgreSQL.
    static void install(const store::DatabaseSpec& spec, const Result& result, const Progress& progress = {});
    // prepare, then closes `db` and installs (for a caller that holds the only connection, like cabas-cli).
    static Result run(std::unique_ptr<store::Database>& db, const Session& admin, const Options& options);
};

} // namespace cabas
