#include "cohort/DashboardPage.h"
#include "Accessibility.h"

#include "Theme.h"

#include "cohort/CohortCharts.h"
#include "cohort/CohortService.h"
#include "common/Clock.h"
#include "common/Error.h"
#include "io/CohortExport.h"
#include "security/Access.h"
#include "services/HouseholdService.h"
#include "store/ProgrammeRepository.h"

#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateEdit>
#include <QFileDialog>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QProgressDialog>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace cabas::ui {

namespace {

// A tile: the figure big, its name below; a click (or Enter/Space when it has the focus) asks for the
// households behind it. Reached with Tab; a screen reader reads its name and figure.
class Tile : public QFrame
{
  public:
    Tile(const QString& key, std::function<void(const QString&)> clicked, QWidget* parent)
        : QFrame(parent), m_key(key), m_clicked(std::move(clicked))
    {
        setObjectName(QStringLiteral("tile_") + key);
        setFrameShape(QFrame::StyledPanel);
        setFocusPolicy(Qt::StrongFocus);
        applyColours();
        auto* layout = new QVBoxLayout(this);
        layout->setContentsMargins(10, 6, 10, 6);
        value = new QLabel(QStringLiteral("—"), this);
        value->setObjectName(QStringLiteral("tileValue_") + key);
        QFont f = value->font();
        f.setPointSizeF(f.pointSizeF() * 1.6);
        f.setBold(true);
        value->setFont(f);
        auto* name = new QLabel(CohortReport::label(key), this);
        name->setWordWrap(true);
        name->setToolTip(CohortReport::definition(key));
        setToolTip(CohortReport::definition(key));
        setAccessibleDescription(CohortReport::definition(key));
        layout->addWidget(value);
        layout->addWidget(name);
        setCursor(Qt::PointingHandCursor);
        setValue(QStringLiteral("—"));
    }
    void setValue(const QString& text)
    {
        value->setText(text);
        setAccessibleName(DashboardPage::tr("%1: %2").arg(CohortReport::label(m_key), text));
    }
    QLabel* value = nullptr;

  protected:
    void mouseReleaseEvent(QMouseEvent* e) override
    {
        if (e->button() == Qt::LeftButton && m_clicked)
            m_clicked(m_key);
        QFrame::mouseReleaseEvent(e);
    }
    void keyPressEvent(QKeyEvent* e) override
    {
        if ((e->key() == Qt::Key_Return || e->key() == Qt::Key_Enter || e->key() == Qt::Key_Space) &&
            m_clicked) {
            m_clicked(m_key);
            return;
        }
        QFrame::keyPressEvent(e);
    }
    void changeEvent(QEvent* e) override
    {
        if (e->type() == QEvent::PaletteChange && !m_applying)
            applyColours();
        QFrame::changeEvent(e);
    }

  private:
    // The tile's colours from the palette (light or dark); the keyboard focus shows as a thicker border.
    void applyColours()
    {
        m_applying = true;
        const QPalette p = QApplication::palette();
        setStyleSheet(
            QStringLiteral("QFrame#tile_%1 { background: %2; border: 1px solid %3; border-radius: 4px; }"
                           "QFrame#tile_%1:focus { border: 2px solid %4; }")
                .arg(m_key, theme::tileBackground(p).name(), theme::tileBorder(p).name(),
                     p.color(QPalette::Highlight).name()));
        m_applying = false;
    }

    QString m_key;
    std::function<void(const QString&)> m_clicked;
    bool m_applying = false;
};

QChartView* chartView(const char* name, const QString& title, QWidget* parent)
{
    auto* view = new QChartView(new QChart(), parent);
    view->setObjectName(QString::fromLatin1(name));
    view->setAccessibleName(title);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(360, 260);
    return view;
}

void replaceChart(QChartView* view, QChart* chart)
{
    theme::adaptChart(chart);
    view->setAccessibleName(chart->title());
    QChart* old = view->chart();
    view->setChart(chart);
    delete old;
}

} // namespace

