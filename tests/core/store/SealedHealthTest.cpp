#include "TestPaths.h"
#include "cohort/CohortService.h"
#include "common/Error.h"
#include "io/HealthImport.h"
#include "io/PersonsImport.h"
#include "security/KeyRing.h"
#include "services/HealthService.h"
#include "services/HouseholdService.h"
#include "store/CheckupRepository.h"
#include "store/HealthSealing.h"
#include "store/KeySlotRepository.h"
#include "store/PreventionRepository.h"
#include "store/QuestionnaireRepository.h"
#include "store/Sealed.h"
#include "store/UserRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <catch2/catch.hpp>
#include <map>
#include <optional>

using namespace cabas;
using cabas::test::errorKind;
using cabas::test::TempDatabase;

namespace {

const QString kSamples = QStringLiteral(CABAS_SAMPLES_DIR);

// What a sealed database must never show in clear.
const QString kCheckupNote = QStringLiteral("Hypertension suivie");
const QString kCorrectionReason = QStringLiteral("Balance du cabinet mal tarée");
const QString kPartner = QStringLiteral("Centre dentaire Lannelongue");
const QString kOutcome = QStringLiteral("Détartrage programmé");
const QString kStepNote = QStringLiteral("Phobie des soins dentaires");
const QString kTopic = QStringLiteral("Sevrage tabagique");
const QString kSessionNote = QStringLiteral("Rechute après le décès du conjoint");

Checkup measured(const QString& wave, const QDate& on, int weightG, int heightMm)
{
    Checkup c;
    c.wave = wave;
    c.takenOn = on;
    c.weightG = weightG;
    c.heightMm = heightMm;
    return c;
}

// A database (sealed or clear) with a household of two members who consent to health follow-up, and the
// sessions of each role. The coordinator is created before the first nurse logs in, so the nurse's login
// seals the cohort key to her slot; she logs in again to hold it.
struct HealthFixture
{
    TempDatabase t;
    std::unique_ptr<store::Database> db;
    Session sw;
    Session nurse;
    Session coordinator;
    qint64 personId = 0;
    qint64 secondId = 0;

    HealthFixture(store::Backend backend, bool sealed) : t(backend)
    {
        db = sealed ? t.createSealed() : t.createInitialised();
        sw = test::sessionFor(*db, Role::SocialWorker);
        test::sessionFor(*db, Role::Coordinator);
        nurse = test::sessionFor(*db, Role::Nurse);
        coordinator = test::sessionFor(*db, Role::Coordinator);
        const HouseholdService s(*db, sw);
        Household h;
        h.code = QStringLiteral("MMG-0001");
        h.commune = QStringLiteral("Auch");
        h.status = HouseholdStatus::Enrolled;
        h.enrolledOn = QDate(2024, 6, 1);
        s.create(h);
        for (const char* code : {"P-00001", "P-00002"}) {
            Person p;
            p.householdId = h.id;
            p.code = QString::fromLatin1(code);
            p.firstName = QStringLiteral("Prénom");
            p.lastName = QStringLiteral("Nom");
            p.birthDate = QDate(1980, 4, 13);
            s.addPerson(p);
            Consent c;
            c.personId = p.id;
            c.purpose = ConsentPurpose::HealthFollowup;
            c.given = true;
            c.effectiveOn = QDate(2024, 6, 1);
            s.recordConsent(c);
            (personId ? secondId : personId) = p.id;
        }
    }

    // Every kind of health record, through the nurse's service.
    void writeAll()
    {
        const HealthService health(*db, nurse);
        Checkup c0 = measured(QStringLiteral("M0"), QDate(2024, 6, 5), 83700, 1720);
        c0.systolicMmHg = 151;
        c0.diastolicMmHg = 97;
        c0.glucoseMgDl = 143;
        c0.waistMm = 1030;
        c0.notes = kCheckupNote;
        health.recordCheckup(QStringLiteral("P-00001"), c0);
        Checkup c6 = measured(QStringLiteral("M6"), QDate(2024, 12, 5), 80100, 1720);
        health.recordCheckup(QStringLiteral("P-00001"), c6);
        c6.weightG = 81200;
        health.correctCheckup(QStringLiteral("P-00001"), c6, kCorrectionReason);
        Checkup other = measured(QStringLiteral("M0"), QDate(2024, 6, 6), 61000, 1600);
        health.recordCheckup(QStringLiteral("P-00002"), other);
        DietQuestionnaire q;
        q.wave = QStringLiteral("M0");
        q.answeredOn = QDate(2024, 6, 5);
        q.fvPortionsX10 = 25;
        q.organicFv = Frequency::Rarely;
        q.localProducts = Frequency::Sometimes;
        q.organicProducts = Frequency::Never;
        health.recordQuestionnaire(QStringLiteral("P-00001"), q);
        DietQuestionnaire q6 = q;
        q6.wave = QStringLiteral("M6");
        q6.answeredOn = QDate(2024, 12, 5);
        q6.organicFv = Frequency::Often;
        q6.discoveredSustainableShop = true;
        health.recordQuestionnaire(QStringLiteral("P-00001"), q6);
        PreventionStep step;
        step.doneOn = QDate(2024, 7, 1);
        step.type = PreventionType::Dental;
        step.partner = kPartner;
        step.outcome = kOutcome;
        step.notes = kStepNote;
        health.recordPreventionStep(QStringLiteral("P-00001"), step);
        SupportSession session;
        session.heldOn = QDate(2024, 7, 2);
        session.topic = kTopic;
        session.notes = kSessionNote;
        health.recordSupportSession(QStringLiteral("P-00001"), session);
    }
};
} // namespace

