#include "cohort/CohortService.h"
#include "common/Error.h"
#include "io/CohortExport.h"
#include "security/Authenticator.h"
#include "services/HealthService.h"
#include "services/HouseholdService.h"
#include "services/WorkshopService.h"
#include "store/CohortQueries.h"
#include "store/HealthSealing.h"
#include "store/LedgerRepository.h"
#include "store/PgRoles.h"
#include "store/Sealed.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <catch2/catch.hpp>
#include <map>
#include <sstream>

using namespace cabas;
using cabas::test::TempDatabase;

namespace {

std::optional<Frequency> frequency(const char* code)
{
    Frequency f{};
    REQUIRE(fromCode(QString::fromLatin1(code), &f));
    return f;
}

QDateTime utc(int y, int m, int d, int h, int min)
{
    return QDateTime(QDate(y, m, d), QTime(h, min), Qt::UTC);
}

LedgerEntry entry(const char* id, qint64 revision, const char* card, const char* account, const char* kind,
                  const char* status, qint64 cents, const QDateTime& at, const char* merchantId = "",
                  bool sustainable = false, const char* category = "")
{
    LedgerEntry e;
    e.id = QString::fromLatin1(id);
    e.revision = revision;
    e.card = QString::fromLatin1(card);
    e.account = QString::fromLatin1(account);
    e.kind = QString::fromLatin1(kind);
    e.status = QString::fromLatin1(status);
    const QString merchant = QString::fromLatin1(merchantId);
    e.amountCents = cents;
    e.currency = QStringLiteral("EUR");
    e.occurredAt = at;
    if (!merchant.isEmpty())
        e.merchant = FeedMerchant{merchant, merchant + QStringLiteral(" shop"), QString::fromLatin1(category),
                                  sustainable};
    return e;
}

// A small programme where every indicator has a known value (comments give the arithmetic).
struct Fixture
{
    TempDatabase t;
    std::unique_ptr<store::Database> db;
    Session socialWorker;
    Session nurse;
    Session coordinator;
    std::map<QString, qint64> personIds;

    // sealed: persons, households and health sealed (format 2); the nurse logs in again after the
    // coordinator was added (her login seals the cohort key to the coordinator's slot), then the coordinator.
    explicit Fixture(store::Backend backend, bool sealed = false) : t(backend)
    {
        db = sealed ? t.createSealed() : t.createInitialised();
        socialWorker = test::sessionFor(*db, Role::SocialWorker);
        nurse = test::sessionFor(*db, Role::Nurse);
        coordinator = test::sessionFor(*db, Role::Coordinator);
        if (sealed) {
            nurse = test::sessionFor(*db, Role::Nurse);
            coordinator = test::sessionFor(*db, Role::Coordinator);
        }
        HouseholdService hs(*db, socialWorker);
        // H1 (Auch, 2 adults and a child, card C-1 re-issued as C-2), H2 (Condom, 1 adult), H3 exited before
        // the period, H4 a candidate never enrolled.
        const qint64 h1 =
            household(QStringLiteral("MMG-0001"), QStringLiteral("Auch"), QDate(2024, 6, 1), {});
        const qint64 h2 =
            household(QStringLiteral("MMG-0002"), QStringLiteral("Condom"), QDate(2024, 7, 1), {});
        const qint64 h3 = household(QStringLiteral("MMG-0003"), QStringLiteral("Auch"), QDate(2024, 1, 1),
                                    QDate(2024, 5, 31));
        household(QStringLiteral("MMG-0004"), QStringLiteral("Auch"), QDate(), {});
        person(h1, QStringLiteral("P-00001"), QStringLiteral("adult"), QDate(1980, 1, 1));
        person(h1, QStringLiteral("P-00002"), QStringLiteral("adult"), QDate(1985, 1, 1));
        person(h1, QStringLiteral("P-00003"), QStringLiteral("child"), QDate(2015, 1, 1));
        person(h2, QStringLiteral("P-00004"), QStringLiteral("adult"), QDate(1990, 1, 1));
        person(h3, QStringLiteral("P-00005"), QStringLiteral("adult"), QDate(1970, 1, 1));

        Card c1;
        c1.token = QStringLiteral("C-1");
        c1.householdId = h1;
        c1.issuedOn = QDate(2024, 6, 1);
        hs.issueCard(c1);
        hs.reissueCard(QStringLiteral("C-1"), QStringLiteral("C-2"), CardStatus::Lost, QDate(2024, 9, 15),
                       QStringLiteral("lost"));

        store::LedgerRepository ledger(*db);
        EntryPage page;
        const char* none = "";
        auto& e = page.entries;
        e.push_back(entry("e1", 1, "C-1", none, "allowance", "posted", 10000, utc(2024, 6, 1, 8, 0)));
        // 23:30 in Paris on 30 June (summer time): June.
        e.push_back(entry("e2", 1, "C-1", none, "purchase", "posted", -2000, utc(2024, 6, 30, 21, 30),
                          "M-BIO", true, "organic_shop"));
        e.push_back(entry("e3", 1, "C-1", none, "refund", "posted", 500, utc(2024, 7, 2, 10, 0), "M-BIO",
                          true, "organic_shop"));
        e.push_back(entry("e4", 1, "C-1", none, "bonus", "posted", 1000, utc(2024, 7, 2, 10, 0)));
        e.push_back(entry("e5", 1, "C-1", none, "adjustment", "posted", 300, utc(2024, 7, 2, 10, 0)));
        e.push_back(entry("e6", 1, "C-1", none, "transfer", "posted", -4000, utc(2024, 9, 15, 10, 0)));
        e.push_back(entry("e7", 1, "C-2", none, "transfer", "posted", 4000, utc(2024, 9, 15, 10, 0)));
        // 23:30 in Paris on 30 November (winter time): November, inside the period.
        e.push_back(entry("e8", 1, "C-2", none, "purchase", "posted", -1000, utc(2024, 11, 30, 22, 30),
                          "M-SUP", false, "supermarket"));
        // Revised: pending -100, then posted -700 (a local producer the programme declares sustainable).
        e.push_back(entry("e9", 1, "C-2", none, "purchase", "pending", -100, utc(2024, 8, 10, 9, 0), "M-LOC",
                          false, "local_producer"));
        e.push_back(entry("e9", 2, "C-2", none, "purchase", "posted", -700, utc(2024, 8, 10, 9, 0), "M-LOC",
                          false, "local_producer"));
        // Voided after being posted; pending; and 00:30 on 1 December in Paris (after the period).
        e.push_back(entry("e10", 1, "C-2", none, "purchase", "posted", -9999, utc(2024, 8, 11, 9, 0), "M-SUP",
                          false, "supermarket"));
        e.push_back(entry("e10", 2, "C-2", none, "purchase", "voided", -9999, utc(2024, 8, 11, 9, 0), "M-SUP",
                          false, "supermarket"));
        e.push_back(entry("e11", 1, "C-2", none, "purchase", "pending", -5000, utc(2024, 8, 12, 9, 0),
                          "M-SUP", false, "supermarket"));
        e.push_back(entry("e12", 1, "C-2", none, "purchase", "posted", -3000, utc(2024, 11, 30, 23, 30),
                          "M-SUP", false, "supermarket"));
        e.push_back(entry("e20", 1, "C-9", "MMG-0002", "allowance", "posted", 4000, utc(2024, 7, 1, 8, 0)));
        e.push_back(entry("e30", 1, "C-8", "MMG-0003", "purchase", "posted", -800, utc(2024, 6, 10, 8, 0),
                          "M-BIO", true, "organic_shop"));
        for (auto& x : e)
            x.refersTo = x.id == QLatin1String("e3") ? QStringLiteral("e2") : QString();
        ledger.applyEntryPage(page);
        ledger.setMerchantOverride(QStringLiteral("M-LOC"), true);

        // Health: consents, questionnaires and checkups at M0 and M6.
        for (const char* code : {"P-00001", "P-00002", "P-00003"}) {
            Consent c;
            c.personId = personIds[QString::fromLatin1(code)];
            c.purpose = ConsentPurpose::HealthFollowup;
            c.given = true;
            c.effectiveOn = QDate(2024, 6, 1);
            hs.recordConsent(c);
        }
        HealthService health(*db, nurse);
        questionnaire(health, "P-00001", "M0", "rarely", "sometimes", "never", std::nullopt);
        questionnaire(health, "P-00001", "M6", "often", "sometimes", "rarely", true);
        questionnaire(health, "P-00002", "M0", "never", "never", "never", std::nullopt);
        questionnaire(health, "P-00002", "M6", "never", "rarely", "sometimes", false);
        questionnaire(health, "P-00003", "M0", "never", "never", "never", std::nullopt);
        checkup(health, "P-00001", "M0", 80000, 1800);
        checkup(health, "P-00001", "M6", 78000, 1800);
        checkup(health, "P-00002", "M0", 70000, 1600);
        checkup(health, "P-00002", "M6", 71000, 1600);
        checkup(health, "P-00003", "M0", 30000, 1300);

        // Workshops: two held (one of them with an absent member), one cancelled, one after the period.
        WorkshopService ws(*db, coordinator);
        const qint64 cooking = workshop(ws, WorkshopType::Cooking, "Cuisine", QDate(2024, 7, 10));
        const qint64 farm = workshop(ws, WorkshopType::FarmVisit, "Ferme", QDate(2024, 9, 5));
        const qint64 cancelled = workshop(ws, WorkshopType::Cooking, "Annulé", QDate(2024, 9, 6));
        const qint64 later = workshop(ws, WorkshopType::Cooking, "Plus tard", QDate(2024, 12, 10));
        ws.registerPerson(cooking, QStringLiteral("P-00001"));
        ws.registerPerson(cooking, QStringLiteral("P-00002"));
        ws.recordAttendance(cooking, {{QStringLiteral("P-00001"), true}, {QStringLiteral("P-00002"), false}});
        ws.registerPerson(farm, QStringLiteral("P-00001"));
        ws.registerPerson(farm, QStringLiteral("P-00004"));
        ws.recordAttendance(farm, {{QStringLiteral("P-00001"), true}, {QStringLiteral("P-00004"), true}});
        ws.registerPerson(cancelled, QStringLiteral("P-00001"));
        ws.cancel(cancelled);
        ws.registerPerson(later, QStringLiteral("P-00001"));
        ws.recordAttendance(later, {{QStringLiteral("P-00001"), true}});
    }

