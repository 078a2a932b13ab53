#include "cohort/CohortReport.h"
#include "domain/Contribution.h"
#include "store/CohortQueries.h"

#include <QJsonArray>
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

namespace cabas {

QString toCode(Disclosure d)
{
    return d == Disclosure::Public ? QStringLiteral("public") : QStringLiteral("internal");
}

std::optional<Disclosure> disclosureFromCode(const QString& code)
{
    if (code == QLatin1String("internal"))
        return Disclosure::Internal;
    if (code == QLatin1String("public"))
        return Disclosure::Public;
    return std::nullopt;
}

QJsonValue CohortFigure::json() const
{
    if (null)
        return QJsonValue(QJsonValue::Null);
    switch (unit) {
    case Unit::Count:
    case Unit::Cents:
        return QJsonValue(integer());
    case Unit::Percent:
        return QJsonValue(std::round(value * 10.0) / 10.0);
    case Unit::Decimal:
        return QJsonValue(std::round(value * 100.0) / 100.0);
    }
    return {};
}

QString CohortFigure::text(QChar decimalPoint) const
{
    if (null)
        return QString();
    QString t;
    switch (unit) {
    case Unit::Count:
    case Unit::Cents:
        return QString::number(integer());
    case Unit::Percent:
        t = QString::number(std::round(value * 10.0) / 10.0, 'f', 1);
        break;
    case Unit::Decimal:
        t = QString::number(std::round(value * 100.0) / 100.0, 'f', 2);
        break;
    }
    return t.replace(QLatin1Char('.'), decimalPoint);
}

namespace {

CohortFigure count(const QString& key, qint64 n)
{
    CohortFigure f;
    f.key = key;
    f.value = double(n);
    f.basis = {n};
    return f;
}

CohortFigure cents(const QString& key, qint64 c, qint64 households)
{
    CohortFigure f;
    f.key = key;
    f.unit = CohortFigure::Unit::Cents;
    f.value = double(c);
    f.basis = {households};
    return f;
}

// 100 x numerator / denominator with one decimal, rounded half up in integers (the same on every machine);
// null for a zero denominator. `basis` defaults to {numerator, denominator}.
CohortFigure share(const QString& key, qint64 numerator, qint64 denominator, std::vector<qint64> basis = {})
{
    CohortFigure f;
    f.key = key;
    f.unit = CohortFigure::Unit::Percent;
    f.basis = basis.empty() ? std::vector<qint64>{numerator, denominator} : std::move(basis);
    if (denominator == 0) {
        f.null = true;
        return f;
    }
    const qint64 n = numerator < 0 ? -numerator : numerator;
    qint64 tenths = (2000 * n + denominator) / (2 * denominator);
    if (numerator < 0)
        tenths = -tenths;
    f.value = double(tenths) / 10.0;
    return f;
}

} // namespace

QStringList CohortReport::indicatorKeys()
{
    return {QStringLiteral("households_enrolled"),
            QStringLiteral("persons_enrolled"),
            QStringLiteral("adults"),
            QStringLiteral("children"),
            QStringLiteral("cards_used_pct"),
            QStringLiteral("allowance_cents"),
            QStringLiteral("bonus_cents"),
            QStringLiteral("spent_cents"),
            QStringLiteral("sustainable_spent_cents"),
            QStringLiteral("sustainable_spend_pct"),
            QStringLiteral("sustainable_merchants_paid"),
            QStringLiteral("questionnaire_pairs"),
            QStringLiteral("organic_fv_increase_pct"),
            QStringLiteral("local_products_increase_pct"),
            QStringLiteral("organic_products_increase_pct"),
            QStringLiteral("discovered_sustainable_shop_pct"),
            QStringLiteral("checkup_pairs"),
            QStringLiteral("mean_bmi_change"),
            QStringLiteral("workshop_sessions"),
            QStringLiteral("workshop_attendances"),
            QStringLiteral("households_attending_workshop_pct")};
}

CohortReport CohortReport::build(const CohortRaw& raw, const CohortFilter& filter, Disclosure disclosure,
                                 int threshold, const ContributionCohortRaw* contributions)
{
    CohortReport r;
    r.filter = filter;
    r.disclosure = disclosure;
    r.threshold = threshold;
    auto& in = r.indicators;
    in.push_back(count(QStringLiteral("households_enrolled"), raw.households));
    in.push_back(count(QStringLiteral("persons_enrolled"), raw.persons));
    in.push_back(count(QStringLiteral("adults"), raw.adults));
    in.push_back(count(QStringLiteral("children"), raw.children));
    in.push_back(share(QStringLiteral("cards_used_pct"), raw.householdsWithPurchase, raw.households));
    in.push_back(cents(QStringLiteral("allowance_cents"), raw.allowanceCents, raw.allowanceHouseholds));
    in.push_back(cents(QStringLiteral("bonus_cents"), raw.bonusCents, raw.bonusHouseholds));
    in.push_back(cents(QStringLiteral("spent_cents"), raw.spentCents, raw.spendingHouseholds));
    in.push_back(cents(QStringLiteral("sustainable_spent_cents"), raw.sustainableSpentCents,
                       raw.sustainableHouseholds));
    in.push_back(share(QStringLiteral("sustainable_spend_pct"), raw.sustainableSpentCents, raw.spentCents,
                       {raw.sustainableHouseholds, raw.spendingHouseholds}));
    in.push_back(count(QStringLiteral("sustainable_merchants_paid"), raw.sustainableMerchantsPaid));
    in.push_back(count(QStringLiteral("questionnaire_pairs"), raw.questionnairePairs));
    in.push_back(
        share(QStringLiteral("organic_fv_increase_pct"), raw.organicFvIncreased, raw.questionnairePairs));
    in.push_back(share(QStringLiteral("local_products_increase_pct"), raw.localProductsIncreased,
                       raw.questionnairePairs));
    in.push_back(share(QStringLiteral("organic_products_increase_pct"), raw.organicProductsIncreased,
                       raw.questionnairePairs));
    in.push_back(
        share(QStringLiteral("discovered_sustainable_shop_pct"), raw.discoveredYes, raw.discoveredAnswered));
    in.push_back(count(QStringLiteral("checkup_pairs"), raw.checkupPairs));
    {
        CohortFigure bmi;
        bmi.key = QStringLiteral("mean_bmi_change");
        bmi.unit = CohortFigure::Unit::Decimal;
        bmi.basis = {raw.checkupPairs};
        bmi.null = raw.checkupPairs == 0;
        if (!bmi.null)
            bmi.value = raw.bmiChangeSum / double(raw.checkupPairs);
        in.push_back(bmi);
    }
    if (raw.healthWithheld)
        for (CohortFigure& figure : in)
            if (store::CohortQueries::sealedHealthKeys().contains(figure.key)) {
                figure.null = true;
                figure.value = 0;
            }
    in.push_back(count(QStringLiteral("workshop_sessions"), raw.workshopSessions));
    in.push_back(count(QStringLiteral("workshop_attendances"), raw.workshopAttendances));
    in.push_back(
        share(QStringLiteral("households_attending_workshop_pct"), raw.householdsAttending, raw.households));

    CohortSeries months;
    months.key = QStringLiteral("by_month");
    months.labelColumn = QStringLiteral("month");
    months.columns = {QStringLiteral("allowance_cents"), QStringLiteral("bonus_cents"),
                      QStringLiteral("spent_cents"), QStringLiteral("sustainable_spent_cents"),
                      QStringLiteral("sustainable_spend_pct")};
    for (const auto& m : raw.months)
        months.rows.push_back(
            {m.month,
             {cents(months.columns[0], m.allowanceCents, m.households),
              cents(months.columns[1], m.bonusCents, m.households),
              cents(months.columns[2], m.spentCents, m.households),
              cents(months.columns[3], m.sustainableSpentCents, m.households),
              share(months.columns[4], m.sustainableSpentCents, m.spentCents, {m.households})}});
    r.series.push_back(months);

    CohortSeries categories;
    categories.key = QStringLiteral("by_merchant_category");
    categories.labelColumn = QStringLiteral("category");
    categories.columns = {QStringLiteral("spent_cents")};
    for (const auto& c : raw.categories)
        categories.rows.push_back({c.category, {cents(categories.columns[0], c.spentCents, c.households)}});
    r.series.push_back(categories);

    CohortSeries workshops;
    workshops.key = QStringLiteral("workshops_by_type");
    workshops.labelColumn = QStringLiteral("type");
    workshops.columns = {QStringLiteral("sessions"), QStringLiteral("attendances")};
    for (const auto& t : raw.workshopTypes)
        workshops.rows.push_back(
            {t.type, {count(workshops.columns[0], t.sessions), count(workshops.columns[1], t.attendances)}});
    r.series.push_back(workshops);

    CohortSeries waves;
    waves.key = QStringLiteral("followup_by_wave");
    waves.labelColumn = QStringLiteral("wave");
    waves.columns = {QStringLiteral("expected"), QStringLiteral("done"), QStringLiteral("completion_pct")};
    for (const auto& w : raw.waves)
        waves.rows.push_back({w.wave,
                              {count(waves.columns[0], w.expected), count(waves.columns[1], w.done),
                               share(waves.columns[2], w.done, w.expected)}});
    r.series.push_back(waves);
    if (contributions)
        r.addContributions(*contributions);

    if (disclosure == Disclosure::Public)
        r.applyDisclosure();
    return r;
}

const CohortFigure* CohortReport::indicator(const QString& key) const
{
    for (const CohortFigure& f : indicators)
        if (f.key == key)
            return &f;
    return nullptr;
}

const CohortSeries* CohortReport::seriesNamed(const QString& key) const
{
    for (const CohortSeries& s : series)
        if (s.key == key)
            return &s;
    return nullptr;
}

// Primary suppression: every figure with a count in its basis below the threshold. Complementary suppression:
// in each additive group (a total published with its parts: persons = adults + children, each monthly column
// and its period total, spending by category, workshops by type), a suppressed part must not be recoverable
// from the total and the other parts: while the suppressed parts are one alone, or together still below the
// threshold, the smallest published part (else the total) is suppressed as well. A share is suppressed with
// the sums it is computed from (and a monthly share with its month's spending).
void CohortReport::applyDisclosure()
{
    std::vector<CohortFigure*> all;
    std::vector<QString> names;
    auto add = [&](CohortFigure& f, const QString& name) {
        all.push_back(&f);
        names.push_back(name);
    };
    for (CohortFigure& f : indicators)
        add(f, f.key);
    for (CohortSeries& s : series)
        for (CohortSeries::Row& row : s.rows)
            for (CohortFigure& c : row.cells)
                add(c, s.key + QLatin1Char('/') + row.label + QLatin1Char('/') + c.key);

    for (CohortFigure* f : all)
        if (std::any_of(f->basis.begin(), f->basis.end(), [&](qint64 b) { return b < threshold; }))
            f->suppressed = true;

    auto ind = [&](const QString& key) { return const_cast<CohortFigure*>(indicator(key)); };
    struct Group
    {
        CohortFigure* total;
        std::vector<CohortFigure*> parts;
    };
    std::vector<Group> groups;
    groups.push_back({ind(QStringLiteral("persons_enrolled")),
                      {ind(QStringLiteral("adults")), ind(QStringLiteral("children"))}});
    for (CohortSeries& s : series) {
        for (int column = 0; column < s.columns.size(); ++column) {
            CohortFigure* total = ind(s.columns[column]);
            if (s.key == QLatin1String("workshops_by_type"))
                total = ind(column == 0 ? QStringLiteral("workshop_sessions")
                                        : QStringLiteral("workshop_attendances"));
            if (!total || total->unit == CohortFigure::Unit::Percent ||
                s.key == QLatin1String("followup_by_wave"))
                continue;
            Group g{total, {}};
            for (CohortSeries::Row& row : s.rows)
                g.parts.push_back(&row.cells[size_t(column)]);
            groups.push_back(g);
        }
    }
    // Shares and the figures they are computed from.
    std::vector<std::pair<CohortFigure*, std::vector<CohortFigure*>>> derived;
    derived.push_back({ind(QStringLiteral("sustainable_spend_pct")),
                       {ind(QStringLiteral("sustainable_spent_cents")), ind(QStringLiteral("spent_cents"))}});
    if (CohortSeries* m = const_cast<CohortSeries*>(seriesNamed(QStringLiteral("by_month"))))
        for (CohortSeries::Row& row : m->rows)
            derived.push_back({&row.cells[4], {&row.cells[2], &row.cells[3]}});

    bool changed = true;
    while (changed) {
        changed = false;
        for (Group& g : groups) {
            if (g.total->suppressed)
                continue;
            for (;;) {
                qint64 hidden = 0;
                int hiddenCount = 0;
                for (CohortFigure* p : g.parts)
                    if (p->suppressed) {
                        ++hiddenCount;
                        hidden += p->basis.empty() ? 0 : p->basis.front();
                    }
                if (hiddenCount == 0 || (hiddenCount >= 2 && hidden >= threshold))
                    break;
                CohortFigure* next = nullptr;
                for (CohortFigure* p : g.parts)
                    if (!p->suppressed && (!next || p->basis.front() < next->basis.front()))
                        next = p;
                if (!next) {
                    g.total->suppressed = true;
                    changed = true;
                    break;
                }
                next->suppressed = true;
                changed = true;
            }
        }
        for (auto& [result, from] : derived)
            for (CohortFigure* f : from)
                if (f->suppressed && !result->suppressed) {
                    result->suppressed = true;
                    changed = true;
                }
    }
    for (size_t i = 0; i < all.size(); ++i)
        if (all[i]->suppressed) {
            all[i]->null = true;
            suppressed << names[i];
        }
}

QJsonObject CohortReport::toJson() const
{
    QJsonObject period{{QStringLiteral("from"), filter.from.toString(Qt::ISODate)},
                       {QStringLiteral("to"), filter.to.toString(Qt::ISODate)}};
    if (!filter.commune.isEmpty())
        period.insert(QStringLiteral("commune"), filter.commune);
    if (!filter.status.isEmpty())
        period.insert(QStringLiteral("status"), filter.status);
    if (!filter.referent.isEmpty() && disclosure == Disclosure::Internal)
        period.insert(QStringLiteral("referent"), filter.referent);
    QJsonObject figures;
    for (const CohortFigure& f : indicators)
        figures.insert(f.key, f.json());
    QJsonObject seriesObject;
    for (const CohortSeries& s : series) {
        QJsonArray rows;
        for (const CohortSeries::Row& row : s.rows) {
            QJsonObject o{{s.labelColumn, row.label}};
            for (const CohortFigure& c : row.cells)
                o.insert(c.key, c.json());
            rows.append(o);
        }
        seriesObject.insert(s.key, rows);
    }
    QJsonObject o{{QStringLiteral("period"), period},
                  {QStringLiteral("disclosure"), toCode(disclosure)},
                  {QStringLiteral("indicators"), figures},
                  {QStringLiteral("series"), seriesObject},
                  {QStringLiteral("suppressed"), QJsonArray::fromStringList(suppressed)}};
    if (disclosure == Disclosure::Public)
        o.insert(QStringLiteral("threshold"), threshold);
    return o;
}

QString CohortReport::label(const QString& key)
{
    static const std::map<QString, const char*> labels = {
        {QStringLiteral("households_enrolled"), QT_TR_NOOP("Households enrolled")},
        {QStringLiteral("persons_enrolled"), QT_TR_NOOP("Persons enrolled")},
        {QStringLiteral("adults"), QT_TR_NOOP("Adults")},
        {QStringLiteral("children"), QT_TR_NOOP("Children")},
        {QStringLiteral("cards_used_pct"), QT_TR_NOOP("Cards used (%)")},
        {QStringLiteral("allowance_cents"), QT_TR_NOOP("Allowance")},
        {QStringLiteral("bonus_cents"), QT_TR_NOOP("Bonus")},
        {QStringLiteral("spent_cents"), QT_TR_NOOP("Spending")},
        {QStringLiteral("sustainable_spent_cents"), QT_TR_NOOP("Sustainable spending")},
        {QStringLiteral("sustainable_spend_pct"), QT_TR_NOOP("Sustainable share of spending (%)")},
        {QStringLiteral("sustainable_merchants_paid"), QT_TR_NOOP("Sustainable shops paid")},
        {QStringLiteral("questionnaire_pairs"), QT_TR_NOOP("Persons with M0 and M6 questionnaires")},
        {QStringLiteral("organic_fv_increase_pct"), QT_TR_NOOP("More organic fruit and vegetables (%)")},
        {QStringLiteral("local_products_increase_pct"), QT_TR_NOOP("More local products (%)")},
        {QStringLiteral("organic_products_increase_pct"), QT_TR_NOOP("More organic products (%)")},
        {QStringLiteral("discovered_sustainable_shop_pct"), QT_TR_NOOP("Discovered a sustainable shop (%)")},
        {QStringLiteral("checkup_pairs"), QT_TR_NOOP("Persons with M0 and M6 checkups")},
        {QStringLiteral("mean_bmi_change"), QT_TR_NOOP("Mean BMI change (kg/m²)")},
        {QStringLiteral("workshop_sessions"), QT_TR_NOOP("Workshops held")},
        {QStringLiteral("workshop_attendances"), QT_TR_NOOP("Workshop attendances")},
        {QStringLiteral("households_attending_workshop_pct"), QT_TR_NOOP("Households at a workshop (%)")},
        {QStringLiteral("by_month"), QT_TR_NOOP("By month")},
        {QStringLiteral("by_merchant_category"), QT_TR_NOOP("By merchant category")},
        {QStringLiteral("workshops_by_type"), QT_TR_NOOP("Workshops by type")},
        {QStringLiteral("followup_by_wave"), QT_TR_NOOP("Follow-up by wave")},
        {QStringLiteral("month"), QT_TR_NOOP("Month")},
        {QStringLiteral("category"), QT_TR_NOOP("Category")},
        {QStringLiteral("type"), QT_TR_NOOP("Type")},
        {QStringLiteral("wave"), QT_TR_NOOP("Wave")},
        {QStringLiteral("sessions"), QT_TR_NOOP("Sessions")},
        {QStringLiteral("attendances"), QT_TR_NOOP("Attendances")},
        {QStringLiteral("expected"), QT_TR_NOOP("Expected")},
        {QStringLiteral("done"), QT_TR_NOOP("Done")},
        {QStringLiteral("completion_pct"), QT_TR_NOOP("Completion (%)")},
        {QStringLiteral("contribution_households"), QT_TR_NOOP("Households contributing")},
        {QStringLiteral("contribution_expected_cents"), QT_TR_NOOP("Contributions expected")},
        {QStringLiteral("contribution_paid_cents"), QT_TR_NOOP("Contributions paid")},
        {QStringLiteral("contribution_mean_monthly_cents"), QT_TR_NOOP("Mean contribution a month")},
        {QStringLiteral("contribution_arrears_households_pct"), QT_TR_NOOP("Households in arrears (%)")},
        {QStringLiteral("contributions_by_band"), QT_TR_NOOP("Contributions by monthly amount (cents)")},
        {QStringLiteral("band"), QT_TR_NOOP("Band")},
    };
    const auto it = labels.find(key);
    return it == labels.end() ? key : tr(it->second);
}

QString CohortReport::definition(const QString& key)
{
    static const std::map<QString, const char*> texts = {
        {QStringLiteral("households_enrolled"),
         QT_TR_NOOP(
             "Households enrolled at some time in the period (enrolled on or before its end, not exited "
             "before its start).")},
        {QStringLiteral("persons_enrolled"),
         QT_TR_NOOP("Members of those households present in the period.")},
        {QStringLiteral("adults"), QT_TR_NOOP("Members recorded as adults.")},
        {QStringLiteral("children"), QT_TR_NOOP("Members recorded as children.")},
        {QStringLiteral("cards_used_pct"),
         QT_TR_NOOP("Share of households whose card (or re-issued card) carries a posted purchase in the "
                    "period.")},
        {QStringLiteral("allowance_cents"), QT_TR_NOOP("Sum of the posted monthly allowances.")},
        {QStringLiteral("bonus_cents"), QT_TR_NOOP("Sum of the posted bonuses.")},
        {QStringLiteral("spent_cents"),
         QT_TR_NOOP("Posted purchases minus posted refunds; adjustments and transfers are not spending.")},
        {QStringLiteral("sustainable_spent_cents"),
         QT_TR_NOOP("The same at shops the programme (else the operator) considers sustainable.")},
        {QStringLiteral("sustainable_spend_pct"), QT_TR_NOOP("100 × sustainable spending / spending.")},
        {QStringLiteral("sustainable_merchants_paid"),
         QT_TR_NOOP("Distinct sustainable shops with at least one posted purchase.")},
        {QStringLiteral("questionnaire_pairs"),
         QT_TR_NOOP("Persons with both an M0 and an M6 diet questionnaire.")},
        {QStringLiteral("organic_fv_increase_pct"),
         QT_TR_NOOP("Among those, share whose organic fruit and vegetables frequency is higher at M6.")},
        {QStringLiteral("local_products_increase_pct"),
         QT_TR_NOOP("Among those, share whose local products frequency is higher at M6.")},
        {QStringLiteral("organic_products_increase_pct"),
         QT_TR_NOOP("Among those, share whose organic products frequency is higher at M6.")},
        {QStringLiteral("discovered_sustainable_shop_pct"),
         QT_TR_NOOP("Among M6 questionnaires that answer it, share who discovered a sustainable shop or "
                    "producer.")},
        {QStringLiteral("checkup_pairs"),
         QT_TR_NOOP("Persons with an M0 and an M6 checkup that both have weight and height.")},
        {QStringLiteral("mean_bmi_change"),
         QT_TR_NOOP("Mean of BMI at M6 minus BMI at M0 over those persons.")},
        {QStringLiteral("workshop_sessions"),
         QT_TR_NOOP("Workshops held in the period (cancelled ones excluded).")},
        {QStringLiteral("workshop_attendances"), QT_TR_NOOP("Attendances of cohort members marked present.")},
        {QStringLiteral("households_attending_workshop_pct"),
         QT_TR_NOOP("Share of households with at least one member present at a workshop.")},
        {QStringLiteral("contribution_households"),
         QT_TR_NOOP("Cohort households with a member contribution expected in at least one month of the "
                    "period.")},
        {QStringLiteral("contribution_expected_cents"),
         QT_TR_NOOP("Sum of the monthly contributions chosen, over the months of the period they were "
                    "enrolled in (contribution currency).")},
        {QStringLiteral("contribution_paid_cents"),
         QT_TR_NOOP("Sum of the contribution payments dated in the period (contribution currency).")},
        {QStringLiteral("contribution_mean_monthly_cents"),
         QT_TR_NOOP("Contributions expected divided by the months they were expected for.")},
        {QStringLiteral("contribution_arrears_households_pct"),
         QT_TR_NOOP("Share of contributing households that paid less in the period than was expected.")},
    };
    const auto it = texts.find(key);
    return it == texts.end() ? QString() : tr(it->second);
}

// Member contributions (docs/cohort.md "Member contributions"): sums and counts over households, never one
// household's amount; the band counts add up to contribution_households (an additive group for disclosure).
void CohortReport::addContributions(const ContributionCohortRaw& raw)
{
    indicators.push_back(count(QStringLiteral("contribution_households"), raw.households));
    indicators.push_back(
        cents(QStringLiteral("contribution_expected_cents"), raw.expectedCents, raw.households));
    indicators.push_back(
        cents(QStringLiteral("contribution_paid_cents"), raw.paidCents, raw.payingHouseholds));
    CohortFigure mean = cents(QStringLiteral("contribution_mean_monthly_cents"), 0, raw.households);
    mean.null = raw.householdMonths == 0;
    if (!mean.null)
        mean.value = double((2 * raw.expectedCents + raw.householdMonths) / (2 * raw.householdMonths));
    indicators.push_back(mean);
    indicators.push_back(share(QStringLiteral("contribution_arrears_households_pct"), raw.householdsInArrears,
                               raw.households));
    CohortSeries bands;
    bands.key = QStringLiteral("contributions_by_band");
    bands.labelColumn = QStringLiteral("band");
    bands.columns = {QStringLiteral("contribution_households")};
    for (const auto& b : raw.bands)
        bands.rows.push_back({b.band, {count(bands.columns[0], b.households)}});
    series.push_back(bands);
}

} // namespace cabas
