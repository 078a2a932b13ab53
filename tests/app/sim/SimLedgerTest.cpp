#include "sim/SimLedger.h"

#include "cli/Cli.h"
#include "common/Clock.h"
#include "common/Error.h"
#include "demo/DemoGenerator.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <catch2/catch.hpp>
#include <map>
#include <set>

using namespace cabas;

TEST_CASE("sim ledger: deterministic by seed, every kind and status, consistent links", "[sim]")
{
    const sim::SimInput input = sim::SimInput::standalone(40, QDate(2025, 5, 31), 42);
    const sim::SimLedger a = sim::SimLedger::generate(input);
    const sim::SimLedger b = sim::SimLedger::generate(input);
    REQUIRE(a.changes().size() == b.changes().size());
    for (std::size_t i = 0; i < a.changes().size(); ++i)
        REQUIRE(sim::SimLedger::toJson(a.changes()[i]) == sim::SimLedger::toJson(b.changes()[i]));
    const sim::SimLedger other =
        sim::SimLedger::generate(sim::SimInput::standalone(40, QDate(2025, 5, 31), 43));
    CHECK(other.changes().size() != a.changes().size());

    std::set<QString> kinds;
    std::set<QString> statuses;
    std::map<QString, qint64> lastRevision;
    for (const LedgerEntry& e : a.changes()) {
        kinds.insert(e.kind);
        statuses.insert(e.status);
        // Revisions of an entry come in order, one step at a time.
        CHECK(e.revision == lastRevision[e.id] + 1);
        lastRevision[e.id] = e.revision;
        CHECK(e.occurredAt.date() <= QDate(2025, 5, 31));
        if (e.kind == QLatin1String("purchase") || e.kind == QLatin1String("refund"))
            CHECK(e.merchant.has_value());
    }
    for (const char* k : {"allowance", "purchase", "bonus", "refund", "transfer"})
        CHECK(kinds.count(QString::fromLatin1(k)) == 1);
    CHECK(statuses ==
          std::set<QString>{QStringLiteral("pending"), QStringLiteral("posted"), QStringLiteral("voided")});

    const auto state = a.finalState();
    std::map<QString, qint64> transfers; // per card
    qint64 transferSum = 0;
    for (const auto& [id, e] : state) {
        if (!e.refersTo.isEmpty())
            CHECK(state.count(e.refersTo) == 1);
        if (e.kind == QLatin1String("bonus"))
            CHECK(state.at(e.refersTo).merchant->sustainable);
        if (e.kind == QLatin1String("transfer"))
            transferSum += e.amountCents;
        if (e.kind == QLatin1String("allowance"))
            CHECK(e.amountCents % 2000 == 0); // 40 EUR per adult, 20 per child
    }
    CHECK(transferSum == 0); // the pairs net out
    // A lost card was re-issued: the new one replaces it.
    const auto reissued = std::find_if(a.cards().begin(), a.cards().end(),
                                       [](const FeedCard& c) { return !c.replaces.isEmpty(); });
    REQUIRE(reissued != a.cards().end());
}

TEST_CASE("sim ledger: from a Cabas database, its households' cards and composition", "[sim]")
{
    test::TempDatabase t(store::Backend::Sqlite);
    t.createInitialised();
    const QString pw = QDir(t.dir()).filePath(QStringLiteral("pw"));
    test::writeFile(pw, QByteArray(test::TempDatabase::kAdminPassword) + '\n');
    QString outText, errText;
    QTextStream out(&outText), err(&errText);
    REQUIRE(cli::run({QStringLiteral("--db"), t.url(), QStringLiteral("--user"), QStringLiteral("admin"),
                      QStringLiteral("--password-file"), pw, QStringLiteral("demo"),
                      QStringLiteral("--households"), QStringLiteral("12")},
                     out, err) == 0);
    const auto db = t.open();
    const QDate until = QDate::currentDate();
    const sim::SimInput input = sim::SimInput::fromDatabase(*db, until, 1);
    CHECK_FALSE(input.households.empty());
    const sim::SimLedger ledger = sim::SimLedger::generate(input);
    CHECK_FALSE(ledger.changes().empty());
    std::set<QString> codes;
    for (const auto& h : input.households)
        codes.insert(h.code);
    for (const LedgerEntry& e : ledger.changes())
        if (!e.account.isEmpty())
            CHECK(codes.count(e.account) == 1);
}

TEST_CASE("sim ledger: a sealed database is read with a login's keys, and refused without", "[sim][sealed]")
{
    test::TempDatabase t(store::Backend::Sqlite);
    auto db = t.createSealed();
    const Session admin = test::adminSession(*db);
    DemoOptions options;
    options.households = 8;
    DemoGenerator::generate(*db, admin, options);
    const QDate until = QDate::currentDate();
    try {
        sim::SimInput::fromDatabase(*db, until, 1);
        FAIL("a sealed database was read without keys");
    } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::AccessDenied);
    }
    const sim::SimInput input = sim::SimInput::fromDatabase(*db, until, 1, admin.keys.get());
    REQUIRE(input.households.size() == 8);
    std::size_t members = 0;
    for (const auto& h : input.households) {
        members += h.members.size();
        for (const Person& p : h.members)
            CHECK(p.birthDate.isValid());
    }
    CHECK(members > 8);
    CHECK_FALSE(sim::SimLedger::generate(input).changes().empty());
}

