#include "ProgrammeEditor.h"
#include "Accessibility.h"
#include "Theme.h"

#include "common/Money.h"

#include <QCheckBox>
#include <QComboBox>
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
#include <QStackedWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>
#include <cstdlib>

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

// Cents as typed in a cell: "1200,50" with the locale's decimal point and no group separator.
QString centsText(qint64 cents)
{
    return QStringLiteral("%1%2%3%4")
        .arg(cents < 0 ? QStringLiteral("-") : QString())
        .arg(std::llabs(cents) / 100)
        .arg(QLocale().decimalPoint())
        .arg(std::llabs(cents) % 100, 2, 10, QLatin1Char('0'));
}

QDoubleSpinBox* weightSpin(QWidget* parent, const char* name)
{
    auto* spin = new QDoubleSpinBox(parent);
    spin->setObjectName(QString::fromLatin1(name));
    spin->setRange(0, 10);
    spin->setDecimals(3);
    spin->setSingleStep(0.1);
    return spin;
}

QLabel* problemLabel(QWidget* parent, const char* name)
{
    auto* label = new QLabel(parent);
    label->setObjectName(QString::fromLatin1(name));
    label->setWordWrap(true);
    theme::setTone(label, theme::Tone::Error);
    label->hide();
    return label;
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
    m_generalProblems = problemLabel(this, "generalProblemsLabel");
    layout->addWidget(m_generalProblems);

    // ---- the monthly allowance: one kind of rule, and its fields
    auto* allowance = new QGroupBox(tr("Monthly allowance"), this);
    allowance->setObjectName(QStringLiteral("allowanceGroup"));
    auto* allowanceLayout = new QVBoxLayout(allowance);
    auto* kindForm = new QFormLayout();
    m_kind = new QComboBox(allowance);
    m_kind->setObjectName(QStringLiteral("allowanceKindCombo"));
    m_kind->addItem(tr("By role: an amount per adult and per child"), int(AllowanceKind::ByRole));
    m_kind->addItem(tr("Per person: one amount per member"), int(AllowanceKind::PerPerson));
    m_kind->addItem(tr("Income bands: an amount by income per consumption unit"),
                    int(AllowanceKind::IncomeBands));
    kindForm->addRow(tr("Rule"), m_kind);
    allowanceLayout->addLayout(kindForm);
    m_kindStack = new QStackedWidget(allowance);
    m_kindStack->setObjectName(QStringLiteral("allowanceKindStack"));

    auto* byRole = new QWidget(m_kindStack);
    auto* byRoleForm = new QFormLayout(byRole);
    byRoleForm->setContentsMargins(0, 0, 0, 0);
    m_adult = moneySpin(byRole, "adultAllowanceSpin");
    m_adult->setAccessibleName(tr("Monthly allowance per adult"));
    byRoleForm->addRow(tr("Monthly allowance per adult"), m_adult);
    m_child = moneySpin(byRole, "childAllowanceSpin");
    m_child->setAccessibleName(tr("Monthly allowance per child"));
    byRoleForm->addRow(tr("Monthly allowance per child"), m_child);
    m_adultAge = new QSpinBox(byRole);
    m_adultAge->setObjectName(QStringLiteral("adultAgeSpin"));
    m_adultAge->setRange(1, 30);
    m_adultAge->setSuffix(tr(" years"));
    byRoleForm->addRow(tr("A child counts as an adult from"), m_adultAge);
    m_kindStack->addWidget(byRole);

    auto* perPerson = new QWidget(m_kindStack);
    auto* perPersonForm = new QFormLayout(perPerson);
    perPersonForm->setContentsMargins(0, 0, 0, 0);
    m_perPerson = moneySpin(perPerson, "perPersonAllowanceSpin");
    m_perPerson->setAccessibleName(tr("Monthly allowance per member"));
    perPersonForm->addRow(tr("Monthly allowance per member"), m_perPerson);
    m_kindStack->addWidget(perPerson);

    auto* bands = new QWidget(m_kindStack);
    auto* bandsLayout = new QVBoxLayout(bands);
    bandsLayout->setContentsMargins(0, 0, 0, 0);
    m_bands = table(bands, "incomeBandsTable", {tr("Monthly income per unit, up to"), tr("Monthly amount")});
    m_bands->setAccessibleName(tr("Income bands"));
    m_bands->setColumnWidth(0, 260);
    m_bands->setToolTip(tr("In increasing order of income; the last band has no upper limit (leave it "
                           "empty). Amounts such as 600 or 600,50."));
    bandsLayout->addWidget(m_bands);
    auto* bandButtons = new QHBoxLayout();
    auto* addBandButton = new QPushButton(tr("Add a band"), bands);
    addBandButton->setObjectName(QStringLiteral("incomeBandsTableAddButton"));
    auto* removeBandButton = new QPushButton(tr("Remove the band"), bands);
    removeBandButton->setObjectName(QStringLiteral("incomeBandsTableRemoveButton"));
    connect(addBandButton, &QPushButton::clicked, this, &ProgrammeEditor::addBand);
    connect(removeBandButton, &QPushButton::clicked, this, [this] { removeSelectedRow(m_bands); });
    bandButtons->addStretch(1);
    bandButtons->addWidget(addBandButton);
    bandButtons->addWidget(removeBandButton);
    bandsLayout->addLayout(bandButtons);
    auto* bandsForm = new QFormLayout();
    m_bandBasis = new QComboBox(bands);
    m_bandBasis->setObjectName(QStringLiteral("bandBasisCombo"));
    m_bandBasis->addItem(tr("per household"), false);
    m_bandBasis->addItem(tr("per member"), true);
    bandsForm->addRow(tr("The band's amount is"), m_bandBasis);
    auto* weights = new QHBoxLayout();
    m_firstPerson = weightSpin(bands, "firstPersonWeightSpin");
    m_firstPerson->setAccessibleName(tr("Consumption units of the first person"));
    m_otherPersons = weightSpin(bands, "otherPersonsWeightSpin");
    m_otherPersons->setAccessibleName(tr("Consumption units of each other person of that age"));
    m_children = weightSpin(bands, "childrenWeightSpin");
    m_children->setAccessibleName(tr("Consumption units of each younger child"));
    m_childUnderAge = new QSpinBox(bands);
    m_childUnderAge->setObjectName(QStringLiteral("childUnderAgeSpin"));
    m_childUnderAge->setRange(1, 30);
    m_childUnderAge->setSuffix(tr(" years"));
    m_childUnderAge->setAccessibleName(tr("Age from which a person counts as an adult in consumption units"));
    weights->addWidget(new QLabel(tr("first person"), bands));
    weights->addWidget(m_firstPerson);
    weights->addWidget(new QLabel(tr("others"), bands));
    weights->addWidget(m_otherPersons);
    weights->addWidget(new QLabel(tr("children under"), bands));
    weights->addWidget(m_childUnderAge);
    weights->addWidget(m_children);
    bandsForm->addRow(tr("Consumption units"), weights);
    m_reassess = new QSpinBox(bands);
    m_reassess->setObjectName(QStringLiteral("reassessMonthsSpin"));
    m_reassess->setRange(1, 60);
    m_reassess->setSuffix(tr(" months"));
    bandsForm->addRow(tr("Re-assess the income every"), m_reassess);
    bandsLayout->addLayout(bandsForm);
    m_kindStack->addWidget(bands);
    allowanceLayout->addWidget(m_kindStack);

    m_prorate = new QCheckBox(tr("Prorate the first month by the days left in it"), allowance);
    m_prorate->setObjectName(QStringLiteral("prorateFirstMonthCheck"));
    allowanceLayout->addWidget(m_prorate);
    m_allowanceProblems = problemLabel(allowance, "allowanceProblemsLabel");
    allowanceLayout->addWidget(m_allowanceProblems);
    layout->addWidget(allowance);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &ProgrammeEditor::showKind);

    auto addTableGroup = [&](const QString& title, QTableWidget* t, void (ProgrammeEditor::*add)(),
                             QLabel* problems) {
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
        v->addWidget(problems);
        layout->addWidget(box);
    };
    m_waves = table(this, "wavesTable", {tr("Wave"), tr("Days after enrolment"), tr("Tolerance (days)")});
    m_wavesProblems = problemLabel(this, "wavesProblemsLabel");
    addTableGroup(tr("Follow-up waves"), m_waves, &ProgrammeEditor::addWave, m_wavesProblems);
    m_bonus = table(this, "bonusTable",
                    {tr("Label"), tr("Rate (%)"), tr("Monthly cap"), tr("Valid from"), tr("Valid until")});
    m_bonus->setToolTip(tr("Dates as 2024-06-01 or 01/06/2024; an empty cap means no cap, an empty end date "
                           "means no end."));
    m_bonusProblems = problemLabel(this, "bonusProblemsLabel");
    addTableGroup(tr("Bonus on sustainable purchases"), m_bonus, &ProgrammeEditor::addBonusRule,
                  m_bonusProblems);

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
    showKind();
    a11y::connectLabels(this);
}

