#include "health/HealthCharts.h"

#include "Theme.h"

#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

namespace cabas::ui {

namespace {
QLineSeries* makeSeries(const QString& name, const QColor& colour, QObject* parent)
{
    auto* series = new QLineSeries(parent);
    series->setName(name);
    series->setPointsVisible(true);
    QPen pen(colour);
    pen.setWidthF(2.0);
    series->setPen(pen);
    return series;
}

QChartView* makeView(const QString& title, const char* objectName, QWidget* parent)
{
    auto* chart = new QChart();
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setBackgroundRoundness(0);
    auto* view = new QChartView(chart, parent);
    view->setObjectName(QString::fromLatin1(objectName));
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumHeight(220);
    return view;
}

qreal msecs(const QDate& date)
{
    return static_cast<qreal>(QDateTime(date, QTime(12, 0), Qt::UTC).toMSecsSinceEpoch());
}

// Axes made once per chart: dates along the bottom, one value axis per side (the right one optional).
struct Axes
{
    QDateTimeAxis* dates = nullptr;
    QValueAxis* left = nullptr;
    QValueAxis* right = nullptr;
};

Axes makeAxes(QChart* chart, const QList<QLineSeries*>& left, const QList<QLineSeries*>& right,
              const QString& leftTitle, const QString& rightTitle)
{
    Axes axes;
    axes.dates = new QDateTimeAxis();
    axes.dates->setFormat(QStringLiteral("MM/yyyy"));
    chart->addAxis(axes.dates, Qt::AlignBottom);
    auto valueAxis = [&](const QList<QLineSeries*>& series, Qt::Alignment side, const QString& title) {
        auto* values = new QValueAxis();
        values->setTitleText(title);
        values->setLabelFormat(QStringLiteral("%.0f"));
        chart->addAxis(values, side);
        for (QLineSeries* s : series) {
            chart->addSeries(s);
            s->attachAxis(axes.dates);
            s->attachAxis(values);
        }
        return values;
    };
    axes.left = valueAxis(left, Qt::AlignLeft, leftTitle);
    if (!right.isEmpty())
        axes.right = valueAxis(right, Qt::AlignRight, rightTitle);
    return axes;
}

void fitValues(QValueAxis* axis, const QList<QLineSeries*>& series)
{
    if (!axis)
        return;
    double lo = 1e9, hi = -1e9;
    for (QLineSeries* s : series)
        for (const QPointF& p : s->points()) {
            lo = std::min(lo, p.y());
            hi = std::max(hi, p.y());
        }
    if (lo > hi) {
        lo = 0;
        hi = 1;
    }
    const double pad = std::max(1.0, (hi - lo) * 0.15);
    axis->setRange(std::floor(lo - pad), std::ceil(hi + pad));
}

void fitDates(QDateTimeAxis* axis, QDate first, QDate last)
{
    if (!first.isValid())
        return;
    axis->setRange(QDateTime(first.addDays(-20), QTime(0, 0), Qt::UTC),
                   QDateTime(last.addDays(20), QTime(0, 0), Qt::UTC));
    axis->setTickCount(std::clamp(static_cast<int>(first.daysTo(last) / 60) + 2, 2, 8));
}
} // namespace

HealthCharts::HealthCharts(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("healthCharts"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_empty = new QLabel(tr("The charts appear with the first checkup that has measures."), this);
    m_empty->setObjectName(QStringLiteral("noChartLabel"));
    m_empty->setEnabled(false);
    layout->addWidget(m_empty);
    auto* charts = new QHBoxLayout();
    m_weightView = makeView(tr("Weight and BMI"), "weightChartView", this);
    m_pressureView = makeView(tr("Blood pressure"), "pressureChartView", this);
    charts->addWidget(m_weightView, 1);
    charts->addWidget(m_pressureView, 1);
    layout->addLayout(charts, 1);

    m_weight = makeSeries(tr("Weight (kg)"), QColor(0x1f, 0x6f, 0xb2), this);
    m_bmi = makeSeries(tr("BMI (kg/m²)"), QColor(0xd9, 0x7b, 0x1c), this);
    m_systolic = makeSeries(tr("Systolic (mmHg)"), QColor(0xb3, 0x26, 0x1e), this);
    m_diastolic = makeSeries(tr("Diastolic (mmHg)"), QColor(0x2e, 0x7d, 0x32), this);
    m_weight->setObjectName(QStringLiteral("weightSeries"));
    m_bmi->setObjectName(QStringLiteral("bmiSeries"));
    m_systolic->setObjectName(QStringLiteral("systolicSeries"));
    m_diastolic->setObjectName(QStringLiteral("diastolicSeries"));
    const Axes weightAxes = makeAxes(weightChart(), {m_weight}, {m_bmi}, tr("kg"), tr("kg/m²"));
    const Axes pressureAxes = makeAxes(pressureChart(), {m_systolic, m_diastolic}, {}, tr("mmHg"), QString());
    m_weightDates = weightAxes.dates;
    m_weightAxis = weightAxes.left;
    m_bmiAxis = weightAxes.right;
    m_pressureDates = pressureAxes.dates;
    m_pressureAxis = pressureAxes.left;
    theme::adaptChart(weightChart());
    theme::adaptChart(pressureChart());
    clear();
}

QChart* HealthCharts::weightChart() const
{
    return m_weightView->chart();
}

QChart* HealthCharts::pressureChart() const
{
    return m_pressureView->chart();
}

void HealthCharts::clear()
{
    setCheckups({});
}

void HealthCharts::setCheckups(const std::vector<Checkup>& checkups)
{
    std::vector<Checkup> sorted = checkups;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Checkup& a, const Checkup& b) { return a.takenOn < b.takenOn; });
    QList<QPointF> weight, bmi, systolic, diastolic;
    QDate first, last;
    for (const Checkup& c : sorted) {
        if (!c.takenOn.isValid())
            continue;
        const qreal x = msecs(c.takenOn);
        bool any = false;
        if (c.weightG) {
            weight << QPointF(x, *c.weightG / 1000.0);
            any = true;
        }
        if (const auto b = c.bmi()) {
            bmi << QPointF(x, *b);
            any = true;
        }
        if (c.systolicMmHg) {
            systolic << QPointF(x, *c.systolicMmHg);
            any = true;
        }
        if (c.diastolicMmHg) {
            diastolic << QPointF(x, *c.diastolicMmHg);
            any = true;
        }
        if (any) {
            if (!first.isValid())
                first = c.takenOn;
            last = c.takenOn;
        }
    }
    m_weight->replace(weight);
    m_bmi->replace(bmi);
    m_systolic->replace(systolic);
    m_diastolic->replace(diastolic);
    fitDates(m_weightDates, first, last);
    fitDates(m_pressureDates, first, last);
    fitValues(m_weightAxis, {m_weight});
    fitValues(m_bmiAxis, {m_bmi});
    fitValues(m_pressureAxis, {m_systolic, m_diastolic});
    const bool empty = !first.isValid();
    m_empty->setVisible(empty);
    m_weightView->setVisible(!empty);
    m_pressureView->setVisible(!empty);
}

} // namespace cabas::ui
