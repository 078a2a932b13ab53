#pragma once

#include "cohort/CohortReport.h"
#include "cohort/CohortService.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QString>

namespace cabas::io {

// Files of a cohort summary. The content is the report's (disclosure already applied); these only shape it.
class CohortExport
{
    Q_DECLARE_TR_FUNCTIONS(CohortExport)
  public:
    // The JSON object of CohortReport::toJson(), indented, UTF-8.
    static QByteArray json(const CohortReport& report);
    // One table a French spreadsheet opens right: UTF-8 with BOM, ';', decimal comma, CRLF; one line per
    // figure: table;row;key;label;value (table "indicators" with an empty row, or a series with its
    // month/category/...).
    static QByteArray csv(const CohortReport& report);
    // The evaluators' dataset in the same CSV dialect.
    static QByteArray csv(const CohortDataset& dataset);
    // XLSX (libxlsxwriter): a sheet of indicators, one sheet per series, a sheet of definitions. Throws Error
    // when the file cannot be written.
    static void xlsx(const CohortReport& report, const QString& path);
    static void xlsx(const CohortDataset& dataset, const QString& path);

    // Writes `bytes` to `path` atomically (QSaveFile); throws Error naming the file.
    static void writeFile(const QString& path, const QByteArray& bytes);
};

} // namespace cabas::io
