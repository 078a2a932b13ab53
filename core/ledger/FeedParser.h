#pragma once

#include "common/Error.h"
#include "domain/LedgerEntry.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QString>

namespace cabas::ledger {

// A page of the ledger feed that breaks the contract (ledger-feed-v1.md): nothing of it may be stored. The
// message is translated and names the entry (or card) and the field; itemId() and field() give them apart.
class FeedParseError : public Error
{
  public:
    FeedParseError(const QString& message, QString itemId, QString field)
        : Error(message, Error::Kind::Invalid), m_itemId(std::move(itemId)), m_field(std::move(field))
    {
    }
    const QString& itemId() const { return m_itemId; } // "e-0000123", or "#3" when the id itself is missing
    const QString& field() const { return m_field; }   // "amount_cents", "merchant.name", "next_cursor" ...

  private:
    QString m_itemId;
    QString m_field;
};

// Turns the JSON body of GET /v1/entries or /v1/cards into a validated page. Strict: a missing required field
// or a wrong type makes the whole page invalid (FeedParseError). Unknown fields are ignored, an unknown kind
// is kept as it is.
class FeedParser
{
    Q_DECLARE_TR_FUNCTIONS(FeedParser)
  public:
    static EntryPage parseEntries(const QByteArray& json);
    static CardPage parseCards(const QByteArray& json);
};

} // namespace cabas::ledger
