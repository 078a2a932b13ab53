#include "HomePage.h"
#include "Theme.h"

#include "common/Error.h"
#include "common/Money.h"
#include "setup/Setup.h"
#include "store/ProgrammeRepository.h"

#include <QFormLayout>
#include <QFrame>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QScrollArea>
#include <QVBoxLayout>

namespace cabas::ui {

namespace {
QString longDate(const QDate& date)
{
    return QLocale().toString(date, QStringLiteral("d MMMM yyyy"));
}

QFont scaledFont(const QFont& base, double factor, bool bold)
{
    QFont f = base;
    if (f.pointSizeF() > 0)
        f.setPointSizeF(f.pointSizeF() * factor);
    else
        f.setPixelSize(static_cast<int>(f.pixelSize() * factor));
    f.setBold(bold);
    return f;
}
} // namespace

HomePage::HomePage(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("homePage"));
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    outer->addWidget(scroll);

    auto* content = new QWidget(scroll);
    scroll->setWidget(content);
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(28, 24, 28, 24);
    layout->setSpacing(16);

    m_title = new QLabel(content);
    m_title->setObjectName(QStringLiteral("programmeNameLabel"));
    m_title->setFont(scaledFont(font(), 1.8, true));
    m_title->setWordWrap(true);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_title);

    m_period = new QLabel(content);
    m_period->setObjectName(QStringLiteral("programmePeriodLabel"));
    m_period->setFont(scaledFont(font(), 1.1, false));
    layout->addWidget(m_period);

    m_error = new QLabel(content);
    m_error->setObjectName(QStringLiteral("homeErrorLabel"));
    m_error->setWordWrap(true);
    theme::setTone(m_error, theme::Tone::Error);
    m_error->hide();
    layout->addWidget(m_error);

    auto* tiles = new QGridLayout();
    tiles->setHorizontalSpacing(12);
    m_households = addStatTile(tiles, 0, QStringLiteral("householdsCountLabel"), tr("Households"));
    m_persons = addStatTile(tiles, 1, QStringLiteral("personsCountLabel"), tr("Persons"));
    m_cards = addStatTile(tiles, 2, QStringLiteral("cardsCountLabel"), tr("Cards"));
    m_users = addStatTile(tiles, 3, QStringLiteral("usersCountLabel"), tr("Users"));
    layout->addLayout(tiles);

    auto* columns = new QVBoxLayout();
    columns->setSpacing(16);

    auto* rules = new QGroupBox(tr("Programme rules"), content);
    rules->setObjectName(QStringLiteral("programmeRulesBox"));
    auto* rulesForm = new QFormLayout(rules);
    rulesForm->setContentsMargins(16, 12, 16, 12);
    rulesForm->setVerticalSpacing(8);
    rulesForm->setHorizontalSpacing(16);
    m_adultAllowance =
        addFormRow(rulesForm, QStringLiteral("adultAllowanceLabel"), tr("Monthly allowance per adult"));
    m_childAllowance =
        addFormRow(rulesForm, QStringLiteral("childAllowanceLabel"), tr("Monthly allowance per child"));
    m_adultAge = addFormRow(rulesForm, QStringLiteral("adultAgeLabel"), tr("Counted as an adult from"));
    m_bonus = addFormRow(rulesForm, QStringLiteral("bonusRulesLabel"), tr("Bonus on sustainable purchases"));
    m_waves = addFormRow(rulesForm, QStringLiteral("wavesLabel"), tr("Follow-up waves"));
    columns->addWidget(rules);

    auto* data = new QGroupBox(tr("Database"), content);
    data->setObjectName(QStringLiteral("databaseBox"));
    auto* dataForm = new QFormLayout(data);
    dataForm->setContentsMargins(16, 12, 16, 12);
    dataForm->setVerticalSpacing(8);
    dataForm->setHorizontalSpacing(16);
    m_location = addFormRow(dataForm, QStringLiteral("databaseLocationLabel"), tr("Location"));
    m_schema = addFormRow(dataForm, QStringLiteral("schemaVersionLabel"), tr("Schema version"));
    m_codePrefix = addFormRow(dataForm, QStringLiteral("codePrefixLabel"), tr("Household codes"));
    m_threshold =
        addFormRow(dataForm, QStringLiteral("disclosureThresholdLabel"), tr("Smallest group in results"));
    columns->addWidget(data);
    columns->setAlignment(rules, Qt::AlignTop);
    columns->setAlignment(data, Qt::AlignTop);
    layout->addLayout(columns);
    layout->addStretch(1);

    reload(nullptr);
}

