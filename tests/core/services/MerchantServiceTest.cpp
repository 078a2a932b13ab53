// Merchant approval (issue 11, docs/merchants.md): the committee's dates change the classification of
// purchases, the figures per household and month, the cohort's indicators and the bonus check; validation,
// access and audit. On both backends.
#include "services/MerchantService.h"
#include "cohort/CohortService.h"
#include "common/Error.h"
#include "core/store/LedgerTestUtil.h"
#include "services/ProgrammeService.h"
#include "services/ReconciliationService.h"
#include "store/LedgerRepository.h"
#include "store/MerchantRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"

#include <QJsonArray>
#include <QSqlQuery>
#include <catch2/catch.hpp>
#include <sstream>

using namespace cabas;
using namespace Qt::StringLiterals;
using cabas::test::ledgerEntry;
using cabas::test::TempDatabase;

namespace {

FeedMerchant biocoop()
{
    return FeedMerchant{u"M-01"_s, u"Biocoop Auch"_s, u"organic_shop"_s, true};
}

FeedMerchant grocer()
{
    return FeedMerchant{u"M-20"_s, u"Épicerie du Marché"_s, u"grocery"_s, false};
}

struct Fixture
{
    TempDatabase t;
    std::unique_ptr<store::Database> db;
    qint64 household = 0;
    Session admin;

    explicit Fixture(store::Backend backend) : t(backend)
    {
        db = t.createInitialised();
        admin = test::sessionFor(*db, Role::Admin, u"adele"_s);
        household = test::addHousehold(*db, u"MMG-0001"_s);
        test::addCard(*db, u"C-1"_s, household);
        auto at = [](const char* id, const char* when, qint64 cents, const FeedMerchant& m) {
            LedgerEntry e = ledgerEntry(QString::fromLatin1(id), 1, u"C-1"_s, u"purchase"_s, cents,
                                        QString::fromLatin1(when));
            e.merchant = m;
            return e;
        };
        EntryPage page;
        page.entries = {
            ledgerEntry(u"a-1"_s, 1, u"C-1"_s, u"allowance"_s, 10000, u"2024-06-01T08:00:00+02:00"_s),
            // The supermarket, not sustainable for the operator.
            at("p-1", "2024-06-09T12:00:00+02:00", -1000, test::supermarket()),
            // 23:30 UTC on 9 June is 01:30 on 10 June in Paris: the local date decides.
            at("p-2", "2024-06-09T23:30:00+00:00", -2000, test::supermarket()),
            at("p-3", "2024-06-19T12:00:00+02:00", -400, test::supermarket()),
            at("p-4", "2024-06-20T12:00:00+02:00", -800, test::supermarket()),
            at("p-5", "2024-07-05T12:00:00+02:00", -1600, test::supermarket()),
            // The organic shop, sustainable for the operator.
            at("p-6", "2024-06-12T12:00:00+02:00", -3000, biocoop()),
            at("p-7", "2024-06-15T12:00:00+02:00", -500, grocer()),
        };
        page.nextCursor = u"c"_s;
        store::LedgerRepository(*db).applyEntryPage(page);
    }

    MerchantService service(Role role) const { return MerchantService(*db, test::sessionFor(*db, role)); }
    MerchantService asAdmin() const { return MerchantService(*db, admin); }

    std::map<QString, bool> sustainableByEntry() const
    {
        std::map<QString, bool> out;
        for (const store::LedgerMovement& m : store::LedgerRepository(*db).movements(household))
            out[m.entry.id] = m.sustainable;
        return out;
    }

