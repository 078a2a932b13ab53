// Sealing an existing clear database in place (docs/encryption.md, step 5): core/setup/Sealing and
// core/store/SealExisting.
#include "setup/Sealing.h"
#include "common/Error.h"
#include "security/Authenticator.h"
#include "security/KeyRing.h"
#include "security/Passwords.h"
#include "security/Recovery.h"
#include "services/HealthService.h"
#include "services/HouseholdService.h"
#include "store/CheckupRepository.h"
#include "store/HouseholdRepository.h"
#include "store/IncomeRepository.h"
#include "store/KeySlotRepository.h"
#include "store/SealExisting.h"
#include "store/Sealed.h"
#include "store/UserRepository.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <catch2/catch.hpp>
#include <optional>

using namespace cabas;
using cabas::test::errorKind;
using cabas::test::TempDatabase;

namespace {

const QString kFirst = QStringLiteral("Gwendoline");
const QString kLast = QStringLiteral("Quintard-Oyelaran");
const QDate kBirth(1979, 11, 23);
const QString kAddress = QStringLiteral("7 chemin des Mirabelliers");
const QString kHouseholdNotes = QStringLiteral("Interphone cassé, appeler la voisine");
const QString kNote = QStringLiteral("Dossier surendettement déposé en mairie");
const QString kStatusReason = QStringLiteral("Séjour chez la grand-mère à Tarbes");
const QString kConsentNote = QStringLiteral("Accord signé par le curateur");
const QString kDeparture = QStringLiteral("Internat du lycée Bellevue");
const QString kIncomeNote = QStringLiteral("Allocation adulte handicapé en attente");
const QString kCheckupNote = QStringLiteral("Rétinopathie diabétique à surveiller");

QList<QByteArray> secrets()
{
    return {kFirst.toUtf8(),
            kLast.toUtf8(),
            QByteArray("Oyelaran"),
            QByteArray("oyelaran"),
            QByteArray("1979-11-23"),
            kAddress.toUtf8(),
            QByteArray("Mirabelliers"),
            kHouseholdNotes.toUtf8(),
            kNote.toUtf8(),
            kStatusReason.toUtf8(),
            kConsentNote.toUtf8(),
            kDeparture.toUtf8(),
            kIncomeNote.toUtf8(),
            QByteArray("Bellevue"),
            kCheckupNote.toUtf8()};
}

QStringList found(const QString& file)
{
    QFile in(file);
    if (!in.open(QIODevice::ReadOnly))
        return {};
    const QByteArray bytes = in.readAll();
    QStringList hits;
    for (const QByteArray& s : secrets())
        if (bytes.contains(s))
            hits << QString::fromUtf8(s);
    return hits;
}

// Everything the services show of the fixture's household, as text.
QStringList readBack(const store::Database& db, const Session& s, const QString& code)
{
    const HouseholdService service(db, s);
    const auto h = service.find(code);
    REQUIRE(h);
    QStringList out{h->code, h->address, h->notes, h->exitReason};
    for (const Person& p : service.members(h->id)) {
        out << p.code << p.firstName << p.lastName << p.birthDate.toString(Qt::ISODate) << p.departureReason;
        for (const Consent& c : service.consents(p.id))
            out << c.note;
    }
    for (const HouseholdNote& n : service.notes(h->id))
        out << n.body;
    for (const HouseholdStatusEvent& e : service.statusHistory(*h))
        out << e.reason;
    for (const IncomeAssessment& a : store::IncomeRepository(db, s.keys.get()).forHousehold(h->id))
        out << a.note;
    return out;
}

QStringList codesFor(const store::Database& db, const Session& s, const QString& text)
{
    HouseholdQuery q;
    q.text = text;
    QStringList codes;
    for (const auto& e : HouseholdService(db, s).search(q, 50, 0))
        codes << e.household.code;
    return codes;
}

struct ClearFixture
{
    TempDatabase t;
    std::unique_ptr<store::Database> db;
    Session admin, sw;
    QString recoveryKey; // with a key ring: the one init printed

    ClearFixture(store::Backend backend, bool withKeyRing) : t(backend)
    {
        db = withKeyRing ? t.createInitialised(&recoveryKey) : t.createWithoutKeyRing();
        admin = test::adminSession(*db);
        sw = test::sessionFor(*db, Role::SocialWorker);
        test::sessionFor(*db, Role::Nurse);
        write();
    }