void ProgrammeEditor::showKind()
{
    const auto kind = AllowanceKind(m_kind->currentData().toInt());
    m_kindStack->setCurrentIndex(m_kind->currentIndex());
    // Only the current kind's page takes room.
    for (int page = 0; page < m_kindStack->count(); ++page)
        m_kindStack->widget(page)->setSizePolicy(
            page == m_kindStack->currentIndex() ? QSizePolicy::Preferred : QSizePolicy::Ignored,
            page == m_kindStack->currentIndex() ? QSizePolicy::Preferred : QSizePolicy::Ignored);
    m_kindStack->adjustSize();
    if (kind == AllowanceKind::IncomeBands && m_bands->rowCount() == 0)
        addBand();
}

void ProgrammeEditor::setProgramme(const Programme& p)
{
    m_id = p.id;
    m_version = p.version;
    m_name = p.name;
    m_loaded = p; // what the editor does not show is kept as it was
    m_startsOn->setDate(p.startsOn);
    m_hasEnd->setChecked(p.endsOn.isValid());
    m_endsOn->setDate(p.endsOn.isValid() ? p.endsOn : p.startsOn.addYears(1));
    m_currency->setText(p.currency);
    m_adult->setValue(double(p.adultAllowanceCents) / 100.0);
    m_child->setValue(double(p.childAllowanceCents) / 100.0);
    m_adultAge->setValue(p.childAdultAge);
    m_perPerson->setValue(double(p.perPersonCents) / 100.0);
    m_bands->setRowCount(0);
    for (const IncomeBand& b : p.incomeBands) {
        const int row = m_bands->rowCount();
        m_bands->insertRow(row);
        setCell(m_bands, row, 0, b.upToCents ? centsText(*b.upToCents) : QString());
        setCell(m_bands, row, 1, centsText(b.amountCents));
    }
    m_bandBasis->setCurrentIndex(p.incomeBandPerPerson ? 1 : 0);
    m_firstPerson->setValue(double(p.consumptionUnits.firstAdultMilli) / 1000.0);
    m_otherPersons->setValue(double(p.consumptionUnits.otherAdultMilli) / 1000.0);
    m_children->setValue(double(p.consumptionUnits.childMilli) / 1000.0);
    m_childUnderAge->setValue(p.consumptionUnits.adultAge);
    m_reassess->setValue(p.reassessmentMonths);
    m_prorate->setChecked(p.prorateFirstMonth);
    {
        const QSignalBlocker block(m_kind); // no default band added to a programme read
        m_kind->setCurrentIndex(m_kind->findData(int(p.allowanceKind)));
    }
    showKind();
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
        m_bonus->item(row, 0)->setData(Qt::UserRole, r.id); // the stored rule, kept with its row
        setCell(m_bonus, row, 1, locale.toString(double(r.rateBasisPoints) / 100.0, 'f', 2));
        setCell(m_bonus, row, 2, r.monthlyCapCents ? centsText(*r.monthlyCapCents) : QString());
        setCell(m_bonus, row, 3, r.validFrom.toString(Qt::ISODate));
        setCell(m_bonus, row, 4, r.validTo.isValid() ? r.validTo.toString(Qt::ISODate) : QString());
    }
    for (QCheckBox* c : m_categories)
        c->setChecked(p.sustainableCategories.contains(c->property("code").toString()));
    for (QLabel* l : {m_problems, m_generalProblems, m_allowanceProblems, m_bonusProblems, m_wavesProblems})
        l->hide();
}

