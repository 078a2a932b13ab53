#include "CliTestUtil.h"
#include "core/store/LedgerTestUtil.h"
#include "store/LedgerRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <catch2/catch.hpp>
#include <map>

using namespace cabas;
using namespace Qt::StringLiterals;
using cabas::test::TempDatabase;

using Run = cabas::test::CliRun;
using cabas::test::runCli;

TEST_CASE("cabas-cli merchant commands have --help", "[cli][merchants]")
{
    const Run general = runCli({u"--help"_s});
    for (const char* command :
         {"merchant list", "merchant show", "merchant approve", "merchant withdraw", "merchant refuse"}) {
        QStringList args = QString::fromLatin1(command).split(QLatin1Char(' '));
        args << u"--help"_s;
        const Run help = runCli(args);
        INFO(command);
        CHECK(help.code == cli::Success);
        CHECK(help.out.contains(QString::fromLatin1(command)));
        CHECK(general.out.contains(QString::fromLatin1(command)));
    }
}

TEST_CASE("cabas-cli merchant list, approve, withdraw, refuse and show", "[cli][merchants]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2024, 8, 1), QTime(9, 0), Qt::UTC));
    TempDatabase t(backend);
    QTemporaryDir dir;
    {
        auto db = t.createInitialised();
        test::sessionFor(*db, Role::SocialWorker, u"anne"_s);
        const qint64 h = test::addHousehold(*db, u"MMG-0001"_s);
        test::addCard(*db, u"C-1"_s, h);
        LedgerEntry hyper =
            test::ledgerEntry(u"e-2"_s, 1, u"C-1"_s, u"purchase"_s, -3000, u"2024-07-02T10:00:00+02:00"_s);
        hyper.merchant = test::supermarket();
        EntryPage page;
        page.entries = {
            test::ledgerEntry(u"e-1"_s, 1, u"C-1"_s, u"purchase"_s, -2000, u"2024-06-10T10:00:00+02:00"_s),
            hyper};
        page.nextCursor = u"c"_s;
        store::LedgerRepository(*db).applyEntryPage(page);
    }
    const QString adminPw = dir.filePath(u"admin.pw"_s);
    test::writeFile(adminPw, QByteArray(TempDatabase::kAdminPassword) + '\n');
    const QString annePw = dir.filePath(u"anne.pw"_s);
    test::writeFile(annePw, "Password-of-anne\n");

    Run undecided =
        runCli(t, u"anne"_s, annePw, {u"merchant"_s, u"list"_s, u"--undecided"_s, u"--format"_s, u"csv"_s});
    INFO(undecided.err.toStdString());
    REQUIRE(undecided.code == cli::Success);
    CHECK(undecided.out.startsWith(u"id;name;category;operator_sustainable;state;"_s));
    CHECK(undecided.out.contains(
        u"M-09;Hyper Auch;supermarket;0;undecided;;;1;3000;2024-07-02;2024-07-02\r\n"_s));
    CHECK(undecided.out.contains(u"M-01;Biocoop Auch;organic_shop;1;undecided;"_s));

    // Only administrators decide: the social worker is refused (exit 1).
    Run refused =
        runCli(t, u"anne"_s, annePw, {u"merchant"_s, u"approve"_s, u"M-09"_s, u"--from"_s, u"2024-07-01"_s});
    CHECK(refused.code == cli::Failure);
    CHECK_FALSE(refused.err.isEmpty());

    // Usage errors (exit 2): a missing or malformed date.
    CHECK(runCli(t, u"admin"_s, adminPw, {u"merchant"_s, u"approve"_s, u"M-09"_s}).code == cli::UsageError);
    CHECK(
        runCli(t, u"admin"_s, adminPw, {u"merchant"_s, u"approve"_s, u"M-09"_s, u"--from"_s, u"01/07/2024"_s})
            .code == cli::UsageError);
    CHECK(runCli(t, u"admin"_s, adminPw, {u"merchant"_s, u"withdraw"_s, u"M-09"_s}).code == cli::UsageError);

    Run approve = runCli(t, u"admin"_s, adminPw,
                         {u"merchant"_s, u"approve"_s, u"M-09"_s, u"--from"_s, u"2024-07-01"_s, u"--note"_s,
                          u"Comité citoyen du 28 juin"_s});
    INFO(approve.err.toStdString());
    CHECK(approve.code == cli::Success);
    // Overlapping: refused with a located message, exit 1.
    Run overlap = runCli(t, u"admin"_s, adminPw,
                         {u"merchant"_s, u"approve"_s, u"M-09"_s, u"--from"_s, u"2024-07-15"_s});
    CHECK(overlap.code == cli::Failure);
    CHECK(overlap.err.contains(u"2024-07-01"_s));
    CHECK(
        runCli(t, u"admin"_s, adminPw, {u"merchant"_s, u"withdraw"_s, u"M-09"_s, u"--on"_s, u"2024-07-20"_s})
            .code == cli::Success);
    CHECK(
        runCli(t, u"admin"_s, adminPw, {u"merchant"_s, u"refuse"_s, u"M-01"_s, u"--note"_s, u"Hors charte"_s})
            .code == cli::Success);
    CHECK(runCli(t, u"admin"_s, adminPw, {u"merchant"_s, u"refuse"_s, u"M-404"_s}).code == cli::Failure);

    Run show = runCli(t, u"anne"_s, annePw, {u"merchant"_s, u"show"_s, u"M-09"_s, u"--format"_s, u"json"_s});
    REQUIRE(show.code == cli::Success);
    const QJsonObject o = QJsonDocument::fromJson(show.out.toUtf8()).object();
    CHECK(o.value(u"state"_s).toString() == u"withdrawn"_s);
    const QJsonArray decisions = o.value(u"decisions"_s).toArray();
    REQUIRE(decisions.size() == 1);
    CHECK(decisions[0].toObject().value(u"approved_from"_s).toString() == u"2024-07-01"_s);
    CHECK(decisions[0].toObject().value(u"withdrawn_on"_s).toString() == u"2024-07-20"_s);
    CHECK(decisions[0].toObject().value(u"note"_s).toString() == u"Comité citoyen du 28 juin"_s);
    CHECK(decisions[0].toObject().value(u"decided_by"_s).toString() == u"admin"_s);

    Run list = runCli(t, u"anne"_s, annePw, {u"merchant"_s, u"list"_s, u"--format"_s, u"json"_s});
    REQUIRE(list.code == cli::Success);
    const QJsonArray merchants =
        QJsonDocument::fromJson(list.out.toUtf8()).object().value(u"merchants"_s).toArray();
    REQUIRE(merchants.size() == 2);
    for (const QJsonValue& m : merchants) {
        const QJsonObject x = m.toObject();
        CHECK(x.value(u"state"_s).toString() ==
              (x.value(u"id"_s).toString() == u"M-01"_s ? u"refused"_s : u"withdrawn"_s));
    }
    Run none = runCli(t, u"anne"_s, annePw, {u"merchant"_s, u"list"_s, u"--undecided"_s});
    CHECK(none.code == cli::Success);
    CHECK_FALSE(none.out.contains(u"M-0"_s));
    CHECK(runCli(t, u"anne"_s, annePw, {u"merchant"_s, u"list"_s, u"--format"_s, u"xml"_s}).code ==
          cli::UsageError);
}

