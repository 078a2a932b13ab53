#include "store/NameIndex.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "common/Parallel.h"
#include "domain/Person.h"
#include "security/KeyRing.h"
#include "store/Sealed.h"

#include <QDateTime>
#include <QSqlQuery>
#include <QThread>
#include <algorithm>
#include <exception>
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
    QString firstName; // the stored (sealed) values, cleared once decrypted
    QString lastName;
    QString nameKey;
    QStringList words;
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
    auto seen = [&](const QVariant& v) {
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
    QHash<QString, QStringList> places;
    auto placeWords = [&places](const QString& text) {
        auto it = places.constFind(text);
        if (it == places.cend())
            it = places.insert(text, words(text));
        return *it;
    };
    {
        QSqlQuery q = db.exec(
            QStringLiteral("SELECT id, version, code, commune, postcode, updated_at FROM household") + where,
            values);
        while (q.next()) {
            ++m_lastRowsRead;
            seen(q.value(5));
            const qint64 id = q.value(0).toLongLong();
            const int version = q.value(1).toInt();
            auto known = m_householdVersions.find(id);
            if (known != m_householdVersions.end() && known.value() == version)
                continue; // read already, unchanged
            m_householdVersions.insert(id, version);
            m_householdWords.insert(id, words(q.value(2).toString()) + placeWords(q.value(3).toString()) +
                                            placeWords(q.value(4).toString()));
            changed.insert(id);
        }
    }
    if (m_names) {
        // Read (this thread: the connection's), then decrypt and normalise (in worker threads when there are
        // many rows), then index (this thread). The birth dates stay in the database: the duplicate check
        // reads those of the persons of the name it looks for.
        std::vector<PersonRow> rows;
        {
            QSqlQuery q = db.exec(QStringLiteral("SELECT id, version, household_id, code, first_name, "
                                                 "last_name, updated_at FROM person") +
                                      personWhere,
                                  values);
            // (Reserved generously at the first build: the pages not written to cost nothing.)
            if (q.size() > 0)
                rows.reserve(std::size_t(q.size()));
            else if (first)
                rows.reserve(std::size_t(m_householdVersions.size()) * 4);
            while (q.next()) {
                ++m_lastRowsRead;
                seen(q.value(6));
                const qint64 id = q.value(0).toLongLong();
                const int version = q.value(1).toInt();
                const auto before = m_persons.constFind(id);
                if (before != m_persons.cend() && before->version == version)
                    continue; // read and decrypted already, unchanged
                PersonRow row;
                row.id = id;
                row.version = version;
                row.household = q.value(2).toLongLong();
                row.code = q.value(3).toString();
                row.firstName = q.value(4).toString();
                row.lastName = q.value(5).toString();
                rows.push_back(std::move(row));
            }
        }
        inParallel(rows.size(), m_threads, m_rowsPerThread, [&](std::size_t from, std::size_t to) {
            for (std::size_t i = from; i < to; ++i) {
                PersonRow& row = rows[i];
                row.nameKey = nameKey(Sealed::openText(keys, kFirstName, row.code, row.firstName),
                                      Sealed::openText(keys, kLastName, row.code, row.lastName));
                row.firstName.clear();
                row.lastName.clear();
                row.words = words(row.code) + row.nameKey.split(QLatin1Char(' '), Qt::SkipEmptyParts);
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
            m.words = std::move(row.words);
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
                for (const QString& w : m->words)
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
                     .arg(it->nameKey, it->words.join(QLatin1Char(',')));
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