    // A household with everything sealed, and a few more around it.
    void write() const
    {
        const HouseholdService s(*db, sw);
        for (int i = 1; i <= 12; ++i) {
            Household other;
            other.code = QStringLiteral("MMG-%1").arg(i + 100, 4, 10, QLatin1Char('0'));
            other.commune = QStringLiteral("Auch");
            other.postcode = QStringLiteral("32000");
            other.address = QStringLiteral("%1 rue Gambetta").arg(i);
            other.status = HouseholdStatus::Enrolled;
            other.enrolledOn = QDate(2025, 1, 6);
            s.create(other);
            Person p;
            p.householdId = other.id;
            p.code = QStringLiteral("P-%1").arg(i + 100, 5, 10, QLatin1Char('0'));
            p.firstName = QStringLiteral("Prénom%1").arg(i);
            p.lastName = QStringLiteral("Martin");
            p.birthDate = QDate(1990, 1, 1).addDays(i * 40);
            s.addPerson(p);
        }
        Household h;
        h.code = QStringLiteral("MMG-0001");
        h.commune = QStringLiteral("Auch");
        h.postcode = QStringLiteral("32000");
        h.address = kAddress;
        h.notes = kHouseholdNotes;
        h.status = HouseholdStatus::Enrolled;
        h.enrolledOn = QDate(2025, 1, 6);
        s.create(h);
        Person p;
        p.householdId = h.id;
        p.code = QStringLiteral("P-00001");
        p.firstName = kFirst;
        p.lastName = kLast;
        p.birthDate = kBirth;
        s.addPerson(p);
        Person child;
        child.householdId = h.id;
        child.code = QStringLiteral("P-00002");
        child.firstName = QStringLiteral("Noé");
        child.lastName = kLast;
        child.birthDate = QDate(2012, 2, 29);
        child.role = PersonRole::Child;
        s.addPerson(child);
        child.leftOn = QDate(2025, 3, 1);
        child.departureReason = kDeparture;
        s.updatePerson(child);
        s.addNote(h.code, kNote);
        s.changeStatus(h, HouseholdStatus::Suspended, QDate(2025, 2, 3), kStatusReason);
        Consent c;
        c.personId = p.id;
        c.purpose = ConsentPurpose::CaseManagement;
        c.given = true;
        c.effectiveOn = QDate(2025, 1, 6);
        c.note = kConsentNote;
        s.recordConsent(c);
        IncomeAssessment a;
        a.householdId = h.id;
        a.effectiveOn = QDate(2025, 1, 6);
        a.monthlyIncomeCents = 98000;
        a.consumptionUnitsMilli = 1800;
        a.note = kIncomeNote;
        store::Database::Transaction tx(*db);
        store::IncomeRepository(*db, sw.keys.get()).insert(a);
        tx.commit();
    }

    QString backupFile() const { return QDir(t.dir()).filePath(QStringLiteral("before.cabas")); }
    Sealing::Options
    options(const QString& password = QString::fromLatin1(TempDatabase::kAdminPassword)) const
    {
        Sealing::Options o;
        o.password = password;
        o.backupFile = t.backend() == store::Backend::Sqlite
                           ? backupFile()
                           : QDir(t.dir()).filePath(QStringLiteral("before.dump"));
        return o;
    }
    // What must not change when the sealing is refused or cancelled.
    QString state() const
    {
        return store::SealExisting::markerOf(*db) + QLatin1Char('|') + store::SealExisting::rowCounts(*db) +
               QLatin1Char('|') + store::SealExisting::sample(*db, nullptr).join(QLatin1Char('|')) +
               QLatin1Char('|') + QString::number(store::KeySlotRepository(*db).count()) + QLatin1Char('|') +
               store::UserRepository(*db).passwordHash(sw.user.id);
    }
};

// A checkup with notes and a questionnaire for the fixture's household, by a nurse.
void recordHealth(const store::Database& db, const Session& sw, const Session& nurse)
{
    Consent health;
    health.personId = store::PersonRepository(db).findByCode(QStringLiteral("P-00001"))->id;
    health.purpose = ConsentPurpose::HealthFollowup;
    health.given = true;
    health.effectiveOn = QDate(2025, 1, 6);
    HouseholdService(db, sw).recordConsent(health);
    Checkup c;
    c.wave = QStringLiteral("M0");
    c.takenOn = QDate(2025, 1, 8);
    c.weightG = 83700;
    c.heightMm = 1720;
    c.notes = kCheckupNote;
    HealthService(db, nurse).recordCheckup(QStringLiteral("P-00001"), c);
    DietQuestionnaire q;
    q.wave = QStringLiteral("M0");
    q.answeredOn = QDate(2025, 1, 8);
    q.fvPortionsX10 = 35;
    q.organicFv = Frequency::Sometimes;
    HealthService(db, nurse).recordQuestionnaire(QStringLiteral("P-00001"), q);
}

// Health values left clear in the health tables' columns.
qint64 clearHealthValues(const store::DatabaseSpec& spec)
{
    return test::runRaw(spec,
                        {QStringLiteral("SELECT (SELECT count(*) FROM checkup WHERE notes <> '' OR "
                                        "weight_g IS NOT NULL OR sealed IS NULL) + (SELECT count(*) FROM "
                                        "diet_questionnaire WHERE fv_portions_x10 IS NOT NULL OR sealed "
                                        "IS NULL)")})
        .toLongLong();
}

QStringList leftovers(const QString& path)
{
    const QFileInfo info(path);
    QStringList names =
        info.absoluteDir().entryList({info.fileName() + QStringLiteral(".encrypt*"),
                                      QStringLiteral(".") + info.fileName() + QStringLiteral("*")},
                                     QDir::Files | QDir::Hidden);
    return names;
}

} // namespace

