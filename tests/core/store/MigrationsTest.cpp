#include "store/Migrations.h"
#include "support/TestUtil.h"

#include <catch2/catch.hpp>

using namespace cabas::store;

TEST_CASE("the embedded migrations are numbered from 1 without gaps", "[store][migrations]")
{
    const auto& all = migrations();
    REQUIRE_FALSE(all.empty());
    for (std::size_t i = 0; i < all.size(); ++i) {
        CHECK(all[i].version == int(i) + 1);
        CHECK_FALSE(all[i].sqlFor(Backend::Sqlite).contains(QStringLiteral("@PK@")));
        CHECK_FALSE(all[i].sqlFor(Backend::Postgres).contains(QStringLiteral("@PK@")));
    }
    CHECK(all[0].name == QStringLiteral("initial"));
}

TEST_CASE("scripts split on top-level semicolons only", "[store][migrations]")
{
    const QStringList statements = splitSqlStatements(QStringLiteral(
        "-- a comment; with a semicolon\n"
        "CREATE TABLE a (x TEXT DEFAULT 'a;b');\n"
        "/* block; comment */ INSERT INTO a VALUES ('it''s; fine');\n"
        "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql;\n"
        "CREATE TRIGGER t BEFORE UPDATE ON a BEGIN SELECT CASE WHEN 1 THEN RAISE(ABORT, 'no') END; END;\n"
        "SELECT 1"));
    REQUIRE(statements.size() == 5);
    CHECK(statements[0] == QStringLiteral("CREATE TABLE a (x TEXT DEFAULT 'a;b')"));
    CHECK(statements[1].endsWith(QStringLiteral("('it''s; fine')")));
    CHECK(statements[2].contains(QStringLiteral("RETURN NEW; END; $$")));
    CHECK(statements[3].endsWith(QStringLiteral("END; END")));
    CHECK(statements[4] == QStringLiteral("SELECT 1"));
}
