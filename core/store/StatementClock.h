#pragma once

#include <QElapsedTimer>
#include <QString>
#include <functional>

namespace cabas::store {

// The time of named statements, for the benchmark (cabas-bench --cohort prints each cohort statement's time
// so that the summary's time is attributable). Off unless an observer is set: one process-wide observer, set
// before statements run (not while they run on another thread).
struct StatementTime
{
    QString name;
    double wallSeconds = 0;
    double cpuSeconds = 0; // this process's CPU time (user and system): SQLite's work, not PostgreSQL's
};

using StatementObserver = std::function<void(const StatementTime&)>;

// Sets (or, with an empty function, clears) the observer.
void setStatementObserver(StatementObserver observer);

// Measures its scope (the statement and the reading of its rows) and reports it to the observer, if any.
class StatementClock
{
  public:
    explicit StatementClock(QString name);
    ~StatementClock();
    StatementClock(const StatementClock&) = delete;
    StatementClock& operator=(const StatementClock&) = delete;

  private:
    QString m_name;
    bool m_on = false;
    QElapsedTimer m_wall;
    double m_cpu = 0;
};

} // namespace cabas::store
