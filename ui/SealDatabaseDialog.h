#pragma once

#include "security/Session.h"
#include "setup/Sealing.h"
#include "store/Database.h"

#include <QDialog>
#include <atomic>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QThread;

namespace cabas::ui {

// Offered to an administrator who logs in to a clear database, or to one whose health tables are still clear
// (docs/encryption.md, step 5): what sealing does, the recovery key when the health tables need it (their key
// is held by the nurses; Sealing::Plan), where the backup taken first goes, the administrator's password
// again, then the work in a worker thread on a connection of its own (the window stays responsive) with its
// progress and Cancel. A refusal or a failure is shown in the dialog, which stays open; after accept(),
// result() holds the checked sealed copy (SQLite): the caller closes its connection and calls
// Sealing::install, then shows the recovery key and the temporary passwords (TemporaryPasswordsDialog) and
// asks everyone to log in again.
class SealDatabaseDialog : public QDialog
{
    Q_OBJECT
  public:
    SealDatabaseDialog(const store::Database& db, const Session& admin, QWidget* parent = nullptr);
    ~SealDatabaseDialog() override;

    const Sealing::Result& sealingResult() const { return m_result; }
    QString errorMessage() const;
    bool running() const { return m_thread != nullptr; }

  public slots:
    void reject() override;

  private:
    void start();
    void cancel();
    void showProgress(Sealing::Phase phase, qint64 done, qint64 total);
    void finished(const Sealing::Result& result);
    void failed(const QString& message);
    void setRunning(bool running);

    const store::Database& m_db;
    Session m_admin;
    Sealing::Result m_result;
    QLabel* m_error = nullptr;
    QLineEdit* m_backup = nullptr;
    QLineEdit* m_password = nullptr;
    QLineEdit* m_recoveryKey = nullptr; // only when the plan needs it
    Sealing::Plan m_plan;
    QLabel* m_phase = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_seal = nullptr;
    QPushButton* m_later = nullptr;
    QPushButton* m_cancel = nullptr;
    QThread* m_thread = nullptr;
    std::atomic<bool> m_cancelled{false};
    bool m_closeWhenStopped = false;
};

} // namespace cabas::ui
