#pragma once

#include "domain/User.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QDateTime>
#include <QString>
#include <cstddef>
#include <optional>
#include <vector>

namespace cabas::store {
class KeySlotRepository;
}

namespace cabas::security {

// A secret held in memory that libsodium allocated (sodium_malloc: guard pages, locked when the system
// allows, never swapped out by choice) and that is zeroed when freed. Move-only.
class SecretBytes
{
  public:
    SecretBytes() = default;
    explicit SecretBytes(std::size_t size); // zero-filled
    static SecretBytes random(std::size_t size);
    static SecretBytes copyOf(const unsigned char* data, std::size_t size);
    ~SecretBytes();
    SecretBytes(SecretBytes&& other) noexcept;
    SecretBytes& operator=(SecretBytes&& other) noexcept;
    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;

    unsigned char* data() { return m_data; }
    const unsigned char* data() const { return m_data; }
    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    // Constant-time comparison.
    bool equals(const SecretBytes& other) const;

  private:
    unsigned char* m_data = nullptr;
    std::size_t m_size = 0;
};

// Argon2id cost of a password-derived key; never below libsodium's INTERACTIVE limits.
struct KdfLimits
{
    quint64 ops = 0;
    quint64 mem = 0; // bytes
    static KdfLimits interactive();
    static KdfLimits moderate();
    bool acceptable() const; // between INTERACTIVE and 4 GiB of memory
};

// The one row describing a database's keys (table key_ring). Public values only.
struct KeyRingHeader
{
    int format = 1;
    QByteArray databaseId;     // 16 random bytes, bound into every slot, certificate and field
    QByteArray rootPublicKey;  // Ed25519: certifies each slot's public key and role
    QByteArray dataKeyCheck;   // BLAKE2b keyed by the data key over the database id
    QByteArray healthKeyCheck; // BLAKE2b keyed by the data key over the health key; empty: no health key yet
    QByteArray cohortKeyCheck; // the same over the cohort key (schema 15); empty: no cohort key yet
};

// One key slot (table key_slot): what one user (or the recovery key) needs to open the database's keys.
// Everything here may be read by whoever has the file: the secrets are inside `wrapped` and `healthSealed`.
struct KeySlot
{
    enum class Kind
    {
        User,
        Recovery
    };
    qint64 id = 0;
    Kind kind = Kind::User;
    qint64 userId = 0;      // 0 for the recovery slot
    QString role;           // the role certified for this slot (a Role code, or "recovery")
    QByteArray salt;        // of the key derivation
    KdfLimits limits;       // Argon2id (user slots); unused for the recovery slot
    QByteArray publicKey;   // X25519 (crypto_box): the health key is sealed to it
    QByteArray wrapped;     // nonce || XChaCha20-Poly1305(data key, secret key, root key...)
    QByteArray certificate; // Ed25519 signature of the root key over (database, kind, user, role, public key)
    QByteArray healthSealed; // crypto_box_seal(health key, publicKey); empty: not granted (yet)
    QByteArray cohortSealed; // crypto_box_seal(cohort key, publicKey) (nurses, coordinators, recovery)

    bool healthPending() const { return healthSealed.isEmpty(); }
    bool cohortPending() const { return cohortSealed.isEmpty(); }
};

// The keys of encryption at rest (docs/encryption.md), independent of how the data is stored.
//
// - A random data key per database (XChaCha20-Poly1305) protects names, addresses, birth dates and notes.
// - A random health key protects health data. It is created by the first nurse who logs in and is only ever
//   sealed (crypto_box_seal) to the public keys of nurses' slots and of the recovery slot: administrators
//   never hold it, so the separation of roles is cryptographic.
// - Each user has a slot: a keypair and the data key, wrapped with a key derived from the user's password
//   (Argon2id). Changing a password re-wraps the slot only. An administrator resetting a password issues a
//   new slot (new keypair, certified by the database's root signing key that only administrators' and the
//   recovery slot hold); its health grant stays pending until a nurse logs in and seals the health key to it,
//   after checking the certificate against the root key from her own slot.
// - A recovery key, shown once at init, opens the data key, the health key (once a nurse has granted it) and
//   the root key.
// - A random cohort key (docs/encryption.md, "Cohort health indicators") protects only the derived values the
//   cohort's health indicators need (table cohort_health). A nurse holding the health key creates it at login
//   when there is none, and seals it, like the health key, to the certified nurses' and coordinators' slots
//   and the recovery slot.
// Every secret lives in SecretBytes; a KeyRing is move-only.
class KeyRing
{
    Q_DECLARE_TR_FUNCTIONS(KeyRing)
  public:
    enum class Scope
    {
        Data,
        Health,
        Cohort
    };

