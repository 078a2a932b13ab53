#include "security/KeyRing.h"
#include "common/Error.h"

#include <QRegularExpression>
#include <catch2/catch.hpp>
#include <functional>
#include <sodium.h>

using namespace cabas;
using namespace cabas::security;

namespace {
User user(qint64 id, const QString& login, Role role)
{
    User u;
    u.id = id;
    u.login = login;
    u.displayName = login;
    u.role = role;
    return u;
}

Error::Kind kindOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.kind();
    }
    FAIL("no error was thrown");
    return Error::Kind::Invalid;
}

const QString kAdminPw = QStringLiteral("Admin-Password-2026");
const QString kNursePw = QStringLiteral("Nurse-Password-2026");
const QString kSocialPw = QStringLiteral("Social-Password-2026");
const QByteArray kName = QByteArrayLiteral("Dupont-Lagarde");
const QByteArray kWeight = QByteArrayLiteral("weight_g=71250");

// A database's keys with an administrator (1), a nurse (2) holding the health key and a social worker (3).
struct Fixture
{
    KeyRing::Created created = KeyRing::create(user(1, QStringLiteral("admin"), Role::Admin), kAdminPw);
    KeyRingHeader header = created.header;
    KeySlot nurse;
    KeySlot social;

    Fixture()
    {
        nurse = created.ring.issueSlot(user(2, QStringLiteral("nurse"), Role::Nurse), kNursePw);
        social = created.ring.issueSlot(user(3, QStringLiteral("social"), Role::SocialWorker), kSocialPw);
        KeyRing n = KeyRing::unlock(header, nurse, kNursePw);
        header.healthKeyCheck = n.createHealthKey();
        nurse.healthSealed = n.grantHealth(nurse);
        created.recovery.healthSealed = n.grantHealth(created.recovery);
    }
};
} // namespace

TEST_CASE("key ring: a wrong password fails cleanly and the right one opens the data key",
          "[security][keyring]")
{
    const KeyRing::Created c = KeyRing::create(user(1, QStringLiteral("admin"), Role::Admin), kAdminPw);
    const QByteArray sealed = c.ring.encrypt(KeyRing::Scope::Data, kName, "person.last_name:1");
    CHECK_FALSE(sealed.contains(kName));

    CHECK(kindOf([&] { KeyRing::unlock(c.header, c.admin, QStringLiteral("admin-password-2026")); }) ==
          Error::Kind::AccessDenied);
    CHECK(kindOf([&] { KeyRing::unlock(c.header, c.admin, QString()); }) == Error::Kind::AccessDenied);

    const KeyRing again = KeyRing::unlock(c.header, c.admin, kAdminPw);
    CHECK(again.decrypt(KeyRing::Scope::Data, sealed, "person.last_name:1") == kName);
    CHECK(again.canCertify());
    CHECK_FALSE(again.hasHealthKey());
    // The value is bound to its place: moved to another row it does not decrypt.
    CHECK(kindOf([&] { again.decrypt(KeyRing::Scope::Data, sealed, "person.last_name:2"); }) ==
          Error::Kind::Storage);
    // Two encryptions of the same value differ (random nonces).
    CHECK(c.ring.encrypt(KeyRing::Scope::Data, kName, "x") !=
          c.ring.encrypt(KeyRing::Scope::Data, kName, "x"));
    // Only an administrator's slot can start a key ring, and the limits are never below INTERACTIVE.
    CHECK(kindOf([&] { KeyRing::create(user(2, QStringLiteral("n"), Role::Nurse), kNursePw); }) ==
          Error::Kind::Invalid);
    CHECK(
        kindOf([&] {
            c.ring.issueSlot(user(5, QStringLiteral("w"), Role::SocialWorker), kSocialPw, KdfLimits{1, 8192});
        }) == Error::Kind::Invalid);
}

