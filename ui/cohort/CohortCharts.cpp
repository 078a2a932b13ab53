#include "cohort/CohortCharts.h"

#include "common/Error.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QFile>
#include <QGraphicsScene>
#include <QLineSeries>
#include <QPageLayout>
#include <QPainter>
#include <QPdfWriter>
#include <QStackedBarSeries>
#include <QValueAxis>
#include <cmath>

namespace cabas::ui {

namespace {

double euros(const CohortFigure& f)
{
    return f.null ? 0.0 : f.value / 100.0;
}

QChart* newChart(const QString& title)
{
    auto* chart = new QChart();
    chart->setTitle(title);
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setBackgroundRoundness(0);
    return chart;
}

void categoriesAndValues(QChart* chart, QAbstractBarSeries* series, const QStringList& categories,
                         const QString& valueTitle)
{
    chart->addSeries(series);
    auto* x = new QBarCategoryAxis();
    x->append(categories.isEmpty() ? QStringList{QStringLiteral("—")} : categories);
    chart->addAxis(x, Qt::AlignBottom);
    series->attachAxis(x);
    auto* y = new QValueAxis();
    y->setTitleText(valueTitle);
    y->setLabelFormat(QStringLiteral("%.0f"));
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(y);
    // The highest bar (stacked: the highest sum), so that the axis never gets an empty or NaN range.
    const bool stacked = qobject_cast<QStackedBarSeries*>(series) != nullptr;
    double top = 0;
    const QList<QBarSet*> sets = series->barSets();
    for (int i = 0; i < int(categories.size()); ++i) {
        double sum = 0;
        for (QBarSet* set : sets)
            if (i < set->count())
                sum = stacked ? sum + std::max(0.0, set->at(i)) : std::max(sum, set->at(i));
        top = std::max(top, sum);
    }
    y->setRange(0, top > 0 ? top * 1.05 : 1);
    if (top > 0)
        y->applyNiceNumbers();
    else
        y->setTickCount(2);
}

const CohortSeries* seriesOf(const CohortReport& r, const char* key)
{
    return r.seriesNamed(QString::fromLatin1(key));
}

} // namespace

QString CohortCharts::display(const CohortFigure& f, const QLocale& locale)
{
    if (f.null)
        return QStringLiteral("—");
    switch (f.unit) {
    case CohortFigure::Unit::Count:
        return locale.toString(f.integer());
    case CohortFigure::Unit::Cents:
        return locale.toCurrencyString(f.value / 100.0, QStringLiteral("€"), 2);
    case CohortFigure::Unit::Percent:
        return locale.toString(std::round(f.value * 10.0) / 10.0, 'f', 1) + QStringLiteral(" %");
    case CohortFigure::Unit::Decimal:
        return locale.toString(std::round(f.value * 100.0) / 100.0, 'f', 2);
    }
    return QString();
}

QChart* CohortCharts::spending(const CohortReport& r)
{
    QChart* chart = newChart(tr("Monthly spending: sustainable and other"));
    auto* sustainable = new QBarSet(tr("Sustainable shops"));
    auto* other = new QBarSet(tr("Other shops"));
    sustainable->setColor(QColor(0x2e, 0x7d, 0x32));
    other->setColor(QColor(0xb0, 0xbe, 0xc5));
    auto* share = new QLineSeries();
    share->setName(tr("Sustainable share (%)"));
    QStringList months;
    const CohortSeries* s = seriesOf(r, "by_month");
    if (s)
        for (const CohortSeries::Row& row : s->rows) {
            months << row.label;
            const double spent = euros(row.cells[2]);
            const double sust = euros(row.cells[3]);
            *sustainable << sust;
            *other << std::max(0.0, spent - sust);
            share->append(double(months.size() - 1), row.cells[4].null ? 0.0 : row.cells[4].value);
        }
    auto* bars = new QStackedBarSeries();
    bars->append(sustainable);
    bars->append(other);
    categoriesAndValues(chart, bars, months, tr("EUR"));
    chart->addSeries(share);
    auto* pct = new QValueAxis();
    pct->setRange(0, 100);
    pct->setTitleText(QStringLiteral("%"));
    pct->setLabelFormat(QStringLiteral("%.0f"));
    chart->addAxis(pct, Qt::AlignRight);
    share->attachAxis(pct);
    auto* hidden = new QValueAxis();
    hidden->setRange(-0.5, std::max<qsizetype>(0, months.size() - 1) + 0.5);
    hidden->setVisible(false);
    chart->addAxis(hidden, Qt::AlignTop);
    share->attachAxis(hidden);
    return chart;
}

QChart* CohortCharts::allowance(const CohortReport& r)
{
    QChart* chart = newChart(tr("Allowance and bonus by month"));
    auto* allowance = new QBarSet(tr("Allowance"));
    auto* bonus = new QBarSet(tr("Bonus"));
    allowance->setColor(QColor(0x15, 0x65, 0xc0));
    bonus->setColor(QColor(0xf9, 0xa8, 0x25));
    QStringList months;
    if (const CohortSeries* s = seriesOf(r, "by_month"))
        for (const CohortSeries::Row& row : s->rows) {
            months << row.label;
            *allowance << euros(row.cells[0]);
            *bonus << euros(row.cells[1]);
        }
    auto* bars = new QBarSeries();
    bars->append(allowance);
    bars->append(bonus);
    categoriesAndValues(chart, bars, months, tr("EUR"));
    return chart;
}

QChart* CohortCharts::workshops(const CohortReport& r)
{
    QChart* chart = newChart(tr("Workshops by type"));
    auto* sessions = new QBarSet(tr("Workshops held"));
    auto* attendances = new QBarSet(tr("Attendances"));
    sessions->setColor(QColor(0x6a, 0x1b, 0x9a));
    attendances->setColor(QColor(0xce, 0x93, 0xd8));
    QStringList types;
    if (const CohortSeries* s = seriesOf(r, "workshops_by_type"))
        for (const CohortSeries::Row& row : s->rows) {
            types << row.label;
            *sessions << (row.cells[0].null ? 0.0 : row.cells[0].value);
            *attendances << (row.cells[1].null ? 0.0 : row.cells[1].value);
        }
    auto* bars = new QBarSeries();
    bars->append(sessions);
    bars->append(attendances);
    categoriesAndValues(chart, bars, types, tr("Number"));
    return chart;
}

QChart* CohortCharts::followUp(const CohortReport& r)
{
    QChart* chart = newChart(tr("Follow-up completion by wave"));
    auto* done = new QBarSet(tr("Completion (%)"));
    done->setColor(QColor(0x00, 0x83, 0x8f));
    QStringList waves;
    if (const CohortSeries* s = seriesOf(r, "followup_by_wave"))
        for (const CohortSeries::Row& row : s->rows) {
            waves << row.label;
            *done << (row.cells[2].null ? 0.0 : row.cells[2].value);
        }
    auto* bars = new QBarSeries();
    bars->append(done);
    categoriesAndValues(chart, bars, waves, QStringLiteral("%"));
    for (QAbstractAxis* axis : chart->axes(Qt::Vertical))
        if (auto* v = qobject_cast<QValueAxis*>(axis)) {
            v->setRange(0, 100);
            v->setTickCount(5);
        }
    return chart;
}

void CohortCharts::render(QChart* chart, QPainter& painter, const QRectF& target)
{
    // Laid out on a larger canvas and scaled down, so that a half page keeps its axis labels whole.
    const QSizeF canvas = target.size() * 1.8;
    QGraphicsScene scene;
    scene.addItem(chart);
    chart->resize(canvas);
    chart->setPos(0, 0);
    scene.setSceneRect(QRectF(QPointF(0, 0), canvas));
    scene.render(&painter, target, scene.sceneRect());
    // The scene deletes the chart.
}

void writeCohortPdf(const CohortReport& report, const QString& path, const QString& programmeName)
{
    QFile probe(path);
    if (!probe.open(QIODevice::WriteOnly))
        throw Error(CohortCharts::tr("%1: cannot be written (%2).").arg(path, probe.errorString()),
                    Error::Kind::Storage);
    probe.close();
    QPdfWriter pdf(path);
    pdf.setPageSize(QPageSize(QPageSize::A4));
    pdf.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter);
    pdf.setResolution(96);
    pdf.setTitle(CohortCharts::tr("Cohort summary"));
    pdf.setCreator(QStringLiteral("Cabas"));
    QPainter p;
    if (!p.begin(&pdf))
        throw Error(CohortCharts::tr("%1: cannot be written.").arg(path), Error::Kind::Storage);
    const QRectF page = pdf.pageLayout().paintRectPixels(pdf.resolution());
    const QRectF area(0, 0, page.width(), page.height());
    const QLocale locale;

