#include "MainWindow.h"

#include "Theme.h"

#include "AdministrationPage.h"
#include "BackupController.h"
#include "DatabaseSettings.h"
#include "FirstRunDialog.h"
#include "HealthPage.h"
#include "HomePage.h"
#include "HouseholdTableModel.h"
#include "LoginDialog.h"
#include "UserAccountDialog.h"
#include "cohort/DashboardPage.h"
#include "common/Error.h"
#include "common/Translation.h"
#include "households/CaseFileView.h"
#include "households/HouseholdsPage.h"
#include "ledger/LedgerPage.h"
#include "ledger/ReconciliationPage.h"
#include "ledger/SyncDialog.h"
#include "security/AuditTrail.h"
#include "services/HouseholdService.h"
#include "store/ProgrammeRepository.h"
#include "workshops/WorkshopsPage.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIcon>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

namespace cabas::ui {

namespace {
const QString kGeometryKey = QStringLiteral("window/geometry");

QIcon sectionIcon(const QString& name)
{
    // The same drawing when selected: the style's tint makes the two-tone icons muddy.
    const QString file = QStringLiteral(":/icons/%1.svg").arg(name);
    QIcon icon;
    icon.addFile(file, QSize(), QIcon::Normal);
    icon.addFile(file, QSize(), QIcon::Selected);
    return icon;
}

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

// What reading a section asks of the access policy; the table named in the audit record of a refusal.
struct SectionGate
{
    DataKind kind;
    Action action;
    const char* table;
};

std::optional<SectionGate> gateOf(MainWindow::Section section)
{
    using S = MainWindow::Section;
    switch (section) {
    case S::Home:
        return std::nullopt; // the programme and counts only
    case S::Households:
        return SectionGate{DataKind::Households, Action::Read, "household"};
    case S::Health:
        return SectionGate{DataKind::Health, Action::Read, "checkup"};
    case S::Workshops:
        return SectionGate{DataKind::Workshops, Action::Read, "workshop"};
    case S::Ledger:
        return SectionGate{DataKind::Ledger, Action::Read, "ledger"};
    case S::Cohort:
        return SectionGate{DataKind::Cohort, Action::ReadAggregates, "cohort"};
    case S::Administration:
        return SectionGate{DataKind::Administration, Action::Read, "audit_log"};
    }
    return std::nullopt;
}
} // namespace

MainWindow::MainWindow(std::unique_ptr<store::Database> db, Session session, QWidget* parent)
    : QMainWindow(parent)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowIcon(theme::applicationIcon());
    resize(1100, 700);
    setMinimumSize(800, 500);

    buildMenus();
    buildSections();

    m_databaseStatus = new QLabel(this);
    m_databaseStatus->setObjectName(QStringLiteral("databaseStatusLabel"));
    m_databaseStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* sessionIcon = new QLabel(this);
    sessionIcon->setPixmap(sectionIcon(QStringLiteral("user")).pixmap(QSize(16, 16), devicePixelRatioF()));
    sessionIcon->setAccessibleName(tr("Logged in"));
    m_sessionStatus = new QLabel(this);
    m_sessionStatus->setObjectName(QStringLiteral("sessionLabel"));
    m_schemaStatus = new QLabel(this);
    m_schemaStatus->setObjectName(QStringLiteral("schemaStatusLabel"));
    statusBar()->setObjectName(QStringLiteral("statusBar"));
    statusBar()->addWidget(m_databaseStatus, 1);
    statusBar()->addPermanentWidget(sessionIcon);
    statusBar()->addPermanentWidget(m_sessionStatus);
    statusBar()->addPermanentWidget(m_schemaStatus);
    statusBar()->addPermanentWidget(m_backup->reminder());
    connect(m_backup, &BackupController::finished, this,
            [this](bool, const QString& message) { statusBar()->showMessage(message, 15000); });

    setDatabase(std::move(db), std::move(session));
    showSection(Section::Home);
}

