#include "domain/Programme.h"
#include "common/Error.h"
#include "common/Money.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <cmath>

namespace cabas {

QStringList merchantCategories()
{
    return {QStringLiteral("organic_shop"), QStringLiteral("local_producer"), QStringLiteral("farm_shop"),
            QStringLiteral("market"),       QStringLiteral("grocery"),        QStringLiteral("supermarket"),
            QStringLiteral("other")};
}

QString toCode(AllowanceKind kind)
{
    switch (kind) {
    case AllowanceKind::ByRole:
        return QStringLiteral("by_role");
    case AllowanceKind::PerPerson:
        return QStringLiteral("per_person");
    case AllowanceKind::IncomeBands:
        return QStringLiteral("income_bands");
    }
    return QString();
}

bool fromCode(const QString& code, AllowanceKind* kind)
{
    for (AllowanceKind k : {AllowanceKind::ByRole, AllowanceKind::PerPerson, AllowanceKind::IncomeBands})
        if (toCode(k) == code) {
            *kind = k;
            return true;
        }
    return false;
}

int Programme::incomeBandFor(qint64 incomePerUnitCents) const
{
    for (std::size_t i = 0; i < incomeBands.size(); ++i)
        if (!incomeBands[i].upToCents || incomePerUnitCents <= *incomeBands[i].upToCents)
            return int(i);
    return incomeBands.empty() ? -1 : int(incomeBands.size()) - 1;
}

QString Programme::allowanceSummary() const
{
    switch (allowanceKind) {
    case AllowanceKind::ByRole:
        return tr("%1 per adult and %2 per child a month")
            .arg(formatCents(adultAllowanceCents, currency), formatCents(childAllowanceCents, currency));
    case AllowanceKind::PerPerson:
        return tr("%1 per person a month").arg(formatCents(perPersonCents, currency));
    case AllowanceKind::IncomeBands: {
        QStringList bands;
        for (const IncomeBand& b : incomeBands)
            bands << (b.upToCents ? tr("up to %1 a consumption unit: %2")
                                        .arg(formatCents(*b.upToCents, currency),
                                             formatCents(b.amountCents, currency))
                                  : tr("above: %1").arg(formatCents(b.amountCents, currency)));
        return (incomeBandPerPerson ? tr("By income band, per person a month: %1")
                                    : tr("By income band, per household a month: %1"))
            .arg(bands.join(QStringLiteral("; ")));
    }
    }
    return QString();
}

Programme Programme::defaults(const QDate& today)
{
    Programme p;
    p.name = tr("Sustainable food card programme");
    p.startsOn = QDate(today.year(), today.month(), 1);
    p.endsOn = p.startsOn.addYears(3).addDays(-1);
    p.adultAllowanceCents = 4000;
    p.childAllowanceCents = 2000;
    p.childAdultAge = 18;
    p.disclosureThreshold = 11;
    p.currency = QStringLiteral("EUR");
    p.householdCodePrefix = QStringLiteral("MMG");
    p.waves = {{QStringLiteral("M0"), 0, 30},
               {QStringLiteral("M6"), 182, 30},
               {QStringLiteral("M12"), 365, 30},
               {QStringLiteral("M18"), 547, 30}};
    p.sustainableCategories = {QStringLiteral("farm_shop"), QStringLiteral("local_producer"),
                               QStringLiteral("market"), QStringLiteral("organic_shop")};
    return p;
}

QStringList Programme::validate() const
{
    QStringList problems;
    if (name.trimmed().isEmpty())
        problems << tr("name: the programme needs a name");
    if (!startsOn.isValid())
        problems << tr("starts_on: the start date is required");
    if (endsOn.isValid() && startsOn.isValid() && endsOn < startsOn)
        problems << tr("ends_on: the end date is before the start date");
    if (adultAllowanceCents < 0)
        problems << tr("allowance.adult_cents: must not be negative");
    if (childAllowanceCents < 0)
        problems << tr("allowance.child_cents: must not be negative");
    if (childAdultAge < 1 || childAdultAge > 30)
        problems << tr("allowance.child_adult_age: must be between 1 and 30");
    if (perPersonCents < 0)
        problems << tr("allowance.per_person_cents: must not be negative");
    if (allowanceKind == AllowanceKind::IncomeBands) {
        if (incomeBands.empty())
            problems << tr("allowance.bands: an income-band allowance needs at least one band");
        for (std::size_t i = 0; i < incomeBands.size(); ++i) {
            const IncomeBand& b = incomeBands[i];
            const QString at = QStringLiteral("allowance.bands[%1]").arg(i);
            if (b.amountCents < 0)
                problems << tr("%1.amount_cents: must not be negative").arg(at);
            if (b.upToCents && *b.upToCents < 0)
                problems << tr("%1.up_to_cents: must not be negative").arg(at);
            if (!b.upToCents && i + 1 != incomeBands.size())
                problems << tr("%1.up_to_cents: only the last band may be open (null)").arg(at);
            if (i + 1 == incomeBands.size() && b.upToCents)
                problems
                    << tr("%1.up_to_cents: the last band must be open (null), so that every income has a "
                          "band")
                           .arg(at);
            if (i > 0 && b.upToCents && incomeBands[i - 1].upToCents &&
                *b.upToCents <= *incomeBands[i - 1].upToCents)
                problems << tr("%1.up_to_cents: bands must come in increasing order of income").arg(at);
        }
        if (reassessmentMonths < 1 || reassessmentMonths > 60)
            problems << tr("allowance.reassess_months: must be between 1 and 60");
    }
    const ConsumptionUnitWeights& cu = consumptionUnits;
    if (cu.firstAdultMilli <= 0 || cu.firstAdultMilli > 10000)
        problems << tr("allowance.consumption_units.first_person: must be more than 0 and at most 10");
    if (cu.otherAdultMilli < 0 || cu.otherAdultMilli > 10000)
        problems << tr("allowance.consumption_units.other_persons: must be between 0 and 10");
    if (cu.childMilli < 0 || cu.childMilli > 10000)
        problems << tr("allowance.consumption_units.children: must be between 0 and 10");
    if (cu.adultAge < 1 || cu.adultAge > 30)
        problems << tr("allowance.consumption_units.child_under_age: must be between 1 and 30");
    if (disclosureThreshold < 1 || disclosureThreshold > 1000)
        problems << tr("disclosure_threshold: must be between 1 and 1000");
    static const QRegularExpression currencyPattern(QStringLiteral("^[A-Za-z]{2,10}$"));
    if (!currencyPattern.match(currency).hasMatch())
        problems << tr("currency: \"%1\" is not a currency label (2 to 10 letters, such as EUR or MonA)")
                        .arg(currency);
    static const QRegularExpression prefixPattern(QStringLiteral("^[A-Za-z0-9]{1,10}$"));
    if (!prefixPattern.match(householdCodePrefix).hasMatch())
        problems
            << tr("household_code_prefix: \"%1\" must be 1 to 10 letters or digits").arg(householdCodePrefix);
    for (std::size_t i = 0; i < bonusRules.size(); ++i) {
        const BonusRule& r = bonusRules[i];
        const QString at = QStringLiteral("bonus_rules[%1]").arg(i);
        if (r.label.trimmed().isEmpty())
            problems << tr("%1.label: the bonus rule needs a label").arg(at);
        if (r.rateBasisPoints < 0 || r.rateBasisPoints > 100000)
            problems << tr("%1.rate_percent: must be between 0 and 1000").arg(at);
        if (r.monthlyCapCents && *r.monthlyCapCents < 0)
            problems << tr("%1.monthly_cap_cents: must not be negative").arg(at);
        if (!r.validFrom.isValid())
            problems << tr("%1.valid_from: the start of validity is required").arg(at);
        if (r.validTo.isValid() && r.validFrom.isValid() && r.validTo < r.validFrom)
            problems << tr("%1.valid_to: the end of validity is before its start").arg(at);
    }
    if (waves.empty())
        problems << tr("waves: the programme needs at least one follow-up wave (M0)");
    QStringList seen;
    for (std::size_t i = 0; i < waves.size(); ++i) {
        const FollowUpWave& w = waves[i];
        const QString at = QStringLiteral("waves[%1]").arg(i);
        if (w.code.trimmed().isEmpty())
            problems << tr("%1.code: the wave needs a code such as M6").arg(at);
        else if (seen.contains(w.code))
            problems << tr("%1.code: the wave %2 appears twice").arg(at, w.code);
        seen << w.code;
        if (w.offsetDays < 0 || w.offsetDays > 3650)
            problems << tr("%1.offset_days: must be between 0 and 3650").arg(at);
        if (w.toleranceDays < 0 || w.toleranceDays > 365)
            problems << tr("%1.tolerance_days: must be between 0 and 365").arg(at);
        if (i > 0 && w.offsetDays <= waves[i - 1].offsetDays)
            problems << tr("%1.offset_days: waves must come in increasing order of offset").arg(at);
    }
    if (contributions != ContributionRule{}) {
        if (!currencyPattern.match(contributions.currency).hasMatch())
            problems << tr("contributions.currency: \"%1\" is not a currency label (2 to 10 letters, such as "
                           "EUR)")
                            .arg(contributions.currency);
        if (contributions.minMonthlyCents < 1)
            problems << tr("contributions.min_monthly_cents: must be at least 1");
        if (contributions.maxMonthlyCents > 100000000)
            problems << tr("contributions.max_monthly_cents: must be at most 100000000");
        if (contributions.maxMonthlyCents < contributions.minMonthlyCents)
            problems << tr("contributions.max_monthly_cents: is below min_monthly_cents");
    }
    for (const QString& c : sustainableCategories)
        if (!merchantCategories().contains(c))
            problems << tr("sustainable_categories: \"%1\" is not a merchant category (%2)")
                            .arg(c, merchantCategories().join(QStringLiteral(", ")));
    return problems;
}

namespace {

// Collects located problems while reading a JSON object.
class JsonReader
{
  public:
    explicit JsonReader(QString source) : m_source(std::move(source)) {}

