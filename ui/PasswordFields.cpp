#include "PasswordFields.h"

#include "common/Error.h"

#include <QApplication>
#include <QLineEdit>
#include <QScopeGuard>
#include <exception>

namespace cabas::ui {

QString PasswordFields::apply(QLineEdit* password, QLineEdit* confirm, const std::function<void()>& change)
{
    if (password->text() != confirm->text()) {
        confirm->clear();
        confirm->setFocus();
        return tr("The two passwords differ.");
    }
    QApplication::setOverrideCursor(Qt::WaitCursor);
    const auto restore = qScopeGuard([] { QApplication::restoreOverrideCursor(); });
    try {
        change();
    } catch (const Error& e) {
        return e.message();
    } catch (const std::exception& e) {
        return tr("Unexpected error: %1").arg(QString::fromLocal8Bit(e.what()));
    }
    return QString();
}

} // namespace cabas::ui