MainWindow::~MainWindow()
{
    // The models and dialogs refer to the database: let them go first.
    delete m_loginDialog;
    clearSessionContent();
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->setObjectName(QStringLiteral("fileMenu"));
    QAction* newDb = file->addAction(tr("&New database…"), this, &MainWindow::newDatabase);
    newDb->setObjectName(QStringLiteral("newDatabaseAction"));
    newDb->setShortcut(QKeySequence::New);
    QAction* openDb = file->addAction(tr("&Open a database…"), this, &MainWindow::openDatabase);
    openDb->setObjectName(QStringLiteral("openDatabaseAction"));
    openDb->setShortcut(QKeySequence::Open);
    QAction* pg = file->addAction(tr("&Connect to PostgreSQL…"), this, &MainWindow::connectPostgres);
    pg->setObjectName(QStringLiteral("connectPostgresAction"));
    file->addSeparator();
    m_backup = new BackupController(this);
    file->addAction(m_backup->action());
    m_syncAction = file->addAction(tr("Ledger &sync…"), this, [this] {
        if (!m_db)
            return;
        auto* dialog = new SyncDialog(*m_db, m_session, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open();
    });
    m_syncAction->setObjectName(QStringLiteral("syncAction"));
    file->addSeparator();
    m_switchUserAction = file->addAction(tr("S&witch user…"), this, &MainWindow::switchUser);
    m_switchUserAction->setObjectName(QStringLiteral("switchUserAction"));
    m_changePasswordAction =
        file->addAction(tr("Change my &password…"), this, [this] { openChangePassword(); });
    m_changePasswordAction->setObjectName(QStringLiteral("changePasswordAction"));
    m_logoutAction = file->addAction(tr("&Log out"), this, &MainWindow::logOut);
    m_logoutAction->setObjectName(QStringLiteral("logoutAction"));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setObjectName(QStringLiteral("quitAction"));
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu* settings = menuBar()->addMenu(tr("&Settings"));
    settings->setObjectName(QStringLiteral("settingsMenu"));
    QMenu* language = settings->addMenu(tr("&Language"));
    language->setObjectName(QStringLiteral("languageMenu"));
    auto* languages = new QActionGroup(this);
    languages->setExclusive(true);
    const QString current = chosenLanguage();
    const std::pair<QString, QString> choices[] = {
        {QStringLiteral("fr"), QStringLiteral("Français")},
        {QStringLiteral("en"), QStringLiteral("English")},
    };
    for (const auto& [code, name] : choices) {
        QAction* action = language->addAction(name);
        action->setObjectName(code == QLatin1String("fr") ? QStringLiteral("languageFrenchAction")
                                                          : QStringLiteral("languageEnglishAction"));
        action->setCheckable(true);
        action->setChecked(code == current);
        action->setData(code);
        languages->addAction(action);
        connect(action, &QAction::triggered, this, [this, language = code] { chooseLanguage(language); });
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->setObjectName(QStringLiteral("helpMenu"));
    QAction* about = help->addAction(tr("&About Cabas"), this, &MainWindow::about);
    about->setObjectName(QStringLiteral("aboutAction"));
    about->setMenuRole(QAction::AboutRole);
}

void MainWindow::buildSections()
{
    auto* central = new QWidget(this);
    central->setObjectName(QStringLiteral("centralWidget"));
    auto* layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    m_sectionList = new QListWidget(central);
    m_sectionList->setObjectName(QStringLiteral("sectionList"));
    m_sectionList->setFixedWidth(220);
    m_sectionList->setIconSize(QSize(22, 22));
    m_sectionList->setFrameShape(QFrame::NoFrame);
    m_sectionList->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_sectionList->setAccessibleName(tr("Sections"));
    m_sectionList->setAccessibleDescription(tr("Ctrl+1 to Ctrl+7 open the sections from anywhere."));
    applySectionListColours();
    layout->addWidget(m_sectionList);

    auto* separator = new QFrame(central);
    separator->setFrameShape(QFrame::VLine);
    separator->setFrameShadow(QFrame::Sunken);
    layout->addWidget(separator);

    m_sectionStack = new QStackedWidget(central);
    m_sectionStack->setObjectName(QStringLiteral("sectionStack"));
    layout->addWidget(m_sectionStack, 1);
    setCentralWidget(central);

    m_homePage = new HomePage(m_sectionStack);
    addSection(Section::Home, QStringLiteral("home"), tr("Home"), m_homePage);
    addSection(Section::Households, QStringLiteral("households"), tr("Households"), buildHouseholdsPage());
    m_healthPage = new HealthPage(m_sectionStack);
    addSection(Section::Health, QStringLiteral("health"), tr("Health follow-up"), m_healthPage);
    m_workshopsPage = new WorkshopsPage(m_sectionStack);
    addSection(Section::Workshops, QStringLiteral("workshops"), tr("Workshops"), m_workshopsPage);
    m_ledgerPage = new LedgerPage(m_sectionStack);
    addSection(Section::Ledger, QStringLiteral("ledger"), tr("Card ledger"), m_ledgerPage);
    m_dashboardPage = new DashboardPage(m_sectionStack);
    addSection(Section::Cohort, QStringLiteral("cohort"), tr("Cohort"), m_dashboardPage);
    m_adminPage = new AdministrationPage(m_sectionStack);
    addSection(Section::Administration, QStringLiteral("administration"), tr("Administration"), m_adminPage);

    m_accessPanel = buildAccessDeniedPanel();
    m_sectionStack->addWidget(m_accessPanel);

    connect(m_sectionList, &QListWidget::currentRowChanged, this, &MainWindow::openSection);
    buildGoMenu();
}

void MainWindow::buildGoMenu()
{
    // Go › a section (Ctrl+1 … Ctrl+7) and the search of the section shown (Ctrl+F), from anywhere in the
    // window: the keyboard reaches every section without the list.
    QMenu* go = new QMenu(tr("&Go"), this);
    go->setObjectName(QStringLiteral("goMenu"));
    menuBar()->insertMenu(menuBar()->actions().value(1), go);
    for (int row = 0; row < kSectionCount; ++row) {
        QAction* action =
            go->addAction(sectionIcon(m_icons[static_cast<size_t>(row)]), m_titles[static_cast<size_t>(row)]);
        action->setObjectName(QStringLiteral("goAction_") + sectionKeys().at(row));
        action->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + row)));
        action->setShortcutContext(Qt::WindowShortcut);
        connect(action, &QAction::triggered, this, [this, row] {
            showSection(static_cast<Section>(row));
            focusFirstInput(m_sectionStack->currentWidget());
        });
        m_sectionActions[static_cast<size_t>(row)] = action;
    }
    go->addSeparator();
    QAction* reconcile = go->addAction(tr("Credit &reconciliation…"), this, [this] { openReconciliation(); });
    reconcile->setObjectName(QStringLiteral("goReconciliationAction"));
    go->addSeparator();
    QAction* list = go->addAction(tr("Section &list"), this,
                                  [this] { m_sectionList->setFocus(Qt::ShortcutFocusReason); });
    list->setObjectName(QStringLiteral("goSectionListAction"));
    list->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    QAction* find = go->addAction(tr("&Search in this section"), this, &MainWindow::focusSearch);
    find->setObjectName(QStringLiteral("findAction"));
    find->setShortcut(QKeySequence::Find);
}

