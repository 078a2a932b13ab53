#include "TestPaths.h"
#include "common/Error.h"
#include "io/PersonsImport.h"
#include "security/KeyRing.h"
#include "services/HouseholdService.h"
#include "store/FiguresLock.h"
#include "store/HouseholdRepository.h"
#include "store/IncomeRepository.h"
#include "store/NameIndex.h"
#include "store/Sealed.h"
#include "support/KnownValues.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QFile>
#include <QSqlQuery>
#include <catch2/catch.hpp>
#include <optional>

using namespace cabas;
using cabas::test::errorKind;
using cabas::test::TempDatabase;

namespace {

// What a sealed database must never show in clear (references: KnownValues' statics live in another file).
const QString& kFirst = test::KnownValues::firstName;
const QString& kLast = test::KnownValues::lastName;
const QDate& kBirth = test::KnownValues::birthDate;
const QString& kAddress = test::KnownValues::address;
const QString& kHouseholdNotes = test::KnownValues::householdNotes;
const QString& kNote = test::KnownValues::journalNote;
const QString& kStatusReason = test::KnownValues::statusReason;
const QString& kConsentNote = test::KnownValues::consentNote;
const QString kDeparture = QStringLiteral("Placement en foyer Saint-Exupéry");
const QString& kIncomeNote = test::KnownValues::incomeNote;

struct SealedFixture
{
    TempDatabase t;
    std::unique_ptr<store::Database> db;
    Session sw;

    explicit SealedFixture(store::Backend backend) : t(backend)
    {
        db = t.createSealed();
        sw = test::sessionFor(*db, Role::SocialWorker);
        REQUIRE(sw.keys);
    }
    HouseholdService service() const { return HouseholdService(*db, sw); }

    // A household with its notes, one member with everything that is sealed, a second member (the values of
    // tests/support/KnownValues).
    Household write() const { return test::KnownValues::write(*db, sw); }
};

QStringList codesFor(const HouseholdService& s, const QString& text)
{
    HouseholdQuery q;
    q.text = text;
    QStringList codes;
    for (const auto& e : s.search(q, 50, 0))
        codes << e.household.code;
    return codes;
}
} // namespace

TEST_CASE("sealed values: round trip, and bound to their field and row", "[store][sealed]")
{
    TempDatabase t(store::Backend::Sqlite);
    auto db = t.createSealed();
    const Session admin = test::adminSession(*db);
    REQUIRE(admin.keys);
    const security::KeyRing& keys = *admin.keys;
    const QLatin1String last("person.last_name");
    const QString sealed = store::Sealed::sealText(keys, last, QStringLiteral("P-1"), kLast);
    CHECK(sealed != kLast);
    CHECK_FALSE(sealed.contains(QStringLiteral("Lef")));
    CHECK(store::Sealed::openText(keys, last, QStringLiteral("P-1"), sealed) == kLast);
    // Two seals of one value differ (random nonce).
    CHECK(store::Sealed::sealText(keys, last, QStringLiteral("P-1"), kLast) != sealed);
    // Another row, another column: does not open.
    CHECK(errorKind([&] { store::Sealed::openText(keys, last, QStringLiteral("P-2"), sealed); }) ==
          Error::Kind::Storage);
    CHECK(errorKind([&] {
              store::Sealed::openText(keys, QLatin1String("person.first_name"), QStringLiteral("P-1"),
                                      sealed);
          }) == Error::Kind::Storage);
    // Damaged text.
    CHECK(errorKind([&] {
              store::Sealed::openText(keys, last, QStringLiteral("P-1"), QStringLiteral("*!"));
          }) == Error::Kind::Storage);
    // Every length (the three endings of base64), row keys outside ASCII; a character changed, one removed, a
    // value cut, padding added: does not open. (A lone character added after a value without padding is
    // ignored by QByteArray::fromBase64Encoding, as it always was.)
    for (int n = 1; n <= 7; ++n) {
        const QString value = QStringLiteral("Zoélie Ørsted").left(n);
        const QString rowKey = n % 2 ? QStringLiteral("P-%1").arg(n) : QStringLiteral("P-é%1").arg(n);
        const QString stored = store::Sealed::sealText(keys, last, rowKey, value);
        CHECK(store::Sealed::openText(keys, last, rowKey, stored) == value);
        QString altered = stored;
        altered[5] = altered[5] == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
        for (const QString& damaged : {altered, stored.mid(1), stored.left(40),
                                       stored + QStringLiteral("===="), QStringLiteral("A") + stored.mid(1)})
            if (damaged != stored) {
                INFO(damaged.toStdString());
                CHECK(errorKind([&] { store::Sealed::openText(keys, last, rowKey, damaged); }) ==
                      Error::Kind::Storage);
            }
    }
    // Empty stays empty.
    CHECK(store::Sealed::sealText(keys, last, QStringLiteral("P-1"), QString()).isEmpty());
    CHECK(store::Sealed::openText(keys, last, QStringLiteral("P-1"), QString()).isEmpty());
    // The marker.
    CHECK(store::Sealed::isSealed(*db));
    CHECK(t.rawValue(QStringLiteral("SELECT value FROM cabas_meta WHERE key = 'sealed_fields'")).toString() ==
          QStringLiteral("2:person,household,health"));
}

