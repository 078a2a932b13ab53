#include "TestPaths.h"
#include "cli/Cli.h"
#include "store/AuditRepository.h"
#include "store/Database.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <catch2/catch.hpp>

using namespace cabas;
using cabas::test::TempDatabase;

namespace {
struct Run
{
    int code = -1;
    QString out;
    QString err;
};

Run as(const QString& login, const QString& passwordFile, const QString& db, const QStringList& args)
{
    Run r;
    QTextStream out(&r.out);
    QTextStream err(&r.err);
    QProcessEnvironment env;
    env.insert(QStringLiteral("CABAS_NO_PROMPT"), QStringLiteral("1"));
    r.code = cli::run(QStringList{QStringLiteral("--db"), db, QStringLiteral("--user"), login,
                                  QStringLiteral("--password-file"), passwordFile} +
                          args,
                      out, err, env);
    out.flush();
    err.flush();
    return r;
}

// A database with the persons.csv sample imported by a social worker, and a coordinator.
struct CliFixture
{
    TempDatabase t;
    QTemporaryDir dir;
    QString swPw, coordinatorPw;

    explicit CliFixture(store::Backend backend) : t(backend)
    {
        auto db = t.createInitialised();
        test::sessionFor(*db, Role::SocialWorker);
        test::sessionFor(*db, Role::Coordinator);
        db.reset();
        swPw = dir.filePath(QStringLiteral("sw"));
        test::writeFile(swPw, "Password-of-social.worker\n");
        coordinatorPw = dir.filePath(QStringLiteral("coordinator"));
        test::writeFile(coordinatorPw, "Password-of-coordinator\n");
        const Run import = sw({QStringLiteral("import"), QStringLiteral("persons"),
                               QStringLiteral(CABAS_SAMPLES_DIR "/persons.csv")});
        INFO(import.err.toStdString());
        REQUIRE(import.code == cli::Success);
    }
    Run sw(const QStringList& args) const { return as(QStringLiteral("social.worker"), swPw, t.url(), args); }
    Run coordinator(const QStringList& args) const
    {
        return as(QStringLiteral("coordinator"), coordinatorPw, t.url(), args);
    }
};
} // namespace

TEST_CASE("cabas-cli household list: search, filters and formats", "[cli][households]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC));
    CliFixture f(backend);

    const Run all = f.sw({QStringLiteral("household"), QStringLiteral("list"), QStringLiteral("--format"),
                          QStringLiteral("json")});
    INFO(all.err.toStdString());
    REQUIRE(all.code == cli::Success);
    const QJsonArray rows = QJsonDocument::fromJson(all.out.toUtf8()).array();
    CHECK(rows.size() == 6);
    CHECK(rows.first().toObject().value(QStringLiteral("household_code")).toString() ==
          QStringLiteral("MMG-0001"));
    CHECK(rows.first().toObject().value(QStringLiteral("members")).toInt() == 3);
    CHECK(
        rows.first().toObject().value(QStringLiteral("names")).toString().contains(QStringLiteral("Nguyễn")));

    // Accents and case ignored.
    const Run found = f.sw({QStringLiteral("household"), QStringLiteral("list"), QStringLiteral("--search"),
                            QStringLiteral("chateau"), QStringLiteral("--format"), QStringLiteral("csv")});
    REQUIRE(found.code == cli::Success);
    const QStringList lines = found.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].startsWith(QStringLiteral("household_code;status;commune")));
    CHECK(lines[1].startsWith(QStringLiteral("MMG-0002;enrolled;Fleurance;32500")));

    const Run commune =
        f.sw({QStringLiteral("household"), QStringLiteral("list"), QStringLiteral("--commune"),
              QStringLiteral("Condom"), QStringLiteral("--format"), QStringLiteral("json")});
    REQUIRE(commune.code == cli::Success);
    for (const auto& v : QJsonDocument::fromJson(commune.out.toUtf8()).array())
        CHECK(v.toObject().value(QStringLiteral("commune")).toString() == QStringLiteral("Condom"));

    const Run badStatus = f.sw({QStringLiteral("household"), QStringLiteral("list"),
                                QStringLiteral("--status"), QStringLiteral("gone")});
    CHECK(badStatus.code == cli::UsageError);
    const Run badFormat = f.sw({QStringLiteral("household"), QStringLiteral("list"),
                                QStringLiteral("--format"), QStringLiteral("xml")});
    CHECK(badFormat.code == cli::UsageError);

    // Coordinators: codes only, and a name finds nothing.
    const Run coordinator = f.coordinator({QStringLiteral("household"), QStringLiteral("list"),
                                           QStringLiteral("--format"), QStringLiteral("json")});
    REQUIRE(coordinator.code == cli::Success);
    CHECK_FALSE(coordinator.out.contains(QStringLiteral("Nguyễn")));
    CHECK_FALSE(coordinator.out.contains(QStringLiteral("\"names\"")));
    const Run byName =
        f.coordinator({QStringLiteral("household"), QStringLiteral("list"), QStringLiteral("--search"),
                       QStringLiteral("nguyen"), QStringLiteral("--format"), QStringLiteral("json")});
    REQUIRE(byName.code == cli::Success);
    CHECK(QJsonDocument::fromJson(byName.out.toUtf8()).array().isEmpty());
}

