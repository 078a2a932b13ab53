#pragma once

#include "ledger/FeedClient.h"
#include "security/Session.h"
#include "store/Database.h"

#include <QCoreApplication>
#include <QString>
#include <atomic>
#include <functional>

namespace cabas::ledger {

struct SyncProgress
{
    QString feed;       // "cards" or "entries"
    int pages = 0;      // pages stored so far (both feeds)
    qint64 cards = 0;   // cards received so far
    qint64 entries = 0; // entries received so far
};

struct SyncResult
{
    int pages = 0;         // pages stored (each in its own transaction)
    qint64 cards = 0;      // cards received
    qint64 entries = 0;    // entries received
    qint64 newEntries = 0; // entries stored for the first time
    qint64 revised = 0;    // entries stored at a higher revision
    qint64 unchanged = 0;  // entries already stored at that revision or a higher one (at least once delivery)
    int retries = 0;       // requests tried again (429, 5xx, cut connections)
    int restarts = 0;      // cursors the feed no longer knew (410): started again from the beginning
    qint64 durationMs = 0;
    qint64 stored() const { return newEntries + revised; }
};

struct SyncOptions
{
    FeedClientOptions client; // its `cancel` is set from `cancel` below
    // Called after each stored page; may be null.
    std::function<void(const SyncProgress&)> progress;
    // Checked before the first request, between pages and during back-off; when it becomes true run() stops
    // with Error::Kind::Cancelled. What was stored before stays (every page is complete); the next sync
    // resumes from there.
    const std::atomic_bool* cancel = nullptr;
};

// Pulls the card operator's ledger: the cards feed, then the entries feed, page by page from the stored
// cursors; each page and its next cursor go to the database in one transaction (with its audit record), so a
// crash or a cut at any point loses nothing and duplicates nothing. A 410 forgets the cursor and starts that
// feed again from the beginning (the upsert makes it harmless). Records each feed's sync status. Errors are
// cabas::Error (FeedError for the feed's own) with a translated message. Administrators only.
class SyncEngine
{
    Q_DECLARE_TR_FUNCTIONS(SyncEngine)
  public:
    SyncEngine(const store::Database& db, const Session& session, SyncOptions options);
    SyncResult run();
    // The message of a cancelled sync, also recorded as the last error of the feed it stopped (its last
    // status is "error"): a Cancel always leaves this status, whenever it came, even before the first
    // request.
    static QString cancelledMessage();

  private:
    // Pulls one feed (CardPage: /v1/cards, EntryPage: /v1/entries) page by page; defined and instantiated in
    // SyncEngine.cpp only.
    template <typename Page> void syncFeed(FeedClient& client, SyncResult& result);
    void checkCancel() const;
    void report(const QString& feed, const SyncResult& result) const;

    const store::Database& m_db;
    const Session& m_session;
    SyncOptions m_options;
};

} // namespace cabas::ledger
