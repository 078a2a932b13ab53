#include "store/LedgerRepository.h"
#include "store/FiguresLock.h"
#include "store/SqliteStatement.h"

#include "common/Clock.h"
#include "common/Error.h"

#include <QCryptographicHash>
#include <QHash>
#include <QSet>
#include <QSqlDriver>
#include <functional>
#include <sqlite3.h>

namespace cabas::store {

namespace {
// pg_advisory_xact_lock key of refreshFigures() (figuresLockStatement()).
constexpr qint64 kFiguresLockKey = 4341424155;
} // namespace

namespace {

constexpr int kLinkNone = int(LedgerRepository::LinkSource::None);
constexpr int kLinkAccount = int(LedgerRepository::LinkSource::Account);
constexpr int kLinkCard = int(LedgerRepository::LinkSource::Card);
constexpr int kChunk = 500;        // values per IN (...) list
constexpr int kMaxChainDepth = 32; // re-issued cards followed at most this far

const QStringList kEntryColumns = {
    QStringLiteral("id"),
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
    QStringLiteral("link_source"),
};
// PostgreSQL array element types, in kEntryColumns' order.
const QStringList kEntryTypes = {
    QStringLiteral("text"),        QStringLiteral("int8"), QStringLiteral("text"), QStringLiteral("text"),
    QStringLiteral("text"),        QStringLiteral("text"), QStringLiteral("int8"), QStringLiteral("text"),
    QStringLiteral("timestamptz"), QStringLiteral("int4"), QStringLiteral("date"), QStringLiteral("int4"),
    QStringLiteral("text"),        QStringLiteral("text"), QStringLiteral("bool"), QStringLiteral("text"),
    QStringLiteral("int8"),        QStringLiteral("int4"),
};

// Runs `f` inside the caller's transaction when one is open, else inside its own.
template <typename F> auto inTransaction(const Database& db, F&& f)
{
    if (db.inTransaction())
        return f();
    Database::Transaction tx(db);
    if constexpr (std::is_void_v<decltype(f())>) {
        f();
        tx.commit();
    } else {
        auto result = f();
        tx.commit();
        return result;
    }
}

QString placeholders(qsizetype n)
{
    return QStringList(n, QStringLiteral("?")).join(QLatin1Char(','));
}

// Runs `SQL_PREFIX (?,...,?) SQL_SUFFIX` over `keys` in chunks and hands each result row to `row`.
void forEachIn(const Database& db, const QString& prefix, const QString& suffix, const QStringList& keys,
               const std::function<void(const QSqlQuery&)>& row)
{
    for (qsizetype at = 0; at < keys.size(); at += kChunk) {
        const QStringList part = keys.mid(at, kChunk);
        QVariantList values;
        values.reserve(part.size());
        for (const QString& k : part)
            values << QVariant(k);
        QSqlQuery q = db.exec(
            prefix + QLatin1Char('(') + placeholders(part.size()) + QLatin1Char(')') + suffix, values);
        while (q.next())
            row(q);
    }
}

} // namespace

// Which household a card token (or an account) belongs to, loading what it needs in batches.
class LedgerLinker
{
  public:
    explicit LedgerLinker(const Database& db) : m_db(db) {}

    // Household ids of these household codes (0 when unknown).
    void loadAccounts(const QStringList& codes)
    {
        QStringList missing;
        for (const QString& c : codes)
            if (!c.isEmpty() && !m_accounts.contains(c)) {
                m_accounts.insert(c, 0);
                missing << c;
            }
        forEachIn(m_db, QStringLiteral("SELECT code, id FROM household WHERE code IN "), {}, missing,
                  [&](const QSqlQuery& q) { m_accounts[q.value(0).toString()] = q.value(1).toLongLong(); });
    }
    qint64 account(const QString& code) const { return code.isEmpty() ? 0 : m_accounts.value(code, 0); }

    // Loads the cards and, round by round, the cards they replace.
    void loadCards(QStringList tokens)
    {
        for (int round = 0; round < kMaxChainDepth && !tokens.isEmpty(); ++round) {
            QStringList missing;
            for (const QString& t : tokens)
                if (!t.isEmpty() && !m_cards.contains(t)) {
                    m_cards.insert(t, {});
                    missing << t;
                }
            forEachIn(m_db,
                      QStringLiteral("SELECT c.token, c.household_id, r.token FROM card c "
                                     "LEFT JOIN card r ON r.id = c.replaces_card_id WHERE c.token IN "),
                      {}, missing, [&](const QSqlQuery& q) {
                          CardInfo& info = m_cards[q.value(0).toString()];
                          info.cabasHousehold = q.value(1).isNull() ? 0 : q.value(1).toLongLong();
                          info.cabasReplaces = q.value(2).toString();
                      });
            QStringList accounts;
            forEachIn(m_db, QStringLiteral("SELECT id, account, replaces FROM ledger_card WHERE id IN "), {},
                      missing, [&](const QSqlQuery& q) {
                          CardInfo& info = m_cards[q.value(0).toString()];
                          info.feedAccount = q.value(1).toString();
                          info.feedReplaces = q.value(2).toString();
                          accounts << info.feedAccount;
                      });
            loadAccounts(accounts);
            tokens.clear();
            for (const QString& t : missing) {
                const CardInfo& info = m_cards[t];
                tokens << info.cabasReplaces << info.feedReplaces;
            }
        }
    }

    qint64 card(const QString& token, int depth = 0)
    {
        if (token.isEmpty() || depth > kMaxChainDepth)
            return 0;
        if (!m_cards.contains(token))
            loadCards({token});
        const CardInfo info = m_cards.value(token);
        if (info.cabasHousehold)
            return info.cabasHousehold;
        if (const qint64 h = account(info.feedAccount))
            return h;
        for (const QString& previous : {info.cabasReplaces, info.feedReplaces})
            if (const qint64 h = card(previous, depth + 1))
                return h;
        return 0;
    }

