// Many clients at once on one PostgreSQL database: 20 processes (cabas_fault_driver) enrolling households,
// editing the same few households and syncing the ledger for a bounded time. Afterwards: every successful
// enrolment is there once, no successful edit was lost (each one bumped the version once, the last one's
// value is what is stored), every failure was a cabas::Error with a clear message (conflicts reported,
// collisions such as deadlocks reported or retried, never a crash), the stored ledger equals the server's,
// the audit chain is whole.
#include "TestPaths.h"
#include "common/Error.h"
#include "io/PersonsImport.h"
#include "security/AuditTrail.h"
#include "security/Authenticator.h"
#include "services/HouseholdService.h"
#include "sim/SimLedger.h"
#include "store/HouseholdRepository.h"
#include "store/LedgerRepository.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <catch2/catch.hpp>
#include <memory>

using namespace cabas;
using cabas::test::TempDatabase;

namespace {

constexpr int kEnrollers = 7;
constexpr int kEditors = 9;
constexpr int kSyncers = 4;
constexpr double kSeconds = 15;

QString clearMessageStart(const char* source)
{
    return QCoreApplication::translate("Database", source).section(QStringLiteral("%1"), 0, 0);
}

} // namespace

TEST_CASE("fault: 20 processes enrolling, editing and syncing on one PostgreSQL database lose nothing",
          "[fault][concurrency][postgresql]")
{
    const auto backends = test::backendsUnderTest();
    if (std::find(backends.begin(), backends.end(), store::Backend::Postgres) == backends.end())
        return; // backendsUnderTest() warned, or failed under CABAS_REQUIRE_PG=1
    TempDatabase t(store::Backend::Postgres);
    const QString swPassword = QStringLiteral("Password-of-social.worker");
    std::map<QString, int> initialVersion;
    qint64 initialHouseholds = 0;
    {
        auto db = t.createInitialised();
        const Session sw = test::sessionFor(*db, Role::SocialWorker);
        io::PersonsImport(*db, sw).run(QStringLiteral(CABAS_SAMPLES_DIR "/persons.csv"));
        for (const Household& h : HouseholdService(*db, sw).list())
            initialVersion[h.code] = h.version;
        initialHouseholds = store::HouseholdRepository(*db).count();
    }
    const QStringList edited{QStringLiteral("MMG-0001"), QStringLiteral("MMG-0002"),
                             QStringLiteral("MMG-0003")};
    const QString swPw = QDir(t.dir()).filePath(QStringLiteral("sw"));
    test::writeFile(swPw, swPassword.toUtf8() + '\n');
    const QString adminPw = QDir(t.dir()).filePath(QStringLiteral("admin"));
    test::writeFile(adminPw, QByteArray(TempDatabase::kAdminPassword) + '\n');

    sim::SimFeed feed(sim::SimLedger::generate(sim::SimInput::standalone(20, QDate(2025, 5, 31), 11)),
                      QStringLiteral("tok"), {}, 5);
    sim::SimServer server(feed, 0, 8);
    const auto expectedLedger = feed.ledger().finalState();

    std::vector<std::unique_ptr<QProcess>> clients;
    const auto start = [&](const QString& mode, int worker, const QString& user, const QString& pw) {
        auto p = std::make_unique<QProcess>();
        p->setProcessChannelMode(QProcess::SeparateChannels);
        p->start(QStringLiteral(CABAS_FAULT_DRIVER),
                 {QStringLiteral("--db"), t.url(), QStringLiteral("--user"), user,
                  QStringLiteral("--password-file"), pw, QStringLiteral("--mode"), mode,
                  QStringLiteral("--seconds"), QString::number(kSeconds), QStringLiteral("--worker"),
                  QString::number(worker), QStringLiteral("--households"), edited.join(QLatin1Char(',')),
                  QStringLiteral("--ledger"), server.url(), QStringLiteral("--token"),
                  QStringLiteral("tok")});
        clients.push_back(std::move(p));
    };
    int worker = 0;
    for (int i = 0; i < kEnrollers; ++i)
        start(QStringLiteral("enrol"), ++worker, QStringLiteral("social.worker"), swPw);
    for (int i = 0; i < kEditors; ++i)
        start(QStringLiteral("edit"), ++worker, QStringLiteral("social.worker"), swPw);
    for (int i = 0; i < kSyncers; ++i)
        start(QStringLiteral("sync"), ++worker, QStringLiteral("admin"), adminPw);

    std::vector<QJsonObject> events;
    int crashed = 0;
    for (auto& p : clients) {
        REQUIRE(p->waitForStarted(30000));
        REQUIRE(p->waitForFinished(int(kSeconds * 1000) + 90000));
        const QString err = QString::fromUtf8(p->readAllStandardError());
        const QByteArray out = p->readAllStandardOutput();
        INFO("client " << p->arguments().join(QLatin1Char(' ')) << "\nstderr: " << err
                       << "\nlast line: " << QString::fromUtf8(out.trimmed().split('\n').last()));
        CHECK(p->exitStatus() == QProcess::NormalExit);
        CHECK(p->exitCode() == 0);
        if (p->exitStatus() != QProcess::NormalExit || p->exitCode() != 0)
            ++crashed;
        for (const QByteArray& line : out.split('\n'))
            if (!line.trimmed().isEmpty())
                events.push_back(QJsonDocument::fromJson(line).object());
    }
    CHECK(crashed == 0);

    // Every failure a client met was a cabas::Error with a clear message: a code taken by another client
    // meanwhile is a Conflict that says so; a deadlock or serialization failure says it collided and nothing
    // was saved; never a bare "Database error".
    const QStringList clearStarts{
        clearMessageStart("This change collided with another user's change to the database %1: nothing was "
                          "saved. Try again. (%2)"),
        clearMessageStart(
            "The database %1 is busy with another user's change: nothing was saved. Try again in a "
            "moment. (%2)"),
        clearMessageStart("This is already in the database %1 (a code or number used twice, perhaps saved by "
                          "someone else at the same moment): nothing was saved. Reload and try again. (%2)")};
    const QString rawStart = clearMessageStart("Database error: %1");
    std::map<QString, int> outcomes;
    QStringList unclear, seen, kinds;
    for (const QJsonObject& e : events) {
        const QString op = e.value(QStringLiteral("op")).toString();
        const bool ok = e.value(QStringLiteral("ok")).toBool();
        const bool conflict = e.value(QStringLiteral("conflict")).toBool();
        ++outcomes[op + (ok         ? QStringLiteral(" ok")
                         : conflict ? QStringLiteral(" conflict")
                                    : QStringLiteral(" error"))];
        if (ok || conflict)
            continue;
        const auto kind = Error::Kind(e.value(QStringLiteral("kind")).toInt());
        const QString message = e.value(QStringLiteral("message")).toString();
        // The services' own checks ("the household code ... is already used") are clear too; a Storage error
        // must be one of the clear ones above, and nothing may be a bare "Database error: ...".
        const bool clearStorage = std::any_of(clearStarts.begin(), clearStarts.end(),
                                              [&](const QString& s) { return message.startsWith(s); });
        const bool clear =
            !message.startsWith(rawStart) && (kind == Error::Kind::Invalid || kind == Error::Kind::Conflict ||
                                              (kind == Error::Kind::Storage && clearStorage));
        if (!clear)
            unclear << op + QStringLiteral(": ") + message;
        else if (kind != Error::Kind::Invalid && seen.size() < 20 && !seen.contains(message.left(60)))
            seen << message.left(60), kinds << op + QStringLiteral(": ") + message;
    }
    QString summary;
    for (const auto& [k, n] : outcomes)
        summary += k + QStringLiteral(": ") + QString::number(n) + QLatin1Char('\n');
    INFO("outcomes:\n" << summary);
    INFO("unclear failures:\n" << unclear.join(QLatin1Char('\n')));
    INFO("kinds of clear failures:\n" << kinds.join(QLatin1Char('\n')));
    CHECK(unclear.isEmpty());
    CHECK(outcomes[QStringLiteral("driver error")] == 0);
    CHECK(outcomes[QStringLiteral("enrol ok")] >= kEnrollers);
    CHECK(outcomes[QStringLiteral("edit ok")] >= kEditors);
    CHECK(outcomes[QStringLiteral("edit conflict")] > 0); // they did overlap
    CHECK(outcomes[QStringLiteral("sync ok")] >= 1);

    const auto db = t.open();
    const Session sw = security::Authenticator(*db).login(QStringLiteral("social.worker"), swPassword);
    const HouseholdService households(*db, sw);

    // Enrolments: each success is there once, and nothing else was added.
    QSet<QString> enrolled;
    for (const QJsonObject& e : events)
        if (e.value(QStringLiteral("op")).toString() == QLatin1String("enrol") &&
            e.value(QStringLiteral("ok")).toBool()) {
            const QString code = e.value(QStringLiteral("code")).toString();
            CHECK_FALSE(enrolled.contains(code));
            enrolled.insert(code);
            const auto h = households.find(code);
            REQUIRE(h);
            const auto members = households.members(h->id);
            REQUIRE(members.size() == 1);
            CHECK(members.front().code == e.value(QStringLiteral("person")).toString());
        }
    CHECK(store::HouseholdRepository(*db).count() == initialHouseholds + enrolled.size());

    // Edits: every successful save bumped the version once; the one with the highest version is what is
    // stored.
    for (const QString& code : edited) {
        INFO("household " << code);
        std::map<int, QString> byVersion;
        int successes = 0;
        for (const QJsonObject& e : events) {
            if (e.value(QStringLiteral("op")).toString() != QLatin1String("edit") ||
                e.value(QStringLiteral("code")).toString() != code)
                continue;
            if (e.value(QStringLiteral("conflict")).toBool()) {
                CHECK(e.value(QStringLiteral("their_version")).toInt() >
                      e.value(QStringLiteral("base_version")).toInt());
                continue;
            }
            if (!e.value(QStringLiteral("ok")).toBool())
                continue;
            ++successes;
            const int version = e.value(QStringLiteral("version")).toInt();
            CHECK(byVersion.count(version) == 0); // two saves from the same version: one would be lost
            byVersion[version] = e.value(QStringLiteral("value")).toString();
        }
        const auto stored = households.find(code);
        REQUIRE(stored);
        CHECK(stored->version == initialVersion[code] + successes);
        if (!byVersion.empty()) {
            CHECK(byVersion.rbegin()->first == stored->version);
            CHECK(byVersion.rbegin()->second == stored->notes);
        }
    }

    // The ledger: the syncs that ended stored the server's whole ledger, each entry once at its last
    // revision.
    store::LedgerRepository repo(*db);
    const store::LedgerCounts counts = repo.counts();
    CHECK(counts.entries == qint64(expectedLedger.size()));
    qint64 expectedSum = 0, storedSum = 0;
    int wrong = 0;
    for (const auto& [id, e] : expectedLedger) {
        expectedSum += e.amountCents;
        const auto s = repo.findEntry(id);
        if (!s || s->entry.revision != e.revision || s->entry.status != e.status ||
            s->entry.amountCents != e.amountCents)
            ++wrong;
    }
    for (const auto& [kind, byStatus] : counts.kinds)
        for (const auto& [status, figures] : byStatus)
            storedSum += figures.sumCents;
    CHECK(wrong == 0);
    CHECK(storedSum == expectedSum);

    // The audit chain has no fork and no gap.
    const AuditVerification chain = AuditTrail(*db).verify();
    INFO(chain.message);
    CHECK(chain.ok);
}