ReconciliationPage* MainWindow::openReconciliation()
{
    if (!m_db || !m_session)
        return nullptr;
    if (!m_reconciliation) {
        m_reconciliation = new ReconciliationPage(this);
        m_reconciliation->setWindowFlag(Qt::Window);
        m_reconciliation->setAttribute(Qt::WA_DeleteOnClose);
        m_reconciliation->resize(900, 600);
        m_reconciliation->load(m_db.get(), m_session);
        connect(m_reconciliation, &ReconciliationPage::openHouseholdRequested, this,
                [this](const QString& code) {
                    if (!m_db || !m_session)
                        return;
                    auto* view = new CaseFileView(*m_db, *m_session, this);
                    view->setAttribute(Qt::WA_DeleteOnClose);
                    if (!view->load(code)) {
                        m_reconciliation->showMessage(view->loadError(), true);
                        delete view;
                        return;
                    }
                    view->show();
                });
    }
    m_reconciliation->show();
    m_reconciliation->raise();
    m_reconciliation->activateWindow();
    return m_reconciliation;
}

bool MainWindow::focusSearch()
{
    QWidget* page = m_sectionStack->currentWidget();
    if (!page)
        return false;
    // The page's search field (property cabasSearchField), else its first input.
    const auto candidates = page->findChildren<QWidget*>();
    for (QWidget* w : candidates) {
        if (w->property("cabasSearchField").toBool() && w->isVisibleTo(this) && w->isEnabled()) {
            w->setFocus(Qt::ShortcutFocusReason);
            if (auto* edit = qobject_cast<QLineEdit*>(w))
                edit->selectAll();
            return true;
        }
    }
    return focusFirstInput(page);
}

