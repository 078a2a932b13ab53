#include "households/IncomePanel.h"
#include "Accessibility.h"
#include "Theme.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "common/Money.h"
#include "domain/Allowance.h"
#include "security/Access.h"
#include "services/HouseholdService.h"
#include "services/IncomeService.h"
#include "services/ProgrammeService.h"

#include <QCheckBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

namespace cabas::ui {

namespace {

QString shortDate(const QDate& d)
{
    return d.isValid() ? QLocale().toString(d, QLocale::ShortFormat) : QString();
}

QString units(int milli)
{
    return QLocale().toString(double(milli) / 1000.0, 'f', milli % 100 ? 2 : 1);
}

// "band 2 (up to 900,00 €)" / "band 4 (above 900,00 €)".
QString bandText(const Programme& p, int band)
{
    if (band < 0 || band >= int(p.incomeBands.size()))
        return IncomePanel::tr("no band");
    const IncomeBand& b = p.incomeBands[std::size_t(band)];
    if (b.upToCents)
        return IncomePanel::tr("band %1 (up to %2 per unit)").arg(band + 1).arg(formatCents(*b.upToCents));
    const qint64 above = band > 0 ? p.incomeBands[std::size_t(band - 1)].upToCents.value_or(0) : 0;
    return IncomePanel::tr("band %1 (above %2 per unit)").arg(band + 1).arg(formatCents(above));
}

} // namespace

// ---------------------------------------------------------------------------------------------------- panel

IncomePanel::IncomePanel(const store::Database& db, const Session& session, QWidget* parent)
    : QWidget(parent), m_db(db), m_session(session)
{
    setObjectName(QStringLiteral("incomePanel"));
    auto* layout = new QVBoxLayout(this);
    m_rule = new QLabel(this);
    m_rule->setObjectName(QStringLiteral("incomeRuleLabel"));
    m_rule->setWordWrap(true);
    layout->addWidget(m_rule);
    m_due = new QLabel(this);
    m_due->setObjectName(QStringLiteral("incomeDueLabel"));
    m_due->setWordWrap(true);
    layout->addWidget(m_due);
    m_history = new QTableWidget(0, 8, this);
    m_history->setObjectName(QStringLiteral("incomeHistoryTable"));
    m_history->setAccessibleName(tr("Income assessments"));
    m_history->setHorizontalHeaderLabels({tr("Applies from"), tr("Income period"), tr("Monthly income"),
                                          tr("Consumption units"), tr("Per unit"), tr("Band"),
                                          tr("Re-assess by"), tr("Assessed by")});
    m_history->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_history->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_history->setTabKeyNavigation(false);
    m_history->setAlternatingRowColors(true);
    m_history->verticalHeader()->hide();
    m_history->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(m_history, 1);
    auto* row = new QHBoxLayout();
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("incomeMessage"));
    m_message->setWordWrap(true);
    row->addWidget(m_message, 1);
    m_add = new QPushButton(tr("&Add assessment…"), this);
    m_add->setObjectName(QStringLiteral("addIncomeButton"));
    m_add->setVisible(AccessPolicy::allows(m_session.role(), DataKind::Households, Action::Write));
    row->addWidget(m_add);
    layout->addLayout(row);
    connect(m_add, &QPushButton::clicked, this, [this] { addAssessment(); });
    a11y::connectLabels(this);
}

IncomePanel* IncomePanel::showIn(QTabWidget* tabs, const store::Database& db, const Session& session,
                                 const QString& householdCode)
{
    IncomePanel* panel = tabs->findChild<IncomePanel*>(QStringLiteral("incomePanel"));
    bool usesIncome = false;
    try {
        const auto programme = ProgrammeService(db, session).load();
        usesIncome = programme && programme->needsIncomeAssessment();
    } catch (const Error&) {
        usesIncome = false;
    }
    if (!usesIncome) {
        if (panel) {
            tabs->removeTab(tabs->indexOf(panel));
            delete panel;
        }
        return nullptr;
    }
    if (!panel) {
        panel = new IncomePanel(db, session, tabs);
        tabs->addTab(panel, tr("Income"));
    }
    panel->load(householdCode);
    return panel;
}

