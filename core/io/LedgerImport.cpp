#include "io/LedgerImport.h"

#include "common/Error.h"
#include "common/Money.h"
#include "io/Csv.h"
#include "security/AuditTrail.h"
#include "store/LedgerRepository.h"

#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>

namespace cabas::io {

QString LedgerImportReport::summary() const
{
    return tr("Ledger entries: %1 rows; %2 new, %3 revised, %4 already up to date.")
        .arg(rows)
        .arg(created)
        .arg(revised)
        .arg(unchanged);
}

namespace {
const QStringList kRequired = {QStringLiteral("id"),       QStringLiteral("revision"),
                               QStringLiteral("card"),     QStringLiteral("account"),
                               QStringLiteral("kind"),     QStringLiteral("status"),
                               QStringLiteral("currency"), QStringLiteral("occurred_at")};
const QStringList kOptional = {QStringLiteral("merchant_id"), QStringLiteral("merchant_name"),
                               QStringLiteral("merchant_category"), QStringLiteral("sustainable"),
                               QStringLiteral("refers_to")};

std::optional<bool> parseFlag(const QString& text)
{
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("true") || t == QLatin1String("1") || t == QLatin1String("yes") ||
        t == QLatin1String("oui"))
        return true;
    if (t == QLatin1String("false") || t == QLatin1String("0") || t == QLatin1String("no") ||
        t == QLatin1String("non"))
        return false;
    return std::nullopt;
}

// The first column in which two rows of the same entry and revision differ; empty when they say the same.
// The time must be the same instant with the same offset (the offset is stored).
QString firstDifference(const LedgerEntry& a, const LedgerEntry& b)
{
    if (a.card != b.card)
        return QStringLiteral("card");
    if (a.account != b.account)
        return QStringLiteral("account");
    if (a.kind != b.kind)
        return QStringLiteral("kind");
    if (a.status != b.status)
        return QStringLiteral("status");
    if (a.amountCents != b.amountCents)
        return QStringLiteral("amount_cents");
    if (a.currency != b.currency)
        return QStringLiteral("currency");
    if (a.occurredAt != b.occurredAt || a.occurredAt.offsetFromUtc() != b.occurredAt.offsetFromUtc())
        return QStringLiteral("occurred_at");
    if (a.merchant.has_value() != b.merchant.has_value() || (a.merchant && a.merchant->id != b.merchant->id))
        return QStringLiteral("merchant_id");
    if (a.merchant && a.merchant->name != b.merchant->name)
        return QStringLiteral("merchant_name");
    if (a.merchant && a.merchant->category != b.merchant->category)
        return QStringLiteral("merchant_category");
    if (a.merchant && a.merchant->sustainable != b.merchant->sustainable)
        return QStringLiteral("sustainable");
    if (a.refersTo != b.refersTo)
        return QStringLiteral("refers_to");
    return {};
}
} // namespace

