#include "io/AttendanceImport.h"
#include "TestPaths.h"
#include "common/Error.h"
#include "io/PersonsImport.h"
#include "services/WorkshopService.h"
#include "store/AuditRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QDir>
#include <catch2/catch.hpp>

using namespace cabas;
using cabas::test::TempDatabase;

namespace {
const QString kSamples = QStringLiteral(CABAS_SAMPLES_DIR);

struct Fixture
{
    TempDatabase t;
    std::unique_ptr<store::Database> db;
    Session coordinator;

    explicit Fixture(store::Backend backend) : t(backend)
    {
        db = t.createInitialised();
        io::PersonsImport(*db, test::sessionFor(*db, Role::SocialWorker))
            .run(kSamples + QStringLiteral("/persons.csv"));
        coordinator = test::sessionFor(*db, Role::Coordinator);
    }
};

qint64 auditCount(const store::Database& db)
{
    return qint64(store::AuditRepository(db).list(store::AuditFilter{}).size());
}
} // namespace

TEST_CASE("the sample attendance imports once, the same file again changes nothing",
          "[io][import][workshops]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 6, 1), QTime(9, 0), Qt::UTC));
    Fixture f(backend);
    io::AttendanceImport import(*f.db, f.coordinator);
    const auto report = import.run(kSamples + QStringLiteral("/attendance.csv"));
    INFO(report.errors.join(QLatin1Char('\n')).toStdString());
    CHECK(report.workshopsNew == 12);
    CHECK(report.created == 106);
    const WorkshopService service(*f.db, f.coordinator);
    const auto all = service.list(QDate(), QDate());
    REQUIRE(all.size() == 12);
    int present = 0, absent = 0;
    for (const auto& s : all) {
        present += s.present;
        absent += s.absent;
    }
    CHECK(present == 88);
    CHECK(absent == 18);
    CHECK(all.front().workshop.type == WorkshopType::FarmVisit);
    CHECK(all.front().workshop.heldOn == QDate(2024, 6, 21));

    const qint64 audited = auditCount(*f.db);
    const auto again =
        io::AttendanceImport(*f.db, f.coordinator).run(kSamples + QStringLiteral("/attendance.csv"));
    CHECK(again.workshopsNew == 0);
    CHECK(again.created == 0);
    CHECK(again.updated == 0);
    CHECK(again.unchanged == 106);
    CHECK(auditCount(*f.db) == audited);
}

TEST_CASE("attendance import: every error located, nothing written", "[io][import][workshops]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 6, 1), QTime(9, 0), Qt::UTC));
    Fixture f(backend);
    const QString file = f.t.dir() + QStringLiteral("/attendance.csv");
    test::writeFile(file, "workshop_date;workshop_type;title;person_code;attended;room\n"
                          "2025-03-14;cooking;Soupe de saison;P-00001;yes;A\n"
                          "2025-13-01;cooking;Soupe de saison;P-00002;yes;A\n"
                          "2025-03-14;knitting;Soupe de saison;P-00003;no;A\n"
                          "2025-03-14;cooking;;P-00004;oui;A\n"
                          "2025-03-14;cooking;Soupe de saison;P-99999;non;A\n"
                          "2025-03-14;cooking;Soupe de saison;P-00005;maybe;A\n"
                          "2025-03-14;cooking;Soupe de saison;P-00001;no;A\n"
                          "2025-07-01;cooking;Soupe de saison;P-00006;yes;A\n");
    io::AttendanceImport import(*f.db, f.coordinator);
    const auto report = import.check(file);
    const QStringList& e = report.errors;
    INFO(e.join(QLatin1Char('\n')).toStdString());
    REQUIRE(e.size() == 7);
    CHECK(e[0].startsWith(QStringLiteral("attendance.csv:3: workshop_date:")));
    CHECK(e[1].startsWith(QStringLiteral("attendance.csv:4: workshop_type:")));
    CHECK(e[2].startsWith(QStringLiteral("attendance.csv:5: title:")));
    CHECK(e[3].startsWith(QStringLiteral("attendance.csv:6: person_code:")));
    CHECK(e[4].startsWith(QStringLiteral("attendance.csv:7: attended:")));
    CHECK(e[5].startsWith(QStringLiteral("attendance.csv:8: person_code:")));   // twice for one workshop
    CHECK(e[6].startsWith(QStringLiteral("attendance.csv:9: workshop_date:"))); // in the future
    REQUIRE(report.warnings.size() == 1);
    CHECK(report.warnings[0].contains(QStringLiteral("room")));

    const qint64 audited = auditCount(*f.db);
    CHECK_THROWS_AS(io::AttendanceImport(*f.db, f.coordinator).run(file), Error);
    CHECK(WorkshopService(*f.db, f.coordinator).list(QDate(), QDate()).empty());
    CHECK(auditCount(*f.db) == audited);

    test::writeFile(file, "workshop_date;title;person_code;attended\n2025-03-14;Soupe;P-00001;yes\n");
    const auto missing = io::AttendanceImport(*f.db, f.coordinator).check(file);
    REQUIRE(missing.errors.size() == 1);
    CHECK(missing.errors[0].contains(QStringLiteral("workshop_type")));
}

TEST_CASE("attendance import completes registrations already there and respects cancelled workshops",
          "[io][import][workshops]")
{
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 1), QTime(9, 0), Qt::UTC));
    Fixture f(store::Backend::Sqlite);
    const WorkshopService service(*f.db, f.coordinator);
    Workshop w;
    w.type = WorkshopType::Cooking;
    w.title = QStringLiteral("Soupe de saison");
    w.heldOn = QDate(2025, 3, 14);
    w.capacity = 1;
    service.create(w);
    service.registerPerson(w.id, QStringLiteral("P-00001"));
    service.registerPerson(w.id, QStringLiteral("P-00002")); // waits
    clock.clock().set(QDateTime(QDate(2025, 3, 15), QTime(9, 0), Qt::UTC));
    const QString file = f.t.dir() + QStringLiteral("/attendance.csv");
    test::writeFile(file, "workshop_date;workshop_type;title;person_code;attended\n"
                          "14/03/2025;cooking;Soupe de saison;P-00001;oui\n"
                          "2025-03-14;cooking;Soupe de saison;P-00002;yes\n"
                          "2025-03-14;cooking;Soupe de saison;P-00003;no\n");
    const auto report = io::AttendanceImport(*f.db, f.coordinator).run(file);
    CHECK(report.workshopsNew == 0);
    CHECK(report.updated == 2);
    CHECK(report.created == 1);
    const auto s = service.summary(w.id);
    CHECK(s.registered == 3); // the person who came from the waiting list has a place
    CHECK(s.waiting == 0);
    CHECK(s.present == 2);
    CHECK(s.absent == 1);

    service.cancel(w.id);
    const auto refused = io::AttendanceImport(*f.db, f.coordinator).check(file);
    CHECK(refused.errors.size() == 3);
}

TEST_CASE("attendance import: administrators may not import", "[io][import][workshops][access]")
{
    test::ScopedClock clock(QDateTime(QDate(2025, 6, 1), QTime(9, 0), Qt::UTC));
    Fixture f(store::Backend::Sqlite);
    try {
        io::AttendanceImport(*f.db, test::adminSession(*f.db))
            .check(kSamples + QStringLiteral("/attendance.csv"));
        FAIL("accepted");
    } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::AccessDenied);
    }
    const Session nurse = test::sessionFor(*f.db, Role::Nurse);
    CHECK(io::AttendanceImport(*f.db, nurse).check(kSamples + QStringLiteral("/attendance.csv")).ok());
}
