#pragma once

// What every cabas-cli command shares: the parsed command line, the output streams, opening the database and
// logging in, usage problems. Commands live in one file per area (Cli.cpp, HouseholdCommands.cpp ...) and
// return their list of Command; Cli.cpp joins them.

#include "cli/Cli.h"
#include "common/Error.h"
#include "domain/Programme.h"
#include "security/AuditTrail.h"
#include "security/Authenticator.h"
#include "security/Passwords.h"
#include "store/Database.h"
#include "store/DatabaseSpec.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <termios.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace cabas::cli {

// Translation context for the command-line tool's own strings.
struct Cli
{
    Q_DECLARE_TR_FUNCTIONS(Cli)
};

class UsageProblem : public std::runtime_error
{
  public:
    explicit UsageProblem(const QString& m) : std::runtime_error(m.toStdString()), message(m) {}
    QString message;
};

// Reads a line from the terminal without echoing it.
inline QString promptPassword(const QString& prompt, QTextStream& err)
{
    err << prompt;
    err.flush();
    termios old{};
    const bool tty = tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        termios silent = old;
        silent.c_lflag &= ~tcflag_t(ECHO);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent);
    }
    char buffer[4096];
    const bool read = std::fgets(buffer, sizeof buffer, stdin) != nullptr;
    if (tty)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    err << '\n';
    err.flush();
    QString password = read ? QString::fromUtf8(buffer) : QString();
    while (password.endsWith(QLatin1Char('\n')) || password.endsWith(QLatin1Char('\r')))
        password.chop(1);
    return password;
}

struct Globals
{
    QString db;
    QString user;
    QString passwordFile;
};

struct Context
{
    QCommandLineParser& parser;
    const Globals& globals;
    QTextStream& out;
    QTextStream& err;
    const QProcessEnvironment& env;
    bool interactive;

    QString option(const QString& name) const { return parser.value(name); }
    QStringList arguments() const { return parser.positionalArguments(); }

    store::DatabaseSpec databaseSpec() const
    {
        QString db = globals.db;
        if (db.isEmpty())
            db = env.value(QStringLiteral("CABAS_DB"));
        if (db.isEmpty())
            throw UsageProblem(
                Cli::tr("no database given: use --db FILE.cabas or --db postgresql://..., or set "
                        "CABAS_DB"));
        return store::DatabaseSpec::parse(db, env);
    }

    // Opens the database and logs the user in (--user, with --password-file or a prompt on a terminal). A
    // user whose password is temporary (Session::mustChangePassword) is refused (refuseTemporaryPassword),
    // unless `temporaryPasswordAllowed` (changing one's own password: `user passwd` checks it itself).
    std::pair<std::unique_ptr<store::Database>, Session>
    openAndLogin(bool temporaryPasswordAllowed = false) const
    {
        if (globals.user.isEmpty())
            throw UsageProblem(
                Cli::tr("this command needs a user: --user LOGIN (with --password-file FILE, or "
                        "typed at the prompt)"));
        QString password;
        if (!globals.passwordFile.isEmpty())
            password = security::Passwords::readPasswordFile(globals.passwordFile);
        else if (interactive)
            password = QString(); // asked after the database opened
        else
            throw UsageProblem(
                Cli::tr("--user needs --password-file FILE when there is no terminal to ask on"));
        auto db = store::Database::open(databaseSpec());
        if (globals.passwordFile.isEmpty())
            password = promptPassword(Cli::tr("Password for %1: ").arg(globals.user), err);
        Session session = security::Authenticator(*db).login(globals.user, password);
        if (!temporaryPasswordAllowed)
            refuseTemporaryPassword(*db, session);
        return {std::move(db), std::move(session)};
    }

    // A password set by an administrator (or a sealing) must be changed before anything else: the refusal is
    // audited (outcome "denied", detail "temporary password") and thrown as AccessDenied.
    static void refuseTemporaryPassword(const store::Database& db, const Session& session)
    {
        if (!session.mustChangePassword())
            return;
        AuditTrail(db).record(&session, QStringLiteral("command"), QStringLiteral("app_user"),
                              session.login(), QStringLiteral("denied"),
                              QStringLiteral("temporary password"));
        throw Error(Cli::tr("your password is temporary (set by an administrator): change it first with "
                            "cabas-cli --user %1 user passwd %1")
                        .arg(session.login()),
                    Error::Kind::AccessDenied);
    }
};

struct Command
{
    QString name;      // "init", "user add" ...
    QString arguments; // positional arguments shown in the usage line, e.g. "LOGIN"
    QString summary;
    QList<QCommandLineOption> options;
    std::function<int(Context&)> run;
    bool ownsPasswordFile = false; // --password-file after the command is the command's
    bool ownsUser = false;         // --user after the command is the command's (a filter)
};

inline QString formatChoice(const QString& value, const QStringList& allowed)
{
    const QString v = value.isEmpty() ? allowed.first() : value;
    if (!allowed.contains(v))
        throw UsageProblem(
            Cli::tr("--format must be one of %1, not \"%2\"").arg(allowed.join(QStringLiteral(", ")), v));
    return v;
}

inline QString requiredArgument(const Context& c, const QString& what)
{
    const QStringList args = c.arguments();
    if (args.size() != 1)
        throw UsageProblem(
            args.isEmpty() ? Cli::tr("missing argument: %1").arg(what)
                           : Cli::tr("unexpected argument \"%1\"").arg(args.mid(1).join(QLatin1Char(' '))));
    return args.first();
}

inline void requireNoArgument(const Context& c)
{
    if (!c.arguments().isEmpty())
        throw UsageProblem(Cli::tr("unexpected argument \"%1\"").arg(c.arguments().join(QLatin1Char(' '))));
}

inline QString commandPassword(const Context& c, const QString& forWhom)
{
    const QString file = c.option(QStringLiteral("password-file"));
    if (!file.isEmpty())
        return security::Passwords::readPasswordFile(file);
    if (!c.interactive)
        throw UsageProblem(
            Cli::tr("--password-file FILE is needed (the password of %1 on its first line)").arg(forWhom));
    const QString first = promptPassword(Cli::tr("New password for %1: ").arg(forWhom), c.err);
    const QString second = promptPassword(Cli::tr("The same password again: "), c.err);
    if (first != second)
        throw Error(Cli::tr("The two passwords differ; nothing was changed."), Error::Kind::Invalid);
    return first;
}

// The commands of each area, joined by Cli.cpp.
std::vector<Command> householdCommands();
std::vector<Command> workshopCommands();
std::vector<Command> ledgerCommands();
std::vector<Command> cohortCommands();
std::vector<Command> healthCommands();
std::vector<Command> programmeCommands();
std::vector<Command> contributionCommands();
std::vector<Command> merchantCommands();
// The demo's --scheme NAME or --programme FILE.json (ProgrammeCommands.cpp); nullopt when neither is given.
std::optional<Programme> demoProgrammeOption(const Context& c);

} // namespace cabas::cli
