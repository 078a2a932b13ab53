#include "store/KeySlotRepository.h"

#include "common/Error.h"

namespace cabas::store {

using security::KeyRingHeader;
using security::KeySlot;

namespace {
const QString kColumns = QStringLiteral("s.id, s.kind, s.user_id, s.role, s.kdf_salt, s.kdf_ops, s.kdf_mem, "
                                        "s.public_key, s.wrapped, s.certificate, s.health_sealed");

QVariant b64(const QByteArray& bytes)
{
    return QString::fromLatin1(bytes.toBase64());
}

QVariant b64OrNull(const QByteArray& bytes)
{
    return bytes.isEmpty() ? QVariant() : b64(bytes);
}

QByteArray fromB64(const QVariant& v)
{
    return v.isNull() ? QByteArray() : QByteArray::fromBase64(v.toString().toLatin1());
}
} // namespace

KeySlot KeySlotRepository::read(QSqlQuery& q) const
{
    KeySlot s;
    s.id = q.value(0).toLongLong();
    s.kind =
        q.value(1).toString() == QLatin1String("recovery") ? KeySlot::Kind::Recovery : KeySlot::Kind::User;
    s.userId = q.value(2).isNull() ? 0 : q.value(2).toLongLong();
    s.role = q.value(3).toString();
    s.salt = fromB64(q.value(4));
    s.limits.ops = q.value(5).toULongLong();
    s.limits.mem = q.value(6).toULongLong();
    s.publicKey = fromB64(q.value(7));
    s.wrapped = fromB64(q.value(8));
    s.certificate = fromB64(q.value(9));
    s.healthSealed = fromB64(q.value(10));
    if (hasCohortKeys())
        s.cohortSealed = fromB64(q.value(11));
    return s;
}

bool KeySlotRepository::hasCohortKeys() const
{
    if (m_cohortKeys < 0)
        m_cohortKeys = m_db.schemaVersion() >= 15 ? 1 : 0;
    return m_cohortKeys == 1;
}

QString KeySlotRepository::columns() const
{
    return hasCohortKeys() ? kColumns + QStringLiteral(", s.cohort_sealed") : kColumns;
}

std::optional<KeyRingHeader> KeySlotRepository::header() const
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT format, database_id, root_public_key, data_key_check, "
                                           "health_key_check%1 FROM key_ring WHERE id = 1")
                                .arg(hasCohortKeys() ? QStringLiteral(", cohort_key_check") : QString()));
    if (!q.next())
        return std::nullopt;
    KeyRingHeader h;
    h.format = q.value(0).toInt();
    h.databaseId = fromB64(q.value(1));
    h.rootPublicKey = fromB64(q.value(2));
    h.dataKeyCheck = fromB64(q.value(3));
    h.healthKeyCheck = fromB64(q.value(4));
    if (hasCohortKeys())
        h.cohortKeyCheck = fromB64(q.value(5));
    return h;
}

void KeySlotRepository::createHeader(const KeyRingHeader& header, const QDateTime& now)
{
    if (this->header())
        throw Error(tr("This database already has a key ring."), Error::Kind::Conflict);
    m_db.exec(
        QStringLiteral("INSERT INTO key_ring (id, format, database_id, root_public_key, data_key_check, "
                       "health_key_check, created_at, updated_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?)"),
        {header.format, b64(header.databaseId), b64(header.rootPublicKey), b64(header.dataKeyCheck),
         b64OrNull(header.healthKeyCheck), timestampValue(now), timestampValue(now)});
}

void KeySlotRepository::setHealthKeyCheck(const QByteArray& check, const QDateTime& now)
{
    QSqlQuery q = m_db.exec(QStringLiteral("UPDATE key_ring SET health_key_check = ?, updated_at = ? "
                                           "WHERE id = 1 AND health_key_check IS NULL"),
                            {b64(check), timestampValue(now)});
    if (q.numRowsAffected() != 1)
        throw Error(tr("Another nurse created the health key meanwhile: log in again."),
                    Error::Kind::Conflict);
}

std::optional<KeySlot> KeySlotRepository::forUser(qint64 userId) const
{
    QSqlQuery q = m_db.exec(
        QStringLiteral("SELECT %1 FROM key_slot s WHERE s.user_id = ? AND s.kind = 'user'").arg(columns()),
        {userId});
    if (!q.next())
        return std::nullopt;
    return read(q);
}

std::vector<KeySlotRepository::HealthHolder> KeySlotRepository::healthHolders() const
{
    std::vector<HealthHolder> list;
    QSqlQuery q = m_db.exec(QStringLiteral(
        "SELECT u.login, u.display_name, u.role, s.updated_at FROM key_slot s JOIN app_user u ON u.id = "
        "s.user_id "
        "WHERE s.kind = 'user' AND s.health_sealed IS NOT NULL AND s.health_sealed <> '' AND u.active "
        "ORDER BY u.display_name, u.login"));
    while (q.next())
        list.push_back(
            {q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), toTimestamp(q.value(3))});
    return list;
}

bool KeySlotRepository::recoveryHoldsHealth() const
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT count(*) FROM key_slot WHERE kind = 'recovery' AND "
                                           "health_sealed IS NOT NULL AND health_sealed <> ''"));
    return q.next() && q.value(0).toLongLong() > 0;
}

std::optional<KeySlot> KeySlotRepository::recovery() const
{
    QSqlQuery q =
        m_db.exec(QStringLiteral("SELECT %1 FROM key_slot s WHERE s.kind = 'recovery'").arg(columns()));
    if (!q.next())
        return std::nullopt;
    return read(q);
}

