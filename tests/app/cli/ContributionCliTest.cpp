#include "CliTestUtil.h"
#include "store/HouseholdRepository.h"
#include "store/ProgrammeRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <catch2/catch.hpp>

using namespace cabas;
using namespace Qt::StringLiterals;
using cabas::test::TempDatabase;

using Run = cabas::test::CliRun;
using cabas::test::runCli;

TEST_CASE("cabas-cli contribution set, pay, show and arrears", "[cli][contributions]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 4, 10), QTime(9, 0), Qt::UTC));
    TempDatabase t(backend);
    QTemporaryDir dir;
    const QString programme = dir.filePath(u"p.json"_s);
    test::writeFile(programme, R"({"name": "Caisse commune", "starts_on": "2025-01-01", "currency": "MonA",
        "allowance": {"kind": "per_person", "per_person_cents": 10000},
        "waves": [{"code": "M0", "offset_days": 0, "tolerance_days": 30}],
        "contributions": {"enabled": true, "currency": "EUR", "min_monthly_cents": 100,
                          "max_monthly_cents": 15000}})");
    {
        auto db = t.createInitialised();
        test::sessionFor(*db, Role::SocialWorker, u"anne"_s);
        test::sessionFor(*db, Role::Coordinator, u"julien"_s);
        Household h;
        h.code = u"MMG-0001"_s;
        h.status = HouseholdStatus::Enrolled;
        h.enrolledOn = QDate(2025, 1, 6);
        store::HouseholdRepository(*db).insert(h);
    }
    const QString adminPw = dir.filePath(u"admin.pw"_s);
    test::writeFile(adminPw, QByteArray(TempDatabase::kAdminPassword) + '\n');
    const QString annePw = dir.filePath(u"anne.pw"_s);
    test::writeFile(annePw, "Password-of-anne\n");
    const QString julienPw = dir.filePath(u"julien.pw"_s);
    test::writeFile(julienPw, "Password-of-julien\n");

    // Before the programme has contributions: a located refusal.
    Run off = runCli(
        t, u"anne"_s, annePw,
        {u"contribution"_s, u"set"_s, u"MMG-0001"_s, u"--amount"_s, u"10"_s, u"--from"_s, u"2025-01"_s});
    CHECK(off.code == 1);
    CHECK(off.err.contains(u"contributions:"_s));
    const Run set = runCli(t, u"admin"_s, adminPw, {u"programme"_s, u"set"_s, programme});
    INFO(set.err.toStdString());
    REQUIRE(set.code == 0);

    const auto anne = [&](const QStringList& args) { return runCli(t, u"anne"_s, annePw, args); };
    CHECK(
        anne({u"contribution"_s, u"set"_s, u"MMG-0001"_s, u"--amount"_s, u"10"_s, u"--from"_s, u"2025-01"_s})
            .code == 0);
    CHECK(anne({u"contribution"_s, u"set"_s, u"MMG-0001"_s, u"--amount"_s, u"25,50 EUR"_s, u"--from"_s,
                u"2025-03"_s})
              .code == 0);
    CHECK(
        anne({u"contribution"_s, u"pay"_s, u"MMG-0001"_s, u"--amount"_s, u"20"_s, u"--on"_s, u"2025-02-03"_s})
            .code == 0);
    // Out of range, another currency, a bad month: refused, nothing written.
    const Run high = anne(
        {u"contribution"_s, u"set"_s, u"MMG-0001"_s, u"--amount"_s, u"150,01"_s, u"--from"_s, u"2025-04"_s});
    CHECK(high.code == 1);
    CHECK(high.err.contains(u"amount:"_s));
    const Run mona = anne(
        {u"contribution"_s, u"pay"_s, u"MMG-0001"_s, u"--amount"_s, u"5 MonA"_s, u"--on"_s, u"2025-02-03"_s});
    CHECK(mona.code == 1);
    CHECK(mona.err.contains(u"MonA"_s));
    CHECK(
        anne({u"contribution"_s, u"set"_s, u"MMG-0001"_s, u"--amount"_s, u"10"_s, u"--from"_s, u"2025-13"_s})
            .code == 2);

    const Run show = anne({u"contribution"_s, u"show"_s, u"MMG-0001"_s, u"--format"_s, u"json"_s});
    INFO(show.err.toStdString());
    REQUIRE(show.code == 0);
    const QJsonObject account = QJsonDocument::fromJson(show.out.toUtf8()).object();
    CHECK(account[u"currency"_s].toString() == u"EUR"_s);
    CHECK(account[u"monthly_cents"_s].toInt() == 2550);
    CHECK(account[u"choices"_s].toArray().size() == 2);
    CHECK(account[u"payments"_s].toArray().size() == 1);
    CHECK(account[u"payments"_s].toArray()[0][u"recorded_by"_s].toString() == u"anne"_s);
    // January 10 + February 10 + March 25.50 + April 25.50 = 71 EUR expected, 20 paid.
    CHECK(account[u"arrears_cents"_s].toInt() == 5100);
    CHECK(account[u"months"_s].toArray().size() == 4);
    CHECK(account[u"months"_s].toArray()[2][u"expected_cents"_s].toInt() == 2550);

    const Run csv =
        anne({u"contribution"_s, u"arrears"_s, u"--month"_s, u"2025-02"_s, u"--format"_s, u"csv"_s});
    REQUIRE(csv.code == 0);
    CHECK(csv.out == u"household;monthly_cents;arrears_cents;months_owed;last_paid_on\r\n"_s); // all paid
    const Run json = anne({u"contribution"_s, u"arrears"_s, u"--format"_s, u"json"_s});
    REQUIRE(json.code == 0);
    const QJsonArray owed = QJsonDocument::fromJson(json.out.toUtf8()).object()[u"households"_s].toArray();
    REQUIRE(owed.size() == 1);
    CHECK(owed[0][u"household"_s].toString() == u"MMG-0001"_s);
    CHECK(owed[0][u"arrears_cents"_s].toInt() == 5100);
    CHECK(owed[0][u"months_owed"_s].toInt() == 2); // January was paid in February

    // Coordinators: refused, in the user's language.
    const Run coordinator = runCli(t, u"julien"_s, julienPw, {u"contribution"_s, u"arrears"_s});
    CHECK(coordinator.code == 1);
    CHECK(runCli(t, u"julien"_s, julienPw, {u"contribution"_s, u"show"_s, u"MMG-0001"_s}).code == 1);
    // The cohort figures are theirs.
    const Run figures = runCli(
        t, u"julien"_s, julienPw,
        {u"cohort"_s, u"--from"_s, u"2025-01-01"_s, u"--to"_s, u"2025-03-31"_s, u"--format"_s, u"json"_s});
    INFO(figures.err.toStdString());
    REQUIRE(figures.code == 0);
    const QJsonObject indicators =
        QJsonDocument::fromJson(figures.out.toUtf8()).object()[u"indicators"_s].toObject();
    CHECK(indicators[u"contribution_expected_cents"_s].toInt() == 4550);
    CHECK(indicators[u"contribution_paid_cents"_s].toInt() == 2000);
}

