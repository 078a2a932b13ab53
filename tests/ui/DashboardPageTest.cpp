#include <catch2/catch.hpp>

#include "MainWindow.h"
#include "UiTestUtil.h"
#include "cohort/CohortService.h"
#include "cohort/DashboardPage.h"
#include "services/HouseholdService.h"
#include "store/LedgerRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"

#include <QAbstractItemModelTester>
#include <QChartView>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QProcess>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>

using namespace cabas;
using cabas::test::child;

namespace {
// 24 households in Auch and Condom enrolled in June 2024; each gets its monthly allowance and spends at an
// organic shop and at a supermarket every month from June to November; today is 10 December 2024.
struct DashboardFixture
{
    test::ScopedClock clock{QDateTime(QDate(2024, 12, 10), QTime(9, 0), Qt::UTC)};
    test::TempDatabase temp{store::Backend::Sqlite};
    std::unique_ptr<store::Database> db = test::initialisedDatabase(temp);
    Session socialWorker = test::sessionFor(*db, Role::SocialWorker);
    Session coordinator = test::sessionFor(*db, Role::Coordinator);

    DashboardFixture()
    {
        HouseholdService households(*db, socialWorker);
        EntryPage page;
        int n = 0;
        for (int i = 1; i <= 24; ++i) {
            Household h;
            h.code = QStringLiteral("MMG-%1").arg(i, 4, 10, QLatin1Char('0'));
            h.commune = i % 3 == 0 ? QStringLiteral("Condom") : QStringLiteral("Auch");
            h.status = HouseholdStatus::Enrolled;
            h.enrolledOn = QDate(2024, 6, 1);
            households.create(h);
            Person p;
            p.householdId = h.id;
            p.code = QStringLiteral("P-%1").arg(i, 5, 10, QLatin1Char('0'));
            p.firstName = QStringLiteral("Prénom");
            p.lastName = QStringLiteral("Nom");
            p.birthDate = QDate(1980, 1, 1);
            households.addPerson(p);
            for (int month = 6; month <= 11; ++month) {
                auto add = [&](const QString& kind, qint64 cents, const QString& merchant, bool sustainable,
                               const QString& category) {
                    LedgerEntry e;
                    e.id = QStringLiteral("e-%1").arg(++n);
                    e.revision = 1;
                    e.card = QStringLiteral("C-%1").arg(i);
                    e.account = h.code;
                    e.kind = kind;
                    e.status = QStringLiteral("posted");
                    e.amountCents = cents;
                    e.currency = QStringLiteral("EUR");
                    e.occurredAt = QDateTime(QDate(2024, month, 2 + i % 20), QTime(10, 0), Qt::UTC);
                    if (!merchant.isEmpty())
                        e.merchant = FeedMerchant{merchant, merchant, category, sustainable};
                    page.entries.push_back(e);
                };
                add(QStringLiteral("allowance"), 4000, QString(), false, QString());
                add(QStringLiteral("purchase"), -(1500 + 100 * (i % 7) + 150 * (month - 6)),
                    QStringLiteral("M-BIO"), true, QStringLiteral("organic_shop"));
                add(QStringLiteral("purchase"), -(1200 + 50 * (i % 5)), QStringLiteral("M-SUP"), false,
                    QStringLiteral("supermarket"));
                add(QStringLiteral("bonus"), 500 + 50 * (month - 6), QString(), false, QString());
            }
        }
        store::LedgerRepository(*db).applyEntryPage(page);
    }
};

QString tileText(const QWidget* page, const char* key)
{
    return child<QLabel>(page, (std::string("tileValue_") + key).c_str())->text();
}
} // namespace

TEST_CASE("ui: the cohort dashboard shows tiles, charts and the households behind a figure",
          "[ui][cohort][screenshot]")
{
    DashboardFixture f;
    ui::DashboardPage page;
    page.resize(1400, 900);
    page.load(f.db.get(), f.coordinator);
    page.setPeriod(QDate(2024, 6, 1), QDate(2024, 11, 30));
    REQUIRE(page.compute());
    CHECK(tileText(&page, "households_enrolled") == QLocale().toString(24));
    CHECK(tileText(&page, "cards_used_pct").contains(QStringLiteral("100")));
    CHECK_FALSE(tileText(&page, "spent_cents").contains(QStringLiteral("—")));
    CHECK(child<QChartView>(&page, "chartSpending")->chart()->series().size() == 2);
    CHECK_FALSE(child<QChartView>(&page, "chartAllowance")->chart()->series().isEmpty());

    // Internal mode: a figure lists its households.
    auto* households = child<QTableWidget>(&page, "cohortHouseholds");
    QAbstractItemModelTester tester(households->model(),
                                    QAbstractItemModelTester::FailureReportingMode::Warning);
    REQUIRE(page.showHouseholdsBehind(QStringLiteral("cards_used_pct")));
    CHECK(households->rowCount() == 24);
    page.setCommune(QStringLiteral("Condom"));
    REQUIRE(page.compute());
    CHECK(tileText(&page, "households_enrolled") == QLocale().toString(8));
    page.setCommune(QString());
    REQUIRE(page.compute());
    page.show();
    test::screenshotIfAsked(&page, QStringLiteral("cohort-dashboard"));

    // Public mode: 8 households in Condom are under the threshold of 11: hidden, and no list.
    page.setDisclosure(Disclosure::Public);
    page.setCommune(QStringLiteral("Condom"));
    REQUIRE(page.compute());
    CHECK(tileText(&page, "households_enrolled") == QStringLiteral("—"));
    CHECK_FALSE(child<QLabel>(&page, "cohortSuppressed")->text().isEmpty());
    CHECK_FALSE(page.showHouseholdsBehind(QStringLiteral("households_enrolled")));
}