TEST_CASE("sealed health: new sealed databases are format 2, format 1 keeps health clear, newer is refused",
          "[store][sealed][health]")
{
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 1), QTime(9, 0), Qt::UTC));
    TempDatabase t(store::Backend::Sqlite);
    {
        auto db = t.createSealed();
        CHECK(store::Sealed::format(*db) == 2);
        CHECK(store::Sealed::coversHealth(*db));
    }
    CHECK(t.rawValue(QStringLiteral("SELECT value FROM cabas_meta WHERE key = 'sealed_fields'")).toString() ==
          QStringLiteral("2:person,household,health"));
    // A database sealed by the previous version: persons and households sealed, health clear as before.
    t.rawExec(
        QStringLiteral("UPDATE cabas_meta SET value = '1:person,household' WHERE key = 'sealed_fields'"));
    {
        auto db = t.open();
        CHECK(store::Sealed::isSealed(*db));
        CHECK_FALSE(store::Sealed::coversHealth(*db));
        CHECK_FALSE(store::HealthSealing(*db, nullptr).on());
    }
    // Format 2 without "health" in what it covers (a migration that sealed persons and households only).
    t.rawExec(
        QStringLiteral("UPDATE cabas_meta SET value = '2:person,household' WHERE key = 'sealed_fields'"));
    {
        auto db = t.open();
        CHECK(store::Sealed::format(*db) == 2);
        CHECK_FALSE(store::Sealed::coversHealth(*db));
    }
    t.rawExec(QStringLiteral("UPDATE cabas_meta SET value = '3:person,household,health,x' WHERE key = "
                             "'sealed_fields'"));
    auto db = t.open();
    CHECK(errorKind([&] { store::Sealed::isSealed(*db); }) == Error::Kind::Unsupported);
}

TEST_CASE("sealed health: a format 1 database keeps writing and reading health in clear",
          "[store][sealed][health]")
{
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 1), QTime(9, 0), Qt::UTC));
    TempDatabase t(store::Backend::Sqlite);
    t.createSealed().reset();
    t.rawExec(
        QStringLiteral("UPDATE cabas_meta SET value = '1:person,household' WHERE key = 'sealed_fields'"));
    auto db = t.open();
    const Session sw = test::sessionFor(*db, Role::SocialWorker);
    const Session nurse = test::sessionFor(*db, Role::Nurse);
    Household h;
    h.code = QStringLiteral("MMG-0001");
    h.status = HouseholdStatus::Enrolled;
    h.enrolledOn = QDate(2024, 6, 1);
    HouseholdService(*db, sw).create(h);
    Person p;
    p.householdId = h.id;
    p.code = QStringLiteral("P-00001");
    p.firstName = QStringLiteral("Ana");
    p.lastName = QStringLiteral("Lopes");
    p.birthDate = QDate(1980, 4, 13);
    HouseholdService(*db, sw).addPerson(p);
    Consent c;
    c.personId = p.id;
    c.purpose = ConsentPurpose::HealthFollowup;
    c.given = true;
    c.effectiveOn = QDate(2024, 6, 1);
    HouseholdService(*db, sw).recordConsent(c);
    Checkup checkup = measured(QStringLiteral("M0"), QDate(2024, 6, 5), 83700, 1720);
    HealthService(*db, nurse).recordCheckup(QStringLiteral("P-00001"), checkup);
    CHECK(db->exec(QStringLiteral("SELECT weight_g FROM checkup")).next());
    CHECK(t.rawValue(QStringLiteral("SELECT weight_g FROM checkup")).toInt() == 83700);
    CHECK(t.rawValue(QStringLiteral("SELECT count(*) FROM cohort_health")).toInt() == 0);
    CHECK(HealthService(*db, nurse).checkups(QStringLiteral("P-00001")).checkups.at(0).weightG == 83700);
}