bool MainWindow::focusFirstInput(QWidget* page)
{
    if (!page)
        return false;
    QWidget* w = page;
    do {
        w = w->nextInFocusChain();
        if (w != page && page->isAncestorOf(w) && (w->focusPolicy() & Qt::TabFocus) && w->isEnabled() &&
            w->isVisibleTo(this)) {
            w->setFocus(Qt::ShortcutFocusReason);
            return true;
        }
    } while (w != page);
    return false;
}

void MainWindow::applySectionListColours()
{
    const QPalette p = QApplication::palette();
    m_sectionList->setStyleSheet(
        QStringLiteral("QListWidget#sectionList { background: palette(alternate-base);"
                       " padding: 8px 6px 0 6px; outline: 0; }"
                       "QListWidget#sectionList::item { padding: 7px 10px; border-radius: 4px;"
                       " border: 1px solid transparent; }"
                       "QListWidget#sectionList::item:selected { background: %1; color: %2; }"
                       "QListWidget#sectionList::item:focus { border: 1px solid %3; }")
            .arg(theme::accentBackground(p).name(), theme::accentForeground(p).name(),
                 p.color(QPalette::Highlight).name()));
}

void MainWindow::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange && m_sectionList)
        applySectionListColours();
    QMainWindow::changeEvent(event);
}

void MainWindow::addSection(Section section, const QString& iconName, const QString& title, QWidget* page)
{
    const auto index = static_cast<size_t>(section);
    auto* item = new QListWidgetItem(sectionIcon(iconName), title, m_sectionList);
    item->setData(Qt::UserRole, sectionKeys().at(static_cast<int>(section)));
    item->setSizeHint(QSize(0, 38));
    m_sectionStack->addWidget(page);
    m_pages[index] = page;
    m_titles[index] = title;
    m_icons[index] = iconName;
}

QWidget* MainWindow::buildHouseholdsPage()
{
    m_householdsPage = new HouseholdsPage(m_sectionStack);
    m_householdModel = m_householdsPage->model();
    return m_householdsPage;
}

