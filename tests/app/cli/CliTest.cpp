#include "cli/Cli.h"
#include "TestPaths.h"
#include "demo/DemoGenerator.h"
#include "security/Authenticator.h"
#include "security/KeyRing.h"
#include "store/AuditRepository.h"
#include "store/Database.h"
#include "store/HouseholdRepository.h"
#include "store/KeySlotRepository.h"
#include "store/PgRoles.h"
#include "store/ProgrammeRepository.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <algorithm>
#include <catch2/catch.hpp>

using namespace cabas;
using cabas::test::TempDatabase;

namespace {
struct Run
{
    int code = -1;
    QString out;
    QString err;
};

Run runCli(const QStringList& args, const QProcessEnvironment& env = QProcessEnvironment())
{
    Run r;
    QTextStream out(&r.out);
    QTextStream err(&r.err);
    QProcessEnvironment e = env;
    e.insert(QStringLiteral("CABAS_NO_PROMPT"), QStringLiteral("1"));
    r.code = cli::run(args, out, err, e);
    out.flush();
    err.flush();
    return r;
}

QString passwordFile(const QTemporaryDir& dir, const QByteArray& password = "Admin-Password-2026")
{
    const QString path = dir.filePath(QStringLiteral("password"));
    test::writeFile(path, password + '\n');
    return path;
}
} // namespace

TEST_CASE("cabas-cli init then demo then info", "[cli]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    QTemporaryDir dir;
    const QString pw = passwordFile(dir);

    Run init =
        runCli({QStringLiteral("init"), QStringLiteral("--clear"), QStringLiteral("--db"), t.url(),
                QStringLiteral("--admin"), QStringLiteral("admin"), QStringLiteral("--password-file"), pw});
    INFO(init.err.toStdString());
    REQUIRE(init.code == cli::Success);

    Run again =
        runCli({QStringLiteral("init"), QStringLiteral("--clear"), QStringLiteral("--db"), t.url(),
                QStringLiteral("--admin"), QStringLiteral("admin"), QStringLiteral("--password-file"), pw});
    CHECK(again.code == cli::Failure);
    CHECK_FALSE(again.err.isEmpty());

    // CABAS_DB replaces --db; --user authenticates.
    QProcessEnvironment env;
    env.insert(QStringLiteral("CABAS_DB"), t.url());
    Run demo = runCli({QStringLiteral("--user"), QStringLiteral("admin"), QStringLiteral("--password-file"),
                       pw, QStringLiteral("demo"), QStringLiteral("--households"), QStringLiteral("25")},
                      env);
    INFO(demo.err.toStdString());
    REQUIRE(demo.code == cli::Success);
    CHECK(demo.out.contains(QStringLiteral("25")));

    Run info = runCli({QStringLiteral("--user"), QStringLiteral("admin"), QStringLiteral("--password-file"),
                       pw, QStringLiteral("info"), QStringLiteral("--format"), QStringLiteral("json")},
                      env);
    REQUIRE(info.code == cli::Success);
    const QJsonObject o = QJsonDocument::fromJson(info.out.toUtf8()).object();
    CHECK(o.value(QStringLiteral("households")).toInt() == 25);
    CHECK(o.value(QStringLiteral("schema_version")).toInt() == store::Database::latestSchemaVersion());
    CHECK(o.value(QStringLiteral("backend")).toString() == QLatin1String(test::backendName(backend)));
    CHECK_FALSE(info.out.contains(QStringLiteral("Admin-Password")));
}

TEST_CASE("cabas-cli init --sealed: demo and household list on a sealed database", "[cli][sealed]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    QTemporaryDir dir;
    const QString pw = passwordFile(dir);
    Run init =
        runCli({QStringLiteral("init"), QStringLiteral("--db"), t.url(), QStringLiteral("--admin"),
                QStringLiteral("admin"), QStringLiteral("--password-file"), pw, QStringLiteral("--sealed")});
    INFO(init.err.toStdString());
    REQUIRE(init.code == cli::Success);
    CHECK(t.rawValue(QStringLiteral("SELECT value FROM cabas_meta WHERE key = 'sealed_fields'")).toString() ==
          QStringLiteral("2:person,household,health"));
    const QStringList as{QStringLiteral("--db"),
                         t.url(),
                         QStringLiteral("--user"),
                         QStringLiteral("admin"),
                         QStringLiteral("--password-file"),
                         pw};
    Run demo = runCli(
        as + QStringList{QStringLiteral("demo"), QStringLiteral("--households"), QStringLiteral("12")});
    INFO(demo.err.toStdString());
    REQUIRE(demo.code == cli::Success);
    // No clear name in the table; the list decrypts them, and the search finds a member by her name.
    const QString stored =
        t.rawValue(QStringLiteral("SELECT last_name FROM person ORDER BY code LIMIT 1")).toString();
    auto db = t.open();
    const Session admin = test::adminSession(*db);
    const auto first = store::PersonRepository(*db, admin.keys.get()).forHousehold(1);
    REQUIRE_FALSE(first.empty());
    db.reset();
    CHECK(stored != first.front().lastName);
    Run list = runCli(as + QStringList{QStringLiteral("household"), QStringLiteral("list"),
                                       QStringLiteral("--search"), first.front().lastName,
                                       QStringLiteral("--format"), QStringLiteral("json")});
    INFO(list.err.toStdString());
    REQUIRE(list.code == cli::Success);
    CHECK(list.out.contains(first.front().lastName));
    CHECK(t.rawValue(QStringLiteral("SELECT count(*) FROM household_search_term")).toInt() == 0);
}

