#pragma once

#include "domain/CaseFile.h"
#include "security/Session.h"
#include "store/Database.h"

#include <QDialog>

class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTableWidget;
class QUndoStack;
class QWidget;

namespace cabas::ui {

// The case file of one household, in a window of its own: the household's fields (edited with undo/redo,
// saved with optimistic versioning: when someone else saved meanwhile, a dialog shows their values and this
// user's, field by field, and the user chooses), members with arrivals and departures, status and its
// history, cards and their history (re-issue of a lost or blocked card), consents, the journal of notes, this
// month's allowance, and the areas later sections fill (spendingArea, healthArea, workshopsArea).
class CaseFileView : public QDialog
{
    Q_OBJECT
  public:
    CaseFileView(const store::Database& db, const Session& session, QWidget* parent = nullptr);

    // Reads the household; false when it cannot be read (loadError() says why).
    bool load(const QString& householdCode);
    QString loadError() const { return m_loadError; }
    const Household& household() const { return m_base; }
    QUndoStack* undoStack() const { return m_undo; }

    // Saves the edited fields. True when saved; false when refused (the message is shown) or when it
    // conflicts with someone else's save: then conflictDialog() is open.
    bool save();
    QDialog* conflictDialog() const { return m_conflictDialog; }

    // Sets an edited field as the user would (through the undo stack): address, commune, postcode, notes.
    void edit(const QString& field, const QString& value);

  signals:
    void saved();

  private:
    void fill();
    void fillFields();
    Household edited() const;
    void showMessage(const QString& text, bool error);
    void resolveConflict(const HouseholdConflict& conflict);
    QWidget* buildHouseholdTab();
    QWidget* buildStatusTab();
    QWidget* buildCardsTab();
    QWidget* buildNotesTab();
    QWidget* buildFollowUpTab();

    const store::Database& m_db;
    const Session m_session;
    Household m_base;
    QString m_loadError;
    bool m_filling = false;

    QLabel* m_title = nullptr;
    QLabel* m_allowance = nullptr;
    QLabel* m_message = nullptr;
    QTabWidget* m_tabs = nullptr;
    QLineEdit* m_address = nullptr;
    QLineEdit* m_commune = nullptr;
    QLineEdit* m_postcode = nullptr;
    QPlainTextEdit* m_notes = nullptr;
    QPushButton* m_save = nullptr;
    QUndoStack* m_undo = nullptr;
    QTableWidget* m_members = nullptr;
    QTableWidget* m_history = nullptr;
    QComboBox* m_newStatus = nullptr;
    QDateEdit* m_statusDate = nullptr;
    QLineEdit* m_statusReason = nullptr;
    QTableWidget* m_cards = nullptr;
    QLineEdit* m_newCard = nullptr;
    QComboBox* m_oldCardStatus = nullptr;
    QTableWidget* m_consents = nullptr;
    QTableWidget* m_journal = nullptr;
    QPlainTextEdit* m_newNote = nullptr;
    QDialog* m_conflictDialog = nullptr;
    QWidget* m_healthArea = nullptr;
    QWidget* m_spendingArea = nullptr;
    QWidget* m_workshopsArea = nullptr;
    qint64 m_followUpFor = 0; // the household the follow-up widgets show

    // Puts the household's spending, health badges and workshop history in their areas, each only when the
    // session's role may read it (else a line saying who may).
    void embedFollowUp();
};

} // namespace cabas::ui