QWidget* MainWindow::buildAccessDeniedPanel()
{
    auto* page = new QWidget(m_sectionStack);
    page->setObjectName(QStringLiteral("accessDeniedPanel"));
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(28, 24, 28, 24);
    layout->setSpacing(16);

    auto* header = new QHBoxLayout();
    header->setSpacing(12);
    m_accessIcon = new QLabel(page);
    header->addWidget(m_accessIcon);
    m_accessTitle = makeHeading(QString(), page);
    m_accessTitle->setObjectName(QStringLiteral("accessDeniedTitle"));
    header->addWidget(m_accessTitle);
    m_accessBadge = new QLabel(tr("Access denied"), page);
    m_accessBadge->setObjectName(QStringLiteral("accessDeniedBadge"));
    theme::setTone(m_accessBadge, theme::Tone::Error, theme::Shape::Badge);
    header->addWidget(m_accessBadge, 0, Qt::AlignVCenter);
    header->addStretch(1);
    layout->addLayout(header);

    auto* box = new QFrame(page);
    box->setObjectName(QStringLiteral("accessDeniedBox"));
    theme::setTone(box, theme::Tone::Error, theme::Shape::Box);
    box->setMaximumWidth(760);
    auto* boxLayout = new QHBoxLayout(box);
    boxLayout->setContentsMargins(18, 16, 18, 16);
    boxLayout->setSpacing(16);
    auto* lock = new QLabel(box);
    lock->setPixmap(sectionIcon(QStringLiteral("locked")).pixmap(QSize(48, 48)));
    boxLayout->addWidget(lock, 0, Qt::AlignTop);
    m_accessMessage = new QLabel(box);
    m_accessMessage->setObjectName(QStringLiteral("accessDeniedMessage"));
    m_accessMessage->setWordWrap(true);
    m_accessMessage->setTextInteractionFlags(Qt::TextSelectableByMouse);
    theme::setTone(m_accessMessage, theme::Tone::Error);
    QFont f = m_accessMessage->font();
    if (f.pointSizeF() > 0)
        f.setPointSizeF(f.pointSizeF() * 1.15);
    f.setBold(true);
    m_accessMessage->setFont(f);
    boxLayout->addWidget(m_accessMessage, 1);
    layout->addWidget(box);

    m_accessHint = new QLabel(page);
    m_accessHint->setObjectName(QStringLiteral("accessDeniedHint"));
    m_accessHint->setWordWrap(true);
    m_accessHint->setMaximumWidth(760);
    layout->addWidget(m_accessHint);

    auto* buttons = new QHBoxLayout();
    auto* switchUser = new QPushButton(tr("S&witch user…"), page);
    switchUser->setObjectName(QStringLiteral("accessDeniedSwitchUserButton"));
    connect(switchUser, &QPushButton::clicked, this, &MainWindow::switchUser);
    buttons->addWidget(switchUser);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    layout->addStretch(1);
    return page;
}

QStringList MainWindow::sectionKeys()
{
    return {QStringLiteral("home"),          QStringLiteral("households"), QStringLiteral("health"),
            QStringLiteral("workshops"),     QStringLiteral("ledger"),     QStringLiteral("cohort"),
            QStringLiteral("administration")};
}

void MainWindow::showSection(Section section)
{
    m_sectionList->setCurrentRow(static_cast<int>(section));
}

bool MainWindow::showSection(const QString& key)
{
    const qsizetype index = sectionKeys().indexOf(key.trimmed().toLower());
    if (index < 0)
        return false;
    showSection(static_cast<Section>(index));
    return true;
}

MainWindow::Section MainWindow::currentSection() const
{
    return static_cast<Section>(qBound(0, m_sectionList->currentRow(), kSectionCount - 1));
}

QString MainWindow::refusal(Section section) const
{
    return m_refusals[static_cast<size_t>(section)];
}

void MainWindow::setDatabase(std::unique_ptr<store::Database> db, std::optional<Session> session)
{
    clearSessionContent(); // never refer to a database being closed, nor show what the last user read
    m_db = std::move(db);
    m_session = m_db ? std::move(session) : std::nullopt;
    reload();
}

void MainWindow::setSession(Session session)
{
    clearSessionContent();
    m_session = std::move(session);
    reload();
}

void MainWindow::clearSessionContent()
{
    m_householdsPage->clear();
    m_adminPage->clear();
    m_healthPage->clear();
    m_dashboardPage->clear();
    m_workshopsPage->clear();
    m_ledgerPage->clear();
    if (m_reconciliation)
        m_reconciliation->close();
    m_loaded.fill(false);
    for (QString& r : m_refusals)
        r.clear();
}

