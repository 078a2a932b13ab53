#include "security/KeyRing.h"

#include "common/Error.h"
#include "store/KeySlotRepository.h"

#include <QVarLengthArray>
#include <sodium.h>

#include <cstring>
#include <utility>

namespace cabas::security {

namespace {

constexpr int kFormat = 1;
constexpr std::size_t kKeyBytes = crypto_aead_xchacha20poly1305_ietf_KEYBYTES; // 32
constexpr std::size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr std::size_t kRecoveryBytes = 20; // 160 bits: 32 base32 characters
constexpr std::size_t kDatabaseIdBytes = 16;
constexpr unsigned char kHasRoot = 1;
// Slot payload: format, flags, data key, box secret key, root public key [, root secret key].
constexpr std::size_t kPayloadBase = 2 + kKeyBytes + crypto_box_SECRETKEYBYTES + crypto_sign_PUBLICKEYBYTES;
constexpr std::size_t kPayloadWithRoot = kPayloadBase + crypto_sign_SECRETKEYBYTES;
const char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

void ensureSodium()
{
    if (sodium_init() < 0)
        qFatal("Cabas: libsodium could not be initialised");
}

const unsigned char* bytes(const QByteArray& b)
{
    return reinterpret_cast<const unsigned char*>(b.constData());
}

QByteArray toBytes(const unsigned char* p, std::size_t n)
{
    return QByteArray(reinterpret_cast<const char*>(p), qsizetype(n));
}

QByteArray le64(qint64 v)
{
    QByteArray out(8, '\0');
    for (int i = 0; i < 8; ++i)
        out[i] = char((quint64(v) >> (8 * i)) & 0xff);
    return out;
}

QByteArray lengthPrefixed(const QByteArray& b)
{
    return le64(b.size()) + b;
}

const char* kindCode(KeySlot::Kind kind)
{
    return kind == KeySlot::Kind::Recovery ? "recovery" : "user";
}

// What a slot's certificate signs.
QByteArray certifiedMessage(const KeyRingHeader& header, const KeySlot& slot)
{
    return QByteArrayLiteral("cabas-slot-certificate-v1") + lengthPrefixed(header.databaseId) +
           lengthPrefixed(kindCode(slot.kind)) + le64(slot.userId) + lengthPrefixed(slot.role.toUtf8()) +
           lengthPrefixed(slot.publicKey);
}

// What a slot's wrapping binds to (moving a slot to another user, or changing its public key, breaks it).
QByteArray slotAssociatedData(const KeyRingHeader& header, const KeySlot& slot)
{
    return QByteArrayLiteral("cabas-slot-v1") + lengthPrefixed(header.databaseId) +
           lengthPrefixed(kindCode(slot.kind)) + le64(slot.userId) + lengthPrefixed(slot.publicKey);
}

QByteArray keyedHash(const SecretBytes& key, const QByteArray& message)
{
    unsigned char out[32];
    crypto_generichash(out, sizeof out, bytes(message), quint64(message.size()), key.data(), key.size());
    return toBytes(out, sizeof out);
}

QByteArray dataKeyCheck(const SecretBytes& dataKey, const QByteArray& databaseId)
{
    return keyedHash(dataKey, QByteArrayLiteral("cabas-data-key-v1") + databaseId);
}

QByteArray healthKeyCheck(const SecretBytes& dataKey, const SecretBytes& healthKey)
{
    return keyedHash(dataKey,
                     QByteArrayLiteral("cabas-health-key-v1") + toBytes(healthKey.data(), healthKey.size()));
}

QByteArray cohortKeyCheck(const SecretBytes& dataKey, const SecretBytes& cohortKey)
{
    return keyedHash(dataKey,
                     QByteArrayLiteral("cabas-cohort-key-v1") + toBytes(cohortKey.data(), cohortKey.size()));
}

char scopeCode(KeyRing::Scope scope)
{
    return scope == KeyRing::Scope::Health ? 'h' : scope == KeyRing::Scope::Cohort ? 'c' : 'd';
}

bool sameBytes(const QByteArray& a, const QByteArray& b)
{
    return a.size() == b.size() && sodium_memcmp(a.constData(), b.constData(), std::size_t(a.size())) == 0;
}

// The password as UTF-8 in protected memory; the temporary copy is zeroed.
SecretBytes passwordBytes(const QString& password)
{
    QByteArray utf8 = password.toUtf8();
    SecretBytes out = SecretBytes::copyOf(bytes(utf8), std::size_t(utf8.size()));
    sodium_memzero(utf8.data(), std::size_t(utf8.size()));
    return out;
}

SecretBytes passwordKey(const QString& password, const QByteArray& salt, KdfLimits limits)
{
    if (salt.size() != crypto_pwhash_SALTBYTES || !limits.acceptable())
        throw Error(KeyRing::tr("The key slot's key derivation settings are not acceptable (altered slot)."),
                    Error::Kind::Storage);
    const SecretBytes pw = passwordBytes(password);
    // An empty password holds no buffer; libsodium wants a pointer all the same (UBSan: nonnull argument).
    static const char noPassword = 0;
    const char* passwordData = pw.size() ? reinterpret_cast<const char*>(pw.data()) : &noPassword;
    SecretBytes key(kKeyBytes);
    if (crypto_pwhash(key.data(), key.size(), passwordData, pw.size(), bytes(salt), limits.ops,
                      std::size_t(limits.mem), crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw Error(KeyRing::tr("Not enough memory to derive the key from the password."),
                    Error::Kind::Storage);
    return key;
}

SecretBytes recoveryKey(const QByteArray& raw, const QByteArray& salt)
{
    SecretBytes key(kKeyBytes);
    const QByteArray message = QByteArrayLiteral("cabas-recovery-v1") + salt;
    crypto_generichash(key.data(), key.size(), bytes(message), quint64(message.size()), bytes(raw),
                       std::size_t(raw.size()));
    return key;
}

QByteArray randomBytes(std::size_t n)
{
    QByteArray out(qsizetype(n), '\0');
    randombytes_buf(out.data(), n);
    return out;
}

// nonce || XChaCha20-Poly1305(payload)
QByteArray wrapPayload(const SecretBytes& payload, const SecretBytes& wrapKey, const QByteArray& ad)
{
    QByteArray out(qsizetype(kNonceBytes + payload.size() + kTagBytes), '\0');
    auto* o = reinterpret_cast<unsigned char*>(out.data());
    randombytes_buf(o, kNonceBytes);
    unsigned long long len = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(o + kNonceBytes, &len, payload.data(), payload.size(),
                                               bytes(ad), quint64(ad.size()), nullptr, o, wrapKey.data());
    return out;
}

SecretBytes makePayload(const SecretBytes& dataKey, const SecretBytes& boxSecret,
                        const QByteArray& rootPublic, const SecretBytes* rootSecret)
{
    SecretBytes p(rootSecret ? kPayloadWithRoot : kPayloadBase);
    unsigned char* o = p.data();
    o[0] = kFormat;
    o[1] = rootSecret ? kHasRoot : 0;
    o += 2;
    std::memcpy(o, dataKey.data(), kKeyBytes);
    o += kKeyBytes;
    std::memcpy(o, boxSecret.data(), crypto_box_SECRETKEYBYTES);
    o += crypto_box_SECRETKEYBYTES;
    if (rootPublic.size() != qsizetype(crypto_sign_PUBLICKEYBYTES))
        throw Error(KeyRing::tr("The key ring's signing key has a wrong length."), Error::Kind::Storage);
        // gcc 12 at -O2 cannot see the length check above and warns that an empty QByteArray's shared byte
        // is too short (-Warray-bounds); the copy is of exactly the checked length.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
#endif
    std::memcpy(o, rootPublic.constData(), crypto_sign_PUBLICKEYBYTES);
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
    o += crypto_sign_PUBLICKEYBYTES;
    if (rootSecret)
        std::memcpy(o, rootSecret->data(), crypto_sign_SECRETKEYBYTES);
    return p;
}

Error altered(const QString& what)
{
    return Error(KeyRing::tr("The key ring of this database was altered: %1. Restore a backup or use the "
                             "recovery key.")
                     .arg(what),
                 Error::Kind::Storage);
}

} // namespace

// ---- SecretBytes

SecretBytes::SecretBytes(std::size_t size)
{
    ensureSodium();
    if (size == 0)
        return;
    m_data = static_cast<unsigned char*>(sodium_malloc(size));
    if (!m_data)
        throw std::bad_alloc();
    m_size = size;
    sodium_memzero(m_data, size);
}

SecretBytes SecretBytes::random(std::size_t size)
{
    SecretBytes s(size);
    if (size)
        randombytes_buf(s.m_data, size);
    return s;
}

SecretBytes SecretBytes::copyOf(const unsigned char* data, std::size_t size)
{
    SecretBytes s(size);
    if (size)
        std::memcpy(s.m_data, data, size);
    return s;
}

SecretBytes::~SecretBytes()
{
    if (m_data)
        sodium_free(m_data); // zeroes before freeing
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0))
{
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept
{
    if (this != &other) {
        if (m_data)
            sodium_free(m_data);
        m_data = std::exchange(other.m_data, nullptr);
        m_size = std::exchange(other.m_size, 0);
    }
    return *this;
}

bool SecretBytes::equals(const SecretBytes& other) const
{
    return m_size == other.m_size && (m_size == 0 || sodium_memcmp(m_data, other.m_data, m_size) == 0);
}

// ---- KdfLimits

KdfLimits KdfLimits::interactive()
{
    return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

KdfLimits KdfLimits::moderate()
{
    return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
}

bool KdfLimits::acceptable() const
{
    return ops >= crypto_pwhash_OPSLIMIT_INTERACTIVE && ops <= 64 &&
           mem >= crypto_pwhash_MEMLIMIT_INTERACTIVE && mem <= (quint64(4) << 30);
}

// ---- KeyRing

KeyRing::KeyRing(KeyRing&&) noexcept = default;
KeyRing& KeyRing::operator=(KeyRing&&) noexcept = default;
KeyRing::~KeyRing() = default;

KeyRing::Created KeyRing::create(const User& admin, const QString& password, KdfLimits limits)
{
    ensureSodium();
    if (admin.role != Role::Admin || admin.id <= 0)
        throw Error(tr("The first key slot of a database belongs to a saved administrator."),
                    Error::Kind::Invalid);
    KeyRing root;
    root.m_header.format = kFormat;
    root.m_header.databaseId = randomBytes(kDatabaseIdBytes);
    root.m_dataKey = SecretBytes::random(kKeyBytes);
    root.m_header.dataKeyCheck = dataKeyCheck(root.m_dataKey, root.m_header.databaseId);
    root.m_rootSecret = SecretBytes(crypto_sign_SECRETKEYBYTES);
    unsigned char rootPublic[crypto_sign_PUBLICKEYBYTES];
    crypto_sign_keypair(rootPublic, root.m_rootSecret.data());
    root.m_rootPublic = toBytes(rootPublic, sizeof rootPublic);
    root.m_header.rootPublicKey = root.m_rootPublic;

    KeySlot adminSlot = root.issueSlot(admin, password, limits);
    QString key;
    KeySlot rec = root.issueRecoverySlot(&key);
    Created c{unlock(root.m_header, adminSlot, password), root.m_header, adminSlot, rec, key};
    return c;
}

KeySlot KeyRing::issueRecoverySlot(QString* recoveryKeyText) const
{
    if (!canCertify())
        throw Error(tr("Only an administrator (or the recovery key) can issue a recovery key."),
                    Error::Kind::AccessDenied);
    // The recovery slot: its own keypair (so that a nurse can seal the health key to it), the data key and
    // the root key, wrapped with a key derived from 160 random bits.
    KeySlot rec;
    rec.kind = KeySlot::Kind::Recovery;
    rec.role = QStringLiteral("recovery");
    rec.salt = randomBytes(crypto_pwhash_SALTBYTES);
    SecretBytes boxSecret(crypto_box_SECRETKEYBYTES);
    unsigned char boxPublic[crypto_box_PUBLICKEYBYTES];
    crypto_box_keypair(boxPublic, boxSecret.data());
    rec.publicKey = toBytes(boxPublic, sizeof boxPublic);
    const QByteArray certMsg = certifiedMessage(m_header, rec);
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, nullptr, bytes(certMsg), quint64(certMsg.size()), m_rootSecret.data());
    rec.certificate = toBytes(sig, sizeof sig);
    QByteArray raw = randomBytes(kRecoveryBytes);
    rec.wrapped = wrapPayload(makePayload(m_dataKey, boxSecret, m_rootPublic, &m_rootSecret),
                              recoveryKey(raw, rec.salt), slotAssociatedData(m_header, rec));
    // The health and cohort keys only when this ring holds them (an administrator's normally does not: the
    // grants then stay pending until a nurse logs in, KeyRing::login).
    if (hasHealthKey())
        rec.healthSealed = grantHealth(rec);
    if (hasCohortKey())
        rec.cohortSealed = grantCohort(rec);
    if (recoveryKeyText)
        *recoveryKeyText = formatRecoveryKey(raw);
    sodium_memzero(raw.data(), std::size_t(raw.size()));
    return rec;
}

KeyRing KeyRing::openPayload(const KeyRingHeader& header, const KeySlot& slot, const SecretBytes& wrapKey)
{
    if (header.databaseId.size() != qsizetype(kDatabaseIdBytes) ||
        header.rootPublicKey.size() != crypto_sign_PUBLICKEYBYTES)
        throw altered(tr("its header is damaged"));
    if (slot.publicKey.size() != crypto_box_PUBLICKEYBYTES ||
        slot.wrapped.size() < qsizetype(kNonceBytes + kPayloadBase + kTagBytes))
        throw Error(tr("Wrong password, or the key slot was altered."), Error::Kind::AccessDenied);
    const QByteArray ad = slotAssociatedData(header, slot);
    const std::size_t cipherLen = std::size_t(slot.wrapped.size()) - kNonceBytes;
    SecretBytes payload(cipherLen - kTagBytes);
    unsigned long long len = 0;
    const unsigned char* w = bytes(slot.wrapped);
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(payload.data(), &len, nullptr, w + kNonceBytes, cipherLen,
                                                   bytes(ad), quint64(ad.size()), w, wrapKey.data()) != 0)
        throw Error(tr("Wrong password, or the key slot was altered."), Error::Kind::AccessDenied);
    const unsigned char* p = payload.data();
    const bool hasRoot = (p[1] & kHasRoot) != 0;
    if (p[0] != kFormat || payload.size() != (hasRoot ? kPayloadWithRoot : kPayloadBase))
        throw altered(tr("a key slot has an unknown format"));

    KeyRing ring;
    ring.m_header = header;
    ring.m_userId = slot.userId;
    ring.m_role = slot.role;
    ring.m_publicKey = slot.publicKey;
    p += 2;
    ring.m_dataKey = SecretBytes::copyOf(p, kKeyBytes);
    p += kKeyBytes;
    ring.m_boxSecret = SecretBytes::copyOf(p, crypto_box_SECRETKEYBYTES);
    p += crypto_box_SECRETKEYBYTES;
    ring.m_rootPublic = toBytes(p, crypto_sign_PUBLICKEYBYTES);
    p += crypto_sign_PUBLICKEYBYTES;
    if (hasRoot)
        ring.m_rootSecret = SecretBytes::copyOf(p, crypto_sign_SECRETKEYBYTES);

    // The slot opened: everything around it must agree with what it holds.
    if (!sameBytes(dataKeyCheck(ring.m_dataKey, header.databaseId), header.dataKeyCheck))
        throw altered(tr("the data key does not match the database"));
    if (!sameBytes(ring.m_rootPublic, header.rootPublicKey))
        throw altered(tr("the root key does not match the database"));
    unsigned char derivedPublic[crypto_box_PUBLICKEYBYTES];
    crypto_scalarmult_base(derivedPublic, ring.m_boxSecret.data());
    if (!sameBytes(toBytes(derivedPublic, sizeof derivedPublic), slot.publicKey))
        throw altered(tr("a slot's public key was replaced"));
    if (!ring.certificateValid(slot))
        throw altered(tr("a slot's certificate does not match its role"));
    if (!slot.healthSealed.isEmpty()) {
        if (header.healthKeyCheck.isEmpty() ||
            slot.healthSealed.size() != qsizetype(crypto_box_SEALBYTES + kKeyBytes))
            throw altered(tr("a health grant has no health key to match"));
        SecretBytes health(kKeyBytes);
        if (crypto_box_seal_open(health.data(), bytes(slot.healthSealed), quint64(slot.healthSealed.size()),
                                 bytes(slot.publicKey), ring.m_boxSecret.data()) != 0 ||
            !sameBytes(healthKeyCheck(ring.m_dataKey, health), header.healthKeyCheck))
            throw altered(tr("a health grant does not open the database's health key"));
        ring.m_healthKey = std::move(health);
    }
    if (!slot.cohortSealed.isEmpty()) {
        if (header.cohortKeyCheck.isEmpty() ||
            slot.cohortSealed.size() != qsizetype(crypto_box_SEALBYTES + kKeyBytes))
            throw altered(tr("a cohort grant has no cohort key to match"));
        SecretBytes cohort(kKeyBytes);
        if (crypto_box_seal_open(cohort.data(), bytes(slot.cohortSealed), quint64(slot.cohortSealed.size()),
                                 bytes(slot.publicKey), ring.m_boxSecret.data()) != 0 ||
            !sameBytes(cohortKeyCheck(ring.m_dataKey, cohort), header.cohortKeyCheck))
            throw altered(tr("a cohort grant does not open the database's cohort key"));
        ring.m_cohortKey = std::move(cohort);
    }
    return ring;
}

KeyRing KeyRing::unlock(const KeyRingHeader& header, const KeySlot& slot, const QString& password)
{
    ensureSodium();
    if (slot.kind != KeySlot::Kind::User)
        throw Error(tr("The recovery slot opens with the recovery key, not a password."),
                    Error::Kind::Invalid);
    return openPayload(header, slot, passwordKey(password, slot.salt, slot.limits));
}

KeyRing KeyRing::unlockWithRecoveryKey(const KeyRingHeader& header, const KeySlot& recovery,
                                       const QString& recoveryKeyText)
{
    ensureSodium();
    if (recovery.kind != KeySlot::Kind::Recovery)
        throw Error(tr("This is not the recovery slot."), Error::Kind::Invalid);
    const QByteArray raw = parseRecoveryKey(recoveryKeyText);
    try {
        return openPayload(header, recovery, recoveryKey(raw, recovery.salt));
    } catch (const Error& e) {
        if (e.kind() == Error::Kind::AccessDenied)
            throw Error(
                tr("This recovery key does not open this database (or its recovery slot was altered)."),
                Error::Kind::AccessDenied);
        throw;
    }
}

const SecretBytes& KeyRing::keyFor(Scope scope) const
{
    if (scope == Scope::Health) {
        if (m_healthKey.empty())
            throw Error(tr("The health key is not available to this user: only nurses' key slots open it."),
                        Error::Kind::AccessDenied);
        return m_healthKey;
    }
    if (scope == Scope::Cohort) {
        if (m_cohortKey.empty())
            throw Error(tr("The cohort key is not available to this user: only nurses' and coordinators' key "
                           "slots open it."),
                        Error::Kind::AccessDenied);
        return m_cohortKey;
    }
    return m_dataKey;
}

QByteArray KeyRing::encrypt(Scope scope, const QByteArray& plain, const QByteArray& context) const
{
    const SecretBytes& key = keyFor(scope);
    const QByteArray ad =
        QByteArrayLiteral("cabas-field-v1") + scopeCode(scope) + m_header.databaseId + context;
    QByteArray out(qsizetype(1 + kNonceBytes + std::size_t(plain.size()) + kTagBytes), '\0');
    auto* o = reinterpret_cast<unsigned char*>(out.data());
    o[0] = kFormat;
    randombytes_buf(o + 1, kNonceBytes);
    unsigned long long len = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(o + 1 + kNonceBytes, &len, bytes(plain), quint64(plain.size()),
                                               bytes(ad), quint64(ad.size()), nullptr, o + 1, key.data());
    return out;
}

QByteArray KeyRing::decrypt(Scope scope, const QByteArray& sealed, const QByteArray& context) const
{
    const SecretBytes& key = keyFor(scope);
    // The same associated data as encrypt(), on the stack (decrypting is what a sealed database does most).
    static constexpr char kAdPrefix[] = "cabas-field-v1";
    QVarLengthArray<char, 256> ad;
    ad.append(kAdPrefix, qsizetype(sizeof kAdPrefix - 1));
    ad.append(scopeCode(scope));
    ad.append(m_header.databaseId.constData(), m_header.databaseId.size());
    ad.append(context.constData(), context.size());
    if (sealed.size() < qsizetype(1 + kNonceBytes + kTagBytes) || sealed[0] != char(kFormat))
        throw Error(tr("An encrypted value is damaged (%1).").arg(QString::fromUtf8(context)),
                    Error::Kind::Storage);
    const unsigned char* s = bytes(sealed);
    const std::size_t cipherLen = std::size_t(sealed.size()) - 1 - kNonceBytes;
    QByteArray out(qsizetype(cipherLen - kTagBytes), '\0');
    unsigned long long len = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(out.data()), &len,
                                                   nullptr, s + 1 + kNonceBytes, cipherLen,
                                                   reinterpret_cast<const unsigned char*>(ad.constData()),
                                                   quint64(ad.size()), s + 1, key.data()) != 0)
        throw Error(tr("An encrypted value was altered or moved (%1).").arg(QString::fromUtf8(context)),
                    Error::Kind::Storage);
    return out;
}

