// cabas-bench: the project's performance figures, printed as one JSON object per line so that runs can be
// compared ("bench" build target). Later issues add their measurements here.
//
//   cabas-bench [--households N[,N...]] [--quick] [--db FILE]
//   CABAS_BENCH_PG=postgresql://user@host:port/db  also measures PostgreSQL (the database must be empty; the
//   benchmark creates its tables there and leaves them).
#include "cohort/CohortService.h"
#include "common/Clock.h"
#include "common/Error.h"
#include "demo/DemoGenerator.h"
#include "domain/Programme.h"
#include "ledger/SyncEngine.h"
#include "security/AuditTrail.h"
#include "security/Authenticator.h"
#include "security/Passwords.h"
#include "security/UserService.h"
#include "services/HouseholdService.h"
#include "setup/Setup.h"
#include "sim/SimLedger.h"
#include "store/BulkInserter.h"
#include "store/Database.h"
#include "store/HealthSealing.h"
#include "store/HouseholdRepository.h"
#include "store/LedgerRepository.h"
#include "store/StatementClock.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTextStream>
#include <algorithm>
#include <cstdio>
#include <ctime>

using namespace cabas;

namespace {

QTextStream& out()
{
    static QTextStream s(stdout);
    return s;
}

// Every figure reported, by bench and backend name ("sqlite", "sqlite-sealed"...), for the encryption cost
// lines (printCostOfSealing).
QHash<QPair<QString, QString>, double>& figures()
{
    static QHash<QPair<QString, QString>, double> f;
    return f;
}

void report(const QString& name, const QString& backend, qint64 n, double seconds, const QString& unit = {})
{
    figures().insert({name, backend}, seconds);
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

// This process's CPU time (user and system), less sensitive than wall time to a busy machine.
double cpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

// Which databases the per-backend benchmark makes: clear and sealed (the default: the encryption cost is
// printed next to the clear figure), or one of them (--clear, --sealed).
enum class Sealing
{
    Both,
    Clear,
    Sealed
};
Sealing g_sealing = Sealing::Both;
bool g_sealed = false; // the database being measured is sealed

// Ledger sync (issue 7): cabas-ledger-sim's feed served in-process on loopback, synced into a fresh SQLite
// database of `households` demo households (demo programme since June 2025): a full sync, then an incremental
// sync with nothing new (what a scheduled sync costs most of the time).
void benchSync(int households)
{
    QTemporaryDir dir;
    InitRequest request;
    request.spec =
        store::DatabaseSpec::parse(dir.filePath(QStringLiteral("sync.cabas")), QProcessEnvironment());
    request.adminLogin = QStringLiteral("admin");
    request.adminPassword = QStringLiteral("Bench-Password-2026");
    request.sealFields = false;
    Programme programme = Programme::defaults(QDate(2025, 6, 1));
    programme.bonusRules = {
        BonusRule{0, QStringLiteral("+50 %"), 5000, std::nullopt, QDate(2025, 6, 1), QDate(2026, 1, 31)}};
    request.programme = programme;
    request.sealFields = g_sealed;
    const QString backend = g_sealed ? QStringLiteral("sqlite-sealed") : QStringLiteral("sqlite");
    auto db = Setup::initDatabase(request);
    const Session admin = security::Authenticator(*db).login(QStringLiteral("admin"), request.adminPassword);
    DemoOptions options;
    options.households = households;
    DemoGenerator::generate(*db, admin, options);
    sim::SimFeed feed(sim::SimLedger::generate(
                          sim::SimInput::fromDatabase(*db, Clock::instance().today(), 1, admin.keys.get())),
                      QStringLiteral("bench"), {}, 1);
    sim::SimServer server(feed);
    ledger::SyncOptions sync;
    sync.client.baseUrl = server.url();
    sync.client.token = QStringLiteral("bench");
    QElapsedTimer t;
    t.start();
    const ledger::SyncResult full = ledger::SyncEngine(*db, admin, sync).run();
    report(QStringLiteral("ledger.sync.full"), backend, full.entries, seconds(t), QStringLiteral("entries"));
    const int runs = 20;
    t.restart();
    for (int i = 0; i < runs; ++i)
        if (ledger::SyncEngine(*db, admin, sync).run().stored() != 0)
            throw Error(QStringLiteral("bench: an incremental sync found something new"));
    report(QStringLiteral("ledger.sync.incremental_nothing_new"), backend, runs, seconds(t),
           QStringLiteral("syncs"));
}

// The machine's load average (1, 5 and 15 minutes, /proc/loadavg): wall times on a shared machine are only
// meaningful next to it.
QJsonArray loadAverage()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    QJsonArray load;
    if (f.open(QIODevice::ReadOnly))
        for (const QByteArray& part : f.readAll().split(' ').mid(0, 3))
            load.append(part.toDouble());
    return load;
}

// Per keystroke of typical searches (issue 4's target: under 50 ms): wall and CPU time of what the list does
// at each keystroke (the capped count and the first page of 100), the median of 7 runs each, with the load
// average next to them.
void benchSearchPrefixes(const HouseholdService& service, const QString& backend)
{
    const QStringList texts = {
        QStringLiteral("l"),       QStringLiteral("le"),      QStringLiteral("lef"),
        QStringLiteral("lefe"),    QStringLiteral("lefevre"), QStringLiteral("auch"),
        QStringLiteral("fleur"),   QStringLiteral("MMG-0"),   QStringLiteral("MMG-004217"),
        QStringLiteral("marie l"), QStringLiteral("ma l"),    QStringLiteral("zz")};
    constexpr int kRuns = 7;
    for (const QString& text : texts) {
        HouseholdQuery query;
        query.text = text;
        std::vector<double> walls, cpus;
        qint64 count = 0;
        for (int run = 0; run < kRuns; ++run) {
            QElapsedTimer k;
            k.start();
            const double cpu = cpuSeconds();
            count = service.count(query, 1001);
            service.search(query, 100, 0);
            cpus.push_back(cpuSeconds() - cpu);
            walls.push_back(seconds(k));
        }
        std::sort(walls.begin(), walls.end());
        std::sort(cpus.begin(), cpus.end());
        QJsonObject o{{QStringLiteral("bench"), QStringLiteral("household.search_prefix")},
                      {QStringLiteral("backend"), backend},
                      {QStringLiteral("text"), text},
                      {QStringLiteral("matches"), double(count)},
                      {QStringLiteral("wall_ms"), walls[kRuns / 2] * 1000},
                      {QStringLiteral("cpu_ms"), cpus[kRuns / 2] * 1000},
                      {QStringLiteral("worst_wall_ms"), walls.back() * 1000},
                      {QStringLiteral("load_average"), loadAverage()}};
        out() << QJsonDocument(o).toJson(QJsonDocument::Compact) << Qt::endl;
    }
}

// The household list's search as the social worker types (issue 4): each keystroke runs the count (capped at
// 1,000 as the list does) and the first page (100 rows) through HouseholdService, as the lazy list model
// does. Target: under 50 ms per keystroke at 100,000 households. Then the case file's opening: everything
// CaseFileView reads.
void benchHouseholdSearch(const store::Database& db, const Session& session, const QString& backend)
{
    const HouseholdService service(db, session);
    QElapsedTimer t;
    t.start();
    const double cpuBeforeTerms = cpuSeconds();
    // Builds the search terms if the database has none yet (once); on a sealed database, the name index (as
    // at login: every household and person read, the names and birth dates decrypted).
    service.count({});
    report(QStringLiteral("household.search_terms_ready"), backend, 1, seconds(t));
    report(QStringLiteral("household.search_terms_ready_cpu"), backend, 1, cpuSeconds() - cpuBeforeTerms);
    const QStringList typed = {QStringLiteral("lefevre"), QStringLiteral("martin"),
                               QStringLiteral("MMG-004"), QStringLiteral("auch"),
                               QStringLiteral("marie l"), QStringLiteral("nguyen")};
    int keystrokes = 0;
    double worst = 0, worstCpu = 0, total = 0;
    QString worstText;
    const double cpuAtStart = cpuSeconds();
    for (const QString& word : typed)
        for (int n = 1; n <= word.size(); ++n) {
            HouseholdQuery query;
            query.text = word.left(n);
            QElapsedTimer k;
            k.start();
            const double cpu = cpuSeconds();
            const qint64 count = service.count(query, 1001); // as the list: "more than 1,000"
            const auto page = service.search(query, 100, 0);
            const double s = seconds(k);
            if (count < qint64(page.size()))
                throw Error(QStringLiteral("bench: the count is below the page"));
            worst = std::max(worst, s);
            if (cpuSeconds() - cpu > worstCpu) {
                worstCpu = cpuSeconds() - cpu;
                worstText = query.text;
            }
            total += s;
            ++keystrokes;
        }
    report(QStringLiteral("household.search_keystroke"), backend, keystrokes, total,
           QStringLiteral("keystrokes"));
    report(QStringLiteral("household.search_keystroke_cpu"), backend, keystrokes, cpuSeconds() - cpuAtStart,
           QStringLiteral("keystrokes"));
    report(QStringLiteral("household.search_keystroke_worst"), backend, 1, worst);
    // The worst keystroke's CPU time (wall times on a busy machine are mostly waiting), and which it was.
    report(QStringLiteral("household.search_keystroke_worst_cpu"), backend, 1, worstCpu);
    out() << QJsonDocument(QJsonObject{{QStringLiteral("bench"),
                                        QStringLiteral("household.search_keystroke_worst_text")},
                                       {QStringLiteral("backend"), backend},
                                       {QStringLiteral("text"), worstText}})
                 .toJson(QJsonDocument::Compact)
          << Qt::endl;
    benchSearchPrefixes(service, backend);
    {
        HouseholdQuery filtered;
        filtered.status = HouseholdStatus::Enrolled;
        filtered.sort = HouseholdQuery::Sort::Commune;
        QElapsedTimer k;
        k.start();
        service.count(filtered, 1001);
        service.search(filtered, 100, 5000);
        report(QStringLiteral("household.list_filtered_sorted_page"), backend, 1, seconds(k));
    }

    const auto households = service.search({}, 200, 0);
    t.restart();
    for (const HouseholdListEntry& e : households) {
        const auto h = service.find(e.household.code);
        const auto members = service.members(h->id);
        for (const Person& p : members)
            service.consents(p.id);
        for (const Card& c : service.cards(h->id))
            service.cardHistory(c);
        service.statusHistory(*h);
        service.notes(h->id);
        service.allowance(h->id, Clock::instance().today());
    }
    report(QStringLiteral("household.case_file_open"), backend, qint64(households.size()), seconds(t),
           QStringLiteral("case files"));
}

void benchLedger(const store::Database& db, const QString& backend, int households, int entries);
void benchBasics(const store::Database& db, const Session& admin, const QString& backend, int households);

// CABAS_BENCH_ONLY=basics,search,ledger,sync runs only these parts of the per-backend benchmark (to measure
// one of them again and again); unset: all of them.
bool wanted(const char* part)
{
    const QString only = qEnvironmentVariable("CABAS_BENCH_ONLY");
    return only.isEmpty() || only.split(QLatin1Char(',')).contains(QLatin1String(part));
}
void measureCohort(const store::Database& db, const QString& backend, const QDate& first, qint64 entries,
                   const QString& password);

// --sealed: the databases are sealed (persons and households, store/Sealed.h); backends are then named
// "sqlite-sealed" and "postgresql-sealed".
// One line per figure measured on both the clear and the sealed database of `backend` (issue 12: "the
// benchmark prints the cost of encryption next to the unencrypted figure"): both times and their ratio.
void printCostOfSealing(const QString& backend, int households)
{
    const QString sealed = backend + QStringLiteral("-sealed");
    QStringList names;
    for (auto it = figures().cbegin(); it != figures().cend(); ++it)
        if (it.key().second == sealed && figures().contains({it.key().first, backend}))
            names << it.key().first;
    names.sort();
    for (const QString& name : std::as_const(names)) {
        const double clear = figures().value({name, backend});
        const double withSealing = figures().value({name, sealed});
        QJsonObject o{{QStringLiteral("bench"), QStringLiteral("encryption.cost")},
                      {QStringLiteral("of"), name},
                      {QStringLiteral("backend"), backend},
                      {QStringLiteral("households"), households},
                      {QStringLiteral("clear_seconds"), clear},
                      {QStringLiteral("sealed_seconds"), withSealing}};
        if (clear > 0)
            o.insert(QStringLiteral("sealed_vs_clear"), withSealing / clear);
        out() << QJsonDocument(o).toJson(QJsonDocument::Compact) << Qt::endl;
    }
}

// `reuse`: the database exists already (made by an earlier run with --db): measured as it is, nothing
// generated. (Its rows are then older than our clock's last minutes: the first look for other clients' rows
// after the build reads none of them, unlike right after a bulk load.)
void benchBackend(const store::DatabaseSpec& spec, const QString& plainBackend, int households,
                  bool reuse = false)
{
    const QString backend = g_sealed ? plainBackend + QStringLiteral("-sealed") : plainBackend;
    QElapsedTimer t;
    t.start();
    InitRequest request;
    request.spec = spec;
    request.adminLogin = QStringLiteral("admin");
    request.adminPassword = QStringLiteral("Bench-Password-2026");
    request.sealFields = g_sealed;
    std::unique_ptr<store::Database> db;
    if (reuse) {
        db = store::Database::open(spec);
    } else {
        db = Setup::initDatabase(request);
        report(QStringLiteral("init"), backend, 1, seconds(t));
    }

    t.restart();
    const Session admin = security::Authenticator(*db).login(QStringLiteral("admin"), request.adminPassword);
    if (!reuse) {
        DemoOptions options;
        options.households = households;
        const DemoResult r = DemoGenerator::generate(*db, admin, options);
        report(QStringLiteral("demo.households"), backend, r.households, seconds(t));
        report(QStringLiteral("demo.rows"), backend, r.households + r.persons + r.cards + r.consents,
               seconds(t), QStringLiteral("rows"));
    }

    if (wanted("basics"))
        benchBasics(*db, admin, backend, households);
    if (wanted("search"))
        benchHouseholdSearch(*db, admin, backend);
    if (wanted("ledger"))
        benchLedger(*db, backend, households, households >= 100000 ? 1000000 : 100000);
    if (wanted("sync") && spec.backend == store::Backend::Sqlite)
        benchSync(std::min(households, 300));

    db.reset();
    t.restart();
    auto reopened = store::Database::open(spec);
    report(QStringLiteral("open"), backend, 1, seconds(t));
}

// The audit trail and look-ups by code.
void benchBasics(const store::Database& db, const Session& admin, const QString& backend, int households)
{
    QElapsedTimer t;
    const AuditTrail audit(db);
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

    store::HouseholdRepository repo(db, admin.keys.get());
    const int lookups = 2000;
    t.restart();
    for (int i = 0; i < lookups; ++i) {
        const QString code = QStringLiteral("MMG-%1").arg((i * 7919) % households + 1,
                                                          households > 9999 ? 6 : 4, 10, QLatin1Char('0'));
        if (!repo.findByCode(code))
            throw Error(QStringLiteral("bench: %1 not found").arg(code));
    }
    report(QStringLiteral("household.find_by_code"), backend, lookups, seconds(t), QStringLiteral("lookups"));
}

// Ledger ingest (issue 7): entries through LedgerRepository::applyEntryPage (checks, revision-aware upsert,
// linking, merchants, cursor; one transaction per page of 1000) against a plain batched insert of the same
// rows with BulkInserter into the same table (the repository's columns and row builder, the household the
// repository links each row to, the same indexes, one transaction per 1000 rows). The two alternate page by
// page (which one goes first alternates too), so that both write into a table of the same size and share
// whatever else the machine is doing; the bench checks that both stored the same rows.
void benchLedger(const store::Database& db, const QString& backend, int households, int entries)
{
    const int pageSize = 1000;
    const QStringList kinds = {QStringLiteral("allowance"), QStringLiteral("purchase"),
                               QStringLiteral("purchase"),  QStringLiteral("purchase"),
                               QStringLiteral("bonus"),     QStringLiteral("refund")};
    auto entry = [&](const QString& prefix, int i) {
        LedgerEntry e;
        e.id = QStringLiteral("%1-%2").arg(prefix).arg(i, 9, 10, QLatin1Char('0'));
        e.revision = 1 + i % 2;
        e.card = QStringLiteral("C-%1").arg(i % (households * 2));
        e.account = i % 4 == 0 ? QString()
                               : QStringLiteral("MMG-%1").arg(i % households + 1, households > 9999 ? 6 : 4,
                                                              10, QLatin1Char('0'));
        e.kind = kinds[i % kinds.size()];
        e.status = e.revision == 1 ? QStringLiteral("pending") : QStringLiteral("posted");
        e.amountCents = (e.kind == QLatin1String("purchase") ? -1 : 1) * (100 + i % 4000);
        e.currency = QStringLiteral("EUR");
        e.occurredAt = QDateTime(QDate(2024, 6, 1).addDays(i % 365), QTime(i % 24, i % 60), QTimeZone(7200));
        if (e.kind == QLatin1String("purchase") || e.kind == QLatin1String("refund"))
            e.merchant =
                FeedMerchant{QStringLiteral("M-%1").arg(i % 55), QStringLiteral("Shop %1").arg(i % 55),
                             QStringLiteral("organic_shop"), i % 3 == 0};
        return e;
    };
    // The household the repository links each row to: its account's, else its card's.
    QHash<QString, qint64> householdIds;
    {
        QSqlQuery q = db.exec(QStringLiteral("SELECT code, id FROM household"));
        while (q.next())
            householdIds.insert(q.value(0).toString(), q.value(1).toLongLong());
    }
    QHash<QString, qint64> cardHouseholds;
    {
        QSqlQuery q =
            db.exec(QStringLiteral("SELECT token, household_id FROM card WHERE household_id IS NOT NULL"));
        while (q.next())
            cardHouseholds.insert(q.value(0).toString(), q.value(1).toLongLong());
    }
    using Link = store::LedgerRepository::LinkSource;
    auto plainRow = [&](const LedgerEntry& e) {
        if (const qint64 h = householdIds.value(e.account))
            return store::LedgerRepository::entryRow(e, h, Link::Account);
        const qint64 h = cardHouseholds.value(e.card);
        return store::LedgerRepository::entryRow(e, h, h ? Link::Card : Link::None);
    };

    store::LedgerRepository repo(db);
    auto page = [&](const QString& prefix, int at) {
        EntryPage p;
        for (int i = at; i < std::min(entries, at + pageSize); ++i)
            p.entries.push_back(entry(prefix, i));
        p.nextCursor = QString::number(at);
        return p;
    };
    // CABAS_BENCH_LEDGER_ORDER=plain-first: every plain page first, then every upsert page (how this was
    // measured before; the upsert then writes into the larger table).
    const bool plainFirst = qEnvironmentVariable("CABAS_BENCH_LEDGER_ORDER") == QLatin1String("plain-first");
    double plain = 0, upsert = 0, plainCpu = 0, upsertCpu = 0;
    QElapsedTimer t;
    auto plainPage = [&](int at) {
        t.start();
        const double cpu = cpuSeconds();
        store::Database::Transaction tx(db);
        store::BulkInserter insert(db, QStringLiteral("ledger_entry"),
                                   store::LedgerRepository::entryColumns());
        for (int i = at; i < std::min(entries, at + pageSize); ++i)
            insert.add(plainRow(entry(QStringLiteral("p"), i)));
        insert.flush();
        // The figures per household and month (migration 0010) kept right as the repository keeps them: the
        // triggers marked the pairs, this recomputes them (else the next upsert page would pay for them).
        store::LedgerRepository(db).refreshFigures();
        tx.commit();
        plain += seconds(t);
        plainCpu += cpuSeconds() - cpu;
    };
    auto upsertPage = [&](int at) {
        t.start();
        const double cpu = cpuSeconds();
        repo.applyEntryPage(page(QStringLiteral("e"), at));
        upsert += seconds(t);
        upsertCpu += cpuSeconds() - cpu;
    };
    if (plainFirst) {
        for (int at = 0; at < entries; at += pageSize)
            plainPage(at);
        for (int at = 0; at < entries; at += pageSize)
            upsertPage(at);
    } else {
        for (int at = 0; at < entries; at += pageSize) {
            if (at / pageSize % 2 == 0) {
                plainPage(at);
                upsertPage(at);
            } else {
                upsertPage(at);
                plainPage(at);
            }
        }
    }
    // The same rows: as many, as many linked, the same sums.
    auto summary = [&](const QString& prefix) {
        QSqlQuery q = db.exec(QStringLiteral("SELECT COUNT(*), COUNT(household_id), SUM(amount_cents), "
                                             "SUM(local_month), SUM(link_source) FROM ledger_entry WHERE id "
                                             ">= ? AND id < ?"),
                              {prefix + QLatin1Char('-'), prefix + QLatin1Char('.')});
        q.next();
        QStringList values;
        for (int i = 0; i < 5; ++i)
            values << q.value(i).toString();
        return values.join(QLatin1Char(' '));
    };
    if (summary(QStringLiteral("p")) != summary(QStringLiteral("e")))
        throw Error(QStringLiteral("bench: the plain insert and the upsert stored different rows (%1 / %2)")
                        .arg(summary(QStringLiteral("p")), summary(QStringLiteral("e"))));
    report(QStringLiteral("ledger.ingest.plain_insert"), backend, entries, plain, QStringLiteral("entries"));
    report(QStringLiteral("ledger.ingest.apply_entry_page"), backend, entries, upsert,
           QStringLiteral("entries"));
    out() << QJsonDocument(QJsonObject{{QStringLiteral("bench"), QStringLiteral("ledger.ingest.ratio")},
                                       {QStringLiteral("backend"), backend},
                                       {QStringLiteral("apply_vs_plain_rate"), plain / upsert},
                                       {QStringLiteral("apply_vs_plain_cpu"), plainCpu / upsertCpu}})
                 .toJson(QJsonDocument::Compact)
          << Qt::endl;
    t.restart();
    for (int at = 0; at < entries; at += pageSize) // delivered again: every entry is already there
        repo.applyEntryPage(page(QStringLiteral("e"), at));
    report(QStringLiteral("ledger.ingest.redelivery"), backend, entries, seconds(t),
           QStringLiteral("entries"));
}
// The health follow-up of the cohort bench: for every person of an enrolled household, an M0 checkup and
// questionnaire a week after enrolment, and for three persons in four the M6 pair half a year later (the
// worst case of a programme where everybody takes part: about 4 records per person). Bulk-inserted clear; on
// a sealed database (format 2) a nurse's first login then creates the health and cohort keys (granting the
// cohort key to the coordinator) and HealthSealing::sealExistingHealth seals every row in one transaction,
// as the in-place sealing of an existing database does: the figure is then the insert and the sealing.
void writeCohortHealth(const store::Database& db, const QString& backend, const Session& admin,
                       const QString& password)
{
    QElapsedTimer t;
    t.start();
    const double cpu = cpuSeconds();
    const User nurse = security::UserService(db, admin).add(QStringLiteral("nurse"), QStringLiteral("Nurse"),
                                                            Role::Nurse, password);
    std::vector<std::pair<qint64, QDate>> persons;
    {
        QSqlQuery q =
            db.exec(QStringLiteral("SELECT p.id, h.enrolled_on FROM person p JOIN household h ON "
                                   "h.id = p.household_id WHERE h.enrolled_on IS NOT NULL ORDER BY p.id"));
        while (q.next())
            persons.emplace_back(q.value(0).toLongLong(), store::toDate(q.value(1)));
    }
    const QStringList checkupColumns = {QStringLiteral("id"),
                                        QStringLiteral("person_id"),
                                        QStringLiteral("taken_on"),
                                        QStringLiteral("wave"),
                                        QStringLiteral("nurse_user_id"),
                                        QStringLiteral("weight_g"),
                                        QStringLiteral("height_mm"),
                                        QStringLiteral("waist_mm"),
                                        QStringLiteral("systolic_mmhg"),
                                        QStringLiteral("diastolic_mmhg"),
                                        QStringLiteral("glucose_mg_dl"),
                                        QStringLiteral("notes"),
                                        QStringLiteral("created_at"),
                                        QStringLiteral("updated_at")};
    const QStringList questionnaireColumns = {QStringLiteral("id"),
                                              QStringLiteral("person_id"),
                                              QStringLiteral("answered_on"),
                                              QStringLiteral("wave"),
                                              QStringLiteral("nurse_user_id"),
                                              QStringLiteral("fv_portions_x10"),
                                              QStringLiteral("organic_fv_freq"),
                                              QStringLiteral("local_products_freq"),
                                              QStringLiteral("organic_products_freq"),
                                              QStringLiteral("discovered_sustainable_shop"),
                                              QStringLiteral("created_at"),
                                              QStringLiteral("updated_at")};
    const QStringList ranks = {QStringLiteral("never"), QStringLiteral("rarely"), QStringLiteral("sometimes"),
                               QStringLiteral("often"), QStringLiteral("always")};
    qint64 id = 0;
    const size_t batch = 20000;
    for (size_t at = 0; at < persons.size(); at += batch) {
        store::Database::Transaction tx(db);
        store::BulkInserter checkups(db, QStringLiteral("checkup"), checkupColumns);
        store::BulkInserter questionnaires(db, QStringLiteral("diet_questionnaire"), questionnaireColumns);
        for (size_t i = at; i < std::min(persons.size(), at + batch); ++i) {
            const auto& [person, enrolled] = persons[i];
            const int k = int(i % 97);
            for (const int wave : {0, 6}) {
                if (wave == 6 && i % 4 == 3)
                    continue;
                const QDate on = enrolled.addDays(wave == 0 ? 7 : 190);
                const QVariant stamp = store::timestampValue(QDateTime(on, QTime(9, 30), Qt::UTC));
                const QString code = wave == 0 ? QStringLiteral("M0") : QStringLiteral("M6");
                ++id;
                checkups.add({id, person, store::dateValue(on), code, nurse.id, 60000 + k * 300 - wave * 200,
                              1550 + k * 4, 800 + k * 3, 115 + k % 30, 70 + k % 20, 85 + k % 40,
                              k % 5 == 0 ? QStringLiteral("Suivi diététique proposé") : QString(), stamp,
                              stamp});
                questionnaires.add({id, person, store::dateValue(on), code, nurse.id, 20 + k % 40 + wave,
                                    ranks[(k + wave / 6) % 5], ranks[(k / 5 + wave / 3) % 5],
                                    ranks[(k / 7) % 5], wave == 6 && k % 3 == 0, stamp, stamp});
            }
        }
        checkups.flush();
        questionnaires.flush();
        tx.commit();
    }
    if (g_sealed) {
        const Session nurseSession = security::Authenticator(db).login(QStringLiteral("nurse"), password);
        store::Database::Transaction tx(db);
        store::HealthSealing::sealExistingHealth(db, *nurseSession.keys);
        tx.commit();
    }
    report(QStringLiteral("cohort.setup.health"), backend, 2 * id, seconds(t), QStringLiteral("records"));
    report(QStringLiteral("cohort.setup.health.cpu"), backend, 2 * id, cpuSeconds() - cpu,
           QStringLiteral("records"));
    db.execDirect(QStringLiteral("ANALYZE"));
}

// Cohort figures (issue 8): a programme of `households` households (the demo) and `entries` posted ledger
// entries over a year, bulk-inserted straight into ledger_entry (linked, with their local dates), then the
// whole cohort summary through CohortService (every indicator and series, as cabas-cli cohort computes it)
// next to the ledger totals written by hand as one query. Target: under 2 s on SQLite for 100,000 households
// and 10 million entries. Only with --cohort (generating the entries takes minutes).
void benchCohort(const store::DatabaseSpec& spec, const QString& plainBackend, int households, qint64 entries,
                 bool reuse)
{
    const QString backend = g_sealed ? plainBackend + QStringLiteral("-sealed") : plainBackend;
    InitRequest request;
    request.spec = spec;
    request.adminLogin = QStringLiteral("admin");
    request.adminPassword = QStringLiteral("Bench-Password-2026");
    request.sealFields = g_sealed;
    if (reuse) {
        // A database kept by an earlier run (--cohort-db): measure again without generating anything. Opening
        // it upgrades it first (migration 0010 fills the figures per household and month): timed.
        QElapsedTimer open;
        open.start();
        const double openCpu = cpuSeconds();
        auto db = store::Database::open(spec);
        report(QStringLiteral("cohort.open_and_migrate"), backend, 1, seconds(open));
        report(QStringLiteral("cohort.open_and_migrate.cpu"), backend, 1, cpuSeconds() - openCpu);
        QSqlQuery q = db->exec(QStringLiteral("SELECT MIN(enrolled_on) FROM household"));
        q.next();
        const QDate first = store::toDate(q.value(0));
        QSqlQuery n = db->exec(QStringLiteral("SELECT COUNT(*) FROM ledger_entry"));
        n.next();
        measureCohort(*db, backend, first, n.value(0).toLongLong(), request.adminPassword);
        return;
    }
    auto db = Setup::initDatabase(request);
    const Session admin = security::Authenticator(*db).login(QStringLiteral("admin"), request.adminPassword);
    QElapsedTimer t;
    t.start();
    DemoOptions options;
    options.households = households;
    DemoGenerator::generate(*db, admin, options);
    report(QStringLiteral("cohort.setup.households"), backend, households, seconds(t));

    std::vector<qint64> ids;
    {
        QSqlQuery q =
            db->exec(QStringLiteral("SELECT id FROM household WHERE enrolled_on IS NOT NULL ORDER BY id"));
        while (q.next())
            ids.push_back(q.value(0).toLongLong());
    }
    if (ids.empty())
        throw Error(QStringLiteral("bench: the demo enrolled no household"));
    const QStringList columns = {QStringLiteral("id"),
                                 QStringLiteral("revision"),
                                 QStringLiteral("card"),
                                 QStringLiteral("account"),
                                 QStringLiteral("kind"),
                                 QStringLiteral("status"),
                                 QStringLiteral("amount_cents"),
                                 QStringLiteral("currency"),
                                 QStringLiteral("occurred_at"),
                                 QStringLiteral("utc_offset"),
                                 QStringLiteral("local_date"),
                                 QStringLiteral("local_month"),
                                 QStringLiteral("merchant_id"),
                                 QStringLiteral("merchant_category"),
                                 QStringLiteral("merchant_sustainable"),
                                 QStringLiteral("refers_to"),
                                 QStringLiteral("household_id"),
                                 QStringLiteral("link_source")};
    const QStringList kinds = {QStringLiteral("allowance"), QStringLiteral("purchase"),
                               QStringLiteral("purchase"),  QStringLiteral("purchase"),
                               QStringLiteral("purchase"),  QStringLiteral("bonus"),
                               QStringLiteral("refund"),    QStringLiteral("purchase")};
    const QStringList categories = {QStringLiteral("organic_shop"), QStringLiteral("local_producer"),
                                    QStringLiteral("supermarket"), QStringLiteral("grocery"),
                                    QStringLiteral("market")};
    // A year of movements from the first enrolment of the demo (its dates follow today's).
    QDate first;
    {
        QSqlQuery q = db->exec(QStringLiteral("SELECT MIN(enrolled_on) FROM household"));
        q.next();
        first = store::toDate(q.value(0));
    }
    // Bulk load as a programme's first sync of a year would be restored: the secondary indexes of
    // ledger_entry are dropped first and built once at the end (timed apart), ids are zero-padded so that the
    // primary key grows at its end.
    QStringList indexes;
    {
        QSqlQuery q =
            db->exec(db->backend() == store::Backend::Postgres
                         ? QStringLiteral(
                               "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'ledger_entry' "
                               "AND indexname NOT LIKE '%_pkey'")
                         : QStringLiteral("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                                          "tbl_name = 'ledger_entry' AND sql IS NOT NULL"));
        QStringList names;
        while (q.next()) {
            names << q.value(0).toString();
            indexes << q.value(1).toString();
        }
        for (const QString& name : names)
            db->execDirect(QStringLiteral("DROP INDEX %1").arg(name));
    }
    t.restart();
    const qint64 batch = 20000;
    for (qint64 at = 0; at < entries; at += batch) {
        store::Database::Transaction tx(*db);
        store::BulkInserter insert(*db, QStringLiteral("ledger_entry"), columns);
        for (qint64 i = at; i < std::min(entries, at + batch); ++i) {
            const QString& kind = kinds[int(i % kinds.size())];
            const QDate day = first.addDays(int(i % 365));
            const bool shop = kind == QLatin1String("purchase") || kind == QLatin1String("refund");
            const int merchant = int(i % 55);
            insert.add({QStringLiteral("b-%1").arg(i, 9, 10, QLatin1Char('0')), 1,
                        QStringLiteral("C-%1").arg(i % households), QStringLiteral(""), kind,
                        i % 50 == 0 ? QStringLiteral("voided") : QStringLiteral("posted"),
                        (kind == QLatin1String("purchase") ? -1 : 1) * (100 + i % 4000),
                        QStringLiteral("EUR"), store::timestampValue(QDateTime(day, QTime(10, 0), Qt::UTC)),
                        7200, store::dateValue(day), day.year() * 100 + day.month(),
                        shop ? QVariant(QStringLiteral("M-%1").arg(merchant))
                             : QVariant(QMetaType(QMetaType::QString)),
                        shop ? categories[merchant % categories.size()] : QStringLiteral(""),
                        shop && merchant % 5 < 2, QStringLiteral(""), ids[size_t(i % qint64(ids.size()))],
                        1});
        }
        insert.flush();
        tx.commit();
    }
    report(QStringLiteral("cohort.setup.entries"), backend, entries, seconds(t), QStringLiteral("entries"));
    t.restart();
    for (const QString& index : indexes)
        db->execDirect(index);
    report(QStringLiteral("cohort.setup.indexes"), backend, indexes.size(), seconds(t),
           QStringLiteral("indexes"));
    // The figures per household and month (migration 0010): the triggers marked every pair the bulk load
    // touched; computed once here, as the migration's back-fill would.
    t.restart();
    store::LedgerRepository(*db).refreshFigures();
    report(QStringLiteral("cohort.setup.figures"), backend, entries, seconds(t), QStringLiteral("entries"));
    t.restart();
    db->execDirect(QStringLiteral("ANALYZE"));
    report(QStringLiteral("cohort.setup.analyze"), backend, entries, seconds(t), QStringLiteral("entries"));
    security::UserService(*db, admin)
        .add(QStringLiteral("coordinator"), QStringLiteral("Coordinator"), Role::Coordinator,
             request.adminPassword);
    writeCohortHealth(*db, backend, admin, request.adminPassword);
    measureCohort(*db, backend, first, entries, request.adminPassword);
}

// The measurements of benchCohort on a database it filled (or kept from an earlier run).
void measureCohort(const store::Database& db, const QString& backend, const QDate& first, qint64 entries,
                   const QString& password)
{
    // As a coordinator (the cohort key's holder on a sealed database; administrators do not hold it).
    const Session coordinator = security::Authenticator(db).login(QStringLiteral("coordinator"), password);
    QElapsedTimer t;
    CohortFilter filter;
    filter.from = first;
    filter.to = first.addDays(364);
    const CohortService service(db, coordinator);
    // Each statement of the summary, timed apart (in the order they ran; CPU is this process's: SQLite's
    // work, not PostgreSQL's server), then what the statements leave (access, audit, report).
    std::vector<store::StatementTime> statements;
    store::setStatementObserver([&](const store::StatementTime& s) { statements.push_back(s); });
    t.start();
    double cpu = cpuSeconds();
    const CohortReport r = service.report(filter, Disclosure::Internal);
    const double summaryWall = seconds(t);
    const double summaryCpu = cpuSeconds() - cpu;
    store::setStatementObserver({});
    report(QStringLiteral("cohort.summary"), backend, entries, summaryWall, QStringLiteral("entries"));
    report(QStringLiteral("cohort.summary.cpu"), backend, entries, summaryCpu, QStringLiteral("entries"));
    double statementsWall = 0;
    double statementsCpu = 0;
    for (const store::StatementTime& s : statements) {
        report(QStringLiteral("cohort.statement.") + s.name, backend, 1, s.wallSeconds);
        report(QStringLiteral("cohort.statement.") + s.name + QStringLiteral(".cpu"), backend, 1,
               s.cpuSeconds);
        statementsWall += s.wallSeconds;
        statementsCpu += s.cpuSeconds;
    }
    report(QStringLiteral("cohort.statement.other"), backend, 1, summaryWall - statementsWall);
    report(QStringLiteral("cohort.statement.other.cpu"), backend, 1, summaryCpu - statementsCpu);
    // CABAS_BENCH_COHORT_JSON=FILE keeps the internal summary's JSON (FILE.sqlite.json,
    // FILE.postgresql.json), so that runs before and after a change of the statements can be compared figure
    // by figure.
    if (const QString json = qEnvironmentVariable("CABAS_BENCH_COHORT_JSON"); !json.isEmpty()) {
        QFile file(json + QLatin1Char('.') + backend + QStringLiteral(".json"));
        if (file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            file.write(QJsonDocument(r.toJson()).toJson());
    }
    t.restart();
    service.report(filter, Disclosure::Public);
    report(QStringLiteral("cohort.summary.public"), backend, entries, seconds(t), QStringLiteral("entries"));

    // The ledger totals alone, written by hand: one pass over the posted entries of enrolled households.
    t.restart();
    cpu = cpuSeconds();
    QSqlQuery q = db.exec(
        QStringLiteral("SELECT SUM(CASE WHEN e.kind = 'allowance' THEN e.amount_cents ELSE 0 END), "
                       "SUM(CASE WHEN e.kind = 'bonus' THEN e.amount_cents ELSE 0 END), "
                       "SUM(CASE WHEN e.kind IN ('purchase', 'refund') THEN -e.amount_cents ELSE 0 END), "
                       "COUNT(DISTINCT e.household_id) FROM ledger_entry e "
                       "JOIN household h ON h.id = e.household_id WHERE e.status = 'posted' "
                       "AND e.local_date >= ? AND e.local_date <= ? AND h.enrolled_on <= ? "
                       "AND (h.exited_on IS NULL OR h.exited_on >= ?)"),
        {store::dateValue(filter.from), store::dateValue(filter.to), store::dateValue(filter.to),
         store::dateValue(filter.from)});
    q.next();
    report(QStringLiteral("cohort.hand_written_ledger_totals"), backend, entries, seconds(t),
           QStringLiteral("entries"));
    report(QStringLiteral("cohort.hand_written_ledger_totals.cpu"), backend, entries, cpuSeconds() - cpu,
           QStringLiteral("entries"));
    if (q.value(2).toLongLong() != r.indicator(QStringLiteral("spent_cents"))->integer())
        throw Error(
            QStringLiteral("bench: the hand-written query and the cohort summary disagree on spending"));
}
} // namespace

int runEncryptionBench(int households); // EncryptionBench.cpp

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QList<int> sizes = {1000, 100000};
    bool cohort = false;
    qint64 cohortEntries = 10000000;
    QString cohortDb;
    QString
        keptDb; // --db FILE: the SQLite database is kept there, and measured again as it is when it exists
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--cohort"))
            cohort = true;
        else if (args[i] == QLatin1String("--cohort-entries") && i + 1 < args.size())
            cohortEntries = args[++i].toLongLong();
        else if (args[i] == QLatin1String("--cohort-db") && i + 1 < args.size())
            cohortDb = args[++i];
        else if (args[i] == QLatin1String("--db") && i + 1 < args.size())
            keptDb = args[++i];
        else if (args[i] == QLatin1String("--encryption"))
            return runEncryptionBench(
                args.indexOf(QLatin1String("--households")) > 0
                    ? args.value(args.indexOf(QLatin1String("--households")) + 1).toInt()
                    : 0);
        else if (args[i] == QLatin1String("--quick"))
            sizes = {1000};
        else if (args[i] == QLatin1String("--sealed"))
            g_sealing = Sealing::Sealed;
        else if (args[i] == QLatin1String("--clear"))
            g_sealing = Sealing::Clear;
        else if (args[i] == QLatin1String("--households") && i + 1 < args.size()) {
            sizes.clear();
            for (const QString& s : args[++i].split(QLatin1Char(',')))
                sizes << s.toInt();
        } else {
            std::fprintf(
                stderr, "usage: cabas-bench [--quick] [--clear|--sealed] [--households N[,N...]] [--db FILE] "
                        "[--cohort [--cohort-entries N] [--cohort-db FILE]]\n");
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

        // The databases measured: clear and sealed, or one of them (--clear, --sealed).
        QList<bool> modes;
        if (g_sealing != Sealing::Sealed)
            modes << false;
        if (g_sealing != Sealing::Clear)
            modes << true;
        if (cohort) {
            // The cohort benchmark alone: 100,000 households (or the largest --households) and 10 million
            // entries unless told otherwise.
            // --cohort-db FILE keeps the SQLite database there; when FILE exists it is measured again as it
            // is.
            // A clear and a sealed database (with its health records sealed: the cost of encryption is
            // printed next to the clear figures), or one of them (--clear, --sealed). With --cohort-db the
            // database is the clear one unless --sealed is given.
            if (!cohortDb.isEmpty()) {
                g_sealed = g_sealing == Sealing::Sealed;
                store::DatabaseSpec spec;
                spec.path = cohortDb;
                benchCohort(spec, QStringLiteral("sqlite"), sizes.last(), cohortEntries,
                            QFileInfo::exists(cohortDb));
            } else {
                for (const bool sealed : modes) {
                    g_sealed = sealed;
                    QTemporaryDir dir;
                    store::DatabaseSpec spec;
                    spec.path = dir.filePath(QStringLiteral("cohort.cabas"));
                    benchCohort(spec, QStringLiteral("sqlite"), sizes.last(), cohortEntries, false);
                }
                printCostOfSealing(QStringLiteral("sqlite"), sizes.last());
            }
            const QString pg = qEnvironmentVariable("CABAS_BENCH_PG");
            if (!pg.isEmpty()) {
                // One empty database: clear unless --sealed.
                g_sealed = g_sealing == Sealing::Sealed;
                benchCohort(store::DatabaseSpec::parse(pg), QStringLiteral("postgresql"), sizes.last(),
                            cohortEntries, qEnvironmentVariableIsSet("CABAS_BENCH_PG_REUSE"));
            }
            return 0;
        }
        if (!keptDb.isEmpty()) {
            // One SQLite database, kept: the last size, sealed with --sealed (clear otherwise). Run again
            // with the same FILE to measure without generating the demo data again.
            g_sealed = g_sealing == Sealing::Sealed;
            const bool reuse = QFileInfo::exists(keptDb);
            store::DatabaseSpec spec;
            spec.path = keptDb;
            benchBackend(spec, QStringLiteral("sqlite"), sizes.last(), reuse);
            return 0;
        }
        for (int n : sizes) {
            for (const bool sealed : modes) {
                g_sealed = sealed;
                QTemporaryDir dir;
                store::DatabaseSpec spec;
                spec.path = dir.filePath(QStringLiteral("bench.cabas"));
                benchBackend(spec, QStringLiteral("sqlite"), n);
            }
            printCostOfSealing(QStringLiteral("sqlite"), n);
            figures().clear();
        }
        const QString pg = qEnvironmentVariable("CABAS_BENCH_PG");
        if (!pg.isEmpty()) {
            // One empty database is named: clear, unless --sealed (run it again on another empty database
            // with
            // --sealed for the sealed PostgreSQL figures).
            g_sealed = g_sealing == Sealing::Sealed;
            benchBackend(store::DatabaseSpec::parse(pg), QStringLiteral("postgresql"), sizes.last());
        }
    } catch (const Error& e) {
        std::fprintf(stderr, "cabas-bench: %s\n", qPrintable(e.message()));
        return 1;
    }
    return 0;
}