    std::string figures() const
    {
        std::ostringstream out;
        QSqlQuery q =
            db->exec(u"SELECT household_id, local_month, spent_cents, sustainable_cents, "
                     u"sustainable_entries FROM ledger_month_figures ORDER BY household_id, local_month"_s);
        while (q.next())
            out << q.value(0).toLongLong() << '|' << q.value(1).toInt() << '|' << q.value(2).toLongLong()
                << '|' << q.value(3).toLongLong() << '|' << q.value(4).toLongLong() << '\n';
        QSqlQuery m = db->exec(u"SELECT household_id, local_month, merchant_id, purchases FROM "
                               u"ledger_merchant_figures ORDER BY household_id, local_month, merchant_id"_s);
        while (m.next())
            out << m.value(0).toLongLong() << '|' << m.value(1).toInt() << '|'
                << m.value(2).toString().toStdString() << '|' << m.value(3).toLongLong() << '\n';
        return out.str();
    }

    // The figures recomputed from every entry (as if every household-month had changed).
    std::string recomputedFigures() const
    {
        db->exec(
            u"INSERT INTO ledger_figures_dirty (household_id, local_month) SELECT DISTINCT household_id, "
            u"local_month FROM ledger_entry WHERE household_id IS NOT NULL AND status = 'posted' "
            u"ON CONFLICT DO NOTHING"_s);
        store::LedgerRepository(*db).refreshFigures();
        return figures();
    }

    qint64 sustainableCents(int month) const
    {
        QSqlQuery q =
            db->exec(u"SELECT sustainable_cents FROM ledger_month_figures WHERE household_id = ? AND "
                     u"local_month = ?"_s,
                     {household, month});
        return q.next() ? q.value(0).toLongLong() : -1;
    }

    qint64 count(const QString& sql) const
    {
        QSqlQuery q = db->exec(sql);
        q.next();
        return q.value(0).toLongLong();
    }
};

Error::Kind kindOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.kind();
    }
    FAIL("no error");
    return Error::Kind::Storage;
}

QString messageOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.message();
    }
    return {};
}

} // namespace

TEST_CASE("merchants: approval dates decide which purchases count as sustainable", "[services][merchants]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2024, 8, 1), QTime(9, 0), Qt::UTC));
    Fixture f(backend);

    // No decision: the operator's flags.
    auto s = f.sustainableByEntry();
    CHECK_FALSE(s[u"p-1"_s]);
    CHECK_FALSE(s[u"p-2"_s]);
    CHECK(s[u"p-6"_s]);
    CHECK(f.sustainableCents(202406) == 3000);

    f.asAdmin().approve(u"M-09"_s, QDate(2024, 6, 10), u"Comité du 3 juin"_s);
    s = f.sustainableByEntry();
    CHECK_FALSE(s[u"p-1"_s]); // the day before the approval
    CHECK(s[u"p-2"_s]);       // on the day (local date in Paris)
    CHECK(s[u"p-3"_s]);
    CHECK(s[u"p-4"_s]);
    CHECK(s[u"p-5"_s]);
    CHECK(s[u"p-6"_s]); // another merchant: its operator's flag
    CHECK(f.sustainableCents(202406) == 3000 + 2000 + 400 + 800);
    CHECK(f.sustainableCents(202407) == 1600);
    CHECK(f.figures() == f.recomputedFigures());

    f.asAdmin().withdraw(u"M-09"_s, QDate(2024, 6, 20), u"Plus de produits locaux"_s);
    s = f.sustainableByEntry();
    CHECK(s[u"p-2"_s]);
    CHECK(s[u"p-3"_s]);       // the day before the withdrawal
    CHECK_FALSE(s[u"p-4"_s]); // from the day of the withdrawal on
    CHECK_FALSE(s[u"p-5"_s]);
    CHECK(f.sustainableCents(202406) == 3000 + 2000 + 400);
    CHECK(f.sustainableCents(202407) == 0);
    CHECK(f.figures() == f.recomputedFigures());

    // Approved again later: a second period.
    f.asAdmin().approve(u"M-09"_s, QDate(2024, 7, 1));
    CHECK(f.sustainableByEntry()[u"p-5"_s]);
    CHECK_FALSE(f.sustainableByEntry()[u"p-4"_s]);
    CHECK(f.sustainableCents(202407) == 1600);

    // A refusal overrides the operator's flag on every date.
    f.asAdmin().refuse(u"M-01"_s, u"Hors périmètre"_s);
    CHECK_FALSE(f.sustainableByEntry()[u"p-6"_s]);
    CHECK(f.sustainableCents(202406) == 2000 + 400);
    CHECK(f.figures() == f.recomputedFigures());

    // The household's spending as the case file shows it.
    const auto months = store::LedgerRepository(*f.db).months(f.household);
    REQUIRE(months.size() == 2);
    CHECK(months[0].sustainableSpentCents == 2400);
    CHECK(months[1].sustainableSpentCents == 1600);
}

