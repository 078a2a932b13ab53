#pragma once

#include "domain/LedgerEntry.h"
#include "store/Database.h"

#include <QCoreApplication>
#include <QDate>
#include <QDateTime>
#include <QString>
#include <QStringList>
#include <QVariantList>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace cabas::store {

class LedgerLinker;

// The feeds Cabas keeps a cursor for (sync state is keyed by these names).
inline const QString kEntriesFeed = QStringLiteral("entries");
inline const QString kCardsFeed = QStringLiteral("cards");

// What one apply did. `received` counts the page's items; an item already stored at the same or a higher
// revision (or a duplicate inside the page) is `unchanged`.
struct LedgerApplyResult
{
    qint64 received = 0;
    qint64 inserted = 0;
    qint64 updated = 0;
    qint64 unchanged = 0;
};

// Last sync of one feed, as the sync engine recorded it.
struct LedgerSyncState
{
    QString feed;
    QString cursor;          // empty: from the beginning
    QDateTime lastSyncAt;    // UTC; invalid when never synced
    QString lastStatus;      // "" (never), "ok", "error"
    QString lastError;       // the error's message when lastStatus is "error"
    QDateTime lastSuccessAt; // UTC; invalid when never succeeded
};

// One stored entry (latest revision) with what Cabas derived from it.
struct LedgerMovement
{
    LedgerEntry entry;
    QDate localDate;          // Europe/Paris
    qint64 householdId = 0;   // 0: unlinked
    bool sustainable = false; // the merchant's effective flag: local override, else the operator's
};

struct LedgerMovementFilter
{
    QString kind;       // empty: any
    QString merchantId; // empty: any
    QDate month;        // any day of the month; invalid: any
    QString status;     // empty: any
    int limit = 0;      // 0: all; newest first
};

// One month of one household, posted entries only (indicators.md definitions).
struct LedgerMonth
{
    QDate month; // first day of the month
    qint64 allowanceCents = 0;
    qint64 bonusCents = 0;
    qint64 spentCents = 0;            // purchases as positive amounts minus refunds
    qint64 sustainableSpentCents = 0; // the same at merchants whose effective flag is true
};

struct LedgerBalance
{
    qint64 postedCents = 0;  // sum of posted entries of known kinds (transfers included: they net out)
    qint64 pendingCents = 0; // sum of pending entries of known kinds
};

// A card whose entries (or the operator's card record) no household claims yet.
struct UnlinkedCard
{
    QString card;
    QString account; // the account the operator gave, if any (an unknown household code)
    qint64 entries = 0;
    qint64 sumCents = 0; // posted entries
    QDate firstDate;
    QDate lastDate;
    bool knownToOperator = false; // came through the cards feed
};

struct LedgerKindStatusCount
{
    qint64 count = 0;
    qint64 sumCents = 0;
};

struct LedgerCounts
{
    qint64 entries = 0;
    qint64 unlinked = 0;
    std::map<QString, std::map<QString, LedgerKindStatusCount>> kinds; // kind -> status -> figures
};

struct LedgerMerchant
{
    QString id;
    QString name;
    QString category;
    bool operatorSustainable = false;
    std::optional<bool> overrideSustainable; // the programme's local decision
    bool sustainable() const { return overrideSustainable.value_or(operatorSustainable); }
};

// Storage of the card ledger (migration 0004): entries (latest revision only), merchants, the operator's
// cards, per-feed cursors and sync state; linking of entries to households. SQL for the ledger lives here
// only.
//
// Linking rule: an entry belongs to the household whose code is its `account`; else to its card's household:
// the Cabas card with that token, else the operator's card whose account is a household code, else the card
// it replaces (followed up the chain). Entries on cards nobody claims stay unlinked (household 0) and are
// linked when the card becomes known (cards feed page, a card added or changed in Cabas, a link made by
// hand).
class LedgerRepository
{
    Q_DECLARE_TR_FUNCTIONS(LedgerRepository)
  public:
    explicit LedgerRepository(const Database& db) : m_db(db) {}

    // How an entry was linked to its household (ledger_entry.link_source).
    enum class LinkSource : int
    {
        None = 0,
        Account = 1,
        Card = 2,
    };
    // The columns of ledger_entry that the ingest writes, and one entry's row in that order, linked to
    // `householdId` (0: unlinked): the feed's upsert builds its rows with these, and so does any plain insert
    // of the same rows (the benchmark's).
    static const QStringList& entryColumns();
    static QVariantList entryRow(const LedgerEntry& e, qint64 householdId, LinkSource source);

    // Stores a validated page and its next cursor for `feed` in ONE transaction (the caller's when one is
    // open, else its own): highest revision wins, an older or equal revision changes nothing.
    LedgerApplyResult applyEntryPage(const EntryPage& page, const QString& feed = kEntriesFeed);
    // Stores the operator's cards and the cursor in one transaction, then links the entries they claim.
    LedgerApplyResult applyCardPage(const CardPage& page, const QString& feed = kCardsFeed);
    // The same upsert without a cursor (CSV ledger import). Inside the caller's transaction if one is open.
    LedgerApplyResult upsertEntries(const std::vector<LedgerEntry>& entries);

