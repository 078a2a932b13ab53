#pragma once

#include "security/Session.h"
#include "store/Database.h"

#include <QDialog>
#include <atomic>
#include <memory>
#include <optional>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QThread;

namespace cabas::ui {

// The ledger sync from the desktop (administrators): the feed's address (kept in the settings), the token
// (kept in a file readable only by the user under the app's config folder — never in the settings: QtKeychain
// is not available), "Sync now" running the SyncEngine on a worker thread with its own database connection,
// progress and Cancel (the window never freezes), and each feed's last sync status.
class SyncDialog : public QDialog
{
    Q_OBJECT
  public:
    SyncDialog(const store::Database& db, const std::optional<Session>& session, QWidget* parent = nullptr);
    ~SyncDialog() override;

    void startSync();
    void cancelSync();
    bool running() const { return m_thread != nullptr; }

    // Where the token is kept, and the token kept there (empty when none).
    static QString tokenFilePath();
    static QString storedToken();
    // Writes the token file (owner read/write only). Throws cabas::Error when it cannot.
    static void storeToken(const QString& token);
    static QString storedUrl();

  signals:
    void finished(bool ok, const QString& message);

  private:
    void refreshStatus();
    void done(bool ok, const QString& message);
    void setRunning(bool running);

    const store::Database& m_db;
    std::optional<Session> m_session;
    QLineEdit* m_url = nullptr;
    QLineEdit* m_token = nullptr;
    QPushButton* m_sync = nullptr;
    QPushButton* m_cancel = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_progressText = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_result = nullptr;
    QThread* m_thread = nullptr;
    std::shared_ptr<std::atomic_bool> m_cancelFlag;
};

} // namespace cabas::ui
