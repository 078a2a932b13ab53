#include "FirstRunDialog.h"
#include "Accessibility.h"
#include "RecoveryKeyDialog.h"
#include "Theme.h"

#include "DatabaseSettings.h"
#include "ProgrammeEditor.h"
#include "common/Clock.h"
#include "common/Error.h"
#include "domain/Programme.h"
#include "domain/User.h"
#include "security/Authenticator.h"
#include "security/Passwords.h"
#include "setup/Setup.h"

#include <QApplication>
#include <QButtonGroup>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QScopeGuard>
#include <QSpinBox>
#include <QStackedWidget>
#include <QUrl>
#include <QVBoxLayout>

namespace cabas::ui {

namespace {
QString databaseFilter()
{
    return FirstRunDialog::tr("Cabas databases (*.cabas);;All files (*)");
}

// Adds "caption | field" and, under the field, its message label.
void addRow(QGridLayout* grid, const QString& caption, QWidget* field, QLabel* message)
{
    const int row = grid->rowCount();
    auto* label = new QLabel(caption);
    // A row of several widgets (a path and its Browse button) gives the focus to its first one.
    QWidget* input = field->focusProxy() ? field->focusProxy() : field;
    label->setBuddy(input);
    input->setAccessibleName(QString(caption).remove(QLatin1Char('&')));
    grid->addWidget(label, row, 0, Qt::AlignRight | Qt::AlignVCenter);
    grid->addWidget(field, row, 1);
    if (message)
        grid->addWidget(message, row + 1, 1);
}

// Runs `work` with a wait cursor; a cabas::Error (or any exception) becomes a message for the dialog.
template <typename F> QString runGuarded(F&& work)
{
    QApplication::setOverrideCursor(Qt::WaitCursor);
    const auto restore = qScopeGuard([] { QApplication::restoreOverrideCursor(); });
    try {
        work();
        return QString();
    } catch (const Error& e) {
        return e.message();
    } catch (const std::exception& e) {
        return FirstRunDialog::tr("Unexpected error: %1").arg(QString::fromLocal8Bit(e.what()));
    }
}
} // namespace

FirstRunDialog::FirstRunDialog(QWidget* parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("firstRunDialog"));
    setWindowTitle(tr("Welcome to Cabas"));
    setMinimumWidth(620);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(20, 20, 20, 16);
    layout->setSpacing(12);

    auto* header = new QHBoxLayout();
    header->setSpacing(12);
    auto* icon = new QLabel(this);
    icon->setPixmap(QIcon(QStringLiteral(":/icons/cabas.svg")).pixmap(QSize(40, 40)));
    header->addWidget(icon);
    m_heading = new QLabel(windowTitle(), this);
    m_heading->setObjectName(QStringLiteral("headingLabel"));
    QFont headingFont = m_heading->font();
    if (headingFont.pointSizeF() > 0)
        headingFont.setPointSizeF(headingFont.pointSizeF() * 1.5);
    headingFont.setBold(true);
    m_heading->setFont(headingFont);
    header->addWidget(m_heading, 1);
    layout->addLayout(header);

    m_intro = new QLabel(
        tr("Cabas keeps its data in a database. Create a new one on this computer, open an existing "
           "one, or connect to your organisation's PostgreSQL server."),
        this);
    m_intro->setObjectName(QStringLiteral("introLabel"));
    m_intro->setWordWrap(true);
    layout->addWidget(m_intro);

    m_error = theme::errorBox(this, QStringLiteral("errorLabel"));
    layout->addWidget(m_error);

