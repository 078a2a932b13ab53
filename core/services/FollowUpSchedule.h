#pragma once

#include "security/Session.h"
#include "store/Database.h"

#include <QCoreApplication>
#include <QDate>
#include <vector>

namespace cabas {

enum class WaveStatus
{
    Upcoming, // its window has not opened yet
    Due,      // within offset ± tolerance of the enrolment
    Overdue,  // after the window, nothing recorded
    Done,     // a checkup or a questionnaire of that wave exists
};

QString toCode(WaveStatus status);
QString displayName(WaveStatus status);

struct FollowUpItem
{
    QString personCode;
    QString personName;
    QString householdCode;
    QString commune;
    QString wave;
    QDate windowStart; // enrolment + offset - tolerance
    QDate target;      // enrolment + offset
    QDate windowEnd;   // enrolment + offset + tolerance
    WaveStatus status = WaveStatus::Upcoming;
    bool consentWithdrawn = false; // no health_followup consent today: nothing new can be recorded
};

// The nurses' work list: for every member of an enrolled household who has (or had) health follow-up consent,
// each wave of the programme with its window counted from the household's enrolment (or the person's later
// arrival) and its status today. Nurses only; reading it is audited.
class FollowUpSchedule
{
    Q_DECLARE_TR_FUNCTIONS(FollowUpSchedule)
  public:
    FollowUpSchedule(const store::Database& db, const Session& session) : m_db(db), m_session(session) {}

    std::vector<FollowUpItem> items(const QDate& today) const;

  private:
    const store::Database& m_db;
    const Session m_session;
};

} // namespace cabas
