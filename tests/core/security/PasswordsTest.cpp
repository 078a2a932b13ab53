#include "security/Passwords.h"
#include "common/Error.h"
#include "support/TestUtil.h"

#include <QTemporaryDir>
#include <catch2/catch.hpp>

using namespace cabas;
using namespace cabas::security;

TEST_CASE("passwords are hashed with Argon2id and verified", "[security]")
{
    const QString hash = Passwords::hash(QStringLiteral("Été-à-Auch-2024"));
    CHECK(hash.startsWith(QStringLiteral("$argon2id$")));
    CHECK(Passwords::verify(hash, QStringLiteral("Été-à-Auch-2024")));
    CHECK_FALSE(Passwords::verify(hash, QStringLiteral("Ete-a-Auch-2024")));
    CHECK_FALSE(Passwords::verify(QStringLiteral("garbage"), QStringLiteral("x")));
    CHECK(Passwords::hash(QStringLiteral("Été-à-Auch-2024")) != hash); // salted
}

TEST_CASE("the raw Argon2id hash from a stored hash's salt and limits is the stored hash", "[security][auth]")
{
    // What a PostgreSQL staff login computes before cabas_auth_login compares it on the server.
    const QString stored = Passwords::hash(QStringLiteral("Été-à-Auch-2024"));
    // The limits PgRoles gives unknown logins (made-up salts) must be those of every real hash.
    REQUIRE(stored.startsWith(QStringLiteral("$argon2id$v=19$m=65536,t=2,p=1$")));
    const QStringList parts = stored.split(QLatin1Char('$'));
    REQUIRE(parts.size() == 6);
    const QByteArray salt = QByteArray::fromBase64(parts[4].toLatin1());
    const QByteArray expected = QByteArray::fromBase64(parts[5].toLatin1());
    CHECK(salt.size() == 16);
    CHECK(Passwords::rawHash(QStringLiteral("Été-à-Auch-2024"), salt, 2, 65536 * 1024,
                             int(expected.size())) == expected);
    CHECK(Passwords::rawHash(QStringLiteral("Ete-a-Auch-2024"), salt, 2, 65536 * 1024,
                             int(expected.size())) != expected);
    // A server asking for absurd limits is refused (no denial of service through the login).
    CHECK_THROWS_AS(Passwords::rawHash(QStringLiteral("x"), salt, 2, quint64(64) << 30, 32), Error);
    CHECK_THROWS_AS(Passwords::rawHash(QStringLiteral("x"), QByteArray(3, 'a'), 2, 65536 * 1024, 32), Error);
}

TEST_CASE("the password policy wants 12 characters of three kinds", "[security]")
{
    CHECK_FALSE(Passwords::policyProblems(QStringLiteral("Court-1")).isEmpty());
    CHECK_FALSE(Passwords::policyProblems(QStringLiteral("toutenminuscules")).isEmpty());
    CHECK(Passwords::policyProblems(QStringLiteral("Admin-Password-2026")).isEmpty());
    CHECK(Passwords::policyProblems(QStringLiteral("motdepasse-2026")).isEmpty());
}

TEST_CASE("password files give their first line", "[security]")
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("pw"));
    test::writeFile(file, "Secret-Password-1\r\nsecond line\n");
    CHECK(Passwords::readPasswordFile(file) == QStringLiteral("Secret-Password-1"));
    test::writeFile(file, "\n");
    CHECK_THROWS_AS(Passwords::readPasswordFile(file), Error);
    CHECK_THROWS_AS(Passwords::readPasswordFile(dir.filePath(QStringLiteral("missing"))), Error);
}
