#include "io/CohortExport.h"

#include "common/Error.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>
#include <QTemporaryDir>
#include <xlsxwriter.h>

namespace cabas::io {

namespace {

QString csvField(QString f)
{
    if (f.contains(QLatin1Char(';')) || f.contains(QLatin1Char('"')) || f.contains(QLatin1Char('\n')) ||
        f.contains(QLatin1Char('\r')))
        f = QLatin1Char('"') + f.replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
    return f;
}

QByteArray csvLines(const std::vector<QStringList>& lines)
{
    QByteArray out("\xEF\xBB\xBF");
    for (const QStringList& line : lines) {
        QStringList fields;
        for (const QString& f : line)
            fields << csvField(f);
        out += fields.join(QLatin1Char(';')).toUtf8() + "\r\n";
    }
    return out;
}

// libxlsxwriter wants sheet names of at most 31 characters without []:*?/\ .
QString sheetName(QString name)
{
    for (QChar c : QStringLiteral("[]:*?/\\"))
        name.replace(c, QLatin1Char(' '));
    return name.left(31);
}

class Workbook
{
  public:
    explicit Workbook(const QString& path) : m_path(path)
    {
        m_book = workbook_new(QFile::encodeName(path).constData());
        if (!m_book)
            throw Error(CohortExport::tr("%1: cannot be written.").arg(path), Error::Kind::Storage);
        m_header = workbook_add_format(m_book);
        format_set_bold(m_header);
        m_percent = workbook_add_format(m_book);
        format_set_num_format(m_percent, "0.0");
        m_decimal = workbook_add_format(m_book);
        format_set_num_format(m_decimal, "0.00");
    }
    ~Workbook()
    {
        if (m_book)
            workbook_close(m_book);
    }
    lxw_worksheet* sheet(const QString& name)
    {
        return workbook_add_worksheet(m_book, sheetName(name).toUtf8().constData());
    }
    void text(lxw_worksheet* s, int row, int column, const QString& t, bool header = false)
    {
        worksheet_write_string(s, lxw_row_t(row), lxw_col_t(column), t.toUtf8().constData(),
                               header ? m_header : nullptr);
    }
    void figure(lxw_worksheet* s, int row, int column, const CohortFigure& f)
    {
        if (f.null)
            return;
        lxw_format* format = nullptr;
        if (f.unit == CohortFigure::Unit::Percent)
            format = m_percent;
        else if (f.unit == CohortFigure::Unit::Decimal)
            format = m_decimal;
        worksheet_write_number(s, lxw_row_t(row), lxw_col_t(column), f.json().toDouble(), format);
    }
    void close()
    {
        const lxw_error e = workbook_close(m_book);
        m_book = nullptr;
        if (e != LXW_NO_ERROR)
            throw Error(CohortExport::tr("%1: cannot be written (%2).")
                            .arg(m_path, QString::fromUtf8(lxw_strerror(e))),
                        Error::Kind::Storage);
    }

  private:
    QString m_path;
    lxw_workbook* m_book = nullptr;
    lxw_format* m_header = nullptr;
    lxw_format* m_percent = nullptr;
    lxw_format* m_decimal = nullptr;
};

} // namespace

void CohortExport::writeFile(const QString& path, const QByteArray& bytes)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        throw Error(tr("%1: cannot be written (%2).").arg(path, file.errorString()), Error::Kind::Storage);
}

QByteArray CohortExport::json(const CohortReport& report)
{
    return QJsonDocument(report.toJson()).toJson(QJsonDocument::Indented);
}

QByteArray CohortExport::csv(const CohortReport& report)
{
    std::vector<QStringList> lines;
    lines.push_back({QStringLiteral("table"), QStringLiteral("row"), QStringLiteral("key"),
                     QStringLiteral("label"), QStringLiteral("value")});
    for (const CohortFigure& f : report.indicators)
        lines.push_back(
            {QStringLiteral("indicators"), QString(), f.key, CohortReport::label(f.key), f.text()});
    for (const CohortSeries& s : report.series)
        for (const CohortSeries::Row& row : s.rows)
            for (const CohortFigure& c : row.cells)
                lines.push_back({s.key, row.label, c.key, CohortReport::label(c.key), c.text()});
    return csvLines(lines);
}

QByteArray CohortExport::csv(const CohortDataset& dataset)
{
    std::vector<QStringList> lines;
    lines.push_back(dataset.columns);
    lines.insert(lines.end(), dataset.rows.begin(), dataset.rows.end());
    return csvLines(lines);
}

void CohortExport::xlsx(const CohortReport& report, const QString& path)
{
    Workbook book(path);
    lxw_worksheet* s = book.sheet(tr("Indicators"));
    book.text(s, 0, 0, tr("Indicator"), true);
    book.text(s, 0, 1, tr("Key"), true);
    book.text(s, 0, 2, tr("Value"), true);
    worksheet_set_column(s, 0, 0, 45, nullptr);
    worksheet_set_column(s, 1, 1, 32, nullptr);
    int row = 1;
    for (const CohortFigure& f : report.indicators) {
        book.text(s, row, 0, CohortReport::label(f.key));
        book.text(s, row, 1, f.key);
        book.figure(s, row, 2, f);
        ++row;
    }
    for (const CohortSeries& series : report.series) {
        lxw_worksheet* t = book.sheet(CohortReport::label(series.key));
        book.text(t, 0, 0, CohortReport::label(series.labelColumn), true);
        for (int c = 0; c < series.columns.size(); ++c)
            book.text(t, 0, c + 1, CohortReport::label(series.columns[c]), true);
        worksheet_set_column(t, 0, lxw_col_t(series.columns.size()), 22, nullptr);
        int r = 1;
        for (const CohortSeries::Row& line : series.rows) {
            book.text(t, r, 0, line.label);
            for (size_t c = 0; c < line.cells.size(); ++c)
                book.figure(t, r, int(c) + 1, line.cells[c]);
            ++r;
        }
    }
    lxw_worksheet* d = book.sheet(tr("Definitions"));
    book.text(d, 0, 0, tr("Indicator"), true);
    book.text(d, 0, 1, tr("Definition"), true);
    worksheet_set_column(d, 0, 0, 45, nullptr);
    worksheet_set_column(d, 1, 1, 100, nullptr);
    row = 1;
    for (const QString& key : CohortReport::indicatorKeys()) {
        book.text(d, row, 0, CohortReport::label(key));
        book.text(d, row, 1, CohortReport::definition(key));
        ++row;
    }
    book.text(d, row + 1, 0, tr("Disclosure"), true);
    book.text(d, row + 1, 1,
              report.disclosure == Disclosure::Public
                  ? tr("public: figures based on fewer than %1 households or persons are suppressed (empty).")
                        .arg(report.threshold)
                  : tr("internal: figures as computed, for use inside the programme only."));
    book.close();
}

void CohortExport::xlsx(const CohortDataset& dataset, const QString& path)
{
    Workbook book(path);
    lxw_worksheet* s = book.sheet(tr("Dataset"));
    for (int c = 0; c < dataset.columns.size(); ++c)
        book.text(s, 0, c, dataset.columns[c], true);
    int row = 1;
    for (const QStringList& line : dataset.rows) {
        for (int c = 0; c < line.size(); ++c)
            book.text(s, row, c, line[c]);
        ++row;
    }
    book.close();
}

} // namespace cabas::io