TEST_CASE("sealing: a clear SQLite database without key ring, sealed in place, keeps nothing clear and reads "
          "back through the services",
          "[setup][sealing]")
{
    ClearFixture f(store::Backend::Sqlite, false);
    // A checkup with notes, by a nurse (no health key exists yet: no key ring).
    const Session nurse = test::sessionFor(*f.db, Role::Nurse);
    recordHealth(*f.db, f.sw, nurse);
    REQUIRE(
        (found(f.t.spec().path) + found(f.t.spec().path + QStringLiteral("-wal"))).contains(kCheckupNote));
    const QStringList before = readBack(*f.db, f.sw, QStringLiteral("MMG-0001"));
    REQUIRE(before.contains(kIncomeNote));
    REQUIRE(before.contains(kDeparture));
    const QString path = f.t.spec().path;
    const QString swLogin = f.sw.login();

    std::vector<Sealing::Phase> phases;
    Sealing::Options options = f.options();
    options.progress = [&](Sealing::Phase phase, qint64, qint64) {
        if (phases.empty() || phases.back() != phase)
            phases.push_back(phase);
        return true;
    };
    const Sealing::Result r = Sealing::run(f.db, f.admin, options);
    CHECK_FALSE(f.db);
    CHECK(phases.front() == Sealing::Phase::Backup);
    CHECK(phases.back() == Sealing::Phase::Replace);
    CHECK_FALSE(r.recoveryKey.isEmpty());
    REQUIRE(r.temporaryPasswords.size() == 2); // the social worker and the nurse
    QString swPassword;
    for (const auto& t : r.temporaryPasswords) {
        CHECK(security::Passwords::policyProblems(t.password).isEmpty());
        if (t.login == swLogin)
            swPassword = t.password;
    }
    REQUIRE_FALSE(swPassword.isEmpty());

    // The backup holds the clear values (documented and named); nothing else does.
    CHECK(r.backupFile == f.backupFile());
    CHECK_FALSE(found(r.backupFile).isEmpty());
    CHECK(leftovers(path).isEmpty());
    for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-journal")}) {
        INFO(suffix.toStdString());
        CHECK(found(path + suffix).isEmpty());
    }

    auto db = store::Database::open(f.t.spec());
    CHECK(store::Sealed::isSealed(*db));
    // No nurse held a health key: the sealing made the health and cohort keys, sealed the health tables
    // (format 2) and granted the keys to the nurse's new slot.
    CHECK(r.health);
    CHECK(store::SealExisting::markerOf(*db) == QStringLiteral("2:person,household,health"));
    QString nursePassword;
    for (const auto& t : r.temporaryPasswords)
        if (t.login == nurse.login())
            nursePassword = t.password;
    const Session nurseAfter = security::Authenticator(*db).login(nurse.login(), nursePassword);
    REQUIRE(nurseAfter.keys->hasHealthKey());
    // The temporary passwords must be changed at the next login; the administrator's own is untouched.
    CHECK(nurseAfter.mustChangePassword());
    CHECK_FALSE(security::Authenticator(*db)
                    .login(f.admin.login(), QLatin1String(test::TempDatabase::kAdminPassword))
                    .mustChangePassword());
    CHECK(HealthService(*db, nurseAfter).checkups(QStringLiteral("P-00001")).checkups.at(0).notes ==
          kCheckupNote);

    // The social worker's old password no longer opens; her temporary one does, and she reads everything.
    CHECK(errorKind([&] {
              security::Authenticator(*db).login(swLogin, QStringLiteral("Password-of-%1").arg(swLogin));
          }) == Error::Kind::AccessDenied);
    const Session sw = security::Authenticator(*db).login(swLogin, swPassword);
    REQUIRE(sw.keys);
    CHECK_FALSE(sw.keys->hasHealthKey());
    CHECK(errorKind([&] {
              store::CheckupRepository(*db, sw.keys.get())
                  .forPerson(
                      store::PersonRepository(*db, sw.keys.get()).findByCode(QStringLiteral("P-00001"))->id);
          }) == Error::Kind::AccessDenied);
    CHECK(readBack(*db, sw, QStringLiteral("MMG-0001")) == before);
    CHECK(codesFor(*db, sw, QStringLiteral("quintard")) == QStringList{QStringLiteral("MMG-0001")});
    CHECK(codesFor(*db, sw, QStringLiteral("gwendo oyel")) == QStringList{QStringLiteral("MMG-0001")});
    // The administrator reads the rows with the keys of the slot the sealing made from the password.
    const Session admin = test::adminSession(*db);
    REQUIRE(admin.keys);
    const auto h = store::HouseholdRepository(*db, admin.keys.get()).findByCode(QStringLiteral("MMG-0001"));
    REQUIRE(h);
    CHECK(h->address == kAddress);
    CHECK(store::PersonRepository(*db, admin.keys.get()).findByCode(QStringLiteral("P-00001"))->birthDate ==
          kBirth);
    // The recovery key shown once opens the new key ring.
    store::KeySlotRepository keySlots(*db);
    CHECK(security::KeyRing::unlockWithRecoveryKey(*keySlots.header(), *keySlots.recovery(), r.recoveryKey)
              .canCertify());
    // Writes after the sealing are sealed too, and the files stay clean.
    Household mine = *HouseholdService(*db, sw).find(QStringLiteral("MMG-0001"));
    mine.notes = kHouseholdNotes + QStringLiteral(" (bis)");
    HouseholdService(*db, sw).update(mine);
    db.reset();
    CHECK(found(path).isEmpty());
}

