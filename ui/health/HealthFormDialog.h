#pragma once

#include "security/Session.h"
#include "store/Database.h"

#include <QDialog>
#include <optional>

class QDateEdit;
class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;

namespace cabas::ui {

// What the nurses' record forms share: a title naming the person, a form, a message next to each field that
// has a problem, the core's refusal (consent, access, a wave already recorded) above the buttons, and Save,
// disabled while a field has a problem. Saving goes through HealthService as the session's user; the dialog
// closes (accepted) only when the core wrote the record.
class HealthFormDialog : public QDialog
{
    Q_OBJECT
  public:
    HealthFormDialog(const store::Database& db, const Session& session, const QString& personCode,
                     const QString& personName, QWidget* parent);

    // Checks the fields and saves through the core; false (and the reason shown) when nothing was written.
    bool save();
    QPushButton* saveButton() const { return m_save; }
    // The problems of the fields as they are (empty: Save is enabled).
    QStringList fieldProblems() const { return m_problems; }

  protected:
    // The subclass checks its fields and shows their messages (setMessage); returns every problem.
    virtual QStringList check() = 0;
    // Writes through the core; throws cabas::Error.
    virtual void write() = 0;

    // Call after building the fields.
    void finishLayout();
    // Re-checks the fields and enables Save accordingly.
    void revalidate();

    // A field followed by its unit, and a message line under it.
    void addField(const QString& label, QWidget* field, const QString& unit, QLabel* message);
    QLabel* makeMessage(const char* objectName);
    static void setMessage(QLabel* label, const QString& message);
    QDateEdit* makeDateEdit(const char* objectName);
    // The programme's waves, the first one not yet in `done` chosen.
    QComboBox* makeWaveCombo(const char* objectName, const QStringList& done);

    // A decimal number typed in the user's locale (a dot is accepted too). nullopt when empty; `ok` false
    // when it is not a number.
    static std::optional<double> parseNumber(const QString& text, bool* ok);
    // "field: message" of the core → message, for the field's label; empty when the prefix differs.
    static QString messageFor(const QStringList& problems, const QString& field);

    const store::Database& m_db;
    const Session m_session;
    const QString m_personCode;
    QFormLayout* m_form = nullptr;

  private:
    QLabel* m_error = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
    QPushButton* m_save = nullptr;
    QStringList m_problems;
};

} // namespace cabas::ui
