#include "services/WorkshopService.h"
#include "common/Error.h"
#include "demo/DemoGenerator.h"
#include "services/HouseholdService.h"
#include "store/AuditRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <catch2/catch.hpp>

using namespace cabas;
using cabas::test::TempDatabase;

namespace {
// Two households, five persons (P-00001 .. P-00005), a coordinator.
struct Fixture
{
    TempDatabase t;
    std::unique_ptr<store::Database> db;
    Session socialWorker;
    Session coordinator;
    qint64 household1 = 0;

    explicit Fixture(store::Backend backend) : t(backend)
    {
        db = t.createInitialised();
        socialWorker = test::sessionFor(*db, Role::SocialWorker);
        coordinator = test::sessionFor(*db, Role::Coordinator);
        const HouseholdService households(*db, socialWorker);
        const char* names[] = {"Amélie", "Bruno", "Chloé", "Driss", "Élodie"};
        for (int i = 0; i < 5; ++i) {
            if (i == 0 || i == 3) {
                Household h;
                h.code = QStringLiteral("MMG-%1").arg(i + 1, 4, 10, QLatin1Char('0'));
                h.status = HouseholdStatus::Enrolled;
                h.enrolledOn = QDate(2024, 6, 1);
                households.create(h);
                if (i == 0)
                    household1 = h.id;
                lastHousehold = h.id;
            }
            Person p;
            p.householdId = lastHousehold;
            p.code = QStringLiteral("P-%1").arg(i + 1, 5, 10, QLatin1Char('0'));
            p.firstName = QString::fromUtf8(names[i]);
            p.lastName = QStringLiteral("Lefèvre");
            p.birthDate = QDate(1985, 1, 1);
            households.addPerson(p);
        }
    }

    Workshop workshop(int capacity, QDate on = QDate(2025, 3, 14))
    {
        Workshop w;
        w.type = WorkshopType::CheeseMaking;
        w.title = QStringLiteral("Fromage de chèvre à la ferme");
        w.heldOn = on;
        w.startTime = QTime(14, 0);
        w.endTime = QTime(16, 30);
        w.place = QStringLiteral("Ferme de Larroque, Lectoure");
        w.partner = QStringLiteral("GAEC de Larroque");
        w.capacity = capacity;
        WorkshopService(*db, coordinator).create(w);
        return w;
    }

    qint64 lastHousehold = 0;
};

Error::Kind errorKind(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.kind();
    }
    FAIL("no error");
    return Error::Kind::Invalid;
}

QString p(int n)
{
    return QStringLiteral("P-%1").arg(n, 5, 10, QLatin1Char('0'));
}
} // namespace

