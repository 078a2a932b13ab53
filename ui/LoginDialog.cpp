#include "LoginDialog.h"
#include "Accessibility.h"
#include "AdministratorRecoveryDialog.h"
#include "Theme.h"
#include "UserAccountDialog.h"

#include "common/Error.h"
#include "security/Authenticator.h"
#include "store/KeySlotRepository.h"
#include "store/ProgrammeRepository.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScopeGuard>
#include <QVBoxLayout>

namespace cabas::ui {

LoginDialog::LoginDialog(const store::Database& db, QWidget* parent) : QDialog(parent), m_db(db)
{
    setObjectName(QStringLiteral("loginDialog"));
    setWindowTitle(tr("Log in to Cabas"));
    setMinimumWidth(460);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(20, 20, 20, 16);
    layout->setSpacing(12);

    // Where the user logs in: the programme and its database.
    QString programmeName;
    try {
        if (const auto programme = store::ProgrammeRepository(db).load())
            programmeName = programme->name;
    } catch (const Error&) {
        // Logging in will say what is wrong with the database.
    }
    auto* header = new QHBoxLayout();
    header->setSpacing(12);
    auto* icon = new QLabel(this);
    icon->setPixmap(QIcon(QStringLiteral(":/icons/cabas.svg")).pixmap(QSize(40, 40)));
    header->addWidget(icon, 0, Qt::AlignTop);
    auto* where = new QVBoxLayout();
    where->setSpacing(2);
    auto* programme = new QLabel(programmeName.isEmpty() ? QStringLiteral("Cabas") : programmeName, this);
    programme->setObjectName(QStringLiteral("programmeLabel"));
    programme->setWordWrap(true);
    QFont headingFont = programme->font();
    if (headingFont.pointSizeF() > 0)
        headingFont.setPointSizeF(headingFont.pointSizeF() * 1.4);
    headingFont.setBold(true);
    programme->setFont(headingFont);
    where->addWidget(programme);
    // displayName() never contains a password.
    const QString location = db.spec().displayName();
    auto* database =
        new QLabel(db.backend() == store::Backend::Postgres ? tr("PostgreSQL database: %1").arg(location)
                                                            : tr("Database: %1").arg(location),
                   this);
    database->setObjectName(QStringLiteral("databaseLabel"));
    database->setWordWrap(true);
    database->setTextInteractionFlags(Qt::TextSelectableByMouse);
    theme::setTone(database, theme::Tone::Muted);
    where->addWidget(database);
    header->addLayout(where, 1);
    layout->addLayout(header);

    m_intro = new QLabel(this);
    m_intro->setObjectName(QStringLiteral("loginIntro"));
    m_intro->setWordWrap(true);
    m_intro->hide();
    layout->addWidget(m_intro);

    m_error = theme::errorBox(this, QStringLiteral("loginError"));
    layout->addWidget(m_error);

    auto* form = new QFormLayout();
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_login = new QLineEdit(this);
    m_login->setObjectName(QStringLiteral("loginEdit"));
    m_login->setInputMethodHints(Qt::ImhNoAutoUppercase | Qt::ImhNoPredictiveText);
    form->addRow(tr("&Login:"), m_login);
    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("passwordEdit"));
    m_password->setEchoMode(QLineEdit::Password);
    form->addRow(tr("&Password:"), m_password);
    layout->addLayout(form);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    QPushButton* ok = m_buttons->button(QDialogButtonBox::Ok);
    ok->setObjectName(QStringLiteral("loginButton"));
    ok->setText(tr("Log &in"));
    m_buttons->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("cancelButton"));
    m_otherDatabase = m_buttons->addButton(tr("Another &database…"), QDialogButtonBox::ResetRole);
    m_otherDatabase->setObjectName(QStringLiteral("otherDatabaseButton"));
    connect(m_otherDatabase, &QPushButton::clicked, this, [this] { done(OtherDatabase); });
    // Every administrator's password lost: the recovery key (only a database with a key ring has one).
    bool keyRing = false;
    try {
        keyRing = store::KeySlotRepository(db).header().has_value();
    } catch (const Error&) {
        // An older or damaged database: logging in will say what is wrong.
    }
    m_recover = m_buttons->addButton(tr("&Recovery key…"), QDialogButtonBox::HelpRole);
    m_recover->setObjectName(QStringLiteral("recoveryButton"));
    m_recover->setToolTip(tr("Every administrator's password is lost: give an administrator a new password "
                             "with the recovery key written down when the database was created."));
    m_recover->setAutoDefault(false);
    // Visibility after every button is in the box (adding one shows the others again).
    m_otherDatabase->hide();
    m_recover->setVisible(keyRing);
    connect(m_recover, &QPushButton::clicked, this, &LoginDialog::recoverAdministrator);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &LoginDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &LoginDialog::reject);
    layout->addWidget(m_buttons);

    connect(m_login, &QLineEdit::textChanged, this, &LoginDialog::updateOkButton);
    connect(m_password, &QLineEdit::textChanged, this, &LoginDialog::updateOkButton);
    updateOkButton();
    m_login->setFocus();
    a11y::connectLabels(this);
}

