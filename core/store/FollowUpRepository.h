#pragma once

#include "store/Database.h"

#include <QDate>
#include <QSet>
#include <vector>

namespace cabas::store {

// What the follow-up schedule needs, in two queries.
struct FollowUpPerson
{
    qint64 personId = 0;
    QString personCode;
    QString firstName;
    QString lastName;
    QString householdCode;
    QString commune;
    QDate from; // enrolment of the household, or the person's arrival if later
};

class FollowUpRepository
{
  public:
    explicit FollowUpRepository(const Database& db) : m_db(db) {}

    // Members (present today) of enrolled households who ever gave health follow-up consent.
    std::vector<FollowUpPerson> persons(const QDate& today) const;
    // "personId|wave" for every checkup and questionnaire.
    QSet<QString> recordedWaves() const;

  private:
    const Database& m_db;
};

} // namespace cabas::store
