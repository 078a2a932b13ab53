#include "households/ContributionsPanel.h"
#include "Accessibility.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "common/Money.h"
#include "services/ContributionService.h"

#include <QDateEdit>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace cabas::ui {

namespace {
QTableWidget* table(const QString& name, const QString& accessibleName, const QStringList& headers,
                    QWidget* parent)
{
    auto* t = new QTableWidget(0, int(headers.size()), parent);
    t->setObjectName(name);
    t->setAccessibleName(accessibleName);
    t->setHorizontalHeaderLabels(headers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setTabKeyNavigation(false);
    t->setAlternatingRowColors(true);
    t->verticalHeader()->hide();
    t->horizontalHeader()->setStretchLastSection(true);
    return t;
}

void setRow(QTableWidget* t, int row, const QStringList& cells)
{
    for (int c = 0; c < cells.size(); ++c)
        t->setItem(row, c, new QTableWidgetItem(cells[c]));
}

QString month(const QDate& d)
{
    return d.toString(QStringLiteral("yyyy-MM"));
}
} // namespace

ContributionsPanel::ContributionsPanel(const store::Database& db, const Session& session, QWidget* parent)
    : QWidget(parent), m_db(db), m_session(session)
{
    setObjectName(QStringLiteral("contributionsPanel"));
    auto* layout = new QVBoxLayout(this);
    m_rule = new QLabel(this);
    m_rule->setObjectName(QStringLiteral("contributionRuleLabel"));
    m_rule->setWordWrap(true);
    layout->addWidget(m_rule);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("contributionSummaryLabel"));
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    m_months = table(QStringLiteral("contributionMonthsTable"), tr("Contributions month by month"),
                     {tr("Month"), tr("Expected"), tr("Paid"), tr("Owed to date")}, this);
    layout->addWidget(m_months, 2);
    auto* lists = new QHBoxLayout();
    m_choices = table(QStringLiteral("contributionChoicesTable"), tr("Amounts chosen"),
                      {tr("From"), tr("A month"), tr("Recorded by")}, this);
    m_payments = table(QStringLiteral("contributionPaymentsTable"), tr("Payments"),
                       {tr("Paid on"), tr("Amount"), tr("Recorded by")}, this);
    lists->addWidget(m_choices);
    lists->addWidget(m_payments);
    layout->addLayout(lists, 1);

    auto* edit = new QGroupBox(tr("Record"), this);
    edit->setObjectName(QStringLiteral("contributionRecordBox"));
    auto* form = new QFormLayout(edit);
    auto* amountRow = new QHBoxLayout();
    m_amount = new QLineEdit(edit);
    m_amount->setObjectName(QStringLiteral("contributionAmountEdit"));
    m_amount->setPlaceholderText(tr("e.g. 12,50"));
    m_from = new QDateEdit(edit);
    m_from->setObjectName(QStringLiteral("contributionFromEdit"));
    m_from->setDisplayFormat(QStringLiteral("MM/yyyy"));
    m_from->setAccessibleName(tr("From month"));
    m_set = new QPushButton(tr("&Set amount"), edit);
    m_set->setObjectName(QStringLiteral("setContributionButton"));
    amountRow->addWidget(m_amount, 1);
    amountRow->addWidget(new QLabel(tr("from"), edit));
    amountRow->addWidget(m_from);
    amountRow->addWidget(m_set);
    form->addRow(tr("New amount a month:"), amountRow);
    auto* payRow = new QHBoxLayout();
    m_paid = new QLineEdit(edit);
    m_paid->setObjectName(QStringLiteral("paymentAmountEdit"));
    m_paid->setPlaceholderText(tr("e.g. 12,50"));
    m_paidOn = new QDateEdit(edit);
    m_paidOn->setObjectName(QStringLiteral("paymentDateEdit"));
    m_paidOn->setCalendarPopup(true);
    m_paidOn->setAccessibleName(tr("Paid on"));
    m_pay = new QPushButton(tr("Record &payment"), edit);
    m_pay->setObjectName(QStringLiteral("recordPaymentButton"));
    payRow->addWidget(m_paid, 1);
    payRow->addWidget(new QLabel(tr("on"), edit));
    payRow->addWidget(m_paidOn);
    payRow->addWidget(m_pay);
    form->addRow(tr("Payment received:"), payRow);
    edit->setVisible(ContributionService::mayRecord(m_session.role()));
    layout->addWidget(edit);
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("contributionMessage"));
    m_message->setWordWrap(true);
    layout->addWidget(m_message);
    connect(m_set, &QPushButton::clicked, this, [this] { setAmount(); });
    connect(m_pay, &QPushButton::clicked, this, [this] { recordPayment(); });
    a11y::connectLabels(this);
}

