#include "SealDatabaseDialog.h"

#include "Theme.h"
#include "common/Clock.h"
#include "common/Error.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QThread>
#include <QVBoxLayout>

namespace cabas::ui {

namespace {
QString phaseText(Sealing::Phase phase, bool social)
{
    switch (phase) {
    case Sealing::Phase::Backup:
        return SealDatabaseDialog::tr("Writing the backup…");
    case Sealing::Phase::Copy:
        return SealDatabaseDialog::tr("Copying the database…");
    case Sealing::Phase::Keys:
        return SealDatabaseDialog::tr("Making the keys and the users' temporary passwords…");
    case Sealing::Phase::Rewrite:
        return social ? SealDatabaseDialog::tr("Encrypting names, addresses and notes…")
                      : SealDatabaseDialog::tr("Encrypting the health data…");
    case Sealing::Phase::Vacuum:
        return SealDatabaseDialog::tr("Compacting the encrypted copy…");
    case Sealing::Phase::Verify:
        return SealDatabaseDialog::tr("Checking the encrypted copy…");
    case Sealing::Phase::Replace:
        return SealDatabaseDialog::tr("Replacing the database…");
    }
    return QString();
}
} // namespace

SealDatabaseDialog::SealDatabaseDialog(const store::Database& db, const Session& admin, QWidget* parent)
    : QDialog(parent), m_db(db), m_admin(admin), m_plan(Sealing::plan(db))
{
    setObjectName(QStringLiteral("sealDatabaseDialog"));
    setWindowTitle(tr("Encrypt the personal data"));
    setMinimumWidth(560);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(20, 20, 20, 16);
    layout->setSpacing(12);

    auto* heading = new QLabel(m_plan.social ? tr("This database keeps names and addresses in clear")
                                             : tr("This database keeps its health data in clear"),
                               this);
    heading->setObjectName(QStringLiteral("sealHeading"));
    QFont headingFont = heading->font();
    if (headingFont.pointSizeF() > 0)
        headingFont.setPointSizeF(headingFont.pointSizeF() * 1.3);
    headingFont.setBold(true);
    heading->setFont(headingFont);
    layout->addWidget(heading);

    auto* explanation = new QLabel(
        m_plan.social
            ? tr("Anyone with a copy of the file can read the names, birth dates, addresses and notes of the "
                 "households. Cabas can encrypt them now: it first writes a backup, then an encrypted copy, "
                 "checks it and puts it in the database's place. The other users then get a temporary "
                 "password "
                 "each, shown once at the end, to hand over in person. Nobody else must be using the "
                 "database "
                 "meanwhile; it takes a few seconds per 10,000 households.")
            : tr("Names, addresses and notes are encrypted, but anyone with a copy of the file can read the "
                 "checkups, questionnaires and support notes. Cabas can encrypt them with the recovery key: "
                 "it "
                 "first writes a backup, then an encrypted copy, checks it and puts it in the database's "
                 "place. Nobody else must be using the database meanwhile."),
        this);
    explanation->setObjectName(QStringLiteral("sealExplanation"));
    explanation->setWordWrap(true);
    layout->addWidget(explanation);

    auto* form = new QFormLayout();
    m_backup = new QLineEdit(this);
    m_backup->setObjectName(QStringLiteral("backupPathEdit"));
    m_backup->setText(
        QDir::toNativeSeparators(Sealing::defaultBackupFile(db.spec(), Clock::instance().nowUtc())));
    auto* backupLabel = new QLabel(tr("&Backup written first"), this);
    backupLabel->setBuddy(m_backup);
    form->addRow(backupLabel, m_backup);
    auto* backupHint = new QLabel(tr("The backup still holds everything in clear: keep it locked away and "
                                     "destroy it once the encrypted database is checked."),
                                  this);
    backupHint->setObjectName(QStringLiteral("backupHint"));
    backupHint->setWordWrap(true);
    form->addRow(QString(), backupHint);
    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("passwordEdit"));
    m_password->setEchoMode(QLineEdit::Password);
    auto* passwordLabel = new QLabel(tr("Your &password again"), this);
    passwordLabel->setBuddy(m_password);
    form->addRow(passwordLabel, m_password);
    if (m_plan.needsRecoveryKey()) {
        // The health key is the nurses': only the recovery key (whose slot holds it) opens it here.
        m_recoveryKey = new QLineEdit(this);
        m_recoveryKey->setObjectName(QStringLiteral("recoveryKeyEdit"));
        m_recoveryKey->setPlaceholderText(QStringLiteral("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX"));
        auto* recoveryLabel = new QLabel(tr("&Recovery key"), this);
        recoveryLabel->setBuddy(m_recoveryKey);
        form->addRow(recoveryLabel, m_recoveryKey);
        auto* recoveryHint = new QLabel(
            m_plan.social
                ? tr("The health data is encrypted with the nurses' key, which an administrator never "
                     "holds: type the recovery key printed when the database was made (or at its latest "
                     "replacement) to encrypt it "
                     "too. Left empty, the health data stays clear until you seal it with the key.")
                : tr("The recovery key printed when the database was made (or at its latest replacement): "
                     "the health data is "
                     "encrypted with the nurses' key, which only it opens for an administrator."),
            this);
        recoveryHint->setObjectName(QStringLiteral("recoveryKeyHint"));
        recoveryHint->setWordWrap(true);
        layout->addLayout(form);
        // Under the form, across the dialog: a wrapped label in a form's field column may be cut short.
        layout->addWidget(recoveryHint);
    } else
        layout->addLayout(form);

