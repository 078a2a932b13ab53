#pragma once

#include <QCoreApplication>
#include <QDate>
#include <QString>
#include <QStringList>

namespace cabas {

enum class CardStatus
{
    Active,
    Blocked,
    Lost,
    Closed
};

QString toCode(CardStatus status);
bool fromCode(const QString& code, CardStatus* status);
QString displayName(CardStatus status);

// A payment card as the ledger knows it: `token` is the operator's opaque id, never a card number.
struct Card
{
    Q_DECLARE_TR_FUNCTIONS(Card)
  public:
    qint64 id = 0;
    QString token;
    qint64 householdId = 0; // 0: not linked to a household yet
    CardStatus status = CardStatus::Active;
    QDate issuedOn;
    qint64 replacesCardId = 0; // 0: first card; else the card this one continues

    QStringList validate() const;
    bool operator==(const Card&) const = default;
};

} // namespace cabas