DashboardPage::DashboardPage(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("cohortPage"));
    auto* outer = new QVBoxLayout(this);

    auto* controls = new QHBoxLayout();
    m_from = new QDateEdit(this);
    m_from->setObjectName(QStringLiteral("cohortFrom"));
    m_from->setCalendarPopup(true);
    m_to = new QDateEdit(this);
    m_to->setObjectName(QStringLiteral("cohortTo"));
    m_to->setCalendarPopup(true);
    m_commune = new QComboBox(this);
    m_commune->setObjectName(QStringLiteral("cohortCommune"));
    m_disclosure = new QComboBox(this);
    m_disclosure->setObjectName(QStringLiteral("cohortDisclosure"));
    m_disclosure->addItem(tr("Internal figures"), toCode(Disclosure::Internal));
    m_disclosure->addItem(tr("Public figures (small groups hidden)"), toCode(Disclosure::Public));
    auto* computeButton = new QPushButton(tr("Compute"), this);
    computeButton->setObjectName(QStringLiteral("cohortCompute"));
    const auto addLabelled = [&](const QString& text, QWidget* field) {
        auto* label = new QLabel(text, this);
        label->setBuddy(field);
        controls->addWidget(label);
        controls->addWidget(field);
    };
    addLabelled(tr("&From"), m_from);
    addLabelled(tr("t&o"), m_to);
    addLabelled(tr("Co&mmune"), m_commune);
    m_disclosure->setAccessibleName(tr("Figures"));
    controls->addWidget(m_disclosure);
    controls->addWidget(computeButton);
    controls->addStretch(1);
    const std::pair<const char*, QString> exports[] = {{"json", tr("JSON")},
                                                       {"csv", tr("CSV")},
                                                       {"xlsx", tr("Excel")},
                                                       {"pdf", tr("PDF report")},
                                                       {"dataset", tr("Evaluators' dataset")}};
    for (const auto& [format, label] : exports) {
        auto* button = new QPushButton(label, this);
        const QString code = QString::fromLatin1(format);
        button->setObjectName(QStringLiteral("cohortExport_") + code);
        connect(button, &QPushButton::clicked, this, [this, code] { askAndExport(code); });
        controls->addWidget(button);
        if (code == QLatin1String("dataset"))
            m_datasetButton = button;
    }
    outer->addLayout(controls);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("cohortError"));
    theme::setTone(m_error, theme::Tone::Error);
    m_error->setWordWrap(true);
    m_error->hide();
    outer->addWidget(m_error);
    m_exportNote = new QLabel(this);
    m_exportNote->setObjectName(QStringLiteral("cohortExportNote"));
    theme::setTone(m_exportNote, theme::Tone::Warning);
    m_exportNote->setWordWrap(true);
    m_exportNote->hide();
    outer->addWidget(m_exportNote);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    auto* scroll = new QScrollArea(splitter);
    scroll->setWidgetResizable(true);
    auto* content = new QWidget(scroll);
    auto* contentLayout = new QVBoxLayout(content);
    m_tiles = new QGridLayout();
    contentLayout->addLayout(m_tiles);
    m_suppressed = new QLabel(content);
    m_suppressed->setObjectName(QStringLiteral("cohortSuppressed"));
    m_suppressed->setWordWrap(true);
    contentLayout->addWidget(m_suppressed);
    auto* charts = new QGridLayout();
    m_spending = chartView("chartSpending", tr("Monthly spending chart"), content);
    m_allowance = chartView("chartAllowance", tr("Allowance and bonus chart"), content);
    m_workshops = chartView("chartWorkshops", tr("Workshops chart"), content);
    m_followUp = chartView("chartFollowUp", tr("Follow-up completion chart"), content);
    charts->addWidget(m_spending, 0, 0);
    charts->addWidget(m_allowance, 0, 1);
    charts->addWidget(m_workshops, 1, 0);
    charts->addWidget(m_followUp, 1, 1);
    contentLayout->addLayout(charts);
    scroll->setWidget(content);

    auto* side = new QWidget(splitter);
    auto* sideLayout = new QVBoxLayout(side);
    m_householdsTitle = new QLabel(tr("Click a figure to list the households behind it."), side);
    m_householdsTitle->setObjectName(QStringLiteral("cohortHouseholdsTitle"));
    m_householdsTitle->setWordWrap(true);
    m_households = new QTableWidget(0, 2, side);
    m_households->setTabKeyNavigation(false); // Tab leaves the list; the arrows move in it
    m_households->setObjectName(QStringLiteral("cohortHouseholds"));
    m_households->setHorizontalHeaderLabels({tr("Household"), tr("Commune")});
    m_households->horizontalHeader()->setStretchLastSection(true);
    m_households->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_households->verticalHeader()->hide();
    m_households->setAccessibleName(tr("Households behind the figure"));
    sideLayout->addWidget(m_householdsTitle);
    sideLayout->addWidget(m_households, 1);
    splitter->addWidget(scroll);
    splitter->addWidget(side);
    splitter->setStretchFactor(0, 4);
    splitter->setStretchFactor(1, 1);
    outer->addWidget(splitter, 1);

    buildTiles();
    connect(computeButton, &QPushButton::clicked, this, [this] { compute(); });
    a11y::connectLabels(this);
}

