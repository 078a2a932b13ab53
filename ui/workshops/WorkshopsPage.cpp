#include "workshops/WorkshopsPage.h"
#include "Accessibility.h"
#include "Theme.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "security/Access.h"
#include "services/WorkshopService.h"
#include "workshops/WorkshopDialogs.h"
#include "workshops/WorkshopMonthModel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

namespace cabas::ui {

namespace {
QPushButton* button(QWidget* parent, const QString& text, const char* name)
{
    auto* b = new QPushButton(text, parent);
    b->setObjectName(QString::fromLatin1(name));
    return b;
}
} // namespace

WorkshopsPage::WorkshopsPage(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("workshopsPage"));
    auto* layout = new QVBoxLayout(this);

    auto* top = new QHBoxLayout;
    auto* previous = button(this, tr("◀ Previous month"), "workshopPreviousMonth");
    auto* next = button(this, tr("Next month ▶"), "workshopNextMonth");
    auto* today = button(this, tr("This &month"), "workshopThisMonth");
    // The months with the keyboard: Ctrl+Page Up / Ctrl+Page Down, named in the tooltips.
    previous->setAccessibleName(tr("Previous month"));
    previous->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_PageUp));
    previous->setToolTip(a11y::withShortcut(tr("Previous month"), previous->shortcut().toString()));
    next->setAccessibleName(tr("Next month"));
    next->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_PageDown));
    next->setToolTip(a11y::withShortcut(tr("Next month"), next->shortcut().toString()));
    m_monthLabel = new QLabel(this);
    m_monthLabel->setObjectName(QStringLiteral("workshopMonthLabel"));
    QFont big = m_monthLabel->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    big.setBold(true);
    m_monthLabel->setFont(big);
    m_monthLabel->setMinimumWidth(180);
    m_monthLabel->setAlignment(Qt::AlignCenter);
    m_newButton = button(this, tr("&New workshop…"), "newWorkshopButton");
    m_importButton = button(this, tr("&Import attendance…"), "importAttendanceButton");
    top->addWidget(previous);
    top->addWidget(m_monthLabel);
    top->addWidget(next);
    top->addWidget(today);
    top->addStretch(1);
    top->addWidget(m_newButton);
    top->addWidget(m_importButton);
    layout->addLayout(top);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("workshopError"));
    m_error->setWordWrap(true);
    theme::setTone(m_error, theme::Tone::Error);
    m_error->hide();
    layout->addWidget(m_error);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    auto* monthPane = new QWidget(splitter);
    auto* monthLayout = new QVBoxLayout(monthPane);
    monthLayout->setContentsMargins(0, 0, 0, 0);
    m_model = new WorkshopMonthModel(this);
    m_table = new QTableView(monthPane);
    m_table->setTabKeyNavigation(false); // Tab leaves the list; the arrows move in it
    m_table->setAccessibleName(tr("Workshops of the month"));
    m_table->setObjectName(QStringLiteral("workshopTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(true);
    monthLayout->addWidget(m_table);
    m_empty = new QLabel(tr("No workshop this month."), monthPane);
    m_empty->setObjectName(QStringLiteral("workshopEmptyLabel"));
    m_empty->hide();
    monthLayout->addWidget(m_empty);

    auto* detailPane = new QWidget(splitter);
    auto* detailLayout = new QVBoxLayout(detailPane);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    m_details = new QLabel(detailPane);
    m_details->setObjectName(QStringLiteral("workshopDetails"));
    m_details->setWordWrap(true);
    m_details->setTextFormat(Qt::RichText);
    detailLayout->addWidget(m_details);
    m_registrations = new QTableWidget(0, 4, detailPane);
    m_registrations->setTabKeyNavigation(false); // Tab leaves the list; the arrows move in it
    m_registrations->setAccessibleName(tr("Registrations"));
    m_registrations->setObjectName(QStringLiteral("registrationTable"));
    m_registrations->setHorizontalHeaderLabels(
        {tr("Person"), tr("Household"), tr("Registration"), tr("Attendance")});
    m_registrations->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_registrations->setSelectionMode(QAbstractItemView::SingleSelection);
    m_registrations->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_registrations->verticalHeader()->hide();
    m_registrations->horizontalHeader()->setStretchLastSection(true);
    detailLayout->addWidget(m_registrations, 1);
    m_writeActions = new QWidget(detailPane);
    auto* actions = new QHBoxLayout(m_writeActions);
    actions->setContentsMargins(0, 0, 0, 0);
    m_registerButton = button(m_writeActions, tr("&Register…"), "registerButton");
    m_cancelRegistrationButton =
        button(m_writeActions, tr("Cancel the registration"), "cancelRegistrationButton");
    m_tickButton = button(m_writeActions, tr("&Tick-list of the day…"), "tickListButton");
    m_editButton = button(m_writeActions, tr("&Edit…"), "editWorkshopButton");
    m_cancelWorkshopButton = button(m_writeActions, tr("Cancel the workshop"), "cancelWorkshopButton");
    for (QPushButton* b :
         {m_registerButton, m_cancelRegistrationButton, m_tickButton, m_editButton, m_cancelWorkshopButton})
        actions->addWidget(b);
    actions->addStretch(1);
    detailLayout->addWidget(m_writeActions);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    layout->addWidget(splitter, 1);

    connect(previous, &QPushButton::clicked, this, &WorkshopsPage::previousMonth);
    connect(next, &QPushButton::clicked, this, &WorkshopsPage::nextMonth);
    connect(today, &QPushButton::clicked, this, [this] { showMonth(Clock::instance().today()); });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &WorkshopsPage::showDetails);
    connect(m_newButton, &QPushButton::clicked, this, &WorkshopsPage::newWorkshop);
    connect(m_importButton, &QPushButton::clicked, this, &WorkshopsPage::importAttendance);
    connect(m_editButton, &QPushButton::clicked, this, &WorkshopsPage::editWorkshop);
    connect(m_registerButton, &QPushButton::clicked, this, &WorkshopsPage::registerPersons);
    connect(m_tickButton, &QPushButton::clicked, this, &WorkshopsPage::tickList);
    connect(m_registrations, &QTableWidget::itemSelectionChanged, this,
            [this] { m_cancelRegistrationButton->setEnabled(m_registrations->currentRow() >= 0); });
    connect(m_cancelRegistrationButton, &QPushButton::clicked, this, [this] {
        const int row = m_registrations->currentRow();
        if (row < 0)
            return;
        if (QMessageBox::question(
                this, tr("Cancel the registration"),
                tr("Cancel the registration of %1?").arg(m_registrations->item(row, 0)->text())) ==
            QMessageBox::Yes)
            cancelSelectedRegistration();
    });
    connect(m_cancelWorkshopButton, &QPushButton::clicked, this, [this] {
        if (QMessageBox::question(this, tr("Cancel the workshop"),
                                  tr("Cancel this workshop? Its registrations are kept, for the record.")) ==
            QMessageBox::Yes)
            cancelWorkshop();
    });
    clear();
    a11y::connectLabels(this);
}

