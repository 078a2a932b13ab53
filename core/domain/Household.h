#pragma once

#include <QCoreApplication>
#include <QDate>
#include <QString>
#include <QStringList>

namespace cabas {

enum class HouseholdStatus
{
    Candidate,
    Enrolled,
    Suspended,
    Exited
};

QString toCode(HouseholdStatus status);
bool fromCode(const QString& code, HouseholdStatus* status);
QString displayName(HouseholdStatus status);

// A household (foyer) of the programme. `code` identifies it for ever and is never reused.
struct Household
{
    Q_DECLARE_TR_FUNCTIONS(Household)
  public:
    qint64 id = 0;
    QString code;
    QString address;
    QString commune;
    QString postcode;
    qint64 referentUserId = 0; // 0: no referent yet
    HouseholdStatus status = HouseholdStatus::Candidate;
    QDate enrolledOn;
    QDate exitedOn;
    QString exitReason;
    QString notes;
    int version = 0; // optimistic versioning: bumped by every save

    QStringList validate() const;
    bool operator==(const Household&) const = default;
};

} // namespace cabas
