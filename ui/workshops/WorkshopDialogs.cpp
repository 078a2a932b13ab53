#include "workshops/WorkshopDialogs.h"
#include "Accessibility.h"
#include "Theme.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "io/AttendanceImport.h"
#include "services/WorkshopService.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTimeEdit>
#include <QVBoxLayout>

namespace cabas::ui {

namespace {
QLabel* errorLabel(QWidget* parent, const char* name)
{
    auto* label = new QLabel(parent);
    label->setObjectName(QString::fromLatin1(name));
    label->setWordWrap(true);
    theme::setTone(label, theme::Tone::Error);
    label->hide();
    return label;
}
} // namespace

WorkshopEditorDialog::WorkshopEditorDialog(const store::Database& db, Session session,
                                           const Workshop& workshop, QWidget* parent)
    : QDialog(parent), m_db(db), m_session(std::move(session)), m_workshop(workshop)
{
    setObjectName(QStringLiteral("workshopEditor"));
    setWindowTitle(workshop.id ? tr("Edit the workshop") : tr("New workshop"));
    auto* form = new QFormLayout;
    m_type = new QComboBox(this);
    m_type->setObjectName(QStringLiteral("workshopType"));
    for (WorkshopType t : allWorkshopTypes())
        m_type->addItem(displayName(t), toCode(t));
    m_type->setCurrentIndex(m_type->findData(toCode(workshop.type)));
    form->addRow(tr("&Type:"), m_type);
    m_title = new QLineEdit(workshop.title, this);
    m_title->setObjectName(QStringLiteral("workshopTitle"));
    form->addRow(tr("T&itle:"), m_title);
    m_date = new QDateEdit(workshop.heldOn.isValid() ? workshop.heldOn : Clock::instance().today(), this);
    m_date->setObjectName(QStringLiteral("workshopDate"));
    m_date->setCalendarPopup(true);
    form->addRow(tr("&Date:"), m_date);
    auto* times = new QHBoxLayout;
    m_hasTime = new QCheckBox(tr("from"), this);
    m_hasTime->setObjectName(QStringLiteral("workshopHasTime"));
    m_hasTime->setChecked(workshop.startTime.isValid());
    m_start = new QTimeEdit(workshop.startTime.isValid() ? workshop.startTime : QTime(14, 0), this);
    m_start->setObjectName(QStringLiteral("workshopStart"));
    m_end =
        new QTimeEdit(workshop.endTime.isValid() ? workshop.endTime : m_start->time().addSecs(7200), this);
    m_end->setObjectName(QStringLiteral("workshopEnd"));
    m_hasTime->setAccessibleName(tr("Set a time, from"));
    m_start->setAccessibleName(tr("Start time"));
    m_end->setAccessibleName(tr("End time"));
    times->addWidget(m_hasTime);
    times->addWidget(m_start);
    times->addWidget(new QLabel(tr("to"), this));
    times->addWidget(m_end);
    times->addStretch(1);
    auto enableTimes = [this] {
        m_start->setEnabled(m_hasTime->isChecked());
        m_end->setEnabled(m_hasTime->isChecked());
    };
    connect(m_hasTime, &QCheckBox::toggled, this, enableTimes);
    enableTimes();
    form->addRow(tr("Ti&me:"), times);
    m_place = new QLineEdit(workshop.place, this);
    m_place->setObjectName(QStringLiteral("workshopPlace"));
    form->addRow(tr("&Place:"), m_place);
    m_partner = new QLineEdit(workshop.partner, this);
    m_partner->setObjectName(QStringLiteral("workshopPartner"));
    m_partner->setPlaceholderText(tr("Producer or merchant"));
    form->addRow(tr("Pa&rtner:"), m_partner);
    m_capacity = new QSpinBox(this);
    m_capacity->setObjectName(QStringLiteral("workshopCapacity"));
    m_capacity->setRange(0, 1000);
    m_capacity->setSpecialValueText(tr("No limit"));
    m_capacity->setValue(workshop.capacity);
    form->addRow(tr("Place&s:"), m_capacity);
    m_notes = new QPlainTextEdit(workshop.notes, this);
    m_notes->setObjectName(QStringLiteral("workshopNotes"));
    m_notes->setMaximumHeight(80);
    m_notes->setTabChangesFocus(true); // Tab goes on to the buttons
    form->addRow(tr("&Notes:"), m_notes);

    m_error = errorLabel(this, "workshopEditorError");
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    buttons->setObjectName(QStringLiteral("workshopEditorButtons"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    a11y::connectLabels(this);
}

void WorkshopEditorDialog::accept()
{
    Workshop w = m_workshop;
    fromCode(m_type->currentData().toString(), &w.type);
    w.title = m_title->text().trimmed();
    w.heldOn = m_date->date();
    w.startTime = m_hasTime->isChecked() ? m_start->time() : QTime();
    w.endTime = m_hasTime->isChecked() ? m_end->time() : QTime();
    w.place = m_place->text().trimmed();
    w.partner = m_partner->text().trimmed();
    w.capacity = m_capacity->value();
    w.notes = m_notes->toPlainText().trimmed();
    try {
        const WorkshopService service(m_db, m_session);
        if (w.id)
            service.update(w);
        else
            service.create(w);
    } catch (const Error& e) {
        m_error->setText(e.message());
        m_error->show();
        return;
    }
    m_workshop = w;
    QDialog::accept();
}

RegisterPersonsDialog::RegisterPersonsDialog(const store::Database& db, Session session, qint64 workshopId,
                                             QWidget* parent)
    : QDialog(parent), m_db(db), m_session(std::move(session)), m_workshopId(workshopId)
{
    setObjectName(QStringLiteral("registerPersonsDialog"));
    setWindowTitle(tr("Register persons"));
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("personSearchEdit"));
    m_search->setPlaceholderText(tr("Name, person code or household code"));
    m_search->setClearButtonEnabled(true);
    a11y::markSearchField(m_search, tr("Find a person"));
    m_results = new QListWidget(this);
    m_results->setTabKeyNavigation(false); // Tab leaves the list; the arrows move in it
    m_results->setAccessibleName(tr("Persons found"));
    m_results->setObjectName(QStringLiteral("personSearchResults"));
    m_register = new QPushButton(tr("&Register"), this);
    m_register->setObjectName(QStringLiteral("registerPersonButton"));
    m_register->setEnabled(false);
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("registerMessage"));
    m_message->setWordWrap(true);
    auto* close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_search, &QLineEdit::textChanged, this, &RegisterPersonsDialog::search);
    connect(m_results, &QListWidget::currentRowChanged, this,
            [this](int row) { m_register->setEnabled(row >= 0); });
    connect(m_results, &QListWidget::itemActivated, this, [this] { registerSelected(); });
    connect(m_register, &QPushButton::clicked, this, [this] { registerSelected(); });
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(a11y::labelFor(tr("&Find a person:"), m_search, this));
    layout->addWidget(m_search);
    layout->addWidget(m_results, 1);
    layout->addWidget(m_message);
    auto* row = new QHBoxLayout;
    row->addWidget(m_register);
    row->addStretch(1);
    row->addWidget(close);
    layout->addLayout(row);
    resize(460, 420);
    a11y::connectLabels(this);
}