TEST_CASE("a full workshop puts people on the waiting list, a cancellation promotes the first in line",
          "[workshops]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 1), QTime(9, 0), Qt::UTC));
    Fixture f(backend);
    const Workshop w = f.workshop(2);
    const WorkshopService service(*f.db, f.coordinator);

    CHECK(service.registerPerson(w.id, p(1)) == RegistrationStatus::Registered);
    CHECK(service.registerPerson(w.id, p(2)) == RegistrationStatus::Registered);
    clock.clock().set(QDateTime(QDate(2025, 3, 1), QTime(9, 5), Qt::UTC));
    CHECK(service.registerPerson(w.id, p(4)) == RegistrationStatus::Waiting);
    clock.clock().set(QDateTime(QDate(2025, 3, 1), QTime(9, 10), Qt::UTC));
    CHECK(service.registerPerson(w.id, p(3)) == RegistrationStatus::Waiting);
    CHECK(errorKind([&] { service.registerPerson(w.id, p(1)); }) == Error::Kind::Conflict);
    // Each status has its own sentence (no status word slotted into another sentence).
    for (const auto& [code, sentence] :
         {std::pair{p(1), WorkshopService::tr("%1 is already registered for this workshop.")},
          std::pair{p(3), WorkshopService::tr("%1 is already on the waiting list of this workshop.")}}) {
        try {
            service.registerPerson(w.id, code);
            FAIL("registered twice");
        } catch (const Error& e) {
            CHECK(e.message() == sentence.arg(code));
        }
    }
    CHECK(errorKind([&] { service.registerPerson(w.id, QStringLiteral("P-99999")); }) ==
          Error::Kind::NotFound);

    auto s = service.summary(w.id);
    CHECK(s.registered == 2);
    CHECK(s.waiting == 2);
    CHECK(s.placesLeft() == 0);
    auto rows = service.registrations(w.id);
    REQUIRE(rows.size() == 4);
    CHECK(rows[2].personCode == p(4)); // first in line: registered first, whatever the name
    CHECK(rows[2].waitingRank == 1);
    CHECK(rows[3].personCode == p(3));
    CHECK(rows[3].waitingRank == 2);

    // P-00002 cancels: P-00004, first in line, gets the place; the cancellation is kept with its date.
    clock.clock().set(QDateTime(QDate(2025, 3, 2), QTime(10, 0), Qt::UTC));
    CHECK(service.cancelRegistration(w.id, p(2)) == p(4));
    s = service.summary(w.id);
    CHECK(s.registered == 2);
    CHECK(s.waiting == 1);
    rows = service.registrations(w.id);
    REQUIRE(rows.size() == 4);
    CHECK(rows.back().personCode == p(2));
    CHECK(rows.back().registration.status == RegistrationStatus::Cancelled);
    CHECK(rows.back().registration.cancelledAt == QDateTime(QDate(2025, 3, 2), QTime(10, 0), Qt::UTC));

    // Cancelling someone on the waiting list promotes nobody.
    CHECK(service.cancelRegistration(w.id, p(3)).isEmpty());
    CHECK(service.summary(w.id).waiting == 0);
    CHECK(errorKind([&] { service.cancelRegistration(w.id, p(3)); }) == Error::Kind::NotFound);

    // A cancelled person may register again: the workshop is full, so they wait.
    CHECK(service.registerPerson(w.id, p(2)) == RegistrationStatus::Waiting);
    // More places: the waiting list moves up.
    Workshop bigger = service.summary(w.id).workshop;
    bigger.capacity = 3;
    service.update(bigger);
    s = service.summary(w.id);
    CHECK(s.registered == 3);
    CHECK(s.waiting == 0);

    // The audit trail has every write.
    store::AuditFilter filter;
    filter.table = QStringLiteral("workshop_registration");
    int promotions = 0, cancellations = 0;
    for (const auto& r : store::AuditRepository(*f.db).list(filter)) {
        promotions += r.action == QLatin1String("promote");
        cancellations += r.action == QLatin1String("cancel");
    }
    CHECK(promotions == 2);
    CHECK(cancellations == 2);
}

TEST_CASE("workshops without a limit never have a waiting list, a cancelled workshop takes no change",
          "[workshops]")
{
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 1), QTime(9, 0), Qt::UTC));
    Fixture f(store::Backend::Sqlite);
    const Workshop w = f.workshop(0);
    const WorkshopService service(*f.db, f.coordinator);
    for (int i = 1; i <= 5; ++i)
        CHECK(service.registerPerson(w.id, p(i)) == RegistrationStatus::Registered);
    CHECK(service.summary(w.id).placesLeft() == std::nullopt);
    service.cancel(w.id);
    CHECK(service.summary(w.id).workshop.cancelledOn == QDate(2025, 3, 1));
    CHECK(service.summary(w.id).registered == 5); // kept, for the record
    CHECK(errorKind([&] { service.cancelRegistration(w.id, p(1)); }) == Error::Kind::Invalid);
    CHECK(errorKind([&] { service.cancel(w.id); }) == Error::Kind::Invalid);
}