TEST_CASE("sealed health: the nurse writes and reads back every value, the tables hold only ciphertext",
          "[store][sealed][health]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 1), QTime(9, 0), Qt::UTC));
    HealthFixture f(backend, true);
    REQUIRE(f.nurse.keys->hasHealthKey());
    REQUIRE(f.nurse.keys->hasCohortKey());
    f.writeAll();
    const HealthService health(*f.db, f.nurse);

    const auto checkups = health.checkups(QStringLiteral("P-00001")).checkups;
    REQUIRE(checkups.size() == 2);
    CHECK(checkups[0].weightG == 83700);
    CHECK(checkups[0].heightMm == 1720);
    CHECK(checkups[0].systolicMmHg == 151);
    CHECK(checkups[0].diastolicMmHg == 97);
    CHECK(checkups[0].glucoseMgDl == 143);
    CHECK(checkups[0].waistMm == 1030);
    CHECK(checkups[0].notes == kCheckupNote);
    CHECK(checkups[1].weightG == 81200); // corrected
    CHECK(checkups[1].version == 2);
    CHECK_FALSE(checkups[1].glucoseMgDl.has_value());
    const auto corrections = health.checkupCorrections(QStringLiteral("P-00001"), checkups[1].id);
    REQUIRE(corrections.size() == 1);
    CHECK(corrections[0].reason == kCorrectionReason);
    const auto questionnaires = health.questionnaires(QStringLiteral("P-00001")).questionnaires;
    REQUIRE(questionnaires.size() == 2);
    CHECK(questionnaires[0].fvPortionsX10 == 25);
    CHECK(questionnaires[0].organicFv == Frequency::Rarely);
    CHECK(questionnaires[0].localProducts == Frequency::Sometimes);
    CHECK(questionnaires[0].organicProducts == Frequency::Never);
    CHECK_FALSE(questionnaires[0].discoveredSustainableShop.has_value());
    CHECK(questionnaires[1].organicFv == Frequency::Often);
    CHECK(questionnaires[1].discoveredSustainableShop == true);
    const auto steps = health.preventionSteps(QStringLiteral("P-00001")).steps;
    REQUIRE(steps.size() == 1);
    CHECK(steps[0].type == PreventionType::Dental);
    CHECK(steps[0].partner == kPartner);
    CHECK(steps[0].outcome == kOutcome);
    CHECK(steps[0].notes == kStepNote);
    const auto sessions = health.supportSessions(QStringLiteral("P-00001")).sessions;
    REQUIRE(sessions.size() == 1);
    CHECK(sessions[0].topic == kTopic);
    CHECK(sessions[0].notes == kSessionNote);

    // In the tables: no measure, answer or text in clear; dates, waves and types are.
    auto count = [&](const QString& sql) { return f.t.rawValue(sql).toInt(); };
    CHECK(count(QStringLiteral(
              "SELECT count(*) FROM checkup WHERE weight_g IS NOT NULL OR height_mm IS NOT NULL OR "
              "waist_mm IS NOT NULL OR systolic_mmhg IS NOT NULL OR diastolic_mmhg IS NOT NULL "
              "OR glucose_mg_dl IS NOT NULL OR notes <> '' OR sealed IS NULL")) == 0);
    CHECK(count(QStringLiteral("SELECT count(*) FROM checkup")) == 3);
    CHECK(count(QStringLiteral(
              "SELECT count(*) FROM diet_questionnaire WHERE fv_portions_x10 IS NOT NULL OR "
              "organic_fv_freq IS NOT NULL OR local_products_freq IS NOT NULL OR "
              "organic_products_freq IS NOT NULL OR discovered_sustainable_shop IS NOT NULL OR "
              "sealed IS NULL")) == 0);
    CHECK(count(QStringLiteral("SELECT count(*) FROM diet_questionnaire WHERE wave = 'M6'")) == 1);
    CHECK(f.t.rawValue(QStringLiteral("SELECT step_type FROM prevention_step")).toString() ==
          QStringLiteral("dental"));
    for (const QString& sql : {QStringLiteral("SELECT reason FROM checkup_correction"),
                               QStringLiteral("SELECT partner FROM prevention_step"),
                               QStringLiteral("SELECT outcome FROM prevention_step"),
                               QStringLiteral("SELECT notes FROM prevention_step"),
                               QStringLiteral("SELECT topic FROM support_session"),
                               QStringLiteral("SELECT notes FROM support_session"),
                               QStringLiteral("SELECT sealed FROM checkup ORDER BY id"),
                               QStringLiteral("SELECT sealed FROM cohort_health ORDER BY id")}) {
        INFO(sql.toStdString());
        const QString stored = f.t.rawValue(sql).toString();
        CHECK(stored.size() > 40);
        for (const QString& secret : {kCheckupNote, kCorrectionReason, kPartner, kOutcome, kStepNote, kTopic,
                                      kSessionNote, QStringLiteral("83700"), QStringLiteral("weight")})
            CHECK_FALSE(stored.contains(secret));
    }
    // One cohort row per checkup and questionnaire, the correction's replacing its checkup's.
    CHECK(count(QStringLiteral("SELECT count(*) FROM cohort_health")) == 5);
    CHECK(count(QStringLiteral("SELECT count(*) FROM cohort_health WHERE source = 'checkup'")) == 3);
}

