#pragma once

#include <QCoreApplication>
#include <QDate>
#include <QString>
#include <QStringList>
#include <optional>

namespace cabas {

// How often (diet questionnaire), ordered: never < rarely < sometimes < often < always.
enum class Frequency
{
    Never,
    Rarely,
    Sometimes,
    Often,
    Always
};

QString toCode(Frequency f);
// Accepts the codes and the French labels (jamais, rarement, parfois, souvent, toujours), any case.
bool fromCode(const QString& text, Frequency* f);
QString displayName(Frequency f);

// A diet questionnaire (questionnaire alimentaire) at a follow-up wave.
struct DietQuestionnaire
{
    Q_DECLARE_TR_FUNCTIONS(DietQuestionnaire)
  public:
    qint64 id = 0;
    qint64 personId = 0;
    QDate answeredOn;
    QString wave;
    qint64 nurseUserId = 0;
    std::optional<int> fvPortionsX10; // fruit and vegetable portions a day, in tenths
    std::optional<Frequency> organicFv;
    std::optional<Frequency> localProducts;
    std::optional<Frequency> organicProducts;
    std::optional<bool> discoveredSustainableShop; // asked from M6 on

    QStringList validate() const;
    bool sameAnswers(const DietQuestionnaire& other) const;
    bool operator==(const DietQuestionnaire&) const = default;
};

} // namespace cabas
