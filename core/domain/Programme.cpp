#include "domain/Programme.h"
#include "common/Error.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <cmath>

namespace cabas {

QStringList merchantCategories()
{
    return {QStringLiteral("organic_shop"), QStringLiteral("local_producer"), QStringLiteral("farm_shop"),
            QStringLiteral("market"),       QStringLiteral("grocery"),        QStringLiteral("supermarket"),
            QStringLiteral("other")};
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
                   QStringLiteral("format")});
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
        r.unknownKeys(a, QStringLiteral("allowance"),
                      {QStringLiteral("adult_cents"), QStringLiteral("child_cents"),
                       QStringLiteral("child_adult_age")});
        if (auto v =
                r.integer(a, QStringLiteral("adult_cents"), QStringLiteral("allowance.adult_cents"), true))
            p.adultAllowanceCents = *v;
        if (auto v =
                r.integer(a, QStringLiteral("child_cents"), QStringLiteral("allowance.child_cents"), true))
            p.childAllowanceCents = *v;
        if (auto v = r.integer(a, QStringLiteral("child_adult_age"),
                               QStringLiteral("allowance.child_adult_age"), false))
            p.childAdultAge = int(*v);
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
        {QStringLiteral("allowance"),
         QJsonObject{{QStringLiteral("adult_cents"), double(adultAllowanceCents)},
                     {QStringLiteral("child_cents"), double(childAllowanceCents)},
                     {QStringLiteral("child_adult_age"), childAdultAge}}},
        {QStringLiteral("bonus_rules"), bonus},
        {QStringLiteral("waves"), waveArray},
        {QStringLiteral("sustainable_categories"), QJsonArray::fromStringList(sustainableCategories)},
    };
    json.insert(QStringLiteral("ends_on"),
                endsOn.isValid() ? QJsonValue(endsOn.toString(Qt::ISODate)) : QJsonValue(QJsonValue::Null));
    return json;
}

} // namespace cabas