TEST_CASE("cabas-cli init prints the recovery key once, in a box, and it opens the key ring",
          "[cli][keyring]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    QTemporaryDir dir;
    const QString pw = passwordFile(dir);
    Run init =
        runCli({QStringLiteral("init"), QStringLiteral("--clear"), QStringLiteral("--db"), t.url(),
                QStringLiteral("--admin"), QStringLiteral("admin"), QStringLiteral("--password-file"), pw});
    INFO(init.out.toStdString() << init.err.toStdString());
    REQUIRE(init.code == cli::Success);

    const QRegularExpression keyPattern(QStringLiteral("([A-Z2-7]{4}-){7}[A-Z2-7]{4}"));
    QStringList keys;
    for (auto it = keyPattern.globalMatch(init.out); it.hasNext();)
        keys << it.next().captured(0);
    REQUIRE(keys.size() == 1); // once, on stdout only
    CHECK_FALSE(init.err.contains(keys.front()));
    // Inside a box: the line that holds it starts and ends with the box's border, under a rule.
    const QStringList lines = init.out.split(QLatin1Char('\n'));
    const auto keyLine =
        std::find_if(lines.begin(), lines.end(), [&](const QString& l) { return l.contains(keys.front()); });
    REQUIRE(keyLine != lines.end());
    CHECK(keyLine->startsWith(QLatin1String("| ")));
    CHECK(keyLine->endsWith(QLatin1String(" |")));
    CHECK(lines.filter(QRegularExpression(QStringLiteral("^\\+-+\\+$"))).size() == 2);

    auto db = t.open();
    const store::KeySlotRepository keySlots(*db);
    const auto recovery =
        security::KeyRing::unlockWithRecoveryKey(*keySlots.header(), *keySlots.recovery(), keys.front());
    CHECK(recovery.canCertify());

    // A second init is refused and prints no key.
    Run again =
        runCli({QStringLiteral("init"), QStringLiteral("--clear"), QStringLiteral("--db"), t.url(),
                QStringLiteral("--admin"), QStringLiteral("admin"), QStringLiteral("--password-file"), pw});
    CHECK(again.code == cli::Failure);
    CHECK_FALSE(keyPattern.match(again.out + again.err).hasMatch());
}

TEST_CASE("cabas-cli init takes a programme file and reports its errors with their place", "[cli]")
{
    TempDatabase t(store::Backend::Sqlite);
    QTemporaryDir dir;
    const QString pw = passwordFile(dir);
    const QString programme = dir.filePath(QStringLiteral("programme.json"));
    test::writeFile(programme, R"({"name": "Vital'im", "starts_on": "2025-01-01",
        "allowance": {"adult_cents": 5000, "child_cents": 5000},
        "bonus_rules": [{"label": "Bonus", "rate_percent": 100, "monthly_cap_cents": 2500, "valid_from": "2025-01-01"}],
        "waves": [{"code": "M0", "offset_days": 0, "tolerance_days": 30}], "disclosure_threshold": 15})");
    Run init = runCli({QStringLiteral("init"), QStringLiteral("--clear"), QStringLiteral("--db"), t.url(),
                       QStringLiteral("--admin"), QStringLiteral("admin"), QStringLiteral("--password-file"),
                       pw, QStringLiteral("--programme"), programme});
    INFO(init.err.toStdString());
    REQUIRE(init.code == cli::Success);
    Run show =
        runCli({QStringLiteral("programme"), QStringLiteral("show"), QStringLiteral("--db"), t.url(),
                QStringLiteral("--user"), QStringLiteral("admin"), QStringLiteral("--password-file"), pw});
    REQUIRE(show.code == cli::Success);
    const QJsonObject o = QJsonDocument::fromJson(show.out.toUtf8()).object();
    CHECK(o.value(QStringLiteral("name")).toString() == QStringLiteral("Vital'im"));
    CHECK(o.value(QStringLiteral("disclosure_threshold")).toInt() == 15);

    TempDatabase bad(store::Backend::Sqlite);
    test::writeFile(
        programme,
        R"({"name": "X", "starts_on": "2025-01-01", "allowance": {"adult_cents": -1, "child_cents": 0},
        "waves": []})");
    Run refused = runCli({QStringLiteral("init"), QStringLiteral("--clear"), QStringLiteral("--db"),
                          bad.url(), QStringLiteral("--admin"), QStringLiteral("admin"),
                          QStringLiteral("--password-file"), pw, QStringLiteral("--programme"), programme});
    CHECK(refused.code == cli::Failure);
    CHECK(refused.err.contains(QStringLiteral("programme.json: allowance.adult_cents")));
    CHECK(refused.err.contains(QStringLiteral("waves")));
    CHECK_FALSE(QFileInfo::exists(bad.spec().path));

    test::writeFile(programme, "{ not json");
    Run broken = runCli({QStringLiteral("init"), QStringLiteral("--clear"), QStringLiteral("--db"), bad.url(),
                         QStringLiteral("--admin"), QStringLiteral("admin"),
                         QStringLiteral("--password-file"), pw, QStringLiteral("--programme"), programme});
    CHECK(broken.code == cli::Failure);
    CHECK(broken.err.contains(QStringLiteral("programme.json")));
}