TEST_CASE("key ring: a nurse's slot opens the health key, a social worker's does not", "[security][keyring]")
{
    Fixture f;
    const KeyRing nurse = KeyRing::unlock(f.header, f.nurse, kNursePw);
    REQUIRE(nurse.hasHealthKey());
    const QByteArray sealed = nurse.encrypt(KeyRing::Scope::Health, kWeight, "checkup.weight_g:7");
    CHECK(nurse.decrypt(KeyRing::Scope::Health, sealed, "checkup.weight_g:7") == kWeight);

    const KeyRing social = KeyRing::unlock(f.header, f.social, kSocialPw);
    CHECK_FALSE(social.hasHealthKey());
    CHECK(kindOf([&] { social.decrypt(KeyRing::Scope::Health, sealed, "checkup.weight_g:7"); }) ==
          Error::Kind::AccessDenied);
    // Even the data key does not open health values.
    CHECK(kindOf([&] { social.decrypt(KeyRing::Scope::Data, sealed, "checkup.weight_g:7"); }) ==
          Error::Kind::Storage);
    // A nurse does not grant the health key to a social worker's slot...
    CHECK(kindOf([&] { nurse.grantHealth(f.social); }) == Error::Kind::AccessDenied);
    // ...nor to a social worker's slot relabelled as a nurse's: its certificate no longer matches.
    KeySlot relabelled = f.social;
    relabelled.role = QStringLiteral("nurse");
    CHECK_FALSE(nurse.certificateValid(relabelled));
    CHECK(kindOf([&] { nurse.grantHealth(relabelled); }) == Error::Kind::Storage);
    // The administrator never holds it.
    const KeyRing admin = KeyRing::unlock(f.header, f.created.admin, kAdminPw);
    CHECK_FALSE(admin.hasHealthKey());
    CHECK(kindOf([&] { admin.decrypt(KeyRing::Scope::Health, sealed, "checkup.weight_g:7"); }) ==
          Error::Kind::AccessDenied);
}

TEST_CASE("key ring: changing a password re-wraps the slot and keeps data readable", "[security][keyring]")
{
    Fixture f;
    KeyRing nurse = KeyRing::unlock(f.header, f.nurse, kNursePw);
    const QByteArray name = nurse.encrypt(KeyRing::Scope::Data, kName, "person.last_name:1");
    const QByteArray weight = nurse.encrypt(KeyRing::Scope::Health, kWeight, "checkup.weight_g:1");

    const QString newPw = QStringLiteral("Another-Nurse-Password-7");
    const KeySlot rewrapped = nurse.rewrap(f.nurse, newPw);
    CHECK(rewrapped.publicKey == f.nurse.publicKey);
    CHECK(rewrapped.certificate == f.nurse.certificate);
    CHECK(rewrapped.healthSealed == f.nurse.healthSealed);
    CHECK(rewrapped.salt != f.nurse.salt);
    CHECK(rewrapped.wrapped != f.nurse.wrapped);

    CHECK(kindOf([&] { KeyRing::unlock(f.header, rewrapped, kNursePw); }) == Error::Kind::AccessDenied);
    const KeyRing after = KeyRing::unlock(f.header, rewrapped, newPw);
    CHECK(after.decrypt(KeyRing::Scope::Data, name, "person.last_name:1") == kName);
    CHECK(after.decrypt(KeyRing::Scope::Health, weight, "checkup.weight_g:1") == kWeight);
    // Nobody re-wraps someone else's slot.
    CHECK(kindOf([&] { nurse.rewrap(f.social, newPw); }) == Error::Kind::AccessDenied);
}

TEST_CASE("key ring: an administrator's reset leaves the health key pending until a nurse grants it",
          "[security][keyring]")
{
    Fixture f;
    const KeyRing nurse = KeyRing::unlock(f.header, f.nurse, kNursePw);
    const QByteArray weight = nurse.encrypt(KeyRing::Scope::Health, kWeight, "checkup.weight_g:3");

    // A second nurse forgot her password: the administrator gives her a new slot.
    const KeyRing admin = KeyRing::unlock(f.header, f.created.admin, kAdminPw);
    const User nurse2 = user(4, QStringLiteral("nurse2"), Role::Nurse);
    KeySlot reset = admin.issueSlot(nurse2, QStringLiteral("Reset-Password-2026"));
    CHECK(reset.healthPending());
    {
        const KeyRing pending = KeyRing::unlock(f.header, reset, QStringLiteral("Reset-Password-2026"));
        CHECK_FALSE(pending.hasHealthKey());
        CHECK(kindOf([&] { pending.decrypt(KeyRing::Scope::Health, weight, "checkup.weight_g:3"); }) ==
              Error::Kind::AccessDenied);
        // She cannot make a health key of her own while the database has one.
        KeyRing copy = KeyRing::unlock(f.header, reset, QStringLiteral("Reset-Password-2026"));
        CHECK(kindOf([&] { copy.createHealthKey(); }) == Error::Kind::Conflict);
    }
    // Another nurse logs in and seals the health key to the new slot.
    REQUIRE(nurse.certificateValid(reset));
    reset.healthSealed = nurse.grantHealth(reset);
    const KeyRing granted = KeyRing::unlock(f.header, reset, QStringLiteral("Reset-Password-2026"));
    REQUIRE(granted.hasHealthKey());
    CHECK(granted.decrypt(KeyRing::Scope::Health, weight, "checkup.weight_g:3") == kWeight);
    // A nurse's ring cannot issue slots: only administrators and the recovery key certify.
    CHECK_FALSE(nurse.canCertify());
    CHECK(kindOf([&] { nurse.issueSlot(nurse2, kNursePw); }) == Error::Kind::AccessDenied);
}

