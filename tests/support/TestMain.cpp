// The test programs' main: a Qt application (offscreen for GUI tests) exists before Catch2 runs.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "common/Translation.h"

#include <QCoreApplication>
#include <QFile>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#ifdef CABAS_TEST_GUI
#include <QApplication>
#endif

int main(int argc, char* argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    if (qEnvironmentVariableIsEmpty("CABAS_LANG"))
        qputenv("CABAS_LANG", "fr");
    // Never read or write the user's real settings.
    QStandardPaths::setTestModeEnabled(true);
#ifdef CABAS_TEST_GUI
    QApplication app(argc, argv);
#else
    QCoreApplication app(argc, argv);
#endif
    QCoreApplication::setOrganizationName(QStringLiteral("Cabas-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("cabas-tests"));
    // Each test process has settings and files of its own: CTest runs test cases in parallel processes, and a
    // file one test removes (the ledger token under the app's configuration folder) must not vanish under
    // another. Qt's test-mode paths are under $HOME/.qttest, so each process gets a home of its own.
    QTemporaryDir homeDir;
    qputenv("HOME", QFile::encodeName(homeDir.path()));
    QTemporaryDir settingsDir;
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settingsDir.path());
    cabas::installTranslations(cabas::chosenLanguage());
    return Catch::Session().run(argc, argv);
}