TEST_CASE("cabas-cli usage errors exit with 2, failures with 1", "[cli]")
{
    TempDatabase t(store::Backend::Sqlite);
    QTemporaryDir dir;
    CHECK(runCli({}).code == cli::UsageError);
    CHECK(runCli({QStringLiteral("frobnicate")}).code == cli::UsageError);
    CHECK(runCli({QStringLiteral("info"), QStringLiteral("--bogus")}).code == cli::UsageError);
    CHECK(runCli({QStringLiteral("info")}).code == cli::UsageError); // no database
    CHECK(runCli({QStringLiteral("init"), QStringLiteral("--clear"), QStringLiteral("--db"), t.url()}).code ==
          cli::UsageError);
    CHECK(runCli({QStringLiteral("demo"), QStringLiteral("--db"), t.url(), QStringLiteral("--households"),
                  QStringLiteral("many")})
              .code == cli::UsageError);
    CHECK(runCli({QStringLiteral("info"), QStringLiteral("extra"), QStringLiteral("--db"), t.url()}).code ==
          cli::UsageError);
    const QString pw = passwordFile(dir);
    Run missing = runCli({QStringLiteral("info"), QStringLiteral("--db"), t.url(), QStringLiteral("--user"),
                          QStringLiteral("admin"), QStringLiteral("--password-file"), pw});
    CHECK(missing.code == cli::Failure);
    CHECK(missing.err.contains(t.url()));
    CHECK_FALSE(QFileInfo::exists(t.spec().path));

    // A wrong password is a failure, and writes nothing.
    REQUIRE(
        runCli({QStringLiteral("init"), QStringLiteral("--clear"), QStringLiteral("--db"), t.url(),
                QStringLiteral("--admin"), QStringLiteral("admin"), QStringLiteral("--password-file"), pw})
            .code == cli::Success);
    const QString wrong = dir.filePath(QStringLiteral("wrong"));
    test::writeFile(wrong, "not-the-password\n");
    Run denied = runCli({QStringLiteral("demo"), QStringLiteral("--db"), t.url(), QStringLiteral("--user"),
                         QStringLiteral("admin"), QStringLiteral("--password-file"), wrong});
    CHECK(denied.code == cli::Failure);
    CHECK(store::HouseholdRepository(*t.open()).count() == 0);
}

TEST_CASE("every cabas-cli command has --help", "[cli]")
{
    Run general = runCli({QStringLiteral("--help")});
    CHECK(general.code == cli::Success);
    for (const char* command : {"init", "demo", "info", "programme show", "user add", "user list",
                                "user disable", "user enable", "user passwd", "audit verify", "audit list"}) {
        QStringList args = QString::fromLatin1(command).split(QLatin1Char(' '));
        args << QStringLiteral("--help");
        Run help = runCli(args);
        INFO(command);
        CHECK(help.code == cli::Success);
        CHECK(help.out.contains(QString::fromLatin1(command)));
        CHECK(general.out.contains(QString::fromLatin1(command)));
    }
    CHECK(runCli({QStringLiteral("user"), QStringLiteral("--help")})
              .out.contains(QStringLiteral("user passwd")));
    CHECK(runCli({QStringLiteral("user")}).code == cli::UsageError);
}