TEST_CASE("cabas-cli demo --scheme montpellier records the committee's decisions on merchants",
          "[cli][merchants]")
{
    test::ScopedClock clock(QDateTime(QDate(2025, 9, 1), QTime(9, 0), Qt::UTC));
    TempDatabase t(store::Backend::Sqlite);
    QTemporaryDir dir;
    const QString pw = dir.filePath(u"admin.pw"_s);
    test::writeFile(pw, QByteArray(TempDatabase::kAdminPassword) + '\n');
    t.createInitialised();
    const Run demo =
        runCli(t, u"admin"_s, pw, {u"demo"_s, u"--scheme"_s, u"montpellier"_s, u"--households"_s, u"5"_s});
    INFO(demo.err.toStdString());
    REQUIRE(demo.code == cli::Success);
    const Run list = runCli(t, u"admin"_s, pw, {u"merchant"_s, u"list"_s, u"--format"_s, u"json"_s});
    REQUIRE(list.code == cli::Success);
    std::map<QString, int> states;
    for (const QJsonValue& m :
         QJsonDocument::fromJson(list.out.toUtf8()).object().value(u"merchants"_s).toArray())
        ++states[m.toObject().value(u"state"_s).toString()];
    CHECK(states[u"approved"_s] == 5);
    CHECK(states[u"withdrawn"_s] == 1);
    CHECK(states[u"refused"_s] == 1);
    CHECK(states[u"undecided"_s] == 6);
    // Another scheme has no committee.
    TempDatabase gers(store::Backend::Sqlite);
    gers.createInitialised();
    REQUIRE(
        runCli(gers, u"admin"_s, pw, {u"demo"_s, u"--scheme"_s, u"gers"_s, u"--households"_s, u"5"_s}).code ==
        cli::Success);
    const Run none = runCli(gers, u"admin"_s, pw, {u"merchant"_s, u"list"_s, u"--format"_s, u"csv"_s});
    CHECK(none.code == cli::Success);
    CHECK(none.out.count(u"\r\n"_s) == 1); // the header only
}
