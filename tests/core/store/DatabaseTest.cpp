#include "store/Database.h"
#include "common/Error.h"
#include "store/Migrations.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QFile>
#include <QFileInfo>
#include <catch2/catch.hpp>

using namespace cabas;
using namespace cabas::store;
using cabas::test::TempDatabase;

namespace {
Error::Kind errorKind(const std::function<void()>& f, QString* message = nullptr)
{
    try {
        f();
    } catch (const Error& e) {
        if (message)
            *message = e.message();
        return e.kind();
    }
    FAIL("no error was thrown");
    return Error::Kind::Invalid;
}

// Restores the embedded migrations when a test ends.
struct MigrationOverride
{
    explicit MigrationOverride(const std::vector<Migration>* list) { overrideMigrationsForTesting(list); }
    ~MigrationOverride() { overrideMigrationsForTesting(nullptr); }
};

Migration testMigration(int version, const QString& name, const QString& sql)
{
    Migration m;
    m.version = version;
    m.name = name;
    m.commonSql = sql;
    return m;
}

bool tableExists(const TempDatabase& t, const QString& table)
{
    const QString sql =
        t.backend() == Backend::Sqlite
            ? QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='%1'")
            : QStringLiteral("SELECT count(*) FROM information_schema.tables WHERE table_name='%1'");
    return t.rawValue(sql.arg(table)).toInt() == 1;
}
} // namespace

TEST_CASE("a new database has the latest schema and reopens", "[store][database]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    {
        auto db = t.create();
        CHECK(db->schemaVersion() == Database::latestSchemaVersion());
        CHECK(db->backend() == backend);
    }
    auto db = t.open();
    CHECK(db->schemaVersion() == Database::latestSchemaVersion());
    QSqlQuery q = db->exec(QStringLiteral("SELECT count(*) FROM schema_migrations"));
    REQUIRE(q.next());
    CHECK(q.value(0).toInt() == Database::latestSchemaVersion());
}

TEST_CASE("SQLite connections use foreign keys, WAL, FULL sync and a busy timeout",
          "[store][database][sqlite]")
{
    TempDatabase t(Backend::Sqlite);
    auto created = t.create();
    created.reset();
    auto db = t.open();
    auto pragma = [&](const char* name) {
        QSqlQuery q = db->exec(QStringLiteral("PRAGMA %1").arg(QLatin1String(name)));
        REQUIRE(q.next());
        return q.value(0);
    };
    CHECK(pragma("foreign_keys").toInt() == 1);
    CHECK(pragma("journal_mode").toString() == QStringLiteral("wal"));
    CHECK(pragma("synchronous").toInt() == 2);
    CHECK(pragma("busy_timeout").toInt() >= 5000);
    CHECK(pragma("application_id").toInt() == 0x43414241);
    // Foreign keys are enforced.
    CHECK(errorKind([&] {
              db->exec(QStringLiteral(
                  "INSERT INTO person (household_id, code, first_name, last_name, search_name, "
                  "birth_date, role, created_at, updated_at) VALUES (999, 'P-1', 'a', 'b', 'a b', "
                  "'2000-01-01', 'adult', 'x', 'x')"));
          }) == Error::Kind::Storage);
}

TEST_CASE("create never touches an existing database", "[store][database]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    t.create().reset();
    QString message;
    CHECK(errorKind([&] { t.create(); }, &message) == Error::Kind::Conflict);
    CHECK(message.contains(t.spec().displayName()));
    CHECK(t.open()->schemaVersion() == Database::latestSchemaVersion());
}

TEST_CASE("create refuses a PostgreSQL database that holds other tables", "[store][database][postgresql]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    if (backend != Backend::Postgres)
        return;
    TempDatabase t(backend);
    t.rawExec(QStringLiteral("CREATE TABLE invoices (id INT)"));
    CHECK(errorKind([&] { t.create(); }) == Error::Kind::Unsupported);
    CHECK_FALSE(tableExists(t, QStringLiteral("cabas_meta")));
}

TEST_CASE("opening something that is not a Cabas database fails and changes nothing", "[store][database]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    t.rawExec(QStringLiteral("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount INTEGER)"));
    t.rawExec(QStringLiteral("INSERT INTO invoices VALUES (1, 100)"));
    const QByteArray before = backend == Backend::Sqlite ? test::fileHash(t.spec().path) : QByteArray();
    QString message;
    CHECK(errorKind([&] { t.open(); }, &message) == Error::Kind::Unsupported);
    CHECK(message.contains(QStringLiteral("Cabas")));
    CHECK_FALSE(tableExists(t, QStringLiteral("cabas_meta")));
    CHECK(t.rawValue(QStringLiteral("SELECT amount FROM invoices")).toInt() == 100);
    if (backend == Backend::Sqlite) {
        CHECK(test::fileHash(t.spec().path) == before);
        CHECK_FALSE(QFileInfo::exists(t.spec().path + QStringLiteral("-wal")));
    }
}

TEST_CASE("opening an empty PostgreSQL database says to create one first", "[store][database][postgresql]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    if (backend != Backend::Postgres)
        return;
    TempDatabase t(backend);
    QString message;
    CHECK(errorKind([&] { t.open(); }, &message) == Error::Kind::Unsupported);
    CHECK(message.contains(QStringLiteral("init")));
    CHECK_FALSE(tableExists(t, QStringLiteral("cabas_meta")));
}

