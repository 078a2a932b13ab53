#include "MainWindow.h"

#include "DatabaseSettings.h"
#include "FirstRunDialog.h"
#include "HomePage.h"
#include "HouseholdTableModel.h"
#include "common/Error.h"
#include "common/Translation.h"
#include "store/ProgrammeRepository.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIcon>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
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
} // namespace

MainWindow::MainWindow(std::unique_ptr<store::Database> db, QWidget* parent) : QMainWindow(parent)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowIcon(sectionIcon(QStringLiteral("cabas")));
    resize(1100, 700);
    setMinimumSize(800, 500);

    buildMenus();
    buildSections();

    m_databaseStatus = new QLabel(this);
    m_databaseStatus->setObjectName(QStringLiteral("databaseStatusLabel"));
    m_databaseStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_schemaStatus = new QLabel(this);
    m_schemaStatus->setObjectName(QStringLiteral("schemaStatusLabel"));
    statusBar()->setObjectName(QStringLiteral("statusBar"));
    statusBar()->addWidget(m_databaseStatus, 1);
    statusBar()->addPermanentWidget(m_schemaStatus);

    setDatabase(std::move(db));
    showSection(Section::Home);
}

MainWindow::~MainWindow()
{
    // The model refers to the database: let it go first.
    m_householdModel->setDatabase(nullptr);
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
    m_sectionList->setStyleSheet(
        QStringLiteral("QListWidget#sectionList { background: palette(alternate-base);"
                       " padding: 8px 6px 0 6px; outline: 0; }"
                       "QListWidget#sectionList::item { padding: 7px 10px; border-radius: 4px; }"
                       "QListWidget#sectionList::item:selected { background: #d3e6da;"
                       " color: #163a2a; }"));
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
    addSection(
        Section::Health, QStringLiteral("health"), tr("Health follow-up"),
        buildPlaceholderPage(QStringLiteral("healthPage"), QStringLiteral("health"), tr("Health follow-up"),
                             tr("The nurses' follow-up of the people who consented to it: checkups (weight, "
                                "height, waist, blood pressure), diet questionnaires, prevention steps and "
                                "individual support, with the follow-up waves that are due or overdue.")));
    addSection(
        Section::Workshops, QStringLiteral("workshops"), tr("Workshops"),
        buildPlaceholderPage(QStringLiteral("workshopsPage"), QStringLiteral("workshops"), tr("Workshops"),
                             tr("Farm visits, cooking, market and bread-making workshops: the calendar, the "
                                "places left, registrations and who attended.")));
    addSection(
        Section::Ledger, QStringLiteral("ledger"), tr("Card ledger"),
        buildPlaceholderPage(QStringLiteral("ledgerPage"), QStringLiteral("ledger"), tr("Card ledger"),
                             tr("The movements on each household's card, synced from the card operator: "
                                "monthly allowances, purchases by kind of shop, bonuses on sustainable "
                                "purchases.")));
    addSection(Section::Cohort, QStringLiteral("cohort"), tr("Cohort"),
               buildPlaceholderPage(QStringLiteral("cohortPage"), QStringLiteral("cohort"), tr("Cohort"),
                                    tr("The evaluation's indicators wave by wave (diet, health measurements, "
                                       "sustainable spending), with small groups hidden, and pseudonymised "
                                       "exports.")));
    addSection(Section::Administration, QStringLiteral("administration"), tr("Administration"),
               buildPlaceholderPage(QStringLiteral("administrationPage"), QStringLiteral("administration"),
                                    tr("Administration"),
                                    tr("Users and their roles, the programme's rules, the list of merchants, "
                                       "backups and the audit log.")));

    connect(m_sectionList, &QListWidget::currentRowChanged, m_sectionStack, &QStackedWidget::setCurrentIndex);
}

void MainWindow::addSection(Section section, const QString& iconName, const QString& title, QWidget* page)
{
    auto* item = new QListWidgetItem(sectionIcon(iconName), title, m_sectionList);
    item->setData(Qt::UserRole, sectionKeys().at(static_cast<int>(section)));
    item->setSizeHint(QSize(0, 38));
    m_sectionStack->addWidget(page);
}

