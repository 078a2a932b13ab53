#pragma once

#include "setup/Sealing.h"

#include <QDialog>
#include <vector>

class QCheckBox;
class QLabel;
class QPushButton;

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
    void copy();
    void print();

    QString m_text;
    QLabel* m_status = nullptr;
    QCheckBox* m_confirm = nullptr;
    QPushButton* m_continue = nullptr;
};

} // namespace cabas::ui
