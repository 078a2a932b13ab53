#include "TemporaryPasswordsDialog.h"
#include "ShownOnce.h"

#include <QCheckBox>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
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

    ShownOnce::Texts texts;
    texts.secret = m_text;
    texts.copyName = tr("Copy the temporary passwords");
    texts.copied = tr("Copied. Paste them somewhere safe, then copy something else so that they do not stay "
                      "in the clipboard.");
    texts.printName = tr("Print the temporary passwords");
    texts.printedPage = [text = m_text] {
        return QStringLiteral("<h2>%1</h2><pre style=\"font-size: 14pt\">%2</pre>")
            .arg(tr("Cabas: temporary passwords").toHtmlEscaped(), text.toHtmlEscaped());
    };
    texts.printed = tr("Sent to the printer.");
    texts.statusName = QStringLiteral("temporaryPasswordsStatus");
    texts.confirm = tr("I have &written down the temporary passwords");
    m_confirm = ShownOnce::add(this, layout, texts);
}

void TemporaryPasswordsDialog::reject()
{
    if (m_confirm->isChecked())
        QDialog::accept();
}

} // namespace cabas::ui
