#include <catch2/catch.hpp>

#include "AuditTableModel.h"
#include "domain/User.h"
#include "support/TestUtil.h"

#include <QAbstractItemModelTester>
#include <QLocale>

using namespace cabas;
using M = ui::AuditTableModel;

TEST_CASE("ui: the audit table shows records in local time and the user's words", "[ui][models][audit]")
{
    M model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    CHECK(model.rowCount() == 0);
    CHECK(model.columnCount() == M::ColumnCount);

    store::AuditRecord winter;
    winter.seq = 8;
    winter.at = QDateTime(QDate(2026, 1, 15), QTime(12, 0, 5), Qt::UTC);
    winter.login = QStringLiteral("amelie.roux");
    winter.role = QStringLiteral("social_worker");
    winter.action = QStringLiteral("read");
    winter.table = QStringLiteral("audit_log");
    winter.outcome = QStringLiteral("denied");
    winter.detail = QStringLiteral("administration");
    store::AuditRecord summer;
    summer.seq = 9;
    summer.at = QDateTime(QDate(2026, 7, 1), QTime(22, 30, 0), Qt::UTC);
    summer.login = QStringLiteral("system");
    summer.role = QStringLiteral("system");
    summer.action = QStringLiteral("some_new_action");
    summer.table = QStringLiteral("app_user");
    summer.recordRef = QStringLiteral("admin");
    summer.outcome = QStringLiteral("ok");
    model.setRecords({summer, winter});

    REQUIRE(model.rowCount() == 2);
    // Europe/Paris: UTC+1 in winter, UTC+2 in summer (and the next day).
    CHECK(model.index(1, M::AtColumn).data().toString() ==
          QLocale().toString(QDate(2026, 1, 15), QLocale::ShortFormat) + QStringLiteral(" 13:00:05"));
    CHECK(model.index(0, M::AtColumn).data().toString() ==
          QLocale().toString(QDate(2026, 7, 2), QLocale::ShortFormat) + QStringLiteral(" 00:30:00"));
    CHECK(model.index(0, M::SeqColumn).data().toString() == QStringLiteral("9"));
    CHECK(model.index(0, M::SeqColumn).data(M::SeqRole).toLongLong() == 9);
    CHECK(model.index(1, M::RoleColumn).data().toString() == displayName(Role::SocialWorker));
    CHECK(model.index(1, M::OutcomeColumn).data().toString() == M::outcomeText(QStringLiteral("denied")));
    CHECK(model.index(1, M::OutcomeColumn).data(M::CodeRole).toString() == QStringLiteral("denied"));
    CHECK(model.index(1, M::OutcomeColumn).data(Qt::ForegroundRole).isValid());
    CHECK(model.index(1, M::DetailColumn).data().toString() == QStringLiteral("administration"));
    CHECK(model.index(0, M::RecordColumn).data().toString() == QStringLiteral("admin"));
    // Unknown codes are shown as they are.
    CHECK(model.index(0, M::ActionColumn).data().toString() == QStringLiteral("some_new_action"));
    CHECK(model.index(0, M::RoleColumn).data().toString() == M::roleText(QStringLiteral("system")));
    CHECK_FALSE(model.index(0, 0).flags().testFlag(Qt::ItemIsEditable));

    CHECK(model.rowOfSeq(8) == 1);
    CHECK(model.rowOfSeq(42) == -1);
    model.setHighlightedSeq(8);
    CHECK(model.index(1, M::UserColumn).data(Qt::BackgroundRole).isValid());
    CHECK_FALSE(model.index(0, M::UserColumn).data(Qt::BackgroundRole).isValid());
    model.setHighlightedSeq(0);
    CHECK_FALSE(model.index(1, M::UserColumn).data(Qt::BackgroundRole).isValid());

    model.setRecords({});
    CHECK(model.rowCount() == 0);
}