  private:
    struct CardInfo
    {
        qint64 cabasHousehold = 0;
        QString cabasReplaces;
        QString feedAccount;
        QString feedReplaces;
    };
    const Database& m_db;
    QHash<QString, qint64> m_accounts;
    QHash<QString, CardInfo> m_cards;
};

namespace {

// Appends one element of a PostgreSQL array literal.
void appendArrayElement(QString& out, const QVariant& v)
{
    if (v.isNull()) {
        out += QLatin1String("NULL");
        return;
    }
    const QString text = v.metaType().id() == QMetaType::Bool
                             ? (v.toBool() ? QStringLiteral("t") : QStringLiteral("f"))
                             : v.toString();
    out += QLatin1Char('"');
    for (const QChar c : text) {
        if (c == QLatin1Char('"') || c == QLatin1Char('\\'))
            out += QLatin1Char('\\');
        out += c;
    }
    out += QLatin1Char('"');
}

QString upsertTail()
{
    QStringList sets;
    for (const QString& c : kEntryColumns)
        if (c != QLatin1String("id"))
            sets << QStringLiteral("%1 = excluded.%1").arg(c);
    return QStringLiteral(" ON CONFLICT (id) DO UPDATE SET ") + sets.join(QStringLiteral(", ")) +
           QStringLiteral(" WHERE excluded.revision > ledger_entry.revision");
}

} // namespace

// SQLite runs in-process: the ingest steps its own prepared statements through SQLite's API (no round trip,
// and Qt's binding layer costs more than SQLite's work there). Prepared once per repository, reset after each
// use.
struct LedgerRepository::SqliteStatements
{
    sqlite3* db = nullptr;
    sqlite3_stmt* revision = nullptr; // the stored revision of one id
    sqlite3_stmt* upsert = nullptr;   // one entry row, highest revision wins

    explicit SqliteStatements(const Database& database) : db(sqliteHandle(database))
    {
        revision = prepare("SELECT revision FROM ledger_entry WHERE id = ?");
        upsert = prepare((QStringLiteral("INSERT INTO ledger_entry (%1) VALUES (%2)")
                              .arg(kEntryColumns.join(QLatin1Char(',')), placeholders(kEntryColumns.size())) +
                          upsertTail())
                             .toUtf8());
    }
    ~SqliteStatements()
    {
        sqlite3_finalize(revision);
        sqlite3_finalize(upsert);
    }
    SqliteStatements(const SqliteStatements&) = delete;
    SqliteStatements& operator=(const SqliteStatements&) = delete;

    sqlite3_stmt* prepare(const QByteArray& sql)
    {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v3(db, sql.constData(), int(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                               nullptr) != SQLITE_OK) {
            const QString message = QString::fromUtf8(sqlite3_errmsg(db));
            sqlite3_finalize(revision);
            revision = nullptr;
            throw Error(Database::tr("Database error: %1").arg(message), Error::Kind::Storage);
        }
        return stmt;
    }