TEST_CASE("sealed health: social workers' and coordinators' keys do not open health values, even without the "
          "service",
          "[store][sealed][health][access]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 1), QTime(9, 0), Qt::UTC));
    HealthFixture f(backend, true);
    f.writeAll();
    REQUIRE_FALSE(f.sw.keys->hasHealthKey());
    REQUIRE_FALSE(f.coordinator.keys->hasHealthKey());
    CHECK_FALSE(f.sw.keys->hasCohortKey());
    CHECK(f.coordinator.keys->hasCohortKey());

    for (const Session* s : {&f.sw, &f.coordinator}) {
        INFO(toCode(s->user.role).toStdString());
        // The service refuses by role; the repositories, used directly with the session's keys, cannot open.
        CHECK(errorKind([&] { HealthService(*f.db, *s).checkups(QStringLiteral("P-00001")); }) ==
              Error::Kind::AccessDenied);
        QString message;
        CHECK(errorKind([&] { store::CheckupRepository(*f.db, s->keys.get()).forPerson(f.personId); },
                        &message) == Error::Kind::AccessDenied);
        CHECK(message ==
              store::HealthSealing::tr(
                  "This database keeps health data encrypted, and this session has no health key to "
                  "open it: only a nurse's session holds it (nothing was read or written)."));
        CHECK(errorKind([&] {
                  store::QuestionnaireRepository(*f.db, s->keys.get()).forPerson(f.personId);
              }) == Error::Kind::AccessDenied);
        CHECK(errorKind([&] {
                  store::PreventionRepository(*f.db, s->keys.get()).stepsForPerson(f.personId);
              }) == Error::Kind::AccessDenied);
        // The key ring itself refuses the health scope.
        const QString stored =
            f.t.rawValue(QStringLiteral("SELECT sealed FROM checkup ORDER BY id")).toString();
        const qint64 id = f.t.rawValue(QStringLiteral("SELECT id FROM checkup ORDER BY id")).toLongLong();
        CHECK(errorKind([&] {
                  s->keys->decrypt(security::KeyRing::Scope::Health,
                                   QByteArray::fromBase64(stored.toLatin1()),
                                   "checkup.sealed:" + QByteArray::number(id));
              }) == Error::Kind::AccessDenied);
        // Nor can it write: nothing is added.
        Checkup c = measured(QStringLiteral("M6"), QDate(2024, 12, 6), 60000, 1600);
        c.personId = f.secondId;
        CHECK(errorKind([&] { store::CheckupRepository(*f.db, s->keys.get()).insert(c); }) ==
              Error::Kind::AccessDenied);
    }
    // No keys at all: refused, nothing written.
    Checkup c = measured(QStringLiteral("M6"), QDate(2024, 12, 6), 60000, 1600);
    c.personId = f.secondId;
    CHECK(errorKind([&] { store::CheckupRepository(*f.db, nullptr).insert(c); }) ==
          Error::Kind::AccessDenied);
    CHECK(f.t.rawValue(QStringLiteral("SELECT count(*) FROM checkup")).toInt() == 3);
    // The cohort key opens the cohort's derived values only (a coordinator's session): BMI, never a measure.
    QSqlQuery q = f.db->exec(QStringLiteral("SELECT source, record_id, person_id, wave, sealed FROM "
                                            "cohort_health WHERE source = 'checkup' ORDER BY id"));
    REQUIRE(q.next());
    const auto values = store::HealthSealing::openCohort(*f.coordinator.keys, q.value(0).toString(),
                                                         q.value(1).toLongLong(), q.value(2).toLongLong(),
                                                         q.value(3).toString(), q.value(4).toString());
    REQUIRE(values.bmi);
    CHECK(*values.bmi == Approx(83700.0 * 1000.0 / (1720.0 * 1720.0)));
    CHECK(errorKind([&] {
              store::HealthSealing::openCohort(*f.sw.keys, q.value(0).toString(), q.value(1).toLongLong(),
                                               q.value(2).toLongLong(), q.value(3).toString(),
                                               q.value(4).toString());
          }) == Error::Kind::AccessDenied);
}

