#include "BackupController.h"

#include "Theme.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "security/Access.h"
#include "services/BackupService.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>
#include <QStandardPaths>
#include <QThread>

namespace cabas::ui {

BackupController::BackupController(QWidget* window) : QObject(window), m_window(window)
{
    m_action = new QAction(tr("&Back up the database…"), this);
    m_action->setObjectName(QStringLiteral("backupAction"));
    m_action->setStatusTip(
        tr("Write a complete, consistent copy of the database to a file (administrators)."));
    connect(m_action, &QAction::triggered, this, &BackupController::backUp);

    m_reminder = new QFrame(window);
    m_reminder->setObjectName(QStringLiteral("backupReminder"));
    auto* layout = new QHBoxLayout(m_reminder);
    layout->setContentsMargins(0, 0, 0, 0);
    // A short text in the status bar (the database's path keeps its room); the details in the tooltip.
    m_reminderText = new QLabel(m_reminder);
    m_reminderText->setObjectName(QStringLiteral("backupReminderText"));
    theme::setTone(m_reminderText, theme::Tone::Warning, theme::Shape::Badge);
    m_reminderText->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_reminderText);
    auto* now = new QPushButton(tr("Back up now"), m_reminder);
    now->setObjectName(QStringLiteral("backupNowButton"));
    now->setFlat(true);
    now->setAccessibleName(tr("Back up the database now"));
    connect(now, &QPushButton::clicked, this, &BackupController::backUp);
    layout->addWidget(now);
    m_reminder->hide();
    m_action->setEnabled(false);
}

BackupController::~BackupController()
{
    if (m_thread) {
        m_cancel->store(true);
        m_thread->wait();
    }
}

QWidget* BackupController::reminder() const
{
    return m_reminder;
}

void BackupController::setContext(const store::Database* db, const std::optional<Session>& session)
{
    m_db = db;
    m_session = session;
    refresh();
}

void BackupController::refresh()
{
    const bool admin =
        m_db && m_session && AccessPolicy::allows(m_session->role(), DataKind::Administration, Action::Write);
    m_action->setEnabled(admin && !running());
    bool due = false;
    QString text;
    QString details;
    if (admin) {
        try {
            due = store::Backup::reminderDue(*m_db, Clock::instance().nowUtc());
            const QDateTime last = store::Backup::lastBackupAt(*m_db);
            text = last.isValid() ? tr("Backup overdue") : tr("No backup yet");
            details = last.isValid()
                          ? tr("Last backup: %1. Back up at least once a week.")
                                .arg(QLocale().toString(last.toLocalTime().date(), QLocale::LongFormat))
                          : tr("This database has never been backed up.");
        } catch (const Error&) {
            due = false;
        }
    }
    m_reminderText->setText(text);
    m_reminderText->setToolTip(details);
    m_reminder->setToolTip(details);
    m_reminder->setAccessibleName(text);
    m_reminder->setAccessibleDescription(details);
    m_reminder->setVisible(due && !running());
}

void BackupController::backUp()
{
    if (!m_db || running())
        return;
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString suggested = QDir(folder).filePath(
        QStringLiteral("cabas-%1.cabas-backup").arg(Clock::instance().today().toString(Qt::ISODate)));
    const QString file = QFileDialog::getSaveFileName(m_window, tr("Back up the database"), suggested,
                                                      tr("Cabas backups (*.cabas-backup);;All files (*)"));
    if (!file.isEmpty())
        backUpTo(file);
}

void BackupController::backUpTo(const QString& file)
{
    if (!m_db || !m_session || running())
        return;
    m_cancel = std::make_shared<std::atomic_bool>(false);
    m_progress = new QProgressDialog(tr("Backing up the database…"), tr("Cancel"), 0, 100, m_window);
    m_progress->setObjectName(QStringLiteral("backupProgress"));
    m_progress->setWindowTitle(tr("Backup"));
    m_progress->setMinimumDuration(300);
    m_progress->setAutoClose(false);
    m_progress->setAutoReset(false);
    m_progress->setValue(0);
    connect(m_progress, &QProgressDialog::canceled, this, &BackupController::cancel);

    // The worker opens its own connection: a Qt SQL connection belongs to the thread that opened it.
    const store::Database* db = m_db;
    const Session session = *m_session;
    const auto cancelFlag = m_cancel;
    QPointer<BackupController> self(this);
    m_thread = QThread::create([=] {
        bool ok = false;
        QString message;
        try {
            auto connection = db->reopen();
            const store::BackupResult r =
                BackupService(*connection, session).backup(file, [&](qint64 done, qint64 total) {
                    if (total > 0 && self)
                        QMetaObject::invokeMethod(self.data(), [self, done, total] {
                            if (self && self->m_progress)
                                self->m_progress->setValue(int(done * 100 / total));
                        });
                    return !cancelFlag->load();
                });
            ok = true;
            message = tr("Backup written to %1 (%2).")
                          .arg(QDir::toNativeSeparators(r.file), QLocale().formattedDataSize(r.bytes));
        } catch (const Error& e) {
            message = e.message();
        } catch (const std::exception& e) {
            message = QString::fromLocal8Bit(e.what());
        }
        if (self)
            QMetaObject::invokeMethod(self.data(), [self, ok, message] {
                if (self)
                    self->done(ok, message);
            });
    });
    m_thread->setObjectName(QStringLiteral("cabas-backup"));
    m_action->setEnabled(false);
    m_reminder->hide();
    m_thread->start();
}

void BackupController::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
}

void BackupController::done(bool ok, const QString& message)
{
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
    }
    if (m_progress) {
        m_progress->close();
        m_progress->deleteLater();
    }
    refresh();
    auto* box = new QMessageBox(ok ? QMessageBox::Information : QMessageBox::Warning, tr("Backup"), message,
                                QMessageBox::Ok, m_window);
    box->setObjectName(QStringLiteral("backupResultBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    emit finished(ok, message);
}

} // namespace cabas::ui