void WorkshopsPage::load(const store::Database* db, const std::optional<Session>& session)
{
    clear();
    m_db = db;
    m_session = session;
    if (!m_db || !m_session)
        return;
    // Asks the core first: a refusal is audited and shown by the main window.
    WorkshopService(*m_db, *m_session).month(m_month.year(), m_month.month());
    const bool canWrite = AccessPolicy::allows(m_session->role(), DataKind::Workshops, Action::Write);
    m_newButton->setVisible(canWrite);
    m_importButton->setVisible(canWrite);
    m_writeActions->setVisible(canWrite);
    reloadMonth();
}

void WorkshopsPage::clear()
{
    m_db = nullptr;
    m_session.reset();
    if (!m_month.isValid()) {
        const QDate today = Clock::instance().today();
        m_month = QDate(today.year(), today.month(), 1);
    }
    m_model->setWorkshops({});
    m_registrations->setRowCount(0);
    m_details->clear();
    m_error->hide();
    m_monthLabel->setText(QLocale().standaloneMonthName(m_month.month()) + QLatin1Char(' ') +
                          QString::number(m_month.year()));
    showDetails();
}

void WorkshopsPage::showMonth(const QDate& anyDayOfMonth)
{
    if (!anyDayOfMonth.isValid())
        return;
    m_month = QDate(anyDayOfMonth.year(), anyDayOfMonth.month(), 1);
    reloadMonth();
}

void WorkshopsPage::previousMonth()
{
    showMonth(m_month.addMonths(-1));
}

void WorkshopsPage::nextMonth()
{
    showMonth(m_month.addMonths(1));
}