TEST_CASE("sealing: a database with a key ring keeps its users' passwords, on both backends",
          "[setup][sealing][pg]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    ClearFixture f(backend, true);
    const QStringList before = readBack(*f.db, f.sw, QStringLiteral("MMG-0001"));
    const QString swLogin = f.sw.login();
    const Sealing::Result r = Sealing::run(f.db, f.admin, f.options());
    CHECK(r.recoveryKey.isEmpty());
    CHECK(r.temporaryPasswords.empty());
    CHECK(QFileInfo(r.backupFile).size() > 0);
    auto db = store::Database::open(f.t.spec());
    CHECK(store::Sealed::isSealed(*db));
    const Session sw =
        security::Authenticator(*db).login(swLogin, QStringLiteral("Password-of-%1").arg(swLogin));
    CHECK(readBack(*db, sw, QStringLiteral("MMG-0001")) == before);
    CHECK(codesFor(*db, sw, QStringLiteral("oyelaran")) == QStringList{QStringLiteral("MMG-0001")});
    // Nothing clear in the protected columns.
    CHECK(test::runRaw(f.t.spec(), {QStringLiteral("SELECT count(*) FROM person WHERE last_name = '") +
                                    kLast + QStringLiteral("' OR search_name <> ''")})
              .toLongLong() == 0);
}

