#include "ledger/FeedParser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QStringList>
#include <cmath>

namespace cabas::ledger {

namespace {

constexpr double kMaxExactInteger =
    9007199254740992.0; // 2^53: beyond it a JSON number is not an exact integer

// Reads the fields of one item, throwing a FeedParseError that names the item and the field.
class Fields
{
  public:
    // `what` names the item in messages ("entry e-0000123"); itemId is the bare id ("#3" without one).
    Fields(const QJsonObject& object, QString what, QString itemId, QString prefix = QString())
        : m_object(object), m_what(std::move(what)), m_itemId(std::move(itemId)), m_prefix(std::move(prefix))
    {
    }

    [[noreturn]] void fail(const QString& field, const QString& problem) const
    {
        const QString name = m_prefix + field;
        throw FeedParseError(
            FeedParser::tr("The ledger feed sent an invalid page (nothing of it was stored): "
                           "%1, field %2: %3")
                .arg(m_what, name.isEmpty() ? QStringLiteral("-") : name, problem),
            m_itemId, name);
    }

    QJsonValue required(const QString& field) const
    {
        const auto it = m_object.constFind(field);
        if (it == m_object.constEnd() || it->isUndefined())
            fail(field, FeedParser::tr("missing"));
        return *it;
    }

    QString string(const QString& field) const
    {
        const QJsonValue v = required(field);
        if (!v.isString())
            fail(field, FeedParser::tr("a text was expected"));
        if (v.toString().isEmpty())
            fail(field, FeedParser::tr("empty"));
        return v.toString();
    }

    // A text that may be null or absent (empty when so).
    QString nullableString(const QString& field) const
    {
        const auto it = m_object.constFind(field);
        if (it == m_object.constEnd() || it->isNull() || it->isUndefined())
            return QString();
        if (!it->isString())
            fail(field, FeedParser::tr("a text or null was expected"));
        return it->toString();
    }

    qint64 integer(const QString& field) const
    {
        const QJsonValue v = required(field);
        if (!v.isDouble())
            fail(field, FeedParser::tr("a whole number was expected"));
        const double d = v.toDouble();
        if (std::floor(d) != d || std::fabs(d) >= kMaxExactInteger)
            fail(field, FeedParser::tr("a whole number was expected"));
        return qint64(d);
    }

    bool boolean(const QString& field) const
    {
        const QJsonValue v = required(field);
        if (!v.isBool())
            fail(field, FeedParser::tr("true or false was expected"));
        return v.toBool();
    }

    QString oneOf(const QString& field, const QStringList& allowed) const
    {
        const QString v = string(field);
        if (!allowed.contains(v))
            fail(field, FeedParser::tr("\"%1\" is not one of %2").arg(v, allowed.join(QStringLiteral(", "))));
        return v;
    }

    const QJsonObject& object() const { return m_object; }
    const QString& itemId() const { return m_itemId; }