TEST_CASE("the tick-list counts present and absent, all or nothing, not before the day", "[workshops]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 1), QTime(9, 0), Qt::UTC));
    Fixture f(backend);
    const Workshop w = f.workshop(3);
    const WorkshopService service(*f.db, f.coordinator);
    for (int i = 1; i <= 4; ++i)
        service.registerPerson(w.id, p(i)); // P-00004 waits

    CHECK(errorKind([&] { service.recordAttendance(w.id, {{p(1), true}}); }) == Error::Kind::Invalid);
    clock.clock().set(QDateTime(QDate(2025, 3, 14), QTime(17, 0), Qt::UTC));
    // A waiting person and an unknown code: nothing at all is recorded.
    CHECK(
        errorKind([&] {
            service.recordAttendance(w.id, {{p(1), true}, {p(4), true}, {QStringLiteral("P-99999"), false}});
        }) == Error::Kind::Invalid);
    CHECK(service.summary(w.id).present == 0);

    service.recordAttendance(w.id, {{p(1), true}, {p(2), true}, {p(3), false}});
    auto s = service.summary(w.id);
    CHECK(s.present == 2);
    CHECK(s.absent == 1);
    // A correction the same day.
    service.recordAttendance(w.id, {{p(3), true}});
    s = service.summary(w.id);
    CHECK(s.present == 3);
    CHECK(s.absent == 0);
    // Someone who came cannot be "cancelled" afterwards.
    CHECK(errorKind([&] { service.cancelRegistration(w.id, p(1)); }) == Error::Kind::Invalid);

    // The month list carries the counts.
    const auto march = service.month(2025, 3);
    REQUIRE(march.size() == 1);
    CHECK(march[0].present == 3);
    CHECK(march[0].waiting == 1);
    CHECK(service.month(2025, 4).empty());
}

TEST_CASE("a person's and a household's workshop history", "[workshops]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 1), QTime(9, 0), Qt::UTC));
    Fixture f(backend);
    const Workshop first = f.workshop(0, QDate(2025, 2, 7));
    Workshop second;
    second.type = WorkshopType::BreadMaking;
    second.title = QStringLiteral("Pain au levain");
    second.heldOn = QDate(2025, 3, 20);
    const WorkshopService service(*f.db, f.socialWorker);
    service.create(second);
    service.registerPerson(first.id, p(1));
    service.registerPerson(first.id, p(2));
    service.registerPerson(first.id, p(4)); // other household
    service.registerPerson(second.id, p(1));
    service.recordAttendance(first.id, {{p(1), true}, {p(2), false}});

    const auto person = service.personHistory(p(1));
    REQUIRE(person.size() == 2);
    CHECK(person[0].workshop.title == QStringLiteral("Pain au levain")); // newest first
    CHECK_FALSE(person[0].registration.attended.has_value());
    CHECK(person[1].registration.attended == true);

    const auto household = service.householdHistory(f.household1);
    REQUIRE(household.size() == 3);
    CHECK(household[1].personCode == p(1));
    CHECK(household[2].personCode == p(2));
    CHECK(household[2].registration.attended == false);

    // The registration search finds persons by name without accents, or by code.
    CHECK(service.searchPersons(QStringLiteral("elodie")).size() == 1);
    CHECK(service.searchPersons(QStringLiteral("LEFEVRE")).size() == 5);
    CHECK(service.searchPersons(QStringLiteral("P-00003")).front().name == QStringLiteral("Chloé Lefèvre"));
}

TEST_CASE("workshops: social workers, nurses and coordinators write, administrators only read",
          "[workshops][access]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 1), QTime(9, 0), Qt::UTC));
    Fixture f(backend);
    const Session nurse = test::sessionFor(*f.db, Role::Nurse);
    const Session admin = test::adminSession(*f.db);
    const Workshop w = f.workshop(5);
    CHECK(WorkshopService(*f.db, nurse).registerPerson(w.id, p(1)) == RegistrationStatus::Registered);
    CHECK(WorkshopService(*f.db, f.socialWorker).registerPerson(w.id, p(2)) ==
          RegistrationStatus::Registered);

    const WorkshopService asAdmin(*f.db, admin);
    CHECK(asAdmin.list(QDate(), QDate()).size() == 1);
    CHECK(asAdmin.registrations(w.id).size() == 2);
    Workshop other;
    other.title = QStringLiteral("Marché de Fleurance");
    other.type = WorkshopType::MarketVisit;
    other.heldOn = QDate(2025, 3, 4);
    CHECK(errorKind([&] { asAdmin.create(other); }) == Error::Kind::AccessDenied);
    CHECK(errorKind([&] { asAdmin.registerPerson(w.id, p(3)); }) == Error::Kind::AccessDenied);
    CHECK(errorKind([&] { asAdmin.cancelRegistration(w.id, p(1)); }) == Error::Kind::AccessDenied);
    CHECK(errorKind([&] { asAdmin.cancel(w.id); }) == Error::Kind::AccessDenied);
    CHECK(asAdmin.summary(w.id).registered == 2);
    CHECK_FALSE(asAdmin.summary(w.id).workshop.isCancelled());

    store::AuditFilter filter;
    int denied = 0;
    for (const auto& r : store::AuditRepository(*f.db).list(filter))
        denied += r.outcome == QLatin1String("denied") && r.login == admin.login();
    CHECK(denied == 4);
}

