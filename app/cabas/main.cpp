// cabas: the desktop application. Opens the database given with --db, else the one used last, else asks
// with the first-run dialog; then asks who logs in (or logs in the administrator just created by the
// first-run dialog, or --user with --password-file) and shows the main window.
#include "DatabaseSettings.h"
#include "FirstRunDialog.h"
#include "LoginDialog.h"
#include "MainWindow.h"
#include "RecoveryKeyDialog.h"
#include "SealDatabaseDialog.h"
#include "TemporaryPasswordsDialog.h"
#include "Theme.h"
#include "UserAccountDialog.h"
#include "common/Error.h"
#include "common/Translation.h"
#include "security/Authenticator.h"
#include "security/Passwords.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QMessageBox>
#include <QTimer>
#include <cstdio>
#include <optional>

using namespace cabas;

namespace {

void printError(const QString& message)
{
    std::fprintf(stderr, "cabas: %s\n", qPrintable(message));
}

// A database to start with and, when the first-run dialog just created it, its administrator's session.
struct Start
{
    std::unique_ptr<store::Database> db;
    std::optional<Session> session;
};

// The database chosen in the first-run dialog (none when the user gave up).
Start askForDatabase(const QString& problem, const store::DatabaseSpec* previous)
{
    ui::FirstRunDialog dialog;
    if (!problem.isEmpty())
        dialog.setErrorMessage(problem);
    if (previous)
        dialog.prefill(*previous);
    if (dialog.exec() != QDialog::Accepted)
        return {};
    Start start;
    start.db = dialog.takeDatabase();
    start.session = dialog.takeSession();
    return start;
}

// The remembered database, or the first-run dialog's.
Start startingDatabase()
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
        return {store::Database::open(spec), std::nullopt};
    } catch (const Error& e) {
        return askForDatabase(
            QCoreApplication::translate("main", "The database used last could not be opened:\n%1")
                .arg(e.message()),
            &spec);
    }
}

// Asks who logs in to `start.db` until someone does (true) or the user gives up (false). "Another database…"
// in the login dialog goes back to the first-run dialog; `canChangeDatabase` is false when --db named it.
bool askForLogin(Start& start, const QString& login, const QString& problem, bool canChangeDatabase)
{
    QString error = problem;
    while (!start.session) {
        ui::LoginDialog dialog(*start.db);
        dialog.setLogin(login);
        dialog.setErrorMessage(error);
        dialog.setOtherDatabaseButtonVisible(canChangeDatabase);
        const int result = dialog.exec();
        if (result == QDialog::Accepted) {
            start.session = dialog.session();
        } else if (result == ui::LoginDialog::OtherDatabase) {
            Start other = askForDatabase(QString(), nullptr);
            if (other.db)
                start = std::move(other);
            error.clear();
        } else {
            return false;
        }
    }
    return true;
}

