#include "ShownOnce.h"

#include <QCheckBox>
#include <QClipboard>
#include <QDialog>
#include <QDialogButtonBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPrintDialog>
#include <QPrinter>
#include <QPushButton>
#include <QTextDocument>
#include <QVBoxLayout>

namespace cabas::ui {

QCheckBox* ShownOnce::add(QDialog* dialog, QVBoxLayout* layout, const Texts& texts)
{
    auto* actions = new QHBoxLayout();
    auto* copy = new QPushButton(tr("&Copy"), dialog);
    copy->setObjectName(QStringLiteral("copyButton"));
    copy->setAccessibleName(texts.copyName);
    copy->setAutoDefault(false);
    auto* print = new QPushButton(tr("&Print…"), dialog);
    print->setObjectName(QStringLiteral("printButton"));
    print->setAccessibleName(texts.printName);
    print->setAutoDefault(false);
    actions->addWidget(copy);
    actions->addWidget(print);
    actions->addStretch(1);
    layout->addLayout(actions);

    auto* status = new QLabel(dialog);
    status->setObjectName(texts.statusName);
    status->setWordWrap(true);
    status->hide();
    layout->addWidget(status);
    const auto showStatus = [dialog, status, grow = texts.growWithStatus](const QString& message) {
        status->setText(message);
        status->show();
        if (grow)
            dialog->adjustSize();
    };
    QObject::connect(copy, &QPushButton::clicked, dialog, [texts, showStatus] {
        QGuiApplication::clipboard()->setText(texts.secret);
        showStatus(texts.copied);
    });
    QObject::connect(print, &QPushButton::clicked, dialog, [dialog, texts, showStatus] {
        QPrinter printer;
        QPrintDialog printDialog(&printer, dialog);
        printDialog.setWindowTitle(texts.printName);
        if (printDialog.exec() != QDialog::Accepted)
            return;
        QTextDocument page;
        page.setHtml(texts.printedPage());
        page.print(&printer);
        showStatus(texts.printed);
    });

    auto* confirm = new QCheckBox(texts.confirm, dialog);
    confirm->setObjectName(QStringLiteral("confirmCheck"));
    confirm->setAccessibleName(QString(texts.confirm).remove(QLatin1Char('&')));
    layout->addWidget(confirm);

    auto* buttons = new QDialogButtonBox(dialog);
    QPushButton* next = buttons->addButton(tr("C&ontinue"), QDialogButtonBox::AcceptRole);
    next->setObjectName(QStringLiteral("continueButton"));
    next->setEnabled(false);
    QObject::connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    QObject::connect(confirm, &QCheckBox::toggled, next, &QPushButton::setEnabled);
    layout->addWidget(buttons);
    return confirm;
}

} // namespace cabas::ui
