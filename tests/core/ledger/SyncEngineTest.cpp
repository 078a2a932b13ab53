// The sync engine end to end: the real feed (cabas_sim on loopback) into a real database, on both backends.
#include "ledger/SyncEngine.h"

#include "sim/SimLedger.h"
#include "store/AuditRepository.h"
#include "store/LedgerRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <catch2/catch.hpp>

using namespace cabas;
using namespace cabas::ledger;
using cabas::test::TempDatabase;

namespace {

struct Fixture
{
    TempDatabase t;
    std::unique_ptr<store::Database> db;
    Session admin;
    sim::SimFeed feed;
    sim::SimServer server;
    qint64 simNowMs = 1000000;

    explicit Fixture(store::Backend backend, const sim::SimFaults& faults = {}, int households = 8)
        : t(backend),
          feed(sim::SimLedger::generate(sim::SimInput::standalone(households, QDate(2025, 5, 31), 3)),
               QStringLiteral("tok"), faults, 5),
          server(feed)
    {
        db = t.createInitialised();
        admin = test::adminSession(*db);
        feed.setNowMs([this] { return simNowMs; });
    }

    SyncOptions options(int pageLimit = 40) const
    {
        SyncOptions o;
        o.client.baseUrl = server.url();
        o.client.token = QStringLiteral("tok");
        o.client.pageLimit = pageLimit;
        o.client.timeoutMs = 30000;
        o.client.sleep = [](int) {};
        return o;
    }

    SyncResult sync(const SyncOptions& o) { return SyncEngine(*db, admin, o).run(); }

    // The stored ledger equals the operator's: every entry at its last revision, status and amount; no other.
    void checkStoredEqualsFeed() const
    {
        const auto expected = feed.ledger().finalState();
        store::LedgerRepository repo(*db);
        CHECK(repo.counts().entries == qint64(expected.size()));
        int wrong = 0;
        for (const auto& [id, e] : expected) {
            const auto stored = repo.findEntry(id);
            if (!stored || stored->entry.revision != e.revision || stored->entry.status != e.status ||
                stored->entry.amountCents != e.amountCents || stored->entry.kind != e.kind)
                ++wrong;
        }
        CHECK(wrong == 0);
        CHECK(repo.feedCards().size() == feed.ledger().cards().size());
    }
};

} // namespace

TEST_CASE("sync: a full sync stores the operator's ledger, the next one finds nothing new", "[ledger][sync]")
{
    const auto backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 6, 1), QTime(8, 0), Qt::UTC));
    Fixture f(backend);
    std::vector<SyncProgress> progress;
    SyncOptions o = f.options();
    o.progress = [&](const SyncProgress& p) { progress.push_back(p); };
    const SyncResult r = f.sync(o);
    const auto expected = f.feed.ledger().finalState();
    const qint64 changes = qint64(f.feed.ledger().changes().size());
    CHECK(r.entries == changes);
    CHECK(r.newEntries == qint64(expected.size()));
    CHECK(r.newEntries + r.revised + r.unchanged == changes);
    CHECK(r.cards == qint64(f.feed.ledger().cards().size()));
    CHECK(r.pages == 1 + int((changes + 39) / 40));
    REQUIRE_FALSE(progress.empty());
    CHECK(progress.back().entries == changes);
    CHECK(progress.back().pages == r.pages);
    f.checkStoredEqualsFeed();

    store::LedgerRepository repo(*f.db);
    const store::LedgerSyncState state = repo.syncState(store::kEntriesFeed);
    CHECK(state.lastStatus == QStringLiteral("ok"));
    CHECK(state.lastSuccessAt == clock.clock().nowUtc());
    CHECK_FALSE(state.cursor.isEmpty());

    // The pages were audited as the administrator's sync.
    store::AuditFilter filter;
    filter.table = QStringLiteral("ledger_entry");
    const auto records = store::AuditRepository(*f.db).list(filter);
    CHECK_FALSE(records.empty());

    const SyncResult again = f.sync(f.options());
    CHECK(again.newEntries == 0);
    CHECK(again.revised == 0);
    CHECK(again.pages == 2); // one (empty) page of each feed
    f.checkStoredEqualsFeed();
}

TEST_CASE("sync: 5xx, 429, cut connections and overlapping pages lose nothing and count nothing twice",
          "[ledger][sync]")
{
    const auto backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    sim::SimFaults faults;
    faults.fault5xx = 0.2;
    faults.fault429 = 0.1;
    faults.retryAfterSeconds = 0;
    faults.cut = 0.2;
    faults.overlap = true;
    Fixture f(backend, faults);
    SyncOptions o = f.options(25);
    o.client.maxAttempts = 30;
    const SyncResult r = f.sync(o);
    CHECK(r.retries > 0);
    CHECK(r.newEntries == qint64(f.feed.ledger().finalState().size()));
    CHECK(r.unchanged > 0); // the overlaps came again and changed nothing
    f.checkStoredEqualsFeed();
}

