#include "services/ReconciliationService.h"
#include "common/Error.h"
#include "core/store/LedgerTestUtil.h"
#include "demo/DemoGenerator.h"
#include "demo/DemoProgramme.h"
#include "services/HouseholdService.h"
#include "services/IncomeService.h"
#include "services/ProgrammeService.h"
#include "sim/SimLedger.h"
#include "store/AuditRepository.h"
#include "store/LedgerRepository.h"
#include "store/ProgrammeRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <catch2/catch.hpp>

using namespace cabas;
using namespace Qt::StringLiterals;
using cabas::test::TempDatabase;

namespace {

struct Fixture
{
    TempDatabase t;
    std::unique_ptr<store::Database> db;
    Session admin;
    int entrySeq = 0;

    explicit Fixture(store::Backend backend)
        : t(backend), db(t.createInitialised()), admin(test::adminSession(*db))
    {
        programme([](Programme&) {});
    }

    // Replaces the programme's rules (starting 2024-06-01, by role 40/20 EUR unless changed by `edit`).
    template <typename Edit> void programme(Edit edit)
    {
        Programme p = Programme::defaults(QDate(2024, 6, 1));
        edit(p);
        const ProgrammeService service(*db, admin);
        const auto current = service.load();
        p.id = current->id;
        p.version = current->version;
        service.save(p);
    }

    qint64 household(const QString& code, const QDate& enrolledOn, const std::vector<QDate>& adults,
                     const std::vector<QDate>& children = {})
    {
        Household h;
        h.code = code;
        h.status = HouseholdStatus::Enrolled;
        h.enrolledOn = enrolledOn;
        store::HouseholdRepository(*db).insert(h);
        int n = 0;
        const auto add = [&](const QDate& birth, PersonRole role) {
            Person p;
            p.householdId = h.id;
            p.code = u"P-%1-%2"_s.arg(code).arg(++n);
            p.firstName = u"Prénom"_s;
            p.lastName = u"Nom"_s;
            p.birthDate = birth;
            p.role = role;
            store::PersonRepository(*db).insert(p);
        };
        for (const QDate& d : adults)
            add(d, PersonRole::Adult);
        for (const QDate& d : children)
            add(d, PersonRole::Child);
        return h.id;
    }

    // A posted entry of `household` (linked by its account) at a time with its offset.
    LedgerEntry entry(const QString& household, const QString& kind, qint64 cents, const QString& at)
    {
        LedgerEntry e = test::ledgerEntry(u"e-%1"_s.arg(++entrySeq), 1, u"C-"_s + household, kind, cents, at);
        e.account = household;
        return e;
    }
    void store(const std::vector<LedgerEntry>& entries)
    {
        store::LedgerRepository(*db).upsertEntries(entries);
    }

    ReconciliationReport reconcile(const QDate& from, const QDate& to, bool bonus = false)
    {
        return ReconciliationService(*db, admin).reconcile(from, to, bonus);
    }
};

std::string lines(const std::vector<CreditDiscrepancy>& list)
{
    QStringList out;
    for (const CreditDiscrepancy& d : list)
        out << u"%1 %2 %3 %4 %5"_s.arg(d.household, d.month.toString(u"yyyy-MM"_s))
                   .arg(d.expectedCents)
                   .arg(d.creditedCents)
                   .arg(toCode(d.problem()));
    return out.join(u"; "_s).toStdString();
}

const QDate kFirstOfJune(2024, 6, 1);

} // namespace