TEST_CASE("the cabas-cli program speaks French and uses exit codes", "[cli][process]")
{
    QTemporaryDir dir;
    const QString pw = passwordFile(dir);
    const QString db = dir.filePath(QStringLiteral("demo.cabas"));
    auto runProcess = [&](const QStringList& args, QString* err = nullptr) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("CABAS_LANG"), QStringLiteral("fr"));
        env.remove(QStringLiteral("CABAS_DB"));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(CABAS_CLI_EXECUTABLE), args);
        REQUIRE(p.waitForFinished(120000));
        if (err)
            *err = QString::fromUtf8(p.readAllStandardError());
        return p.exitCode();
    };
    CHECK(runProcess({QStringLiteral("init"), QStringLiteral("--clear"), QStringLiteral("--db"), db,
                      QStringLiteral("--admin"), QStringLiteral("admin"), QStringLiteral("--password-file"),
                      pw}) == 0);
    CHECK(runProcess({QStringLiteral("demo"), QStringLiteral("--db"), db, QStringLiteral("--user"),
                      QStringLiteral("admin"), QStringLiteral("--password-file"), pw}) == 0);
    QString err;
    CHECK(runProcess({QStringLiteral("init"), QStringLiteral("--clear"), QStringLiteral("--db"), db,
                      QStringLiteral("--admin"), QStringLiteral("admin"), QStringLiteral("--password-file"),
                      pw},
                     &err) == 1);
    CHECK(err.contains(QStringLiteral("existe déjà")));
    CHECK(runProcess({QStringLiteral("nope")}, &err) == 2);
    CHECK(err.contains(QStringLiteral("inconnue")));
}

namespace {
// Runs a command as `login` (password file `pw`) on database `db`.
Run as(const QString& login, const QString& pw, const QString& db, QStringList args)
{
    args = QStringList{QStringLiteral("--db"),
                       db,
                       QStringLiteral("--user"),
                       login,
                       QStringLiteral("--password-file"),
                       pw} +
           args;
    return runCli(args);
}

// What cabas-cli answers a user whose password is temporary (set by an administrator or a sealing).
QString temporaryRefusal(const QString& login)
{
    return QCoreApplication::translate("Cli",
                                       "your password is temporary (set by an administrator): change it "
                                       "first with cabas-cli --user %1 user passwd %1")
        .arg(login);
}

// `login` changes the password an administrator gave them (temporary) to the one in `pw`: the only command
// they may run before.
void changeOwnPassword(const QString& login, const QString& pw, const QString& db)
{
    const Run own =
        as(login, pw, db,
           {QStringLiteral("user"), QStringLiteral("passwd"), login, QStringLiteral("--password-file"), pw});
    INFO(own.err.toStdString());
    REQUIRE(own.code == cli::Success);
}
} // namespace

