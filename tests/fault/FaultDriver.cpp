// cabas_fault_driver: one client of the PostgreSQL concurrency test (PgConcurrencyTest.cpp). It logs in, then
// for --seconds repeats one kind of work through the real services, and writes one JSON line per attempt on
// stdout:
//   --mode enrol   HouseholdService::enrol of a new household (next free codes; a code taken meanwhile by
//                  another client is a Conflict, tried again with the next code)
//   --mode edit    HouseholdService::save of one of --households (comma-separated codes), read just before:
//                  {"op":"edit","code":...,"ok":true,"value":...,"version":N} or a reported conflict
//   --mode sync    SyncEngine::run against --ledger with --token
// Every failure must be a cabas::Error: anything else (or a crash) ends the driver with exit code 3.
#include "common/Error.h"
#include "common/Translation.h"
#include "ledger/SyncEngine.h"
#include "security/Authenticator.h"
#include "services/HouseholdService.h"
#include "store/Database.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QThread>
#include <cstdio>
#include <random>

using namespace cabas;

namespace {

void report(const QJsonObject& o)
{
    const QByteArray line = QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fflush(stdout);
}

QJsonObject failure(const QString& op, const Error& e)
{
    return QJsonObject{{QStringLiteral("op"), op},
                       {QStringLiteral("ok"), false},
                       {QStringLiteral("kind"), int(e.kind())},
                       {QStringLiteral("message"), e.message()}};
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    installTranslations(chosenLanguage());
    QCommandLineParser parser;
    for (const char* option :
         {"db", "user", "password-file", "mode", "seconds", "worker", "households", "ledger", "token"})
        parser.addOption(QCommandLineOption(QString::fromLatin1(option), QString(), QStringLiteral("value")));
    parser.process(app);
    const QString mode = parser.value(QStringLiteral("mode"));
    const int worker = parser.value(QStringLiteral("worker")).toInt();
    const qint64 durationMs = qint64(parser.value(QStringLiteral("seconds")).toDouble() * 1000);
    std::mt19937 rnd(std::uint32_t(worker * 7919 + 13));
    try {
        QFile pw(parser.value(QStringLiteral("password-file")));
        if (!pw.open(QIODevice::ReadOnly))
            throw Error(QStringLiteral("no password file"));
        const QString password = QString::fromUtf8(pw.readLine()).trimmed();
        const auto db = store::Database::open(store::DatabaseSpec::parse(parser.value(QStringLiteral("db"))));
        const Session session =
            security::Authenticator(*db).login(parser.value(QStringLiteral("user")), password);
        const HouseholdService households(*db, session);
        const QStringList codes =
            parser.value(QStringLiteral("households")).split(QLatin1Char(','), Qt::SkipEmptyParts);
        QElapsedTimer timer;
        timer.start();
        int n = 0;
        while (timer.elapsed() < durationMs) {
            ++n;
            if (mode == QLatin1String("enrol")) {
                int attempts = 0;
                for (;;) {
                    ++attempts;
                    Enrolment e;
                    e.on = QDate(2025, 6, 2);
                    e.household.code = households.nextHouseholdCode();
                    e.household.commune = QStringLiteral("Auch");
                    e.household.postcode = QStringLiteral("32000");
                    e.household.address = QStringLiteral("%1 rue du Test").arg(worker);
                    Person p;
                    p.code = households.nextPersonCode(worker); // apart from the other clients' next codes
                    p.firstName = QStringLiteral("W%1").arg(worker);
                    p.lastName = QStringLiteral("N%1").arg(n);
                    p.birthDate = QDate(1980, 1, 1).addDays(worker * 100 + n);
                    e.members.push_back(p);
                    e.cardToken = QStringLiteral("FC-%1-%2").arg(worker).arg(n);
                    try {
                        households.enrol(e);
                        report({{QStringLiteral("op"), QStringLiteral("enrol")},
                                {QStringLiteral("ok"), true},
                                {QStringLiteral("code"), e.household.code},
                                {QStringLiteral("person"), e.members.front().code},
                                {QStringLiteral("attempts"), attempts}});
                        break;
                    } catch (const Error& err) {
                        // A code another client took meanwhile (found by the service's own check: Invalid, or
                        // by the database: Conflict): reported, then the next free code.
                        report(failure(QStringLiteral("enrol"), err));
                        if (err.kind() != Error::Kind::Conflict && err.kind() != Error::Kind::Storage &&
                            err.kind() != Error::Kind::Invalid)
                            throw;
                        if (attempts >= 50 || timer.elapsed() >= durationMs)
                            break;
                    }
                }
            } else if (mode == QLatin1String("edit")) {
                const QString code = codes.at(int(rnd() % unsigned(codes.size())));
                try {
                    const auto base = households.find(code);
                    if (!base)
                        throw Error(QStringLiteral("household %1 not found").arg(code),
                                    Error::Kind::NotFound);
                    Household mine = *base;
                    mine.notes = QStringLiteral("w%1-%2").arg(worker).arg(n);
                    if ((rnd() % 3) == 0)
                        QThread::msleep(rnd() % 20); // a user thinking: more overlap
                    const auto conflict = households.save(mine, *base);
                    if (conflict)
                        report({{QStringLiteral("op"), QStringLiteral("edit")},
                                {QStringLiteral("ok"), false},
                                {QStringLiteral("conflict"), true},
                                {QStringLiteral("code"), code},
                                {QStringLiteral("base_version"), base->version},
                                {QStringLiteral("their_version"), conflict->theirs.version}});
                    else
                        report({{QStringLiteral("op"), QStringLiteral("edit")},
                                {QStringLiteral("ok"), true},
                                {QStringLiteral("code"), code},
                                {QStringLiteral("value"), mine.notes},
                                {QStringLiteral("version"), mine.version}});
                } catch (const Error& err) {
                    report(failure(QStringLiteral("edit"), err));
                }
            } else if (mode == QLatin1String("sync")) {
                ledger::SyncOptions options;
                options.client.baseUrl = parser.value(QStringLiteral("ledger"));
                options.client.token = parser.value(QStringLiteral("token"));
                options.client.pageLimit = 40 + int(rnd() % 60);
                options.client.timeoutMs = 30000;
                try {
                    const ledger::SyncResult r = ledger::SyncEngine(*db, session, options).run();
                    report({{QStringLiteral("op"), QStringLiteral("sync")},
                            {QStringLiteral("ok"), true},
                            {QStringLiteral("new"), double(r.newEntries)},
                            {QStringLiteral("pages"), r.pages}});
                } catch (const Error& err) {
                    report(failure(QStringLiteral("sync"), err));
                }
                QThread::msleep(rnd() % 200);
            } else {
                throw Error(QStringLiteral("unknown mode %1").arg(mode));
            }
        }
    } catch (const Error& e) {
        report(failure(QStringLiteral("driver"), e));
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "unexpected exception: %s\n", e.what());
        return 3;
    }
    return 0;
}
