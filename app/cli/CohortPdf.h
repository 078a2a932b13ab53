#pragma once

// The PDF report needs QtCharts (widgets), which cabas_cli (core only) does not link: the cabas-cli
// executable registers the writer of cabas_report (ui/cohort/CohortCharts.h) at start, and runs in a
// QApplication on the offscreen platform when a PDF is asked for (app/cli/main.cpp). Without a writer,
// `cohort --format pdf` says this build has no PDF reports.

#include "cohort/CohortReport.h"

#include <functional>

namespace cabas::cli {

using CohortPdfWriter =
    std::function<void(const CohortReport& report, const QString& path, const QString& programmeName)>;
void setCohortPdfWriter(CohortPdfWriter writer);
// Whether `arguments` ask for a PDF (cohort ... --format pdf): main() then needs a QApplication.
bool wantsCohortPdf(const QStringList& arguments);

} // namespace cabas::cli