void KeySlotRepository::put(KeySlot& slot, const QDateTime& now)
{
    const bool recovery = slot.kind == KeySlot::Kind::Recovery;
    const std::optional<KeySlot> existing = recovery ? this->recovery() : forUser(slot.userId);
    const QVariantList values = {b64(slot.salt),
                                 QVariant(qint64(slot.limits.ops)),
                                 QVariant(qint64(slot.limits.mem)),
                                 b64(slot.publicKey),
                                 b64(slot.wrapped),
                                 b64(slot.certificate),
                                 b64OrNull(slot.healthSealed),
                                 slot.role,
                                 timestampValue(now)};
    if (existing) {
        QVariantList v = values;
        v << existing->id;
        m_db.exec(
            QStringLiteral("UPDATE key_slot SET kdf_salt = ?, kdf_ops = ?, kdf_mem = ?, public_key = ?, "
                           "wrapped = ?, certificate = ?, health_sealed = ?, role = ?, updated_at = ? "
                           "WHERE id = ?"),
            v);
        slot.id = existing->id;
        // A new keypair: the cohort grant sealed to the old one is of no use (pending again, or the new one).
        if (hasCohortKeys())
            m_db.exec(QStringLiteral("UPDATE key_slot SET cohort_sealed = ? WHERE id = ?"),
                      {b64OrNull(slot.cohortSealed), slot.id});
        return;
    }
    QVariantList v = {recovery ? QStringLiteral("recovery") : QStringLiteral("user"),
                      recovery ? QVariant() : idValue(slot.userId)};
    v << values << timestampValue(now);
    QSqlQuery q =
        m_db.exec(QStringLiteral("INSERT INTO key_slot (kind, user_id, kdf_salt, kdf_ops, kdf_mem, "
                                 "public_key, wrapped, certificate, health_sealed, role, updated_at, "
                                 "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
                  v);
    q.next();
    slot.id = q.value(0).toLongLong();
    if (hasCohortKeys() && !slot.cohortSealed.isEmpty())
        m_db.exec(QStringLiteral("UPDATE key_slot SET cohort_sealed = ? WHERE id = ?"),
                  {b64(slot.cohortSealed), slot.id});
}

void KeySlotRepository::rewrap(const KeySlot& slot, const QDateTime& now)
{
    QSqlQuery q =
        m_db.exec(QStringLiteral("UPDATE key_slot SET kdf_salt = ?, kdf_ops = ?, kdf_mem = ?, wrapped = ?, "
                                 "updated_at = ? WHERE id = ? AND public_key = ?"),
                  {b64(slot.salt), qint64(slot.limits.ops), qint64(slot.limits.mem), b64(slot.wrapped),
                   timestampValue(now), slot.id, b64(slot.publicKey)});
    if (q.numRowsAffected() != 1)
        throw Error(tr("The key slot changed meanwhile (its password was reset): nothing was changed."),
                    Error::Kind::Conflict);
}

bool KeySlotRepository::sealGrant(const QString& column, const KeySlot& slot, const QByteArray& sealed,
                                  const QDateTime& now)
{
    QSqlQuery q = m_db.exec(QStringLiteral("UPDATE key_slot SET %1 = ?, updated_at = ? WHERE id = ? AND "
                                           "public_key = ? AND %1 IS NULL")
                                .arg(column),
                            {b64(sealed), timestampValue(now), slot.id, b64(slot.publicKey)});
    return q.numRowsAffected() == 1;
}

bool KeySlotRepository::setHealthSealed(const KeySlot& slot, const QByteArray& sealed, const QDateTime& now)
{
    return sealGrant(QStringLiteral("health_sealed"), slot, sealed, now);
}

std::vector<KeySlot> KeySlotRepository::pendingHealthGrants() const
{
    std::vector<KeySlot> list;
    QSqlQuery q =
        m_db.exec(QStringLiteral("SELECT %1 FROM key_slot s LEFT JOIN app_user u ON u.id = s.user_id "
                                 "WHERE s.health_sealed IS NULL AND (s.kind = 'recovery' OR "
                                 "(s.role = 'nurse' AND u.role = 'nurse' AND u.active)) ORDER BY s.id")
                      .arg(columns()));
    while (q.next())
        list.push_back(read(q));
    return list;
}

void KeySlotRepository::setCohortKeyCheck(const QByteArray& check, const QDateTime& now)
{
    QSqlQuery q = m_db.exec(QStringLiteral("UPDATE key_ring SET cohort_key_check = ?, updated_at = ? "
                                           "WHERE id = 1 AND cohort_key_check IS NULL"),
                            {b64(check), timestampValue(now)});
    if (q.numRowsAffected() != 1)
        throw Error(tr("Another nurse created the cohort key meanwhile: log in again."),
                    Error::Kind::Conflict);
}

bool KeySlotRepository::setCohortSealed(const KeySlot& slot, const QByteArray& sealed, const QDateTime& now)
{
    return sealGrant(QStringLiteral("cohort_sealed"), slot, sealed, now);
}

std::vector<KeySlot> KeySlotRepository::pendingCohortGrants() const
{
    std::vector<KeySlot> list;
    if (!hasCohortKeys())
        return list;
    QSqlQuery q = m_db.exec(
        QStringLiteral("SELECT %1 FROM key_slot s LEFT JOIN app_user u ON u.id = s.user_id "
                       "WHERE s.cohort_sealed IS NULL AND (s.kind = 'recovery' OR (s.role IN ('nurse', "
                       "'coordinator') AND u.role = s.role AND u.active)) ORDER BY s.id")
            .arg(columns()));
    while (q.next())
        list.push_back(read(q));
    return list;
}

qint64 KeySlotRepository::count() const
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT count(*) FROM key_slot"));
    return q.next() ? q.value(0).toLongLong() : 0;
}

} // namespace cabas::store