TEST_CASE("cabas-cli household show CODE --format json: members, cards, consents, status",
          "[cli][households]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC));
    CliFixture f(backend);
    const Run show = f.sw({QStringLiteral("household"), QStringLiteral("show"), QStringLiteral("MMG-0001"),
                           QStringLiteral("--format"), QStringLiteral("json")});
    INFO(show.err.toStdString());
    REQUIRE(show.code == cli::Success);
    const QJsonObject o = QJsonDocument::fromJson(show.out.toUtf8()).object();
    CHECK(o.value(QStringLiteral("household_code")).toString() == QStringLiteral("MMG-0001"));
    CHECK(o.value(QStringLiteral("status")).toString() == QStringLiteral("enrolled"));
    CHECK(o.value(QStringLiteral("commune")).toString() == QStringLiteral("Condom"));
    const QJsonArray members = o.value(QStringLiteral("members")).toArray();
    REQUIRE(members.size() == 3);
    CHECK(members[0].toObject().value(QStringLiteral("last_name")).toString() == QStringLiteral("Nguyễn"));
    const QJsonArray cards = o.value(QStringLiteral("cards")).toArray();
    REQUIRE(cards.size() == 1);
    CHECK(cards[0].toObject().value(QStringLiteral("card_id")).toString() == QStringLiteral("C-0001"));
    CHECK(cards[0].toObject().value(QStringLiteral("status")).toString() == QStringLiteral("active"));
    CHECK(o.value(QStringLiteral("consents")).isArray());
    // Two adults and a child (born 2013) in March 2025 with the default programme: 40 + 40 + 20 EUR.
    const QJsonObject allowance = o.value(QStringLiteral("allowance")).toObject();
    CHECK(allowance.value(QStringLiteral("adults")).toInt() == 2);
    CHECK(allowance.value(QStringLiteral("children")).toInt() == 1);
    CHECK(allowance.value(QStringLiteral("total_cents")).toInt() == 10000);
    CHECK(o.value(QStringLiteral("status_history")).toArray().size() >= 1);

    const Run text = f.sw({QStringLiteral("household"), QStringLiteral("show"), QStringLiteral("MMG-0001")});
    REQUIRE(text.code == cli::Success);
    CHECK(text.out.contains(QStringLiteral("P-00001")));

    const Run missing =
        f.sw({QStringLiteral("household"), QStringLiteral("show"), QStringLiteral("MMG-9999")});
    CHECK(missing.code == cli::Failure);
    CHECK(missing.err.contains(QStringLiteral("MMG-9999")));
    CHECK(f.sw({QStringLiteral("household"), QStringLiteral("show")}).code == cli::UsageError);

    const Run coordinator =
        f.coordinator({QStringLiteral("household"), QStringLiteral("show"), QStringLiteral("MMG-0001"),
                       QStringLiteral("--format"), QStringLiteral("json")});
    REQUIRE(coordinator.code == cli::Success);
    CHECK_FALSE(coordinator.out.contains(QStringLiteral("Nguyễn")));
    CHECK_FALSE(coordinator.out.contains(QStringLiteral("address")));
}

