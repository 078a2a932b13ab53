#include "domain/Programme.h"
#include "common/Error.h"
#include "support/TestUtil.h"

#include <QJsonDocument>
#include <catch2/catch.hpp>

using namespace cabas;

namespace {
QJsonObject parse(const char* json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

QString errorOf(const QJsonObject& o)
{
    try {
        Programme::fromJson(o, QStringLiteral("prog.json"));
    } catch (const Error& e) {
        return e.message();
    }
    return QString();
}
} // namespace

TEST_CASE("the default programme is the one the issue describes", "[programme]")
{
    const Programme p = Programme::defaults(QDate(2026, 11, 23));
    CHECK(p.adultAllowanceCents == 4000);
    CHECK(p.childAllowanceCents == 2000);
    CHECK(p.disclosureThreshold == 11);
    CHECK(p.startsOn == QDate(2026, 11, 1));
    REQUIRE(p.waves.size() == 4);
    CHECK(p.waves[0].code == QStringLiteral("M0"));
    CHECK(p.waves[3].code == QStringLiteral("M18"));
    CHECK(p.validate().isEmpty());
}

TEST_CASE("a programme survives a JSON round trip", "[programme]")
{
    Programme p = Programme::defaults(QDate(2024, 6, 1));
    p.name = QStringLiteral("Mieux Man'Gers pour Tous");
    BonusRule bonus;
    bonus.label = QStringLiteral("Bonus bio et local");
    bonus.rateBasisPoints = 5000;
    bonus.monthlyCapCents = 2500;
    bonus.validFrom = QDate(2024, 6, 1);
    bonus.validTo = QDate(2025, 1, 31);
    p.bonusRules.push_back(bonus);
    const Programme back = Programme::fromJson(p.toJson());
    CHECK(back == p);
}

TEST_CASE("programme JSON errors are located and all reported", "[programme]")
{
    const QString message = errorOf(parse(R"({
        "name": "Test", "starts_on": "2024-13-01",
        "allowance": {"adult_cents": 40.5, "child_cents": 2000},
        "bonus_rules": [{"label": "b", "rate_percent": "50", "valid_from": "2024-06-01"}],
        "waves": [{"code": "M0", "offset_days": 0, "tolerance_days": 30}, {"code": "M6", "tolerance_days": 30}],
        "colour": "blue"
    })"));
    INFO(message.toStdString());
    CHECK(message.contains(QStringLiteral("prog.json: starts_on:")));
    CHECK(message.contains(QStringLiteral("prog.json: allowance.adult_cents:")));
    CHECK(message.contains(QStringLiteral("prog.json: bonus_rules[0].rate_percent:")));
    CHECK(message.contains(QStringLiteral("prog.json: waves[1].offset_days:")));
    CHECK(message.contains(QStringLiteral("prog.json: colour:")));
}

TEST_CASE("programme rules are validated", "[programme]")
{
    Programme p = Programme::defaults(QDate(2024, 6, 1));
    p.endsOn = QDate(2024, 1, 1);
    p.waves.push_back({QStringLiteral("M6"), 10, 5});
    p.sustainableCategories << QStringLiteral("casino");
    p.currency = QStringLiteral("€");
    const QString problems = p.validate().join(QLatin1Char('\n'));
    CHECK(problems.contains(QStringLiteral("ends_on")));
    CHECK(problems.contains(QStringLiteral("waves[4].code")));
    CHECK(problems.contains(QStringLiteral("waves[4].offset_days")));
    CHECK(problems.contains(QStringLiteral("casino")));
    CHECK(problems.contains(QStringLiteral("currency")));
}

TEST_CASE("a bonus rule applies within its validity period", "[programme]")
{
    BonusRule r;
    r.validFrom = QDate(2024, 6, 1);
    r.validTo = QDate(2025, 1, 31);
    CHECK_FALSE(r.appliesOn(QDate(2024, 5, 31)));
    CHECK(r.appliesOn(QDate(2024, 6, 1)));
    CHECK(r.appliesOn(QDate(2025, 1, 31)));
    CHECK_FALSE(r.appliesOn(QDate(2025, 2, 1)));
    r.validTo = QDate();
    CHECK(r.appliesOn(QDate(2030, 1, 1)));
}
