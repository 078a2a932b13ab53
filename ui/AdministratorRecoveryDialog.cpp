#include "AdministratorRecoveryDialog.h"
#include "Accessibility.h"
#include "PasswordFields.h"
#include "Theme.h"

#include "security/Recovery.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFontMetrics>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace cabas::ui {

AdministratorRecoveryDialog::AdministratorRecoveryDialog(const store::Database& db, QWidget* parent)
    : QDialog(parent), m_db(db)
{
    setObjectName(QStringLiteral("administratorRecoveryDialog"));
    setWindowTitle(tr("Recover the administration"));
    // No fixed minimum width: the layout's, set by the recovery key field, so that the key is never cut.

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(20, 20, 20, 16);
    layout->setSpacing(12);

    auto* explanation = new QLabel(
        tr("When every administrator's password is lost, the recovery key written down when the database was "
           "created gives an administrator a new password: a new administrator, or an existing "
           "administrator's login (the account is also unlocked and enabled). It is recorded in the audit "
           "trail."),
        this);
    explanation->setObjectName(QStringLiteral("recoveryExplanation"));
    explanation->setWordWrap(true);
    layout->addWidget(explanation);

    m_error = theme::errorBox(this, QStringLiteral("recoveryError"));
    layout->addWidget(m_error);

    auto* form = new QFormLayout();
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_key = new QLineEdit(this);
    m_key->setObjectName(QStringLiteral("recoveryKeyEdit"));
    m_key->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    const QString keyShape = QStringLiteral("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX");
    m_key->setPlaceholderText(keyShape);
    // The whole key visible, with room for the spaces some people type.
    m_key->setMinimumWidth(QFontMetrics(m_key->font()).horizontalAdvance(keyShape + QStringLiteral("XXXX")) +
                           16);
    m_key->setInputMethodHints(Qt::ImhNoPredictiveText | Qt::ImhPreferUppercase);
    form->addRow(tr("&Recovery key:"), m_key);
    m_login = new QLineEdit(this);
    m_login->setObjectName(QStringLiteral("recoveryLoginEdit"));
    m_login->setInputMethodHints(Qt::ImhNoAutoUppercase | Qt::ImhNoPredictiveText);
    form->addRow(tr("Administrator's &login:"), m_login);
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("recoveryNameEdit"));
    m_name->setPlaceholderText(tr("for a new administrator"));
    form->addRow(tr("&Name shown:"), m_name);
    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("recoveryPasswordEdit"));
    m_password->setEchoMode(QLineEdit::Password);
    form->addRow(tr("New &password:"), m_password);
    m_confirm = new QLineEdit(this);
    m_confirm->setObjectName(QStringLiteral("recoveryConfirmEdit"));
    m_confirm->setEchoMode(QLineEdit::Password);
    form->addRow(tr("&Same password again:"), m_confirm);
    layout->addLayout(form);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("recoverButton"));
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Recover"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &AdministratorRecoveryDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &AdministratorRecoveryDialog::reject);
    layout->addWidget(m_buttons);

    for (QLineEdit* edit : {m_key, m_login, m_password, m_confirm})
        connect(edit, &QLineEdit::textChanged, this, &AdministratorRecoveryDialog::updateOkButton);
    updateOkButton();
    m_key->setFocus();
    a11y::connectLabels(this);
}

QString AdministratorRecoveryDialog::errorMessage() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void AdministratorRecoveryDialog::setErrorMessage(const QString& message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
    adjustSize();
}

void AdministratorRecoveryDialog::updateOkButton()
{
    m_buttons->button(QDialogButtonBox::Ok)
        ->setEnabled(!m_key->text().trimmed().isEmpty() && !m_login->text().trimmed().isEmpty() &&
                     !m_password->text().isEmpty() && !m_confirm->text().isEmpty());
}

void AdministratorRecoveryDialog::accept()
{
    // Argon2id for the password hash and the key slot: a moment.
    const QString refusal = PasswordFields::apply(m_password, m_confirm, [this] {
        m_done = security::Recovery::restoreAdministrator(m_db, m_key->text(), m_login->text(),
                                                          m_name->text(), m_password->text())
                     .user.login;
    });
    if (!refusal.isEmpty()) {
        m_done.clear();
        setErrorMessage(refusal);
        return;
    }
    m_password->clear();
    m_confirm->clear();
    m_key->clear();
    setErrorMessage(QString());
    QDialog::accept();
}

} // namespace cabas::ui
