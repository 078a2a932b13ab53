#include "ledger/SyncEngine.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "security/AuditTrail.h"
#include "store/LedgerRepository.h"

#include <QElapsedTimer>
#include <type_traits>

namespace cabas::ledger {

namespace {

constexpr int kMaxRestarts = 3; // 410s in one run before giving up

} // namespace

SyncEngine::SyncEngine(const store::Database& db, const Session& session, SyncOptions options)
    : m_db(db), m_session(session), m_options(std::move(options))
{
    m_options.client.cancel = m_options.cancel;
}

QString SyncEngine::cancelledMessage()
{
    return tr("The sync was cancelled; what was stored before stays, and the next sync resumes from there.");
}

void SyncEngine::checkCancel() const
{
    if (m_options.cancel && m_options.cancel->load())
        throw FeedError(cancelledMessage(), FeedError::Reason::Cancelled, 0, Error::Kind::Cancelled);
}

void SyncEngine::report(const QString& feed, const SyncResult& result) const
{
    if (m_options.progress)
        m_options.progress(SyncProgress{feed, result.pages, result.cards, result.entries});
}

namespace {

// What differs between the two feeds: how a page is fetched and stored, its items, and how it is counted
// and audited. SyncEngine::syncFeed does the rest, the same for both.
template <typename Page> struct Feed;

template <> struct Feed<CardPage>
{
    static const QString& name() { return store::kCardsFeed; }
    static CardPage fetch(FeedClient& client, const QString& cursor) { return client.cards(cursor); }
    static const auto& items(const CardPage& page) { return page.cards; }
    static store::LedgerApplyResult apply(store::LedgerRepository& repo, const CardPage& page)
    {
        return repo.applyCardPage(page, name());
    }
    static QString table() { return QStringLiteral("ledger_card"); }
    static QString auditDetail(const store::LedgerApplyResult& applied)
    {
        return QStringLiteral("new %1, changed %2").arg(applied.inserted).arg(applied.updated);
    }
    static void count(SyncResult& result, const CardPage& page, const store::LedgerApplyResult&)
    {
        result.cards += qint64(page.cards.size());
    }
};

template <> struct Feed<EntryPage>
{
    static const QString& name() { return store::kEntriesFeed; }
    static EntryPage fetch(FeedClient& client, const QString& cursor) { return client.entries(cursor); }
    static const auto& items(const EntryPage& page) { return page.entries; }
    static store::LedgerApplyResult apply(store::LedgerRepository& repo, const EntryPage& page)
    {
        return repo.applyEntryPage(page, name());
    }
    static QString table() { return QStringLiteral("ledger_entry"); }
    static QString auditDetail(const store::LedgerApplyResult& applied)
    {
        return QStringLiteral("new %1, revised %2").arg(applied.inserted).arg(applied.updated);
    }
    static void count(SyncResult& result, const EntryPage& page, const store::LedgerApplyResult& applied)
    {
        result.entries += qint64(page.entries.size());
        result.newEntries += applied.inserted;
        result.revised += applied.updated;
        result.unchanged += applied.unchanged;
    }
};

} // namespace

// One feed from its stored cursor to its end: fetch a page (a 410 forgets the cursor and starts again from
// the beginning, at most kMaxRestarts times), store it with its cursor and audit record in one transaction,
// report progress, and stop on a page that says more follow without moving its cursor.
template <typename Page> void SyncEngine::syncFeed(FeedClient& client, SyncResult& result)
{
    using F = Feed<Page>;
    store::LedgerRepository repo(m_db);
    const AuditTrail audit(m_db);
    QString cursor = repo.cursor(F::name());
    int restarts = 0;
    for (;;) {
        checkCancel();
        Page page;
        try {
            page = F::fetch(client, cursor);
        } catch (const FeedError& e) {
            if (e.reason() != FeedError::Reason::CursorExpired || cursor.isEmpty() ||
                ++restarts > kMaxRestarts)
                throw;
            repo.resetCursor(F::name());
            cursor.clear();
            ++result.restarts;
            continue;
        }
        if (page.nextCursor.isEmpty())
            page.nextCursor = cursor;
        checkCancel();
        {
            store::Database::Transaction tx(m_db);
            const store::LedgerApplyResult applied = F::apply(repo, page);
            if (applied.inserted + applied.updated > 0)
                audit.record(m_session, QStringLiteral("sync"), F::table(),
                             QStringLiteral("batch:%1").arg(applied.inserted + applied.updated),
                             F::auditDetail(applied));
            tx.commit();
            F::count(result, page, applied);
        }
        ++result.pages;
        report(F::name(), result);
        if (!page.hasMore)
            return;
        if (F::items(page).empty() && page.nextCursor == cursor) {
            if constexpr (std::is_same_v<Page, CardPage>)
                throw FeedError(tr("The ledger feed says more cards follow but its cursor does not move."),
                                FeedError::Reason::OtherStatus);
            else
                throw FeedError(tr("The ledger feed says more entries follow but its cursor does not move."),
                                FeedError::Reason::OtherStatus);
        }
        cursor = page.nextCursor;
    }
}

SyncResult SyncEngine::run()
{
    const AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Ledger, Action::Write, QStringLiteral("ledger_entry"),
                  QStringLiteral("sync"));
    QElapsedTimer timer;
    timer.start();
    SyncResult result;
    store::LedgerRepository repo(m_db);
    // The feed a failure is recorded on: the cards feed until the entries feed begins, so that a sync stopped
    // before its first request (a Cancel that came at once, a bad address) leaves a last status too.
    QString failedFeed = store::kCardsFeed;
    try {
        checkCancel();
        FeedClient client(m_options.client);
        syncFeed<CardPage>(client, result);
        failedFeed = store::kEntriesFeed;
        syncFeed<EntryPage>(client, result);
        result.retries = client.retries();
    } catch (const Error& e) {
        // The pages stored so far stay; say what stopped the rest.
        const QDateTime now = Clock::instance().nowUtc();
        try {
            // A cancel is recorded (and thrown) with the same clear message whichever check saw it first
            // (the engine's, before and between pages, or the client's, during a back-off).
            repo.recordSyncResult(failedFeed, now, false,
                                  e.kind() == Error::Kind::Cancelled ? cancelledMessage() : e.message());
        } catch (const Error&) {
            // The database itself failed: the original error is the one to show.
        }
        if (e.kind() == Error::Kind::Cancelled)
            throw FeedError(cancelledMessage(), FeedError::Reason::Cancelled, 0, Error::Kind::Cancelled);
        throw;
    }
    const QDateTime now = Clock::instance().nowUtc();
    repo.recordSyncResult(store::kCardsFeed, now, true);
    repo.recordSyncResult(store::kEntriesFeed, now, true);
    result.durationMs = timer.elapsed();
    return result;
}

} // namespace cabas::ledger
