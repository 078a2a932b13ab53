#include "ledger/FeedParser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <catch2/catch.hpp>

using namespace cabas;
using namespace cabas::ledger;

namespace {

QJsonObject validEntry(const QString& id = QStringLiteral("e-0000123"))
{
    return QJsonObject{
        {QStringLiteral("id"), id},
        {QStringLiteral("revision"), 2},
        {QStringLiteral("card"), QStringLiteral("C-0042")},
        {QStringLiteral("account"), QStringLiteral("MMG-0042")},
        {QStringLiteral("kind"), QStringLiteral("purchase")},
        {QStringLiteral("status"), QStringLiteral("posted")},
        {QStringLiteral("amount_cents"), -1250},
        {QStringLiteral("currency"), QStringLiteral("EUR")},
        {QStringLiteral("occurred_at"), QStringLiteral("2024-06-30T23:05:00+02:00")},
        {QStringLiteral("merchant"), QJsonObject{{QStringLiteral("id"), QStringLiteral("M-01")},
                                                 {QStringLiteral("name"), QStringLiteral("Biocoop Auch")},
                                                 {QStringLiteral("category"), QStringLiteral("organic_shop")},
                                                 {QStringLiteral("sustainable"), true}}},
        {QStringLiteral("refers_to"), QJsonValue()}};
}

QByteArray entriesPage(const QJsonArray& entries, const QJsonValue& next = QStringLiteral("cur-2"),
                       const QJsonValue& hasMore = true)
{
    QJsonObject page{{QStringLiteral("entries"), entries}};
    if (!next.isUndefined())
        page.insert(QStringLiteral("next_cursor"), next);
    if (!hasMore.isUndefined())
        page.insert(QStringLiteral("has_more"), hasMore);
    return QJsonDocument(page).toJson(QJsonDocument::Compact);
}

QJsonObject validCard()
{
    return QJsonObject{{QStringLiteral("id"), QStringLiteral("C-0043")},
                       {QStringLiteral("account"), QStringLiteral("MMG-0042")},
                       {QStringLiteral("status"), QStringLiteral("active")},
                       {QStringLiteral("issued_on"), QStringLiteral("2024-09-12")},
                       {QStringLiteral("replaces"), QStringLiteral("C-0042")}};
}

QByteArray cardsPage(const QJsonArray& cards)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("cards"), cards},
                                     {QStringLiteral("next_cursor"), QStringLiteral("k")},
                                     {QStringLiteral("has_more"), false}})
        .toJson(QJsonDocument::Compact);
}

// Parses and returns the error; fails the test when the page is accepted.
FeedParseError entriesError(const QByteArray& json)
{
    try {
        FeedParser::parseEntries(json);
    } catch (const FeedParseError& e) {
        return e;
    }
    FAIL("the page was accepted: " << json.toStdString());
    throw 0;
}

FeedParseError cardsError(const QByteArray& json)
{
    try {
        FeedParser::parseCards(json);
    } catch (const FeedParseError& e) {
        return e;
    }
    FAIL("the page was accepted: " << json.toStdString());
    throw 0;
}

} // namespace

