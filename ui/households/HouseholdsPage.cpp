#include "households/HouseholdsPage.h"
#include "Accessibility.h"
#include "Theme.h"

#include "HouseholdTableModel.h"
#include "common/Error.h"
#include "households/CaseFileView.h"
#include "households/EnrolmentWizard.h"
#include "households/PersonsImportDialog.h"
#include "security/Access.h"
#include "services/HouseholdService.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPointer>
#include <QPushButton>
#include <QTableView>
#include <QTableWidget>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>

namespace cabas::ui {

HouseholdsPage::HouseholdsPage(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("householdsPage"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(28, 24, 28, 20);
    layout->setSpacing(10);

    auto* header = new QHBoxLayout();
    auto* title = new QLabel(tr("Households"), this);
    QFont big = title->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    big.setBold(true);
    title->setFont(big);
    header->addWidget(title);
    header->addStretch(1);
    m_enrol = new QPushButton(tr("&Enrol a household…"), this);
    m_enrol->setObjectName(QStringLiteral("enrolButton"));
    header->addWidget(m_enrol);
    m_import = new QPushButton(tr("&Import persons.csv…"), this);
    m_import->setObjectName(QStringLiteral("importPersonsButton"));
    header->addWidget(m_import);
    layout->addLayout(header);

    m_maskNote = new QLabel(
        tr("Your role sees the households by code only: names and addresses are not shown."), this);
    m_maskNote->setObjectName(QStringLiteral("householdMaskNote"));
    m_maskNote->setWordWrap(true);
    theme::setTone(m_maskNote, theme::Tone::Warning, theme::Shape::Box);
    m_maskNote->hide();
    layout->addWidget(m_maskNote);

    auto* filters = new QHBoxLayout();
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("householdSearchEdit"));
    m_search->setPlaceholderText(tr("Search: household code, name or commune"));
    m_search->setClearButtonEnabled(true);
    a11y::markSearchField(m_search, tr("Search households"));
    filters->addWidget(m_search, 3);
    m_status = new QComboBox(this);
    m_status->setObjectName(QStringLiteral("householdStatusFilter"));
    m_status->addItem(tr("Any status"));
    for (HouseholdStatus s : {HouseholdStatus::Candidate, HouseholdStatus::Enrolled,
                              HouseholdStatus::Suspended, HouseholdStatus::Exited})
        m_status->addItem(displayName(s), static_cast<int>(s));
    m_status->setAccessibleName(tr("Status"));
    filters->addWidget(m_status, 1);
    m_commune = new QComboBox(this);
    m_commune->setObjectName(QStringLiteral("householdCommuneFilter"));
    m_commune->setAccessibleName(tr("Commune"));
    filters->addWidget(m_commune, 1);
    m_referent = new QComboBox(this);
    m_referent->setObjectName(QStringLiteral("householdReferentFilter"));
    m_referent->setAccessibleName(tr("Referent"));
    filters->addWidget(m_referent, 1);
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("householdCountLabel"));
    filters->addWidget(m_count);
    layout->addLayout(filters);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("householdErrorLabel"));
    m_error->setWordWrap(true);
    theme::setTone(m_error, theme::Tone::Error);
    m_error->hide();
    layout->addWidget(m_error);

    m_model = new HouseholdTableModel(this);
    m_model->setObjectName(QStringLiteral("householdModel"));
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("householdTable"));
    m_table->setAccessibleName(tr("Households"));
    m_table->setTabKeyNavigation(false); // Tab leaves the table; the arrows move in it
    m_table->setModel(m_model);
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSortIndicator(HouseholdTableModel::CodeColumn, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 10);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_table->setColumnWidth(HouseholdTableModel::CodeColumn, 100);
    m_table->setColumnWidth(HouseholdTableModel::AddressColumn, 200);
    m_table->setColumnWidth(HouseholdTableModel::CommuneColumn, 170);
    m_table->setColumnWidth(HouseholdTableModel::StatusColumn, 100);
    m_table->setColumnWidth(HouseholdTableModel::NamesColumn, 240);
    m_table->setColumnWidth(HouseholdTableModel::MembersColumn, 60);
    a11y::fitColumnsToHeaders(m_table);
    layout->addWidget(m_table, 3);

    auto* under = new QHBoxLayout();
    m_membersTitle = new QLabel(tr("Members (choose a household above)"), this);
    m_membersTitle->setObjectName(QStringLiteral("membersTitle"));
    QFont bold = m_membersTitle->font();
    bold.setBold(true);
    m_membersTitle->setFont(bold);
    under->addWidget(m_membersTitle);
    under->addStretch(1);
    m_open = new QPushButton(tr("&Open the case file"), this);
    m_open->setObjectName(QStringLiteral("openCaseFileButton"));
    m_open->setEnabled(false);
    under->addWidget(m_open);
    layout->addLayout(under);

    m_members = new QTableWidget(0, 5, this);
    m_members->setObjectName(QStringLiteral("memberTable"));
    m_members->setAccessibleName(tr("Members"));
    m_members->setTabKeyNavigation(false);
    m_members->setHorizontalHeaderLabels(
        {tr("Code"), tr("First name"), tr("Last name"), tr("Born on"), tr("Role")});
    m_members->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_members->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_members->setAlternatingRowColors(true);
    m_members->verticalHeader()->hide();
    m_members->horizontalHeader()->setStretchLastSection(true);
    m_members->setColumnWidth(0, 120);
    m_members->setColumnWidth(1, 160);
    m_members->setColumnWidth(2, 160);
    a11y::fitColumnsToHeaders(m_members);
    layout->addWidget(m_members, 1);

    m_searchTimer = new QTimer(this);
    m_searchTimer->setObjectName(QStringLiteral("householdSearchTimer"));
    m_searchTimer->setSingleShot(true);
    m_searchTimer->setInterval(kSearchDelayMs);
    connect(m_searchTimer, &QTimer::timeout, this, &HouseholdsPage::applyQuery);
    connect(m_search, &QLineEdit::textChanged, m_searchTimer, qOverload<>(&QTimer::start));
    connect(m_search, &QLineEdit::returnPressed, this, &HouseholdsPage::applyQuery);
    for (QComboBox* box : {m_status, m_commune, m_referent})
        connect(box, &QComboBox::activated, this, &HouseholdsPage::applyQuery);
    connect(m_model, &HouseholdTableModel::totalChanged, this, &HouseholdsPage::updateCount);
    connect(m_model, &HouseholdTableModel::fetchFailed, this, &HouseholdsPage::showError);
    connect(m_model, &QAbstractItemModel::modelReset, this, &HouseholdsPage::showMembers);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &HouseholdsPage::showMembers);
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex& index) {
        if (index.isValid())
            openCaseFile(m_model->household(index.row()).code);
    });
    connect(m_open, &QPushButton::clicked, this, [this] {
        const QModelIndex current = m_table->currentIndex();
        if (current.isValid())
            openCaseFile(m_model->household(current.row()).code);
    });
    connect(m_enrol, &QPushButton::clicked, this, &HouseholdsPage::newEnrolment);
    connect(m_import, &QPushButton::clicked, this, &HouseholdsPage::importPersons);
    updateCount();
    a11y::connectLabels(this);
}

