#include "AdministrationPage.h"
#include "Accessibility.h"
#include "Theme.h"

#include "AuditTableModel.h"
#include "ProgrammeEditor.h"
#include "RecoveryKeyDialog.h"
#include "UserAccountDialog.h"
#include "common/Clock.h"
#include "common/Error.h"
#include "ledger/MerchantsPanel.h"
#include "security/AuditTrail.h"
#include "security/KeyRing.h"
#include "security/Recovery.h"
#include "security/UserService.h"
#include "services/ProgrammeService.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIcon>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QScopeGuard>
#include <QScrollArea>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <set>

namespace cabas::ui {

namespace {
const QString kAuditTable = QStringLiteral("audit_log");

// The tables offered in the filter before any record names them.
const char* const kKnownTables[] = {"app_user",        "audit_log",       "card",
                                    "checkup",         "consent",         "household",
                                    "person",          "programme",       "diet_questionnaire",
                                    "prevention_step", "support_session", "merchant_approval"};

QLabel* makeHeading(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    QFont f = label->font();
    if (f.pointSizeF() > 0)
        f.setPointSizeF(f.pointSizeF() * 1.6);
    f.setBold(true);
    label->setFont(f);
    return label;
}

void setUpTable(QTableView* view)
{
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 10);
    view->horizontalHeader()->setHighlightSections(false);
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
}

// Runs `work` with a wait cursor.
template <typename F> void busy(F&& work)
{
    QApplication::setOverrideCursor(Qt::WaitCursor);
    const auto restore = qScopeGuard([] { QApplication::restoreOverrideCursor(); });
    work();
}
} // namespace

AdministrationPage::AdministrationPage(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("administrationPage"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(28, 24, 28, 20);
    layout->setSpacing(10);

    auto* header = new QHBoxLayout();
    header->setSpacing(12);
    auto* icon = new QLabel(this);
    icon->setPixmap(QIcon(QStringLiteral(":/icons/administration.svg")).pixmap(QSize(36, 36)));
    header->addWidget(icon);
    header->addWidget(makeHeading(tr("Administration"), this));
    header->addStretch(1);
    layout->addLayout(header);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("administrationTabs"));
    m_tabs->addTab(buildAuditTab(), tr("Audit trail"));
    m_tabs->addTab(buildUsersTab(), tr("Users"));
    m_tabs->addTab(buildProgrammeTab(), tr("Programme"));
    m_merchants = new MerchantsPanel(this);
    m_tabs->addTab(m_merchants, tr("Merchants"));
    layout->addWidget(m_tabs, 1);
    a11y::connectLabels(this);
}

