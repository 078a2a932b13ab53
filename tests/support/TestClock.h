#pragma once

#include "common/Clock.h"

#include <memory>

namespace cabas::test {

// Sets the process-wide clock to a fixed instant for the scope of a test.
class ScopedClock
{
  public:
    explicit ScopedClock(const QDateTime& nowUtc) : m_clock(std::make_shared<FixedClock>(nowUtc))
    {
        Clock::setInstance(m_clock);
    }
    ~ScopedClock() { Clock::setInstance(nullptr); }
    FixedClock& clock() { return *m_clock; }

  private:
    std::shared_ptr<FixedClock> m_clock;
};

} // namespace cabas::test
