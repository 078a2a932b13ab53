#include "services/ContributionService.h"
#include "cohort/CohortService.h"
#include "common/Error.h"
#include "services/ProgrammeService.h"
#include "store/AuditRepository.h"
#include "store/CohortQueries.h"
#include "store/ContributionRepository.h"
#include "store/HouseholdRepository.h"
#include "store/PgRoles.h"
#include "store/ProgrammeRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
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
    Session worker;

    explicit Fixture(store::Backend backend, bool enabled = true)
        : t(backend), db(t.createInitialised()), admin(test::adminSession(*db)),
          worker(test::sessionFor(*db, Role::SocialWorker, u"anne"_s))
    {
        Programme p = *store::ProgrammeRepository(*db).load();
        p.startsOn = QDate(2024, 1, 1);
        p.currency = u"MonA"_s;
        p.contributions = {enabled, u"EUR"_s, 100, 15000};
        ProgrammeService(*db, admin).save(p);
    }

    qint64 household(const QString& code, const QDate& enrolledOn, const QDate& exitedOn = {},
                     const QString& commune = u"Montpellier"_s)
    {
        Household h;
        h.code = code;
        h.status = HouseholdStatus::Enrolled;
        h.enrolledOn = enrolledOn;
        h.exitedOn = exitedOn;
        h.commune = commune;
        store::HouseholdRepository(*db).insert(h);
        return h.id;
    }

    ContributionService service(const Session& s) const { return ContributionService(*db, s); }
    qint64 auditCount(const QString& outcome) const
    {
        QSqlQuery q = db->exec(u"SELECT COUNT(*) FROM audit_log WHERE table_name LIKE 'contribution%' AND "
                               u"outcome = ?"_s,
                               {outcome});
        q.next();
        return q.value(0).toLongLong();
    }
};

std::string months(const ContributionAccount& a)
{
    QStringList out;
    for (const ContributionMonth& m : a.months)
        out << u"%1 %2/%3 %4"_s.arg(m.month.toString(u"yyyy-MM"_s))
                   .arg(m.expectedCents)
                   .arg(m.paidCents)
                   .arg(m.balanceCents);
    return out.join(u"; "_s).toStdString();
}

} // namespace

TEST_CASE("contributions: a change of amount applies from its month and arrears follow it", "[contributions]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2024, 6, 20), QTime(10, 0), Qt::UTC));
    Fixture f(backend);
    f.household(u"MMG-0001"_s, QDate(2024, 2, 15));
    const ContributionService s = f.service(f.worker);
    // Chosen from January (before enrolment: nothing is expected before February), 10 EUR; 25 EUR from April.
    s.choose(u"MMG-0001"_s, 1000, u"EUR"_s, QDate(2024, 1, 1));
    s.choose(u"MMG-0001"_s, 2500, QString(), QDate(2024, 4, 17), u"more income"_s);
    // A second choice for the same month replaces the first (the history keeps both).
    s.choose(u"MMG-0001"_s, 2000, u"EUR"_s, QDate(2024, 4, 1));
    s.pay(u"MMG-0001"_s, 1000, u"EUR"_s, QDate(2024, 2, 20));
    s.pay(u"MMG-0001"_s, 1500, QString(), QDate(2024, 3, 31));
    s.pay(u"MMG-0001"_s, 2000, u"EUR"_s, QDate(2024, 5, 2));

    const ContributionAccount a = s.account(u"MMG-0001"_s);
    INFO(months(a));
    REQUIRE(a.choices.size() == 3);
    CHECK(a.choices[1].fromMonth == QDate(2024, 4, 1));
    CHECK(a.choices[1].chosenBy == u"anne"_s);
    CHECK(a.choices[1].note == u"more income"_s);
    REQUIRE(a.payments.size() == 3);
    CHECK(a.payments[0].recordedBy == u"anne"_s);
    CHECK(a.payments[0].recordedAt == QDateTime(QDate(2024, 6, 20), QTime(10, 0), Qt::UTC));
    CHECK(months(a) == "2024-02 1000/1000 0; 2024-03 1000/1500 -500; 2024-04 2000/0 1500; "
                       "2024-05 2000/2000 1500; 2024-06 2000/0 3500");
    CHECK(a.currentMonthlyCents == 2000);
    CHECK(a.arrearsCents() == 3500);

    // The arrears at the end of a month, household by household.
    f.household(u"MMG-0002"_s, QDate(2024, 1, 1));
    s.choose(u"MMG-0002"_s, 500, u"EUR"_s, QDate(2024, 1, 1));
    s.pay(u"MMG-0002"_s, 3000, u"EUR"_s, QDate(2024, 1, 5)); // six months in advance
    const auto may = s.arrears(QDate(2024, 5, 1));
    REQUIRE(may.size() == 1);
    CHECK(may[0].householdCode == u"MMG-0001"_s);
    CHECK(may[0].arrearsCents == 1500);
    CHECK(may[0].monthsOwed == 2);
    CHECK(may[0].lastPaidOn == QDate(2024, 5, 2));
    CHECK(s.arrears(QDate(2024, 3, 1)).empty());
    const auto june = s.arrears();
    REQUIRE(june.size() == 1);
    CHECK(june[0].arrearsCents == 3500);
    CHECK(f.auditCount(u"ok"_s) == 11); // 8 writes, 3 arrears lists
}