TEST_CASE("reconciliation finds a missing and a duplicated monthly credit", "[reconciliation]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2024, 9, 5), QTime(10, 0), Qt::UTC));
    Fixture f(backend);
    f.household(u"MMG-0001"_s, kFirstOfJune, {QDate(1980, 1, 1), QDate(1982, 1, 1)}, {QDate(2015, 1, 1)});
    f.household(u"MMG-0002"_s, kFirstOfJune, {QDate(1990, 1, 1)});
    f.store({f.entry(u"MMG-0001"_s, u"allowance"_s, 10000, u"2024-06-01T02:00:00+02:00"_s),
             // July: nothing for MMG-0001 (a voided credit does not count)
             f.entry(u"MMG-0001"_s, u"allowance"_s, 10000, u"2024-07-01T02:00:00+02:00"_s),
             f.entry(u"MMG-0001"_s, u"allowance"_s, 10000, u"2024-08-01T02:00:00+02:00"_s),
             // 31 July 22:30 UTC is 1 August in Paris: the same month again
             f.entry(u"MMG-0001"_s, u"allowance"_s, 10000, u"2024-07-31T22:30:00Z"_s),
             f.entry(u"MMG-0002"_s, u"allowance"_s, 4000, u"2024-06-01T02:00:00+02:00"_s),
             f.entry(u"MMG-0002"_s, u"allowance"_s, 4000, u"2024-07-01T02:00:00+02:00"_s),
             f.entry(u"MMG-0002"_s, u"allowance"_s, 4000, u"2024-08-01T02:00:00+02:00"_s)});
    LedgerEntry voided = f.entry(u"MMG-0001"_s, u"allowance"_s, 10000, u"2024-07-01T02:00:00+02:00"_s);
    voided.id = u"e-2"_s;
    voided.revision = 2;
    voided.status = u"voided"_s;
    f.store({voided});

    const ReconciliationReport r = f.reconcile(QDate(2024, 6, 10), QDate(2024, 8, 31));
    CHECK(r.fromMonth == kFirstOfJune);
    CHECK(r.householdMonths == 6);
    CHECK(lines(r.discrepancies) ==
          "MMG-0001 2024-07 10000 0 missing; MMG-0001 2024-08 10000 20000 duplicated");
    const QJsonObject json = r.toJson();
    CHECK(json.keys().join(u";"_s).toStdString() == "discrepancies");
    CHECK(json.value(u"discrepancies"_s).toArray().at(1).toObject() ==
          QJsonObject{{u"household"_s, u"MMG-0001"_s},
                      {u"month"_s, u"2024-08"_s},
                      {u"expected_cents"_s, 10000},
                      {u"credited_cents"_s, 20000}});
    // A month before the household enrolled is expected to be empty: a credit there is listed.
    f.store({f.entry(u"MMG-0002"_s, u"allowance"_s, 4000, u"2024-05-15T12:00:00+02:00"_s)});
    f.programme([](Programme& p) { p.startsOn = QDate(2024, 5, 1); });
    CHECK(lines(f.reconcile(QDate(2024, 5, 1), QDate(2024, 5, 31)).discrepancies) ==
          "MMG-0002 2024-05 0 4000 unexpected");
}

TEST_CASE("reconciliation by role: a child turning 18 counts as an adult from the next month",
          "[reconciliation]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    Fixture f(backend);
    f.household(u"MMG-0001"_s, kFirstOfJune, {QDate(1980, 1, 1)}, {QDate(2006, 7, 15)});
    f.store({f.entry(u"MMG-0001"_s, u"allowance"_s, 6000, u"2024-06-01T02:00:00+02:00"_s),
             f.entry(u"MMG-0001"_s, u"allowance"_s, 6000, u"2024-07-01T02:00:00+02:00"_s),
             f.entry(u"MMG-0001"_s, u"allowance"_s, 6000, u"2024-08-01T02:00:00+02:00"_s)});
    CHECK(lines(f.reconcile(kFirstOfJune, QDate(2024, 8, 31)).discrepancies) ==
          "MMG-0001 2024-08 8000 6000 wrong");
}

TEST_CASE("reconciliation per person and with a prorated first month", "[reconciliation]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    Fixture f(backend);
    f.programme([](Programme& p) {
        p.allowanceKind = AllowanceKind::PerPerson;
        p.perPersonCents = 5000;
    });
    f.household(u"VIT-0001"_s, kFirstOfJune, {QDate(1980, 1, 1), QDate(1981, 1, 1)}, {QDate(2012, 1, 1)});
    f.household(u"VIT-0002"_s, QDate(2024, 6, 16), {QDate(1990, 1, 1)});
    f.store({f.entry(u"VIT-0001"_s, u"allowance"_s, 15000, u"2024-06-01T02:00:00+02:00"_s),
             f.entry(u"VIT-0001"_s, u"allowance"_s, 10000, u"2024-07-01T02:00:00+02:00"_s),
             f.entry(u"VIT-0002"_s, u"allowance"_s, 2500, u"2024-06-16T12:00:00+02:00"_s),
             f.entry(u"VIT-0002"_s, u"allowance"_s, 5000, u"2024-07-01T02:00:00+02:00"_s)});
    // Not prorated: the enrolment month is due in full.
    CHECK(lines(f.reconcile(kFirstOfJune, QDate(2024, 7, 31)).discrepancies) ==
          "VIT-0001 2024-07 15000 10000 wrong; VIT-0002 2024-06 5000 2500 wrong");
    f.programme([](Programme& p) {
        p.allowanceKind = AllowanceKind::PerPerson;
        p.perPersonCents = 5000;
        p.prorateFirstMonth = true; // 15 days of 30
    });
    CHECK(lines(f.reconcile(kFirstOfJune, QDate(2024, 7, 31)).discrepancies) ==
          "VIT-0001 2024-07 15000 10000 wrong");
}