void DashboardPage::buildTiles()
{
    int i = 0;
    for (const QString& key : CohortReport::indicatorKeys()) {
        auto* tile = new Tile(
            key, [this](const QString& k) { showHouseholdsBehind(k); }, this);
        m_tiles->addWidget(tile, i / 4, i % 4);
        ++i;
    }
}

void DashboardPage::load(const store::Database* db, const std::optional<Session>& session)
{
    m_db = db;
    m_session = session;
    m_report.reset();
    if (!db || !session)
        return;
    const QDate today = Clock::instance().today();
    QDate from(today.year(), 1, 1);
    if (const auto programme = store::ProgrammeRepository(*db).load();
        programme && programme->startsOn.isValid())
        from = std::min(programme->startsOn, today);
    if (!m_from->date().isValid() || m_from->date() == QDate(2000, 1, 1))
        setPeriod(from, today);
    m_commune->clear();
    m_commune->addItem(tr("All communes"), QString());
    try {
        for (const QString& c : HouseholdService(*db, *session).communes())
            m_commune->addItem(c, c);
    } catch (const Error&) {
        // A role that may not list households still sees the whole cohort.
    }
    m_disclosure->setEnabled(AccessPolicy::allows(session->role(), DataKind::Cohort, Action::ExportPublic));
    m_datasetButton->setEnabled(
        AccessPolicy::allows(session->role(), DataKind::Cohort, Action::ExportPublic));
    // Refused roles: the core says so (and audits it).
    const CohortReport report = CohortService(*db, *session).report(currentFilter(), Disclosure::Internal);
    m_report = report;
    showReport();
}

void DashboardPage::clear()
{
    m_db = nullptr;
    m_session.reset();
    m_report.reset();
    m_households->setRowCount(0);
    m_error->hide();
    for (const QString& key : CohortReport::indicatorKeys())
        if (auto* tile = static_cast<Tile*>(findChild<QFrame*>(QStringLiteral("tile_") + key)))
            tile->setValue(QStringLiteral("—"));
}

void DashboardPage::setPeriod(const QDate& from, const QDate& to)
{
    m_from->setDate(from);
    m_to->setDate(to);
}

void DashboardPage::setDisclosure(Disclosure disclosure)
{
    m_disclosure->setCurrentIndex(m_disclosure->findData(toCode(disclosure)));
}

void DashboardPage::setCommune(const QString& commune)
{
    const int i = m_commune->findData(commune);
    if (i >= 0)
        m_commune->setCurrentIndex(i);
}

CohortFilter DashboardPage::currentFilter() const
{
    CohortFilter f;
    f.from = m_from->date();
    f.to = m_to->date();
    f.commune = m_commune->currentData().toString();
    return f;
}

bool DashboardPage::compute()
{
    if (!m_db || !m_session)
        return false;
    try {
        const auto disclosure = disclosureFromCode(m_disclosure->currentData().toString());
        m_report = CohortService(*m_db, *m_session)
                       .report(currentFilter(), disclosure.value_or(Disclosure::Internal));
        m_error->hide();
        showReport();
        return true;
    } catch (const Error& e) {
        showError(e.message());
        return false;
    }
}

