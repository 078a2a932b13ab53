#include "io/Csv.h"

#include "common/Error.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <cmath>

namespace cabas::io {

namespace {
// The offset of the first byte that is not part of well-formed UTF-8, or -1.
qsizetype firstInvalidUtf8(const QByteArray& bytes)
{
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.constData());
    const qsizetype n = bytes.size();
    for (qsizetype i = 0; i < n;) {
        const unsigned char c = p[i];
        int extra;
        unsigned int min;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            extra = 1;
            min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            min = 0x10000;
        } else {
            return i;
        }
        unsigned int code = c & (0x3F >> extra);
        for (int k = 1; k <= extra; ++k) {
            if (i + k >= n || (p[i + k] & 0xC0) != 0x80)
                return i;
            code = (code << 6) | (p[i + k] & 0x3F);
        }
        if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
            return i;
        i += extra + 1;
    }
    return -1;
}
} // namespace

CsvTable CsvTable::read(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw Error(tr("%1: cannot be read: %2").arg(path, f.errorString()), Error::Kind::Invalid);
    return parse(f.readAll(), QFileInfo(path).fileName());
}

CsvTable CsvTable::parse(const QByteArray& rawBytes, const QString& fileName)
{
    CsvTable table;
    table.fileName = fileName;
    QByteArray bytes = rawBytes;
    if (bytes.startsWith("\xEF\xBB\xBF"))
        bytes.remove(0, 3);
    const qsizetype bad = firstInvalidUtf8(bytes);
    if (bad >= 0)
        throw Error(tr("%1:%2: the file is not in UTF-8; save it from the spreadsheet as \"CSV UTF-8\".")
                        .arg(fileName)
                        .arg(bytes.left(bad).count('\n') + 1),
                    Error::Kind::Invalid);
    const QString text = QString::fromUtf8(bytes);
    if (text.trimmed().isEmpty())
        throw Error(tr("%1: the file is empty.").arg(fileName), Error::Kind::Invalid);

    // Separator: the one of ';' and ',' that appears (most) in the header line, outside quotes.
    int semicolons = 0, commas = 0;
    bool quoted = false;
    for (const QChar c : text) {
        if (c == QLatin1Char('"'))
            quoted = !quoted;
        else if (!quoted && (c == QLatin1Char('\n') || c == QLatin1Char('\r')))
            break;
        else if (!quoted && c == QLatin1Char(';'))
            ++semicolons;
        else if (!quoted && c == QLatin1Char(','))
            ++commas;
    }
    table.separator = semicolons >= commas ? QLatin1Char(';') : QLatin1Char(',');

    // RFC 4180 records.
    std::vector<CsvRow> records;
    CsvRow current;
    QString field;
    int line = 1;
    current.line = 1;
    bool inQuotes = false;
    bool fieldWasQuoted = false;
    int quoteLine = 0;
    auto endField = [&] {
        current.fields << (fieldWasQuoted ? field : field.trimmed());
        field.clear();
        fieldWasQuoted = false;
    };
    auto endRecord = [&] {
        endField();
        const bool empty = current.fields.size() == 1 && current.fields.first().isEmpty();
        if (!empty)
            records.push_back(current);
        current = CsvRow();
        current.line = line;
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (inQuotes) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < text.size() && text.at(i + 1) == QLatin1Char('"')) {
                    field += c;
                    ++i;
                } else {
                    inQuotes = false;
                }
            } else {
                if (c == QLatin1Char('\n'))
                    ++line;
                field += c;
            }
            continue;
        }
        if (c == QLatin1Char('"') && field.trimmed().isEmpty()) {
            field.clear();
            inQuotes = true;
            fieldWasQuoted = true;
            quoteLine = line;
        } else if (c == table.separator) {
            endField();
        } else if (c == QLatin1Char('\r')) {
            continue;
        } else if (c == QLatin1Char('\n')) {
            ++line;
            endRecord();
        } else {
            field += c;
        }
    }
    if (inQuotes)
        throw Error(tr("%1:%2: a quote opened here is never closed.").arg(fileName).arg(quoteLine),
                    Error::Kind::Invalid);
    if (!field.isEmpty() || !current.fields.isEmpty())
        endRecord();
    if (records.empty())
        throw Error(tr("%1: the file is empty.").arg(fileName), Error::Kind::Invalid);

    for (const QString& h : records.front().fields)
        table.header << h.trimmed().toLower();
    QStringList problems;
    for (std::size_t r = 1; r < records.size(); ++r) {
        CsvRow& row = records[r];
        // Trailing empty fields from a spreadsheet's extra separators are harmless.
        while (row.fields.size() > table.header.size() && row.fields.last().isEmpty())
            row.fields.removeLast();
        if (row.fields.size() != table.header.size())
            problems << tr("%1:%2: %3 fields where the header has %4.")
                            .arg(fileName)
                            .arg(row.line)
                            .arg(row.fields.size())
                            .arg(table.header.size());
        else
            table.rows.push_back(row);
    }
    if (!problems.isEmpty())
        throw Error(problems.join(QLatin1Char('\n')), Error::Kind::Invalid);
    return table;
}

int CsvTable::column(const QString& name) const
{
    return int(header.indexOf(name.toLower()));
}

std::optional<QDate> parseCsvDate(const QString& raw)
{
    const QString text = raw.trimmed();
    static const QRegularExpression iso(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"));
    static const QRegularExpression french(QStringLiteral("^\\d{1,2}/\\d{1,2}/\\d{4}$"));
    QDate d;
    if (iso.match(text).hasMatch())
        d = QDate::fromString(text, Qt::ISODate);
    else if (french.match(text).hasMatch())
        d = QDate::fromString(text, QStringLiteral("d/M/yyyy"));
    if (!d.isValid())
        return std::nullopt;
    return d;
}

std::optional<bool> parseYesNo(const QString& raw)
{
    const QString text = raw.trimmed().toLower();
    if (text == QLatin1String("yes") || text == QLatin1String("oui"))
        return true;
    if (text == QLatin1String("no") || text == QLatin1String("non"))
        return false;
    return std::nullopt;
}

std::optional<qint64> parseScaled(const QString& raw, int scale)
{
    static const QRegularExpression number(QStringLiteral("^(-?)(\\d{1,12})(?:[.,](\\d{1,9}))?$"));
    const auto m = number.match(raw.trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    qint64 value = m.captured(2).toLongLong() * scale;
    const QString fraction = m.captured(3);
    if (!fraction.isEmpty()) {
        // Exact decimal arithmetic: digits beyond the scale must be zero.
        qint64 f = 0;
        qint64 unit = scale;
        for (const QChar digit : fraction) {
            if (unit % 10 != 0) {
                if (digit != QLatin1Char('0'))
                    return std::nullopt;
                continue;
            }
            unit /= 10;
            f += digit.digitValue() * unit;
        }
        value += f;
    }
    return m.captured(1).isEmpty() ? value : -value;
}

} // namespace cabas::io
