#pragma once

#include "domain/Workshop.h"
#include "security/Session.h"
#include "store/Database.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTimeEdit;

namespace cabas::ui {

// Creates or edits a workshop; saves through WorkshopService and stays open with the core's message when it
// refuses (nothing is changed then).
class WorkshopEditorDialog : public QDialog
{
    Q_OBJECT
  public:
    WorkshopEditorDialog(const store::Database& db, Session session, const Workshop& workshop,
                         QWidget* parent = nullptr);
    const Workshop& workshop() const { return m_workshop; }
    void accept() override;

  private:
    const store::Database& m_db;
    Session m_session;
    Workshop m_workshop;
    QComboBox* m_type = nullptr;
    QLineEdit* m_title = nullptr;
    QDateEdit* m_date = nullptr;
    QCheckBox* m_hasTime = nullptr;
    QTimeEdit* m_start = nullptr;
    QTimeEdit* m_end = nullptr;
    QLineEdit* m_place = nullptr;
    QLineEdit* m_partner = nullptr;
    QSpinBox* m_capacity = nullptr;
    QPlainTextEdit* m_notes = nullptr;
    QLabel* m_error = nullptr;
};

// Registers persons for a workshop: search by name or code (accent-insensitive, as in the household list),
// then register the one chosen; a full workshop puts them on the waiting list. Stays open for the next one.
class RegisterPersonsDialog : public QDialog
{
    Q_OBJECT
  public:
    RegisterPersonsDialog(const store::Database& db, Session session, qint64 workshopId,
                          QWidget* parent = nullptr);
    void search(const QString& text);
    // Registers the person selected in the results; false (and the message shown) when refused.
    bool registerSelected();
    int registeredCount() const { return m_done; }

  signals:
    void registered();

  private:
    const store::Database& m_db;
    Session m_session;
    qint64 m_workshopId;
    QLineEdit* m_search = nullptr;
    QListWidget* m_results = nullptr;
    QPushButton* m_register = nullptr;
    QLabel* m_message = nullptr;
    int m_done = 0;
};

// The tick-list of the day: one check box per person with a place, ticked = present. Saves every tick at
// once.
class TickListDialog : public QDialog
{
    Q_OBJECT
  public:
    TickListDialog(const store::Database& db, Session session, qint64 workshopId, QWidget* parent = nullptr);
    QListWidget* list() const { return m_list; }
    void accept() override;

  private:
    const store::Database& m_db;
    Session m_session;
    qint64 m_workshopId;
    QListWidget* m_list = nullptr;
    QLabel* m_count = nullptr;
    QLabel* m_error = nullptr;
    void updateCount();
};

// Imports attendance.csv (io::AttendanceImport) from the desktop: choose the file, see every located problem;
// Import is enabled only when the check found none. All or nothing, like `cabas-cli import attendance`.
class AttendanceImportDialog : public QDialog
{
    Q_OBJECT
  public:
    AttendanceImportDialog(const store::Database& db, Session session, QWidget* parent = nullptr);
    // Reads and checks `path` (nothing written); true when it can be imported.
    bool setFile(const QString& path);
    // Imports the checked file; true when it was written.
    bool runImport();
    bool imported() const { return m_imported; }

  private:
    const store::Database& m_db;
    Session m_session;
    QString m_path;
    QLineEdit* m_file = nullptr;
    QListWidget* m_problems = nullptr;
    QLabel* m_summary = nullptr;
    QPushButton* m_import = nullptr;
    bool m_imported = false;
};

} // namespace cabas::ui