TEST_CASE("reconciliation with income bands follows the re-assessment", "[reconciliation][income]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2024, 8, 20), QTime(10, 0), Qt::UTC));
    Fixture f(backend);
    f.programme([](Programme& p) {
        p.allowanceKind = AllowanceKind::IncomeBands;
        p.incomeBands = {{60000, 10000}, {90000, 7000}, {120000, 4000}, {std::nullopt, 2000}};
        p.reassessmentMonths = 3;
    });
    const qint64 rbs1 =
        f.household(u"RBS-0001"_s, kFirstOfJune, {QDate(1980, 1, 1)}, {QDate(2014, 1, 1)}); // 1.3 units
    f.household(u"RBS-0002"_s, kFirstOfJune, {QDate(1990, 1, 1)});
    const Session anne = test::sessionFor(*f.db, Role::SocialWorker, u"anne"_s);
    const IncomeService incomes(*f.db, anne);
    IncomeAssessment first;
    first.effectiveOn = kFirstOfJune;
    first.monthlyIncomeCents = 70000; // 53,846 a unit: band 1
    const IncomeAssessmentView v1 = incomes.assess(u"RBS-0001"_s, first);
    CHECK(v1.assessment.consumptionUnitsMilli == 1300);
    CHECK(v1.band == 0);
    CHECK(v1.reassessBy == QDate(2024, 9, 1));
    IncomeAssessment second;
    second.effectiveOn = QDate(2024, 8, 1);
    second.incomeFrom = QDate(2024, 5, 1);
    second.incomeTo = QDate(2024, 7, 31);
    second.monthlyIncomeCents = 130000; // 100,000 a unit: band 3
    CHECK(incomes.assess(u"RBS-0001"_s, second).band == 2);
    REQUIRE(incomes.history(u"RBS-0001"_s).size() == 2); // the history stays
    CHECK(incomes.inForce(u"RBS-0001"_s, QDate(2024, 7, 31))->band == 0);
    // The case file's allowance of the month follows the assessment in force.
    CHECK(HouseholdService(*f.db, anne).allowance(rbs1, QDate(2024, 7, 10)).totalCents == 10000);
    CHECK(HouseholdService(*f.db, anne).allowance(rbs1, QDate(2024, 8, 10)).totalCents == 4000);

    f.store({f.entry(u"RBS-0001"_s, u"allowance"_s, 10000, u"2024-06-01T02:00:00+02:00"_s),
             f.entry(u"RBS-0001"_s, u"allowance"_s, 10000, u"2024-07-01T02:00:00+02:00"_s),
             f.entry(u"RBS-0001"_s, u"allowance"_s, 10000, u"2024-08-01T02:00:00+02:00"_s),
             f.entry(u"RBS-0002"_s, u"allowance"_s, 2000, u"2024-06-01T02:00:00+02:00"_s)});
    const ReconciliationReport r = f.reconcile(kFirstOfJune, QDate(2024, 8, 31));
    CHECK(lines(r.discrepancies) == "RBS-0001 2024-08 4000 10000 wrong");
    // RBS-0002 has no assessment: its months have no expected amount and are listed apart.
    REQUIRE(r.unassessed.size() == 3);
    CHECK(r.unassessed[0].household == u"RBS-0002"_s);
    CHECK(r.unassessed[0].creditedCents == 2000);
    CHECK(r.toJson().value(u"unassessed"_s).toArray().size() == 3);
}

