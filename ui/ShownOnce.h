#pragma once

#include <QCoreApplication>
#include <QString>
#include <functional>

class QCheckBox;
class QDialog;
class QVBoxLayout;

namespace cabas::ui {

// What the dialogs that show a secret only once share (RecoveryKeyDialog, TemporaryPasswordsDialog): Copy
// and Print… under the secret, a status line, an "I have written it down" box and Continue, enabled once the
// box is ticked. The dialog's reject() should close it only when the box is ticked.
class ShownOnce
{
    Q_DECLARE_TR_FUNCTIONS(ShownOnce)
  public:
    struct Texts
    {
        QString secret;                       // what Copy puts in the clipboard
        QString copyName;                     // Copy's accessible name
        QString copied;                       // the status line after Copy
        QString printName;                    // Print…'s accessible name and the print dialog's title
        std::function<QString()> printedPage; // the HTML page printed
        QString printed;                      // the status line after printing
        QString statusName;                   // the status line's objectName
        bool growWithStatus = false;          // the window grows with the status line (instead of squeezing)
        QString confirm; // the box's text, with its shortcut (without it: its accessible name)
    };
    // Adds the buttons, the status line, the box ("confirmCheck") and Continue ("continueButton", which
    // accepts the dialog) to `layout`; returns the box.
    static QCheckBox* add(QDialog* dialog, QVBoxLayout* layout, const Texts& texts);
};

} // namespace cabas::ui