TEST_CASE("feed parser: a valid entries page", "[ledger][feed]")
{
    QJsonObject second = validEntry(QStringLiteral("e-0000124"));
    second.insert(QStringLiteral("kind"), QStringLiteral("allowance"));
    second.insert(QStringLiteral("amount_cents"), 8000);
    second.insert(QStringLiteral("account"), QJsonValue());
    second.remove(QStringLiteral("merchant"));
    second.insert(QStringLiteral("some_future_field"), QJsonArray{1, 2}); // ignored
    QJsonObject third = validEntry(QStringLiteral("e-0000125"));
    third.insert(QStringLiteral("kind"), QStringLiteral("cashback")); // unknown kind: kept as it is
    third.insert(QStringLiteral("amount_cents"), 150);
    third.insert(QStringLiteral("refers_to"), QStringLiteral("e-0000123"));

    const EntryPage page = FeedParser::parseEntries(entriesPage({validEntry(), second, third}));
    REQUIRE(page.entries.size() == 3);
    CHECK(page.nextCursor == QStringLiteral("cur-2"));
    CHECK(page.hasMore);
    const LedgerEntry& e = page.entries[0];
    CHECK(e.id == QStringLiteral("e-0000123"));
    CHECK(e.revision == 2);
    CHECK(e.card == QStringLiteral("C-0042"));
    CHECK(e.account == QStringLiteral("MMG-0042"));
    CHECK(e.kind == QStringLiteral("purchase"));
    CHECK(e.status == QStringLiteral("posted"));
    CHECK(e.amountCents == -1250);
    CHECK(e.currency == QStringLiteral("EUR"));
    CHECK(e.occurredAt.toUTC() == QDateTime(QDate(2024, 6, 30), QTime(21, 5), Qt::UTC));
    REQUIRE(e.merchant);
    CHECK(e.merchant->name == QStringLiteral("Biocoop Auch"));
    CHECK(e.merchant->category == QStringLiteral("organic_shop"));
    CHECK(e.merchant->sustainable);
    CHECK(e.refersTo.isEmpty());
    CHECK(page.entries[1].account.isEmpty());
    CHECK_FALSE(page.entries[1].merchant);
    CHECK(page.entries[2].kind == QStringLiteral("cashback"));
    CHECK(page.entries[2].refersTo == QStringLiteral("e-0000123"));

    const EntryPage empty = FeedParser::parseEntries(entriesPage({}, QStringLiteral("end"), false));
    CHECK(empty.entries.empty());
    CHECK_FALSE(empty.hasMore);
}

TEST_CASE("feed parser: each missing required entry field makes the page invalid, naming the entry and field",
          "[ledger][feed]")
{
    const QString field =
        QString::fromLatin1(GENERATE(as<const char*>{}, "revision", "card", "kind", "status", "amount_cents",
                                     "currency", "occurred_at", "merchant"));
    QJsonObject broken = validEntry(QStringLiteral("e-0000777"));
    broken.remove(field);
    INFO("field: " << field.toStdString());
    // A good entry before the broken one: nothing of the page is returned.
    const FeedParseError e = entriesError(entriesPage({validEntry(), broken}));
    CHECK(e.itemId() == QStringLiteral("e-0000777"));
    CHECK(e.field() == field);
    CHECK(e.kind() == Error::Kind::Invalid);
    CHECK(e.message().contains(QStringLiteral("e-0000777")));
    CHECK(e.message().contains(field));
}

TEST_CASE("feed parser: an entry without an id is named by its place", "[ledger][feed]")
{
    QJsonObject broken = validEntry();
    broken.remove(QStringLiteral("id"));
    const FeedParseError e = entriesError(entriesPage({validEntry(), broken}));
    CHECK(e.itemId() == QStringLiteral("#2"));
    CHECK(e.field() == QStringLiteral("id"));
}

TEST_CASE("feed parser: each wrong type makes the page invalid, naming the entry and field", "[ledger][feed]")
{
    struct Case
    {
        const char* field;
        QJsonValue value;
    };
    const auto c = GENERATE(values<Case>({
        {"id", 123},
        {"revision", QStringLiteral("2")},
        {"revision", 2.5},
        {"revision", 0},
        {"card", QJsonValue()},
        {"account", 42},
        {"kind", true},
        {"status", QStringLiteral("settled")},
        {"status", 1},
        {"amount_cents", QStringLiteral("-12.50")},
        {"amount_cents", -12.5},
        {"amount_cents", 1250}, // a purchase must be negative
        {"currency", QJsonArray{}},
        {"occurred_at", QStringLiteral("30/06/2024 23:05")},
        {"occurred_at", 1719781500},
        {"merchant", QStringLiteral("Biocoop Auch")},
        {"refers_to", QJsonObject{}},
    }));
    QJsonObject broken = validEntry(QStringLiteral("e-0000888"));
    broken.insert(QString::fromLatin1(c.field), c.value);
    INFO("field: " << c.field << " = " << QJsonDocument(QJsonArray{c.value}).toJson().toStdString());
    const FeedParseError e = entriesError(entriesPage({broken}));
    CHECK(e.itemId() == (QLatin1String(c.field) == QLatin1String("id") ? QStringLiteral("#1")
                                                                       : QStringLiteral("e-0000888")));
    CHECK(e.field() == QString::fromLatin1(c.field));
    CHECK(e.message().contains(QString::fromLatin1(c.field)));
}

