#include "security/Access.h"
#include "cohort/CohortService.h"
#include "common/Error.h"
#include "demo/DemoGenerator.h"
#include "security/AuditTrail.h"
#include "security/UserService.h"
#include "services/HealthService.h"
#include "services/HouseholdService.h"
#include "services/LedgerService.h"
#include "services/WorkshopService.h"
#include "store/AuditRepository.h"
#include "store/HouseholdRepository.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <catch2/catch.hpp>
#include <map>

using namespace cabas;
using cabas::test::TempDatabase;

namespace {
// privacy.md's table, written out again independently of the core's: role -> data -> allowed actions.
// r = read, w = write, a = aggregates, p = public figures.
const std::map<DataKind, std::map<Role, QLatin1String>>& expectedMatrix()
{
    static const std::map<DataKind, std::map<Role, QLatin1String>> m = {
        {DataKind::Households,
         {{Role::SocialWorker, QLatin1String("rwa")},
          {Role::Nurse, QLatin1String("ra")},
          {Role::Coordinator, QLatin1String("ra")},
          {Role::Admin, QLatin1String("ra")}}},
        {DataKind::Ledger,
         {{Role::SocialWorker, QLatin1String("ra")},
          {Role::Nurse, QLatin1String("ra")},
          {Role::Coordinator, QLatin1String("a")},
          {Role::Admin, QLatin1String("rwa")}}},
        {DataKind::Health,
         {{Role::SocialWorker, QLatin1String("")},
          {Role::Nurse, QLatin1String("rwa")},
          {Role::Coordinator, QLatin1String("a")},
          {Role::Admin, QLatin1String("")}}},
        {DataKind::Workshops,
         {{Role::SocialWorker, QLatin1String("rwa")},
          {Role::Nurse, QLatin1String("rwa")},
          {Role::Coordinator, QLatin1String("rwa")},
          {Role::Admin, QLatin1String("ra")}}},
        {DataKind::Cohort,
         {{Role::SocialWorker, QLatin1String("a")},
          {Role::Nurse, QLatin1String("a")},
          {Role::Coordinator, QLatin1String("ap")},
          {Role::Admin, QLatin1String("a")}}},
        {DataKind::Administration,
         {{Role::SocialWorker, QLatin1String("")},
          {Role::Nurse, QLatin1String("")},
          {Role::Coordinator, QLatin1String("")},
          {Role::Admin, QLatin1String("rwa")}}},
    };
    return m;
}

QChar letter(Action a)
{
    switch (a) {
    case Action::Read:
        return QLatin1Char('r');
    case Action::Write:
        return QLatin1Char('w');
    case Action::ReadAggregates:
        return QLatin1Char('a');
    case Action::ExportPublic:
        return QLatin1Char('p');
    }
    return QLatin1Char('?');
}

const QList<Role> kRoles = {Role::SocialWorker, Role::Nurse, Role::Coordinator, Role::Admin};

bool allowedThroughService(const std::function<void()>& call)
{
    try {
        call();
        return true;
    } catch (const Error& e) {
        if (e.kind() != Error::Kind::AccessDenied)
            throw;
        CHECK(e.message().startsWith(QStringLiteral("Accès refusé")));
        return false;
    }
}

Household sampleHousehold(const QString& code)
{
    Household h;
    h.code = code;
    h.address = QStringLiteral("3 rue Gambetta");
    h.commune = QStringLiteral("Auch");
    h.postcode = QStringLiteral("32000");
    h.status = HouseholdStatus::Enrolled;
    h.enrolledOn = QDate(2024, 6, 1);
    h.notes = QStringLiteral("note privée");
    return h;
}
} // namespace

TEST_CASE("the access policy is privacy.md's table", "[security][access]")
{
    for (DataKind kind : allDataKinds())
        for (Role role : kRoles)
            for (Action action : allActions()) {
                INFO(toCode(kind).toStdString()
                     << " / " << toCode(role).toStdString() << " / " << toCode(action).toStdString());
                CHECK(AccessPolicy::allows(role, kind, action) ==
                      QString(expectedMatrix().at(kind).at(role)).contains(letter(action)));
            }
    CHECK_FALSE(AccessPolicy::seesAddresses(Role::Coordinator));
    CHECK(AccessPolicy::seesAddresses(Role::SocialWorker));
}