    QFont title = p.font();
    title.setPointSizeF(16);
    title.setBold(true);
    QFont normal = p.font();
    normal.setPointSizeF(9);
    QFont small = normal;
    small.setPointSizeF(7.5);
    QFont big = normal;
    big.setPointSizeF(15);
    big.setBold(true);

    double y = 0;
    p.setFont(title);
    p.drawText(QRectF(0, y, area.width(), 30), Qt::AlignLeft | Qt::AlignVCenter,
               programmeName.isEmpty() ? CohortCharts::tr("Cohort summary")
                                       : CohortCharts::tr("Cohort summary — %1").arg(programmeName));
    y += 34;
    p.setFont(normal);
    QString subtitle = CohortCharts::tr("Period %1 to %2")
                           .arg(locale.toString(report.filter.from, QLocale::ShortFormat),
                                locale.toString(report.filter.to, QLocale::ShortFormat));
    if (!report.filter.commune.isEmpty())
        subtitle += QStringLiteral(" · ") + CohortCharts::tr("commune %1").arg(report.filter.commune);
    subtitle += QStringLiteral(" · ") +
                (report.disclosure == Disclosure::Public
                     ? CohortCharts::tr("public figures (groups under %1 hidden)").arg(report.threshold)
                     : CohortCharts::tr("internal figures (not for publication)"));
    p.drawText(QRectF(0, y, area.width(), 18), Qt::AlignLeft | Qt::AlignVCenter, subtitle);
    y += 28;

