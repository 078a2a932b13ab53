#pragma once

#include "cohort/CohortReport.h"
#include "security/Session.h"
#include "store/Database.h"

#include <QWidget>
#include <optional>

class QChartView;
class QComboBox;
class QDateEdit;
class QGridLayout;
class QLabel;
class QPushButton;
class QTableWidget;

namespace cabas::ui {

// The "Cohort" section: period and filters, the indicator tiles, four charts, exports (JSON, CSV, XLSX, PDF,
// the evaluators' dataset) and, in internal mode, the households behind the figure whose tile was clicked.
// Everything goes through CohortService as the session's user (access and audit are the core's).
class DashboardPage : public QWidget
{
    Q_OBJECT
  public:
    explicit DashboardPage(QWidget* parent = nullptr);

    // Shows the programme's cohort for the current period (by default the programme's start, or the
    // beginning of the year, to today). Throws cabas::Error (AccessDenied) for roles that may not read it.
    void load(const store::Database* db, const std::optional<Session>& session);
    void clear();

    void setPeriod(const QDate& from, const QDate& to);
    void setDisclosure(Disclosure disclosure);
    void setCommune(const QString& commune); // empty: every commune
    // Computes the figures for the controls' period and filters; false (and the error shown) on failure.
    bool compute();
    // Lists the households behind one indicator (internal mode); false when not available.
    bool showHouseholdsBehind(const QString& key);
    // Writes the current report (or the dataset, format "dataset") to `path`; false (and the error shown) on
    // failure. Formats: json, csv, xlsx, pdf, dataset.
    bool exportTo(const QString& format, const QString& path);

    const std::optional<CohortReport>& report() const { return m_report; }

  private:
    void buildTiles();
    void showReport();
    void showError(const QString& message);
    CohortFilter currentFilter() const;
    void askAndExport(const QString& format);

    const store::Database* m_db = nullptr;
    std::optional<Session> m_session;
    std::optional<CohortReport> m_report;

    QDateEdit* m_from = nullptr;
    QDateEdit* m_to = nullptr;
    QComboBox* m_commune = nullptr;
    QComboBox* m_disclosure = nullptr;
    QLabel* m_error = nullptr;
    QLabel* m_exportNote = nullptr; // what the last dataset export left empty (an encrypted database)
    QLabel* m_suppressed = nullptr;
    QGridLayout* m_tiles = nullptr;
    QChartView* m_spending = nullptr;
    QChartView* m_allowance = nullptr;
    QChartView* m_workshops = nullptr;
    QChartView* m_followUp = nullptr;
    QLabel* m_householdsTitle = nullptr;
    QTableWidget* m_households = nullptr;
    QPushButton* m_datasetButton = nullptr;
};

} // namespace cabas::ui
