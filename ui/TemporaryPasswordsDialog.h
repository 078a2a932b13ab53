#pragma once

#include "setup/Sealing.h"

#include <QDialog>
#include <vector>

class QCheckBox;

namespace cabas::ui {

// The temporary passwords a sealing gave the other users (docs/encryption.md, step 5), shown once like the
// recovery key: the list, Copy and Print…, and "I have written them down" to tick before Continue; Escape
// and the close button do nothing until then.
class TemporaryPasswordsDialog : public QDialog
{
    Q_OBJECT
  public:
    explicit TemporaryPasswordsDialog(const std::vector<Sealing::TemporaryPassword>& passwords,
                                      QWidget* parent = nullptr);

    QString text() const { return m_text; }

  public slots:
    void reject() override;

  private:
    QString m_text;
    QCheckBox* m_confirm = nullptr;
};

} // namespace cabas::ui
