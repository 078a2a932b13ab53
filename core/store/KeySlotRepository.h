#pragma once

#include "security/KeyRing.h"
#include "store/Database.h"

#include <optional>
#include <vector>

namespace cabas::store {

// The key ring of encryption at rest (tables key_ring and key_slot, migration 13). Binary values are kept as
// base64 text so that both backends store them alike; none of them is secret without a password.
class KeySlotRepository
{
    Q_DECLARE_TR_FUNCTIONS(KeySlotRepository)
  public:
    explicit KeySlotRepository(const Database& db) : m_db(db) {}

    const Database& database() const { return m_db; }

    std::optional<security::KeyRingHeader> header() const;
    // Throws Conflict when the database already has a key ring.
    void createHeader(const security::KeyRingHeader& header, const QDateTime& now);
    // Records the health key's check once; Conflict when another nurse recorded one meanwhile.
    void setHealthKeyCheck(const QByteArray& check, const QDateTime& now);

    std::optional<security::KeySlot> forUser(qint64 userId) const;
    std::optional<security::KeySlot> recovery() const;
    // The active users whose slot holds the health key (login, display name, role code, when the slot last
    // changed), by name; and whether the recovery slot holds it.
    struct HealthHolder
    {
        QString login;
        QString displayName;
        QString role;
        QDateTime since;
    };
    std::vector<HealthHolder> healthHolders() const;
    bool recoveryHoldsHealth() const;
    // Inserts the slot, or replaces the user's (or the recovery) slot; sets slot.id.
    void put(security::KeySlot& slot, const QDateTime& now);
    // Re-wrapped keys of an existing slot (a password change): salt, limits and wrapped keys only.
    void rewrap(const security::KeySlot& slot, const QDateTime& now);
    // Seals a grant to `slot` while it is still that pending slot (same public key, no grant yet): false, and
    // nothing written, when it was replaced meanwhile (a password reset, a new recovery key) or granted.
    bool setHealthSealed(const security::KeySlot& slot, const QByteArray& sealed, const QDateTime& now);
    // Slots waiting for the health key: the recovery slot and slots certified as nurse whose user is an
    // active nurse.
    std::vector<security::KeySlot> pendingHealthGrants() const;
    // The cohort key's columns (schema 15: key_ring.cohort_key_check, key_slot.cohort_sealed).
    bool hasCohortKeys() const;
    // Records the cohort key's check once; Conflict when another nurse recorded one meanwhile.
    void setCohortKeyCheck(const QByteArray& check, const QDateTime& now);
    bool setCohortSealed(const security::KeySlot& slot, const QByteArray& sealed, const QDateTime& now);
    // Slots waiting for the cohort key: the recovery slot and slots certified as nurse or coordinator whose
    // user is active with that role.
    std::vector<security::KeySlot> pendingCohortGrants() const;
    qint64 count() const;

  private:
    security::KeySlot read(QSqlQuery& q) const;
    // setHealthSealed/setCohortSealed: `column` is health_sealed or cohort_sealed.
    bool sealGrant(const QString& column, const security::KeySlot& slot, const QByteArray& sealed,
                   const QDateTime& now);
    QString columns() const;
    const Database& m_db;
    mutable int m_cohortKeys = -1; // hasCohortKeys(), once known
};

} // namespace cabas::store