KeySlot KeyRing::issueSlot(const User& user, const QString& password, KdfLimits limits,
                           bool grantHealthNow) const
{
    if (!canCertify())
        throw Error(tr("Only an administrator (or the recovery key) can issue a key slot."),
                    Error::Kind::AccessDenied);
    if (user.id <= 0)
        throw Error(tr("A key slot belongs to a saved user."), Error::Kind::Invalid);
    if (!limits.acceptable())
        throw Error(tr("The key derivation limits are below libsodium's interactive limits."),
                    Error::Kind::Invalid);
    KeySlot slot;
    slot.kind = KeySlot::Kind::User;
    slot.userId = user.id;
    slot.role = toCode(user.role);
    slot.salt = randomBytes(crypto_pwhash_SALTBYTES);
    slot.limits = limits;
    SecretBytes boxSecret(crypto_box_SECRETKEYBYTES);
    unsigned char boxPublic[crypto_box_PUBLICKEYBYTES];
    crypto_box_keypair(boxPublic, boxSecret.data());
    slot.publicKey = toBytes(boxPublic, sizeof boxPublic);
    const QByteArray message = certifiedMessage(m_header, slot);
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, nullptr, bytes(message), quint64(message.size()), m_rootSecret.data());
    slot.certificate = toBytes(sig, sizeof sig);
    const bool admin = user.role == Role::Admin;
    slot.wrapped =
        wrapPayload(makePayload(m_dataKey, boxSecret, m_rootPublic, admin ? &m_rootSecret : nullptr),
                    passwordKey(password, slot.salt, limits), slotAssociatedData(m_header, slot));
    if (grantHealthNow && hasHealthKey() && user.role == Role::Nurse)
        slot.healthSealed = grantHealth(slot);
    return slot;
}

