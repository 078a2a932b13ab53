#include "ProgrammeEditor.h"
#include "Accessibility.h"
#include "Theme.h"

#include <QCheckBox>
#include <QDateEdit>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

namespace cabas::ui {

namespace {

QString categoryName(const QString& code)
{
    static const QHash<QString, const char*> names = {
        {QStringLiteral("organic_shop"), QT_TRANSLATE_NOOP("cabas::ui::ProgrammeEditor", "Organic shops")},
        {QStringLiteral("local_producer"),
         QT_TRANSLATE_NOOP("cabas::ui::ProgrammeEditor", "Local producers")},
        {QStringLiteral("farm_shop"), QT_TRANSLATE_NOOP("cabas::ui::ProgrammeEditor", "Farm shops")},
        {QStringLiteral("market"), QT_TRANSLATE_NOOP("cabas::ui::ProgrammeEditor", "Markets")},
        {QStringLiteral("grocery"), QT_TRANSLATE_NOOP("cabas::ui::ProgrammeEditor", "Grocery shops")},
        {QStringLiteral("supermarket"), QT_TRANSLATE_NOOP("cabas::ui::ProgrammeEditor", "Supermarkets")},
        {QStringLiteral("other"), QT_TRANSLATE_NOOP("cabas::ui::ProgrammeEditor", "Other merchants")},
    };
    const auto it = names.find(code);
    return it == names.end() ? code : ProgrammeEditor::tr(it.value());
}

QDoubleSpinBox* moneySpin(QWidget* parent, const char* name)
{
    auto* spin = new QDoubleSpinBox(parent);
    spin->setObjectName(QString::fromLatin1(name));
    spin->setRange(0, 100000);
    spin->setDecimals(2);
    spin->setSingleStep(5);
    return spin;
}

QTableWidget* table(QWidget* parent, const char* name, const QStringList& headers)
{
    auto* t = new QTableWidget(0, int(headers.size()), parent);
    t->setObjectName(QString::fromLatin1(name));
    t->setHorizontalHeaderLabels(headers);
    t->horizontalHeader()->setStretchLastSection(true);
    t->verticalHeader()->hide();
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setMinimumHeight(110);
    return t;
}

QString cell(const QTableWidget* t, int row, int column)
{
    const QTableWidgetItem* item = t->item(row, column);
    return item ? item->text().trimmed() : QString();
}

void setCell(QTableWidget* t, int row, int column, const QString& text)
{
    t->setItem(row, column, new QTableWidgetItem(text));
}

// A date typed as YYYY-MM-DD or DD/MM/YYYY.
QDate parseDate(const QString& text)
{
    QDate d = QDate::fromString(text, Qt::ISODate);
    if (!d.isValid())
        d = QDate::fromString(text, QStringLiteral("dd/MM/yyyy"));
    return d;
}

// A decimal number typed with a comma or a point.
std::optional<double> parseNumber(const QString& text)
{
    QString t = text;
    t.replace(QLatin1Char(','), QLatin1Char('.'));
    bool ok = false;
    const double v = t.toDouble(&ok);
    return ok ? std::optional<double>(v) : std::nullopt;
}

} // namespace

ProgrammeEditor::ProgrammeEditor(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("programmeEditor"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    auto* form = new QFormLayout();
    m_startsOn = new QDateEdit(this);
    m_startsOn->setObjectName(QStringLiteral("startsOnEdit"));
    m_startsOn->setCalendarPopup(true);
    form->addRow(tr("Start of the programme"), m_startsOn);
    auto* endRow = new QHBoxLayout();
    m_hasEnd = new QCheckBox(tr("Planned end"), this);
    m_hasEnd->setObjectName(QStringLiteral("hasEndCheck"));
    m_endsOn = new QDateEdit(this);
    m_endsOn->setObjectName(QStringLiteral("endsOnEdit"));
    m_endsOn->setCalendarPopup(true);
    m_endsOn->setEnabled(false);
    m_endsOn->setAccessibleName(tr("Planned end date"));
    connect(m_hasEnd, &QCheckBox::toggled, m_endsOn, &QWidget::setEnabled);
    endRow->addWidget(m_hasEnd);
    endRow->addWidget(m_endsOn, 1);
    form->addRow(tr("End"), endRow);

    m_currency = new QLineEdit(this);
    m_currency->setObjectName(QStringLiteral("currencyEdit"));
    m_currency->setMaxLength(10);
    m_currency->setToolTip(tr("EUR, or the label of a local currency such as MonA: never summed together."));
    form->addRow(tr("Currency"), m_currency);
    m_adult = moneySpin(this, "adultAllowanceSpin");
    m_adult->setAccessibleName(tr("Monthly allowance per adult"));
    form->addRow(tr("Monthly allowance per adult"), m_adult);
    m_child = moneySpin(this, "childAllowanceSpin");
    m_child->setAccessibleName(tr("Monthly allowance per child"));
    form->addRow(tr("Monthly allowance per child"), m_child);
    m_adultAge = new QSpinBox(this);
    m_adultAge->setObjectName(QStringLiteral("adultAgeSpin"));
    m_adultAge->setRange(1, 30);
    m_adultAge->setSuffix(tr(" years"));
    form->addRow(tr("A child counts as an adult from"), m_adultAge);
    m_prefix = new QLineEdit(this);
    m_prefix->setObjectName(QStringLiteral("codePrefixEdit"));
    m_prefix->setMaxLength(10);
    form->addRow(tr("Household code prefix"), m_prefix);
    m_threshold = new QSpinBox(this);
    m_threshold->setObjectName(QStringLiteral("thresholdSpin"));
    m_threshold->setRange(1, 1000);
    m_threshold->setSuffix(tr(" people"));
    m_threshold->setToolTip(tr("Public figures hide any group smaller than this (11 in French practice for "
                               "health data)."));
    form->addRow(tr("Smallest group shown in public figures"), m_threshold);
    layout->addLayout(form);

    auto addTableGroup = [&](const QString& title, QTableWidget* t, void (ProgrammeEditor::*add)()) {
        auto* box = new QGroupBox(title, this);
        t->setAccessibleName(title);
        auto* v = new QVBoxLayout(box);
        v->addWidget(t);
        auto* buttons = new QHBoxLayout();
        auto* addButton = new QPushButton(tr("Add"), box);
        addButton->setObjectName(t->objectName() + QStringLiteral("AddButton"));
        auto* removeButton = new QPushButton(tr("Remove"), box);
        removeButton->setObjectName(t->objectName() + QStringLiteral("RemoveButton"));
        addButton->setAccessibleName(tr("Add: %1").arg(title));
        removeButton->setAccessibleName(tr("Remove the selected row: %1").arg(title));
        connect(addButton, &QPushButton::clicked, this, add);
        connect(removeButton, &QPushButton::clicked, this, [this, t] { removeSelectedRow(t); });
        buttons->addStretch(1);
        buttons->addWidget(addButton);
        buttons->addWidget(removeButton);
        v->addLayout(buttons);
        layout->addWidget(box);
    };
    m_waves = table(this, "wavesTable", {tr("Wave"), tr("Days after enrolment"), tr("Tolerance (days)")});
    addTableGroup(tr("Follow-up waves"), m_waves, &ProgrammeEditor::addWave);
    m_bonus = table(this, "bonusTable",
                    {tr("Label"), tr("Rate (%)"), tr("Monthly cap"), tr("Valid from"), tr("Valid until")});
    m_bonus->setToolTip(tr("Dates as 2024-06-01 or 01/06/2024; an empty cap means no cap, an empty end date "
                           "means no end."));
    addTableGroup(tr("Bonus on sustainable purchases"), m_bonus, &ProgrammeEditor::addBonusRule);

    auto* categories = new QGroupBox(tr("Merchant categories counted as sustainable"), this);
    auto* grid = new QGridLayout(categories);
    int i = 0;
    for (const QString& code : merchantCategories()) {
        auto* check = new QCheckBox(categoryName(code), categories);
        check->setObjectName(QStringLiteral("category_") + code);
        check->setProperty("code", code);
        grid->addWidget(check, i / 3, i % 3);
        m_categories << check;
        ++i;
    }
    layout->addWidget(categories);

    m_problems = new QLabel(this);
    m_problems->setObjectName(QStringLiteral("programmeProblemsLabel"));
    m_problems->setWordWrap(true);
    theme::setTone(m_problems, theme::Tone::Error);
    m_problems->hide();
    layout->addWidget(m_problems);
    a11y::connectLabels(this);
}

void ProgrammeEditor::setProgramme(const Programme& p)
{
    m_id = p.id;
    m_version = p.version;
    m_name = p.name;
    m_startsOn->setDate(p.startsOn);
    m_hasEnd->setChecked(p.endsOn.isValid());
    m_endsOn->setDate(p.endsOn.isValid() ? p.endsOn : p.startsOn.addYears(1));
    m_currency->setText(p.currency);
    m_adult->setValue(double(p.adultAllowanceCents) / 100.0);
    m_loaded = p; // what the editor does not show (other allowance kinds) is kept as it was
    m_child->setValue(double(p.childAllowanceCents) / 100.0);
    m_adultAge->setValue(p.childAdultAge);
    m_prefix->setText(p.householdCodePrefix);
    m_threshold->setValue(p.disclosureThreshold);
    m_waves->setRowCount(0);
    for (const FollowUpWave& w : p.waves) {
        const int row = m_waves->rowCount();
        m_waves->insertRow(row);
        setCell(m_waves, row, 0, w.code);
        setCell(m_waves, row, 1, QString::number(w.offsetDays));
        setCell(m_waves, row, 2, QString::number(w.toleranceDays));
    }
    const QLocale locale;
    m_bonus->setRowCount(0);
    for (const BonusRule& r : p.bonusRules) {
        const int row = m_bonus->rowCount();
        m_bonus->insertRow(row);
        setCell(m_bonus, row, 0, r.label);
        setCell(m_bonus, row, 1, locale.toString(double(r.rateBasisPoints) / 100.0, 'f', 2));
        setCell(m_bonus, row, 2,
                r.monthlyCapCents ? locale.toString(double(*r.monthlyCapCents) / 100.0, 'f', 2) : QString());
        setCell(m_bonus, row, 3, r.validFrom.toString(Qt::ISODate));
        setCell(m_bonus, row, 4, r.validTo.isValid() ? r.validTo.toString(Qt::ISODate) : QString());
    }
    for (QCheckBox* c : m_categories)
        c->setChecked(p.sustainableCategories.contains(c->property("code").toString()));
    m_problems->hide();
}

Programme ProgrammeEditor::programme(QStringList* problems) const
{
    QStringList found;
    Programme p = m_loaded;
    p.waves.clear();
    p.bonusRules.clear();
    p.sustainableCategories.clear();
    p.id = m_id;
    p.version = m_version;
    p.name = m_name;
    p.startsOn = m_startsOn->date();
    p.endsOn = m_hasEnd->isChecked() ? m_endsOn->date() : QDate();
    p.currency = m_currency->text().trimmed();
    p.adultAllowanceCents = std::llround(m_adult->value() * 100.0);
    p.childAllowanceCents = std::llround(m_child->value() * 100.0);
    p.childAdultAge = m_adultAge->value();
    p.householdCodePrefix = m_prefix->text().trimmed();
    p.disclosureThreshold = m_threshold->value();
    for (int row = 0; row < m_waves->rowCount(); ++row) {
        FollowUpWave w;
        w.code = cell(m_waves, row, 0);
        bool ok1 = false, ok2 = false;
        w.offsetDays = cell(m_waves, row, 1).toInt(&ok1);
        w.toleranceDays = cell(m_waves, row, 2).toInt(&ok2);
        if (!ok1 || !ok2)
            found << tr("Follow-up wave %1: the days must be whole numbers.").arg(row + 1);
        p.waves.push_back(w);
    }
    for (int row = 0; row < m_bonus->rowCount(); ++row) {
        BonusRule r;
        r.label = cell(m_bonus, row, 0);
        const auto rate = parseNumber(cell(m_bonus, row, 1));
        if (!rate)
            found << tr("Bonus rule %1: the rate must be a number of percent, such as 50.").arg(row + 1);
        else
            r.rateBasisPoints = int(std::lround(*rate * 100.0));
        const QString cap = cell(m_bonus, row, 2);
        if (!cap.isEmpty()) {
            const auto amount = parseNumber(cap);
            if (!amount)
                found << tr("Bonus rule %1: the monthly cap must be an amount, such as 25 or 25,50.")
                             .arg(row + 1);
            else
                r.monthlyCapCents = std::llround(*amount * 100.0);
        }
        r.validFrom = parseDate(cell(m_bonus, row, 3));
        if (!r.validFrom.isValid())
            found << tr("Bonus rule %1: \"%2\" is not a date (2024-06-01 or 01/06/2024).")
                         .arg(row + 1)
                         .arg(cell(m_bonus, row, 3));
        const QString to = cell(m_bonus, row, 4);
        if (!to.isEmpty()) {
            r.validTo = parseDate(to);
            if (!r.validTo.isValid())
                found << tr("Bonus rule %1: \"%2\" is not a date (2024-06-01 or 01/06/2024).")
                             .arg(row + 1)
                             .arg(to);
        }
        p.bonusRules.push_back(r);
    }
    for (const QCheckBox* c : m_categories)
        if (c->isChecked())
            p.sustainableCategories << c->property("code").toString();
    p.sustainableCategories.sort();
    if (problems) {
        const Programme named = [&] {
            Programme copy = p;
            if (copy.name.trimmed().isEmpty())
                copy.name = QStringLiteral("-"); // the caller checks the name where it is typed
            return copy;
        }();
        *problems = found + named.validate();
    }
    return p;
}

bool ProgrammeEditor::check(const QString& name)
{
    m_name = name;
    QStringList problems;
    programme(&problems);
    m_problems->setText(problems.join(QLatin1Char('\n')));
    m_problems->setVisible(!problems.isEmpty());
    return problems.isEmpty();
}

void ProgrammeEditor::addWave()
{
    const int row = m_waves->rowCount();
    int offset = 0;
    if (row > 0)
        offset = cell(m_waves, row - 1, 1).toInt() + 182;
    m_waves->insertRow(row);
    setCell(m_waves, row, 0, QStringLiteral("M%1").arg(int(std::lround(offset / 30.4))));
    setCell(m_waves, row, 1, QString::number(offset));
    setCell(m_waves, row, 2, QStringLiteral("30"));
    m_waves->setCurrentCell(row, 0);
}

void ProgrammeEditor::addBonusRule()
{
    const int row = m_bonus->rowCount();
    m_bonus->insertRow(row);
    setCell(m_bonus, row, 0, tr("Bonus on sustainable purchases"));
    setCell(m_bonus, row, 1, QStringLiteral("50"));
    setCell(m_bonus, row, 2, QString());
    setCell(m_bonus, row, 3, m_startsOn->date().toString(Qt::ISODate));
    setCell(m_bonus, row, 4, QString());
    m_bonus->setCurrentCell(row, 0);
}

void ProgrammeEditor::removeSelectedRow(QTableWidget* t)
{
    const int row = t->currentRow();
    if (row >= 0)
        t->removeRow(row);
}

} // namespace cabas::ui
