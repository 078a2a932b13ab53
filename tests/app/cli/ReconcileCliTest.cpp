#include "CliTestUtil.h"
#include "core/store/LedgerTestUtil.h"
#include "store/IncomeRepository.h"
#include "store/LedgerRepository.h"
#include "store/ProgrammeRepository.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <catch2/catch.hpp>

using namespace cabas;
using namespace Qt::StringLiterals;
using cabas::test::TempDatabase;

using Run = cabas::test::CliRun;
using cabas::test::runCli;

TEST_CASE("cabas-cli ledger reconcile lists missing and duplicated credits as JSON", "[cli][reconciliation]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    QTemporaryDir dir;
    {
        auto db = t.createInitialised();
        test::sessionFor(*db, Role::SocialWorker, u"anne"_s);
        test::sessionFor(*db, Role::Coordinator, u"julien"_s);
        Programme p = *store::ProgrammeRepository(*db).load();
        p.startsOn = QDate(2024, 6, 1);
        store::ProgrammeRepository(*db).save(p);
        const qint64 h = test::addHousehold(*db, u"MMG-0001"_s); // enrolled 2024-06-01, one adult
        Person adult;
        adult.householdId = h;
        adult.code = u"P-1"_s;
        adult.firstName = u"Anne"_s;
        adult.lastName = u"Martin"_s;
        adult.birthDate = QDate(1980, 1, 1);
        store::PersonRepository(*db).insert(adult);
        std::vector<LedgerEntry> entries;
        int n = 0;
        for (const QString& at : {u"2024-06-01T02:00:00+02:00"_s, u"2024-08-01T02:00:00+02:00"_s,
                                  u"2024-08-01T02:00:05+02:00"_s}) {
            LedgerEntry e = test::ledgerEntry(u"e-%1"_s.arg(++n), 1, u"C-1"_s, u"allowance"_s, 4000, at);
            e.account = u"MMG-0001"_s;
            entries.push_back(e);
        }
        store::LedgerRepository(*db).upsertEntries(entries);
    }
    const QString adminPw = dir.filePath(u"admin.pw"_s);
    test::writeFile(adminPw, QByteArray(TempDatabase::kAdminPassword) + '\n');
    const QString annePw = dir.filePath(u"anne.pw"_s);
    test::writeFile(annePw, "Password-of-anne\n");
    const QString julienPw = dir.filePath(u"julien.pw"_s);
    test::writeFile(julienPw, "Password-of-julien\n");

    const QStringList period{u"ledger"_s,     u"reconcile"_s, u"--from"_s,
                             u"2024-06-01"_s, u"--to"_s,      u"2024-08-31"_s};
    const Run r = runCli(t, u"anne"_s, annePw, period + QStringList{u"--format"_s, u"json"_s});
    INFO(r.err.toStdString());
    REQUIRE(r.code == 0);
    const QJsonObject expected{{u"discrepancies"_s, QJsonArray{QJsonObject{{u"household"_s, u"MMG-0001"_s},
                                                                           {u"month"_s, u"2024-07"_s},
                                                                           {u"expected_cents"_s, 4000},
                                                                           {u"credited_cents"_s, 0}},
                                                               QJsonObject{{u"household"_s, u"MMG-0001"_s},
                                                                           {u"month"_s, u"2024-08"_s},
                                                                           {u"expected_cents"_s, 4000},
                                                                           {u"credited_cents"_s, 8000}}}}};
    CHECK(QJsonDocument::fromJson(r.out.toUtf8()).object() == expected);

    const Run text = runCli(t, u"anne"_s, annePw, period);
    CHECK(text.code == 0);
    CHECK(text.out.contains(u"MMG-0001 2024-07"_s));

    const Run bonus =
        runCli(t, u"admin"_s, adminPw, period + QStringList{u"--bonus"_s, u"--format"_s, u"json"_s});
    CHECK(bonus.code == 0);
    CHECK(QJsonDocument::fromJson(bonus.out.toUtf8()).object().contains(u"bonus_discrepancies"_s));

    // Coordinators: no household list, but the counts.
    CHECK(runCli(t, u"julien"_s, julienPw, period).code == 1);
    const Run summary =
        runCli(t, u"julien"_s, julienPw, period + QStringList{u"--summary"_s, u"--format"_s, u"json"_s});
    CHECK(summary.code == 0);
    const QJsonObject counts = QJsonDocument::fromJson(summary.out.toUtf8()).object();
    CHECK(counts.value(u"allowance"_s).toObject().value(u"missing"_s).toInt() == 1);
    CHECK(counts.value(u"allowance"_s).toObject().value(u"duplicated"_s).toInt() == 1);
    CHECK_FALSE(summary.out.contains(u"MMG-0001"_s));

    CHECK(runCli(t, u"anne"_s, annePw, {u"ledger"_s, u"reconcile"_s, u"--from"_s, u"2024-06-01"_s}).code ==
          2);
    CHECK(runCli(t, u"anne"_s, annePw,
                 {u"ledger"_s, u"reconcile"_s, u"--from"_s, u"2024-06-31"_s, u"--to"_s, u"2024-07-01"_s})
              .code == 2);
}