QWidget* MainWindow::buildHouseholdsPage()
{
    auto* page = new QWidget(m_sectionStack);
    page->setObjectName(QStringLiteral("householdsPage"));
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(28, 24, 28, 20);
    layout->setSpacing(10);

    auto* header = new QHBoxLayout();
    header->addWidget(makeHeading(tr("Households"), page));
    header->addStretch(1);
    m_householdCount = new QLabel(page);
    m_householdCount->setObjectName(QStringLiteral("householdCountLabel"));
    header->addWidget(m_householdCount, 0, Qt::AlignBottom);
    layout->addLayout(header);

    auto* note = new QLabel(tr("The households of the programme, by code. Searching, enrolling and editing "
                               "households come with the next versions."),
                            page);
    note->setWordWrap(true);
    layout->addWidget(note);

    m_householdError = new QLabel(page);
    m_householdError->setObjectName(QStringLiteral("householdErrorLabel"));
    m_householdError->setWordWrap(true);
    m_householdError->setStyleSheet(QStringLiteral("color: #b3261e;"));
    m_householdError->hide();
    layout->addWidget(m_householdError);

    m_householdModel = new HouseholdTableModel(this);
    m_householdModel->setObjectName(QStringLiteral("householdModel"));
    m_householdProxy = new QSortFilterProxyModel(this);
    m_householdProxy->setObjectName(QStringLiteral("householdProxy"));
    m_householdProxy->setSourceModel(m_householdModel);
    m_householdProxy->setSortRole(HouseholdTableModel::SortRole);
    m_householdProxy->setSortLocaleAware(true);

    m_householdTable = new QTableView(page);
    m_householdTable->setObjectName(QStringLiteral("householdTable"));
    m_householdTable->setModel(m_householdProxy);
    m_householdTable->setSortingEnabled(true);
    m_householdTable->sortByColumn(HouseholdTableModel::CodeColumn, Qt::AscendingOrder);
    m_householdTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_householdTable->setSelectionMode(QAbstractItemView::SingleSelection);
    m_householdTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_householdTable->setAlternatingRowColors(true);
    m_householdTable->setWordWrap(false);
    m_householdTable->verticalHeader()->hide();
    m_householdTable->verticalHeader()->setDefaultSectionSize(m_householdTable->fontMetrics().height() + 10);
    m_householdTable->horizontalHeader()->setHighlightSections(false);
    m_householdTable->horizontalHeader()->setStretchLastSection(true);
    m_householdTable->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_householdTable->setColumnWidth(HouseholdTableModel::CodeColumn, 130);
    m_householdTable->setColumnWidth(HouseholdTableModel::CommuneColumn, 320);
    m_householdTable->setColumnWidth(HouseholdTableModel::StatusColumn, 160);
    layout->addWidget(m_householdTable, 1);
    return page;
}

QWidget* MainWindow::buildPlaceholderPage(const QString& objectName, const QString& iconName,
                                          const QString& title, const QString& description)
{
    auto* page = new QWidget(m_sectionStack);
    page->setObjectName(objectName);
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(28, 24, 28, 24);
    layout->setSpacing(12);

    auto* header = new QHBoxLayout();
    header->setSpacing(12);
    auto* icon = new QLabel(page);
    icon->setPixmap(sectionIcon(iconName).pixmap(QSize(36, 36)));
    header->addWidget(icon);
    header->addWidget(makeHeading(title, page));
    auto* badge = new QLabel(tr("Coming soon"), page);
    badge->setObjectName(QStringLiteral("comingSoonLabel"));
    badge->setStyleSheet(
        QStringLiteral("QLabel#comingSoonLabel { color: #7a4f01; background: #fff4d6; "
                       "border: 1px solid #f0d58c; border-radius: 9px; padding: 2px 10px; }"));
    header->addWidget(badge, 0, Qt::AlignVCenter);
    header->addStretch(1);
    layout->addLayout(header);

    auto* text = new QLabel(description, page);
    text->setObjectName(QStringLiteral("placeholderText"));
    text->setWordWrap(true);
    text->setMaximumWidth(720);
    layout->addWidget(text);

    auto* later = new QLabel(tr("This section is not available in this version of Cabas yet."), page);
    later->setEnabled(false);
    layout->addWidget(later);
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
    return static_cast<Section>(qMax(0, m_sectionStack->currentIndex()));
}

void MainWindow::setDatabase(std::unique_ptr<store::Database> db)
{
    m_householdModel->setDatabase(nullptr); // never refer to a database being closed
    m_db = std::move(db);
    reload();
}

void MainWindow::reload()
{
    m_homePage->reload(m_db.get());
    m_householdError->hide();
    try {
        m_householdModel->setDatabase(m_db.get());
    } catch (const Error& e) {
        m_householdError->setText(tr("Cannot read the households: %1").arg(e.message()));
        m_householdError->show();
    }
    const int count = m_householdModel->rowCount();
    m_householdCount->setText(tr("Total: %1").arg(QLocale().toString(count)));
    updateTitleAndStatus();
}

void MainWindow::updateTitleAndStatus()
{
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
    setWindowTitle(programmeName.isEmpty() ? QStringLiteral("Cabas") : tr("Cabas — %1").arg(programmeName));
    // displayName() never contains a password.
    const QString where = m_db->spec().displayName();
    m_databaseStatus->setText(m_db->backend() == store::Backend::Postgres
                                  ? tr("PostgreSQL database: %1").arg(where)
                                  : tr("Database: %1").arg(where));
    m_schemaStatus->setText(tr("Schema version %1").arg(schema));
}

void MainWindow::restoreWindowState()
{
    const QByteArray geometry = QSettings().value(kGeometryKey).toByteArray();
    if (!geometry.isEmpty())
        restoreGeometry(geometry);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    QSettings().setValue(kGeometryKey, saveGeometry());
    QMainWindow::closeEvent(event);
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
    if (!db)
        return;
    DatabaseSettings::remember(db->spec());
    setDatabase(std::move(db));
    showSection(Section::Home);
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
    DatabaseSettings::remember(db->spec());
    setDatabase(std::move(db));
    showSection(Section::Home);
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
    auto db = dialog.takeDatabase();
    if (!db)
        return;
    DatabaseSettings::remember(db->spec());
    setDatabase(std::move(db));
    showSection(Section::Home);
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