std::vector<LedgerEntry> LedgerImport::parse(const QString& path, LedgerImportReport& report)
{
    std::vector<LedgerEntry> entries;
    CsvTable table;
    try {
        table = CsvTable::read(path);
    } catch (const Error& e) {
        report.errors << e.message().split(QLatin1Char('\n'));
        return entries;
    }
    auto at = [&](int line, const QString& column, const QString& message) {
        return QStringLiteral("%1:%2: %3: %4").arg(table.fileName).arg(line).arg(column, message);
    };
    QHash<QString, int> col;
    for (const QString& c : kRequired) {
        col[c] = table.column(c);
        if (col[c] < 0)
            report.errors << tr("%1: the column %2 is missing").arg(table.fileName, c);
    }
    for (const QString& c : kOptional)
        col[c] = table.column(c);
    const int centsColumn = table.column(QStringLiteral("amount_cents"));
    const int eurosColumn = table.column(QStringLiteral("amount"));
    if (centsColumn < 0 && eurosColumn < 0)
        report.errors
            << tr("%1: the column amount_cents (or amount, in euros) is missing").arg(table.fileName);
    if (centsColumn >= 0 && eurosColumn >= 0)
        report.errors << tr("%1: give amount_cents or amount, not both").arg(table.fileName);
    for (const QString& h : table.header)
        if (!kRequired.contains(h) && !kOptional.contains(h) && h != QLatin1String("amount_cents") &&
            h != QLatin1String("amount"))
            report.warnings << tr("%1: unknown column \"%2\" ignored").arg(table.fileName, h);
    if (!report.errors.isEmpty())
        return entries;

    static const QRegularExpression kindPattern(QStringLiteral("^[a-z][a-z_]*$"));
    static const QRegularExpression integer(QStringLiteral("^[+-]?\\d{1,18}$"));
    struct FirstRow
    {
        int line = 0;
        std::size_t index = 0; // in `entries`
    };
    QHash<QString, FirstRow> seen; // "id|revision" -> where it first appeared
    const QString amountColumn = centsColumn >= 0 ? QStringLiteral("amount_cents") : QStringLiteral("amount");
    for (const CsvRow& row : table.rows) {
        auto value = [&](const QString& name) {
            const int i = col.value(name, -1);
            return i < 0 ? QString() : row.fields.at(i).trimmed();
        };
        const qsizetype before = report.errors.size();
        LedgerEntry e;
        e.id = value(QStringLiteral("id"));
        e.card = value(QStringLiteral("card"));
        e.account = value(QStringLiteral("account"));
        e.kind = value(QStringLiteral("kind"));
        e.status = value(QStringLiteral("status"));
        e.currency = value(QStringLiteral("currency"));
        e.refersTo = value(QStringLiteral("refers_to"));

        const QString revision = value(QStringLiteral("revision"));
        bool ok = integer.match(revision).hasMatch();
        e.revision = ok ? revision.toLongLong(&ok) : 0;
        if (!ok || e.revision < 1)
            report.errors << at(row.line, QStringLiteral("revision"),
                                tr("\"%1\" is not a whole number of 1 or more").arg(revision));
        if (!e.kind.isEmpty() && !kindPattern.match(e.kind).hasMatch())
            report.errors << at(
                row.line, QStringLiteral("kind"),
                tr("\"%1\" is not a kind (allowance, bonus, purchase, refund, transfer, adjustment)")
                    .arg(e.kind));
        if (centsColumn >= 0) {
            const QString text = row.fields.at(centsColumn).trimmed();
            bool good = integer.match(text).hasMatch();
            e.amountCents = good ? text.toLongLong(&good) : 0;
            if (!good)
                report.errors << at(row.line, amountColumn,
                                    tr("\"%1\" is not a whole number of cents").arg(text));
        } else {
            const QString text = row.fields.at(eurosColumn).trimmed();
            if (!parseCents(text, &e.amountCents))
                report.errors << at(row.line, amountColumn,
                                    tr("\"%1\" is not an amount in euros (such as -12,50)").arg(text));
        }
        const QString when = value(QStringLiteral("occurred_at"));
        e.occurredAt = QDateTime::fromString(when, Qt::ISODateWithMs);
        if (!e.occurredAt.isValid())
            e.occurredAt = QDateTime::fromString(when, Qt::ISODate);
        if (!e.occurredAt.isValid() ||
            (e.occurredAt.timeSpec() != Qt::OffsetFromUTC && e.occurredAt.timeSpec() != Qt::UTC)) {
            report.errors << at(row.line, QStringLiteral("occurred_at"),
                                tr("\"%1\" is not a date and time with its offset (such as "
                                   "2024-06-30T23:05:00+02:00)")
                                    .arg(when));
            e.occurredAt = {};
        }
        const QString merchantId = value(QStringLiteral("merchant_id"));
        if (!merchantId.isEmpty()) {
            FeedMerchant m;
            m.id = merchantId;
            m.name = value(QStringLiteral("merchant_name"));
            m.category = value(QStringLiteral("merchant_category"));
            const QString flag = value(QStringLiteral("sustainable"));
            const auto sustainable = flag.isEmpty() ? std::optional<bool>(false) : parseFlag(flag);
            if (!sustainable)
                report.errors << at(row.line, QStringLiteral("sustainable"),
                                    tr("\"%1\" must be true or false").arg(flag));
            m.sustainable = sustainable.value_or(false);
            e.merchant = m;
        }
        // The rules every entry follows, reported once per column not already reported.
        if (report.errors.size() == before)
            for (const LedgerEntry::Problem& p : e.validate())
                report.errors << at(
                    row.line, p.field == QLatin1String("amount_cents") ? amountColumn : p.field, p.message);
        if (report.errors.size() != before)
            continue;
        // The same id and revision twice: the very same row is a delivery made twice (accepted, stored
        // once, like a feed page delivered again); the same revision saying something else is an error.
        const QString key = e.id + QLatin1Char('|') + QString::number(e.revision);
        const auto first = seen.constFind(key);
        if (first != seen.constEnd()) {
            const LedgerEntry& earlier = entries[first.value().index];
            const QString field = firstDifference(earlier, e);
            if (!field.isEmpty()) {
                report.errors << at(row.line, field == QLatin1String("amount_cents") ? amountColumn : field,
                                    tr("%1 revision %2 is also at line %3 with a different %4")
                                        .arg(e.id)
                                        .arg(e.revision)
                                        .arg(first.value().line)
                                        .arg(field == QLatin1String("amount_cents") ? amountColumn : field));
                continue;
            }
        } else {
            seen.insert(key, {row.line, entries.size()});
        }
        entries.push_back(e);
    }
    report.rows = qint64(table.rows.size());
    return entries;
}

LedgerImportReport LedgerImport::apply(const QString& path, bool write)
{
    const AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Ledger, Action::Write, QStringLiteral("ledger_entry"),
                  QStringLiteral("import"));
    LedgerImportReport report;
    const std::vector<LedgerEntry> entries = parse(path, report);
    if (!report.ok())
        return report;
    store::Database::Transaction tx(m_db);
    const store::LedgerApplyResult r = store::LedgerRepository(m_db).upsertEntries(entries);
    report.created = r.inserted;
    report.revised = r.updated;
    report.unchanged = r.unchanged;
    if (write) {
        audit.record(m_session, QStringLiteral("import"), QStringLiteral("ledger_entry"),
                     QStringLiteral("batch:%1").arg(r.inserted + r.updated),
                     QStringLiteral("%1: %2 new, %3 revised")
                         .arg(QFileInfo(path).fileName())
                         .arg(r.inserted)
                         .arg(r.updated));
        tx.commit();
    } // a check rolls back: the counts are exactly what the import would do
    return report;
}

LedgerImportReport LedgerImport::check(const QString& path)
{
    return apply(path, false);
}

LedgerImportReport LedgerImport::run(const QString& path)
{
    return apply(path, true);
}

} // namespace cabas::io
