#pragma once

#include "cohort/CohortReport.h"

#include <QCoreApplication>
#include <QLocale>
#include <QString>

class QChart;
class QPainter;
class QRectF;

namespace cabas::ui {

// The dashboard's and the PDF report's charts of a cohort summary (QtCharts), and how a figure reads.
class CohortCharts
{
    Q_DECLARE_TR_FUNCTIONS(CohortCharts)
  public:
    // Monthly spending stacked sustainable / other, with the sustainable share (line, right axis).
    static QChart* spending(const CohortReport& report);
    // Allowance and bonus by month.
    static QChart* allowance(const CohortReport& report);
    // Workshops held and attendances by type.
    static QChart* workshops(const CohortReport& report);
    // Follow-up completion by wave (%).
    static QChart* followUp(const CohortReport& report);

    // A figure for people: "1 234,56 €", "68,8 %", "—" when null (suppressed or no denominator).
    static QString display(const CohortFigure& figure, const QLocale& locale = QLocale());
    // Draws `chart` into `target` of `painter` (the PDF), then deletes it.
    static void render(QChart* chart, QPainter& painter, const QRectF& target);
};

// Writes the PDF report: the period and disclosure, the indicator tiles, the four charts, the definitions.
// Needs a QApplication (QtCharts are widgets); the CLI creates one on the offscreen platform for --format
// pdf. Throws cabas::Error when the file cannot be written.
void writeCohortPdf(const CohortReport& report, const QString& path,
                    const QString& programmeName = QString());

} // namespace cabas::ui
