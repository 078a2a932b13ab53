#include "io/Csv.h"
#include "common/Error.h"
#include "support/TestUtil.h"

#include <catch2/catch.hpp>

using namespace cabas;
using namespace cabas::io;

namespace {
QString errorOf(const QByteArray& bytes)
{
    try {
        CsvTable::parse(bytes, QStringLiteral("f.csv"));
    } catch (const Error& e) {
        return e.message();
    }
    return QString();
}
} // namespace

TEST_CASE("CSV: separator detection, BOM, quotes and line numbers", "[io][csv]")
{
    const CsvTable semi = CsvTable::parse(
        "\xEF\xBB\xBF"
        "Code;Commune\r\nMMG-1;\"L'Isle-Jourdain\"\r\n\r\nMMG-2;\"a;b\"\"c\"\"\nd\"\nMMG-3;Auch",
        QStringLiteral("f.csv"));
    CHECK(semi.separator == QLatin1Char(';'));
    CHECK(semi.header == QStringList{QStringLiteral("code"), QStringLiteral("commune")});
    REQUIRE(semi.rows.size() == 3);
    CHECK(semi.rows[0].line == 2);
    CHECK(semi.rows[1].fields[1] == QStringLiteral("a;b\"c\"\nd"));
    CHECK(semi.rows[1].line == 4);
    CHECK(semi.rows[2].line == 6);
    CHECK(semi.column(QStringLiteral("COMMUNE")) == 1);

    const CsvTable comma = CsvTable::parse("a,b\n1,\"2,5\"\n", QStringLiteral("f.csv"));
    CHECK(comma.separator == QLatin1Char(','));
    CHECK(comma.rows[0].fields[1] == QStringLiteral("2,5"));
}

TEST_CASE("CSV: malformed files are refused with the line", "[io][csv]")
{
    CHECK(errorOf("").contains(QStringLiteral("f.csv")));
    CHECK(errorOf("a;b\n1;2\n3;\"open\n4;5\n").contains(QStringLiteral("f.csv:3")));
    const QString counts = errorOf("a;b;c\n1;2;3\n1;2\n1;2;3;4\n");
    CHECK(counts.contains(QStringLiteral("f.csv:3")));
    CHECK(counts.contains(QStringLiteral("f.csv:4")));
    CHECK(errorOf("a;b\n1;2\n\xE9t\xE9;3\n").contains(QStringLiteral("f.csv:3")));
    // Extra empty fields at the end of a row (a spreadsheet's habit) are accepted.
    CHECK(errorOf("a;b\n1;2;;\n").isEmpty());
}

TEST_CASE("CSV field readers", "[io][csv]")
{
    CHECK(parseCsvDate(QStringLiteral("2024-06-04")) == QDate(2024, 6, 4));
    CHECK(parseCsvDate(QStringLiteral("04/06/2024")) == QDate(2024, 6, 4));
    CHECK(parseCsvDate(QStringLiteral("4/6/2024")) == QDate(2024, 6, 4));
    CHECK_FALSE(parseCsvDate(QStringLiteral("2024-02-30")));
    CHECK_FALSE(parseCsvDate(QStringLiteral("06/2024")));
    CHECK(parseYesNo(QStringLiteral("Oui")) == true);
    CHECK(parseYesNo(QStringLiteral("no")) == false);
    CHECK_FALSE(parseYesNo(QString()));
    CHECK(parseScaled(QStringLiteral("99,3"), 1000) == 99300);
    CHECK(parseScaled(QStringLiteral("186"), 10) == 1860);
    CHECK(parseScaled(QStringLiteral("0.95"), 100) == 95);
    CHECK(parseScaled(QStringLiteral("-12,5"), 100) == -1250);
    CHECK_FALSE(parseScaled(QStringLiteral("1,234"), 100));
    CHECK(parseScaled(QStringLiteral("1,230"), 100) == 123);
    CHECK_FALSE(parseScaled(QStringLiteral("abc"), 10));
}