QWidget* AdministrationPage::buildAuditTab()
{
    auto* tab = new QWidget(this);
    tab->setObjectName(QStringLiteral("auditTab"));
    auto* layout = new QVBoxLayout(tab);
    layout->setContentsMargins(12, 12, 12, 10);
    layout->setSpacing(8);

    auto* note =
        new QLabel(tr("Every login, every change and every refused action, newest first. The records "
                      "are chained by their hashes: any record changed, removed or added outside "
                      "Cabas breaks the chain."),
                   tab);
    note->setWordWrap(true);
    layout->addWidget(note);

    auto* filters = new QHBoxLayout();
    filters->setSpacing(8);
    m_sinceCheck = new QCheckBox(tr("&Since"), tab);
    m_sinceCheck->setObjectName(QStringLiteral("auditSinceCheck"));
    filters->addWidget(m_sinceCheck);
    m_since = new QDateEdit(tab);
    m_since->setObjectName(QStringLiteral("auditSince"));
    m_since->setCalendarPopup(true);
    m_since->setDisplayFormat(QLocale().dateFormat(QLocale::ShortFormat));
    m_since->setDate(Clock::instance().today().addDays(-7));
    m_since->setEnabled(false);
    m_since->setAccessibleName(tr("Since date"));
    filters->addWidget(m_since);
    filters->addSpacing(12);

    auto* loginLabel = new QLabel(tr("&User:"), tab);
    filters->addWidget(loginLabel);
    m_login = new QComboBox(tab);
    m_login->setObjectName(QStringLiteral("auditLogin"));
    m_login->setEditable(true);
    m_login->setInsertPolicy(QComboBox::NoInsert);
    m_login->setMinimumContentsLength(14);
    m_login->lineEdit()->setPlaceholderText(tr("All users"));
    loginLabel->setBuddy(m_login);
    a11y::markSearchField(m_login, tr("Filter by user"));
    filters->addWidget(m_login);
    filters->addSpacing(12);

    auto* tableLabel = new QLabel(tr("&Table:"), tab);
    filters->addWidget(tableLabel);
    m_table = new QComboBox(tab);
    m_table->setObjectName(QStringLiteral("auditTable"));
    m_table->setEditable(true);
    m_table->setInsertPolicy(QComboBox::NoInsert);
    m_table->setMinimumContentsLength(14);
    m_table->lineEdit()->setPlaceholderText(tr("All tables"));
    tableLabel->setBuddy(m_table);
    filters->addWidget(m_table);
    filters->addStretch(1);

    auto* refresh = new QPushButton(tr("&Refresh"), tab);
    refresh->setObjectName(QStringLiteral("auditRefreshButton"));
    filters->addWidget(refresh);
    layout->addLayout(filters);

    m_auditError = new QLabel(tab);
    m_auditError->setObjectName(QStringLiteral("auditError"));
    m_auditError->setWordWrap(true);
    theme::setTone(m_auditError, theme::Tone::Error);
    m_auditError->hide();
    layout->addWidget(m_auditError);

    m_auditModel = new AuditTableModel(this);
    m_auditModel->setObjectName(QStringLiteral("auditModel"));
    m_auditView = new QTableView(tab);
    m_auditView->setTabKeyNavigation(false); // Tab leaves the list; the arrows move in it
    m_auditView->setAccessibleName(tr("Audit trail"));
    m_auditView->setObjectName(QStringLiteral("auditView"));
    m_auditView->setModel(m_auditModel);
    setUpTable(m_auditView);
    layout->addWidget(m_auditView, 1);

    auto* footer = new QHBoxLayout();
    footer->setSpacing(10);
    m_verifyButton = new QPushButton(tr("&Verify the chain"), tab);
    m_verifyButton->setObjectName(QStringLiteral("auditVerifyButton"));
    m_verifyButton->setToolTip(tr("Recompute every record's hash and check that the chain is complete."));
    m_verifyButton->setSizePolicy(QSizePolicy::Maximum, QSizePolicy::Fixed);
    footer->addWidget(m_verifyButton, 0, Qt::AlignTop);
    m_verifyResult = new QLabel(tab);
    m_verifyResult->setObjectName(QStringLiteral("auditVerifyResult"));
    m_verifyResult->setWordWrap(true);
    m_verifyResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_verifyResult->hide();
    footer->addWidget(m_verifyResult, 1);
    m_auditCount = new QLabel(tab);
    m_auditCount->setObjectName(QStringLiteral("auditCountLabel"));
    footer->addWidget(m_auditCount, 0, Qt::AlignTop | Qt::AlignRight);
    layout->addLayout(footer);

    connect(m_sinceCheck, &QCheckBox::toggled, this, [this](bool on) {
        m_since->setEnabled(on);
        refreshAudit();
    });
    connect(m_since, &QDateEdit::dateChanged, this, [this] {
        if (m_sinceCheck->isChecked())
            refreshAudit();
    });
    for (QComboBox* combo : {m_login, m_table}) {
        connect(combo, &QComboBox::currentIndexChanged, this, [this] {
            if (!m_filling)
                refreshAudit();
        });
        connect(combo->lineEdit(), &QLineEdit::returnPressed, this, &AdministrationPage::refreshAudit);
    }
    connect(refresh, &QPushButton::clicked, this, &AdministrationPage::refreshAudit);
    connect(m_verifyButton, &QPushButton::clicked, this, &AdministrationPage::verifyChain);
    return tab;
}