    m_createRadio = new QRadioButton(tr("&Create a new database on this computer"), this);
    m_createRadio->setObjectName(QStringLiteral("createRadio"));
    m_openRadio = new QRadioButton(tr("&Open an existing database file"), this);
    m_openRadio->setObjectName(QStringLiteral("openRadio"));
    m_postgresRadio = new QRadioButton(tr("Connect to a Post&greSQL database"), this);
    m_postgresRadio->setObjectName(QStringLiteral("postgresRadio"));
    auto* group = new QButtonGroup(this);
    group->addButton(m_createRadio, static_cast<int>(Mode::CreateLocal));
    group->addButton(m_openRadio, static_cast<int>(Mode::OpenLocal));
    group->addButton(m_postgresRadio, static_cast<int>(Mode::ConnectPostgres));
    layout->addWidget(m_createRadio);
    layout->addWidget(m_openRadio);
    layout->addWidget(m_postgresRadio);

    m_pages = new QStackedWidget(this);
    m_pages->setObjectName(QStringLiteral("modePages"));
    m_pages->addWidget(buildCreatePage());
    m_pages->addWidget(buildOpenPage());
    m_pages->addWidget(buildPostgresPage());
    layout->addWidget(m_pages);
    layout->addStretch(1);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->setObjectName(QStringLiteral("buttonBox"));
    m_buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("okButton"));
    m_buttons->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("cancelButton"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &FirstRunDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &FirstRunDialog::reject);
    layout->addWidget(m_buttons);

    connect(group, &QButtonGroup::idToggled, this, [this](int id, bool checked) {
        if (checked)
            setMode(static_cast<Mode>(id));
    });

    // An existing file where a new database would go by default: offer to open it rather than fail to create.
    const QString defaultPath = DatabaseSettings::defaultDatabasePath();
    if (QFileInfo::exists(defaultPath)) {
        m_openPath->setText(defaultPath);
        setMode(Mode::OpenLocal);
    } else {
        m_createPath->setText(defaultPath);
        setMode(Mode::CreateLocal);
    }
    a11y::connectLabels(this);
}

FirstRunDialog::~FirstRunDialog() = default;

void FirstRunDialog::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::WindowTitleChange && m_heading)
        m_heading->setText(windowTitle());
    QDialog::changeEvent(event);
}

QLabel* FirstRunDialog::addMessageLabel(const QString& objectName)
{
    auto* label = new QLabel(this);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    theme::setTone(label, theme::Tone::Error);
    label->hide();
    return label;
}

QLineEdit* FirstRunDialog::addLineEdit(const QString& objectName)
{
    auto* edit = new QLineEdit(this);
    edit->setObjectName(objectName);
    return edit;
}

void FirstRunDialog::showMessage(QLabel* label, const QString& message)
{
    label->setText(message);
    label->setVisible(!message.isEmpty());
}