KeySlot KeyRing::rewrap(const KeySlot& own, const QString& newPassword, KdfLimits limits) const
{
    if (own.kind != KeySlot::Kind::User || own.userId != m_userId || !sameBytes(own.publicKey, m_publicKey))
        throw Error(tr("A user can only re-wrap their own key slot."), Error::Kind::AccessDenied);
    if (!limits.acceptable())
        throw Error(tr("The key derivation limits are below libsodium's interactive limits."),
                    Error::Kind::Invalid);
    KeySlot slot = own;
    slot.salt = randomBytes(crypto_pwhash_SALTBYTES);
    slot.limits = limits;
    slot.wrapped =
        wrapPayload(makePayload(m_dataKey, m_boxSecret, m_rootPublic, canCertify() ? &m_rootSecret : nullptr),
                    passwordKey(newPassword, slot.salt, limits), slotAssociatedData(m_header, slot));
    return slot;
}

QByteArray KeyRing::createHealthKey()
{
    if (m_role != toCode(Role::Nurse))
        throw Error(tr("Only a nurse creates the health key."), Error::Kind::AccessDenied);
    if (hasHealthKey() || !m_header.healthKeyCheck.isEmpty())
        throw Error(tr("This database already has a health key."), Error::Kind::Conflict);
    m_healthKey = SecretBytes::random(kKeyBytes);
    m_header.healthKeyCheck = healthKeyCheck(m_dataKey, m_healthKey);
    return m_header.healthKeyCheck;
}