TEST_CASE("merchants: the cohort's sustainable share follows approvals and withdrawals",
          "[services][merchants]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2024, 8, 1), QTime(9, 0), Qt::UTC));
    Fixture f(backend);
    const Session coordinator = test::sessionFor(*f.db, Role::Coordinator);
    CohortFilter period;
    period.from = QDate(2024, 6, 1);
    period.to = QDate(2024, 7, 31);
    auto indicator = [&](const char* key) {
        return CohortService(*f.db, coordinator)
            .report(period, Disclosure::Internal)
            .toJson()
            .value(u"indicators"_s)
            .toObject()
            .value(QLatin1String(key));
    };
    CHECK(indicator("spent_cents").toInteger() == 9300);
    CHECK(indicator("sustainable_spent_cents").toInteger() == 3000);
    CHECK(indicator("sustainable_merchants_paid").toInteger() == 1);

    f.asAdmin().approve(u"M-09"_s, QDate(2024, 6, 10));
    CHECK(indicator("sustainable_spent_cents").toInteger() == 3000 + 2000 + 400 + 800 + 1600);
    CHECK(indicator("sustainable_merchants_paid").toInteger() == 2);
    f.asAdmin().withdraw(u"M-09"_s, QDate(2024, 6, 20));
    CHECK(indicator("sustainable_spent_cents").toInteger() == 3000 + 2000 + 400);
    CHECK(indicator("sustainable_spend_pct").toDouble() == Approx(58.1));

    // A partial month (entries read directly) agrees with the kept figures.
    period.from = QDate(2024, 6, 10);
    period.to = QDate(2024, 6, 19);
    CHECK(indicator("sustainable_spent_cents").toInteger() == 3000 + 2000 + 400);
}

TEST_CASE("merchants: undecided list, states and history", "[services][merchants]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2024, 6, 25), QTime(9, 0), Qt::UTC));
    Fixture f(backend);
    const MerchantService reader = f.service(Role::Nurse);

    // Found by id: the order of names depends on the database's collation.
    auto find = [](const std::vector<store::MerchantStatus>& list, const QString& id) {
        for (const auto& s : list)
            if (s.merchant.id == id)
                return s;
        FAIL("no merchant " << id.toStdString());
        return store::MerchantStatus{};
    };
    auto undecided = reader.list(true, true);
    REQUIRE(undecided.size() == 3);
    const store::MerchantStatus hyper = find(undecided, u"M-09"_s);
    CHECK(hyper.state == store::MerchantState::Undecided);
    CHECK(hyper.entries == 5);
    CHECK(hyper.spentCents == 5800);
    CHECK(hyper.firstSeen == QDate(2024, 6, 9));
    CHECK(hyper.lastSeen == QDate(2024, 7, 5));
    CHECK_FALSE(hyper.merchant.operatorSustainable);
    CHECK(find(undecided, u"M-01"_s).merchant.operatorSustainable);

    f.asAdmin().approve(u"M-09"_s, QDate(2024, 6, 10), u"Comité"_s);
    f.asAdmin().refuse(u"M-20"_s, u"Trop loin"_s);
    undecided = reader.list(true);
    REQUIRE(undecided.size() == 1);
    CHECK(undecided[0].merchant.id == u"M-01"_s);

    f.asAdmin().withdraw(u"M-09"_s, QDate(2024, 7, 1));
    const auto all = reader.list();
    REQUIRE(all.size() == 3);
    CHECK(find(all, u"M-20"_s).state == store::MerchantState::Refused);
    CHECK(find(all, u"M-01"_s).state == store::MerchantState::Undecided);
    const store::MerchantStatus approved = find(all, u"M-09"_s);
    CHECK(approved.state == store::MerchantState::Approved); // withdrawn from a later day
    CHECK(approved.approvedFrom == QDate(2024, 6, 10));
    CHECK(approved.withdrawnOn == QDate(2024, 7, 1));
    {
        test::ScopedClock later(QDateTime(QDate(2024, 7, 2), QTime(9, 0), Qt::UTC));
        CHECK(reader.status(u"M-09"_s).state == store::MerchantState::Withdrawn);
    }

    const QJsonObject show = reader.showJson(u"M-09"_s);
    CHECK(show.value(u"name"_s).toString() == u"Hyper Auch"_s);
    const QJsonArray decisions = show.value(u"decisions"_s).toArray();
    REQUIRE(decisions.size() == 1);
    CHECK(decisions[0].toObject().value(u"approved_from"_s).toString() == u"2024-06-10"_s);
    CHECK(decisions[0].toObject().value(u"withdrawn_on"_s).toString() == u"2024-07-01"_s);
    CHECK(decisions[0].toObject().value(u"decided_by"_s).toString() == u"adele"_s);
    CHECK(decisions[0].toObject().value(u"note"_s).toString() == u"Comité"_s);
}