QWidget* FirstRunDialog::buildCreatePage()
{
    auto* page = new QWidget(this);
    page->setObjectName(QStringLiteral("createPage"));
    auto* grid = new QGridLayout(page);
    grid->setContentsMargins(24, 4, 0, 4);
    grid->setColumnStretch(1, 1);

    m_createPath = addLineEdit(QStringLiteral("createPathEdit"));
    auto* browse = new QPushButton(tr("&Browse…"), this);
    browse->setObjectName(QStringLiteral("createBrowseButton"));
    connect(browse, &QPushButton::clicked, this, &FirstRunDialog::browseCreatePath);
    auto* pathRow = new QWidget(this);
    auto* pathLayout = new QHBoxLayout(pathRow);
    pathLayout->setContentsMargins(0, 0, 0, 0);
    pathLayout->addWidget(m_createPath, 1);
    pathLayout->addWidget(browse);
    pathRow->setFocusProxy(m_createPath);
    m_createPathMessage = addMessageLabel(QStringLiteral("createPathMessage"));
    addRow(grid, tr("&Database file"), pathRow, m_createPathMessage);

    m_programmeName = addLineEdit(QStringLiteral("programmeNameEdit"));
    m_programmeName->setPlaceholderText(tr("e.g. Healthy food for all, phase 2"));
    m_programmeNameMessage = addMessageLabel(QStringLiteral("programmeNameMessage"));
    addRow(grid, tr("Programme &name"), m_programmeName, m_programmeNameMessage);

    m_adminLogin = addLineEdit(QStringLiteral("adminLoginEdit"));
    m_adminLogin->setText(QStringLiteral("admin"));
    m_adminLoginMessage = addMessageLabel(QStringLiteral("adminLoginMessage"));
    addRow(grid, tr("Administrator &login"), m_adminLogin, m_adminLoginMessage);

    m_password = addLineEdit(QStringLiteral("passwordEdit"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("At least 12 characters"));
    m_passwordMessage = addMessageLabel(QStringLiteral("passwordMessage"));
    addRow(grid, tr("&Password"), m_password, m_passwordMessage);

    m_passwordConfirm = addLineEdit(QStringLiteral("passwordConfirmEdit"));
    m_passwordConfirm->setEchoMode(QLineEdit::Password);
    m_passwordConfirmMessage = addMessageLabel(QStringLiteral("passwordConfirmMessage"));
    addRow(grid, tr("Con&firm the password"), m_passwordConfirm, m_passwordConfirmMessage);

    // Sealed by default (docs/encryption.md): names, birth dates, addresses, notes and health data encrypted
    // in the file. Unticked, they stay in clear (a copy of the file gives them away); sealing later is
    // possible.
    m_sealFields = new QCheckBox(tr("&Encrypt names, birth dates, addresses, notes and health data in the "
                                    "database (recommended)"),
                                 this);
    m_sealFields->setObjectName(QStringLiteral("sealFieldsCheck"));
    m_sealFields->setChecked(true);
    m_sealFields->setAccessibleName(
        tr("Encrypt names, birth dates, addresses, notes and health data in the database"));
    grid->addWidget(m_sealFields, grid->rowCount(), 1);

    // The programme's rules: the defaults (40 and 20 EUR, waves M0 to M18 ...) until the administrator opens
    // them.
    m_programmeToggle = new QPushButton(tr("Programme &rules: allowance, bonus, follow-up waves…"), this);
    m_programmeToggle->setObjectName(QStringLiteral("programmeRulesButton"));
    m_programmeToggle->setCheckable(true);
    m_programmeToggle->setFlat(true);
    m_programmeToggle->setStyleSheet(QStringLiteral("text-align: left;"));
    grid->addWidget(m_programmeToggle, grid->rowCount(), 0, 1, 2);
    m_programmeEditor = new ProgrammeEditor(this);
    m_programmeEditor->setProgramme(Programme::defaults(Clock::instance().today()));
    m_programmeEditor->hide();
    grid->addWidget(m_programmeEditor, grid->rowCount(), 0, 1, 2);
    connect(m_programmeToggle, &QPushButton::toggled, this, [this](bool open) {
        m_programmeEditor->setVisible(open);
        growToFit();
    });

    grid->setRowStretch(grid->rowCount(), 1);
    connect(m_password, &QLineEdit::textChanged, this, &FirstRunDialog::updatePasswordHints);
    connect(m_passwordConfirm, &QLineEdit::textChanged, this, &FirstRunDialog::updatePasswordHints);
    return page;
}

QWidget* FirstRunDialog::buildOpenPage()
{
    auto* page = new QWidget(this);
    page->setObjectName(QStringLiteral("openPage"));
    auto* grid = new QGridLayout(page);
    grid->setContentsMargins(24, 4, 0, 4);
    grid->setColumnStretch(1, 1);

    m_openPath = addLineEdit(QStringLiteral("openPathEdit"));
    auto* browse = new QPushButton(tr("&Browse…"), this);
    browse->setObjectName(QStringLiteral("openBrowseButton"));
    connect(browse, &QPushButton::clicked, this, &FirstRunDialog::browseOpenPath);
    auto* pathRow = new QWidget(this);
    auto* pathLayout = new QHBoxLayout(pathRow);
    pathLayout->setContentsMargins(0, 0, 0, 0);
    pathLayout->addWidget(m_openPath, 1);
    pathLayout->addWidget(browse);
    pathRow->setFocusProxy(m_openPath);
    m_openPathMessage = addMessageLabel(QStringLiteral("openPathMessage"));
    addRow(grid, tr("&Database file"), pathRow, m_openPathMessage);
    grid->setRowStretch(grid->rowCount(), 1);
    return page;
}

QWidget* FirstRunDialog::buildPostgresPage()
{
    auto* page = new QWidget(this);
    page->setObjectName(QStringLiteral("postgresPage"));
    auto* grid = new QGridLayout(page);
    grid->setContentsMargins(24, 4, 0, 4);
    grid->setColumnStretch(1, 1);

    m_pgHost = addLineEdit(QStringLiteral("pgHostEdit"));
    m_pgHost->setText(QStringLiteral("localhost"));
    addRow(grid, tr("&Server"), m_pgHost, nullptr);
    m_pgPort = new QSpinBox(this);
    m_pgPort->setObjectName(QStringLiteral("pgPortSpin"));
    m_pgPort->setRange(1, 65535);
    m_pgPort->setValue(5432);
    addRow(grid, tr("Po&rt"), m_pgPort, nullptr);
    m_pgDatabase = addLineEdit(QStringLiteral("pgDatabaseEdit"));
    m_pgDatabase->setText(QStringLiteral("cabas"));
    addRow(grid, tr("&Database"), m_pgDatabase, nullptr);
    m_pgUser = addLineEdit(QStringLiteral("pgUserEdit"));
    addRow(grid, tr("&User"), m_pgUser, nullptr);
    m_pgPassword = addLineEdit(QStringLiteral("pgPasswordEdit"));
    m_pgPassword->setEchoMode(QLineEdit::Password);
    m_pgPassword->setPlaceholderText(tr("Empty: taken from PGPASSWORD or ~/.pgpass"));
    addRow(grid, tr("&Password"), m_pgPassword, nullptr);
    m_pgMessage = addMessageLabel(QStringLiteral("pgMessage"));
    grid->addWidget(m_pgMessage, grid->rowCount(), 1);
    auto* note = new QLabel(tr("The password is never saved by Cabas. The database must already have been "
                               "prepared with \"cabas-cli init\"."),
                            this);
    note->setWordWrap(true);
    note->setEnabled(false);
    grid->addWidget(note, grid->rowCount(), 1);
    grid->setRowStretch(grid->rowCount(), 1);
    return page;
}

void FirstRunDialog::setMode(Mode mode)
{
    const int index = static_cast<int>(mode);
    m_pages->setCurrentIndex(index);
    QRadioButton* radio = mode == Mode::CreateLocal ? m_createRadio
                          : mode == Mode::OpenLocal ? m_openRadio
                                                    : m_postgresRadio;
    if (!radio->isChecked())
        radio->setChecked(true);
    updateOkButton();
}

FirstRunDialog::Mode FirstRunDialog::mode() const
{
    return static_cast<Mode>(m_pages->currentIndex());
}

void FirstRunDialog::setIntroText(const QString& text)
{
    m_intro->setText(text);
}

void FirstRunDialog::setErrorMessage(const QString& message)
{
    showMessage(m_error, message);
    growToFit();
}

void FirstRunDialog::growToFit()
{
    // Messages appear under the fields: make room for them rather than squeeze them.
    layout()->activate();
    const int needed = layout()->totalHeightForWidth(width());
    const int height = needed > 0 ? needed : sizeHint().height();
    if (height > this->height())
        resize(width(), height);
}

QString FirstRunDialog::errorMessage() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void FirstRunDialog::prefill(const store::DatabaseSpec& spec)
{
    if (spec.backend == store::Backend::Sqlite) {
        m_openPath->setText(spec.path);
        setMode(Mode::OpenLocal);
        return;
    }
    m_pgHost->setText(spec.host);
    m_pgPort->setValue(spec.port);
    m_pgDatabase->setText(spec.databaseName);
    m_pgUser->setText(spec.user);
    m_pgPassword->clear();
    setMode(Mode::ConnectPostgres);
    m_pgPassword->setFocus();
}

std::unique_ptr<store::Database> FirstRunDialog::takeDatabase()
{
    return std::move(m_database);
}

std::optional<Session> FirstRunDialog::takeSession()
{
    return std::exchange(m_session, std::nullopt);
}

void FirstRunDialog::updateOkButton()
{
    QPushButton* ok = m_buttons->button(QDialogButtonBox::Ok);
    switch (mode()) {
    case Mode::CreateLocal:
        ok->setText(tr("Create"));
        break;
    case Mode::OpenLocal:
        ok->setText(tr("Open"));
        break;
    case Mode::ConnectPostgres:
        ok->setText(tr("Connect"));
        break;
    }
}

void FirstRunDialog::updatePasswordHints()
{
    const QString password = m_password->text();
    showMessage(m_passwordMessage,
                password.isEmpty() ? QString()
                                   : security::Passwords::policyProblems(password).join(QLatin1Char('\n')));
    const QString confirm = m_passwordConfirm->text();
    if (confirm.isEmpty() || confirm == password)
        showMessage(m_passwordConfirmMessage, QString());
    growToFit();
}

void FirstRunDialog::browseCreatePath()
{
    const QString path =
        QFileDialog::getSaveFileName(this, tr("New Cabas database"), m_createPath->text(), databaseFilter());
    if (path.isEmpty())
        return;
    const QFileInfo info(path);
    m_createPath->setText(info.suffix().isEmpty() ? path + QStringLiteral(".cabas") : path);
}

void FirstRunDialog::browseOpenPath()
{
    const QString start =
        m_openPath->text().isEmpty() ? DatabaseSettings::defaultDatabasePath() : m_openPath->text();
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open a Cabas database"), start, databaseFilter());
    if (!path.isEmpty())
        m_openPath->setText(path);
}

bool FirstRunDialog::validateCreate()
{
    bool ok = true;
    const QString path = m_createPath->text().trimmed();
    QString pathProblem;
    if (path.isEmpty())
        pathProblem = tr("Choose where to save the new database.");
    else if (path.contains(QLatin1String("://")))
        pathProblem = tr("Give a file path: a PostgreSQL database is prepared with \"cabas-cli init\".");
    else if (QFileInfo::exists(path))
        pathProblem = tr("This file already exists: choose another name, or open it instead.");
    showMessage(m_createPathMessage, pathProblem);
    ok = ok && pathProblem.isEmpty();

    const QString name = m_programmeName->text().trimmed();
    showMessage(m_programmeNameMessage, name.isEmpty() ? tr("Give the programme a name.") : QString());
    ok = ok && !name.isEmpty();
    if (!m_programmeEditor->check(name)) {
        m_programmeToggle->setChecked(true);
        ok = false;
    }

    User admin;
    admin.login = m_adminLogin->text().trimmed().toLower();
    admin.displayName = admin.login;
    const QString loginProblem = admin.login.isEmpty() ? tr("Choose the administrator's login.")
                                                       : admin.validate().join(QLatin1Char('\n'));
    showMessage(m_adminLoginMessage, loginProblem);
    ok = ok && loginProblem.isEmpty();

    const QString password = m_password->text();
    const QString passwordProblem =
        password.isEmpty() ? tr("Choose the administrator's password.")
                           : security::Passwords::policyProblems(password).join(QLatin1Char('\n'));
    showMessage(m_passwordMessage, passwordProblem);
    ok = ok && passwordProblem.isEmpty();

    const bool same = m_passwordConfirm->text() == password;
    showMessage(m_passwordConfirmMessage, same ? QString() : tr("The two passwords differ."));
    return ok && same;
}

bool FirstRunDialog::validateOpen()
{
    const QString path = m_openPath->text().trimmed();
    QString problem;
    if (path.isEmpty())
        problem = tr("Choose the database file to open.");
    else if (!path.contains(QLatin1String("://")) && !QFileInfo::exists(path))
        problem = tr("There is no file here.");
    showMessage(m_openPathMessage, problem);
    return problem.isEmpty();
}

bool FirstRunDialog::validatePostgres()
{
    QStringList problems;
    if (m_pgHost->text().trimmed().isEmpty())
        problems << tr("Give the server's name or address.");
    if (m_pgDatabase->text().trimmed().isEmpty())
        problems << tr("Give the name of the database.");
    showMessage(m_pgMessage, problems.join(QLatin1Char('\n')));
    return problems.isEmpty();
}

void FirstRunDialog::accept()
{
    // Field problems first; the message at the top (such as why the last database did not open) stays until
    // the next real attempt.
    const bool valid = mode() == Mode::CreateLocal ? validateCreate()
                       : mode() == Mode::OpenLocal ? validateOpen()
                                                   : validatePostgres();
    if (!valid) {
        growToFit();
        return;
    }
    setErrorMessage(QString());
    m_session.reset();
    QString error;
    switch (mode()) {
    case Mode::CreateLocal:
        error = runGuarded([this] { doCreate(); });
        break;
    case Mode::OpenLocal:
        error = runGuarded([this] { doOpen(); });
        break;
    case Mode::ConnectPostgres:
        error = runGuarded([this] { doConnect(); });
        break;
    }
    if (!error.isEmpty() || !m_database) {
        m_database.reset();
        setErrorMessage(error.isEmpty() ? tr("The database could not be opened.") : error);
        growToFit();
        return;
    }
    if (!m_recoveryKey.isEmpty()) {
        // A new database: its recovery key is shown once, and must be written down before going on.
        RecoveryKeyDialog keyDialog(m_recoveryKey, this);
        m_recoveryKey.clear();
        keyDialog.exec();
    }
    QDialog::accept();
}

void FirstRunDialog::doCreate()
{
    InitRequest request;
    request.spec = store::DatabaseSpec::parse(m_createPath->text().trimmed());
    request.adminLogin = m_adminLogin->text().trimmed().toLower();
    request.adminPassword = m_password->text();
    Programme programme = m_programmeEditor->programme();
    programme.name = m_programmeName->text().trimmed();
    request.programme = programme;
    request.sealFields = m_sealFields->isChecked();
    m_database = Setup::initDatabase(request, &m_recoveryKey);
    // The new administrator is logged in at once (an audited login like any other): the dialog was just given
    // the password. Should that fail, the database is still there and the login dialog follows.
    try {
        m_session = security::Authenticator(*m_database).login(request.adminLogin, request.adminPassword);
    } catch (const Error&) {
        m_session.reset();
    }
    m_password->clear();
    m_passwordConfirm->clear();
}

void FirstRunDialog::doOpen()
{
    m_database = store::Database::open(store::DatabaseSpec::parse(m_openPath->text().trimmed()));
}

void FirstRunDialog::doConnect()
{
    QUrl url;
    url.setScheme(QStringLiteral("postgresql"));
    url.setHost(m_pgHost->text().trimmed());
    url.setPort(m_pgPort->value());
    if (!m_pgUser->text().trimmed().isEmpty())
        url.setUserName(m_pgUser->text().trimmed());
    url.setPath(QLatin1Char('/') + m_pgDatabase->text().trimmed());
    // Without a typed password, parse() takes it from PGPASSWORD or the password file.
    store::DatabaseSpec spec = store::DatabaseSpec::parse(url.toString(QUrl::FullyEncoded));
    if (!m_pgPassword->text().isEmpty())
        spec.password = m_pgPassword->text();
    m_database = store::Database::open(spec);
}

} // namespace cabas::ui
