#pragma once

#include <QLocale>
#include <QString>
#include <QStringList>

class QCoreApplication;

namespace cabas {

// Cabas speaks French first. The language is chosen in this order: the CABAS_LANG environment variable,
// the "language" setting (QSettings, Settings › Language in the app), then the system's language when it is
// English, else French. Supported: "fr" and "en" (English is the source text).
QStringList supportedLanguages();
QString chosenLanguage(const QLocale& system = QLocale::system());
void saveLanguage(const QString& language);
// Loads Cabas's own catalogue and Qt's for `language`; returns the language actually installed.
QString installTranslations(const QString& language);

} // namespace cabas
