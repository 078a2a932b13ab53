#include "io/CohortExport.h"
#include "io/Csv.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <catch2/catch.hpp>

using namespace cabas;

namespace {
CohortReport sample(Disclosure disclosure)
{
    CohortRaw raw;
    raw.households = 58;
    raw.persons = 116;
    raw.adults = 82;
    raw.children = 34;
    raw.householdsWithPurchase = 58;
    raw.allowanceCents = 1234567;
    raw.allowanceHouseholds = 58;
    raw.spentCents = 1000000;
    raw.spendingHouseholds = 58;
    raw.sustainableSpentCents = 600001;
    raw.sustainableHouseholds = 50;
    raw.questionnairePairs = 3; // suppressed in public
    raw.organicFvIncreased = 1;
    raw.checkupPairs = 40;
    raw.bmiChangeSum = -12.345;
    raw.months = {{QStringLiteral("2024-06"), 600000, 0, 500000, 300000, 58},
                  {QStringLiteral("2024-07"), 634567, 0, 500000, 300001, 58}};
    raw.categories = {{QStringLiteral("organic_shop"), 600001, 50},
                      {QStringLiteral("supermarket"), 399999, 40}};
    CohortFilter f;
    f.from = QDate(2024, 6, 1);
    f.to = QDate(2024, 7, 31);
    f.commune = QStringLiteral("Auch; Gers"); // a separator inside a field
    return CohortReport::build(raw, f, disclosure, 11);
}
} // namespace

TEST_CASE("cohort CSV: BOM, semicolons, decimal comma, and it reads back to the same figures",
          "[cohort][export]")
{
    const CohortReport report = sample(Disclosure::Public);
    const QByteArray csv = io::CohortExport::csv(report);
    CHECK(csv.startsWith("\xEF\xBB\xBF"));
    CHECK(csv.contains("\r\n"));
    const io::CsvTable table = io::CsvTable::parse(csv, QStringLiteral("cohort.csv"));
    CHECK(table.separator == QLatin1Char(';'));
    REQUIRE(table.header.join(QLatin1Char(',')) == QLatin1String("table,row,key,label,value"));
    size_t figures = report.indicators.size();
    for (const CohortSeries& s : report.series)
        figures += s.rows.size() * size_t(s.columns.size());
    REQUIRE(table.rows.size() == figures);
    // Every value reads back (decimal comma) to the report's JSON value; suppressed ones are empty.
    const QJsonObject indicators = report.toJson().value(QStringLiteral("indicators")).toObject();
    for (const io::CsvRow& row : table.rows) {
        if (row.fields[0] != QLatin1String("indicators"))
            continue;
        INFO(row.fields[2].toStdString());
        const QJsonValue expected = indicators.value(row.fields[2]);
        if (expected.isNull()) {
            CHECK(row.fields[4].isEmpty());
            continue;
        }
        bool ok = false;
        const double value = QString(row.fields[4]).replace(QLatin1Char(','), QLatin1Char('.')).toDouble(&ok);
        REQUIRE(ok);
        CHECK(value == expected.toDouble());
    }
    CHECK(csv.contains(";sustainable_spend_pct;"));
    CHECK(csv.contains(";60,0\r\n"));
    CHECK(csv.contains(";-0,31\r\n")); // mean BMI change, two decimals
    CHECK(indicators.value(QStringLiteral("questionnaire_pairs")).isNull());
}

TEST_CASE("cohort XLSX: one sheet per table, and LibreOffice opens it", "[cohort][export]")
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("cohort.xlsx"));
    io::CohortExport::xlsx(sample(Disclosure::Internal), path);
    QFile file(path);
    REQUIRE(file.open(QIODevice::ReadOnly));
    CHECK(file.read(2) == "PK");

    const QString office = QStandardPaths::findExecutable(QStringLiteral("libreoffice")).isEmpty()
                               ? QStandardPaths::findExecutable(QStringLiteral("soffice"))
                               : QStandardPaths::findExecutable(QStringLiteral("libreoffice"));
    if (office.isEmpty())
        FAIL("LibreOffice is not installed (packaging/install-deps.sh installs libreoffice-calc-nogui)");
    QProcess p;
    p.setWorkingDirectory(dir.path());
    p.start(office,
            {QStringLiteral("-env:UserInstallation=file://") + dir.filePath(QStringLiteral("profile")),
             QStringLiteral("--headless"), QStringLiteral("--convert-to"),
             QStringLiteral("csv:Text - txt - csv (StarCalc):59,34,76,1,,0,false,true,false,false,false,-1"),
             QStringLiteral("--outdir"), dir.path(), path});
    REQUIRE(p.waitForFinished(180000));
    INFO(p.readAllStandardError().toStdString());
    REQUIRE(p.exitCode() == 0);
    // -1: every sheet to its own file, named after the sheet.
    const QStringList csvs = QDir(dir.path()).entryList({QStringLiteral("*.csv")}, QDir::Files, QDir::Name);
    INFO(csvs.join(QLatin1Char(' ')).toStdString());
    REQUIRE(csvs.size() >= 5);
    QString all;
    for (const QString& name : csvs) {
        QFile f(dir.filePath(name));
        REQUIRE(f.open(QIODevice::ReadOnly));
        all += QString::fromUtf8(f.readAll());
    }
    CHECK(all.contains(QStringLiteral("households_enrolled;58")));
    CHECK(all.contains(QStringLiteral("2024-07;634567")));
    CHECK(all.contains(QStringLiteral("organic_shop;600001")));
}
