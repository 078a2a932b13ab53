#include "CliTestUtil.h"
#include "cli/Cli.h"
#include "cli/CliSupport.h"
#include "security/KeyRing.h"
#include "support/TestDatabase.h"

#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <catch2/catch.hpp>

using namespace cabas;
using namespace Qt::StringLiterals;
using cabas::test::runCli;
using cabas::test::TempDatabase;

namespace {
QString writeFile(const QTemporaryDir& dir, const QString& name, const QString& firstLine)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    REQUIRE(f.open(QIODevice::WriteOnly));
    f.write(firstLine.toUtf8() + "\n");
    return path;
}
} // namespace

TEST_CASE("cabas-cli recover: the key printed at init makes a new administrator, a wrong key changes nothing",
          "[cli][keyring][recovery]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    QTemporaryDir dir;
    const QString adminPw = writeFile(dir, u"admin.pw"_s, u"Mot-de-passe-Admin-1"_s);
    const auto init = runCli({u"init"_s, u"--clear"_s, u"--db"_s, t.url(), u"--admin"_s, u"admin"_s,
                              u"--password-file"_s, adminPw});
    INFO(init.out.toStdString() << init.err.toStdString());
    REQUIRE(init.code == cli::Success);
    const auto key = QRegularExpression(u"([A-Z2-7]{4}-){7}[A-Z2-7]{4}"_s).match(init.out);
    REQUIRE(key.hasMatch());

    const QString newPw = writeFile(dir, u"new.pw"_s, u"Cle-de-Secours-2026"_s);
    const QString keyFile = writeFile(dir, u"key.txt"_s, key.captured(0));
    const QString otherKey = writeFile(dir, u"other.txt"_s, u"AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH"_s);
    const QString empty = writeFile(dir, u"empty.txt"_s, QString());

    const auto wrong = runCli({u"recover"_s, u"secours"_s, u"--db"_s, t.url(), u"--recovery-key-file"_s,
                               otherKey, u"--password-file"_s, newPw});
    CHECK(wrong.code != cli::Success);
    CHECK(wrong.err.contains(
        security::KeyRing::tr("This recovery key does not open this database (or its recovery "
                              "slot was altered).")));
    const auto noFile = runCli({u"recover"_s, u"secours"_s, u"--db"_s, t.url(), u"--password-file"_s, newPw});
    CHECK(noFile.code == cli::UsageError);
    CHECK(noFile.err.contains(u"--recovery-key-file"_s));
    const auto blank = runCli({u"recover"_s, u"secours"_s, u"--db"_s, t.url(), u"--recovery-key-file"_s,
                               empty, u"--password-file"_s, newPw});
    CHECK(blank.code != cli::Success);
    CHECK(blank.err.contains(empty));
    const auto refused = runCli(
        {u"--db"_s, t.url(), u"--user"_s, u"secours"_s, u"--password-file"_s, newPw, u"user"_s, u"list"_s});
    CHECK(refused.code != cli::Success);

    const auto ok = runCli({u"recover"_s, u"secours"_s, u"--db"_s, t.url(), u"--recovery-key-file"_s, keyFile,
                            u"--name"_s, u"Sam Secours"_s, u"--password-file"_s, newPw});
    INFO(ok.out.toStdString() << ok.err.toStdString());
    REQUIRE(ok.code == cli::Success);
    CHECK(ok.out.contains(u"secours"_s));
    const auto list = runCli(
        {u"--db"_s, t.url(), u"--user"_s, u"secours"_s, u"--password-file"_s, newPw, u"user"_s, u"list"_s});
    REQUIRE(list.code == cli::Success);
    CHECK(list.out.contains(u"secours\tSam Secours\tadmin"_s));
}

TEST_CASE("cabas-cli recovery-key replace: an administrator gets a new key that recover accepts, the old one "
          "no longer opens; a nurse is refused",
          "[cli][keyring][recovery]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    QTemporaryDir dir;
    QString oldKey;
    {
        auto db = t.createInitialised(&oldKey);
        test::sessionFor(*db, Role::Nurse, u"claire"_s); // the health key exists: the new key waits for it
    }
    const QString adminPw = writeFile(dir, u"admin.pw"_s, QString::fromLatin1(TempDatabase::kAdminPassword));
    const QString nursePw = writeFile(dir, u"claire.pw"_s, u"Password-of-claire"_s);

    const auto refused = runCli(t, u"claire"_s, nursePw, {u"recovery-key"_s, u"replace"_s});
    CHECK(refused.code == cli::Failure);
    CHECK(refused.out.isEmpty());

    const auto replaced = runCli(t, u"admin"_s, adminPw, {u"recovery-key"_s, u"replace"_s});
    INFO(replaced.out.toStdString() << replaced.err.toStdString());
    REQUIRE(replaced.code == cli::Success);
    const auto keys = QRegularExpression(u"([A-Z2-7]{4}-){7}[A-Z2-7]{4}"_s).globalMatch(replaced.out);
    QStringList printed;
    for (auto it = keys; it.hasNext();)
        printed << it.next().captured(0);
    REQUIRE(printed.size() == 1); // once
    CHECK(printed.front() != oldKey);
    CHECK(replaced.out.contains(u"| "_s + u"    "_s + printed.front())); // inside the box
    QString flat = replaced.out;                                         // the box's lines joined again
    flat.remove(QLatin1Char('|'));
    CHECK(flat.simplified().contains(
        cli::Cli::tr("It opens the health data only after a nurse's next login.")));
    CHECK_FALSE(replaced.err.contains(printed.front()));

    const QString newPw = writeFile(dir, u"new.pw"_s, u"Cle-de-Secours-2026"_s);
    const auto old = runCli({u"recover"_s, u"secours"_s, u"--db"_s, t.url(), u"--recovery-key-file"_s,
                             writeFile(dir, u"old.txt"_s, oldKey), u"--password-file"_s, newPw});
    CHECK(old.code == cli::Failure);
    CHECK(old.err.contains(security::KeyRing::tr("This recovery key does not open this database (or its "
                                                 "recovery slot was altered).")));
    const auto ok = runCli({u"recover"_s, u"secours"_s, u"--db"_s, t.url(), u"--recovery-key-file"_s,
                            writeFile(dir, u"new.txt"_s, printed.front()), u"--password-file"_s, newPw});
    INFO(ok.out.toStdString() << ok.err.toStdString());
    CHECK(ok.code == cli::Success);

    // Listed in the group's help and in the general help.
    CHECK(runCli({u"recovery-key"_s, u"--help"_s}).out.contains(u"recovery-key replace"_s));
    CHECK(runCli({u"--help"_s}).out.contains(u"recovery-key replace"_s));
}
