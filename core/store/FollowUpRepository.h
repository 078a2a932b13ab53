#pragma once

#include "store/Database.h"
#include "store/Sealed.h"

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
    // `keys`: the session's key ring (a sealed database's names are decrypted with it).
    explicit FollowUpRepository(const Database& db, const security::KeyRing* keys = nullptr)
        : m_db(db), m_sealed(db, keys)
    {
    }

    // Members (present today) of enrolled households who ever gave health follow-up consent.
    std::vector<FollowUpPerson> persons(const QDate& today) const;
    // "personId|wave" for every checkup and questionnaire.
    QSet<QString> recordedWaves() const;

  private:
    const Database& m_db;
    Sealed m_sealed;
};

} // namespace cabas::store
