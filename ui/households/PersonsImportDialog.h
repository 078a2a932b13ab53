#pragma once

#include "io/PersonsImport.h"
#include "security/Session.h"
#include "store/Database.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTableWidget;

namespace cabas::ui {

// Importing persons.csv in the app: choose the file; it is checked at once (nothing written) and shown — a
// preview of its rows, the list of located errors ("file:line: column: message") and what the import would
// do; the Import button is enabled only for a file without errors, and writes it all or nothing.
class PersonsImportDialog : public QDialog
{
    Q_OBJECT
  public:
    static constexpr int kPreviewRows = 500;

    PersonsImportDialog(const store::Database& db, const Session& session, QWidget* parent = nullptr);

    // Checks a file (what choosing it does); true when it can be imported.
    bool setFile(const QString& path);
    // Imports the checked file; true when written.
    bool runImport();
    const io::ImportReport& report() const { return m_report; }

  signals:
    void imported();

  private:
    void fillPreview(const QString& path);

    const store::Database& m_db;
    const Session m_session;
    QString m_path;
    io::ImportReport m_report;

    QLineEdit* m_file = nullptr;
    QTableWidget* m_preview = nullptr;
    QListWidget* m_errors = nullptr;
    QLabel* m_summary = nullptr;
    QPushButton* m_import = nullptr;
};

} // namespace cabas::ui