    void problem(const QString& path, const QString& message)
    {
        m_problems << (m_source.isEmpty() ? QString() : m_source + QStringLiteral(": ")) + path +
                          QStringLiteral(": ") + message;
    }
    const QStringList& problems() const { return m_problems; }

    QString string(const QJsonObject& o, const QString& key, const QString& path, bool required,
                   QString fallback = {})
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined() || v.isNull()) {
            if (required)
                problem(path, Programme::tr("is required"));
            return fallback;
        }
        if (!v.isString()) {
            problem(path, Programme::tr("must be a string"));
            return fallback;
        }
        return v.toString();
    }

    QDate date(const QJsonObject& o, const QString& key, const QString& path, bool required)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined() || v.isNull()) {
            if (required)
                problem(path, Programme::tr("is required"));
            return {};
        }
        const QDate d = v.isString() ? QDate::fromString(v.toString(), Qt::ISODate) : QDate();
        if (!d.isValid())
            problem(path, Programme::tr("must be a date written YYYY-MM-DD"));
        return d;
    }

    std::optional<qint64> integer(const QJsonObject& o, const QString& key, const QString& path,
                                  bool required)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined() || v.isNull()) {
            if (required)
                problem(path, Programme::tr("is required"));
            return std::nullopt;
        }
        const double d = v.toDouble();
        if (!v.isDouble() || d != std::floor(d) || std::fabs(d) > 9.0e15) {
            problem(path, Programme::tr("must be a whole number"));
            return std::nullopt;
        }
        return qint64(d);
    }

    void unknownKeys(const QJsonObject& o, const QString& path, const QStringList& known)
    {
        for (const QString& k : o.keys())
            if (!known.contains(k))
                problem(path.isEmpty() ? k : path + QLatin1Char('.') + k, Programme::tr("unknown field"));
    }

  private:
    QString m_source;
    QStringList m_problems;
};

} // namespace