void HouseholdsPage::fillFilters()
{
    m_commune->clear();
    m_commune->addItem(tr("Any commune"));
    m_referent->clear();
    m_referent->addItem(tr("Any referent"), qint64(0));
    if (!m_db || !m_session)
        return;
    try {
        for (const QString& c : HouseholdService(*m_db, *m_session).communes())
            m_commune->addItem(c, c);
    } catch (const Error&) {
    }
    m_referent->addItem(tr("My households"), m_session->user.id);
    m_referent->addItem(tr("No referent yet"), qint64(-1));
}

void HouseholdsPage::load(const store::Database* db, const std::optional<Session>& session)
{
    m_db = db;
    m_session = session;
    m_error->hide();
    m_maskNote->setVisible(session && !AccessPolicy::seesAddresses(session->role()));
    const bool writes = session && AccessPolicy::allows(session->role(), DataKind::Households, Action::Write);
    m_enrol->setVisible(writes);
    m_import->setVisible(writes);
    const bool names = !session || AccessPolicy::seesAddresses(session->role());
    m_table->setColumnHidden(HouseholdTableModel::AddressColumn, !names);
    m_table->setColumnHidden(HouseholdTableModel::NamesColumn, !names);
    m_search->setPlaceholderText(names ? tr("Search: household code, name or commune")
                                       : tr("Search: household code or commune"));
    fillFilters();
    if (db && session && AccessPolicy::allows(session->role(), DataKind::Households, Action::Read) &&
        !HouseholdService(*db, *session).searchReady()) {
        prepareSearch();
        return;
    }
    try {
        m_model->setSource(db, session);
    } catch (const Error& e) {
        if (e.kind() == Error::Kind::AccessDenied)
            throw;
        showError(tr("Cannot read the households: %1").arg(e.message()));
    }
}

HouseholdsPage::~HouseholdsPage()
{
    waitForPreparation();
}

bool HouseholdsPage::preparing() const
{
    return m_preparing;
}

void HouseholdsPage::waitForPreparation()
{
    if (!m_prepare)
        return;
    m_prepare->wait();
    delete m_prepare;
    m_prepare = nullptr;
}

void HouseholdsPage::prepareSearch()
{
    waitForPreparation();
    m_model->clear();
    m_preparing = true;
    m_search->setEnabled(false);
    m_count->setText(tr("Preparing the search (names are encrypted)…"));
    const store::Database* db = m_db;
    const Session session = *m_session;
    const quint64 run = ++m_prepareRun;
    QPointer<HouseholdsPage> self(this);
    // The worker opens its own connection: a Qt SQL connection belongs to the thread that opened it.
    m_prepare = QThread::create([=] {
        QString error;
        try {
            auto connection = db->reopen();
            HouseholdService(*connection, session).prepareSearch();
        } catch (const Error& e) {
            error = e.message();
        } catch (const std::exception& e) {
            error = QString::fromLocal8Bit(e.what());
        }
        QMetaObject::invokeMethod(self.data(), [self, run, error] {
            if (self)
                self->searchPrepared(run, error);
        });
    });
    m_prepare->setObjectName(QStringLiteral("cabas-name-index"));
    m_prepare->start();
}