TEST_CASE("merchants: overlapping periods, bad dates and unknown merchants are refused with nothing written",
          "[services][merchants]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2024, 8, 1), QTime(9, 0), Qt::UTC));
    Fixture f(backend);
    const MerchantService admin = f.asAdmin();
    admin.approve(u"M-09"_s, QDate(2024, 6, 10));
    const std::string figures = f.figures();
    const qint64 rows = f.count(u"SELECT COUNT(*) FROM merchant_approval"_s);
    const qint64 audit = f.count(u"SELECT COUNT(*) FROM audit_log"_s);

    CHECK(kindOf([&] { admin.approve(u"M-09"_s, QDate(2024, 7, 1)); }) == Error::Kind::Conflict);
    CHECK(messageOf([&] { admin.approve(u"M-09"_s, QDate(2024, 7, 1)); }).startsWith(u"from: "_s));
    CHECK(kindOf([&] { admin.refuse(u"M-09"_s); }) == Error::Kind::Conflict);
    CHECK(kindOf([&] { admin.withdraw(u"M-09"_s, QDate(2024, 6, 10)); }) == Error::Kind::Invalid);
    CHECK(messageOf([&] { admin.withdraw(u"M-09"_s, QDate(2024, 6, 1)); }).startsWith(u"on: "_s));
    CHECK(kindOf([&] { admin.withdraw(u"M-01"_s, QDate(2024, 7, 1)); }) == Error::Kind::Conflict);
    CHECK(kindOf([&] { admin.approve(u"M-404"_s, QDate(2024, 7, 1)); }) == Error::Kind::NotFound);
    CHECK(kindOf([&] { admin.approve(u"M-01"_s, QDate()); }) == Error::Kind::Invalid);
    CHECK(kindOf([&] { admin.approve(u"M-01"_s, QDate(2024, 7, 1), QString(501, u'x')); }) ==
          Error::Kind::Invalid);
    CHECK(f.count(u"SELECT COUNT(*) FROM merchant_approval"_s) == rows);
    CHECK(f.count(u"SELECT COUNT(*) FROM audit_log"_s) == audit);
    CHECK(f.figures() == figures);

    // A closed period: a new one may start on the day of the withdrawal, not before.
    admin.withdraw(u"M-09"_s, QDate(2024, 6, 20));
    CHECK(kindOf([&] { admin.approve(u"M-09"_s, QDate(2024, 6, 19)); }) == Error::Kind::Conflict);
    CHECK_NOTHROW(admin.approve(u"M-09"_s, QDate(2024, 6, 20)));
    // Refused twice: refused.
    admin.refuse(u"M-20"_s);
    CHECK(kindOf([&] { admin.refuse(u"M-20"_s); }) == Error::Kind::Conflict);
}