Programme Programme::fromJson(const QJsonObject& json, const QString& source)
{
    JsonReader r(source);
    Programme p;
    r.unknownKeys(json, QString(),
                  {QStringLiteral("name"), QStringLiteral("starts_on"), QStringLiteral("ends_on"),
                   QStringLiteral("currency"), QStringLiteral("allowance"), QStringLiteral("bonus_rules"),
                   QStringLiteral("waves"), QStringLiteral("disclosure_threshold"),
                   QStringLiteral("household_code_prefix"), QStringLiteral("sustainable_categories"),
                   QStringLiteral("format"), QStringLiteral("contributions")});
    p.name = r.string(json, QStringLiteral("name"), QStringLiteral("name"), true);
    p.startsOn = r.date(json, QStringLiteral("starts_on"), QStringLiteral("starts_on"), true);
    p.endsOn = r.date(json, QStringLiteral("ends_on"), QStringLiteral("ends_on"), false);
    p.currency =
        r.string(json, QStringLiteral("currency"), QStringLiteral("currency"), false, QStringLiteral("EUR"));
    p.householdCodePrefix = r.string(json, QStringLiteral("household_code_prefix"),
                                     QStringLiteral("household_code_prefix"), false, QStringLiteral("MMG"));
    if (auto t = r.integer(json, QStringLiteral("disclosure_threshold"),
                           QStringLiteral("disclosure_threshold"), false))
        p.disclosureThreshold = int(*t);

    const QJsonValue allowance = json.value(QStringLiteral("allowance"));
    if (!allowance.isObject()) {
        r.problem(QStringLiteral("allowance"),
                  tr("is required, as an object with adult_cents and child_cents"));
    } else {
        const QJsonObject a = allowance.toObject();
        const QString kind = r.string(a, QStringLiteral("kind"), QStringLiteral("allowance.kind"), false,
                                      QStringLiteral("by_role"));
        if (!fromCode(kind, &p.allowanceKind))
            r.problem(QStringLiteral("allowance.kind"),
                      tr("\"%1\" is not an allowance kind (by_role, per_person, income_bands)").arg(kind));
        QStringList known{QStringLiteral("kind"), QStringLiteral("child_adult_age"),
                          QStringLiteral("prorate_first_month")};
        switch (p.allowanceKind) {
        case AllowanceKind::ByRole:
            known << QStringLiteral("adult_cents") << QStringLiteral("child_cents");
            break;
        case AllowanceKind::PerPerson:
            known << QStringLiteral("per_person_cents");
            break;
        case AllowanceKind::IncomeBands:
            known << QStringLiteral("bands") << QStringLiteral("basis") << QStringLiteral("consumption_units")
                  << QStringLiteral("reassess_months");
            break;
        }
        r.unknownKeys(a, QStringLiteral("allowance"), known);
        const bool byRole = p.allowanceKind == AllowanceKind::ByRole;
        if (auto v =
                r.integer(a, QStringLiteral("adult_cents"), QStringLiteral("allowance.adult_cents"), byRole))
            p.adultAllowanceCents = *v;
        if (auto v =
                r.integer(a, QStringLiteral("child_cents"), QStringLiteral("allowance.child_cents"), byRole))
            p.childAllowanceCents = *v;
        if (auto v = r.integer(a, QStringLiteral("child_adult_age"),
                               QStringLiteral("allowance.child_adult_age"), false))
            p.childAdultAge = int(*v);
        if (auto v =
                r.integer(a, QStringLiteral("per_person_cents"), QStringLiteral("allowance.per_person_cents"),
                          p.allowanceKind == AllowanceKind::PerPerson))
            p.perPersonCents = *v;
        const QJsonValue prorate = a.value(QStringLiteral("prorate_first_month"));
        if (prorate.isBool())
            p.prorateFirstMonth = prorate.toBool();
        else if (!prorate.isUndefined() && !prorate.isNull())
            r.problem(QStringLiteral("allowance.prorate_first_month"), tr("must be true or false"));
        if (p.allowanceKind == AllowanceKind::IncomeBands) {
            const QString basis = r.string(a, QStringLiteral("basis"), QStringLiteral("allowance.basis"),
                                           false, QStringLiteral("household"));
            if (basis == QLatin1String("person"))
                p.incomeBandPerPerson = true;
            else if (basis != QLatin1String("household"))
                r.problem(QStringLiteral("allowance.basis"),
                          tr("\"%1\" is not a basis (household or person)").arg(basis));
            if (auto v = r.integer(a, QStringLiteral("reassess_months"),
                                   QStringLiteral("allowance.reassess_months"), true))
                p.reassessmentMonths = int(*v);
            const QJsonValue bands = a.value(QStringLiteral("bands"));
            if (!bands.isArray())
                r.problem(QStringLiteral("allowance.bands"),
                          tr("is required, as a list of bands with up_to_cents and amount_cents"));
            const QJsonArray bandArray = bands.toArray();
            for (qsizetype i = 0; i < bandArray.size(); ++i) {
                const QString at = QStringLiteral("allowance.bands[%1]").arg(i);
                if (!bandArray.at(i).isObject()) {
                    r.problem(at, tr("must be an object"));
                    continue;
                }
                const QJsonObject o = bandArray.at(i).toObject();
                r.unknownKeys(o, at, {QStringLiteral("up_to_cents"), QStringLiteral("amount_cents")});
                IncomeBand band;
                if (!o.contains(QStringLiteral("up_to_cents")))
                    r.problem(at + QStringLiteral(".up_to_cents"),
                              tr("is required (null for the last, open band)"));
                band.upToCents =
                    r.integer(o, QStringLiteral("up_to_cents"), at + QStringLiteral(".up_to_cents"), false);
                if (auto v = r.integer(o, QStringLiteral("amount_cents"),
                                       at + QStringLiteral(".amount_cents"), true))
                    band.amountCents = *v;
                p.incomeBands.push_back(band);
            }
            const QJsonValue units = a.value(QStringLiteral("consumption_units"));
            if (units.isObject()) {
                const QJsonObject u = units.toObject();
                const QString at = QStringLiteral("allowance.consumption_units");
                r.unknownKeys(u, at,
                              {QStringLiteral("first_person"), QStringLiteral("other_persons"),
                               QStringLiteral("children"), QStringLiteral("child_under_age")});
                const auto weight = [&](const QString& key, int* milli) {
                    const QJsonValue v = u.value(key);
                    if (v.isUndefined() || v.isNull())
                        return;
                    const double w = v.toDouble() * 1000.0;
                    if (!v.isDouble() || std::fabs(w - std::round(w)) > 1e-6)
                        r.problem(at + QLatin1Char('.') + key,
                                  tr("must be a number with at most three decimals, such as 0.5"));
                    else
                        *milli = int(std::lround(w));
                };
                weight(QStringLiteral("first_person"), &p.consumptionUnits.firstAdultMilli);
                weight(QStringLiteral("other_persons"), &p.consumptionUnits.otherAdultMilli);
                weight(QStringLiteral("children"), &p.consumptionUnits.childMilli);
                if (auto v = r.integer(u, QStringLiteral("child_under_age"),
                                       at + QStringLiteral(".child_under_age"), false))
                    p.consumptionUnits.adultAge = int(*v);
            } else if (!units.isUndefined() && !units.isNull()) {
                r.problem(QStringLiteral("allowance.consumption_units"), tr("must be an object"));
            }
        }
    }

    const QJsonValue bonus = json.value(QStringLiteral("bonus_rules"));
    if (!bonus.isUndefined() && !bonus.isArray())
        r.problem(QStringLiteral("bonus_rules"), tr("must be a list"));
    const QJsonArray bonusArray = bonus.toArray();
    for (qsizetype i = 0; i < bonusArray.size(); ++i) {
        const QString at = QStringLiteral("bonus_rules[%1]").arg(i);
        if (!bonusArray.at(i).isObject()) {
            r.problem(at, tr("must be an object"));
            continue;
        }
        const QJsonObject o = bonusArray.at(i).toObject();
        r.unknownKeys(o, at,
                      {QStringLiteral("label"), QStringLiteral("rate_percent"),
                       QStringLiteral("monthly_cap_cents"), QStringLiteral("valid_from"),
                       QStringLiteral("valid_to")});
        BonusRule rule;
        rule.label = r.string(o, QStringLiteral("label"), at + QStringLiteral(".label"), true);
        const QJsonValue rate = o.value(QStringLiteral("rate_percent"));
        if (!rate.isDouble())
            r.problem(at + QStringLiteral(".rate_percent"),
                      tr("is required, as a number such as 50 or 12.5"));
        else {
            const double bp = rate.toDouble() * 100.0;
            if (std::fabs(bp - std::round(bp)) > 1e-6)
                r.problem(at + QStringLiteral(".rate_percent"), tr("has more than two decimals"));
            rule.rateBasisPoints = int(std::lround(bp));
        }
        if (auto cap = r.integer(o, QStringLiteral("monthly_cap_cents"),
                                 at + QStringLiteral(".monthly_cap_cents"), false))
            rule.monthlyCapCents = *cap;
        rule.validFrom = r.date(o, QStringLiteral("valid_from"), at + QStringLiteral(".valid_from"), true);
        rule.validTo = r.date(o, QStringLiteral("valid_to"), at + QStringLiteral(".valid_to"), false);
        p.bonusRules.push_back(rule);
    }

    const QJsonValue waves = json.value(QStringLiteral("waves"));
    if (!waves.isArray())
        r.problem(QStringLiteral("waves"), tr("is required, as a list of waves"));
    const QJsonArray waveArray = waves.toArray();
    for (qsizetype i = 0; i < waveArray.size(); ++i) {
        const QString at = QStringLiteral("waves[%1]").arg(i);
        if (!waveArray.at(i).isObject()) {
            r.problem(at, tr("must be an object"));
            continue;
        }
        const QJsonObject o = waveArray.at(i).toObject();
        r.unknownKeys(
            o, at, {QStringLiteral("code"), QStringLiteral("offset_days"), QStringLiteral("tolerance_days")});
        FollowUpWave w;
        w.code = r.string(o, QStringLiteral("code"), at + QStringLiteral(".code"), true);
        if (auto v = r.integer(o, QStringLiteral("offset_days"), at + QStringLiteral(".offset_days"), true))
            w.offsetDays = int(*v);
        if (auto v =
                r.integer(o, QStringLiteral("tolerance_days"), at + QStringLiteral(".tolerance_days"), true))
            w.toleranceDays = int(*v);
        p.waves.push_back(w);
    }

    const QJsonValue categories = json.value(QStringLiteral("sustainable_categories"));
    if (categories.isUndefined())
        p.sustainableCategories = defaults(QDate(2000, 1, 1)).sustainableCategories;
    else if (!categories.isArray())
        r.problem(QStringLiteral("sustainable_categories"), tr("must be a list of merchant categories"));
    else
        for (const QJsonValue& c : categories.toArray()) {
            if (!c.isString())
                r.problem(QStringLiteral("sustainable_categories"),
                          tr("must be a list of merchant categories"));
            else
                p.sustainableCategories << c.toString();
        }

    const QJsonValue contributions = json.value(QStringLiteral("contributions"));
    if (contributions.isObject()) {
        const QJsonObject o = contributions.toObject();
        const QString at = QStringLiteral("contributions");
        r.unknownKeys(o, at,
                      {QStringLiteral("enabled"), QStringLiteral("currency"),
                       QStringLiteral("min_monthly_cents"), QStringLiteral("max_monthly_cents")});
        const QJsonValue enabled = o.value(QStringLiteral("enabled"));
        if (enabled.isBool())
            p.contributions.enabled = enabled.toBool();
        else
            r.problem(at + QStringLiteral(".enabled"), tr("is required, as true or false"));
        p.contributions.currency = r.string(o, QStringLiteral("currency"), at + QStringLiteral(".currency"),
                                            false, QStringLiteral("EUR"));
        if (auto v = r.integer(o, QStringLiteral("min_monthly_cents"),
                               at + QStringLiteral(".min_monthly_cents"), p.contributions.enabled))
            p.contributions.minMonthlyCents = *v;
        if (auto v = r.integer(o, QStringLiteral("max_monthly_cents"),
                               at + QStringLiteral(".max_monthly_cents"), p.contributions.enabled))
            p.contributions.maxMonthlyCents = *v;
    } else if (!contributions.isUndefined() && !contributions.isNull()) {
        r.problem(QStringLiteral("contributions"), tr("must be an object"));
    }

    p.sustainableCategories.sort();
    p.sustainableCategories.removeDuplicates();
    QStringList problems = r.problems();
    if (problems.isEmpty()) {
        const QString prefix = source.isEmpty() ? QString() : source + QStringLiteral(": ");
        for (const QString& problem : p.validate())
            problems << prefix + problem;
    }
    if (!problems.isEmpty())
        throw Error(problems.join(QLatin1Char('\n')), Error::Kind::Invalid);
    return p;
}

