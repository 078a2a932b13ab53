// A full disk and a read-only database during a persons import, a ledger sync and a household save, on SQLite
// and PostgreSQL, through the real services: a clear message in the user's language, the database exactly as
// it was before the action (row counts and a hash of every table), and the same objects work again once the
// fault is gone (docs/faults.md says how each fault is made).
#include "TestPaths.h"
#include "common/Error.h"
#include "fault/FaultUtil.h"
#include "io/PersonsImport.h"
#include "ledger/SyncEngine.h"
#include "services/HouseholdService.h"
#include "sim/SimLedger.h"
#include "store/HouseholdRepository.h"
#include "store/LedgerRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QDir>
#include <QSqlDatabase>
#include <catch2/catch.hpp>
#include <functional>

using namespace cabas;
using cabas::test::TempDatabase;

namespace {

enum class Fault
{
    DiskFull,
    ReadOnly
};

const char* faultName(Fault f)
{
    return f == Fault::DiskFull ? "disk full" : "read-only";
}

// The start of the message each fault must give (the translated template up to its first argument).
QString expectedStart(Fault f)
{
    const char* source =
        f == Fault::DiskFull
            ? "The disk is full: nothing was saved. Free some space on the disk of the database %1 "
              "and try again. (%2)"
            : "The database %1 is read-only: nothing was saved. Ask your administrator to make it "
              "writable again. (%2)";
    return QCoreApplication::translate("Database", source).section(QStringLiteral("%1"), 0, 0);
}

struct Fixture
{
    TempDatabase t;
    std::unique_ptr<store::Database> db;
    Session admin;
    Session socialWorker;
    Fault fault = Fault::DiskFull;
    bool broken = false;

    explicit Fixture(store::Backend backend) : t(backend)
    {
        db = t.createInitialised();
        admin = test::adminSession(*db);
        socialWorker = test::sessionFor(*db, Role::SocialWorker);
    }

    QString writeCsv(const QString& name, const QByteArray& csv) const
    {
        const QString path = QDir(t.dir()).filePath(name);
        test::writeFile(path, csv);
        return path;
    }

    // Reopens the SQLite connection the services use with other connect options (read-only or not), and
    // turns its foreign keys on again as Database::open does.
    void reopenSqlite(const QString& options)
    {
        QSqlDatabase c = db->connection();
        c.close();
        c.setConnectOptions(options);
        REQUIRE(c.open());
        db->execDirect(QStringLiteral("PRAGMA foreign_keys = ON"));
    }