bool KeyRing::certificateValid(const KeySlot& slot) const
{
    if (slot.certificate.size() != crypto_sign_BYTES || m_rootPublic.size() != crypto_sign_PUBLICKEYBYTES)
        return false;
    const QByteArray message = certifiedMessage(m_header, slot);
    return crypto_sign_verify_detached(bytes(slot.certificate), bytes(message), quint64(message.size()),
                                       bytes(m_rootPublic)) == 0;
}

QByteArray KeyRing::grantHealth(const KeySlot& pending) const
{
    keyFor(Scope::Health); // throws without it
    const bool nurse = pending.kind == KeySlot::Kind::User && pending.role == toCode(Role::Nurse);
    const bool recovery = pending.kind == KeySlot::Kind::Recovery && pending.userId == 0;
    if (!nurse && !recovery)
        throw Error(tr("The health key is only granted to nurses (and the recovery key)."),
                    Error::Kind::AccessDenied);
    if (pending.publicKey.size() != crypto_box_PUBLICKEYBYTES || !certificateValid(pending))
        throw altered(tr("a slot waiting for the health key has no valid certificate"));
    QByteArray sealed(qsizetype(crypto_box_SEALBYTES + kKeyBytes), '\0');
    crypto_box_seal(reinterpret_cast<unsigned char*>(sealed.data()), m_healthKey.data(), kKeyBytes,
                    bytes(pending.publicKey));
    return sealed;
}

