// Issue 12's "done when": what a copied database, its journals, its backups and the temporary folder give
// away to someone without a Cabas password (docs/encryption.md, step 6).
#include "common/Error.h"
#include "security/Authenticator.h"
#include "security/KeyRing.h"
#include "services/BackupService.h"
#include "services/HealthService.h"
#include "services/HouseholdService.h"
#include "store/CheckupRepository.h"
#include "store/Database.h"
#include "support/KnownValues.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QDir>
#include <QTemporaryDir>
#include <catch2/catch.hpp>

using namespace cabas;
using cabas::test::KnownValues;

namespace {
// Points the process's temporary folder (Qt's and SQLite's: both read TMPDIR) at a folder of the test's own
// for its lifetime, so that everything Cabas leaves there can be scanned.
class ScopedTempFolder
{
  public:
    ScopedTempFolder() : m_old(qgetenv("TMPDIR")), m_had(qEnvironmentVariableIsSet("TMPDIR"))
    {
        REQUIRE(m_dir.isValid());
        qputenv("TMPDIR", m_dir.path().toLocal8Bit());
        REQUIRE(QDir::tempPath() == QDir(m_dir.path()).canonicalPath());
    }
    ~ScopedTempFolder()
    {
        if (m_had)
            qputenv("TMPDIR", m_old);
        else
            qunsetenv("TMPDIR");
    }
    QString path() const { return m_dir.path(); }

  private:
    QTemporaryDir m_dir;
    QByteArray m_old;
    bool m_had;
};

// Everything a day's work leaves on disk: the known values written, read back and searched, a backup taken by
// the administrator, the database closed. Returns the files' folder.
void dayOfWork(const test::TempDatabase& t, std::unique_ptr<store::Database> db)
{
    const Session admin = test::adminSession(*db);
    const Session sw = test::sessionFor(*db, Role::SocialWorker);
    const Session nurse = test::sessionFor(*db, Role::Nurse);
    const Household h = KnownValues::write(*db, sw);
    KnownValues::writeHealth(*db, sw, nurse);
    CHECK(HealthService(*db, nurse).checkups(QStringLiteral("P-00001")).checkups.at(0).notes ==
          KnownValues::checkupNote);
    CHECK(h.address == KnownValues::address);
    const HouseholdService s(*db, sw);
    HouseholdQuery q;
    q.text = QStringLiteral("ostrow");
    CHECK(s.count(q) == 1);
    REQUIRE(QDir(t.dir()).mkpath(QStringLiteral("sauvegardes")));
    BackupService(*db, admin).backup(t.dir() + QStringLiteral("/sauvegardes/cabas-2025-03-10.cabas-backup"));
    db.reset();
}
} // namespace

TEST_CASE("at rest: a sealed database file, its journals, its backup and the temporary folder reveal no "
          "protected value",
          "[security][atrest][files]")
{
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC));
    ScopedTempFolder temp;
    test::TempDatabase t(store::Backend::Sqlite);
    dayOfWork(t, t.createSealed());
    const QList<QByteArray> secrets = KnownValues::secrets();
    QStringList files;
    for (const QFileInfo& f : QDir(t.dir()).entryInfoList(QDir::Files | QDir::Hidden))
        files << f.fileName();
    INFO("files: " << files.join(QStringLiteral(", ")).toStdString());
    CHECK(QFile::exists(t.dir() + QStringLiteral("/sauvegardes/cabas-2025-03-10.cabas-backup")));
    const QStringList hits =
        test::occurrencesUnder(t.dir(), secrets) + test::occurrencesUnder(temp.path(), secrets);
    INFO("found: " << hits.join(QStringLiteral("; ")).toStdString());
    CHECK(hits.isEmpty());
}

TEST_CASE("at rest: the same day on a clear database leaves the values readable (the scan finds them)",
          "[security][atrest][files]")
{
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC));
    ScopedTempFolder temp;
    test::TempDatabase t(store::Backend::Sqlite);
    dayOfWork(t, t.createInitialised());
    const QStringList hits = test::occurrencesUnder(t.dir(), KnownValues::secrets());
    CHECK(hits.filter(KnownValues::address).size() >= 2); // the database and its backup
    CHECK_FALSE(hits.filter(KnownValues::firstName).isEmpty());
    CHECK_FALSE(hits.filter(KnownValues::checkupNote).isEmpty());
}

TEST_CASE("at rest: a nurse's key opens health data, a social worker's does not",
          "[security][atrest][health]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::TempDatabase t(backend);
    auto db = t.createSealed();
    const Session sw = test::sessionFor(*db, Role::SocialWorker);
    const Session nurse = test::sessionFor(*db, Role::Nurse);
    KnownValues::write(*db, sw);
    KnownValues::writeHealth(*db, sw, nurse);
    REQUIRE(nurse.keys->hasHealthKey());
    const auto record = HealthService(*db, nurse).checkups(QStringLiteral("P-00001"));
    REQUIRE(record.checkups.size() == 1);
    CHECK(record.checkups[0].weightG == 84100);
    CHECK(record.checkups[0].notes == KnownValues::checkupNote);
    // The social worker's own keys, used on the tables without the service's role check, open nothing.
    CHECK_FALSE(sw.keys->hasHealthKey());
    try {
        store::CheckupRepository(*db, sw.keys.get()).forPerson(record.checkups[0].personId);
        FAIL("a social worker's keys read a checkup");
    } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::AccessDenied);
    }
    const QByteArray stored = t.rawValue(QStringLiteral("SELECT sealed FROM checkup")).toString().toLatin1();
    const auto raw = QByteArray::fromBase64Encoding(stored, QByteArray::AbortOnBase64DecodingErrors);
    REQUIRE(raw);
    CHECK_THROWS_AS(sw.keys->decrypt(security::KeyRing::Scope::Health, *raw, QByteArray("anything")), Error);
}

TEST_CASE("at rest: a wrong password opens nothing and writes no key", "[security][atrest]")
{
    test::TempDatabase t(store::Backend::Sqlite);
    auto db = t.createSealed();
    const Session sw = test::sessionFor(*db, Role::SocialWorker);
    KnownValues::write(*db, sw);
    const QVariant slotsBefore =
        t.rawValue(QStringLiteral("SELECT group_concat(wrapped, '|') FROM key_slot"));
    try {
        security::Authenticator(*db).login(sw.login(), QStringLiteral("Pas-le-bon-mot-de-passe-1"));
        FAIL("a wrong password logged in");
    } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::AccessDenied);
    }
    CHECK(t.rawValue(QStringLiteral("SELECT group_concat(wrapped, '|') FROM key_slot")) == slotsBefore);
    // Without a session's keys the household cannot be read at all.
    Session keyless = sw;
    keyless.keys.reset();
    try {
        HouseholdService(*db, keyless).find(QStringLiteral("MMG-0001"));
        FAIL("a session without keys read a sealed household");
    } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::AccessDenied);
    }
}
