#include "TemporaryPasswordsDialog.h"

#include <QCheckBox>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPrintDialog>
#include <QPrinter>
#include <QPushButton>
#include <QTextDocument>
#include <QVBoxLayout>

namespace cabas::ui {

TemporaryPasswordsDialog::TemporaryPasswordsDialog(const std::vector<Sealing::TemporaryPassword>& passwords,
                                                   QWidget* parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("temporaryPasswordsDialog"));
    setWindowTitle(tr("Temporary passwords"));
    setMinimumWidth(560);
    QStringList lines;
    for (const auto& p : passwords)
        lines << tr("%1 (%2, %3): %4").arg(p.login, p.displayName, displayName(p.role), p.password);
    m_text = lines.join(QLatin1Char('\n'));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(20, 20, 20, 16);
    layout->setSpacing(12);
    auto* heading = new QLabel(tr("Write down the users' temporary passwords"), this);
    heading->setObjectName(QStringLiteral("temporaryPasswordsHeading"));
    QFont headingFont = heading->font();
    if (headingFont.pointSizeF() > 0)
        headingFont.setPointSizeF(headingFont.pointSizeF() * 1.3);
    headingFont.setBold(true);
    heading->setFont(headingFont);
    layout->addWidget(heading);
    auto* explanation = new QLabel(
        tr("The database is now encrypted. The other users' passwords could not open its keys, so each got a "
           "new temporary password. They are shown only this once and Cabas keeps no copy: give each user "
           "theirs in person, and ask them to change it."),
        this);
    explanation->setObjectName(QStringLiteral("temporaryPasswordsExplanation"));
    explanation->setWordWrap(true);
    layout->addWidget(explanation);

    auto* list = new QPlainTextEdit(m_text, this);
    list->setObjectName(QStringLiteral("temporaryPasswordsList"));
    list->setAccessibleName(tr("Temporary passwords"));
    list->setReadOnly(true);
    list->setTabChangesFocus(true);
    list->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    layout->addWidget(list);

    auto* actions = new QHBoxLayout();
    auto* copyButton = new QPushButton(tr("&Copy"), this);
    copyButton->setObjectName(QStringLiteral("copyButton"));
    copyButton->setAccessibleName(tr("Copy the temporary passwords"));
    copyButton->setAutoDefault(false);
    connect(copyButton, &QPushButton::clicked, this, &TemporaryPasswordsDialog::copy);
    auto* printButton = new QPushButton(tr("&Print…"), this);
    printButton->setObjectName(QStringLiteral("printButton"));
    printButton->setAccessibleName(tr("Print the temporary passwords"));
    printButton->setAutoDefault(false);
    connect(printButton, &QPushButton::clicked, this, &TemporaryPasswordsDialog::print);
    actions->addWidget(copyButton);
    actions->addWidget(printButton);
    actions->addStretch(1);
    layout->addLayout(actions);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("temporaryPasswordsStatus"));
    m_status->setWordWrap(true);
    m_status->hide();
    layout->addWidget(m_status);

    m_confirm = new QCheckBox(tr("I have &written down the temporary passwords"), this);
    m_confirm->setObjectName(QStringLiteral("confirmCheck"));
    m_confirm->setAccessibleName(tr("I have written down the temporary passwords"));
    layout->addWidget(m_confirm);

    auto* buttons = new QDialogButtonBox(this);
    m_continue = buttons->addButton(tr("C&ontinue"), QDialogButtonBox::AcceptRole);
    m_continue->setObjectName(QStringLiteral("continueButton"));
    m_continue->setEnabled(false);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_confirm, &QCheckBox::toggled, m_continue, &QPushButton::setEnabled);
    layout->addWidget(buttons);
}

void TemporaryPasswordsDialog::reject()
{
    if (m_confirm->isChecked())
        QDialog::accept();
}

void TemporaryPasswordsDialog::copy()
{
    QGuiApplication::clipboard()->setText(m_text);
    m_status->setText(
        tr("Copied. Paste them somewhere safe, then copy something else so that they do not stay "
           "in the clipboard."));
    m_status->show();
}

void TemporaryPasswordsDialog::print()
{
    QPrinter printer;
    QPrintDialog dialog(&printer, this);
    dialog.setWindowTitle(tr("Print the temporary passwords"));
    if (dialog.exec() != QDialog::Accepted)
        return;
    QTextDocument page;
    page.setHtml(QStringLiteral("<h2>%1</h2><pre style=\"font-size: 14pt\">%2</pre>")
                     .arg(tr("Cabas: temporary passwords").toHtmlEscaped(), m_text.toHtmlEscaped()));
    page.print(&printer);
    m_status->setText(tr("Sent to the printer."));
    m_status->show();
}

} // namespace cabas::ui
