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
// households today; the health tables (format 2) join the list when they are sealed.
//
// HOOK FOR THE HEALTH TABLES. Sealing::scopes() returns the list. To seal the health tables of an existing
// database, add one entry there:
//     {QStringLiteral("health"), 2, [](const SealingScope::Context& c) {
//          store::Sealed::sealExistingHealth(c.db, c.keys);   // the other branch's function
//      }}
// `c.keys` is the migrating administrator's ring (data key and root key, never the health key: see the
// comment of Context::keys). The marker written at the end is Sealing::markerFor(scopes()): the highest
// format of the list and every scope's name ("2:person,household,health" with the entry above). Each scope
// runs in the same transaction as the others (the copy on SQLite, the server's one transaction on
// PostgreSQL), so it must not commit, and should report its rows through c.progress.
struct SealingScope
{
    struct Context
    {
        const store::Database& db;
        // The administrator's keys: the data key and the root signing key (KeyRing::canCertify). A health
        // scope needs the health (and cohort) key, which administrators never hold: it creates them here
        // (and seals them to the nurses' slots made by Sealing in the same transaction), or it is deferred
        // to the first nurse's login. See docs/encryption.md "Sealing an existing database".
        const security::KeyRing& keys;
        // Rows done and rows in all; returns false to cancel (throw Error Cancelled).
        std::function<bool(qint64 done, qint64 total)> progress;
    };
    QString name; // what the marker lists: "person,household", "health"
    int format = 1;
    std::function<void(const Context&)> seal;
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

    struct Options
    {
        QString password;   // the administrator's, typed again
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

    // The scopes rewritten, in order (see the HOOK above).
    // With `health`: the health tables too (format 2). They are sealed when the database has no health key
    // yet: the sealing then creates the health and cohort keys and grants them to the nurses' (coordinators')
    // slots and the recovery slot. A database whose health key a nurse already holds keeps its health clear
    // (format 1): the administrator cannot open that key.
    static std::vector<SealingScope> scopes(bool health = false);
    static QString markerFor(const std::vector<SealingScope>& scopes);
    // NAME.before-sealing-YYYYMMDD-HHMMSS.cabas beside a SQLite file; NAME-before-sealing-....dump in the
    // current folder for PostgreSQL.
    static QString defaultBackupFile(const store::DatabaseSpec& spec, const QDateTime& now);
    // A random password of 4 groups of 4 letters and digits, which the password policy accepts.
    static QString temporaryPassword();

    // Everything but the rename (SQLite), or everything (PostgreSQL). Throws cabas::Error and leaves the
    // database as it was: AccessDenied for a non-administrator or a wrong password, Conflict for a database
    // already sealed, Cancelled when `progress` said so. `db` must not be used for data afterwards: open the
    // database again (its connections still believe it clear).
    static Result prepare(const store::Database& db, const Session& admin, const Options& options);
    // SQLite, once every connection to the database is closed: the checked file takes its name. Nothing on
    // PostgreSQL.
    static void install(const store::DatabaseSpec& spec, const Result& result, const Progress& progress = {});
    // prepare, then closes `db` and installs (for a caller that holds the only connection, like cabas-cli).
    static Result run(std::unique_ptr<store::Database>& db, const Session& admin, const Options& options);
};

} // namespace cabas
