#include "store/Sealed.h"

#include "common/Error.h"
#include "security/KeyRing.h"

#include <QHash>
#include <QMutex>
#include <QSet>
#include <QSqlQuery>
#include <QVarLengthArray>
#include <array>

namespace cabas::store {

const QLatin1String Sealed::kMetaKey("sealed_fields");

namespace {
// The marker of each connection (connection names are never reused in a process).
QMutex markerMutex;
struct Marker
{
    int format = 0;      // 0: clear
    bool health = false; // "health" is in what the marker covers (format 2 and later)
};
QHash<QString, Marker> sealedByConnection;
// Connections sealing their database (Sealed::lockOutWriters): they change the marker themselves.
QSet<QString> sealingConnections;
// The transaction (Database::transactionSerial) in which each connection last checked its marker.
QHash<QString, quint64> checkedInTransaction;

Marker marker(const Database& db);
Marker readMarker(const Database& db);

// PostgreSQL: another client may seal the shared database while this connection remembers it clear (or
// without its health tables). A write transaction reads the marker again under the sealing's lock (shared
// here, held exclusively by the sealing from its start to its commit), so it either finishes before the
// sealing reads the rows, or sees the new marker and writes nothing (Conflict).
Marker checked(const Database& db)
{
    const Marker known = marker(db);
    if (known.health || db.backend() != Backend::Postgres || !db.inTransaction())
        return known;
    {
        QMutexLocker lock(&markerMutex);
        if (sealingConnections.contains(db.connectionName()) ||
            checkedInTransaction.value(db.connectionName()) == db.transactionSerial())
            return known;
        checkedInTransaction.insert(db.connectionName(), db.transactionSerial());
    }
    db.exec(QStringLiteral("SELECT pg_advisory_xact_lock_shared(%1)").arg(Sealed::kSealingLockKey));
    const Marker now = readMarker(db);
    if (now.format == known.format && now.health == known.health)
        return known;
    {
        QMutexLocker lock(&markerMutex);
        sealedByConnection.insert(db.connectionName(), now);
    }
    throw Error(
        Sealed::tr("An administrator has just encrypted %1: log in again to go on (nothing was written).")
            .arg(db.spec().displayName()),
        Error::Kind::Conflict);
}

QByteArray context(QLatin1String field, const QString& rowKey)
{
    return QByteArray(field.data(), field.size()) + ':' + rowKey.toUtf8();
}

// Standard base64 with its padding, as QByteArray::toBase64() writes it, decoded into `out`; false for
// anything else (then QByteArray::fromBase64Encoding decides: it accepts a few more forms, or rejects).
char16_t codeUnit(QChar c)
{
    return c.unicode();
}

char16_t codeUnit(char c)
{
    return char16_t(uchar(c));
}

template <typename View> bool decodeBase64(View text, QByteArray& out)
{
    static const auto table = [] {
        std::array<qint8, 128> t{};
        t.fill(-1);
        const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < 64; ++i)
            t[std::size_t(alphabet[i])] = qint8(i);
        return t;
    }();
    const qsizetype n = text.size();
    if (n == 0 || n % 4 != 0)
        return false;
    const auto at = [&](qsizetype i) { return codeUnit(text[i]); };
    const qsizetype padding = at(n - 1) == u'=' ? (at(n - 2) == u'=' ? 2 : 1) : 0;
    out.resize(n / 4 * 3 - padding);
    char* o = out.data();
    quint32 bits = 0;
    qsizetype written = 0;
    for (qsizetype i = 0; i < n - padding; ++i) {
        const char16_t u = at(i);
        if (u >= 128 || table[u] < 0)
            return false;
        bits = (bits << 6) | quint32(table[u]);
        if (i % 4 == 3) {
            o[written++] = char(bits >> 16);
            o[written++] = char(bits >> 8);
            o[written++] = char(bits);
            bits = 0;
        }
    }
    if (padding == 1) {
        o[written++] = char(bits >> 10);
        o[written++] = char(bits >> 2);
    } else if (padding == 2) {
        o[written++] = char(bits >> 4);
    }
    return written == out.size();
}
} // namespace