    // Steps `stmt` to its end and resets it; throws on an error.
    void run(sqlite3_stmt* stmt) const
    {
        const int rc = sqlite3_step(stmt);
        sqlite3_reset(stmt);
        if (rc != SQLITE_DONE && rc != SQLITE_ROW)
            failSqlite(db);
    }
};

namespace {

// The stored revision of each of these ids that is stored: on SQLite the prepared look-up stepped per id; on
// PostgreSQL IN lists of 500.
QHash<QString, qint64> storedRevisions(const Database& db, const QStringList& ids, sqlite3_stmt* lookup)
{
    QHash<QString, qint64> stored;
    if (lookup) {
        for (const QString& id : ids) {
            sqlite3_bind_text16(lookup, 1, id.utf16(), int(id.size() * 2), SQLITE_STATIC);
            const int rc = sqlite3_step(lookup);
            if (rc == SQLITE_ROW)
                stored.insert(id, sqlite3_column_int64(lookup, 0));
            sqlite3_reset(lookup);
            if (rc != SQLITE_ROW && rc != SQLITE_DONE)
                failSqlite(sqlite3_db_handle(lookup));
        }
        sqlite3_clear_bindings(lookup); // the ids bound without a copy go now
        return stored;
    }
    forEachIn(db, QStringLiteral("SELECT id, revision FROM ledger_entry WHERE id IN "), {}, ids,
              [&](const QSqlQuery& q) { stored.insert(q.value(0).toString(), q.value(1).toLongLong()); });
    return stored;
}

// PostgreSQL: the page's rows as one INSERT ... SELECT FROM unnest(arrays) ... ON CONFLICT.
void upsertPostgres(const Database& db, const QList<QVariantList>& rows)
{
    if (rows.isEmpty())
        return;
    QStringList arrays;
    for (const QString& type : kEntryTypes)
        arrays << QStringLiteral("?::%1[]").arg(type);
    QSqlQuery q = db.prepare(QStringLiteral("INSERT INTO ledger_entry (%1) SELECT * FROM unnest(%2)")
                                 .arg(kEntryColumns.join(QLatin1Char(',')), arrays.join(QLatin1Char(','))) +
                             upsertTail());
    for (qsizetype c = 0; c < kEntryColumns.size(); ++c) {
        QString array;
        array.reserve(rows.size() * 16);
        array += QLatin1Char('{');
        for (qsizetype r = 0; r < rows.size(); ++r) {
            if (r)
                array += QLatin1Char(',');
            appendArrayElement(array, rows.at(r).at(c));
        }
        array += QLatin1Char('}');
        q.addBindValue(array);
    }
    Database::exec(q);
}

QString movementSelect()
{
    return QStringLiteral(
               "SELECT e.id, e.revision, e.card, e.account, e.kind, e.status, e.amount_cents, e.currency, "
               "e.occurred_at, "
               "e.utc_offset, e.local_date, e.merchant_id, COALESCE(m.name, ''), e.merchant_category, "
               "e.merchant_sustainable, e.refers_to, e.household_id, ") +
           LedgerRepository::sustainableSql() +
           QStringLiteral(" FROM ledger_entry e LEFT JOIN ledger_merchant m ON m.id = e.merchant_id ");
}

LedgerMovement readMovement(const QSqlQuery& q)
{
    LedgerMovement m;
    LedgerEntry& e = m.entry;
    e.id = q.value(0).toString();
    e.revision = q.value(1).toLongLong();
    e.card = q.value(2).toString();
    e.account = q.value(3).toString();
    e.kind = q.value(4).toString();
    e.status = q.value(5).toString();
    e.amountCents = q.value(6).toLongLong();
    e.currency = q.value(7).toString();
    e.occurredAt = toTimestamp(q.value(8)).toOffsetFromUtc(q.value(9).toInt());
    m.localDate = toDate(q.value(10));
    if (!q.value(11).isNull()) {
        FeedMerchant merchant;
        merchant.id = q.value(11).toString();
        merchant.name = q.value(12).toString();
        merchant.category = q.value(13).toString();
        merchant.sustainable = q.value(14).toBool();
        e.merchant = merchant;
    }
    e.refersTo = q.value(15).toString();
    m.householdId = q.value(16).isNull() ? 0 : q.value(16).toLongLong();
    m.sustainable = q.value(17).toInt() != 0;
    return m;
}

} // namespace

LedgerLinker& LedgerRepository::cachedLinker()
{
    if (!m_linker)
        m_linker = std::make_shared<LedgerLinker>(m_db);
    return *m_linker;
}

LedgerApplyResult LedgerRepository::applyEntryPage(const EntryPage& page, const QString& feed)
{
    struct ForgetOnFailure
    {
        std::shared_ptr<LedgerLinker>& linker;
        ~ForgetOnFailure()
        {
            if (std::uncaught_exceptions() > 0)
                linker.reset(); // what it learnt may have been rolled back
        }
    } forget{m_linker};
    return inTransaction(m_db, [&] {
        const LedgerApplyResult result = upsertEntries(page.entries);
        m_db.exec(QStringLiteral("INSERT INTO ledger_sync_state (feed, cursor) VALUES (?, ?) "
                                 "ON CONFLICT (feed) DO UPDATE SET cursor = excluded.cursor"),
                  {feed, textValue(page.nextCursor)});
        return result;
    });
}

LedgerApplyResult LedgerRepository::upsertEntries(const std::vector<LedgerEntry>& entries)
{
    // Check everything first: an invalid entry stores nothing.
    for (const LedgerEntry& e : entries) {
        const auto problems = e.validate();
        if (!problems.empty())
            throw Error(tr("Ledger entry %1: %2: %3")
                            .arg(e.id.isEmpty() ? QStringLiteral("?") : e.id, problems.front().field,
                                 problems.front().message));
    }
    LedgerApplyResult result;
    result.received = qint64(entries.size());
    // The highest revision of each id in the page; on a tie the first one delivered.
    QHash<QString, qsizetype> best;
    best.reserve(qsizetype(entries.size()));
    QStringList ids;
    for (qsizetype i = 0; i < qsizetype(entries.size()); ++i) {
        const LedgerEntry& e = entries[size_t(i)];
        auto it = best.find(e.id);
        if (it == best.end()) {
            best.insert(e.id, i);
            ids << e.id;
        } else if (e.revision > entries[size_t(it.value())].revision) {
            it.value() = i;
        }
    }
    if (m_db.backend() == Backend::Sqlite && !m_sqlite)
        m_sqlite = std::make_shared<SqliteStatements>(m_db);
    SqliteStatements* sqlite = m_sqlite.get();
    return inTransaction(m_db, [&] {
        relinkPending();
        const QHash<QString, qint64> stored = storedRevisions(m_db, ids, sqlite ? sqlite->revision : nullptr);
        std::vector<const LedgerEntry*> toWrite;
        toWrite.reserve(size_t(ids.size()));
        QStringList accounts;
        QStringList cards;
        for (const QString& id : ids) {
            const LedgerEntry& e = entries[size_t(best.value(id))];
            const auto it = stored.constFind(id);
            if (it != stored.constEnd() && it.value() >= e.revision)
                continue;
            (it == stored.constEnd() ? result.inserted : result.updated) += 1;
            toWrite.push_back(&e);
            accounts << e.account;
        }
        result.unchanged = result.received - result.inserted - result.updated;
        if (toWrite.empty())
            return result;

        // Merchants: the latest classification delivered wins; the local override is never touched. The
        // page's merchants are looked up at once and only those whose classification changed are written.
        QHash<QString, const FeedMerchant*> merchants;
        for (const LedgerEntry* e : toWrite)
            if (e->merchant)
                merchants.insert(e->merchant->id, &*e->merchant);
        if (!merchants.isEmpty()) {
            forEachIn(
                m_db,
                QStringLiteral("SELECT id, name, category, sustainable FROM ledger_merchant WHERE id IN "),
                {}, merchants.keys(), [&](const QSqlQuery& q) {
                    const auto it = merchants.constFind(q.value(0).toString());
                    if (it != merchants.constEnd() && it.value()->name == q.value(1).toString() &&
                        it.value()->category == q.value(2).toString() &&
                        it.value()->sustainable == q.value(3).toBool())
                        merchants.erase(it);
                });
        }
        if (!merchants.isEmpty()) {
            QSqlQuery q = m_db.prepare(QStringLiteral(
                "INSERT INTO ledger_merchant (id, name, category, sustainable, updated_at) VALUES (?, ?, ?, "
                "?, ?) "
                "ON CONFLICT (id) DO UPDATE SET name = excluded.name, category = excluded.category, "
                "sustainable = excluded.sustainable, updated_at = excluded.updated_at"));
            const QVariant now = timestampValue(Clock::instance().nowUtc());
            for (const FeedMerchant* m : std::as_const(merchants)) {
                q.addBindValue(m->id);
                q.addBindValue(textValue(m->name));
                q.addBindValue(textValue(m->category));
                q.addBindValue(m->sustainable);
                q.addBindValue(now);
                Database::exec(q);
            }
        }

        LedgerLinker& linker = cachedLinker();
        linker.loadAccounts(accounts);
        for (const LedgerEntry* e : toWrite)
            if (!linker.account(e->account))
                cards << e->card;
        cards.removeDuplicates();
        linker.loadCards(cards);

        QList<QVariantList> pgRows; // PostgreSQL: sent in one statement
        for (const LedgerEntry* e : toWrite) {
            qint64 household = linker.account(e->account);
            LinkSource source = household ? LinkSource::Account : LinkSource::None;
            if (!household) {
                household = linker.card(e->card);
                source = household ? LinkSource::Card : LinkSource::None;
            }
            const QVariantList row = entryRow(*e, household, source);
            if (!sqlite) {
                pgRows << row;
                continue;
            }
            for (qsizetype i = 0; i < row.size(); ++i)
                bindSqlite(sqlite->db, sqlite->upsert, int(i) + 1, row.at(i));
            sqlite->run(sqlite->upsert);
        }
        upsertPostgres(m_db, pgRows);
        refreshFigures();
        return result;
    });
}

const QStringList& LedgerRepository::entryColumns()
{
    return kEntryColumns;
}

QVariantList LedgerRepository::entryRow(const LedgerEntry& e, qint64 householdId, LinkSource source)
{
    const QDate local = e.localDate();
    QVariantList row;
    row.reserve(kEntryColumns.size());
    row << e.id << e.revision << e.card << textValue(e.account) << e.kind << e.status << e.amountCents
        << e.currency << timestampValue(e.occurredAt) << e.occurredAt.offsetFromUtc() << dateValue(local)
        << (local.year() * 100 + local.month())
        << (e.merchant ? QVariant(e.merchant->id) : QVariant(QMetaType(QMetaType::QString)))
        << textValue(e.merchant ? e.merchant->category : QString())
        << (e.merchant ? e.merchant->sustainable : false) << textValue(e.refersTo)
        << (householdId ? QVariant(householdId) : QVariant(QMetaType(QMetaType::LongLong)))
        << (householdId ? int(source) : int(LinkSource::None));
    return row;
}

LedgerApplyResult LedgerRepository::applyCardPage(const CardPage& page, const QString& feed)
{
    for (const FeedCard& c : page.cards)
        if (c.id.trimmed().isEmpty() || c.status.trimmed().isEmpty())
            throw Error(tr("Ledger card %1: %2: %3")
                            .arg(c.id.isEmpty() ? QStringLiteral("?") : c.id,
                                 c.id.trimmed().isEmpty() ? QStringLiteral("id") : QStringLiteral("status"),
                                 tr("missing")));
    m_linker.reset(); // the operator's cards change
    return inTransaction(m_db, [&] {
        LedgerApplyResult result;
        result.received = qint64(page.cards.size());
        QStringList ids;
        for (const FeedCard& c : page.cards)
            ids << c.id;
        ids.removeDuplicates();
        QHash<QString, std::tuple<QString, QString, QDate, QString>> stored;
        forEachIn(
            m_db,
            QStringLiteral("SELECT id, account, status, issued_on, replaces FROM ledger_card WHERE id IN "),
            {}, ids, [&](const QSqlQuery& q) {
                stored.insert(q.value(0).toString(), {q.value(1).toString(), q.value(2).toString(),
                                                      toDate(q.value(3)), q.value(4).toString()});
            });
        QSqlQuery upsert = m_db.prepare(QStringLiteral(
            "INSERT INTO ledger_card (id, account, status, issued_on, replaces, updated_at) VALUES (?, ?, ?, "
            "?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET account = excluded.account, status = excluded.status, "
            "issued_on = excluded.issued_on, replaces = excluded.replaces, updated_at = "
            "excluded.updated_at"));
        const QVariant now = timestampValue(Clock::instance().nowUtc());
        QStringList changed;
        // Cards have no revision: the feed's order decides, the last delivery wins.
        for (const FeedCard& c : page.cards) {
            const auto value = std::make_tuple(c.account, c.status, c.issuedOn, c.replaces);
            const auto it = stored.constFind(c.id);
            if (it != stored.constEnd() && it.value() == value) {
                ++result.unchanged;
                continue;
            }
            (it == stored.constEnd() ? result.inserted : result.updated) += 1;
            stored.insert(c.id, value);
            upsert.addBindValue(c.id);
            upsert.addBindValue(textValue(c.account));
            upsert.addBindValue(c.status);
            upsert.addBindValue(dateValue(c.issuedOn));
            upsert.addBindValue(textValue(c.replaces));
            upsert.addBindValue(now);
            Database::exec(upsert);
            changed << c.id;
        }
        m_db.exec(QStringLiteral("INSERT INTO ledger_sync_state (feed, cursor) VALUES (?, ?) "
                                 "ON CONFLICT (feed) DO UPDATE SET cursor = excluded.cursor"),
                  {feed, textValue(page.nextCursor)});
        changed.removeDuplicates();
        m_linker.reset();
        relinkCards(changed);
        return result;
    });
}

QString LedgerRepository::cursor(const QString& feed) const
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT cursor FROM ledger_sync_state WHERE feed = ?"), {feed});
    return q.next() ? q.value(0).toString() : QString();
}

