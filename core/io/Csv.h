#pragma once

#include <QCoreApplication>
#include <QDate>
#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

namespace cabas::io {

struct CsvRow
{
    int line = 0; // the line of the file where the record starts (1-based; the header is line 1)
    QStringList fields;
};

// A CSV file as programmes' spreadsheets write it (formats.md): UTF-8 with or without BOM, separator ';' or
// ',' detected from the header, quoted fields per RFC 4180 (doubled quotes, separators and line breaks inside
// quotes), empty lines skipped.
struct CsvTable
{
    Q_DECLARE_TR_FUNCTIONS(CsvTable)
  public:
    QString fileName; // as shown in messages
    QChar separator;
    QStringList header; // trimmed, lower case
    std::vector<CsvRow> rows;

    // Reads and parses; throws cabas::Error "file:line: message" when the file cannot be read, is not UTF-8,
    // or a quote is never closed. Rows whose field count differs from the header's are reported, all of them
    // at once.
    static CsvTable read(const QString& path);
    static CsvTable parse(const QByteArray& bytes, const QString& fileName);

    // The index of a column (case-insensitive), or -1.
    int column(const QString& name) const;
};

// Field readers shared by every import. Each returns nullopt on a malformed value (the caller makes the
// located message).
std::optional<QDate> parseCsvDate(const QString& text); // YYYY-MM-DD or DD/MM/YYYY
std::optional<bool> parseYesNo(const QString& text);    // yes/no/oui/non (any case); empty -> nullopt
// A decimal number with a comma or a point, scaled to an integer: parseScaled("99,3", 1000) == 99300.
std::optional<qint64> parseScaled(const QString& text, int scale);

} // namespace cabas::io
