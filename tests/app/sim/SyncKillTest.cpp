// The kill test: `cabas-cli sync` against `cabas-ledger-sim` with faults on, killed with SIGKILL at random
// points again and again; at the end the stored ledger must equal the server's whole ledger: no entry lost,
// none counted twice.
#include "TestPaths.h"
#include "cli/Cli.h"
#include "sim/SimLedger.h"
#include "store/LedgerRepository.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QThread>
#include <catch2/catch.hpp>
#include <csignal>
#include <random>

using namespace cabas;

namespace {

QString pathIn(const QString& dir, const char* name)
{
    return QDir(dir).filePath(QString::fromLatin1(name));
}

// How many times slower programs run here: the sanitizer build's script (packaging/run-sanitized-tests.sh)
// sets CABAS_TEST_TIME_SCALE, so that the kills still land while pages are being stored and the time limits
// hold.
double timeScale()
{
    bool ok = false;
    const double scale = qEnvironmentVariable("CABAS_TEST_TIME_SCALE").toDouble(&ok);
    return ok && scale >= 1.0 ? scale : 1.0;
}

} // namespace

TEST_CASE("sync kill test: cabas-cli sync killed -9 at random points loses nothing and duplicates nothing",
          "[sync][kill]")
{
    test::TempDatabase t(store::Backend::Sqlite);
    const QString pw = pathIn(t.dir(), "pw");
    test::writeFile(pw, QByteArray(test::TempDatabase::kAdminPassword) + '\n');
    const QString tokenFile = pathIn(t.dir(), "token");
    test::writeFile(tokenFile, "kill-test-token\n");
    {
        // The demo programme: it started in June 2025, so the ledger has many months.
        QString o, e;
        QTextStream out(&o), err(&e);
        REQUIRE(cli::run({QStringLiteral("init"), QStringLiteral("--clear"), QStringLiteral("--db"), t.url(),
                          QStringLiteral("--admin"), QStringLiteral("admin"),
                          QStringLiteral("--password-file"), pw, QStringLiteral("--programme"),
                          QStringLiteral(CABAS_SOURCE_DIR "/resources/demo/programme.json")},
                         out, err) == 0);
        REQUIRE(cli::run({QStringLiteral("--db"), t.url(), QStringLiteral("--user"), QStringLiteral("admin"),
                          QStringLiteral("--password-file"), pw, QStringLiteral("demo"),
                          QStringLiteral("--households"), QStringLiteral("25")},
                         out, err) == 0);
    }
    const QDate until = QDate::currentDate();
    const quint64 seed = 77;
    std::map<QString, LedgerEntry> expected;
    {
        const auto db = t.open();
        expected = sim::SimLedger::generate(sim::SimInput::fromDatabase(*db, until, seed)).finalState();
    }
    REQUIRE(expected.size() > 500);

    QProcess server;
    server.start(QStringLiteral(CABAS_SIM_EXECUTABLE), {QStringLiteral("--db"),
                                                        t.url(),
                                                        QStringLiteral("--seed"),
                                                        QString::number(seed),
                                                        QStringLiteral("--until"),
                                                        until.toString(Qt::ISODate),
                                                        QStringLiteral("--port"),
                                                        QStringLiteral("0"),
                                                        QStringLiteral("--token"),
                                                        QStringLiteral("kill-test-token"),
                                                        QStringLiteral("--fault-5xx"),
                                                        QStringLiteral("0.1"),
                                                        QStringLiteral("--fault-429"),
                                                        QStringLiteral("0.05"),
                                                        QStringLiteral("--retry-after"),
                                                        QStringLiteral("0"),
                                                        QStringLiteral("--cut"),
                                                        QStringLiteral("0.1"),
                                                        QStringLiteral("--overlap"),
                                                        QStringLiteral("--slow"),
                                                        QStringLiteral("3")});
    REQUIRE(server.waitForStarted(10000));
    REQUIRE(server.waitForReadyRead(30000));
    const QString port = QString::fromLatin1(server.readLine()).trimmed();
    REQUIRE(port.toInt() > 0);
    const QString url = QStringLiteral("http://127.0.0.1:") + port;

    const QStringList syncArgs{QStringLiteral("--db"),
                               t.url(),
                               QStringLiteral("--user"),
                               QStringLiteral("admin"),
                               QStringLiteral("--password-file"),
                               pw,
                               QStringLiteral("sync"),
                               QStringLiteral("--ledger"),
                               url,
                               QStringLiteral("--token-file"),
                               tokenFile,
                               QStringLiteral("--page-size"),
                               QStringLiteral("40")};
    // The database as it is before any sync (no connection is open here), to start again from when the whole
    // ledger came in before enough kills.
    const QString dbFile = t.url();
    const QString pristine = pathIn(t.dir(), "before-sync.cabas");
    const QString wal = QStringLiteral("-wal");
    REQUIRE(QFile::copy(dbFile, pristine));
    if (QFile::exists(dbFile + wal))
        REQUIRE(QFile::copy(dbFile + wal, pristine + wal));

    std::mt19937 rnd(2024);
    const double scale = timeScale();
    // The kill delays follow the machine's speed, which no fixed figure can know (a loaded machine, the
    // sanitizers, an idle one): a kill that came before anything was stored makes them longer; a run that
    // stored the whole ledger before enough kills makes them shorter, and the test starts again from the
    // database as it was before the first sync.
    double factor = scale;
    QElapsedTimer total;
    total.start();
    int kills = 0;
    int partial = 0; // kills that left a part of the ledger stored
    int restarts = 0;
    qint64 lastCount = 0;
    for (int i = 0; (i < 25 || kills < 10 || partial < 3) && i < 100 && total.elapsed() < 40000 * scale;
         ++i) {
        QProcess sync;
        sync.setProcessChannelMode(QProcess::MergedChannels);
        sync.start(QStringLiteral(CABAS_CLI_EXECUTABLE), syncArgs);
        REQUIRE(sync.waitForStarted(10000));
        const int delay = int(std::uniform_int_distribution<int>(150, 900)(rnd) * factor);
        bool killed = false;
        if (!sync.waitForFinished(delay)) {
            ::kill(pid_t(sync.processId()), SIGKILL);
            sync.waitForFinished(10000);
            ++kills;
            killed = true;
        } else {
            INFO(sync.readAll().toStdString());
            REQUIRE(sync.exitCode() == 0);
        }
        qint64 count = 0;
        {
            const auto db = t.open();
            count = store::LedgerRepository(*db).counts().entries;
        }
        CHECK(count >= lastCount); // never fewer than before: committed pages stay
        CHECK(count <= qint64(expected.size()));
        if (killed && count > 0 && count < qint64(expected.size()))
            ++partial;
        if (killed && count == lastCount && count < qint64(expected.size()))
            factor = std::min(factor * 1.5, 8 * scale); // killed before it stored a page: wait longer
        lastCount = count;
        if (count == qint64(expected.size()) && (kills < 10 || partial < 3)) {
            // Everything came in too soon: from the start again, with shorter delays.
            for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
                QFile::remove(dbFile + suffix);
            REQUIRE(QFile::copy(pristine, dbFile));
            if (QFile::exists(pristine + wal))
                REQUIRE(QFile::copy(pristine + wal, dbFile + wal));
            lastCount = 0;
            factor = std::max(factor * 0.6, 0.2);
            ++restarts;
        }
    }
    CHECK(kills >= 10);
    CHECK(partial >= 3);

    // The last run goes to the end.
    QProcess last;
    last.setProcessChannelMode(QProcess::MergedChannels);
    last.start(QStringLiteral(CABAS_CLI_EXECUTABLE), syncArgs);
    REQUIRE(last.waitForFinished(60000));
    const QString output = QString::fromUtf8(last.readAll());
    INFO(output.toStdString());
    REQUIRE(last.exitCode() == 0);
    server.terminate();
    server.waitForFinished(5000);

    const auto db = t.open();
    store::LedgerRepository repo(*db);
    CHECK(repo.counts().entries == qint64(expected.size()));
    int lost = 0, wrong = 0;
    for (const auto& [id, e] : expected) {
        const auto stored = repo.findEntry(id);
        if (!stored)
            ++lost;
        else if (stored->entry.revision != e.revision || stored->entry.status != e.status ||
                 stored->entry.amountCents != e.amountCents)
            ++wrong;
    }
    CHECK(lost == 0);
    CHECK(wrong == 0);
    INFO("kills: " << kills << ", partial: " << partial << ", restarts: " << restarts
                   << ", seconds: " << total.elapsed() / 1000);
    CHECK(total.elapsed() < 60000 * scale);
}