    // Tiles: four a row.
    const int columns = 4;
    const double gap = 8;
    const double tileW = (area.width() - gap * (columns - 1)) / columns;
    const double tileH = 62;
    int i = 0;
    for (const CohortFigure& f : report.indicators) {
        const double x = (i % columns) * (tileW + gap);
        const double ty = y + (i / columns) * (tileH + gap);
        const QRectF tile(x, ty, tileW, tileH);
        p.setPen(QColor(0xc8, 0xd6, 0xcc));
        p.setBrush(QColor(0xf2, 0xf7, 0xf3));
        p.drawRoundedRect(tile, 4, 4);
        p.setPen(Qt::black);
        p.setFont(big);
        p.drawText(tile.adjusted(8, 4, -8, -tileH / 2), Qt::AlignLeft | Qt::AlignVCenter,
                   CohortCharts::display(f, locale));
        p.setFont(small);
        p.drawText(tile.adjusted(8, tileH / 2, -8, -4), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
                   CohortReport::label(f.key));
        ++i;
    }
    y += ((i + columns - 1) / columns) * (tileH + gap) + 8;
    if (!report.suppressed.isEmpty()) {
        p.setFont(small);
        p.drawText(QRectF(0, y, area.width(), 30), Qt::TextWordWrap,
                   CohortCharts::tr("— : figure hidden (fewer than %1 households or persons) or without "
                                    "denominator. %n figure(s) hidden.",
                                    nullptr, int(report.suppressed.size()))
                       .arg(report.threshold));
    }

    // Charts, two a row, on the next page.
    pdf.newPage();
    const double chartW = (area.width() - gap) / 2;
    const double chartH = (area.height() - gap) / 2;
    CohortCharts::render(CohortCharts::spending(report), p, QRectF(0, 0, chartW, chartH));
    CohortCharts::render(CohortCharts::allowance(report), p, QRectF(chartW + gap, 0, chartW, chartH));
    CohortCharts::render(CohortCharts::workshops(report), p, QRectF(0, chartH + gap, chartW, chartH));
    CohortCharts::render(CohortCharts::followUp(report), p,
                         QRectF(chartW + gap, chartH + gap, chartW, chartH));

    // Definitions.
    pdf.newPage();
    p.setFont(title);
    p.drawText(QRectF(0, 0, area.width(), 30), Qt::AlignLeft | Qt::AlignVCenter,
               CohortCharts::tr("Definitions"));
    y = 40;
    for (const QString& key : CohortReport::indicatorKeys()) {
        p.setFont(normal);
        QFont bold = normal;
        bold.setBold(true);
        p.setFont(bold);
        p.drawText(QRectF(0, y, area.width(), 16), Qt::AlignLeft, CohortReport::label(key));
        y += 16;
        p.setFont(normal);
        const QRectF box(12, y, area.width() - 12, 40);
        QRectF used;
        p.drawText(box, Qt::AlignLeft | Qt::TextWordWrap, CohortReport::definition(key), &used);
        y += used.height() + 8;
        if (y > area.height() - 60) {
            pdf.newPage();
            y = 0;
        }
    }
    p.setFont(small);
    p.drawText(
        QRectF(0, y + 8, area.width(), 40), Qt::TextWordWrap,
        CohortCharts::tr("Money is in euros; movements count by their local date in Europe/Paris; only "
                         "the latest posted revision of a ledger entry counts. Shares have one decimal."));
    p.end();
}

} // namespace cabas::ui