TEST_CASE("key ring: the recovery key opens the data and health keys", "[security][keyring]")
{
    Fixture f;
    const QString key = f.created.recoveryKey;
    CHECK(QRegularExpression(QStringLiteral("^([A-Z2-7]{4}-){7}[A-Z2-7]{4}$")).match(key).hasMatch());
    CHECK(KeyRing::formatRecoveryKey(KeyRing::parseRecoveryKey(key)) == key);

    const KeyRing nurse = KeyRing::unlock(f.header, f.nurse, kNursePw);
    const QByteArray name = nurse.encrypt(KeyRing::Scope::Data, kName, "n");
    const QByteArray weight = nurse.encrypt(KeyRing::Scope::Health, kWeight, "w");

    // Typed back in lower case, with spaces instead of dashes.
    const QString typed = key.toLower().replace(QLatin1Char('-'), QLatin1Char(' '));
    const KeyRing recovered = KeyRing::unlockWithRecoveryKey(f.header, f.created.recovery, typed);
    CHECK(recovered.decrypt(KeyRing::Scope::Data, name, "n") == kName);
    CHECK(recovered.decrypt(KeyRing::Scope::Health, weight, "w") == kWeight);
    // It can give every administrator a new slot.
    REQUIRE(recovered.canCertify());
    const KeySlot admin = recovered.issueSlot(user(1, QStringLiteral("admin"), Role::Admin), kAdminPw);
    CHECK(KeyRing::unlock(f.header, admin, kAdminPw).canCertify());

    // A wrong key, a mistyped one and a key of the wrong length.
    const KeyRing::Created other = KeyRing::create(user(1, QStringLiteral("admin"), Role::Admin), kAdminPw);
    CHECK(kindOf([&] { KeyRing::unlockWithRecoveryKey(f.header, f.created.recovery, other.recoveryKey); }) ==
          Error::Kind::AccessDenied);
    CHECK(kindOf([&] { KeyRing::parseRecoveryKey(key.left(30) + QStringLiteral("#A")); }) ==
          Error::Kind::Invalid);
    CHECK(kindOf([&] { KeyRing::parseRecoveryKey(key.left(20)); }) == Error::Kind::Invalid);
    CHECK(kindOf([&] { KeyRing::unlock(f.header, f.created.recovery, key); }) == Error::Kind::Invalid);
}

TEST_CASE("key ring: an administrator issues a new recovery slot, whose health grant waits for a nurse",
          "[security][keyring][recovery]")
{
    Fixture f;
    const KeyRing nurse = KeyRing::unlock(f.header, f.nurse, kNursePw);
    const QByteArray name = nurse.encrypt(KeyRing::Scope::Data, kName, "n");
    const QByteArray weight = nurse.encrypt(KeyRing::Scope::Health, kWeight, "w");

    const KeyRing admin = KeyRing::unlock(f.header, f.created.admin, kAdminPw);
    QString key;
    KeySlot fresh = admin.issueRecoverySlot(&key);
    CHECK(QRegularExpression(QStringLiteral("^([A-Z2-7]{4}-){7}[A-Z2-7]{4}$")).match(key).hasMatch());
    CHECK(key != f.created.recoveryKey);
    CHECK(fresh.kind == KeySlot::Kind::Recovery);
    CHECK(fresh.publicKey != f.created.recovery.publicKey);
    CHECK(fresh.healthPending()); // administrators never hold the health key
    CHECK(fresh.cohortPending());
    // The old key does not open the new slot; the new key opens the data and root keys at once.
    CHECK(kindOf([&] { KeyRing::unlockWithRecoveryKey(f.header, fresh, f.created.recoveryKey); }) ==
          Error::Kind::AccessDenied);
    {
        const KeyRing opened = KeyRing::unlockWithRecoveryKey(f.header, fresh, key);
        CHECK(opened.canCertify());
        CHECK_FALSE(opened.hasHealthKey());
        CHECK(opened.decrypt(KeyRing::Scope::Data, name, "n") == kName);
    }
    // A nurse checks its certificate against the root key of her own slot (the database's), and grants.
    REQUIRE(nurse.certificateValid(fresh));
    fresh.healthSealed = nurse.grantHealth(fresh);
    CHECK(KeyRing::unlockWithRecoveryKey(f.header, fresh, key).decrypt(KeyRing::Scope::Health, weight, "w") ==
          kWeight);

    // A ring holding the health key (the recovery key's own) seals it to the new slot at once.
    const KeyRing recovered =
        KeyRing::unlockWithRecoveryKey(f.header, f.created.recovery, f.created.recoveryKey);
    QString key2;
    const KeySlot granted = recovered.issueRecoverySlot(&key2);
    CHECK_FALSE(granted.healthPending());
    CHECK(KeyRing::unlockWithRecoveryKey(f.header, granted, key2)
              .decrypt(KeyRing::Scope::Health, weight, "w") == kWeight);
    // Nurses and social workers do not certify: no recovery slot from them.
    CHECK(kindOf([&] { nurse.issueRecoverySlot(&key2); }) == Error::Kind::AccessDenied);
    CHECK(kindOf([&] { KeyRing::unlock(f.header, f.social, kSocialPw).issueRecoverySlot(&key2); }) ==
          Error::Kind::AccessDenied);
}

