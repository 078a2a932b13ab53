#include "store/DatabaseSpec.h"
#include "common/Error.h"
#include "store/Database.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QDir>
#include <QTemporaryDir>
#include <algorithm>
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

TEST_CASE(
    "a server on another machine is reached with TLS and its certificate checked unless the address says "
    "otherwise",
    "[store][spec][tls]")
{
    auto spec = [](const QString& address) { return DatabaseSpec::parse(address, QProcessEnvironment()); };
    const DatabaseSpec remote = spec(QStringLiteral("postgresql://anne@db.example.org/cabas"));
    CHECK_FALSE(remote.isLocalHost());
    CHECK(remote.effectiveSslMode() == QStringLiteral("verify-full"));
    CHECK(remote.connectOptions() == QStringLiteral("connect_timeout=10;sslmode=verify-full"));
    CHECK(spec(QStringLiteral("postgresql://anne@192.168.1.20/cabas")).effectiveSslMode() ==
          QStringLiteral("verify-full"));
    // The address's own choice is kept, and said once.
    const DatabaseSpec chosen = spec(
        QStringLiteral("postgresql://anne@db.example.org/cabas?sslmode=require&sslrootcert=/etc/ca.pem"));
    CHECK(chosen.effectiveSslMode() == QStringLiteral("require"));
    CHECK(chosen.connectOptions() ==
          QStringLiteral("connect_timeout=10;sslmode=require;sslrootcert=/etc/ca.pem"));
    CHECK(spec(QStringLiteral("postgresql://anne@db.example.org/cabas?sslmode=disable")).connectOptions() ==
          QStringLiteral("connect_timeout=10;sslmode=disable"));
    CHECK(spec(QStringLiteral("postgresql://anne@db.example.org/cabas?sslrootcert=/etc/ca.pem"))
              .connectOptions() ==
          QStringLiteral("connect_timeout=10;sslrootcert=/etc/ca.pem;sslmode=verify-full"));
    // This machine: libpq's default.
    for (const char* local : {"postgresql://anne@localhost/cabas", "postgresql://anne@127.0.0.1:5433/cabas",
                              "postgresql://anne@127.1.2.3/cabas", "postgresql://anne@[::1]/cabas"}) {
        INFO(local);
        const DatabaseSpec s = spec(QString::fromLatin1(local));
        CHECK(s.isLocalHost());
        CHECK(s.effectiveSslMode().isEmpty());
        CHECK(s.connectOptions() == QStringLiteral("connect_timeout=10"));
    }
    CHECK_FALSE(spec(QStringLiteral("postgresql://anne@127.0.0.1.example.org/cabas")).isLocalHost());
}

TEST_CASE("a certificate-checked connection to a server without TLS is refused with what to do",
          "[store][spec][tls]")
{
    const auto backends = test::backendsUnderTest();
    if (std::find(backends.begin(), backends.end(), Backend::Postgres) == backends.end())
        return; // no PostgreSQL server to test against (TestDatabase warns)
    // The test server runs without TLS: the same answer as a remote server whose certificate cannot be
    // checked.
    test::TempDatabase t(Backend::Postgres);
    t.create().reset();
    DatabaseSpec spec = t.spec();
    spec.options = QStringLiteral("sslmode=verify-full");
    try {
        cabas::store::Database::open(spec);
        FAIL("connected without TLS");
    } catch (const cabas::Error& e) {
        CHECK(e.kind() == cabas::Error::Kind::Storage);
        CHECK(e.message().contains(QStringLiteral("sslrootcert")));
        CHECK(e.message().contains(QStringLiteral("sslmode=verify-full")));
    }
    spec.options = QStringLiteral("sslmode=disable");
    CHECK(cabas::store::Database::open(spec));
}
