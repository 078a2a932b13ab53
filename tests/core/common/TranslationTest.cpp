#include "common/Translation.h"
#include "TestPaths.h"

#include <QCoreApplication>
#include <QFile>
#include <QSettings>
#include <catch2/catch.hpp>

using namespace cabas;

namespace {
// Sets or unsets an environment variable for the scope.
struct ScopedEnv
{
    QByteArray name;
    QByteArray saved;
    bool had;
    ScopedEnv(const char* n, const QByteArray* value)
        : name(n), saved(qgetenv(n)), had(qEnvironmentVariableIsSet(n))
    {
        if (value)
            qputenv(n, *value);
        else
            qunsetenv(n);
    }
    ~ScopedEnv()
    {
        if (had)
            qputenv(name.constData(), saved);
        else
            qunsetenv(name.constData());
    }
};
} // namespace

TEST_CASE("the language comes from CABAS_LANG, then the setting, then the system, French by default",
          "[i18n]")
{
    QSettings().remove(QStringLiteral("language"));
    {
        ScopedEnv noEnv("CABAS_LANG", nullptr);
        CHECK(chosenLanguage(QLocale(QLocale::English, QLocale::UnitedKingdom)) == QStringLiteral("en"));
        CHECK(chosenLanguage(QLocale(QLocale::French, QLocale::France)) == QStringLiteral("fr"));
        CHECK(chosenLanguage(QLocale(QLocale::German, QLocale::Germany)) == QStringLiteral("fr"));
        CHECK(chosenLanguage(QLocale::c()) == QStringLiteral("fr"));
        saveLanguage(QStringLiteral("fr"));
        CHECK(chosenLanguage(QLocale(QLocale::English)) == QStringLiteral("fr"));
        saveLanguage(QStringLiteral("xx")); // not supported: ignored
        CHECK(QSettings().value(QStringLiteral("language")).toString() == QStringLiteral("fr"));
    }
    {
        const QByteArray en("en_GB.UTF-8");
        ScopedEnv env("CABAS_LANG", &en);
        CHECK(chosenLanguage(QLocale(QLocale::French)) == QStringLiteral("en"));
    }
    QSettings().remove(QStringLiteral("language"));
}

TEST_CASE("French is complete: no unfinished string in the French catalogue", "[i18n]")
{
    QFile ts(QStringLiteral(CABAS_SOURCE_DIR "/translations/cabas_fr.ts"));
    REQUIRE(ts.open(QIODevice::ReadOnly));
    const QByteArray text = ts.readAll();
    CHECK(text.count("<message") > 500);
    CHECK(text.count("type=\"unfinished\"") == 0);
    CHECK(text.count("type=\"vanished\"") == 0);
}

TEST_CASE("the French catalogue is installed and used", "[i18n]")
{
    REQUIRE(installTranslations(QStringLiteral("fr")) == QStringLiteral("fr"));
    CHECK(QCoreApplication::translate("AccessPolicy", "Access denied: a %1 may not %2 the %3.")
              .startsWith(QStringLiteral("Accès refusé")));
    installTranslations(chosenLanguage());
}
