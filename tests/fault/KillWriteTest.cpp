// A crash in the middle of a write, for real: `cabas-cli import persons` of a large file on SQLite, killed
// with SIGKILL at random moments again and again. After each kill the file opens, passes SQLite's integrity
// check, keeps everything committed before, and holds the interrupted import wholly or not at all.
#include "TestPaths.h"
#include "fault/FaultUtil.h"
#include "store/Database.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <catch2/catch.hpp>
#include <csignal>
#include <random>

using namespace cabas;
using cabas::test::TempDatabase;

namespace {

// How many times slower programs run here: packaging/run-sanitized-tests.sh sets CABAS_TEST_TIME_SCALE (as
// for tests/app/sim/SyncKillTest.cpp), so that enough kills fit in the time this test gives itself.
double timeScale()
{
    bool ok = false;
    const double scale = qEnvironmentVariable("CABAS_TEST_TIME_SCALE").toDouble(&ok);
    return ok && scale >= 1.0 ? scale : 1.0;
}

constexpr int kHouseholds = 600;
constexpr int kMembers = 3;

struct Counts
{
    QString integrity;
    std::map<QString, qint64> households; // by code prefix
    std::map<QString, qint64> persons;
    qint64 auditRecords = 0;
};

// Opens the file the way any program would (SQLite replays or drops the log), checks it, counts by prefix.
Counts inspect(const QString& path)
{
    Counts c;
    const QString name = QStringLiteral("cabas-fault-kill-inspect");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        REQUIRE(db.open());
        QSqlQuery q(db);
        REQUIRE(q.exec(QStringLiteral("PRAGMA integrity_check")));
        REQUIRE(q.next());
        c.integrity = q.value(0).toString();
        REQUIRE(q.exec(QStringLiteral("SELECT substr(code, 1, 3), count(*) FROM household GROUP BY 1")));
        while (q.next())
            c.households[q.value(0).toString()] = q.value(1).toLongLong();
        REQUIRE(q.exec(QStringLiteral("SELECT substr(code, 3, 2), count(*) FROM person GROUP BY 1")));
        while (q.next())
            c.persons[q.value(0).toString()] = q.value(1).toLongLong();
        REQUIRE(q.exec(QStringLiteral("SELECT count(*) FROM audit_log")));
        REQUIRE(q.next());
        c.auditRecords = q.value(0).toLongLong();
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return c;
}

} // namespace