    qint64 household(const QString& code, const QString& commune, QDate enrolled, QDate exited)
    {
        Household h;
        h.code = code;
        h.commune = commune;
        h.status = !enrolled.isValid()
                       ? HouseholdStatus::Candidate
                       : (exited.isValid() ? HouseholdStatus::Exited : HouseholdStatus::Enrolled);
        h.enrolledOn = enrolled;
        h.exitedOn = exited;
        if (exited.isValid())
            h.exitReason = QStringLiteral("moved");
        HouseholdService(*db, socialWorker).create(h);
        return h.id;
    }

    void person(qint64 household, const QString& code, const QString& role, QDate birth)
    {
        Person p;
        p.householdId = household;
        p.code = code;
        p.firstName = QStringLiteral("Prénom");
        p.lastName = code;
        p.birthDate = birth;
        p.role = role == QLatin1String("child") ? PersonRole::Child : PersonRole::Adult;
        HouseholdService(*db, socialWorker).addPerson(p);
        personIds[code] = p.id;
    }

    void questionnaire(HealthService& health, const char* person, const char* wave, const char* organicFv,
                       const char* local, const char* organic, std::optional<bool> discovered)
    {
        DietQuestionnaire q;
        q.wave = QString::fromLatin1(wave);
        q.answeredOn = q.wave == QLatin1String("M0") ? QDate(2024, 6, 5) : QDate(2024, 11, 28);
        q.organicFv = frequency(organicFv);
        q.localProducts = frequency(local);
        q.organicProducts = frequency(organic);
        q.discoveredSustainableShop = discovered;
        health.recordQuestionnaire(QString::fromLatin1(person), q);
    }

    void checkup(HealthService& health, const char* person, const char* wave, int weightG, int heightMm)
    {
        Checkup c;
        c.wave = QString::fromLatin1(wave);
        c.takenOn = c.wave == QLatin1String("M0") ? QDate(2024, 6, 5) : QDate(2024, 11, 28);
        c.weightG = weightG;
        c.heightMm = heightMm;
        health.recordCheckup(QString::fromLatin1(person), c);
    }

    qint64 workshop(WorkshopService& ws, WorkshopType type, const char* title, QDate on)
    {
        Workshop w;
        w.type = type;
        w.title = QString::fromUtf8(title);
        w.heldOn = on;
        ws.create(w);
        return w.id;
    }
};

CohortFilter period(QDate from = QDate(2024, 6, 1), QDate to = QDate(2024, 11, 30))
{
    CohortFilter f;
    f.from = from;
    f.to = to;
    return f;
}

QJsonObject indicatorsOf(const CohortReport& r)
{
    return r.toJson().value(QStringLiteral("indicators")).toObject();
}

} // namespace

