#pragma once

#include <QCoreApplication>
#include <QDate>
#include <QDateTime>
#include <QString>
#include <QStringList>
#include <optional>

namespace cabas {

// A health checkup (bilan de santé). Measures are integers in small units (grams, millimetres, mmHg, mg/dL)
// so that nothing is lost to floating point; BMI is derived, never typed.
struct Checkup
{
    Q_DECLARE_TR_FUNCTIONS(Checkup)
  public:
    qint64 id = 0;
    qint64 personId = 0;
    QDate takenOn;
    QString wave; // M0, M6 ...
    qint64 nurseUserId = 0;
    std::optional<int> weightG;
    std::optional<int> heightMm;
    std::optional<int> waistMm;
    std::optional<int> systolicMmHg;
    std::optional<int> diastolicMmHg;
    std::optional<int> glucoseMgDl;
    QString notes;
    int version = 0;

    // kg/m², when weight and height are known.
    std::optional<double> bmi() const;
    // Plausibility ranges (formats.md), each problem naming its field.
    QStringList validate() const;
    bool operator==(const Checkup&) const = default;
};

// One correction of a saved checkup: who, when, why, and the checkup's version it produced.
struct CheckupCorrection
{
    qint64 checkupId = 0;
    QDateTime correctedAt;
    qint64 correctedByUserId = 0;
    QString correctedBy; // the user's display name
    QString reason;
    int version = 0;
};

} // namespace cabas
