#pragma once

#include "LoginDialog.h"
#include "security/Access.h"
#include "security/Session.h"
#include "store/Database.h"

#include <QMainWindow>
#include <QPointer>
#include <array>
#include <memory>
#include <optional>

class QLabel;
class QListWidget;
class QPushButton;
class QStackedWidget;
class QSortFilterProxyModel;
class QTableView;
class QTableWidget;

namespace cabas::ui {

class AdministrationPage;
class UserAccountDialog;
class BackupController;
class DashboardPage;
class HealthPage;
class HomePage;
class HouseholdTableModel;
class HouseholdsPage;
class WorkshopsPage;
class LedgerPage;
class ReconciliationPage;

// The desktop app's main window: the sections on the left (home, households, health follow-up, workshops,
// card ledger, cohort, administration), the current one on the right; the database and who is logged in in
// the status bar and the title. It owns the open database and the session of the user logged in.
//
// What a section shows is decided by the core: a section is read through the core's services (or, for the
// sections still to come, through AuditTrail::require) as the session's user when it is first shown after a
// login or a reload; when the core refuses (Error::Kind::AccessDenied, recorded in the audit trail), the
// section shows the refusal in the "accessDeniedPanel" instead of its content.
class MainWindow : public QMainWindow
{
    Q_OBJECT
  public:
    enum class Section
    {
        Home,
        Households,
        Health,
        Workshops,
        Ledger,
        Cohort,
        Administration
    };
    static constexpr int kSectionCount = 7;

    MainWindow(std::unique_ptr<store::Database> db, Session session, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Replaces the open database and the session (the users belong to a database, so a new database needs a
    // new login); nullptr and no session: nothing open.
    void setDatabase(std::unique_ptr<store::Database> db, std::optional<Session> session);
    const store::Database* database() const { return m_db.get(); }
    // Replaces who is logged in, on the same database, and shows what the new user may see.
    void setSession(Session session);
    const std::optional<Session>& session() const { return m_session; }
    // Reads everything shown again from the database.
    void reload();

    void showSection(Section section);
    Section currentSection() const;
    // Stable names for scripts (--section): home, households, health, workshops, ledger, cohort,
    // administration.
    static QStringList sectionKeys();
    bool showSection(const QString& key);
    // The refusal shown for a section (empty when its content is shown or it was not opened yet).
    QString refusal(Section section) const;

    HouseholdTableModel* householdModel() const { return m_householdModel; }
    HouseholdsPage* householdsPage() const { return m_householdsPage; }
    AdministrationPage* administrationPage() const { return m_adminPage; }
    HealthPage* healthPage() const { return m_healthPage; }
    DashboardPage* dashboardPage() const { return m_dashboardPage; }
    WorkshopsPage* workshopsPage() const { return m_workshopsPage; }
    LedgerPage* ledgerPage() const { return m_ledgerPage; }
    // Go › Credit reconciliation: the window of ui/ledger/ReconciliationPage (one, read as the session's
    // user; closed at log-out); a double-click in it opens the household's case file. nullptr when nothing is
    // open.
    ReconciliationPage* openReconciliation();
    // The login dialog opened by logOut() or switchUser() while it is open, else nullptr.
    LoginDialog* loginDialog() const { return m_loginDialog; }

    // The window's size and position from the previous session (QSettings), if any.
    void restoreWindowState();

    // Puts the keyboard focus in the search field of the section shown (Ctrl+F), else its first input; false
    // when it has none.
    bool focusSearch();

  public slots:
    // Ends the session: the window is hidden and the login dialog asks who is next, on the same database.
    // Cancelling it closes the window and emits quitRequested().
    void logOut();
    // Opens the login dialog over the window; on success the new user's session replaces the current one,
    // on cancel nothing changes.
    void switchUser();
    // File > Change my password…: the dialog (window-modal, deleted when closed), or nullptr when nobody is
    // logged in.
    UserAccountDialog* openChangePassword();

  signals:
    // After a log-out, the user chose to leave rather than log in again.
    void quitRequested();

  protected:
    void closeEvent(QCloseEvent* event) override;
    void changeEvent(QEvent* event) override;

  private:
    void buildMenus();
    void buildSections();
    void buildGoMenu();
    void applySectionListColours();
    bool focusFirstInput(QWidget* page);
    QWidget* buildHouseholdsPage();
    QWidget* buildAccessDeniedPanel();
    void addSection(Section section, const QString& iconName, const QString& title, QWidget* page);
    void updateTitleAndStatus();
    void updateSectionHints();

    // Shows `row`'s section, reading it first when it was not read since the last login or reload.
    void openSection(int row);
    // Reads a section as the session's user; returns the core's refusal, empty when it may be shown.
    QString loadSection(Section section);
    void loadHouseholds();
    void showAccessDenied(Section section, const QString& message);
    // Forgets everything read as the previous user.
    void clearSessionContent();
    // Records the end of the current session in the audit trail (best effort).
    void recordLogout();

    void newDatabase();
    void openDatabase();
    void connectPostgres();
    // Asks who logs in to a database just opened from the File menu, then uses it; cancelled: it is closed
    // and the current one stays.
    void useOpenedDatabase(std::unique_ptr<store::Database> db, std::optional<Session> session);
    void chooseLanguage(const QString& language);
    void about();

    std::unique_ptr<store::Database> m_db;
    std::optional<Session> m_session;
    std::array<bool, kSectionCount> m_loaded{};
    std::array<QString, kSectionCount> m_refusals;
    std::array<QWidget*, kSectionCount> m_pages{};
    std::array<QString, kSectionCount> m_titles;
    std::array<QString, kSectionCount> m_icons;

    QListWidget* m_sectionList = nullptr;
    QStackedWidget* m_sectionStack = nullptr;
    HomePage* m_homePage = nullptr;
    HouseholdsPage* m_householdsPage = nullptr;
    HouseholdTableModel* m_householdModel = nullptr;
    AdministrationPage* m_adminPage = nullptr;
    HealthPage* m_healthPage = nullptr;
    DashboardPage* m_dashboardPage = nullptr;
    WorkshopsPage* m_workshopsPage = nullptr;
    LedgerPage* m_ledgerPage = nullptr;
    QWidget* m_accessPanel = nullptr;
    QLabel* m_accessIcon = nullptr;
    QLabel* m_accessTitle = nullptr;
    QLabel* m_accessBadge = nullptr;
    QLabel* m_accessMessage = nullptr;
    QLabel* m_accessHint = nullptr;
    QLabel* m_databaseStatus = nullptr;
    QLabel* m_sessionStatus = nullptr;
    QLabel* m_schemaStatus = nullptr;
    std::array<QAction*, kSectionCount> m_sectionActions{};
    QAction* m_switchUserAction = nullptr;
    BackupController* m_backup = nullptr;
    QAction* m_syncAction = nullptr; // File › Ledger sync… (ui/ledger/SyncDialog)
    QPointer<ReconciliationPage> m_reconciliation;
    QAction* m_logoutAction = nullptr;
    QAction* m_changePasswordAction = nullptr;
    QPointer<LoginDialog> m_loginDialog;
};

} // namespace cabas::ui