Programme ProgrammeEditor::read(std::vector<Problem>* found) const
{
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
    p.allowanceKind = AllowanceKind(m_kind->currentData().toInt());
    p.adultAllowanceCents = std::llround(m_adult->value() * 100.0);
    p.childAllowanceCents = std::llround(m_child->value() * 100.0);
    p.childAdultAge = m_adultAge->value();
    p.perPersonCents = std::llround(m_perPerson->value() * 100.0);
    p.incomeBands.clear();
    for (int row = 0; row < m_bands->rowCount(); ++row) {
        IncomeBand b;
        const QString upTo = cell(m_bands, row, 0);
        if (!upTo.isEmpty()) {
            qint64 cents = 0;
            if (parseCents(upTo, &cents))
                b.upToCents = cents;
            else
                found->push_back(
                    {Part::Allowance,
                     tr("Income band %1: \"%2\" is not an amount (such as 900 or 900,50); leave the "
                        "last band's limit empty.")
                         .arg(row + 1)
                         .arg(upTo)});
        }
        const QString amount = cell(m_bands, row, 1);
        if (!parseCents(amount, &b.amountCents))
            found->push_back(
                {Part::Allowance, tr("Income band %1: the monthly amount \"%2\" is not an amount "
                                     "(such as 70 or 70,50).")
                                      .arg(row + 1)
                                      .arg(amount)});
        p.incomeBands.push_back(b);
    }
    p.incomeBandPerPerson = m_bandBasis->currentData().toBool();
    p.consumptionUnits.firstAdultMilli = int(std::lround(m_firstPerson->value() * 1000.0));
    p.consumptionUnits.otherAdultMilli = int(std::lround(m_otherPersons->value() * 1000.0));
    p.consumptionUnits.childMilli = int(std::lround(m_children->value() * 1000.0));
    p.consumptionUnits.adultAge = m_childUnderAge->value();
    p.reassessmentMonths = m_reassess->value();
    p.prorateFirstMonth = m_prorate->isChecked();
    p.householdCodePrefix = m_prefix->text().trimmed();
    p.disclosureThreshold = m_threshold->value();
    for (int row = 0; row < m_waves->rowCount(); ++row) {
        FollowUpWave w;
        w.code = cell(m_waves, row, 0);
        bool ok1 = false, ok2 = false;
        w.offsetDays = cell(m_waves, row, 1).toInt(&ok1);
        w.toleranceDays = cell(m_waves, row, 2).toInt(&ok2);
        if (!ok1 || !ok2)
            found->push_back(
                {Part::Waves, tr("Follow-up wave %1: the days must be whole numbers.").arg(row + 1)});
        p.waves.push_back(w);
    }
    for (int row = 0; row < m_bonus->rowCount(); ++row) {
        BonusRule r;
        r.label = cell(m_bonus, row, 0);
        if (const QTableWidgetItem* item = m_bonus->item(row, 0))
            r.id = item->data(Qt::UserRole).toLongLong();
        const auto rate = parseNumber(cell(m_bonus, row, 1));
        if (!rate)
            found->push_back(
                {Part::Bonus,
                 tr("Bonus rule %1: the rate must be a number of percent, such as 50.").arg(row + 1)});
        else
            r.rateBasisPoints = int(std::lround(*rate * 100.0));
        const QString cap = cell(m_bonus, row, 2);
        if (!cap.isEmpty()) {
            qint64 cents = 0;
            if (!parseCents(cap, &cents))
                found->push_back(
                    {Part::Bonus, tr("Bonus rule %1: the monthly cap must be an amount, such as 25 "
                                     "or 25,50.")
                                      .arg(row + 1)});
            else
                r.monthlyCapCents = cents;
        }
        r.validFrom = parseDate(cell(m_bonus, row, 3));
        if (!r.validFrom.isValid())
            found->push_back(
                {Part::Bonus, tr("Bonus rule %1: \"%2\" is not a date (2024-06-01 or 01/06/2024).")
                                  .arg(row + 1)
                                  .arg(cell(m_bonus, row, 3))});
        const QString to = cell(m_bonus, row, 4);
        if (!to.isEmpty()) {
            r.validTo = parseDate(to);
            if (!r.validTo.isValid())
                found->push_back({Part::Bonus, tr("Bonus rule %1: \"%2\" is not a date (2024-06-01 or "
                                                  "01/06/2024).")
                                                   .arg(row + 1)
                                                   .arg(to)});
        }
        p.bonusRules.push_back(r);
    }
    for (const QCheckBox* c : m_categories)
        if (c->isChecked())
            p.sustainableCategories << c->property("code").toString();
    p.sustainableCategories.sort();

    Programme named = p;
    if (named.name.trimmed().isEmpty())
        named.name = QStringLiteral("-"); // the caller checks the name where it is typed
    for (const QString& problem : named.validate()) {
        Part part = Part::General;
        if (problem.startsWith(QLatin1String("allowance")))
            part = Part::Allowance;
        else if (problem.startsWith(QLatin1String("bonus_rules")))
            part = Part::Bonus;
        else if (problem.startsWith(QLatin1String("waves")))
            part = Part::Waves;
        found->push_back({part, problem});
    }
    return p;
}

