#pragma once

#include "security/Session.h"
#include "store/Database.h"

#include <QDialog>
#include <optional>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace cabas::ui {

// Asks who is using Cabas on an open database: login and password, checked by security::Authenticator
// (which audits every attempt and locks an account after repeated failures). The programme's name and the
// database are shown so that the user knows where they log in. A refusal (wrong password, locked or disabled
// account) is shown in the dialog, which stays open with the password cleared; after accept(), session()
// holds who logged in. A user whose password is temporary (Session::mustChangePassword) changes it first
// (UserAccountDialog::changeTemporaryPassword); cancelling that logs them out and the dialog stays open.
// The database must outlive the dialog.
class LoginDialog : public QDialog
{
    Q_OBJECT
  public:
    // done() code of "Another database…" (see setOtherDatabaseButtonVisible).
    static constexpr int OtherDatabase = 2;

    explicit LoginDialog(const store::Database& db, QWidget* parent = nullptr);
    ~LoginDialog() override;

    // A sentence under the heading (why the user is asked); empty hides it.
    void setIntroText(const QString& text);
    void setLogin(const QString& login);
    // The refusal shown above the fields; empty hides it.
    void setErrorMessage(const QString& message);
    QString errorMessage() const;
    // Shows a button that closes the dialog with result OtherDatabase (at start, to choose another
    // database than the remembered one). Hidden by default.
    void setOtherDatabaseButtonVisible(bool visible);

    const std::optional<Session>& session() const { return m_session; }

  public slots:
    // Logs in with the fields: closes with Accepted on success, else shows the refusal and stays open.
    void accept() override;

  private:
    void updateOkButton();
    void recoverAdministrator();

    const store::Database& m_db;
    QLabel* m_intro = nullptr;
    QLabel* m_error = nullptr;
    QLineEdit* m_login = nullptr;
    QLineEdit* m_password = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
    QPushButton* m_otherDatabase = nullptr;
    QPushButton* m_recover = nullptr;
    std::optional<Session> m_session;
};

} // namespace cabas::ui
