#include "UserAccountDialog.h"
#include "Accessibility.h"
#include "PasswordFields.h"
#include "Theme.h"

#include "common/Error.h"
#include "security/AuditTrail.h"
#include "security/UserService.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace cabas::ui {

UserAccountDialog::UserAccountDialog(Mode mode, const store::Database& db, const Session& session,
                                     const QString& login, QWidget* parent)
    : QDialog(parent), m_mode(mode), m_db(db), m_session(session),
      m_login(mode == Mode::ChangeOwn ? session.login() : login)
{
    setObjectName(QStringLiteral("userAccountDialog"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(20, 20, 20, 16);
    layout->setSpacing(12);

    QString explanation;
    switch (mode) {
    case Mode::ChangeOwn:
        setWindowTitle(tr("Change my password"));
        explanation =
            tr("Your password also opens your keys to the encrypted data: changing it re-seals them, "
               "nothing else changes. Backups taken before still open with the old password.");
        break;
    case Mode::Reset:
        setWindowTitle(tr("New password for %1").arg(login));
        explanation = tr("%1 gets new keys with this password and the account is unlocked. Give the password "
                         "to %1 in person; Cabas asks them to change it at their next login. A nurse's "
                         "access to health data comes back at the next login of another nurse.")
                          .arg(login);
        break;
    case Mode::Add:
        setWindowTitle(tr("Add a user"));
        explanation =
            tr("The new user logs in with this first password, then Cabas asks them to choose their "
               "own at once. A nurse's access to health data is opened at the next login of another "
               "nurse.");
        break;
    }
    auto* text = new QLabel(explanation, this);
    text->setObjectName(QStringLiteral("userAccountExplanation"));
    text->setWordWrap(true);
    layout->addWidget(text);

    // A temporary password (changeTemporaryPassword): why the dialog opened by itself.
    m_notice = new QLabel(this);
    m_notice->setObjectName(QStringLiteral("temporaryPasswordNotice"));
    m_notice->setWordWrap(true);
    m_notice->hide();
    layout->addWidget(m_notice);

    m_error = theme::errorBox(this, QStringLiteral("userAccountError"));
    layout->addWidget(m_error);

    auto* form = m_form = new QFormLayout();
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    if (mode == Mode::Add) {
        m_loginEdit = new QLineEdit(this);
        m_loginEdit->setObjectName(QStringLiteral("userLoginEdit"));
        m_loginEdit->setInputMethodHints(Qt::ImhNoAutoUppercase | Qt::ImhNoPredictiveText);
        m_loginEdit->setPlaceholderText(tr("for example amelie.roux"));
        form->addRow(tr("&Login:"), m_loginEdit);
        m_name = new QLineEdit(this);
        m_name->setObjectName(QStringLiteral("userNameEdit"));
        form->addRow(tr("&Name shown:"), m_name);
        m_role = new QComboBox(this);
        m_role->setObjectName(QStringLiteral("userRoleCombo"));
        for (const Role r : {Role::SocialWorker, Role::Nurse, Role::Coordinator, Role::Admin})
            m_role->addItem(displayName(r), int(r));
        form->addRow(tr("&Role:"), m_role);
    }
    if (mode == Mode::ChangeOwn) {
        m_current = new QLineEdit(this);
        m_current->setObjectName(QStringLiteral("currentPasswordEdit"));
        m_current->setEchoMode(QLineEdit::Password);
        form->addRow(tr("&Current password:"), m_current);
    }
    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("newPasswordEdit"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setToolTip(tr("At least 12 characters, of at least three kinds among lower case, upper case, "
                              "digits and other characters."));
    form->addRow(mode == Mode::Add ? tr("First &password:") : tr("New &password:"), m_password);
    m_confirm = new QLineEdit(this);
    m_confirm->setObjectName(QStringLiteral("confirmPasswordEdit"));
    m_confirm->setEchoMode(QLineEdit::Password);
    form->addRow(tr("&Same password again:"), m_confirm);
    layout->addLayout(form);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    QPushButton* ok = m_buttons->button(QDialogButtonBox::Ok);
    ok->setObjectName(QStringLiteral("userAccountOkButton"));
    ok->setText(mode == Mode::Add ? tr("&Add") : tr("&Change the password"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &UserAccountDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &UserAccountDialog::reject);
    layout->addWidget(m_buttons);

    for (QLineEdit* edit : {m_loginEdit, m_name, m_current, m_password, m_confirm})
        if (edit)
            connect(edit, &QLineEdit::textChanged, this, &UserAccountDialog::updateOkButton);
    updateOkButton();
    if (m_loginEdit)
        m_loginEdit->setFocus();
    else if (m_current)
        m_current->setFocus();
    else
        m_password->setFocus();
    a11y::connectLabels(this);
}

bool UserAccountDialog::changeTemporaryPassword(const store::Database& db, Session& session,
                                                const QString& password, QWidget* parent)
{
    UserAccountDialog dialog(Mode::ChangeOwn, db, session, QString(), parent);
    dialog.m_notice->setText(tr("Your password was set by an administrator: it is temporary. Choose your own "
                                "password now to go on; if you cancel, you are logged out."));
    theme::setTone(dialog.m_notice, theme::Tone::Warning);
    dialog.m_notice->show();
    dialog.m_current->setText(password);
    dialog.m_form->setRowVisible(dialog.m_current, false);
    dialog.m_password->setFocus();
    if (dialog.exec() == QDialog::Accepted) {
        session.user.mustChangePassword = false;
        return true;
    }
    try {
        AuditTrail(db).record(session, QStringLiteral("logout"), QStringLiteral("app_user"), session.login(),
                              QStringLiteral("temporary password not changed"));
    } catch (const Error&) {
        // Leaving must not fail because the database went away.
    }
    return false;
}

QString UserAccountDialog::errorMessage() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void UserAccountDialog::setErrorMessage(const QString& message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
    adjustSize();
}

void UserAccountDialog::updateOkButton()
{
    bool ready = !m_password->text().isEmpty() && !m_confirm->text().isEmpty();
    if (m_loginEdit)
        ready = ready && !m_loginEdit->text().trimmed().isEmpty() && !m_name->text().trimmed().isEmpty();
    if (m_current)
        ready = ready && !m_current->text().isEmpty();
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(ready);
}

void UserAccountDialog::accept()
{
    // Argon2id for the password hash and the key slot: a moment.
    const QString refusal = PasswordFields::apply(m_password, m_confirm, [this] {
        const security::UserService users(m_db, m_session);
        switch (m_mode) {
        case Mode::ChangeOwn:
            users.setPassword(m_login, m_password->text(), m_current->text());
            break;
        case Mode::Reset:
            users.setPassword(m_login, m_password->text());
            break;
        case Mode::Add:
            m_login = users
                          .add(m_loginEdit->text().trimmed(), m_name->text().trimmed(),
                               Role(m_role->currentData().toInt()), m_password->text())
                          .login;
            break;
        }
    });
    if (!refusal.isEmpty()) {
        setErrorMessage(refusal);
        return;
    }
    for (QLineEdit* edit : {m_current, m_password, m_confirm})
        if (edit)
            edit->clear();
    setErrorMessage(QString());
    QDialog::accept();
}

} // namespace cabas::ui