Programme ProgrammeEditor::programme(QStringList* problems) const
{
    std::vector<Problem> found;
    const Programme p = read(&found);
    if (problems) {
        problems->clear();
        for (const Problem& f : found)
            *problems << f.text;
    }
    return p;
}

bool ProgrammeEditor::check(const QString& name)
{
    m_name = name;
    std::vector<Problem> found;
    read(&found);
    const auto show = [&](QLabel* label, std::optional<Part> part) {
        QStringList texts;
        for (const Problem& f : found)
            if (!part || f.part == *part)
                texts << f.text;
        label->setText(texts.join(QLatin1Char('\n')));
        label->setVisible(!texts.isEmpty());
    };
    show(m_generalProblems, Part::General);
    show(m_allowanceProblems, Part::Allowance);
    show(m_bonusProblems, Part::Bonus);
    show(m_wavesProblems, Part::Waves);
    show(m_problems, std::nullopt);
    return found.empty();
}

void ProgrammeEditor::addBand()
{
    const int row = m_bands->rowCount();
    // A new band goes before the open last one, with a limit above the previous band's.
    qint64 previous = 0;
    for (int r = 0; r < row; ++r) {
        qint64 cents = 0;
        if (parseCents(cell(m_bands, r, 0), &cents))
            previous = std::max(previous, cents);
    }
    if (row == 0) {
        m_bands->insertRow(0);
        setCell(m_bands, 0, 0, QString());
        setCell(m_bands, 0, 1, centsText(0));
        m_bands->setCurrentCell(0, 1);
        return;
    }
    const int at = row - 1;
    m_bands->insertRow(at);
    setCell(m_bands, at, 0, centsText(previous + 30000));
    setCell(m_bands, at, 1, centsText(0));
    m_bands->setCurrentCell(at, 0);
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
