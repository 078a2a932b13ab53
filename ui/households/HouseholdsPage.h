#pragma once

#include "security/Session.h"
#include "store/Database.h"

#include <QWidget>
#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTableWidget;
class QThread;
class QTimer;

namespace cabas::ui {

class CaseFileView;
class EnrolmentWizard;
class HouseholdTableModel;
class PersonsImportDialog;

// The "Households" section (social workers; other roles read): the household list searched as one types
// (code, member's name or commune, accents and case ignored; the query runs after a short pause, not on every
// keystroke), filtered by status, commune and referent, sorted by column in the database and fetched page by
// page (HouseholdTableModel); the members of the chosen household; and the doors to the case file
// (double-click or Enter), the enrolment wizard and the persons.csv import.
class HouseholdsPage : public QWidget
{
    Q_OBJECT
  public:
    static constexpr int kSearchDelayMs = 250;

    explicit HouseholdsPage(QWidget* parent = nullptr);
    ~HouseholdsPage() override;

    // Reads the list as `session`'s user. Throws cabas::Error AccessDenied for a role that may not read
    // households (other errors are shown on the page). On a sealed database whose name index is not built yet
    // (the first time after login), the index is built in a worker thread first: the page says "preparing"
    // and the search box waits, the window does not.
    void load(const store::Database* db, const std::optional<Session>& session);
    void clear();

    HouseholdTableModel* model() const { return m_model; }
    // Whether the search is being prepared (see load()).
    bool preparing() const;

    // Runs the search and filters now (the search box does it after kSearchDelayMs).
    void applyQuery();
    // The case file of a household (a window of its own, deleted when closed); nullptr when it cannot be read
    // (the reason is shown on the page).
    CaseFileView* openCaseFile(const QString& householdCode);
    // The enrolment wizard and the persons.csv import (window-modal, deleted when closed; the list is read
    // again when they save).
    EnrolmentWizard* newEnrolment();
    PersonsImportDialog* importPersons();

  private:
    void prepareSearch();
    void searchPrepared(quint64 run, const QString& error);
    void waitForPreparation();
    void showMembers();
    void updateCount();
    void showError(const QString& message);
    void fillFilters();

    const store::Database* m_db = nullptr;
    std::optional<Session> m_session;

    HouseholdTableModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    QTableWidget* m_members = nullptr;
    QLabel* m_membersTitle = nullptr;
    QLabel* m_count = nullptr;
    QLabel* m_error = nullptr;
    QLabel* m_maskNote = nullptr;
    QLineEdit* m_search = nullptr;
    QTimer* m_searchTimer = nullptr;
    QComboBox* m_status = nullptr;
    QComboBox* m_commune = nullptr;
    QComboBox* m_referent = nullptr;
    QPushButton* m_enrol = nullptr;
    QPushButton* m_import = nullptr;
    QPushButton* m_open = nullptr;
    QThread* m_prepare = nullptr;
    quint64 m_prepareRun = 0;
    bool m_preparing = false;
};

} // namespace cabas::ui
