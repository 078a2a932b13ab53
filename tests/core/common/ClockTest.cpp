#include "common/Clock.h"
#include "support/TestClock.h"

#include <catch2/catch.hpp>

using namespace cabas;

TEST_CASE("the local date is the date in Europe/Paris", "[clock]")
{
    // 22:30 UTC on 30 June is already 1 July in Paris (UTC+2 in summer).
    test::ScopedClock clock(QDateTime(QDate(2024, 6, 30), QTime(22, 30), Qt::UTC));
    CHECK(Clock::instance().today() == QDate(2024, 7, 1));
    // In winter Paris is UTC+1: 23:30 UTC on 31 December is 1 January.
    clock.clock().set(QDateTime(QDate(2024, 12, 31), QTime(23, 30), Qt::UTC));
    CHECK(Clock::instance().today() == QDate(2025, 1, 1));
    clock.clock().set(QDateTime(QDate(2024, 12, 31), QTime(22, 30), Qt::UTC));
    CHECK(Clock::instance().today() == QDate(2024, 12, 31));
}

TEST_CASE("a fixed clock moves only when told", "[clock]")
{
    const QDateTime start(QDate(2025, 3, 1), QTime(8, 0), Qt::UTC);
    test::ScopedClock clock(start);
    CHECK(Clock::instance().nowUtc() == start);
    clock.clock().advanceDays(31);
    CHECK(Clock::instance().today() == QDate(2025, 4, 1));
}

TEST_CASE("without a test clock the system clock is used", "[clock]")
{
    Clock::setInstance(nullptr);
    const qint64 drift = Clock::instance().nowUtc().secsTo(QDateTime::currentDateTimeUtc());
    CHECK(std::abs(drift) <= 2);
}

TEST_CASE("localDate converts instants with an offset", "[clock]")
{
    const QDateTime instant = QDateTime::fromString(QStringLiteral("2024-06-30T23:05:00+02:00"), Qt::ISODate);
    CHECK(Clock::localDate(instant) == QDate(2024, 6, 30));
    const QDateTime utc = QDateTime::fromString(QStringLiteral("2024-06-30T22:05:00Z"), Qt::ISODate);
    CHECK(Clock::localDate(utc) == QDate(2024, 7, 1));
}
