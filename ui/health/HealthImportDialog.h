#pragma once

#include "security/Session.h"
#include "store/Database.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace cabas::ui {

// Imports checkups.csv or questionnaires.csv (io::HealthImport) from the desktop: choose the kind and the
// file, see the file's rows and every located problem ("file:line: column: message"); Import is enabled only
// when the check found no problem, shows its progress and then what it did. All or nothing, like the command
// line.
class HealthImportDialog : public QDialog
{
    Q_OBJECT
  public:
    enum class Kind
    {
        Checkups,
        Questionnaires
    };

    HealthImportDialog(const store::Database& db, const Session& session, Kind kind,
                       QWidget* parent = nullptr);

    Kind kind() const;
    void setKind(Kind kind);
    // Reads and checks `path` (nothing written); true when it can be imported.
    bool setFile(const QString& path);
    // Imports the checked file; true when it was written.
    bool runImport();
    int imported() const { return m_imported; }

  private:
    void recheck();
    void showPreview(const QString& path);

    const store::Database& m_db;
    const Session m_session;
    QString m_path;
    bool m_clean = false;
    int m_imported = 0;

    QComboBox* m_kind = nullptr;
    QLineEdit* m_file = nullptr;
    QTableWidget* m_preview = nullptr;
    QListWidget* m_errors = nullptr;
    QLabel* m_summary = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_import = nullptr;
};

} // namespace cabas::ui