void HouseholdsPage::searchPrepared(quint64 run, const QString& error)
{
    if (run != m_prepareRun || !m_db || !m_session)
        return;
    m_preparing = false;
    m_search->setEnabled(true);
    if (!error.isEmpty()) {
        showError(tr("Cannot prepare the search: %1").arg(error));
        return;
    }
    try {
        m_model->setSource(m_db, m_session);
    } catch (const Error& e) {
        showError(tr("Cannot read the households: %1").arg(e.message()));
    }
}

void HouseholdsPage::clear()
{
    ++m_prepareRun; // a preparation still running is dropped when it ends
    m_preparing = false;
    m_search->setEnabled(true);
    m_searchTimer->stop();
    m_model->clear();
    m_members->setRowCount(0);
    m_error->hide();
    m_maskNote->hide();
    m_db = nullptr;
    m_session.reset();
}

void HouseholdsPage::applyQuery()
{
    m_searchTimer->stop();
    HouseholdQuery q = m_model->query();
    q.text = m_search->text();
    q.status.reset();
    if (m_status->currentIndex() > 0)
        q.status = static_cast<HouseholdStatus>(m_status->currentData().toInt());
    q.commune = m_commune->currentIndex() > 0 ? m_commune->currentData().toString() : QString();
    q.referentUserId = m_referent->currentData().toLongLong();
    m_error->hide();
    try {
        m_model->setQuery(q);
    } catch (const Error& e) {
        showError(e.message());
    }
}

void HouseholdsPage::updateCount()
{
    const qint64 total = m_model->totalCount();
    m_count->setText(
        m_model->countCapped()
            ? tr("more than %1 households").arg(QLocale().toString(HouseholdTableModel::kCountLimit))
            : tr("%1 household(s)").arg(QLocale().toString(total)));
}

void HouseholdsPage::showError(const QString& message)
{
    m_error->setText(message);
    m_error->show();
}

void HouseholdsPage::showMembers()
{
    m_members->setRowCount(0);
    const QModelIndex current = m_table->currentIndex();
    m_open->setEnabled(current.isValid());
    if (!current.isValid() || !m_db || !m_session) {
        m_membersTitle->setText(tr("Members (choose a household above)"));
        return;
    }
    const Household& household = m_model->household(current.row());
    m_membersTitle->setText(tr("Members of %1").arg(household.code));
    std::vector<Person> members;
    try {
        members = HouseholdService(*m_db, *m_session).members(household.id);
    } catch (const Error& e) {
        showError(e.message());
        return;
    }
    m_members->setRowCount(static_cast<int>(members.size()));
    for (int row = 0; row < static_cast<int>(members.size()); ++row) {
        const Person& p = members[static_cast<size_t>(row)];
        const QStringList cells = {
            p.code, p.firstName, p.lastName,
            p.birthDate.isValid() ? QLocale().toString(p.birthDate, QLocale::ShortFormat) : QString(),
            displayName(p.role)};
        for (int column = 0; column < cells.size(); ++column)
            m_members->setItem(row, column, new QTableWidgetItem(cells.at(column)));
    }
}

CaseFileView* HouseholdsPage::openCaseFile(const QString& householdCode)
{
    if (!m_db || !m_session)
        return nullptr;
    auto* view = new CaseFileView(*m_db, *m_session, this);
    if (!view->load(householdCode)) {
        showError(view->loadError());
        delete view;
        return nullptr;
    }
    connect(view, &CaseFileView::saved, this, [this] {
        try {
            m_model->reload();
        } catch (const Error& e) {
            showError(e.message());
        }
    });
    view->show();
    return view;
}

EnrolmentWizard* HouseholdsPage::newEnrolment()
{
    if (!m_db || !m_session)
        return nullptr;
    auto* wizard = new EnrolmentWizard(*m_db, *m_session, this);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    wizard->setWindowModality(Qt::WindowModal);
    connect(wizard, &EnrolmentWizard::enrolled, this, [this](const QString& code) {
        fillFilters();
        applyQuery();
        openCaseFile(code);
    });
    connect(wizard, &EnrolmentWizard::openHouseholdRequested, this, &HouseholdsPage::openCaseFile);
    wizard->show();
    return wizard;
}

PersonsImportDialog* HouseholdsPage::importPersons()
{
    if (!m_db || !m_session)
        return nullptr;
    auto* dialog = new PersonsImportDialog(*m_db, *m_session, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    connect(dialog, &PersonsImportDialog::imported, this, [this] {
        fillFilters();
        applyQuery();
    });
    dialog->show();
    return dialog;
}

} // namespace cabas::ui
