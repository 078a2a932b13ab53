#include "ledger/SyncDialog.h"
#include "Accessibility.h"

#include "common/Error.h"
#include "ledger/FeedClient.h"
#include "ledger/SyncEngine.h"
#include "security/Access.h"
#include "store/LedgerRepository.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>
#include <QThread>
#include <QVBoxLayout>

namespace cabas::ui {

namespace {
const QString kUrlKey = QStringLiteral("ledger/feedUrl");
}

QString SyncDialog::tokenFilePath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation))
        .filePath(QStringLiteral("ledger-feed-token"));
}

QString SyncDialog::storedToken()
{
    QFile f(tokenFilePath());
    if (!f.open(QIODevice::ReadOnly))
        return QString();
    return QString::fromUtf8(f.readLine()).trimmed();
}

void SyncDialog::storeToken(const QString& token)
{
    const QString path = tokenFilePath();
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile f(path);
    // Owner only, before a byte of the token is written.
    if (!f.open(QIODevice::WriteOnly) ||
        !f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
        f.write(token.trimmed().toUtf8() + '\n') < 0 || !f.commit())
        throw Error(
            tr("The token could not be saved in %1: %2").arg(QDir::toNativeSeparators(path), f.errorString()),
            Error::Kind::Storage);
}

QString SyncDialog::storedUrl()
{
    return QSettings().value(kUrlKey).toString();
}