void LedgerRepository::resetCursor(const QString& feed)
{
    m_db.exec(QStringLiteral("INSERT INTO ledger_sync_state (feed, cursor) VALUES (?, '') "
                             "ON CONFLICT (feed) DO UPDATE SET cursor = ''"),
              {feed});
}

LedgerSyncState LedgerRepository::syncState(const QString& feed) const
{
    LedgerSyncState state;
    state.feed = feed;
    QSqlQuery q =
        m_db.exec(QStringLiteral("SELECT cursor, last_sync_at, last_status, last_error, last_success_at "
                                 "FROM ledger_sync_state WHERE feed = ?"),
                  {feed});
    if (q.next()) {
        state.cursor = q.value(0).toString();
        state.lastSyncAt = toTimestamp(q.value(1));
        state.lastStatus = q.value(2).toString();
        state.lastError = q.value(3).toString();
        state.lastSuccessAt = toTimestamp(q.value(4));
    }
    return state;
}

void LedgerRepository::recordSyncResult(const QString& feed, const QDateTime& at, bool ok,
                                        const QString& error)
{
    const QVariant when = timestampValue(at);
    if (ok)
        m_db.exec(
            QStringLiteral("INSERT INTO ledger_sync_state (feed, last_sync_at, last_status, last_error, "
                           "last_success_at) VALUES (?, ?, 'ok', '', ?) ON CONFLICT (feed) DO UPDATE SET "
                           "last_sync_at = excluded.last_sync_at, last_status = 'ok', last_error = '', "
                           "last_success_at = excluded.last_success_at"),
            {feed, when, when});
    else
        m_db.exec(
            QStringLiteral("INSERT INTO ledger_sync_state (feed, last_sync_at, last_status, last_error) "
                           "VALUES (?, ?, 'error', ?) ON CONFLICT (feed) DO UPDATE SET "
                           "last_sync_at = excluded.last_sync_at, last_status = 'error', "
                           "last_error = excluded.last_error"),
            {feed, when, textValue(error)});
}

std::optional<LedgerMovement> LedgerRepository::findEntry(const QString& id) const
{
    QSqlQuery q = m_db.exec(movementSelect() + QStringLiteral("WHERE e.id = ?"), {id});
    if (!q.next())
        return std::nullopt;
    return readMovement(q);
}

qint64 LedgerRepository::storedRevision(const QString& id) const
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT revision FROM ledger_entry WHERE id = ?"), {id});
    return q.next() ? q.value(0).toLongLong() : 0;
}

std::vector<LedgerMovement> LedgerRepository::movements(qint64 householdId,
                                                        const LedgerMovementFilter& filter) const
{
    QString sql = movementSelect() + QStringLiteral("WHERE e.household_id = ?");
    QVariantList values{householdId};
    if (!filter.kind.isEmpty()) {
        sql += QStringLiteral(" AND e.kind = ?");
        values << filter.kind;
    }
    if (!filter.status.isEmpty()) {
        sql += QStringLiteral(" AND e.status = ?");
        values << filter.status;
    }
    if (!filter.merchantId.isEmpty()) {
        sql += QStringLiteral(" AND e.merchant_id = ?");
        values << filter.merchantId;
    }
    if (filter.month.isValid()) {
        sql += QStringLiteral(" AND e.local_month = ?");
        values << filter.month.year() * 100 + filter.month.month();
    }
    sql += QStringLiteral(" ORDER BY e.occurred_at DESC, e.id DESC");
    if (filter.limit > 0)
        sql += QStringLiteral(" LIMIT %1").arg(filter.limit);
    QSqlQuery q = m_db.exec(sql, values);
    std::vector<LedgerMovement> result;
    while (q.next())
        result.push_back(readMovement(q));
    return result;
}

