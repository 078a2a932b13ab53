#pragma once

#include <QDialog>

class QCheckBox;
class QLabel;

namespace cabas::ui {

// Shows a new database's recovery key once (docs/encryption.md): the key in large print, Copy and Print...,
// and a "I have written down the recovery key" box that must be ticked before Continue. Escape and the
// window's close button do nothing until it is ticked: the key exists nowhere else.
class RecoveryKeyDialog : public QDialog
{
    Q_OBJECT
  public:
    // `explanation`: the text above the key (default: the one for a new database).
    explicit RecoveryKeyDialog(const QString& recoveryKey, QWidget* parent = nullptr,
                               const QString& explanation = QString());
    ~RecoveryKeyDialog() override;

    QString recoveryKey() const { return m_key; }

  public slots:
    void reject() override;

  private:
    QString m_key;
    QLabel* m_keyLabel = nullptr;
    QCheckBox* m_confirm = nullptr;
};

} // namespace cabas::ui
