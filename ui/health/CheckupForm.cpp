#include "health/CheckupForm.h"

#include "services/HealthService.h"

#include <QComboBox>
#include <QDateEdit>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <cmath>

namespace cabas::ui {

namespace {
QLineEdit* makeNumberEdit(QWidget* parent, const char* objectName, const QString& placeholder)
{
    auto* edit = new QLineEdit(parent);
    edit->setObjectName(QString::fromLatin1(objectName));
    edit->setPlaceholderText(placeholder);
    edit->setAlignment(Qt::AlignRight);
    edit->setMaximumWidth(140);
    return edit;
}
} // namespace

CheckupForm::CheckupForm(const store::Database& db, const Session& session, const QString& personCode,
                         const QString& personName, const QStringList& recordedWaves, QWidget* parent)
    : HealthFormDialog(db, session, personCode, personName, parent)
{
    setObjectName(QStringLiteral("checkupForm"));
    setWindowTitle(tr("New checkup"));
    const QLocale locale;
    m_date = makeDateEdit("checkupDate");
    m_wave = makeWaveCombo("checkupWave", recordedWaves);
    m_waveMessage = makeMessage("waveMessage");
    m_weight = makeNumberEdit(this, "weightEdit", locale.toString(72.5, 'f', 1));
    m_height = makeNumberEdit(this, "heightEdit", locale.toString(168));
    m_bmi = new QLabel(this);
    m_bmi->setObjectName(QStringLiteral("bmiLabel"));
    m_bmi->setToolTip(tr("Derived from the weight and the height: weight (kg) / height (m)²"));
    m_waist = makeNumberEdit(this, "waistEdit", locale.toString(88));
    m_systolic = makeNumberEdit(this, "systolicEdit", locale.toString(125));
    m_diastolic = makeNumberEdit(this, "diastolicEdit", locale.toString(80));
    m_glucose = makeNumberEdit(this, "glucoseEdit", tr("optional"));
    m_notes = new QPlainTextEdit(this);
    m_notes->setObjectName(QStringLiteral("notesEdit"));
    m_notes->setTabChangesFocus(true);
    m_notes->setFixedHeight(m_notes->fontMetrics().height() * 4);
    m_weightMessage = makeMessage("weightMessage");
    m_heightMessage = makeMessage("heightMessage");
    m_waistMessage = makeMessage("waistMessage");
    m_systolicMessage = makeMessage("systolicMessage");
    m_diastolicMessage = makeMessage("diastolicMessage");
    m_glucoseMessage = makeMessage("glucoseMessage");

    addField(tr("&Date:"), m_date, QString(), nullptr);
    addField(tr("&Wave:"), m_wave, QString(), m_waveMessage);
    addField(tr("&Weight:"), m_weight, tr("kg"), m_weightMessage);
    addField(tr("&Height:"), m_height, tr("cm"), m_heightMessage);
    m_form->addRow(tr("BMI:"), m_bmi);
    addField(tr("W&aist:"), m_waist, tr("cm"), m_waistMessage);
    addField(tr("&Systolic pressure:"), m_systolic, tr("mmHg"), m_systolicMessage);
    addField(tr("D&iastolic pressure:"), m_diastolic, tr("mmHg"), m_diastolicMessage);
    addField(tr("&Glucose (capillary):"), m_glucose, tr("g/L"), m_glucoseMessage);
    addField(tr("&Notes:"), m_notes, QString(), nullptr);
    finishLayout();

    for (QLineEdit* edit : {m_weight, m_height, m_waist, m_systolic, m_diastolic, m_glucose})
        connect(edit, &QLineEdit::textChanged, this, &CheckupForm::revalidate);
    connect(m_wave, &QComboBox::currentIndexChanged, this, &CheckupForm::revalidate);
    connect(m_date, &QDateEdit::dateChanged, this, &CheckupForm::revalidate);
    resize(sizeHint().expandedTo(QSize(460, 0)));
}

namespace {
// A measure in the core's units shown in the form's unit (93300 g → "93.3" kg), without trailing zeros.
QString typed(const std::optional<int>& value, int scale)
{
    if (!value)
        return QString();
    int decimals = 0;
    for (int s = scale; s > 1; s /= 10)
        ++decimals;
    QString text = QLocale().toString(double(*value) / scale, 'f', decimals);
    const QString point = QLocale().decimalPoint();
    if (decimals > 0) {
        while (text.endsWith(QLatin1Char('0')))
            text.chop(1);
        if (text.endsWith(point))
            text.chop(point.size());
    }
    return text;
}
} // namespace

CheckupForm::CheckupForm(const store::Database& db, const Session& session, const QString& personCode,
                         const QString& personName, const Checkup& toCorrect, QWidget* parent)
    : CheckupForm(db, session, personCode, personName, QStringList(), parent)
{
    setObjectName(QStringLiteral("checkupCorrectionForm"));
    setWindowTitle(tr("Correct a checkup"));
    m_original = toCorrect;
    m_date->setDate(toCorrect.takenOn);
    int wave = m_wave->findData(toCorrect.wave);
    if (wave < 0) { // a wave the programme no longer has: shown, the core says what is wrong
        m_wave->addItem(toCorrect.wave, toCorrect.wave);
        wave = m_wave->count() - 1;
    }
    m_wave->setCurrentIndex(wave);
    m_weight->setText(typed(toCorrect.weightG, 1000));
    m_height->setText(typed(toCorrect.heightMm, 10));
    m_waist->setText(typed(toCorrect.waistMm, 10));
    m_systolic->setText(typed(toCorrect.systolicMmHg, 1));
    m_diastolic->setText(typed(toCorrect.diastolicMmHg, 1));
    m_glucose->setText(typed(toCorrect.glucoseMgDl, 100));
    m_notes->setPlainText(toCorrect.notes);
    m_reason = new QLineEdit(this);
    m_reason->setObjectName(QStringLiteral("correctionReasonEdit"));
    m_reason->setPlaceholderText(tr("e.g. weight typed wrong"));
    m_reasonMessage = makeMessage("correctionReasonMessage");
    addField(tr("&Reason for the correction:"), m_reason, QString(), m_reasonMessage);
    connect(m_reason, &QLineEdit::textChanged, this, &CheckupForm::revalidate);
    connect(m_notes, &QPlainTextEdit::textChanged, this, &CheckupForm::revalidate);
    revalidate();
}

Checkup CheckupForm::checkup(QStringList* problems) const
{
    Checkup c;
    c.takenOn = m_date->date();
    c.wave = m_wave->currentData().toString();
    c.notes = m_notes->toPlainText().trimmed();
    QStringList parseProblems;
    // `scale`: how many of the core's units one typed unit is (kg → g: 1000).
    auto read = [&](QLineEdit* edit, const char* field, double scale, bool whole) -> std::optional<int> {
        bool ok = true;
        const auto value = parseNumber(edit->text(), &ok);
        if (!ok) {
            parseProblems << QStringLiteral("%1: %2").arg(QLatin1String(field), tr("not a number"));
            return std::nullopt;
        }
        if (!value)
            return std::nullopt;
        if (whole && std::floor(*value) != *value) {
            parseProblems << QStringLiteral("%1: %2").arg(QLatin1String(field), tr("a whole number"));
            return std::nullopt;
        }
        const double scaled = std::round(*value * scale);
        if (std::abs(scaled) > 1e8) {
            parseProblems << QStringLiteral("%1: %2").arg(QLatin1String(field), tr("too large"));
            return std::nullopt;
        }
        return static_cast<int>(scaled);
    };
    c.weightG = read(m_weight, "weight_kg", 1000, false);
    c.heightMm = read(m_height, "height_cm", 10, false);
    c.waistMm = read(m_waist, "waist_cm", 10, false);
    c.systolicMmHg = read(m_systolic, "systolic_mmhg", 1, true);
    c.diastolicMmHg = read(m_diastolic, "diastolic_mmhg", 1, true);
    c.glucoseMgDl = read(m_glucose, "glucose_g_l", 100, false);
    if (problems) {
        Checkup forCheck = c;
        forCheck.personId = 1; // the person is the form's: not a field
        *problems = parseProblems + forCheck.validate();
    }
    return c;
}

QStringList CheckupForm::check()
{
    QStringList problems;
    const Checkup c = checkup(&problems);
    setMessage(m_weightMessage, messageFor(problems, QStringLiteral("weight_kg")));
    setMessage(m_heightMessage, messageFor(problems, QStringLiteral("height_cm")));
    setMessage(m_waistMessage, messageFor(problems, QStringLiteral("waist_cm")));
    setMessage(m_systolicMessage, messageFor(problems, QStringLiteral("systolic_mmhg")));
    setMessage(m_diastolicMessage, messageFor(problems, QStringLiteral("diastolic_mmhg")));
    setMessage(m_glucoseMessage, messageFor(problems, QStringLiteral("glucose_g_l")));
    if (m_original) {
        Checkup same = c;
        same.id = m_original->id;
        same.personId = m_original->personId;
        same.nurseUserId = m_original->nurseUserId;
        same.version = m_original->version;
        if (same == *m_original)
            problems << QStringLiteral("checkup: %1").arg(tr("nothing is changed yet"));
        if (m_reason && m_reason->text().trimmed().isEmpty())
            problems << QStringLiteral("reason: %1").arg(tr("a correction needs its reason"));
        if (m_reasonMessage)
            setMessage(m_reasonMessage, messageFor(problems, QStringLiteral("reason")));
    }
    setMessage(m_waveMessage, messageFor(problems, QStringLiteral("wave")));
    const auto bmi = c.bmi();
    const bool plausible = messageFor(problems, QStringLiteral("weight_kg")).isEmpty() &&
                           messageFor(problems, QStringLiteral("height_cm")).isEmpty();
    m_bmi->setText(bmi && plausible ? tr("%1 kg/m²").arg(QLocale().toString(*bmi, 'f', 1))
                                    : tr("— (from the weight and the height)"));
    return problems;
}

void CheckupForm::write()
{
    Checkup c = checkup();
    if (m_original) {
        c.id = m_original->id;
        c.version = m_original->version;
        HealthService(m_db, m_session).correctCheckup(m_personCode, c, m_reason->text());
    } else {
        HealthService(m_db, m_session).recordCheckup(m_personCode, c);
    }
    m_saved = c;
}

} // namespace cabas::ui
