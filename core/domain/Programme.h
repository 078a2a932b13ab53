#pragma once

#include <QCoreApplication>
#include <QDate>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

namespace cabas {

// A bonus on sustainable purchases, valid for a period (validTo null = open-ended).
struct BonusRule
{
    qint64 id = 0;
    QString label;
    int rateBasisPoints = 0;               // 5000 = 50 %
    std::optional<qint64> monthlyCapCents; // none = no cap
    QDate validFrom;
    QDate validTo;

    bool appliesOn(const QDate& day) const
    {
        return day >= validFrom && (validTo.isNull() || day <= validTo);
    }
    bool operator==(const BonusRule&) const = default;
};

// A follow-up wave: due from (offset - tolerance) days after enrolment, overdue after (offset + tolerance).
struct FollowUpWave
{
    QString code; // "M0", "M6" ...
    int offsetDays = 0;
    int toleranceDays = 0;
    bool operator==(const FollowUpWave&) const = default;
};

// How the monthly allowance of a household is computed (docs/programme-json.md).
enum class AllowanceKind
{
    ByRole,     // an amount per adult and per child (a child counts as an adult from childAdultAge)
    PerPerson,  // one amount per member
    IncomeBands // an amount by band of income per consumption unit (needs an income assessment)
};

QString toCode(AllowanceKind kind);
bool fromCode(const QString& code, AllowanceKind* kind);

// One band of an income-band allowance: households whose monthly income per consumption unit is at most
// upToCents (none: no upper limit, the last band) get amountCents a month (per household, or per member).
struct IncomeBand
{
    std::optional<qint64> upToCents;
    qint64 amountCents = 0;
    bool operator==(const IncomeBand&) const = default;
};

// Weights of the consumption units (unités de consommation) a household counts, in thousandths. The default
// is the modified OECD scale INSEE uses: 1 for the first person aged 14 or more, 0.5 for each other person
// aged 14 or more, 0.3 for each child under 14.
struct ConsumptionUnitWeights
{
    int firstAdultMilli = 1000;
    int otherAdultMilli = 500; // other persons aged `adultAge` or more
    int childMilli = 300;      // persons under `adultAge`
    int adultAge = 14;
    bool operator==(const ConsumptionUnitWeights&) const = default;
};

// Member contributions (docs/programme-json.md "contributions"): each household chooses what it pays a month,
// between a minimum and a maximum, in the contributions' own currency label (never summed with another).
struct ContributionRule
{
    bool enabled = false;
    QString currency = QStringLiteral("EUR");
    qint64 minMonthlyCents = 100;
    qint64 maxMonthlyCents = 15000;
    bool operator==(const ContributionRule&) const = default;
};

// The rules of one programme. They are data, never constants in code.
struct Programme
{
    Q_DECLARE_TR_FUNCTIONS(Programme)
  public:
    qint64 id = 0;
    QString name;
    QDate startsOn;
    QDate endsOn; // may be null: no planned end
    qint64 adultAllowanceCents = 0;
    qint64 childAllowanceCents = 0;
    int childAdultAge = 18;
    AllowanceKind allowanceKind = AllowanceKind::ByRole;
    qint64 perPersonCents = 0;           // PerPerson
    std::vector<IncomeBand> incomeBands; // IncomeBands: increasing upToCents, the last one open
    bool incomeBandPerPerson = false;    // IncomeBands: the band's amount is per member (else per household)
    ConsumptionUnitWeights consumptionUnits;
    int reassessmentMonths = 6;     // IncomeBands: an assessment is due again this many months after its date
    bool prorateFirstMonth = false; // the enrolment month's credit is prorated by the days left in it
    int disclosureThreshold = 11;
    QString currency = QStringLiteral("EUR");
    QString householdCodePrefix = QStringLiteral("MMG");
    std::vector<BonusRule> bonusRules;
    std::vector<FollowUpWave> waves;
    QStringList sustainableCategories; // sorted, no duplicates
    ContributionRule contributions;    // member contributions (off by default)
    int version = 0;

    // The defaults `cabas-cli init` uses without --programme: 40 EUR per adult and 20 EUR per child a month,
    // waves M0, M6, M12 and M18, disclosure threshold 11, starting on the first day of `today`'s month.
    static Programme defaults(const QDate& today);

    // Every problem, one message each, naming the field ("waves[1].offset_days: ..."); empty when valid.
    QStringList validate() const;

    // The programme JSON format (see docs/programme-json.md). fromJson throws cabas::Error with every
    // problem located by its JSON path; `source` prefixes the messages (a file name).
    static Programme fromJson(const QJsonObject& json, const QString& source = QString());
    QJsonObject toJson() const;
    // Reads a programme JSON file (a path or a Qt resource): errors are located by the file's name.
    static Programme fromFile(const QString& path);
    QJsonObject allowanceJson() const; // the "allowance" object of the JSON format

    // One line for people: "40.00 EUR per adult and 20.00 EUR per child a month", "50.00 EUR per person a
    // month", or the income bands.
    QString allowanceSummary() const;
    // The band index (0-based) for a monthly income per consumption unit; -1 when there are no bands.
    int incomeBandFor(qint64 incomePerUnitCents) const;
    bool needsIncomeAssessment() const { return allowanceKind == AllowanceKind::IncomeBands; }

    bool operator==(const Programme&) const = default;
};

QStringList merchantCategories();

} // namespace cabas