void DashboardPage::showReport()
{
    if (!m_report)
        return;
    for (const CohortFigure& f : m_report->indicators)
        if (auto* tile = static_cast<Tile*>(findChild<QFrame*>(QStringLiteral("tile_") + f.key)))
            tile->setValue(CohortCharts::display(f));
    m_suppressed->setText(m_report->suppressed.isEmpty()
                              ? QString()
                              : tr("— : hidden because fewer than %1 households or persons are behind it, or "
                                   "without denominator (%n figure(s) hidden).",
                                   nullptr, int(m_report->suppressed.size()))
                                    .arg(m_report->threshold));
    replaceChart(m_spending, CohortCharts::spending(*m_report));
    replaceChart(m_allowance, CohortCharts::allowance(*m_report));
    replaceChart(m_workshops, CohortCharts::workshops(*m_report));
    replaceChart(m_followUp, CohortCharts::followUp(*m_report));
    m_households->setRowCount(0);
    m_householdsTitle->setText(m_report->disclosure == Disclosure::Internal
                                   ? tr("Click a figure to list the households behind it.")
                                   : tr("Public figures: the households behind them are not shown."));
}

bool DashboardPage::showHouseholdsBehind(const QString& key)
{
    if (!m_db || !m_session || !m_report || m_report->disclosure != Disclosure::Internal)
        return false;
    try {
        const auto households = CohortService(*m_db, *m_session).householdsBehind(m_report->filter, key);
        m_households->setRowCount(int(households.size()));
        for (int r = 0; r < int(households.size()); ++r) {
            m_households->setItem(r, 0, new QTableWidgetItem(households[size_t(r)].code));
            m_households->setItem(r, 1, new QTableWidgetItem(households[size_t(r)].commune));
        }
        m_householdsTitle->setText(
            tr("%1: %n household(s)", nullptr, int(households.size())).arg(CohortReport::label(key)));
        return true;
    } catch (const Error& e) {
        showError(e.message());
        return false;
    }
}

bool DashboardPage::exportTo(const QString& format, const QString& path)
{
    if (!m_db || !m_session)
        return false;
    QProgressDialog progress(tr("Writing %1…").arg(path), QString(), 0, 0, this);
    progress.setObjectName(QStringLiteral("cohortExportProgress"));
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(300);
    m_exportNote->hide();
    try {
        const CohortService service(*m_db, *m_session);
        if (format == QLatin1String("dataset")) {
            const CohortDataset dataset = service.dataset(currentFilter());
            if (path.endsWith(QLatin1String(".xlsx"), Qt::CaseInsensitive))
                io::CohortExport::xlsx(dataset, path);
            else
                io::CohortExport::writeFile(path, io::CohortExport::csv(dataset));
            m_error->hide();
            m_exportNote->setText(CohortService::withheldNote(dataset));
            m_exportNote->setVisible(!dataset.withheld.isEmpty());
            return true;
        }
        if (!m_report && !compute())
            return false;
        // The file holds what the controls say now.
        const auto disclosure = disclosureFromCode(m_disclosure->currentData().toString());
        m_report = service.report(currentFilter(), disclosure.value_or(Disclosure::Internal));
        showReport();
        if (format == QLatin1String("json"))
            io::CohortExport::writeFile(path, io::CohortExport::json(*m_report));
        else if (format == QLatin1String("csv"))
            io::CohortExport::writeFile(path, io::CohortExport::csv(*m_report));
        else if (format == QLatin1String("xlsx"))
            io::CohortExport::xlsx(*m_report, path);
        else if (format == QLatin1String("pdf")) {
            const auto programme = store::ProgrammeRepository(*m_db).load();
            writeCohortPdf(*m_report, path, programme ? programme->name : QString());
        } else
            return false;
        service.recordExport(m_report->filter, m_report->disclosure, format);
        m_error->hide();
        return true;
    } catch (const Error& e) {
        showError(e.message());
        return false;
    }
}

void DashboardPage::askAndExport(const QString& format)
{
    const QString suffix = format == QLatin1String("dataset") ? QStringLiteral("csv") : format;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the cohort figures"),
                                                      QStringLiteral("cohort.") + suffix,
                                                      tr("%1 files (*.%2)").arg(suffix.toUpper(), suffix));
    if (!path.isEmpty())
        exportTo(format, path);
}

void DashboardPage::showError(const QString& message)
{
    m_error->setText(message);
    m_error->show();
}

} // namespace cabas::ui
