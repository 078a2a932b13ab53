#include "households/MemberDialog.h"

#include "Theme.h"
#include "common/Clock.h"
#include "common/Error.h"
#include "services/HouseholdService.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace cabas::ui {

namespace {
QDateEdit* dateEdit(const QString& name, const QDate& date, QWidget* parent)
{
    auto* edit = new QDateEdit(date.isValid() ? date : Clock::instance().today(), parent);
    edit->setObjectName(name);
    edit->setCalendarPopup(true);
    edit->setMinimumDate(QDate(1900, 1, 1));
    return edit;
}
} // namespace

MemberDialog::MemberDialog(const store::Database& db, const Session& session, Mode mode,
                           const MemberEdit& start, QWidget* parent)
    : QDialog(parent), m_db(db), m_session(session), m_mode(mode), m_start(start)
{
    setObjectName(QStringLiteral("memberDialog"));
    const Person& p = start.mine;
    const QString who =
        p.fullName().trimmed() + (p.code.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(p.code));
    switch (mode) {
    case Mode::Arrival:
        setWindowTitle(tr("A member arrives"));
        break;
    case Mode::Departure:
        setWindowTitle(tr("Departure of %1").arg(who));
        break;
    case Mode::Correction:
        setWindowTitle(tr("Correct the dates of %1").arg(who));
        break;
    }
    auto* layout = new QVBoxLayout(this);
    auto* heading = new QLabel(windowTitle(), this);
    heading->setObjectName(QStringLiteral("memberDialogHeading"));
    QFont bold = heading->font();
    bold.setBold(true);
    heading->setFont(bold);
    layout->addWidget(heading);
    auto* form = new QFormLayout();
    layout->addLayout(form);

    if (mode == Mode::Arrival) {
        m_first = new QLineEdit(p.firstName, this);
        m_first->setObjectName(QStringLiteral("memberFirstNameEdit"));
        m_first->setAccessibleName(tr("First name"));
        form->addRow(tr("&First name"), withError(m_first, QStringLiteral("first_name")));
        m_last = new QLineEdit(p.lastName, this);
        m_last->setObjectName(QStringLiteral("memberLastNameEdit"));
        m_last->setAccessibleName(tr("Last name"));
        form->addRow(tr("&Last name"), withError(m_last, QStringLiteral("last_name")));
    }
    if (mode != Mode::Departure) {
        m_birth = dateEdit(QStringLiteral("memberBirthDateEdit"),
                           p.birthDate.isValid() ? p.birthDate : QDate(1990, 1, 1), this);
        m_birth->setAccessibleName(tr("Birth date"));
        form->addRow(tr("&Birth date"), withError(m_birth, QStringLiteral("birth_date")));
    }
    if (mode == Mode::Arrival) {
        m_role = new QComboBox(this);
        m_role->setObjectName(QStringLiteral("memberRoleCombo"));
        m_role->setAccessibleName(tr("Adult or child"));
        m_role->addItem(displayName(PersonRole::Adult), static_cast<int>(PersonRole::Adult));
        m_role->addItem(displayName(PersonRole::Child), static_cast<int>(PersonRole::Child));
        m_role->setCurrentIndex(std::max(0, m_role->findData(static_cast<int>(p.role))));
        form->addRow(tr("A&dult or child"), withError(m_role, QStringLiteral("role")));
        m_sex = new QComboBox(this);
        m_sex->setObjectName(QStringLiteral("memberSexCombo"));
        m_sex->setAccessibleName(tr("Sex"));
        m_sex->addItem(tr("Not said"), static_cast<int>(Sex::Unknown));
        m_sex->addItem(tr("Female"), static_cast<int>(Sex::Female));
        m_sex->addItem(tr("Male"), static_cast<int>(Sex::Male));
        m_sex->setCurrentIndex(std::max(0, m_sex->findData(static_cast<int>(p.sex))));
        form->addRow(tr("&Sex"), m_sex);
    }
    if (mode != Mode::Departure) {
        m_arrived = dateEdit(QStringLiteral("memberArrivedOnEdit"), p.arrivedOn, this);
        m_arrived->setAccessibleName(tr("Arrival date"));
        QWidget* field = m_arrived;
        if (mode == Mode::Correction) {
            // A member from the household's start has no arrival date.
            auto* box = new QWidget(this);
            auto* row = new QHBoxLayout(box);
            row->setContentsMargins(0, 0, 0, 0);
            m_arrivedKnown = new QCheckBox(tr("Arrived after the household's start, on"), box);
            m_arrivedKnown->setObjectName(QStringLiteral("memberArrivedCheck"));
            m_arrivedKnown->setAccessibleName(tr("Arrived after the household's start"));
            m_arrivedKnown->setChecked(p.arrivedOn.isValid());
            m_arrived->setEnabled(p.arrivedOn.isValid());
            connect(m_arrivedKnown, &QCheckBox::toggled, m_arrived, &QWidget::setEnabled);
            row->addWidget(m_arrivedKnown);
            row->addWidget(m_arrived, 1);
            field = box;
        }
        form->addRow(tr("&Arrived on"), withError(field, QStringLiteral("arrived_on")));
    }
    if (mode != Mode::Arrival) {
        m_left = dateEdit(QStringLiteral("memberLeftOnEdit"), p.leftOn, this);
        m_left->setAccessibleName(tr("Departure date"));
        QWidget* field = m_left;
        if (mode == Mode::Correction) {
            auto* box = new QWidget(this);
            auto* row = new QHBoxLayout(box);
            row->setContentsMargins(0, 0, 0, 0);
            m_hasLeft = new QCheckBox(tr("Has left, on"), box);
            m_hasLeft->setObjectName(QStringLiteral("memberLeftCheck"));
            m_hasLeft->setAccessibleName(tr("Has left the household"));
            m_hasLeft->setChecked(p.leftOn.isValid());
            m_left->setEnabled(p.leftOn.isValid());
            connect(m_hasLeft, &QCheckBox::toggled, m_left, &QWidget::setEnabled);
            row->addWidget(m_hasLeft);
            row->addWidget(m_left, 1);
            field = box;
        }
        form->addRow(tr("&Left on"), withError(field, QStringLiteral("left_on")));
    }
    if (mode == Mode::Departure) {
        m_reason = new QLineEdit(start.departureReason, this);
        m_reason->setObjectName(QStringLiteral("departureReasonEdit"));
        m_reason->setAccessibleName(tr("Reason of the departure"));
        m_reason->setPlaceholderText(tr("Moved out, new household, death…"));
        form->addRow(tr("&Reason"), withError(m_reason, QStringLiteral("departure_reason")));
    }
    m_general = errorLabel(QStringLiteral("member"));
    layout->addWidget(m_general);
    auto* note =
        new QLabel(tr("The change is saved with the case file (Save); until then it can be undone."), this);
    note->setWordWrap(true);
    note->setEnabled(false);
    layout->addWidget(note);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("memberOkButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &MemberDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    setMinimumWidth(460);
}

QLabel* MemberDialog::errorLabel(const QString& field)
{
    auto* label = new QLabel(this);
    label->setObjectName(field + QStringLiteral("Error"));
    theme::setTone(label, theme::Tone::Error);
    label->setWordWrap(true);
    label->hide();
    m_errors[field] = label;
    return label;
}

QWidget* MemberDialog::withError(QWidget* field, const QString& name)
{
    auto* box = new QWidget(this);
    auto* l = new QVBoxLayout(box);
    l->setContentsMargins(0, 0, 0, 0);
    l->addWidget(field);
    l->addWidget(errorLabel(name));
    return box;
}

MemberEdit MemberDialog::edit() const
{
    MemberEdit e = m_start;
    Person& p = e.mine;
    if (m_first)
        p.firstName = m_first->text().trimmed();
    if (m_last)
        p.lastName = m_last->text().trimmed();
    if (m_birth)
        p.birthDate = m_birth->date();
    if (m_role)
        p.role = static_cast<PersonRole>(m_role->currentData().toInt());
    if (m_sex)
        p.sex = static_cast<Sex>(m_sex->currentData().toInt());
    if (m_arrived)
        p.arrivedOn = !m_arrivedKnown || m_arrivedKnown->isChecked() ? m_arrived->date() : QDate();
    if (m_left)
        p.leftOn = !m_hasLeft || m_hasLeft->isChecked() ? m_left->date() : QDate();
    if (m_reason)
        e.departureReason = m_reason->text().trimmed();
    if (!e.recordsDeparture())
        e.departureReason.clear();
    return e;
}

bool MemberDialog::check()
{
    for (auto& [field, label] : m_errors) {
        label->clear();
        label->hide();
    }
    QStringList problems;
    try {
        problems = HouseholdService(m_db, m_session).memberProblems(edit());
    } catch (const Error& e) {
        problems << e.message();
    }
    for (const QString& problem : problems) {
        // "field: message"; a problem of a field this dialog does not show goes under the form.
        const qsizetype colon = problem.indexOf(QStringLiteral(": "));
        const QString field = colon > 0 ? problem.left(colon) : QString();
        auto it = m_errors.find(field);
        QLabel* label = it != m_errors.end() ? it->second : m_general;
        const QString text = it != m_errors.end() ? problem.mid(colon + 2) : problem;
        label->setText(label->text().isEmpty() ? text : label->text() + QLatin1Char('\n') + text);
        label->show();
    }
    return problems.isEmpty();
}

void MemberDialog::accept()
{
    if (check())
        QDialog::accept();
}

} // namespace cabas::ui