QByteArray KeyRing::createCohortKey()
{
    // A nurse at login, or the recovery key when an administrator seals the health tables of a database whose
    // nurses made the health key before cohort keys existed (core/setup/Sealing).
    const bool recovery = m_role == QLatin1String("recovery") && canCertify();
    if ((m_role != toCode(Role::Nurse) && !recovery) || !hasHealthKey())
        throw Error(tr("Only a nurse holding the health key creates the cohort key."),
                    Error::Kind::AccessDenied);
    if (hasCohortKey() || !m_header.cohortKeyCheck.isEmpty())
        throw Error(tr("This database already has a cohort key."), Error::Kind::Conflict);
    m_cohortKey = SecretBytes::random(kKeyBytes);
    m_header.cohortKeyCheck = cohortKeyCheck(m_dataKey, m_cohortKey);
    return m_header.cohortKeyCheck;
}

std::pair<QByteArray, QByteArray> KeyRing::createHealthKeysForSealing()
{
    if (!canCertify())
        throw Error(tr("Only an administrator (or the recovery key) can seal a database."),
                    Error::Kind::AccessDenied);
    if (hasHealthKey() || !m_header.healthKeyCheck.isEmpty() || hasCohortKey() ||
        !m_header.cohortKeyCheck.isEmpty())
        throw Error(tr("This database already has a health key."), Error::Kind::Conflict);
    m_healthKey = SecretBytes::random(kKeyBytes);
    m_header.healthKeyCheck = healthKeyCheck(m_dataKey, m_healthKey);
    m_cohortKey = SecretBytes::random(kKeyBytes);
    m_header.cohortKeyCheck = cohortKeyCheck(m_dataKey, m_cohortKey);
    return {m_header.healthKeyCheck, m_header.cohortKeyCheck};
}

