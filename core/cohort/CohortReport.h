#pragma once

#include "cohort/CohortData.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QStringList>
#include <optional>
#include <vector>

namespace cabas {

struct ContributionCohortRaw; // domain/Contribution.h

enum class Disclosure
{
    Internal, // coordinators inside the programme: figures as computed
    Public,   // funders, partners, publications: small cells suppressed (indicators.md)
};
QString toCode(Disclosure d);
std::optional<Disclosure> disclosureFromCode(const QString& code);

// One published number: an indicator, or one cell of a series.
struct CohortFigure
{
    enum class Unit
    {
        Count,
        Cents,
        Percent, // one decimal
        Decimal, // two decimals (mean BMI change)
    };
    QString key;
    Unit unit = Unit::Count;
    bool null = false; // zero denominator, or suppressed
    double value = 0;  // exact for counts and cents (integers below 2^53)
    // The counts disclosure control looks at: the count itself, the numerator and denominator of a share, the
    // households behind a sum of money, the pairs behind a mean.
    std::vector<qint64> basis;
    bool suppressed = false;

    qint64 integer() const { return qint64(value); }
    QJsonValue json() const;
    // The number as a French spreadsheet wants it: decimal comma, no thousands separator; empty when null.
    QString text(QChar decimalPoint = QLatin1Char(',')) const;
};

// A series: one row per month, category, workshop type or wave; the first column is the row's label.
struct CohortSeries
{
    QString key;         // "by_month", "by_merchant_category", "workshops_by_type", "followup_by_wave"
    QString labelColumn; // "month", "category", "type", "wave"
    QStringList columns; // the keys of the cells
    struct Row
    {
        QString label;
        std::vector<CohortFigure> cells;
    };
    std::vector<Row> rows;
};

// The cohort summary of indicators.md: figures, series, disclosure. Built from what the database aggregated
// (CohortRaw); the same input gives the same JSON on every backend.
class CohortReport
{
    Q_DECLARE_TR_FUNCTIONS(CohortReport)
  public:
    CohortFilter filter;
    Disclosure disclosure = Disclosure::Internal;
    int threshold = 11;
    std::vector<CohortFigure> indicators; // in indicators.md order
    std::vector<CohortSeries> series;
    QStringList suppressed; // "adults", "by_month/2024-06/spent_cents" ...

    // `contributions`: the member contribution figures when the programme has contributions (docs/cohort.md).
    static CohortReport build(const CohortRaw& raw, const CohortFilter& filter, Disclosure disclosure,
                              int threshold, const ContributionCohortRaw* contributions = nullptr);

    const CohortFigure* indicator(const QString& key) const;
    const CohortSeries* seriesNamed(const QString& key) const;
    // {"period": {...}, "disclosure": "...", "indicators": {...}, "series": {...}, "suppressed": [...]}
    QJsonObject toJson() const;

    // The indicator keys of indicators.md, in order.
    static QStringList indicatorKeys();
    // Short, translated name and definition of an indicator or a series column (for tiles, exports, the PDF).
    static QString label(const QString& key);
    static QString definition(const QString& key);

  private:
    void applyDisclosure();
    // The contribution indicators and the contributions_by_band series.
    void addContributions(const ContributionCohortRaw& raw);
};

} // namespace cabas