void IncomePanel::load(const QString& householdCode)
{
    m_code = householdCode;
    m_history->setRowCount(0);
    m_message->clear();
    theme::clearTone(m_message);
    m_due->clear();
    theme::clearTone(m_due);
    std::optional<Programme> programme;
    try {
        programme = ProgrammeService(m_db, m_session).load();
        if (programme)
            m_rule->setText(tr("Allowance: %1. An income assessment is due again %n month(s) after its date.",
                               nullptr, programme->reassessmentMonths)
                                .arg(programme->allowanceSummary()));
        const auto history = IncomeService(m_db, m_session).history(householdCode);
        m_history->setRowCount(int(history.size()));
        // Newest first: the one in force is the first line.
        for (int r = 0; r < int(history.size()); ++r) {
            const IncomeAssessmentView& v = history[history.size() - 1 - std::size_t(r)];
            const IncomeAssessment& a = v.assessment;
            const QString period = a.incomeFrom.isValid()
                                       ? tr("%1 to %2").arg(shortDate(a.incomeFrom), shortDate(a.incomeTo))
                                       : QString();
            QString band = programme ? bandText(*programme, v.band) : QString();
            if (v.band >= 0 && programme)
                band += QStringLiteral(": ") +
                        (programme->incomeBandPerPerson ? tr("%1 per member a month") : tr("%1 a month"))
                            .arg(formatCents(v.bandAmountCents, programme->currency));
            const QStringList cells = {
                shortDate(a.effectiveOn),
                period,
                formatCents(a.monthlyIncomeCents),
                units(a.consumptionUnitsMilli),
                formatCents(a.incomePerUnitCents()),
                band,
                shortDate(v.reassessBy),
                tr("%1, %2").arg(a.assessedBy,
                                 QLocale().toString(a.assessedAt.toLocalTime(), QLocale::ShortFormat))};
            for (int c = 0; c < cells.size(); ++c) {
                auto* item = new QTableWidgetItem(cells[c]);
                if (c == 0 && !a.note.isEmpty())
                    item->setToolTip(a.note);
                m_history->setItem(r, c, item);
            }
        }
        m_history->resizeColumnsToContents();
        const QDate today = Clock::instance().today();
        if (history.empty()) {
            m_due->setText(
                tr("No income assessment yet: the allowance cannot be told until one is recorded."));
            theme::setTone(m_due, theme::Tone::Warning);
        } else {
            const QDate due = history.back().reassessBy;
            if (due.isValid() && due < today) {
                m_due->setText(tr("Re-assessment overdue since %1 (the last assessment still applies).")
                                   .arg(shortDate(due)));
                theme::setTone(m_due, theme::Tone::Warning);
            } else if (due.isValid()) {
                m_due->setText(tr("Next re-assessment due by %1.").arg(shortDate(due)));
            }
        }
        m_add->setEnabled(true);
    } catch (const Error& e) {
        m_message->setText(e.message());
        theme::setTone(m_message, theme::Tone::Error);
        m_add->setEnabled(false);
    }
}

QString IncomePanel::message() const
{
    return m_message->text();
}

IncomeAssessmentDialog* IncomePanel::addAssessment()
{
    if (!AccessPolicy::allows(m_session.role(), DataKind::Households, Action::Write) || m_code.isEmpty())
        return nullptr;
    auto* dialog = new IncomeAssessmentDialog(m_db, m_session, m_code, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this] {
        load(m_code);
        m_message->setText(tr("Assessment recorded."));
        theme::setTone(m_message, theme::Tone::Success);
        emit assessed();
    });
    dialog->open();
    return dialog;
}

// --------------------------------------------------------------------------------------------------- dialog