QByteArray KeyRing::grantCohort(const KeySlot& pending) const
{
    keyFor(Scope::Cohort); // throws without it
    const bool staff = pending.kind == KeySlot::Kind::User &&
                       (pending.role == toCode(Role::Nurse) || pending.role == toCode(Role::Coordinator));
    const bool recovery = pending.kind == KeySlot::Kind::Recovery && pending.userId == 0;
    if (!staff && !recovery)
        throw Error(tr("The cohort key is only granted to nurses and coordinators (and the recovery key)."),
                    Error::Kind::AccessDenied);
    if (pending.publicKey.size() != crypto_box_PUBLICKEYBYTES || !certificateValid(pending))
        throw altered(tr("a slot waiting for the cohort key has no valid certificate"));
    QByteArray sealed(qsizetype(crypto_box_SEALBYTES + kKeyBytes), '\0');
    crypto_box_seal(reinterpret_cast<unsigned char*>(sealed.data()), m_cohortKey.data(), kKeyBytes,
                    bytes(pending.publicKey));
    return sealed;
}

QString KeyRing::formatRecoveryKey(const QByteArray& raw)
{
    QString out;
    quint32 buffer = 0;
    int bits = 0;
    int chars = 0;
    for (const char c : raw) {
        buffer = (buffer << 8) | quint8(c);
        bits += 8;
        while (bits >= 5) {
            if (chars > 0 && chars % 4 == 0)
                out += QLatin1Char('-');
            out += QLatin1Char(kBase32[(buffer >> (bits - 5)) & 31]);
            bits -= 5;
            ++chars;
        }
    }
    return out;
}

