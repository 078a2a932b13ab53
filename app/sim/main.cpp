// cabas-ledger-sim: a reference server of the card ledger feed (ledger-feed-v1) for demos and tests.
//
//   cabas-ledger-sim (--db FILE.cabas | --households N) [--seed S] [--until DATE] [--port P] [--token T]
//                    [--fault-5xx RATE] [--fault-429 RATE] [--cut RATE] [--overlap] [--slow MS]
//                    [--expire-cursors SECONDS]
//
// With --port 0 it picks a free port and prints it alone on the first line of stdout. See docs/sync.md.
#include "common/Clock.h"
#include "common/Error.h"
#include "security/Authenticator.h"
#include "security/Passwords.h"
#include "sim/SimLedger.h"
#include "store/Database.h"
#include "store/DatabaseSpec.h"
#include "store/Sealed.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QProcessEnvironment>
#include <QTextStream>
#include <csignal>
#include <cstdio>
#include <optional>
#include <unistd.h>

using namespace cabas;

namespace {

volatile std::sig_atomic_t g_stop = 0;
void onSignal(int)
{
    g_stop = 1;
}

double rate(const QCommandLineParser& p, const QString& name)
{
    if (!p.isSet(name))
        return 0;
    bool ok = false;
    const double r = p.value(name).toDouble(&ok);
    if (!ok || r < 0 || r > 1)
        throw Error(
            QStringLiteral("--%1 must be a rate between 0 and 1, not \"%2\"").arg(name, p.value(name)));
    return r;
}

int integer(const QCommandLineParser& p, const QString& name, int fallback, int min, int max)
{
    if (!p.isSet(name))
        return fallback;
    bool ok = false;
    const int v = p.value(name).toInt(&ok);
    if (!ok || v < min || v > max)
        throw Error(QStringLiteral("--%1 must be a whole number from %2 to %3, not \"%4\"")
                        .arg(name)
                        .arg(min)
                        .arg(max)
                        .arg(p.value(name)));
    return v;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("cabas-ledger-sim"));
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser p;
    p.setApplicationDescription(
        QStringLiteral("A reference card ledger feed (ledger-feed-v1) for Cabas demos and tests."));
    p.addHelpOption();
    p.addOptions({
        {QStringLiteral("db"), QStringLiteral("Generate the ledger of this Cabas database's households."),
         QStringLiteral("DB")},
        {QStringLiteral("user"),
         QStringLiteral(
             "With --db on a sealed database (names encrypted): the Cabas login whose keys read it."),
         QStringLiteral("LOGIN")},
        {QStringLiteral("password-file"),
         QStringLiteral("With --user: the file holding that login's password."), QStringLiteral("FILE")},
        {QStringLiteral("households"), QStringLiteral("Generate a standalone ledger of N households."),
         QStringLiteral("N")},
        {QStringLiteral("seed"), QStringLiteral("Random seed (same seed, same ledger; default 2024)."),
         QStringLiteral("S")},
        {QStringLiteral("until"), QStringLiteral("Last day of the ledger (default today)."),
         QStringLiteral("DATE")},
        {QStringLiteral("port"), QStringLiteral("Port on 127.0.0.1 (0: any free one, printed on stdout)."),
         QStringLiteral("P")},
        {QStringLiteral("token"), QStringLiteral("Bearer token clients must send (default demo-token)."),
         QStringLiteral("T")},
        {QStringLiteral("fault-5xx"), QStringLiteral("Share of requests answered 503."),
         QStringLiteral("RATE")},
        {QStringLiteral("fault-429"), QStringLiteral("Share of requests answered 429 with Retry-After."),
         QStringLiteral("RATE")},
        {QStringLiteral("retry-after"), QStringLiteral("Retry-After seconds of the 429s (default 1)."),
         QStringLiteral("S")},
        {QStringLiteral("cut"), QStringLiteral("Share of responses cut in the middle."),
         QStringLiteral("RATE")},
        {QStringLiteral("overlap"), QStringLiteral("Pages start a few changes before the cursor.")},
        {QStringLiteral("slow"), QStringLiteral("Wait MS milliseconds before each response."),
         QStringLiteral("MS")},
        {QStringLiteral("expire-cursors"), QStringLiteral("Answer 410 to cursors older than SECONDS."),
         QStringLiteral("SECONDS")},
    });
    p.process(app);
    try {
        const QDate until = p.isSet(QStringLiteral("until"))
                                ? QDate::fromString(p.value(QStringLiteral("until")), Qt::ISODate)
                                : Clock::instance().today();
        if (!until.isValid())
            throw Error(QStringLiteral("--until must be a date (2025-05-31)"));
        const quint64 seed =
            p.isSet(QStringLiteral("seed")) ? p.value(QStringLiteral("seed")).toULongLong() : 2024;
        sim::SimInput input;
        if (p.isSet(QStringLiteral("db"))) {
            const auto db = store::Database::open(store::DatabaseSpec::parse(
                p.value(QStringLiteral("db")), QProcessEnvironment::systemEnvironment()));
            std::optional<Session> session;
            if (p.isSet(QStringLiteral("user"))) {
                if (!p.isSet(QStringLiteral("password-file")))
                    throw Error(QStringLiteral("--user needs --password-file FILE"));
                session = security::Authenticator(*db).login(
                    p.value(QStringLiteral("user")),
                    security::Passwords::readPasswordFile(p.value(QStringLiteral("password-file"))));
            } else if (store::Sealed::isSealed(*db)) {
                throw Error(QStringLiteral("this database is sealed (names encrypted): give --user LOGIN and "
                                           "--password-file FILE of one of its users"));
            }
            input = sim::SimInput::fromDatabase(*db, until, seed, session ? session->keys.get() : nullptr);
        } else if (p.isSet(QStringLiteral("households"))) {
            input = sim::SimInput::standalone(integer(p, QStringLiteral("households"), 0, 1, 100000), until,
                                              seed);
        } else {
            throw Error(QStringLiteral("give --db DB or --households N"));
        }
        sim::SimFaults faults;
        faults.fault5xx = rate(p, QStringLiteral("fault-5xx"));
        faults.fault429 = rate(p, QStringLiteral("fault-429"));
        faults.cut = rate(p, QStringLiteral("cut"));
        faults.overlap = p.isSet(QStringLiteral("overlap"));
        faults.slowMs = integer(p, QStringLiteral("slow"), 0, 0, 600000);
        faults.retryAfterSeconds = integer(p, QStringLiteral("retry-after"), 1, 0, 3600);
        if (p.isSet(QStringLiteral("expire-cursors")))
            faults.expireCursorsAfterMs =
                qint64(integer(p, QStringLiteral("expire-cursors"), 0, 0, 1000000)) * 1000;
        const QString token = p.isSet(QStringLiteral("token")) ? p.value(QStringLiteral("token"))
                                                               : QStringLiteral("demo-token");

        sim::SimFeed feed(sim::SimLedger::generate(input), token, faults, seed ^ 0x5151);
        sim::SimServer server(feed, quint16(integer(p, QStringLiteral("port"), 8089, 0, 65535)));
        out << server.port() << Qt::endl;
        err << QStringLiteral("cabas-ledger-sim: %1 cards, %2 entry changes (%3 entries) on %4, token \"%5\"")
                   .arg(feed.ledger().cards().size())
                   .arg(feed.ledger().changes().size())
                   .arg(feed.ledger().finalState().size())
                   .arg(server.url(), token)
            << Qt::endl;
        std::signal(SIGINT, onSignal);
        std::signal(SIGTERM, onSignal);
        while (!g_stop)
            ::usleep(100000);
        return 0;
    } catch (const Error& e) {
        err << "cabas-ledger-sim: " << e.message() << Qt::endl;
        return 1;
    } catch (const std::exception& e) {
        err << "cabas-ledger-sim: " << e.what() << Qt::endl;
        return 1;
    }
}
