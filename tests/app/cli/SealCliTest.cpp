// cabas-cli seal (docs/encryption.md, step 5) and init's sealed default.
#include "CliTestUtil.h"
#include "cli/Cli.h"
#include "cli/CliSupport.h"
#include "services/HouseholdService.h"
#include "setup/Sealing.h"
#include "store/SealExisting.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <catch2/catch.hpp>

using namespace cabas;
using namespace Qt::StringLiterals;
using cabas::test::runCli;
using cabas::test::TempDatabase;

TEST_CASE("cabas-cli seal: seals a clear database, prints the recovery key and the temporary passwords once",
          "[cli][sealing]")
{
    TempDatabase t(store::Backend::Sqlite);
    {
        auto db = t.createWithoutKeyRing();
        const Session sw = test::sessionFor(*db, Role::SocialWorker);
        Household h;
        h.code = u"MMG-0001"_s;
        h.commune = u"Auch"_s;
        h.postcode = u"32000"_s;
        h.address = u"9 rue des Cordeliers"_s;
        h.status = HouseholdStatus::Enrolled;
        h.enrolledOn = QDate(2025, 1, 6);
        HouseholdService(*db, sw).create(h);
        Person p;
        p.householdId = h.id;
        p.code = u"P-00001"_s;
        p.firstName = u"Ophélie"_s;
        p.lastName = u"Kerbrat"_s;
        p.birthDate = QDate(1988, 4, 2);
        HouseholdService(*db, sw).addPerson(p);
    }
    const QString pw = QDir(t.dir()).filePath(u"admin.pw"_s);
    test::writeFile(pw, QByteArray(TempDatabase::kAdminPassword) + '\n');
    const QString swPw = QDir(t.dir()).filePath(u"sw.pw"_s);
    test::writeFile(swPw, "Password-of-social.worker\n");

    // A social worker may not seal.
    const auto refused = test::runCli(t, u"social.worker"_s, swPw, {u"seal"_s});
    CHECK(refused.code == cli::Failure);

    const QString backup = QDir(t.dir()).filePath(u"avant.cabas"_s);
    const auto sealed = test::runCli(t, u"admin"_s, pw, {u"seal"_s, u"--backup"_s, backup});
    INFO(sealed.out.toStdString() << sealed.err.toStdString());
    REQUIRE(sealed.code == cli::Success);
    CHECK(sealed.out.contains(QDir::toNativeSeparators(backup)));
    CHECK(QFileInfo::exists(backup));
    CHECK(QRegularExpression(u"([A-Z2-7]{4}-){7}[A-Z2-7]{4}"_s).match(sealed.out).hasMatch());
    const auto temporary = QRegularExpression(u"social\\.worker \\([^)]*\\): (\\S+)"_s).match(sealed.out);
    REQUIRE(temporary.hasMatch());
    CHECK(sealed.err.contains(cli::Cli::tr("Encrypting")));

    // The social worker's old password is gone; the temporary one logs in but must be changed first (every
    // other command refused); then she finds her household by name.
    CHECK(test::runCli(t, u"social.worker"_s, swPw, {u"household"_s, u"list"_s}).code == cli::Failure);
    const QString tempPw = QDir(t.dir()).filePath(u"temp.pw"_s);
    test::writeFile(tempPw, temporary.captured(1).toUtf8() + '\n');
    const auto firstList = test::runCli(t, u"social.worker"_s, tempPw, {u"household"_s, u"list"_s});
    CHECK(firstList.code == cli::Failure);
    CHECK(
        firstList.err.contains(cli::Cli::tr("your password is temporary (set by an administrator): change it "
                                            "first with cabas-cli --user %1 user passwd %1")
                                   .arg(u"social.worker"_s)));
    const QString ownPw = QDir(t.dir()).filePath(u"own.pw"_s);
    test::writeFile(ownPw, "Mot-de-passe-a-elle-2026\n");
    const auto changed =
        test::runCli(t, u"social.worker"_s, tempPw,
                     {u"user"_s, u"passwd"_s, u"social.worker"_s, u"--password-file"_s, ownPw});
    INFO(changed.err.toStdString());
    REQUIRE(changed.code == cli::Success);
    const auto list =
        test::runCli(t, u"social.worker"_s, ownPw, {u"household"_s, u"list"_s, u"--search"_s, u"kerbr"_s});
    INFO(list.err.toStdString());
    CHECK(list.code == cli::Success);
    CHECK(list.out.contains(u"MMG-0001"_s));

    // Once is enough.
    const auto again = test::runCli(t, u"admin"_s, pw, {u"seal"_s, u"--backup"_s, backup + u"2"_s});
    CHECK(again.code == cli::Failure);
    CHECK(again.err.contains(Sealing::tr("%1 is already sealed: its names, addresses, notes and health data "
                                         "are already encrypted. Nothing was changed.")
                                 .arg(t.spec().displayName())));
}