TEST_CASE("sealed health: ciphertext moved to another row does not open", "[store][sealed][health]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 1), QTime(9, 0), Qt::UTC));
    HealthFixture f(backend, true);
    f.writeAll();
    // Swap the sealed values of P-00001's M6 checkup and P-00002's M0 checkup.
    const qint64 a = f.t.rawValue(QStringLiteral("SELECT id FROM checkup WHERE wave = 'M6'")).toLongLong();
    const qint64 b =
        f.t.rawValue(QStringLiteral("SELECT id FROM checkup WHERE person_id = %1").arg(f.secondId))
            .toLongLong();
    const QString sa =
        f.t.rawValue(QStringLiteral("SELECT sealed FROM checkup WHERE id = %1").arg(a)).toString();
    const QString sb =
        f.t.rawValue(QStringLiteral("SELECT sealed FROM checkup WHERE id = %1").arg(b)).toString();
    f.t.rawExec(QStringLiteral("UPDATE checkup SET sealed = '%1' WHERE id = %2").arg(sb).arg(a));
    f.t.rawExec(QStringLiteral("UPDATE checkup SET sealed = '%1' WHERE id = %2").arg(sa).arg(b));
    CHECK(errorKind([&] { HealthService(*f.db, f.nurse).checkups(QStringLiteral("P-00001")); }) ==
          Error::Kind::Storage);
    CHECK(errorKind([&] { HealthService(*f.db, f.nurse).checkups(QStringLiteral("P-00002")); }) ==
          Error::Kind::Storage);
    // A cohort row moved to another person does not open either.
    f.t.rawExec(
        QStringLiteral("UPDATE cohort_health SET person_id = %1 WHERE record_id = %2 AND source = 'checkup'")
            .arg(f.secondId)
            .arg(a));
    QSqlQuery q = f.db->exec(
        QStringLiteral(
            "SELECT source, record_id, person_id, wave, sealed FROM cohort_health WHERE record_id = ? AND "
            "source = 'checkup'"),
        {a});
    REQUIRE(q.next());
    CHECK(errorKind([&] {
              store::HealthSealing::openCohort(*f.coordinator.keys, q.value(0).toString(),
                                               q.value(1).toLongLong(), q.value(2).toLongLong(),
                                               q.value(3).toString(), q.value(4).toString());
          }) == Error::Kind::Storage);
}

TEST_CASE("sealed health: a cohort row reads the same values whatever the form of its JSON, and damaged rows are "
          "refused",
          "[store][sealed][health]")
{
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 1), QTime(9, 0), Qt::UTC));
    HealthFixture f(store::Backend::Sqlite, true);
    const security::KeyRing& ring = *f.coordinator.keys;
    const QString source = QStringLiteral("questionnaire");
    const QString wave = QStringLiteral("M6");
    const auto open = [&](const QByteArray& json) {
        const QString stored =
            QString::fromLatin1(ring.encrypt(security::KeyRing::Scope::Cohort, json,
                                             QByteArrayLiteral("cohort_health.sealed:questionnaire:7:9:M6"))
                                    .toBase64());
        return store::HealthSealing::openCohort(ring, source, 7, 9, wave, stored);
    };
    // What cohortPayload() writes (Qt's compact JSON), read by the fast path; the BMI is the very double.
    const double bmi = 83700.0 * 1000.0 / (1720.0 * 1720.0);
    const QByteArray written =
        QJsonDocument(QJsonObject{{QStringLiteral("bmi"), bmi}}).toJson(QJsonDocument::Compact);
    CHECK(open(written).bmi == bmi);
    CHECK_FALSE(open(written).organicFv);
    const auto answers = open(
        QByteArrayLiteral(R"({"discovered":false,"local_products":0,"organic_fv":4,"organic_products":2})"));
    CHECK(answers.organicFv == 4);
    CHECK(answers.localProducts == 0);
    CHECK(answers.organicProducts == 2);
    CHECK(answers.discovered == false);
    CHECK_FALSE(answers.bmi);
    const auto none = open(QByteArrayLiteral("{}"));
    CHECK_FALSE(none.bmi);
    CHECK_FALSE(none.discovered);
    // Other forms of the same JSON (spaces, integers, unknown keys, other ranks) read as QJsonDocument does.
    const auto spaced =
        open(QByteArrayLiteral(R"( { "bmi" : 25 , "organic_fv" : 3, "note": "x", "discovered": true } )"));
    CHECK(spaced.bmi == 25.0);
    CHECK(spaced.organicFv == 3);
    CHECK(spaced.discovered == true);
    CHECK(open(QByteArrayLiteral(R"({"organic_fv":12})")).organicFv == 12);
    // Damaged: not JSON, not an object, not base64, or sealed for another row.
    for (const QByteArray& bad : {QByteArrayLiteral(R"({"bmi":)"), QByteArrayLiteral(R"({"bmi":25,})"),
                                  QByteArrayLiteral("[1]"), QByteArrayLiteral("")})
        CHECK(errorKind([&] { open(bad); }) == Error::Kind::Storage);
    CHECK(errorKind([&] {
              store::HealthSealing::openCohort(ring, source, 7, 9, wave, QStringLiteral("pas du base64 !"));
          }) == Error::Kind::Storage);
    const QString elsewhere =
        QString::fromLatin1(ring.encrypt(security::KeyRing::Scope::Cohort, written,
                                         QByteArrayLiteral("cohort_health.sealed:questionnaire:8:9:M6"))
                                .toBase64());
    CHECK(errorKind([&] { store::HealthSealing::openCohort(ring, source, 7, 9, wave, elsewhere); }) ==
          Error::Kind::Storage);
}