TEST_CASE("contributions: nothing is expected after the household's exit month", "[contributions]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2024, 8, 1), QTime(10, 0), Qt::UTC));
    Fixture f(backend);
    f.household(u"MMG-0003"_s, QDate(2024, 3, 10), QDate(2024, 5, 3));
    const ContributionService s = f.service(f.worker);
    s.choose(u"MMG-0003"_s, 3000, u"EUR"_s, QDate(2024, 3, 1));
    const ContributionAccount a = s.account(u"MMG-0003"_s);
    INFO(months(a));
    CHECK(months(a) == "2024-03 3000/0 3000; 2024-04 3000/0 6000; 2024-05 3000/0 9000; "
                       "2024-06 0/0 9000; 2024-07 0/0 9000; 2024-08 0/0 9000");
}

TEST_CASE("contributions: bad amounts, other currencies and future payments are refused, nothing is written",
          "[contributions]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2024, 6, 20), QTime(10, 0), Qt::UTC));
    Fixture f(backend);
    f.household(u"MMG-0001"_s, QDate(2024, 2, 15));
    const ContributionService s = f.service(f.worker);
    const auto invalid = [&](auto&& call, const QString& field) {
        try {
            call();
            FAIL("accepted");
        } catch (const Error& e) {
            CHECK(e.kind() == Error::Kind::Invalid);
            CHECK(e.message().startsWith(field));
        }
    };
    invalid([&] { s.choose(u"MMG-0001"_s, 99, u"EUR"_s, QDate(2024, 3, 1)); }, u"amount:"_s);
    invalid([&] { s.choose(u"MMG-0001"_s, 15001, u"EUR"_s, QDate(2024, 3, 1)); }, u"amount:"_s);
    invalid([&] { s.choose(u"MMG-0001"_s, 1000, u"MonA"_s, QDate(2024, 3, 1)); }, u"amount:"_s);
    invalid([&] { s.choose(u"MMG-0001"_s, 1000, u"EUR"_s, QDate()); }, u"from:"_s);
    invalid([&] { s.pay(u"MMG-0001"_s, 1000, u"MonA"_s, QDate(2024, 3, 1)); }, u"amount:"_s);
    invalid([&] { s.pay(u"MMG-0001"_s, 0, u"EUR"_s, QDate(2024, 3, 1)); }, u"amount:"_s);
    invalid([&] { s.pay(u"MMG-0001"_s, 1000, u"EUR"_s, QDate(2024, 6, 21)); }, u"on:"_s);
    CHECK(s.choose(u"MMG-0001"_s, 15000, u"EUR"_s, QDate(2024, 3, 1)).id > 0); // the maximum is allowed
    CHECK_THROWS_MATCHES(
        s.pay(u"MMG-9999"_s, 1000, u"EUR"_s, QDate(2024, 3, 1)), Error,
        Catch::Predicate<Error>([](const Error& e) { return e.kind() == Error::Kind::NotFound; }));
    const ContributionAccount a = s.account(u"MMG-0001"_s);
    CHECK(a.choices.size() == 1);
    CHECK(a.payments.empty());

    // A programme without contributions refuses them.
    Fixture off(backend, false);
    off.household(u"MMG-0001"_s, QDate(2024, 2, 15));
    try {
        off.service(off.worker).choose(u"MMG-0001"_s, 1000, u"EUR"_s, QDate(2024, 3, 1));
        FAIL("accepted");
    } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::Invalid);
        CHECK(e.message().startsWith(u"contributions:"_s));
    }
}

