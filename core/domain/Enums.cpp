// Code <-> enum conversions for the domain's enumerations. Codes are the stable English identifiers stored in
// the database and used in files; display names are translated.
#include "domain/Card.h"
#include "domain/Consent.h"
#include "domain/Household.h"
#include "domain/Person.h"

#include <array>
#include <utility>

namespace cabas {

namespace {
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
    for (const auto& [e, c] : table) {
        if (code == QLatin1String(c)) {
            *out = e;
            return true;
        }
    }
    return false;
}

constexpr std::array<std::pair<HouseholdStatus, const char*>, 4> householdStatusCodes{{
    {HouseholdStatus::Candidate, "candidate"},
    {HouseholdStatus::Enrolled, "enrolled"},
    {HouseholdStatus::Suspended, "suspended"},
    {HouseholdStatus::Exited, "exited"},
}};
constexpr std::array<std::pair<PersonRole, const char*>, 2> roleCodes{{
    {PersonRole::Adult, "adult"},
    {PersonRole::Child, "child"},
}};
constexpr std::array<std::pair<Sex, const char*>, 3> sexCodes{{
    {Sex::Unknown, ""},
    {Sex::Female, "F"},
    {Sex::Male, "M"},
}};
constexpr std::array<std::pair<CardStatus, const char*>, 4> cardStatusCodes{{
    {CardStatus::Active, "active"},
    {CardStatus::Blocked, "blocked"},
    {CardStatus::Lost, "lost"},
    {CardStatus::Closed, "closed"},
}};
constexpr std::array<std::pair<ConsentPurpose, const char*>, 4> purposeCodes{{
    {ConsentPurpose::CaseManagement, "case_management"},
    {ConsentPurpose::HealthFollowup, "health_followup"},
    {ConsentPurpose::LedgerLink, "ledger_link"},
    {ConsentPurpose::ResearchExport, "research_export"},
}};
} // namespace

QString toCode(HouseholdStatus s)
{
    return codeOf(householdStatusCodes, s);
}
bool fromCode(const QString& c, HouseholdStatus* s)
{
    return valueOf(householdStatusCodes, c, s);
}
QString toCode(PersonRole r)
{
    return codeOf(roleCodes, r);
}
bool fromCode(const QString& c, PersonRole* r)
{
    return valueOf(roleCodes, c, r);
}
QString toCode(Sex s)
{
    return codeOf(sexCodes, s);
}
bool fromCode(const QString& c, Sex* s)
{
    return valueOf(sexCodes, c, s);
}
QString toCode(CardStatus s)
{
    return codeOf(cardStatusCodes, s);
}
bool fromCode(const QString& c, CardStatus* s)
{
    return valueOf(cardStatusCodes, c, s);
}
QString toCode(ConsentPurpose p)
{
    return codeOf(purposeCodes, p);
}
bool fromCode(const QString& c, ConsentPurpose* p)
{
    return valueOf(purposeCodes, c, p);
}

QList<ConsentPurpose> allConsentPurposes()
{
    return {ConsentPurpose::CaseManagement, ConsentPurpose::HealthFollowup, ConsentPurpose::LedgerLink,
            ConsentPurpose::ResearchExport};
}

QString displayName(HouseholdStatus s)
{
    switch (s) {
    case HouseholdStatus::Candidate:
        return Household::tr("Candidate");
    case HouseholdStatus::Enrolled:
        return Household::tr("Enrolled");
    case HouseholdStatus::Suspended:
        return Household::tr("Suspended");
    case HouseholdStatus::Exited:
        return Household::tr("Exited");
    }
    return QString();
}

QString displayName(PersonRole r)
{
    return r == PersonRole::Adult ? Person::tr("Adult") : Person::tr("Child");
}

QString displayName(CardStatus s)
{
    switch (s) {
    case CardStatus::Active:
        return Card::tr("Active");
    case CardStatus::Blocked:
        return Card::tr("Blocked");
    case CardStatus::Lost:
        return Card::tr("Lost");
    case CardStatus::Closed:
        return Card::tr("Closed");
    }
    return QString();
}

QString displayName(ConsentPurpose p)
{
    switch (p) {
    case ConsentPurpose::CaseManagement:
        return Consent::tr("Case management");
    case ConsentPurpose::HealthFollowup:
        return Consent::tr("Health follow-up");
    case ConsentPurpose::LedgerLink:
        return Consent::tr("Card ledger link");
    case ConsentPurpose::ResearchExport:
        return Consent::tr("Research export");
    }
    return QString();
}

} // namespace cabas
