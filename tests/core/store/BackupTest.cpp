#include "store/Backup.h"
#include "common/Error.h"
#include "demo/DemoGenerator.h"
#include "services/BackupService.h"
#include "store/AuditRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <catch2/catch.hpp>

using namespace cabas;
using namespace cabas::store;
using cabas::test::TempDatabase;

namespace {
// What a database holds, in a form to compare: every household and person, row by row.
QStringList contents(const Database& db)
{
    QStringList rows;
    QSqlQuery q = db.exec(QStringLiteral(
        "SELECT h.code, h.commune, p.code, p.first_name, p.last_name FROM household h JOIN person p ON "
        "p.household_id = h.id ORDER BY p.code"));
    while (q.next())
        rows << QStringLiteral("%1|%2|%3|%4|%5")
                    .arg(q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
                         q.value(3).toString(), q.value(4).toString());
    return rows;
}

void addDemo(const Database& db, int households)
{
    DemoOptions options;
    options.households = households;
    DemoGenerator::generate(db, test::adminSession(db), options);
}

qint64 countRows(const Database& db, const QString& table, const QString& where)
{
    QSqlQuery q = db.exec(QStringLiteral("SELECT count(*) FROM %1 WHERE %2").arg(table, where));
    return q.next() ? q.value(0).toLongLong() : -1;
}

bool nothingBeginsWith(const QString& dir, const QString& prefix)
{
    for (const QString& name : QDir(dir).entryList(QDir::Files | QDir::Hidden))
        if (name.startsWith(prefix) || name.contains(QStringLiteral(".part")))
            return false;
    return true;
}
} // namespace

TEST_CASE("a backup restores to the same data, on both backends", "[store][backup]")
{
    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase source(backend);
    auto db = source.createInitialised();
    addDemo(*db, 40);
    const QStringList before = contents(*db);
    REQUIRE(before.size() > 40);

    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("cabas-backup"));
    qint64 calls = 0;
    const BackupResult written =
        BackupService(*db, test::adminSession(*db)).backup(file, [&](qint64, qint64) {
            ++calls;
            return true;
        });
    CHECK(written.bytes > 0);
    CHECK(calls > 0);
    CHECK(Backup::lastBackupAt(*db).isValid());
    CHECK(countRows(*db, QStringLiteral("audit_log"), QStringLiteral("action = 'backup'")) == 1);

    TempDatabase target(backend);
    const DatabaseSpec targetSpec = target.spec();
    BackupService::restore(file, targetSpec, QStringLiteral("admin"),
                           QString::fromLatin1(TempDatabase::kAdminPassword));
    auto restored = target.open();
    CHECK(contents(*restored) == before);
    CHECK(countRows(*restored, QStringLiteral("audit_log"), QStringLiteral("action = 'restore'")) == 1);
}

TEST_CASE("a backup never replaces a file and leaves nothing when cancelled", "[store][backup]")
{
    TempDatabase source(Backend::Sqlite);
    auto db = source.createInitialised();
    addDemo(*db, 200);
    QTemporaryDir dir;
    const QString existing = dir.filePath(QStringLiteral("existing.cabas"));
    {
        QFile f(existing);
        REQUIRE(f.open(QIODevice::WriteOnly));
        f.write("keep me");
    }
    try {
        Backup::write(*db, existing);
        FAIL("an existing file was overwritten");
    } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::Conflict);
    }
    QFile kept(existing);
    REQUIRE(kept.open(QIODevice::ReadOnly));
    CHECK(kept.readAll() == "keep me");

    const QString file = dir.filePath(QStringLiteral("cancelled.cabas"));
    try {
        Backup::write(*db, file, [](qint64, qint64) { return false; });
        FAIL("the backup was not cancelled");
    } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::Cancelled);
    }
    CHECK_FALSE(QFile::exists(file));
    CHECK(nothingBeginsWith(dir.path(), QStringLiteral(".cancelled")));
    CHECK_FALSE(Backup::lastBackupAt(*db).isValid());
}

TEST_CASE("a restore refuses what is not a Cabas backup and who is not its administrator", "[store][backup]")
{
    QTemporaryDir dir;
    const QString notABackup = dir.filePath(QStringLiteral("notes.txt"));
    {
        QFile f(notABackup);
        REQUIRE(f.open(QIODevice::WriteOnly));
        f.write("household;person\n");
    }
    DatabaseSpec target;
    target.path = dir.filePath(QStringLiteral("restored.cabas"));
    CHECK_THROWS_AS(BackupService::restore(notABackup, target, QStringLiteral("admin"), QStringLiteral("x")),
                    Error);
    CHECK_FALSE(QFile::exists(target.path));

    const Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase source(backend);
    auto db = source.createInitialised();
    test::sessionFor(*db, Role::Nurse, QStringLiteral("claire"));
    const QString file = dir.filePath(QStringLiteral("backup-%1").arg(QLatin1String(test::backendName(backend))));
    Backup::write(*db, file);

    TempDatabase restoredPlace(backend);
    try {
        BackupService::restore(file, restoredPlace.spec(), QStringLiteral("claire"),
                               QStringLiteral("Password-of-claire"));
        FAIL("a nurse restored a database");
    } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::AccessDenied);
    }
    if (backend == Backend::Sqlite)
        CHECK_FALSE(QFile::exists(restoredPlace.spec().path));
    else
        CHECK(restoredPlace
                  .rawValue(QStringLiteral(
                      "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"))
                  .toInt() == 0);

    // A restore never goes into a database that holds something.
    CHECK_THROWS_AS(BackupService::restore(file, source.spec(), QStringLiteral("admin"),
                                           QString::fromLatin1(TempDatabase::kAdminPassword)),
                    Error);
}

TEST_CASE("the backup reminder is due after a week without a backup", "[store][backup]")
{
    TempDatabase t(Backend::Sqlite);
    auto db = t.createInitialised();
    const QDateTime now(QDate(2026, 3, 10), QTime(9, 0), Qt::UTC);
    CHECK_FALSE(Backup::reminderDue(*db, now)); // nothing to lose yet
    addDemo(*db, 2);
    CHECK(Backup::reminderDue(*db, now));
    Backup::recordBackup(*db, now.addDays(-6));
    CHECK_FALSE(Backup::reminderDue(*db, now));
    CHECK(Backup::reminderDue(*db, now.addDays(2)));
}
