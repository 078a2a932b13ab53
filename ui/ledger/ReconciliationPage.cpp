#include "ledger/ReconciliationPage.h"
#include "Accessibility.h"
#include "Theme.h"
#include "ledger/ReconciliationModel.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "common/Money.h"
#include "security/Access.h"
#include "services/ReconciliationService.h"
#include "store/ProgrammeRepository.h"

#include <QCheckBox>
#include <QDateEdit>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QThread>
#include <QVBoxLayout>
#include <algorithm>

namespace cabas::ui {

struct ReconciliationPage::Outcome
{
    bool ok = false;
    bool summaryOnly = false;
    ReconciliationReport report;
    QString message;
};

namespace {

// "3 missing, 1 duplicated, 2 wrong amounts" (kinds that occur only), with the sums.
QString describe(const std::vector<CreditDiscrepancy>& list, const QString& currency)
{
    int missing = 0, duplicated = 0, unexpected = 0, wrong = 0;
    qint64 expected = 0, credited = 0;
    for (const CreditDiscrepancy& d : list) {
        switch (d.problem()) {
        case CreditDiscrepancy::Problem::Missing:
            ++missing;
            break;
        case CreditDiscrepancy::Problem::Duplicated:
            ++duplicated;
            break;
        case CreditDiscrepancy::Problem::Unexpected:
            ++unexpected;
            break;
        case CreditDiscrepancy::Problem::Wrong:
            ++wrong;
            break;
        }
        expected += d.expectedCents;
        credited += d.creditedCents;
    }
    QStringList kinds;
    if (missing)
        kinds << ReconciliationPage::tr("%n missing", nullptr, missing);
    if (duplicated)
        kinds << ReconciliationPage::tr("%n duplicated", nullptr, duplicated);
    if (unexpected)
        kinds << ReconciliationPage::tr("%n not expected", nullptr, unexpected);
    if (wrong)
        kinds << ReconciliationPage::tr("%n wrong amount(s)", nullptr, wrong);
    return ReconciliationPage::tr("%1 (%2); expected %3, credited %4, difference %5")
        .arg(ReconciliationPage::tr("%n discrepancy(ies)", nullptr, int(list.size())),
             kinds.join(QStringLiteral(", ")), formatCents(expected, currency),
             formatCents(credited, currency), formatCents(credited - expected, currency));
}

} // namespace

ReconciliationPage::ReconciliationPage(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("reconciliationPage"));
    setWindowTitle(tr("Credit reconciliation"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(QStringLiteral("<h2>%1</h2>").arg(tr("Credit reconciliation")), this));
    auto* intro =
        new QLabel(tr("For each household and month, the credit the programme's rule gives compared "
                      "with the allowance entries of the card ledger."),
                   this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto* row = new QHBoxLayout();
    auto* fromLabel = new QLabel(tr("&From"), this);
    m_from = new QDateEdit(this);
    m_from->setObjectName(QStringLiteral("reconcileFromEdit"));
    m_from->setCalendarPopup(true);
    m_from->setDisplayFormat(QStringLiteral("MM/yyyy"));
    fromLabel->setBuddy(m_from);
    auto* toLabel = new QLabel(tr("&To"), this);
    m_to = new QDateEdit(this);
    m_to->setObjectName(QStringLiteral("reconcileToEdit"));
    m_to->setCalendarPopup(true);
    m_to->setDisplayFormat(QStringLiteral("MM/yyyy"));
    toLabel->setBuddy(m_to);
    m_bonus = new QCheckBox(tr("&Bonus check"), this);
    m_bonus->setObjectName(QStringLiteral("bonusCheckBox"));
    m_bonus->setToolTip(tr("Also compare the bonuses in the ledger with what the bonus rules give (rate, "
                           "monthly cap, validity dates)."));
    m_start = new QPushButton(tr("&Reconcile"), this);
    m_start->setObjectName(QStringLiteral("reconcileButton"));
    m_start->setDefault(true);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName(QStringLiteral("reconcileCancelButton"));
    m_cancel->setEnabled(false);
    for (QWidget* w : std::initializer_list<QWidget*>{fromLabel, m_from, toLabel, m_to, m_bonus})
        row->addWidget(w);
    row->addStretch(1);
    row->addWidget(m_start);
    row->addWidget(m_cancel);
    layout->addLayout(row);

    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("reconcileProgress"));
    m_progress->setRange(0, 0); // busy: the service gives no steps
    m_progress->setAccessibleName(tr("Reconciliation running"));
    m_progress->hide();
    layout->addWidget(m_progress);

    m_access = new QLabel(this);
    m_access->setObjectName(QStringLiteral("reconcileAccessLabel"));
    m_access->setWordWrap(true);
    theme::setTone(m_access, theme::Tone::Warning, theme::Shape::Box);
    m_access->hide();
    layout->addWidget(m_access);

    m_model = new ReconciliationModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(Qt::UserRole);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("discrepancyTable"));
    m_table->setAccessibleName(tr("Discrepancies"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setTabKeyNavigation(false);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setToolTip(tr("Double-click a line to open the household's case file."));
    layout->addWidget(m_table, 1);

    m_totals = new QLabel(this);
    m_totals->setObjectName(QStringLiteral("reconcileTotals"));
    m_totals->setWordWrap(true);
    m_totals->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_totals);

    auto* under = new QHBoxLayout();
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("reconcileMessage"));
    m_message->setWordWrap(true);
    under->addWidget(m_message, 1);
    m_export = new QPushButton(tr("&Export CSV…"), this);
    m_export->setObjectName(QStringLiteral("reconcileExportButton"));
    m_export->setEnabled(false);
    under->addWidget(m_export);
    layout->addLayout(under);

