#pragma once

#include <QCoreApplication>
#include <QString>
#include <functional>

class QLineEdit;

namespace cabas::ui {

// What the dialogs that set a password share (UserAccountDialog, AdministratorRecoveryDialog): the password
// and its confirmation must agree (else "The two passwords differ.", the confirmation cleared and focused);
// then `change` runs under the wait cursor (Argon2id takes a moment). Returns the refusal to show: that
// message, an Error's message, or an unexpected exception's; empty when the change was made.
class PasswordFields
{
    Q_DECLARE_TR_FUNCTIONS(PasswordFields)
  public:
    static QString apply(QLineEdit* password, QLineEdit* confirm, const std::function<void()>& change);
};

} // namespace cabas::ui
