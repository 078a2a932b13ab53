#include "common/Translation.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTranslator>

namespace cabas {

QStringList supportedLanguages()
{
    return {QStringLiteral("fr"), QStringLiteral("en")};
}

QString chosenLanguage(const QLocale& system)
{
    const QString fromEnv = qEnvironmentVariable("CABAS_LANG").left(2).toLower();
    if (supportedLanguages().contains(fromEnv))
        return fromEnv;
    const QString fromSettings = QSettings().value(QStringLiteral("language")).toString();
    if (supportedLanguages().contains(fromSettings))
        return fromSettings;
    return system.language() == QLocale::English ? QStringLiteral("en") : QStringLiteral("fr");
}

void saveLanguage(const QString& language)
{
    if (supportedLanguages().contains(language))
        QSettings().setValue(QStringLiteral("language"), language);
}

QString installTranslations(const QString& language)
{
    static QTranslator* cabasTranslator = nullptr;
    static QTranslator* qtTranslator = nullptr;
    auto* app = QCoreApplication::instance();
    if (!app)
        return QString();
    for (QTranslator** t : {&cabasTranslator, &qtTranslator}) {
        if (*t) {
            QCoreApplication::removeTranslator(*t);
            delete *t;
            *t = nullptr;
        }
    }
    const QString lang = supportedLanguages().contains(language) ? language : QStringLiteral("fr");
    QLocale::setDefault(
        QLocale(lang == QLatin1String("fr") ? QStringLiteral("fr_FR") : QStringLiteral("en_GB")));
    // English is the source text; its catalogue only holds the plural forms ("1 household", "2 households").
    cabasTranslator = new QTranslator(app);
    if (cabasTranslator->load(QStringLiteral(":/i18n/cabas_%1.qm").arg(lang)))
        QCoreApplication::installTranslator(cabasTranslator);
    qtTranslator = new QTranslator(app);
    if (qtTranslator->load(QStringLiteral("qtbase_%1").arg(lang),
                           QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qtTranslator);
    return lang;
}

} // namespace cabas
