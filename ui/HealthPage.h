#pragma once

#include "domain/Checkup.h"
#include "domain/Prevention.h"
#include "security/Session.h"
#include "store/Database.h"

#include <QWidget>
#include <optional>
#include <vector>

class QComboBox;
class QDialog;
class QTabWidget;
class QLabel;
class QPushButton;
class QStackedWidget;
class QTableView;
class QTableWidget;

namespace cabas::ui {

class FollowUpFilterProxy;
class FollowUpListModel;
class HealthCharts;

// The "Health follow-up" section, for nurses: the work list of follow-up waves (FollowUpSchedule, today by
// Clock) filtered by status and commune, and, for the person chosen in it (double-click or Enter), their
// checkups and diet questionnaires wave by wave (HealthService), flagged when the consent was withdrawn.
// Everything is read through the core as the session's user: other roles are refused there (load() throws).
class HealthPage : public QWidget
{
    Q_OBJECT
  public:
    explicit HealthPage(QWidget* parent = nullptr);

    // Reads the work list as `session`'s user and shows it. Throws cabas::Error (AccessDenied for the roles
    // that may not read health data, with the core's message); the page is then empty.
    void load(const store::Database* db, const std::optional<Session>& session);
    // Forgets everything read and the database.
    void clear();

    // Shows the health records of a person of the work list; false (and the error shown) when they cannot
    // be read.
    bool openPerson(const QString& personCode, const QString& personName,
                    const QString& householdCode = QString());
    void showWorklist();

    // The record forms for the person shown (window-modal, deleted when closed; the view is read again when
    // one saves). nullptr when no person is shown.
    QDialog* newCheckup();
    QDialog* newQuestionnaire();
    QDialog* newPreventionStep();
    QDialog* newSupportSession();
    // The correction of the checkup selected in the list (prefilled, a reason required); nullptr when none
    // is selected.
    QDialog* correctCheckup();
    // The import of checkups.csv / questionnaires.csv (the work list is read again when it imports).
    QDialog* importRecords();

    FollowUpListModel* model() const { return m_model; }
    FollowUpFilterProxy* proxy() const { return m_proxy; }

  private:
    QWidget* buildWorklist();
    QWidget* buildPersonView();
    void applyFilters();
    void updateCount();
    void fitColumns();
    void fillCommunes();
    void openCurrent(const QModelIndex& proxyIndex);
    QDialog* showForm(QDialog* form);
    void fillPrevention(std::vector<PreventionStep> steps);
    void fillSupport(std::vector<SupportSession> sessions);
    void showCheckupHistory();

    const store::Database* m_db = nullptr;
    std::optional<Session> m_session;

    QStackedWidget* m_stack = nullptr;
    QWidget* m_worklistPage = nullptr;
    QWidget* m_personView = nullptr;
    FollowUpListModel* m_model = nullptr;
    FollowUpFilterProxy* m_proxy = nullptr;
    QTableView* m_worklist = nullptr;
    QComboBox* m_statusFilter = nullptr;
    QComboBox* m_communeFilter = nullptr;
    QLabel* m_count = nullptr;
    QLabel* m_worklistError = nullptr;
    QLabel* m_healthAccess = nullptr; // who holds the health key
    void showHealthAccess();

    QLabel* m_personTitle = nullptr;
    QLabel* m_withdrawnBanner = nullptr;
    QLabel* m_personError = nullptr;
    QTableWidget* m_checkups = nullptr;
    QTableWidget* m_questionnaires = nullptr;
    QLabel* m_noCheckups = nullptr;
    QPushButton* m_correctCheckup = nullptr;
    QLabel* m_checkupHistory = nullptr;
    std::vector<Checkup> m_checkupList; // as in the table's rows
    QLabel* m_noQuestionnaires = nullptr;
    QTabWidget* m_tabs = nullptr;
    HealthCharts* m_charts = nullptr;
    QTableWidget* m_prevention = nullptr;
    QTableWidget* m_support = nullptr;
    QWidget* m_recordButtons = nullptr;

    QString m_personCode;
    QString m_personName;
    QString m_householdCode;
    QStringList m_checkupWaves;
    QStringList m_questionnaireWaves;
};

} // namespace cabas::ui