TEST_CASE("sealed health: the SQLite file and its WAL hold no health value (a clear one does)",
          "[store][sealed][health][files]")
{
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 1), QTime(9, 0), Qt::UTC));
    const QList<QByteArray> secrets{kCheckupNote.toUtf8(),
                                    kCorrectionReason.toUtf8(),
                                    kPartner.toUtf8(),
                                    kOutcome.toUtf8(),
                                    kStepNote.toUtf8(),
                                    kTopic.toUtf8(),
                                    kSessionNote.toUtf8(),
                                    QByteArray("Hypertension"),
                                    QByteArray("83700"),
                                    QByteArray("weight_g\":"),
                                    QByteArray("glucose_mg_dl\":")};
    auto scan = [&](const QString& file) {
        QFile in(file);
        if (!in.open(QIODevice::ReadOnly))
            return QStringList();
        const QByteArray bytes = in.readAll();
        QStringList found;
        for (const QByteArray& s : secrets)
            if (bytes.contains(s))
                found << QString::fromUtf8(s);
        return found;
    };
    for (const bool sealed : {false, true}) {
        INFO((sealed ? "sealed" : "clear"));
        HealthFixture f(store::Backend::Sqlite, sealed);
        f.writeAll();
        const QString path = f.t.spec().path;
        REQUIRE(QFile::exists(path + QStringLiteral("-wal")));
        const QStringList inWal = scan(path + QStringLiteral("-wal"));
        f.db->exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
        const QStringList inFile = scan(path);
        f.db.reset();
        const QStringList closed = scan(path) + scan(path + QStringLiteral("-wal"));
        INFO(inWal.join(QLatin1Char(',')).toStdString() + " / " +
             inFile.join(QLatin1Char(',')).toStdString());
        if (sealed) {
            CHECK(inWal.isEmpty());
            CHECK(inFile.isEmpty());
            CHECK(closed.isEmpty());
        } else {
            // The scan finds them when they are there.
            CHECK(inWal.contains(kCheckupNote));
            CHECK(inFile.contains(kSessionNote));
            CHECK(closed.contains(kPartner));
        }
    }
}

TEST_CASE("sealed health: checkups.csv and questionnaires.csv import sealed, and again changes nothing",
          "[store][sealed][health][import]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 1), QTime(9, 0), Qt::UTC));
    TempDatabase t(backend);
    auto db = t.createSealed();
    const Session sw = test::sessionFor(*db, Role::SocialWorker);
    io::PersonsImport(*db, sw).run(kSamples + QStringLiteral("/persons.csv"));
    HouseholdService service(*db, sw);
    for (const Household& h : service.list())
        for (const Person& p : service.members(h.id)) {
            Consent c;
            c.personId = p.id;
            c.purpose = ConsentPurpose::HealthFollowup;
            c.given = true;
            c.effectiveOn = QDate(2024, 6, 1);
            service.recordConsent(c);
        }
    const Session nurse = test::sessionFor(*db, Role::Nurse);
    io::HealthImport import(*db, nurse);
    const auto checkups = import.runCheckups(kSamples + QStringLiteral("/checkups.csv"));
    const auto questionnaires = import.runQuestionnaires(kSamples + QStringLiteral("/questionnaires.csv"));
    CHECK(checkups.created > 0);
    CHECK(questionnaires.created > 0);
    CHECK(t.rawValue(
               QStringLiteral("SELECT count(*) FROM checkup WHERE weight_g IS NOT NULL OR sealed IS NULL"))
              .toInt() == 0);
    CHECK(t.rawValue(
               QStringLiteral("SELECT count(*) FROM diet_questionnaire WHERE organic_fv_freq IS NOT NULL OR "
                              "sealed IS NULL"))
              .toInt() == 0);
    CHECK(t.rawValue(QStringLiteral("SELECT count(*) FROM cohort_health")).toInt() ==
          checkups.created + questionnaires.created);
    // The first sample row: P-00001, M0, 99.3 kg, 186 cm, 154/95.
    const auto read = HealthService(*db, nurse).checkups(QStringLiteral("P-00001")).checkups;
    REQUIRE_FALSE(read.empty());
    CHECK(read[0].weightG == 99300);
    CHECK(read[0].heightMm == 1860);
    CHECK(read[0].systolicMmHg == 154);
    const auto answers = HealthService(*db, nurse).questionnaires(QStringLiteral("P-00001")).questionnaires;
    REQUIRE_FALSE(answers.empty());
    CHECK(answers[0].localProducts == Frequency::Rarely);
    // Again: every row is already there with the same values.
    const auto again = io::HealthImport(*db, nurse).runCheckups(kSamples + QStringLiteral("/checkups.csv"));
    CHECK(again.created == 0);
    CHECK(again.unchanged == checkups.created);
    const auto againQ =
        io::HealthImport(*db, nurse).runQuestionnaires(kSamples + QStringLiteral("/questionnaires.csv"));
    CHECK(againQ.created == 0);
}

