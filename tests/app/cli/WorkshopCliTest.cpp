#include "TestPaths.h"
#include "cli/Cli.h"
#include "io/PersonsImport.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
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

// The sample households, and two users: julien (coordinator) and admin.
struct Fixture
{
    TempDatabase t;
    QTemporaryDir dir;
    QString adminPw;
    QString coordinatorPw;

    explicit Fixture(store::Backend backend) : t(backend)
    {
        auto db = t.createInitialised();
        io::PersonsImport(*db, test::sessionFor(*db, Role::SocialWorker))
            .run(QStringLiteral(CABAS_SAMPLES_DIR "/persons.csv"));
        db.reset();
        adminPw = dir.filePath(QStringLiteral("admin"));
        test::writeFile(adminPw, QByteArray(TempDatabase::kAdminPassword) + '\n');
        coordinatorPw = dir.filePath(QStringLiteral("julien"));
        test::writeFile(coordinatorPw, "Coordinator-2026\n");
        REQUIRE(as(QStringLiteral("admin"), adminPw,
                   {QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("julien"),
                    QStringLiteral("--role"), QStringLiteral("coordinator"),
                    QStringLiteral("--password-file"), coordinatorPw})
                    .code == cli::Success);
        // The administrator chose it: julien changes it (to the same) before anything else.
        REQUIRE(as(QStringLiteral("julien"), coordinatorPw,
                   {QStringLiteral("user"), QStringLiteral("passwd"), QStringLiteral("julien"),
                    QStringLiteral("--password-file"), coordinatorPw})
                    .code == cli::Success);
    }

    Run as(const QString& login, const QString& pw, const QStringList& args) const
    {
        Run r;
        QTextStream out(&r.out);
        QTextStream err(&r.err);
        QProcessEnvironment e;
        e.insert(QStringLiteral("CABAS_NO_PROMPT"), QStringLiteral("1"));
        r.code = cli::run(QStringList{QStringLiteral("--db"), t.url(), QStringLiteral("--user"), login,
                                      QStringLiteral("--password-file"), pw} +
                              args,
                          out, err, e);
        out.flush();
        err.flush();
        return r;
    }
    Run coordinator(const QStringList& args) const
    {
        return as(QStringLiteral("julien"), coordinatorPw, args);
    }
};

QJsonArray listJson(const Fixture& f, const QStringList& extra = {})
{
    const Run r = f.coordinator(QStringList{QStringLiteral("workshop"), QStringLiteral("list"),
                                            QStringLiteral("--format"), QStringLiteral("json")} +
                                extra);
    INFO(r.err.toStdString());
    REQUIRE(r.code == cli::Success);
    return QJsonDocument::fromJson(r.out.toUtf8()).array();
}
} // namespace

TEST_CASE("cabas-cli import attendance and workshop list", "[cli][workshops]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 6, 1), QTime(9, 0), Qt::UTC));
    Fixture f(backend);
    const QString sample = QStringLiteral(CABAS_SAMPLES_DIR "/attendance.csv");

    const Run dry = f.coordinator(
        {QStringLiteral("import"), QStringLiteral("attendance"), sample, QStringLiteral("--dry-run")});
    INFO(dry.err.toStdString());
    REQUIRE(dry.code == cli::Success);
    CHECK(listJson(f).isEmpty());
    REQUIRE(f.coordinator({QStringLiteral("import"), QStringLiteral("attendance"), sample}).code ==
            cli::Success);
    REQUIRE(f.coordinator({QStringLiteral("import"), QStringLiteral("attendance"), sample}).code ==
            cli::Success);

    const QJsonArray all = listJson(f);
    REQUIRE(all.size() == 12);
    int present = 0;
    for (const auto& v : all)
        present += v.toObject().value(QStringLiteral("present")).toInt();
    CHECK(present == 88);
    const QJsonObject first = all.first().toObject();
    CHECK(first.value(QStringLiteral("date")).toString() == QStringLiteral("2024-06-21"));
    CHECK(first.value(QStringLiteral("type")).toString() == QStringLiteral("farm_visit"));
    CHECK(first.value(QStringLiteral("capacity")).isNull());

    const QJsonArray autumn = listJson(f, {QStringLiteral("--from"), QStringLiteral("2024-09-01"),
                                           QStringLiteral("--to"), QStringLiteral("2024-11-30")});
    CHECK(autumn.size() == 3);

    const Run csv =
        f.coordinator({QStringLiteral("workshop"), QStringLiteral("list"), QStringLiteral("--format"),
                       QStringLiteral("csv"), QStringLiteral("--to"), QStringLiteral("2024-07-31")});
    REQUIRE(csv.code == cli::Success);
    const QStringList lines = csv.out.trimmed().split(QLatin1Char('\n'));
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].startsWith(QStringLiteral("id;date;start;end;type;title")));
    CHECK(lines[1].contains(QStringLiteral(";2024-06-21;")));

    const QString bad = f.dir.filePath(QStringLiteral("bad.csv"));
    test::writeFile(bad, "workshop_date;workshop_type;title;person_code;attended\n"
                         "2025-03-14;cooking;Soupe;P-00001;yes\n"
                         "2025-03-14;cooking;Soupe;P-00002;peut-être\n");
    const Run refused = f.coordinator({QStringLiteral("import"), QStringLiteral("attendance"), bad});
    CHECK(refused.code == cli::Failure);
    CHECK(refused.err.contains(QStringLiteral("bad.csv:3: attended")));
    CHECK(listJson(f).size() == 12);

    CHECK(f.coordinator({QStringLiteral("workshop"), QStringLiteral("list"), QStringLiteral("--from"),
                         QStringLiteral("yesterday")})
              .code == cli::UsageError);
    CHECK(f.coordinator({QStringLiteral("workshop"), QStringLiteral("list"), QStringLiteral("--format"),
                         QStringLiteral("xml")})
              .code == cli::UsageError);
}

