#pragma once

#include "domain/LedgerEntry.h"
#include "store/Database.h"
#include "store/HouseholdRepository.h"

#include <QDateTime>

namespace cabas::test {

// A ledger entry as the feed would deliver it (purchase at a sustainable shop unless changed).
inline LedgerEntry ledgerEntry(const QString& id, qint64 revision, const QString& card, const QString& kind,
                               qint64 amountCents, const QString& occurredAt = QStringLiteral("2024-06-15T10:00:00+02:00"),
                               const QString& status = QStringLiteral("posted"))
{
    LedgerEntry e;
    e.id = id;
    e.revision = revision;
    e.card = card;
    e.kind = kind;
    e.status = status;
    e.amountCents = amountCents;
    e.currency = QStringLiteral("EUR");
    e.occurredAt = QDateTime::fromString(occurredAt, Qt::ISODate);
    if (kind == QLatin1String("purchase") || kind == QLatin1String("refund"))
        e.merchant = FeedMerchant{QStringLiteral("M-01"), QStringLiteral("Biocoop Auch"),
                                  QStringLiteral("organic_shop"), true};
    return e;
}

inline FeedMerchant supermarket()
{
    return FeedMerchant{QStringLiteral("M-09"), QStringLiteral("Hyper Auch"), QStringLiteral("supermarket"), false};
}

// A household (status enrolled) straight through the repository.
inline qint64 addHousehold(const store::Database& db, const QString& code)
{
    Household h;
    h.code = code;
    h.status = HouseholdStatus::Enrolled;
    h.enrolledOn = QDate(2024, 6, 1);
    store::HouseholdRepository(db).insert(h);
    return h.id;
}

inline qint64 addCard(const store::Database& db, const QString& token, qint64 householdId, qint64 replaces = 0)
{
    Card c;
    c.token = token;
    c.householdId = householdId;
    c.issuedOn = QDate(2024, 6, 1);
    c.replacesCardId = replaces;
    store::CardRepository(db).insert(c);
    return c.id;
}

} // namespace cabas::test