TEST_CASE("cohort indicators on a constructed programme, the same JSON on SQLite and PostgreSQL", "[cohort]")
{
    test::ScopedClock clock(utc(2025, 1, 15, 9, 0));
    QByteArray first;
    for (const store::Backend backend : test::backendsUnderTest()) {
        CABAS_BACKEND_INFO(backend);
        Fixture p(backend);
        const CohortReport report =
            CohortService(*p.db, p.coordinator).report(period(), Disclosure::Internal);
        const QJsonObject in = indicatorsOf(report);
        CHECK(in.value(QLatin1String("households_enrolled")).toInteger() == 2);
        CHECK(in.value(QLatin1String("persons_enrolled")).toInteger() == 4);
        CHECK(in.value(QLatin1String("adults")).toInteger() == 3);
        CHECK(in.value(QLatin1String("children")).toInteger() == 1);
        // H1 used C-1 and its re-issued C-2: one household of two.
        CHECK(in.value(QLatin1String("cards_used_pct")).toDouble() == 50.0);
        CHECK(in.value(QLatin1String("allowance_cents")).toInteger() == 14000);
        CHECK(in.value(QLatin1String("bonus_cents")).toInteger() == 1000);
        // 2000 - 500 (refund) + 700 (latest revision) + 1000 (23:30 on 30 Nov); not the adjustment, the
        // transfers, the voided or pending purchases, the one of 1 December, nor H3's.
        CHECK(in.value(QLatin1String("spent_cents")).toInteger() == 3200);
        // M-BIO (operator) and M-LOC (local override): 2000 - 500 + 700.
        CHECK(in.value(QLatin1String("sustainable_spent_cents")).toInteger() == 2200);
        CHECK(in.value(QLatin1String("sustainable_spend_pct")).toDouble() == 68.8);
        CHECK(in.value(QLatin1String("sustainable_merchants_paid")).toInteger() == 2);
        CHECK(in.value(QLatin1String("questionnaire_pairs")).toInteger() == 2);
        CHECK(in.value(QLatin1String("organic_fv_increase_pct")).toDouble() == 50.0);
        CHECK(in.value(QLatin1String("local_products_increase_pct")).toDouble() == 50.0);
        CHECK(in.value(QLatin1String("organic_products_increase_pct")).toDouble() == 100.0);
        CHECK(in.value(QLatin1String("discovered_sustainable_shop_pct")).toDouble() == 50.0);
        CHECK(in.value(QLatin1String("checkup_pairs")).toInteger() == 2);
        // (24.07 - 24.69 + 27.73 - 27.34) / 2
        CHECK(in.value(QLatin1String("mean_bmi_change")).toDouble() == -0.11);
        CHECK(in.value(QLatin1String("workshop_sessions")).toInteger() == 2);
        CHECK(in.value(QLatin1String("workshop_attendances")).toInteger() == 3);
        CHECK(in.value(QLatin1String("households_attending_workshop_pct")).toDouble() == 100.0);

        const QJsonObject series = report.toJson().value(QLatin1String("series")).toObject();
        const QJsonArray months = series.value(QLatin1String("by_month")).toArray();
        REQUIRE(months.size() >= 4);
        CHECK(months[0].toObject().value(QLatin1String("month")).toString() == QLatin1String("2024-06"));
        CHECK(months[0].toObject().value(QLatin1String("spent_cents")).toInteger() == 2000);
        CHECK(months[0].toObject().value(QLatin1String("allowance_cents")).toInteger() == 10000);
        CHECK(months[1].toObject().value(QLatin1String("spent_cents")).toInteger() == -500);
        CHECK(months[1].toObject().value(QLatin1String("allowance_cents")).toInteger() == 4000);
        CHECK(months.last().toObject().value(QLatin1String("month")).toString() == QLatin1String("2024-11"));
        CHECK(months.last().toObject().value(QLatin1String("spent_cents")).toInteger() == 1000);
        CHECK(months.last().toObject().value(QLatin1String("sustainable_spend_pct")).toDouble() == 0.0);
        const QJsonArray types = series.value(QLatin1String("workshops_by_type")).toArray();
        REQUIRE(types.size() == 2);
        CHECK(types[0].toObject().value(QLatin1String("type")).toString() == QLatin1String("cooking"));
        CHECK(types[0].toObject().value(QLatin1String("attendances")).toInteger() == 1);
        const QJsonArray waves = series.value(QLatin1String("followup_by_wave")).toArray();
        REQUIRE(waves.size() >= 2);
        CHECK(waves[0].toObject().value(QLatin1String("expected")).toInteger() == 3);
        CHECK(waves[0].toObject().value(QLatin1String("done")).toInteger() == 3);
        CHECK(waves[1].toObject().value(QLatin1String("expected")).toInteger() == 3);
        CHECK(waves[1].toObject().value(QLatin1String("done")).toInteger() == 2);
        const QJsonArray categories = series.value(QLatin1String("by_merchant_category")).toArray();
        REQUIRE(categories.size() == 3);

        const QByteArray json = QJsonDocument(report.toJson()).toJson(QJsonDocument::Compact);
        if (first.isEmpty())
            first = json;
        else
            CHECK(json.toStdString() == first.toStdString());
    }
}

TEST_CASE("cohort filters, zero denominators and the households behind a figure", "[cohort]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(utc(2025, 1, 15, 9, 0));
    Fixture p(backend);
    CohortService service(*p.db, p.coordinator);

    CohortFilter condom = period();
    condom.commune = QStringLiteral("Condom");
    QJsonObject in = indicatorsOf(service.report(condom, Disclosure::Internal));
    CHECK(in.value(QLatin1String("households_enrolled")).toInteger() == 1);
    CHECK(in.value(QLatin1String("cards_used_pct")).toDouble() == 0.0);
    CHECK(in.value(QLatin1String("allowance_cents")).toInteger() == 4000);
    CHECK(in.value(QLatin1String("spent_cents")).toInteger() == 0);
    CHECK(in.value(QLatin1String("sustainable_spend_pct")).isNull());
    CHECK(in.value(QLatin1String("mean_bmi_change")).isNull());

    // Nobody enrolled yet: every share is null, never 0 and never an error.
    in = indicatorsOf(service.report(period(QDate(2023, 1, 1), QDate(2023, 1, 31)), Disclosure::Internal));
    CHECK(in.value(QLatin1String("households_enrolled")).toInteger() == 0);
    for (const char* key :
         {"cards_used_pct", "sustainable_spend_pct", "organic_fv_increase_pct",
          "discovered_sustainable_shop_pct", "mean_bmi_change", "households_attending_workshop_pct"}) {
        INFO(key);
        CHECK(in.value(QLatin1String(key)).isNull());
    }

    // The period ending on 30 June counts the purchase of 23:30 that evening.
    in = indicatorsOf(service.report(period(QDate(2024, 6, 1), QDate(2024, 6, 30)), Disclosure::Internal));
    CHECK(in.value(QLatin1String("spent_cents")).toInteger() == 2000);
    in = indicatorsOf(service.report(period(QDate(2024, 7, 1), QDate(2024, 7, 31)), Disclosure::Internal));
    CHECK(in.value(QLatin1String("spent_cents")).toInteger() == -500);

    const auto users = service.householdsBehind(period(), QStringLiteral("cards_used_pct"));
    REQUIRE(users.size() == 1);
    CHECK(users[0].code == QLatin1String("MMG-0001"));
    CHECK(service.householdsBehind(period(), QStringLiteral("households_enrolled")).size() == 2);
    CHECK(service.householdsBehind(period(), QStringLiteral("workshop_attendances")).size() == 2);
    CHECK(service.householdsBehind(period(), QStringLiteral("organic_products_increase_pct")).size() == 1);

    // Bad periods are refused with the option named.
    try {
        service.report(period(QDate(2024, 6, 1), QDate(2024, 5, 1)), Disclosure::Internal);
        FAIL("accepted a period that ends before it starts");
    } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::Invalid);
        CHECK(e.message().contains(QStringLiteral("--to")));
    }
}

