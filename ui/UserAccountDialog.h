#pragma once

#include "domain/User.h"
#include "security/Session.h"
#include "store/Database.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;

namespace cabas::ui {

// User accounts from the desktop (security::UserService, which audits and keeps the key slots with the
// passwords, docs/encryption.md):
// - ChangeOwn: the logged-in user changes their own password (the current one is asked for; the key slot is
//   re-wrapped, nothing else re-encrypted);
// - Reset: an administrator sets a new password for `login` (a new key slot; a nurse's health access waits
//   for the next nurse's login);
// - Add: an administrator adds an account (login, name, role, first password).
// A refusal (policy, wrong current password, a login taken...) is shown in the dialog, which stays open;
// nothing was changed then.
class UserAccountDialog : public QDialog
{
    Q_OBJECT
  public:
    enum class Mode
    {
        ChangeOwn,
        Reset,
        Add
    };
    UserAccountDialog(Mode mode, const store::Database& db, const Session& session, const QString& login = {},
                      QWidget* parent = nullptr);

    Mode mode() const { return m_mode; }
    QString errorMessage() const;
    // After accept(): the account's login.
    QString login() const { return m_login; }

    // Right after a login whose password was set by an administrator or a sealing
    // (Session::mustChangePassword): this dialog in ChangeOwn mode, modal, with a line saying that the
    // password must be changed now; the current password is `password`, just typed to log in (not asked
    // again). True once changed (the session's flag is then cleared); false when cancelled, recorded as a
    // logout: the caller goes back to the login.
    static bool changeTemporaryPassword(const store::Database& db, Session& session, const QString& password,
                                        QWidget* parent = nullptr);

  public slots:
    void accept() override;

  private:
    void updateOkButton();
    void setErrorMessage(const QString& message);

    const Mode m_mode;
    const store::Database& m_db;
    const Session m_session;
    QString m_login;
    QLabel* m_notice = nullptr;
    QLabel* m_error = nullptr;
    QFormLayout* m_form = nullptr;
    QLineEdit* m_loginEdit = nullptr;
    QLineEdit* m_name = nullptr;
    QComboBox* m_role = nullptr;
    QLineEdit* m_current = nullptr;
    QLineEdit* m_password = nullptr;
    QLineEdit* m_confirm = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

} // namespace cabas::ui