TEST_CASE("income assessments: social workers write, coordinators never see an income, audited",
          "[reconciliation][income]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    Fixture f(backend);
    f.household(u"RBS-0001"_s, kFirstOfJune, {QDate(1980, 1, 1)});
    const Session nurse = test::sessionFor(*f.db, Role::Nurse);
    const Session coordinator = test::sessionFor(*f.db, Role::Coordinator);
    const Session anne = test::sessionFor(*f.db, Role::SocialWorker, u"anne"_s);
    IncomeAssessment a;
    a.effectiveOn = kFirstOfJune;
    a.monthlyIncomeCents = 90000;
    try {
        IncomeService(*f.db, nurse).assess(u"RBS-0001"_s, a);
        FAIL("a nurse recorded an income");
    } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::AccessDenied);
    }
    IncomeAssessment bad = a;
    bad.incomeFrom = QDate(2024, 5, 1); // without its end
    CHECK_THROWS_AS(IncomeService(*f.db, anne).assess(u"RBS-0001"_s, bad), Error);
    CHECK_THROWS_AS(IncomeService(*f.db, anne).assess(u"RBS-9999"_s, a), Error);
    CHECK(IncomeService(*f.db, anne).history(u"RBS-0001"_s).empty());
    IncomeService(*f.db, anne).assess(u"RBS-0001"_s, a);
    CHECK(IncomeService(*f.db, nurse).history(u"RBS-0001"_s).at(0).assessment.assessedBy == u"anne"_s);
    try {
        IncomeService(*f.db, coordinator).history(u"RBS-0001"_s);
        FAIL("a coordinator read an income");
    } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::AccessDenied);
    }
    const auto records = store::AuditRepository(*f.db).list({});
    int created = 0, denied = 0;
    for (const auto& r : records) {
        if (r.table != u"income_assessment"_s)
            continue;
        if (r.outcome == u"denied"_s)
            ++denied;
        else if (r.action == u"create"_s)
            ++created;
    }
    CHECK(created == 1);
    CHECK(denied == 2);
    // Never changed: the table refuses updates.
    CHECK_THROWS(f.db->exec(u"UPDATE income_assessment SET monthly_income_cents = 1"_s));
}

TEST_CASE("bonus check: rate, monthly cap and the rule's end date", "[reconciliation][bonus]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    Fixture f(backend);
    f.programme([](Programme& p) {
        p.bonusRules = {{0, u"+50 % capped"_s, 5000, 2500, QDate(2024, 6, 1), QDate(2024, 7, 15)}};
    });
    f.household(u"MMG-0001"_s, kFirstOfJune, {QDate(1980, 1, 1)});
    f.household(u"MMG-0002"_s, kFirstOfJune, {QDate(1980, 1, 1)});
    std::vector<LedgerEntry> entries;
    for (const QString& h : {u"MMG-0001"_s, u"MMG-0002"_s})
        for (const QString& month : {u"06"_s, u"07"_s, u"08"_s})
            entries.push_back(f.entry(h, u"allowance"_s, 4000, u"2024-%1-01T02:00:00+02:00"_s.arg(month)));
    const auto purchase = [&](const QString& h, qint64 cents, const QString& at, qint64 bonus,
                              const QString& bonusAt = QString()) {
        LedgerEntry p = f.entry(h, u"purchase"_s, -cents, at);
        entries.push_back(p);
        if (bonus > 0) {
            LedgerEntry b = f.entry(h, u"bonus"_s, bonus, bonusAt.isEmpty() ? at : bonusAt);
            b.refersTo = p.id;
            entries.push_back(b);
        }
    };
    // MMG-0001: June 30 + 40 EUR at a sustainable shop: 15 + 20 EUR of bonus, capped at 25; the operator
    // paid 35.
    purchase(u"MMG-0001"_s, 3000, u"2024-06-10T10:00:00+02:00"_s, 1500);
    purchase(u"MMG-0001"_s, 4000, u"2024-06-20T10:00:00+02:00"_s, 2000);
    // MMG-0002: the cap respected in June (the bonus of 30 June posted on 2 July counts in June) ...
    purchase(u"MMG-0002"_s, 3000, u"2024-06-10T10:00:00+02:00"_s, 1500);
    purchase(u"MMG-0002"_s, 4000, u"2024-06-30T18:00:00+02:00"_s, 1000, u"2024-07-02T04:00:00+02:00"_s);
    // ... a purchase at a supermarket earns nothing ...
    LedgerEntry hyper = f.entry(u"MMG-0002"_s, u"purchase"_s, -5000, u"2024-07-03T10:00:00+02:00"_s);
    hyper.merchant = test::supermarket();
    entries.push_back(hyper);
    // ... 15 July is the rule's last day; the operator kept paying a bonus on 16 July.
    purchase(u"MMG-0002"_s, 1001, u"2024-07-15T10:00:00+02:00"_s, 500);
    purchase(u"MMG-0002"_s, 2000, u"2024-07-16T10:00:00+02:00"_s, 1000);
    f.store(entries);

    const ReconciliationReport r = f.reconcile(kFirstOfJune, QDate(2024, 8, 31), true);
    CHECK(r.discrepancies.empty());
    CHECK(lines(r.bonusDiscrepancies) == "MMG-0001 2024-06 2500 3500 wrong; MMG-0002 2024-07 500 1500 wrong");
    const QJsonObject json = r.toJson();
    CHECK(json.keys().join(u";"_s).toStdString() == "bonus_discrepancies;discrepancies");
    CHECK(f.reconcile(kFirstOfJune, QDate(2024, 8, 31)).toJson().keys().join(u";"_s).toStdString() ==
          "discrepancies");
}