TEST_CASE("the core services enforce the matrix for every role and audit refusals", "[security][access]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.createInitialised();
    const Session sw = test::sessionFor(*db, Role::SocialWorker);
    {
        Household h = sampleHousehold(QStringLiteral("MMG-0001"));
        HouseholdService(*db, sw).create(h);
        Person p;
        p.householdId = h.id;
        p.code = QStringLiteral("P-00001");
        p.firstName = QStringLiteral("Hélène");
        p.lastName = QStringLiteral("Lefèvre");
        p.birthDate = QDate(1980, 1, 1);
        HouseholdService(*db, sw).addPerson(p);
        Consent c;
        c.personId = p.id;
        c.purpose = ConsentPurpose::HealthFollowup;
        c.effectiveOn = QDate(2024, 6, 1);
        HouseholdService(*db, sw).recordConsent(c);
    }
    const qint64 householdId = HouseholdService(*db, sw).find(QStringLiteral("MMG-0001"))->id;
    int counter = 0;
    for (Role role : kRoles) {
        INFO("role: " << toCode(role).toStdString());
        const Session s = test::sessionFor(*db, role);
        const qint64 auditBefore =
            store::AuditRepository(*db).list({QDate(), QString(), QString(), 100000}).size();
        int refusals = 0;
        auto expect = [&](DataKind kind, Action action, const std::function<void()>& call) {
            const bool expected = QString(expectedMatrix().at(kind).at(role)).contains(letter(action));
            INFO(toCode(kind).toStdString() << " / " << toCode(action).toStdString());
            CHECK(allowedThroughService(call) == expected);
            refusals += expected ? 0 : 1;
        };
        // Households: read, write.
        expect(DataKind::Households, Action::Read, [&] { HouseholdService(*db, s).list(); });
        expect(DataKind::Households, Action::Write, [&] {
            Household h = sampleHousehold(QStringLiteral("MMG-1%1").arg(++counter, 3, 10, QLatin1Char('0')));
            HouseholdService(*db, s).create(h);
        });
        // Health: read, write (the person has consented).
        expect(DataKind::Health, Action::Read,
               [&] { HealthService(*db, s).checkups(QStringLiteral("P-00001")); });
        expect(DataKind::Health, Action::Write, [&] {
            Checkup c;
            c.wave = QStringLiteral("M%1").arg(++counter);
            c.takenOn = QDate(2024, 7, 1);
            c.weightG = 70000;
            try {
                HealthService(*db, s).recordCheckup(QStringLiteral("P-00001"), c);
            } catch (const Error& e) {
                if (e.kind() == Error::Kind::AccessDenied)
                    throw;
                // allowed: refused for the wave code, which is not one of the programme's
            }
        });
        // Ledger: read a household's movements, aggregates, write (the programme's merchant decisions).
        expect(DataKind::Ledger, Action::Read, [&] { LedgerService(*db, s).balance(householdId); });
        expect(DataKind::Ledger, Action::ReadAggregates, [&] { LedgerService(*db, s).summary(); });
        expect(DataKind::Ledger, Action::Write, [&] {
            try {
                LedgerService(*db, s).setMerchantOverride(QStringLiteral("M-01"), true);
            } catch (const Error& e) {
                if (e.kind() == Error::Kind::AccessDenied)
                    throw;
                // allowed: the ledger has not seen this merchant yet
            }
        });
        // Workshops: read, write.
        expect(DataKind::Workshops, Action::Read, [&] { WorkshopService(*db, s).month(2024, 6); });
        expect(DataKind::Workshops, Action::Write, [&] {
            Workshop w;
            w.type = WorkshopType::Cooking;
            w.title = QStringLiteral("Cuisine de saison %1").arg(++counter);
            w.heldOn = QDate(2024, 6, 12);
            w.capacity = 10;
            WorkshopService(*db, s).create(w);
        });
        // Cohort: internal figures, public figures.
        CohortFilter period;
        period.from = QDate(2024, 6, 1);
        period.to = QDate(2024, 12, 31);
        expect(DataKind::Cohort, Action::ReadAggregates,
               [&] { CohortService(*db, s).report(period, Disclosure::Internal); });
        expect(DataKind::Cohort, Action::ExportPublic,
               [&] { CohortService(*db, s).report(period, Disclosure::Public); });
        // Administration: read (users, audit), write (users, demo).
        expect(DataKind::Administration, Action::Read, [&] { security::UserService(*db, s).list(); });
        expect(DataKind::Administration, Action::Read, [&] { AuditTrail(*db).list(s, {}); });
        expect(DataKind::Administration, Action::Write, [&] {
            security::UserService(*db, s).add(QStringLiteral("new.%1").arg(++counter), QString(), Role::Nurse,
                                              QStringLiteral("New-Password-2026"));
        });
        expect(DataKind::Administration, Action::Write, [&] {
            DemoOptions tiny;
            tiny.households = 1;
            try {
                DemoGenerator::generate(*db, s, tiny);
            } catch (const Error& e) {
                if (e.kind() == Error::Kind::AccessDenied)
                    throw;
                // allowed, but this database already has households
            }
        });
        // Every refusal left a "denied" record.
        const auto records = store::AuditRepository(*db).list({QDate(), QString(), QString(), 100000});
        int denied = 0;
        for (std::size_t i = 0; i < records.size() - std::size_t(auditBefore); ++i)
            denied += records[i].outcome == QLatin1String("denied") && records[i].login == s.login();
        CHECK(denied == refusals);
    }
    // Refused writes wrote nothing.
    CHECK(store::HouseholdRepository(*db).count() == 2); // the sample and the social worker's
}