TEST_CASE("sealing: the health tables of a database whose nurses hold the health key are sealed with the "
          "recovery key, on both backends",
          "[setup][sealing][pg]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    ClearFixture f(backend, true);
    const Session nurse = test::sessionFor(*f.db, Role::Nurse);
    REQUIRE(nurse.keys->hasHealthKey());
    recordHealth(*f.db, f.sw, nurse);
    const Sealing::Plan plan = Sealing::plan(*f.db);
    CHECK(plan.social);
    CHECK(plan.health);
    CHECK(plan.needsRecoveryKey());
    CHECK(plan.recoveryHoldsHealth);
    const QString before =
        HealthService(*f.db, nurse).checkups(QStringLiteral("P-00001")).checkups.at(0).notes;
    REQUIRE(before == kCheckupNote);

    // A wrong recovery key: refused before anything is written, and audited.
    const QString state = f.state();
    Sealing::Options wrong = f.options();
    wrong.recoveryKey = security::KeyRing::formatRecoveryKey(QByteArray(20, '\x5a'));
    QString message;
    CHECK(errorKind([&] { Sealing::prepare(*f.db, f.admin, wrong); }, &message) == Error::Kind::AccessDenied);
    CHECK(message ==
          Sealing::tr(
              "This recovery key does not open %1: the database was not sealed, nothing was "
              "changed. Check the key printed when the database was made (or at its latest replacement).")
              .arg(f.db->spec().displayName()));
    CHECK(f.state() == state);
    CHECK_FALSE(QFileInfo::exists(wrong.backupFile));
    CHECK(test::runRaw(f.t.spec(), {QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'seal' AND "
                                                   "outcome = 'denied' AND detail = 'recovery key'")})
              .toLongLong() == 1);

    Sealing::Options options = f.options();
    options.recoveryKey = f.recoveryKey.toLower(); // typed as it comes: case and dashes do not matter
    const QString nurseLogin = nurse.login();
    const Sealing::Result r = Sealing::run(f.db, f.admin, options);
    CHECK(r.health);
    CHECK(r.marker == QStringLiteral("2:person,household,health"));
    CHECK(r.temporaryPasswords.empty());
    CHECK(r.recoveryKey.isEmpty());
    CHECK(clearHealthValues(f.t.spec()) == 0);
    if (backend == store::Backend::Sqlite)
        CHECK(found(f.t.spec().path).isEmpty());

    auto db = store::Database::open(f.t.spec());
    CHECK(store::Sealed::coversHealth(*db));
    const Session nurseAfter =
        security::Authenticator(*db).login(nurseLogin, QStringLiteral("Password-of-%1").arg(nurseLogin));
    const auto record = HealthService(*db, nurseAfter).checkups(QStringLiteral("P-00001"));
    REQUIRE(record.checkups.size() == 1);
    CHECK(record.checkups.at(0).notes == kCheckupNote);
    CHECK(record.checkups.at(0).weightG == 83700);
    CHECK(HealthService(*db, nurseAfter)
              .questionnaires(QStringLiteral("P-00001"))
              .questionnaires.at(0)
              .fvPortionsX10 == 35);
    CHECK(test::runRaw(f.t.spec(), {QStringLiteral("SELECT count(*) FROM cohort_health")}).toLongLong() == 2);
}

TEST_CASE(
    "sealing: with a lost recovery key, the replaced key seals the health tables once a nurse has logged in",
    "[setup][sealing][pg][recovery]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    ClearFixture f(backend, true);
    const Session nurse = test::sessionFor(*f.db, Role::Nurse);
    recordHealth(*f.db, f.sw, nurse);

    // The key printed at init is lost: the administrator replaces it. The new one does not hold the health
    // key yet (administrators never do), so the health tables cannot be sealed with it; nothing is written.
    const auto replaced = security::Recovery::replaceKey(*f.db, f.admin);
    REQUIRE(replaced.healthPending);
    const QString state = f.state();
    Sealing::Options options = f.options();
    options.recoveryKey = replaced.recoveryKey;
    CHECK(errorKind([&] { Sealing::prepare(*f.db, f.admin, options); }) == Error::Kind::Conflict);
    options.recoveryKey = f.recoveryKey; // the old key opens nothing any more
    CHECK(errorKind([&] { Sealing::prepare(*f.db, f.admin, options); }) == Error::Kind::AccessDenied);
    CHECK(f.state() == state);

    // A nurse logs in (her login grants the health key to the new recovery slot); then it seals.
    security::Authenticator(*f.db).login(nurse.login(), QStringLiteral("Password-of-%1").arg(nurse.login()));
    options.recoveryKey = replaced.recoveryKey;
    const Sealing::Result r = Sealing::run(f.db, f.admin, options);
    CHECK(r.health);
    CHECK(r.marker == QStringLiteral("2:person,household,health"));
    CHECK(clearHealthValues(f.t.spec()) == 0);
}

