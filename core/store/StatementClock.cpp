#include "store/StatementClock.h"

#include <ctime>
#include <utility>

namespace cabas::store {

namespace {

StatementObserver& observer()
{
    static StatementObserver o;
    return o;
}

double processCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

} // namespace

void setStatementObserver(StatementObserver o)
{
    observer() = std::move(o);
}

StatementClock::StatementClock(QString name) : m_name(std::move(name)), m_on(bool(observer()))
{
    if (!m_on)
        return;
    m_cpu = processCpuSeconds();
    m_wall.start();
}

StatementClock::~StatementClock()
{
    if (!m_on || !observer())
        return;
    StatementTime t;
    t.name = m_name;
    t.wallSeconds = double(m_wall.nsecsElapsed()) / 1e9;
    t.cpuSeconds = processCpuSeconds() - m_cpu;
    observer()(t);
}

} // namespace cabas::store
