#include "domain/Questionnaire.h"

#include <array>

namespace cabas {

namespace {
struct FrequencyName
{
    Frequency value;
    const char* code;
    const char* french;
};
constexpr std::array<FrequencyName, 5> kFrequencies{{
    {Frequency::Never, "never", "jamais"},
    {Frequency::Rarely, "rarely", "rarement"},
    {Frequency::Sometimes, "sometimes", "parfois"},
    {Frequency::Often, "often", "souvent"},
    {Frequency::Always, "always", "toujours"},
}};
} // namespace

QString toCode(Frequency f)
{
    for (const auto& n : kFrequencies)
        if (n.value == f)
            return QString::fromLatin1(n.code);
    return QString();
}

bool fromCode(const QString& text, Frequency* f)
{
    const QString t = text.trimmed().toLower();
    for (const auto& n : kFrequencies) {
        if (t == QLatin1String(n.code) || t == QLatin1String(n.french)) {
            *f = n.value;
            return true;
        }
    }
    return false;
}

QString displayName(Frequency f)
{
    switch (f) {
    case Frequency::Never:
        return DietQuestionnaire::tr("never");
    case Frequency::Rarely:
        return DietQuestionnaire::tr("rarely");
    case Frequency::Sometimes:
        return DietQuestionnaire::tr("sometimes");
    case Frequency::Often:
        return DietQuestionnaire::tr("often");
    case Frequency::Always:
        return DietQuestionnaire::tr("always");
    }
    return QString();
}

QStringList DietQuestionnaire::validate() const
{
    QStringList problems;
    if (personId == 0)
        problems << tr("person_code: the questionnaire belongs to a person");
    if (!answeredOn.isValid())
        problems << tr("date: the date of the questionnaire is required");
    if (wave.trimmed().isEmpty())
        problems << tr("wave: the follow-up wave (M0, M6 ...) is required");
    if (fvPortionsX10 && (*fvPortionsX10 < 0 || *fvPortionsX10 > 300))
        problems << tr("fv_portions_per_day: must be between 0 and 30");
    if (discoveredSustainableShop && wave == QLatin1String("M0"))
        problems << tr("discovered_sustainable_shop: is asked from M6 on, not at M0");
    return problems;
}

bool DietQuestionnaire::sameAnswers(const DietQuestionnaire& o) const
{
    return answeredOn == o.answeredOn && fvPortionsX10 == o.fvPortionsX10 && organicFv == o.organicFv &&
           localProducts == o.localProducts && organicProducts == o.organicProducts &&
           discoveredSustainableShop == o.discoveredSustainableShop;
}

} // namespace cabas