TEST_CASE("sealing: a database sealed before its health tables gets them sealed with the recovery key, and a "
          "missing cohort key is made",
          "[setup][sealing]")
{
    ClearFixture f(store::Backend::Sqlite, true);
    const Session nurse = test::sessionFor(*f.db, Role::Nurse);
    const Session coordinator = test::sessionFor(*f.db, Role::Coordinator);
    recordHealth(*f.db, f.sw, nurse);
    const QString nurseLogin = nurse.login();
    const QString coordinatorLogin = coordinator.login();
    const QStringList social = readBack(*f.db, f.sw, QStringLiteral("MMG-0001"));

    // Sealed without the recovery key: persons and households only (format 1).
    const Sealing::Result first = Sealing::run(f.db, f.admin, f.options());
    CHECK_FALSE(first.health);
    CHECK(first.marker == QStringLiteral("1:person,household"));
    CHECK(found(f.t.spec().path).contains(kCheckupNote));
    f.db = store::Database::open(f.t.spec());
    // As if the nurses had made the health key before cohort keys existed.
    test::runRaw(f.t.spec(), {QStringLiteral("UPDATE key_ring SET cohort_key_check = NULL"),
                              QStringLiteral("UPDATE key_slot SET cohort_sealed = NULL")});
    const Sealing::Plan plan = Sealing::plan(*f.db);
    CHECK_FALSE(plan.social);
    CHECK(plan.needsRecoveryKey());

    // Without the recovery key there is nothing it can do.
    const QString state = f.state();
    Sealing::Options options = f.options();
    options.backupFile = QDir(f.t.dir()).filePath(QStringLiteral("before-health.cabas"));
    QString message;
    CHECK(errorKind([&] { Sealing::prepare(*f.db, f.admin, options); }, &message) == Error::Kind::Invalid);
    CHECK(message == Sealing::tr("%1 already encrypts names, addresses and notes. To encrypt its health data "
                                 "too, give the recovery key printed when the database was made (or at its "
                                 "latest replacement): the health "
                                 "key is held by the nurses, never by an administrator. Nothing was changed.")
                         .arg(f.db->spec().displayName()));
    CHECK(f.state() == state);
    CHECK_FALSE(QFileInfo::exists(options.backupFile));

    options.recoveryKey = f.recoveryKey;
    const Sealing::Result r = Sealing::run(f.db, f.admin, options);
    CHECK(r.health);
    CHECK(r.marker == QStringLiteral("2:person,household,health"));
    CHECK(r.temporaryPasswords.empty());
    const QString path = f.t.spec().path;
    for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-journal")}) {
        INFO(suffix.toStdString());
        CHECK(found(path + suffix).isEmpty());
    }
    CHECK(leftovers(path).isEmpty());

    auto db = store::Database::open(f.t.spec());
    const Session sw =
        security::Authenticator(*db).login(f.sw.login(), QStringLiteral("Password-of-%1").arg(f.sw.login()));
    CHECK(readBack(*db, sw, QStringLiteral("MMG-0001")) == social);
    const Session nurseAfter =
        security::Authenticator(*db).login(nurseLogin, QStringLiteral("Password-of-%1").arg(nurseLogin));
    CHECK(HealthService(*db, nurseAfter).checkups(QStringLiteral("P-00001")).checkups.at(0).notes ==
          kCheckupNote);
    // The cohort key made with the recovery key reached the nurse and the coordinator.
    CHECK(nurseAfter.keys->hasCohortKey());
    const Session coordinatorAfter = security::Authenticator(*db).login(
        coordinatorLogin, QStringLiteral("Password-of-%1").arg(coordinatorLogin));
    CHECK(coordinatorAfter.keys->hasCohortKey());
    CHECK(test::runRaw(f.t.spec(), {QStringLiteral("SELECT count(*) FROM audit_log WHERE action = "
                                                   "'keyring.grant_cohort'")})
              .toLongLong() >= 3);

    // Nothing left to seal.
    CHECK(errorKind([&] { Sealing::prepare(*db, test::adminSession(*db), options); }) ==
          Error::Kind::Conflict);
}

TEST_CASE("sealing: refused for a wrong password, a non-administrator and a sealed database, nothing changed",
          "[setup][sealing]")
{
    ClearFixture f(store::Backend::Sqlite, false);
    const QString state = f.state();
    const QString path = f.t.spec().path;

    QString message;
    CHECK(errorKind([&] { Sealing::prepare(*f.db, f.admin, f.options(QStringLiteral("Pas-le-bon-1234"))); },
                    &message) == Error::Kind::AccessDenied);
    CHECK(message == Sealing::tr("The password is wrong: the database was not sealed, nothing was changed."));
    CHECK(errorKind([&] { Sealing::prepare(*f.db, f.sw, f.options()); }) == Error::Kind::AccessDenied);
    CHECK(f.state() == state);
    CHECK_FALSE(QFileInfo::exists(f.backupFile()));
    CHECK(leftovers(path).isEmpty());

    TempDatabase sealed(store::Backend::Sqlite);
    auto db = sealed.createSealed();
    CHECK(errorKind([&] { Sealing::prepare(*db, test::adminSession(*db), f.options()); }, &message) ==
          Error::Kind::Conflict);
    CHECK(message == Sealing::tr("%1 is already sealed: its names, addresses, notes and health data are "
                                 "already encrypted. Nothing was changed.")
                         .arg(db->spec().displayName()));
}

