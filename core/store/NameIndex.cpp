#include "store/NameIndex.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "common/Parallel.h"
#include "domain/Person.h"
#include "security/KeyRing.h"
#include "store/Sealed.h"
#include "store/SqliteStatement.h"

#include <QDateTime>
#include <QSqlQuery>
#include <QThread>
#include <algorithm>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace cabas::store {

namespace {
QMutex registryMutex;
QHash<QByteArray, std::shared_ptr<NameIndex>> registry;

QStringList words(const QString& text)
{
    return searchKey(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

// The same key as refresh() makes: the normalised first and last name.
QString nameKey(const QString& firstName, const QString& lastName)
{
    return searchKey(firstName + QLatin1Char(' ') + lastName);
}

// A person row read by refresh(), and what is made of it (possibly in another thread).
struct PersonRow
{
    qint64 id = 0;
    int version = 0;
    qint64 household = 0;
    QString code;
    QByteArray firstName; // the stored (sealed, base64) values, cleared once decrypted
    QByteArray lastName;
    QString nameKey;
    QString codeKey;
};

// Rows written by another client whose transaction began before our last look may carry an older updated_at
// than the newest one we read: the next look starts this much earlier (and reads those rows again).
constexpr qint64 kOverlapMs = 60 * 1000;
// How often (at most) a search looks for rows written by other clients...
constexpr qint64 kLookMs = 2000;
// ... and never sooner than this many times the last look took (a look right after a bulk load re-reads the
// loaded rows of its last minute: it is then not repeated at every keystroke).
constexpr qint64 kLookCostFactor = 20;
// ... but at least once a minute. (The first look after the build counts the build's cost: on a large
// database a login right after a bulk load does not spend its first keystroke reading that load's last minute
// again.)
constexpr qint64 kLookMaxMs = 60 * 1000;
// Clocks of the clients writing the database may lag ours by this much: a look starts no later than our own
// clock at the previous look minus this (plus kOverlapMs), so that rows written long ago leave the window
// even when nothing newer was written since.
constexpr qint64 kClockLagMs = 2 * 60 * 1000;

// The rows of one SELECT: through SQLite's own API on SQLite (at a first build, Qt's layer would cost more
// than SQLite's work: a QVariant and a QString per value), through Qt SQL on PostgreSQL.
class Rows
{
  public:
    Rows(const Database& db, const QString& sql, const QVariantList& values)
    {
        if (db.backend() == Backend::Sqlite)
            m_sqlite.emplace(db, sql, values);
        else
            m_query = db.exec(sql, values);
    }
    bool sqlite() const { return m_sqlite.has_value(); }
    qsizetype size() const { return m_sqlite ? -1 : m_query.size(); } // -1: unknown
    bool next() { return m_sqlite ? m_sqlite->next() : m_query.next(); }
    qint64 int64(int column) const
    {
        return m_sqlite ? m_sqlite->int64(column) : m_query.value(column).toLongLong();
    }
    QString text(int column) const
    {
        return m_sqlite ? QString::fromUtf8(m_sqlite->text(column)) : m_query.value(column).toString();
    }
    // The column's text as Latin-1 bytes (the sealed values are base64).
    QByteArray latin1(int column) const
    {
        return m_sqlite ? m_sqlite->text(column).toByteArray() : m_query.value(column).toString().toLatin1();
    }
    // The column's UTF-8 bytes (null: NULL), valid until the next call of next() or utf8().
    QByteArrayView utf8(int column)
    {
        if (m_sqlite)
            return m_sqlite->text(column);
        const QVariant v = m_query.value(column);
        m_buffer = v.isNull() ? QByteArray() : v.toString().toUtf8();
        return m_buffer;
    }
    QVariant value(int column) const { return m_query.value(column); } // PostgreSQL

  private:
    std::optional<SqliteStatement> m_sqlite;
    QSqlQuery m_query;
    QByteArray m_buffer;
};

const QLatin1String kFirstName("person.first_name");
const QLatin1String kLastName("person.last_name");
const QLatin1String kBirthDate("person.birth_date");
} // namespace

std::shared_ptr<NameIndex> NameIndex::of(const Database& db, const security::KeyRing& keys, bool names)
{
    QMutexLocker lock(&registryMutex);
    std::shared_ptr<NameIndex>& index =
        registry[keys.header().databaseId + (names ? 'n' : 'k') + db.spec().displayName().toUtf8()];
    if (!index) {
        index = std::make_shared<NameIndex>();
        index->m_names = names;
    }
    return index;
}

void NameIndex::forget(const security::KeyRing& keys)
{
    QMutexLocker lock(&registryMutex);
    for (auto it = registry.begin(); it != registry.end();)
        it = it.key().startsWith(keys.header().databaseId) ? registry.erase(it) : std::next(it);
}

void NameIndex::refresh(const Database& db, const security::KeyRing& keys, bool lookNow)
{
    QMutexLocker lock(&m_mutex);
    const bool first = !m_ready.load();
    // Between two looks at the recent rows (kLookMs), only the households this process wrote are read again.
    const bool look =
        first || lookNow || !m_lastLook.isValid() ||
        m_lastLook.elapsed() >= std::clamp(kLookCostFactor * m_lastLookCostMs, kLookMs, kLookMaxMs);
    m_lastRowsRead = 0;
    if (!look && m_touched.isEmpty())
        return;
    QVariantList values;
    QString where, personWhere;
    if (!first) {
        QStringList conditions, personConditions;
        if (look && m_since.isValid()) {
            conditions << QStringLiteral("updated_at >= ?");
            personConditions << QStringLiteral("updated_at >= ?");
            QDateTime from = toTimestamp(m_since);
            if (m_lookFloor.isValid() && m_lookFloor > from)
                from = m_lookFloor;
            values << timestampValue(from.addMSecs(-kOverlapMs));
        }
        if (!m_touched.isEmpty()) {
            QStringList ids;
            for (const qint64 id : std::as_const(m_touched))
                ids << QString::number(id);
            const QString in = ids.join(QLatin1Char(','));
            conditions << QStringLiteral("id IN (%1)").arg(in);
            personConditions << QStringLiteral("household_id IN (%1)").arg(in);
        }
        if (conditions.isEmpty())
            return;
        where = QStringLiteral(" WHERE ") + conditions.join(QStringLiteral(" OR "));
        personWhere = QStringLiteral(" WHERE ") + personConditions.join(QStringLiteral(" OR "));
    }
    m_touched.clear();
    QElapsedTimer cost;
    cost.start();
    if (look) {
        m_lastLook.start();
        m_lookFloor = Clock::instance().nowUtc().addMSecs(-kClockLagMs);
    }
    // The newest updated_at, compared as stored (ISO text of one format on SQLite, a timestamp on
    // PostgreSQL): no parsing of every row's time.
    QVariant newest = m_since;
    // (On SQLite, its bytes: the same order on the ISO text.)
    std::optional<std::string> newestText;
    if (db.backend() == Backend::Sqlite && newest.isValid() && !newest.isNull())
        newestText = newest.toString().toStdString();
    auto seen = [&](Rows& q, int column) {
        if (q.sqlite()) {
            const QByteArrayView bytes = q.utf8(column);
            const std::string_view v(bytes.data(), std::size_t(bytes.size()));
            if (!bytes.isNull() && (!newestText || v > *newestText))
                newestText.emplace(v);
            return;
        }
        const QVariant v = q.value(column);
        if (v.isNull())
            return;
        if (!newest.isValid() || newest.isNull())
            newest = v;
        else if (v.typeId() == QMetaType::QDateTime ? v.toDateTime() > newest.toDateTime()
                                                    : v.toString() > newest.toString())
            newest = v;
    };
    QSet<qint64> changed;
    // Communes and postcodes repeat: normalised once each (and their words shared).
    QHash<QByteArray, QStringList> places; // by their UTF-8
    auto placeWords = [&places](QByteArrayView text) {
        auto it = places.constFind(QByteArray::fromRawData(text.data(), text.size()));
        if (it == places.cend())
            it = places.insert(text.toByteArray(), words(QString::fromUtf8(text)));
        return *it;
    };
    {
        Rows q(db,
               QStringLiteral("SELECT id, version, code, commune, postcode, updated_at FROM household") +
                   where,
               values);
        while (q.next()) {
            ++m_lastRowsRead;
            seen(q, 5);
            const qint64 id = q.int64(0);
            const int version = int(q.int64(1));
            auto known = m_householdVersions.find(id);
            if (known != m_householdVersions.end() && known.value() == version)
                continue; // read already, unchanged
            m_householdVersions.insert(id, version);
            QStringList own = words(q.text(2));
            own += placeWords(q.utf8(3));
            own += placeWords(q.utf8(4));
            m_householdWords.insert(id, std::move(own));
            changed.insert(id);
        }
    }
    if (m_names) {
        // Read (this thread: the connection's), then decrypt and normalise (in worker threads when there are
        // many rows), then index (this thread). The birth dates stay in the database: the duplicate check
        // reads those of the persons of the name it looks for.
        std::vector<PersonRow> rows;
        {
            Rows q(db,
                   QStringLiteral("SELECT id, version, household_id, code, first_name, last_name, updated_at "
                                  "FROM person") +
                       personWhere,
                   values);
            // (Reserved generously at the first build: the pages not written to cost nothing.)
            if (q.size() > 0)
                rows.reserve(std::size_t(q.size()));
            else if (first)
                rows.reserve(std::size_t(m_householdVersions.size()) * 4);
            while (q.next()) {
                ++m_lastRowsRead;
                seen(q, 6);
                const qint64 id = q.int64(0);
                const int version = int(q.int64(1));
                const auto before = m_persons.constFind(id);
                if (before != m_persons.cend() && before->version == version)
                    continue; // read and decrypted already, unchanged
                PersonRow row;
                row.id = id;
                row.version = version;
                row.household = q.int64(2);
                row.code = q.text(3);
                row.firstName = q.latin1(4);
                row.lastName = q.latin1(5);
                rows.push_back(std::move(row));
            }
        }
        inParallel(rows.size(), m_threads, m_rowsPerThread, [&](std::size_t from, std::size_t to) {
            for (std::size_t i = from; i < to; ++i) {
                PersonRow& row = rows[i];
                row.nameKey =
                    nameKey(Sealed::openText(keys, kFirstName, row.code, QByteArrayView(row.firstName)),
                            Sealed::openText(keys, kLastName, row.code, QByteArrayView(row.lastName)));
                row.firstName.clear();
                row.lastName.clear();
                row.codeKey = searchKey(row.code);
            }
        });
        if (first) {
            m_persons.reserve(qsizetype(rows.size()));
            m_named.reserve(qsizetype(rows.size()));
            m_members.reserve(m_householdVersions.size());
        }
        for (PersonRow& row : rows) {
            const qint64 id = row.id;
            const auto before = m_persons.constFind(id);
            if (before != m_persons.cend()) {
                m_named.remove(before->nameKey, id);
                if (before->household != row.household) {
                    m_members[before->household].removeOne(id);
                    changed.insert(before->household);
                }
            }
            Member m;
            m.version = row.version;
            m.household = row.household;
            m.nameKey = std::move(row.nameKey);
            m.codeKey = std::move(row.codeKey);
            m_named.insert(m.nameKey, id);
            QList<qint64>& members = m_members[m.household];
            if (!members.contains(id))
                members.append(id);
            changed.insert(m.household);
            m_persons.insert(id, std::move(m));
        }
    }
    if (m_terms.empty()) {
        m_terms.build(
            std::vector<qint64>(changed.cbegin(), changed.cend()),
            [this](qint64 household, TermIndex::Words& words) { wordsOf(household, words); }, m_threads,
            m_rowsPerThread);
    } else {
        TermIndex::Words words;
        for (const qint64 household : std::as_const(changed)) {
            words.clear();
            wordsOf(household, words);
            m_terms.set(household, words);
        }
    }
    if (!changed.isEmpty())
        m_lastMatch.reset();
    if (newestText)
        newest = QString::fromStdString(*newestText);
    if (newest.isValid() && !newest.isNull())
        m_since = newest;
    if (look)
        m_lastLookCostMs = cost.elapsed();
    m_ready.store(true);
}

void NameIndex::touch(const std::vector<qint64>& households)
{
    QMutexLocker lock(&m_mutex);
    for (const qint64 id : households)
        if (id != 0)
            m_touched.insert(id);
}

void NameIndex::wordsOf(qint64 household, TermIndex::Words& words) const
{
    const auto own = m_householdWords.constFind(household);
    if (own != m_householdWords.cend())
        for (const QString& w : *own)
            words.emplace_back(w, 1);
    const auto members = m_members.constFind(household);
    if (members != m_members.cend())
        for (const qint64 person : *members) {
            const auto m = m_persons.constFind(person);
            if (m != m_persons.cend())
                for (const QString* key : {&m->codeKey, &m->nameKey})
                    for (const QStringView w : QStringView(*key).tokenize(QChar(u' '), Qt::SkipEmptyParts))
                        words.emplace_back(w, 2);
        }
}

std::optional<std::vector<qint64>> NameIndex::matching(const QString& text, bool names) const
{
    const QStringList wanted = words(text);
    if (wanted.isEmpty())
        return std::nullopt;
    const quint8 kinds = names ? 3 : 1;
    QMutexLocker lock(&m_mutex);
    // The list asks twice per keystroke (the count, then the page): the second time is free.
    if (m_lastMatch && m_lastMatch->text == wanted && m_lastMatch->names == names)
        return m_lastMatch->result;
    std::vector<QSet<qint64>> sets;
    for (const QString& word : wanted) {
        QSet<qint64> found;
        m_terms.find(word, kinds, found);
        sets.push_back(std::move(found));
    }
    std::sort(sets.begin(), sets.end(), [](const auto& a, const auto& b) { return a.size() < b.size(); });
    std::vector<qint64> result;
    result.reserve(std::size_t(sets.front().size()));
    for (const qint64 id : std::as_const(sets.front())) {
        bool all = true;
        for (std::size_t i = 1; i < sets.size() && all; ++i)
            all = sets[i].contains(id);
        if (all)
            result.push_back(id);
    }
    std::sort(result.begin(), result.end());
    m_lastMatch = LastMatch{wanted, names, result};
    return result;
}

std::vector<qint64> NameIndex::sameNameAndBirthDate(const Database& db, const security::KeyRing& keys,
                                                    const QString& firstName, const QString& lastName,
                                                    const QDate& birthDate) const
{
    std::vector<qint64> result;
    if (!birthDate.isValid())
        return result;
    QStringList ids;
    {
        QMutexLocker lock(&m_mutex);
        const QString key = nameKey(firstName, lastName);
        for (auto it = m_named.constFind(key); it != m_named.cend() && it.key() == key; ++it)
            ids << QString::number(it.value());
    }
    if (ids.isEmpty())
        return result;
    // The candidates' birth dates, as the index knew them before it stopped keeping them: the sealed ISO
    // date (empty: no birth date, never a duplicate).
    const QString wanted = birthDate.toString(Qt::ISODate);
    QSqlQuery q = db.exec(QStringLiteral("SELECT id, code, birth_date_sealed FROM person WHERE id IN (%1)")
                              .arg(ids.join(QLatin1Char(','))));
    while (q.next())
        if (Sealed::openText(keys, kBirthDate, q.value(1).toString(), q.value(2).toString()) == wanted)
            result.push_back(q.value(0).toLongLong());
    std::sort(result.begin(), result.end());
    return result;
}

std::vector<qint64> NameIndex::personsNamed(const QString& key) const
{
    std::vector<qint64> result;
    if (key.isEmpty())
        return result;
    QMutexLocker lock(&m_mutex);
    for (auto it = m_persons.cbegin(); it != m_persons.cend(); ++it)
        if (it->nameKey.contains(key))
            result.push_back(it.key());
    std::sort(result.begin(), result.end());
    return result;
}

void NameIndex::setThreads(int threads, int rowsPerThread)
{
    QMutexLocker lock(&m_mutex);
    m_threads = std::max(0, threads);
    m_rowsPerThread = std::max(1, rowsPerThread);
}

QStringList NameIndex::describe() const
{
    QMutexLocker lock(&m_mutex);
    QStringList lines = m_terms.describe();
    for (auto it = m_persons.cbegin(); it != m_persons.cend(); ++it)
        lines << QStringLiteral("person %1 v%2 h%3 [%4] %5")
                     .arg(it.key())
                     .arg(it->version)
                     .arg(it->household)
                     .arg(it->nameKey, (it->codeKey + QLatin1Char(' ') + it->nameKey)
                                           .split(QLatin1Char(' '), Qt::SkipEmptyParts)
                                           .join(QLatin1Char(',')));
    for (auto it = m_householdWords.cbegin(); it != m_householdWords.cend(); ++it)
        lines << QStringLiteral("household %1 v%2 %3")
                     .arg(it.key())
                     .arg(m_householdVersions.value(it.key()))
                     .arg(it->join(QLatin1Char(',')));
    for (auto it = m_named.cbegin(); it != m_named.cend(); ++it)
        lines << QStringLiteral("named [%1] %2").arg(it.key()).arg(it.value());
    lines.sort();
    return lines;
}

qint64 NameIndex::lastRowsRead() const
{
    QMutexLocker lock(&m_mutex);
    return m_lastRowsRead;
}

qint64 NameIndex::households() const
{
    QMutexLocker lock(&m_mutex);
    return m_householdWords.size();
}

qint64 NameIndex::persons() const
{
    QMutexLocker lock(&m_mutex);
    return m_persons.size();
}

} // namespace cabas::store
