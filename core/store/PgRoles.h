#pragma once

#include "common/Error.h"
#include "domain/User.h"
#include "store/Database.h"

#include <QStringList>

namespace cabas::store {

// PostgreSQL: one database role per Cabas role, with table privileges that follow the access policy, so that
// a member of staff who connects with psql sees no more than Cabas would show them.
//
//   <prefix>_social_worker, <prefix>_nurse, <prefix>_coordinator, <prefix>_admin   (NOLOGIN group roles)
//
// Each person then gets a login role in their group (CREATE ROLE anne LOGIN PASSWORD '...' IN ROLE
// cabas_social_worker) and connects with it. Cabas refuses a login whose Cabas role is not the group of the
// database login (see Authenticator). Tables are owned by the role that ran `cabas-cli init`, which keeps
// every privilege; after an upgrade adds tables, the owner's next open applies the roles again
// (refreshIfStale), as `cabas-cli pg roles` would.
class PgRoles
{
    Q_DECLARE_TR_FUNCTIONS(PgRoles)
  public:
    static QString roleName(const QString& prefix, Role role);
    // The statements that create the roles (when missing) and set their privileges.
    static QStringList statements(const QString& prefix);
    // Every table the statements give privileges on (directly or through a rule). A table of the schema that
    // is not in this list would be out of reach of every staff role: a test keeps it complete.
    static QStringList governedTables();
    // Runs them in one transaction and remembers the prefix in cabas_meta. Throws on SQLite.
    static void apply(const Database& db, const QString& prefix);
    // The prefix applied to this database, or empty.
    static QString appliedPrefix(const Database& db);
    // Whether the current database login may act as a Cabas user with `role`: true when roles are not in use
    // or the login belongs to none of them (the owner), else only if it is a member of that role's group.
    static bool loginMayActAs(const Database& db, Role role);

    // Logging in without reading password hashes (docs/postgresql.md): staff roles may read every column of
    // app_user but password_hash, and change none; apply() creates SECURITY DEFINER functions owned by the
    // tables' owner, EXECUTE for the staff roles only:
    //   cabas_auth_salt(login)            the Argon2id parameters and salt of the stored hash (a keyed fake
    //                                     one, stable, for an unknown login);
    //   cabas_auth_login(login, hash)     compares the client's raw Argon2id hash with the stored one, counts
    //                                     failures, locks, resets; returns the outcome;
    //   cabas_auth_set_password(login, hash, new)   the same check, then sets one's own new hash (and clears
    //                                     password_must_change: no longer a temporary password).
    // The key of the fake salts is in cabas_auth_key, readable by the owner only.
    static QStringList authStatements(const QString& grantees);
    // The evaluators' pseudonym key (cabas_meta "pseudonym_key"): a row policy hides it from every staff
    // login; `exporters` (the roles allowed the dataset) get it through cabas_pseudonym_key(candidate), which
    // stores the client's random candidate on first use and returns the stored key.
    static QStringList secretStatements(const QString& exporters);
    // Whether this login may read app_user.password_hash (the owner; SQLite; PostgreSQL without roles).
    static bool mayReadPasswordHashes(const Database& db);
    // Whether it may write them (also the administrators' role: resetting passwords).
    static bool mayWritePasswordHashes(const Database& db);
    // Whether it may issue key slots (insert or rewrite every column of key_slot: the owner, the
    // administrators' role; SQLite; PostgreSQL without roles). Staff may only re-wrap and grant.
    static bool mayIssueKeySlots(const Database& db);
    // What apply() installs (a fingerprint of its statements and of the schema version): stored in
    // cabas_meta "pg_role_stamp" by apply(), compared by checkCurrent().
    static QString expectedStamp(const Database& db);
    // Throws outOfDate() when the roles were applied before an upgrade or by another version of Cabas.
    static void checkCurrent(const Database& db);
    // After an upgrade: when roles were applied to `db` but their stamp is stale, and this login owns the
    // tables, applies them again with the same prefix (Database::open calls it after the migrations), so that
    // staff logins keep working without `cabas-cli pg roles`. Returns whether it did. A staff login's open
    // changes nothing (the staff then get outOfDate() until the owner opens the database).
    static bool refreshIfStale(const Database& db);
    // The error a staff login gets when the roles, grants or functions are missing or stale.
    static Error outOfDate();
};

} // namespace cabas::store