TEST_CASE("cohort access: public figures are for coordinators, and reports are audited", "[cohort][access]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(utc(2025, 1, 15, 9, 0));
    Fixture p(backend);
    for (const Session& s : {p.socialWorker, p.nurse}) {
        INFO(toCode(s.role()).toStdString());
        CHECK_NOTHROW(CohortService(*p.db, s).report(period(), Disclosure::Internal));
        try {
            CohortService(*p.db, s).report(period(), Disclosure::Public);
            FAIL("public figures for a non-coordinator");
        } catch (const Error& e) {
            CHECK(e.kind() == Error::Kind::AccessDenied);
        }
        CHECK_THROWS_AS(CohortService(*p.db, s).dataset(period()), Error);
    }
    const CohortReport report = CohortService(*p.db, p.coordinator).report(period(), Disclosure::Public);
    // Two households: below the threshold of 11, so nearly everything is suppressed, and listed.
    CHECK(indicatorsOf(report).value(QLatin1String("households_enrolled")).isNull());
    CHECK(report.suppressed.contains(QStringLiteral("households_enrolled")));
    CHECK(p.t.rawValue(
                 QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE table_name = 'cohort' AND outcome = "
                                "'denied'"))
              .toInt() == 2);
    CHECK(p.t.rawValue(QStringLiteral(
                           "SELECT COUNT(*) FROM audit_log WHERE table_name = 'cohort' AND outcome = 'ok' "
                           "AND detail = 'public'"))
              .toInt() == 1);
}

TEST_CASE("the evaluators' dataset: research consent only, keyed pseudonyms, months and age bands",
          "[cohort]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(utc(2025, 1, 15, 9, 0));
    Fixture p(backend);
    HouseholdService hs(*p.db, p.socialWorker);
    Consent research;
    research.personId = p.personIds[QStringLiteral("P-00001")];
    research.purpose = ConsentPurpose::ResearchExport;
    research.given = true;
    research.effectiveOn = QDate(2024, 6, 1);
    hs.recordConsent(research);
    Consent withdrawn = research;
    withdrawn.personId = p.personIds[QStringLiteral("P-00002")];
    hs.recordConsent(withdrawn);
    withdrawn.id = 0;
    withdrawn.given = false;
    withdrawn.effectiveOn = QDate(2025, 1, 1);
    hs.recordConsent(withdrawn);

    const CohortDataset d = CohortService(*p.db, p.coordinator).dataset(period());
    REQUIRE(d.rows.size() == 2); // P-00001 at M0 and M6; P-00002 withdrew; P-00003 never consented
    const int person = int(d.columns.indexOf(QStringLiteral("person")));
    const int band = int(d.columns.indexOf(QStringLiteral("age_band")));
    const int month = int(d.columns.indexOf(QStringLiteral("checkup_month")));
    CHECK(d.rows[0][person] == d.rows[1][person]);
    CHECK(d.rows[0][person].size() == 16);
    CHECK(d.rows[0][band] == QLatin1String("30-44"));
    CHECK(d.rows[0][month] == QLatin1String("2024-06"));
    const QByteArray csv = io::CohortExport::csv(d);
    CHECK_FALSE(csv.contains("P-00001"));
    CHECK_FALSE(csv.contains("MMG-0001"));
    CHECK_FALSE(csv.contains("2024-06-05"));
    CHECK_FALSE(csv.contains("Prénom"));
    // The same key next time: the pseudonyms are stable for one database.
    const CohortDataset again = CohortService(*p.db, p.coordinator).dataset(period());
    CHECK(again.rows[0][person] == d.rows[0][person]);
}

TEST_CASE("disclosure control: small cells and their complements are suppressed", "[cohort][disclosure]")
{
    CohortRaw raw;
    raw.households = 100;
    raw.persons = 150;
    raw.adults = 145;
    raw.children = 5; // primary
    raw.householdsWithPurchase = 95;
    raw.spentCents = 100000;
    raw.spendingHouseholds = 95;
    raw.sustainableSpentCents = 60000;
    raw.sustainableHouseholds = 90;
    raw.allowanceCents = 400000;
    raw.allowanceHouseholds = 100;
    raw.months = {{QStringLiteral("2024-06"), 200000, 0, 50000, 30000, 50},
                  {QStringLiteral("2024-07"), 150000, 0, 40000, 25000, 40},
                  {QStringLiteral("2024-08"), 50000, 0, 10000, 5000, 5}}; // primary
    raw.questionnairePairs = 0;
    CohortFilter f = period();
    const CohortReport internal = CohortReport::build(raw, f, Disclosure::Internal, 11);
    CHECK(internal.suppressed.isEmpty());
    CHECK(internal.indicator(QStringLiteral("children"))->json().toInteger() == 5);

    const CohortReport r = CohortReport::build(raw, f, Disclosure::Public, 11);
    CHECK(r.suppressed.contains(QStringLiteral("children")));
    // persons - adults would give the children: adults go too.
    CHECK(r.suppressed.contains(QStringLiteral("adults")));
    CHECK_FALSE(r.suppressed.contains(QStringLiteral("persons_enrolled")));
    CHECK(r.indicator(QStringLiteral("persons_enrolled"))->json().toInteger() == 150);
    CHECK(r.suppressed.contains(QStringLiteral("by_month/2024-08/spent_cents")));
    // The smallest other month goes with it, so that the total does not give August away.
    CHECK(r.suppressed.contains(QStringLiteral("by_month/2024-07/spent_cents")));
    CHECK_FALSE(r.suppressed.contains(QStringLiteral("by_month/2024-06/spent_cents")));
    CHECK(r.suppressed.contains(QStringLiteral("by_month/2024-08/sustainable_spend_pct")));
    CHECK(r.indicator(QStringLiteral("spent_cents"))->json().toInteger() == 100000);
    CHECK(r.indicator(QStringLiteral("questionnaire_pairs"))->json().isNull());
    CHECK(r.toJson().value(QStringLiteral("disclosure")).toString() == QLatin1String("public"));
    // Whatever is published, no published part can be recomputed into a suppressed one.
    for (const QString& key : r.suppressed)
        CHECK_FALSE(r.toJson().value(QStringLiteral("indicators")).toObject().value(key).isDouble());
}