std::vector<LedgerMonth> LedgerRepository::months(qint64 householdId) const
{
    QSqlQuery q = m_db.exec(
        QStringLiteral(
            "SELECT e.local_month, "
            "SUM(CASE WHEN e.kind = 'allowance' THEN e.amount_cents ELSE 0 END), "
            "SUM(CASE WHEN e.kind = 'bonus' THEN e.amount_cents ELSE 0 END), "
            "SUM(CASE WHEN e.kind IN ('purchase', 'refund') THEN -e.amount_cents ELSE 0 END), "
            "SUM(CASE WHEN e.kind IN ('purchase', 'refund') THEN -e.amount_cents * %1 ELSE 0 END) "
            "FROM ledger_entry e "
            "WHERE e.household_id = ? AND e.status = 'posted' GROUP BY e.local_month ORDER BY e.local_month")
            .arg(sustainableSql()),
        {householdId});
    std::vector<LedgerMonth> result;
    while (q.next()) {
        LedgerMonth m;
        const int yyyymm = q.value(0).toInt();
        m.month = QDate(yyyymm / 100, yyyymm % 100, 1);
        m.allowanceCents = q.value(1).toLongLong();
        m.bonusCents = q.value(2).toLongLong();
        m.spentCents = q.value(3).toLongLong();
        m.sustainableSpentCents = q.value(4).toLongLong();
        result.push_back(m);
    }
    return result;
}

LedgerBalance LedgerRepository::balance(qint64 householdId) const
{
    QSqlQuery q = m_db.exec(
        QStringLiteral(
            "SELECT COALESCE(SUM(CASE WHEN status = 'posted' THEN amount_cents ELSE 0 END), 0), "
            "COALESCE(SUM(CASE WHEN status = 'pending' THEN amount_cents ELSE 0 END), 0) "
            "FROM ledger_entry WHERE household_id = ? AND kind IN ('allowance', 'bonus', 'purchase', "
            "'refund', 'transfer', 'adjustment')"),
        {householdId});
    LedgerBalance b;
    if (q.next()) {
        b.postedCents = q.value(0).toLongLong();
        b.pendingCents = q.value(1).toLongLong();
    }
    return b;
}

std::vector<UnlinkedCard> LedgerRepository::unlinkedCards() const
{
    std::vector<UnlinkedCard> result;
    QSet<QString> seen;
    QSqlQuery q = m_db.exec(QStringLiteral(
        "SELECT e.card, MAX(e.account), COUNT(*), "
        "COALESCE(SUM(CASE WHEN e.status = 'posted' THEN e.amount_cents ELSE 0 END), 0), MIN(e.local_date), "
        "MAX(e.local_date), MAX(CASE WHEN c.id IS NULL THEN 0 ELSE 1 END) "
        "FROM ledger_entry e LEFT JOIN ledger_card c ON c.id = e.card WHERE e.household_id IS NULL "
        "GROUP BY e.card ORDER BY e.card"));
    while (q.next()) {
        UnlinkedCard u;
        u.card = q.value(0).toString();
        u.account = q.value(1).toString();
        u.entries = q.value(2).toLongLong();
        u.sumCents = q.value(3).toLongLong();
        u.firstDate = toDate(q.value(4));
        u.lastDate = toDate(q.value(5));
        u.knownToOperator = q.value(6).toInt() != 0;
        seen.insert(u.card);
        result.push_back(u);
    }
    // The operator's cards that no household claims yet and that have no entry.
    LedgerLinker linker(m_db);
    QSqlQuery cards =
        m_db.exec(QStringLiteral("SELECT c.id, c.account FROM ledger_card c WHERE NOT EXISTS "
                                 "(SELECT 1 FROM ledger_entry e WHERE e.card = c.id) ORDER BY c.id"));
    std::vector<UnlinkedCard> idle;
    while (cards.next()) {
        UnlinkedCard u;
        u.card = cards.value(0).toString();
        u.account = cards.value(1).toString();
        u.knownToOperator = true;
        idle.push_back(u);
    }
    for (const UnlinkedCard& u : idle)
        if (!seen.contains(u.card) && linker.card(u.card) == 0)
            result.push_back(u);
    std::sort(result.begin(), result.end(),
              [](const UnlinkedCard& a, const UnlinkedCard& b) { return a.card < b.card; });
    return result;
}

LedgerCounts LedgerRepository::counts() const
{
    LedgerCounts c;
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT kind, status, COUNT(*), COALESCE(SUM(amount_cents), 0) "
                                           "FROM ledger_entry GROUP BY kind, status"));
    while (q.next()) {
        LedgerKindStatusCount& k = c.kinds[q.value(0).toString()][q.value(1).toString()];
        k.count = q.value(2).toLongLong();
        k.sumCents = q.value(3).toLongLong();
        c.entries += k.count;
    }
    QSqlQuery u = m_db.exec(QStringLiteral("SELECT COUNT(*) FROM ledger_entry WHERE household_id IS NULL"));
    if (u.next())
        c.unlinked = u.value(0).toLongLong();
    return c;
}

LedgerMerchant LedgerRepository::merchantFromRow(const QSqlQuery& q)
{
    LedgerMerchant m;
    m.id = q.value(0).toString();
    m.name = q.value(1).toString();
    m.category = q.value(2).toString();
    m.operatorSustainable = q.value(3).toBool();
    if (!q.value(4).isNull())
        m.overrideSustainable = q.value(4).toBool();
    return m;
}

std::vector<LedgerMerchant> LedgerRepository::merchants() const
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT id, name, category, sustainable, sustainable_override "
                                           "FROM ledger_merchant ORDER BY name, id"));
    std::vector<LedgerMerchant> result;
    while (q.next())
        result.push_back(merchantFromRow(q));
    return result;
}

std::optional<LedgerMerchant> LedgerRepository::findMerchant(const QString& id) const
{
    QSqlQuery q = m_db.exec(
        QStringLiteral(
            "SELECT id, name, category, sustainable, sustainable_override FROM ledger_merchant WHERE id = ?"),
        {id});
    if (!q.next())
        return std::nullopt;
    return merchantFromRow(q);
}

std::vector<FeedCard> LedgerRepository::feedCards() const
{
    QSqlQuery q = m_db.exec(
        QStringLiteral("SELECT id, account, status, issued_on, replaces FROM ledger_card ORDER BY id"));
    std::vector<FeedCard> result;
    while (q.next()) {
        FeedCard c;
        c.id = q.value(0).toString();
        c.account = q.value(1).toString();
        c.status = q.value(2).toString();
        c.issuedOn = toDate(q.value(3));
        c.replaces = q.value(4).toString();
        result.push_back(c);
    }
    return result;
}

bool LedgerRepository::isKnownCard(const QString& token) const
{
    QSqlQuery q =
        m_db.exec(QStringLiteral("SELECT 1 FROM ledger_card WHERE id = ? UNION ALL "
                                 "SELECT 1 FROM card WHERE token = ? UNION ALL "
                                 "SELECT 1 FROM (SELECT 1 AS x FROM ledger_entry WHERE card = ? LIMIT 1) t"),
                  {token, token, token});
    return q.next();
}