TEST_CASE("cabas-cli manages users and refuses non-administrators", "[cli][users]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    t.createInitialised().reset();
    QTemporaryDir dir;
    const QString adminPw = passwordFile(dir, TempDatabase::kAdminPassword);
    const QString annePw = dir.filePath(QStringLiteral("anne"));
    test::writeFile(annePw, "Anne-Password-2026\n");

    Run add = as(QStringLiteral("admin"), adminPw, t.url(),
                 {QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("anne.martin"),
                  QStringLiteral("--role"), QStringLiteral("social_worker"), QStringLiteral("--name"),
                  QStringLiteral("Anne Martin"), QStringLiteral("--password-file"), annePw});
    INFO(add.err.toStdString());
    REQUIRE(add.code == cli::Success);

    Run list =
        as(QStringLiteral("admin"), adminPw, t.url(), {QStringLiteral("user"), QStringLiteral("list")});
    REQUIRE(list.code == cli::Success);
    CHECK(list.out.contains(QStringLiteral("anne.martin\tAnne Martin\tsocial_worker")));

    // The administrator chose Anne's first password: it is temporary. Every command is refused (audited)
    // until she changes it, setting someone else's password too; changing her own is allowed.
    Run temporary = as(QStringLiteral("anne.martin"), annePw, t.url(), {QStringLiteral("info")});
    CHECK(temporary.code == cli::Failure);
    CHECK(temporary.err.contains(temporaryRefusal(QStringLiteral("anne.martin"))));
    CHECK(temporary.out.isEmpty());
    Run other = as(QStringLiteral("anne.martin"), annePw, t.url(),
                   {QStringLiteral("user"), QStringLiteral("passwd"), QStringLiteral("admin"),
                    QStringLiteral("--password-file"), annePw});
    CHECK(other.code == cli::Failure);
    CHECK(other.err.contains(temporaryRefusal(QStringLiteral("anne.martin"))));
    {
        const auto records = store::AuditRepository(*t.open()).list({});
        CHECK(std::count_if(records.begin(), records.end(), [](const store::AuditRecord& r) {
                  return r.login == QLatin1String("anne.martin") && r.action == QLatin1String("command") &&
                         r.outcome == QLatin1String("denied") &&
                         r.detail == QLatin1String("temporary password");
              }) == 2);
    }
    changeOwnPassword(QStringLiteral("anne.martin"), annePw, t.url());
    CHECK(as(QStringLiteral("anne.martin"), annePw, t.url(), {QStringLiteral("info")}).code == cli::Success);

    // A social worker may not manage users: refused, nothing written, audited.
    Run refused =
        as(QStringLiteral("anne.martin"), annePw, t.url(),
           {QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("bob"), QStringLiteral("--role"),
            QStringLiteral("admin"), QStringLiteral("--password-file"), annePw});
    CHECK(refused.code == cli::Failure);
    CHECK(refused.err.contains(QStringLiteral("Accès refusé")));
    Run audit = as(QStringLiteral("admin"), adminPw, t.url(),
                   {QStringLiteral("audit"), QStringLiteral("list"), QStringLiteral("--user"),
                    QStringLiteral("anne.martin"), QStringLiteral("--format"), QStringLiteral("json")});
    REQUIRE(audit.code == cli::Success);
    CHECK(audit.out.contains(QStringLiteral("\"denied\"")));
    CHECK_FALSE(
        as(QStringLiteral("admin"), adminPw, t.url(), {QStringLiteral("user"), QStringLiteral("list")})
            .out.contains(QStringLiteral("bob")));

    // A weak password is refused.
    const QString weak = dir.filePath(QStringLiteral("weak"));
    test::writeFile(weak, "court\n");
    Run weakRun = as(QStringLiteral("admin"), adminPw, t.url(),
                     {QStringLiteral("user"), QStringLiteral("passwd"), QStringLiteral("anne.martin"),
                      QStringLiteral("--password-file"), weak});
    CHECK(weakRun.code == cli::Failure);
    CHECK(weakRun.err.contains(QStringLiteral("12")));

    // Disabled users cannot log in; the last administrator cannot be disabled.
    CHECK(as(QStringLiteral("admin"), adminPw, t.url(),
             {QStringLiteral("user"), QStringLiteral("disable"), QStringLiteral("anne.martin")})
              .code == cli::Success);
    CHECK(as(QStringLiteral("anne.martin"), annePw, t.url(), {QStringLiteral("info")}).code == cli::Failure);
    Run lastAdmin = as(QStringLiteral("admin"), adminPw, t.url(),
                       {QStringLiteral("user"), QStringLiteral("disable"), QStringLiteral("admin")});
    CHECK(lastAdmin.code == cli::Failure);
    CHECK(as(QStringLiteral("admin"), adminPw, t.url(), {QStringLiteral("info")}).code == cli::Success);

    Run verify =
        as(QStringLiteral("admin"), adminPw, t.url(), {QStringLiteral("audit"), QStringLiteral("verify")});
    INFO(verify.err.toStdString());
    CHECK(verify.code == cli::Success);
}

TEST_CASE("cabas-cli locks an account after 7 failed logins, a password reset unlocks it", "[cli][users]")
{
    TempDatabase t(store::Backend::Sqlite);
    t.createInitialised().reset();
    QTemporaryDir dir;
    const QString adminPw = passwordFile(dir, TempDatabase::kAdminPassword);
    const QString claraPw = dir.filePath(QStringLiteral("clara"));
    test::writeFile(claraPw, "Clara-Password-2026\n");
    REQUIRE(
        as(QStringLiteral("admin"), adminPw, t.url(),
           {QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("clara"), QStringLiteral("--role"),
            QStringLiteral("nurse"), QStringLiteral("--password-file"), claraPw})
            .code == cli::Success);
    const QString wrong = dir.filePath(QStringLiteral("wrong"));
    test::writeFile(wrong, "Not-Her-Password-1\n");
    for (int attempt = 0; attempt < 7; ++attempt)
        CHECK(as(QStringLiteral("clara"), wrong, t.url(), {QStringLiteral("info")}).code == cli::Failure);
    Run locked = as(QStringLiteral("clara"), claraPw, t.url(), {QStringLiteral("info")});
    CHECK(locked.code == cli::Failure);
    CHECK(locked.err.contains(QStringLiteral("verrouill")));
    REQUIRE(as(QStringLiteral("admin"), adminPw, t.url(),
               {QStringLiteral("user"), QStringLiteral("passwd"), QStringLiteral("clara"),
                QStringLiteral("--password-file"), claraPw})
                .code == cli::Success);
    // Unlocked, with a password the administrator chose: she changes it before anything else.
    Run temporary = as(QStringLiteral("clara"), claraPw, t.url(), {QStringLiteral("info")});
    CHECK(temporary.code == cli::Failure);
    CHECK(temporary.err.contains(temporaryRefusal(QStringLiteral("clara"))));
    changeOwnPassword(QStringLiteral("clara"), claraPw, t.url());
    CHECK(as(QStringLiteral("clara"), claraPw, t.url(), {QStringLiteral("info")}).code == cli::Success);
}

