#include "RecoveryKeyDialog.h"

#include <QCheckBox>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPrintDialog>
#include <QPrinter>
#include <QPushButton>
#include <QTextDocument>
#include <QVBoxLayout>

namespace cabas::ui {

RecoveryKeyDialog::RecoveryKeyDialog(const QString& recoveryKey, QWidget* parent,
                                     const QString& explanationText)
    : QDialog(parent), m_key(recoveryKey)
{
    setObjectName(QStringLiteral("recoveryKeyDialog"));
    setWindowTitle(tr("Recovery key"));
    setMinimumWidth(520);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(20, 20, 20, 16);
    layout->setSpacing(12);

    auto* heading = new QLabel(tr("Write down the recovery key"), this);
    heading->setObjectName(QStringLiteral("recoveryKeyHeading"));
    QFont headingFont = heading->font();
    if (headingFont.pointSizeF() > 0)
        headingFont.setPointSizeF(headingFont.pointSizeF() * 1.3);
    headingFont.setBold(true);
    heading->setFont(headingFont);
    layout->addWidget(heading);

    auto* explanation = new QLabel(
        !explanationText.isEmpty()
            ? explanationText
            : tr("This is the recovery key of the new database. It is shown only this once and Cabas keeps "
                 "no "
                 "copy of it. If every administrator's password is lost, it is the only way to open the "
                 "database's keys. Write it down or print it, and keep it in a safe place, away from this "
                 "computer."),
        this);
    explanation->setObjectName(QStringLiteral("recoveryKeyExplanation"));
    explanation->setWordWrap(true);
    layout->addWidget(explanation);

    m_keyLabel = new QLabel(m_key, this);
    m_keyLabel->setObjectName(QStringLiteral("recoveryKeyLabel"));
    m_keyLabel->setAccessibleName(tr("Recovery key"));
    m_keyLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_keyLabel->setAlignment(Qt::AlignCenter);
    QFont keyFont = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    if (keyFont.pointSizeF() > 0)
        keyFont.setPointSizeF(keyFont.pointSizeF() * 1.4);
    keyFont.setBold(true);
    m_keyLabel->setFont(keyFont);
    m_keyLabel->setFrameShape(QFrame::StyledPanel);
    m_keyLabel->setContentsMargins(12, 12, 12, 12);
    layout->addWidget(m_keyLabel);

    auto* actions = new QHBoxLayout();
    auto* copy = new QPushButton(tr("&Copy"), this);
    copy->setObjectName(QStringLiteral("copyButton"));
    copy->setAccessibleName(tr("Copy the recovery key"));
    copy->setAutoDefault(false);
    connect(copy, &QPushButton::clicked, this, &RecoveryKeyDialog::copyKey);
    auto* print = new QPushButton(tr("&Print…"), this);
    print->setObjectName(QStringLiteral("printButton"));
    print->setAccessibleName(tr("Print the recovery key"));
    print->setAutoDefault(false);
    connect(print, &QPushButton::clicked, this, &RecoveryKeyDialog::printKey);
    actions->addWidget(copy);
    actions->addWidget(print);
    actions->addStretch(1);
    layout->addLayout(actions);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("recoveryKeyStatus"));
    m_status->setWordWrap(true);
    m_status->hide();
    layout->addWidget(m_status);

    m_confirm = new QCheckBox(tr("I have &written down the recovery key"), this);
    m_confirm->setObjectName(QStringLiteral("confirmCheck"));
    m_confirm->setAccessibleName(tr("I have written down the recovery key"));
    layout->addWidget(m_confirm);

    auto* buttons = new QDialogButtonBox(this);
    m_continue = buttons->addButton(tr("C&ontinue"), QDialogButtonBox::AcceptRole);
    m_continue->setObjectName(QStringLiteral("continueButton"));
    m_continue->setEnabled(false);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_confirm, &QCheckBox::toggled, m_continue, &QPushButton::setEnabled);
    layout->addWidget(buttons);
}

RecoveryKeyDialog::~RecoveryKeyDialog() = default;

void RecoveryKeyDialog::reject()
{
    if (m_confirm->isChecked())
        QDialog::accept(); // the key is written down: closing the window continues
}

void RecoveryKeyDialog::copyKey()
{
    QGuiApplication::clipboard()->setText(m_key);
    m_status->setText(tr("Copied. Paste it somewhere safe, then copy something else so that it does not stay "
                         "in the clipboard."));
    showStatus();
}

void RecoveryKeyDialog::printKey()
{
    QPrinter printer;
    QPrintDialog dialog(&printer, this);
    dialog.setWindowTitle(tr("Print the recovery key"));
    if (dialog.exec() != QDialog::Accepted)
        return;
    QTextDocument page;
    const QString text =
        QStringLiteral(
            "<h2>%1</h2><p>%2</p><p style=\"font-family: monospace; font-size: 20pt\"><b>%3</b></p>")
            .arg(tr("Cabas: recovery key").toHtmlEscaped(),
                 tr("Keep this page in a safe place. It opens the database's keys when every administrator's "
                    "password is lost.")
                     .toHtmlEscaped(),
                 m_key.toHtmlEscaped());
    page.setHtml(text);
    page.print(&printer);
    m_status->setText(tr("Sent to the printer."));
    showStatus();
}

void RecoveryKeyDialog::showStatus()
{
    m_status->show();
    adjustSize(); // the window grows with the message instead of squeezing the key and the explanation
}

} // namespace cabas::ui