    connect(m_start, &QPushButton::clicked, this, [this] { run(); });
    connect(m_cancel, &QPushButton::clicked, this, &ReconciliationPage::cancel);
    connect(m_export, &QPushButton::clicked, this, &ReconciliationPage::chooseExportFile);
    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        const QModelIndex source = m_proxy->mapToSource(index);
        if (!source.isValid())
            return;
        const QString code = m_model->discrepancy(source.row()).household;
        if (!code.isEmpty())
            emit openHouseholdRequested(code);
    });
    connect(m_table, &QTableView::activated, m_table, &QTableView::doubleClicked);
    a11y::connectLabels(this);
}

ReconciliationPage::~ReconciliationPage()
{
    m_run = 0;
    for (QThread* t : m_threads) {
        t->wait();
        delete t;
    }
}

void ReconciliationPage::clear()
{
    cancel();
    m_db = nullptr;
    m_session.reset();
    m_model->clear();
    m_totals->clear();
    m_message->clear();
    m_access->hide();
    m_export->setEnabled(false);
}

void ReconciliationPage::load(const store::Database* db, const std::optional<Session>& session)
{
    clear();
    m_db = db;
    m_session = session;
    if (!m_db || !m_session)
        return;
    const Role role = m_session->role();
    m_readsHouseholds = AccessPolicy::allows(role, DataKind::Ledger, Action::Read);
    const bool readsFigures = AccessPolicy::allows(role, DataKind::Ledger, Action::ReadAggregates);
    if (!m_readsHouseholds) {
        m_access->setText(AccessPolicy::refusal(role, DataKind::Ledger, Action::Read) +
                          (readsFigures
                               ? QStringLiteral("\n") + tr("You see the counts and sums only, without "
                                                           "any household.")
                               : QString()));
        m_access->show();
    }
    m_table->setVisible(m_readsHouseholds);
    m_start->setEnabled(m_readsHouseholds || readsFigures);
    // The last six months, not before the programme's start.
    const QDate today = Clock::instance().today();
    QDate from = QDate(today.year(), today.month(), 1).addMonths(-5);
    try {
        if (const auto programme = store::ProgrammeRepository(*m_db).load())
            from = std::max(from, QDate(programme->startsOn.year(), programme->startsOn.month(), 1));
    } catch (const Error& e) {
        showMessage(e.message(), true);
    }
    setPeriod(from, today);
}

void ReconciliationPage::setPeriod(const QDate& from, const QDate& to)
{
    m_from->setDate(from);
    m_to->setDate(to);
}

void ReconciliationPage::setBonusCheck(bool check)
{
    m_bonus->setChecked(check);
}

bool ReconciliationPage::running() const
{
    return m_run != 0;
}

void ReconciliationPage::setRunning(bool running)
{
    m_start->setEnabled(!running && m_session);
    m_cancel->setEnabled(running);
    m_from->setEnabled(!running);
    m_to->setEnabled(!running);
    m_bonus->setEnabled(!running);
    m_progress->setVisible(running);
    if (running)
        m_export->setEnabled(false);
}

void ReconciliationPage::showMessage(const QString& text, bool error)
{
    m_message->setText(text);
    if (error)
        theme::setTone(m_message, theme::Tone::Error);
    else
        theme::clearTone(m_message);
}