QByteArray KeyRing::parseRecoveryKey(const QString& text)
{
    QByteArray out;
    quint32 buffer = 0;
    int bits = 0;
    int chars = 0;
    for (QChar c : text) {
        if (c == QLatin1Char('-') || c.isSpace())
            continue;
        c = c.toUpper();
        if (c == QLatin1Char('0'))
            c = QLatin1Char('O');
        else if (c == QLatin1Char('1'))
            c = QLatin1Char('I');
        const char* at =
            c.unicode() < 128 && c.unicode() > 0 ? std::strchr(kBase32, char(c.unicode())) : nullptr;
        if (!at)
            throw Error(tr("The recovery key has a character that cannot be in it: \"%1\".").arg(c),
                        Error::Kind::Invalid);
        buffer = (buffer << 5) | quint32(at - kBase32);
        bits += 5;
        ++chars;
        if (bits >= 8) {
            out += char((buffer >> (bits - 8)) & 0xff);
            bits -= 8;
        }
    }
    if (chars != int(kRecoveryBytes * 8 / 5))
        throw Error(
            tr("A recovery key has 32 letters and digits (8 groups of 4); this one has %1.").arg(chars),
            Error::Kind::Invalid);
    return out;
}

// ---- The flows over the key slot tables

namespace {
// Runs `f` in a transaction unless the caller already holds one.
template <typename F> void inTransaction(const store::Database& db, F f)
{
    if (db.inTransaction()) {
        f();
        return;
    }
    store::Database::Transaction tx(db);
    f();
    tx.commit();
}
} // namespace

QString KeyRing::initialise(store::KeySlotRepository& repo, const User& admin, const QString& password,
                            const QDateTime& now, KdfLimits limits)
{
    if (repo.header())
        throw Error(tr("This database already has its keys."), Error::Kind::Conflict);
    Created c = create(admin, password, limits);
    inTransaction(repo.database(), [&] {
        repo.createHeader(c.header, now);
        repo.put(c.admin, now);
        repo.put(c.recovery, now);
    });
    return c.recoveryKey;
}