  private:
    QJsonObject m_object;
    QString m_what;
    QString m_itemId;
    QString m_prefix;
};

QJsonObject parseObject(const QByteArray& json)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        throw FeedParseError(FeedParser::tr("The ledger feed sent a page that is not JSON (nothing of it was "
                                            "stored): %1 at byte %2.")
                                 .arg(error.errorString())
                                 .arg(error.offset),
                             QString(), QString());
    if (!doc.isObject())
        throw FeedParseError(
            FeedParser::tr("The ledger feed sent a page that is not a JSON object (nothing of "
                           "it was stored)."),
            QString(), QString());
    return doc.object();
}

QJsonArray items(const Fields& page, const QString& field)
{
    const QJsonValue v = page.required(field);
    if (!v.isArray())
        page.fail(field, FeedParser::tr("a list was expected"));
    return v.toArray();
}

// The id of item `index`, or "#index" (1-based) when it has none that could name it.
QString itemId(const QJsonValue& item, qsizetype index)
{
    if (item.isObject()) {
        const QJsonValue id = item.toObject().value(QStringLiteral("id"));
        if (id.isString() && !id.toString().isEmpty())
            return id.toString();
    }
    return QStringLiteral("#%1").arg(index + 1);
}

LedgerEntry parseEntry(const QJsonValue& value, qsizetype index)
{
    const QString id = itemId(value, index);
    const QString what = FeedParser::tr("entry %1").arg(id);
    if (!value.isObject())
        Fields(QJsonObject(), what, id).fail(QString(), FeedParser::tr("an object was expected"));
    const Fields f(value.toObject(), what, id);
    LedgerEntry e;
    e.id = f.string(QStringLiteral("id"));
    e.revision = f.integer(QStringLiteral("revision"));
    if (e.revision < 1)
        f.fail(QStringLiteral("revision"), FeedParser::tr("must be 1 or more"));
    e.card = f.string(QStringLiteral("card"));
    e.account = f.nullableString(QStringLiteral("account"));
    e.kind = f.string(QStringLiteral("kind"));
    e.status = f.oneOf(QStringLiteral("status"),
                       {QStringLiteral("pending"), QStringLiteral("posted"), QStringLiteral("voided")});
    e.amountCents = f.integer(QStringLiteral("amount_cents"));
    e.currency = f.string(QStringLiteral("currency"));
    const QString when = f.string(QStringLiteral("occurred_at"));
    e.occurredAt = QDateTime::fromString(when, Qt::ISODateWithMs);
    if (!e.occurredAt.isValid() || !(when.endsWith(QLatin1Char('Z')) || when.size() > 19))
        f.fail(QStringLiteral("occurred_at"),
               FeedParser::tr("\"%1\" is not a date and time with its offset (2024-06-30T23:05:00+02:00)")
                   .arg(when));
    e.refersTo = f.nullableString(QStringLiteral("refers_to"));

    const bool needsMerchant = e.kind == QLatin1String("purchase") || e.kind == QLatin1String("refund");
    const QJsonValue m = f.object().value(QStringLiteral("merchant"));
    if (m.isObject()) {
        const Fields mf(m.toObject(), what, id, QStringLiteral("merchant."));
        FeedMerchant merchant;
        merchant.id = mf.string(QStringLiteral("id"));
        merchant.name = mf.string(QStringLiteral("name"));
        merchant.category = mf.string(QStringLiteral("category"));
        merchant.sustainable = mf.boolean(QStringLiteral("sustainable"));
        e.merchant = merchant;
    } else if (!m.isUndefined() && !m.isNull()) {
        f.fail(QStringLiteral("merchant"), FeedParser::tr("an object or null was expected"));
    } else if (needsMerchant) {
        f.fail(QStringLiteral("merchant"), FeedParser::tr("missing (a %1 names its merchant)").arg(e.kind));
    }

    // The signs the contract gives each known kind.
    const auto sign = [&](bool ok, const QString& rule) {
        if (!ok)
            f.fail(QStringLiteral("amount_cents"), rule);
    };
    if (e.kind == QLatin1String("allowance") || e.kind == QLatin1String("bonus") ||
        e.kind == QLatin1String("refund"))
        sign(e.amountCents > 0,
             FeedParser::tr("a %1 must be positive, not %2").arg(e.kind).arg(e.amountCents));
    else if (e.kind == QLatin1String("purchase"))
        sign(e.amountCents < 0, FeedParser::tr("a purchase must be negative, not %1").arg(e.amountCents));
    return e;
}

FeedCard parseCard(const QJsonValue& value, qsizetype index)
{
    const QString id = itemId(value, index);
    const QString what = FeedParser::tr("card %1").arg(id);
    if (!value.isObject())
        Fields(QJsonObject(), what, id).fail(QString(), FeedParser::tr("an object was expected"));
    const Fields f(value.toObject(), what, id);
    FeedCard c;
    c.id = f.string(QStringLiteral("id"));
    c.account = f.nullableString(QStringLiteral("account"));
    c.status = f.oneOf(QStringLiteral("status"), {QStringLiteral("active"), QStringLiteral("blocked"),
                                                  QStringLiteral("lost"), QStringLiteral("closed")});
    const QString issued = f.string(QStringLiteral("issued_on"));
    c.issuedOn = QDate::fromString(issued, Qt::ISODate);
    if (!c.issuedOn.isValid())
        f.fail(QStringLiteral("issued_on"), FeedParser::tr("\"%1\" is not a date (2024-06-01)").arg(issued));
    c.replaces = f.nullableString(QStringLiteral("replaces"));
    return c;
}

template <typename Page> void readPaging(const Fields& page, Page& result)
{
    const QJsonValue next = page.required(QStringLiteral("next_cursor"));
    if (!next.isString())
        page.fail(QStringLiteral("next_cursor"), FeedParser::tr("a text was expected"));
    result.nextCursor = next.toString();
    result.hasMore = page.boolean(QStringLiteral("has_more"));
}

} // namespace

EntryPage FeedParser::parseEntries(const QByteArray& json)
{
    const Fields page(parseObject(json), tr("the page"), QString());
    EntryPage result;
    const QJsonArray list = items(page, QStringLiteral("entries"));
    result.entries.reserve(std::size_t(list.size()));
    for (qsizetype i = 0; i < list.size(); ++i)
        result.entries.push_back(parseEntry(list.at(i), i));
    readPaging(page, result);
    return result;
}

CardPage FeedParser::parseCards(const QByteArray& json)
{
    const Fields page(parseObject(json), tr("the page"), QString());
    CardPage result;
    const QJsonArray list = items(page, QStringLiteral("cards"));
    result.cards.reserve(std::size_t(list.size()));
    for (qsizetype i = 0; i < list.size(); ++i)
        result.cards.push_back(parseCard(list.at(i), i));
    readPaging(page, result);
    return result;
}

} // namespace cabas::ledger
