#pragma once

#include "security/Session.h"
#include "store/Backup.h"

#include <QObject>
#include <QPointer>
#include <atomic>
#include <memory>
#include <optional>

class QAction;
class QFrame;
class QLabel;
class QProgressDialog;
class QThread;
class QWidget;

namespace cabas::ui {

// Backups from the desktop (administrators): the File menu's "Back up the database…" action, a reminder in
// the status bar when the last backup is more than a week old, and the backup itself on a worker thread with
// its own database connection, a progress dialog and Cancel, so the window never freezes.
class BackupController : public QObject
{
    Q_OBJECT
  public:
    explicit BackupController(QWidget* window);
    ~BackupController() override;

    QAction* action() const { return m_action; }
    QWidget* reminder() const;

    // The database and session the window shows now (the database outlives the next call).
    void setContext(const store::Database* db, const std::optional<Session>& session);

    // Asks where to write, then backs up.
    void backUp();
    // Backs up to `file` (tests call it directly); finished() tells the outcome.
    void backUpTo(const QString& file);
    bool running() const { return m_thread != nullptr; }
    void cancel();

  signals:
    void finished(bool ok, const QString& message);

  private:
    void refresh();
    void done(bool ok, const QString& message);

    QWidget* m_window;
    QAction* m_action = nullptr;
    QFrame* m_reminder = nullptr;
    QLabel* m_reminderText = nullptr;
    const store::Database* m_db = nullptr;
    std::optional<Session> m_session;
    QThread* m_thread = nullptr;
    QPointer<QProgressDialog> m_progress;
    std::shared_ptr<std::atomic_bool> m_cancel;
};

} // namespace cabas::ui