IncomeAssessmentDialog::IncomeAssessmentDialog(const store::Database& db, const Session& session,
                                               const QString& householdCode, QWidget* parent)
    : QDialog(parent), m_db(db), m_session(session), m_code(householdCode)
{
    setObjectName(QStringLiteral("incomeAssessmentDialog"));
    setWindowTitle(tr("Income assessment — %1").arg(householdCode));
    setWindowModality(Qt::WindowModal);
    try {
        if (const auto p = ProgrammeService(m_db, m_session).load())
            m_programme = *p;
        const HouseholdService households(m_db, m_session);
        if (const auto h = households.find(householdCode))
            m_members = households.members(h->id);
    } catch (const Error&) {
        // shown by save(): the service gives the reason
    }
    const QDate today = Clock::instance().today();
    auto* layout = new QVBoxLayout(this);
    layout->setSizeConstraint(QLayout::SetMinimumSize); // grows with the preview's lines
    setMinimumWidth(560);
    auto* form = new QFormLayout();
    m_effective = new QDateEdit(today, this);
    m_effective->setObjectName(QStringLiteral("incomeEffectiveEdit"));
    m_effective->setCalendarPopup(true);
    form->addRow(tr("&Applies from"), m_effective);

    auto* incomeBox = new QVBoxLayout();
    m_income = new QLineEdit(this);
    m_income->setObjectName(QStringLiteral("incomeAmountEdit"));
    m_income->setPlaceholderText(tr("e.g. 1250,00"));
    m_income->setToolTip(tr("The household's declared income, a month (the period's average)."));
    incomeBox->addWidget(m_income);
    m_incomeProblem = new QLabel(this);
    m_incomeProblem->setObjectName(QStringLiteral("incomeAmountProblem"));
    m_incomeProblem->setWordWrap(true);
    theme::setTone(m_incomeProblem, theme::Tone::Error);
    m_incomeProblem->hide();
    incomeBox->addWidget(m_incomeProblem);
    form->addRow(tr("Declared &monthly income"), incomeBox);

    auto* periodRow = new QHBoxLayout();
    m_hasPeriod = new QCheckBox(tr("Income of the period"), this);
    m_hasPeriod->setObjectName(QStringLiteral("incomePeriodCheck"));
    m_incomeFrom = new QDateEdit(QDate(today.year(), today.month(), 1).addMonths(-3), this);
    m_incomeFrom->setObjectName(QStringLiteral("incomeFromEdit"));
    m_incomeFrom->setCalendarPopup(true);
    m_incomeFrom->setAccessibleName(tr("Start of the income period"));
    m_incomeTo = new QDateEdit(QDate(today.year(), today.month(), 1).addDays(-1), this);
    m_incomeTo->setObjectName(QStringLiteral("incomeToEdit"));
    m_incomeTo->setCalendarPopup(true);
    m_incomeTo->setAccessibleName(tr("End of the income period"));
    m_hasPeriod->setChecked(true);
    periodRow->addWidget(m_hasPeriod);
    periodRow->addWidget(m_incomeFrom);
    periodRow->addWidget(new QLabel(tr("to"), this));
    periodRow->addWidget(m_incomeTo);
    form->addRow(tr("Period"), periodRow);

    auto* unitsRow = new QHBoxLayout();
    m_typeUnits = new QCheckBox(tr("Type the units"), this);
    m_typeUnits->setObjectName(QStringLiteral("incomeTypeUnitsCheck"));
    m_typeUnits->setToolTip(
        tr("Unchecked: counted from the members present on the date, with the programme's "
           "weights."));
    m_units = new QDoubleSpinBox(this);
    m_units->setObjectName(QStringLiteral("incomeUnitsSpin"));
    m_units->setRange(1.0, 50.0);
    m_units->setDecimals(2);
    m_units->setSingleStep(0.1);
    m_units->setEnabled(false);
    m_units->setAccessibleName(tr("Consumption units"));
    unitsRow->addWidget(m_typeUnits);
    unitsRow->addWidget(m_units, 1);
    form->addRow(tr("Consumption units"), unitsRow);

    m_note = new QLineEdit(this);
    m_note->setObjectName(QStringLiteral("incomeNoteEdit"));
    form->addRow(tr("&Note"), m_note);
    layout->addLayout(form);

    m_preview = new QLabel(this);
    m_preview->setObjectName(QStringLiteral("incomePreviewLabel"));
    m_preview->setWordWrap(true);
    theme::setTone(m_preview, theme::Tone::Muted, theme::Shape::Box);
    layout->addWidget(m_preview);
    m_problems = new QLabel(this);
    m_problems->setObjectName(QStringLiteral("incomeProblemsLabel"));
    m_problems->setWordWrap(true);
    theme::setTone(m_problems, theme::Tone::Error);
    m_problems->hide();
    layout->addWidget(m_problems);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Save)->setObjectName(QStringLiteral("incomeSaveButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (save())
            accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    connect(m_typeUnits, &QCheckBox::toggled, m_units, &QWidget::setEnabled);
    connect(m_hasPeriod, &QCheckBox::toggled, m_incomeFrom, &QWidget::setEnabled);
    connect(m_hasPeriod, &QCheckBox::toggled, m_incomeTo, &QWidget::setEnabled);
    for (QDateEdit* d : {m_effective, m_incomeFrom, m_incomeTo})
        connect(d, &QDateEdit::dateChanged, this, &IncomeAssessmentDialog::updatePreview);
    connect(m_income, &QLineEdit::textChanged, this, &IncomeAssessmentDialog::updatePreview);
    connect(m_typeUnits, &QCheckBox::toggled, this, &IncomeAssessmentDialog::updatePreview);
    connect(m_units, &QDoubleSpinBox::valueChanged, this, &IncomeAssessmentDialog::updatePreview);
    updatePreview();
    a11y::connectLabels(this);
}

IncomeAssessment IncomeAssessmentDialog::assessment(QStringList* problems) const
{
    IncomeAssessment a;
    a.effectiveOn = m_effective->date();
    if (m_hasPeriod->isChecked()) {
        a.incomeFrom = m_incomeFrom->date();
        a.incomeTo = m_incomeTo->date();
    }
    qint64 cents = 0;
    const QString text = m_income->text().trimmed();
    if (text.isEmpty())
        *problems << tr("Type the declared monthly income.");
    else if (!parseCents(text, &cents))
        *problems << tr("\"%1\" is not an amount (for example 1250 or 1250,50).").arg(text);
    a.monthlyIncomeCents = cents;
    a.consumptionUnitsMilli = m_typeUnits->isChecked() ? int(std::lround(m_units->value() * 1000.0))
                                                       : consumptionUnitsMilli(m_programme.consumptionUnits,
                                                                               m_members, a.effectiveOn);
    a.note = m_note->text().trimmed();
    return a;
}

void IncomeAssessmentDialog::updatePreview()
{
    showPreview();
    if (layout())
        layout()->activate(); // the dialog grows at once with the preview's lines
}

void IncomeAssessmentDialog::showPreview()
{
    QStringList problems;
    const IncomeAssessment a = assessment(&problems);
    const bool typed = !m_income->text().trimmed().isEmpty();
    m_incomeProblem->setText(typed ? problems.join(QLatin1Char('\n')) : QString());
    m_incomeProblem->setVisible(typed && !problems.isEmpty());
    if (!m_typeUnits->isChecked() && a.consumptionUnitsMilli > 0) {
        const QSignalBlocker block(m_units);
        m_units->setValue(double(a.consumptionUnitsMilli) / 1000.0);
    }
    if (!problems.isEmpty()) {
        m_preview->setText(tr("Type the declared income to see the band it gives."));
        return;
    }
    if (a.consumptionUnitsMilli <= 0) {
        m_preview->setText(tr("No member is present on this date: type the consumption units."));
        return;
    }
    const int band = m_programme.incomeBandFor(a.incomePerUnitCents());
    const AllowanceBreakdown allowance = monthlyAllowance(m_programme, m_members, a.effectiveOn, &a);
    m_preview->setText(tr("%1 per consumption unit (%2 units): %3.\nMonthly allowance from %4: "
                          "%5.\nRe-assessment due by %6.")
                           .arg(formatCents(a.incomePerUnitCents()), units(a.consumptionUnitsMilli),
                                bandText(m_programme, band),
                                QLocale().toString(a.effectiveOn, QStringLiteral("MMMM yyyy")),
                                formatCents(allowance.totalCents, m_programme.currency),
                                shortDate(a.effectiveOn.addMonths(m_programme.reassessmentMonths))));
}

QString IncomeAssessmentDialog::preview() const
{
    return m_preview->text();
}

bool IncomeAssessmentDialog::save()
{
    QStringList problems;
    const IncomeAssessment a = assessment(&problems);
    if (problems.isEmpty()) {
        try {
            IncomeService(m_db, m_session).assess(m_code, a);
            m_problems->hide();
            return true;
        } catch (const Error& e) {
            problems << e.message();
        }
    }
    m_problems->setText(problems.join(QLatin1Char('\n')));
    m_problems->show();
    return false;
}

} // namespace cabas::ui
