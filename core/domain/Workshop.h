#pragma once

#include <QCoreApplication>
#include <QDate>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTime>
#include <optional>

namespace cabas {

// The programme's collective activities (domain.md).
enum class WorkshopType
{
    FarmVisit,
    Cooking,
    MarketVisit,
    CheeseMaking,
    BreadMaking,
    Other,
};

QString toCode(WorkshopType type);
bool fromCode(const QString& code, WorkshopType* type);
QString displayName(WorkshopType type);
QList<WorkshopType> allWorkshopTypes();

// Where a person stands for a workshop: with a place, on the waiting list, or cancelled (kept, with its
// date).
enum class RegistrationStatus
{
    Registered,
    Waiting,
    Cancelled,
};

QString toCode(RegistrationStatus status);
bool fromCode(const QString& code, RegistrationStatus* status);
QString displayName(RegistrationStatus status);

struct Workshop
{
    Q_DECLARE_TR_FUNCTIONS(Workshop)
  public:
    qint64 id = 0;
    WorkshopType type = WorkshopType::Other;
    QString title;
    QDate heldOn;
    QTime startTime; // local (Europe/Paris); invalid: not set
    QTime endTime;
    QString place;
    QString partner;  // producer or merchant
    int capacity = 0; // 0: no limit
    QString notes;
    QDate cancelledOn; // null: not cancelled
    int version = 0;

    bool isCancelled() const { return cancelledOn.isValid(); }
    bool hasLimit() const { return capacity > 0; }
    // "2024-06-21 farm_visit Visite de la ferme": how files and the audit trail name it.
    QString key() const;
    // "field: problem" per problem; empty when valid.
    QStringList validate() const;
};

// A person's registration for a workshop.
struct Registration
{
    qint64 id = 0;
    qint64 workshopId = 0;
    qint64 personId = 0;
    RegistrationStatus status = RegistrationStatus::Registered;
    QDateTime queuedAt; // the waiting list's order
    QDateTime cancelledAt;
    std::optional<bool> attended; // nullopt: not ticked yet
};

// A workshop with its counts, for the month list.
struct WorkshopSummary
{
    Workshop workshop;
    int registered = 0;
    int waiting = 0;
    int present = 0;
    int absent = 0;

    // Places left (nullopt when there is no limit).
    std::optional<int> placesLeft() const
    {
        if (!workshop.hasLimit())
            return std::nullopt;
        return std::max(0, workshop.capacity - registered);
    }
};

// A registration with who it is, for the registration list and the tick-list.
struct RegistrationRow
{
    Registration registration;
    QString personCode;
    QString personName;
    QString householdCode;
    int waitingRank = 0; // 1, 2 ... on the waiting list; 0 otherwise
};

// One line of a person's or household's workshop history.
struct WorkshopHistoryRow
{
    Workshop workshop;
    Registration registration;
    QString personCode;
    QString personName;
};

} // namespace cabas