SyncDialog::SyncDialog(const store::Database& db, const std::optional<Session>& session, QWidget* parent)
    : QDialog(parent), m_db(db), m_session(session)
{
    setObjectName(QStringLiteral("syncDialog"));
    setWindowTitle(tr("Ledger sync"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    m_url = new QLineEdit(storedUrl(), this);
    m_url->setObjectName(QStringLiteral("syncUrlEdit"));
    m_url->setPlaceholderText(QStringLiteral("https://"));
    form->addRow(tr("Feed &address:"), m_url);
    m_token = new QLineEdit(this);
    m_token->setObjectName(QStringLiteral("syncTokenEdit"));
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(storedToken().isEmpty() ? tr("the token the card operator gave")
                                                        : tr("(saved; type a new one to replace it)"));
    form->addRow(tr("&Token:"), m_token);
    auto* tokenNote =
        new QLabel(tr("The token is kept in %1, readable only by you (no system keychain is used).")
                       .arg(QDir::toNativeSeparators(tokenFilePath())),
                   this);
    tokenNote->setWordWrap(true);
    tokenNote->setObjectName(QStringLiteral("syncTokenNote"));
    form->addRow(QString(), tokenNote);
    layout->addLayout(form);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("syncStatusLabel"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("syncProgress"));
    m_progress->setAccessibleName(tr("Sync progress"));
    m_progress->setRange(0, 0);
    m_progress->hide();
    layout->addWidget(m_progress);
    m_progressText = new QLabel(this);
    m_progressText->setObjectName(QStringLiteral("syncProgressText"));
    layout->addWidget(m_progressText);
    m_result = new QLabel(this);
    m_result->setObjectName(QStringLiteral("syncResultLabel"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_result);

    auto* buttons = new QDialogButtonBox(this);
    m_sync = buttons->addButton(tr("&Sync now"), QDialogButtonBox::ActionRole);
    m_sync->setObjectName(QStringLiteral("syncButton"));
    m_sync->setDefault(true); // Enter syncs; Escape closes
    m_cancel = buttons->addButton(tr("Cancel the sync"), QDialogButtonBox::ActionRole);
    m_cancel->setObjectName(QStringLiteral("syncCancelButton"));
    QPushButton* close = buttons->addButton(QDialogButtonBox::Close);
    close->setObjectName(QStringLiteral("syncCloseButton"));
    layout->addWidget(buttons);
    connect(m_sync, &QPushButton::clicked, this, &SyncDialog::startSync);
    connect(m_cancel, &QPushButton::clicked, this, &SyncDialog::cancelSync);
    connect(close, &QPushButton::clicked, this, &QDialog::reject);

    const bool allowed =
        m_session && AccessPolicy::allows(m_session->role(), DataKind::Ledger, Action::Write);
    if (!allowed) {
        m_sync->setEnabled(false);
        m_url->setEnabled(false);
        m_token->setEnabled(false);
        if (m_session)
            m_result->setText(AccessPolicy::refusal(m_session->role(), DataKind::Ledger, Action::Write));
    }
    m_cancel->setEnabled(false);
    resize(560, sizeHint().height());
    refreshStatus();
    a11y::connectLabels(this);
}

SyncDialog::~SyncDialog()
{
    if (m_thread) {
        m_cancelFlag->store(true);
        m_thread->wait();
        delete m_thread;
    }
}

void SyncDialog::refreshStatus()
{
    try {
        const store::LedgerRepository repo(m_db);
        QStringList lines;
        for (const QString& feed : {store::kCardsFeed, store::kEntriesFeed}) {
            const store::LedgerSyncState s = repo.syncState(feed);
            const QString name = feed == store::kCardsFeed ? tr("Cards") : tr("Entries");
            const QLocale locale;
            if (s.lastStatus.isEmpty())
                lines << tr("%1: never synced.").arg(name);
            else if (s.lastStatus == QLatin1String("ok"))
                lines << tr("%1: synced on %2.")
                             .arg(name, locale.toString(s.lastSyncAt.toLocalTime(), QLocale::ShortFormat));
            else
                lines << tr("%1: the sync of %2 failed: %3%4")
                             .arg(name, locale.toString(s.lastSyncAt.toLocalTime(), QLocale::ShortFormat),
                                  s.lastError,
                                  s.lastSuccessAt.isValid()
                                      ? tr(" (last success: %1)")
                                            .arg(locale.toString(s.lastSuccessAt.toLocalTime(),
                                                                 QLocale::ShortFormat))
                                      : QString());
        }
        m_status->setText(lines.join(QLatin1Char('\n')));
    } catch (const Error& e) {
        m_status->setText(e.message());
    }
}

void SyncDialog::setRunning(bool running)
{
    m_sync->setEnabled(!running);
    m_url->setEnabled(!running);
    m_token->setEnabled(!running);
    m_cancel->setEnabled(running);
    m_progress->setVisible(running);
}

void SyncDialog::startSync()
{
    if (running() || !m_session)
        return;
    const QString url = m_url->text().trimmed();
    try {
        ledger::FeedClient::checkUrl(url);
        if (!m_token->text().trimmed().isEmpty()) {
            storeToken(m_token->text());
            m_token->clear();
            m_token->setPlaceholderText(tr("(saved; type a new one to replace it)"));
        }
    } catch (const Error& e) {
        m_result->setText(e.message());
        emit finished(false, e.message());
        return;
    }
    const QString token = storedToken();
    if (token.isEmpty()) {
        const QString message = tr("Type the token the card operator gave.");
        m_result->setText(message);
        emit finished(false, message);
        return;
    }
    QSettings().setValue(kUrlKey, url);

    ledger::SyncOptions options;
    options.client.baseUrl = url;
    options.client.token = token;
    m_cancelFlag = std::make_shared<std::atomic_bool>(false);
    const auto cancelFlag = m_cancelFlag;
    const Session session = *m_session;
    const store::Database* db = &m_db;
    QPointer<SyncDialog> self(this);
    options.progress = [self](const ledger::SyncProgress& p) {
        QMetaObject::invokeMethod(self.data(), [self, p] {
            if (self)
                self->m_progressText->setText(
                    tr("%1 pages, %2 cards, %3 entries received").arg(p.pages).arg(p.cards).arg(p.entries));
        });
    };
    options.client.notice = [self](const QString& notice) {
        QMetaObject::invokeMethod(self.data(), [self, notice] {
            if (self)
                self->m_result->setText(notice);
        });
    };
    m_result->clear();
    m_progressText->setText(tr("Connecting to %1…").arg(url));
    setRunning(true);
    // The worker opens its own connection: a Qt SQL connection belongs to the thread that opened it.
    m_thread = QThread::create([=]() mutable {
        options.cancel = cancelFlag.get();
        bool ok = false;
        QString message;
        try {
            auto connection = db->reopen();
            const ledger::SyncResult r = ledger::SyncEngine(*connection, session, options).run();
            ok = true;
            message = tr("Synced: %1 cards and %2 entries received; %3 new, %4 revised (%5 s).")
                          .arg(r.cards)
                          .arg(r.entries)
                          .arg(r.newEntries)
                          .arg(r.revised)
                          .arg(double(r.durationMs) / 1000.0, 0, 'f', 1);
        } catch (const Error& e) {
            message = e.message();
        } catch (const std::exception& e) {
            message = QString::fromLocal8Bit(e.what());
        }
        QMetaObject::invokeMethod(self.data(), [self, ok, message] {
            if (self)
                self->done(ok, message);
        });
    });
    m_thread->setObjectName(QStringLiteral("cabas-sync"));
    m_thread->start();
}

void SyncDialog::cancelSync()
{
    if (m_cancelFlag)
        m_cancelFlag->store(true);
    m_progressText->setText(tr("Stopping after the current page…"));
}

void SyncDialog::done(bool ok, const QString& message)
{
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
    }
    setRunning(false);
    m_progressText->clear();
    m_result->setText(message);
    refreshStatus();
    emit finished(ok, message);
}

} // namespace cabas::ui