TEST_CASE("sealing: cancelled at any step before the rename leaves the original and no copy",
          "[setup][sealing]")
{
    const Sealing::Phase phase =
        GENERATE(Sealing::Phase::Backup, Sealing::Phase::Copy, Sealing::Phase::Keys, Sealing::Phase::Rewrite,
                 Sealing::Phase::Vacuum, Sealing::Phase::Verify, Sealing::Phase::Replace);
    INFO("phase " << int(phase));
    ClearFixture f(store::Backend::Sqlite, false);
    const QString state = f.state();
    const QString path = f.t.spec().path;
    Sealing::Options options = f.options();
    options.progress = [&](Sealing::Phase p, qint64, qint64) { return p != phase; };
    CHECK(errorKind([&] { Sealing::run(f.db, f.admin, options); }) == Error::Kind::Cancelled);
    if (!f.db)
        f.db = store::Database::open(f.t.spec());
    CHECK(f.state() == state);
    CHECK_FALSE(store::Sealed::isSealed(*f.db));
    CHECK(leftovers(path).isEmpty());
    CHECK_FALSE(QFileInfo::exists(f.backupFile()));
}

TEST_CASE("sealing: the health step reports its rows and can be cancelled, leaving the database as it was",
          "[setup][sealing]")
{
    ClearFixture f(store::Backend::Sqlite, false);
    const Session nurse = test::sessionFor(*f.db, Role::Nurse);
    recordHealth(*f.db, f.sw, nurse);
    const QString state = f.state();
    const QString path = f.t.spec().path;
    // The rewrite reports the persons and households, then starts again from 0 for the health rows: cancel
    // there.
    std::vector<std::pair<qint64, qint64>> rewrite;
    bool inHealth = false;
    Sealing::Options options = f.options();
    options.progress = [&](Sealing::Phase p, qint64 done, qint64 total) {
        if (p != Sealing::Phase::Rewrite)
            return true;
        if (done == 0 && !rewrite.empty())
            inHealth = true;
        rewrite.emplace_back(done, total);
        return !inHealth;
    };
    CHECK(errorKind([&] { Sealing::run(f.db, f.admin, options); }) == Error::Kind::Cancelled);
    CHECK(inHealth);
    REQUIRE_FALSE(rewrite.empty());
    CHECK(rewrite.back().first == 0);
    CHECK(rewrite.back().second > 0); // the health rows to seal
    if (!f.db)
        f.db = store::Database::open(f.t.spec());
    CHECK(f.state() == state);
    CHECK_FALSE(store::Sealed::isSealed(*f.db));
    CHECK(leftovers(path).isEmpty());
}

TEST_CASE("sealing: PostgreSQL seals in one transaction, and a failure rolls everything back",
          "[setup][sealing][pg]")
{
    if (test::backendsUnderTest().back() != store::Backend::Postgres) {
        WARN("PostgreSQL not available (CABAS_TEST_PG)");
        return;
    }
    ClearFixture f(store::Backend::Postgres, false);
    const QString state = f.state();
    Sealing::Options options = f.options();
    options.progress = [&](Sealing::Phase p, qint64 done, qint64 total) {
        return !(p == Sealing::Phase::Rewrite && done > total / 2);
    };
    CHECK(errorKind([&] { Sealing::prepare(*f.db, f.admin, options); }) == Error::Kind::Cancelled);
    CHECK(f.state() == state);
    CHECK_FALSE(store::KeySlotRepository(*f.db).header());

    const QStringList before = readBack(*f.db, f.sw, QStringLiteral("MMG-0001"));
    const QString swLogin = f.sw.login();
    const Sealing::Result r = Sealing::prepare(*f.db, f.admin, f.options());
    CHECK(r.pendingFile.isEmpty());
    CHECK_FALSE(r.recoveryKey.isEmpty());
    QString swPassword;
    for (const auto& t : r.temporaryPasswords)
        if (t.login == swLogin)
            swPassword = t.password;
    auto db = f.db->reopen();
    const Session sw = security::Authenticator(*db).login(swLogin, swPassword);
    CHECK(sw.mustChangePassword()); // temporary: changed at the next login
    CHECK(readBack(*db, sw, QStringLiteral("MMG-0001")) == before);
    CHECK(test::runRaw(f.t.spec(), {QStringLiteral("SELECT count(*) FROM person WHERE last_name = '") +
                                    kLast + QStringLiteral("' OR search_name <> ''")})
              .toLongLong() == 0);
}