TEST_CASE("cabas-cli workshop add, register (waiting list), attend, administrators only read",
          "[cli][workshops]")
{
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 1), QTime(9, 0), Qt::UTC));
    Fixture f(store::Backend::Sqlite);
    const Run add = f.coordinator(
        {QStringLiteral("workshop"), QStringLiteral("add"), QStringLiteral("--type"),
         QStringLiteral("bread_making"), QStringLiteral("--title"), QStringLiteral("Pain au levain"),
         QStringLiteral("--date"), QStringLiteral("2025-03-14"), QStringLiteral("--start"),
         QStringLiteral("9:30"), QStringLiteral("--capacity"), QStringLiteral("2"), QStringLiteral("--place"),
         QStringLiteral("Boulangerie Dupin, Auch")});
    INFO(add.err.toStdString());
    REQUIRE(add.code == cli::Success);
    const QString id =
        QString::number(listJson(f).first().toObject().value(QStringLiteral("id")).toInteger());

    const Run reg =
        f.coordinator({QStringLiteral("workshop"), QStringLiteral("register"), id, QStringLiteral("P-00001"),
                       QStringLiteral("P-00002"), QStringLiteral("P-00003")});
    INFO(reg.err.toStdString());
    REQUIRE(reg.code == cli::Success);
    QJsonObject w = listJson(f).first().toObject();
    CHECK(w.value(QStringLiteral("registered")).toInt() == 2);
    CHECK(w.value(QStringLiteral("waiting")).toInt() == 1);
    CHECK(w.value(QStringLiteral("start")).toString() == QStringLiteral("09:30"));

    const Run cancel = f.coordinator({QStringLiteral("workshop"), QStringLiteral("register"), id,
                                      QStringLiteral("P-00002"), QStringLiteral("--cancel")});
    REQUIRE(cancel.code == cli::Success);
    CHECK(cancel.out.contains(QStringLiteral("P-00003")));
    w = listJson(f).first().toObject();
    CHECK(w.value(QStringLiteral("registered")).toInt() == 2);
    CHECK(w.value(QStringLiteral("waiting")).toInt() == 0);

    // Not before the day.
    CHECK(f.coordinator({QStringLiteral("workshop"), QStringLiteral("attend"), id,
                         QStringLiteral("--present"), QStringLiteral("P-00001")})
              .code == cli::Failure);
    clock.clock().set(QDateTime(QDate(2025, 3, 14), QTime(12, 0), Qt::UTC));
    const Run attend =
        f.coordinator({QStringLiteral("workshop"), QStringLiteral("attend"), id, QStringLiteral("--present"),
                       QStringLiteral("P-00001"), QStringLiteral("--absent"), QStringLiteral("P-00003")});
    INFO(attend.err.toStdString());
    REQUIRE(attend.code == cli::Success);
    w = listJson(f).first().toObject();
    CHECK(w.value(QStringLiteral("present")).toInt() == 1);
    CHECK(w.value(QStringLiteral("absent")).toInt() == 1);

    // The administrator reads, and is refused writes.
    CHECK(
        f.as(QStringLiteral("admin"), f.adminPw, {QStringLiteral("workshop"), QStringLiteral("list")}).code ==
        cli::Success);
    const Run refused =
        f.as(QStringLiteral("admin"), f.adminPw,
             {QStringLiteral("workshop"), QStringLiteral("register"), id, QStringLiteral("P-00004")});
    CHECK(refused.code == cli::Failure);
    CHECK(f.as(QStringLiteral("admin"), f.adminPw,
               {QStringLiteral("import"), QStringLiteral("attendance"),
                QStringLiteral(CABAS_SAMPLES_DIR "/attendance.csv")})
              .code == cli::Failure);
    CHECK(f.coordinator({QStringLiteral("workshop"), QStringLiteral("add"), QStringLiteral("--type"),
                         QStringLiteral("knitting")})
              .code == cli::UsageError);
}
