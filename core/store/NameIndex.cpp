#include "store/NameIndex.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "domain/Person.h"
#include "security/KeyRing.h"
#include "store/Sealed.h"

#include <QDateTime>
#include <algorithm>

namespace cabas::store {

namespace {
QMutex registryMutex;
QHash<QByteArray, std::shared_ptr<NameIndex>> registry;

QStringList words(const QString& text)
{
    return searchKey(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

// The same key as refresh() makes: normalised name, "|", ISO birth date.
QString duplicateKey(const QString& firstName, const QString& lastName, const QDate& birthDate)
{
    return searchKey(firstName + QLatin1Char(' ') + lastName) + QLatin1Char('|') +
           birthDate.toString(Qt::ISODate);
}

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
            m_householdWords.insert(id, words(q.value(2).toString()) + words(q.value(3).toString()) +
                                            words(q.value(4).toString()));
            changed.insert(id);
        }
    }
    if (m_names) {
        QSqlQuery q = db.exec(QStringLiteral("SELECT id, version, household_id, code, first_name, last_name, "
                                             "birth_date_sealed, updated_at FROM person") +
                                  personWhere,
                              values);
        while (q.next()) {
            ++m_lastRowsRead;
            seen(q.value(7));
            const qint64 id = q.value(0).toLongLong();
            const int version = q.value(1).toInt();
            const auto before = m_persons.constFind(id);
            if (before != m_persons.cend() && before->version == version)
                continue; // read and decrypted already, unchanged
            const QString code = q.value(3).toString();
            const QString firstName = Sealed::openText(keys, kFirstName, code, q.value(4).toString());
            const QString lastName = Sealed::openText(keys, kLastName, code, q.value(5).toString());
            const QString birth = Sealed::openText(keys, kBirthDate, code, q.value(6).toString());
            Member m;
            m.version = version;
            m.household = q.value(2).toLongLong();
            m.nameKey = searchKey(firstName + QLatin1Char(' ') + lastName);
            m.duplicateKey = m.nameKey + QLatin1Char('|') + birth;
            m.words = words(code) + m.nameKey.split(QLatin1Char(' '), Qt::SkipEmptyParts);
            if (before != m_persons.cend()) {
                m_duplicates.remove(before->duplicateKey, id);
                if (before->household != m.household) {
                    m_members[before->household].remove(id);
                    changed.insert(before->household);
                }
            }
            if (!birth.isEmpty())
                m_duplicates.insert(m.duplicateKey, id);
            m_members[m.household].insert(id);
            changed.insert(m.household);
            m_persons.insert(id, std::move(m));
        }
    }
    for (const qint64 household : std::as_const(changed))
        rebuildTerms(household);
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

void NameIndex::rebuildTerms(qint64 household)
{
    QHash<QString, quint8> terms;
    for (const QString& w : m_householdWords.value(household))
        terms[w] |= 1;
    for (const qint64 person : m_members.value(household))
        for (const QString& w : m_persons.value(person).words)
            terms[w] |= 2;
    QHash<QString, quint8>& old = m_termsOf[household];
    for (auto it = old.cbegin(); it != old.cend(); ++it) {
        if (terms.contains(it.key()))
            continue;
        auto t = m_terms.find(it.key());
        if (t != m_terms.end()) {
            t->second.remove(household);
            if (t->second.isEmpty())
                m_terms.erase(t);
        }
    }
    for (auto it = terms.cbegin(); it != terms.cend(); ++it)
        m_terms[it.key()][household] = it.value();
    old = std::move(terms);
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
        for (auto it = m_terms.lower_bound(word); it != m_terms.end() && it->first.startsWith(word); ++it)
            for (auto h = it->second.cbegin(); h != it->second.cend(); ++h)
                if (h.value() & kinds)
                    found.insert(h.key());
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

std::vector<qint64> NameIndex::sameNameAndBirthDate(const QString& firstName, const QString& lastName,
                                                    const QDate& birthDate) const
{
    QMutexLocker lock(&m_mutex);
    std::vector<qint64> result;
    for (const qint64 id : m_duplicates.values(duplicateKey(firstName, lastName, birthDate)))
        result.push_back(id);
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