TEST_CASE("sync: cancelling between pages keeps what was stored, the next sync resumes from there",
          "[ledger][sync]")
{
    const auto backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    Fixture f(backend);
    std::atomic_bool cancel{false};
    SyncOptions o = f.options();
    o.cancel = &cancel;
    o.progress = [&](const SyncProgress& p) {
        if (p.pages == 3)
            cancel = true;
    };
    try {
        f.sync(o);
        FAIL("not cancelled");
    } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::Cancelled);
    }
    store::LedgerRepository repo(*f.db);
    const qint64 storedAfterCancel = repo.counts().entries;
    CHECK(storedAfterCancel > 0);
    CHECK(storedAfterCancel < qint64(f.feed.ledger().finalState().size()));
    CHECK(repo.syncState(store::kEntriesFeed).lastStatus == QStringLiteral("error"));

    const qint64 requestsBefore = f.feed.requests();
    cancel = false;
    const SyncResult rest = f.sync(o = f.options());
    // It resumed: it did not ask for the pages it had.
    CHECK(f.feed.requests() - requestsBefore == rest.pages);
    CHECK(rest.newEntries == qint64(f.feed.ledger().finalState().size()) - storedAfterCancel);
    f.checkStoredEqualsFeed();
}

TEST_CASE("sync: a cancel that comes before the first feed begins stores nothing and records the cancel",
          "[ledger][sync]")
{
    const auto backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 6, 1), QTime(8, 0), Qt::UTC));
    Fixture f(backend);
    std::atomic_bool cancel{true}; // Cancel pressed before the engine ran at all
    SyncOptions o = f.options();
    o.cancel = &cancel;
    try {
        f.sync(o);
        FAIL("not cancelled");
    } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::Cancelled);
        CHECK(e.message() == SyncEngine::cancelledMessage());
    }
    CHECK(f.feed.requests() == 0);
    store::LedgerRepository repo(*f.db);
    CHECK(repo.counts().entries == 0);
    const auto cards = repo.syncState(store::kCardsFeed);
    CHECK(cards.lastStatus == QStringLiteral("error"));
    CHECK(cards.lastError == SyncEngine::cancelledMessage());
    CHECK(cards.lastSyncAt == QDateTime(QDate(2025, 6, 1), QTime(8, 0), Qt::UTC));
    CHECK_FALSE(cards.lastSuccessAt.isValid());
    CHECK(repo.syncState(store::kEntriesFeed).lastStatus.isEmpty()); // not begun: nothing to say about it

    // A cancel seen by the client during a back-off is recorded with the same message.
    sim::SimFaults faults;
    faults.fault5xx = 1.0;
    Fixture busy(backend, faults);
    std::atomic_bool cancelLater{false};
    SyncOptions b = busy.options();
    b.cancel = &cancelLater;
    b.client.sleep = [&](int) { cancelLater = true; };
    try {
        busy.sync(b);
        FAIL("not cancelled");
    } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::Cancelled);
        CHECK(e.message() == SyncEngine::cancelledMessage());
    }
    const auto busyCards = store::LedgerRepository(*busy.db).syncState(store::kCardsFeed);
    CHECK(busyCards.lastStatus == QStringLiteral("error"));
    CHECK(busyCards.lastError == SyncEngine::cancelledMessage());

    // The next sync resumes normally and records success.
    cancel = false;
    f.sync(f.options());
    f.checkStoredEqualsFeed();
    CHECK(repo.syncState(store::kCardsFeed).lastStatus == QStringLiteral("ok"));
}

TEST_CASE("sync: a 410 starts the feed again from the beginning, without duplicates", "[ledger][sync]")
{
    const auto backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    sim::SimFaults faults;
    faults.expireCursorsAfterMs = 60000;
    Fixture f(backend, faults);
    std::atomic_bool cancel{false};
    SyncOptions o = f.options();
    o.cancel = &cancel;
    o.progress = [&](const SyncProgress& p) {
        if (p.pages == 4)
            cancel = true;
    };
    CHECK_THROWS_AS(f.sync(o), Error);
    const qint64 storedBefore = store::LedgerRepository(*f.db).counts().entries;
    REQUIRE(storedBefore > 0);

    f.simNowMs += 3600 * 1000; // an hour later the stored cursors are too old
    const SyncResult r = f.sync(f.options());
    CHECK(r.restarts == 2); // cards and entries
    CHECK(r.newEntries == qint64(f.feed.ledger().finalState().size()) - storedBefore);
    CHECK(r.entries == qint64(f.feed.ledger().changes().size()));
    f.checkStoredEqualsFeed();
}

TEST_CASE("sync: a refused token stops, stores nothing and records the error", "[ledger][sync]")
{
    const auto backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    Fixture f(backend);
    SyncOptions o = f.options();
    o.client.token = QStringLiteral("stale");
    try {
        f.sync(o);
        FAIL("no error");
    } catch (const FeedError& e) {
        CHECK(e.reason() == FeedError::Reason::Unauthorized);
    }
    store::LedgerRepository repo(*f.db);
    CHECK(repo.counts().entries == 0);
    const auto state = repo.syncState(store::kCardsFeed);
    CHECK(state.lastStatus == QStringLiteral("error"));
    CHECK(state.lastError.contains(QStringLiteral("401")));
    CHECK(f.feed.requests() == 1);
}

TEST_CASE("sync: only administrators may sync", "[ledger][sync]")
{
    Fixture f(store::Backend::Sqlite);
    const Session worker = test::sessionFor(*f.db, Role::SocialWorker);
    try {
        SyncEngine(*f.db, worker, f.options()).run();
        FAIL("allowed");
    } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::AccessDenied);
    }
    CHECK(f.feed.requests() == 0);
    CHECK(store::LedgerRepository(*f.db).counts().entries == 0);
}
