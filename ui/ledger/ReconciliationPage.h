#pragma once

#include "security/Session.h"
#include "store/Database.h"

#include <QWidget>
#include <optional>
#include <vector>

class QCheckBox;
class QDateEdit;
class QLabel;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QThread;

namespace cabas::ui {

class ReconciliationModel;

// Credit reconciliation (docs/reconciliation.md): for a period of months, the monthly credits the programme's
// rule expects compared with the allowance entries of the ledger, and optionally the bonuses ("bonus check").
// The discrepancies are listed (household, month, expected, credited, the kind of problem), with totals; a
// double-click asks for the household's case file (openHouseholdRequested); "Export CSV…" writes the list for
// a spreadsheet. The reconciliation runs on a worker thread with its own connection: the window stays
// responsive, a busy bar shows it runs, and Cancel drops it.
// Access as the core decides: the list needs ledger Read (social workers, nurses, administrators); a
// coordinator sees the refusal and the counts only (ledger ReadAggregates, no household).
class ReconciliationPage : public QWidget
{
    Q_OBJECT
  public:
    explicit ReconciliationPage(QWidget* parent = nullptr);
    ~ReconciliationPage() override;

    // Uses `db` as `session`'s user: the period is set to the last six months (not before the programme's
    // start) and what the role may see is decided. Nothing runs until run().
    void load(const store::Database* db, const std::optional<Session>& session);
    void clear();

    void setPeriod(const QDate& from, const QDate& to);
    void setBonusCheck(bool check);
    // Starts the reconciliation of the period shown (false when it cannot start: nothing open, already
    // running). finished() tells when it is done.
    bool run();
    // Drops the reconciliation running: the page is free again at once, its result is never shown.
    void cancel();
    bool running() const;

    ReconciliationModel* model() const { return m_model; }
    // The line under the table (the totals) and the message (an error, a refusal, the export's result).
    QString totals() const;
    QString message() const;
    // Writes the discrepancies shown as CSV to `path`; false (and the reason shown) when it cannot be
    // written.
    bool exportCsv(const QString& path);
    // Shows a line under the table (an error in the error tone).
    void showMessage(const QString& text, bool error);

  signals:
    void finished(bool ok);
    void openHouseholdRequested(const QString& householdCode);

  private:
    struct Outcome;
    void done(quint64 run, const Outcome& outcome);
    void setRunning(bool running);
    void chooseExportFile();
    void reapThreads();

    const store::Database* m_db = nullptr;
    std::optional<Session> m_session;
    bool m_readsHouseholds = false;
    quint64 m_run = 0;     // the run whose result is awaited (0: none)
    quint64 m_lastRun = 0; // runs started so far
    std::vector<QThread*> m_threads;

    QDateEdit* m_from = nullptr;
    QDateEdit* m_to = nullptr;
    QCheckBox* m_bonus = nullptr;
    QPushButton* m_start = nullptr;
    QPushButton* m_cancel = nullptr;
    QPushButton* m_export = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_access = nullptr;
    QLabel* m_message = nullptr;
    QLabel* m_totals = nullptr;
    QTableView* m_table = nullptr;
    ReconciliationModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
};

} // namespace cabas::ui
