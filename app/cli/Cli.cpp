#include "cli/Cli.h"

#include "common/Error.h"
#include "demo/DemoGenerator.h"
#include "domain/Programme.h"
#include "security/Authenticator.h"
#include "security/Passwords.h"
#include "setup/Setup.h"
#include "store/Database.h"
#include "store/ProgrammeRepository.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <functional>
#include <optional>
#include <unistd.h>

namespace cabas::cli {

namespace {

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

struct Context
{
    QCommandLineParser& parser;
    QTextStream& out;
    QTextStream& err;
    const QProcessEnvironment& env;

    QString option(const QString& name) const { return parser.value(name); }

    store::DatabaseSpec databaseSpec() const
    {
        QString db = parser.value(QStringLiteral("db"));
        if (db.isEmpty())
            db = env.value(QStringLiteral("CABAS_DB"));
        if (db.isEmpty())
            throw UsageProblem(
                Cli::tr("no database given: use --db FILE.cabas or --db postgresql://..., or set "
                        "CABAS_DB"));
        return store::DatabaseSpec::parse(db, env);
    }

    // Opens the database and, when --user is given, checks the user's password.
    std::unique_ptr<store::Database> openDatabase() const
    {
        auto db = store::Database::open(databaseSpec());
        const QString login = parser.value(QStringLiteral("user"));
        if (!login.isEmpty()) {
            const QString file = parser.value(QStringLiteral("password-file"));
            if (file.isEmpty())
                throw UsageProblem(Cli::tr("--user needs --password-file FILE"));
            security::Authenticator(*db).authenticate(login, security::Passwords::readPasswordFile(file));
        }
        return db;
    }
};

struct Command
{
    QString name;
    QString summary;
    QString arguments; // shown in the usage line
    std::function<void(QCommandLineParser&)> addOptions;
    std::function<int(Context&)> run;
};

QString formatChoice(const QString& value)
{
    if (value.isEmpty() || value == QLatin1String("text"))
        return QStringLiteral("text");
    if (value == QLatin1String("json"))
        return value;
    throw UsageProblem(Cli::tr("--format must be text or json, not \"%1\"").arg(value));
}

int runInit(Context& c)
{
    InitRequest request;
    request.spec = c.databaseSpec();
    request.adminLogin = c.option(QStringLiteral("admin"));
    if (request.adminLogin.isEmpty())
        throw UsageProblem(Cli::tr("init needs --admin LOGIN"));
    const QString passwordFile = c.option(QStringLiteral("password-file"));
    if (passwordFile.isEmpty())
        throw UsageProblem(
            Cli::tr("init needs --password-file FILE (the administrator's password on its first line)"));
    request.adminPassword = security::Passwords::readPasswordFile(passwordFile);
    request.adminDisplayName = c.option(QStringLiteral("admin-name"));
    const QString programmeFile = c.option(QStringLiteral("programme"));
    if (!programmeFile.isEmpty()) {
        QFile f(programmeFile);
        if (!f.open(QIODevice::ReadOnly))
            throw Error(Cli::tr("Cannot read %1: %2").arg(programmeFile, f.errorString()));
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &parseError);
        if (parseError.error != QJsonParseError::NoError)
            throw Error(Cli::tr("%1: offset %2: not valid JSON (%3)")
                            .arg(programmeFile)
                            .arg(parseError.offset)
                            .arg(parseError.errorString()));
        if (!doc.isObject())
            throw Error(Cli::tr("%1: the programme must be a JSON object").arg(programmeFile));
        request.programme = Programme::fromJson(doc.object(), programmeFile);
    }
    auto db = Setup::initDatabase(request);
    const auto programme = store::ProgrammeRepository(*db).load();
    c.out << Cli::tr("Created %1 (programme \"%2\", administrator %3).")
                 .arg(db->spec().displayName(), programme ? programme->name : QString(),
                      request.adminLogin.toLower())
          << Qt::endl;
    return Success;
}

int runDemo(Context& c)
{
    DemoOptions options;
    bool ok = true;
    const QString households = c.option(QStringLiteral("households"));
    if (!households.isEmpty()) {
        options.households = households.toInt(&ok);
        if (!ok || options.households < 1 || options.households > DemoGenerator::kMaxHouseholds)
            throw UsageProblem(Cli::tr("--households must be a whole number from 1 to %1, not \"%2\"")
                                   .arg(DemoGenerator::kMaxHouseholds)
                                   .arg(households));
    }
    const QString seed = c.option(QStringLiteral("seed"));
    if (!seed.isEmpty()) {
        options.seed = seed.toULongLong(&ok);
        if (!ok)
            throw UsageProblem(Cli::tr("--seed must be a whole number, not \"%1\"").arg(seed));
    }
    const bool interactive = isatty(STDERR_FILENO);
    if (interactive)
        options.progress = [&c](int done, int total) {
            c.err << Cli::tr("Demo: %1 of %2 households").arg(done).arg(total) << '\r';
            c.err.flush();
        };
    auto db = c.openDatabase();
    QElapsedTimer timer;
    timer.start();
    const DemoResult r = DemoGenerator::generate(*db, options);
    if (interactive)
        c.err << Qt::endl;
    c.out << Cli::tr(
                 "Demo written to %1: %2 households, %3 persons, %4 cards, %5 consents, %6 staff accounts "
                 "(%7 s).")
                 .arg(db->spec().displayName())
                 .arg(r.households)
                 .arg(r.persons)
                 .arg(r.cards)
                 .arg(r.consents)
                 .arg(r.staff)
                 .arg(double(timer.elapsed()) / 1000.0, 0, 'f', 1)
          << Qt::endl;
    return Success;
}

int runInfo(Context& c)
{
    const QString format = formatChoice(c.option(QStringLiteral("format")));
    auto db = c.openDatabase();
    const DatabaseSummary s = summarize(*db);
    const QString backend =
        db->backend() == store::Backend::Sqlite ? QStringLiteral("sqlite") : QStringLiteral("postgresql");
    if (format == QLatin1String("json")) {
        const QJsonObject o{{QStringLiteral("database"), db->spec().displayName()},
                            {QStringLiteral("backend"), backend},
                            {QStringLiteral("schema_version"), s.schemaVersion},
                            {QStringLiteral("programme"), s.programmeName},
                            {QStringLiteral("users"), double(s.users)},
                            {QStringLiteral("households"), double(s.households)},
                            {QStringLiteral("persons"), double(s.persons)},
                            {QStringLiteral("cards"), double(s.cards)}};
        c.out << QJsonDocument(o).toJson(QJsonDocument::Indented);
        return Success;
    }
    c.out << Cli::tr("Database: %1 (%2)").arg(db->spec().displayName(), backend) << '\n'
          << Cli::tr("Schema version: %1").arg(s.schemaVersion) << '\n'
          << Cli::tr("Programme: %1").arg(s.programmeName) << '\n'
          << Cli::tr("Users: %1").arg(s.users) << '\n'
          << Cli::tr("Households: %1").arg(s.households) << '\n'
          << Cli::tr("Persons: %1").arg(s.persons) << '\n'
          << Cli::tr("Cards: %1").arg(s.cards) << Qt::endl;
    return Success;
}

int runProgrammeShow(Context& c)
{
    auto db = c.openDatabase();
    const auto programme = store::ProgrammeRepository(*db).load();
    if (!programme)
        throw Error(Cli::tr("This database has no programme."), Error::Kind::NotFound);
    c.out << QJsonDocument(programme->toJson()).toJson(QJsonDocument::Indented);
    return Success;
}

std::vector<Command> commands()
{
    auto opt = [](QCommandLineParser& p, const QString& name, const QString& description,
                  const QString& value = {}) { p.addOption(QCommandLineOption(name, description, value)); };
    return {
        {QStringLiteral("init"), Cli::tr("Create a new database with its programme and first administrator."),
         QString(),
         [opt](QCommandLineParser& p) {
             opt(p, QStringLiteral("admin"), Cli::tr("Login of the first administrator."),
                 QStringLiteral("LOGIN"));
             opt(p, QStringLiteral("admin-name"), Cli::tr("Name shown for the administrator."),
                 QStringLiteral("NAME"));
             opt(p, QStringLiteral("programme"),
                 Cli::tr("Programme settings (JSON, see docs/programme-json.md); default: 40 EUR per adult, "
                         "20 EUR "
                         "per child a month, waves M0, M6, M12, M18."),
                 QStringLiteral("FILE.json"));
         },
         runInit},
        {QStringLiteral("demo"),
         Cli::tr(
             "Fill a new database with a realistic demo programme (households, persons, cards, consents)."),
         QString(),
         [opt](QCommandLineParser& p) {
             opt(p, QStringLiteral("households"), Cli::tr("Number of households, 1 to 100000 (default 60)."),
                 QStringLiteral("N"));
             opt(p, QStringLiteral("seed"),
                 Cli::tr("Seed of the generator (default 2024): same seed, same data."),
                 QStringLiteral("SEED"));
         },
         runDemo},
        {QStringLiteral("info"), Cli::tr("Show the database's schema version, programme and counts."),
         QString(),
         [opt](QCommandLineParser& p) {
             opt(p, QStringLiteral("format"), Cli::tr("text (default) or json."), QStringLiteral("FORMAT"));
         },
         runInfo},
        {QStringLiteral("programme"), Cli::tr("Show the programme settings as JSON (programme show)."),
         QStringLiteral("show"), [](QCommandLineParser&) {}, runProgrammeShow},
    };
}

void addGlobalOptions(QCommandLineParser& p)
{
    p.addOption(
        QCommandLineOption(QStringLiteral("db"),
                           Cli::tr("The database: a file (SQLite) or postgresql://user@host:port/dbname. "
                                   "Default: $CABAS_DB."),
                           QStringLiteral("DB")));
    p.addOption(
        QCommandLineOption(QStringLiteral("user"), Cli::tr("Log in as this user."), QStringLiteral("LOGIN")));
    p.addOption(QCommandLineOption(QStringLiteral("password-file"),
                                   Cli::tr("File whose first line is the password (of --user, or of the new "
                                           "administrator for init)."),
                                   QStringLiteral("FILE")));
    p.addHelpOption();
}

QString generalHelp()
{
    QString text = Cli::tr("Usage: cabas-cli [--db DB] [--user LOGIN --password-file FILE] COMMAND [ARGS]") +
                   QStringLiteral("\n\n");
    text += Cli::tr("Cabas: follow-up of sustainable food card programmes, from the command line.") +
            QStringLiteral("\n\n");
    text += Cli::tr("Commands:") + QLatin1Char('\n');
    for (const Command& c : commands())
        text += QStringLiteral("  %1 %2\n").arg(c.name, -12).arg(c.summary);
    text += QLatin1Char('\n') + Cli::tr("Global options:") + QLatin1Char('\n');
    text += QStringLiteral("  --db DB               ") +
            Cli::tr("a file (SQLite) or postgresql://user@host:port/dbname; default $CABAS_DB") +
            QLatin1Char('\n');
    text += QStringLiteral("  --user LOGIN          ") + Cli::tr("log in as this user") + QLatin1Char('\n');
    text += QStringLiteral("  --password-file FILE  ") + Cli::tr("file whose first line is the password") +
            QLatin1Char('\n');
    text += QStringLiteral("  -h, --help            ") +
            Cli::tr("this help; COMMAND --help for a command's") + QLatin1Char('\n');
    text += QStringLiteral("  --version             ") + Cli::tr("the version of Cabas") + QLatin1Char('\n');
    text += QLatin1Char('\n') +
            Cli::tr("Exit status: 0 success, 1 failure (reason on stderr), 2 usage error.") +
            QLatin1Char('\n');
    return text;
}

} // namespace