QWidget* AdministrationPage::buildUsersTab()
{
    auto* tab = new QWidget(this);
    tab->setObjectName(QStringLiteral("usersTab"));
    auto* layout = new QVBoxLayout(tab);
    layout->setContentsMargins(12, 12, 12, 10);
    layout->setSpacing(8);

    auto* note =
        new QLabel(tr("The user accounts of this database. A disabled account keeps its history and can be "
                      "enabled again; every change is recorded in the audit trail."),
                   tab);
    note->setWordWrap(true);
    layout->addWidget(note);

    m_usersError = new QLabel(tab);
    m_usersError->setObjectName(QStringLiteral("usersError"));
    m_usersError->setWordWrap(true);
    theme::setTone(m_usersError, theme::Tone::Error);
    m_usersError->hide();
    layout->addWidget(m_usersError);

    m_usersModel = new QStandardItemModel(0, 5, this);
    m_usersModel->setObjectName(QStringLiteral("usersModel"));
    m_usersModel->setHorizontalHeaderLabels(
        {tr("Login"), tr("Name"), tr("Role"), tr("Active"), tr("Locked until")});
    m_usersView = new QTableView(tab);
    m_usersView->setTabKeyNavigation(false); // Tab leaves the list; the arrows move in it
    m_usersView->setAccessibleName(tr("Users"));
    m_usersView->setObjectName(QStringLiteral("usersTable"));
    m_usersView->setModel(m_usersModel);
    setUpTable(m_usersView);
    m_usersView->setColumnWidth(0, 140);
    m_usersView->setColumnWidth(1, 200);
    m_usersView->setColumnWidth(2, 160);
    m_usersView->setColumnWidth(3, 80);
    layout->addWidget(m_usersView, 1);

    m_usersMessage = new QLabel(tab);
    m_usersMessage->setObjectName(QStringLiteral("usersMessage"));
    m_usersMessage->setWordWrap(true);
    m_usersMessage->hide();
    layout->addWidget(m_usersMessage);

    auto* buttons = new QHBoxLayout();
    m_addUserButton = new QPushButton(tr("&Add a user…"), tab);
    m_addUserButton->setObjectName(QStringLiteral("addUserButton"));
    connect(m_addUserButton, &QPushButton::clicked, this, [this] { openAddUser(); });
    m_resetPasswordButton = new QPushButton(tr("Set a &new password…"), tab);
    m_resetPasswordButton->setObjectName(QStringLiteral("resetPasswordButton"));
    connect(m_resetPasswordButton, &QPushButton::clicked, this, [this] { openResetPassword(); });
    m_toggleActiveButton = new QPushButton(tr("&Disable"), tab);
    m_toggleActiveButton->setObjectName(QStringLiteral("toggleActiveButton"));
    connect(m_toggleActiveButton, &QPushButton::clicked, this, &AdministrationPage::toggleSelectedUserActive);
    buttons->addWidget(m_addUserButton);
    buttons->addWidget(m_resetPasswordButton);
    buttons->addWidget(m_toggleActiveButton);
    buttons->addStretch(1);
    // Not about the selected user: the database's recovery key (administrators, databases with a key ring).
    m_replaceRecoveryButton = new QPushButton(tr("Replace the recovery &key…"), tab);
    m_replaceRecoveryButton->setObjectName(QStringLiteral("replaceRecoveryKeyButton"));
    m_replaceRecoveryButton->setToolTip(tr(
        "When the recovery key is lost, or someone who should not have seen it has: a new key, and the old "
        "one no longer opens this database."));
    connect(m_replaceRecoveryButton, &QPushButton::clicked, this, [this] { openReplaceRecoveryKey(); });
    buttons->addWidget(m_replaceRecoveryButton);
    layout->addLayout(buttons);
    connect(m_usersView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &AdministrationPage::updateUserButtons);
    updateUserButtons();
    return tab;
}