Sealed::Sealed(const Database& db, const security::KeyRing* keys)
    : m_db(&db), m_keys(keys), m_on(isSealed(db))
{
}

bool Sealed::on() const
{
    // Only a shared (PostgreSQL) database can be sealed by another client meanwhile: a SQLite connection
    // skips the marker's lookup (a lock and a hash per sealed field written).
    if (!m_on && m_db->backend() == Backend::Postgres)
        checked(*m_db);
    return m_on;
}

bool Sealed::coversHealthChecked(const Database& db)
{
    return checked(db).health;
}

void Sealed::lockOutWriters(const Database& db)
{
    if (db.backend() != Backend::Postgres)
        return;
    db.exec(QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(kSealingLockKey));
    QMutexLocker lock(&markerMutex);
    sealingConnections.insert(db.connectionName());
}

void Sealed::requireKeys() const
{
    if (m_on && !m_keys)
        throw Error(
            tr("This database keeps names, addresses and notes encrypted, and this session has no key "
               "to open them: log in with your password (nothing was read or written)."),
            Error::Kind::AccessDenied);
}

QString Sealed::seal(QLatin1String field, const QString& rowKey, const QString& value) const
{
    if (!m_on) {
        checked(*m_db); // sealed by another client meanwhile: Conflict, nothing written
        return value;
    }
    requireKeys();
    return sealText(*m_keys, field, rowKey, value);
}

QString Sealed::open(QLatin1String field, const QString& rowKey, const QVariant& stored) const
{
    if (!m_on)
        return stored.toString();
    requireKeys();
    return openText(*m_keys, field, rowKey, stored.toString());
}

QString Sealed::sealDate(QLatin1String field, const QString& rowKey, const QDate& day) const
{
    return seal(field, rowKey, day.isValid() ? day.toString(Qt::ISODate) : QString());
}

QDate Sealed::openDate(QLatin1String field, const QString& rowKey, const QVariant& stored) const
{
    const QString text = open(field, rowKey, stored);
    return text.isEmpty() ? QDate() : QDate::fromString(text, Qt::ISODate);
}

QString Sealed::sealText(const security::KeyRing& keys, QLatin1String field, const QString& rowKey,
                         const QString& value)
{
    if (value.isEmpty())
        return QStringLiteral("");
    return QString::fromLatin1(
        keys.encrypt(security::KeyRing::Scope::Data, value.toUtf8(), context(field, rowKey)).toBase64());
}

std::optional<QByteArray> Sealed::fromBase64(QStringView text)
{
    QByteArray out;
    if (decodeBase64(text, out))
        return out;
    // The other forms Qt accepts, decided once, on the bytes.
    return fromBase64(QByteArrayView(text.toLatin1()));
}