    QString cursor(const QString& feed) const;
    // Forgets the cursor (after a 410): the next sync starts from the beginning; stored entries stay.
    void resetCursor(const QString& feed);
    LedgerSyncState syncState(const QString& feed) const;
    // Records the outcome of a sync run (lastSyncAt = `at`; on success also lastSuccessAt, error cleared).
    void recordSyncResult(const QString& feed, const QDateTime& at, bool ok, const QString& error = {});

    // Reads.
    std::optional<LedgerMovement> findEntry(const QString& id) const;
    qint64 storedRevision(const QString& id) const; // 0 when unknown
    std::vector<LedgerMovement> movements(qint64 householdId, const LedgerMovementFilter& filter = {}) const;
    std::vector<LedgerMonth> months(qint64 householdId) const; // oldest first, months with movements only
    LedgerBalance balance(qint64 householdId) const;
    std::vector<UnlinkedCard> unlinkedCards() const;
    LedgerCounts counts() const;
    std::vector<LedgerMerchant> merchants() const;
    std::optional<LedgerMerchant> findMerchant(const QString& id) const;
    std::vector<FeedCard> feedCards() const;

    // Writes other than the feed's.
    // Links `cardToken` to `householdId` by hand: sets the Cabas card's household (creating the Cabas card
    // when only the ledger knows it), then links its entries. Throws Conflict if the card belongs to another
    // household, NotFound if the household does not exist. Inside the caller's transaction if one is open.
    void linkCard(const QString& cardToken, qint64 householdId);
    // Sets (or clears, with nullopt) the programme's local sustainable flag of a merchant.
    void setMerchantOverride(const QString& merchantId, std::optional<bool> sustainable);
    // Recomputes the household of every entry of these cards (and of cards that replace them).
    void relinkCards(const QStringList& cardTokens);
    // Links entries of cards changed in Cabas since the last call (a trigger on `card` queues their tokens).
    // Reads and applies call it; cheap when nothing is queued.
    void relinkPending();

    // Figures per household and month (migration 0010, docs/cohort.md): triggers on ledger_entry mark the
    // (household, month) pairs whose posted entries changed; this recomputes their rows from the entries and
    // forgets the marks, inside the caller's transaction when one is open. Every write of this class calls it
    // at its end; so does the cohort before reading. Cheap when nothing is marked. On PostgreSQL it calls the
    // SECURITY DEFINER function `cabas-cli pg roles` creates (refreshFunctionName()) when it exists.
    void refreshFigures() const;
    // Marks every household-month with posted entries of these merchants (their classification changed) on or
    // after `since` (invalid: any date), and refreshes them.
    void refreshMerchants(const QStringList& merchantIds, const QDate& since = {}) const;
    // The statements refreshFigures() runs, in order (no parameters), and the name of the PostgreSQL function
    // that runs them (a hash of their text, so that a new version gets a new function). `kept`: the month
    // totals and running totals of migration 0014 too (schema version 14 or later).
    static QStringList figuresRefreshStatements(bool kept = true);
    static QString refreshFunctionName();
    // The ONE classification of a posted entry as sustainable, as an SQL expression worth 1 or 0 over the
    // ledger_entry alias `e` (columns merchant_id, local_date, merchant_sustainable): the committee's
    // approval period covering the entry's local date (1), else its refusal or a withdrawal on or before that
    // date (0) (migration 0013, docs/merchants.md), else the programme's older override of the merchant, else
    // the operator's flag on the entry. The cohort, the figures, the reconciliation and the ledger's reads
    // use it.
    static QString sustainableSql(const QString& alias = QStringLiteral("e"));

    // A merchant from a row whose first columns are ledger_merchant's id, name, category, sustainable and
    // sustainable_override, in that order (the ledger's reads and MerchantRepository's).
    static LedgerMerchant merchantFromRow(const QSqlQuery& q);

  private:
    bool isKnownCard(const QString& token) const;
    // Who owns which card and account code, loaded in batches and kept from page to page of one sync;
    // forgotten whenever a card or household changes (relinkPending() sees the queue) and after a failed
    // write.
    LedgerLinker& cachedLinker();

    const Database& m_db;
    std::shared_ptr<LedgerLinker> m_linker;
    // SQLite: the ingest's prepared statements, kept from page to page (finalized with the last copy of the
    // repository).
    struct SqliteStatements;
    std::shared_ptr<SqliteStatements> m_sqlite;
    mutable std::optional<bool> m_refreshFunction; // PostgreSQL: whether refreshFunctionName() exists
    mutable std::optional<bool> m_hasFigures;      // schema version 10 or later
    mutable std::optional<bool> m_hasKept;         // schema version 14 or later (month and running totals)
};

} // namespace cabas::store