void AdministrationPage::clear()
{
    m_db = nullptr;
    m_session.reset();
    m_merchants->clear();
    m_auditModel->setRecords({});
    m_auditModel->setHighlightedSeq(0);
    m_usersModel->removeRows(0, m_usersModel->rowCount());
    updateUserButtons();
    m_auditCount->clear();
    m_auditError->hide();
    m_usersError->hide();
    m_usersMessage->hide();
    m_verifyResult->hide();
    m_verifyResult->clear();
    m_seenTables.clear();
    m_filling = true;
    m_login->clear();
    m_table->clear();
    m_filling = false;
    m_programmeName->clear();
    m_programmeMessage->clear();
}

void AdministrationPage::load(const store::Database* db, const std::optional<Session>& session)
{
    clear();
    if (!db || !session)
        return;
    m_db = db;
    m_session = session;
    try {
        readAudit();
    } catch (const Error& e) {
        if (e.kind() == Error::Kind::AccessDenied) {
            clear();
            throw;
        }
        showAuditError(e.message());
    }
    fillTableChoices();
    readUsers();
    readProgramme();
    m_merchants->load(db, session);
}

QWidget* AdministrationPage::buildProgrammeTab()
{
    auto* tab = new QWidget(this);
    tab->setObjectName(QStringLiteral("programmeTab"));
    auto* layout = new QVBoxLayout(tab);
    layout->setContentsMargins(12, 12, 12, 10);
    auto* note =
        new QLabel(tr("The rules of the programme: they decide each household's monthly allowance, the "
                      "bonus, when nurses see each person, and what public figures may show. A change "
                      "applies from now on and is recorded in the audit trail."),
                   tab);
    note->setWordWrap(true);
    layout->addWidget(note);
    auto* nameRow = new QHBoxLayout();
    auto* nameLabel = new QLabel(tr("Programme &name"), tab);
    m_programmeName = new QLineEdit(tab);
    m_programmeName->setObjectName(QStringLiteral("programmeNameEdit"));
    nameLabel->setBuddy(m_programmeName);
    nameRow->addWidget(nameLabel);
    nameRow->addWidget(m_programmeName, 1);
    layout->addLayout(nameRow);
    auto* scroll = new QScrollArea(tab);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_programmeEditor = new ProgrammeEditor(scroll);
    scroll->setWidget(m_programmeEditor);
    layout->addWidget(scroll, 1);
    auto* buttons = new QHBoxLayout();
    m_programmeMessage = new QLabel(tab);
    m_programmeMessage->setObjectName(QStringLiteral("programmeMessage"));
    m_programmeMessage->setWordWrap(true);
    buttons->addWidget(m_programmeMessage, 1);
    auto* reload = new QPushButton(tr("&Reload"), tab);
    reload->setObjectName(QStringLiteral("programmeReloadButton"));
    connect(reload, &QPushButton::clicked, this, [this] {
        readProgramme();
        m_programmeMessage->clear();
    });
    buttons->addWidget(reload);
    auto* save = new QPushButton(tr("&Save the rules"), tab);
    save->setObjectName(QStringLiteral("programmeSaveButton"));
    connect(save, &QPushButton::clicked, this, &AdministrationPage::saveProgramme);
    buttons->addWidget(save);
    layout->addLayout(buttons);
    return tab;
}

void AdministrationPage::readProgramme()
{
    if (!m_db || !m_session)
        return;
    try {
        if (const auto programme = ProgrammeService(*m_db, *m_session).load()) {
            m_programmeName->setText(programme->name);
            m_programmeEditor->setProgramme(*programme);
        }
    } catch (const Error& e) {
        m_programmeMessage->setText(e.message());
    }
}