Programme Programme::fromFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw Error(tr("%1: cannot read the programme file (%2).").arg(path, f.errorString()),
                    Error::Kind::NotFound);
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        throw Error(tr("%1: offset %2: not valid JSON (%3)")
                        .arg(path)
                        .arg(parseError.offset)
                        .arg(parseError.errorString()),
                    Error::Kind::Invalid);
    if (!doc.isObject())
        throw Error(tr("%1: the programme must be a JSON object").arg(path), Error::Kind::Invalid);
    return fromJson(doc.object(), path.startsWith(QLatin1Char(':')) ? QFileInfo(path).fileName() : path);
}

QJsonObject Programme::allowanceJson() const
{
    QJsonObject a{{QStringLiteral("kind"), toCode(allowanceKind)},
                  {QStringLiteral("child_adult_age"), childAdultAge},
                  {QStringLiteral("prorate_first_month"), prorateFirstMonth}};
    switch (allowanceKind) {
    case AllowanceKind::ByRole:
        a.insert(QStringLiteral("adult_cents"), double(adultAllowanceCents));
        a.insert(QStringLiteral("child_cents"), double(childAllowanceCents));
        break;
    case AllowanceKind::PerPerson:
        a.insert(QStringLiteral("per_person_cents"), double(perPersonCents));
        break;
    case AllowanceKind::IncomeBands: {
        QJsonArray bands;
        for (const IncomeBand& b : incomeBands)
            bands.append(
                QJsonObject{{QStringLiteral("up_to_cents"),
                             b.upToCents ? QJsonValue(double(*b.upToCents)) : QJsonValue(QJsonValue::Null)},
                            {QStringLiteral("amount_cents"), double(b.amountCents)}});
        a.insert(QStringLiteral("bands"), bands);
        a.insert(QStringLiteral("basis"),
                 incomeBandPerPerson ? QStringLiteral("person") : QStringLiteral("household"));
        a.insert(QStringLiteral("reassess_months"), reassessmentMonths);
        a.insert(QStringLiteral("consumption_units"),
                 QJsonObject{{QStringLiteral("first_person"), consumptionUnits.firstAdultMilli / 1000.0},
                             {QStringLiteral("other_persons"), consumptionUnits.otherAdultMilli / 1000.0},
                             {QStringLiteral("children"), consumptionUnits.childMilli / 1000.0},
                             {QStringLiteral("child_under_age"), consumptionUnits.adultAge}});
        break;
    }
    }
    return a;
}

