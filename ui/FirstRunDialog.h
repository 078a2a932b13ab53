#pragma once

#include "security/Session.h"
#include "store/Database.h"

#include <QDialog>
#include <memory>
#include <optional>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QRadioButton;
class QPushButton;
class QSpinBox;
class QStackedWidget;

namespace cabas::ui {

class ProgrammeEditor;

// Where the desktop app gets its database: shown at start when none is remembered or the remembered one does
// not open, and from the File menu. Three choices: create a new local database (with its programme and first
// administrator, through Setup::initDatabase), open an existing file, connect to a PostgreSQL database.
// Field problems are shown next to the fields; a cabas::Error is shown in the dialog, which stays open.
// After accept(), takeDatabase() hands over the open database; after creating one, takeSession() hands over
// the session of its first administrator, logged in with the password just chosen (no session after opening
// or connecting: the caller asks for a login). A new database's recovery key is shown once in a
// RecoveryKeyDialog, which must be confirmed before this dialog is accepted.
class FirstRunDialog : public QDialog
{
    Q_OBJECT
  public:
    enum class Mode
    {
        CreateLocal,
        OpenLocal,
        ConnectPostgres
    };

    explicit FirstRunDialog(QWidget* parent = nullptr);
    ~FirstRunDialog() override;

    void setMode(Mode mode);
    Mode mode() const;
    // A sentence above the choices (what brought the user here).
    void setIntroText(const QString& text);
    // A problem to show at the top, such as why the remembered database did not open; empty hides it.
    void setErrorMessage(const QString& message);
    QString errorMessage() const;
    // Fills the fields from a database location (never shows its password) and selects the matching mode.
    void prefill(const store::DatabaseSpec& spec);

    std::unique_ptr<store::Database> takeDatabase();
    std::optional<Session> takeSession();

  public slots:
    void accept() override;

  protected:
    void changeEvent(QEvent* event) override;

  private:
    QWidget* buildCreatePage();
    QWidget* buildOpenPage();
    QWidget* buildPostgresPage();
    QLabel* addMessageLabel(const QString& objectName);
    QLineEdit* addLineEdit(const QString& objectName);
    static void showMessage(QLabel* label, const QString& message);
    void updateOkButton();
    void growToFit();
    void updatePasswordHints();
    void browseCreatePath();
    void browseOpenPath();

    bool validateCreate();
    bool validateOpen();
    bool validatePostgres();
    void doCreate();
    void doOpen();
    void doConnect();

    QLabel* m_heading = nullptr;
    QLabel* m_intro = nullptr;
    QLabel* m_error = nullptr;
    QRadioButton* m_createRadio = nullptr;
    QRadioButton* m_openRadio = nullptr;
    QRadioButton* m_postgresRadio = nullptr;
    QStackedWidget* m_pages = nullptr;
    QDialogButtonBox* m_buttons = nullptr;

    QLineEdit* m_createPath = nullptr;
    QLabel* m_createPathMessage = nullptr;
    QLineEdit* m_programmeName = nullptr;
    QLabel* m_programmeNameMessage = nullptr;
    ProgrammeEditor* m_programmeEditor = nullptr;
    QPushButton* m_programmeToggle = nullptr;
    QLineEdit* m_adminLogin = nullptr;
    QLabel* m_adminLoginMessage = nullptr;
    QLineEdit* m_password = nullptr;
    QLabel* m_passwordMessage = nullptr;
    QLineEdit* m_passwordConfirm = nullptr;
    QCheckBox* m_sealFields = nullptr;
    QLabel* m_passwordConfirmMessage = nullptr;

    QLineEdit* m_openPath = nullptr;
    QLabel* m_openPathMessage = nullptr;

    QLineEdit* m_pgHost = nullptr;
    QSpinBox* m_pgPort = nullptr;
    QLineEdit* m_pgDatabase = nullptr;
    QLineEdit* m_pgUser = nullptr;
    QLineEdit* m_pgPassword = nullptr;
    QLabel* m_pgMessage = nullptr;

    std::unique_ptr<store::Database> m_database;
    std::optional<Session> m_session;
    QString m_recoveryKey; // of the database just created, until it is shown
};

} // namespace cabas::ui