bool AdministrationPage::saveProgramme()
{
    if (!m_db || !m_session)
        return false;
    if (!m_programmeEditor->check(m_programmeName->text().trimmed())) {
        m_programmeMessage->setText(tr("Correct the rules shown in red; nothing was saved."));
        return false;
    }
    Programme programme = m_programmeEditor->programme();
    programme.name = m_programmeName->text().trimmed();
    try {
        ProgrammeService(*m_db, *m_session).save(programme);
    } catch (const Error& e) {
        m_programmeMessage->setText(
            e.kind() == Error::Kind::Conflict
                ? tr("Someone else changed the rules since you opened them; nothing was saved. Reload to see "
                     "their version, then make your change again.")
                : e.message());
        return false;
    }
    m_programmeEditor->setProgramme(programme);
    m_programmeMessage->setText(tr("The rules were saved."));
    return true;
}

store::AuditFilter AdministrationPage::auditFilter() const
{
    store::AuditFilter filter;
    if (m_sinceCheck->isChecked())
        filter.since = m_since->date();
    filter.login = m_login->currentText().trimmed().toLower();
    filter.table = m_table->currentText().trimmed();
    return filter;
}

void AdministrationPage::readAudit()
{
    if (!m_db || !m_session)
        return;
    const store::AuditFilter filter = auditFilter();
    std::vector<store::AuditRecord> records;
    busy([&] { records = AuditTrail(*m_db).list(*m_session, filter); });
    const auto count = static_cast<qsizetype>(records.size());
    std::set<QString> tables;
    for (const auto& r : records)
        tables.insert(r.table);
    m_auditModel->setRecords(std::move(records));
    m_auditError->hide();
    if (!m_auditColumnsSized && count > 0) {
        // Once, so that widths the user chose stay; the detail takes the rest.
        m_auditView->resizeColumnsToContents();
        for (int c = 0; c < AuditTableModel::DetailColumn; ++c)
            m_auditView->setColumnWidth(c, std::min(m_auditView->columnWidth(c) + 8, 220));
        m_auditColumnsSized = true;
    }
    m_auditCount->setText(count >= filter.limit
                              ? tr("The newest %1 records; narrow the filters to see older ones.")
                                    .arg(QLocale().toString(count))
                              : tr("%n record(s)", nullptr, static_cast<int>(count)));
    // Tables seen are offered in the filter from now on.
    bool added = false;
    for (const QString& t : tables)
        added = m_seenTables.insert(t).second || added;
    if (added)
        fillTableChoices();
}

QString AdministrationPage::selectedLogin() const
{
    const QModelIndex current = m_usersView->currentIndex();
    return current.isValid() ? m_usersModel->item(current.row(), 0)->text() : QString();
}

void AdministrationPage::updateUserButtons()
{
    const bool ready = m_db && m_session;
    const QString login = selectedLogin();
    m_addUserButton->setEnabled(ready);
    m_resetPasswordButton->setEnabled(ready && !login.isEmpty());
    m_toggleActiveButton->setEnabled(ready && !login.isEmpty());
    const QModelIndex current = m_usersView->currentIndex();
    const bool active =
        !current.isValid() || m_usersModel->item(current.row(), 3)->data(Qt::UserRole).toBool();
    m_toggleActiveButton->setText(active ? tr("&Disable") : tr("&Enable"));
    // Only an administrator's session that opened the key ring (it holds the root key) can replace it.
    m_replaceRecoveryButton->setVisible(ready && m_session->role() == Role::Admin && m_session->keys &&
                                        m_session->keys->canCertify());
}

QMessageBox* AdministrationPage::openReplaceRecoveryKey()
{
    if (!m_db || !m_session || !m_session->keys)
        return nullptr;
    QString text = tr("A new recovery key will be made and shown once. The current recovery key will stop "
                      "working at once: it will no longer open this database (backups taken before keep "
                      "the old key).");
    // An administrator's keys do not include the health key: a nurse grants it to the new key at her login.
    if (!m_session->keys->hasHealthKey())
        text +=
            QStringLiteral("\n\n") + tr("The new key will open health data only after a nurse's next login.");
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Replace the recovery key"), text,
                                QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("replaceRecoveryKeyConfirmation"));
    box->setWindowModality(Qt::WindowModal);
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton* replace = box->addButton(tr("&Replace the key"), QMessageBox::AcceptRole);
    replace->setObjectName(QStringLiteral("replaceRecoveryKeyConfirm"));
    QPushButton* cancel = box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(cancel);
    // Once the question is closed, so that the key's dialog is the only one open.
    connect(box, &QDialog::finished, this, [this, box, replace] {
        if (box->clickedButton() == replace)
            replaceRecoveryKey();
    });
    box->open();
    return box;
}

