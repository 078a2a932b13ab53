#pragma once

// Helpers of the key ring wiring tests (AuthenticatorTest, UserServiceTest).

#include "common/Error.h"
#include "security/Authenticator.h"
#include "security/KeyRing.h"
#include "store/AuditRepository.h"
#include "store/KeySlotRepository.h"
#include "store/UserRepository.h"
#include "support/TestDatabase.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <functional>

namespace cabas::test {

inline QString passwordFor(const QString& login)
{
    return QStringLiteral("Password-of-%1").arg(login);
}

inline Session loginAs(const store::Database& db, const QString& login, const QString& password = QString())
{
    return security::Authenticator(db).login(login, password.isEmpty() ? passwordFor(login) : password);
}

// The error a call throws (its kind and message); fails the test when none is thrown.
inline Error thrownBy(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    FAIL("no error was thrown");
    return Error(QString());
}

inline std::vector<store::AuditRecord> auditOf(const store::Database& db, const QString& action)
{
    std::vector<store::AuditRecord> out;
    store::AuditRepository(db).forEach([&](const store::AuditRecord& r) {
        if (r.action == action)
            out.push_back(r);
    });
    return out; // oldest first
}

inline security::KeySlot slotOf(const store::Database& db, const Session& s)
{
    const auto slot = store::KeySlotRepository(db).forUser(s.user.id);
    REQUIRE(slot);
    return *slot;
}

// Every key slot and the header as text, to check that nothing was written.
inline QString keyRingSnapshot(const TempDatabase& t)
{
    const QString rows = QStringLiteral("(SELECT id, kdf_salt || wrapped || coalesce(health_sealed, '-') || "
                                        "updated_at AS x FROM key_slot) s");
    const QString agg =
        t.backend() == store::Backend::Sqlite
            ? QStringLiteral("(SELECT group_concat(x, '|') FROM (SELECT x FROM %1 ORDER BY id))")
            : QStringLiteral("(SELECT string_agg(x, '|' ORDER BY id) FROM %1)");
    return t
        .rawValue(
            QStringLiteral("SELECT (SELECT coalesce(health_key_check, '-') || updated_at FROM key_ring) "
                           "|| %1")
                .arg(agg.arg(rows)))
        .toString();
}

} // namespace cabas::test
