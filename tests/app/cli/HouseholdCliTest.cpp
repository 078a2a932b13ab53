#include "cli/Cli.h"
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