TEST_CASE("files that are not SQLite databases are refused untouched", "[store][database][sqlite]")
{
    TempDatabase t(Backend::Sqlite);
    const QString path = t.spec().path;
    SECTION("a text file")
    {
        test::writeFile(path, "household_code;commune\nMMG-0001;Auch\n");
    }
    SECTION("an empty file")
    {
        test::writeFile(path, "");
    }
    SECTION("a truncated SQLite header")
    {
        test::writeFile(path, QByteArray("SQLite form", 11));
    }
    const QByteArray before = test::fileHash(path);
    CHECK(errorKind([&] { t.open(); }) == Error::Kind::Unsupported);
    CHECK(test::fileHash(path) == before);
}

TEST_CASE("opening a missing SQLite file does not create it", "[store][database][sqlite]")
{
    TempDatabase t(Backend::Sqlite);
    CHECK(errorKind([&] { t.open(); }) == Error::Kind::NotFound);
    CHECK_FALSE(QFileInfo::exists(t.spec().path));
}

TEST_CASE("a database written by a newer Cabas is refused and left as it is", "[store][database]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    t.create().reset();
    t.rawExec(QStringLiteral("UPDATE cabas_meta SET value = '99' WHERE key = 'schema_version'"));
    const QByteArray before = backend == Backend::Sqlite ? test::fileHash(t.spec().path) : QByteArray();
    QString message;
    CHECK(errorKind([&] { t.open(); }, &message) == Error::Kind::Unsupported);
    CHECK(message.contains(QStringLiteral("99")));
    CHECK(
        t.rawValue(QStringLiteral("SELECT value FROM cabas_meta WHERE key = 'schema_version'")).toString() ==
        QStringLiteral("99"));
    if (backend == Backend::Sqlite)
        CHECK(test::fileHash(t.spec().path) == before);
}

TEST_CASE("an older database is brought up to date, one transaction per migration",
          "[store][database][migrations]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    const std::vector<Migration> v1{migrations().at(0)};
    {
        MigrationOverride old(&v1);
        t.create().reset();
    }
    std::vector<Migration> v3 = v1;
    v3.push_back(testMigration(2, QStringLiteral("add_notes"),
                               QStringLiteral("CREATE TABLE visit_note (id @PK@, body TEXT NOT NULL);\n"
                                              "INSERT INTO visit_note (body) VALUES ('première; note');")));
    v3.push_back(testMigration(3, QStringLiteral("add_index"),
                               QStringLiteral("CREATE INDEX visit_note_body_idx ON visit_note (body);")));
    MigrationOverride current(&v3);
    auto db = t.open();
    CHECK(db->schemaVersion() == 3);
    QSqlQuery q = db->exec(QStringLiteral("SELECT body FROM visit_note"));
    REQUIRE(q.next());
    CHECK(q.value(0).toString() == QStringLiteral("première; note"));
    QSqlQuery versions =
        db->exec(QStringLiteral("SELECT version, name FROM schema_migrations ORDER BY version"));
    QStringList names;
    while (versions.next())
        names << versions.value(1).toString();
    CHECK(names ==
          QStringList{QStringLiteral("initial"), QStringLiteral("add_notes"), QStringLiteral("add_index")});
}

TEST_CASE("a failing migration leaves the database at the previous version", "[store][database][migrations]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    const std::vector<Migration> v1{migrations().at(0)};
    {
        MigrationOverride old(&v1);
        t.create().reset();
    }
    std::vector<Migration> broken = v1;
    broken.push_back(testMigration(2, QStringLiteral("broken"),
                                   QStringLiteral("CREATE TABLE half_done (id INTEGER);\n"
                                                  "INSERT INTO no_such_table VALUES (1);")));
    MigrationOverride current(&broken);
    QString message;
    CHECK(errorKind([&] { t.open(); }, &message) == Error::Kind::Storage);
    CHECK(message.contains(QStringLiteral("0002")));
    CHECK(message.contains(QStringLiteral("broken")));
    CHECK(
        t.rawValue(QStringLiteral("SELECT value FROM cabas_meta WHERE key = 'schema_version'")).toString() ==
        QStringLiteral("1"));
    CHECK_FALSE(tableExists(t, QStringLiteral("half_done")));
}

TEST_CASE("a transaction not committed leaves nothing behind", "[store][database]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.create();
    {
        Database::Transaction tx(*db);
        db->exec(QStringLiteral("INSERT INTO cabas_meta (key, value) VALUES ('scratch', 'x')"));
    }
    QSqlQuery q = db->exec(QStringLiteral("SELECT count(*) FROM cabas_meta WHERE key = 'scratch'"));
    REQUIRE(q.next());
    CHECK(q.value(0).toInt() == 0);
    {
        Database::Transaction tx(*db);
        db->exec(QStringLiteral("INSERT INTO cabas_meta (key, value) VALUES ('scratch', 'x')"));
        tx.commit();
    }
    auto other = db->reopen();
    QSqlQuery q2 = other->exec(QStringLiteral("SELECT count(*) FROM cabas_meta WHERE key = 'scratch'"));
    REQUIRE(q2.next());
    CHECK(q2.value(0).toInt() == 1);
}
