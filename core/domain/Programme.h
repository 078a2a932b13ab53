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
    int disclosureThreshold = 11;
    QString currency = QStringLiteral("EUR");
    QString householdCodePrefix = QStringLiteral("MMG");
    std::vector<BonusRule> bonusRules;
    std::vector<FollowUpWave> waves;
    QStringList sustainableCategories; // sorted, no duplicates
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

    bool operator==(const Programme&) const = default;
};

QStringList merchantCategories();

} // namespace cabas