QJsonObject Programme::toJson() const
{
    QJsonArray bonus;
    for (const BonusRule& r : bonusRules) {
        QJsonObject o{{QStringLiteral("label"), r.label},
                      {QStringLiteral("rate_percent"), r.rateBasisPoints / 100.0},
                      {QStringLiteral("valid_from"), r.validFrom.toString(Qt::ISODate)}};
        o.insert(QStringLiteral("monthly_cap_cents"),
                 r.monthlyCapCents ? QJsonValue(double(*r.monthlyCapCents)) : QJsonValue(QJsonValue::Null));
        o.insert(QStringLiteral("valid_to"), r.validTo.isValid() ? QJsonValue(r.validTo.toString(Qt::ISODate))
                                                                 : QJsonValue(QJsonValue::Null));
        bonus.append(o);
    }
    QJsonArray waveArray;
    for (const FollowUpWave& w : waves)
        waveArray.append(QJsonObject{{QStringLiteral("code"), w.code},
                                     {QStringLiteral("offset_days"), w.offsetDays},
                                     {QStringLiteral("tolerance_days"), w.toleranceDays}});
    QJsonObject json{
        {QStringLiteral("format"), QStringLiteral("cabas-programme-1")},
        {QStringLiteral("name"), name},
        {QStringLiteral("starts_on"), startsOn.toString(Qt::ISODate)},
        {QStringLiteral("currency"), currency},
        {QStringLiteral("household_code_prefix"), householdCodePrefix},
        {QStringLiteral("disclosure_threshold"), disclosureThreshold},
        {QStringLiteral("allowance"), allowanceJson()},
        {QStringLiteral("bonus_rules"), bonus},
        {QStringLiteral("waves"), waveArray},
        {QStringLiteral("sustainable_categories"), QJsonArray::fromStringList(sustainableCategories)},
    };
    if (contributions != ContributionRule{})
        json.insert(
            QStringLiteral("contributions"),
            QJsonObject{{QStringLiteral("enabled"), contributions.enabled},
                        {QStringLiteral("currency"), contributions.currency},
                        {QStringLiteral("min_monthly_cents"), double(contributions.minMonthlyCents)},
                        {QStringLiteral("max_monthly_cents"), double(contributions.maxMonthlyCents)}});
    json.insert(QStringLiteral("ends_on"),
                endsOn.isValid() ? QJsonValue(endsOn.toString(Qt::ISODate)) : QJsonValue(QJsonValue::Null));
    return json;
}

} // namespace cabas
