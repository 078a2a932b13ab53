#include "cli/Cli.h"
#include "cli/CliSupport.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "demo/DemoGenerator.h"
#include "demo/DemoMerchants.h"
#include "demo/DemoProgramme.h"
#include "domain/Programme.h"
#include "io/HealthImport.h"
#include "io/PersonsImport.h"
#include "security/AuditTrail.h"
#include "security/Authenticator.h"
#include "security/Passwords.h"
#include "security/Recovery.h"
#include "security/UserService.h"
#include "services/BackupService.h"
#include "services/FollowUpSchedule.h"
#include "setup/Sealing.h"
#include "setup/Setup.h"
#include "store/Database.h"
#include "store/PgRoles.h"
#include "store/ProgrammeRepository.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <algorithm>
#include <cstdio>
#include <functional>
#include <optional>
#include <termios.h>
#include <unistd.h>

namespace cabas::cli {

namespace {

// ---------------------------------------------------------------------------------------------- commands

// Prints `sentences` wrapped at 72 columns, then `values` indented, inside a box that fits an 80-column
// terminal (what is shown only once: the recovery key, temporary passwords).
void printBox(QTextStream& out, const QStringList& sentences, const QStringList& values)
{
    QStringList lines;
    for (const QString& sentence : sentences) {
        QString line;
        for (const QString& word : sentence.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
            if (!line.isEmpty() && line.size() + 1 + word.size() > 72) {
                lines << line;
                line.clear();
            }
            line += (line.isEmpty() ? QString() : QStringLiteral(" ")) + word;
        }
        lines << line;
    }
    lines << QString();
    for (const QString& value : values)
        lines << QStringLiteral("    ") + value;
    lines << QString();
    qsizetype width = 0;
    for (const QString& line : lines)
        width = std::max(width, line.size());
    const QString rule = QLatin1Char('+') + QString(width + 2, QLatin1Char('-')) + QLatin1Char('+');
    out << Qt::endl << rule << Qt::endl;
    for (const QString& line : lines)
        out << QStringLiteral("| ") << line.leftJustified(width) << QStringLiteral(" |") << Qt::endl;
    out << rule << Qt::endl;
}

// `more`: sentences after the usual two.
void printRecoveryKey(QTextStream& out, const QString& recoveryKey, const QStringList& more = {})
{
    printBox(out,
             QStringList{Cli::tr("RECOVERY KEY: write it down now and keep it somewhere safe, away from this "
                                 "computer."),
                         Cli::tr("It is shown only this once. It opens the database's keys when every "
                                 "administrator's password is lost.")} +
                 more,
             {recoveryKey});
}

int runInit(Context& c)
{
    requireNoArgument(c);
    InitRequest request;
    request.spec = c.databaseSpec();
    request.adminLogin = c.option(QStringLiteral("admin"));
    if (request.adminLogin.isEmpty())
        throw UsageProblem(Cli::tr("init needs --admin LOGIN"));
    request.adminPassword = commandPassword(c, request.adminLogin);
    request.adminDisplayName = c.option(QStringLiteral("admin-name"));
    // Sealed unless --clear (--sealed, the default now, is still accepted).
    if (c.parser.isSet(QStringLiteral("sealed")) && c.parser.isSet(QStringLiteral("clear")))
        throw UsageProblem(Cli::tr("--sealed and --clear exclude each other"));
    request.sealFields = !c.parser.isSet(QStringLiteral("clear"));
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
    QString recoveryKey;
    auto db = Setup::initDatabase(request, &recoveryKey);
    const auto programme = store::ProgrammeRepository(*db).load();
    c.out << Cli::tr("Created %1 (programme \"%2\", administrator %3).")
                 .arg(db->spec().displayName(), programme ? programme->name : QString(),
                      request.adminLogin.toLower())
          << Qt::endl;
    // The recovery key exists nowhere else: printed once, inside a box, on stdout only.
    printRecoveryKey(c.out, recoveryKey);
    return Success;
}

QString phaseName(Sealing::Phase phase)
{
    switch (phase) {
    case Sealing::Phase::Backup:
        return Cli::tr("Backup");
    case Sealing::Phase::Copy:
        return Cli::tr("Copy");
    case Sealing::Phase::Keys:
        return Cli::tr("Keys and users");
    case Sealing::Phase::Rewrite:
        return Cli::tr("Encrypting");
    case Sealing::Phase::Vacuum:
        return Cli::tr("Compacting");
    case Sealing::Phase::Verify:
        return Cli::tr("Checking");
    case Sealing::Phase::Replace:
        return Cli::tr("Replacing the file");
    }
    return QString();
}

// The recovery key on the first line of `path` (--recovery-key-file).
QString readRecoveryKeyFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw Error(Cli::tr("Cannot read the recovery key file %1: %2").arg(path, f.errorString()),
                    Error::Kind::Invalid);
    const QString key = QString::fromUtf8(f.readLine(4096)).trimmed();
    if (key.isEmpty())
        throw Error(
            Cli::tr("The recovery key file %1 is empty: its first line must be the recovery key.").arg(path),
            Error::Kind::Invalid);
    return key;
}

int runSeal(Context& c)
{
    requireNoArgument(c);
    auto login = c.openAndLogin();
    Sealing::Options options;
    // The password again: read again from the same file, or typed again.
    options.password =
        c.globals.passwordFile.isEmpty()
            ? promptPassword(
                  Cli::tr("Your password again, to seal %1: ").arg(login.first->spec().displayName()), c.err)
            : security::Passwords::readPasswordFile(c.globals.passwordFile);
    options.backupFile = c.option(QStringLiteral("backup"));
    // The health tables, when the nurses hold their key, are sealed only with the recovery key.
    const Sealing::Plan plan = Sealing::plan(*login.first);
    const QString keyFile = c.option(QStringLiteral("recovery-key-file"));
    if (!keyFile.isEmpty())
        options.recoveryKey = readRecoveryKeyFile(keyFile);
    else if (plan.needsRecoveryKey() && c.interactive)
        options.recoveryKey = promptPassword(
            plan.social ? Cli::tr("Recovery key (the latest one printed), to encrypt the health data "
                                  "too; empty: leave it clear for now: ")
                        : Cli::tr("Recovery key (the latest one printed), to encrypt the health data: "),
            c.err);
    std::optional<Sealing::Phase> shown;
    const bool tty = isatty(STDERR_FILENO);
    options.progress = [&](Sealing::Phase phase, qint64 done, qint64 total) {
        if (shown != phase) {
            if (shown && tty)
                c.err << Qt::endl;
            shown = phase;
            if (!tty)
                c.err << phaseName(phase) << Qt::endl;
        }
        if (tty) {
            c.err << '\r' << phaseName(phase);
            if (total > 0)
                c.err << QStringLiteral(" %1 %").arg(done * 100 / total);
            c.err.flush();
        }
        return true;
    };
    const Sealing::Result r = Sealing::run(login.first, login.second, options);
    if (tty)
        c.err << Qt::endl;
    if (plan.social)
        c.out << Cli::tr("Sealed %1: names, birth dates, addresses and notes are now encrypted (%2).")
                     .arg(c.databaseSpec().displayName(), r.counts)
              << Qt::endl;
    c.out << (r.health
                  ? Cli::tr("Health data is encrypted too, under the nurses' key.")
                  : Cli::tr("Health data stays clear: the nurses hold this database's health key, which an "
                            "administrator never holds. Run cabas-cli seal again with the recovery key "
                            "(--recovery-key-file) to encrypt it (docs/encryption.md)."))
          << Qt::endl;
    c.out
        << Cli::tr(
               "The backup taken before, %1, still holds them in clear: keep it locked away, and destroy it "
               "once you have checked the sealed database (on an SSD a deleted file may still be read "
               "back: destroy the medium if it matters).")
               .arg(QDir::toNativeSeparators(r.backupFile))
        << Qt::endl;
    if (!r.recoveryKey.isEmpty())
        printRecoveryKey(c.out, r.recoveryKey);
    if (!r.temporaryPasswords.empty()) {
        QStringList values;
        for (const auto& t : r.temporaryPasswords)
            values << QStringLiteral("%1 (%2): %3").arg(t.login, displayName(t.role), t.password);
        printBox(
            c.out,
            {Cli::tr("TEMPORARY PASSWORDS: the other users' passwords were replaced. Give each user theirs "
                     "in person; they must change it at their next login (cabas-cli user passwd LOGIN for "
                     "oneself), before anything else."),
             Cli::tr("They are shown only this once.")},
            values);
    }
    return Success;
}

int runDemo(Context& c)
{
    requireNoArgument(c);
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
    const std::optional<Programme> programme = demoProgrammeOption(c);
    const bool progress = isatty(STDERR_FILENO);
    if (progress)
        options.progress = [&c](int done, int total) {
            c.err << Cli::tr("Demo: %1 of %2 households").arg(done).arg(total) << '\r';
            c.err.flush();
        };
    auto [db, session] = c.openAndLogin();
    QElapsedTimer timer;
    timer.start();
    if (programme)
        DemoProgramme::apply(*db, session, *programme);
    const DemoResult r = DemoGenerator::generate(*db, session, options);
    // Montpellier's citizens' committee and its decisions on merchants (docs/merchants.md).
    if (programme && c.option(QStringLiteral("scheme")) == QLatin1String("montpellier"))
        DemoMerchants::apply(*db, session, programme->startsOn);
    if (progress)
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
    requireNoArgument(c);
    const QString format =
        formatChoice(c.option(QStringLiteral("format")), {QStringLiteral("text"), QStringLiteral("json")});
    auto [db, session] = c.openAndLogin();
    AuditTrail(*db).require(session, DataKind::Households, Action::ReadAggregates,
                            QStringLiteral("household"));
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
    requireNoArgument(c);
    auto [db, session] = c.openAndLogin();
    const auto programme = store::ProgrammeRepository(*db).load();
    if (!programme)
        throw Error(Cli::tr("This database has no programme."), Error::Kind::NotFound);
    c.out << QJsonDocument(programme->toJson()).toJson(QJsonDocument::Indented);
    return Success;
}

int runUserAdd(Context& c)
{
    const QString login = requiredArgument(c, QStringLiteral("LOGIN"));
    const QString roleCode = c.option(QStringLiteral("role"));
    Role role;
    if (roleCode.isEmpty() || !fromCode(roleCode, &role))
        throw UsageProblem(Cli::tr("--role must be one of social_worker, nurse, coordinator, admin"));
    auto [db, session] = c.openAndLogin();
    const QString password = commandPassword(c, login);
    const User user =
        security::UserService(*db, session).add(login, c.option(QStringLiteral("name")), role, password);
    c.out << Cli::tr("User %1 added (%2).").arg(user.login, displayName(user.role)) << Qt::endl;
    return Success;
}

int runUserList(Context& c)
{
    requireNoArgument(c);
    const QString format =
        formatChoice(c.option(QStringLiteral("format")), {QStringLiteral("text"), QStringLiteral("json")});
    auto [db, session] = c.openAndLogin();
    const auto users = security::UserService(*db, session).list();
    const QDateTime now = Clock::instance().nowUtc();
    if (format == QLatin1String("json")) {
        QJsonArray array;
        for (const User& u : users)
            array.append(
                QJsonObject{{QStringLiteral("login"), u.login},
                            {QStringLiteral("name"), u.displayName},
                            {QStringLiteral("role"), toCode(u.role)},
                            {QStringLiteral("active"), u.active},
                            {QStringLiteral("locked"), u.lockedUntil.isValid() && u.lockedUntil > now}});
        c.out << QJsonDocument(array).toJson(QJsonDocument::Indented);
        return Success;
    }
    for (const User& u : users) {
        QStringList state;
        if (!u.active)
            state << Cli::tr("disabled");
        if (u.lockedUntil.isValid() && u.lockedUntil > now)
            state << Cli::tr("locked");
        c.out << u.login << '\t' << u.displayName << '\t' << toCode(u.role) << '\t'
              << (state.isEmpty() ? Cli::tr("active") : state.join(QStringLiteral(", "))) << '\n';
    }
    c.out.flush();
    return Success;
}

int runUserDisable(Context& c)
{
    const QString login = requiredArgument(c, QStringLiteral("LOGIN"));
    auto [db, session] = c.openAndLogin();
    security::UserService(*db, session).disable(login);
    c.out << Cli::tr("User %1 disabled.").arg(login) << Qt::endl;
    return Success;
}

int runUserEnable(Context& c)
{
    const QString login = requiredArgument(c, QStringLiteral("LOGIN"));
    auto [db, session] = c.openAndLogin();
    security::UserService(*db, session).enable(login);
    c.out << Cli::tr("User %1 enabled.").arg(login) << Qt::endl;
    return Success;
}

int runUserPasswd(Context& c)
{
    const QString login = requiredArgument(c, QStringLiteral("LOGIN"));
    // The one command a user with a temporary password may run: changing it.
    auto [db, session] = c.openAndLogin(true);
    const bool own = login.trimmed().toLower() == session.login();
    if (!own)
        Context::refuseTemporaryPassword(*db, session);
    const QString password = commandPassword(c, login);
    // One's own password on a shared PostgreSQL database is changed on the server, which checks the current
    // one: the password given to log in (--password-file before the command, or asked again).
    QString current;
    if (own && !store::PgRoles::mayWritePasswordHashes(*db))
        current =
            !c.globals.passwordFile.isEmpty()
                ? security::Passwords::readPasswordFile(c.globals.passwordFile)
                : (c.interactive ? promptPassword(Cli::tr("Current password for %1: ").arg(login), c.err)
                                 : QString());
    security::UserService(*db, session).setPassword(login, password, current);
    c.out << Cli::tr("Password of %1 changed; the account is unlocked.").arg(login) << Qt::endl;
    return Success;
}

int runRecover(Context& c)
{
    const QString login = requiredArgument(c, QStringLiteral("LOGIN"));
    // The recovery key: on the first line of --recovery-key-file, else typed (hidden) at the prompt.
    QString key;
    const QString keyFile = c.option(QStringLiteral("recovery-key-file"));
    if (!keyFile.isEmpty()) {
        key = readRecoveryKeyFile(keyFile);
    } else if (c.interactive) {
        key = promptPassword(Cli::tr("Recovery key (the latest one printed): "), c.err);
    } else {
        throw UsageProblem(Cli::tr("--recovery-key-file FILE is needed when there is no terminal to ask on"));
    }
    auto db = store::Database::open(c.databaseSpec());
    const QString password = commandPassword(c, login);
    const auto result =
        security::Recovery::restoreAdministrator(*db, key, login, c.option(QStringLiteral("name")), password);
    c.out << (result.created
                  ? Cli::tr("Administrator %1 created with the recovery key: log in with the new "
                            "password.")
                  : Cli::tr("Administrator %1 has a new password (set with the recovery key) and is "
                            "unlocked."))
                 .arg(result.user.login)
          << Qt::endl;
    return Success;
}

int runRecoveryKeyReplace(Context& c)
{
    requireNoArgument(c);
    auto [db, session] = c.openAndLogin();
    const auto replaced = security::Recovery::replaceKey(*db, session);
    c.out << Cli::tr("The recovery key of %1 was replaced: the old key no longer opens it.")
                 .arg(db->spec().displayName())
          << Qt::endl;
    QStringList more{
        Cli::tr("Backups taken before this replacement open with the old key, not with this one.")};
    if (replaced.healthPending)
        more << Cli::tr("It opens the health data only after a nurse's next login.");
    // Like init's: printed once, inside a box, on stdout only.
    printRecoveryKey(c.out, replaced.recoveryKey, more);
    return Success;
}

int runBackup(Context& c)
{
    const QString file = requiredArgument(c, Cli::tr("FILE (where to write the backup)"));
    auto [db, session] = c.openAndLogin();
    const bool progress = isatty(STDERR_FILENO);
    const store::BackupResult r = BackupService(*db, session).backup(file, [&](qint64 done, qint64 total) {
        if (progress && total > 0) {
            c.err << Cli::tr("Backup: %1 %").arg(done * 100 / total) << '\r';
            c.err.flush();
        }
        return true;
    });
    if (progress)
        c.err << Qt::endl;
    c.out << Cli::tr("Backup written to %1 (%2 bytes).").arg(QDir::toNativeSeparators(r.file)).arg(r.bytes)
          << Qt::endl;
    return Success;
}

int runRestore(Context& c)
{
    const QString file = requiredArgument(c, Cli::tr("BACKUP (the file to restore)"));
    const QString to = c.option(QStringLiteral("to"));
    if (to.isEmpty())
        throw UsageProblem(Cli::tr("restore needs --to DB: a new file, or an empty PostgreSQL database"));
    const store::DatabaseSpec target = store::DatabaseSpec::parse(to, c.env);
    if (c.globals.user.isEmpty())
        throw UsageProblem(Cli::tr("restore needs --user LOGIN: an administrator of the backed-up database"));
    QString password;
    if (!c.globals.passwordFile.isEmpty())
        password = security::Passwords::readPasswordFile(c.globals.passwordFile);
    else if (c.interactive)
        password = promptPassword(Cli::tr("Password for %1: ").arg(c.globals.user), c.err);
    else
        throw UsageProblem(Cli::tr("--user needs --password-file FILE when there is no terminal to ask on"));
    BackupService::restore(file, target, c.globals.user, password);
    c.out << Cli::tr("Restored %1 into %2.").arg(QDir::toNativeSeparators(file), target.displayName())
          << Qt::endl;
    return Success;
}

int runAuditVerify(Context& c)
{
    requireNoArgument(c);
    auto [db, session] = c.openAndLogin();
    const AuditVerification v = AuditTrail(*db).verify(session);
    if (!v.ok) {
        c.err << QStringLiteral("cabas-cli audit verify: ") << v.message << Qt::endl;
        return Failure;
    }
    c.out << v.message << Qt::endl;
    return Success;
}

int runAuditList(Context& c)
{
    requireNoArgument(c);
    const QString format =
        formatChoice(c.option(QStringLiteral("format")),
                     {QStringLiteral("text"), QStringLiteral("json"), QStringLiteral("csv")});
    store::AuditFilter filter;
    const QString since = c.option(QStringLiteral("since"));
    if (!since.isEmpty()) {
        filter.since = QDate::fromString(since, Qt::ISODate);
        if (!filter.since.isValid())
            filter.since = QDate::fromString(since, QStringLiteral("dd/MM/yyyy"));
        if (!filter.since.isValid())
            throw UsageProblem(
                Cli::tr("--since must be a date YYYY-MM-DD or DD/MM/YYYY, not \"%1\"").arg(since));
    }
    filter.login = c.option(QStringLiteral("user")).trimmed().toLower();
    filter.table = c.option(QStringLiteral("table"));
    const QString limit = c.option(QStringLiteral("limit"));
    if (!limit.isEmpty()) {
        bool ok = false;
        filter.limit = limit.toInt(&ok);
        if (!ok || filter.limit < 1)
            throw UsageProblem(Cli::tr("--limit must be a positive whole number, not \"%1\"").arg(limit));
    }
    auto [db, session] = c.openAndLogin();
    const auto records = AuditTrail(*db).list(session, filter);
    auto local = [](const QDateTime& at) {
        return at.toTimeZone(Clock::programmeZone()).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    };
    if (format == QLatin1String("json")) {
        QJsonArray array;
        for (const auto& r : records)
            array.append(QJsonObject{{QStringLiteral("seq"), double(r.seq)},
                                     {QStringLiteral("at"), r.at.toUTC().toString(Qt::ISODateWithMs)},
                                     {QStringLiteral("login"), r.login},
                                     {QStringLiteral("role"), r.role},
                                     {QStringLiteral("action"), r.action},
                                     {QStringLiteral("table"), r.table},
                                     {QStringLiteral("record"), r.recordRef},
                                     {QStringLiteral("outcome"), r.outcome},
                                     {QStringLiteral("detail"), r.detail}});
        c.out << QJsonDocument(array).toJson(QJsonDocument::Indented);
        return Success;
    }
    const QChar sep = format == QLatin1String("csv") ? QLatin1Char(';') : QLatin1Char('\t');
    if (format == QLatin1String("csv"))
        c.out << "seq;at;login;role;action;table;record;outcome;detail\n";
    for (const auto& r : records) {
        QStringList fields = {QString::number(r.seq),
                              local(r.at),
                              r.login,
                              r.role,
                              r.action,
                              r.table,
                              r.recordRef,
                              r.outcome,
                              r.detail};
        if (format == QLatin1String("csv"))
            for (QString& f : fields)
                if (f.contains(sep) || f.contains(QLatin1Char('"')) || f.contains(QLatin1Char('\n')))
                    f = QLatin1Char('"') + f.replace(QLatin1Char('"'), QStringLiteral("\"\"")) +
                        QLatin1Char('"');
        c.out << fields.join(sep) << '\n';
    }
    c.out.flush();
    return Success;
}

// Runs an import's check and, unless --dry-run, the import itself; prints warnings, every error, or the
// summary.
template <typename Check, typename Run> int runImport(Context& c, Check check, Run run)
{
    const QString file = requiredArgument(c, QStringLiteral("FILE"));
    const bool dryRun = c.parser.isSet(QStringLiteral("dry-run"));
    auto report = check(file);
    if (report.ok() && !dryRun)
        report = run(file);
    for (const QString& w : report.warnings)
        c.err << Cli::tr("warning: %1").arg(w) << '\n';
    if (!report.ok()) {
        c.err << report.errors.join(QLatin1Char('\n')) << '\n'
              << Cli::tr("Nothing was imported.") << Qt::endl;
        return Failure;
    }
    c.out << (dryRun ? Cli::tr("Check only, nothing written. %1") : Cli::tr("Imported. %1"))
                 .arg(report.summary())
          << Qt::endl;
    return Success;
}

int runImportPersons(Context& c)
{
    requiredArgument(c, QStringLiteral("FILE")); // a usage error before asking for a password
    auto [db, session] = c.openAndLogin();
    io::PersonsImport import(*db, session);
    return runImport(
        c, [&](const QString& f) { return import.check(f); },
        [&](const QString& f) { return import.run(f); });
}

int runHealthImport(Context& c, bool checkups)
{
    requiredArgument(c, QStringLiteral("FILE")); // a usage error before asking for a password
    auto [db, session] = c.openAndLogin();
    io::HealthImport import(*db, session);
    return runImport(
        c,
        [&](const QString& f) { return checkups ? import.checkCheckups(f) : import.checkQuestionnaires(f); },
        [&](const QString& f) { return checkups ? import.runCheckups(f) : import.runQuestionnaires(f); });
}

int runImportCheckups(Context& c)
{
    return runHealthImport(c, true);
}

int runImportQuestionnaires(Context& c)
{
    return runHealthImport(c, false);
}

int runHealthWorklist(Context& c)
{
    requireNoArgument(c);
    const QString format =
        formatChoice(c.option(QStringLiteral("format")),
                     {QStringLiteral("text"), QStringLiteral("csv"), QStringLiteral("json")});
    const QString status = c.option(QStringLiteral("status"));
    static const QStringList statuses = {QStringLiteral("upcoming"), QStringLiteral("due"),
                                         QStringLiteral("overdue"), QStringLiteral("done")};
    if (!status.isEmpty() && !statuses.contains(status))
        throw UsageProblem(Cli::tr("--status must be one of %1").arg(statuses.join(QStringLiteral(", "))));
    auto [db, session] = c.openAndLogin();
    const auto items = FollowUpSchedule(*db, session).items(Clock::instance().today());
    QJsonArray array;
    if (format == QLatin1String("csv"))
        c.out << "person_code;name;household_code;commune;wave;window_start;target;window_end;status;consent_"
                 "withdrawn\n";
    for (const FollowUpItem& i : items) {
        if (!status.isEmpty() && toCode(i.status) != status)
            continue;
        const QStringList fields = {i.personCode,
                                    i.personName,
                                    i.householdCode,
                                    i.commune,
                                    i.wave,
                                    i.windowStart.toString(Qt::ISODate),
                                    i.target.toString(Qt::ISODate),
                                    i.windowEnd.toString(Qt::ISODate),
                                    format == QLatin1String("text") ? displayName(i.status)
                                                                    : toCode(i.status),
                                    i.consentWithdrawn ? QStringLiteral("yes") : QStringLiteral("no")};
        if (format == QLatin1String("json")) {
            array.append(QJsonObject{{QStringLiteral("person_code"), i.personCode},
                                     {QStringLiteral("name"), i.personName},
                                     {QStringLiteral("household_code"), i.householdCode},
                                     {QStringLiteral("commune"), i.commune},
                                     {QStringLiteral("wave"), i.wave},
                                     {QStringLiteral("window_start"), fields[5]},
                                     {QStringLiteral("target"), fields[6]},
                                     {QStringLiteral("window_end"), fields[7]},
                                     {QStringLiteral("status"), toCode(i.status)},
                                     {QStringLiteral("consent_withdrawn"), i.consentWithdrawn}});
            continue;
        }
        QStringList out = fields;
        if (format == QLatin1String("csv"))
            for (QString& f : out)
                if (f.contains(QLatin1Char(';')) || f.contains(QLatin1Char('"')))
                    f = QLatin1Char('"') + f.replace(QLatin1Char('"'), QStringLiteral("\"\"")) +
                        QLatin1Char('"');
        c.out << out.join(format == QLatin1String("csv") ? QLatin1Char(';') : QLatin1Char('\t')) << '\n';
    }
    if (format == QLatin1String("json"))
        c.out << QJsonDocument(array).toJson(QJsonDocument::Indented);
    c.out.flush();
    return Success;
}

int runPgRoles(Context& c)
{
    requireNoArgument(c);
    const QString prefix = c.option(QStringLiteral("prefix")).isEmpty() ? QStringLiteral("cabas")
                                                                        : c.option(QStringLiteral("prefix"));
    auto [db, session] = c.openAndLogin();
    const AuditTrail audit(*db);
    audit.require(session, DataKind::Administration, Action::Write, QStringLiteral("pg_roles"), prefix);
    store::PgRoles::apply(*db, prefix);
    audit.record(session, QStringLiteral("grant"), QStringLiteral("pg_roles"), prefix);
    QStringList names;
    for (Role r : {Role::SocialWorker, Role::Nurse, Role::Coordinator, Role::Admin})
        names << store::PgRoles::roleName(prefix, r);
    c.out << Cli::tr("Database roles ready: %1. Give each member of staff a login in their role's group, for "
                     "example: "
                     "CREATE ROLE anne LOGIN PASSWORD '...' IN ROLE %2;")
                 .arg(names.join(QStringLiteral(", ")), names.first())
          << Qt::endl;
    return Success;
}

std::vector<Command> baseCommands()
{
    using O = QCommandLineOption;
    const O format(QStringLiteral("format"), Cli::tr("text (default) or json."), QStringLiteral("FORMAT"));
    return {
        {QStringLiteral("init"),
         QString(),
         Cli::tr("Create a new database with its programme and first administrator."),
         {O(QStringLiteral("admin"), Cli::tr("Login of the first administrator."), QStringLiteral("LOGIN")),
          O(QStringLiteral("admin-name"), Cli::tr("Name shown for the administrator."),
            QStringLiteral("NAME")),
          O(QStringLiteral("password-file"),
            Cli::tr("The administrator's password, on the file's first line."), QStringLiteral("FILE")),
          O(QStringLiteral("programme"),
            Cli::tr("Programme settings (JSON, see docs/programme-json.md); default: 40 EUR per adult, 20 "
                    "EUR per "
                    "child a month, waves M0, M6, M12, M18."),
            QStringLiteral("FILE.json")),
          O(QStringLiteral("sealed"),
            Cli::tr(
                "Keep names, birth dates, addresses and notes of persons and households, and health data, "
                "encrypted in the database (the default; docs/encryption.md).")),
          O(QStringLiteral("clear"),
            Cli::tr("Keep them in clear instead (anyone with a copy of the file reads them)."))},
         runInit,
         true},
        {QStringLiteral("demo"),
         QString(),
         Cli::tr("Fill a new database with a realistic demo programme (administrators)."),
         {O(QStringLiteral("households"), Cli::tr("Number of households, 1 to 100000 (default 60)."),
            QStringLiteral("N")),
          O(QStringLiteral("seed"), Cli::tr("Seed of the generator (default 2024): same seed, same data."),
            QStringLiteral("SEED")),
          O(QStringLiteral("scheme"),
            Cli::tr("Set up the programme of a kind of scheme first: gers, vitalim, rennes or montpellier."),
            QStringLiteral("NAME")),
          O(QStringLiteral("programme"), Cli::tr("Set up the programme of this file first (JSON)."),
            QStringLiteral("FILE.json"))},
         runDemo},
        {QStringLiteral("info"),
         QString(),
         Cli::tr("Show the database's schema version, programme and counts."),
         {format},
         runInfo},
        {QStringLiteral("programme show"),
         QString(),
         Cli::tr("Show the programme settings as JSON."),
         {},
         runProgrammeShow},
        {QStringLiteral("seal"),
         QString(),
         Cli::tr("Encrypt the names, birth dates, addresses, notes and health data of an existing clear "
                 "database, or the health data of a database sealed without it, after a backup "
                 "(administrators; the password is asked again, or read again from --password-file)."),
         {O(QStringLiteral("backup"),
            Cli::tr("Where to write the backup taken first (default: beside the database, "
                    "NAME.before-sealing-DATE.cabas)."),
            QStringLiteral("FILE")),
          O(QStringLiteral("recovery-key-file"),
            Cli::tr("The recovery key, on the file's first line: needed to encrypt the health data when the "
                    "nurses already hold its key (asked on a terminal)."),
            QStringLiteral("FILE"))},
         runSeal},
        {QStringLiteral("user add"),
         QStringLiteral("LOGIN"),
         Cli::tr("Add a user (administrators)."),
         {O(QStringLiteral("role"), Cli::tr("social_worker, nurse, coordinator or admin."),
            QStringLiteral("ROLE")),
          O(QStringLiteral("name"), Cli::tr("Name shown for the user."), QStringLiteral("NAME")),
          O(QStringLiteral("password-file"), Cli::tr("The new user's password, on the file's first line."),
            QStringLiteral("FILE"))},
         runUserAdd,
         true},
        {QStringLiteral("user list"),
         QString(),
         Cli::tr("List the users (administrators)."),
         {format},
         runUserList},
        {QStringLiteral("user disable"),
         QStringLiteral("LOGIN"),
         Cli::tr("Disable a user: they can no longer log in; their history stays (administrators)."),
         {},
         runUserDisable},
        {QStringLiteral("user enable"),
         QStringLiteral("LOGIN"),
         Cli::tr("Enable a disabled user (administrators)."),
         {},
         runUserEnable},
        {QStringLiteral("recover"),
         QStringLiteral("LOGIN"),
         Cli::tr("Every administrator's password lost: with the latest recovery key printed, create the "
                 "administrator LOGIN, or give that administrator a new password (no --user)."),
         {O(QStringLiteral("recovery-key-file"), Cli::tr("The recovery key, on the file's first line."),
            QStringLiteral("FILE")),
          O(QStringLiteral("name"), Cli::tr("Name shown for a new administrator."), QStringLiteral("NAME")),
          O(QStringLiteral("password-file"),
            Cli::tr("The administrator's new password, on the file's first line."), QStringLiteral("FILE"))},
         runRecover,
         true},
        {QStringLiteral("recovery-key replace"),
         QString(),
         Cli::tr(
             "Replace a lost recovery key, or one seen by someone who should not have: prints the new key "
             "once; the old one no longer opens the database (administrators)."),
         {},
         runRecoveryKeyReplace},
        {QStringLiteral("user passwd"),
         QStringLiteral("LOGIN"),
         Cli::tr("Set a user's password and unlock the account (administrators; anyone for their own)."),
         {O(QStringLiteral("password-file"), Cli::tr("The new password, on the file's first line."),
            QStringLiteral("FILE"))},
         runUserPasswd,
         true},
        {QStringLiteral("backup"),
         QStringLiteral("FILE"),
         Cli::tr("Write a consistent backup of the database to FILE, which must not exist (administrators; "
                 "SQLite's online backup, or pg_dump)."),
         {},
         runBackup},
        {QStringLiteral("restore"),
         QStringLiteral("BACKUP"),
         Cli::tr("Restore BACKUP into a new database (--to), after checking that --user is one of its "
                 "administrators."),
         {O(QStringLiteral("to"),
            Cli::tr("The new database: a file that does not exist yet, or an empty "
                    "PostgreSQL database."),
            QStringLiteral("DB"))},
         runRestore},
        {QStringLiteral("audit verify"),
         QString(),
         Cli::tr("Check the whole audit chain; name the first broken or missing record (administrators)."),
         {},
         runAuditVerify},
        {QStringLiteral("audit list"),
         QString(),
         Cli::tr("List audit records, newest first (administrators)."),
         {O(QStringLiteral("since"), Cli::tr("Only records from this date (YYYY-MM-DD)."),
            QStringLiteral("DATE")),
          O(QStringLiteral("user"), Cli::tr("Only this user's records."), QStringLiteral("LOGIN")),
          O(QStringLiteral("table"), Cli::tr("Only records about this table."), QStringLiteral("TABLE")),
          O(QStringLiteral("limit"), Cli::tr("At most this many records (default 1000)."),
            QStringLiteral("N")),
          O(QStringLiteral("format"), Cli::tr("text (default), csv or json."), QStringLiteral("FORMAT"))},
         runAuditList,
         false,
         true},
        {QStringLiteral("import persons"),
         QStringLiteral("FILE"),
         Cli::tr("Import households, members and cards from persons.csv: all or nothing, located errors, "
                 "the same file twice changes nothing (social workers)."),
         {O(QStringLiteral("dry-run"),
            Cli::tr("Check the file and say what would change, without writing."))},
         runImportPersons},
        {QStringLiteral("import checkups"),
         QStringLiteral("FILE"),
         Cli::tr("Import health checkups from checkups.csv: all or nothing, located errors, consent checked "
                 "(nurses)."),
         {O(QStringLiteral("dry-run"),
            Cli::tr("Check the file and say what would change, without writing."))},
         runImportCheckups},
        {QStringLiteral("import questionnaires"),
         QStringLiteral("FILE"),
         Cli::tr(
             "Import diet questionnaires from questionnaires.csv: all or nothing, located errors, consent "
             "checked (nurses)."),
         {O(QStringLiteral("dry-run"),
            Cli::tr("Check the file and say what would change, without writing."))},
         runImportQuestionnaires},
        {QStringLiteral("health worklist"),
         QString(),
         Cli::tr(
             "The nurses' work list: each wave of each consenting person with its window and status today "
             "(nurses)."),
         {O(QStringLiteral("status"), Cli::tr("Only upcoming, due, overdue or done."),
            QStringLiteral("STATUS")),
          O(QStringLiteral("format"), Cli::tr("text (default), csv or json."), QStringLiteral("FORMAT"))},
         runHealthWorklist},
        {QStringLiteral("pg roles"),
         QString(),
         Cli::tr(
             "PostgreSQL: create one database role per Cabas role, with the privileges of the access rules "
             "(administrators; run again after an upgrade)."),
         {O(QStringLiteral("prefix"), Cli::tr("Prefix of the role names (default cabas: cabas_nurse ...)."),
            QStringLiteral("PREFIX"))},
         runPgRoles},
    };
}

// Every command, in the order of the general help.
std::vector<Command> commands()
{
    std::vector<Command> all = baseCommands();
    for (auto part : {householdCommands, workshopCommands, ledgerCommands, cohortCommands, healthCommands,
                      programmeCommands, contributionCommands, merchantCommands}) {
        std::vector<Command> more = part();
        all.insert(all.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
    }
    return all;
}

QString optionsHelp(const QList<QCommandLineOption>& options)
{
    QString text;
    for (const QCommandLineOption& o : options) {
        QString left = QStringLiteral("  --") + o.names().first();
        if (!o.valueName().isEmpty())
            left += QLatin1Char(' ') + o.valueName();
        text += left.leftJustified(26) + QLatin1Char(' ') + o.description() + QLatin1Char('\n');
    }
    return text;
}

QString globalOptionsHelp()
{
    QString text = Cli::tr("Global options (before the command):") + QLatin1Char('\n');
    text += QStringLiteral("  --db DB                    ") +
            Cli::tr("a file (SQLite) or postgresql://user@host:port/dbname; default $CABAS_DB") +
            QLatin1Char('\n');
    text +=
        QStringLiteral("  --user LOGIN               ") + Cli::tr("log in as this user") + QLatin1Char('\n');
    text += QStringLiteral("  --password-file FILE       ") +
            Cli::tr("file whose first line is that user's password (else asked on the terminal)") +
            QLatin1Char('\n');
    text += QStringLiteral("  -h, --help                 ") +
            Cli::tr("this help; COMMAND --help for a command's") + QLatin1Char('\n');
    text +=
        QStringLiteral("  --version                  ") + Cli::tr("the version of Cabas") + QLatin1Char('\n');
    return text;
}

QString generalHelp()
{
    QString text = Cli::tr("Usage: cabas-cli [--db DB] [--user LOGIN --password-file FILE] COMMAND [ARGS]") +
                   QStringLiteral("\n\n");
    text += Cli::tr("Cabas: follow-up of sustainable food card programmes, from the command line.") +
            QStringLiteral("\n\n");
    text += Cli::tr("Commands:") + QLatin1Char('\n');
    for (const Command& c : commands())
        text += QStringLiteral("  %1 %2\n")
                    .arg((c.name + QLatin1Char(' ') + c.arguments).trimmed(), -20)
                    .arg(c.summary);
    text += QLatin1Char('\n') + globalOptionsHelp();
    text +=
        QLatin1Char('\n') +
        Cli::tr("Every command but init needs a user. --db, --user and --password-file may also follow the "
                "command, unless the command has an option of that name.") +
        QLatin1Char('\n');
    text +=
        Cli::tr("Exit status: 0 success, 1 failure (reason on stderr), 2 usage error.") + QLatin1Char('\n');
    return text;
}

QString commandHelp(const Command& c)
{
    QString text = Cli::tr("Usage: cabas-cli [GLOBAL OPTIONS] %1 [OPTIONS]")
                       .arg((c.name + QLatin1Char(' ') + c.arguments).trimmed()) +
                   QStringLiteral("\n\n") + c.summary + QStringLiteral("\n\n");
    if (!c.options.isEmpty())
        text += Cli::tr("Options:") + QLatin1Char('\n') + optionsHelp(c.options) + QLatin1Char('\n');
    text += globalOptionsHelp();
    return text;
}

int usageError(QTextStream& err, const QString& command, const QString& message)
{
    err << QStringLiteral("cabas-cli %1: ").arg(command) << message << '\n'
        << Cli::tr("See: cabas-cli %1 --help").arg(command) << Qt::endl;
    return UsageError;
}

} // namespace

int run(const QStringList& arguments, QTextStream& out, QTextStream& err, const QProcessEnvironment& env)
{
    // Global options come first, then the command (one or two words), then the command's own arguments.
    Globals globals;
    qsizetype i = 0;
    for (; i < arguments.size(); ++i) {
        const QString& a = arguments.at(i);
        auto value = [&](QString* target) {
            const qsizetype eq = a.indexOf(QLatin1Char('='));
            if (eq > 0) {
                *target = a.mid(eq + 1);
                return true;
            }
            if (i + 1 >= arguments.size())
                return false;
            *target = arguments.at(++i);
            return true;
        };
        if (a == QLatin1String("--version")) {
            out << QStringLiteral("cabas-cli %1").arg(QCoreApplication::applicationVersion()) << Qt::endl;
            return Success;
        }
        if (a == QLatin1String("--help") || a == QLatin1String("-h") || a == QLatin1String("help")) {
            out << generalHelp();
            return Success;
        }
        bool ok = true;
        if (a == QLatin1String("--db") || a.startsWith(QLatin1String("--db=")))
            ok = value(&globals.db);
        else if (a == QLatin1String("--user") || a.startsWith(QLatin1String("--user=")))
            ok = value(&globals.user);
        else if (a == QLatin1String("--password-file") || a.startsWith(QLatin1String("--password-file=")))
            ok = value(&globals.passwordFile);
        else if (a.startsWith(QLatin1Char('-'))) {
            err << Cli::tr("cabas-cli: unknown option \"%1\".").arg(a) << '\n' << generalHelp();
            return UsageError;
        } else
            break;
        if (!ok) {
            err << Cli::tr("cabas-cli: %1 needs a value.").arg(a) << Qt::endl;
            return UsageError;
        }
    }
    if (i >= arguments.size()) {
        err << Cli::tr("cabas-cli: no command given.") << '\n' << generalHelp();
        return UsageError;
    }

    const auto all = commands();
    const Command* command = nullptr;
    qsizetype rest = i + 1;
    if (i + 1 < arguments.size()) {
        const QString two = arguments.at(i) + QLatin1Char(' ') + arguments.at(i + 1);
        for (const Command& c : all)
            if (c.name == two) {
                command = &c;
                rest = i + 2;
            }
    }
    if (!command)
        for (const Command& c : all)
            if (c.name == arguments.at(i))
                command = &c;
    if (!command) {
        // A group such as "user" alone, or "user --help": list its commands.
        QStringList group;
        for (const Command& c : all)
            if (c.name.startsWith(arguments.at(i) + QLatin1Char(' ')))
                group << QStringLiteral("  %1 %2")
                             .arg((c.name + QLatin1Char(' ') + c.arguments).trimmed(), -20)
                             .arg(c.summary);
        if (!group.isEmpty()) {
            const bool help = arguments.mid(i + 1).contains(QStringLiteral("--help")) ||
                              arguments.mid(i + 1).contains(QStringLiteral("-h"));
            (help ? out : err) << Cli::tr("Commands:") << '\n' << group.join(QLatin1Char('\n')) << Qt::endl;
            return help ? Success : UsageError;
        }
        err << Cli::tr("cabas-cli: unknown command \"%1\".").arg(arguments.at(i)) << '\n' << generalHelp();
        return UsageError;
    }

    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    QList<QCommandLineOption> options = command->options;
    options << QCommandLineOption(QStringList{QStringLiteral("h"), QStringLiteral("help")}, QString());
    // The global options may follow the command, unless the command has its own option of that name.
    options << QCommandLineOption(QStringLiteral("db"), QString(), QStringLiteral("DB"));
    if (!command->ownsUser)
        options << QCommandLineOption(QStringLiteral("user"), QString(), QStringLiteral("LOGIN"));
    if (!command->ownsPasswordFile)
        options << QCommandLineOption(QStringLiteral("password-file"), QString(), QStringLiteral("FILE"));
    parser.addOptions(options);
    QStringList argv = arguments.mid(rest);
    argv.prepend(QStringLiteral("cabas-cli"));
    if (!parser.parse(argv))
        return usageError(err, command->name, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        out << commandHelp(*command);
        return Success;
    }
    if (parser.isSet(QStringLiteral("db")))
        globals.db = parser.value(QStringLiteral("db"));
    if (!command->ownsUser && parser.isSet(QStringLiteral("user")))
        globals.user = parser.value(QStringLiteral("user"));
    if (!command->ownsPasswordFile && parser.isSet(QStringLiteral("password-file")))
        globals.passwordFile = parser.value(QStringLiteral("password-file"));

    const bool interactive = isatty(STDIN_FILENO) != 0 && !env.contains(QStringLiteral("CABAS_NO_PROMPT"));
    Context context{parser, globals, out, err, env, interactive};
    try {
        const int code = command->run(context);
        out.flush();
        return code;
    } catch (const UsageProblem& e) {
        return usageError(err, command->name, e.message);
    } catch (const Error& e) {
        out.flush();
        err << QStringLiteral("cabas-cli %1: ").arg(command->name) << e.message() << Qt::endl;
        return Failure;
    }
}

} // namespace cabas::cli
