#include "common/Clock.h"

#include <QMutex>

namespace cabas {

namespace {
QMutex clockMutex;
std::shared_ptr<const Clock>& currentClock()
{
    static std::shared_ptr<const Clock> clock = std::make_shared<SystemClock>();
    return clock;
}
} // namespace

QDateTime SystemClock::nowUtc() const
{
    return QDateTime::currentDateTimeUtc();
}

QTimeZone Clock::programmeZone()
{
    static const QTimeZone zone(QByteArrayLiteral("Europe/Paris"));
    return zone;
}

QDate Clock::localDate(const QDateTime& instant)
{
    return instant.toTimeZone(programmeZone()).date();
}

QDate Clock::today() const
{
    return localDate(nowUtc());
}

QDateTime Clock::nowLocal() const
{
    return nowUtc().toTimeZone(programmeZone());
}

const Clock& Clock::instance()
{
    QMutexLocker lock(&clockMutex);
    return *currentClock();
}

void Clock::setInstance(std::shared_ptr<const Clock> clock)
{
    QMutexLocker lock(&clockMutex);
    currentClock() = clock ? std::move(clock) : std::make_shared<SystemClock>();
}

} // namespace cabas
