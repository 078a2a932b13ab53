#include "health/QuestionnaireForm.h"

#include "services/HealthService.h"

#include <QComboBox>
#include <QDateEdit>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <cmath>

namespace cabas::ui {

QuestionnaireForm::QuestionnaireForm(const store::Database& db, const Session& session,
                                     const QString& personCode, const QString& personName,
                                     const QStringList& recordedWaves, QWidget* parent)
    : HealthFormDialog(db, session, personCode, personName, parent)
{
    setObjectName(QStringLiteral("questionnaireForm"));
    setWindowTitle(tr("New diet questionnaire"));
    m_date = makeDateEdit("questionnaireDate");
    m_wave = makeWaveCombo("questionnaireWave", recordedWaves);
    m_waveMessage = makeMessage("waveMessage");
    m_portions = new QLineEdit(this);
    m_portions->setObjectName(QStringLiteral("portionsEdit"));
    m_portions->setAlignment(Qt::AlignRight);
    m_portions->setMaximumWidth(140);
    m_portions->setPlaceholderText(QLocale().toString(2.5, 'f', 1));
    m_portionsMessage = makeMessage("portionsMessage");
    m_organicFv = makeFrequency("organicFvCombo");
    m_local = makeFrequency("localProductsCombo");
    m_organic = makeFrequency("organicProductsCombo");
    m_discovered = new QComboBox(this);
    m_discovered->setObjectName(QStringLiteral("discoveredCombo"));
    m_discovered->addItem(tr("— not answered"), QString());
    m_discovered->addItem(tr("Yes"), QStringLiteral("yes"));
    m_discovered->addItem(tr("No"), QStringLiteral("no"));
    m_discoveredMessage = makeMessage("discoveredMessage");

    addField(tr("&Date:"), m_date, QString(), nullptr);
    addField(tr("&Wave:"), m_wave, QString(), m_waveMessage);
    addField(tr("&Fruit and vegetables:"), m_portions, tr("portions a day"), m_portionsMessage);
    addField(tr("&Organic fruit and vegetables:"), m_organicFv, QString(), nullptr);
    addField(tr("&Local products:"), m_local, QString(), nullptr);
    addField(tr("Organic &products:"), m_organic, QString(), nullptr);
    addField(tr("Discovered a &sustainable shop or producer:"), m_discovered, QString(), m_discoveredMessage);
    finishLayout();

    connect(m_portions, &QLineEdit::textChanged, this, &QuestionnaireForm::revalidate);
    connect(m_wave, &QComboBox::currentIndexChanged, this, &QuestionnaireForm::revalidate);
    connect(m_discovered, &QComboBox::currentIndexChanged, this, &QuestionnaireForm::revalidate);
    connect(m_date, &QDateEdit::dateChanged, this, &QuestionnaireForm::revalidate);
    resize(sizeHint().expandedTo(QSize(480, 0)));
}

QComboBox* QuestionnaireForm::makeFrequency(const char* objectName)
{
    auto* combo = new QComboBox(this);
    combo->setObjectName(QString::fromLatin1(objectName));
    combo->addItem(tr("— not answered"), -1);
    for (Frequency f :
         {Frequency::Never, Frequency::Rarely, Frequency::Sometimes, Frequency::Often, Frequency::Always})
        combo->addItem(displayName(f), static_cast<int>(f));
    return combo;
}

std::optional<Frequency> QuestionnaireForm::frequencyOf(const QComboBox* combo)
{
    const int value = combo->currentData().toInt();
    if (value < 0)
        return std::nullopt;
    return static_cast<Frequency>(value);
}

DietQuestionnaire QuestionnaireForm::questionnaire(QStringList* problems) const
{
    DietQuestionnaire q;
    q.answeredOn = m_date->date();
    q.wave = m_wave->currentData().toString();
    QStringList parseProblems;
    bool ok = true;
    const auto portions = parseNumber(m_portions->text(), &ok);
    if (!ok)
        parseProblems << QStringLiteral("fv_portions_per_day: %1").arg(tr("not a number"));
    else if (portions && std::abs(*portions) < 1e6)
        q.fvPortionsX10 = static_cast<int>(std::round(*portions * 10));
    else if (portions)
        parseProblems << QStringLiteral("fv_portions_per_day: %1").arg(tr("too large"));
    q.organicFv = frequencyOf(m_organicFv);
    q.localProducts = frequencyOf(m_local);
    q.organicProducts = frequencyOf(m_organic);
    const QString discovered = m_discovered->currentData().toString();
    if (!discovered.isEmpty())
        q.discoveredSustainableShop = discovered == QLatin1String("yes");
    if (problems) {
        DietQuestionnaire forCheck = q;
        forCheck.personId = 1;
        *problems = parseProblems + forCheck.validate();
    }
    return q;
}

QStringList QuestionnaireForm::check()
{
    QStringList problems;
    questionnaire(&problems);
    setMessage(m_waveMessage, messageFor(problems, QStringLiteral("wave")));
    setMessage(m_portionsMessage, messageFor(problems, QStringLiteral("fv_portions_per_day")));
    setMessage(m_discoveredMessage, messageFor(problems, QStringLiteral("discovered_sustainable_shop")));
    return problems;
}

void QuestionnaireForm::write()
{
    DietQuestionnaire q = questionnaire();
    HealthService(m_db, m_session).recordQuestionnaire(m_personCode, q);
    m_saved = q;
}

} // namespace cabas::ui