TEST_CASE("reconciliation access: households by code for ledger readers, counts only for coordinators",
          "[reconciliation]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    Fixture f(backend);
    f.household(u"MMG-0001"_s, kFirstOfJune, {QDate(1980, 1, 1)});
    const Session coordinator = test::sessionFor(*f.db, Role::Coordinator);
    const Session nurse = test::sessionFor(*f.db, Role::Nurse);
    const Session anne = test::sessionFor(*f.db, Role::SocialWorker, u"anne"_s);
    try {
        ReconciliationService(*f.db, coordinator).reconcile(kFirstOfJune, QDate(2024, 6, 30));
        FAIL("a coordinator listed households' credits");
    } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::AccessDenied);
    }
    const ReconciliationReport summary =
        ReconciliationService(*f.db, coordinator).summary(kFirstOfJune, QDate(2024, 6, 30));
    REQUIRE(summary.discrepancies.size() == 1);
    CHECK(summary.discrepancies[0].household.isEmpty());
    CHECK(summary.summaryJson().value(u"allowance"_s).toObject().value(u"missing"_s).toInt() == 1);
    CHECK(
        ReconciliationService(*f.db, anne).reconcile(kFirstOfJune, QDate(2024, 6, 30)).discrepancies.size() ==
        1);
    CHECK(ReconciliationService(*f.db, nurse)
              .reconcile(kFirstOfJune, QDate(2024, 6, 30))
              .discrepancies.size() == 1);
    CHECK_THROWS_AS(ReconciliationService(*f.db, anne).reconcile(QDate(2024, 6, 30), kFirstOfJune), Error);
}

TEST_CASE("the reference feed's credits of the demo schemes reconcile with their rules",
          "[reconciliation][demo]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    const QString scheme = GENERATE(as<QString>(), u"gers"_s, u"vitalim"_s, u"rennes"_s, u"montpellier"_s);
    INFO("scheme " << scheme.toStdString());
    test::ScopedClock clock(QDateTime(QDate(2026, 10, 20), QTime(10, 0), Qt::UTC));
    TempDatabase t(backend);
    auto db = t.createInitialised();
    const Session admin = test::adminSession(*db);
    DemoProgramme::apply(*db, admin, DemoProgramme::scheme(scheme));
    DemoOptions options;
    options.households = 15;
    DemoGenerator::generate(*db, admin, options);
    const Programme programme = *store::ProgrammeRepository(*db).load();
    const sim::SimLedger ledger =
        sim::SimLedger::generate(sim::SimInput::fromDatabase(*db, QDate(2026, 10, 20), 7));
    store::LedgerRepository(*db).upsertEntries(ledger.changes());

    const ReconciliationReport r =
        ReconciliationService(*db, admin).reconcile(programme.startsOn, QDate(2026, 10, 20), true);
    CHECK(r.householdMonths > 100);
    CHECK(lines(r.discrepancies).empty());
    CHECK(r.unassessed.empty());
    // Bonuses too, capped ones included: a voided bonus gives its share of the cap back in the simulator as
    // in the check.
    CHECK(lines(r.bonusDiscrepancies).empty());
}
