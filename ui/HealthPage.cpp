#include "HealthPage.h"
#include "Accessibility.h"
#include "Theme.h"

#include "FollowUpListModel.h"
#include "common/Clock.h"
#include "common/Error.h"
#include "health/CheckupForm.h"
#include "health/HealthCharts.h"
#include "health/HealthImportDialog.h"
#include "health/PreventionStepForm.h"
#include "health/QuestionnaireForm.h"
#include "security/UserService.h"
#include "services/FollowUpSchedule.h"
#include "services/HealthService.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>

namespace cabas::ui {

namespace {
QLabel* makeHeading(const QString& text, QWidget* parent, double scale = 1.6)
{
    auto* label = new QLabel(text, parent);
    QFont f = label->font();
    if (f.pointSizeF() > 0)
        f.setPointSizeF(f.pointSizeF() * scale);
    f.setBold(true);
    label->setFont(f);
    return label;
}

void setUpTable(QAbstractItemView* view, QHeaderView* horizontal, QHeaderView* vertical, bool rowHeaders)
{
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setAlternatingRowColors(true);
    horizontal->setHighlightSections(false);
    horizontal->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    vertical->setDefaultSectionSize(view->fontMetrics().height() + 10);
    vertical->setHighlightSections(false);
    if (!rowHeaders)
        vertical->hide();
}

const QString kMissing = QStringLiteral("—");

// `value` in hundredths, tenths... shown with `decimals` decimals in the user's locale.
QString number(double value, int decimals)
{
    return QLocale().toString(value, 'f', decimals);
}

// Millimetres as centimetres: no decimal when whole.
QString centimetres(int mm)
{
    return mm % 10 == 0 ? QLocale().toString(mm / 10) : number(mm / 10.0, 1);
}

QString frequency(const std::optional<Frequency>& f)
{
    return f ? displayName(*f) : kMissing;
}

// The order of waves: by their number of months (M0, M6, M12 ...), else by name.
bool waveBefore(const QString& a, const QString& b)
{
    bool okA = false;
    bool okB = false;
    const int ma = a.mid(1).toInt(&okA);
    const int mb = b.mid(1).toInt(&okB);
    if (okA && okB && ma != mb)
        return ma < mb;
    if (okA != okB)
        return okA;
    return a < b;
}
} // namespace

HealthPage::HealthPage(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("healthPage"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_stack = new QStackedWidget(this);
    m_stack->setObjectName(QStringLiteral("healthStack"));
    layout->addWidget(m_stack);
    m_worklistPage = buildWorklist();
    m_personView = buildPersonView();
    m_stack->addWidget(m_worklistPage);
    m_stack->addWidget(m_personView);
    m_stack->setCurrentWidget(m_worklistPage);
    a11y::connectLabels(this);
}

QWidget* HealthPage::buildWorklist()
{
    auto* page = new QWidget(m_stack);
    page->setObjectName(QStringLiteral("worklistPage"));
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(24, 24, 24, 20);
    layout->setSpacing(10);

    auto* header = new QHBoxLayout();
    header->addWidget(makeHeading(tr("Health follow-up"), page));
    header->addStretch(1);
    m_count = new QLabel(page);
    m_count->setObjectName(QStringLiteral("worklistCountLabel"));
    header->addWidget(m_count, 0, Qt::AlignBottom);
    header->addSpacing(12);
    auto* import = new QPushButton(tr("&Import a file…"), page);
    import->setObjectName(QStringLiteral("healthImportButton"));
    import->setToolTip(tr("Import checkups.csv or questionnaires.csv"));
    connect(import, &QPushButton::clicked, this, &HealthPage::importRecords);
    header->addWidget(import, 0, Qt::AlignBottom);
    layout->addLayout(header);

    auto* note =
        new QLabel(tr("The follow-up waves of the people who consented to the health follow-up, with "
                      "their window and their status today. Double-click a row (or press Enter) to "
                      "see the person's checkups and questionnaires."),
                   page);
    note->setWordWrap(true);
    layout->addWidget(note);

    auto* filters = new QHBoxLayout();
    filters->setSpacing(8);
    auto* statusLabel = new QLabel(tr("&Status:"), page);
    m_statusFilter = new QComboBox(page);
    m_statusFilter->setObjectName(QStringLiteral("worklistStatus"));
    statusLabel->setBuddy(m_statusFilter);
    using P = FollowUpFilterProxy;
    m_statusFilter->addItem(tr("Due or overdue"), P::maskOf({WaveStatus::Due, WaveStatus::Overdue}));
    m_statusFilter->addItem(tr("All"), P::kAllStatuses);
    m_statusFilter->addItem(displayName(WaveStatus::Due), P::maskOf({WaveStatus::Due}));
    m_statusFilter->addItem(displayName(WaveStatus::Overdue), P::maskOf({WaveStatus::Overdue}));
    m_statusFilter->addItem(displayName(WaveStatus::Done), P::maskOf({WaveStatus::Done}));
    m_statusFilter->addItem(displayName(WaveStatus::Upcoming), P::maskOf({WaveStatus::Upcoming}));
    m_statusFilter->setCurrentIndex(0);
    auto* communeLabel = new QLabel(tr("&Commune:"), page);
    m_communeFilter = new QComboBox(page);
    m_communeFilter->setObjectName(QStringLiteral("worklistCommune"));
    m_communeFilter->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_communeFilter->setMinimumContentsLength(14);
    communeLabel->setBuddy(m_communeFilter);
    filters->addWidget(statusLabel);
    filters->addWidget(m_statusFilter);
    filters->addSpacing(12);
    filters->addWidget(communeLabel);
    filters->addWidget(m_communeFilter);
    filters->addStretch(1);
    layout->addLayout(filters);
    fillCommunes();

    m_worklistError = new QLabel(page);
    m_worklistError->setObjectName(QStringLiteral("worklistErrorLabel"));
    m_worklistError->setWordWrap(true);
    theme::setTone(m_worklistError, theme::Tone::Error);
    m_worklistError->hide();
    layout->addWidget(m_worklistError);

    m_model = new FollowUpListModel(this);
    m_model->setObjectName(QStringLiteral("followUpModel"));
    m_proxy = new FollowUpFilterProxy(this);
    m_proxy->setObjectName(QStringLiteral("followUpProxy"));
    m_proxy->setSourceModel(m_model);

    m_worklist = new QTableView(page);
    m_worklist->setTabKeyNavigation(false); // Tab leaves the list; the arrows move in it
    m_worklist->setAccessibleName(tr("Follow-up worklist"));
    m_worklist->setObjectName(QStringLiteral("worklistView"));
    m_worklist->setModel(m_proxy);
    setUpTable(m_worklist, m_worklist->horizontalHeader(), m_worklist->verticalHeader(), false);
    m_worklist->setWordWrap(false);
    m_worklist->setSortingEnabled(true);
    m_worklist->sortByColumn(FollowUpListModel::TargetColumn, Qt::AscendingOrder);
    m_worklist->horizontalHeader()->setStretchLastSection(true);
    m_worklist->horizontalHeader()->setMinimumSectionSize(40);
    layout->addWidget(m_worklist, 1);

    m_healthAccess = new QLabel(page);
    m_healthAccess->setObjectName(QStringLiteral("healthAccessLabel"));
    m_healthAccess->setWordWrap(true);
    m_healthAccess->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_healthAccess->setToolTip(
        tr("The accounts whose keys open health data. A nurse account is given access "
           "by the next nurse who logs in after an administrator created it or set its "
           "password: if a name surprises you, tell your administrator."));
    m_healthAccess->hide();
    layout->addWidget(m_healthAccess);

    connect(m_statusFilter, &QComboBox::currentIndexChanged, this, &HealthPage::applyFilters);
    connect(m_communeFilter, &QComboBox::currentIndexChanged, this, &HealthPage::applyFilters);
    connect(m_worklist, &QAbstractItemView::activated, this, &HealthPage::openCurrent);
    applyFilters();
    return page;
}

QWidget* HealthPage::buildPersonView()
{
    auto* page = new QWidget(m_stack);
    page->setObjectName(QStringLiteral("personHealthView"));
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(28, 20, 28, 20);
    layout->setSpacing(10);

    auto* top = new QHBoxLayout();
    auto* back = new QPushButton(tr("← &Back to the work list"), page);
    back->setObjectName(QStringLiteral("backToWorklistButton"));
    connect(back, &QPushButton::clicked, this, &HealthPage::showWorklist);
    top->addWidget(back);
    top->addStretch(1);
    layout->addLayout(top);

    m_personTitle = makeHeading(QString(), page, 1.4);
    m_personTitle->setObjectName(QStringLiteral("personTitleLabel"));
    layout->addWidget(m_personTitle);

    m_withdrawnBanner = new QLabel(
        tr("Consent to health follow-up withdrawn: the records are kept, no new record can be made."), page);
    m_withdrawnBanner->setObjectName(QStringLiteral("consentWithdrawnBanner"));
    m_withdrawnBanner->setWordWrap(true);
    theme::setTone(m_withdrawnBanner, theme::Tone::Error, theme::Shape::Box);
    m_withdrawnBanner->hide();
    layout->addWidget(m_withdrawnBanner);

    m_personError = new QLabel(page);
    m_personError->setObjectName(QStringLiteral("personErrorLabel"));
    m_personError->setWordWrap(true);
    theme::setTone(m_personError, theme::Tone::Error);
    m_personError->hide();
    layout->addWidget(m_personError);

    m_recordButtons = new QWidget(page);
    m_recordButtons->setObjectName(QStringLiteral("recordButtons"));
    auto* buttons = new QHBoxLayout(m_recordButtons);
    buttons->setContentsMargins(0, 0, 0, 0);
    auto addButton = [&](const QString& text, const char* name, QDialog* (HealthPage::*open)()) {
        auto* button = new QPushButton(text, m_recordButtons);
        button->setObjectName(QString::fromLatin1(name));
        connect(button, &QPushButton::clicked, this, [this, open] { (this->*open)(); });
        buttons->addWidget(button);
    };
    addButton(tr("New &checkup…"), "newCheckupButton", &HealthPage::newCheckup);
    addButton(tr("New &questionnaire…"), "newQuestionnaireButton", &HealthPage::newQuestionnaire);
    addButton(tr("New &prevention step…"), "newPreventionButton", &HealthPage::newPreventionStep);
    addButton(tr("New &support session…"), "newSupportButton", &HealthPage::newSupportSession);
    buttons->addStretch(1);
    layout->addWidget(m_recordButtons);

    m_tabs = new QTabWidget(page);
    m_tabs->setObjectName(QStringLiteral("personTabs"));
    layout->addWidget(m_tabs, 1);

    // Checkups: the table, and the charts under it.
    auto* checkupTab = new QWidget(m_tabs);
    checkupTab->setObjectName(QStringLiteral("checkupTab"));
    auto* checkupLayout = new QVBoxLayout(checkupTab);
    m_checkups = new QTableWidget(0, 8, checkupTab);
    m_checkups->setTabKeyNavigation(false); // Tab leaves the list; the arrows move in it
    m_checkups->setAccessibleName(tr("Checkups"));
    m_checkups->setObjectName(QStringLiteral("checkupTable"));
    m_checkups->setHorizontalHeaderLabels({tr("Date"), tr("Wave"), tr("Weight (kg)"), tr("Height (cm)"),
                                           tr("BMI"), tr("Waist (cm)"), tr("Blood pressure (mmHg)"),
                                           tr("Glucose (g/L)")});
    setUpTable(m_checkups, m_checkups->horizontalHeader(), m_checkups->verticalHeader(), false);
    m_checkups->horizontalHeader()->setMinimumSectionSize(80);
    m_checkups->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_checkups->setMaximumHeight(m_checkups->fontMetrics().height() * 12);
    checkupLayout->addWidget(m_checkups);
    auto* correctRow = new QHBoxLayout();
    m_correctCheckup = new QPushButton(tr("C&orrect…"), checkupTab);
    m_correctCheckup->setObjectName(QStringLiteral("correctCheckupButton"));
    m_correctCheckup->setToolTip(tr("Correct the selected checkup (a reason is asked and kept)"));
    m_correctCheckup->setEnabled(false);
    connect(m_correctCheckup, &QPushButton::clicked, this, [this] { correctCheckup(); });
    correctRow->addWidget(m_correctCheckup);
    m_checkupHistory = new QLabel(checkupTab);
    m_checkupHistory->setObjectName(QStringLiteral("checkupHistoryLabel"));
    m_checkupHistory->setWordWrap(true);
    m_checkupHistory->setTextInteractionFlags(Qt::TextSelectableByMouse);
    correctRow->addWidget(m_checkupHistory, 1);
    checkupLayout->addLayout(correctRow);
    connect(m_checkups, &QTableWidget::itemSelectionChanged, this, &HealthPage::showCheckupHistory);
    m_noCheckups = new QLabel(tr("No checkup recorded."), checkupTab);
    m_noCheckups->setObjectName(QStringLiteral("noCheckupLabel"));
    m_noCheckups->setEnabled(false);
    checkupLayout->addWidget(m_noCheckups);
    m_charts = new HealthCharts(checkupTab);
    checkupLayout->addWidget(m_charts, 1);
    m_tabs->addTab(checkupTab, tr("Checkups"));

    // Questionnaires: one column per wave, side by side.
    auto* questionnaireTab = new QWidget(m_tabs);
    questionnaireTab->setObjectName(QStringLiteral("questionnaireTab"));
    auto* questionnaireLayout = new QVBoxLayout(questionnaireTab);
    m_questionnaires = new QTableWidget(5, 0, questionnaireTab);
    m_questionnaires->setTabKeyNavigation(false); // Tab leaves the list; the arrows move in it
    m_questionnaires->setAccessibleName(tr("Diet questionnaires"));
    m_questionnaires->setObjectName(QStringLiteral("questionnaireTable"));
    m_questionnaires->setVerticalHeaderLabels({tr("Fruit and vegetable portions a day"),
                                               tr("Organic fruit and vegetables"), tr("Local products"),
                                               tr("Organic products"), tr("Discovered a sustainable shop")});
    setUpTable(m_questionnaires, m_questionnaires->horizontalHeader(), m_questionnaires->verticalHeader(),
               true);
    m_questionnaires->verticalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_questionnaires->horizontalHeader()->setDefaultSectionSize(110);
    questionnaireLayout->addWidget(m_questionnaires, 1);
    m_noQuestionnaires = new QLabel(tr("No questionnaire recorded."), questionnaireTab);
    m_noQuestionnaires->setObjectName(QStringLiteral("noQuestionnaireLabel"));
    m_noQuestionnaires->setEnabled(false);
    questionnaireLayout->addWidget(m_noQuestionnaires);
    m_tabs->addTab(questionnaireTab, tr("Diet questionnaires"));

    m_prevention = new QTableWidget(0, 5, m_tabs);
    m_prevention->setTabKeyNavigation(false); // Tab leaves the list; the arrows move in it
    m_prevention->setAccessibleName(tr("Prevention steps"));
    m_prevention->setObjectName(QStringLiteral("preventionTable"));
    m_prevention->setHorizontalHeaderLabels(
        {tr("Date"), tr("Type"), tr("Partner"), tr("Outcome"), tr("Next step due")});
    setUpTable(m_prevention, m_prevention->horizontalHeader(), m_prevention->verticalHeader(), false);
    m_prevention->horizontalHeader()->setStretchLastSection(true);
    m_tabs->addTab(m_prevention, tr("Prevention"));

    m_support = new QTableWidget(0, 4, m_tabs);
    m_support->setTabKeyNavigation(false); // Tab leaves the list; the arrows move in it
    m_support->setAccessibleName(tr("Support sessions"));
    m_support->setObjectName(QStringLiteral("supportTable"));
    m_support->setHorizontalHeaderLabels({tr("Date"), tr("With"), tr("Topic"), tr("Notes")});
    setUpTable(m_support, m_support->horizontalHeader(), m_support->verticalHeader(), false);
    m_support->horizontalHeader()->setStretchLastSection(true);
    m_tabs->addTab(m_support, tr("Individual support"));
    return page;
}

void HealthPage::load(const store::Database* db, const std::optional<Session>& session)
{
    clear();
    if (!db || !session)
        return;
    m_db = db;
    m_session = session;
    try {
        m_model->setItems(FollowUpSchedule(*db, *session).items(Clock::instance().today()));
    } catch (const Error& e) {
        if (e.kind() == Error::Kind::AccessDenied) {
            clear();
            throw;
        }
        m_worklistError->setText(tr("Cannot read the work list: %1").arg(e.message()));
        m_worklistError->show();
    }
    fillCommunes();
    updateCount();
    fitColumns();
    showHealthAccess();
}

void HealthPage::showHealthAccess()
{
    m_healthAccess->hide();
    if (!m_db || !m_session || !m_session->keys)
        return;
    try {
        const auto access = security::UserService(*m_db, *m_session).healthAccess();
        QStringList names;
        for (const auto& holder : access.holders)
            names << holder.displayName;
        if (names.isEmpty() && !access.recoveryKey)
            return;
        QString text = tr("Health data can be opened by: %1.").arg(QLocale().createSeparatedList(names));
        if (access.recoveryKey)
            text += QLatin1Char(' ') + tr("The recovery key opens it too.");
        m_healthAccess->setText(text);
        m_healthAccess->show();
    } catch (const Error&) {
        // Not a nurse (the page refused already) or the database went away: nothing to show.
    }
}

void HealthPage::fitColumns()
{
    // As narrow as their contents, so that the status and the consent flag stay in view.
    m_worklist->resizeColumnsToContents();
    const int padding = 2;
    for (int column = 0; column < FollowUpListModel::ColumnCount - 1; ++column)
        m_worklist->setColumnWidth(column, m_worklist->columnWidth(column) + padding);
    m_worklist->setColumnWidth(FollowUpListModel::ConsentColumn, 34); // an icon; stretched when there is room
}

void HealthPage::clear()
{
    m_db = nullptr;
    m_session.reset();
    m_model->clear();
    m_worklistError->hide();
    m_healthAccess->hide();
    m_checkups->setRowCount(0);
    m_questionnaires->setColumnCount(0);
    m_prevention->setRowCount(0);
    m_support->setRowCount(0);
    m_charts->clear();
    m_personTitle->clear();
    m_personCode.clear();
    m_personName.clear();
    m_householdCode.clear();
    m_withdrawnBanner->hide();
    m_personError->hide();
    fillCommunes();
    updateCount();
    m_stack->setCurrentWidget(m_worklistPage);
}

void HealthPage::fillCommunes()
{
    const QString previous = m_communeFilter->currentData().toString();
    const QSignalBlocker block(m_communeFilter);
    m_communeFilter->clear();
    m_communeFilter->addItem(tr("All communes"), QString());
    if (m_model)
        for (const QString& commune : m_model->communes())
            m_communeFilter->addItem(commune, commune);
    const int index = m_communeFilter->findData(previous);
    m_communeFilter->setCurrentIndex(index < 0 ? 0 : index);
    if (m_proxy)
        applyFilters();
}

void HealthPage::applyFilters()
{
    m_proxy->setStatusMask(m_statusFilter->currentData().toInt());
    m_proxy->setCommune(m_communeFilter->currentData().toString());
    updateCount();
}

void HealthPage::updateCount()
{
    if (!m_proxy)
        return;
    const int shown = m_proxy->rowCount();
    const int total = m_model->rowCount();
    m_count->setText(shown == total ? tr("%n wave(s)", nullptr, total)
                                    : tr("%1 of %n wave(s)", nullptr, total).arg(QLocale().toString(shown)));
}

void HealthPage::openCurrent(const QModelIndex& proxyIndex)
{
    const QModelIndex source = m_proxy->mapToSource(proxyIndex);
    if (!source.isValid())
        return;
    const FollowUpItem& item = m_model->item(source.row());
    openPerson(item.personCode, item.personName, item.householdCode);
}

bool HealthPage::openPerson(const QString& personCode, const QString& personName,
                            const QString& householdCode)
{
    m_personCode = personCode;
    m_personName = personName;
    m_householdCode = householdCode;
    if (m_householdCode.isEmpty())
        for (int row = 0; row < m_model->rowCount(); ++row)
            if (m_model->item(row).personCode == personCode)
                m_householdCode = m_model->item(row).householdCode;
    m_checkupWaves.clear();
    m_questionnaireWaves.clear();
    m_checkups->setRowCount(0);
    m_checkupList.clear();
    m_questionnaires->setColumnCount(0);
    m_prevention->setRowCount(0);
    m_support->setRowCount(0);
    m_charts->clear();
    m_recordButtons->setEnabled(false);
    m_withdrawnBanner->hide();
    m_personError->hide();
    m_noCheckups->hide();
    m_noQuestionnaires->hide();
    m_personTitle->setText(personName.isEmpty() ? personCode : tr("%1 (%2)").arg(personName, personCode));
    m_stack->setCurrentWidget(m_personView);
    if (!m_db || !m_session)
        return false;

    HealthService::PersonCheckups checkups;
    HealthService::PersonQuestionnaires questionnaires;
    HealthService::PersonPrevention prevention;
    HealthService::PersonSupport support;
    try {
        const HealthService health(*m_db, *m_session);
        checkups = health.checkups(personCode);
        questionnaires = health.questionnaires(personCode);
        prevention = health.preventionSteps(personCode);
        support = health.supportSessions(personCode);
    } catch (const Error& e) {
        m_personError->setText(tr("Cannot read the health records: %1").arg(e.message()));
        m_personError->show();
        return false;
    }
    m_withdrawnBanner->setVisible(checkups.consentWithdrawn || questionnaires.consentWithdrawn);

    auto& list = checkups.checkups;
    std::stable_sort(list.begin(), list.end(),
                     [](const Checkup& a, const Checkup& b) { return a.takenOn < b.takenOn; });
    m_checkups->setRowCount(static_cast<int>(list.size()));
    for (int row = 0; row < static_cast<int>(list.size()); ++row) {
        const Checkup& c = list[static_cast<size_t>(row)];
        const auto bmi = c.bmi();
        QString pressure = kMissing;
        if (c.systolicMmHg && c.diastolicMmHg)
            pressure = QStringLiteral("%1/%2").arg(*c.systolicMmHg).arg(*c.diastolicMmHg);
        else if (c.systolicMmHg || c.diastolicMmHg)
            pressure = QStringLiteral("%1/%2").arg(
                c.systolicMmHg ? QString::number(*c.systolicMmHg) : QStringLiteral("?"),
                c.diastolicMmHg ? QString::number(*c.diastolicMmHg) : QStringLiteral("?"));
        const QStringList cells = {
            QLocale().toString(c.takenOn, QLocale::ShortFormat),
            c.wave,
            c.weightG ? number(*c.weightG / 1000.0, 1) : kMissing,
            c.heightMm ? centimetres(*c.heightMm) : kMissing,
            bmi ? number(*bmi, 1) : kMissing,
            c.waistMm ? centimetres(*c.waistMm) : kMissing,
            pressure,
            c.glucoseMgDl ? number(*c.glucoseMgDl / 100.0, 2) : kMissing,
        };
        for (int column = 0; column < cells.size(); ++column) {
            auto* cell = new QTableWidgetItem(cells.at(column));
            if (column >= 2)
                cell->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            if (!c.notes.isEmpty())
                cell->setToolTip(c.notes);
            m_checkups->setItem(row, column, cell);
        }
    }
    m_noCheckups->setVisible(list.empty());
    m_checkupList = list;
    showCheckupHistory();
    m_charts->setCheckups(list);
    for (const Checkup& c : list)
        m_checkupWaves << c.wave;

    // One column per wave, the latest answers of that wave.
    auto& answers = questionnaires.questionnaires;
    std::stable_sort(
        answers.begin(), answers.end(),
        [](const DietQuestionnaire& a, const DietQuestionnaire& b) { return a.answeredOn < b.answeredOn; });
    QStringList waves;
    for (const DietQuestionnaire& q : answers)
        if (!waves.contains(q.wave))
            waves << q.wave;
    std::sort(waves.begin(), waves.end(), waveBefore);
    m_questionnaires->setColumnCount(static_cast<int>(waves.size()));
    for (int column = 0; column < waves.size(); ++column) {
        const DietQuestionnaire* latest = nullptr;
        for (const DietQuestionnaire& q : answers)
            if (q.wave == waves.at(column))
                latest = &q;
        auto* header = new QTableWidgetItem(waves.at(column));
        header->setToolTip(
            tr("Answered on %1").arg(QLocale().toString(latest->answeredOn, QLocale::ShortFormat)));
        m_questionnaires->setHorizontalHeaderItem(column, header);
        const QStringList cells = {
            latest->fvPortionsX10 ? number(*latest->fvPortionsX10 / 10.0, 1) : kMissing,
            frequency(latest->organicFv),
            frequency(latest->localProducts),
            frequency(latest->organicProducts),
            latest->discoveredSustainableShop ? (*latest->discoveredSustainableShop ? tr("Yes") : tr("No"))
                                              : kMissing,
        };
        for (int row = 0; row < cells.size(); ++row)
            m_questionnaires->setItem(row, column, new QTableWidgetItem(cells.at(row)));
    }
    m_noQuestionnaires->setVisible(answers.empty());
    m_questionnaireWaves = waves;
    fillPrevention(std::move(prevention.steps));
    fillSupport(std::move(support.sessions));
    m_recordButtons->setEnabled(true);
    return true;
}

void HealthPage::fillPrevention(std::vector<PreventionStep> steps)
{
    const QLocale locale;
    m_prevention->setRowCount(static_cast<int>(steps.size()));
    for (int row = 0; row < static_cast<int>(steps.size()); ++row) {
        const PreventionStep& s = steps[static_cast<size_t>(row)];
        const QStringList cells = {
            locale.toString(s.doneOn, QLocale::ShortFormat),
            displayName(s.type),
            s.partner.isEmpty() ? kMissing : s.partner,
            s.outcome.isEmpty() ? kMissing : s.outcome,
            s.nextDueOn.isValid() ? locale.toString(s.nextDueOn, QLocale::ShortFormat) : kMissing,
        };
        for (int column = 0; column < cells.size(); ++column) {
            auto* cell = new QTableWidgetItem(cells.at(column));
            if (!s.notes.isEmpty())
                cell->setToolTip(s.notes);
            m_prevention->setItem(row, column, cell);
        }
    }
    m_prevention->resizeColumnsToContents();
}

void HealthPage::fillSupport(std::vector<SupportSession> sessions)
{
    const QLocale locale;
    m_support->setRowCount(static_cast<int>(sessions.size()));
    for (int row = 0; row < static_cast<int>(sessions.size()); ++row) {
        const SupportSession& s = sessions[static_cast<size_t>(row)];
        const QStringList cells = {
            locale.toString(s.heldOn, QLocale::ShortFormat),
            s.personId == 0 ? tr("The household") : tr("The person"),
            s.topic,
            s.notes,
        };
        for (int column = 0; column < cells.size(); ++column) {
            auto* cell = new QTableWidgetItem(cells.at(column));
            if (column == 3)
                cell->setToolTip(s.notes);
            m_support->setItem(row, column, cell);
        }
    }
    m_support->resizeColumnsToContents();
}

QDialog* HealthPage::showForm(QDialog* form)
{
    form->setAttribute(Qt::WA_DeleteOnClose);
    form->setWindowModality(Qt::WindowModal);
    connect(form, &QDialog::accepted, this, [this] {
        if (m_session && m_db) {
            const QString code = m_personCode;
            const QString name = m_personName;
            const QString household = m_householdCode;
            try {
                m_model->setItems(FollowUpSchedule(*m_db, *m_session).items(Clock::instance().today()));
            } catch (const Error&) {
            }
            updateCount();
            openPerson(code, name, household);
        }
    });
    form->open();
    return form;
}

QDialog* HealthPage::newCheckup()
{
    if (!m_db || !m_session || m_personCode.isEmpty())
        return nullptr;
    return showForm(new CheckupForm(*m_db, *m_session, m_personCode, m_personName, m_checkupWaves, this));
}

// The selected checkup's corrections, under the list (a read of health data, audited by the core).
void HealthPage::showCheckupHistory()
{
    const int row = m_checkups->currentRow();
    const bool selected = m_checkups->selectionModel() && m_checkups->selectionModel()->hasSelection() &&
                          row >= 0 && row < int(m_checkupList.size());
    m_correctCheckup->setEnabled(selected);
    m_checkupHistory->clear();
    if (!selected || !m_db || !m_session)
        return;
    try {
        const auto corrections =
            HealthService(*m_db, *m_session).checkupCorrections(m_personCode, m_checkupList[size_t(row)].id);
        QStringList lines;
        for (const CheckupCorrection& c : corrections)
            lines << tr("Corrected on %1 by %2: %3")
                         .arg(QLocale().toString(c.correctedAt.toLocalTime(), QLocale::ShortFormat),
                              c.correctedBy, c.reason);
        m_checkupHistory->setText(lines.isEmpty() ? tr("Never corrected.") : lines.join(QLatin1Char('\n')));
    } catch (const Error& e) {
        m_checkupHistory->setText(e.message());
    }
}

QDialog* HealthPage::correctCheckup()
{
    const int row = m_checkups->currentRow();
    if (!m_db || !m_session || m_personCode.isEmpty() || row < 0 || row >= int(m_checkupList.size()))
        return nullptr;
    return showForm(
        new CheckupForm(*m_db, *m_session, m_personCode, m_personName, m_checkupList[size_t(row)], this));
}

QDialog* HealthPage::newQuestionnaire()
{
    if (!m_db || !m_session || m_personCode.isEmpty())
        return nullptr;
    return showForm(
        new QuestionnaireForm(*m_db, *m_session, m_personCode, m_personName, m_questionnaireWaves, this));
}

QDialog* HealthPage::newPreventionStep()
{
    if (!m_db || !m_session || m_personCode.isEmpty())
        return nullptr;
    return showForm(new PreventionStepForm(*m_db, *m_session, m_personCode, m_personName, this));
}

QDialog* HealthPage::newSupportSession()
{
    if (!m_db || !m_session || m_personCode.isEmpty())
        return nullptr;
    return showForm(
        new SupportSessionForm(*m_db, *m_session, m_personCode, m_personName, m_householdCode, this));
}

QDialog* HealthPage::importRecords()
{
    if (!m_db || !m_session)
        return nullptr;
    auto* dialog = new HealthImportDialog(*m_db, *m_session, HealthImportDialog::Kind::Checkups, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    connect(dialog, &QDialog::finished, this, [this, dialog] {
        if (dialog->imported() > 0 && m_db && m_session) {
            try {
                m_model->setItems(FollowUpSchedule(*m_db, *m_session).items(Clock::instance().today()));
            } catch (const Error& e) {
                m_worklistError->setText(tr("Cannot read the work list: %1").arg(e.message()));
                m_worklistError->show();
            }
            fillCommunes();
            updateCount();
        }
    });
    dialog->open();
    return dialog;
}

void HealthPage::showWorklist()
{
    m_stack->setCurrentWidget(m_worklistPage);
    m_worklist->setFocus();
}

} // namespace cabas::ui
