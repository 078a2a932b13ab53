// Sealing an existing database, killed for real (docs/encryption.md, step 5): cabas_seal_driver seals a
// clear SQLite database and kills itself with SIGKILL at one step; the next open finds either the untouched
// original or the complete sealed file, and the copies left beside it are deleted.
#include "TestPaths.h"
#include "security/Authenticator.h"
#include "services/HouseholdService.h"
#include "store/Database.h"
#include "store/SealExisting.h"
#include "store/Sealed.h"
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

const QString kLast = QStringLiteral("Vandermeulen-Achour");
const QString kAddress = QStringLiteral("3 allée des Sorbiers");
const QString kNote = QStringLiteral("Rendez-vous assistante sociale du CHU");

// Everything beside the database but its named backup(s).
QStringList strayFiles(const QString& path)
{
    const QFileInfo info(path);
    QStringList names;
    for (const QString& name : info.absoluteDir().entryList(QDir::Files | QDir::Hidden))
        if (name.contains(QStringLiteral(".encrypt")) || name.endsWith(QStringLiteral(".part")) ||
            name.contains(QStringLiteral(".part-")))
            names << name;
    return names;
}

bool holdsClearValues(const QString& file)
{
    QFile in(file);
    if (!in.open(QIODevice::ReadOnly))
        return false;
    const QByteArray bytes = in.readAll();
    return bytes.contains(kLast.toUtf8()) || bytes.contains(kAddress.toUtf8()) ||
           bytes.contains(kNote.toUtf8());
}

} // namespace

TEST_CASE("fault: sealing killed -9 at each step leaves the untouched original or the complete sealed file",
          "[fault][kill][sqlite][sealing]")
{
    const QString point =
        GENERATE(QStringLiteral("backup"), QStringLiteral("copy"), QStringLiteral("rewrite"),
                 QStringLiteral("vacuum"), QStringLiteral("verify"), QStringLiteral("before-rename"),
                 QStringLiteral("after-rename"), QStringLiteral("none"));
    INFO("killed at: " << point.toStdString());
    TempDatabase t(store::Backend::Sqlite);
    const QString path = t.spec().path;
    QStringList clearSample;
    QString counts;
    {
        auto db = t.createWithoutKeyRing();
        const Session sw = test::sessionFor(*db, Role::SocialWorker);
        const HouseholdService s(*db, sw);
        for (int i = 1; i <= 400; ++i) {
            Household h;
            h.code = QStringLiteral("KS-%1").arg(i, 4, 10, QLatin1Char('0'));
            h.commune = QStringLiteral("Auch");
            h.postcode = QStringLiteral("32000");
            h.address = i == 7 ? kAddress : QStringLiteral("%1 rue Gambetta").arg(i);
            h.status = HouseholdStatus::Enrolled;
            h.enrolledOn = QDate(2025, 1, 6);
            s.create(h);
            Person p;
            p.householdId = h.id;
            p.code = QStringLiteral("P-%1").arg(i, 5, 10, QLatin1Char('0'));
            p.firstName = QStringLiteral("Prénom%1").arg(i);
            p.lastName = i == 7 ? kLast : QStringLiteral("Martin");
            p.birthDate = QDate(1980, 1, 1).addDays(i * 17);
            s.addPerson(p);
            if (i == 7)
                s.addNote(h.code, kNote);
        }
        clearSample = store::SealExisting::sample(*db, nullptr, 400);
        counts = store::SealExisting::rowCounts(*db);
    }
    REQUIRE(clearSample.contains(kLast));
    const QString pw = QDir(t.dir()).filePath(QStringLiteral("pw"));
    test::writeFile(pw, QByteArray(TempDatabase::kAdminPassword) + '\n');

    QProcess driver;
    driver.setProcessChannelMode(QProcess::MergedChannels);
    driver.start(QStringLiteral(CABAS_SEAL_DRIVER), {path, pw, point});
    REQUIRE(driver.waitForFinished(120000));
    const bool killed = driver.exitStatus() == QProcess::CrashExit;
    INFO(driver.readAll().toStdString());
    CHECK(killed == (point != QLatin1String("none")));
    if (!killed)
        REQUIRE(driver.exitCode() == 0);

    // The next open: the file is whole, and the copies left beside it go.
    auto db = store::Database::open(t.spec());
    CHECK(db->exec(QStringLiteral("PRAGMA integrity_check")).next());
    {
        QSqlQuery q = db->exec(QStringLiteral("PRAGMA integrity_check"));
        REQUIRE(q.next());
        CHECK(q.value(0).toString() == QStringLiteral("ok"));
    }
    CHECK(strayFiles(path).isEmpty());
    CHECK(store::SealExisting::rowCounts(*db) == counts);
    const bool sealed = !store::SealExisting::markerOf(*db).isEmpty();
    CHECK(sealed == (point == QLatin1String("after-rename") || point == QLatin1String("none")));
    if (!sealed) {
        CHECK(store::SealExisting::sample(*db, nullptr, 400) == clearSample);
        return;
    }
    const Session admin = security::Authenticator(*db).login(
        QStringLiteral("admin"), QString::fromLatin1(TempDatabase::kAdminPassword));
    REQUIRE(admin.keys);
    CHECK(store::SealExisting::sample(*db, admin.keys.get(), 400) == clearSample);
    db.reset();
    for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-journal")}) {
        INFO("file " << (path + suffix).toStdString());
        CHECK_FALSE(holdsClearValues(path + suffix));
    }
}
