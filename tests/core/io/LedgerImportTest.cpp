#include "io/LedgerImport.h"
#include "common/Error.h"
#include "core/store/LedgerTestUtil.h"
#include "security/AuditTrail.h"
#include "store/AuditRepository.h"
#include "store/LedgerRepository.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QTemporaryDir>
#include <catch2/catch.hpp>

using namespace cabas;
using namespace Qt::StringLiterals;
using cabas::test::TempDatabase;

namespace {
const QByteArray kHeader =
    "id;revision;card;account;kind;status;amount_cents;currency;occurred_at;merchant_id;"
    "merchant_name;merchant_category;sustainable;refers_to\n";
const QByteArray kGood = kHeader +
                         "e-1;1;C-1;MMG-0001;allowance;posted;4000;EUR;2024-06-01T00:05:00+02:00;;;;;\n"
                         "e-2;1;C-1;MMG-0001;purchase;pending;-1250;EUR;2024-06-30T23:05:00+02:00;M-01;"
                         "Biocoop Auch;organic_shop;true;\n"
                         "e-2;2;C-1;MMG-0001;purchase;posted;-1250;EUR;2024-06-30T23:05:00+02:00;M-01;"
                         "Biocoop Auch;organic_shop;true;\n"
                         "e-3;1;C-1;;bonus;posted;625;EUR;2024-06-30T21:30:00Z;;;;;e-2\n";

struct Fixture
{
    TempDatabase t;
    std::unique_ptr<store::Database> db;
    Session admin;
    QTemporaryDir dir;
    qint64 household = 0;

    explicit Fixture(store::Backend backend) : t(backend)
    {
        db = t.createInitialised();
        admin = test::adminSession(*db);
        household = test::addHousehold(*db, u"MMG-0001"_s);
        test::addCard(*db, u"C-1"_s, household);
    }
    QString file(const QByteArray& bytes, const QString& name = u"ledger.csv"_s)
    {
        const QString path = dir.filePath(name);
        test::writeFile(path, bytes);
        return path;
    }
    QStringList errorsOf(const QByteArray& bytes)
    {
        const auto report = io::LedgerImport(*db, admin).run(file(bytes));
        CHECK(store::LedgerRepository(*db).counts().entries == 0); // all or nothing
        return report.errors;
    }
};
} // namespace

TEST_CASE("a ledger export imports through the feed's upsert, once", "[io][import][ledger]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    Fixture f(backend);
    const QString path = f.file(kGood);

    const auto check = io::LedgerImport(*f.db, f.admin).check(path);
    INFO(check.errors.join(u"\n"_s).toStdString());
    REQUIRE(check.ok());
    CHECK(check.rows == 4);
    CHECK(check.created == 3);
    CHECK(store::LedgerRepository(*f.db).counts().entries == 0); // a check writes nothing

    const auto run = io::LedgerImport(*f.db, f.admin).run(path);
    REQUIRE(run.ok());
    CHECK(run.created == 3);
    store::LedgerRepository repo(*f.db);
    const auto e2 = repo.findEntry(u"e-2"_s);
    REQUIRE(e2);
    CHECK(e2->entry.revision == 2);
    CHECK(e2->entry.status == u"posted"_s);
    CHECK(e2->householdId == f.household);
    CHECK(e2->sustainable);
    CHECK(e2->localDate == QDate(2024, 6, 30));
    CHECK(repo.findEntry(u"e-3"_s)->localDate == QDate(2024, 6, 30)); // 23:30 in Paris
    CHECK(repo.findEntry(u"e-3"_s)->entry.refersTo == u"e-2"_s);

    // Again: nothing changes. An older revision of e-2 in a later file changes nothing either.
    const auto again = io::LedgerImport(*f.db, f.admin).run(path);
    CHECK(again.created == 0);
    CHECK(again.revised == 0);
    CHECK(again.unchanged == 4);
    io::LedgerImport(*f.db, f.admin)
        .run(f.file(kHeader + "e-2;1;C-1;MMG-0001;purchase;pending;-9999;EUR;2024-06-30T23:05:00+02:00;M-01;"
                              "Biocoop Auch;organic_shop;true;\n",
                    u"old.csv"_s));
    CHECK(repo.findEntry(u"e-2"_s)->entry.amountCents == -1250);

    // Audited as one batch.
    const auto records = store::AuditRepository(*f.db).list({});
    CHECK(std::any_of(records.begin(), records.end(), [](const store::AuditRecord& r) {
        return r.action == u"import"_s && r.table == u"ledger_entry"_s && r.detail.contains(u"ledger.csv"_s);
    }));
}

