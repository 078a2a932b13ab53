#pragma once

#include "domain/User.h"
#include "store/Database.h"

#include <optional>
#include <vector>

namespace cabas::store {

class UserRepository
{
    Q_DECLARE_TR_FUNCTIONS(UserRepository)
  public:
    explicit UserRepository(const Database& db) : m_db(db) {}

    // Inserts the user (with user.mustChangePassword) with an already computed password hash; sets user.id.
    // Throws Conflict on a taken login.
    void add(User& user, const QString& passwordHash);
    std::optional<User> findByLogin(const QString& login) const;
    std::optional<User> findById(qint64 id) const;
    QString passwordHash(qint64 userId) const;
    std::vector<User> list() const;
    qint64 count() const;
    qint64 countActive(Role role) const;

    // Also unlocks the account. `mustChange`: whether the user must change this password at their next login
    // (true when someone else chose it).
    void setPasswordHash(qint64 userId, const QString& hash, const QDateTime& changedAt, bool mustChange);
    void setActive(qint64 userId, bool active);
    // Lock-out bookkeeping.
    void setFailedAttempts(qint64 userId, int failedAttempts, const QDateTime& lockedUntil);

    // PostgreSQL with database roles: staff logins do not read password hashes; they go through the
    // cabas_auth_* functions (PgRoles::authStatements), and the stored hash never leaves the server. A
    // missing function or privilege throws PgRoles::outOfDate().
    struct Argon2Parameters
    {
        QByteArray salt;
        quint64 passes = 0;      // opslimit
        quint64 memoryBytes = 0; // memlimit
        int hashBytes = 0;
    };
    // The parameters and salt of a login's stored hash (stable, made-up ones for an unknown login).
    Argon2Parameters serverParameters(const QString& login) const;
    enum class ServerOutcome
    {
        Ok,
        Wrong,     // unknown login or wrong password
        NowLocked, // wrong, and this failure locked the account
        Locked,
        Disabled,
    };
    struct ServerCheck
    {
        ServerOutcome outcome = ServerOutcome::Wrong;
        QDateTime lockedUntil;
    };
    // Checks a raw Argon2id hash computed with serverParameters(); counts failures, locks, resets.
    ServerCheck serverLogin(const QString& login, const QByteArray& rawHash) const;
    // The same check, then replaces the user's hash by newHash (crypto_pwhash_str's format).
    ServerCheck serverSetOwnPassword(const QString& login, const QByteArray& rawHash,
                                     const QString& newHash) const;

  private:
    // Whether app_user has password_must_change (migration 16): not in a database the tests make at an older
    // version, where the flag reads false and is not written.
    bool hasMustChange() const;
    QString columns() const;
    const Database& m_db;
    mutable int m_mustChange = -1; // hasMustChange(), once known
};

} // namespace cabas::store
