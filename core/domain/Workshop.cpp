#include "domain/Workshop.h"

#include <array>
#include <utility>

namespace cabas {

namespace {
constexpr std::array<std::pair<WorkshopType, const char*>, 6> kTypes = {{
    {WorkshopType::FarmVisit, "farm_visit"},
    {WorkshopType::Cooking, "cooking"},
    {WorkshopType::MarketVisit, "market_visit"},
    {WorkshopType::CheeseMaking, "cheese_making"},
    {WorkshopType::BreadMaking, "bread_making"},
    {WorkshopType::Other, "other"},
}};
constexpr std::array<std::pair<RegistrationStatus, const char*>, 3> kStatuses = {{
    {RegistrationStatus::Registered, "registered"},
    {RegistrationStatus::Waiting, "waiting"},
    {RegistrationStatus::Cancelled, "cancelled"},
}};

template <typename E, std::size_t N>
QString codeOf(const std::array<std::pair<E, const char*>, N>& table, E value)
{
    for (const auto& [e, code] : table)
        if (e == value)
            return QString::fromLatin1(code);
    return QString();
}

template <typename E, std::size_t N>
bool valueOf(const std::array<std::pair<E, const char*>, N>& table, const QString& code, E* out)
{
    for (const auto& [e, c] : table)
        if (code == QLatin1String(c)) {
            *out = e;
            return true;
        }
    return false;
}
} // namespace

QString toCode(WorkshopType type)
{
    return codeOf(kTypes, type);
}

bool fromCode(const QString& code, WorkshopType* type)
{
    return valueOf(kTypes, code, type);
}

QString displayName(WorkshopType type)
{
    switch (type) {
    case WorkshopType::FarmVisit:
        return Workshop::tr("Farm visit");
    case WorkshopType::Cooking:
        return Workshop::tr("Cooking");
    case WorkshopType::MarketVisit:
        return Workshop::tr("Market visit");
    case WorkshopType::CheeseMaking:
        return Workshop::tr("Cheese making");
    case WorkshopType::BreadMaking:
        return Workshop::tr("Bread making");
    case WorkshopType::Other:
        return Workshop::tr("Other");
    }
    return QString();
}

QList<WorkshopType> allWorkshopTypes()
{
    QList<WorkshopType> types;
    for (const auto& [t, code] : kTypes)
        types << t;
    return types;
}

QString toCode(RegistrationStatus status)
{
    return codeOf(kStatuses, status);
}

bool fromCode(const QString& code, RegistrationStatus* status)
{
    return valueOf(kStatuses, code, status);
}

QString displayName(RegistrationStatus status)
{
    switch (status) {
    case RegistrationStatus::Registered:
        return Workshop::tr("Registered");
    case RegistrationStatus::Waiting:
        return Workshop::tr("Waiting list");
    case RegistrationStatus::Cancelled:
        return Workshop::tr("Cancelled");
    }
    return QString();
}

QString Workshop::key() const
{
    return QStringLiteral("%1 %2 %3").arg(heldOn.toString(Qt::ISODate), toCode(type), title);
}

QStringList Workshop::validate() const
{
    QStringList problems;
    if (title.trimmed().isEmpty())
        problems << tr("title: the workshop needs a title");
    else if (title.size() > 200)
        problems << tr("title: at most 200 characters");
    if (!heldOn.isValid())
        problems << tr("date: the date of the workshop is required");
    if (startTime.isValid() && endTime.isValid() && endTime <= startTime)
        problems << tr("end_time: the workshop must end after it starts");
    if (!startTime.isValid() && endTime.isValid())
        problems << tr("start_time: an end time needs a start time");
    if (capacity < 0)
        problems << tr("capacity: must be a positive number of places, or 0 for no limit");
    return problems;
}

} // namespace cabas