TEST_CASE("cabas-cli demo --scheme sets up each kind of programme", "[cli][reconciliation][demo]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    const QString scheme = GENERATE(as<QString>(), u"gers"_s, u"vitalim"_s, u"rennes"_s, u"montpellier"_s);
    INFO("scheme " << scheme.toStdString());
    TempDatabase t(backend);
    QTemporaryDir dir;
    t.createInitialised();
    const QString adminPw = dir.filePath(u"admin.pw"_s);
    test::writeFile(adminPw, QByteArray(TempDatabase::kAdminPassword) + '\n');
    const Run r =
        runCli(t, u"admin"_s, adminPw, {u"demo"_s, u"--households"_s, u"12"_s, u"--scheme"_s, scheme});
    INFO(r.err.toStdString());
    REQUIRE(r.code == 0);
    const Run show = runCli(t, u"admin"_s, adminPw, {u"programme"_s, u"show"_s});
    const QJsonObject programme = QJsonDocument::fromJson(show.out.toUtf8()).object();
    const QString kind = programme.value(u"allowance"_s).toObject().value(u"kind"_s).toString();
    auto db = t.open();
    const auto assessments = store::IncomeRepository(*db).allUntil(QDate(2100, 1, 1));
    if (scheme == u"rennes"_s) {
        CHECK(kind == u"income_bands"_s);
        CHECK(assessments.size() >= 6);
    } else {
        CHECK(assessments.empty());
        CHECK(kind == (scheme == u"vitalim"_s ? u"per_person"_s : u"by_role"_s));
    }
    if (scheme == u"montpellier"_s)
        CHECK(programme.value(u"currency"_s).toString() == u"MonA"_s);
}

TEST_CASE("cabas-cli demo --scheme refuses an unknown scheme, income add and list", "[cli][reconciliation]")
{
    TempDatabase t(store::Backend::Sqlite);
    QTemporaryDir dir;
    {
        auto db = t.createInitialised();
        test::sessionFor(*db, Role::SocialWorker, u"anne"_s);
        test::addHousehold(*db, u"MMG-0001"_s);
    }
    const QString adminPw = dir.filePath(u"admin.pw"_s);
    test::writeFile(adminPw, QByteArray(TempDatabase::kAdminPassword) + '\n');
    const QString annePw = dir.filePath(u"anne.pw"_s);
    test::writeFile(annePw, "Password-of-anne\n");
    CHECK(runCli(t, u"admin"_s, adminPw, {u"demo"_s, u"--scheme"_s, u"paris"_s}).code == 2);
    const Run add = runCli(t, u"anne"_s, annePw,
                           {u"income"_s, u"add"_s, u"MMG-0001"_s, u"--monthly-income-cents"_s, u"90000"_s,
                            u"--effective"_s, u"2024-06-01"_s, u"--units"_s, u"1.5"_s});
    INFO(add.err.toStdString());
    CHECK(add.code == 0);
    const Run list =
        runCli(t, u"anne"_s, annePw, {u"income"_s, u"list"_s, u"MMG-0001"_s, u"--format"_s, u"json"_s});
    CHECK(list.code == 0);
    const QJsonArray history =
        QJsonDocument::fromJson(list.out.toUtf8()).object().value(u"assessments"_s).toArray();
    REQUIRE(history.size() == 1);
    CHECK(history.at(0).toObject().value(u"income_per_unit_cents"_s).toInt() == 60000);
    CHECK(runCli(t, u"admin"_s, adminPw,
                 {u"income"_s, u"add"_s, u"MMG-0001"_s, u"--monthly-income-cents"_s, u"1"_s, u"--effective"_s,
                  u"2024-06-01"_s})
              .code == 1); // administrators do not write households
}
