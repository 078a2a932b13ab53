#pragma once

#include <QCoreApplication>
#include <QDate>
#include <QString>
#include <QStringList>

namespace cabas {

enum class PersonRole
{
    Adult,
    Child
};
enum class Sex
{
    Unknown,
    Female,
    Male
};

QString toCode(PersonRole role);
bool fromCode(const QString& code, PersonRole* role);
QString displayName(PersonRole role);
QString toCode(Sex sex);
bool fromCode(const QString& code, Sex* sex);

// A member of a household.
struct Person
{
    Q_DECLARE_TR_FUNCTIONS(Person)
  public:
    qint64 id = 0;
    qint64 householdId = 0;
    QString code;
    QString firstName;
    QString lastName;
    QDate birthDate;
    Sex sex = Sex::Unknown;
    PersonRole role = PersonRole::Adult; // the role recorded at enrolment
    QDate arrivedOn;                     // null: member from the household's start
    QDate leftOn;                        // null: still a member
    QString departureReason;             // why the member left (set with leftOn by a recorded departure)
    int version = 0;

    QString fullName() const { return firstName + QLatin1Char(' ') + lastName; }
    int ageOn(const QDate& day) const;
    bool isMemberOn(const QDate& day) const;
    // Adult on `day` when the recorded role is adult or the person is at least `adultAge` years old.
    bool isAdultOn(const QDate& day, int adultAge) const;

    QStringList validate() const;
    bool operator==(const Person&) const = default;
};

// Lower case, accents removed, spaces folded: "  Lefèvre " -> "lefevre". Used for accent-insensitive search.
QString searchKey(const QString& text);

} // namespace cabas
