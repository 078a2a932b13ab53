#include "store/DatabaseSpec.h"
#include "common/Error.h"
#include "support/TestUtil.h"

#include <QDir>
#include <QTemporaryDir>
#include <catch2/catch.hpp>

using namespace cabas;
using namespace cabas::store;

TEST_CASE("a plain path is a SQLite database", "[store][spec]")
{
    const DatabaseSpec spec = DatabaseSpec::parse(QStringLiteral("demo/file.cabas"), QProcessEnvironment());
    CHECK(spec.backend == Backend::Sqlite);
    CHECK(spec.path == QDir::current().absoluteFilePath(QStringLiteral("demo/file.cabas")));
}

TEST_CASE("a postgresql:// address is parsed, and its password never shown", "[store][spec]")
{
    const DatabaseSpec spec = DatabaseSpec::parse(
        QStringLiteral("postgresql://anne:s%40cret@db.example:5433/cabas?sslmode=require"),
        QProcessEnvironment());
    CHECK(spec.backend == Backend::Postgres);
    CHECK(spec.host == QStringLiteral("db.example"));
    CHECK(spec.port == 5433);
    CHECK(spec.user == QStringLiteral("anne"));
    CHECK(spec.password == QStringLiteral("s@cret"));
    CHECK(spec.databaseName == QStringLiteral("cabas"));
    CHECK(spec.options == QStringLiteral("sslmode=require"));
    CHECK_FALSE(spec.displayName().contains(QStringLiteral("cret")));
    CHECK(spec.displayName() == QStringLiteral("postgresql://anne@db.example:5433/cabas?sslmode=require"));
}

TEST_CASE("the PostgreSQL password comes from PGPASSWORD, then PGPASSFILE", "[store][spec]")
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("PGPASSWORD"), QStringLiteral("from-env"));
    CHECK(DatabaseSpec::parse(QStringLiteral("postgres://anne@h/db"), env).password ==
          QStringLiteral("from-env"));

    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("pgpass"));
    test::writeFile(file, "# comment\nother:5432:db:anne:wrong\nh:5432:*:anne:pa\\:ss\n*:*:*:*:fallback\n");
    QProcessEnvironment env2;
    env2.insert(QStringLiteral("PGPASSFILE"), file);
    CHECK(DatabaseSpec::parse(QStringLiteral("postgresql://anne@h/db"), env2).password ==
          QStringLiteral("pa:ss"));
    CHECK(DatabaseSpec::parse(QStringLiteral("postgresql://bob@h:6000/x"), env2).password ==
          QStringLiteral("fallback"));
}

TEST_CASE("bad database addresses are refused with a clear message", "[store][spec]")
{
    const QProcessEnvironment env;
    auto message = [&](const QString& text) {
        try {
            DatabaseSpec::parse(text, env);
        } catch (const Error& e) {
            return e.message();
        }
        return QString();
    };
    CHECK_FALSE(message(QString()).isEmpty());
    CHECK_FALSE(message(QStringLiteral("mysql://x/y")).isEmpty());
    CHECK_FALSE(message(QStringLiteral("postgresql://anne@host")).isEmpty());
    CHECK_FALSE(message(QStringLiteral("postgresql://anne@host/db?colour=red")).isEmpty());
    const QString withPassword = message(QStringLiteral("postgresql://anne:topsecret@/db"));
    CHECK_FALSE(withPassword.isEmpty());
    CHECK_FALSE(withPassword.contains(QStringLiteral("topsecret")));
}
