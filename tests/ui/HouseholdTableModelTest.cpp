#include <catch2/catch.hpp>

#include "HouseholdTableModel.h"
#include "UiTestUtil.h"
#include "common/Error.h"
#include "store/HouseholdRepository.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QAbstractItemModelTester>
#include <QLocale>

using namespace cabas;

namespace {
Household makeHousehold(const QString& code, const QString& commune, HouseholdStatus status,
                        const QDate& enrolled)
{
    Household h;
    h.code = code;
    h.address = QStringLiteral("1 rue de la Gare");
    h.commune = commune;
    h.postcode = QStringLiteral("32000");
    h.status = status;
    h.enrolledOn = enrolled;
    return h;
}
} // namespace

TEST_CASE("ui: the households table lists the stored households", "[ui][models]")
{
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = temp.createInitialised();

    ui::HouseholdTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    CHECK(model.rowCount() == 0);
    CHECK(model.columnCount() == ui::HouseholdTableModel::ColumnCount);

    const Session admin = test::adminSession(*db);
    model.setSource(db.get(), admin);
    CHECK(model.rowCount() == 0);

    store::HouseholdRepository repo(*db);
    Household b = makeHousehold(QStringLiteral("MMG-0002"), QStringLiteral("Auch"), HouseholdStatus::Enrolled,
                                QDate(2024, 6, 3));
    Household a = makeHousehold(QStringLiteral("MMG-0001"), QStringLiteral("Condom"),
                                HouseholdStatus::Candidate, QDate());
    repo.insert(b);
    repo.insert(a);
    model.reload();

    REQUIRE(model.rowCount() == 2);
    using M = ui::HouseholdTableModel;
    // Ordered by code.
    CHECK(model.index(0, M::CodeColumn).data().toString() == QStringLiteral("MMG-0001"));
    CHECK(model.index(0, M::AddressColumn).data().toString() == QStringLiteral("1 rue de la Gare"));
    CHECK(model.index(0, M::CommuneColumn).data().toString() == QStringLiteral("Condom (32000)"));
    CHECK(model.index(0, M::StatusColumn).data().toString() == displayName(HouseholdStatus::Candidate));
    CHECK(model.index(0, M::EnrolledOnColumn).data().toString().isEmpty());
    CHECK(model.index(1, M::CodeColumn).data().toString() == QStringLiteral("MMG-0002"));
    CHECK(model.index(1, M::StatusColumn).data().toString() == displayName(HouseholdStatus::Enrolled));
    CHECK(model.index(1, M::EnrolledOnColumn).data().toString() ==
          QLocale().toString(QDate(2024, 6, 3), QLocale::ShortFormat));
    CHECK(model.index(1, M::EnrolledOnColumn).data(M::SortRole).toDate() == QDate(2024, 6, 3));
    CHECK(model.index(1, M::CodeColumn).data(M::IdRole).toLongLong() == b.id);
    CHECK(model.household(1).id == b.id);

    for (int c = 0; c < M::ColumnCount; ++c)
        CHECK_FALSE(model.headerData(c, Qt::Horizontal).toString().isEmpty());
    CHECK_FALSE(model.index(0, 0).flags().testFlag(Qt::ItemIsEditable));

    model.setSource(nullptr, std::nullopt);
    CHECK(model.rowCount() == 0);
}

TEST_CASE("ui: the households table lists through the core as the session's user", "[ui][models]")
{
    test::TempDatabase temp(store::Backend::Sqlite);
    auto db = temp.createInitialised();
    Household h = makeHousehold(QStringLiteral("MMG-0001"), QStringLiteral("Auch"), HouseholdStatus::Enrolled,
                                QDate(2024, 6, 3));
    store::HouseholdRepository(*db).insert(h);

    ui::HouseholdTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    using M = ui::HouseholdTableModel;

    // Coordinators get the codes without the addresses (the core masks them).
    model.setSource(db.get(), test::sessionFor(*db, Role::Coordinator));
    REQUIRE(model.rowCount() == 1);
    CHECK(model.index(0, M::CodeColumn).data().toString() == QStringLiteral("MMG-0001"));
    CHECK(model.index(0, M::AddressColumn).data().toString().isEmpty());
    CHECK(model.household(0).address.isEmpty());

    model.setSource(db.get(), test::sessionFor(*db, Role::SocialWorker));
    REQUIRE(model.rowCount() == 1);
    CHECK(model.index(0, M::AddressColumn).data().toString() == QStringLiteral("1 rue de la Gare"));

    // No session: nothing.
    model.setSource(db.get(), std::nullopt);
    CHECK(model.rowCount() == 0);
    model.clear();
    CHECK(model.rowCount() == 0);
}
