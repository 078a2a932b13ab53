#include <catch2/catch.hpp>

#include "TestPaths.h"
#include "UiTestUtil.h"
#include "households/PersonsImportDialog.h"
#include "store/HouseholdRepository.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QTableWidget>
#include <QTemporaryDir>

using namespace cabas;
using test::child;

namespace {
const QByteArray kHeader =
    "household_code;enrolled_on;commune;postcode;card_id;person_code;first_name;last_name;"
    "birth_date;sex;role\n";
}

TEST_CASE(
    "ui: the persons.csv import previews the file, lists located errors and writes nothing until it is right",
    "[ui][households][import][screenshot]")
{
    test::ScopedClock clock(QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC));
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = test::initialisedDatabase(temp);
    const Session sw = test::addUserAndLogin(*db, QStringLiteral("amelie.roux"),
                                             QStringLiteral("Amélie Roux"), Role::SocialWorker);
    QTemporaryDir dir;
    ui::PersonsImportDialog dialog(*db, sw);
    dialog.show();
    auto* errors = child<QListWidget>(&dialog, "importErrorList");
    auto* import = child<QPushButton>(&dialog, "importButton");

    struct Broken
    {
        const char* what;
        QByteArray content;
        QString located; // a place the errors must name
    };
    const Broken broken[] = {
        {"wrong separator",
         QByteArray(kHeader).replace(';', '|') +
             "MMG-0100|2024-06-03|Auch|32000|C-1|P-0100|A|B|1990-01-01|F|adult\n",
         QStringLiteral("broken.csv")},
        {"missing column",
         "household_code;enrolled_on;commune;postcode;card_id;person_code;first_name;birth_date;"
         "sex;role\nMMG-0100;2024-06-03;Auch;32000;C-1;P-0100;A;1990-01-01;F;adult\n",
         QStringLiteral("broken.csv")},
        {"bad date", kHeader + "MMG-0100;2024-06-31;Auch;32000;C-1;P-0100;A;B;1990-01-01;F;adult\n",
         QStringLiteral("broken.csv:2")},
        {"duplicate code",
         kHeader + "MMG-0100;2024-06-03;Auch;32000;C-1;P-0100;A;B;1990-01-01;F;adult\n"
                   "MMG-0100;2024-06-03;Auch;32000;C-1;P-0100;C;D;1991-01-01;M;adult\n",
         QStringLiteral("broken.csv:3")},
        {"household rows disagree",
         kHeader + "MMG-0100;2024-06-03;Auch;32000;C-1;P-0100;A;B;1990-01-01;F;adult\n"
                   "MMG-0100;2024-06-03;Condom;32100;C-1;P-0101;C;B;1991-01-01;M;adult\n",
         QStringLiteral("broken.csv:3")},
    };
    for (const Broken& b : broken) {
        INFO(b.what);
        const QString path = dir.filePath(QStringLiteral("broken.csv"));
        test::writeFile(path, b.content);
        CHECK_FALSE(dialog.setFile(path));
        REQUIRE(errors->count() > 0);
        QStringList all;
        for (int i = 0; i < errors->count(); ++i)
            all << errors->item(i)->text();
        INFO(all.join(QLatin1Char('\n')).toStdString());
        CHECK(all.join(QLatin1Char('\n')).contains(b.located));
        CHECK_FALSE(import->isEnabled());
        CHECK_FALSE(dialog.runImport());
        CHECK(store::HouseholdRepository(*db).count() == 0);
    }
    test::screenshotIfAsked(&dialog, QStringLiteral("persons-import-errors"));

    const QString sample = QStringLiteral(CABAS_SAMPLES_DIR "/persons.csv");
    REQUIRE(dialog.setFile(sample));
    CHECK(errors->count() == 0);
    CHECK(child<QTableWidget>(&dialog, "importPreviewTable")->rowCount() == 15);
    CHECK(import->isEnabled());
    REQUIRE(dialog.runImport());
    CHECK(store::HouseholdRepository(*db).count() == 6);
    CHECK_FALSE(import->isEnabled());
    // The same file again changes nothing.
    REQUIRE(dialog.setFile(sample));
    CHECK(dialog.report().householdsNew == 0);
    CHECK(dialog.report().personsNew == 0);
    REQUIRE(dialog.runImport());
    CHECK(store::HouseholdRepository(*db).count() == 6);
}