void MainWindow::reload()
{
    m_loaded.fill(false);
    for (QString& r : m_refusals)
        r.clear();
    // The home page (the programme and counts, for every role) is always up to date; the other sections are
    // read when shown.
    m_homePage->reload(m_db.get());
    m_loaded[static_cast<size_t>(Section::Home)] = true;
    updateTitleAndStatus();
    updateSectionHints();
    openSection(m_sectionList->currentRow());
}

void MainWindow::openSection(int row)
{
    if (row < 0 || row >= kSectionCount)
        return;
    const auto index = static_cast<size_t>(row);
    if (!m_loaded[index]) {
        m_refusals[index] = loadSection(static_cast<Section>(row));
        m_loaded[index] = true;
    }
    if (m_refusals[index].isEmpty())
        m_sectionStack->setCurrentWidget(m_pages[index]);
    else
        showAccessDenied(static_cast<Section>(row), m_refusals[index]);
}

QString MainWindow::loadSection(Section section)
{
    if (section == Section::Home) {
        m_homePage->reload(m_db.get());
        return QString();
    }
    if (!m_db)
        return QString(); // nothing open: the pages are empty
    if (!m_session)
        return tr("Nobody is logged in: log in to see this section.");
    try {
        switch (section) {
        case Section::Households:
            loadHouseholds();
            break;
        case Section::Health:
            m_healthPage->load(m_db.get(), m_session);
            break;
        case Section::Workshops:
            m_workshopsPage->load(m_db.get(), m_session);
            break;
        case Section::Ledger:
            m_ledgerPage->load(m_db.get(), m_session);
            break;
        case Section::Administration:
            m_adminPage->load(m_db.get(), m_session);
            break;
        case Section::Cohort:
            m_dashboardPage->load(m_db.get(), m_session);
            break;
        default:
            // Sections still to come: ask the core whether this role may read them (a refusal is audited).
            if (const auto gate = gateOf(section))
                AuditTrail(*m_db).require(*m_session, gate->kind, gate->action,
                                          QString::fromLatin1(gate->table));
            break;
        }
    } catch (const Error& e) {
        return e.message();
    }
    return QString();
}

void MainWindow::loadHouseholds()
{
    m_householdsPage->load(m_db.get(), m_session);
}

void MainWindow::showAccessDenied(Section section, const QString& message)
{
    const auto index = static_cast<size_t>(section);
    m_accessIcon->setPixmap(sectionIcon(m_icons[index]).pixmap(QSize(36, 36)));
    m_accessTitle->setText(m_titles[index]);
    m_accessMessage->setText(message);
    m_accessHint->setText(
        m_session
            ? tr("You are logged in as %1 (%2). This section is for the roles that may read it: another "
                 "user can log in with File > Switch user.")
                  .arg(m_session->user.displayName, displayName(m_session->role()))
            : QString());
    m_accessHint->setVisible(m_session.has_value());
    m_sectionStack->setCurrentWidget(m_accessPanel);
}

void MainWindow::updateSectionHints()
{
    // A hint only, from the same policy the core applies: whether a section opens is the core's decision.
    for (int row = 0; row < kSectionCount; ++row) {
        QListWidgetItem* item = m_sectionList->item(row);
        const auto gate = gateOf(static_cast<Section>(row));
        const bool refused =
            m_session && gate && !AccessPolicy::allows(m_session->role(), gate->kind, gate->action);
        const QString shortcut = tr("%1 (%2)").arg(
            m_titles[static_cast<size_t>(row)], QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + row))
                                                    .toString(QKeySequence::NativeText));
        item->setToolTip(refused ? AccessPolicy::refusal(m_session->role(), gate->kind, gate->action) +
                                       QLatin1Char('\n') + shortcut
                                 : shortcut);
        // Muted, yet readable: the section still opens (and shows the refusal).
        item->setForeground(refused ? QBrush(theme::foreground(theme::Tone::Muted)) : QBrush());
    }
}

