#include "cli/Cli.h"
#include "services/HouseholdService.h"
#include "store/HouseholdRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
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

// MMG-0001 with P-00001 (health follow-up consent from 4 June 2024) and P-00002 (none); users claire (nurse)
// and anne (social worker).
struct Fixture
{
    TempDatabase t;
    QTemporaryDir dir;
    QString nursePw;
    QString socialWorkerPw;

    explicit Fixture(store::Backend backend) : t(backend)
    {
        auto db = t.createInitialised();
        const Session sw = test::sessionFor(*db, Role::SocialWorker, QStringLiteral("anne"));
        test::sessionFor(*db, Role::Nurse, QStringLiteral("claire"));
        HouseholdService households(*db, sw);
        Household h;
        h.code = QStringLiteral("MMG-0001");
        h.status = HouseholdStatus::Enrolled;
        h.enrolledOn = QDate(2024, 6, 4);
        households.create(h);
        for (const char* code : {"P-00001", "P-00002"}) {
            Person p;
            p.householdId = h.id;
            p.code = QString::fromLatin1(code);
            p.firstName = QStringLiteral("Jean");
            p.lastName = QStringLiteral("Nguyen");
            p.birthDate = QDate(1980, 4, 13);
            households.addPerson(p);
            if (p.code == QLatin1String("P-00001")) {
                Consent c;
                c.personId = p.id;
                c.purpose = ConsentPurpose::HealthFollowup;
                c.effectiveOn = QDate(2024, 6, 4);
                households.recordConsent(c);
            }
        }
        db.reset();
        nursePw = dir.filePath(QStringLiteral("claire"));
        test::writeFile(nursePw, "Password-of-claire\n");
        socialWorkerPw = dir.filePath(QStringLiteral("anne"));
        test::writeFile(socialWorkerPw, "Password-of-anne\n");
    }

    Run as(const QString& login, const QString& pw, const QStringList& args) const
    {
        Run r;
        QTextStream out(&r.out);
        QTextStream err(&r.err);
        QProcessEnvironment e;
        e.insert(QStringLiteral("CABAS_NO_PROMPT"), QStringLiteral("1"));
        r.code = cli::run(QStringList{QStringLiteral("--db"), t.url(), QStringLiteral("--user"), login,
                                      QStringLiteral("--password-file"), pw} +
                              args,
                          out, err, e);
        out.flush();
        err.flush();
        return r;
    }
    Run nurse(const QStringList& args) const { return as(QStringLiteral("claire"), nursePw, args); }
    Run socialWorker(const QStringList& args) const
    {
        return as(QStringLiteral("anne"), socialWorkerPw, args);
    }
    int rows(const char* table) const
    {
        return t.rawValue(QStringLiteral("SELECT COUNT(*) FROM %1").arg(QLatin1String(table))).toInt();
    }
};

QStringList args(std::initializer_list<const char*> list)
{
    QStringList out;
    for (const char* a : list)
        out << QString::fromUtf8(a);
    return out;
}
} // namespace

TEST_CASE("cabas-cli prevention and support: add, list, consent and role gating", "[cli][health]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 1), QTime(9, 0), Qt::UTC));
    Fixture f(backend);

    Run r = f.nurse(args({"prevention", "add", "P-00001", "--date", "2024-07-02", "--type", "dental",
                          "--partner", "MSA", "--outcome", "RDV pris", "--next-due", "2025-01-15"}));
    INFO(r.err.toStdString());
    REQUIRE(r.code == cli::Success);
    CHECK(f.rows("prevention_step") == 1);

    // Usage errors change nothing.
    CHECK(f.nurse(args({"prevention", "add", "P-00001", "--date", "2024-07-02", "--type", "surgery"})).code ==
          cli::UsageError);
    CHECK(f.nurse(args({"prevention", "add", "P-00001", "--date", "02.07.2024", "--type", "dental"})).code ==
          cli::UsageError);
    // No consent for P-00002: refused, located on the person.
    r = f.nurse(args({"prevention", "add", "P-00002", "--date", "2024-07-02", "--type", "vaccination"}));
    CHECK(r.code == cli::Failure);
    CHECK(r.err.contains(QStringLiteral("P-00002")));
    // The next step before this one: refused with the field named.
    r = f.nurse(args({"prevention", "add", "P-00001", "--date", "2024-07-02", "--type", "dental",
                      "--next-due", "2024-07-01"}));
    CHECK(r.code == cli::Failure);
    CHECK(r.err.contains(QStringLiteral("next_due")));
    CHECK(f.rows("prevention_step") == 1);

    r = f.nurse(args({"prevention", "list", "P-00001", "--format", "json"}));
    REQUIRE(r.code == cli::Success);
    const QJsonArray steps = QJsonDocument::fromJson(r.out.toUtf8()).array();
    REQUIRE(steps.size() == 1);
    CHECK(steps[0].toObject()[QStringLiteral("type")].toString() == QStringLiteral("dental"));
    CHECK(steps[0].toObject()[QStringLiteral("partner")].toString() == QStringLiteral("MSA"));
    CHECK(steps[0].toObject()[QStringLiteral("next_due")].toString() == QStringLiteral("2025-01-15"));

    REQUIRE(f.nurse(args({"support", "add", "--household", "MMG-0001", "--date", "2024-09-01", "--topic",
                          "Budget alimentaire"}))
                .code == cli::Success);
    REQUIRE(f.nurse(args({"support", "add", "P-00001", "--date", "2024-10-01", "--topic", "Menus"})).code ==
            cli::Success);
    CHECK(f.nurse(args({"support", "add", "P-00001", "--date", "2024-10-01"})).code == cli::UsageError);
    CHECK(f.nurse(args({"support", "add", "--date", "2024-10-01", "--topic", "x"})).code == cli::UsageError);
    r = f.nurse(args({"support", "list", "P-00001", "--format", "csv"}));
    REQUIRE(r.code == cli::Success);
    const QStringList lines = r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] == QStringLiteral("date;with;topic;notes"));
    CHECK(lines[1].startsWith(QStringLiteral("2024-09-01;household;Budget alimentaire")));
    CHECK(lines[2].startsWith(QStringLiteral("2024-10-01;person;Menus")));

    // A social worker is refused, and nothing is written.
    for (const QStringList& command :
         {args({"prevention", "list", "P-00001"}),
          args({"prevention", "add", "P-00001", "--date", "2024-07-03", "--type", "dental"}),
          args({"support", "list", "P-00001"}),
          args({"support", "add", "P-00001", "--date", "2024-10-02", "--topic", "x"})}) {
        INFO(command.join(QLatin1Char(' ')).toStdString());
        r = f.socialWorker(command);
        CHECK(r.code == cli::Failure);
        CHECK(r.err.contains(QStringLiteral("Accès refusé")));
        CHECK(r.out.isEmpty());
    }
    CHECK(f.rows("prevention_step") == 1);
    CHECK(f.rows("support_session") == 2);
}