TEST_CASE("the sealing's PostgreSQL lock is not the figures' refresh lock", "[store][sealed]")
{
    // Write transactions hold the sealing's key shared; a refresh of the figures takes its own key
    // exclusively: one key for both would make writers wait for refreshes (and deadlock two of them).
    const QString figures = store::figuresLockStatement();
    CHECK(figures.contains(QStringLiteral("pg_advisory_xact_lock(")));
    CHECK_FALSE(figures.contains(QString::number(store::Sealed::kSealingLockKey)));
}

TEST_CASE("a clear database has no marker and keeps its search columns", "[store][sealed]")
{
    TempDatabase t(store::Backend::Sqlite);
    auto db = t.createInitialised();
    CHECK_FALSE(store::Sealed::isSealed(*db));
    const Session sw = test::sessionFor(*db, Role::SocialWorker);
    Household h;
    h.code = QStringLiteral("MMG-0001");
    h.address = kAddress;
    HouseholdService(*db, sw).create(h);
    Person p;
    p.householdId = h.id;
    p.code = QStringLiteral("P-00001");
    p.firstName = kFirst;
    p.lastName = kLast;
    p.birthDate = kBirth;
    HouseholdService(*db, sw).addPerson(p);
    CHECK(t.rawValue(QStringLiteral("SELECT last_name FROM person")).toString() == kLast);
    CHECK(t.rawValue(QStringLiteral("SELECT address FROM household")).toString() == kAddress);
    CHECK(t.rawValue(QStringLiteral("SELECT search_name FROM person")).toString() ==
          QStringLiteral("helene lefevre ostrowska"));
    CHECK(t.rawValue(QStringLiteral("SELECT count(*) FROM household_search_term")).toInt() > 0);
}

