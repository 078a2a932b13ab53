#include "domain/Prevention.h"

namespace cabas {

namespace {
constexpr int kMaxShortText = 200;
constexpr int kMaxNotes = 4000;
} // namespace

QString toCode(PreventionType type)
{
    switch (type) {
    case PreventionType::ScreeningReferral:
        return QStringLiteral("screening_referral");
    case PreventionType::Vaccination:
        return QStringLiteral("vaccination");
    case PreventionType::Dental:
        return QStringLiteral("dental");
    case PreventionType::NutritionAdvice:
        return QStringLiteral("nutrition_advice");
    case PreventionType::PhysicalActivity:
        return QStringLiteral("physical_activity");
    case PreventionType::Other:
        break;
    }
    return QStringLiteral("other");
}

QString displayName(PreventionType type)
{
    switch (type) {
    case PreventionType::ScreeningReferral:
        return PreventionStep::tr("Screening referral");
    case PreventionType::Vaccination:
        return PreventionStep::tr("Vaccination");
    case PreventionType::Dental:
        return PreventionStep::tr("Dental care");
    case PreventionType::NutritionAdvice:
        return PreventionStep::tr("Nutrition advice");
    case PreventionType::PhysicalActivity:
        return PreventionStep::tr("Physical activity");
    case PreventionType::Other:
        break;
    }
    return PreventionStep::tr("Other");
}

QList<PreventionType> allPreventionTypes()
{
    return {PreventionType::ScreeningReferral, PreventionType::Vaccination,      PreventionType::Dental,
            PreventionType::NutritionAdvice,   PreventionType::PhysicalActivity, PreventionType::Other};
}

bool fromCode(const QString& text, PreventionType* type)
{
    const QString t = text.trimmed();
    for (PreventionType candidate : allPreventionTypes()) {
        if (t.compare(toCode(candidate), Qt::CaseInsensitive) == 0 ||
            t.compare(displayName(candidate), Qt::CaseInsensitive) == 0) {
            *type = candidate;
            return true;
        }
    }
    return false;
}

QStringList usualPreventionPartners()
{
    return {QStringLiteral("CPAM"), QStringLiteral("ARS"), QStringLiteral("MSA"), QStringLiteral("CAF"),
            PreventionStep::tr("GP")};
}

QStringList PreventionStep::validate() const
{
    QStringList problems;
    if (personId == 0)
        problems << tr("person_code: the prevention step belongs to a person");
    if (!doneOn.isValid())
        problems << tr("date: the date of the prevention step is required");
    if (partner.size() > kMaxShortText)
        problems << tr("partner: at most %1 characters").arg(kMaxShortText);
    if (outcome.size() > kMaxShortText)
        problems << tr("outcome: at most %1 characters").arg(kMaxShortText);
    if (notes.size() > kMaxNotes)
        problems << tr("notes: at most %1 characters").arg(kMaxNotes);
    if (doneOn.isValid() && nextDueOn.isValid() && nextDueOn <= doneOn)
        problems << tr("next_due: the next step must be due after the date of this one");
    return problems;
}

QStringList SupportSession::validate() const
{
    QStringList problems;
    if (personId == 0 && householdId == 0)
        problems << tr("person_code: the support session is held with a person or a household");
    if (!heldOn.isValid())
        problems << tr("date: the date of the session is required");
    if (topic.trimmed().isEmpty())
        problems << tr("topic: the topic of the session is required");
    else if (topic.size() > kMaxShortText)
        problems << tr("topic: at most %1 characters").arg(kMaxShortText);
    if (notes.size() > kMaxNotes)
        problems << tr("notes: at most %1 characters").arg(kMaxNotes);
    return problems;
}

} // namespace cabas
