#include "store/UserRepository.h"

#include "common/Error.h"
#include "store/PgRoles.h"

#include <QSqlError>
#include <QSqlRecord>

namespace cabas::store {

namespace {
const QString kColumns =
    QStringLiteral("id, login, display_name, role, active, created_at, failed_attempts, locked_until");

// Calls one of the cabas_auth_* functions; a missing function, table or privilege means that the roles were
// set up by an older Cabas (or never): say so instead of PostgreSQL's bare message.
QSqlQuery callAuthFunction(const Database& db, const QString& sql, const QVariantList& values)
{
    QSqlQuery q(db.connection());
    bool ok = q.prepare(sql); // PostgreSQL checks that the function exists here already
    if (ok) {
        for (const QVariant& v : values)
            q.addBindValue(v);
        ok = q.exec();
    }
    if (!ok) {
        const QString code = q.lastError().nativeErrorCode();
        if (code == QLatin1String("42883") || code == QLatin1String("42501") ||
            code == QLatin1String("42P01") || code == QLatin1String("42703") ||
            code == QLatin1String("42804"))
            throw PgRoles::outOfDate();
        throw Error(UserRepository::tr("Database error: %1").arg(q.lastError().text()), Error::Kind::Storage);
    }
    return q;
}

UserRepository::ServerCheck readCheck(QSqlQuery& q)
{
    UserRepository::ServerCheck check;
    if (!q.next())
        throw PgRoles::outOfDate();
    const QString outcome = q.value(0).toString();
    if (outcome == QLatin1String("ok"))
        check.outcome = UserRepository::ServerOutcome::Ok;
    else if (outcome == QLatin1String("now_locked"))
        check.outcome = UserRepository::ServerOutcome::NowLocked;
    else if (outcome == QLatin1String("locked"))
        check.outcome = UserRepository::ServerOutcome::Locked;
    else if (outcome == QLatin1String("disabled"))
        check.outcome = UserRepository::ServerOutcome::Disabled;
    else if (outcome == QLatin1String("wrong"))
        check.outcome = UserRepository::ServerOutcome::Wrong;
    else
        throw PgRoles::outOfDate();
    check.lockedUntil = toTimestamp(q.value(1));
    return check;
}

QString encodedHash(const QByteArray& rawHash)
{
    // As in libsodium's string: base64 without padding.
    return QString::fromLatin1(rawHash.toBase64(QByteArray::OmitTrailingEquals));
}

User readUser(const QSqlQuery& q)
{
    User u;
    u.id = q.value(0).toLongLong();
    u.login = q.value(1).toString();
    u.displayName = q.value(2).toString();
    fromCode(q.value(3).toString(), &u.role);
    u.active = q.value(4).toBool();
    u.createdAt = toTimestamp(q.value(5));
    u.failedAttempts = q.value(6).toInt();
    u.lockedUntil = toTimestamp(q.value(7));
    u.mustChangePassword = q.record().count() > 8 && q.value(8).toBool();
    return u;
}
} // namespace

bool UserRepository::hasMustChange() const
{
    if (m_mustChange < 0)
        m_mustChange = m_db.schemaVersion() >= 16 ? 1 : 0;
    return m_mustChange == 1;
}

QString UserRepository::columns() const
{
    return hasMustChange() ? kColumns + QStringLiteral(", password_must_change") : kColumns;
}

void UserRepository::add(User& user, const QString& passwordHash)
{
    const QStringList problems = user.validate();
    if (!problems.isEmpty())
        throw Error(problems.join(QLatin1Char('\n')), Error::Kind::Invalid);
    if (findByLogin(user.login))
        throw Error(tr("The login \"%1\" is already taken.").arg(user.login), Error::Kind::Conflict);
    QVariantList values = {textValue(user.login), textValue(user.displayName),
                           toCode(user.role),     passwordHash,
                           user.active,           timestampValue(user.createdAt)};
    if (hasMustChange())
        values << user.mustChangePassword;
    QSqlQuery q = m_db.exec(QStringLiteral("INSERT INTO app_user (login, display_name, role, password_hash, "
                                           "active, created_at%1) VALUES (?, ?, ?, ?, ?, ?%2) RETURNING id")
                                .arg(hasMustChange() ? QStringLiteral(", password_must_change") : QString(),
                                     hasMustChange() ? QStringLiteral(", ?") : QString()),
                            values);
    q.next();
    user.id = q.value(0).toLongLong();
}

std::optional<User> UserRepository::findByLogin(const QString& login) const
{
    QSqlQuery q =
        m_db.exec(QStringLiteral("SELECT %1 FROM app_user WHERE login = ?").arg(columns()), {login});
    if (!q.next())
        return std::nullopt;
    return readUser(q);
}

std::optional<User> UserRepository::findById(qint64 id) const
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT %1 FROM app_user WHERE id = ?").arg(columns()), {id});
    if (!q.next())
        return std::nullopt;
    return readUser(q);
}