TEST_CASE(
    "sealing: on PostgreSQL, another client that knew the database clear writes nothing clear after the "
    "sealing",
    "[setup][sealing][pg]")
{
    if (test::backendsUnderTest().back() != store::Backend::Postgres) {
        WARN("PostgreSQL not available (CABAS_TEST_PG)");
        return;
    }
    ClearFixture f(store::Backend::Postgres, true);
    const Session nurse = test::sessionFor(*f.db, Role::Nurse);
    // Another client's connection, which has written (and so remembers the database clear).
    auto other = f.db->reopen();
    const QString code = QStringLiteral("MMG-0001");
    HouseholdService(*other, f.sw).addNote(code, QStringLiteral("Avant le chiffrement"));
    recordHealth(*other, f.sw, nurse);
    REQUIRE_FALSE(store::Sealed::isSealed(*other));
    auto nurseSide = f.db->reopen(); // a nurse's client, which has read health data
    REQUIRE(HealthService(*nurseSide, nurse).checkups(QStringLiteral("P-00001")).checkups.size() == 1);

    Sealing::Options options = f.options();
    options.recoveryKey = f.recoveryKey;
    Sealing::prepare(*f.db, f.admin, options);

    const QString after = QStringLiteral("Rendez-vous pris chez l'assistante sociale de Mirande");
    const auto rawCount = [&](const QString& sql) { return test::runRaw(f.t.spec(), {sql}).toLongLong(); };
    const qint64 notes = rawCount(QStringLiteral("SELECT count(*) FROM household_note"));
    const qint64 checkups = rawCount(QStringLiteral("SELECT count(*) FROM checkup"));
    QString message;
    CHECK(errorKind([&] { HouseholdService(*other, f.sw).addNote(code, after); }, &message) ==
          Error::Kind::Conflict);
    CHECK(message ==
          store::Sealed::tr("An administrator has just encrypted %1: log in again to go on (nothing "
                            "was written).")
              .arg(other->spec().displayName()));
    CHECK(rawCount(QStringLiteral("SELECT count(*) FROM household_note")) == notes);
    // The nurse's client, which knew the health tables clear: the same.
    Checkup c;
    c.wave = QStringLiteral("M6");
    c.takenOn = QDate(2025, 7, 8);
    c.weightG = 81200;
    c.notes = QStringLiteral("Contrôle glycémie à refaire");
    CHECK(errorKind([&] { HealthService(*nurseSide, nurse).recordCheckup(QStringLiteral("P-00001"), c); }) ==
          Error::Kind::Conflict);
    CHECK(rawCount(QStringLiteral("SELECT count(*) FROM checkup")) == checkups);

    // The connection now knows: the same note is written sealed.
    HouseholdService(*other, f.sw).addNote(code, after);
    CHECK(rawCount(QStringLiteral("SELECT count(*) FROM household_note")) == notes + 1);
    CHECK(rawCount(QStringLiteral("SELECT count(*) FROM household_note WHERE body LIKE '%Mirande%'")) == 0);
}

TEST_CASE("sealing: copies left by an interrupted sealing are deleted when the database opens",
          "[setup][sealing]")
{
    TempDatabase t(store::Backend::Sqlite);
    t.createInitialised();
    const QString path = t.spec().path;
    const QString part = QFileInfo(path).absoluteDir().filePath(
        QStringLiteral(".%1.encrypting.0123.part").arg(QFileInfo(path).fileName()));
    const QStringList stale{store::SealExisting::encryptingFile(path),
                            store::SealExisting::encryptingFile(path) + QStringLiteral("-wal"),
                            store::SealExisting::encryptedFile(path), part};
    for (const QString& file : stale)
        test::writeFile(file, "stale");
    {
        // Not while this process is sealing it.
        store::SealExisting::Busy busy(path);
        store::Database::open(t.spec());
        for (const QString& file : stale)
            CHECK(QFileInfo::exists(file));
    }
    store::Database::open(t.spec());
    for (const QString& file : stale)
        CHECK_FALSE(QFileInfo::exists(file));
}