TEST_CASE("coordinators see households by code only", "[security][access]")
{
    TempDatabase t(store::Backend::Sqlite);
    auto db = t.createInitialised();
    const Session sw = test::sessionFor(*db, Role::SocialWorker);
    Household h = sampleHousehold(QStringLiteral("MMG-0001"));
    HouseholdService(*db, sw).create(h);
    Person p;
    p.householdId = h.id;
    p.code = QStringLiteral("P-00001");
    p.firstName = QStringLiteral("Hélène");
    p.lastName = QStringLiteral("Lefèvre");
    p.birthDate = QDate(1980, 1, 1);
    HouseholdService(*db, sw).addPerson(p);

    const Session coordinator = test::sessionFor(*db, Role::Coordinator);
    const auto seen = HouseholdService(*db, coordinator).find(QStringLiteral("MMG-0001"));
    REQUIRE(seen);
    CHECK(seen->address.isEmpty());
    CHECK(seen->notes.isEmpty());
    CHECK(seen->commune == QStringLiteral("Auch"));
    const auto members = HouseholdService(*db, coordinator).members(h.id);
    REQUIRE(members.size() == 1);
    CHECK(members[0].code == QStringLiteral("P-00001"));
    CHECK(members[0].lastName.isEmpty());

    const Session nurse = test::sessionFor(*db, Role::Nurse);
    CHECK(HouseholdService(*db, nurse).find(QStringLiteral("MMG-0001"))->address ==
          QStringLiteral("3 rue Gambetta"));
}

TEST_CASE("every write is audited with the change, and a failed write leaves no record", "[security][audit]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.createInitialised();
    const Session sw = test::sessionFor(*db, Role::SocialWorker, QStringLiteral("amelie.roux"));
    Household h = sampleHousehold(QStringLiteral("MMG-0042"));
    HouseholdService(*db, sw).create(h);
    h.notes = QStringLiteral("changée");
    HouseholdService(*db, sw).update(h);
    Person p;
    p.householdId = h.id;
    p.code = QStringLiteral("P-00042");
    p.firstName = QStringLiteral("Léa");
    p.lastName = QStringLiteral("Roux");
    p.birthDate = QDate(2012, 5, 1);
    HouseholdService(*db, sw).addPerson(p);
    Consent c;
    c.personId = p.id;
    c.purpose = ConsentPurpose::HealthFollowup;
    c.effectiveOn = QDate(2024, 6, 1);
    HouseholdService(*db, sw).recordConsent(c);
    CHECK(c.recordedByUserId == sw.user.id);
    Card card;
    card.token = QStringLiteral("C-0042");
    card.householdId = h.id;
    HouseholdService(*db, sw).issueCard(card);
    HouseholdService(*db, sw).setCardStatus(QStringLiteral("C-0042"), CardStatus::Lost);

    const auto records =
        store::AuditRepository(*db).list({QDate(), QStringLiteral("amelie.roux"), QString(), 100});
    QStringList seen;
    for (auto it = records.rbegin(); it != records.rend(); ++it)
        seen << it->action + QLatin1Char(' ') + it->table + QLatin1Char(' ') + it->recordRef;
    CHECK(seen == QStringList{QStringLiteral("login app_user amelie.roux"),
                              QStringLiteral("create household MMG-0042"),
                              QStringLiteral("update household MMG-0042"),
                              QStringLiteral("create person P-00042"),
                              QStringLiteral("consent_given consent P-00042"),
                              QStringLiteral("create card C-0042"), QStringLiteral("update card C-0042")});

    // A stale update is refused: neither the change nor an audit record.
    Household stale = h;
    stale.version -= 1;
    CHECK_THROWS_AS(HouseholdService(*db, sw).update(stale), Error);
    CHECK(store::AuditRepository(*db).list({QDate(), QStringLiteral("amelie.roux"), QString(), 100}).size() ==
          records.size());
    CHECK(AuditTrail(*db).verify().ok);
}
