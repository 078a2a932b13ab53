#include "io/PersonsImport.h"
#include "TestPaths.h"
#include "common/Error.h"
#include "store/AuditRepository.h"
#include "store/HouseholdRepository.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QDir>
#include <catch2/catch.hpp>

using namespace cabas;
using cabas::test::TempDatabase;

namespace {
const QString kSample = QStringLiteral(CABAS_SAMPLES_DIR "/persons.csv");
const QByteArray kHeader = "household_code;enrolled_on;commune;postcode;card_id;person_code;first_name;last_"
                           "name;birth_date;sex;role\n";
} // namespace

TEST_CASE("persons.csv imports once, the same file again changes nothing", "[io][import]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.createInitialised();
    const Session sw = test::sessionFor(*db, Role::SocialWorker);
    REQUIRE(QFile::exists(kSample));

    const io::ImportReport first = io::PersonsImport(*db, sw).run(kSample);
    CHECK(first.ok());
    CHECK(first.householdsNew == 6);
    CHECK(first.personsNew == 15);
    CHECK(first.cardsNew == 6);
    store::PersonRepository persons(*db);
    const auto p1 = persons.findByCode(QStringLiteral("P-00001"));
    REQUIRE(p1);
    CHECK(p1->lastName == QStringLiteral("Nguyễn"));
    CHECK(store::HouseholdRepository(*db).findById(p1->householdId)->code == QStringLiteral("MMG-0001"));

    const qint64 auditAfterFirst = store::AuditRepository(*db).recordedHead();
    const io::ImportReport second = io::PersonsImport(*db, sw).run(kSample);
    CHECK(second.householdsNew == 0);
    CHECK(second.householdsUnchanged == 6);
    CHECK(second.personsUnchanged == 15);
    CHECK(second.cardsNew == 0);
    CHECK(store::AuditRepository(*db).recordedHead() == auditAfterFirst); // nothing written, nothing audited
    CHECK(store::HouseholdRepository(*db).count() == 6);
}

TEST_CASE("a persons.csv with errors reports them all, located, and imports nothing", "[io][import]")
{
    TempDatabase t(store::Backend::Sqlite);
    auto db = t.createInitialised();
    const Session sw = test::sessionFor(*db, Role::SocialWorker);
    const QString file = QDir(t.dir()).filePath(QStringLiteral("persons.csv"));
    test::writeFile(file, kHeader + "MMG-0001;2024-06-04;Auch;32000;C-1;P-1;Anne;Roux;1980-01-01;F;adult\n"
                                    "MMG-0001;2024-06-04;Condom;32000;C-1;P-2;Léa;Roux;2012-01-01;F;child\n"
                                    "MMG-0002;04/06/2024;Auch;32000;C-2;P-1;Paul;Roux;1980-01-01;M;adult\n"
                                    "MMG-0003;2024-06-31;Auch;320;C-3;P-3;;Roux;1980-01-01;Z;parent\n");
    io::PersonsImport import(*db, sw);
    const io::ImportReport report = import.check(file);
    const QString all = report.errors.join(QLatin1Char('\n'));
    INFO(all.toStdString());
    CHECK(all.contains(QStringLiteral("persons.csv:3: commune:")));
    CHECK(all.contains(QStringLiteral("persons.csv:4: person_code:")));
    CHECK(all.contains(QStringLiteral("persons.csv:5: enrolled_on:")));
    CHECK(all.contains(QStringLiteral("persons.csv:5: postcode:")));
    CHECK(all.contains(QStringLiteral("persons.csv:5: first_name:")));
    CHECK(all.contains(QStringLiteral("persons.csv:5: sex:")));
    CHECK(all.contains(QStringLiteral("persons.csv:5: role:")));
    CHECK_THROWS_AS(import.run(file), Error);
    CHECK(store::HouseholdRepository(*db).count() == 0);
    CHECK(store::PersonRepository(*db).count() == 0);
}

TEST_CASE("persons.csv updates what changed and refuses to move people", "[io][import]")
{
    TempDatabase t(store::Backend::Sqlite);
    auto db = t.createInitialised();
    const Session sw = test::sessionFor(*db, Role::SocialWorker);
    const QString file = QDir(t.dir()).filePath(QStringLiteral("persons.csv"));
    test::writeFile(file, kHeader +
                              "MMG-0001;2024-06-04;Auch;32000;C-1;P-1;Anne;Roux;1980-01-01;F;adult\n"
                              "MMG-0002;2024-06-05;Auch;32000;C-2;P-2;Paul;Dupont;1975-01-01;M;adult\n");
    io::PersonsImport(*db, sw).run(file);
    // Anne's name was corrected and the household moved to Condom; an unknown column is only a warning.
    test::writeFile(
        file, "household_code;enrolled_on;commune;postcode;card_id;person_code;first_name;last_name;"
              "birth_date;sex;role;phone\n"
              "MMG-0001;2024-06-04;Condom;32100;C-1;P-1;Anne;Roux-Martin;1980-01-01;F;adult;0600000000\n");
    const io::ImportReport update = io::PersonsImport(*db, sw).run(file);
    CHECK(update.householdsUpdated == 1);
    CHECK(update.personsUpdated == 1);
    CHECK(update.warnings.join(QLatin1Char(' ')).contains(QStringLiteral("phone")));
    CHECK(store::PersonRepository(*db).findByCode(QStringLiteral("P-1"))->lastName ==
          QStringLiteral("Roux-Martin"));
    CHECK(store::HouseholdRepository(*db).findByCode(QStringLiteral("MMG-0001"))->commune ==
          QStringLiteral("Condom"));

    // Paul listed in Anne's household, and Anne's card given to Paul's household: refused.
    test::writeFile(file, kHeader +
                              "MMG-0001;2024-06-04;Condom;32100;C-1;P-2;Paul;Dupont;1975-01-01;M;adult\n"
                              "MMG-0002;2024-06-05;Auch;32000;C-1;P-3;Zoé;Dupont;2015-01-01;F;child\n");
    const QString errors = io::PersonsImport(*db, sw).check(file).errors.join(QLatin1Char('\n'));
    CHECK(errors.contains(QStringLiteral("persons.csv:2: person_code:")));
    CHECK(errors.contains(QStringLiteral("card_id")));
}

TEST_CASE("only social workers import persons", "[io][import][access]")
{
    TempDatabase t(store::Backend::Sqlite);
    auto db = t.createInitialised();
    for (Role role : {Role::Nurse, Role::Coordinator, Role::Admin}) {
        const Session s = test::sessionFor(*db, role);
        try {
            io::PersonsImport(*db, s).check(kSample);
            FAIL("import allowed");
        } catch (const Error& e) {
            CHECK(e.kind() == Error::Kind::AccessDenied);
        }
    }
    CHECK(store::HouseholdRepository(*db).count() == 0);
}
