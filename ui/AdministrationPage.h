#pragma once

#include "security/Session.h"
#include "store/AuditRepository.h"
#include "store/Database.h"

#include <QWidget>
#include <optional>
#include <set>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QMessageBox;
class QPushButton;

namespace cabas::ui {
class RecoveryKeyDialog;
class UserAccountDialog;
} // namespace cabas::ui
class QStandardItemModel;
class QTabWidget;
class QTableView;

namespace cabas::ui {

class AuditTableModel;
class MerchantsPanel;
class ProgrammeEditor;

// The "Administration" section, for administrators: the audit trail (filtered by date, user and table,
// newest first, with a check of its hash chain), the list of user accounts, the programme's rules and the
// merchant list with the committee's approvals (MerchantsPanel). Everything is read through
// the core (AuditTrail, UserService) as the session's user, so the core decides who may see it.
class AdministrationPage : public QWidget
{
    Q_OBJECT
  public:
    explicit AdministrationPage(QWidget* parent = nullptr);

    // Reads the audit trail and the users of `db` as `session` (copied; `db` must outlive the page or be
    // replaced). Throws cabas::Error(AccessDenied) with the core's refusal, recorded in the audit trail, when
    // the session's role may not read them (the page is then empty); other problems are shown on the page.
    void load(const store::Database* db, const std::optional<Session>& session);
    // Empties the page and forgets the database and session.
    void clear();

    // Reads the audit records again with the filters shown; problems are shown on the page.
    void refreshAudit();
    // Checks the audit trail's hash chain (AuditTrail::verify) and shows the result.
    void verifyChain();
    // The filters shown, as the core takes them.
    store::AuditFilter auditFilter() const;

    // The Users tab's actions (administrators): a dialog opened (window-modal, deleted when closed) and
    // returned; on success the list is read again. For Reset, the user selected in the list.
    UserAccountDialog* openAddUser();
    UserAccountDialog* openResetPassword();
    // Disables the selected user if active, enables them if not; the result or refusal is shown on the page.
    void toggleSelectedUserActive();
    QString selectedLogin() const;
    // "Replace the recovery key…" (administrators on a database with a key ring: the button is hidden
    // otherwise): a confirmation (window-modal, deleted when closed, returned) saying that the old key stops
    // working and, when the new one waits for it, that it opens health data only after a nurse's next login.
    // Confirmed, replaceRecoveryKey() runs.
    QMessageBox* openReplaceRecoveryKey();
    // Replaces the recovery key through the core (security::Recovery::replaceKey) and shows the new key
    // once in a RecoveryKeyDialog (window-modal, deleted when closed, returned). A refusal is shown in a
    // message box (nullptr returned) and nothing is changed.
    RecoveryKeyDialog* replaceRecoveryKey();

    AuditTableModel* auditModel() const { return m_auditModel; }
    MerchantsPanel* merchantsPanel() const { return m_merchants; }

  private:
    QWidget* buildAuditTab();
    QWidget* buildUsersTab();
    QWidget* buildProgrammeTab();
    void readProgramme();

  public:
    // Saves the programme rules as shown (administrators); problems and conflicts are shown on the tab.
    bool saveProgramme();

  private:
    void readAudit();
    void readUsers();
    // The choices of the login and table filters, keeping what is typed or chosen.
    void fillLoginChoices(const QStringList& logins);
    void fillTableChoices();
    void showVerification(bool ok, const QString& text);
    void showAuditError(const QString& message);

    const store::Database* m_db = nullptr;
    std::optional<Session> m_session;
    bool m_filling = false; // no refresh while the filter choices are being filled
    std::set<QString> m_seenTables;
    bool m_auditColumnsSized = false;

    QTabWidget* m_tabs = nullptr;
    QCheckBox* m_sinceCheck = nullptr;
    QDateEdit* m_since = nullptr;
    QComboBox* m_login = nullptr;
    QComboBox* m_table = nullptr;
    QTableView* m_auditView = nullptr;
    AuditTableModel* m_auditModel = nullptr;
    QLabel* m_auditCount = nullptr;
    QLabel* m_auditError = nullptr;
    QPushButton* m_verifyButton = nullptr;
    QLabel* m_verifyResult = nullptr;
    QTableView* m_usersView = nullptr;
    QStandardItemModel* m_usersModel = nullptr;
    QLabel* m_usersError = nullptr;
    QLabel* m_usersMessage = nullptr;
    QPushButton* m_addUserButton = nullptr;
    QPushButton* m_resetPasswordButton = nullptr;
    QPushButton* m_toggleActiveButton = nullptr;
    QPushButton* m_replaceRecoveryButton = nullptr;
    void updateUserButtons();
    QLineEdit* m_programmeName = nullptr;
    ProgrammeEditor* m_programmeEditor = nullptr;
    QLabel* m_programmeMessage = nullptr;
    MerchantsPanel* m_merchants = nullptr;
};

} // namespace cabas::ui