TEST_CASE("a sealed database: the household service end to end, nothing clear in the tables",
          "[store][sealed][households]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC));
    SealedFixture f(backend);
    const Household h = f.write();
    const HouseholdService s = f.service();

    // Read back through the service.
    CHECK(h.address == kAddress);
    CHECK(h.notes == kHouseholdNotes);
    const auto members = s.members(h.id);
    REQUIRE(members.size() == 2);
    CHECK(members[0].code == QStringLiteral("P-00001")); // adults first, as on a clear database
    CHECK(members[0].firstName == kFirst);
    CHECK(members[0].lastName == kLast);
    CHECK(members[0].birthDate == kBirth);
    CHECK(members[1].birthDate == QDate(2016, 2, 29));
    const auto notes = s.notes(h.id);
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].body == kNote);
    const auto history = s.statusHistory(h);
    REQUIRE_FALSE(history.empty());
    CHECK(history.back().reason == kStatusReason);
    const auto consents = s.consents(members[0].id);
    REQUIRE(consents.size() == 1);
    CHECK(consents[0].note == kConsentNote);
    const auto incomes = store::IncomeRepository(*f.db, f.sw.keys.get()).forHousehold(h.id);
    REQUIRE(incomes.size() == 1);
    CHECK(incomes[0].note == kIncomeNote);
    CHECK(incomes[0].monthlyIncomeCents == 98000);

    // Edit: the address and a name change, read back.
    Household edited = h;
    edited.address = QStringLiteral("3 place de la Libération");
    s.update(edited);
    CHECK(s.find(h.code)->address == QStringLiteral("3 place de la Libération"));
    Person renamed = members[1];
    renamed.firstName = QStringLiteral("Zoéline");
    s.updatePerson(renamed);
    CHECK(s.members(h.id)[1].firstName == QStringLiteral("Zoéline"));

    // The tables: only ciphertext where a value was protected; no search name, no search terms.
    auto raw = [&](const QString& sql) { return f.t.rawValue(sql).toString(); };
    CHECK(raw(QStringLiteral("SELECT last_name FROM person WHERE code = 'P-00001'")) != kLast);
    CHECK(raw(QStringLiteral("SELECT first_name FROM person WHERE code = 'P-00001'")) != kFirst);
    CHECK(raw(QStringLiteral("SELECT search_name FROM person WHERE code = 'P-00001'")).isEmpty());
    CHECK(raw(QStringLiteral("SELECT birth_date FROM person WHERE code = 'P-00001'"))
              .startsWith(QStringLiteral("1983-07-01"))); // only the month in clear
    CHECK(raw(QStringLiteral("SELECT address FROM household")) != kAddress);
    CHECK(raw(QStringLiteral("SELECT notes FROM household")) != kHouseholdNotes);
    CHECK(raw(QStringLiteral("SELECT body FROM household_note")) != kNote);
    CHECK(raw(QStringLiteral("SELECT reason FROM household_status_event WHERE reason <> ''")) !=
          kStatusReason);
    CHECK(raw(QStringLiteral("SELECT note FROM consent")) != kConsentNote);
    CHECK(raw(QStringLiteral("SELECT note FROM income_assessment")) != kIncomeNote);
    CHECK(f.t.rawValue(QStringLiteral("SELECT count(*) FROM household_search_term")).toInt() == 0);

    // Search by name prefix (accents and case ignored), by commune and code, and for a role without names.
    CHECK(codesFor(s, QStringLiteral("lef")) == QStringList{QStringLiteral("MMG-0001")});
    CHECK(codesFor(s, QStringLiteral("HELE ostrow")) == QStringList{QStringLiteral("MMG-0001")});
    CHECK(codesFor(s, QStringLiteral("zoel")) == QStringList{QStringLiteral("MMG-0001")});
    CHECK(codesFor(s, QStringLiteral("zoe auch")) == QStringList{QStringLiteral("MMG-0001")});
    CHECK(codesFor(s, QStringLiteral("mmg-0001")) == QStringList{QStringLiteral("MMG-0001")});
    CHECK(codesFor(s, QStringLiteral("martin")).isEmpty());
    CHECK(codesFor(s, QStringLiteral("lef condom")).isEmpty());
    HouseholdQuery q;
    q.text = QStringLiteral("lef");
    CHECK(s.count(q) == 1);
    const auto listed = s.search(q, 10, 0);
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].names.contains(kFirst + QLatin1Char(' ') + kLast));
    const Session coordinator = test::sessionFor(*f.db, Role::Coordinator);
    CHECK(HouseholdService(*f.db, coordinator).search(q, 10, 0).empty()); // names are not searched for them
    q.text = QStringLiteral("auch");
    CHECK(HouseholdService(*f.db, coordinator).search(q, 10, 0).size() == 1);

    // Duplicates: same name and birth date in another household.
    Person candidate;
    candidate.firstName = QStringLiteral("helene");
    candidate.lastName = QStringLiteral("LEFEVRE-ostrowska");
    candidate.birthDate = kBirth;
    const auto found = s.possibleDuplicates(candidate);
    REQUIRE(found.size() == 1);
    CHECK(found[0].person.code == QStringLiteral("P-00001"));
    CHECK(found[0].householdCode == QStringLiteral("MMG-0001"));
    candidate.birthDate = QDate(1983, 7, 20);
    CHECK(s.possibleDuplicates(candidate).empty());

    // A departure's reason is sealed too.
    std::vector<MemberEdit> edits(1);
    edits[0].base = s.members(h.id)[1];
    edits[0].mine = edits[0].base;
    edits[0].mine.leftOn = QDate(2025, 3, 1);
    edits[0].departureReason = kDeparture;
    Household mine = *s.find(h.code);
    REQUIRE_FALSE(s.save(mine, mine, edits));
    CHECK(raw(QStringLiteral("SELECT departure_reason FROM person WHERE code = 'P-00002'")) != kDeparture);
    CHECK(s.members(h.id)[1].departureReason == kDeparture);
}