bool ReconciliationPage::run()
{
    if (!m_db || !m_session || running())
        return false;
    reapThreads();
    // Months: from the first day of the first month to the last day of the last one.
    const QDate from(m_from->date().year(), m_from->date().month(), 1);
    const QDate to = QDate(m_to->date().year(), m_to->date().month(), 1).addMonths(1).addDays(-1);
    const bool bonus = m_bonus->isChecked();
    const bool summaryOnly = !m_readsHouseholds;
    const Session session = *m_session;
    const store::Database* db = m_db;
    const quint64 id = ++m_lastRun;
    m_run = id;
    m_model->clear();
    m_totals->clear();
    showMessage(tr("Reconciling %1 to %2…")
                    .arg(QLocale().toString(from, QStringLiteral("MMMM yyyy")),
                         QLocale().toString(to, QStringLiteral("MMMM yyyy"))),
                false);
    setRunning(true);
    QPointer<ReconciliationPage> self(this);
    // The worker opens its own connection: a Qt SQL connection belongs to the thread that opened it.
    QThread* thread = QThread::create([=] {
        Outcome outcome;
        outcome.summaryOnly = summaryOnly;
        try {
            auto connection = db->reopen();
            const ReconciliationService service(*connection, session);
            outcome.report =
                summaryOnly ? service.summary(from, to, bonus) : service.reconcile(from, to, bonus);
            outcome.ok = true;
        } catch (const Error& e) {
            outcome.message = e.message();
        } catch (const std::exception& e) {
            outcome.message = QString::fromLocal8Bit(e.what());
        }
        QMetaObject::invokeMethod(self.data(), [self, id, outcome] {
            if (self)
                self->done(id, outcome);
        });
    });
    thread->setObjectName(QStringLiteral("cabas-reconcile"));
    m_threads.push_back(thread);
    thread->start();
    return true;
}

void ReconciliationPage::cancel()
{
    if (!running())
        return;
    m_run = 0; // its result is dropped when it comes
    setRunning(false);
    showMessage(tr("Reconciliation cancelled."), false);
    emit finished(false);
}

void ReconciliationPage::reapThreads()
{
    m_threads.erase(std::remove_if(m_threads.begin(), m_threads.end(),
                                   [](QThread* t) {
                                       if (!t->isFinished())
                                           return false;
                                       t->wait();
                                       delete t;
                                       return true;
                                   }),
                    m_threads.end());
}

void ReconciliationPage::done(quint64 run, const Outcome& outcome)
{
    reapThreads();
    if (run != m_run)
        return; // cancelled, or replaced by a newer run
    m_run = 0;
    setRunning(false);
    if (!outcome.ok) {
        showMessage(outcome.message, true);
        emit finished(false);
        return;
    }
    const ReconciliationReport& r = outcome.report;
    if (!outcome.summaryOnly)
        m_model->setReport(r);
    m_table->resizeColumnsToContents();
    const QLocale locale;
    QStringList lines;
    lines << tr("%1 to %2: %n household-month(s) checked.", nullptr, int(r.householdMonths))
                 .arg(locale.toString(r.fromMonth, QStringLiteral("MMMM yyyy")),
                      locale.toString(r.toMonth, QStringLiteral("MMMM yyyy")));
    lines << (r.discrepancies.empty()
                  ? tr("Monthly credits: every credit is as the rule gives.")
                  : tr("Monthly credits: %1.").arg(describe(r.discrepancies, r.currency)));
    if (r.bonusChecked)
        lines << (r.bonusDiscrepancies.empty()
                      ? tr("Bonuses: every bonus is as the bonus rules give.")
                      : tr("Bonuses: %1.").arg(describe(r.bonusDiscrepancies, r.currency)));
    if (!r.unassessed.empty())
        lines << tr(
            "%n month(s) without an income assessment in force: not checked (record the assessment in "
            "the case file).",
            nullptr, int(r.unassessed.size()));
    m_totals->setText(lines.join(QLatin1Char('\n')));
    showMessage(QString(), false);
    m_export->setEnabled(!outcome.summaryOnly && m_model->rowCount() > 0);
    emit finished(true);
}

QString ReconciliationPage::totals() const
{
    return m_totals->text();
}

QString ReconciliationPage::message() const
{
    QStringList parts;
    if (!m_access->isHidden())
        parts << m_access->text();
    if (!m_message->text().isEmpty())
        parts << m_message->text();
    return parts.join(QLatin1Char('\n'));
}

bool ReconciliationPage::exportCsv(const QString& path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(m_model->csv()) < 0 || !file.commit()) {
        showMessage(tr("%1: cannot be written (%2).").arg(QDir::toNativeSeparators(path), file.errorString()),
                    true);
        return false;
    }
    showMessage(tr("%n discrepancies written to %1.", nullptr, m_model->rowCount())
                    .arg(QDir::toNativeSeparators(path)),
                false);
    return true;
}

void ReconciliationPage::chooseExportFile()
{
    const ReconciliationReport& r = m_model->report();
    const QString name = QStringLiteral("reconciliation-%1-%2.csv")
                             .arg(r.fromMonth.toString(QStringLiteral("yyyy-MM")),
                                  r.toMonth.toString(QStringLiteral("yyyy-MM")));
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the discrepancies"),
                                                      QDir::home().filePath(name), tr("CSV files (*.csv)"));
    if (!path.isEmpty())
        exportCsv(path);
}

} // namespace cabas::ui
