#include "RecoveryKeyDialog.h"
#include "ShownOnce.h"

#include <QCheckBox>
#include <QFontDatabase>
#include <QLabel>
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

    ShownOnce::Texts texts;
    texts.secret = m_key;
    texts.copyName = tr("Copy the recovery key");
    texts.copied = tr("Copied. Paste it somewhere safe, then copy something else so that it does not stay "
                      "in the clipboard.");
    texts.printName = tr("Print the recovery key");
    texts.printedPage = [key = m_key] {
        return QStringLiteral(
                   "<h2>%1</h2><p>%2</p><p style=\"font-family: monospace; font-size: 20pt\"><b>%3</b></p>")
            .arg(tr("Cabas: recovery key").toHtmlEscaped(),
                 tr("Keep this page in a safe place. It opens the database's keys when every administrator's "
                    "password is lost.")
                     .toHtmlEscaped(),
                 key.toHtmlEscaped());
    };
    texts.printed = tr("Sent to the printer.");
    texts.statusName = QStringLiteral("recoveryKeyStatus");
    // The window grows with the message instead of squeezing the key and the explanation.
    texts.growWithStatus = true;
    texts.confirm = tr("I have &written down the recovery key");
    m_confirm = ShownOnce::add(this, layout, texts);
}

RecoveryKeyDialog::~RecoveryKeyDialog() = default;

void RecoveryKeyDialog::reject()
{
    if (m_confirm->isChecked())
        QDialog::accept(); // the key is written down: closing the window continues
}

} // namespace cabas::ui