QLabel* HomePage::addStatTile(QGridLayout* grid, int column, const QString& objectName,
                              const QString& caption)
{
    auto* tile = new QFrame(this);
    tile->setObjectName(QStringLiteral("statTile"));
    tile->setStyleSheet(
        QStringLiteral("QFrame#statTile { background: palette(base); border: 1px solid palette(mid);"
                       " border-radius: 6px; }"));
    auto* v = new QVBoxLayout(tile);
    v->setContentsMargins(16, 12, 16, 12);
    auto* value = new QLabel(QStringLiteral("–"), tile);
    value->setObjectName(objectName);
    value->setFont(scaledFont(font(), 2.0, true));
    auto* label = new QLabel(caption, tile);
    QPalette pal = label->palette();
    pal.setColor(QPalette::WindowText, pal.color(QPalette::PlaceholderText));
    label->setPalette(pal);
    v->addWidget(value);
    v->addWidget(label);
    grid->addWidget(tile, 0, column);
    grid->setColumnStretch(column, 1);
    return value;
}

QLabel* HomePage::addFormRow(QFormLayout* form, const QString& objectName, const QString& caption)
{
    auto* value = new QLabel(this);
    value->setObjectName(objectName);
    value->setWordWrap(true);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(caption, value);
    return value;
}

void HomePage::reload(const store::Database* db)
{
    const QString none = QStringLiteral("–");
    m_error->hide();
    for (QLabel* l : {m_households, m_persons, m_cards, m_users, m_adultAllowance, m_childAllowance,
                      m_adultAge, m_waves, m_bonus, m_threshold, m_codePrefix, m_location, m_schema})
        l->setText(none);
    m_title->setText(tr("No database open"));
    m_period->clear();
    if (!db)
        return;

    const QLocale locale;
    m_location->setText(db->spec().displayName());
    try {
        const DatabaseSummary summary = summarize(*db);
        m_schema->setText(locale.toString(summary.schemaVersion));
        m_households->setText(locale.toString(summary.households));
        m_persons->setText(locale.toString(summary.persons));
        m_cards->setText(locale.toString(summary.cards));
        m_users->setText(locale.toString(summary.users));

        const auto programme = store::ProgrammeRepository(*db).load();
        if (!programme) {
            m_title->setText(tr("No programme defined"));
            return;
        }
        const Programme& p = *programme;
        m_title->setText(p.name);
        m_period->setText(p.endsOn.isValid()
                              ? tr("From %1 to %2").arg(longDate(p.startsOn), longDate(p.endsOn))
                              : tr("From %1 (no planned end)").arg(longDate(p.startsOn)));
        m_adultAllowance->setText(formatCents(p.adultAllowanceCents, p.currency));
        m_childAllowance->setText(formatCents(p.childAllowanceCents, p.currency));
        m_adultAge->setText(tr("the age of %1").arg(p.childAdultAge));
        if (p.allowanceKind != AllowanceKind::ByRole) { // per person or income bands: the rule in one line
            m_adultAllowance->setText(p.allowanceSummary());
            m_childAllowance->setText(QStringLiteral("—"));
        }
        m_codePrefix->setText(QStringLiteral("%1-…").arg(p.householdCodePrefix));
        m_threshold->setText(tr("%1 people").arg(p.disclosureThreshold));

        QStringList waves;
        for (const FollowUpWave& w : p.waves)
            waves << tr("%1: day %2 (± %3 days)").arg(w.code).arg(w.offsetDays).arg(w.toleranceDays);
        m_waves->setText(waves.isEmpty() ? tr("none") : waves.join(QLatin1Char('\n')));

        QStringList bonuses;
        for (const BonusRule& b : p.bonusRules) {
            const QString rate =
                locale.toString(b.rateBasisPoints / 100.0, 'f', b.rateBasisPoints % 100 ? 2 : 0);
            QString text =
                b.validTo.isValid()
                    ? tr("%1 %: %2 (%3 to %4)").arg(rate, b.label, longDate(b.validFrom), longDate(b.validTo))
                    : tr("%1 %: %2 (from %3)").arg(rate, b.label, longDate(b.validFrom));
            if (b.monthlyCapCents)
                text += QLatin1Char(' ') +
                        tr("capped at %1 a month").arg(formatCents(*b.monthlyCapCents, p.currency));
            bonuses << text;
        }
        m_bonus->setText(bonuses.isEmpty() ? tr("none") : bonuses.join(QLatin1Char('\n')));
    } catch (const Error& e) {
        m_error->setText(tr("Cannot read the database: %1").arg(e.message()));
        m_error->show();
    }
}

} // namespace cabas::ui
