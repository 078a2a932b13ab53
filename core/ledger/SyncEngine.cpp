#include "ledger/SyncEngine.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "security/AuditTrail.h"
#include "store/LedgerRepository.h"

#include <QElapsedTimer>

namespace cabas::ledger {

namespace {

constexpr int kMaxRestarts = 3; // 410s in one run before giving up

} // namespace

SyncEngine::SyncEngine(const store::Database& db, const Session& session, SyncOptions options)
    : m_db(db), m_session(session), m_options(std::move(options))
{
    m_options.client.cancel = m_options.cancel;
}

void SyncEngine::checkCancel() const
{
    if (m_options.cancel && m_options.cancel->load())
        throw FeedError(tr("The sync was cancelled; what was stored before stays, and the next sync resumes "
                           "from there."),
                        FeedError::Reason::Cancelled, 0, Error::Kind::Cancelled);
}

void SyncEngine::report(const QString& feed, const SyncResult& result) const
{
    if (m_options.progress)
        m_options.progress(SyncProgress{feed, result.pages, result.cards, result.entries});
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
    QString failedFeed;
    try {
        FeedClient client(m_options.client);
        failedFeed = store::kCardsFeed;
        syncCards(client, result);
        failedFeed = store::kEntriesFeed;
        syncEntries(client, result);
        result.retries = client.retries();
    } catch (const Error& e) {
        // The pages stored so far stay; say what stopped the rest.
        const QDateTime now = Clock::instance().nowUtc();
        try {
            if (!failedFeed.isEmpty())
                repo.recordSyncResult(failedFeed, now, false, e.message());
        } catch (const Error&) {
            // The database itself failed: the original error is the one to show.
        }
        throw;
    }
    const QDateTime now = Clock::instance().nowUtc();
    repo.recordSyncResult(store::kCardsFeed, now, true);
    repo.recordSyncResult(store::kEntriesFeed, now, true);
    result.durationMs = timer.elapsed();
    return result;
}

void SyncEngine::syncCards(FeedClient& client, SyncResult& result)
{
    store::LedgerRepository repo(m_db);
    const AuditTrail audit(m_db);
    QString cursor = repo.cursor(store::kCardsFeed);
    int restarts = 0;
    for (;;) {
        checkCancel();
        CardPage page;
        try {
            page = client.cards(cursor);
        } catch (const FeedError& e) {
            if (e.reason() != FeedError::Reason::CursorExpired || cursor.isEmpty() ||
                ++restarts > kMaxRestarts)
                throw;
            repo.resetCursor(store::kCardsFeed);
            cursor.clear();
            ++result.restarts;
            continue;
        }
        if (page.nextCursor.isEmpty())
            page.nextCursor = cursor;
        checkCancel();
        {
            store::Database::Transaction tx(m_db);
            const store::LedgerApplyResult applied = repo.applyCardPage(page, store::kCardsFeed);
            if (applied.inserted + applied.updated > 0)
                audit.record(m_session, QStringLiteral("sync"), QStringLiteral("ledger_card"),
                             QStringLiteral("batch:%1").arg(applied.inserted + applied.updated),
                             QStringLiteral("new %1, changed %2").arg(applied.inserted).arg(applied.updated));
            tx.commit();
        }
        ++result.pages;
        result.cards += qint64(page.cards.size());
        report(store::kCardsFeed, result);
        if (!page.hasMore)
            return;
        if (page.cards.empty() && page.nextCursor == cursor)
            throw FeedError(tr("The ledger feed says more cards follow but its cursor does not move."),
                            FeedError::Reason::OtherStatus);
        cursor = page.nextCursor;
    }
}

void SyncEngine::syncEntries(FeedClient& client, SyncResult& result)
{
    store::LedgerRepository repo(m_db);
    const AuditTrail audit(m_db);
    QString cursor = repo.cursor(store::kEntriesFeed);
    int restarts = 0;
    for (;;) {
        checkCancel();
        EntryPage page;
        try {
            page = client.entries(cursor);
        } catch (const FeedError& e) {
            if (e.reason() != FeedError::Reason::CursorExpired || cursor.isEmpty() ||
                ++restarts > kMaxRestarts)
                throw;
            repo.resetCursor(store::kEntriesFeed);
            cursor.clear();
            ++result.restarts;
            continue;
        }
        if (page.nextCursor.isEmpty())
            page.nextCursor = cursor;
        checkCancel();
        {
            store::Database::Transaction tx(m_db);
            const store::LedgerApplyResult applied = repo.applyEntryPage(page, store::kEntriesFeed);
            if (applied.inserted + applied.updated > 0)
                audit.record(m_session, QStringLiteral("sync"), QStringLiteral("ledger_entry"),
                             QStringLiteral("batch:%1").arg(applied.inserted + applied.updated),
                             QStringLiteral("new %1, revised %2").arg(applied.inserted).arg(applied.updated));
            tx.commit();
            result.newEntries += applied.inserted;
            result.revised += applied.updated;
            result.unchanged += applied.unchanged;
        }
        ++result.pages;
        result.entries += qint64(page.entries.size());
        report(store::kEntriesFeed, result);
        if (!page.hasMore)
            return;
        if (page.entries.empty() && page.nextCursor == cursor)
            throw FeedError(tr("The ledger feed says more entries follow but its cursor does not move."),
                            FeedError::Reason::OtherStatus);
        cursor = page.nextCursor;
    }
}

} // namespace cabas::ledger