TEST_CASE("ui: the cohort PDF report renders, and the exports are audited", "[ui][cohort][screenshot]")
{
    DashboardFixture f;
    ui::DashboardPage page;
    page.load(f.db.get(), f.coordinator);
    page.setPeriod(QDate(2024, 6, 1), QDate(2024, 11, 30));
    QTemporaryDir dir;
    const QString pdf = dir.filePath(QStringLiteral("cohort.pdf"));
    REQUIRE(page.exportTo(QStringLiteral("pdf"), pdf));
    QFile file(pdf);
    REQUIRE(file.open(QIODevice::ReadOnly));
    CHECK(file.read(5) == "%PDF-");
    CHECK(test::hasAuditRecord(*f.db, QStringLiteral("coordinator"), QStringLiteral("export"),
                               QStringLiteral("cohort"), QStringLiteral("ok")));

    const QString pdftoppm = QStandardPaths::findExecutable(QStringLiteral("pdftoppm"));
    if (pdftoppm.isEmpty())
        FAIL("pdftoppm is not installed (packaging/install-deps.sh installs poppler-utils)");
    QProcess p;
    p.start(pdftoppm, {QStringLiteral("-png"), QStringLiteral("-r"), QStringLiteral("60"), pdf,
                       dir.filePath(QStringLiteral("page"))});
    REQUIRE(p.waitForFinished(60000));
    REQUIRE(p.exitCode() == 0);
    const QStringList pages =
        QDir(dir.path()).entryList({QStringLiteral("page*.png")}, QDir::Files, QDir::Name);
    REQUIRE(pages.size() >= 3); // tiles, charts, definitions
    QImage charts(dir.filePath(pages[1]));
    REQUIRE_FALSE(charts.isNull());
    // The charts page is not blank: some pixels are far from white.
    int coloured = 0;
    for (int y = 0; y < charts.height(); y += 4)
        for (int x = 0; x < charts.width(); x += 4)
            if (qGray(charts.pixel(x, y)) < 200)
                ++coloured;
    CHECK(coloured > 100);
    const QString shots = qEnvironmentVariable("CABAS_SCREENSHOT_DIR");
    if (!shots.isEmpty()) {
        QProcess big;
        big.start(pdftoppm, {QStringLiteral("-png"), QStringLiteral("-r"), QStringLiteral("110"),
                             QStringLiteral("-f"), QStringLiteral("2"), QStringLiteral("-l"),
                             QStringLiteral("2"), QStringLiteral("-singlefile"), pdf,
                             QDir(shots).filePath(QStringLiteral("cohort-report"))});
        big.waitForFinished(60000);
    }

    const QString xlsx = dir.filePath(QStringLiteral("cohort.xlsx"));
    CHECK(page.exportTo(QStringLiteral("xlsx"), xlsx));
    CHECK(QFile(xlsx).size() > 1000);
    const QString dataset = dir.filePath(QStringLiteral("dataset.csv"));
    CHECK(page.exportTo(QStringLiteral("dataset"), dataset));
    CHECK(child<QLabel>(&page, "cohortExportNote")->isHidden()); // a clear database: nothing withheld
}

TEST_CASE("ui: on an encrypted database, the evaluators' dataset says which clinical columns it leaves empty",
          "[ui][cohort][sealed]")
{
    test::ScopedClock clock{QDateTime(QDate(2024, 12, 10), QTime(9, 0), Qt::UTC)};
    test::TempDatabase temp{store::Backend::Sqlite};
    auto db = temp.createSealed();
    test::sessionFor(*db, Role::Coordinator);
    test::sessionFor(*db, Role::Nurse); // makes the cohort key and grants it to the coordinator
    const Session coordinator = test::sessionFor(*db, Role::Coordinator);
    ui::DashboardPage page;
    page.resize(1400, 900);
    page.load(db.get(), coordinator);
    page.setPeriod(QDate(2024, 6, 1), QDate(2024, 11, 30));
    REQUIRE(page.compute());
    QTemporaryDir dir;
    REQUIRE(page.exportTo(QStringLiteral("dataset"), dir.filePath(QStringLiteral("dataset.csv"))));
    auto* note = child<QLabel>(&page, "cohortExportNote");
    CHECK_FALSE(note->isHidden());
    CHECK(note->text().startsWith(
        CohortService::tr("Left empty: %1. This database keeps the clinical measures "
                          "encrypted for the nurses only; the BMI and the questionnaire "
                          "answers are filled.")
            .section(QStringLiteral("%1"), 0, 0)));
    CHECK(note->text().contains(QStringLiteral("weight_kg")));
    page.show();
    test::screenshotIfAsked(&page, QStringLiteral("cohort-dataset-withheld"));
}

TEST_CASE("ui: the cohort section in the main window, internal figures for a social worker",
          "[ui][cohort][mainwindow]")
{
    DashboardFixture f;
    ui::DashboardPage page;
    REQUIRE_NOTHROW(page.load(f.db.get(), f.socialWorker));
    CHECK_FALSE(child<QComboBox>(&page, "cohortDisclosure")->isEnabled());
    page.setDisclosure(Disclosure::Public);
    // The control is disabled, but even forced the core refuses public figures to a social worker.
    CHECK_FALSE(page.compute());
    CHECK(child<QLabel>(&page, "cohortError")->isVisibleTo(&page));
}