TEST_CASE(
    "sealed health: the cohort key goes to nurses, coordinators and the recovery slot, not social workers",
    "[store][sealed][health][keys]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 1), QTime(9, 0), Qt::UTC));
    TempDatabase t(backend);
    QString recoveryKey;
    auto db = t.createInitialised(&recoveryKey);
    const Session coordinatorBefore = test::sessionFor(*db, Role::Coordinator);
    CHECK_FALSE(coordinatorBefore.keys->hasCohortKey());
    const Session nurse = test::sessionFor(*db, Role::Nurse);
    CHECK(nurse.keys->hasCohortKey());
    const Session sw = test::sessionFor(*db, Role::SocialWorker);
    CHECK_FALSE(sw.keys->hasCohortKey());
    CHECK(test::sessionFor(*db, Role::Coordinator).keys->hasCohortKey());
    store::KeySlotRepository keySlots(*db);
    REQUIRE(keySlots.header()->cohortKeyCheck.size() == 32);
    CHECK_FALSE(keySlots.forUser(sw.user.id)->cohortSealed.size());
    CHECK(keySlots.recovery()->cohortSealed.size() > 0);
    const auto recovered =
        security::KeyRing::unlockWithRecoveryKey(*keySlots.header(), *keySlots.recovery(), recoveryKey);
    CHECK(recovered.hasCohortKey());
    CHECK(recovered.hasHealthKey());
    // The grants are audited, one record each.
    CHECK(t.rawValue(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'keyring.grant_cohort'"))
              .toInt() == 3); // the nurse (creator), the coordinator, the recovery slot
    // A coordinator whose password an administrator resets waits for a nurse's login again.
    const Session admin = test::adminSession(*db);
    const User coordinatorUser = *store::UserRepository(*db).findByLogin(QStringLiteral("coordinator"));
    admin.keys->resetPassword(keySlots, coordinatorUser, QStringLiteral("Another-password-1234"),
                              QDateTime::currentDateTimeUtc());
    CHECK(keySlots.forUser(coordinatorUser.id)->cohortPending());
    test::sessionFor(*db, Role::Nurse);
    CHECK_FALSE(keySlots.forUser(coordinatorUser.id)->cohortPending());
}

TEST_CASE("sealed health: the health of an existing clear database sealed in place reads back the same",
          "[store][sealed][health][migration]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 1), QTime(9, 0), Qt::UTC));
    HealthFixture f(backend, false);
    f.writeAll();
    const HealthService health(*f.db, f.nurse);
    const auto checkups = health.checkups(QStringLiteral("P-00001")).checkups;
    const auto questionnaires = health.questionnaires(QStringLiteral("P-00001")).questionnaires;
    const auto steps = health.preventionSteps(QStringLiteral("P-00001")).steps;
    const auto sessions = health.supportSessions(QStringLiteral("P-00001")).sessions;
    const auto corrections = health.checkupCorrections(QStringLiteral("P-00001"), checkups[1].id);
    CohortFilter period;
    period.from = QDate(2024, 6, 1);
    period.to = QDate(2024, 12, 31);
    auto cohortJson = [&] {
        return QJsonDocument(
                   CohortService(*f.db, f.coordinator).report(period, Disclosure::Internal).toJson())
            .toJson(QJsonDocument::Compact);
    };
    const QByteArray clearJson = cohortJson();
    CHECK(clearJson.contains("\"checkup_pairs\""));
    // Outside a transaction, or without the cohort key: refused, nothing changed.
    CHECK(errorKind([&] { store::HealthSealing::sealExistingHealth(*f.db, *f.nurse.keys); }) ==
          Error::Kind::Invalid);
    {
        store::Database::Transaction tx(*f.db);
        CHECK(errorKind([&] { store::HealthSealing::sealExistingHealth(*f.db, *f.sw.keys); }) ==
              Error::Kind::AccessDenied);
    }
    {
        store::Database::Transaction tx(*f.db);
        store::HealthSealing::sealExistingHealth(*f.db, *f.nurse.keys);
        // What the migration writes once persons and households are sealed too.
        f.db->exec(QStringLiteral("INSERT INTO cabas_meta (key, value) VALUES ('sealed_fields', "
                                  "'2:person,household,health')"));
        tx.commit();
    }
    CHECK(
        f.t.rawValue(QStringLiteral("SELECT count(*) FROM checkup WHERE weight_g IS NOT NULL OR notes <> ''"))
            .toInt() == 0);
    CHECK(f.t.rawValue(QStringLiteral("SELECT count(*) FROM cohort_health")).toInt() == 5);
    CHECK(f.t.rawValue(QStringLiteral("SELECT reason FROM checkup_correction")).toString() !=
          kCorrectionReason);
    // Read on a new connection (the marker is read once per connection), with the repositories: persons are
    // still clear in this test, and the health repositories do not need them.
    f.db.reset();
    f.db = f.t.open();
    REQUIRE(store::Sealed::coversHealth(*f.db));
    const security::KeyRing* keys = f.nurse.keys.get();
    CHECK(store::CheckupRepository(*f.db, keys).forPerson(f.personId) == checkups);
    CHECK(store::QuestionnaireRepository(*f.db, keys).forPerson(f.personId) == questionnaires);
    CHECK(store::PreventionRepository(*f.db, keys).stepsForPerson(f.personId) == steps);
    const auto sealedSessions = store::PreventionRepository(*f.db, keys).sessionsForPerson(f.personId, 0);
    CHECK(sealedSessions == sessions);
    const auto sealedCorrections = store::CheckupRepository(*f.db, keys).corrections(checkups[1].id);
    REQUIRE(sealedCorrections.size() == corrections.size());
    CHECK(sealedCorrections[0].reason == corrections[0].reason);
    CHECK(errorKind([&] { store::CheckupRepository(*f.db, f.sw.keys.get()).forPerson(f.personId); }) ==
          Error::Kind::AccessDenied);
    // The cohort's figures, now from cohort_health in the coordinator's session: the same JSON.
    CHECK(cohortJson() == clearJson);
}

TEST_CASE("sealed health: the evaluators' dataset gives the BMI and the answers from cohort_health, the "
          "measures stay sealed",
          "[store][sealed][health][cohort]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 1), QTime(9, 0), Qt::UTC));
    CohortFilter period;
    period.from = QDate(2024, 6, 1);
    period.to = QDate(2024, 12, 31);
    std::map<bool, CohortDataset> datasets;
    for (const bool sealed : {false, true}) {
        HealthFixture f(backend, sealed);
        f.writeAll();
        Consent research;
        research.personId = f.personId;
        research.purpose = ConsentPurpose::ResearchExport;
        research.given = true;
        research.effectiveOn = QDate(2024, 6, 1);
        HouseholdService(*f.db, f.sw).recordConsent(research);
        datasets[sealed] = CohortService(*f.db, f.coordinator).dataset(period);
        if (sealed) // an administrator holds no cohort key: refused, not a dataset without its figures
            CHECK(errorKind([&] { CohortService(*f.db, test::adminSession(*f.db)).dataset(period); }) ==
                  Error::Kind::AccessDenied);
    }
    const CohortDataset& clear = datasets[false];
    const CohortDataset& sealed = datasets[true];
    REQUIRE(clear.rows.size() == 2);
    REQUIRE(sealed.rows.size() == clear.rows.size());
    const auto column = [&](const char* name) { return int(clear.columns.indexOf(QLatin1String(name))); };
    for (std::size_t i = 0; i < clear.rows.size(); ++i) {
        for (const char* same :
             {"wave", "sex", "age_band", "checkup_month", "bmi", "questionnaire_month", "organic_fv_freq",
              "local_products_freq", "organic_products_freq", "discovered_sustainable_shop"}) {
            INFO(same);
            CHECK(sealed.rows[i][column(same)] == clear.rows[i][column(same)]);
        }
        // Every withheld column is empty, and the export says which they are.
        for (const QString& empty : sealed.withheld) {
            INFO(empty.toStdString());
            REQUIRE(column(empty.toLatin1().constData()) >= 0);
            CHECK(sealed.rows[i][column(empty.toLatin1().constData())].isEmpty());
        }
    }
    CHECK(clear.withheld.isEmpty());
    CHECK(CohortService::withheldNote(clear).isEmpty());
    for (const char* name :
         {"weight_kg", "height_cm", "waist_cm", "systolic_mmhg", "diastolic_mmhg", "fv_portions"})
        CHECK(sealed.withheld.contains(QLatin1String(name)));
    CHECK(sealed.withheld.size() == 6);
    CHECK(CohortService::withheldNote(sealed) ==
          CohortService::tr(
              "Left empty: %1. This database keeps the clinical measures encrypted for the nurses "
              "only; the BMI and the questionnaire answers are filled.")
              .arg(sealed.withheld.join(QStringLiteral(", "))));
    CHECK_FALSE(clear.rows[0][column("bmi")].isEmpty());
    CHECK_FALSE(clear.rows[0][column("organic_fv_freq")].isEmpty());
    CHECK_FALSE(clear.rows[0][column("weight_kg")].isEmpty());
}