void WorkshopsPage::reloadMonth()
{
    const qint64 selected = currentWorkshopId();
    QString label =
        QLocale().standaloneMonthName(m_month.month()) + QLatin1Char(' ') + QString::number(m_month.year());
    label[0] = label[0].toUpper();
    m_monthLabel->setText(label);
    m_error->hide();
    if (!m_db || !m_session) {
        m_model->setWorkshops({});
        showDetails();
        return;
    }
    try {
        m_model->setWorkshops(WorkshopService(*m_db, *m_session).month(m_month.year(), m_month.month()));
    } catch (const Error& e) {
        m_model->setWorkshops({});
        showError(e.message());
    }
    m_table->resizeColumnsToContents();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_empty->setVisible(m_model->rowCount() == 0);
    if (!selectWorkshop(selected) && m_model->rowCount() > 0)
        m_table->selectRow(0);
    showDetails();
}

bool WorkshopsPage::selectWorkshop(qint64 workshopId)
{
    const int row = workshopId ? m_model->rowOf(workshopId) : -1;
    if (row < 0)
        return false;
    m_table->selectRow(row);
    m_table->setCurrentIndex(m_model->index(row, 0));
    showDetails();
    return true;
}

qint64 WorkshopsPage::currentWorkshopId() const
{
    const QModelIndex index = m_table->currentIndex();
    const WorkshopSummary* s = index.isValid() ? m_model->at(index.row()) : nullptr;
    return s ? s->workshop.id : 0;
}

void WorkshopsPage::showDetails()
{
    m_registrations->setRowCount(0);
    const QModelIndex index = m_table->currentIndex();
    const WorkshopSummary* s = index.isValid() ? m_model->at(index.row()) : nullptr;
    for (QPushButton* b : {m_registerButton, m_tickButton, m_editButton, m_cancelWorkshopButton})
        b->setEnabled(s && !s->workshop.isCancelled());
    m_cancelRegistrationButton->setEnabled(false);
    if (!s || !m_db || !m_session) {
        m_details->setText(s ? QString() : tr("Choose a workshop to see its registrations."));
        return;
    }
    const Workshop& w = s->workshop;
    const QLocale locale;
    QString when = locale.toString(w.heldOn, QLocale::LongFormat);
    if (w.startTime.isValid())
        when += QStringLiteral(", ") + locale.toString(w.startTime, QLocale::ShortFormat);
    QStringList lines = {QStringLiteral("<b>%1</b> — %2").arg(w.title.toHtmlEscaped(), displayName(w.type)),
                         when.toHtmlEscaped()};
    if (!w.place.isEmpty() || !w.partner.isEmpty())
        lines << tr("Place: %1").arg(w.place.toHtmlEscaped()) +
                     (w.partner.isEmpty()
                          ? QString()
                          : QStringLiteral(" — ") + tr("partner: %1").arg(w.partner.toHtmlEscaped()));
    QString places = w.hasLimit() ? tr("%1 registered for %2 places (%3 left)")
                                        .arg(s->registered)
                                        .arg(w.capacity)
                                        .arg(*s->placesLeft())
                                  : tr("%1 registered (no limit)").arg(s->registered);
    if (s->waiting)
        places += QStringLiteral(", ") + tr("%n on the waiting list", nullptr, s->waiting);
    lines << places;
    if (s->present + s->absent)
        lines << tr("Attendance: %1 present, %2 absent").arg(s->present).arg(s->absent);
    if (w.isCancelled())
        lines << theme::span(tr("Cancelled on %1").arg(locale.toString(w.cancelledOn, QLocale::ShortFormat)),
                             theme::Tone::Error);
    if (!w.notes.isEmpty())
        lines << w.notes.toHtmlEscaped();
    m_details->setText(lines.join(QStringLiteral("<br>")));
    try {
        for (const RegistrationRow& r : WorkshopService(*m_db, *m_session).registrations(w.id)) {
            const int row = m_registrations->rowCount();
            m_registrations->insertRow(row);
            QString status = displayName(r.registration.status);
            if (r.registration.status == RegistrationStatus::Waiting)
                status = tr("Waiting list (%1)").arg(r.waitingRank);
            else if (r.registration.status == RegistrationStatus::Cancelled)
                status = tr("Cancelled on %1")
                             .arg(locale.toString(Clock::localDate(r.registration.cancelledAt),
                                                  QLocale::ShortFormat));
            const QString attendance = !r.registration.attended   ? QString()
                                       : *r.registration.attended ? tr("Present")
                                                                  : tr("Absent");
            const QStringList cells = {QStringLiteral("%1 (%2)").arg(r.personName, r.personCode),
                                       r.householdCode, status, attendance};
            for (int c = 0; c < cells.size(); ++c) {
                auto* item = new QTableWidgetItem(cells[c]);
                item->setData(Qt::UserRole, r.personCode);
                if (r.registration.status == RegistrationStatus::Cancelled)
                    item->setForeground(theme::foreground(theme::Tone::Muted));
                m_registrations->setItem(row, c, item);
            }
        }
    } catch (const Error& e) {
        showError(e.message());
    }
    m_registrations->resizeColumnsToContents();
    m_registrations->horizontalHeader()->setStretchLastSection(true);
}