RecoveryKeyDialog* AdministrationPage::replaceRecoveryKey()
{
    if (!m_db || !m_session)
        return nullptr;
    security::Recovery::Replacement replaced;
    try {
        busy([&] { replaced = security::Recovery::replaceKey(*m_db, *m_session); });
    } catch (const Error& e) {
        auto* box = new QMessageBox(QMessageBox::Warning, tr("Replace the recovery key"),
                                    tr("The recovery key was not replaced:\n%1").arg(e.message()),
                                    QMessageBox::Ok, this);
        box->setObjectName(QStringLiteral("replaceRecoveryKeyError"));
        box->setWindowModality(Qt::WindowModal);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
        return nullptr;
    }
    QString explanation = tr("This is the new recovery key of the database; the old one no longer opens it. "
                             "It is shown only this once and Cabas keeps no copy of it. If every "
                             "administrator's password is lost, it is the only way to open the database's "
                             "keys. Write it down or print it, and keep it in a safe place, away from this "
                             "computer.");
    if (replaced.healthPending)
        explanation += QLatin1Char(' ') + tr("It will open health data after a nurse's next login.");
    auto* dialog = new RecoveryKeyDialog(replaced.recoveryKey, this, explanation);
    replaced.recoveryKey.clear();
    dialog->setWindowModality(Qt::WindowModal);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    m_usersMessage->setText(tr("The recovery key was replaced: the old key no longer opens this database."));
    m_usersMessage->show();
    return dialog;
}

UserAccountDialog* AdministrationPage::openAddUser()
{
    if (!m_db || !m_session)
        return nullptr;
    auto* dialog = new UserAccountDialog(UserAccountDialog::Mode::Add, *m_db, *m_session, QString(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        readUsers();
        m_usersMessage->setText(tr("%1 was added.").arg(dialog->login()));
        m_usersMessage->show();
    });
    dialog->open();
    return dialog;
}

UserAccountDialog* AdministrationPage::openResetPassword()
{
    const QString login = selectedLogin();
    if (!m_db || !m_session || login.isEmpty())
        return nullptr;
    auto* dialog = new UserAccountDialog(UserAccountDialog::Mode::Reset, *m_db, *m_session, login, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, login] {
        readUsers();
        m_usersMessage->setText(tr("%1 has a new password.").arg(login));
        m_usersMessage->show();
    });
    dialog->open();
    return dialog;
}

void AdministrationPage::toggleSelectedUserActive()
{
    const QString login = selectedLogin();
    if (!m_db || !m_session || login.isEmpty())
        return;
    const QModelIndex current = m_usersView->currentIndex();
    const bool active = m_usersModel->item(current.row(), 3)->data(Qt::UserRole).toBool();
    try {
        const security::UserService users(*m_db, *m_session);
        busy([&] { active ? users.disable(login) : users.enable(login); });
    } catch (const Error& e) {
        m_usersError->setText(e.message());
        m_usersError->show();
        return;
    }
    readUsers();
    m_usersMessage->setText(active ? tr("%1 is disabled: the account can no longer log in.").arg(login)
                                   : tr("%1 is enabled again.").arg(login));
    m_usersMessage->show();
}

