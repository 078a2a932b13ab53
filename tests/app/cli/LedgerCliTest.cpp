#include "cli/Cli.h"
#include "core/store/LedgerTestUtil.h"
#include "store/LedgerRepository.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <catch2/catch.hpp>

using namespace cabas;
using namespace Qt::StringLiterals;
using cabas::test::TempDatabase;

namespace {
struct Run
{
    int code = -1;
    QString out;
    QString err;
};

struct Fixture
{
    TempDatabase t;
    QTemporaryDir dir;
    QString adminPw;
    QString socialWorkerPw;

    explicit Fixture(store::Backend backend) : t(backend)
    {
        auto db = t.createInitialised();
        test::sessionFor(*db, Role::SocialWorker, u"anne"_s);
        test::sessionFor(*db, Role::Coordinator, u"julien"_s);
        const qint64 h = test::addHousehold(*db, u"MMG-0001"_s);
        test::addHousehold(*db, u"MMG-0002"_s);
        test::addCard(*db, u"C-1"_s, h);
        adminPw = write(u"admin.pw"_s, QByteArray(TempDatabase::kAdminPassword) + '\n');
        socialWorkerPw = write(u"anne.pw"_s, "Password-of-anne\n");
        write(u"julien.pw"_s, "Password-of-julien\n");
    }
    QString write(const QString& name, const QByteArray& bytes)
    {
        const QString path = dir.filePath(name);
        test::writeFile(path, bytes);
        return path;
    }
    Run cli(const QString& login, const QStringList& args)
    {
        Run r;
        QTextStream out(&r.out);
        QTextStream err(&r.err);
        QProcessEnvironment e;
        e.insert(u"CABAS_NO_PROMPT"_s, u"1"_s);
        const QString pw = login == u"admin"_s ? adminPw : dir.filePath(login + u".pw"_s);
        r.code =
            cli::run(QStringList{u"--db"_s, t.url(), u"--user"_s, login, u"--password-file"_s, pw} + args,
                     out, err, e);
        out.flush();
        err.flush();
        return r;
    }
};

const QByteArray kLedger =
    "id;revision;card;account;kind;status;amount_cents;currency;occurred_at;merchant_id;merchant_name;"
    "merchant_category;sustainable;refers_to\n"
    "e-1;1;C-1;;allowance;posted;4000;EUR;2024-06-01T00:05:00+02:00;;;;;\n"
    "e-2;1;C-1;;purchase;pending;-1250;EUR;2024-06-30T23:05:00+02:00;M-01;Biocoop Auch;organic_shop;true;\n"
    "e-2;2;C-1;;purchase;posted;-1250;EUR;2024-06-30T23:05:00+02:00;M-01;Biocoop Auch;organic_shop;true;\n"
    "e-3;1;C-7;;allowance;posted;2000;EUR;2024-06-01T00:05:00+02:00;;;;;\n"
    "e-4;1;C-7;;transfer;posted;-300;EUR;2024-06-02T00:05:00+02:00;;;;;\n";
} // namespace

TEST_CASE("cabas-cli import ledger, ledger summary, unlinked, link", "[cli][ledger]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    Fixture f(backend);
    const QString file = f.write(u"ledger.csv"_s, kLedger);

    Run dry = f.cli(u"admin"_s, {u"import"_s, u"ledger"_s, file, u"--dry-run"_s});
    INFO(dry.err.toStdString());
    REQUIRE(dry.code == cli::Success);
    CHECK(dry.out.contains(u"4"_s));
    Run run = f.cli(u"admin"_s, {u"import"_s, u"ledger"_s, file});
    INFO(run.err.toStdString());
    REQUIRE(run.code == cli::Success);

    // The summary as JSON, for a coordinator (figures only).
    Run summary = f.cli(u"julien"_s, {u"ledger"_s, u"summary"_s, u"--format"_s, u"json"_s});
    INFO(summary.err.toStdString());
    REQUIRE(summary.code == cli::Success);
    const QJsonObject s = QJsonDocument::fromJson(summary.out.toUtf8()).object();
    CHECK(s.value(u"entries"_s).toInt() == 4);
    CHECK(s.value(u"unlinked"_s).toInt() == 2);
    const QJsonObject purchase = s.value(u"kinds"_s).toObject().value(u"purchase"_s).toObject();
    CHECK(purchase.value(u"posted"_s).toObject().value(u"count"_s).toInt() == 1);
    CHECK(purchase.value(u"posted"_s).toObject().value(u"sum_cents"_s).toInt() == -1250);
    CHECK_FALSE(purchase.contains(u"pending"_s)); // only the latest revision counts

    // Coordinators do not see cards; social workers do, and link them.
    CHECK(f.cli(u"julien"_s, {u"ledger"_s, u"unlinked"_s}).code == cli::Failure);
    Run unlinked = f.cli(u"anne"_s, {u"ledger"_s, u"unlinked"_s, u"--format"_s, u"json"_s});
    REQUIRE(unlinked.code == cli::Success);
    const QJsonArray cards = QJsonDocument::fromJson(unlinked.out.toUtf8()).array();
    REQUIRE(cards.size() == 1);
    CHECK(cards[0].toObject().value(u"card"_s).toString() == u"C-7"_s);
    CHECK(cards[0].toObject().value(u"entries"_s).toInt() == 2);

    CHECK(f.cli(u"anne"_s, {u"ledger"_s, u"link"_s, u"C-7"_s}).code == cli::UsageError);
    Run bad = f.cli(u"anne"_s, {u"ledger"_s, u"link"_s, u"C-7"_s, u"MMG-0404"_s});
    CHECK(bad.code == cli::Failure);
    CHECK(bad.err.contains(u"MMG-0404"_s));
    Run link = f.cli(u"anne"_s, {u"ledger"_s, u"link"_s, u"C-7"_s, u"MMG-0002"_s});
    INFO(link.err.toStdString());
    REQUIRE(link.code == cli::Success);
    Run after = f.cli(u"anne"_s, {u"ledger"_s, u"unlinked"_s});
    REQUIRE(after.code == cli::Success);
    CHECK_FALSE(after.out.contains(u"C-7"_s));
    Run summary2 = f.cli(u"admin"_s, {u"ledger"_s, u"summary"_s, u"--format"_s, u"json"_s});
    CHECK(QJsonDocument::fromJson(summary2.out.toUtf8()).object().value(u"unlinked"_s).toInt() == 0);
}

TEST_CASE("cabas-cli import ledger: a bad file imports nothing, errors located on stderr", "[cli][ledger]")
{
    Fixture f(store::Backend::Sqlite);
    const QString file = f.write(
        u"bad.csv"_s, kLedger + "e-9;x;C-1;;allowance;posted;4000;EUR;2024-06-01T00:05:00+02:00;;;;;\n");
    Run run = f.cli(u"admin"_s, {u"import"_s, u"ledger"_s, file});
    CHECK(run.code == cli::Failure);
    CHECK(run.err.contains(u"bad.csv:7: revision: "_s));
    Run summary = f.cli(u"admin"_s, {u"ledger"_s, u"summary"_s});
    CHECK(QJsonDocument::fromJson(summary.out.toUtf8()).object().value(u"entries"_s).toInt() == 0);
    // Social workers do not import the ledger.
    CHECK(f.cli(u"anne"_s, {u"import"_s, u"ledger"_s, f.write(u"ok.csv"_s, kLedger)}).code == cli::Failure);
}