TEST_CASE("cabas-cli audit verify names the first broken record", "[cli][audit]")
{
    TempDatabase t(store::Backend::Sqlite);
    t.createInitialised().reset();
    QTemporaryDir dir;
    const QString adminPw = passwordFile(dir, TempDatabase::kAdminPassword);
    for (int i = 0; i < 3; ++i)
        REQUIRE(as(QStringLiteral("admin"), adminPw, t.url(), {QStringLiteral("info")}).code == cli::Success);
    t.rawExec(QStringLiteral("DROP TRIGGER audit_log_no_update"));
    t.rawExec(QStringLiteral("UPDATE audit_log SET record_ref = 'someone-else' WHERE seq = 3"));
    Run verify =
        as(QStringLiteral("admin"), adminPw, t.url(), {QStringLiteral("audit"), QStringLiteral("verify")});
    CHECK(verify.code == cli::Failure);
    CHECK(verify.err.contains(QStringLiteral(" 3 ")));
}

TEST_CASE("cabas-cli import persons: dry run, import, twice, errors", "[cli][import]")
{
    TempDatabase t(store::Backend::Sqlite);
    t.createInitialised().reset();
    QTemporaryDir dir;
    const QString adminPw = passwordFile(dir, TempDatabase::kAdminPassword);
    const QString swPw = dir.filePath(QStringLiteral("sw"));
    test::writeFile(swPw, "Social-Worker-2026\n");
    REQUIRE(
        as(QStringLiteral("admin"), adminPw, t.url(),
           {QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("amelie"), QStringLiteral("--role"),
            QStringLiteral("social_worker"), QStringLiteral("--password-file"), swPw})
            .code == cli::Success);
    changeOwnPassword(QStringLiteral("amelie"), swPw, t.url());
    const QString sample = QStringLiteral(CABAS_SAMPLES_DIR "/persons.csv");
    Run dry = as(QStringLiteral("amelie"), swPw, t.url(),
                 {QStringLiteral("import"), QStringLiteral("persons"), sample, QStringLiteral("--dry-run")});
    INFO(dry.err.toStdString());
    REQUIRE(dry.code == cli::Success);
    CHECK(store::HouseholdRepository(*t.open()).count() == 0);
    CHECK(as(QStringLiteral("amelie"), swPw, t.url(),
             {QStringLiteral("import"), QStringLiteral("persons"), sample})
              .code == cli::Success);
    CHECK(store::HouseholdRepository(*t.open()).count() == 6);
    CHECK(as(QStringLiteral("amelie"), swPw, t.url(),
             {QStringLiteral("import"), QStringLiteral("persons"), sample})
              .code == cli::Success);
    CHECK(store::HouseholdRepository(*t.open()).count() == 6);

    const QString bad = dir.filePath(QStringLiteral("bad.csv"));
    test::writeFile(bad,
                    "household_code;enrolled_on;commune;postcode;card_id;person_code;first_name;last_name;"
                    "birth_date;sex;role\nMMG-0100;2024-06-31;Auch;32000;;P-0100;A;B;1990-01-01;F;adult\n");
    Run refused = as(QStringLiteral("amelie"), swPw, t.url(),
                     {QStringLiteral("import"), QStringLiteral("persons"), bad});
    CHECK(refused.code == cli::Failure);
    CHECK(refused.err.contains(QStringLiteral("bad.csv:2: enrolled_on")));
    CHECK(store::HouseholdRepository(*t.open()).count() == 6);
    CHECK(as(QStringLiteral("admin"), adminPw, t.url(),
             {QStringLiteral("import"), QStringLiteral("persons"), sample})
              .code == cli::Failure);
}

TEST_CASE("cabas-cli health worklist is for nurses", "[cli][health]")
{
    TempDatabase t(store::Backend::Sqlite);
    t.createInitialised().reset();
    QTemporaryDir dir;
    const QString adminPw = passwordFile(dir, TempDatabase::kAdminPassword);
    REQUIRE(as(QStringLiteral("admin"), adminPw, t.url(),
               {QStringLiteral("demo"), QStringLiteral("--households"), QStringLiteral("20")})
                .code == cli::Success);
    const QString staffPw = dir.filePath(QStringLiteral("staff"));
    test::writeFile(staffPw, QByteArray(DemoGenerator::kDemoStaffPassword) + '\n');
    Run list = as(QStringLiteral("claire.dupuis"), staffPw, t.url(),
                  {QStringLiteral("health"), QStringLiteral("worklist"), QStringLiteral("--format"),
                   QStringLiteral("json")});
    INFO(list.err.toStdString());
    REQUIRE(list.code == cli::Success);
    const QJsonArray items = QJsonDocument::fromJson(list.out.toUtf8()).array();
    CHECK_FALSE(items.isEmpty());
    CHECK(items.first().toObject().contains(QStringLiteral("window_end")));
    CHECK(as(QStringLiteral("amelie.roux"), staffPw, t.url(),
             {QStringLiteral("health"), QStringLiteral("worklist")})
              .code == cli::Failure);
    CHECK(as(QStringLiteral("claire.dupuis"), staffPw, t.url(),
             {QStringLiteral("health"), QStringLiteral("worklist"), QStringLiteral("--status"),
              QStringLiteral("late")})
              .code == cli::UsageError);
}