void RegisterPersonsDialog::search(const QString& text)
{
    m_results->clear();
    if (text.trimmed().size() < 2)
        return;
    try {
        for (const auto& p : WorkshopService(m_db, m_session).searchPersons(text)) {
            auto* item =
                new QListWidgetItem(tr("%1 (%2, household %3)").arg(p.name, p.code, p.householdCode));
            item->setData(Qt::UserRole, p.code);
            m_results->addItem(item);
        }
    } catch (const Error& e) {
        m_message->setText(e.message());
    }
}

bool RegisterPersonsDialog::registerSelected()
{
    const QListWidgetItem* item = m_results->currentItem();
    if (!item)
        return false;
    const QString code = item->data(Qt::UserRole).toString();
    try {
        const RegistrationStatus status = WorkshopService(m_db, m_session).registerPerson(m_workshopId, code);
        m_message->setText(status == RegistrationStatus::Waiting
                               ? tr("%1 is on the waiting list: the workshop is full.").arg(item->text())
                               : tr("%1 is registered.").arg(item->text()));
        ++m_done;
        emit registered();
        return true;
    } catch (const Error& e) {
        m_message->setText(e.message());
        return false;
    }
}

TickListDialog::TickListDialog(const store::Database& db, Session session, qint64 workshopId, QWidget* parent)
    : QDialog(parent), m_db(db), m_session(std::move(session)), m_workshopId(workshopId)
{
    setObjectName(QStringLiteral("tickListDialog"));
    const WorkshopService service(m_db, m_session);
    const WorkshopSummary summary = service.summary(workshopId);
    setWindowTitle(tr("Attendance: %1").arg(summary.workshop.title));
    auto* layout = new QVBoxLayout(this);
    auto* heading = new QLabel(tr("<b>%1</b><br>%2, %3")
                                   .arg(summary.workshop.title.toHtmlEscaped(),
                                        QLocale().toString(summary.workshop.heldOn, QLocale::LongFormat),
                                        summary.workshop.place.toHtmlEscaped()),
                               this);
    layout->addWidget(heading);
    layout->addWidget(new QLabel(tr("Tick the persons present; the others are recorded absent."), this));
    m_list = new QListWidget(this);
    m_list->setTabKeyNavigation(false); // Tab leaves the list; the arrows move in it
    m_list->setAccessibleName(tr("Registered persons"));
    m_list->setObjectName(QStringLiteral("tickList"));
    for (const RegistrationRow& r : service.registrations(workshopId)) {
        if (r.registration.status != RegistrationStatus::Registered)
            continue;
        auto* item = new QListWidgetItem(
            QStringLiteral("%1 (%2, %3)").arg(r.personName, r.personCode, r.householdCode));
        item->setData(Qt::UserRole, r.personCode);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
        item->setCheckState(r.registration.attended.value_or(false) ? Qt::Checked : Qt::Unchecked);
        m_list->addItem(item);
    }
    connect(m_list, &QListWidget::itemChanged, this, &TickListDialog::updateCount);
    layout->addWidget(m_list, 1);
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("tickCount"));
    layout->addWidget(m_count);
    m_error = errorLabel(this, "tickListError");
    layout->addWidget(m_error);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    buttons->setObjectName(QStringLiteral("tickListButtons"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    updateCount();
    resize(440, 480);
    a11y::connectLabels(this);
}

void TickListDialog::updateCount()
{
    int present = 0;
    for (int i = 0; i < m_list->count(); ++i)
        present += m_list->item(i)->checkState() == Qt::Checked;
    m_count->setText(tr("%1 present, %2 absent").arg(present).arg(m_list->count() - present));
}

void TickListDialog::accept()
{
    QList<QPair<QString, bool>> ticks;
    for (int i = 0; i < m_list->count(); ++i)
        ticks.append(
            {m_list->item(i)->data(Qt::UserRole).toString(), m_list->item(i)->checkState() == Qt::Checked});
    try {
        WorkshopService(m_db, m_session).recordAttendance(m_workshopId, ticks);
    } catch (const Error& e) {
        m_error->setText(e.message());
        m_error->show();
        return;
    }
    QDialog::accept();
}

AttendanceImportDialog::AttendanceImportDialog(const store::Database& db, Session session, QWidget* parent)
    : QDialog(parent), m_db(db), m_session(std::move(session))
{
    setObjectName(QStringLiteral("attendanceImportDialog"));
    setWindowTitle(tr("Import attendance"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(
        new QLabel(tr("A file attendance.csv: workshop_date;workshop_type;title;person_code;attended. "
                      "Workshops not yet in Cabas are created."),
                   this));
    auto* row = new QHBoxLayout;
    m_file = new QLineEdit(this);
    m_file->setObjectName(QStringLiteral("attendanceFile"));
    m_file->setReadOnly(true);
    m_file->setAccessibleName(tr("Attendance file"));
    auto* browse = new QPushButton(tr("&Choose…"), this);
    browse->setObjectName(QStringLiteral("attendanceBrowse"));
    row->addWidget(m_file, 1);
    row->addWidget(browse);
    layout->addLayout(row);
    m_problems = new QListWidget(this);
    m_problems->setTabKeyNavigation(false); // Tab leaves the list; the arrows move in it
    m_problems->setAccessibleName(tr("Problems found"));
    m_problems->setObjectName(QStringLiteral("attendanceProblems"));
    layout->addWidget(m_problems, 1);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("attendanceSummary"));
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_import = buttons->addButton(tr("&Import"), QDialogButtonBox::ActionRole);
    m_import->setObjectName(QStringLiteral("attendanceImportButton"));
    m_import->setEnabled(false);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_import, &QPushButton::clicked, this, [this] { runImport(); });
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Attendance file"), QString(),
                                                          tr("CSV files (*.csv *.txt)"));
        if (!path.isEmpty())
            setFile(path);
    });
    layout->addWidget(buttons);
    resize(620, 420);
    a11y::connectLabels(this);
}

bool AttendanceImportDialog::setFile(const QString& path)
{
    m_path = path;
    m_file->setText(path);
    m_problems->clear();
    m_imported = false;
    try {
        const auto report = io::AttendanceImport(m_db, m_session).check(path);
        m_problems->addItems(report.warnings);
        m_problems->addItems(report.errors);
        m_summary->setText(report.ok()
                               ? tr("Ready to import: %1").arg(report.summary())
                               : tr("%n problem(s): nothing can be imported until the file is corrected.",
                                    nullptr, int(report.errors.size())));
        m_import->setEnabled(report.ok());
        return report.ok();
    } catch (const Error& e) {
        m_summary->setText(e.message());
        m_import->setEnabled(false);
        return false;
    }
}

bool AttendanceImportDialog::runImport()
{
    try {
        const auto report = io::AttendanceImport(m_db, m_session).run(m_path);
        m_summary->setText(tr("Imported. %1").arg(report.summary()));
        m_imported = true;
        m_import->setEnabled(false);
        return true;
    } catch (const Error& e) {
        m_summary->setText(e.message());
        return false;
    }
}

} // namespace cabas::ui