TEST_CASE("a sealed value moved to another row does not open", "[store][sealed]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    SealedFixture f(backend);
    const Household h = f.write();
    // Swap the two members' sealed first names.
    const QString a =
        f.t.rawValue(QStringLiteral("SELECT first_name FROM person WHERE code = 'P-00001'")).toString();
    const QString b =
        f.t.rawValue(QStringLiteral("SELECT first_name FROM person WHERE code = 'P-00002'")).toString();
    f.t.rawExec(QStringLiteral("UPDATE person SET first_name = '%1' WHERE code = 'P-00002'").arg(a));
    f.t.rawExec(QStringLiteral("UPDATE person SET first_name = '%1' WHERE code = 'P-00001'").arg(b));
    CHECK(errorKind([&] { f.service().members(h.id); }) == Error::Kind::Storage);
    // The address of one household given to another.
    Household other;
    other.code = QStringLiteral("MMG-0002");
    other.address = QStringLiteral("ailleurs");
    f.service().create(other);
    f.t.rawExec(QStringLiteral("UPDATE household SET address = (SELECT address FROM household WHERE code = "
                               "'MMG-0001') WHERE code = 'MMG-0002'"));
    CHECK(errorKind([&] { f.service().find(QStringLiteral("MMG-0002")); }) == Error::Kind::Storage);
}

TEST_CASE("a sealed database refuses a session without keys and writes nothing", "[store][sealed]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    SealedFixture f(backend);
    const Household h = f.write();
    Session keyless = f.sw;
    keyless.keys.reset();
    const HouseholdService s(*f.db, keyless);
    QString message;
    CHECK(errorKind([&] { s.find(h.code); }, &message) == Error::Kind::AccessDenied);
    // The message in the user's language (the tests run with the French translation when the locale says so).
    CHECK(message == store::Sealed::tr("This database keeps names, addresses and notes encrypted, and this "
                                       "session has no key to open them: log in with your password (nothing "
                                       "was read or written)."));
    CHECK(errorKind([&] { s.members(h.id); }) == Error::Kind::AccessDenied);
    HouseholdQuery q;
    q.text = QStringLiteral("lef");
    CHECK(errorKind([&] { s.search(q, 10, 0); }) == Error::Kind::AccessDenied);
    Household other;
    other.code = QStringLiteral("MMG-0002");
    other.address = QStringLiteral("quelque part");
    CHECK(errorKind([&] { s.create(other); }) == Error::Kind::AccessDenied);
    CHECK(errorKind([&] { s.addNote(h.code, QStringLiteral("une note")); }) == Error::Kind::AccessDenied);
    CHECK(f.t.rawValue(QStringLiteral("SELECT count(*) FROM household")).toInt() == 1);
    CHECK(f.t.rawValue(QStringLiteral("SELECT count(*) FROM household_note")).toInt() == 1);
    // The repositories themselves, without keys.
    CHECK(errorKind([&] { store::PersonRepository(*f.db).findByCode(QStringLiteral("P-00001")); }) ==
          Error::Kind::AccessDenied);
}

TEST_CASE("a sealed SQLite file, its WAL and the checkpointed file hold none of the protected values",
          "[store][sealed][files]")
{
    SealedFixture f(store::Backend::Sqlite);
    f.write();
    const QString path = f.t.spec().path;
    const QList<QByteArray> secrets{
        kFirst.toUtf8(),         kLast.toUtf8(),           QByteArray("Ostrowska"),
        QByteArray("ostrowska"), QByteArray("1983-07-19"), QByteArray("19/07/1983"),
        kAddress.toUtf8(),       QByteArray("Glycines"),   kHouseholdNotes.toUtf8(),
        kNote.toUtf8(),          kStatusReason.toUtf8(),   kConsentNote.toUtf8(),
        kIncomeNote.toUtf8(),    kDeparture.toUtf8(),      QStringLiteral("Zoé").toUtf8()};
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
    CHECK(QFile::exists(path + QStringLiteral("-wal")));
    CHECK(scan(path + QStringLiteral("-wal")).isEmpty());
    CHECK(scan(path).isEmpty());
    f.db->exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
    CHECK(scan(path).isEmpty());
    f.db.reset();
    CHECK(scan(path).isEmpty());
    CHECK(scan(path + QStringLiteral("-wal")).isEmpty());
}