TEST_CASE("a workshop is checked before it is saved", "[workshops]")
{
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 1), QTime(9, 0), Qt::UTC));
    Fixture f(store::Backend::Sqlite);
    const WorkshopService service(*f.db, f.coordinator);
    Workshop w;
    w.type = WorkshopType::Cooking;
    w.startTime = QTime(15, 0);
    w.endTime = QTime(14, 0);
    w.capacity = -1;
    try {
        service.create(w);
        FAIL("accepted");
    } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::Invalid);
        CHECK(e.message().contains(QStringLiteral("title:")));
        CHECK(e.message().contains(QStringLiteral("date:")));
        CHECK(e.message().contains(QStringLiteral("end_time:")));
        CHECK(e.message().contains(QStringLiteral("capacity:")));
    }
    CHECK(service.list(QDate(), QDate()).empty());
    f.workshop(4);
    Workshop same = service.list(QDate(), QDate()).front().workshop;
    same.id = 0;
    CHECK(errorKind([&] { service.create(same); }) == Error::Kind::Conflict);
    // Two people saving the same workshop: the second save is refused.
    Workshop a = service.list(QDate(), QDate()).front().workshop;
    Workshop b = a;
    a.place = QStringLiteral("Mairie");
    service.update(a);
    b.place = QStringLiteral("Salle des fêtes");
    CHECK(errorKind([&] { service.update(b); }) == Error::Kind::Conflict);
}

TEST_CASE("the demo has workshops with registrations, waiting lists and attendance of past ones only",
          "[workshops][demo]")
{
    TempDatabase t(store::Backend::Sqlite);
    std::unique_ptr<store::Database> db;
    {
        test::ScopedClock start(QDateTime(QDate(2024, 6, 10), QTime(9, 0), Qt::UTC));
        db = t.createInitialised(); // the default programme starts on 1 June 2024
    }
    test::ScopedClock now(QDateTime(QDate(2025, 1, 15), QTime(9, 0), Qt::UTC));
    DemoOptions options;
    options.households = 60;
    const DemoResult result = DemoGenerator::generate(*db, test::adminSession(*db), options);
    CHECK(result.workshops >= 20);
    const auto all = WorkshopService(*db, test::adminSession(*db)).list(QDate(), QDate());
    CHECK(int(all.size()) == result.workshops);
    int present = 0, waiting = 0, future = 0;
    for (const WorkshopSummary& s : all) {
        CHECK(s.workshop.heldOn >= QDate(2024, 6, 1));
        if (s.workshop.hasLimit())
            CHECK(s.registered <= s.workshop.capacity);
        if (s.waiting > 0)
            CHECK(s.registered == s.workshop.capacity); // nobody waits while a place is free
        if (s.workshop.heldOn > QDate(2025, 1, 15)) {
            ++future;
            CHECK(s.present + s.absent == 0);
        }
        present += s.present;
        waiting += s.waiting;
    }
    CHECK(present > 100);
    CHECK(waiting > 0);
    CHECK(future > 0);
    // Same seed, same workshops.
    TempDatabase t2(store::Backend::Sqlite);
    std::unique_ptr<store::Database> db2;
    {
        test::ScopedClock start(QDateTime(QDate(2024, 6, 10), QTime(9, 0), Qt::UTC));
        db2 = t2.createInitialised();
    }
    test::ScopedClock again2(QDateTime(QDate(2025, 1, 15), QTime(9, 0), Qt::UTC));
    DemoGenerator::generate(*db2, test::adminSession(*db2), options);
    const auto again = WorkshopService(*db2, test::adminSession(*db2)).list(QDate(), QDate());
    REQUIRE(again.size() == all.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
        CHECK(again[i].workshop.key() == all[i].workshop.key());
        CHECK(again[i].present == all[i].present);
    }
}