TEST_CASE(
    "fault: cabas-cli import persons killed -9 at random moments keeps what was committed and imports all "
    "or nothing",
    "[fault][kill][sqlite]")
{
    TempDatabase t(store::Backend::Sqlite);
    {
        auto db = t.createInitialised();
        test::sessionFor(*db, Role::SocialWorker); // the user "social.worker"
    }
    const QString pw = QDir(t.dir()).filePath(QStringLiteral("pw"));
    test::writeFile(pw, "Password-of-social.worker\n");
    const auto importArgs = [&](const QString& file) {
        return QStringList{QStringLiteral("--db"),
                           t.url(),
                           QStringLiteral("--user"),
                           QStringLiteral("social.worker"),
                           QStringLiteral("--password-file"),
                           pw,
                           QStringLiteral("import"),
                           QStringLiteral("persons"),
                           file};
    };
    // Each import has its own prefix (household codes KA-..., person codes P-KA...), so that each one can be
    // told apart afterwards.
    const auto fileFor = [&](const QString& prefix) {
        const QString file = QDir(t.dir()).filePath(prefix + QStringLiteral(".csv"));
        if (!QFileInfo::exists(file))
            test::writeFile(file, test::generatedPersonsCsv(kHouseholds, kMembers, prefix));
        return file;
    };

    // The first import runs to its end: it is "committed before", and its duration calibrates the kills.
    const qint64 sizeBefore = QFileInfo(t.spec().path).size();
    QElapsedTimer timer;
    timer.start();
    {
        QProcess first;
        first.setProcessChannelMode(QProcess::MergedChannels);
        first.start(QStringLiteral(CABAS_CLI_EXECUTABLE), importArgs(fileFor(QStringLiteral("KA"))));
        REQUIRE(first.waitForFinished(120000));
        INFO(first.readAll().toStdString());
        REQUIRE(first.exitCode() == 0);
    }
    const qint64 fullMs = timer.elapsed();
    const qint64 written = QFileInfo(t.spec().path).size() - sizeBefore; // closed: the log was checkpointed
    REQUIRE(written > 100000);
    const QString wal = t.spec().path + QStringLiteral("-wal");
    std::map<QString, bool> mustBeWhole{{QStringLiteral("KA"), true}}; // prefix -> committed for sure
    Counts counts = inspect(t.spec().path);
    REQUIRE(counts.households[QStringLiteral("KA-")] == kHouseholds);

    std::mt19937 rnd(20261124);
    int kills = 0, killedWhole = 0, killedAbsent = 0;
    char letter = 'B';
    QElapsedTimer total;
    total.start();
    for (int i = 0; i < 9 && total.elapsed() < 45000 * timeScale(); ++i) {
        const QString prefix = QStringLiteral("K") + QLatin1Char(letter);
        QProcess import;
        import.setProcessChannelMode(QProcess::MergedChannels);
        import.start(QStringLiteral(CABAS_CLI_EXECUTABLE), importArgs(fileFor(prefix)));
        REQUIRE(import.waitForStarted(10000));
        // Two kinds of moments: any time while the file is read, checked and written (the transaction's pages
        // mostly stay in SQLite's cache until the commit), and during the commit itself, when the log grows
        // past a random size (frames half written, the commit frame not yet).
        const bool duringCommit = i % 3 != 0;
        const int delay = std::uniform_int_distribution<int>(int(fullMs / 10), int(fullMs))(rnd);
        const qint64 walThreshold = std::uniform_int_distribution<qint64>(8192, written * 11 / 10)(rnd);
        QElapsedTimer runTimer;
        runTimer.start();
        bool killed = false;
        while (!import.waitForFinished(1)) {
            const bool now =
                duringCommit ? QFileInfo(wal).size() >= walThreshold : runTimer.elapsed() >= delay;
            if (now) {
                ::kill(pid_t(import.processId()), SIGKILL);
                REQUIRE(import.waitForFinished(10000));
                killed = true;
                ++kills;
                break;
            }
        }
        if (!killed) {
            INFO(import.readAll().toStdString());
            REQUIRE(import.exitCode() == 0);
        }
        counts = inspect(t.spec().path);
        INFO("run " << i << " (" << prefix.toStdString() << "), killed "
                    << (duringCommit ? "when the log reached " + std::to_string(walThreshold) + " bytes"
                                     : "after " + std::to_string(delay) + " ms")
                    << ": " << killed);
        CHECK(counts.integrity == QStringLiteral("ok"));
        // Everything committed before is there, whole.
        for (const auto& [p, whole] : mustBeWhole) {
            CHECK(counts.households[p + QLatin1Char('-')] == kHouseholds);
            CHECK(counts.persons[p] == kHouseholds * kMembers);
        }
        // The interrupted import: all or nothing.
        const qint64 h = counts.households[prefix + QLatin1Char('-')];
        const qint64 p = counts.persons[prefix];
        CHECK((h == 0 || h == kHouseholds));
        CHECK(p == h * kMembers);
        if (h == kHouseholds) {
            mustBeWhole[prefix] = true;
            ++letter; // the next run imports a new file
            if (killed)
                ++killedWhole;
        } else {
            CHECK(killed);
            ++killedAbsent; // the same file again next time
        }
    }
    INFO("kills: " << kills << ", killed before the commit: " << killedAbsent << ", after: " << killedWhole);
    CHECK(kills >= 4);
    CHECK(killedAbsent >= 2);

    // The audit trail is whole too: cabas-cli audit verify walks the chain.
    const QString adminPw = QDir(t.dir()).filePath(QStringLiteral("admin-pw"));
    test::writeFile(adminPw, QByteArray(TempDatabase::kAdminPassword) + '\n');
    QProcess verify;
    verify.setProcessChannelMode(QProcess::MergedChannels);
    verify.start(QStringLiteral(CABAS_CLI_EXECUTABLE),
                 {QStringLiteral("--db"), t.url(), QStringLiteral("--user"), QStringLiteral("admin"),
                  QStringLiteral("--password-file"), adminPw, QStringLiteral("audit"),
                  QStringLiteral("verify")});
    REQUIRE(verify.waitForFinished(60000));
    INFO(verify.readAll().toStdString());
    CHECK(verify.exitCode() == 0);
}
