// Database files that must be refused at open with a clear message, and left as they are: a real Cabas SQLite
// file cut at many lengths (an interrupted copy, a full disk), and a database written by a newer Cabas,
// opened by the core and by cabas-cli.
#include "TestPaths.h"
#include "common/Error.h"
#include "io/PersonsImport.h"
#include "store/HouseholdRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <catch2/catch.hpp>

using namespace cabas;
using cabas::test::TempDatabase;

namespace {

QByteArray readAll(const QString& path)
{
    QFile f(path);
    REQUIRE(f.open(QIODevice::ReadOnly));
    return f.readAll();
}

struct CliRun
{
    int code = -1;
    QString out, err;
};

CliRun runCli(const QStringList& args)
{
    QProcess p;
    p.start(QStringLiteral(CABAS_CLI_EXECUTABLE), args);
    REQUIRE(p.waitForFinished(60000));
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

} // namespace

TEST_CASE("fault: a Cabas SQLite file cut at any length is refused with a clear message and left as it is",
          "[fault][damaged][sqlite]")
{
    test::ScopedClock clock(QDateTime(QDate(2025, 6, 1), QTime(8, 0), Qt::UTC));
    TempDatabase t(store::Backend::Sqlite);
    {
        auto db = t.createInitialised();
        const Session sw = test::sessionFor(*db, Role::SocialWorker);
        io::PersonsImport(*db, sw).run(QStringLiteral(CABAS_SAMPLES_DIR "/persons.csv"));
    } // closed: SQLite checkpoints the log into the file and removes it
    REQUIRE_FALSE(QFileInfo::exists(t.spec().path + QStringLiteral("-wal")));
    const QByteArray whole = readAll(t.spec().path);
    const qint64 size = whole.size();
    REQUIRE(size > 40 * 4096);

    // The whole file opens (the cut copies below are the only thing wrong).
    REQUIRE(store::HouseholdRepository(*t.open()).count() == 6);

    const QList<qint64> lengths{16,
                                50,
                                99,
                                100,
                                1024,
                                4095,
                                4096,
                                4097,
                                3 * 4096,
                                size / 3,
                                size / 2,
                                size - 2 * 4096,
                                size - 4096 - 1,
                                size - 4096,
                                size - 100,
                                size - 1};
    for (const qint64 length : lengths) {
        INFO("cut at " << length << " of " << size << " bytes");
        const QString path = QDir(t.dir()).filePath(QStringLiteral("cut-%1.cabas").arg(length));
        test::writeFile(path, whole.left(length));
        store::DatabaseSpec spec;
        spec.path = path;
        QString message;
        Error::Kind kind = Error::Kind::Invalid;
        bool opened = false;
        try {
            store::Database::open(spec);
            opened = true;
        } catch (const Error& e) {
            kind = e.kind();
            message = e.message();
        }
        INFO("message: " << message);
        CHECK_FALSE(opened);
        CHECK(kind == Error::Kind::Unsupported);
        CHECK(message.contains(path)); // located
        CHECK(message.contains(QString::number(length)));
        CHECK(readAll(path) == whole.left(length)); // untouched
        CHECK_FALSE(QFileInfo::exists(path + QStringLiteral("-wal")));
    }
}

TEST_CASE("fault: cabas-cli refuses a truncated file and a file from a newer Cabas, and changes neither",
          "[fault][damaged][cli]")
{
    TempDatabase t(store::Backend::Sqlite);
    t.createInitialised().reset();
    const QString pw = QDir(t.dir()).filePath(QStringLiteral("pw"));
    test::writeFile(pw, QByteArray(TempDatabase::kAdminPassword) + '\n');
    const QByteArray whole = readAll(t.spec().path);

    const QString cut = QDir(t.dir()).filePath(QStringLiteral("cut.cabas"));
    test::writeFile(cut, whole.left(whole.size() / 2));
    const CliRun truncated =
        runCli({QStringLiteral("--db"), cut, QStringLiteral("--user"), QStringLiteral("admin"),
                QStringLiteral("--password-file"), pw, QStringLiteral("info")});
    INFO("stderr: " << truncated.err);
    CHECK(truncated.code == 1);
    CHECK(truncated.err.contains(cut));
    CHECK(truncated.err.contains(QString::number(whole.size() / 2)));
    CHECK(readAll(cut) == whole.left(whole.size() / 2));

    t.rawExec(QStringLiteral("UPDATE cabas_meta SET value = '999' WHERE key = 'schema_version'"));
    const QByteArray newer = readAll(t.spec().path);
    const CliRun refused =
        runCli({QStringLiteral("--db"), t.url(), QStringLiteral("--user"), QStringLiteral("admin"),
                QStringLiteral("--password-file"), pw, QStringLiteral("info")});
    INFO("stderr: " << refused.err);
    CHECK(refused.code == 1);
    CHECK(refused.err.contains(QStringLiteral("999")));
    CHECK(refused.err.contains(t.spec().path));
    CHECK(readAll(t.spec().path) == newer);
}