ContributionsPanel* ContributionsPanel::showIn(QTabWidget* tabs, const store::Database& db,
                                               const Session& session, const QString& householdCode)
{
    auto* panel = tabs->findChild<ContributionsPanel*>(QStringLiteral("contributionsPanel"));
    bool enabled = false;
    try {
        enabled = ContributionService(db, session).rule().enabled;
    } catch (const Error&) {
        enabled = false;
    }
    if (!enabled) {
        if (panel) {
            tabs->removeTab(tabs->indexOf(panel));
            delete panel;
        }
        return nullptr;
    }
    if (!panel) {
        panel = new ContributionsPanel(db, session, tabs);
        tabs->addTab(panel, tr("Contributions"));
    }
    panel->load(householdCode);
    return panel;
}

QString ContributionsPanel::message() const
{
    return m_message->text();
}

void ContributionsPanel::load(const QString& householdCode)
{
    m_code = householdCode;
    for (QTableWidget* t : {m_months, m_choices, m_payments})
        t->setRowCount(0);
    m_summary->clear();
    const QDate today = Clock::instance().today();
    m_from->setDate(QDate(today.year(), today.month(), 1));
    m_paidOn->setMaximumDate(today);
    m_paidOn->setDate(today);
    const ContributionService service(m_db, m_session);
    try {
        const ContributionRule rule = service.rule();
        m_rule->setText(tr("Each household chooses its contribution: %1 to %2 a month.")
                            .arg(formatCents(rule.minMonthlyCents, rule.currency),
                                 formatCents(rule.maxMonthlyCents, rule.currency)));
        if (householdCode.isEmpty())
            return;
        const ContributionAccount a = service.account(householdCode);
        const QString& cur = a.rule.currency;
        m_summary->setText(
            (a.currentMonthlyCents > 0 ? tr("Now %1 a month.").arg(formatCents(a.currentMonthlyCents, cur))
                                       : tr("No amount chosen yet.")) +
            QLatin1Char(' ') +
            (a.balanceCents > 0   ? tr("Owed: %1.").arg(formatCents(a.balanceCents, cur))
             : a.balanceCents < 0 ? tr("Paid in advance: %1.").arg(formatCents(-a.balanceCents, cur))
                                  : tr("Nothing owed.")));
        m_months->setRowCount(int(a.months.size()));
        // Latest month first: that is what a social worker looks at.
        for (std::size_t i = 0; i < a.months.size(); ++i) {
            const ContributionMonth& m = a.months[a.months.size() - 1 - i];
            setRow(m_months, int(i),
                   {month(m.month), formatCents(m.expectedCents, cur), formatCents(m.paidCents, cur),
                    formatCents(m.balanceCents, cur)});
        }
        m_choices->setRowCount(int(a.choices.size()));
        for (std::size_t i = 0; i < a.choices.size(); ++i) {
            const ContributionChoice& c = a.choices[i];
            setRow(m_choices, int(i),
                   {month(c.fromMonth), formatCents(c.monthlyCents, c.currency), c.chosenBy});
        }
        m_payments->setRowCount(int(a.payments.size()));
        for (std::size_t i = 0; i < a.payments.size(); ++i) {
            const ContributionPayment& p = a.payments[i];
            setRow(m_payments, int(i),
                   {QLocale().toString(p.paidOn, QLocale::ShortFormat),
                    formatCents(p.amountCents, p.currency), p.recordedBy});
        }
    } catch (const Error& e) {
        m_message->setText(e.message());
    }
}

bool ContributionsPanel::setAmount()
{
    qint64 cents = 0;
    if (!parseCents(m_amount->text(), &cents)) {
        m_message->setText(tr("Amount: type an amount such as 12,50."));
        return false;
    }
    try {
        ContributionService(m_db, m_session).choose(m_code, cents, QString(), m_from->date());
    } catch (const Error& e) {
        m_message->setText(e.message());
        return false;
    }
    m_amount->clear();
    load(m_code);
    m_message->setText(tr("Amount recorded."));
    emit changed();
    return true;
}

bool ContributionsPanel::recordPayment()
{
    qint64 cents = 0;
    if (!parseCents(m_paid->text(), &cents)) {
        m_message->setText(tr("Payment: type an amount such as 12,50."));
        return false;
    }
    try {
        ContributionService(m_db, m_session).pay(m_code, cents, QString(), m_paidOn->date());
    } catch (const Error& e) {
        m_message->setText(e.message());
        return false;
    }
    m_paid->clear();
    load(m_code);
    m_message->setText(tr("Payment recorded."));
    emit changed();
    return true;
}

} // namespace cabas::ui