TEST_CASE("a ledger export may give amounts in euros with a decimal comma", "[io][import][ledger]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    Fixture f(backend);
    const auto r = io::LedgerImport(*f.db, f.admin)
                       .run(f.file("id;revision;card;account;kind;status;amount;currency;occurred_at\n"
                                   "e-1;1;C-1;;allowance;posted;40;EUR;2024-06-01T10:00:00+02:00\n"
                                   "e-2;1;C-1;;purchase;posted;\"-12,50\";EUR;2024-06-02T10:00:00+02:00\n"
                                   "e-3;1;C-1;;refund;posted;0,5;EUR;2024-06-03T10:00:00+02:00\n"));
    INFO(r.errors.join(u"\n"_s).toStdString());
    REQUIRE(r.ok());
    store::LedgerRepository repo(*f.db);
    CHECK(repo.findEntry(u"e-1"_s)->entry.amountCents == 4000);
    CHECK(repo.findEntry(u"e-2"_s)->entry.amountCents == -1250);
    CHECK(repo.findEntry(u"e-3"_s)->entry.amountCents == 50);
}

TEST_CASE("a ledger export with errors imports nothing and locates every error", "[io][import][ledger]")
{
    Fixture f(store::Backend::Sqlite);

    SECTION("a missing column")
    {
        const QStringList errors = f.errorsOf("id;revision;card;account;kind;status;amount_cents;currency\n"
                                              "e-1;1;C-1;;allowance;posted;4000;EUR\n");
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].startsWith(u"ledger.csv: "_s));
        CHECK(errors[0].contains(u"occurred_at"_s));
    }
    SECTION("no amount column at all")
    {
        const QStringList errors = f.errorsOf("id;revision;card;account;kind;status;currency;occurred_at\n"
                                              "e-1;1;C-1;;allowance;posted;EUR;2024-06-01T10:00:00+02:00\n");
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].contains(u"amount_cents"_s));
    }
    SECTION("bad values, each at its line and column")
    {
        const QStringList errors = f.errorsOf(
            kHeader +
            "e-1;1;C-1;;allowance;posted;40,00;EUR;2024-06-01T10:00:00+02:00;;;;;\n"   // line 2
            "e-2;deux;C-1;;allowance;posted;4000;EUR;2024-06-01T10:00:00+02:00;;;;;\n" // line 3
            "e-3;1;C-1;;allowance;posted;4000;EUR;31/06/2024;;;;;\n"                   // line 4
            "e-4;1;C-1;;allowance;posted;4000;EUR;2024-06-01T10:00:00;;;;;\n"          // line 5: no offset
            "e-5;1;C-1;;purchase;posted;1250;EUR;2024-06-01T10:00:00+02:00;;;;;\n"     // line 6: sign
            "e-6;1;C-1;;42;posted;1250;EUR;2024-06-01T10:00:00+02:00;;;;;\n"           // line 7: kind
            "e-7;1;C-1;;refund;booked;1250;EUR;2024-06-01T10:00:00+02:00;;;;;\n"       // line 8: status
            "e-8;1;C-1;;purchase;posted;-5;EUR;2024-06-01T10:00:00+02:00;M-1;X;shop;maybe;\n" // line 9
            "e-9;1;C-1;;allowance;posted;4000;EUR;2024-06-01T10:00:00+02:00;;;;;\n"           // line 10
            "e-9;1;C-1;;allowance;posted;5000;EUR;2024-06-01T10:00:00+02:00;;;;;\n"    // line 11: differs
            "e-10;0;C-1;;allowance;posted;4000;EUR;2024-06-01T10:00:00+02:00;;;;;\n"); // line 12
        INFO(errors.join(u"\n"_s).toStdString());
        REQUIRE(errors.size() == 10);
        CHECK(errors[0].startsWith(u"ledger.csv:2: amount_cents: "_s));
        CHECK(errors[1].startsWith(u"ledger.csv:3: revision: "_s));
        CHECK(errors[2].startsWith(u"ledger.csv:4: occurred_at: "_s));
        CHECK(errors[3].startsWith(u"ledger.csv:5: occurred_at: "_s));
        CHECK(errors[4].startsWith(u"ledger.csv:6: amount_cents: "_s));
        CHECK(errors[5].startsWith(u"ledger.csv:7: kind: "_s));
        CHECK(errors[6].startsWith(u"ledger.csv:8: status: "_s));
        CHECK(errors[7].startsWith(u"ledger.csv:9: sustainable: "_s));
        CHECK(errors[8].startsWith(u"ledger.csv:11: amount_cents: "_s));
        CHECK(errors[8].contains(u"10"_s)); // the line it contradicts
        CHECK(errors[9].startsWith(u"ledger.csv:12: revision: "_s));
    }
    SECTION("a bad amount in euros")
    {
        const QStringList errors =
            f.errorsOf("id;revision;card;account;kind;status;amount;currency;occurred_at\n"
                       "e-1;1;C-1;;allowance;posted;12 euros;EUR;2024-06-01T10:00:00+02:00\n");
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].startsWith(u"ledger.csv:2: amount: "_s));
    }
}