LoginDialog::~LoginDialog() = default;

void LoginDialog::recoverAdministrator()
{
    AdministratorRecoveryDialog dialog(m_db, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    setErrorMessage(QString());
    setIntroText(tr("Administrator %1 has a new password: log in with it.").arg(dialog.login()));
    setLogin(dialog.login());
}

void LoginDialog::setIntroText(const QString& text)
{
    m_intro->setText(text);
    m_intro->setVisible(!text.isEmpty());
    adjustSize();
}

void LoginDialog::setLogin(const QString& login)
{
    m_login->setText(login);
    (login.isEmpty() ? m_login : m_password)->setFocus();
}

void LoginDialog::setErrorMessage(const QString& message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
    adjustSize();
}

QString LoginDialog::errorMessage() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void LoginDialog::setOtherDatabaseButtonVisible(bool visible)
{
    m_otherDatabase->setVisible(visible);
}

void LoginDialog::updateOkButton()
{
    m_buttons->button(QDialogButtonBox::Ok)
        ->setEnabled(!m_login->text().trimmed().isEmpty() && !m_password->text().isEmpty());
}

void LoginDialog::accept()
{
    const QString login = m_login->text().trimmed();
    if (login.isEmpty() || m_password->text().isEmpty()) {
        setErrorMessage(tr("Enter your login and your password."));
        (login.isEmpty() ? m_login : m_password)->setFocus();
        return;
    }
    m_session.reset();
    QString refusal;
    {
        // Checking a password takes a moment (Argon2id).
        QApplication::setOverrideCursor(Qt::WaitCursor);
        const auto restore = qScopeGuard([] { QApplication::restoreOverrideCursor(); });
        try {
            m_session = security::Authenticator(m_db).login(login, m_password->text());
        } catch (const Error& e) {
            refusal = e.message();
        } catch (const std::exception& e) {
            refusal = tr("Unexpected error: %1").arg(QString::fromLocal8Bit(e.what()));
        }
    }
    const QString password = m_password->text();
    m_password->clear();
    if (!m_session) {
        setErrorMessage(refusal);
        m_password->setFocus();
        return;
    }
    // A password set by an administrator (or a sealing) is changed before anything opens; cancelling logs
    // out, back here.
    if (m_session->mustChangePassword() &&
        !UserAccountDialog::changeTemporaryPassword(m_db, *m_session, password, this)) {
        m_session.reset();
        setErrorMessage(tr("Your password was not changed, so you are logged out. Log in again to choose "
                           "your own password."));
        m_password->setFocus();
        return;
    }
    setErrorMessage(QString());
    QDialog::accept();
}

} // namespace cabas::ui