KeyRing KeyRing::login(store::KeySlotRepository& repo, const User& user, const QString& password,
                       const QDateTime& now, std::vector<qint64>* granted, std::vector<qint64>* cohortGranted)
{
    const auto header = repo.header();
    if (!header)
        throw Error(tr("This database has no keys yet."), Error::Kind::NotFound);
    const auto slot = repo.forUser(user.id);
    if (!slot)
        throw Error(
            tr("User %1 has no key slot: an administrator must set their password again.").arg(user.login),
            Error::Kind::AccessDenied);
    KeyRing ring = unlock(*header, *slot, password);
    if (ring.m_role != toCode(Role::Nurse) || user.role != Role::Nurse)
        return ring;
    const bool create = header->healthKeyCheck.isEmpty();
    if (!create && !ring.hasHealthKey())
        return ring; // this nurse waits for another nurse's grant
    inTransaction(repo.database(), [&] {
        std::vector<qint64> done;
        if (create) {
            repo.setHealthKeyCheck(ring.createHealthKey(), now);
            repo.setHealthSealed(*slot, ring.grantHealth(*slot), now);
            done.push_back(user.id);
        }
        for (const KeySlot& pending : repo.pendingHealthGrants()) {
            if (pending.id == slot->id || !ring.certificateValid(pending))
                continue; // a slot without a valid certificate never gets the key
            // A slot replaced since it was read (a reset, a new recovery key) waits for the next nurse.
            if (repo.setHealthSealed(pending, ring.grantHealth(pending), now))
                done.push_back(pending.userId);
        }
        if (granted)
            *granted = done;
        // The cohort key (schema 15): created by a nurse holding the health key when there is none, then
        // sealed to the pending nurses', coordinators' and recovery slots.
        if (!repo.hasCohortKeys() || !ring.hasHealthKey())
            return;
        std::vector<qint64> cohortDone;
        if (header->cohortKeyCheck.isEmpty()) {
            repo.setCohortKeyCheck(ring.createCohortKey(), now);
            repo.setCohortSealed(*slot, ring.grantCohort(*slot), now);
            cohortDone.push_back(user.id);
        }
        if (ring.hasCohortKey())
            for (const KeySlot& pending : repo.pendingCohortGrants()) {
                if (pending.id == slot->id || !ring.certificateValid(pending))
                    continue;
                if (repo.setCohortSealed(pending, ring.grantCohort(pending), now))
                    cohortDone.push_back(pending.userId);
            }
        if (cohortGranted)
            *cohortGranted = cohortDone;
    });
    return ring;
}

void KeyRing::changeOwnPassword(store::KeySlotRepository& repo, const User& user, const QString& newPassword,
                                const QDateTime& now, KdfLimits limits) const
{
    const auto slot = repo.forUser(user.id);
    if (!slot)
        throw Error(tr("User %1 has no key slot.").arg(user.login), Error::Kind::NotFound);
    repo.rewrap(rewrap(*slot, newPassword, limits), now);
}

QString KeyRing::replaceRecovery(store::KeySlotRepository& repo, const QDateTime& now, KeySlot* issued) const
{
    if (m_role != toCode(Role::Admin) || !canCertify())
        throw Error(tr("Only an administrator can replace the recovery key."), Error::Kind::AccessDenied);
    const auto header = repo.header();
    const auto old = header ? repo.recovery() : std::nullopt;
    if (!header || !old)
        throw Error(tr("This database has no recovery key to replace: it has no key ring."),
                    Error::Kind::NotFound);
    // A ring opened on another database (or before its key ring was replaced) would write a slot that opens
    // nothing here.
    if (!sameBytes(header->databaseId, m_header.databaseId) ||
        !sameBytes(header->rootPublicKey, m_rootPublic))
        throw altered(tr("the administrator's keys are not this database's"));
    QString text;
    KeySlot rec = issueRecoverySlot(&text);
    // The recovery row is rewritten in place (KeySlotRepository::put): the old key's slot is gone.
    inTransaction(repo.database(), [&] { repo.put(rec, now); });
    if (issued)
        *issued = rec;
    return text;
}

void KeyRing::resetPassword(store::KeySlotRepository& repo, const User& user, const QString& newPassword,
                            const QDateTime& now, KdfLimits limits) const
{
    KeySlot slot = issueSlot(user, newPassword, limits);
    repo.put(slot, now);
}

} // namespace cabas::security
