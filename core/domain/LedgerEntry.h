#pragma once

#include <QDate>
#include <QDateTime>
#include <QString>
#include <optional>
#include <vector>

namespace cabas {

// A merchant as the card operator classified it when the movement happened (ledger-feed-v1.md).
struct FeedMerchant
{
    QString id;
    QString name;
    QString category; // organic_shop, local_producer, farm_shop, market, grocery, supermarket, other
    bool sustainable = false;
};

// One revision of one ledger entry, as the feed (or a CSV ledger export) delivers it.
struct LedgerEntry
{
    QString id; // "e-0000123": identifies the entry for ever
    qint64 revision = 0;
    QString card;    // card id as the ledger knows it
    QString account; // household code if the operator knows it; empty when null
    QString kind; // allowance, bonus, purchase, refund, transfer, adjustment, or an unknown kind kept as such
    QString status; // pending, posted, voided
    qint64 amountCents = 0;
    QString currency;     // "EUR"
    QDateTime occurredAt; // with the offset the feed gave
    std::optional<FeedMerchant> merchant;
    QString refersTo; // empty when null

    // The local date in Europe/Paris that money figures bucket this entry by.
    QDate localDate() const;

    // What is wrong with this entry, field by field (field names as in the feed: "revision",
    // "amount_cents"...); empty when it may be stored. Unknown kinds are allowed (stored, counted nowhere);
    // known kinds must have their sign (allowance, bonus, refund > 0; purchase < 0).
    struct Problem
    {
        QString field;
        QString message; // translated
    };
    std::vector<Problem> validate() const;

    static bool isKnownKind(const QString& kind);
    static bool isKnownStatus(const QString& status);
};

// A card as /v1/cards delivers it.
struct FeedCard
{
    QString id;
    QString account; // household code, empty when null
    QString status;  // active, blocked, lost, closed
    QDate issuedOn;
    QString replaces; // empty when null
};

// One validated page of /v1/entries or /v1/cards: what the sync core stores in one transaction.
struct EntryPage
{
    std::vector<LedgerEntry> entries;
    QString nextCursor;
    bool hasMore = false;
};

struct CardPage
{
    std::vector<FeedCard> cards;
    QString nextCursor;
    bool hasMore = false;
};

} // namespace cabas