int run(const QStringList& arguments, QTextStream& out, QTextStream& err, const QProcessEnvironment& env)
{
    // Find the command: the first argument that is neither an option nor an option's value.
    static const QStringList valueOptions = {QStringLiteral("--db"), QStringLiteral("--user"),
                                             QStringLiteral("--password-file")};
    qsizetype commandIndex = -1;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString& a = arguments.at(i);
        if (valueOptions.contains(a)) {
            ++i;
            continue;
        }
        if (a == QLatin1String("--version")) {
            out << QStringLiteral("cabas-cli %1").arg(QCoreApplication::applicationVersion()) << Qt::endl;
            return Success;
        }
        if (a == QLatin1String("--help") || a == QLatin1String("-h") || a == QLatin1String("help")) {
            if (commandIndex < 0) {
                out << generalHelp();
                return Success;
            }
        }
        if (!a.startsWith(QLatin1Char('-'))) {
            commandIndex = i;
            break;
        }
    }
    if (commandIndex < 0) {
        err << Cli::tr("cabas-cli: no command given.") << '\n' << generalHelp();
        return UsageError;
    }
    const QString name = arguments.at(commandIndex);
    const auto all = commands();
    const auto command =
        std::find_if(all.begin(), all.end(), [&](const Command& c) { return c.name == name; });
    if (command == all.end()) {
        err << Cli::tr("cabas-cli: unknown command \"%1\".").arg(name) << '\n' << generalHelp();
        return UsageError;
    }

    QCommandLineParser parser;
    parser.setApplicationDescription(command->summary);
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    addGlobalOptions(parser);
    command->addOptions(parser);
    parser.addPositionalArgument(
        command->name, command->summary,
        command->name + (command->arguments.isEmpty() ? QString() : QLatin1Char(' ') + command->arguments));
    QStringList argv = arguments;
    argv.prepend(QStringLiteral("cabas-cli"));
    if (!parser.parse(argv)) {
        err << QStringLiteral("cabas-cli %1: ").arg(name) << parser.errorText() << '\n'
            << Cli::tr("See: cabas-cli %1 --help").arg(name) << Qt::endl;
        return UsageError;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return Success;
    }
    const QStringList positional = parser.positionalArguments().mid(1);
    const QStringList expected =
        command->arguments.isEmpty() ? QStringList() : command->arguments.split(QLatin1Char(' '));
    if (positional != expected) {
        err << QStringLiteral("cabas-cli %1: ").arg(name)
            << (positional.isEmpty()
                    ? Cli::tr("missing argument: %1").arg(expected.join(QLatin1Char(' ')))
                    : Cli::tr("unexpected argument \"%1\"").arg(positional.join(QLatin1Char(' '))))
            << '\n'
            << Cli::tr("See: cabas-cli %1 --help").arg(name) << Qt::endl;
        return UsageError;
    }

    Context context{parser, out, err, env};
    try {
        const int code = command->run(context);
        out.flush();
        return code;
    } catch (const UsageProblem& e) {
        err << QStringLiteral("cabas-cli %1: ").arg(name) << e.message << '\n'
            << Cli::tr("See: cabas-cli %1 --help").arg(name) << Qt::endl;
        return UsageError;
    } catch (const Error& e) {
        out.flush();
        err << QStringLiteral("cabas-cli %1: ").arg(name) << e.message() << Qt::endl;
        return Failure;
    }
}

} // namespace cabas::cli