void LedgerRepository::linkCard(const QString& cardToken, qint64 householdId)
{
    inTransaction(m_db, [&] {
        QSqlQuery h = m_db.exec(QStringLiteral("SELECT code FROM household WHERE id = ?"), {householdId});
        if (!h.next())
            throw Error(tr("There is no household with id %1.").arg(householdId), Error::Kind::NotFound);
        if (!isKnownCard(cardToken))
            throw Error(tr("The card %1 is unknown: neither the ledger nor Cabas has it.").arg(cardToken),
                        Error::Kind::NotFound);
        const QVariant now = timestampValue(Clock::instance().nowUtc());
        QSqlQuery c =
            m_db.exec(QStringLiteral("SELECT c.id, c.household_id, h.code FROM card c LEFT JOIN household h "
                                     "ON h.id = c.household_id WHERE c.token = ?"),
                      {cardToken});
        if (c.next()) {
            const qint64 current = c.value(1).isNull() ? 0 : c.value(1).toLongLong();
            if (current && current != householdId)
                throw Error(
                    tr("The card %1 already belongs to household %2.").arg(cardToken, c.value(2).toString()),
                    Error::Kind::Conflict);
            if (!current)
                m_db.exec(QStringLiteral("UPDATE card SET household_id = ?, updated_at = ? WHERE id = ?"),
                          {householdId, now, c.value(0)});
        } else {
            // Only the ledger knows this card: Cabas records it, with what the operator said about it.
            QString status = QStringLiteral("active");
            QVariant issuedOn = dateValue({});
            QVariant replaces = idValue(0);
            QSqlQuery f = m_db.exec(QStringLiteral("SELECT f.status, f.issued_on, r.id FROM ledger_card f "
                                                   "LEFT JOIN card r ON r.token = f.replaces WHERE f.id = ?"),
                                    {cardToken});
            if (f.next()) {
                static const QStringList statuses = {QStringLiteral("active"), QStringLiteral("blocked"),
                                                     QStringLiteral("lost"), QStringLiteral("closed")};
                if (statuses.contains(f.value(0).toString()))
                    status = f.value(0).toString();
                issuedOn = dateValue(toDate(f.value(1)));
                replaces = f.value(2).isNull() ? idValue(0) : idValue(f.value(2).toLongLong());
            }
            m_db.exec(
                QStringLiteral("INSERT INTO card (token, household_id, status, issued_on, replaces_card_id, "
                               "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                {cardToken, householdId, status, issuedOn, replaces, now, now});
        }
        relinkPending();
    });
}

void LedgerRepository::setMerchantOverride(const QString& merchantId, std::optional<bool> sustainable)
{
    inTransaction(m_db, [&] {
        QSqlQuery q = m_db.exec(
            QStringLiteral("UPDATE ledger_merchant SET sustainable_override = ? WHERE id = ?"),
            {sustainable ? QVariant(*sustainable) : QVariant(QMetaType(QMetaType::Bool)), merchantId});
        if (q.numRowsAffected() == 0)
            throw Error(tr("There is no merchant %1 in the ledger.").arg(merchantId), Error::Kind::NotFound);
        refreshMerchants({merchantId});
    });
}

void LedgerRepository::relinkCards(const QStringList& cardTokens)
{
    if (cardTokens.isEmpty())
        return;
    // The cards and every card that continues them (re-issued), in both Cabas's and the operator's records.
    QSet<QString> all;
    QStringList frontier;
    for (const QString& t : cardTokens)
        if (!t.isEmpty() && !all.contains(t)) {
            all.insert(t);
            frontier << t;
        }
    for (int round = 0; round < kMaxChainDepth && !frontier.isEmpty(); ++round) {
        QStringList next;
        auto collect = [&](const QSqlQuery& q) {
            const QString t = q.value(0).toString();
            if (!all.contains(t)) {
                all.insert(t);
                next << t;
            }
        };
        forEachIn(m_db,
                  QStringLiteral("SELECT c.token FROM card c JOIN card r ON r.id = c.replaces_card_id "
                                 "WHERE r.token IN "),
                  {}, frontier, collect);
        forEachIn(m_db, QStringLiteral("SELECT id FROM ledger_card WHERE replaces IN "), {}, frontier,
                  collect);
        frontier = next;
    }
    QStringList tokens(all.begin(), all.end());
    LedgerLinker linker(m_db);
    linker.loadCards(tokens);
    QSqlQuery link = m_db.prepare(QStringLiteral(
        "UPDATE ledger_entry SET household_id = ?, link_source = ? WHERE card = ? AND link_source <> ? "
        "AND (household_id IS NULL OR household_id <> ?)"));
    QSqlQuery unlink = m_db.prepare(QStringLiteral(
        "UPDATE ledger_entry SET household_id = NULL, link_source = ? WHERE card = ? AND link_source = ?"));
    for (const QString& t : tokens) {
        const qint64 h = linker.card(t);
        if (h) {
            link.addBindValue(h);
            link.addBindValue(kLinkCard);
            link.addBindValue(t);
            link.addBindValue(kLinkAccount);
            link.addBindValue(h);
            Database::exec(link);
        } else {
            unlink.addBindValue(kLinkNone);
            unlink.addBindValue(t);
            unlink.addBindValue(kLinkCard);
            Database::exec(unlink);
        }
    }
    refreshFigures();
}

void LedgerRepository::relinkPending()
{
    inTransaction(m_db, [&] {
        QSqlQuery q = m_db.exec(QStringLiteral("SELECT item FROM ledger_relink_queue"));
        QStringList cards;
        QStringList households;
        while (q.next()) {
            const QString item = q.value(0).toString();
            if (item.startsWith(QLatin1String("card:")))
                cards << item.mid(5);
            else if (item.startsWith(QLatin1String("household:")))
                households << item.mid(10);
        }
        if (cards.isEmpty() && households.isEmpty())
            return;
        m_linker.reset(); // cards or households changed in Cabas
        m_db.exec(QStringLiteral("DELETE FROM ledger_relink_queue"));
        // A new household claims the unlinked entries that name it as their account, and the operator's
        // cards that do.
        if (!households.isEmpty()) {
            QStringList named; // the new codes that unlinked entries name
            forEachIn(
                m_db,
                QStringLiteral("SELECT DISTINCT account FROM ledger_entry WHERE household_id IS NULL AND "
                               "account IN "),
                {}, households, [&](const QSqlQuery& r) { named << r.value(0).toString(); });
            LedgerLinker linker(m_db);
            linker.loadAccounts(named);
            QSqlQuery link =
                m_db.prepare(QStringLiteral("UPDATE ledger_entry SET household_id = ?, link_source = ? "
                                            "WHERE household_id IS NULL AND account = ?"));
            for (const QString& code : std::as_const(named)) {
                if (const qint64 h = linker.account(code)) {
                    link.addBindValue(h);
                    link.addBindValue(kLinkAccount);
                    link.addBindValue(code);
                    Database::exec(link);
                }
            }
            forEachIn(m_db, QStringLiteral("SELECT id FROM ledger_card WHERE account IN "), {}, households,
                      [&](const QSqlQuery& r) { cards << r.value(0).toString(); });
        }
        // Only cards the ledger has entries for (or that continue such cards) need work.
        QStringList withEntries;
        forEachIn(m_db, QStringLiteral("SELECT DISTINCT card FROM ledger_entry WHERE card IN "), {}, cards,
                  [&](const QSqlQuery& r) { withEntries << r.value(0).toString(); });
        forEachIn(m_db, QStringLiteral("SELECT id FROM ledger_card WHERE replaces IN "), {}, cards,
                  [&](const QSqlQuery& r) { withEntries << r.value(0).toString(); });
        forEachIn(
            m_db,
            QStringLiteral(
                "SELECT c.token FROM card c JOIN card r ON r.id = c.replaces_card_id WHERE r.token IN "),
            {}, cards, [&](const QSqlQuery& r) { withEntries << r.value(0).toString(); });
        withEntries.removeDuplicates();
        relinkCards(withEntries);
        refreshFigures();
    });
}

// Figures per household and month (migration 0010).

QString LedgerRepository::sustainableSql(const QString& alias)
{
    // The committee's decisions (migration 0013) first, for the entry's local date: an approval period
    // covering it, else a refusal or a withdrawal before it. Only entries of merchants with a decision look
    // their periods up (an uncorrelated IN, computed once, guards the index seek); then the older override,
    // then the operator's flag on the entry.
    return QStringLiteral(
               "(CASE WHEN %1.merchant_id IN (SELECT merchant_id FROM merchant_approval) AND EXISTS (SELECT "
               "1 "
               "FROM merchant_approval a WHERE a.merchant_id = %1.merchant_id AND a.decision = 'approved' "
               "AND a.approved_from <= %1.local_date AND (a.withdrawn_on IS NULL OR a.withdrawn_on > "
               "%1.local_date)) THEN 1 "
               "WHEN %1.merchant_id IN (SELECT merchant_id FROM merchant_approval) AND EXISTS (SELECT 1 "
               "FROM merchant_approval a WHERE a.merchant_id = %1.merchant_id AND (a.decision = 'refused' "
               "OR a.withdrawn_on <= %1.local_date)) THEN 0 "
               "WHEN %1.merchant_id IN (SELECT id FROM ledger_merchant WHERE sustainable_override = TRUE) "
               "THEN 1 WHEN %1.merchant_id IN (SELECT id FROM ledger_merchant WHERE "
               "sustainable_override = FALSE) "
               "THEN 0 WHEN %1.merchant_sustainable = TRUE THEN 1 ELSE 0 END)")
        .arg(alias);
}

QStringList LedgerRepository::figuresRefreshStatements(bool kept)
{
    const QString dirty =
        QStringLiteral("(household_id, local_month) IN (SELECT household_id, local_month FROM "
                       "ledger_figures_dirty)");
    // The month totals (migration 0014) move by the difference: the old figures of the marked pairs out (sign
    // -), the new ones in (sign +); integer sums and counts, so exact whatever the order of transactions.
    auto totals = [&](const QString& sign) {
        return QStringLiteral(
                   "INSERT INTO ledger_month_totals (local_month, households, allowance_cents, bonus_cents, "
                   "spent_cents, sustainable_cents) SELECT local_month, %1COUNT(*), %1SUM(allowance_cents), "
                   "%1SUM(bonus_cents), %1SUM(spent_cents), %1SUM(sustainable_cents) FROM "
                   "ledger_month_figures WHERE ")
                   .arg(sign) +
               dirty +
               QStringLiteral(" GROUP BY local_month ON CONFLICT (local_month) DO UPDATE SET households = "
                              "ledger_month_totals.households + excluded.households, allowance_cents = "
                              "ledger_month_totals.allowance_cents + excluded.allowance_cents, bonus_cents = "
                              "ledger_month_totals.bonus_cents + excluded.bonus_cents, spent_cents = "
                              "ledger_month_totals.spent_cents + excluded.spent_cents, sustainable_cents = "
                              "ledger_month_totals.sustainable_cents + excluded.sustainable_cents");
    };
    const QString entries = QStringLiteral(
        "FROM ledger_figures_dirty d CROSS JOIN ledger_entry e WHERE e.household_id = d.household_id AND "
        "e.local_month = d.local_month AND e.status = 'posted' ");
    // The category totals (migration 0014): every category row of a household one of whose months is
    // recomputed, with its previous month of the category, out before (sign -) and in after (sign +).
    // Only the rows from the household's first marked month on: earlier rows and their previous months do not
    // change.
    const QString fromFirstMark = QStringLiteral(
        "%1.local_month >= (SELECT MIN(d.local_month) FROM ledger_figures_dirty d WHERE d.household_id = "
        "%1.household_id)");
    auto categoryTotals = [&](const QString& sign) {
        return QStringLiteral(
                   "INSERT INTO ledger_category_totals (category, local_month, prev_month, households, "
                   "spent_cents) SELECT category, local_month, prev_month, %1COUNT(*), %1SUM(spent_cents) "
                   "FROM "
                   "(SELECT household_id, category, local_month, spent_cents, COALESCE(LAG(local_month) OVER "
                   "(PARTITION BY household_id, category ORDER BY local_month), 0) AS prev_month FROM "
                   "ledger_category_figures WHERE household_id IN (SELECT household_id FROM "
                   "ledger_figures_dirty)) x WHERE ")
                   .arg(sign) +
               fromFirstMark.arg(QStringLiteral("x")) +
               QStringLiteral(
                   " GROUP BY category, local_month, prev_month ON CONFLICT (category, local_month, "
                   "prev_month) DO UPDATE SET households = ledger_category_totals.households + "
                   "excluded.households, spent_cents = ledger_category_totals.spent_cents + "
                   "excluded.spent_cents");
    };
    const QString sustainable = sustainableSql();
    QStringList statements;
    if (kept)
        statements << totals(QStringLiteral("-")) << categoryTotals(QStringLiteral("-"));
    statements << QStringList{
        QStringLiteral("DELETE FROM ledger_month_figures WHERE ") + dirty,
        QStringLiteral("DELETE FROM ledger_category_figures WHERE ") + dirty,
        QStringLiteral("DELETE FROM ledger_merchant_figures WHERE ") + dirty,
        QStringLiteral(
            "INSERT INTO ledger_month_figures (household_id, local_month, entries, allowance_cents, "
            "allowance_entries, bonus_cents, bonus_entries, spent_cents, spending_entries, "
            "sustainable_cents, "
            "sustainable_entries, purchase_entries) "
            "SELECT e.household_id, e.local_month, COUNT(*), "
            "SUM(CASE WHEN e.kind = 'allowance' THEN e.amount_cents ELSE 0 END), "
            "SUM(CASE WHEN e.kind = 'allowance' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN e.kind = 'bonus' THEN e.amount_cents ELSE 0 END), "
            "SUM(CASE WHEN e.kind = 'bonus' THEN 1 ELSE 0 END), "
            "-SUM(CASE WHEN e.kind IN ('purchase', 'refund') THEN e.amount_cents ELSE 0 END), "
            "SUM(CASE WHEN e.kind IN ('purchase', 'refund') THEN 1 ELSE 0 END), "
            "-SUM(CASE WHEN e.kind IN ('purchase', 'refund') THEN %1 * e.amount_cents ELSE 0 END), "
            "SUM(CASE WHEN e.kind IN ('purchase', 'refund') THEN %1 ELSE 0 END), "
            "SUM(CASE WHEN e.kind = 'purchase' THEN 1 ELSE 0 END) ")
                .arg(sustainable) +
            entries + QStringLiteral("GROUP BY e.household_id, e.local_month"),
        QStringLiteral(
            "INSERT INTO ledger_category_figures (household_id, local_month, category, spent_cents, "
            "entries) SELECT e.household_id, e.local_month, "
            "COALESCE(NULLIF(e.merchant_category, ''), 'other'), -SUM(e.amount_cents), COUNT(*) ") +
            entries +
            QStringLiteral("AND e.kind IN ('purchase', 'refund') GROUP BY e.household_id, e.local_month, "
                           "COALESCE(NULLIF(e.merchant_category, ''), 'other')"),
        QStringLiteral(
            "INSERT INTO ledger_merchant_figures (household_id, local_month, merchant_id, purchases) "
            "SELECT e.household_id, e.local_month, e.merchant_id, COUNT(*) ") +
            entries +
            QStringLiteral("AND e.kind = 'purchase' AND e.merchant_id IS NOT NULL AND %1 = 1 "
                           "GROUP BY e.household_id, e.local_month, e.merchant_id")
                .arg(sustainable)};
    if (kept) {
        // The running rows of a household from its first marked month on, recomputed from its figures.
        const QString households =
            QStringLiteral("household_id IN (SELECT household_id FROM ledger_figures_dirty)");
        statements
            << totals(QString()) << categoryTotals(QString())
            << QStringLiteral("DELETE FROM ledger_month_totals WHERE households = 0")
            << QStringLiteral("DELETE FROM ledger_category_totals WHERE households = 0")
            << QStringLiteral("DELETE FROM ledger_month_running WHERE ") + households +
                   QStringLiteral(" AND ") + fromFirstMark.arg(QStringLiteral("ledger_month_running"))
            << QStringLiteral(
                   "INSERT INTO ledger_month_running (household_id, local_month, allowance_cents, "
                   "allowance_entries, bonus_cents, bonus_entries, spent_cents, spending_entries, "
                   "sustainable_cents, sustainable_entries, purchase_entries) SELECT * FROM (SELECT "
                   "household_id, local_month, SUM(allowance_cents) OVER w AS a, SUM(allowance_entries) "
                   "OVER w AS b, SUM(bonus_cents) OVER w AS c, SUM(bonus_entries) OVER w AS d, "
                   "SUM(spent_cents) OVER w AS e, SUM(spending_entries) OVER w AS f, SUM(sustainable_cents) "
                   "OVER w AS g, SUM(sustainable_entries) OVER w AS h, SUM(purchase_entries) OVER w AS i "
                   "FROM ledger_month_figures WHERE ") +
                   households +
                   QStringLiteral(" WINDOW w AS (PARTITION BY household_id ORDER BY local_month)) r WHERE ") +
                   fromFirstMark.arg(QStringLiteral("r"));
    }
    statements << QStringLiteral("DELETE FROM ledger_figures_dirty");
    return statements;
}

QString figuresLockStatement()
{
    return QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(kFiguresLockKey);
}

QString LedgerRepository::refreshFunctionName()
{
    const QByteArray hash = QCryptographicHash::hash((figuresLockStatement() + QLatin1Char(';') +
                                                      figuresRefreshStatements().join(QLatin1Char(';')))
                                                         .toUtf8(),
                                                     QCryptographicHash::Sha1)
                                .toHex()
                                .left(10);
    // The cabas_cohort_ prefix: CohortQueries::installPgFunctions() drops older versions with its own.
    return QStringLiteral("cabas_cohort_refresh_figures_") + QString::fromLatin1(hash);
}

void LedgerRepository::refreshFigures() const
{
    if (!m_hasFigures)
        m_hasFigures = m_db.schemaVersion() >= 10;
    if (!*m_hasFigures)
        return;
    if (m_db.backend() == Backend::Postgres) {
        if (!m_refreshFunction) {
            QSqlQuery q =
                m_db.exec(QStringLiteral("SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = "
                                         "p.pronamespace WHERE n.nspname = 'public' AND p.proname = ?"),
                          {refreshFunctionName()});
            m_refreshFunction = q.next();
        }
        if (*m_refreshFunction) {
            m_db.exec(QStringLiteral("SELECT %1()").arg(refreshFunctionName()));
            return;
        }
    } else {
        QSqlQuery q = m_db.exec(QStringLiteral("SELECT 1 FROM ledger_figures_dirty LIMIT 1"));
        if (!q.next())
            return;
    }
    if (!m_hasKept)
        m_hasKept = m_db.schemaVersion() >= 14;
    inTransaction(m_db, [&] {
        if (m_db.backend() == Backend::Postgres)
            m_db.exec(figuresLockStatement());
        for (const QString& sql : figuresRefreshStatements(*m_hasKept))
            m_db.exec(sql);
    });
}

void LedgerRepository::refreshMerchants(const QStringList& merchantIds, const QDate& since) const
{
    if (!m_hasFigures)
        m_hasFigures = m_db.schemaVersion() >= 10;
    if (!*m_hasFigures || merchantIds.isEmpty())
        return;
    inTransaction(m_db, [&] {
        forEachIn(
            m_db,
            QStringLiteral("INSERT INTO ledger_figures_dirty (household_id, local_month) SELECT DISTINCT "
                           "household_id, local_month FROM ledger_entry WHERE household_id IS NOT NULL "
                           "AND status = 'posted' AND local_date >= '%1' AND merchant_id IN ")
                .arg((since.isValid() ? since : QDate(1, 1, 1)).toString(Qt::ISODate)),
            QStringLiteral(" ON CONFLICT DO NOTHING"), merchantIds, [](const QSqlQuery&) {});
        refreshFigures();
    });
}

} // namespace cabas::store
