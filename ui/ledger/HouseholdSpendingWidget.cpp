#include "ledger/HouseholdSpendingWidget.h"
#include "Accessibility.h"

#include "Theme.h"

#include "common/Money.h"
#include "services/LedgerService.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QStackedBarSeries>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>

namespace cabas::ui {

HouseholdSpendingWidget::HouseholdSpendingWidget(const store::Database& db, Session session,
                                                 qint64 householdId, QWidget* parent)
    : QWidget(parent), m_db(db), m_session(std::move(session)), m_householdId(householdId)
{
    setObjectName(QStringLiteral("householdSpending"));
    auto* layout = new QVBoxLayout(this);
    m_balance = new QLabel(this);
    m_balance->setObjectName(QStringLiteral("spendingBalance"));
    layout->addWidget(m_balance);
    m_spending = new QLabel(this);
    m_spending->setObjectName(QStringLiteral("spendingSummary"));
    m_spending->setWordWrap(true);
    layout->addWidget(m_spending);

    m_chart = new QChartView(this);
    m_chart->setObjectName(QStringLiteral("spendingChart"));
    m_chart->setAccessibleName(tr("Spending per month"));
    m_chart->setMinimumHeight(220);
    m_chart->setRenderHint(QPainter::Antialiasing);
    layout->addWidget(m_chart);

    auto* filters = new QHBoxLayout;
    m_kind = new QComboBox(this);
    m_kind->setObjectName(QStringLiteral("movementKindFilter"));
    m_kind->addItem(tr("All kinds"), QString());
    const std::pair<const char*, QString> kinds[] = {
        {"allowance", tr("Allowances")}, {"purchase", tr("Purchases")}, {"refund", tr("Refunds")},
        {"bonus", tr("Bonuses")},        {"transfer", tr("Transfers")}, {"adjustment", tr("Adjustments")}};
    for (const auto& [code, label] : kinds)
        m_kind->addItem(label, QLatin1String(code));
    m_month = new QComboBox(this);
    m_month->setObjectName(QStringLiteral("movementMonthFilter"));
    m_merchant = new QComboBox(this);
    m_merchant->setObjectName(QStringLiteral("movementMerchantFilter"));
    filters->addWidget(m_kind);
    filters->addWidget(m_month);
    filters->addWidget(m_merchant);
    filters->addStretch(1);
    layout->addLayout(filters);

    m_movements = new QTableWidget(0, 6, this);
    m_movements->setTabKeyNavigation(false); // Tab leaves the list; the arrows move in it
    m_movements->setAccessibleName(tr("Card movements"));
    m_movements->setObjectName(QStringLiteral("movementsTable"));
    m_movements->setHorizontalHeaderLabels(
        {tr("Date"), tr("Kind"), tr("Status"), tr("Amount"), tr("Merchant"), tr("Sustainable")});
    m_movements->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_movements->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_movements->verticalHeader()->hide();
    m_movements->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(m_movements, 1);

    for (QComboBox* box : {m_kind, m_month, m_merchant})
        connect(box, &QComboBox::currentIndexChanged, this, [this] { fillMovements(); });
    reload();
    a11y::connectLabels(this);
}

void HouseholdSpendingWidget::reload()
{
    const LedgerService service(m_db, m_session);
    const QLocale locale;
    const store::LedgerBalance balance = service.balance(m_householdId);
    m_balance->setText(balance.pendingCents
                           ? tr("Balance: %1 (and %2 pending)")
                                 .arg(formatCents(balance.postedCents), formatCents(balance.pendingCents))
                           : tr("Balance: %1").arg(formatCents(balance.postedCents)));
    const LedgerService::Spending s = service.spending(m_householdId);
    m_spending->setText(tr("Spent %1, of which %2 at sustainable shops (%3); bonus earned %4; allowances %5.")
                            .arg(formatCents(s.spentCents), formatCents(s.sustainableSpentCents),
                                 s.sustainableSharePct ? QStringLiteral("%1 %").arg(
                                                             locale.toString(*s.sustainableSharePct, 'f', 1))
                                                       : tr("no spending yet"),
                                 formatCents(s.bonusCents), formatCents(s.allowanceCents)));

    // The chart: one stacked bar per month, sustainable and other spending, in euros.
    const auto months = service.months(m_householdId);
    auto* sustainable = new QBarSet(tr("Sustainable shops"));
    auto* other = new QBarSet(tr("Other shops"));
    QStringList categories;
    double highest = 0;
    for (const store::LedgerMonth& m : months) {
        categories << locale.toString(m.month, QStringLiteral("MMM yyyy"));
        const double green = double(m.sustainableSpentCents) / 100.0;
        const double rest = double(m.spentCents - m.sustainableSpentCents) / 100.0;
        *sustainable << green;
        *other << rest;
        highest = std::max(highest, green + rest);
    }
    sustainable->setColor(QColor(0x2e, 0x7d, 0x32));
    other->setColor(QColor(0x9e, 0x9e, 0x9e));
    auto* series = new QStackedBarSeries;
    series->append(sustainable);
    series->append(other);
    auto* chart = new QChart;
    chart->addSeries(series);
    chart->setTitle(tr("Spending per month"));
    auto* x = new QBarCategoryAxis;
    x->append(categories);
    chart->addAxis(x, Qt::AlignBottom);
    series->attachAxis(x);
    auto* y = new QValueAxis;
    y->setRange(0, highest > 0 ? highest * 1.1 : 1);
    y->setLabelFormat(QStringLiteral("%.0f €"));
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(y);
    chart->legend()->setAlignment(Qt::AlignBottom);
    theme::adaptChart(chart);
    QChart* old = m_chart->chart();
    m_chart->setChart(chart);
    delete old;

    // Filters: the months and merchants this household has.
    const QSignalBlocker b1(m_month), b2(m_merchant);
    m_month->clear();
    m_month->addItem(tr("All months"), QDate());
    for (auto it = months.rbegin(); it != months.rend(); ++it)
        m_month->addItem(locale.toString(it->month, QStringLiteral("MMMM yyyy")), it->month);
    m_merchant->clear();
    m_merchant->addItem(tr("All merchants"), QString());
    QMap<QString, QString> merchants;
    for (const store::LedgerMovement& mv : service.movements(m_householdId))
        if (mv.entry.merchant)
            merchants.insert(mv.entry.merchant->name + QLatin1Char('\t') + mv.entry.merchant->id,
                             mv.entry.merchant->id);
    for (auto it = merchants.cbegin(); it != merchants.cend(); ++it)
        m_merchant->addItem(it.key().section(QLatin1Char('\t'), 0, 0), it.value());
    fillMovements();
}

void HouseholdSpendingWidget::fillMovements()
{
    store::LedgerMovementFilter filter;
    filter.kind = m_kind->currentData().toString();
    filter.month = m_month->currentData().toDate();
    filter.merchantId = m_merchant->currentData().toString();
    const auto movements = LedgerService(m_db, m_session).movements(m_householdId, filter);
    const QLocale locale;
    m_movements->setRowCount(int(movements.size()));
    for (int r = 0; r < int(movements.size()); ++r) {
        const store::LedgerMovement& m = movements[size_t(r)];
        const QStringList cells = {locale.toString(m.localDate, QLocale::ShortFormat),
                                   m.entry.kind,
                                   m.entry.status,
                                   formatCents(m.entry.amountCents, m.entry.currency),
                                   m.entry.merchant ? m.entry.merchant->name : QString(),
                                   m.entry.merchant ? (m.sustainable ? tr("yes") : tr("no")) : QString()};
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (c == 3)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_movements->setItem(r, c, item);
        }
    }
}

} // namespace cabas::ui