TEST_CASE("contributions: coordinators never see a household's amounts, only social workers record",
          "[contributions][access]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2024, 6, 20), QTime(10, 0), Qt::UTC));
    Fixture f(backend);
    f.household(u"MMG-0001"_s, QDate(2024, 2, 15));
    f.service(f.worker).choose(u"MMG-0001"_s, 1000, u"EUR"_s, QDate(2024, 3, 1));
    const Session coordinator = test::sessionFor(*f.db, Role::Coordinator, u"julien"_s);
    const Session nurse = test::sessionFor(*f.db, Role::Nurse, u"nadia"_s);
    const auto denied = [](auto&& call) {
        try {
            call();
            FAIL("allowed");
        } catch (const Error& e) {
            CHECK(e.kind() == Error::Kind::AccessDenied);
        }
    };
    const qint64 before = f.auditCount(u"denied"_s);
    denied([&] { f.service(coordinator).account(u"MMG-0001"_s); });
    denied([&] { f.service(coordinator).arrears(); });
    denied([&] { f.service(coordinator).choose(u"MMG-0001"_s, 1000, u"EUR"_s, QDate(2024, 3, 1)); });
    denied([&] { f.service(nurse).pay(u"MMG-0001"_s, 1000, u"EUR"_s, QDate(2024, 3, 1)); });
    denied([&] { f.service(f.admin).choose(u"MMG-0001"_s, 1000, u"EUR"_s, QDate(2024, 3, 1)); });
    CHECK(f.auditCount(u"denied"_s) == before + 5);
    // Nurses and administrators read households in full, and so their contributions.
    CHECK(f.service(nurse).account(u"MMG-0001"_s).currentMonthlyCents == 1000);
    CHECK(f.service(f.admin).arrears().size() == 1);
    CHECK(f.service(f.worker).account(u"MMG-0001"_s).payments.empty());
    CHECK(ContributionService::mayRecord(Role::SocialWorker));
    CHECK_FALSE(ContributionService::maySee(Role::Coordinator));
}

