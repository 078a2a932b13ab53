#pragma once

#include "domain/Checkup.h"

#include <QWidget>
#include <vector>

class QChart;
class QChartView;
class QDateTimeAxis;
class QValueAxis;
class QLabel;
class QLineSeries;

namespace cabas::ui {

// A person's measures over time (QtCharts): weight (kg) and BMI on one chart, systolic and diastolic blood
// pressure (mmHg) on another, one point per checkup that has the measure, dates along the bottom.
class HealthCharts : public QWidget
{
    Q_OBJECT
  public:
    explicit HealthCharts(QWidget* parent = nullptr);

    void setCheckups(const std::vector<Checkup>& checkups);
    void clear();

    QLineSeries* weightSeries() const { return m_weight; }
    QLineSeries* bmiSeries() const { return m_bmi; }
    QLineSeries* systolicSeries() const { return m_systolic; }
    QLineSeries* diastolicSeries() const { return m_diastolic; }
    QChart* weightChart() const;
    QChart* pressureChart() const;

  private:
    QChartView* m_weightView = nullptr;
    QChartView* m_pressureView = nullptr;
    QLineSeries* m_weight = nullptr;
    QLineSeries* m_bmi = nullptr;
    QLineSeries* m_systolic = nullptr;
    QLineSeries* m_diastolic = nullptr;
    QLabel* m_empty = nullptr;
    QDateTimeAxis* m_weightDates = nullptr;
    QDateTimeAxis* m_pressureDates = nullptr;
    QValueAxis* m_weightAxis = nullptr;
    QValueAxis* m_bmiAxis = nullptr;
    QValueAxis* m_pressureAxis = nullptr;
};

} // namespace cabas::ui