TEST_CASE("cabas-cli backup then restore into a new database", "[cli][backup]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    QTemporaryDir dir;
    const QString pw = passwordFile(dir);
    REQUIRE(
        runCli({QStringLiteral("init"), QStringLiteral("--clear"), QStringLiteral("--db"), t.url(),
                QStringLiteral("--admin"), QStringLiteral("admin"), QStringLiteral("--password-file"), pw})
            .code == cli::Success);
    const QStringList as = {QStringLiteral("--db"),
                            t.url(),
                            QStringLiteral("--user"),
                            QStringLiteral("admin"),
                            QStringLiteral("--password-file"),
                            pw};
    REQUIRE(
        runCli(as + QStringList{QStringLiteral("demo"), QStringLiteral("--households"), QStringLiteral("12")})
            .code == cli::Success);

    const QString file = dir.filePath(QStringLiteral("programme.backup"));
    Run backup = runCli(as + QStringList{QStringLiteral("backup"), file});
    INFO(backup.err.toStdString());
    REQUIRE(backup.code == cli::Success);
    CHECK(QFileInfo::exists(file));
    // Never over an existing file.
    Run twice = runCli(as + QStringList{QStringLiteral("backup"), file});
    CHECK(twice.code == cli::Failure);
    CHECK(twice.err.contains(file));
    // No file name: a usage error.
    CHECK(runCli(as + QStringList{QStringLiteral("backup")}).code == cli::UsageError);

    TempDatabase target(backend);
    Run restore =
        runCli({QStringLiteral("--user"), QStringLiteral("admin"), QStringLiteral("--password-file"), pw,
                QStringLiteral("restore"), file, QStringLiteral("--to"), target.url()});
    INFO(restore.err.toStdString());
    REQUIRE(restore.code == cli::Success);
    Run info = runCli({QStringLiteral("--db"), target.url(), QStringLiteral("--user"),
                       QStringLiteral("admin"), QStringLiteral("--password-file"), pw, QStringLiteral("info"),
                       QStringLiteral("--format"), QStringLiteral("json")});
    REQUIRE(info.code == cli::Success);
    CHECK(QJsonDocument::fromJson(info.out.toUtf8()).object().value(QStringLiteral("households")).toInt() ==
          12);
    // Restoring again into the now full database is refused.
    CHECK(runCli({QStringLiteral("--user"), QStringLiteral("admin"), QStringLiteral("--password-file"), pw,
                  QStringLiteral("restore"), file, QStringLiteral("--to"), target.url()})
              .code == cli::Failure);
}