namespace {
// Runs one statement through another database login; returns the error text, empty on success.
QString runAs(const store::DatabaseSpec& spec, const QString& sql)
{
    const QString name = QStringLiteral("cohort-roles-test");
    QString error;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(spec.host);
        db.setPort(spec.port);
        db.setUserName(spec.user);
        db.setPassword(spec.password);
        db.setDatabaseName(spec.databaseName);
        if (!db.open()) {
            error = db.lastError().text();
        } else {
            QSqlQuery q(db);
            if (!q.exec(sql))
                error = q.lastError().text();
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return error;
}
} // namespace

TEST_CASE("on PostgreSQL a coordinator's database login computes the cohort figures without reading entries",
          "[cohort][postgresql][roles]")
{
    const auto backends = test::backendsUnderTest();
    if (std::find(backends.begin(), backends.end(), store::Backend::Postgres) == backends.end())
        return;
    test::ScopedClock clock(utc(2025, 1, 15, 9, 0));
    // Sealed (format 2): the health figures come from cohort_health, read by the coordinator's login and
    // decrypted in her session; nurses' logins write it.
    const bool sealed = GENERATE(false, true);
    INFO((sealed ? "sealed" : "clear"));
    Fixture p(store::Backend::Postgres, sealed);
    const QString prefix = QStringLiteral("c") + p.t.spec().databaseName.right(20);
    const QString coordinatorLogin = prefix + QStringLiteral("_julien");
    const QString workerLogin = prefix + QStringLiteral("_anne");
    const QString nurseLogin = prefix + QStringLiteral("_ines");
    const QStringList roles = {coordinatorLogin,
                               workerLogin,
                               nurseLogin,
                               store::PgRoles::roleName(prefix, Role::SocialWorker),
                               store::PgRoles::roleName(prefix, Role::Nurse),
                               store::PgRoles::roleName(prefix, Role::Coordinator),
                               store::PgRoles::roleName(prefix, Role::Admin)};
    struct Cleanup
    {
        const TempDatabase& t;
        QStringList roles;
        ~Cleanup()
        {
            for (const QString& r : roles) {
                try {
                    if (t.rawValue(
                             QStringLiteral("SELECT count(*) FROM pg_roles WHERE rolname = '%1'").arg(r))
                            .toInt() == 0)
                        continue;
                    t.rawExec(QStringLiteral("DROP OWNED BY %1").arg(r));
                    t.rawExec(QStringLiteral("DROP ROLE IF EXISTS %1").arg(r));
                } catch (const std::exception& e) {
                    qWarning("cleanup: %s", e.what());
                }
            }
        }
    } cleanup{p.t, roles};

    // The owner's figures, before any role exists (plain SQL).
    const QByteArray owner =
        QJsonDocument(CohortService(*p.db, p.coordinator).report(period(), Disclosure::Internal).toJson())
            .toJson(QJsonDocument::Compact);
    const CohortDataset ownerDataset = CohortService(*p.db, p.coordinator).dataset(period());
    const auto ownerBehind =
        CohortService(*p.db, p.coordinator).householdsBehind(period(), QStringLiteral("spent_cents"));
    REQUIRE_FALSE(ownerBehind.empty());

    store::PgRoles::apply(*p.db, prefix);
    p.t.rawExec(QStringLiteral("CREATE ROLE %1 LOGIN PASSWORD 'julien-db-pw' IN ROLE %2")
                    .arg(coordinatorLogin, store::PgRoles::roleName(prefix, Role::Coordinator)));
    p.t.rawExec(QStringLiteral("CREATE ROLE %1 LOGIN PASSWORD 'anne-db-pw' IN ROLE %2")
                    .arg(workerLogin, store::PgRoles::roleName(prefix, Role::SocialWorker)));
    store::DatabaseSpec julien = p.t.spec();
    julien.user = coordinatorLogin;
    julien.password = QStringLiteral("julien-db-pw");
    store::DatabaseSpec anne = p.t.spec();
    anne.user = workerLogin;
    anne.password = QStringLiteral("anne-db-pw");

    // With psql, the coordinator's login reads no entry and no health record...
    for (const char* table : {"ledger_entry", "ledger_merchant", "checkup", "diet_questionnaire"}) {
        INFO(table);
        CHECK(runAs(julien, QStringLiteral("SELECT * FROM %1").arg(QLatin1String(table)))
                  .contains(QStringLiteral("permission denied")));
    }
    // ... nor can it change what the functions run (they belong to the owner).
    CHECK(runAs(julien,
                QStringLiteral("CREATE FUNCTION cabas_cohort_x() RETURNS int LANGUAGE sql AS 'SELECT 1'"))
              .contains(QStringLiteral("permission denied")));
    // ... but Cabas, logged in through it, computes the same figures (through the owner's fixed functions).
    auto asJulien = store::Database::open(julien);
    const Session session = security::Authenticator(*asJulien).login(
        QStringLiteral("coordinator"), QStringLiteral("Password-of-coordinator"));
    const CohortService service(*asJulien, session);
    const QByteArray json =
        QJsonDocument(service.report(period(), Disclosure::Internal).toJson()).toJson(QJsonDocument::Compact);
    CHECK(json.toStdString() == owner.toStdString());
    CHECK(QJsonDocument(service.report(period(), Disclosure::Public).toJson()).toJson().size() > 0);
    const auto behind = service.householdsBehind(period(), QStringLiteral("spent_cents"));
    REQUIRE(behind.size() == ownerBehind.size());
    CHECK(behind.front().code == ownerBehind.front().code);
    const CohortDataset dataset = service.dataset(period());
    CHECK(dataset.rows == ownerDataset.rows);
    if (sealed) {
        // The coordinator's login reads the sealed cohort rows, nothing clinical in them.
        CHECK(runAs(julien, QStringLiteral("SELECT count(*) FROM cohort_health")).isEmpty());
        CHECK(runAs(julien, QStringLiteral("UPDATE cohort_health SET wave = 'M0'"))
                  .contains(QStringLiteral("permission denied")));
        // A nurse's login corrects a checkup: its sealed values and its cohort row are replaced, and the
        // coordinator's figures follow.
        p.t.rawExec(QStringLiteral("CREATE ROLE %1 LOGIN PASSWORD 'ines-db-pw' IN ROLE %2")
                        .arg(nurseLogin, store::PgRoles::roleName(prefix, Role::Nurse)));
        store::DatabaseSpec ines = p.t.spec();
        ines.user = nurseLogin;
        ines.password = QStringLiteral("ines-db-pw");
        {
            auto asInes = store::Database::open(ines);
            const Session nurse = security::Authenticator(*asInes).login(QStringLiteral("nurse"),
                                                                         QStringLiteral("Password-of-nurse"));
            const HealthService health(*asInes, nurse);
            Checkup c = health.checkups(QStringLiteral("P-00001")).checkups.back();
            REQUIRE(c.weightG == 78000);
            c.weightG = 76000;
            health.correctCheckup(QStringLiteral("P-00001"), c, QStringLiteral("pesée refaite"));
        }
        const QByteArray after = QJsonDocument(service.report(period(), Disclosure::Internal).toJson())
                                     .toJson(QJsonDocument::Compact);
        CHECK(after != json);
    }
    asJulien.reset();

    // A social worker's login may run the aggregate functions (internal figures are theirs too) but not the
    // evaluators' line-level dataset.
    const QString datasetFunction =
        p.t.rawValue(QStringLiteral(
                         "SELECT proname FROM pg_proc WHERE proname LIKE 'cabas\\_cohort\\_dataset\\_%'"))
            .toString();
    REQUIRE_FALSE(datasetFunction.isEmpty());
    CHECK(runAs(anne, QStringLiteral("SELECT * FROM %1(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                                     "NULL, NULL, NULL, NULL, NULL, NULL, NULL)")
                          .arg(datasetFunction))
              .contains(QStringLiteral("permission denied")));
}

// The health pairs and the follow-up by wave against a computation here, on random members (arrivals and
// departures, exited and candidate households), consents, questionnaires and checkups (some undated for the
// period, some unmeasured), over random periods and more waves than one statement's slots, on both backends.
TEST_CASE("cohort indicators: the sealed rows per member follow corrections, and a database sealed before "
          "them gets them at a login",
          "[cohort][sealed][health]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(utc(2025, 1, 15, 9, 0));
    Fixture clear(backend);
    Fixture sealed(backend, true);
    const auto rows = [&](const Fixture& fx) {
        return fx.t.rawValue(QStringLiteral("SELECT count(*) FROM cohort_person_health")).toInt();
    };
    // Written with each record on SQLite: one row for each of the three members with M0 or M6 records
    // (PostgreSQL's cohort reads cohort_health: the table stays empty there).
    const bool kept = backend == store::Backend::Sqlite;
    CHECK(store::HealthSealing::cohortPersonsComplete(*sealed.db) == kept);
    CHECK(rows(sealed) == (kept ? 3 : 0));
    CHECK(rows(clear) == 0);
    const auto sameAsClear = [&] {
        for (const CohortFilter& f : {period(), period(QDate(2024, 6, 1), QDate(2024, 7, 31))}) {
            INFO(f.to.toString(Qt::ISODate).toStdString());
            const QByteArray a =
                QJsonDocument(
                    CohortService(*clear.db, clear.coordinator).report(f, Disclosure::Internal).toJson())
                    .toJson();
            const QByteArray b =
                QJsonDocument(
                    CohortService(*sealed.db, sealed.coordinator).report(f, Disclosure::Internal).toJson())
                    .toJson();
            CHECK(a == b);
            const auto ha = CohortService(*clear.db, clear.coordinator)
                                .householdsBehind(f, QStringLiteral("checkup_pairs"));
            const auto hb = CohortService(*sealed.db, sealed.coordinator)
                                .householdsBehind(f, QStringLiteral("checkup_pairs"));
            REQUIRE(ha.size() == hb.size());
            for (size_t i = 0; i < ha.size(); ++i)
                CHECK(ha[i].code == hb[i].code);
        }
    };
    const auto checkupPairs = [&] {
        return indicatorsOf(
                   CohortService(*sealed.db, sealed.coordinator).report(period(), Disclosure::Internal))
            .value(QStringLiteral("checkup_pairs"))
            .toInt();
    };
    sameAsClear();
    CHECK(checkupPairs() == 2);
    // A correction moving P-00002's M6 checkup to M12, on both databases: the member's row loses its M6
    // checkup, so the pair no longer counts.
    for (Fixture* fx : {&clear, &sealed}) {
        HealthService health(*fx->db, fx->nurse);
        std::vector<Checkup> list = health.checkups(QStringLiteral("P-00002")).checkups;
        const auto m6 = std::find_if(list.begin(), list.end(),
                                     [](const Checkup& c) { return c.wave == QLatin1String("M6"); });
        REQUIRE(m6 != list.end());
        m6->wave = QStringLiteral("M12");
        health.correctCheckup(QStringLiteral("P-00002"), *m6, QStringLiteral("wrong wave"));
    }
    CHECK(checkupPairs() == 1);
    sameAsClear();
    // A database sealed before version 17: no rows per member and no marker. The cohort reads the rows per
    // record, with the same figures.
    sealed.db->exec(QStringLiteral("DELETE FROM cohort_person_health"));
    sealed.db->exec(QStringLiteral("DELETE FROM cabas_meta WHERE key = 'cohort_person_health'"));
    REQUIRE_FALSE(store::HealthSealing::cohortPersonsComplete(*sealed.db));
    sameAsClear();
    CHECK(rows(sealed) == 0);
    // A social worker's login (no cohort key) writes nothing; a nurse's login writes them.
    test::sessionFor(*sealed.db, Role::SocialWorker);
    CHECK_FALSE(store::HealthSealing::cohortPersonsComplete(*sealed.db));
    sealed.nurse = test::sessionFor(*sealed.db, Role::Nurse);
    CHECK(store::HealthSealing::cohortPersonsComplete(*sealed.db) == kept);
    CHECK(rows(sealed) == (kept ? 3 : 0));
    sameAsClear();
    // A coordinator's login does it too (SQLite has no database roles to stop it).
    sealed.db->exec(QStringLiteral("DELETE FROM cohort_person_health"));
    sealed.db->exec(QStringLiteral("DELETE FROM cabas_meta WHERE key = 'cohort_person_health'"));
    sealed.coordinator = test::sessionFor(*sealed.db, Role::Coordinator);
    CHECK(store::HealthSealing::cohortPersonsComplete(*sealed.db) == kept);
    CHECK(rows(sealed) == (kept ? 3 : 0));
    sameAsClear();
    // A row that is altered (moved to another member) is refused, not read as theirs.
    sealed.db->exec(
        QStringLiteral("UPDATE cohort_person_health SET sealed = (SELECT sealed FROM "
                       "cohort_person_health WHERE person_id = ?) WHERE person_id = ?"),
        {sealed.personIds[QStringLiteral("P-00001")], sealed.personIds[QStringLiteral("P-00002")]});
    if (backend == store::Backend::Sqlite) {
        CHECK_THROWS_AS(CohortService(*sealed.db, sealed.coordinator).report(period(), Disclosure::Internal),
                        Error);
    }
}

TEST_CASE("cohort health pairs and follow-up by wave match a recount on random members and records",
          "[cohort][health]")
{
    test::ScopedClock clock(utc(2025, 6, 15, 9, 0));
    const std::vector<std::pair<QString, int>> waves = {
        {QStringLiteral("M0"), 0},    {QStringLiteral("M3"), 90},   {QStringLiteral("M6"), 180},
        {QStringLiteral("M12"), 365}, {QStringLiteral("M18"), 540}, {QStringLiteral("M24"), 730}};
    const QStringList freqs = {QStringLiteral("never"), QStringLiteral("rarely"), QStringLiteral("sometimes"),
                               QStringLiteral("often"), QStringLiteral("always")};
    std::vector<std::string> perBackend;
    for (const store::Backend backend : test::backendsUnderTest()) {
        CABAS_BACKEND_INFO(backend);
        TempDatabase t(backend);
        auto db = t.createInitialised();
        QRandomGenerator rng(20261206);
        const QDate base(2023, 1, 1);
        auto day = [&](int span) { return base.addDays(rng.bounded(span)); };
        auto text = [](const QDate& d) {
            return d.isValid() ? QVariant(d.toString(Qt::ISODate)) : QVariant();
        };
        struct Member
        {
            QDate enrolled, exited, arrived, left;
            bool consent = false;
            std::map<QString, QDate> checkups, questionnaires;
            std::map<QString, std::pair<int, int>> measures; // wave: weight, height (0: none)
            std::map<QString, std::array<int, 3>> answers;   // wave: ranks (-1: none)
            std::map<QString, int> discovered;               // wave: -1 none, 0, 1
        };
        std::map<qint64, Member> members;
        const QString stamp = QStringLiteral("2025-01-01T00:00:00Z");
        for (int h = 0; h < 12; ++h) {
            if (h == 6) {
                // A person far ahead in the id sequence (outside any cohort): on SQLite the members that
                // follow are numbered after it, so the in-memory pass finds members through its sparse index.
                db->exec(QStringLiteral("INSERT INTO household (code, status, created_at, updated_at) VALUES "
                                        "('H-far', 'candidate', ?, ?)"),
                         {stamp, stamp});
                db->exec(
                    QStringLiteral(
                        "INSERT INTO person (id, household_id, code, first_name, last_name, search_name, "
                        "birth_date, role, created_at, updated_at) SELECT 1000000, id, 'P-far', 'A', "
                        "'B', 'a b', '1980-01-01', 'adult', ?, ? FROM household WHERE code = 'H-far'"),
                    {stamp, stamp});
            }
            const int kind = rng.bounded(6);
            const QDate enrolled = kind == 0 ? QDate() : day(700);
            const QDate exited =
                kind == 1 && enrolled.isValid() ? enrolled.addDays(30 + rng.bounded(300)) : QDate();
            db->exec(
                QStringLiteral("INSERT INTO household (code, status, enrolled_on, exited_on, created_at, "
                               "updated_at) VALUES (?, ?, ?, ?, ?, ?)"),
                {QStringLiteral("H-%1").arg(h),
                 enrolled.isValid()
                     ? (exited.isValid() ? QStringLiteral("exited") : QStringLiteral("enrolled"))
                     : QStringLiteral("candidate"),
                 text(enrolled), text(exited), stamp, stamp});
            QSqlQuery id = db->exec(QStringLiteral("SELECT id FROM household WHERE code = ?"),
                                    {QStringLiteral("H-%1").arg(h)});
            REQUIRE(id.next());
            const qint64 householdId = id.value(0).toLongLong();
            for (int p = 0, n = 1 + rng.bounded(4); p < n; ++p) {
                Member m;
                m.enrolled = enrolled;
                m.exited = exited;
                if (rng.bounded(3) == 0)
                    m.arrived = day(900);
                if (rng.bounded(4) == 0)
                    m.left = (m.arrived.isValid() ? m.arrived : base).addDays(20 + rng.bounded(400));
                const QString code = QStringLiteral("P-%1-%2").arg(h).arg(p);
                db->exec(QStringLiteral(
                             "INSERT INTO person (household_id, code, first_name, last_name, search_name, "
                             "birth_date, role, arrived_on, left_on, created_at, updated_at) VALUES "
                             "(?, ?, 'A', 'B', 'a b', '1980-01-01', ?, ?, ?, ?, ?)"),
                         {householdId, code,
                          rng.bounded(3) == 0 ? QStringLiteral("child") : QStringLiteral("adult"),
                          text(m.arrived), text(m.left), stamp, stamp});
                QSqlQuery pid = db->exec(QStringLiteral("SELECT id FROM person WHERE code = ?"), {code});
                REQUIRE(pid.next());
                const qint64 personId = pid.value(0).toLongLong();
                // Consents: given, refused, or given then withdrawn (any given row counts).
                for (int c = 0, k = rng.bounded(3); c < k; ++c) {
                    const bool given = rng.bounded(3) != 0;
                    const bool followup = rng.bounded(4) != 0;
                    m.consent = m.consent || (given && followup);
                    db->exec(
                        QStringLiteral("INSERT INTO consent (person_id, purpose, given, effective_on, "
                                       "recorded_at) VALUES (?, ?, %1, ?, ?)")
                            .arg(given ? QStringLiteral("TRUE") : QStringLiteral("FALSE")),
                        {personId,
                         followup ? QStringLiteral("health_followup") : QStringLiteral("research_export"),
                         text(day(900)), stamp});
                }
                for (const auto& [wave, offset] : waves) {
                    if (rng.bounded(3) == 0) {
                        const QDate on = day(1000);
                        const int weight = rng.bounded(5) == 0 ? 0 : 40000 + rng.bounded(60000);
                        const int height = rng.bounded(6) == 0 ? 0 : 1400 + rng.bounded(500);
                        m.checkups[wave] = on;
                        m.measures[wave] = {weight, height};
                        db->exec(QStringLiteral(
                                     "INSERT INTO checkup (person_id, taken_on, wave, weight_g, height_mm, "
                                     "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                                 {personId, text(on), wave,
                                  weight ? QVariant(weight) : QVariant(QMetaType(QMetaType::Int)),
                                  height ? QVariant(height) : QVariant(QMetaType(QMetaType::Int)), stamp,
                                  stamp});
                    }
                    if (rng.bounded(3) == 0) {
                        const QDate on = day(1000);
                        std::array<int, 3> r{};
                        for (int& x : r)
                            x = rng.bounded(6) - 1;
                        const int discovered = rng.bounded(3) - 1;
                        m.questionnaires[wave] = on;
                        m.answers[wave] = r;
                        m.discovered[wave] = discovered;
                        auto freq = [&](int x) {
                            return x < 0 ? QVariant(QMetaType(QMetaType::QString)) : QVariant(freqs[x]);
                        };
                        db->exec(
                            QStringLiteral(
                                "INSERT INTO diet_questionnaire (person_id, answered_on, wave, "
                                "organic_fv_freq, local_products_freq, organic_products_freq, "
                                "discovered_sustainable_shop, created_at, updated_at) VALUES (?, ?, ?, "
                                "?, ?, ?, %1, ?, ?)")
                                .arg(discovered < 0
                                         ? QStringLiteral("NULL")
                                         : (discovered ? QStringLiteral("TRUE") : QStringLiteral("FALSE"))),
                            {personId, text(on), wave, freq(r[0]), freq(r[1]), freq(r[2]), stamp, stamp});
                    }
                }
                members[personId] = m;
            }
        }
        std::string all;
        for (int i = 0; i < 25; ++i) {
            QDate from = day(1000);
            QDate to = day(1000);
            if (to < from)
                std::swap(from, to);
            INFO("period " << from.toString(Qt::ISODate).toStdString() << " "
                           << to.toString(Qt::ISODate).toStdString());
            CohortFilter f;
            f.from = from;
            f.to = to;
            // SQLite computes them in memory; the statements PostgreSQL runs must count the same there too.
            std::vector<bool> inSql{false};
            if (backend == store::Backend::Sqlite)
                inSql.push_back(true);
            for (const bool statements : inSql) {
                INFO("statements " << statements);
                const bool before = store::CohortQueries::setHealthInSql(statements);
                const CohortRaw raw = store::CohortQueries(*db).compute(f, waves);
                store::CohortQueries::setHealthInSql(before);
                qint64 pairs = 0, discoveredAnswered = 0, discoveredYes = 0, checkupPairs = 0;
                std::array<qint64, 3> increased{};
                double bmi = 0;
                std::map<QString, std::pair<qint64, qint64>> followup;
                for (const auto& [id, m] : members) {
                    const bool inCohort =
                        m.enrolled.isValid() && m.enrolled <= to && (!m.exited.isValid() || m.exited >= from);
                    if (!inCohort || (m.arrived.isValid() && m.arrived > to) ||
                        (m.left.isValid() && m.left < from))
                        continue;
                    auto dated = [&](const std::map<QString, QDate>& records, const QString& wave) {
                        const auto it = records.find(wave);
                        return it != records.end() && it->second <= to;
                    };
                    if (dated(m.questionnaires, QStringLiteral("M0")) &&
                        dated(m.questionnaires, QStringLiteral("M6"))) {
                        ++pairs;
                        const auto& a0 = m.answers.at(QStringLiteral("M0"));
                        const auto& a6 = m.answers.at(QStringLiteral("M6"));
                        for (int k = 0; k < 3; ++k)
                            if (a0[k] >= 0 && a6[k] >= 0 && a6[k] > a0[k])
                                ++increased[k];
                    }
                    if (dated(m.questionnaires, QStringLiteral("M6")) &&
                        m.discovered.at(QStringLiteral("M6")) >= 0) {
                        ++discoveredAnswered;
                        discoveredYes += m.discovered.at(QStringLiteral("M6"));
                    }
                    if (dated(m.checkups, QStringLiteral("M0")) && dated(m.checkups, QStringLiteral("M6"))) {
                        const auto [w0, h0] = m.measures.at(QStringLiteral("M0"));
                        const auto [w6, h6] = m.measures.at(QStringLiteral("M6"));
                        if (w0 && h0 && w6 && h6) {
                            ++checkupPairs;
                            bmi += double(w6) * 1000.0 / (double(h6) * double(h6)) -
                                   double(w0) * 1000.0 / (double(h0) * double(h0));
                        }
                    }
                    if (!m.consent)
                        continue;
                    const QDate start =
                        m.arrived.isValid() && m.arrived > m.enrolled ? m.arrived : m.enrolled;
                    for (const auto& [wave, offset] : waves) {
                        if (start.addDays(offset) > to)
                            continue;
                        ++followup[wave].first;
                        if (dated(m.checkups, wave) || dated(m.questionnaires, wave))
                            ++followup[wave].second;
                    }
                }
                CHECK(raw.questionnairePairs == pairs);
                CHECK(raw.organicFvIncreased == increased[0]);
                CHECK(raw.localProductsIncreased == increased[1]);
                CHECK(raw.organicProductsIncreased == increased[2]);
                CHECK(raw.discoveredAnswered == discoveredAnswered);
                CHECK(raw.discoveredYes == discoveredYes);
                CHECK(raw.checkupPairs == checkupPairs);
                CHECK(raw.bmiChangeSum == Approx(bmi));
                REQUIRE(raw.waves.size() == waves.size());
                std::ostringstream out;
                out << pairs << " " << checkupPairs << " " << discoveredYes << ":";
                for (const CohortRaw::Wave& w : raw.waves) {
                    CHECK(w.expected == followup[w.wave].first);
                    CHECK(w.done == followup[w.wave].second);
                    out << " " << w.expected << "/" << w.done;
                }
                if (!statements)
                    all += out.str() + "\n";
            }
        }
        perBackend.push_back(all);
    }
    for (const std::string& s : perBackend)
        CHECK(s == perBackend.front());
}

TEST_CASE("cohort indicators: a database whose health is sealed gives the same JSON as a clear one",
          "[cohort][sealed][health]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(utc(2025, 1, 15, 9, 0));
    Fixture clear(backend);
    Fixture sealed(backend, true);
    REQUIRE(store::Sealed::coversHealth(*sealed.db));
    REQUIRE(sealed.t.rawValue(QStringLiteral("SELECT count(*) FROM checkup WHERE weight_g IS NOT NULL"))
                .toInt() == 0);
    REQUIRE(sealed.t.rawValue(QStringLiteral("SELECT count(*) FROM cohort_health")).toInt() == 10);
    CohortFilter condom = period();
    condom.commune = QStringLiteral("Condom");
    CohortFilter auch = period(QDate(2024, 6, 1), QDate(2025, 1, 10));
    auch.commune = QStringLiteral("Auch");
    for (const CohortFilter& f : {period(), period(QDate(2024, 6, 1), QDate(2024, 7, 31)),
                                  period(QDate(2024, 6, 1), QDate(2025, 1, 10)), condom, auch}) {
        INFO(f.to.toString(Qt::ISODate).toStdString() << ' ' << f.commune.toStdString());
        for (const Disclosure d : {Disclosure::Internal, Disclosure::Public}) {
            const QByteArray a =
                QJsonDocument(CohortService(*clear.db, clear.coordinator).report(f, d).toJson()).toJson();
            const QByteArray b =
                QJsonDocument(CohortService(*sealed.db, sealed.coordinator).report(f, d).toJson()).toJson();
            CHECK(a == b);
            // The same when the sealed rows are opened in parts, in other threads while the next part is read
            // (what a large programme's cohort does).
            for (const std::size_t part : {std::size_t(1), std::size_t(3)}) {
                const std::size_t before = store::CohortQueries::setSealedPartRows(part);
                const QByteArray parted =
                    QJsonDocument(CohortService(*sealed.db, sealed.coordinator).report(f, d).toJson())
                        .toJson();
                store::CohortQueries::setSealedPartRows(before);
                CHECK(parted == a);
            }
        }
        for (const QString& key : store::CohortQueries::traceableKeys()) {
            INFO(key.toStdString());
            const auto a = CohortService(*clear.db, clear.coordinator).householdsBehind(f, key);
            const auto b = CohortService(*sealed.db, sealed.coordinator).householdsBehind(f, key);
            REQUIRE(a.size() == b.size());
            for (size_t i = 0; i < a.size(); ++i)
                CHECK((a[i].code == b[i].code && a[i].commune == b[i].commune));
        }
    }
    // A session without the cohort key (a social worker's: internal figures are theirs too) gets the report
    // with the health pairs withheld, and no list of households behind them.
    const QJsonObject withheld =
        indicatorsOf(CohortService(*sealed.db, sealed.socialWorker).report(period(), Disclosure::Internal));
    const QJsonObject clearForWorker =
        indicatorsOf(CohortService(*clear.db, clear.socialWorker).report(period(), Disclosure::Internal));
    for (const QString& key : store::CohortQueries::sealedHealthKeys()) {
        INFO(key.toStdString());
        CHECK(withheld.value(key).isNull());
        CHECK_FALSE(clearForWorker.value(key).isNull());
    }
    CHECK(withheld.value(QStringLiteral("spent_cents")) ==
          clearForWorker.value(QStringLiteral("spent_cents")));
    QString message;
    try {
        CohortService(*sealed.db, sealed.socialWorker)
            .householdsBehind(period(), QStringLiteral("checkup_pairs"));
    } catch (const Error& e) {
        message = e.message();
    }
    CHECK(message ==
          store::HealthSealing::tr("This database keeps the cohort's health figures encrypted, and this "
                                   "session has no cohort key yet: a nurse's next login gives it, then "
                                   "log in again (nothing was read or written)."));
}