TEST_CASE("contributions: cohort total, mean and bands, suppressed in public below the threshold",
          "[contributions][cohort]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2024, 7, 1), QTime(10, 0), Qt::UTC));
    Fixture f(backend);
    const ContributionService s = f.service(f.worker);
    // 12 households at 3 EUR, 3 at 20 EUR, one at 150 EUR from May (before: 60 EUR: 90 EUR a month on
    // average, its band); one outside the cohort (Sète), one exited before the period.
    for (int i = 1; i <= 16; ++i) {
        const QString code = u"MMG-%1"_s.arg(i, 4, 10, QLatin1Char('0'));
        f.household(code, QDate(2024, 1, 10));
        const qint64 cents = i <= 12 ? 300 : (i <= 15 ? 2000 : 6000);
        s.choose(code, cents, u"EUR"_s, QDate(2024, 1, 1));
        if (i <= 10)
            s.pay(code, cents * 6, u"EUR"_s, QDate(2024, 4, 2)); // paid the half-year
    }
    s.choose(u"MMG-0016"_s, 15000, u"EUR"_s, QDate(2024, 5, 1));
    s.pay(u"MMG-0016"_s, 15000, u"EUR"_s, QDate(2024, 5, 3));
    f.household(u"MMG-0017"_s, QDate(2024, 1, 10), {}, u"Sète"_s);
    s.choose(u"MMG-0017"_s, 1000, u"EUR"_s, QDate(2024, 1, 1));
    f.household(u"MMG-0018"_s, QDate(2023, 1, 10), QDate(2023, 12, 31));
    s.choose(u"MMG-0018"_s, 1000, u"EUR"_s, QDate(2023, 1, 1));

    CohortFilter filter{QDate(2024, 1, 1), QDate(2024, 6, 30), u"Montpellier"_s, {}, {}};
    const Session coordinator = test::sessionFor(*f.db, Role::Coordinator, u"julien"_s);
    const CohortService cohort(*f.db, coordinator);
    const CohortReport internal = cohort.report(filter, Disclosure::Internal);
    const QJsonObject in = internal.toJson().value(u"indicators"_s).toObject();
    CHECK(in.value(u"contribution_households"_s).toInt() == 16);
    const qint64 expected = 12 * 300 * 6 + 3 * 2000 * 6 + 6000 * 4 + 15000 * 2;
    CHECK(in.value(u"contribution_expected_cents"_s).toInteger() == expected);
    CHECK(in.value(u"contribution_paid_cents"_s).toInteger() == 10 * 300 * 6 + 15000);
    CHECK(in.value(u"contribution_mean_monthly_cents"_s).toInteger() == (2 * expected + 96) / 192);
    CHECK(in.value(u"contribution_arrears_households_pct"_s).toDouble() == 37.5); // 6 of 16
    const QJsonArray bands =
        internal.toJson().value(u"series"_s).toObject().value(u"contributions_by_band"_s).toArray();
    QStringList rows;
    for (const QJsonValue& b : bands)
        rows << u"%1=%2"_s.arg(b[u"band"_s].toString()).arg(b[u"contribution_households"_s].toInt());
    CHECK(rows.join(u" "_s) == u"0-499=12 2000-4999=3 5000-9999=1"_s);

    // Public: 12 households are shown, the two small bands are suppressed, and with them (so that they cannot
    // be recomputed) nothing else is needed since two suppressed cells add up to 4 < 11: the 12 goes too.
    const CohortReport pub = cohort.report(filter, Disclosure::Public);
    const QJsonObject out = pub.toJson();
    const QJsonObject pin = out.value(u"indicators"_s).toObject();
    CHECK(pin.value(u"contribution_households"_s).toInt() == 16);
    CHECK(pin.value(u"contribution_paid_cents"_s).toInteger() == 10 * 300 * 6 + 15000);
    CHECK(pin.value(u"contribution_arrears_households_pct"_s).isNull()); // 6 households in arrears < 11
    const QStringList suppressed = pub.suppressed;
    CHECK(suppressed.contains(u"contributions_by_band/2000-4999/contribution_households"_s));
    CHECK(suppressed.contains(u"contributions_by_band/5000-9999/contribution_households"_s));
    CHECK(suppressed.contains(u"contributions_by_band/0-499/contribution_households"_s));
    CHECK(suppressed.contains(u"contribution_arrears_households_pct"_s));

    // A smaller cohort: every contribution figure is suppressed in public.
    CohortFilter one = filter;
    one.commune = u"Sète"_s;
    const QJsonObject small =
        cohort.report(one, Disclosure::Public).toJson().value(u"indicators"_s).toObject();
    CHECK(small.value(u"contribution_households"_s).isNull());
    CHECK(small.value(u"contribution_expected_cents"_s).isNull());
    CHECK(small.value(u"contribution_mean_monthly_cents"_s).isNull());
    CHECK(cohort.report(one, Disclosure::Internal)
              .toJson()
              .value(u"indicators"_s)
              .toObject()
              .value(u"contribution_mean_monthly_cents"_s)
              .toInteger() == 1000);

    // No list of households behind contribution figures, even internal.
    CHECK_THROWS_AS(cohort.householdsBehind(filter, u"contribution_households"_s), Error);
}

TEST_CASE("contributions: programmes without contributions publish no contribution figure",
          "[contributions][cohort]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    Fixture f(backend, false);
    const CohortReport r =
        CohortService(*f.db, f.admin)
            .report({QDate(2024, 1, 1), QDate(2024, 6, 30), {}, {}, {}}, Disclosure::Internal);
    CHECK(r.indicator(u"contribution_households"_s) == nullptr);
    CHECK(r.seriesNamed(u"contributions_by_band"_s) == nullptr);
}

