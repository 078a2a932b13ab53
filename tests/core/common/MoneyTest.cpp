#include "common/Money.h"
#include "support/TestUtil.h"

#include <catch2/catch.hpp>

using namespace cabas;

TEST_CASE("cents are formatted the French way", "[money]")
{
    CHECK(formatCents(4000) == QStringLiteral("40,00\u00A0€"));
    CHECK(formatCents(-1250) == QStringLiteral("-12,50\u00A0€"));
    CHECK(formatCents(5) == QStringLiteral("0,05\u00A0€"));
    CHECK(formatCents(123456789) == QStringLiteral("1\u202F234\u202F567,89\u00A0€"));
    CHECK(formatCents(10000, QStringLiteral("MonA")) == QStringLiteral("100,00\u00A0MonA"));
    CHECK(formatCents(std::numeric_limits<qint64>::min()).startsWith(QLatin1Char('-')));
}

TEST_CASE("amounts are parsed into cents without floating point", "[money]")
{
    qint64 cents = 0;
    CHECK(parseCents(QStringLiteral("40"), &cents));
    CHECK(cents == 4000);
    CHECK(parseCents(QStringLiteral("12,5"), &cents));
    CHECK(cents == 1250);
    CHECK(parseCents(QStringLiteral(" -0.07 "), &cents));
    CHECK(cents == -7);
    CHECK(parseCents(QStringLiteral("19,99"), &cents));
    CHECK(cents == 1999);
    CHECK_FALSE(parseCents(QStringLiteral("12,345"), &cents));
    CHECK_FALSE(parseCents(QStringLiteral("abc"), &cents));
    CHECK_FALSE(parseCents(QString(), &cents));
}
