#pragma once

#include <QDate>
#include <QDateTime>
#include <QTimeZone>
#include <memory>

namespace cabas {

// Time is injected: code asks Clock::instance() (or a Clock it was given), never QDateTime directly, so that
// "this month", "overdue" and "today" can be tested. Dates of money and of follow-up are local dates in the
// programme's time zone, Europe/Paris.
class Clock
{
  public:
    virtual ~Clock() = default;

    virtual QDateTime nowUtc() const = 0;

    // The local date in Europe/Paris at this instant.
    QDate today() const;
    QDateTime nowLocal() const;

    static QTimeZone programmeZone();
    static QDate localDate(const QDateTime& instant);

    static const Clock& instance();
    // Replaces the process-wide clock (tests); nullptr restores the system clock.
    static void setInstance(std::shared_ptr<const Clock> clock);
};

class SystemClock final : public Clock
{
  public:
    QDateTime nowUtc() const override;
};

// A clock that only moves when told to.
class FixedClock final : public Clock
{
  public:
    explicit FixedClock(QDateTime nowUtc) : m_now(nowUtc.toUTC()) {}
    QDateTime nowUtc() const override { return m_now; }
    void set(const QDateTime& nowUtc) { m_now = nowUtc.toUTC(); }
    void advanceSeconds(qint64 seconds) { m_now = m_now.addSecs(seconds); }
    void advanceDays(qint64 days) { m_now = m_now.addDays(days); }

  private:
    QDateTime m_now;
};

} // namespace cabas
