#include "security/AuditTrail.h"
#include "common/Error.h"
#include "store/AuditRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <catch2/catch.hpp>

using namespace cabas;
using cabas::test::TempDatabase;

namespace {
// Fills the trail with records 1..n (init already wrote some) and returns its length.
qint64 fill(const store::Database& db, int n)
{
    const Session admin = test::adminSession(db);
    for (int i = 0; i < n; ++i)
        AuditTrail(db).record(admin, QStringLiteral("read"), QStringLiteral("checkup"),
                              QStringLiteral("P-%1").arg(i));
    return store::AuditRepository(db).recordedHead();
}

// What an attacker with the database file (or psql as its owner) can do: switch the append-only guard off.
void disableGuards(const TempDatabase& t)
{
    if (t.backend() == store::Backend::Sqlite) {
        t.rawExec(QStringLiteral("DROP TRIGGER audit_log_no_update"));
        t.rawExec(QStringLiteral("DROP TRIGGER audit_log_no_delete"));
    } else {
        t.rawExec(QStringLiteral("ALTER TABLE audit_log DISABLE TRIGGER USER"));
    }
}
} // namespace

TEST_CASE("the audit trail is append-only", "[security][audit]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.createInitialised();
    fill(*db, 3);
    CHECK_THROWS(t.rawExec(QStringLiteral("UPDATE audit_log SET login = 'x' WHERE seq = 2")));
    CHECK_THROWS(t.rawExec(QStringLiteral("DELETE FROM audit_log WHERE seq = 2")));
    if (backend == store::Backend::Postgres)
        CHECK_THROWS(t.rawExec(QStringLiteral("TRUNCATE audit_log")));
    CHECK(AuditTrail(*db).verify().ok);
}

TEST_CASE("audit verify detects a changed, deleted, reordered or forged record", "[security][audit]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 3), QTime(9, 15, 30, 250), Qt::UTC));
    TempDatabase t(backend);
    auto db = t.createInitialised();
    const qint64 length = fill(*db, 6);
    REQUIRE(length >= 8);
    const AuditVerification intact = AuditTrail(*db).verify();
    CHECK(intact.ok);
    CHECK(intact.records == length);
    CHECK(intact.headHash.size() == 64);
    disableGuards(t);

    qint64 expectedBad = 0;
    SECTION("a field changed")
    {
        t.rawExec(QStringLiteral("UPDATE audit_log SET record_ref = 'P-999' WHERE seq = 5"));
        expectedBad = 5;
    }
    SECTION("a record deleted in the middle")
    {
        t.rawExec(QStringLiteral("DELETE FROM audit_log WHERE seq = 4"));
        expectedBad = 4;
    }
    SECTION("the last record deleted")
    {
        t.rawExec(QStringLiteral("DELETE FROM audit_log WHERE seq = %1").arg(length));
        expectedBad = length;
    }
    SECTION("two records swapped")
    {
        t.rawExec(QStringLiteral("UPDATE audit_log SET seq = -1 WHERE seq = 3"));
        t.rawExec(QStringLiteral("UPDATE audit_log SET seq = 3 WHERE seq = 4"));
        t.rawExec(QStringLiteral("UPDATE audit_log SET seq = 4 WHERE seq = -1"));
        expectedBad = 3;
    }
    SECTION("a record deleted and the rest renumbered")
    {
        t.rawExec(QStringLiteral("DELETE FROM audit_log WHERE seq = 2"));
        for (qint64 s = 3; s <= length; ++s)
            t.rawExec(QStringLiteral("UPDATE audit_log SET seq = %1 WHERE seq = %2").arg(s - 1).arg(s));
        expectedBad = 2;
    }
    SECTION("a forged record with a recomputed hash of its own")
    {
        store::AuditRecord forged;
        forged.seq = length + 1;
        forged.at = QDateTime(QDate(2025, 3, 3), QTime(10, 0), Qt::UTC);
        forged.login = QStringLiteral("admin");
        forged.role = QStringLiteral("admin");
        forged.action = QStringLiteral("read");
        forged.table = QStringLiteral("checkup");
        forged.recordRef = QStringLiteral("P-1");
        forged.outcome = QStringLiteral("ok");
        forged.prevHash = intact.headHash;
        forged.hash = store::auditHash(forged);
        t.rawExec(QStringLiteral(
                      "INSERT INTO audit_log (seq, at, login, role, action, table_name, record_ref, outcome, "
                      "detail, prev_hash, hash) VALUES (%1, '%2', 'admin', 'admin', 'read', 'checkup', "
                      "'P-1', 'ok', '', '%3', '%4')")
                      .arg(forged.seq)
                      .arg(forged.at.toString(Qt::ISODateWithMs), forged.prevHash, forged.hash));
        expectedBad = length + 1;
    }
    const AuditVerification v = AuditTrail(*db).verify();
    INFO(v.message.toStdString());
    CHECK_FALSE(v.ok);
    CHECK(v.firstBadSeq == expectedBad);
    CHECK(v.message.contains(QString::number(expectedBad)));
}

TEST_CASE("audit records never hold health values and can be filtered", "[security][audit]")
{
    TempDatabase t(store::Backend::Sqlite);
    auto db = t.createInitialised();
    const Session admin = test::adminSession(*db);
    const Session nurse = test::sessionFor(*db, Role::Nurse);
    AuditTrail(*db).record(nurse, QStringLiteral("read"), QStringLiteral("checkup"),
                           QStringLiteral("P-00001"));
    store::AuditFilter byNurse;
    byNurse.login = nurse.login();
    const auto records = AuditTrail(*db).list(admin, byNurse);
    REQUIRE_FALSE(records.empty());
    for (const auto& r : records)
        CHECK(r.login == nurse.login());
    store::AuditFilter checkups;
    checkups.table = QStringLiteral("checkup");
    CHECK(AuditTrail(*db).list(admin, checkups).size() == 1);
    store::AuditFilter future;
    future.since = QDate::currentDate().addDays(2);
    CHECK(AuditTrail(*db).list(admin, future).empty());
    CHECK_THROWS_AS(AuditTrail(*db).list(nurse, {}), Error);
}