TEST_CASE("a sealed database: persons.csv imports sealed, and the index sees another connection's writes",
          "[store][sealed][io]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    SealedFixture f(backend);
    const QString sample = QStringLiteral(CABAS_SAMPLES_DIR "/persons.csv");
    const io::ImportReport first = io::PersonsImport(*f.db, f.sw).run(sample);
    CHECK(first.ok());
    CHECK(first.householdsNew == 6);
    CHECK(first.personsNew == 15);
    const io::ImportReport second = io::PersonsImport(*f.db, f.sw).run(sample);
    CHECK(second.personsUnchanged == 15);
    const auto p1 = store::PersonRepository(*f.db, f.sw.keys.get()).findByCode(QStringLiteral("P-00001"));
    REQUIRE(p1);
    CHECK(p1->lastName == QStringLiteral("Nguyễn"));
    CHECK(f.t.rawValue(QStringLiteral("SELECT last_name FROM person WHERE code = 'P-00001'")).toString() !=
          QStringLiteral("Nguyễn"));
    const HouseholdService s = f.service();
    CHECK(codesFor(s, QStringLiteral("nguy")).contains(QStringLiteral("MMG-0001")));

    // Another connection (another client) adds a member: the next search finds her.
    auto other = f.db->reopen();
    Person p;
    p.householdId = p1->householdId;
    p.code = QStringLiteral("P-09999");
    p.firstName = QStringLiteral("Bérénice");
    p.lastName = QStringLiteral("Quintard");
    p.birthDate = QDate(1991, 4, 12);
    HouseholdService(*other, f.sw).addPerson(p);
    CHECK(codesFor(s, QStringLiteral("quint")) == QStringList{QStringLiteral("MMG-0001")});
    CHECK(store::NameIndex::of(*f.db, *f.sw.keys)->persons() == 16);
}

TEST_CASE("a sealed database: a search matching thousands of households pages and counts like a clear one",
          "[store][sealed][households]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC));
    TempDatabase clearDb(backend);
    TempDatabase sealedDb(backend);
    auto clear = clearDb.createInitialised();
    auto sealed = sealedDb.createSealed();
    const Session clearSw = test::sessionFor(*clear, Role::SocialWorker);
    const Session sealedSw = test::sessionFor(*sealed, Role::SocialWorker);
    // 2,600 households: every one a Martin (a dense word), every 13th in Condom, every 3rd suspended.
    for (const auto& [db, sw] : {std::pair{clear.get(), &clearSw}, std::pair{sealed.get(), &sealedSw}}) {
        std::vector<Household> hs;
        for (int i = 1; i <= 2600; ++i) {
            Household h;
            h.code = QStringLiteral("MMG-%1").arg(i, 4, 10, QLatin1Char('0'));
            h.commune = i % 13 == 0 ? QStringLiteral("Condom") : QStringLiteral("Auch");
            h.status = i % 3 == 0 ? HouseholdStatus::Suspended : HouseholdStatus::Enrolled;
            h.enrolledOn = QDate(2024, 6, 1).addDays(i % 300);
            hs.push_back(h);
        }
        store::Database::Transaction tx(*db);
        store::HouseholdRepository(*db, sw->keys.get()).insertMany(hs);
        std::vector<Person> ps;
        for (int i = 0; i < 2600; ++i) {
            Person p;
            p.householdId = hs[size_t(i)].id;
            p.code = QStringLiteral("P-%1").arg(i + 1, 5, 10, QLatin1Char('0'));
            p.firstName = i % 2 ? QStringLiteral("Anne") : QStringLiteral("Paul");
            p.lastName = QStringLiteral("Martin");
            p.birthDate = QDate(1970, 1, 1).addDays(i * 3);
            ps.push_back(p);
        }
        store::PersonRepository(*db, sw->keys.get()).insertMany(ps);
        tx.commit();
    }
    const HouseholdService c(*clear, clearSw), s(*sealed, sealedSw);
    auto codes = [](const std::vector<HouseholdListEntry>& rows) {
        QStringList out;
        for (const auto& e : rows)
            out << e.household.code;
        return out;
    };
    std::vector<HouseholdQuery> queries(5);
    queries[0].text = QStringLiteral("mar");
    queries[1].text = QStringLiteral("martin an");
    queries[2].text = QStringLiteral("mart");
    queries[2].status = HouseholdStatus::Suspended;
    queries[2].sort = HouseholdQuery::Sort::EnrolledOn;
    queries[2].descending = true;
    queries[3].text = QStringLiteral("martin");
    queries[3].commune = QStringLiteral("Condom");
    queries[4].text = QStringLiteral("mmg-0");
    queries[4].sort = HouseholdQuery::Sort::Commune;
    for (const HouseholdQuery& q : queries) {
        INFO("search: " << q.text.toStdString());
        CHECK(s.count(q) == c.count(q));
        CHECK(s.count(q, 1001) == c.count(q, 1001));
        CHECK(codes(s.search(q, 100, 0)) == codes(c.search(q, 100, 0)));
        CHECK(codes(s.search(q, 100, 700)) == codes(c.search(q, 100, 700)));
    }
    CHECK(s.count(queries[0]) == 2600);
    CHECK(s.count(queries[1]) == 1300);
}
