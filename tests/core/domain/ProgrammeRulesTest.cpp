#include "domain/ProgrammeRules.h"
#include "common/Error.h"
#include "demo/DemoProgramme.h"
#include "domain/Allowance.h"
#include "domain/Programme.h"

#include <QJsonDocument>
#include <catch2/catch.hpp>

using namespace cabas;
using namespace Qt::StringLiterals;

namespace {
QJsonObject parse(const char* json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

QString errorOf(const QJsonObject& o)
{
    try {
        Programme::fromJson(o, u"prog.json"_s);
    } catch (const Error& e) {
        return e.message();
    }
    return QString();
}

Person member(const QString& code, const QDate& birth, PersonRole role = PersonRole::Adult)
{
    Person p;
    p.code = code;
    p.firstName = u"A"_s;
    p.lastName = u"B"_s;
    p.birthDate = birth;
    p.role = role;
    return p;
}

Programme rennes()
{
    Programme p = Programme::defaults(QDate(2024, 6, 1));
    p.allowanceKind = AllowanceKind::IncomeBands;
    p.adultAllowanceCents = 0;
    p.childAllowanceCents = 0;
    p.incomeBands = {{60000, 10000}, {90000, 7000}, {120000, 4000}, {std::nullopt, 2000}};
    p.reassessmentMonths = 3;
    return p;
}
} // namespace

TEST_CASE("a programme file without an allowance kind keeps its by-role rule", "[programme][rules]")
{
    const Programme p = Programme::fromJson(parse(R"({
        "name": "Ancien", "starts_on": "2024-06-01",
        "allowance": {"adult_cents": 4000, "child_cents": 2000},
        "waves": [{"code": "M0", "offset_days": 0, "tolerance_days": 30}]})"));
    CHECK(p.allowanceKind == AllowanceKind::ByRole);
    CHECK(p.adultAllowanceCents == 4000);
    CHECK_FALSE(p.prorateFirstMonth);
    CHECK(p.toJson().value(u"allowance"_s).toObject().value(u"kind"_s).toString() == u"by_role"_s);
}

TEST_CASE("every allowance kind survives a JSON round trip", "[programme][rules]")
{
    Programme byRole = Programme::defaults(QDate(2024, 6, 1));
    byRole.prorateFirstMonth = true;
    CHECK(Programme::fromJson(byRole.toJson()) == byRole);

    Programme perPerson = Programme::defaults(QDate(2024, 6, 1));
    perPerson.allowanceKind = AllowanceKind::PerPerson;
    perPerson.adultAllowanceCents = 0;
    perPerson.childAllowanceCents = 0;
    perPerson.perPersonCents = 5000;
    CHECK(Programme::fromJson(perPerson.toJson()) == perPerson);

    Programme bands = rennes();
    bands.incomeBandPerPerson = true;
    bands.consumptionUnits.childMilli = 250;
    bands.currency = u"MonA"_s;
    CHECK(Programme::fromJson(bands.toJson()) == bands);
}

TEST_CASE("income-band errors are located", "[programme][rules]")
{
    const QString message = errorOf(parse(R"({
        "name": "Barème", "starts_on": "2024-06-01",
        "allowance": {"kind": "income_bands", "reassess_months": 3, "adult_cents": 1,
                      "bands": [{"up_to_cents": 90000, "amount_cents": 7000}, {"amount_cents": 1}],
                      "consumption_units": {"first_person": "un"}},
        "waves": [{"code": "M0", "offset_days": 0, "tolerance_days": 30}]})"));
    CHECK(message.contains(u"prog.json: allowance.adult_cents"_s));
    CHECK(message.contains(u"prog.json: allowance.bands[1].up_to_cents"_s));
    CHECK(message.contains(u"prog.json: allowance.consumption_units.first_person"_s));
    CHECK(errorOf(parse(R"({"name": "x", "starts_on": "2024-06-01", "allowance": {"kind": "weekly"},
        "waves": [{"code": "M0", "offset_days": 0, "tolerance_days": 30}]})"))
              .contains(u"prog.json: allowance.kind"_s));
    Programme p = rennes();
    p.incomeBands = {{90000, 7000}, {60000, 10000}, {std::nullopt, 0}};
    CHECK(p.validate().join(u"\n"_s).contains(u"allowance.bands[1].up_to_cents"_s));
    p.incomeBands = {{90000, 7000}};
    CHECK(p.validate().join(u"\n"_s).contains(u"allowance.bands[0].up_to_cents"_s));
}

TEST_CASE("allowance by role: a child turning 18 in the month is a child until the next month",
          "[programme][rules]")
{
    const Programme p = Programme::defaults(QDate(2024, 6, 1));
    const std::vector<Person> members = {member(u"P-1"_s, QDate(1980, 3, 2)),
                                         member(u"P-2"_s, QDate(2006, 7, 15), PersonRole::Child)};
    CHECK(monthlyAllowance(p, members, QDate(2024, 7, 31)).totalCents == 6000);
    CHECK(monthlyAllowance(p, members, QDate(2024, 8, 1)).totalCents == 8000);
}

TEST_CASE("allowance per person counts every member present on the first day", "[programme][rules]")
{
    Programme p = Programme::defaults(QDate(2024, 6, 1));
    p.allowanceKind = AllowanceKind::PerPerson;
    p.perPersonCents = 5000;
    std::vector<Person> members = {member(u"P-1"_s, QDate(1980, 3, 2)),
                                   member(u"P-2"_s, QDate(2015, 1, 1), PersonRole::Child)};
    Person baby = member(u"P-3"_s, QDate(2024, 7, 10), PersonRole::Child);
    baby.arrivedOn = QDate(2024, 7, 10);
    members.push_back(baby);
    CHECK(monthlyAllowance(p, members, QDate(2024, 7, 1)).totalCents == 10000);
    CHECK(monthlyAllowance(p, members, QDate(2024, 8, 1)).totalCents == 15000);
}

TEST_CASE("consumption units follow the modified OECD scale and give the income band", "[programme][rules]")
{
    const Programme p = rennes();
    const std::vector<Person> members = {member(u"P-1"_s, QDate(1980, 3, 2)),
                                         member(u"P-2"_s, QDate(1982, 3, 2)),
                                         member(u"P-3"_s, QDate(2009, 1, 1), PersonRole::Child),
                                         member(u"P-4"_s, QDate(2016, 1, 1), PersonRole::Child)};
    // 1 + 0.5 (second adult) + 0.5 (15 years old) + 0.3 (8 years old)
    CHECK(consumptionUnitsMilli(p.consumptionUnits, members, QDate(2024, 6, 1)) == 2300);
    // The 13-year-old counted at 0.3 before her 14th birthday.
    CHECK(consumptionUnitsMilli(p.consumptionUnits, members, QDate(2022, 12, 31)) == 2100);
    IncomeAssessment a;
    a.monthlyIncomeCents = 184000;
    a.consumptionUnitsMilli = 2300;
    CHECK(a.incomePerUnitCents() == 80000);
    CHECK(p.incomeBandFor(a.incomePerUnitCents()) == 1);
    CHECK(monthlyAllowance(p, members, QDate(2024, 6, 1), &a).totalCents == 7000);
    CHECK(monthlyAllowance(p, members, QDate(2024, 6, 1)).needsAssessment);
    CHECK(p.incomeBandFor(60000) == 0);
    CHECK(p.incomeBandFor(60001) == 1);
    CHECK(p.incomeBandFor(5000000) == 3);
}

TEST_CASE("the first month is prorated by the days left and a bonus takes the first valid rule",
          "[programme][rules]")
{
    CHECK(proratedCents(4000, QDate(2024, 6, 16)) == 2000);
    CHECK(proratedCents(4000, QDate(2024, 6, 1)) == 4000);
    CHECK(proratedCents(10000, QDate(2024, 2, 29)) == 344); // 1 day of 29
    Programme p = Programme::defaults(QDate(2024, 6, 1));
    p.bonusRules = {{0, u"+50 %"_s, 5000, 2500, QDate(2024, 6, 1), QDate(2024, 6, 30)}};
    int rule = -2;
    CHECK(purchaseBonusCents(p, 1255, QDate(2024, 6, 30), &rule) == 627);
    CHECK(rule == 0);
    CHECK(purchaseBonusCents(p, 1255, QDate(2024, 7, 1), &rule) == 0);
    CHECK(rule == -1);
}

TEST_CASE("the four demo schemes are valid programmes of their kind", "[programme][rules][demo]")
{
    REQUIRE(DemoProgramme::schemes().size() == 4);
    const Programme gers = DemoProgramme::scheme(u"gers"_s);
    CHECK(gers.allowanceKind == AllowanceKind::ByRole);
    CHECK(gers.bonusRules.at(0).validTo == QDate(2025, 1, 31));
    const Programme vitalim = DemoProgramme::scheme(u"vitalim"_s);
    CHECK(vitalim.allowanceKind == AllowanceKind::PerPerson);
    CHECK(vitalim.bonusRules.at(0).monthlyCapCents == 2500);
    const Programme rennesScheme = DemoProgramme::scheme(u"rennes"_s);
    CHECK(rennesScheme.allowanceKind == AllowanceKind::IncomeBands);
    CHECK(rennesScheme.reassessmentMonths == 3);
    const Programme montpellier = DemoProgramme::scheme(u"montpellier"_s);
    CHECK(montpellier.currency == u"MonA"_s);
    CHECK_THROWS_AS(DemoProgramme::scheme(u"paris"_s), Error);
}
