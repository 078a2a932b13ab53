#include "domain/Contribution.h"
#include "common/Error.h"

#include <QJsonDocument>
#include <catch2/catch.hpp>

using namespace cabas;
using namespace Qt::StringLiterals;

namespace {
QJsonObject programmeJson(const QByteArray& contributions)
{
    return QJsonDocument::fromJson(
               R"({"name": "Caisse commune", "starts_on": "2025-01-01", "currency": "MonA",
        "allowance": {"kind": "per_person", "per_person_cents": 10000},
        "waves": [{"code": "M0", "offset_days": 0, "tolerance_days": 30}])" +
               (contributions.isEmpty() ? QByteArray() : ", \"contributions\": " + contributions) + "}")
        .object();
}

QString problems(const QByteArray& contributions)
{
    try {
        Programme::fromJson(programmeJson(contributions), u"p.json"_s);
        return {};
    } catch (const Error& e) {
        UNSCOPED_INFO(e.message().toStdString());
        return e.message();
    }
}
} // namespace

TEST_CASE("contributions: the programme JSON reads, writes and checks the contributions rule",
          "[contributions][programme]")
{
    const Programme p = Programme::fromJson(programmeJson(
        R"({"enabled": true, "currency": "EUR", "min_monthly_cents": 100, "max_monthly_cents": 15000})"));
    CHECK(p.contributions == ContributionRule{true, u"EUR"_s, 100, 15000});
    CHECK(p.currency == u"MonA"_s); // the allowance's currency is another label
    CHECK(Programme::fromJson(p.toJson()) == p);
    // Without the section: off, and the JSON written has none.
    const Programme off = Programme::fromJson(programmeJson({}));
    CHECK_FALSE(off.contributions.enabled);
    CHECK_FALSE(off.toJson().contains(u"contributions"_s));

    CHECK(problems(R"({"enabled": true, "min_monthly_cents": 100})") ==
          u"p.json: contributions.max_monthly_cents: "_s + Programme::tr("is required"));
    CHECK(problems(R"({"enabled": true, "min_monthly_cents": 500, "max_monthly_cents": 100})") ==
          u"p.json: "_s + Programme::tr("contributions.max_monthly_cents: is below min_monthly_cents"));
    CHECK(problems(R"({"enabled": true, "min_monthly_cents": 0, "max_monthly_cents": 100})") ==
          u"p.json: "_s + Programme::tr("contributions.min_monthly_cents: must be at least 1"));
    CHECK(problems(R"({"enabled": true, "currency": "E1", "min_monthly_cents": 1, "max_monthly_cents": 100})")
              .startsWith(u"p.json: contributions.currency:"_s));
    CHECK(problems(R"({"enabled": "yes", "min_monthly_cents": 1, "max_monthly_cents": 100})") ==
          u"p.json: contributions.enabled: "_s + Programme::tr("is required, as true or false"));
    CHECK(problems(R"({"enabled": true, "min": 1, "min_monthly_cents": 1, "max_monthly_cents": 100})") ==
          u"p.json: contributions.min: "_s + Programme::tr("unknown field"));
    CHECK(problems(R"([1])") == u"p.json: contributions: "_s + Programme::tr("must be an object"));
}

namespace {
// Choices and payments with only the fields the rules read (the others stay at their defaults).
cabas::ContributionChoice choiceOf(qint64 id, qint64 household, const QDate& from, qint64 cents,
                                   const QString& currency)
{
    cabas::ContributionChoice c;
    c.id = id;
    c.householdId = household;
    c.fromMonth = from;
    c.monthlyCents = cents;
    c.currency = currency;
    return c;
}

cabas::ContributionPayment paymentOf(qint64 id, qint64 household, const QDate& on, qint64 cents,
                                     const QString& currency)
{
    cabas::ContributionPayment p;
    p.id = id;
    p.householdId = household;
    p.paidOn = on;
    p.amountCents = cents;
    p.currency = currency;
    return p;
}
} // namespace

TEST_CASE("contributions: months, the choice in force and the running balance", "[contributions]")
{
    std::vector<ContributionChoice> choices(3);
    choices[0] = choiceOf(1, 1, QDate(2025, 1, 1), 1000, u"EUR"_s);
    choices[1] = choiceOf(2, 1, QDate(2025, 3, 1), 3000, u"EUR"_s);
    choices[2] = choiceOf(3, 1, QDate(2025, 2, 1), 5000, u"MonA"_s); // another currency: never counted
    std::vector<ContributionPayment> payments(2);
    payments[0] = paymentOf(1, 1, QDate(2025, 1, 31), 1500, u"EUR"_s);
    payments[1] = paymentOf(2, 1, QDate(2025, 2, 1), 999, u"MonA"_s);
    CHECK(contributionChoiceIn(choices, QDate(2024, 12, 1)) == nullptr);
    CHECK(contributionChoiceIn(choices, QDate(2025, 3, 1))->id == 2);
    const auto months =
        contributionMonths(choices, payments, QDate(2025, 1, 20), {}, QDate(2025, 4, 1), u"EUR"_s);
    REQUIRE(months.size() == 4);
    CHECK(months[0].expectedCents == 1000);
    CHECK(months[0].paidCents == 1500);
    CHECK(months[0].balanceCents == -500);
    CHECK(months[1].expectedCents == 1000);
    CHECK(months[1].paidCents == 0);
    CHECK(months[2].expectedCents == 3000);
    CHECK(months[3].balanceCents == -500 + 1000 + 3000 + 3000);
    // Never enrolled: nothing expected, payments still shown.
    const auto candidate = contributionMonths(choices, payments, {}, {}, QDate(2025, 2, 1), u"EUR"_s);
    REQUIRE(candidate.size() == 2);
    CHECK(candidate[0].expectedCents == 0);
    CHECK(candidate[1].balanceCents == -1500);
    CHECK(monthOfIndex(monthIndex(QDate(2025, 12, 31))) == QDate(2025, 12, 1));
}