    // A new database's keys: the first administrator's slot (userId/role from `admin`) and the recovery
    // slot; `recoveryKey` receives the recovery key formatted for printing (shown once).
    struct Created;
    static Created create(const User& admin, const QString& password,
                          KdfLimits limits = KdfLimits::interactive());

    // Opens `slot` with the user's password. A wrong password and an altered slot give the same error
    // (AccessDenied) and nothing else.
    static KeyRing unlock(const KeyRingHeader& header, const KeySlot& slot, const QString& password);
    // Opens the recovery slot with the recovery key (spaces, dashes and case ignored).
    static KeyRing unlockWithRecoveryKey(const KeyRingHeader& header, const KeySlot& recovery,
                                         const QString& recoveryKey);

    KeyRing(KeyRing&&) noexcept;
    KeyRing& operator=(KeyRing&&) noexcept;
    ~KeyRing();

    const KeyRingHeader& header() const { return m_header; }
    bool hasHealthKey() const { return !m_healthKey.empty(); }
    bool hasCohortKey() const { return !m_cohortKey.empty(); }
    bool canCertify() const { return !m_rootSecret.empty(); } // administrators and the recovery key
    const QByteArray& publicKey() const { return m_publicKey; }

    // Authenticated encryption of one value under the data or health key; `context` (for example
    // "person.last_name:42") is bound to it, so a value moved to another field or row does not decrypt.
    // Output: format byte || nonce || ciphertext and tag.
    QByteArray encrypt(Scope scope, const QByteArray& plain, const QByteArray& context) const;
    // Throws cabas::Error (AccessDenied without the key, Storage when the value was altered).
    QByteArray decrypt(Scope scope, const QByteArray& sealed, const QByteArray& context) const;

    // A new slot for `user` (new keypair, certified): creating a user, or an administrator's password reset.
    // Needs canCertify(). The health grant is left pending, even when this ring holds the health key, unless
    // `grantHealthNow` and the user is a nurse.
    KeySlot issueSlot(const User& user, const QString& password, KdfLimits limits = KdfLimits::interactive(),
                      bool grantHealthNow = false) const;
    // A new recovery slot (new keypair, certified, a fresh 160-bit recovery key) holding the data key and the
    // root key, and the health and cohort keys only when this ring holds them (otherwise pending: the next
    // nurse's login grants them). Needs canCertify(). `recoveryKey` receives the new key, formatted.
    KeySlot issueRecoverySlot(QString* recoveryKey) const;
    // The same keys under a new password (changing one's own password): nothing else is re-encrypted.
    KeySlot rewrap(const KeySlot& own, const QString& newPassword,
                   KdfLimits limits = KdfLimits::interactive()) const;
    // Creates the health key (the first nurse's first login): returns the new healthKeyCheck for the header.
    // Needs a nurse's ring without a health key on a header without one.
    QByteArray createHealthKey();
    // Seals the health key to a pending nurse (or recovery) slot after checking its certificate; returns
    // the sealed box. Needs the health key.
    QByteArray grantHealth(const KeySlot& pending) const;
    // Creates the cohort key (a nurse holding the health key, or the recovery key's ring holding it, on a
    // header without one): returns the new cohortKeyCheck for the header.
    QByteArray createCohortKey();
    // Sealing an existing database (core/setup/Sealing): the administrator's ring (canCertify) on a header
    // without health and cohort keys creates both, to seal the health rows and grant them to the nurses' (and
    // coordinators') slots in the same transaction; the ring is dropped afterwards. Returns the two header
    // checks (health, cohort).
    std::pair<QByteArray, QByteArray> createHealthKeysForSealing();
    // Seals the cohort key to a pending nurse, coordinator (or recovery) slot after checking its certificate.
    QByteArray grantCohort(const KeySlot& pending) const;
    // Whether a slot's certificate is valid for this database (root key from this ring's own slot).
    bool certificateValid(const KeySlot& slot) const;

