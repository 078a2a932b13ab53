#include "io/HealthImport.h"
#include "TestPaths.h"
#include "common/Error.h"
#include "io/PersonsImport.h"
#include "services/HealthService.h"
#include "services/HouseholdService.h"
#include "store/HouseholdRepository.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QDir>
#include <catch2/catch.hpp>

using namespace cabas;
using cabas::test::TempDatabase;

namespace {
const QString kSamples = QStringLiteral(CABAS_SAMPLES_DIR);

// The sample households, with health follow-up consent from `from` for every person, and a programme whose
// waves are M0 and M6.
struct Fixture
{
    TempDatabase t;
    std::unique_ptr<store::Database> db;
    Session nurse;

    Fixture(store::Backend backend, QDate from = QDate(2024, 6, 1)) : t(backend)
    {
        db = t.createInitialised();
        const Session sw = test::sessionFor(*db, Role::SocialWorker);
        io::PersonsImport(*db, sw).run(kSamples + QStringLiteral("/persons.csv"));
        HouseholdService service(*db, sw);
        for (const Household& h : service.list())
            for (const Person& p : service.members(h.id)) {
                Consent c;
                c.personId = p.id;
                c.purpose = ConsentPurpose::HealthFollowup;
                c.effectiveOn = from;
                service.recordConsent(c);
            }
        nurse = test::sessionFor(*db, Role::Nurse);
    }
};
} // namespace

TEST_CASE("the sample checkups and questionnaires import, once", "[io][import][health]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    Fixture f(backend);
    io::HealthImport import(*f.db, f.nurse);
    const auto checkups = import.runCheckups(kSamples + QStringLiteral("/checkups.csv"));
    INFO(checkups.errors.join(QLatin1Char('\n')).toStdString());
    CHECK(checkups.created == 24);
    const auto questionnaires = import.runQuestionnaires(kSamples + QStringLiteral("/questionnaires.csv"));
    INFO(questionnaires.errors.join(QLatin1Char('\n')).toStdString());
    CHECK(questionnaires.created == 24);

    const auto p1 = HealthService(*f.db, f.nurse).checkups(QStringLiteral("P-00001"));
    REQUIRE(p1.checkups.size() == 2);
    CHECK(p1.checkups[0].weightG == 99300);
    CHECK(p1.checkups[0].heightMm == 1860);
    CHECK(p1.checkups[1].systolicMmHg == 124);
    const auto q1 = HealthService(*f.db, f.nurse).questionnaires(QStringLiteral("P-00001"));
    REQUIRE(q1.questionnaires.size() == 2);
    CHECK(q1.questionnaires[0].fvPortionsX10 == 0);
    CHECK(q1.questionnaires[1].organicProducts == Frequency::Sometimes);
    CHECK(q1.questionnaires[1].discoveredSustainableShop == true);
    CHECK_FALSE(q1.questionnaires[0].discoveredSustainableShop.has_value());

    const auto again =
        io::HealthImport(*f.db, f.nurse).runCheckups(kSamples + QStringLiteral("/checkups.csv"));
    CHECK(again.created == 0);
    CHECK(again.unchanged == 24);
}