TEST_CASE("cabas-cli demo --scheme montpellier gives households contributions, payments and some arrears",
          "[cli][contributions][demo]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    QTemporaryDir dir;
    t.createInitialised();
    const QString adminPw = dir.filePath(u"admin.pw"_s);
    test::writeFile(adminPw, QByteArray(TempDatabase::kAdminPassword) + '\n');
    const Run r = runCli(t, u"admin"_s, adminPw,
                         {u"demo"_s, u"--households"_s, u"40"_s, u"--scheme"_s, u"montpellier"_s});
    INFO(r.err.toStdString());
    REQUIRE(r.code == 0);
    const Run arrears =
        runCli(t, u"admin"_s, adminPw, {u"contribution"_s, u"arrears"_s, u"--format"_s, u"json"_s});
    INFO(arrears.err.toStdString());
    REQUIRE(arrears.code == 0);
    const QJsonObject list = QJsonDocument::fromJson(arrears.out.toUtf8()).object();
    CHECK(list[u"currency"_s].toString() == u"EUR"_s);
    const QJsonArray owed = list[u"households"_s].toArray();
    CHECK(owed.size() >= 1);
    auto db = t.open();
    QSqlQuery q =
        db->exec(u"SELECT COUNT(DISTINCT household_id), MIN(monthly_cents), MAX(monthly_cents) FROM "
                 u"contribution_choice"_s);
    REQUIRE(q.next());
    CHECK(q.value(0).toInt() >= 20);
    CHECK(q.value(1).toLongLong() >= 100);
    CHECK(q.value(2).toLongLong() <= 15000);
    QSqlQuery p = db->exec(u"SELECT COUNT(*) FROM contribution_payment"_s);
    REQUIRE(p.next());
    CHECK(p.value(0).toInt() > q.value(0).toInt());
    CHECK(owed.size() < q.value(0).toInt()); // most households are up to date
}