TEST_CASE("sim feed: paging, token, errors in the contract's shape", "[sim]")
{
    sim::SimFeed feed(sim::SimLedger::generate(sim::SimInput::standalone(3, QDate(2025, 5, 31), 1)),
                      QStringLiteral("t"), {}, 1);
    const QMap<QString, QString> q{{QStringLiteral("limit"), QStringLiteral("10")}};
    sim::SimResponse r =
        feed.handle(QStringLiteral("GET"), QStringLiteral("/v1/entries"), q, QStringLiteral("Bearer t"));
    CHECK(r.status == 200);
    const QJsonObject page = QJsonDocument::fromJson(r.body).object();
    CHECK(page.value(QStringLiteral("entries")).toArray().size() == 10);
    CHECK(page.value(QStringLiteral("has_more")).toBool());
    r = feed.handle(QStringLiteral("GET"), QStringLiteral("/v1/entries"), q, QStringLiteral("Bearer x"));
    CHECK(r.status == 401);
    CHECK(QJsonDocument::fromJson(r.body)
              .object()
              .value(QStringLiteral("error"))
              .toObject()
              .value(QStringLiteral("code")) == QStringLiteral("unauthorized"));
    r = feed.handle(QStringLiteral("GET"), QStringLiteral("/v1/entries"),
                    {{QStringLiteral("limit"), QStringLiteral("0")}}, QStringLiteral("Bearer t"));
    CHECK(r.status == 400);
    r = feed.handle(QStringLiteral("GET"), QStringLiteral("/v2/entries"), q, QStringLiteral("Bearer t"));
    CHECK(r.status == 404);
}

TEST_CASE("sim ledger: a ledger generated later continues the earlier one (same ids, same first changes)",
          "[sim]")
{
    const sim::SimLedger before =
        sim::SimLedger::generate(sim::SimInput::standalone(15, QDate(2025, 3, 12), 9));
    sim::SimInput laterInput = sim::SimInput::standalone(15, QDate(2025, 3, 12), 9);
    laterInput.until = QDate(2025, 4, 20);
    const sim::SimLedger later = sim::SimLedger::generate(laterInput);
    REQUIRE(later.changes().size() > before.changes().size());
    int differ = 0;
    for (std::size_t i = 0; i < before.changes().size(); ++i)
        if (sim::SimLedger::toJson(before.changes()[i]) != sim::SimLedger::toJson(later.changes()[i]))
            ++differ;
    CHECK(differ == 0);
}

TEST_CASE("sim ledger: a voided bonus gives its share of the month's cap back", "[sim][bonus]")
{
    // The bonus check (ReconciliationService) caps, per household, month and rule, the bonuses of the posted
    // sustainable purchases; the simulator must credit exactly that, also when a capped month's purchase (and
    // its bonus) is voided later. Before the fix, the voided bonus kept its share of the cap and the
    // purchases after it got too little.
    int cappedMonthsWithAVoid = 0;
    for (quint64 seed = 1; seed <= 6; ++seed) {
        INFO("seed " << seed);
        const sim::SimInput input = sim::SimInput::standalone(80, QDate(2025, 5, 31), seed);
        REQUIRE(input.programme.bonusRules.size() == 1);
        const BonusRule& rule = input.programme.bonusRules.front();
        REQUIRE(rule.monthlyCapCents);
        const auto state = sim::SimLedger::generate(input).finalState();
        using Key = std::pair<QString, int>; // account, yyyymm of the purchase
        const auto keyOf = [](const LedgerEntry& purchase) {
            const QDate d = Clock::localDate(purchase.occurredAt);
            return Key{purchase.account, d.year() * 100 + d.month()};
        };
        std::map<Key, qint64> earned, credited;
        std::set<Key> voided;
        for (const auto& [id, e] : state) {
            if (e.account.isEmpty())
                continue; // a card whose account the operator does not give: not a household's yet
            if (e.kind == QLatin1String("purchase") && e.status == QLatin1String("posted") &&
                e.merchant->sustainable && rule.appliesOn(Clock::localDate(e.occurredAt)))
                earned[keyOf(e)] += -e.amountCents * rule.rateBasisPoints / 10000;
            if (e.kind == QLatin1String("bonus")) {
                const LedgerEntry& purchase = state.at(e.refersTo);
                if (e.status == QLatin1String("posted"))
                    credited[keyOf(purchase)] += e.amountCents;
                else if (e.status == QLatin1String("voided"))
                    voided.insert(keyOf(purchase));
            }
        }
        for (const auto& [key, cents] : earned) {
            INFO(key.first.toStdString() << " " << key.second);
            const qint64 expected = std::min(cents, *rule.monthlyCapCents);
            CHECK(credited[key] == expected);
            if (voided.count(key) && expected == *rule.monthlyCapCents)
                ++cappedMonthsWithAVoid;
        }
        for (const auto& [key, cents] : credited)
            CHECK(earned.count(key) == 1);
    }
    CHECK(cappedMonthsWithAVoid > 0); // the case the fix is about did occur
}
