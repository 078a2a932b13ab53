#include "store/AuditRepository.h"

#include "common/Clock.h"

#include <QCryptographicHash>

namespace cabas::store {

namespace {
constexpr qint64 kAuditLockKey = 4341424154; // pg_advisory_xact_lock key for appending to the chain

QString field(const QString& s)
{
    // Length-prefixed, so that no choice of values can make two records hash alike.
    return QString::number(s.size()) + QLatin1Char(':') + s + QLatin1Char('|');
}

AuditRecord readRecord(const QSqlQuery& q)
{
    AuditRecord r;
    r.seq = q.value(0).toLongLong();
    r.at = toTimestamp(q.value(1));
    r.userId = q.value(2).toLongLong();
    r.login = q.value(3).toString();
    r.role = q.value(4).toString();
    r.action = q.value(5).toString();
    r.table = q.value(6).toString();
    r.recordRef = q.value(7).toString();
    r.outcome = q.value(8).toString();
    r.detail = q.value(9).toString();
    r.prevHash = q.value(10).toString();
    r.hash = q.value(11).toString();
    return r;
}

const QString kColumns = QStringLiteral(
    "seq, at, user_id, login, role, action, table_name, record_ref, outcome, detail, prev_hash, hash");
} // namespace

QString auditGenesisHash()
{
    return QString(64, QLatin1Char('0'));
}

QString auditCanonicalText(const AuditRecord& r)
{
    return field(QString::number(r.seq)) + field(r.at.toUTC().toString(Qt::ISODateWithMs)) +
           field(r.userId ? QString::number(r.userId) : QString()) + field(r.login) + field(r.role) +
           field(r.action) + field(r.table) + field(r.recordRef) + field(r.outcome) + field(r.detail) +
           field(r.prevHash);
}

QString auditHash(const AuditRecord& r)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(auditCanonicalText(r).toUtf8(), QCryptographicHash::Sha256).toHex());
}

void AuditRepository::append(AuditRecord& record)
{
    if (m_db.inTransaction()) {
        appendLocked(record);
        return;
    }
    Database::Transaction tx(m_db);
    appendLocked(record);
    tx.commit();
}

void AuditRepository::appendLocked(AuditRecord& r)
{
    // On SQLite the transaction already holds the write lock (BEGIN IMMEDIATE); on PostgreSQL writers of the
    // chain queue on an advisory lock until the transaction ends.
    if (m_db.backend() == Backend::Postgres)
        m_db.exec(QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(kAuditLockKey));
    QSqlQuery last = m_db.exec(QStringLiteral("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"));
    // (only these two columns: on PostgreSQL the staff's database roles may read nothing else of the trail)
    if (last.next()) {
        r.seq = last.value(0).toLongLong() + 1;
        r.prevHash = last.value(1).toString();
    } else {
        r.seq = 1;
        r.prevHash = auditGenesisHash();
    }
    if (!r.at.isValid())
        r.at = Clock::instance().nowUtc();
    // Milliseconds are what is stored on both backends: hash what will be read back.
    r.at = QDateTime::fromMSecsSinceEpoch(r.at.toMSecsSinceEpoch(), Qt::UTC);
    r.hash = auditHash(r);
    m_db.exec(QStringLiteral("INSERT INTO audit_log (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                  .arg(kColumns),
              {r.seq, timestampValue(r.at), idValue(r.userId), textValue(r.login), textValue(r.role),
               textValue(r.action), textValue(r.table), textValue(r.recordRef), textValue(r.outcome),
               textValue(r.detail), r.prevHash, r.hash});
    m_db.exec(QStringLiteral("UPDATE audit_head SET seq = ? WHERE id = 1"), {r.seq});
}

std::vector<AuditRecord> AuditRepository::list(const AuditFilter& filter) const
{
    QString sql = QStringLiteral("SELECT %1 FROM audit_log WHERE 1 = 1").arg(kColumns);
    QVariantList values;
    if (filter.since.isValid()) {
        sql += QStringLiteral(" AND at >= ?");
        values << timestampValue(filter.since.startOfDay(Clock::programmeZone()));
    }
    if (!filter.login.isEmpty()) {
        sql += QStringLiteral(" AND login = ?");
        values << filter.login;
    }
    if (!filter.table.isEmpty()) {
        sql += QStringLiteral(" AND table_name = ?");
        values << filter.table;
    }
    sql += QStringLiteral(" ORDER BY seq DESC LIMIT %1").arg(std::max(1, filter.limit));
    std::vector<AuditRecord> result;
    QSqlQuery q = m_db.exec(sql, values);
    while (q.next())
        result.push_back(readRecord(q));
    return result;
}

void AuditRepository::forEach(const std::function<void(const AuditRecord&)>& visit) const
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT %1 FROM audit_log ORDER BY seq").arg(kColumns));
    while (q.next())
        visit(readRecord(q));
}

qint64 AuditRepository::recordedHead() const
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT seq FROM audit_head WHERE id = 1"));
    return q.next() ? q.value(0).toLongLong() : 0;
}

} // namespace cabas::store