TEST_CASE("cabas-cli household depart and arrive: members leave and arrive, checked, audited, all or nothing",
          "[cli][households][members]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC));
    CliFixture f(backend);
    auto member = [&](const QString& code) {
        const Run show =
            f.sw({QStringLiteral("household"), QStringLiteral("show"), QStringLiteral("MMG-0001"),
                  QStringLiteral("--format"), QStringLiteral("json")});
        REQUIRE(show.code == cli::Success);
        for (const QJsonValue& m :
             QJsonDocument::fromJson(show.out.toUtf8()).object().value(QStringLiteral("members")).toArray())
            if (m.toObject().value(QStringLiteral("person_code")).toString() == code)
                return m.toObject();
        return QJsonObject();
    };
    const QStringList depart = {QStringLiteral("household"), QStringLiteral("depart"),
                                QStringLiteral("MMG-0001"), QStringLiteral("P-00002")};

    // Usage problems: exit status 2, nothing written.
    CHECK(f.sw(depart + QStringList{QStringLiteral("--reason"), QStringLiteral("moved")}).code ==
          cli::UsageError);
    CHECK(f.sw(depart + QStringList{QStringLiteral("--on"), QStringLiteral("2025-03-01")}).code ==
          cli::UsageError);
    const Run badDate = f.sw(depart + QStringList{QStringLiteral("--on"), QStringLiteral("2025-02-30"),
                                                  QStringLiteral("--reason"), QStringLiteral("moved")});
    CHECK(badDate.code == cli::UsageError);
    CHECK(badDate.err.contains(QStringLiteral("2025-02-30")));
    // Problems the core finds, located by member and field: a departure in the future, before the birth.
    const Run future = f.sw(depart + QStringList{QStringLiteral("--on"), QStringLiteral("2025-04-01"),
                                                 QStringLiteral("--reason"), QStringLiteral("moved")});
    CHECK(future.code == cli::Failure);
    CHECK(future.err.contains(QStringLiteral("P-00002")));
    CHECK(future.err.contains(QStringLiteral("left_on")));
    const Run unknown =
        f.sw({QStringLiteral("household"), QStringLiteral("depart"), QStringLiteral("MMG-0001"),
              QStringLiteral("P-00004"), QStringLiteral("--on"), QStringLiteral("2025-03-01"),
              QStringLiteral("--reason"), QStringLiteral("moved")});
    CHECK(unknown.code == cli::Failure);
    CHECK(unknown.err.contains(QStringLiteral("P-00004")));
    CHECK(member(QStringLiteral("P-00002")).value(QStringLiteral("left_on")).isNull());

    // Coordinators and nurses may not: refused (and audited by the core), nothing written.
    const Run refused =
        f.coordinator(depart + QStringList{QStringLiteral("--on"), QStringLiteral("2025-03-01"),
                                           QStringLiteral("--reason"), QStringLiteral("moved")});
    CHECK(refused.code == cli::Failure);
    CHECK(member(QStringLiteral("P-00002")).value(QStringLiteral("left_on")).isNull());

    const Run left =
        f.sw(depart + QStringList{QStringLiteral("--on"), QStringLiteral("2025-03-01"),
                                  QStringLiteral("--reason"), QStringLiteral("moved to Toulouse")});
    INFO(left.err.toStdString());
    REQUIRE(left.code == cli::Success);
    CHECK(left.out.contains(QStringLiteral("P-00002")));
    QJsonObject paul = member(QStringLiteral("P-00002"));
    CHECK(paul.value(QStringLiteral("left_on")).toString() == QStringLiteral("2025-03-01"));
    CHECK(paul.value(QStringLiteral("departure_reason")).toString() == QStringLiteral("moved to Toulouse"));
    CHECK(member(QStringLiteral("P-00001")).value(QStringLiteral("departure_reason")).isNull());
    // Twice: refused, the first departure stays.
    const Run again = f.sw(depart + QStringList{QStringLiteral("--on"), QStringLiteral("2025-03-05"),
                                                QStringLiteral("--reason"), QStringLiteral("again")});
    CHECK(again.code == cli::Failure);
    CHECK(member(QStringLiteral("P-00002")).value(QStringLiteral("left_on")).toString() ==
          QStringLiteral("2025-03-01"));

    // An arrival: a new member with the next person code, counted from the next first of the month.
    const QStringList arrive = {
        QStringLiteral("household"),    QStringLiteral("arrive"), QStringLiteral("MMG-0001"),
        QStringLiteral("--first-name"), QStringLiteral("Zoé"),    QStringLiteral("--last-name"),
        QStringLiteral("Nguyễn"),       QStringLiteral("--on"),   QStringLiteral("2025-03-02")};
    const Run childTooOld =
        f.sw(arrive + QStringList{QStringLiteral("--birth-date"), QStringLiteral("1990-05-01"),
                                  QStringLiteral("--role"), QStringLiteral("child")});
    CHECK(childTooOld.code == cli::Failure);
    CHECK(childTooOld.err.contains(QStringLiteral("role")));
    CHECK(f.sw(arrive + QStringList{QStringLiteral("--birth-date"), QStringLiteral("2020-05-01"),
                                    QStringLiteral("--role"), QStringLiteral("baby")})
              .code == cli::UsageError);
    const Run arrived =
        f.sw(arrive + QStringList{QStringLiteral("--birth-date"), QStringLiteral("2020-05-01"),
                                  QStringLiteral("--role"), QStringLiteral("child"), QStringLiteral("--sex"),
                                  QStringLiteral("F")});
    INFO(arrived.err.toStdString());
    REQUIRE(arrived.code == cli::Success);
    const QString newCode = QStringLiteral("P-%1").arg(
        f.t.rawValue(QStringLiteral("SELECT count(*) FROM person")).toInt(), 5, 10, QLatin1Char('0'));
    CHECK(arrived.out.contains(newCode));
    const QJsonObject zoe = member(newCode);
    CHECK(zoe.value(QStringLiteral("first_name")).toString() == QStringLiteral("Zoé"));
    CHECK(zoe.value(QStringLiteral("arrived_on")).toString() == QStringLiteral("2025-03-02"));
    CHECK(zoe.value(QStringLiteral("role")).toString() == QStringLiteral("child"));

    // Audited as the case file does: the departure and the arrival, never a value.
    auto db = f.t.open();
    QStringList details;
    store::AuditFilter filter;
    filter.table = QStringLiteral("person");
    for (const auto& r : store::AuditRepository(*db).list(filter))
        if (r.login == QLatin1String("social.worker"))
            details << r.action + QLatin1Char(' ') + r.recordRef + QLatin1Char(' ') + r.detail;
    CHECK(details.contains(QStringLiteral("update P-00002 departure")));
    CHECK(details.contains(QStringLiteral("create %1 arrival").arg(newCode)));
}