TEST_CASE(
    "contributions: on PostgreSQL a coordinator's login gets the figures through functions, never the rows",
    "[contributions][cohort][postgresql][roles]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    if (backend != store::Backend::Postgres)
        return;
    test::ScopedClock clock(QDateTime(QDate(2024, 7, 1), QTime(10, 0), Qt::UTC));
    Fixture f(backend);
    const ContributionService s = f.service(f.worker);
    f.household(u"MMG-0001"_s, QDate(2024, 1, 10));
    s.choose(u"MMG-0001"_s, 1200, u"EUR"_s, QDate(2024, 1, 1));
    s.pay(u"MMG-0001"_s, 2400, u"EUR"_s, QDate(2024, 2, 1));
    test::sessionFor(*f.db, Role::Coordinator, u"julien"_s);
    const CohortFilter filter{QDate(2024, 1, 1), QDate(2024, 6, 30), {}, {}, {}};
    const QJsonObject owner = CohortService(*f.db, f.admin).report(filter, Disclosure::Internal).toJson();

    const QString prefix = u"c"_s + f.t.spec().databaseName.right(20);
    const QString login = prefix + u"_julien"_s;
    QStringList roles{login};
    for (Role r : {Role::SocialWorker, Role::Nurse, Role::Coordinator, Role::Admin})
        roles << store::PgRoles::roleName(prefix, r);
    struct Cleanup
    {
        const TempDatabase& t;
        QStringList roles;
        ~Cleanup()
        {
            for (const QString& r : roles)
                try {
                    if (t.rawValue(u"SELECT count(*) FROM pg_roles WHERE rolname = '%1'"_s.arg(r)).toInt() ==
                        0)
                        continue;
                    t.rawExec(u"DROP OWNED BY %1"_s.arg(r));
                    t.rawExec(u"DROP ROLE IF EXISTS %1"_s.arg(r));
                } catch (const std::exception& e) {
                    qWarning("cleanup: %s", e.what());
                }
        }
    } cleanup{f.t, roles};
    store::PgRoles::apply(*f.db, prefix);
    f.t.rawExec(u"CREATE ROLE %1 LOGIN PASSWORD 'julien-db-pw' IN ROLE %2"_s.arg(
        login, store::PgRoles::roleName(prefix, Role::Coordinator)));
    store::DatabaseSpec spec = f.t.spec();
    spec.user = login;
    spec.password = u"julien-db-pw"_s;
    auto asJulien = store::Database::open(spec);
    // The Cabas session of the coordinator (its login is PgRolesTest's business).
    const Session julien = test::sessionFor(*f.db, Role::Coordinator, u"julien"_s);
    QJsonObject figures;
    REQUIRE_NOTHROW(figures = CohortService(*asJulien, julien).report(filter, Disclosure::Internal).toJson());
    CHECK(figures.value(u"indicators"_s).toObject().value(u"contribution_expected_cents"_s).toInteger() ==
          1200 * 6);
    CHECK(figures.value(u"indicators"_s) == owner.value(u"indicators"_s));
    CHECK(figures.value(u"series"_s).toObject().value(u"contributions_by_band"_s) ==
          owner.value(u"series"_s).toObject().value(u"contributions_by_band"_s));
    // The rows themselves are out of the coordinator's login's reach.
    for (const QString& table : {u"contribution_choice"_s, u"contribution_payment"_s}) {
        QString error;
        try {
            asJulien->exec(u"SELECT monthly_cents FROM %1"_s.arg(table).replace(
                u"monthly_cents FROM contribution_payment"_s, u"amount_cents FROM contribution_payment"_s));
        } catch (const Error& e) {
            error = e.message();
        }
        INFO(table.toStdString());
        CHECK(error.contains(u"permission denied"_s));
    }
    // Nor is a household's income (PgRoles revokes it from coordinators, as IncomeService refuses them).
    QString incomeError;
    try {
        asJulien->exec(u"SELECT * FROM income_assessment"_s);
    } catch (const Error& e) {
        incomeError = e.message();
    }
    CHECK(incomeError.contains(u"permission denied"_s));
    // The coordinator exports the evaluators' dataset: the pseudonym key comes through the function, the
    // same as the owner's, while its row stays hidden from the login.
    const QByteArray key = store::CohortQueries(*asJulien).pseudonymKey();
    CHECK(key.size() == 32);
    CHECK(store::CohortQueries(*f.db).pseudonymKey() == key);
    QSqlQuery hidden = asJulien->exec(u"SELECT count(*) FROM cabas_meta WHERE key = 'pseudonym_key'"_s);
    REQUIRE(hidden.next());
    CHECK(hidden.value(0).toInt() == 0);
    asJulien.reset();
}