TEST_CASE("merchants: only administrators decide, refusals are audited and write nothing",
          "[services][merchants]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2024, 8, 1), QTime(9, 0), Qt::UTC));
    Fixture f(backend);
    const std::string figures = f.figures();
    auto denied = [&](const std::function<void()>& call) {
        CHECK(kindOf(call) == Error::Kind::AccessDenied);
    };
    const qint64 before = f.count(
        u"SELECT COUNT(*) FROM audit_log WHERE table_name = 'merchant_approval' AND outcome = 'denied'"_s);
    for (Role role : {Role::SocialWorker, Role::Nurse, Role::Coordinator}) {
        denied([&] { f.service(role).approve(u"M-09"_s, QDate(2024, 6, 10)); });
        denied([&] { f.service(role).refuse(u"M-09"_s); });
    }
    denied([&] { f.service(Role::Coordinator).list(); });
    CHECK_NOTHROW(f.service(Role::SocialWorker).list(true));
    CHECK(f.count(u"SELECT COUNT(*) FROM audit_log WHERE table_name = 'merchant_approval' AND "
                  u"outcome = 'denied'"_s) == before + 7);
    CHECK(f.count(u"SELECT COUNT(*) FROM merchant_approval"_s) == 0);
    CHECK(f.figures() == figures);

    f.asAdmin().approve(u"M-09"_s, QDate(2024, 6, 10));
    CHECK(f.count(u"SELECT COUNT(*) FROM audit_log WHERE table_name = 'merchant_approval' AND action = "
                  u"'approve' AND outcome = 'ok' AND record_ref = 'M-09'"_s) == 1);
}

TEST_CASE("merchants: the bonus check expects bonuses on purchases the committee approved",
          "[services][merchants][reconciliation]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2024, 9, 1), QTime(9, 0), Qt::UTC));
    TempDatabase t(backend);
    auto db = t.createInitialised();
    const Session admin = test::adminSession(*db);
    {
        Programme p = Programme::defaults(QDate(2024, 6, 1));
        p.bonusRules = {{0, u"+50 %"_s, 5000, std::nullopt, QDate(2024, 6, 1), QDate()}};
        const ProgrammeService programmes(*db, admin);
        const auto current = programmes.load();
        p.id = current->id;
        p.version = current->version;
        programmes.save(p);
    }
    test::addHousehold(*db, u"MMG-0001"_s);
    // 40 EUR at the supermarket on 3 July, no bonus paid by the operator (not sustainable for it).
    LedgerEntry hyper =
        ledgerEntry(u"e-1"_s, 1, u"C-1"_s, u"purchase"_s, -4000, u"2024-07-03T10:00:00+02:00"_s);
    hyper.account = u"MMG-0001"_s;
    hyper.merchant = test::supermarket();
    store::LedgerRepository(*db).upsertEntries({hyper});
    auto bonusLines = [&] {
        QStringList out;
        for (const CreditDiscrepancy& d : ReconciliationService(*db, admin)
                                              .reconcile(QDate(2024, 6, 1), QDate(2024, 8, 31), true)
                                              .bonusDiscrepancies)
            out << u"%1 %2 %3 %4"_s.arg(d.household, d.month.toString(u"yyyy-MM"_s))
                       .arg(d.expectedCents)
                       .arg(d.creditedCents);
        return out.join(u"; "_s).toStdString();
    };
    CHECK(bonusLines().empty());
    // Approved by the committee from 1 July: the programme expects 20 EUR of bonus, and nothing was paid.
    MerchantService(*db, admin).approve(u"M-09"_s, QDate(2024, 7, 1));
    CHECK(bonusLines() == "MMG-0001 2024-07 2000 0");
    // Withdrawn on the day of the purchase: nothing expected again.
    MerchantService(*db, admin).withdraw(u"M-09"_s, QDate(2024, 7, 3));
    CHECK(bonusLines().empty());
}
