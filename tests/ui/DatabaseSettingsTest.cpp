#include <catch2/catch.hpp>

#include "DatabaseSettings.h"
#include "support/TestUtil.h"

#include <QProcessEnvironment>
#include <QScopeGuard>
#include <QSettings>

using namespace cabas;

TEST_CASE("ui: the last database is remembered without its password", "[ui][settings]")
{
    const auto cleanup = qScopeGuard([] { ui::DatabaseSettings::forget(); });

    const QProcessEnvironment noEnv;
    const store::DatabaseSpec pg = store::DatabaseSpec::parse(
        QStringLiteral("postgresql://cabas:S3cret-Pass@db.example.org:5433/mmg"), noEnv);
    REQUIRE(pg.password == QStringLiteral("S3cret-Pass"));
    ui::DatabaseSettings::remember(pg);

    const QString stored = QSettings().value(QStringLiteral("database/last")).toString();
    CHECK(stored == ui::DatabaseSettings::lastDatabase());
    CHECK_FALSE(stored.contains(QStringLiteral("S3cret")));
    CHECK(stored == QStringLiteral("postgresql://cabas@db.example.org:5433/mmg"));

    // What is remembered names the same database again.
    const store::DatabaseSpec again = store::DatabaseSpec::parse(stored, noEnv);
    CHECK(again.backend == store::Backend::Postgres);
    CHECK(again.host == pg.host);
    CHECK(again.port == pg.port);
    CHECK(again.user == pg.user);
    CHECK(again.databaseName == pg.databaseName);
    CHECK(again.password.isEmpty());
}

TEST_CASE("ui: a local database is remembered by its path", "[ui][settings]")
{
    const auto cleanup = qScopeGuard([] { ui::DatabaseSettings::forget(); });
    CHECK(ui::DatabaseSettings::lastDatabase().isEmpty());
    const store::DatabaseSpec file = store::DatabaseSpec::parse(QStringLiteral("/tmp/some folder/mmg.cabas"));
    ui::DatabaseSettings::remember(file);
    CHECK(ui::DatabaseSettings::lastDatabase() == QStringLiteral("/tmp/some folder/mmg.cabas"));
    ui::DatabaseSettings::forget();
    CHECK(ui::DatabaseSettings::lastDatabase().isEmpty());
    CHECK(ui::DatabaseSettings::defaultDatabasePath().endsWith(QStringLiteral("/cabas.cabas")));
}