TEST_CASE("cabas-cli --user logs a member of staff in through their PostgreSQL login without reading hashes",
          "[cli][postgresql][roles][auth]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    if (backend != store::Backend::Postgres)
        return;
    TempDatabase t(backend);
    QTemporaryDir dir;
    const QString pw = passwordFile(dir);
    REQUIRE(
        runCli({QStringLiteral("init"), QStringLiteral("--clear"), QStringLiteral("--db"), t.url(),
                QStringLiteral("--admin"), QStringLiteral("admin"), QStringLiteral("--password-file"), pw})
            .code == cli::Success);
    const QString prefix = QStringLiteral("c") + t.spec().databaseName.right(20);
    const QString login = prefix + QStringLiteral("_anne");
    struct Cleanup
    {
        const TempDatabase& t;
        QStringList roles;
        ~Cleanup()
        {
            for (const QString& r : roles) {
                try {
                    if (t.rawValue(
                             QStringLiteral("SELECT count(*) FROM pg_roles WHERE rolname = '%1'").arg(r))
                            .toInt() == 0)
                        continue;
                    t.rawExec(QStringLiteral("DROP OWNED BY %1").arg(r));
                    t.rawExec(QStringLiteral("DROP ROLE IF EXISTS %1").arg(r));
                } catch (const std::exception& e) {
                    qWarning("cleanup: %s", e.what());
                }
            }
        }
    } cleanup{t, {login}};
    for (const char* role : {"social_worker", "nurse", "coordinator", "admin"})
        cleanup.roles << prefix + QLatin1Char('_') + QLatin1String(role);

    QTemporaryDir anneDir;
    const QString annePw = passwordFile(anneDir, "Password-of-anne");
    const QStringList asAdmin = {QStringLiteral("--db"),
                                 t.url(),
                                 QStringLiteral("--user"),
                                 QStringLiteral("admin"),
                                 QStringLiteral("--password-file"),
                                 pw};
    REQUIRE(
        runCli(asAdmin + QStringList{QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("anne"),
                                     QStringLiteral("--role"), QStringLiteral("social_worker"),
                                     QStringLiteral("--password-file"), annePw})
            .code == cli::Success);
    Run roles = runCli(asAdmin + QStringList{QStringLiteral("pg"), QStringLiteral("roles"),
                                             QStringLiteral("--prefix"), prefix});
    INFO(roles.err.toStdString());
    REQUIRE(roles.code == cli::Success);
    t.rawExec(QStringLiteral("CREATE ROLE %1 LOGIN PASSWORD 'anne-db-pw' IN ROLE %2_social_worker")
                  .arg(login, prefix));
    const QString anneUrl = QStringLiteral("postgresql://%1:anne-db-pw@%2:%3/%4")
                                .arg(login, t.spec().host)
                                .arg(t.spec().port)
                                .arg(t.spec().databaseName);
    const QStringList asAnne = {QStringLiteral("--db"),
                                anneUrl,
                                QStringLiteral("--user"),
                                QStringLiteral("anne"),
                                QStringLiteral("--password-file"),
                                annePw};

    // The password the administrator chose is temporary: refused until anne changes it (below, on the
    // server).
    Run info = runCli(asAnne + QStringList{QStringLiteral("info")});
    CHECK(info.code == cli::Failure);
    CHECK(info.err.contains(temporaryRefusal(QStringLiteral("anne"))));

    // A wrong password and an unknown login: the same answer.
    QTemporaryDir wrongDir;
    const QString wrongPw = passwordFile(wrongDir, "Not-the-password-1");
    Run wrong = runCli({QStringLiteral("--db"), anneUrl, QStringLiteral("--user"), QStringLiteral("anne"),
                        QStringLiteral("--password-file"), wrongPw, QStringLiteral("info")});
    Run unknown = runCli({QStringLiteral("--db"), anneUrl, QStringLiteral("--user"), QStringLiteral("nobody"),
                          QStringLiteral("--password-file"), wrongPw, QStringLiteral("info")});
    CHECK(wrong.code == cli::Failure);
    CHECK(wrong.err.contains(security::Authenticator::tr("Wrong login or password.")));
    CHECK(unknown.code == wrong.code);
    CHECK(unknown.err == wrong.err);

    // One's own password, checked on the server with the one given to log in.
    QTemporaryDir newDir;
    const QString newPw = passwordFile(newDir, "New-password-of-anne");
    Run passwd =
        runCli(asAnne + QStringList{QStringLiteral("user"), QStringLiteral("passwd"), QStringLiteral("anne"),
                                    QStringLiteral("--password-file"), newPw});
    INFO(passwd.err.toStdString());
    CHECK(passwd.code == cli::Success);
    CHECK(runCli(asAnne + QStringList{QStringLiteral("info")}).code == cli::Failure);
    Run changed = runCli({QStringLiteral("--db"), anneUrl, QStringLiteral("--user"), QStringLiteral("anne"),
                          QStringLiteral("--password-file"), newPw, QStringLiteral("info")});
    INFO(changed.err.toStdString());
    CHECK(changed.code == cli::Success); // her own password now: no longer temporary

    // Roles older than this Cabas: the staff login is told what to do, the owner still works.
    t.rawExec(QStringLiteral("UPDATE cabas_meta SET value = 'v1-0' WHERE key = 'pg_role_stamp'"));
    Run stale = runCli({QStringLiteral("--db"), anneUrl, QStringLiteral("--user"), QStringLiteral("anne"),
                        QStringLiteral("--password-file"), newPw, QStringLiteral("info")});
    CHECK(stale.code == cli::Failure);
    CHECK(stale.err.contains(QString::fromUtf8(store::PgRoles::outOfDate().what())));
    CHECK(runCli(asAdmin + QStringList{QStringLiteral("pg"), QStringLiteral("roles"),
                                       QStringLiteral("--prefix"), prefix})
              .code == cli::Success);
    CHECK(runCli({QStringLiteral("--db"), anneUrl, QStringLiteral("--user"), QStringLiteral("anne"),
                  QStringLiteral("--password-file"), newPw, QStringLiteral("info")})
              .code == cli::Success);
}