std::optional<QByteArray> Sealed::fromBase64(QByteArrayView text)
{
    QByteArray out;
    if (decodeBase64(text, out))
        return out;
    const auto decoded =
        QByteArray::fromBase64Encoding(text.toByteArray(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    return *decoded;
}

namespace {
template <typename Stored>
QString openStored(const security::KeyRing& keys, QLatin1String field, const QString& rowKey, Stored stored)
{
    if (stored.isEmpty())
        return QStringLiteral("");
    const std::optional<QByteArray> decoded = Sealed::fromBase64(stored);
    if (!decoded)
        throw Error(
            Sealed::tr("An encrypted value is damaged (%1).").arg(QString::fromUtf8(context(field, rowKey))),
            Error::Kind::Storage);
    const QByteArray& sealed = *decoded;
    // The context "table.column:ROWKEY" without allocating (the name index opens hundreds of thousands).
    QVarLengthArray<char, 128> where;
    where.append(field.data(), field.size());
    where.append(':');
    for (const QChar c : rowKey) {
        if (c.unicode() >= 128) {
            where.resize(0);
            break;
        }
        where.append(char(c.unicode()));
    }
    const QByteArray ctx =
        where.isEmpty() ? context(field, rowKey) : QByteArray::fromRawData(where.constData(), where.size());
    return QString::fromUtf8(keys.decrypt(security::KeyRing::Scope::Data, sealed, ctx));
}
} // namespace

QString Sealed::openText(const security::KeyRing& keys, QLatin1String field, const QString& rowKey,
                         const QString& stored)
{
    return openStored(keys, field, rowKey, QStringView(stored));
}

QString Sealed::openText(const security::KeyRing& keys, QLatin1String field, const QString& rowKey,
                         QByteArrayView stored)
{
    return openStored(keys, field, rowKey, stored);
}

bool Sealed::isSealed(const Database& db)
{
    return format(db) > 0;
}

bool Sealed::coversHealth(const Database& db)
{
    return marker(db).health;
}

int Sealed::format(const Database& db)
{
    return marker(db).format;
}

namespace {
Marker marker(const Database& db)
{
    {
        QMutexLocker lock(&markerMutex);
        const auto it = sealedByConnection.constFind(db.connectionName());
        if (it != sealedByConnection.cend())
            return it.value();
    }
    const Marker sealed = readMarker(db);
    QMutexLocker lock(&markerMutex);
    sealedByConnection.insert(db.connectionName(), sealed);
    return sealed;
}

Marker readMarker(const Database& db)
{
    QSqlQuery q =
        db.exec(QStringLiteral("SELECT value FROM cabas_meta WHERE key = ?"), {QString(Sealed::kMetaKey)});
    const QString text = q.next() ? q.value(0).toString() : QString();
    Marker sealed;
    if (!text.isEmpty()) {
        const int format = text.section(QLatin1Char(':'), 0, 0).toInt();
        if (format < 1 || format > Sealed::kFormat)
            throw Error(
                Sealed::tr("%1 keeps its data encrypted in a way this version of Cabas does not know (format "
                           "\"%2\"). Install the newer version of Cabas to open it; nothing was changed.")
                    .arg(db.spec().displayName(), text),
                Error::Kind::Unsupported);
        sealed.format = format;
        sealed.health = Sealed::markerCoversHealth(text);
    }
    return sealed;
}
} // namespace

bool Sealed::markerCoversHealth(const QString& marker)
{
    return marker.section(QLatin1Char(':'), 0, 0).toInt() >= 2 &&
           marker.section(QLatin1Char(':'), 1).split(QLatin1Char(',')).contains(QLatin1String("health"));
}

void Sealed::sealNewDatabase(const Database& db)
{
    {
        QSqlQuery any = db.exec(QStringLiteral("SELECT count(*) FROM household"));
        if (any.next() && any.value(0).toLongLong() > 0)
            throw Error(tr("Only a new, empty database can be sealed this way."), Error::Kind::Invalid);
    }
    db.execDirect(QStringLiteral("ALTER TABLE person ADD COLUMN birth_date_sealed TEXT NOT NULL DEFAULT ''"));
    // Nothing clear on names: search_name stays empty, the name index lives in memory (NameIndex).
    db.execDirect(QStringLiteral("DROP INDEX person_search_idx"));
    db.execDirect(QStringLiteral("DROP INDEX person_duplicate_idx"));
    db.execDirect(QStringLiteral("DELETE FROM household_search_term"));
    // The name index brings itself up to date from the rows written since it last looked.
    db.execDirect(QStringLiteral("CREATE INDEX person_updated_idx ON person (updated_at)"));
    db.execDirect(QStringLiteral("CREATE INDEX household_updated_idx ON household (updated_at)"));
    db.exec(QStringLiteral("INSERT INTO cabas_meta (key, value) VALUES (?, ?)"),
            {QString(kMetaKey), QStringLiteral("%1:person,household,health").arg(kFormat)});
    QMutexLocker lock(&markerMutex);
    sealedByConnection.insert(db.connectionName(), Marker{kFormat, true});
}

QDate Sealed::coarseBirthDate(const QDate& birthDate)
{
    return birthDate.isValid() ? QDate(birthDate.year(), birthDate.month(), 1) : QDate();
}

} // namespace cabas::store
