#include "domain/LedgerEntry.h"

#include "common/Clock.h"

#include <QCoreApplication>
#include <QHash>
#include <QTimeZone>

namespace cabas {

namespace {
struct LedgerText
{
    Q_DECLARE_TR_FUNCTIONS(LedgerEntry)
};
} // namespace

QDate LedgerEntry::localDate() const
{
    if (!occurredAt.isValid())
        return {};
    // Europe/Paris changes its offset only on whole UTC hours: one time zone look-up per hour, not per entry
    // (a sync stores millions of entries, most of them in a few hours of each day).
    thread_local QHash<qint64, int> offsetOfHour;
    const qint64 utc = occurredAt.toSecsSinceEpoch();
    const qint64 hour = utc >= 0 ? utc / 3600 : (utc - 3599) / 3600;
    auto it = offsetOfHour.constFind(hour);
    if (it == offsetOfHour.constEnd()) {
        if (offsetOfHour.size() > 100000)
            offsetOfHour.clear();
        it = offsetOfHour.insert(hour, Clock::programmeZone().offsetFromUtc(
                                           QDateTime::fromSecsSinceEpoch(hour * 3600, QTimeZone::utc())));
    }
    return QDateTime::fromSecsSinceEpoch(utc + it.value(), QTimeZone::utc()).date();
}

bool LedgerEntry::isKnownKind(const QString& kind)
{
    static const QStringList kinds = {QStringLiteral("allowance"), QStringLiteral("bonus"),
                                      QStringLiteral("purchase"),  QStringLiteral("refund"),
                                      QStringLiteral("transfer"),  QStringLiteral("adjustment")};
    return kinds.contains(kind);
}

bool LedgerEntry::isKnownStatus(const QString& status)
{
    return status == QLatin1String("pending") || status == QLatin1String("posted") ||
           status == QLatin1String("voided");
}

std::vector<LedgerEntry::Problem> LedgerEntry::validate() const
{
    std::vector<Problem> problems;
    auto add = [&](const char* field, const QString& message) {
        problems.push_back({QLatin1String(field), message});
    };
    if (id.trimmed().isEmpty())
        add("id", LedgerText::tr("the entry id is missing"));
    if (revision < 1)
        add("revision", LedgerText::tr("the revision must be a whole number of 1 or more"));
    if (card.trimmed().isEmpty())
        add("card", LedgerText::tr("the card is missing"));
    if (kind.trimmed().isEmpty())
        add("kind", LedgerText::tr("the kind is missing"));
    if (!isKnownStatus(status))
        add("status",
            LedgerText::tr("unknown status \"%1\" (expected pending, posted or voided)").arg(status));
    if (currency.trimmed().isEmpty())
        add("currency", LedgerText::tr("the currency is missing"));
    if (!occurredAt.isValid())
        add("occurred_at", LedgerText::tr("the date and time are missing or invalid"));
    const bool mustBePositive = kind == QLatin1String("allowance") || kind == QLatin1String("bonus") ||
                                kind == QLatin1String("refund");
    if (mustBePositive && amountCents <= 0)
        add("amount_cents", LedgerText::tr("a %1 must have a positive amount").arg(kind));
    if (kind == QLatin1String("purchase") && amountCents >= 0)
        add("amount_cents", LedgerText::tr("a purchase must have a negative amount"));
    if (merchant && merchant->id.trimmed().isEmpty())
        add("merchant_id", LedgerText::tr("the merchant has no id"));
    return problems;
}

} // namespace cabas