TEST_CASE("key ring: a tampered slot, grant, header or value is detected", "[security][keyring]")
{
    Fixture f;
    {
        KeySlot s = f.nurse; // one bit of the wrapped keys
        s.wrapped[40] = char(s.wrapped[40] ^ 1);
        CHECK(kindOf([&] { KeyRing::unlock(f.header, s, kNursePw); }) == Error::Kind::AccessDenied);
    }
    {
        KeySlot s = f.nurse; // moved to another user
        s.userId = 3;
        CHECK(kindOf([&] { KeyRing::unlock(f.header, s, kNursePw); }) == Error::Kind::AccessDenied);
    }
    {
        KeySlot s =
            f.nurse; // its public key replaced (so that a nurse would seal the health key to an attacker)
        s.publicKey = f.social.publicKey;
        CHECK(kindOf([&] { KeyRing::unlock(f.header, s, kNursePw); }) == Error::Kind::AccessDenied);
    }
    {
        KeySlot s = f.social; // a social worker relabelled as nurse
        s.role = QStringLiteral("nurse");
        CHECK(kindOf([&] { KeyRing::unlock(f.header, s, kSocialPw); }) == Error::Kind::Storage);
    }
    {
        KeySlot s = f.nurse; // another health key sealed to the nurse: anyone can seal to a public key
        unsigned char otherKey[32];
        randombytes_buf(otherKey, sizeof otherKey);
        s.healthSealed = QByteArray(int(crypto_box_SEALBYTES + sizeof otherKey), '\0');
        crypto_box_seal(reinterpret_cast<unsigned char*>(s.healthSealed.data()), otherKey, sizeof otherKey,
                        reinterpret_cast<const unsigned char*>(s.publicKey.constData()));
        CHECK(kindOf([&] { KeyRing::unlock(f.header, s, kNursePw); }) == Error::Kind::Storage);
        s.healthSealed = f.nurse.healthSealed; // or a damaged box
        s.healthSealed[5] = char(s.healthSealed[5] ^ 1);
        CHECK(kindOf([&] { KeyRing::unlock(f.header, s, kNursePw); }) == Error::Kind::Storage);
    }
    {
        KeyRingHeader h = f.header; // the header's data key check
        h.dataKeyCheck[0] = char(h.dataKeyCheck[0] ^ 1);
        CHECK(kindOf([&] { KeyRing::unlock(h, f.nurse, kNursePw); }) == Error::Kind::Storage);
    }
    {
        KeyRingHeader h = f.header; // the health key check, as if another health key had been sealed
        h.healthKeyCheck[0] = char(h.healthKeyCheck[0] ^ 1);
        CHECK(kindOf([&] { KeyRing::unlock(h, f.nurse, kNursePw); }) == Error::Kind::Storage);
    }
    {
        const KeyRing nurse = KeyRing::unlock(f.header, f.nurse, kNursePw);
        QByteArray v = nurse.encrypt(KeyRing::Scope::Health, kWeight, "checkup.weight_g:9");
        v[v.size() - 3] = char(v[v.size() - 3] ^ 0x40);
        CHECK(kindOf([&] { nurse.decrypt(KeyRing::Scope::Health, v, "checkup.weight_g:9"); }) ==
              Error::Kind::Storage);
        CHECK(kindOf([&] { nurse.decrypt(KeyRing::Scope::Health, QByteArray("short"), "x"); }) ==
              Error::Kind::Storage);
    }
}

TEST_CASE("key ring: secrets are held in libsodium memory and moved, never copied", "[security][keyring]")
{
    SecretBytes a = SecretBytes::random(32);
    const SecretBytes b = SecretBytes::copyOf(a.data(), a.size());
    CHECK(a.equals(b));
    CHECK_FALSE(a.equals(SecretBytes::random(32)));
    const unsigned char* where = a.data();
    SecretBytes moved = std::move(a);
    CHECK(moved.data() == where);
    CHECK(a.empty()); // NOLINT(bugprone-use-after-move): the moved-from secret is empty
    CHECK(moved.equals(b));
    CHECK(SecretBytes(16).size() == 16);
}
