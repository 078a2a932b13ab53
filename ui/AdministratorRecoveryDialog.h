#pragma once

#include "store/Database.h"

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace cabas::ui {

// "Every administrator's password is lost": the recovery key printed at init, an administrator's login (a
// new one, or an existing administrator's) and a new password; security::Recovery gives that administrator a
// new password and key slot. Reached from the login dialog. A refusal (wrong key, a login that is not an
// administrator's, a weak password) is shown in the dialog, which stays open; after accept(), login() is the
// administrator who can now log in.
class AdministratorRecoveryDialog : public QDialog
{
    Q_OBJECT
  public:
    explicit AdministratorRecoveryDialog(const store::Database& db, QWidget* parent = nullptr);

    QString login() const { return m_done; }
    QString errorMessage() const;

  public slots:
    void accept() override;

  private:
    void updateOkButton();
    void setErrorMessage(const QString& message);

    const store::Database& m_db;
    QLabel* m_error = nullptr;
    QLineEdit* m_key = nullptr;
    QLineEdit* m_login = nullptr;
    QLineEdit* m_name = nullptr;
    QLineEdit* m_password = nullptr;
    QLineEdit* m_confirm = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
    QString m_done;
};

} // namespace cabas::ui
