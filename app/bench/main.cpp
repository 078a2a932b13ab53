// cabas-bench: the project's performance figures, printed as one JSON object per line so that runs can be
// compared ("bench" build target). Later issues add their measurements here.
//
//   cabas-bench [--households N[,N...]] [--quick]
//   CABAS_BENCH_PG=postgresql://user@host:port/db  also measures PostgreSQL (the database must be empty; the
//   benchmark creates its tables there and leaves them).
#include "common/Clock.h"
#include "common/Error.h"
#include "demo/DemoGenerator.h"
#include "domain/Programme.h"
#include "security/AuditTrail.h"
#include "security/Authenticator.h"
#include "security/Passwords.h"
#include "setup/Setup.h"
#include "store/Database.h"
#include "store/HouseholdRepository.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTextStream>
#include <cstdio>

using namespace cabas;

namespace {

QTextStream& out()
{
    static QTextStream s(stdout);
    return s;
}

void report(const QString& name, const QString& backend, qint64 n, double seconds, const QString& unit = {})
{
    QJsonObject o{{QStringLiteral("bench"), name},
                  {QStringLiteral("backend"), backend},
                  {QStringLiteral("n"), double(n)},
                  {QStringLiteral("seconds"), seconds}};
    if (n > 0 && seconds > 0)
        o.insert(QStringLiteral("per_second"), double(n) / seconds);
    if (!unit.isEmpty())
        o.insert(QStringLiteral("unit"), unit);
    out() << QJsonDocument(o).toJson(QJsonDocument::Compact) << Qt::endl;
}

double seconds(const QElapsedTimer& t)
{
    return double(t.nsecsElapsed()) / 1e9;
}

void benchBackend(const store::DatabaseSpec& spec, const QString& backend, int households)
{
    QElapsedTimer t;
    t.start();
    InitRequest request;
    request.spec = spec;
    request.adminLogin = QStringLiteral("admin");
    request.adminPassword = QStringLiteral("Bench-Password-2026");
    auto db = Setup::initDatabase(request);
    report(QStringLiteral("init"), backend, 1, seconds(t));

    t.restart();
    DemoOptions options;
    options.households = households;
    const Session admin = security::Authenticator(*db).login(QStringLiteral("admin"), request.adminPassword);
    const DemoResult r = DemoGenerator::generate(*db, admin, options);
    report(QStringLiteral("demo.households"), backend, r.households, seconds(t));
    report(QStringLiteral("demo.rows"), backend, r.households + r.persons + r.cards + r.consents, seconds(t),
           QStringLiteral("rows"));

    const AuditTrail audit(*db);
    const int appends = 2000;
    t.restart();
    for (int i = 0; i < appends; ++i)
        audit.record(admin, QStringLiteral("read"), QStringLiteral("checkup"), QStringLiteral("P-%1").arg(i));
    report(QStringLiteral("audit.append"), backend, appends, seconds(t), QStringLiteral("records"));
    t.restart();
    const AuditVerification verification = audit.verify();
    if (!verification.ok)
        throw Error(verification.message);
    report(QStringLiteral("audit.verify"), backend, verification.records, seconds(t),
           QStringLiteral("records"));

    store::HouseholdRepository repo(*db);
    const int lookups = 2000;
    t.restart();
    for (int i = 0; i < lookups; ++i) {
        const QString code = QStringLiteral("MMG-%1").arg((i * 7919) % households + 1,
                                                          households > 9999 ? 6 : 4, 10, QLatin1Char('0'));
        if (!repo.findByCode(code))
            throw Error(QStringLiteral("bench: %1 not found").arg(code));
    }
    report(QStringLiteral("household.find_by_code"), backend, lookups, seconds(t), QStringLiteral("lookups"));

    db.reset();
    t.restart();
    auto reopened = store::Database::open(spec);
    report(QStringLiteral("open"), backend, 1, seconds(t));
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QList<int> sizes = {1000, 100000};
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--quick"))
            sizes = {1000};
        else if (args[i] == QLatin1String("--households") && i + 1 < args.size()) {
            sizes.clear();
            for (const QString& s : args[++i].split(QLatin1Char(',')))
                sizes << s.toInt();
        } else {
            std::fprintf(stderr, "usage: cabas-bench [--quick] [--households N[,N...]]\n");
            return 2;
        }
    }
    try {
        QElapsedTimer t;
        t.start();
        const int hashes = 5;
        for (int i = 0; i < hashes; ++i)
            security::Passwords::hash(QStringLiteral("Bench-Password-2026"));
        report(QStringLiteral("password.hash"), QStringLiteral("-"), hashes, seconds(t),
               QStringLiteral("hashes"));

        for (int n : sizes) {
            QTemporaryDir dir;
            store::DatabaseSpec spec;
            spec.path = dir.filePath(QStringLiteral("bench.cabas"));
            benchBackend(spec, QStringLiteral("sqlite"), n);
        }
        const QString pg = qEnvironmentVariable("CABAS_BENCH_PG");
        if (!pg.isEmpty())
            benchBackend(store::DatabaseSpec::parse(pg), QStringLiteral("postgresql"), sizes.last());
    } catch (const Error& e) {
        std::fprintf(stderr, "cabas-bench: %s\n", qPrintable(e.message()));
        return 1;
    }
    return 0;
}