TEST_CASE("a ledger export may repeat a row exactly: stored once, counted once", "[io][import][ledger]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    Fixture f(backend);
    // e-2 revision 2 comes twice (the second time its flag spelt "yes" instead of "true") and e-1 twice: the
    // very same entries, as a feed page delivered twice.
    const QByteArray twice = kGood +
                             "e-2;2;C-1;MMG-0001;purchase;posted;-1250;EUR;2024-06-30T23:05:00+02:00;M-01;"
                             "Biocoop Auch;organic_shop;yes;\n"
                             "e-1;1;C-1;MMG-0001;allowance;posted;4000;EUR;2024-06-01T00:05:00+02:00;;;;;\n";
    const QString path = f.file(twice);
    const auto check = io::LedgerImport(*f.db, f.admin).check(path);
    INFO(check.errors.join(u"\n"_s).toStdString());
    REQUIRE(check.ok());
    CHECK(check.rows == 6);
    CHECK(check.created == 3);
    CHECK(check.unchanged == 3); // e-2 revision 1 (superseded in the file) and the two repeated rows

    const auto run = io::LedgerImport(*f.db, f.admin).run(path);
    REQUIRE(run.ok());
    CHECK(run.created == 3);
    store::LedgerRepository repo(*f.db);
    const auto counts = repo.counts();
    CHECK(counts.entries == 3);
    CHECK(counts.kinds.at(u"allowance"_s).at(u"posted"_s).count == 1);
    CHECK(counts.kinds.at(u"allowance"_s).at(u"posted"_s).sumCents == 4000);
    CHECK(counts.kinds.at(u"purchase"_s).at(u"posted"_s).sumCents == -1250);

    // The same id and revision saying something else is an error located at the differing column, and
    // nothing of the file is written (the entries stay as they were).
    const auto conflicting =
        io::LedgerImport(*f.db, f.admin)
            .run(f.file(kHeader + "e-7;1;C-1;;allowance;posted;4000;EUR;2024-07-01T10:00:00+02:00;;;;;\n"
                                  "e-7;1;C-1;;allowance;posted;4000;EUR;2024-07-01T08:00:00Z;;;;;\n"
                                  "e-8;1;C-1;;purchase;posted;-100;EUR;2024-07-02T10:00:00+02:00;M-1;A;"
                                  "shop;true;\n"
                                  "e-8;1;C-1;;purchase;posted;-100;EUR;2024-07-02T10:00:00+02:00;M-1;A;"
                                  "shop;false;\n",
                        u"conflict.csv"_s));
    INFO(conflicting.errors.join(u"\n"_s).toStdString());
    REQUIRE(conflicting.errors.size() == 2);
    CHECK(conflicting.errors[0].startsWith(u"conflict.csv:3: occurred_at: "_s)); // same instant, other offset
    CHECK(conflicting.errors[1].startsWith(u"conflict.csv:5: sustainable: "_s));
    CHECK(repo.counts().entries == 3);
    CHECK_FALSE(repo.findEntry(u"e-7"_s));
}

TEST_CASE("only administrators import a ledger export", "[io][import][ledger][access]")
{
    Fixture f(store::Backend::Sqlite);
    for (Role role : {Role::SocialWorker, Role::Nurse, Role::Coordinator}) {
        const Session s = test::sessionFor(*f.db, role);
        try {
            io::LedgerImport(*f.db, s).run(f.file(kGood));
            FAIL("imported by a role that may not write the ledger");
        } catch (const Error& e) {
            CHECK(e.kind() == Error::Kind::AccessDenied);
        }
    }
    CHECK(store::LedgerRepository(*f.db).counts().entries == 0);
}
