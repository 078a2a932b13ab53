#include "domain/Checkup.h"

namespace cabas {

std::optional<double> Checkup::bmi() const
{
    if (!weightG || !heightMm || *heightMm <= 0)
        return std::nullopt;
    const double metres = *heightMm / 1000.0;
    return (*weightG / 1000.0) / (metres * metres);
}

QStringList Checkup::validate() const
{
    QStringList problems;
    auto range = [&](const std::optional<int>& value, int lo, int hi, const QString& message) {
        if (value && (*value < lo || *value > hi))
            problems << message;
    };
    if (personId == 0)
        problems << tr("person_code: the checkup belongs to a person");
    if (!takenOn.isValid())
        problems << tr("date: the date of the checkup is required");
    if (wave.trimmed().isEmpty())
        problems << tr("wave: the follow-up wave (M0, M6 ...) is required");
    range(weightG, 2000, 350000, tr("weight_kg: must be between 2 and 350 kg"));
    range(heightMm, 400, 2300, tr("height_cm: must be between 40 and 230 cm"));
    range(waistMm, 300, 2500, tr("waist_cm: must be between 30 and 250 cm"));
    range(systolicMmHg, 60, 260, tr("systolic_mmhg: must be between 60 and 260 mmHg"));
    range(diastolicMmHg, 30, 160, tr("diastolic_mmhg: must be between 30 and 160 mmHg"));
    range(glucoseMgDl, 20, 600, tr("glucose_g_l: must be between 0.2 and 6 g/L"));
    if (systolicMmHg && diastolicMmHg && *systolicMmHg <= *diastolicMmHg)
        problems << tr("systolic_mmhg: the systolic pressure must be above the diastolic pressure");
    if (systolicMmHg.has_value() != diastolicMmHg.has_value())
        problems << tr("diastolic_mmhg: blood pressure needs both the systolic and the diastolic value");
    return problems;
}

} // namespace cabas