void AdministrationPage::readUsers()
{
    const QString keep = selectedLogin();
    const auto buttons = qScopeGuard([this] { updateUserButtons(); });
    m_usersModel->removeRows(0, m_usersModel->rowCount());
    m_usersError->hide();
    std::vector<User> users;
    try {
        busy([&] { users = security::UserService(*m_db, *m_session).list(); });
    } catch (const Error& e) {
        m_usersError->setText(e.message());
        m_usersError->show();
        return;
    }
    const QDateTime now = Clock::instance().nowUtc();
    QStringList logins;
    for (const User& u : users) {
        logins << u.login;
        const bool locked = u.lockedUntil.isValid() && u.lockedUntil > now;
        const QDateTime until = u.lockedUntil.toTimeZone(Clock::programmeZone());
        QList<QStandardItem*> row = {
            new QStandardItem(u.login),
            new QStandardItem(u.displayName),
            new QStandardItem(displayName(u.role)),
            new QStandardItem(u.active ? tr("Yes") : tr("No")),
            new QStandardItem(locked ? QLocale().toString(until.date(), QLocale::ShortFormat) +
                                           QLatin1Char(' ') + until.time().toString(QStringLiteral("HH:mm"))
                                     : QString()),
        };
        for (QStandardItem* item : row)
            item->setEditable(false);
        row[3]->setData(u.active, Qt::UserRole);
        if (!u.active)
            row[3]->setForeground(theme::foreground(theme::Tone::Error));
        m_usersModel->appendRow(row);
        if (u.login == keep)
            m_usersView->setCurrentIndex(m_usersModel->index(m_usersModel->rowCount() - 1, 0));
    }
    fillLoginChoices(logins);
}

void AdministrationPage::fillLoginChoices(const QStringList& logins)
{
    m_filling = true;
    const QString login = m_login->currentText();
    QStringList sorted = logins;
    sorted << QStringLiteral("system");
    sorted.sort();
    sorted.removeDuplicates();
    m_login->clear();
    m_login->addItem(QString());
    m_login->addItems(sorted);
    m_login->setCurrentIndex(std::max(0, m_login->findText(login)));
    m_login->setEditText(login);
    m_filling = false;
}

void AdministrationPage::fillTableChoices()
{
    m_filling = true;
    const QString table = m_table->currentText();
    QStringList tables;
    for (const QString& t : m_seenTables)
        if (!t.isEmpty())
            tables << t;
    for (const char* t : kKnownTables)
        tables << QString::fromLatin1(t);
    tables.sort();
    tables.removeDuplicates();
    m_table->clear();
    m_table->addItem(QString());
    m_table->addItems(tables);
    m_table->setCurrentIndex(std::max(0, m_table->findText(table)));
    m_table->setEditText(table);
    m_filling = false;
}

void AdministrationPage::refreshAudit()
{
    if (!m_db || !m_session)
        return;
    try {
        readAudit();
    } catch (const Error& e) {
        m_auditModel->setRecords({});
        m_auditCount->clear();
        showAuditError(e.message());
    }
}

void AdministrationPage::showAuditError(const QString& message)
{
    m_auditError->setText(message);
    m_auditError->show();
}

void AdministrationPage::verifyChain()
{
    if (!m_db || !m_session)
        return;
    AuditVerification v;
    try {
        busy([&] { v = AuditTrail(*m_db).verify(*m_session); });
    } catch (const Error& e) {
        m_auditModel->setHighlightedSeq(0);
        showVerification(false, e.message());
        return;
    }
    if (v.ok) {
        m_auditModel->setHighlightedSeq(0);
        showVerification(true, v.message);
        return;
    }
    m_auditModel->setHighlightedSeq(v.firstBadSeq);
    showVerification(false, tr("The audit trail is NOT intact. First bad record: %1. %2")
                                .arg(QLocale().toString(v.firstBadSeq), v.message));
    const int row = m_auditModel->rowOfSeq(v.firstBadSeq);
    if (row >= 0) {
        m_auditView->scrollTo(m_auditModel->index(row, 0));
        m_auditView->selectRow(row);
    }
}

void AdministrationPage::showVerification(bool ok, const QString& text)
{
    m_verifyResult->setProperty("ok", ok);
    m_verifyResult->setText((ok ? QStringLiteral("✔ ") : QStringLiteral("✘ ")) + text);
    theme::setTone(m_verifyResult, ok ? theme::Tone::Success : theme::Tone::Error, theme::Shape::Box);
    m_verifyResult->show();
}

} // namespace cabas::ui