void MainWindow::updateTitleAndStatus()
{
    m_backup->setContext(m_db.get(), m_session);
    m_syncAction->setEnabled(m_db && m_session &&
                             AccessPolicy::allows(m_session->role(), DataKind::Ledger, Action::Write));
    m_switchUserAction->setEnabled(m_db != nullptr);
    m_logoutAction->setEnabled(m_db != nullptr && m_session.has_value());
    m_changePasswordAction->setEnabled(m_db != nullptr && m_session.has_value());
    m_sessionStatus->setText(
        m_session ? tr("%1 (%2)").arg(m_session->user.displayName, displayName(m_session->role()))
                  : tr("Not logged in"));
    m_sessionStatus->setToolTip(m_session ? tr("Logged in as %1").arg(m_session->login()) : QString());
    if (!m_db) {
        setWindowTitle(QStringLiteral("Cabas"));
        m_databaseStatus->setText(tr("No database open"));
        m_schemaStatus->clear();
        return;
    }
    QString programmeName;
    int schema = 0;
    try {
        if (const auto programme = store::ProgrammeRepository(*m_db).load())
            programmeName = programme->name;
        schema = m_db->schemaVersion();
    } catch (const Error&) {
        // The home page shows the error.
    }
    QStringList title = {QStringLiteral("Cabas")};
    if (!programmeName.isEmpty())
        title << programmeName;
    if (m_session)
        title << m_session->user.displayName;
    setWindowTitle(title.join(QStringLiteral(" — ")));
    // displayName() never contains a password.
    const QString where = m_db->spec().displayName();
    m_databaseStatus->setText(m_db->backend() == store::Backend::Postgres
                                  ? tr("PostgreSQL database: %1").arg(where)
                                  : tr("Database: %1").arg(where));
    m_schemaStatus->setText(tr("Schema version %1").arg(schema));
}

void MainWindow::recordLogout()
{
    if (!m_db || !m_session)
        return;
    // The names decrypted for the search leave memory with the user (docs/encryption.md).
    HouseholdService::forgetSearch(*m_session);
    try {
        AuditTrail(*m_db).record(*m_session, QStringLiteral("logout"), QStringLiteral("app_user"),
                                 m_session->login());
    } catch (const Error&) {
        // Leaving must not fail because the database went away.
    }
}

void MainWindow::switchUser()
{
    if (!m_db || m_loginDialog)
        return;
    auto* dialog = new LoginDialog(*m_db, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Switch user"));
    if (m_session)
        dialog->setIntroText(tr("Log in as another user. If you cancel, %1 stays logged in.")
                                 .arg(m_session->user.displayName));
    m_loginDialog = dialog;
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        if (!dialog->session())
            return;
        recordLogout();
        setSession(*dialog->session());
    });
    dialog->open();
}

UserAccountDialog* MainWindow::openChangePassword()
{
    if (!m_db || !m_session)
        return nullptr;
    auto* dialog =
        new UserAccountDialog(UserAccountDialog::Mode::ChangeOwn, *m_db, *m_session, QString(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this] { statusBar()->showMessage(tr("Your password was changed."), 8000); });
    dialog->open();
    return dialog;
}

void MainWindow::logOut()
{
    if (!m_db || m_loginDialog)
        return;
    recordLogout();
    clearSessionContent();
    m_session.reset();
    updateTitleAndStatus();
    hide();

    auto* dialog = new LoginDialog(*m_db, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setIntroText(tr("You are logged out. Log in to go on, or cancel to quit Cabas."));
    m_loginDialog = dialog;
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        if (dialog->session())
            setSession(*dialog->session());
        showSection(Section::Home);
        show();
    });
    connect(dialog, &QDialog::rejected, this, [this] {
        close();
        emit quitRequested();
    });
    dialog->show();
}