TEST_CASE("health imports refuse rows without consent, changed values and bad measures",
          "[io][import][health]")
{
    Fixture f(store::Backend::Sqlite, QDate(2024, 7, 1)); // consent only from July
    const QString file = QDir(f.t.dir()).filePath(QStringLiteral("checkups.csv"));
    test::writeFile(file, "person_code;date;wave;weight_kg;height_cm;systolic_mmhg;diastolic_mmhg;colour\n"
                          "P-00001;2024-06-14;M0;99,3;186;154;95;red\n" // before consent
                          "P-00002;2024-07-17;M0;53,7;168;113;78;\n"    // fine
                          "P-00003;2024-07-20;M3;30;140;100;60;\n"      // not a wave
                          "P-00004;2024-07-20;M0;abc;400;80;90;\n"      // bad measures
                          "P-99999;2024-07-20;M0;60;160;120;80;\n"      // unknown person
                          "P-00002;2024-07-18;M0;54;168;113;78;\n");    // second M0 for P-00002
    io::HealthImport import(*f.db, f.nurse);
    const auto report = import.checkCheckups(file);
    const QString all = report.errors.join(QLatin1Char('\n'));
    INFO(all.toStdString());
    CHECK(all.contains(QStringLiteral("checkups.csv:2:")));
    CHECK(all.contains(QStringLiteral("checkups.csv:4:")));
    CHECK(all.contains(QStringLiteral("checkups.csv:5: weight_kg:")));
    CHECK(all.contains(QStringLiteral("checkups.csv:5: height_cm:")));
    CHECK(all.contains(QStringLiteral("checkups.csv:5: systolic_mmhg:")));
    CHECK(all.contains(QStringLiteral("checkups.csv:6: person_code:")));
    CHECK(all.contains(QStringLiteral("checkups.csv:7: wave:")));
    CHECK(report.warnings.join(QLatin1Char(' ')).contains(QStringLiteral("colour")));
    CHECK_THROWS_AS(import.runCheckups(file), Error);
    CHECK(HealthService(*f.db, f.nurse).checkups(QStringLiteral("P-00002")).checkups.empty());

    // A record already there with other values is an error, not a silent update.
    test::writeFile(file, "person_code;date;wave;weight_kg;height_cm;systolic_mmhg;diastolic_mmhg\n"
                          "P-00002;2024-07-17;M0;53,7;168;113;78\n");
    REQUIRE(import.runCheckups(file).created == 1);
    test::writeFile(file, "person_code;date;wave;weight_kg;height_cm;systolic_mmhg;diastolic_mmhg\n"
                          "P-00002;2024-07-17;M0;55,0;168;113;78\n");
    CHECK(import.checkCheckups(file)
              .errors.join(QLatin1Char('\n'))
              .contains(QStringLiteral("checkups.csv:2: wave:")));
}

TEST_CASE("questionnaire imports read French labels and refuse bad answers", "[io][import][health]")
{
    Fixture f(store::Backend::Sqlite);
    const QString file = QDir(f.t.dir()).filePath(QStringLiteral("q.csv"));
    test::writeFile(file, "person_code;date;wave;fv_portions_per_day;organic_fv_freq;local_products_freq;"
                          "organic_products_freq;discovered_sustainable_shop\n"
                          "P-00001;2024-06-23;M0;2,5;jamais;Rarement;souvent;\n"
                          "P-00002;2024-06-23;M0;1;sometimes;often;never;oui\n"
                          "P-00003;2024-12-23;M6;40;daily;often;never;maybe\n");
    const auto report = io::HealthImport(*f.db, f.nurse).checkQuestionnaires(file);
    const QString all = report.errors.join(QLatin1Char('\n'));
    INFO(all.toStdString());
    CHECK_FALSE(all.contains(QStringLiteral("q.csv:2:")));
    CHECK(all.contains(QStringLiteral("q.csv:3: discovered_sustainable_shop:")));
    CHECK(all.contains(QStringLiteral("q.csv:4: organic_fv_freq:")));
    CHECK(all.contains(QStringLiteral("q.csv:4: discovered_sustainable_shop:")));
    CHECK(all.contains(QStringLiteral("q.csv:4: fv_portions_per_day:")));
}

TEST_CASE("only nurses import health data", "[io][import][health][access]")
{
    Fixture f(store::Backend::Sqlite);
    for (Role role : {Role::SocialWorker, Role::Coordinator, Role::Admin}) {
        const Session s = test::sessionFor(*f.db, role);
        CHECK_THROWS_AS(io::HealthImport(*f.db, s).checkCheckups(kSamples + QStringLiteral("/checkups.csv")),
                        Error);
        CHECK_THROWS_AS(
            io::HealthImport(*f.db, s).checkQuestionnaires(kSamples + QStringLiteral("/questionnaires.csv")),
            Error);
    }
}