void WorkshopsPage::showError(const QString& message, bool isError)
{
    theme::setTone(m_error, isError ? theme::Tone::Error : theme::Tone::Success);
    m_error->setText(message);
    m_error->show();
}

QDialog* WorkshopsPage::openDialog(QDialog* dialog)
{
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    connect(dialog, &QDialog::finished, this, [this] { reloadMonth(); });
    dialog->show();
    return dialog;
}

QDialog* WorkshopsPage::newWorkshop()
{
    if (!m_db || !m_session)
        return nullptr;
    Workshop w;
    const QDate today = Clock::instance().today();
    w.heldOn = (today.year() == m_month.year() && today.month() == m_month.month()) ? today : m_month;
    auto* dialog = new WorkshopEditorDialog(*m_db, *m_session, w, this);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        m_month = QDate(dialog->workshop().heldOn.year(), dialog->workshop().heldOn.month(), 1);
        reloadMonth();
        selectWorkshop(dialog->workshop().id);
    });
    return openDialog(dialog);
}

QDialog* WorkshopsPage::editWorkshop()
{
    const QModelIndex index = m_table->currentIndex();
    const WorkshopSummary* s = index.isValid() ? m_model->at(index.row()) : nullptr;
    if (!s || !m_db || !m_session || s->workshop.isCancelled())
        return nullptr;
    return openDialog(new WorkshopEditorDialog(*m_db, *m_session, s->workshop, this));
}

QDialog* WorkshopsPage::registerPersons()
{
    const qint64 id = currentWorkshopId();
    if (!id || !m_db || !m_session)
        return nullptr;
    auto* dialog = new RegisterPersonsDialog(*m_db, *m_session, id, this);
    connect(dialog, &RegisterPersonsDialog::registered, this, [this] { reloadMonth(); });
    return openDialog(dialog);
}

QDialog* WorkshopsPage::tickList()
{
    const qint64 id = currentWorkshopId();
    if (!id || !m_db || !m_session)
        return nullptr;
    try {
        return openDialog(new TickListDialog(*m_db, *m_session, id, this));
    } catch (const Error& e) {
        showError(e.message());
        return nullptr;
    }
}

QDialog* WorkshopsPage::importAttendance()
{
    if (!m_db || !m_session)
        return nullptr;
    return openDialog(new AttendanceImportDialog(*m_db, *m_session, this));
}

bool WorkshopsPage::cancelSelectedRegistration()
{
    const qint64 id = currentWorkshopId();
    const int row = m_registrations->currentRow();
    if (!id || row < 0 || !m_db || !m_session)
        return false;
    try {
        const QString promoted =
            WorkshopService(*m_db, *m_session)
                .cancelRegistration(id, m_registrations->item(row, 0)->data(Qt::UserRole).toString());
        reloadMonth();
        if (!promoted.isEmpty())
            showError(tr("%1 moves up from the waiting list and has a place.").arg(promoted), false);
        return true;
    } catch (const Error& e) {
        showError(e.message());
        return false;
    }
}

bool WorkshopsPage::cancelWorkshop()
{
    const qint64 id = currentWorkshopId();
    if (!id || !m_db || !m_session)
        return false;
    try {
        WorkshopService(*m_db, *m_session).cancel(id);
    } catch (const Error& e) {
        showError(e.message());
        return false;
    }
    reloadMonth();
    return true;
}

} // namespace cabas::ui
