// cabas: the desktop application. Opens the database given with --db, else the one used last, else asks
// with the first-run dialog; then shows the main window.
#include "DatabaseSettings.h"
#include "FirstRunDialog.h"
#include "MainWindow.h"
#include "common/Error.h"
#include "common/Translation.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QMessageBox>
#include <QTimer>
#include <cstdio>

using namespace cabas;

namespace {

void printError(const QString& message)
{
    std::fprintf(stderr, "cabas: %s\n", qPrintable(message));
}

// The database to start with, or nullptr when the user gave up.
std::unique_ptr<store::Database> askForDatabase(const QString& problem, const store::DatabaseSpec* previous)
{
    ui::FirstRunDialog dialog;
    if (!problem.isEmpty())
        dialog.setErrorMessage(problem);
    if (previous)
        dialog.prefill(*previous);
    if (dialog.exec() != QDialog::Accepted)
        return nullptr;
    return dialog.takeDatabase();
}

// The remembered database, or the first-run dialog's.
std::unique_ptr<store::Database> startingDatabase()
{
    const QString last = ui::DatabaseSettings::lastDatabase();
    if (last.isEmpty())
        return askForDatabase(QString(), nullptr);
    store::DatabaseSpec spec;
    try {
        spec = store::DatabaseSpec::parse(last);
    } catch (const Error& e) {
        return askForDatabase(
            QCoreApplication::translate("main", "The database used last (%1) cannot be used: %2")
                .arg(last, e.message()),
            nullptr);
    }
    try {
        return store::Database::open(spec);
    } catch (const Error& e) {
        return askForDatabase(
            QCoreApplication::translate("main", "The database used last could not be opened:\n%1")
                .arg(e.message()),
            &spec);
    }
}

// Saves a picture of `widget` to `file` once it is shown and laid out, then quits (status 1 if it cannot
// write).
void grabLater(QWidget* widget, const QString& file)
{
    QTimer::singleShot(300, widget, [widget, file] {
        if (!widget->grab().save(file)) {
            printError(QCoreApplication::translate("main", "cannot write %1").arg(file));
            QApplication::exit(1);
            return;
        }
        QApplication::exit(0);
    });
}

} // namespace

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Cabas"));
    QApplication::setApplicationName(QStringLiteral("cabas"));
    QApplication::setApplicationVersion(QStringLiteral(CABAS_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/cabas.svg")));
    installTranslations(chosenLanguage());

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("main", "Cabas: follow-up of sustainable food card programmes."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dbOption(
        QStringLiteral("db"),
        QCoreApplication::translate(
            "main", "Open this database (a .cabas file or a postgresql:// address); create nothing."),
        QStringLiteral("DB"));
    const QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        QCoreApplication::translate("main", "Save a picture of the main window (without --db: of the "
                                            "first-run dialog) to FILE.png once it is shown, then quit."),
        QStringLiteral("FILE"));
    const QCommandLineOption sectionOption(QStringLiteral("section"),
                                           QCoreApplication::translate("main", "Show this section first: %1.")
                                               .arg(ui::MainWindow::sectionKeys().join(QStringLiteral(", "))),
                                           QStringLiteral("NAME"));
    parser.addOptions({dbOption, screenshotOption, sectionOption});
    parser.process(app);

    const QString screenshot = parser.value(screenshotOption);
    const bool scripted = !screenshot.isEmpty();
    const QString section = parser.value(sectionOption);
    if (!section.isEmpty() && !ui::MainWindow::sectionKeys().contains(section)) {
        printError(QCoreApplication::translate("main", "unknown section \"%1\" (expected one of: %2)")
                       .arg(section, ui::MainWindow::sectionKeys().join(QStringLiteral(", "))));
        return 2;
    }

    std::unique_ptr<store::Database> db;
    if (parser.isSet(dbOption)) {
        try {
            db = store::Database::open(store::DatabaseSpec::parse(parser.value(dbOption)));
        } catch (const Error& e) {
            if (scripted) {
                printError(e.message());
            } else {
                QMessageBox::critical(
                    nullptr, QCoreApplication::translate("main", "Cabas"),
                    QCoreApplication::translate("main", "Cannot open the database:\n%1").arg(e.message()));
            }
            return 1;
        }
    } else if (scripted) {
        // Without --db, the picture is of the first-run dialog (for documentation); nothing is opened.
        ui::FirstRunDialog dialog;
        dialog.show();
        grabLater(&dialog, screenshot);
        return app.exec();
    } else {
        db = startingDatabase();
        if (!db)
            return 0; // the user closed the first-run dialog
    }
    if (!scripted)
        ui::DatabaseSettings::remember(db->spec());

    ui::MainWindow window(std::move(db));
    if (!scripted)
        window.restoreWindowState();
    if (!section.isEmpty())
        window.showSection(section);
    window.show();

    if (scripted)
        grabLater(&window, screenshot);
    return app.exec();
}
