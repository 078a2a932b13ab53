#include "health/HealthFormDialog.h"
#include "Accessibility.h"
#include "Theme.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "store/ProgrammeRepository.h"

#include <QComboBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

namespace cabas::ui {

HealthFormDialog::HealthFormDialog(const store::Database& db, const Session& session,
                                   const QString& personCode, const QString& personName, QWidget* parent)
    : QDialog(parent), m_db(db), m_session(session), m_personCode(personCode)
{
    auto* layout = new QVBoxLayout(this);
    auto* title =
        new QLabel(personName.isEmpty() ? personCode : tr("%1 (%2)").arg(personName, personCode), this);
    title->setObjectName(QStringLiteral("formPersonLabel"));
    QFont f = title->font();
    f.setBold(true);
    if (f.pointSizeF() > 0)
        f.setPointSizeF(f.pointSizeF() * 1.2);
    title->setFont(f);
    layout->addWidget(title);
    m_form = new QFormLayout();
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setVerticalSpacing(4);
    layout->addLayout(m_form);

    m_error = theme::errorBox(this, QStringLiteral("formErrorLabel"));

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    m_save = m_buttons->button(QDialogButtonBox::Save);
    m_save->setObjectName(QStringLiteral("saveButton"));
    m_buttons->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("cancelButton"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (save())
            accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

void HealthFormDialog::finishLayout()
{
    auto* layout = static_cast<QVBoxLayout*>(this->layout());
    layout->addWidget(m_error);
    layout->addStretch(1);
    layout->addWidget(m_buttons);
    revalidate();
    a11y::connectLabels(this);
}

void HealthFormDialog::revalidate()
{
    m_problems = check();
    m_save->setEnabled(m_problems.isEmpty());
    m_error->hide();
    // Messages come and go: lay the rows out again now, not at the next event loop turn.
    for (QWidget* row : findChildren<QWidget*>(QStringLiteral("fieldRow")))
        if (row->layout())
            row->layout()->activate();
    if (layout())
        layout()->activate();
}

bool HealthFormDialog::save()
{
    revalidate();
    if (!m_problems.isEmpty())
        return false;
    try {
        write();
    } catch (const Error& e) {
        m_error->setText(e.message());
        m_error->show();
        return false;
    }
    return true;
}

void HealthFormDialog::addField(const QString& label, QWidget* field, const QString& unit, QLabel* message)
{
    auto* row = new QWidget(this);
    row->setObjectName(QStringLiteral("fieldRow"));
    auto* box = new QVBoxLayout(row);
    box->setContentsMargins(0, 0, 0, 0);
    box->setSpacing(2);
    auto* line = new QHBoxLayout();
    line->setSpacing(6);
    line->addWidget(field, 1);
    if (!unit.isEmpty()) {
        auto* unitLabel = new QLabel(unit, row);
        unitLabel->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("mmHg")) + 4);
        line->addWidget(unitLabel);
    }
    box->addLayout(line);
    if (message)
        box->addWidget(message);
    m_form->addRow(label, row);
    if (auto* buddy = qobject_cast<QLabel*>(m_form->labelForField(row)))
        buddy->setBuddy(field);
}

QLabel* HealthFormDialog::makeMessage(const char* objectName)
{
    auto* label = new QLabel(this);
    label->setObjectName(QString::fromLatin1(objectName));
    label->setWordWrap(true);
    theme::setTone(label, theme::Tone::Error);
    label->hide();
    return label;
}

void HealthFormDialog::setMessage(QLabel* label, const QString& message)
{
    label->setText(message);
    label->setVisible(!message.isEmpty());
}

QDateEdit* HealthFormDialog::makeDateEdit(const char* objectName)
{
    auto* edit = new QDateEdit(Clock::instance().today(), this);
    edit->setObjectName(QString::fromLatin1(objectName));
    edit->setCalendarPopup(true);
    edit->setDisplayFormat(QLocale().dateFormat(QLocale::ShortFormat).contains(QStringLiteral("yyyy"))
                               ? QLocale().dateFormat(QLocale::ShortFormat)
                               : QStringLiteral("dd/MM/yyyy"));
    edit->setMaximumDate(Clock::instance().today());
    return edit;
}

QComboBox* HealthFormDialog::makeWaveCombo(const char* objectName, const QStringList& done)
{
    auto* combo = new QComboBox(this);
    combo->setObjectName(QString::fromLatin1(objectName));
    const auto programme = store::ProgrammeRepository(m_db).load();
    if (programme)
        for (const FollowUpWave& wave : programme->waves)
            combo->addItem(wave.code, wave.code);
    for (int i = 0; i < combo->count(); ++i)
        if (!done.contains(combo->itemData(i).toString())) {
            combo->setCurrentIndex(i);
            break;
        }
    return combo;
}

std::optional<double> HealthFormDialog::parseNumber(const QString& text, bool* ok)
{
    const QString t = text.trimmed();
    *ok = true;
    if (t.isEmpty())
        return std::nullopt;
    double value = QLocale().toDouble(t, ok);
    if (!*ok)
        value = QLocale::c().toDouble(t, ok);
    if (!*ok) {
        QString swapped = t;
        swapped.replace(QLatin1Char(','), QLatin1Char('.'));
        value = QLocale::c().toDouble(swapped, ok);
    }
    if (!*ok)
        return std::nullopt;
    return value;
}

QString HealthFormDialog::messageFor(const QStringList& problems, const QString& field)
{
    const QString prefix = field + QStringLiteral(": ");
    QStringList found;
    for (const QString& p : problems)
        if (p.startsWith(prefix))
            found << p.mid(prefix.size());
    return found.join(QLatin1Char('\n'));
}

} // namespace cabas::ui