    // Recovery key text: 20 random bytes in base32, groups of four letters and digits separated by dashes.
    static QString formatRecoveryKey(const QByteArray& raw);
    static QByteArray parseRecoveryKey(const QString& text); // throws cabas::Error (Invalid)

    // The flows the login, the user administration and init use (reading and writing key_ring/key_slot).
    // Each throws cabas::Error and writes nothing on failure.
    // init: the header, the first administrator's slot and the recovery slot; returns the recovery key.
    static QString initialise(store::KeySlotRepository& repo, const User& admin, const QString& password,
                              const QDateTime& now, KdfLimits limits = KdfLimits::interactive());
    // Login: opens the user's slot; a nurse then creates the health key if there is none yet, and seals it to
    // every pending nurse slot (and the recovery slot) whose certificate is valid. `granted` receives the
    // user ids (0: recovery) granted. On a schema with cohort keys (15), a nurse holding the health key
    // then creates the cohort key if there is none yet, and seals it to every pending nurse's and
    // coordinator's slot (and the recovery slot): `cohortGranted` receives those ids.
    static KeyRing login(store::KeySlotRepository& repo, const User& user, const QString& password,
                         const QDateTime& now, std::vector<qint64>* granted = nullptr,
                         std::vector<qint64>* cohortGranted = nullptr);
    // Re-wraps the logged-in user's own slot.
    void changeOwnPassword(store::KeySlotRepository& repo, const User& user, const QString& newPassword,
                           const QDateTime& now, KdfLimits limits = KdfLimits::interactive()) const;
    // An administrator (or the recovery key) gives `user` a new slot with `newPassword`; health pending.
    void resetPassword(store::KeySlotRepository& repo, const User& user, const QString& newPassword,
                       const QDateTime& now, KdfLimits limits = KdfLimits::interactive()) const;

    // An administrator's ring replaces the recovery slot (a lost recovery key, or one seen by someone): its
    // row is rewritten in place with issueRecoverySlot(), so the old key opens nothing any more. Returns the
    // new key (shown once); `issued`, when given, receives the new slot. Refused (nothing written) for a
    // ring that is not an administrator's or not this database's, and without a recovery slot.
    QString replaceRecovery(store::KeySlotRepository& repo, const QDateTime& now,
                            KeySlot* issued = nullptr) const;

  private:
    KeyRing() = default;
    static KeyRing openPayload(const KeyRingHeader& header, const KeySlot& slot, const SecretBytes& wrapKey);
    const SecretBytes& keyFor(Scope scope) const;

    KeyRingHeader m_header;
    qint64 m_userId = 0;
    QString m_role;
    QByteArray m_publicKey;
    SecretBytes m_dataKey;
    SecretBytes m_healthKey;
    SecretBytes m_cohortKey;
    SecretBytes m_boxSecret;
    QByteArray m_rootPublic;
    SecretBytes m_rootSecret; // administrators and recovery only
};

struct KeyRing::Created
{
    KeyRing ring;
    KeyRingHeader header;
    KeySlot admin;
    KeySlot recovery;
    QString recoveryKey;
};

} // namespace cabas::security