QString UserRepository::passwordHash(qint64 userId) const
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT password_hash FROM app_user WHERE id = ?"), {userId});
    return q.next() ? q.value(0).toString() : QString();
}

std::vector<User> UserRepository::list() const
{
    std::vector<User> users;
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT %1 FROM app_user ORDER BY login").arg(columns()));
    while (q.next())
        users.push_back(readUser(q));
    return users;
}

qint64 UserRepository::count() const
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT count(*) FROM app_user"));
    return q.next() ? q.value(0).toLongLong() : 0;
}

qint64 UserRepository::countActive(Role role) const
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT count(*) FROM app_user WHERE role = ? AND active = ?"),
                            {toCode(role), true});
    return q.next() ? q.value(0).toLongLong() : 0;
}

void UserRepository::setPasswordHash(qint64 userId, const QString& hash, const QDateTime& changedAt,
                                     bool mustChange)
{
    if (!hasMustChange()) {
        m_db.exec(QStringLiteral("UPDATE app_user SET password_hash = ?, password_changed_at = ?, "
                                 "failed_attempts = 0, locked_until = NULL WHERE id = ?"),
                  {hash, timestampValue(changedAt), userId});
        return;
    }
    m_db.exec(
        QStringLiteral("UPDATE app_user SET password_hash = ?, password_changed_at = ?, failed_attempts = 0, "
                       "locked_until = NULL, password_must_change = ? WHERE id = ?"),
        {hash, timestampValue(changedAt), mustChange, userId});
}

void UserRepository::setActive(qint64 userId, bool active)
{
    m_db.exec(QStringLiteral("UPDATE app_user SET active = ? WHERE id = ?"), {active, userId});
}

void UserRepository::setFailedAttempts(qint64 userId, int failedAttempts, const QDateTime& lockedUntil)
{
    m_db.exec(QStringLiteral("UPDATE app_user SET failed_attempts = ?, locked_until = ? WHERE id = ?"),
              {failedAttempts, timestampValue(lockedUntil), userId});
}

UserRepository::Argon2Parameters UserRepository::serverParameters(const QString& login) const
{
    QSqlQuery q = callAuthFunction(
        m_db,
        QStringLiteral(
            "SELECT algorithm, memory_kib, passes, lanes, salt, hash_bytes FROM cabas_auth_salt(?)"),
        {login});
    if (!q.next() || q.value(0).toString() != QLatin1String("argon2id") || q.value(3).toInt() != 1)
        throw PgRoles::outOfDate();
    Argon2Parameters p;
    p.memoryBytes = q.value(1).toULongLong() * 1024;
    p.passes = q.value(2).toULongLong();
    p.salt = QByteArray::fromBase64(q.value(4).toString().toLatin1());
    p.hashBytes = q.value(5).toInt();
    return p;
}

UserRepository::ServerCheck UserRepository::serverLogin(const QString& login, const QByteArray& rawHash) const
{
    QSqlQuery q =
        callAuthFunction(m_db, QStringLiteral("SELECT outcome, locked_until_at FROM cabas_auth_login(?, ?)"),
                         {login, encodedHash(rawHash)});
    return readCheck(q);
}

UserRepository::ServerCheck UserRepository::serverSetOwnPassword(const QString& login,
                                                                 const QByteArray& rawHash,
                                                                 const QString& newHash) const
{
    QSqlQuery q = callAuthFunction(
        m_db, QStringLiteral("SELECT outcome, locked_until_at FROM cabas_auth_set_password(?, ?, ?)"),
        {login, encodedHash(rawHash), newHash});
    return readCheck(q);
}

} // namespace cabas::store