    // Makes the fault real on the connection the services use.
    void breakIt(Fault f)
    {
        fault = f;
        broken = true;
        if (t.backend() == store::Backend::Sqlite) {
            if (f == Fault::DiskFull) {
                // No free page to reuse, and not one page more: the next write that needs a page gets
                // SQLITE_FULL.
                db->execDirect(QStringLiteral("VACUUM"));
                db->execDirect(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
                QSqlQuery q = db->exec(QStringLiteral("PRAGMA page_count"));
                REQUIRE(q.next());
                const qint64 pages = q.value(0).toLongLong();
                db->execDirect(QStringLiteral("PRAGMA max_page_count = %1").arg(pages));
            } else {
                // The file opened read-only, as on a read-only medium (chmod does not stop root, who runs
                // CI).
                reopenSqlite(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=10000"));
            }
            return;
        }
        if (f == Fault::DiskFull) {
            // No tablespace on a tiny disk without mount rights: the server's own disk-full error (SQLSTATE
            // 53100) is raised by a trigger on the audit trail, which every write action appends to last.
            t.rawExec(QStringLiteral(
                "CREATE FUNCTION cabas_fault_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "RAISE EXCEPTION 'could not extend file \"base/1/2\": No space left on device' "
                "USING ERRCODE = '53100', HINT = 'Check free disk space.'; END $$"));
            t.rawExec(
                QStringLiteral("CREATE TRIGGER cabas_fault_disk_full BEFORE INSERT ON audit_log FOR EACH ROW "
                               "EXECUTE FUNCTION cabas_fault_disk_full()"));
        } else {
            // The administrator made the database read-only (as a hot standby is): new connections see it.
            t.rawExec(QStringLiteral("ALTER DATABASE %1 SET default_transaction_read_only = on")
                          .arg(t.spec().databaseName));
            db.reset();
            db = t.open();
        }
    }

    void repair()
    {
        if (!broken)
            return;
        broken = false;
        if (t.backend() == store::Backend::Sqlite) {
            if (fault == Fault::DiskFull) {
                db->execDirect(QStringLiteral("PRAGMA max_page_count = 1073741823"));
            } else {
                reopenSqlite(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
            }
            return;
        }
        if (fault == Fault::DiskFull) {
            t.rawExec(QStringLiteral("DROP TRIGGER cabas_fault_disk_full ON audit_log"));
            t.rawExec(QStringLiteral("DROP FUNCTION cabas_fault_disk_full()"));
        } else {
            // (from the server's maintenance database: a connection to this one is read-only too)
            test::rawExec(store::DatabaseSpec::parse(qEnvironmentVariable("CABAS_TEST_PG")),
                          QStringLiteral("ALTER DATABASE %1 RESET default_transaction_read_only")
                              .arg(t.spec().databaseName));
            db.reset();
            db = t.open();
        }
    }

    // Runs `action`, which must fail with the fault's message; the database must be as before it.
    void expectRefusedUnchanged(const std::function<void()>& action, const QStringList& ignoredTables = {})
    {
        const test::DatabaseState before = test::databaseState(t.spec());
        Error::Kind kind = Error::Kind::Invalid;
        QString message;
        bool threw = false;
        try {
            action();
        } catch (const Error& e) {
            threw = true;
            kind = e.kind();
            message = e.message();
        }
        INFO("message: " << message);
        REQUIRE(threw);
        CHECK(kind == Error::Kind::Storage);
        CHECK(message.startsWith(expectedStart(fault)));
        CHECK(message.contains(t.spec().displayName())); // it says which database
        const test::DatabaseState after = test::databaseState(t.spec());
        const QString difference = test::stateDifference(before, after, ignoredTables);
        INFO("changed: " << difference);
        CHECK(difference.isEmpty());
    }
};

} // namespace

TEST_CASE("fault: a full disk or a read-only database during a persons import changes nothing",
          "[fault][storage][import]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    const Fault fault = GENERATE(Fault::DiskFull, Fault::ReadOnly);
    CABAS_BACKEND_INFO(backend);
    INFO("fault: " << faultName(fault));
    test::ScopedClock clock(QDateTime(QDate(2025, 6, 1), QTime(8, 0), Qt::UTC));
    Fixture f(backend);
    io::PersonsImport(*f.db, f.socialWorker).run(QStringLiteral(CABAS_SAMPLES_DIR "/persons.csv"));
    const QString file = f.writeCsv(QStringLiteral("persons.csv"), test::generatedPersonsCsv(120, 3));

    f.breakIt(fault);
    f.expectRefusedUnchanged([&] { io::PersonsImport(*f.db, f.socialWorker).run(file); });

    // The app keeps running: once there is room again (or the database is writable), the same import works.
    f.repair();
    const io::ImportReport report = io::PersonsImport(*f.db, f.socialWorker).run(file);
    CHECK(report.householdsNew == 120);
    CHECK(report.personsNew == 360);
    CHECK(store::HouseholdRepository(*f.db).count() == 126);
}

TEST_CASE("fault: a full disk or a read-only database during a household save changes nothing",
          "[fault][storage][save]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    const Fault fault = GENERATE(Fault::DiskFull, Fault::ReadOnly);
    CABAS_BACKEND_INFO(backend);
    INFO("fault: " << faultName(fault));
    test::ScopedClock clock(QDateTime(QDate(2025, 6, 1), QTime(8, 0), Qt::UTC));
    Fixture f(backend);
    io::PersonsImport(*f.db, f.socialWorker).run(QStringLiteral(CABAS_SAMPLES_DIR "/persons.csv"));
    const auto base = HouseholdService(*f.db, f.socialWorker).find(QStringLiteral("MMG-0001"));
    REQUIRE(base);
    Household mine = *base;
    // Long notes: the row no longer fits in its page, so SQLite needs a new one.
    mine.notes = QStringLiteral("Relogement en cours. ").repeated(250);
    mine.address = QStringLiteral("12 avenue des Pyrénées");

    f.breakIt(fault);
    f.expectRefusedUnchanged([&] {
        Household attempt = mine;
        HouseholdService(*f.db, f.socialWorker).save(attempt, *base);
    });

    f.repair();
    Household again = mine;
    CHECK_FALSE(
        HouseholdService(*f.db, f.socialWorker).save(again, *base)); // no conflict: nothing was written
    const auto saved = HouseholdService(*f.db, f.socialWorker).find(QStringLiteral("MMG-0001"));
    REQUIRE(saved);
    CHECK(saved->notes == mine.notes);
    CHECK(saved->version == base->version + 1);
}

TEST_CASE("fault: a full disk or a read-only database during a ledger sync changes nothing",
          "[fault][storage][sync]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    const Fault fault = GENERATE(Fault::DiskFull, Fault::ReadOnly);
    CABAS_BACKEND_INFO(backend);
    INFO("fault: " << faultName(fault));
    test::ScopedClock clock(QDateTime(QDate(2025, 6, 1), QTime(8, 0), Qt::UTC));
    Fixture f(backend);
    // 60 cards on the first page: more than the free room in the database's pages, so that on SQLite the very
    // first page needs a new one.
    sim::SimFeed feed(sim::SimLedger::generate(sim::SimInput::standalone(60, QDate(2025, 5, 31), 3)),
                      QStringLiteral("tok"), {}, 5);
    sim::SimServer server(feed);
    ledger::SyncOptions options;
    options.client.baseUrl = server.url();
    options.client.token = QStringLiteral("tok");
    options.client.pageLimit = 500;
    options.client.timeoutMs = 30000;
    options.client.sleep = [](int) {};

    f.breakIt(fault);
    // The sync records its own failure in the feed's status row when it can (the ledger page shows it); every
    // other table must be as before.
    f.expectRefusedUnchanged([&] { ledger::SyncEngine(*f.db, f.admin, options).run(); },
                             {QStringLiteral("ledger_sync_state")});
    const store::LedgerSyncState state = store::LedgerRepository(*f.db).syncState(store::kCardsFeed);
    if (!state.lastStatus.isEmpty()) {
        CHECK(state.lastStatus == QStringLiteral("error"));
        CHECK(state.lastError.startsWith(expectedStart(fault)));
    }

    f.repair();
    ledger::SyncEngine(*f.db, f.admin, options).run();
    const auto expected = feed.ledger().finalState();
    store::LedgerRepository repo(*f.db);
    CHECK(repo.counts().entries == qint64(expected.size()));
    CHECK(repo.syncState(store::kEntriesFeed).lastStatus == QStringLiteral("ok"));
}

TEST_CASE(
    "fault: a disk that fills up in the middle of a sync keeps the pages stored before it, the next sync "
    "completes the ledger",
    "[fault][storage][sync][sqlite]")
{
    test::ScopedClock clock(QDateTime(QDate(2025, 6, 1), QTime(8, 0), Qt::UTC));
    Fixture f(store::Backend::Sqlite);
    sim::SimFeed feed(sim::SimLedger::generate(sim::SimInput::standalone(30, QDate(2025, 5, 31), 4)),
                      QStringLiteral("tok"), {}, 5);
    sim::SimServer server(feed);
    const auto expected = feed.ledger().finalState();
    REQUIRE(expected.size() > 300);
    ledger::SyncOptions options;
    options.client.baseUrl = server.url();
    options.client.token = QStringLiteral("tok");
    options.client.pageLimit = 50;
    options.client.timeoutMs = 30000;
    options.client.sleep = [](int) {};

    f.db->execDirect(QStringLiteral("VACUUM"));
    QSqlQuery q = f.db->exec(QStringLiteral("PRAGMA page_count"));
    REQUIRE(q.next());
    f.db->execDirect(QStringLiteral("PRAGMA max_page_count = %1").arg(q.value(0).toLongLong() + 12));
    int pages = 0;
    options.progress = [&](const ledger::SyncProgress& p) { pages = p.pages; };
    try {
        ledger::SyncEngine(*f.db, f.admin, options).run();
        FAIL("the sync fitted in 12 pages");
    } catch (const Error& e) {
        INFO(e.message());
        CHECK(e.kind() == Error::Kind::Storage);
        CHECK(e.message().startsWith(expectedStart(Fault::DiskFull)));
    }
    store::LedgerRepository repo(*f.db);
    const qint64 stored = repo.counts().entries;
    CHECK(pages > 0);
    CHECK(stored < qint64(expected.size()));
    // Every stored entry is whole (its latest revision as delivered so far, never a part of a page).
    QSqlQuery integrity = f.db->exec(QStringLiteral("PRAGMA integrity_check"));
    REQUIRE(integrity.next());
    CHECK(integrity.value(0).toString() == QStringLiteral("ok"));

    f.db->execDirect(QStringLiteral("PRAGMA max_page_count = 1073741823"));
    ledger::SyncEngine(*f.db, f.admin, options).run();
    CHECK(repo.counts().entries == qint64(expected.size()));
    int wrong = 0;
    for (const auto& [id, e] : expected) {
        const auto s = repo.findEntry(id);
        if (!s || s->entry.revision != e.revision || s->entry.amountCents != e.amountCents)
            ++wrong;
    }
    CHECK(wrong == 0);
}
