#pragma once

#include "store/Database.h"

#include <QMainWindow>
#include <memory>

class QLabel;
class QListWidget;
class QStackedWidget;
class QSortFilterProxyModel;
class QTableView;

namespace cabas::ui {

class HomePage;
class HouseholdTableModel;

// The desktop app's main window: the sections on the left (home, households, health follow-up, workshops,
// card ledger, cohort, administration), the current one on the right, the database in the status bar.
// It owns the open database.
class MainWindow : public QMainWindow
{
    Q_OBJECT
  public:
    enum class Section
    {
        Home,
        Households,
        Health,
        Workshops,
        Ledger,
        Cohort,
        Administration
    };

    explicit MainWindow(std::unique_ptr<store::Database> db, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Replaces the open database (nullptr: none) and shows what the new one holds.
    void setDatabase(std::unique_ptr<store::Database> db);
    const store::Database* database() const { return m_db.get(); }
    // Reads everything shown again from the database.
    void reload();

    void showSection(Section section);
    Section currentSection() const;
    // Stable names for scripts (--section): home, households, health, workshops, ledger, cohort,
    // administration.
    static QStringList sectionKeys();
    bool showSection(const QString& key);

    HouseholdTableModel* householdModel() const { return m_householdModel; }

    // The window's size and position from the previous session (QSettings), if any.
    void restoreWindowState();

  protected:
    void closeEvent(QCloseEvent* event) override;

  private:
    void buildMenus();
    void buildSections();
    QWidget* buildHouseholdsPage();
    QWidget* buildPlaceholderPage(const QString& objectName, const QString& iconName, const QString& title,
                                  const QString& description);
    void addSection(Section section, const QString& iconName, const QString& title, QWidget* page);
    void updateTitleAndStatus();

    void newDatabase();
    void openDatabase();
    void connectPostgres();
    void chooseLanguage(const QString& language);
    void about();

    std::unique_ptr<store::Database> m_db;
    QListWidget* m_sectionList = nullptr;
    QStackedWidget* m_sectionStack = nullptr;
    HomePage* m_homePage = nullptr;
    HouseholdTableModel* m_householdModel = nullptr;
    QSortFilterProxyModel* m_householdProxy = nullptr;
    QTableView* m_householdTable = nullptr;
    QLabel* m_householdCount = nullptr;
    QLabel* m_householdError = nullptr;
    QLabel* m_databaseStatus = nullptr;
    QLabel* m_schemaStatus = nullptr;
};

} // namespace cabas::ui