TEST_CASE("contributions: cohort figures match a month by month count on random choices",
          "[contributions][cohort]")
{
    // The statement counts each choice's months by arithmetic over its span; here every household and month
    // of the period is looked at one by one: the choice in force (the latest month on or before it; of two
    // choices of one month, the later one), counted when in the currency asked.
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 12, 1), QTime(10, 0), Qt::UTC));
    Fixture f(backend);
    quint64 state = 20261206;
    auto below = [&](int n) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return int((state >> 33) % quint64(n));
    };
    struct Row
    {
        QDate enrolled, exited;
        std::vector<ContributionChoice> choices;
    };
    std::vector<Row> rows;
    const store::ContributionRepository repository(*f.db);
    for (int i = 1; i <= 40; ++i) {
        Row r;
        r.enrolled = QDate(2024, 1, 1).addDays(below(500));
        if (below(3) == 0)
            r.exited = r.enrolled.addDays(below(400));
        const qint64 id = f.household(u"MMG-%1"_s.arg(i, 4, 10, QLatin1Char('0')), r.enrolled, r.exited);
        for (int n = below(5); n > 0; --n) {
            ContributionChoice c;
            c.householdId = id;
            const QDate month = r.enrolled.addMonths(below(14) - 2);
            c.fromMonth = QDate(month.year(), month.month(), 1);
            c.monthlyCents = 100 * (1 + below(150));
            c.currency = below(6) == 0 ? u"CHF"_s : u"EUR"_s;
            repository.insertChoice(c);
            r.choices.push_back(c);
        }
        rows.push_back(r);
    }
    for (const auto& [from, to] :
         {std::pair{QDate(2024, 1, 1), QDate(2024, 12, 31)}, std::pair{QDate(2024, 3, 17), QDate(2025, 2, 9)},
          std::pair{QDate(2025, 5, 1), QDate(2025, 5, 31)}}) {
        qint64 households = 0, householdMonths = 0, expectedCents = 0;
        std::vector<qint64> bands(5, 0);
        for (const Row& r : rows) {
            if (r.enrolled > to || (r.exited.isValid() && r.exited < from))
                continue;
            qint64 months = 0, cents = 0;
            for (int m = monthIndex(from); m <= monthIndex(to); ++m) {
                if (m < monthIndex(r.enrolled) || (r.exited.isValid() && m > monthIndex(r.exited)))
                    continue;
                const ContributionChoice* inForce = nullptr;
                for (const ContributionChoice& c : r.choices)
                    if (monthIndex(c.fromMonth) <= m &&
                        (!inForce || monthIndex(c.fromMonth) > monthIndex(inForce->fromMonth) ||
                         (monthIndex(c.fromMonth) == monthIndex(inForce->fromMonth) && c.id > inForce->id)))
                        inForce = &c;
                if (inForce && inForce->currency == u"EUR"_s) {
                    ++months;
                    cents += inForce->monthlyCents;
                }
            }
            if (months == 0)
                continue;
            ++households;
            householdMonths += months;
            expectedCents += cents;
            const qint64 mean = cents / months;
            ++bands[mean < 500 ? 0 : mean < 2000 ? 1 : mean < 5000 ? 2 : mean < 10000 ? 3 : 4];
        }
        CAPTURE(from.toString(Qt::ISODate), to.toString(Qt::ISODate));
        const ContributionCohortRaw raw =
            repository.cohortFigures(CohortFilter{from, to, {}, {}, {}}, u"EUR"_s);
        CHECK(raw.households == households);
        CHECK(raw.householdMonths == householdMonths);
        CHECK(raw.expectedCents == expectedCents);
        QStringList got, want;
        for (const auto& b : raw.bands)
            got << u"%1=%2"_s.arg(b.band).arg(b.households);
        for (int b = 0; b < 5; ++b)
            if (bands[size_t(b)] > 0)
                want << u"%1=%2"_s.arg(contributionBands()[b]).arg(bands[size_t(b)]);
        CHECK(got.join(u", "_s).toStdString() == want.join(u", "_s).toStdString());
    }
}