// An administrator on a clear database, or on one whose health tables are still clear, is offered to seal it
// (docs/encryption.md, step 5). Once sealed, the
// database is opened again, the recovery key and the temporary passwords are shown once, and everyone logs
// in again (the keys changed). False when the database could not be opened again.
bool offerSealing(Start& start)
{
    if (!start.session || start.session->role() != Role::Admin || !Sealing::plan(*start.db).anything())
        return true;
    ui::SealDatabaseDialog dialog(*start.db, *start.session);
    if (dialog.exec() != QDialog::Accepted)
        return true;
    const Sealing::Result result = dialog.sealingResult();
    const store::DatabaseSpec spec = start.db->spec();
    start.db.reset();
    start.session.reset();
    QString problem;
    try {
        Sealing::install(spec, result);
    } catch (const Error& e) {
        problem = e.message();
    }
    try {
        start.db = store::Database::open(spec);
    } catch (const Error& e) {
        QMessageBox::critical(
            nullptr, QCoreApplication::translate("main", "Cabas"),
            QCoreApplication::translate("main", "Cannot open the database:\n%1").arg(e.message()));
        return false;
    }
    if (!problem.isEmpty()) {
        QMessageBox::warning(nullptr, QCoreApplication::translate("main", "Cabas"), problem);
        return true;
    }
    if (!result.recoveryKey.isEmpty()) {
        ui::RecoveryKeyDialog keyDialog(
            result.recoveryKey, nullptr,
            QCoreApplication::translate(
                "main",
                "The database is now encrypted, and this is its recovery key. It is shown only this "
                "once and Cabas keeps no copy of it. If every administrator's password is lost, it is "
                "the only way to open the database's keys. Write it down or print it, and keep it in a "
                "safe place, away from this computer."));
        keyDialog.exec();
    }
    if (!result.temporaryPasswords.empty()) {
        ui::TemporaryPasswordsDialog passwords(result.temporaryPasswords);
        passwords.exec();
    }
    return true;
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
    // Fractional scale factors (150 %) are used as they are rather than rounded to 1 or 2: the icons are SVG.
    // QT_SCALE_FACTOR_ROUNDING_POLICY still chooses otherwise.
    if (qEnvironmentVariableIsEmpty("QT_SCALE_FACTOR_ROUNDING_POLICY"))
        QGuiApplication::setHighDpiScaleFactorRoundingPolicy(
            Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Cabas"));
    QApplication::setApplicationName(QStringLiteral("cabas"));
    QApplication::setApplicationVersion(QStringLiteral(CABAS_VERSION));
    QApplication::setWindowIcon(ui::theme::applicationIcon());
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
    const QCommandLineOption userOption(
        QStringLiteral("user"),
        QCoreApplication::translate("main",
                                    "Log in as LOGIN: with --password-file, without the login dialog; "
                                    "without it, the login dialog opens with LOGIN filled in."),
        QStringLiteral("LOGIN"));
    const QCommandLineOption passwordFileOption(
        QStringLiteral("password-file"),
        QCoreApplication::translate("main", "The password of --user, on the first line of FILE."),
        QStringLiteral("FILE"));
    const QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        QCoreApplication::translate(
            "main", "Save a picture to FILE.png once it is shown, then quit: of the main window when --user "
                    "and --password-file log in; of the login dialog with --db alone; of the first-run "
                    "dialog without --db."),
        QStringLiteral("FILE"));
    const QCommandLineOption sectionOption(QStringLiteral("section"),
                                           QCoreApplication::translate("main", "Show this section first: %1.")
                                               .arg(ui::MainWindow::sectionKeys().join(QStringLiteral(", "))),
                                           QStringLiteral("NAME"));
    const QCommandLineOption darkOption(
        QStringLiteral("dark"),
        QCoreApplication::translate("main", "Use a dark palette (the Fusion style), whatever the system's "
                                            "theme. Same as CABAS_THEME=dark."));
    const QCommandLineOption themeOption(
        QStringLiteral("theme"),
        QCoreApplication::translate("main", "The colours: system (the default: the system's style), light or "
                                            "dark. CABAS_THEME gives the default."),
        QStringLiteral("NAME"));
    parser.addOptions(
        {dbOption, userOption, passwordFileOption, screenshotOption, sectionOption, darkOption, themeOption});
    parser.process(app);

    const QString theme = parser.isSet(darkOption)    ? QStringLiteral("dark")
                          : parser.isSet(themeOption) ? parser.value(themeOption)
                                                      : qEnvironmentVariable("CABAS_THEME");
    if (!ui::theme::applyTheme(theme)) {
        printError(
            QCoreApplication::translate("main", "unknown theme \"%1\" (expected one of: system, light, dark)")
                .arg(theme));
        return 2;
    }

    const QString screenshot = parser.value(screenshotOption);
    const bool scripted = !screenshot.isEmpty();
    const QString section = parser.value(sectionOption);
    if (!section.isEmpty() && !ui::MainWindow::sectionKeys().contains(section)) {
        printError(QCoreApplication::translate("main", "unknown section \"%1\" (expected one of: %2)")
                       .arg(section, ui::MainWindow::sectionKeys().join(QStringLiteral(", "))));
        return 2;
    }
    const QString user = parser.value(userOption).trimmed();
    if (parser.isSet(passwordFileOption) && user.isEmpty()) {
        printError(QCoreApplication::translate("main", "--password-file needs --user LOGIN"));
        return 2;
    }
    std::optional<QString> password;
    if (parser.isSet(passwordFileOption)) {
        try {
            password = security::Passwords::readPasswordFile(parser.value(passwordFileOption));
        } catch (const Error& e) {
            printError(e.message());
            return 2;
        }
    }

    Start start;
    if (parser.isSet(dbOption)) {
        try {
            start.db = store::Database::open(store::DatabaseSpec::parse(parser.value(dbOption)));
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
        start = startingDatabase();
        if (!start.db)
            return 0; // the user closed the first-run dialog
    }

    // Who logs in: the administrator the first-run dialog just created, --user with its password file, or
    // whoever the login dialog lets in.
    QString loginProblem;
    if (!start.session && password) {
        try {
            start.session = security::Authenticator(*start.db).login(user, *password);
        } catch (const Error& e) {
            if (scripted) {
                printError(e.message());
                return 1;
            }
            loginProblem = e.message();
        }
    }
    // A temporary password (set by an administrator or a sealing) is changed before anything opens;
    // cancelling logs out, back to the login dialog. A picture is never taken of such an account.
    if (start.session && start.session->mustChangePassword()) {
        if (scripted) {
            printError(
                QCoreApplication::translate(
                    "main",
                    "The password of %1 is temporary: log in without --screenshot and change it first.")
                    .arg(start.session->login()));
            return 1;
        }
        if (!ui::UserAccountDialog::changeTemporaryPassword(*start.db, *start.session,
                                                            password.value_or(QString()))) {
            start.session.reset();
            loginProblem = QCoreApplication::translate(
                "main",
                "Your password was not changed, so you are logged out. Log in again to choose your own "
                "password.");
        }
    }
    if (!start.session && scripted) {
        // The picture is of the login dialog (with --user filled in); nobody logs in.
        ui::LoginDialog dialog(*start.db);
        dialog.setLogin(user);
        dialog.show();
        grabLater(&dialog, screenshot);
        return app.exec();
    }
    if (!start.session && !askForLogin(start, user, loginProblem, !parser.isSet(dbOption)))
        return 0; // the user cancelled the login dialog
    if (!scripted) {
        const QString admin = start.session->login();
        if (!offerSealing(start))
            return 1;
        if (!start.session &&
            !askForLogin(start, admin,
                         QCoreApplication::translate("main", "The database is now encrypted: log in again."),
                         false))
            return 0;
    }
    if (!scripted)
        ui::DatabaseSettings::remember(start.db->spec());

    ui::MainWindow window(std::move(start.db), std::move(*start.session));
    QObject::connect(&window, &ui::MainWindow::quitRequested, &app, &QApplication::quit);
    if (!scripted)
        window.restoreWindowState();
    if (!section.isEmpty())
        window.showSection(section);
    window.show();

    if (scripted)
        grabLater(&window, screenshot);
    return app.exec();
}