    m_phase = new QLabel(this);
    m_phase->setObjectName(QStringLiteral("phaseLabel"));
    m_phase->hide();
    layout->addWidget(m_phase);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("sealProgress"));
    m_progress->setAccessibleName(tr("Progress of the encryption"));
    m_progress->hide();
    layout->addWidget(m_progress);

    m_error = theme::errorBox(this, QStringLiteral("errorLabel"));
    layout->addWidget(m_error);

    auto* buttons = new QDialogButtonBox(this);
    m_seal = buttons->addButton(tr("&Encrypt now"), QDialogButtonBox::AcceptRole);
    m_seal->setObjectName(QStringLiteral("sealButton"));
    m_seal->setDefault(true);
    m_later = buttons->addButton(tr("&Not now"), QDialogButtonBox::RejectRole);
    m_later->setObjectName(QStringLiteral("laterButton"));
    m_cancel = buttons->addButton(tr("&Cancel"), QDialogButtonBox::ActionRole);
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_cancel->hide();
    connect(m_seal, &QPushButton::clicked, this, &SealDatabaseDialog::start);
    connect(m_later, &QPushButton::clicked, this, &SealDatabaseDialog::reject);
    connect(m_cancel, &QPushButton::clicked, this, &SealDatabaseDialog::cancel);
    layout->addWidget(buttons);
    m_password->setFocus();
}

SealDatabaseDialog::~SealDatabaseDialog()
{
    if (m_thread) {
        m_cancelled = true;
        m_thread->wait();
        delete m_thread;
    }
}

QString SealDatabaseDialog::errorMessage() const
{
    return m_error->isVisible() || !m_error->isHidden() ? m_error->text() : QString();
}

void SealDatabaseDialog::reject()
{
    if (m_thread) {
        cancel(); // Escape while it runs cancels, and the dialog closes once the work has stopped
        m_closeWhenStopped = true;
        return;
    }
    QDialog::reject();
}

void SealDatabaseDialog::setRunning(bool running)
{
    m_backup->setEnabled(!running);
    m_password->setEnabled(!running);
    if (m_recoveryKey)
        m_recoveryKey->setEnabled(!running);
    m_seal->setVisible(!running);
    m_later->setVisible(!running);
    m_cancel->setVisible(running);
    m_cancel->setEnabled(running);
    m_phase->setVisible(running);
    m_progress->setVisible(running);
    if (running)
        m_cancel->setFocus();
}

void SealDatabaseDialog::start()
{
    if (m_thread)
        return;
    if (m_password->text().isEmpty()) {
        failed(tr("Type your password again to encrypt the database."));
        m_password->setFocus();
        return;
    }
    if (m_recoveryKey && !m_plan.social && m_recoveryKey->text().trimmed().isEmpty()) {
        failed(tr("Type the recovery key to encrypt the health data."));
        m_recoveryKey->setFocus();
        return;
    }
    m_error->hide();
    m_cancelled = false;
    Sealing::Options options;
    options.password = m_password->text();
    if (m_recoveryKey)
        options.recoveryKey = m_recoveryKey->text();
    options.backupFile = QDir::fromNativeSeparators(m_backup->text().trimmed());
    options.progress = [this](Sealing::Phase phase, qint64 done, qint64 total) {
        QMetaObject::invokeMethod(
            this, [this, phase, done, total] { showProgress(phase, done, total); }, Qt::QueuedConnection);
        return !m_cancelled.load();
    };
    m_password->clear();
    if (m_recoveryKey)
        m_recoveryKey->clear();
    setRunning(true);
    showProgress(Sealing::Phase::Backup, 0, 0);
    const store::Database* db = &m_db;
    const Session admin = m_admin;
    m_thread = QThread::create([this, db, admin, options] {
        try {
            // A connection of this thread's own (a Database belongs to the thread that opened it).
            auto connection = db->reopen();
            const Sealing::Result r = Sealing::prepare(*connection, admin, options);
            QMetaObject::invokeMethod(
                this, [this, r] { finished(r); }, Qt::QueuedConnection);
        } catch (const Error& e) {
            const QString message = e.message();
            QMetaObject::invokeMethod(
                this, [this, message] { failed(message); }, Qt::QueuedConnection);
        } catch (const std::exception& e) {
            const QString message = QString::fromLocal8Bit(e.what());
            QMetaObject::invokeMethod(
                this, [this, message] { failed(message); }, Qt::QueuedConnection);
        }
    });
    m_thread->start();
}

void SealDatabaseDialog::cancel()
{
    m_cancelled = true;
    m_cancel->setEnabled(false);
    m_phase->setText(tr("Cancelling…"));
}

void SealDatabaseDialog::showProgress(Sealing::Phase phase, qint64 done, qint64 total)
{
    if (!m_thread || m_cancelled)
        return;
    m_phase->setText(phaseText(phase, m_plan.social));
    if (total > 0) {
        m_progress->setRange(0, 1000);
        m_progress->setValue(int(done * 1000 / total));
    } else
        m_progress->setRange(0, 0); // busy
}

void SealDatabaseDialog::finished(const Sealing::Result& result)
{
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
    m_result = result;
    QDialog::accept();
}

void SealDatabaseDialog::failed(const QString& message)
{
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
    }
    setRunning(false);
    m_error->setText(message);
    m_error->show();
    if (m_closeWhenStopped) {
        m_closeWhenStopped = false;
        QDialog::reject();
    }
}

} // namespace cabas::ui