void MainWindow::restoreWindowState()
{
    const QByteArray geometry = QSettings().value(kGeometryKey).toByteArray();
    if (!geometry.isEmpty())
        restoreGeometry(geometry);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (isVisible())
        QSettings().setValue(kGeometryKey, saveGeometry());
    recordLogout();
    clearSessionContent();
    m_session.reset();
    QMainWindow::closeEvent(event);
}

void MainWindow::useOpenedDatabase(std::unique_ptr<store::Database> db, std::optional<Session> session)
{
    if (!db)
        return;
    if (!session) {
        LoginDialog login(*db, this);
        login.setIntroText(
            tr("Log in to the database you opened. If you cancel, the database open now stays open."));
        if (login.exec() != QDialog::Accepted || !login.session())
            return;
        session = login.session();
    }
    DatabaseSettings::remember(db->spec());
    recordLogout();
    setDatabase(std::move(db), std::move(session));
    showSection(Section::Home);
}

void MainWindow::newDatabase()
{
    FirstRunDialog dialog(this);
    dialog.setWindowTitle(tr("New database"));
    dialog.setIntroText(tr("Create a new Cabas database. The database open now is left as it is."));
    dialog.setMode(FirstRunDialog::Mode::CreateLocal);
    if (dialog.exec() != QDialog::Accepted)
        return;
    auto db = dialog.takeDatabase();
    auto session = dialog.takeSession();
    useOpenedDatabase(std::move(db), std::move(session));
}

void MainWindow::openDatabase()
{
    const QString start = m_db && m_db->backend() == store::Backend::Sqlite
                              ? m_db->spec().path
                              : DatabaseSettings::defaultDatabasePath();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a Cabas database"), start,
                                                      tr("Cabas databases (*.cabas);;All files (*)"));
    if (path.isEmpty())
        return;
    std::unique_ptr<store::Database> db;
    QString error;
    QApplication::setOverrideCursor(Qt::WaitCursor);
    try {
        db = store::Database::open(store::DatabaseSpec::parse(path));
    } catch (const Error& e) {
        error = e.message();
    }
    QApplication::restoreOverrideCursor();
    if (!db) {
        QMessageBox::warning(this, tr("Cannot open the database"), error);
        return;
    }
    useOpenedDatabase(std::move(db), std::nullopt);
}

void MainWindow::connectPostgres()
{
    FirstRunDialog dialog(this);
    dialog.setWindowTitle(tr("Connect to PostgreSQL"));
    dialog.setIntroText(
        tr("Connect to a Cabas database on a PostgreSQL server. The password is never saved."));
    if (m_db && m_db->backend() == store::Backend::Postgres)
        dialog.prefill(m_db->spec());
    dialog.setMode(FirstRunDialog::Mode::ConnectPostgres);
    if (dialog.exec() != QDialog::Accepted)
        return;
    useOpenedDatabase(dialog.takeDatabase(), std::nullopt);
}

void MainWindow::chooseLanguage(const QString& language)
{
    saveLanguage(language);
    QString text = language == QLatin1String("fr") ? tr("Cabas will be in French the next time it starts.")
                                                   : tr("Cabas will be in English the next time it starts.");
    if (!qEnvironmentVariableIsEmpty("CABAS_LANG"))
        text +=
            QLatin1Char('\n') +
            tr("The CABAS_LANG environment variable is set: it chooses the language before this setting.");
    // Not modal: nothing waits for it.
    auto* box = new QMessageBox(QMessageBox::Information, tr("Language"), text, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("languageMessageBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::about()
{
    QMessageBox::about(
        this, tr("About Cabas"),
        tr("<h3>Cabas %1</h3>"
           "<p>Cabas helps the teams of sustainable food card programmes follow their households, the health "
           "follow-up, the workshops, the card ledger and the cohort's evaluation.</p>"
           "<p>Built with Qt %2.</p>")
            .arg(QCoreApplication::applicationVersion().toHtmlEscaped(), QString::fromLatin1(qVersion())));
}

} // namespace cabas::ui