TEST_CASE("feed parser: the merchant's fields are checked too", "[ledger][feed]")
{
    const QString field =
        QString::fromLatin1(GENERATE(as<const char*>{}, "id", "name", "category", "sustainable"));
    QJsonObject broken = validEntry(QStringLiteral("e-0000999"));
    QJsonObject merchant = broken.value(QStringLiteral("merchant")).toObject();
    SECTION("missing")
    {
        merchant.remove(field);
    }
    SECTION("wrong type")
    {
        merchant.insert(field, field == QLatin1String("sustainable") ? QJsonValue(1) : QJsonValue(true));
    }
    broken.insert(QStringLiteral("merchant"), merchant);
    const FeedParseError e = entriesError(entriesPage({broken}));
    CHECK(e.itemId() == QStringLiteral("e-0000999"));
    CHECK(e.field() == QStringLiteral("merchant.") + field);
}

TEST_CASE("feed parser: the page's own fields", "[ledger][feed]")
{
    CHECK(entriesError(entriesPage({validEntry()}, QJsonValue::Undefined)).field() ==
          QStringLiteral("next_cursor"));
    CHECK(entriesError(entriesPage({validEntry()}, 12)).field() == QStringLiteral("next_cursor"));
    CHECK(entriesError(entriesPage({validEntry()}, QStringLiteral("c"), QJsonValue::Undefined)).field() ==
          QStringLiteral("has_more"));
    CHECK(entriesError(entriesPage({validEntry()}, QStringLiteral("c"), QStringLiteral("yes"))).field() ==
          QStringLiteral("has_more"));
    CHECK(entriesError(R"({"next_cursor": "c", "has_more": false})").field() == QStringLiteral("entries"));
    CHECK(entriesError(R"({"entries": {}, "next_cursor": "c", "has_more": false})").field() ==
          QStringLiteral("entries"));
    CHECK(entriesError(R"({"entries": [3], "next_cursor": "c", "has_more": false})").itemId() ==
          QStringLiteral("#1"));
    CHECK_THROWS_AS(FeedParser::parseEntries("{\"entries\": [{\"id\": "), FeedParseError);
    CHECK_THROWS_AS(FeedParser::parseEntries("[]"), FeedParseError);
}

TEST_CASE("feed parser: cards", "[ledger][feed]")
{
    QJsonObject first = validCard();
    first.insert(QStringLiteral("id"), QStringLiteral("C-0042"));
    first.insert(QStringLiteral("replaces"), QJsonValue());
    first.insert(QStringLiteral("account"), QJsonValue());
    first.insert(QStringLiteral("status"), QStringLiteral("lost"));
    const CardPage page = FeedParser::parseCards(cardsPage({first, validCard()}));
    REQUIRE(page.cards.size() == 2);
    CHECK(page.cards[0].account.isEmpty());
    CHECK(page.cards[0].status == QStringLiteral("lost"));
    CHECK(page.cards[1].replaces == QStringLiteral("C-0042"));
    CHECK(page.cards[1].issuedOn == QDate(2024, 9, 12));
    CHECK_FALSE(page.hasMore);

    const QString field = QString::fromLatin1(GENERATE(as<const char*>{}, "status", "issued_on"));
    QJsonObject missing = validCard();
    missing.remove(field);
    FeedParseError e = cardsError(cardsPage({missing}));
    CHECK(e.itemId() == QStringLiteral("C-0043"));
    CHECK(e.field() == field);
    QJsonObject wrong = validCard();
    wrong.insert(field, QStringLiteral("someday"));
    e = cardsError(cardsPage({wrong}));
    CHECK(e.itemId() == QStringLiteral("C-0043"));
    CHECK(e.field() == field);
}
