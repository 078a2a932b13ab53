#pragma once

#include <QDate>
#include <QString>
#include <optional>
#include <vector>

namespace cabas {

// The period and filters of a cohort summary (indicators.md: "Period and population").
struct CohortFilter
{
    QDate from;       // inclusive, local date
    QDate to;         // inclusive, local date
    QString commune;  // empty: every commune
    QString referent; // login of the referent social worker; empty: any
    QString status;   // household status code; empty: any
};

// What the database aggregates for one cohort: counts and sums only; the shares, rounding, disclosure control
// and the JSON shape are the core's (core/cohort). Field comments name the indicator they feed.
struct CohortRaw
{
    // A database whose health is sealed, read by a session without the cohort key (a social worker's, an
    // administrator's): the health pairs and the mean BMI change are withheld (null), not computed.
    bool healthWithheld = false;
    qint64 households = 0; // households_enrolled
    qint64 persons = 0;
    qint64 adults = 0;
    qint64 children = 0;

    qint64 householdsWithPurchase = 0; // cards_used_pct numerator
    qint64 allowanceCents = 0;
    qint64 allowanceHouseholds = 0; // households behind allowance_cents (disclosure)
    qint64 bonusCents = 0;
    qint64 bonusHouseholds = 0;
    qint64 spentCents = 0;
    qint64 spendingHouseholds = 0; // households with a posted purchase or refund
    qint64 sustainableSpentCents = 0;
    qint64 sustainableHouseholds = 0;
    qint64 sustainableMerchantsPaid = 0;

    qint64 questionnairePairs = 0;
    qint64 organicFvIncreased = 0;
    qint64 localProductsIncreased = 0;
    qint64 organicProductsIncreased = 0;
    qint64 discoveredAnswered = 0;
    qint64 discoveredYes = 0;

    qint64 checkupPairs = 0;
    double bmiChangeSum = 0; // kg/m2, summed over the pairs

    qint64 workshopSessions = 0;
    qint64 workshopAttendances = 0;
    qint64 householdsAttending = 0;

    struct Month
    {
        QString month; // "YYYY-MM"
        qint64 allowanceCents = 0;
        qint64 bonusCents = 0;
        qint64 spentCents = 0;
        qint64 sustainableSpentCents = 0;
        qint64 households = 0; // households with a posted movement that month
    };
    struct Category
    {
        QString category;
        qint64 spentCents = 0;
        qint64 households = 0;
    };
    struct WorkshopType
    {
        QString type;
        qint64 sessions = 0;
        qint64 attendances = 0;
    };
    struct Wave
    {
        QString wave;
        qint64 expected =
            0;           // cohort members with health follow-up consent whose wave date is within the period
        qint64 done = 0; // of them, those with a checkup or questionnaire of that wave
    };
    std::vector<Month> months;        // oldest first, months with movements only
    std::vector<Category> categories; // by category code
    std::vector<WorkshopType> workshopTypes;
    std::vector<Wave> waves; // in the programme's order
};

// One household behind a figure (internal mode only).
struct CohortHousehold
{
    QString code;
    QString commune;
};

// One line of the evaluators' dataset: one person and wave, as stored (pseudonymised by core/cohort).
struct CohortDatasetRow
{
    QString personCode;
    QString householdCode;
    QDate birthDate;
    QString sex;
    QString role;
    QString commune;
    QDate enrolledOn;
    QString wave;
    QDate checkupOn;
    int weightG = 0; // 0: not measured
    int heightMm = 0;
    int waistMm = 0;
    int systolic = 0;
    int diastolic = 0;
    QDate questionnaireOn;
    int fvPortionsX10 = -1; // -1: not answered
    QString organicFv;
    QString localProducts;
    QString organicProducts;
    int discovered = -1; // -1: not answered, 0 no, 1 yes
    // On a sealed database (format 2) the measures stay sealed under the nurses' key: the BMI and the answers
    // come from cohort_health (the cohort key), the other measures are left empty (docs/encryption.md).
    std::optional<double> bmi;
};

} // namespace cabas
