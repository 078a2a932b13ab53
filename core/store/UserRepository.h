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

    // Inserts the user with an already computed password hash; sets user.id. Throws Conflict on a taken
    // login.
    void add(User& user, const QString& passwordHash);
    std::optional<User> findByLogin(const QString& login) const;
    std::optional<User> findById(qint64 id) const;
    QString passwordHash(qint64 userId) const;
    std::vector<User> list() const;
    qint64 count() const;
    qint64 countActive(Role role) const;

    void setPasswordHash(qint64 userId, const QString& hash, const QDateTime& changedAt);
    void setActive(qint64 userId, bool active);
    // Lock-out bookkeeping.
    void setFailedAttempts(qint64 userId, int failedAttempts, const QDateTime& lockedUntil);

  private:
    const Database& m_db;
};

} // namespace cabas::store