TEST_CASE("cabas-cli seal --recovery-key-file: the health data the nurses' key protects", "[cli][sealing]")
{
    TempDatabase t(store::Backend::Sqlite);
    QString recoveryKey;
    {
        auto db = t.createInitialised(&recoveryKey);
        test::sessionFor(*db, Role::Nurse); // her login makes the health key
    }
    const QString pw = QDir(t.dir()).filePath(u"admin.pw"_s);
    test::writeFile(pw, QByteArray(TempDatabase::kAdminPassword) + '\n');

    // Without the key (no terminal to ask on): persons and households only, and it says how to finish.
    const auto first =
        test::runCli(t, u"admin"_s, pw, {u"seal"_s, u"--backup"_s, QDir(t.dir()).filePath(u"avant.cabas"_s)});
    INFO(first.out.toStdString() << first.err.toStdString());
    REQUIRE(first.code == cli::Success);
    CHECK(first.out.contains(
        cli::Cli::tr("Health data stays clear: the nurses hold this database's health key, "
                     "which an administrator never holds. Run cabas-cli seal again with the "
                     "recovery key (--recovery-key-file) to encrypt it (docs/encryption.md).")));
    CHECK(store::SealExisting::markerOf(*store::Database::open(t.spec())) == u"1:person,household"_s);

    // A wrong key: refused, nothing changed.
    const QString wrongFile = QDir(t.dir()).filePath(u"wrong.key"_s);
    test::writeFile(wrongFile, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH\n");
    const QString second = QDir(t.dir()).filePath(u"avant-sante.cabas"_s);
    const auto wrong = test::runCli(t, u"admin"_s, pw,
                                    {u"seal"_s, u"--backup"_s, second, u"--recovery-key-file"_s, wrongFile});
    CHECK(wrong.code == cli::Failure);
    CHECK(wrong.err.contains(Sealing::tr("This recovery key does not open %1: the database was not sealed, "
                                         "nothing was changed. Check the key printed when the database was "
                                         "made (or at its latest replacement).")
                                 .arg(t.spec().displayName())));
    CHECK_FALSE(QFileInfo::exists(second));

    const QString keyFile = QDir(t.dir()).filePath(u"recovery.key"_s);
    test::writeFile(keyFile, recoveryKey.toUtf8() + '\n');
    const auto health = test::runCli(t, u"admin"_s, pw,
                                     {u"seal"_s, u"--backup"_s, second, u"--recovery-key-file"_s, keyFile});
    INFO(health.out.toStdString() << health.err.toStdString());
    REQUIRE(health.code == cli::Success);
    CHECK(health.out.contains(cli::Cli::tr("Health data is encrypted too, under the nurses' key.")));
    CHECK(store::SealExisting::markerOf(*store::Database::open(t.spec())) == u"2:person,household,health"_s);
}

TEST_CASE("cabas-cli init: sealed by default, --clear to keep a clear database", "[cli][sealing]")
{
    QTemporaryDir dir;
    const QString pw = dir.filePath(u"pw"_s);
    test::writeFile(pw, "Mot-de-passe-Admin-1\n");
    TempDatabase byDefault(store::Backend::Sqlite), clear(store::Backend::Sqlite),
        both(store::Backend::Sqlite);
    REQUIRE(
        runCli({u"init"_s, u"--db"_s, byDefault.url(), u"--admin"_s, u"admin"_s, u"--password-file"_s, pw})
            .code == cli::Success);
    CHECK(byDefault.rawValue(u"SELECT value FROM cabas_meta WHERE key = 'sealed_fields'"_s).toString() ==
          u"2:person,household,health"_s);
    REQUIRE(runCli({u"init"_s, u"--clear"_s, u"--db"_s, clear.url(), u"--admin"_s, u"admin"_s,
                    u"--password-file"_s, pw})
                .code == cli::Success);
    CHECK(clear.rawValue(u"SELECT value FROM cabas_meta WHERE key = 'sealed_fields'"_s).isNull());
    CHECK(runCli({u"init"_s, u"--clear"_s, u"--sealed"_s, u"--db"_s, both.url(), u"--admin"_s, u"admin"_s,
                  u"--password-file"_s, pw})
              .code == cli::UsageError);
}
