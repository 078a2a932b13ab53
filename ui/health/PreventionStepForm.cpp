#include "health/PreventionStepForm.h"

#include "common/Clock.h"
#include "services/HealthService.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>

namespace cabas::ui {

PreventionStepForm::PreventionStepForm(const store::Database& db, const Session& session,
                                       const QString& personCode, const QString& personName, QWidget* parent)
    : HealthFormDialog(db, session, personCode, personName, parent)
{
    setObjectName(QStringLiteral("preventionStepForm"));
    setWindowTitle(tr("New prevention step"));
    m_date = makeDateEdit("preventionDate");
    m_type = new QComboBox(this);
    m_type->setObjectName(QStringLiteral("preventionTypeCombo"));
    for (PreventionType type : allPreventionTypes())
        m_type->addItem(displayName(type), static_cast<int>(type));
    m_partner = new QComboBox(this);
    m_partner->setObjectName(QStringLiteral("partnerCombo"));
    m_partner->setEditable(true);
    m_partner->addItems(usualPreventionPartners());
    m_partner->setCurrentIndex(0);
    m_partnerMessage = makeMessage("partnerMessage");
    m_outcome = new QLineEdit(this);
    m_outcome->setObjectName(QStringLiteral("outcomeEdit"));
    m_outcomeMessage = makeMessage("outcomeMessage");
    auto* nextRow = new QWidget(this);
    auto* nextLayout = new QHBoxLayout(nextRow);
    nextLayout->setContentsMargins(0, 0, 0, 0);
    m_hasNext = new QCheckBox(tr("due on"), nextRow);
    m_hasNext->setObjectName(QStringLiteral("hasNextDueCheck"));
    m_next = new QDateEdit(Clock::instance().today().addMonths(6), nextRow);
    m_next->setObjectName(QStringLiteral("nextDueDate"));
    m_next->setCalendarPopup(true);
    m_next->setDisplayFormat(QStringLiteral("dd/MM/yyyy"));
    m_next->setEnabled(false);
    m_next->setAccessibleName(tr("Next step due on"));
    nextLayout->addWidget(m_hasNext);
    nextLayout->addWidget(m_next, 1);
    m_nextMessage = makeMessage("nextDueMessage");
    m_notes = new QPlainTextEdit(this);
    m_notes->setObjectName(QStringLiteral("notesEdit"));
    m_notes->setTabChangesFocus(true);
    m_notes->setFixedHeight(m_notes->fontMetrics().height() * 4);

    addField(tr("&Date:"), m_date, QString(), nullptr);
    addField(tr("&Type:"), m_type, QString(), nullptr);
    addField(tr("&Partner:"), m_partner, QString(), m_partnerMessage);
    addField(tr("&Outcome:"), m_outcome, QString(), m_outcomeMessage);
    addField(tr("Ne&xt step:"), nextRow, QString(), m_nextMessage);
    addField(tr("&Notes:"), m_notes, QString(), nullptr);
    finishLayout();

    connect(m_hasNext, &QCheckBox::toggled, m_next, &QWidget::setEnabled);
    connect(m_hasNext, &QCheckBox::toggled, this, &PreventionStepForm::revalidate);
    connect(m_next, &QDateEdit::dateChanged, this, &PreventionStepForm::revalidate);
    connect(m_date, &QDateEdit::dateChanged, this, &PreventionStepForm::revalidate);
    connect(m_partner, &QComboBox::currentTextChanged, this, &PreventionStepForm::revalidate);
    connect(m_outcome, &QLineEdit::textChanged, this, &PreventionStepForm::revalidate);
    resize(sizeHint().expandedTo(QSize(460, 0)));
}

PreventionStep PreventionStepForm::step(QStringList* problems) const
{
    PreventionStep s;
    s.doneOn = m_date->date();
    s.type = static_cast<PreventionType>(m_type->currentData().toInt());
    s.partner = m_partner->currentText().trimmed();
    s.outcome = m_outcome->text().trimmed();
    if (m_hasNext->isChecked())
        s.nextDueOn = m_next->date();
    s.notes = m_notes->toPlainText().trimmed();
    if (problems) {
        PreventionStep forCheck = s;
        forCheck.personId = 1;
        *problems = forCheck.validate();
    }
    return s;
}

QStringList PreventionStepForm::check()
{
    QStringList problems;
    step(&problems);
    setMessage(m_partnerMessage, messageFor(problems, QStringLiteral("partner")));
    setMessage(m_outcomeMessage, messageFor(problems, QStringLiteral("outcome")));
    setMessage(m_nextMessage, messageFor(problems, QStringLiteral("next_due")));
    return problems;
}

void PreventionStepForm::write()
{
    PreventionStep s = step();
    HealthService(m_db, m_session).recordPreventionStep(m_personCode, s);
    m_saved = s;
}

SupportSessionForm::SupportSessionForm(const store::Database& db, const Session& session,
                                       const QString& personCode, const QString& personName,
                                       const QString& householdCode, QWidget* parent)
    : HealthFormDialog(db, session, personCode, personName, parent), m_householdCode(householdCode)
{
    setObjectName(QStringLiteral("supportSessionForm"));
    setWindowTitle(tr("New support session"));
    m_date = makeDateEdit("supportDate");
    m_with = new QComboBox(this);
    m_with->setObjectName(QStringLiteral("supportWithCombo"));
    m_with->addItem(tr("The person"), false);
    if (!householdCode.isEmpty())
        m_with->addItem(tr("The whole household (%1)").arg(householdCode), true);
    m_topic = new QLineEdit(this);
    m_topic->setObjectName(QStringLiteral("topicEdit"));
    m_topicMessage = makeMessage("topicMessage");
    m_notes = new QPlainTextEdit(this);
    m_notes->setObjectName(QStringLiteral("notesEdit"));
    m_notes->setTabChangesFocus(true);
    m_notes->setFixedHeight(m_notes->fontMetrics().height() * 5);
    m_notesMessage = makeMessage("notesMessage");

    addField(tr("&Date:"), m_date, QString(), nullptr);
    addField(tr("&With:"), m_with, QString(), nullptr);
    addField(tr("&Topic:"), m_topic, QString(), m_topicMessage);
    addField(tr("&Notes:"), m_notes, QString(), m_notesMessage);
    finishLayout();

    connect(m_topic, &QLineEdit::textChanged, this, &SupportSessionForm::revalidate);
    connect(m_notes, &QPlainTextEdit::textChanged, this, &SupportSessionForm::revalidate);
    resize(sizeHint().expandedTo(QSize(460, 0)));
}

bool SupportSessionForm::withHousehold() const
{
    return m_with->currentData().toBool();
}

SupportSession SupportSessionForm::supportSession(QStringList* problems) const
{
    SupportSession s;
    s.heldOn = m_date->date();
    s.topic = m_topic->text().trimmed();
    s.notes = m_notes->toPlainText().trimmed();
    if (problems) {
        SupportSession forCheck = s;
        forCheck.personId = 1;
        *problems = forCheck.validate();
    }
    return s;
}

QStringList SupportSessionForm::check()
{
    QStringList problems;
    supportSession(&problems);
    setMessage(m_topicMessage,
               m_topic->text().isEmpty() ? QString() : messageFor(problems, QStringLiteral("topic")));
    setMessage(m_notesMessage, messageFor(problems, QStringLiteral("notes")));
    return problems;
}

void SupportSessionForm::write()
{
    SupportSession s = supportSession();
    const HealthService health(m_db, m_session);
    if (withHousehold())
        health.recordHouseholdSupportSession(m_householdCode, s);
    else
        health.recordSupportSession(m_personCode, s);
    m_saved = s;
}

} // namespace cabas::ui
