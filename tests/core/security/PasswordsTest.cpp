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
