#include "TestPaths.h"
#include "cli/Cli.h"
#include "services/HouseholdService.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
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

Run cohortCli(const QString& db, const QString& login, const QString& passwordFile, const QStringList& args)
{
    Run r;
    QTextStream out(&r.out);
    QTextStream err(&r.err);
    QProcessEnvironment e;
    e.insert(QStringLiteral("CABAS_NO_PROMPT"), QStringLiteral("1"));
    r.code = cli::run(QStringList{QStringLiteral("--db"), db, QStringLiteral("--user"), login,
                                  QStringLiteral("--password-file"), passwordFile} +
                          args,
                      out, err, e);
    out.flush();
    err.flush();
    return r;
}
} // namespace

TEST_CASE("cabas-cli cohort: JSON on stdout, CSV and XLSX files, public figures for coordinators only",
          "[cli][cohort]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    QTemporaryDir dir;
    {
        auto db = t.createInitialised();
        const Session sw = test::sessionFor(*db, Role::SocialWorker);
        test::sessionFor(*db, Role::Coordinator);
        for (int i = 1; i <= 12; ++i) {
            Household h;
            h.code = QStringLiteral("MMG-%1").arg(i, 4, 10, QLatin1Char('0'));
            h.commune = i <= 3 ? QStringLiteral("Condom") : QStringLiteral("Auch");
            h.status = HouseholdStatus::Enrolled;
            h.enrolledOn = QDate(2024, 6, 1);
            HouseholdService(*db, sw).create(h);
        }
    }
    const QString coordinatorPw = dir.filePath(QStringLiteral("coordinator"));
    test::writeFile(coordinatorPw, "Password-of-coordinator\n");
    const QString swPw = dir.filePath(QStringLiteral("sw"));
    test::writeFile(swPw, "Password-of-social.worker\n");
    const QStringList period = {QStringLiteral("cohort"), QStringLiteral("--from"),
                                QStringLiteral("2024-06-01"), QStringLiteral("--to"),
                                QStringLiteral("2024-12-31")};

    Run json = cohortCli(t.url(), QStringLiteral("coordinator"), coordinatorPw, period);
    INFO(json.err.toStdString());
    REQUIRE(json.code == cli::Success);
    const QJsonObject o = QJsonDocument::fromJson(json.out.toUtf8()).object();
    CHECK(o.value(QLatin1String("period")).toObject().value(QLatin1String("from")).toString() ==
          QLatin1String("2024-06-01"));
    CHECK(o.value(QLatin1String("disclosure")).toString() == QLatin1String("internal"));
    CHECK(o.value(QLatin1String("indicators"))
              .toObject()
              .value(QLatin1String("households_enrolled"))
              .toInteger() == 12);
    CHECK(o.value(QLatin1String("indicators")).toObject().contains(QLatin1String("mean_bmi_change")));
    CHECK(o.value(QLatin1String("series")).toObject().contains(QLatin1String("by_month")));
    CHECK(o.value(QLatin1String("suppressed")).isArray());

    Run condom = cohortCli(t.url(), QStringLiteral("coordinator"), coordinatorPw,
                           period + QStringList{QStringLiteral("--commune"), QStringLiteral("Condom"),
                                                QStringLiteral("--disclosure"), QStringLiteral("public")});
    REQUIRE(condom.code == cli::Success);
    const QJsonObject p = QJsonDocument::fromJson(condom.out.toUtf8()).object();
    CHECK(
        p.value(QLatin1String("indicators")).toObject().value(QLatin1String("households_enrolled")).isNull());
    CHECK(p.value(QLatin1String("suppressed")).toArray().contains(QStringLiteral("households_enrolled")));

    const QString csvPath = dir.filePath(QStringLiteral("cohort.csv"));
    Run csv = cohortCli(t.url(), QStringLiteral("coordinator"), coordinatorPw,
                        period + QStringList{QStringLiteral("--format"), QStringLiteral("csv"),
                                             QStringLiteral("--out"), csvPath});
    REQUIRE(csv.code == cli::Success);
    QFile f(csvPath);
    REQUIRE(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();
    CHECK(bytes.startsWith("\xEF\xBB\xBF"));
    CHECK(bytes.contains("indicators;;households_enrolled;"));

    const QString xlsxPath = dir.filePath(QStringLiteral("cohort.xlsx"));
    Run xlsx = cohortCli(t.url(), QStringLiteral("coordinator"), coordinatorPw,
                         period + QStringList{QStringLiteral("--format"), QStringLiteral("xlsx"),
                                              QStringLiteral("--out"), xlsxPath});
    REQUIRE(xlsx.code == cli::Success);
    CHECK(QFile(xlsxPath).size() > 1000);

    // A social worker gets internal figures, not public ones nor the dataset.
    CHECK(cohortCli(t.url(), QStringLiteral("social.worker"), swPw, period).code == cli::Success);
    Run refused = cohortCli(t.url(), QStringLiteral("social.worker"), swPw,
                            period + QStringList{QStringLiteral("--disclosure"), QStringLiteral("public")});
    CHECK(refused.code == cli::Failure);
    CHECK_FALSE(refused.err.isEmpty());

    const QString datasetPath = dir.filePath(QStringLiteral("dataset.csv"));
    Run dataset = cohortCli(t.url(), QStringLiteral("coordinator"), coordinatorPw,
                            {QStringLiteral("cohort"), QStringLiteral("dataset"), QStringLiteral("--from"),
                             QStringLiteral("2024-06-01"), QStringLiteral("--to"),
                             QStringLiteral("2024-12-31"), QStringLiteral("--out"), datasetPath});
    INFO(dataset.err.toStdString());
    CHECK(dataset.code == cli::Success);
    CHECK(QFile::exists(datasetPath));

    // Usage errors: a bad date, a period the wrong way round, an unknown format.
    CHECK(cohortCli(t.url(), QStringLiteral("coordinator"), coordinatorPw,
                    {QStringLiteral("cohort"), QStringLiteral("--from"), QStringLiteral("2024-13-01"),
                     QStringLiteral("--to"), QStringLiteral("2024-12-31")})
              .code == cli::UsageError);
    CHECK(cohortCli(t.url(), QStringLiteral("coordinator"), coordinatorPw,
                    {QStringLiteral("cohort"), QStringLiteral("--from"), QStringLiteral("2024-12-01"),
                     QStringLiteral("--to"), QStringLiteral("2024-06-30")})
              .code == cli::UsageError);
    CHECK(cohortCli(t.url(), QStringLiteral("coordinator"), coordinatorPw,
                    period + QStringList{QStringLiteral("--format"), QStringLiteral("odt")})
              .code == cli::UsageError);
}

TEST_CASE("cabas-cli cohort --format pdf: the real executable writes a PDF without a display",
          "[cli][cohort]")
{
    TempDatabase t(store::Backend::Sqlite);
    QTemporaryDir dir;
    {
        auto db = t.createInitialised();
        test::sessionFor(*db, Role::Coordinator);
    }
    const QString pw = dir.filePath(QStringLiteral("coordinator"));
    test::writeFile(pw, "Password-of-coordinator\n");
    const QString pdf = dir.filePath(QStringLiteral("cohort.pdf"));
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("QT_QPA_PLATFORM"));
    env.remove(QStringLiteral("DISPLAY"));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(CABAS_CLI_EXECUTABLE),
            {QStringLiteral("--db"), t.url(), QStringLiteral("--user"), QStringLiteral("coordinator"),
             QStringLiteral("--password-file"), pw, QStringLiteral("cohort"), QStringLiteral("--from"),
             QStringLiteral("2024-06-01"), QStringLiteral("--to"), QStringLiteral("2024-12-31"),
             QStringLiteral("--format"), QStringLiteral("pdf"), QStringLiteral("--out"), pdf});
    REQUIRE(p.waitForFinished(120000));
    INFO(p.readAllStandardError().toStdString());
    REQUIRE(p.exitCode() == 0);
    QFile f(pdf);
    REQUIRE(f.open(QIODevice::ReadOnly));
    CHECK(f.read(5) == "%PDF-");
    const QString pdftoppm = QStandardPaths::findExecutable(QStringLiteral("pdftoppm"));
    if (pdftoppm.isEmpty())
        FAIL("pdftoppm is not installed (packaging/install-deps.sh installs poppler-utils)");
    QProcess render;
    render.start(pdftoppm, {QStringLiteral("-png"), QStringLiteral("-r"), QStringLiteral("40"), pdf,
                            dir.filePath(QStringLiteral("page"))});
    REQUIRE(render.waitForFinished(60000));
    CHECK(render.exitCode() == 0);
    CHECK(QDir(dir.path()).entryList({QStringLiteral("page*.png")}, QDir::Files).size() >= 3);
}
